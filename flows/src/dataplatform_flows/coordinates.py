"""Where things are: read from the Prefect variables the platform writes, never hard-coded.

The variable names live in one data file, ``contracts/prefect-variables.json`` (shipped in the wheel as
``dataplatform_flows/prefect-variables.json``); this module only reads them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from prefect.variables import Variable

CONTRACT_FILE = "prefect-variables.json"


class CoordinatesError(RuntimeError):
    """A Prefect variable the flows need is missing or malformed."""


@cache
def contract() -> dict[str, Any]:
    packaged = resources.files("dataplatform_flows").joinpath(CONTRACT_FILE)
    if packaged.is_file():
        data: dict[str, Any] = json.loads(packaged.read_text(encoding="utf-8"))
        return data
    # A source checkout (editable install): the repository's contracts/ folder.
    repo_file = Path(__file__).resolve().parents[3] / "contracts" / CONTRACT_FILE
    data = json.loads(repo_file.read_text(encoding="utf-8"))
    return data


def variable_names(domain: str | None = None) -> dict[str, str]:
    """Short key -> Prefect variable name; with ``domain``, the per-domain names too."""
    c = contract()
    names = {_key(v["name"]): v["name"] for v in c["platform"]}
    if domain is not None:
        names.update({_key(v["name"]): v["name"].replace("{domain}", domain) for v in c["domain"]})
    return names


def _key(name: str) -> str:
    return name.removeprefix("dataplatform_").removeprefix("domain_{domain}_")


def _read(name: str) -> Any:
    value = Variable.get(name)
    if value is None or value == "":
        raise CoordinatesError(f"Prefect variable {name!r} is not set: the platform writes it on deploy (contracts/prefect-variables.json)")
    return value


def _read_json(name: str) -> Any:
    """A JSON variable: Prefect stores JSON values as such, but one written as text is parsed too."""
    value = _read(name)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise CoordinatesError(f"Prefect variable {name!r} is not JSON: {exc}") from exc
    return value


def _str(name: str) -> str:
    value = _read(name)
    if not isinstance(value, str):
        raise CoordinatesError(f"Prefect variable {name!r} must be a string, got {type(value).__name__}")
    return value.rstrip("/")


@dataclass(frozen=True)
class Vault:
    id: str
    region: str


@dataclass(frozen=True)
class Platform:
    environment: str
    subscription_id: str
    resource_group: str
    arm_endpoint: str
    data_factory_name: str

    @property
    def factory_id(self) -> str:
        return (
            f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"
            f"/providers/Microsoft.DataFactory/factories/{self.data_factory_name}"
        )


@dataclass(frozen=True)
class Domain:
    name: str
    synapse_endpoint: str
    team: str
    cost_center: str


def platform() -> Platform:
    n = variable_names()
    return Platform(
        environment=_str(n["environment"]),
        subscription_id=_str(n["subscription_id"]),
        resource_group=_str(n["resource_group"]),
        arm_endpoint=_str(n["arm_endpoint"]),
        data_factory_name=_str(n["data_factory_name"]),
    )


def domain(name: str) -> Domain:
    n = variable_names(name)
    return Domain(
        name=name,
        synapse_endpoint=_str(n["synapse_endpoint"]),
        team=_str(n["team"]),
        cost_center=_str(n["cost_center"]),
    )


def backup_vaults() -> list[Vault]:
    name = variable_names()["backup_vaults"]
    value = _read_json(name)
    if not isinstance(value, list) or not value:
        raise CoordinatesError(f"Prefect variable {name!r} must be a non-empty list of {{id, region}}")
    vaults: list[Vault] = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not isinstance(item.get("region"), str):
            raise CoordinatesError(f"Prefect variable {name!r}: each entry needs string 'id' and 'region', got {item!r}")
        if "/providers/Microsoft.DataProtection/backupVaults/" not in item["id"]:
            raise CoordinatesError(f"Prefect variable {name!r}: {item['id']!r} is not a backup vault ID")
        vaults.append(Vault(id=item["id"], region=item["region"]))
    return vaults


def run_tags(p: Platform, d: Domain) -> list[str]:
    """The cost-review tags every flow run carries."""
    return [f"env:{p.environment}", f"domain:{d.name}", f"team:{d.team}", f"cost-center:{d.cost_center}"]


def key_vault_uri() -> str:
    """The environment's Key Vault URI (reached through its private endpoint)."""
    return _str(variable_names()["key_vault_uri"]) + "/"


def lake_urls(domain_name: str) -> dict[str, str]:
    """The domain's lake filesystems: purpose -> https://<account>.dfs.core.windows.net/<filesystem>."""
    name = variable_names(domain_name)["lake_urls"]
    value = _read_json(name)
    if not isinstance(value, dict) or not value or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise CoordinatesError(f"Prefect variable {name!r} must be a non-empty object of filesystem -> URL")
    return {k: v.rstrip("/") for k, v in value.items()}
