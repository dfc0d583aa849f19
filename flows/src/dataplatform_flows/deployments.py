"""Deployments as code: every standard flow registered to every data domain's work pool, from a desired-state JSON.

Run as ``python -m dataplatform_flows.deployments desired-state.json [--dry-run]`` with ``PREFECT_API_URL`` and
``PREFECT_API_AUTH_STRING`` set: the same code path the platform runs from inside the VNet (a Container Apps Job),
idempotent (an unchanged deployment is not written), and it never deletes anything.

Desired state::

    {"environment": "dev",
     "domains": [{"name": "sales", "workPool": "sales", "team": "sales-eng", "costCenter": "cc-1001",
                  "parameters": {"adf-pipeline-run": {"timeout_seconds": 7200}}}]}
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prefect import Flow, get_client
from prefect.client.orchestration import PrefectClient
from prefect.exceptions import ObjectNotFound

from .flows import adf_pipeline_run, backup_on_demand, synapse_pipeline_run

#: flow -> entrypoint the worker imports (the package is installed in the worker image).
FLOWS: dict[str, tuple[Flow[Any, Any], str]] = {
    "adf-pipeline-run": (adf_pipeline_run, "dataplatform_flows.flows:adf_pipeline_run"),
    "synapse-pipeline-run": (synapse_pipeline_run, "dataplatform_flows.flows:synapse_pipeline_run"),
    "backup-on-demand": (backup_on_demand, "dataplatform_flows.flows:backup_on_demand"),
}
#: Marks what this module created, so nothing else is ever touched.
MANAGED_BY = "managed-by:dataplatform-flows"
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class DesiredStateError(ValueError):
    """The desired-state input is malformed; nothing was registered."""


@dataclass(frozen=True)
class DeploymentSpec:
    flow_name: str
    name: str
    work_pool: str
    entrypoint: str
    tags: tuple[str, ...]
    parameters: dict[str, Any]

    @property
    def full_name(self) -> str:
        return f"{self.flow_name}/{self.name}"


def desired_deployments(state: dict[str, Any]) -> list[DeploymentSpec]:
    """Validate the whole input first (bad input registers nothing), then list one deployment per flow x domain."""
    env = state.get("environment")
    if not isinstance(env, str) or not _NAME.match(env):
        raise DesiredStateError(f"environment must be a lowercase name, got {env!r}")
    domains = state.get("domains")
    if not isinstance(domains, list) or not domains:
        raise DesiredStateError("domains must be a non-empty list")
    seen: set[str] = set()
    specs: list[DeploymentSpec] = []
    for d in domains:
        if not isinstance(d, dict):
            raise DesiredStateError(f"each domain must be an object, got {d!r}")
        name, pool, team, cost = d.get("name"), d.get("workPool"), d.get("team"), d.get("costCenter")
        for field_name, value in (("name", name), ("workPool", pool), ("team", team), ("costCenter", cost)):
            if not isinstance(value, str) or not value:
                raise DesiredStateError(f"domain {name!r}: {field_name} must be a non-empty string")
        assert isinstance(name, str) and isinstance(pool, str)
        if not _NAME.match(name):
            raise DesiredStateError(f"domain name {name!r}: lowercase letters, digits and '-' only, at most 63")
        if name in seen:
            raise DesiredStateError(f"domain {name!r} is listed twice")
        seen.add(name)
        overrides = d.get("parameters", {})
        if not isinstance(overrides, dict) or set(overrides) - set(FLOWS):
            raise DesiredStateError(f"domain {name!r}: parameters may only name {sorted(FLOWS)}")
        tags = (f"env:{env}", f"domain:{name}", f"team:{team}", f"cost-center:{cost}", MANAGED_BY)
        for flow_name, (_, entrypoint) in FLOWS.items():
            params = {"domain": name, **overrides.get(flow_name, {})}
            specs.append(DeploymentSpec(flow_name, name, pool, entrypoint, tags, params))
    return specs


async def apply(client: PrefectClient, specs: list[DeploymentSpec]) -> dict[str, list[str]]:
    """Create what is missing, update what differs, leave the rest; returns created/updated/unchanged names."""
    result: dict[str, list[str]] = {"created": [], "updated": [], "unchanged": []}
    pools = {s.work_pool for s in specs}
    for pool in sorted(pools):
        try:
            await client.read_work_pool(pool)
        except ObjectNotFound as exc:
            raise DesiredStateError(f"work pool {pool!r} does not exist: the Prefect configuration creates it first") from exc
    for spec in specs:
        flow_obj = FLOWS[spec.flow_name][0]
        schema = _schema(flow_obj)
        try:
            existing = await client.read_deployment_by_name(spec.full_name)
        except ObjectNotFound:
            existing = None
        if existing is not None:
            same = (
                existing.work_pool_name == spec.work_pool
                and existing.entrypoint == spec.entrypoint
                and sorted(existing.tags) == sorted(spec.tags)
                and existing.parameters == spec.parameters
                and existing.parameter_openapi_schema == schema
            )
            if same:
                result["unchanged"].append(spec.full_name)
                continue
            if MANAGED_BY not in existing.tags:
                raise DesiredStateError(f"deployment {spec.full_name} exists and was not created by this module; not touching it")
        flow_id = await client.create_flow_from_name(spec.flow_name)
        await client.create_deployment(
            flow_id=flow_id,
            name=spec.name,
            work_pool_name=spec.work_pool,
            entrypoint=spec.entrypoint,
            tags=list(spec.tags),
            parameters=spec.parameters,
            parameter_openapi_schema=schema,
            enforce_parameter_schema=True,
            description=(flow_obj.description or "").strip().splitlines()[0] if flow_obj.description else None,
        )
        result["updated" if existing is not None else "created"].append(spec.full_name)
    return result


def _schema(flow_obj: Flow[Any, Any]) -> dict[str, Any]:
    from prefect.utilities.callables import parameter_schema

    return parameter_schema(flow_obj.fn).model_dump_for_openapi()


async def _main_async(path: Path, dry_run: bool) -> dict[str, Any]:
    state = json.loads(path.read_text(encoding="utf-8"))
    specs = desired_deployments(state)
    if dry_run:
        return {"plan": [{"deployment": s.full_name, "workPool": s.work_pool, "tags": list(s.tags)} for s in specs]}
    async with get_client() as client:
        return await apply(client, specs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dataplatform_flows.deployments", description=__doc__.splitlines()[0])
    parser.add_argument("desired_state", type=Path)
    parser.add_argument("--dry-run", action="store_true", help="print the deployments without contacting Prefect")
    args = parser.parse_args(argv)
    try:
        out = asyncio.run(_main_async(args.desired_state, args.dry_run))
    except DesiredStateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(out, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
