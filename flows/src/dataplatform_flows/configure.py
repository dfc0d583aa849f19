"""Prefect configuration as code (issue 11 point 4, issue 12 point 6): work pools, global concurrency limits, variables
and deployments, applied from the desired state the platform renders (contracts/prefect-config.ts).

Run as ``python -m dataplatform_flows.configure [--domain NAME] [--dry-run]`` with the desired state's JSON in
``DATAPLATFORM_PREFECT_CONFIG`` (and optionally its sha256 in ``DATAPLATFORM_PREFECT_CONFIG_SHA256``), plus
``PREFECT_API_URL`` / ``PREFECT_API_AUTH_STRING``. Each domain worker app runs this as its init container, inside the
VNet, before ``prefect worker start``: with ``--domain`` only the platform-wide items (global concurrency limits,
platform variables) and that domain's pool, variables and deployments are applied.

Rules: the whole input is validated before anything is written (exit 2 naming every problem); the server's health
endpoint is awaited with bounded exponential backoff (exit 4 when it never answers); every object that would be
touched is read first, and one that exists without the managed marker is a conflict (exit 3, nothing written);
objects are created or updated, never deleted; a second apply of the same state writes nothing. Several workers start
at once: a create that loses the race (HTTP 409, ``ObjectAlreadyExists``) is re-read and treated as an update.

Where the marker lives: variables and deployments carry it as a tag, work pools as the first word of their
description. Global concurrency limits have neither tags nor a description (``GlobalConcurrencyLimitCreate`` in
PrefectHQ/prefect src/prefect/client/schemas/actions.py: name, limit, active, active_slots, slot_decay_per_second),
so each managed limit has a companion variable ``dataplatform_managed_gcl_<name>`` tagged with the marker whose value
is the limit's description; a limit without its tagged companion is not the platform's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import random
import re
import ssl
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import httpx
from prefect.client.orchestration import PrefectClient, get_client
from prefect.client.schemas.actions import (
    GlobalConcurrencyLimitCreate,
    GlobalConcurrencyLimitUpdate,
    VariableCreate,
    VariableUpdate,
    WorkPoolCreate,
    WorkPoolUpdate,
)
from prefect.client.schemas.objects import Variable, WorkPool
from prefect.client.schemas.responses import DeploymentResponse, GlobalConcurrencyLimitResponse
from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
from prefect.settings import get_current_settings
from prefect.types import MAX_VARIABLE_VALUE_LENGTH
from prefect.utilities.schema_tools.validation import validate as validate_against_schema

from . import deployments
from .coordinates import contract
from .deployments import FLOWS, MANAGED_BY, DeploymentSpec

DESIRED_STATE_ENV = "DATAPLATFORM_PREFECT_CONFIG"
DESIRED_STATE_SHA_ENV = "DATAPLATFORM_PREFECT_CONFIG_SHA256"
#: Companion variable that marks a global concurrency limit as the platform's (see the module docstring).
GCL_MARKER_VARIABLE = "dataplatform_managed_gcl_{name}"

EXIT_FAILED, EXIT_BAD_STATE, EXIT_CONFLICT, EXIT_UNAVAILABLE = 1, 2, 3, 4

# Domain names as dataplatform:dataDomains allows them; no '_' so that '{domain}' in a variable name is unambiguous.
_DOMAIN = re.compile(r"^[a-z][a-z0-9-]{0,62}$")
_ENVIRONMENT = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
# Global concurrency limit names also appear in their companion variable's name (letters, digits, '-', '_').
_LIMIT_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,99}$")
_TAG = re.compile(r"^[^\s,]{1,100}$")


class DesiredStateError(ValueError):
    """The desired state is malformed; nothing was applied. Lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid Prefect desired state (nothing applied):\n" + "\n".join(f"  - {p}" for p in problems))


class ConflictError(RuntimeError):
    """Objects with the platform's names exist without the managed marker: they are not the platform's to change."""

    def __init__(self, conflicts: list[str]) -> None:
        self.conflicts = conflicts
        super().__init__(
            "Prefect objects exist that the platform did not create (no managed marker); nothing was changed:\n"
            + "\n".join(f"  - {c}" for c in conflicts)
            + f"\nRename or remove them, or hand them over by adding the marker ({MANAGED_BY!r}) as described in"
            " docs/components.md#prefect-configuration-as-code."
        )


class ServerUnavailable(RuntimeError):
    """The Prefect server did not answer its health endpoint in time."""


# --- the desired state -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkPoolSpec:
    name: str
    domain: str
    concurrency_limit: int
    description: str


@dataclass(frozen=True)
class LimitSpec:
    name: str
    limit: int
    description: str


@dataclass(frozen=True)
class VariableSpec:
    name: str
    #: The JSON value stored in Prefect (a string, or the parsed value of a 'json' variable).
    value: Any
    domain: str | None

    @property
    def tags(self) -> list[str]:
        return sorted([MANAGED_BY, *([f"domain:{self.domain}"] if self.domain else [])])


@dataclass(frozen=True)
class DesiredState:
    environment: str
    work_pools: tuple[WorkPoolSpec, ...]
    limits: tuple[LimitSpec, ...]
    variables: tuple[VariableSpec, ...]
    deployments: tuple[DeploymentSpec, ...]
    #: Deployment name -> domain (deployments are named after their domain).
    domains: tuple[str, ...] = field(default=())

    def for_domain(self, domain: str) -> DesiredState:
        """Platform-wide items plus only this domain's pool, variables and deployments."""
        if domain not in self.domains:
            raise DesiredStateError([f"--domain {domain!r}: the desired state has no such domain (domains: {', '.join(self.domains)})"])
        return replace(
            self,
            work_pools=tuple(p for p in self.work_pools if p.domain == domain),
            variables=tuple(v for v in self.variables if v.domain in (None, domain)),
            deployments=tuple(d for d in self.deployments if d.name == domain),
            domains=(domain,),
        )

    def summary(self) -> dict[str, Any]:
        return {
            "environment": self.environment,
            "workPools": [{"name": p.name, "concurrencyLimit": p.concurrency_limit} for p in self.work_pools],
            "globalConcurrencyLimits": [{"name": g.name, "limit": g.limit} for g in self.limits],
            "variables": [v.name for v in self.variables],
            "deployments": [{"deployment": d.full_name, "workPool": d.work_pool, "tags": list(d.tags)} for d in self.deployments],
        }


def marked(description: str) -> str:
    """A work pool's description with the managed marker as its first word (added when the input lacks it)."""
    return description if description.startswith(MANAGED_BY) else f"{MANAGED_BY} {description}".rstrip()


def _variable_templates() -> tuple[dict[str, str], dict[str, str]]:
    """Platform variable name -> type, and domain template -> type, from the shared contract file."""
    c = contract()
    return {v["name"]: v["type"] for v in c["platform"]}, {v["name"]: v["type"] for v in c["domain"]}


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.items.append(f"{path}: {message}")


def _obj(raw: Any, path: str, keys: dict[str, type | tuple[type, ...]], problems: _Problems) -> dict[str, Any] | None:
    """An object with these keys, each of its type (bool is not an int), and no others; None when a key is missing or
    mistyped. Every problem is recorded."""
    if not isinstance(raw, dict):
        problems.add(path, f"must be an object, got {type(raw).__name__}")
        return None
    ok = True
    for key in sorted(set(raw) - set(keys)):
        problems.add(f"{path}.{key}", "unknown key")  # reported; the known keys are still checked
    for key, kind in keys.items():
        if key not in raw:
            problems.add(f"{path}.{key}", "missing")
            ok = False
        elif isinstance(raw[key], bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            problems.add(f"{path}.{key}", f"must be {_kind(kind)}, got bool")
            ok = False
        elif not isinstance(raw[key], kind):
            problems.add(f"{path}.{key}", f"must be {_kind(kind)}, got {type(raw[key]).__name__}")
            ok = False
    return raw if ok else None


def _kind(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {str: "a string", int: "an integer", list: "a list", dict: "an object"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _list(raw: dict[str, Any], key: str) -> list[Any]:
    value = raw.get(key)
    return value if isinstance(value, list) else []


def parse_desired_state(raw: Any) -> DesiredState:
    """Validate everything first (every problem is reported, nothing is applied on any), then build the state."""
    problems = _Problems()
    top = _obj(
        raw,
        "$",
        {"version": int, "environment": str, "workPools": list, "globalConcurrencyLimits": list, "variables": list, "deployments": list},
        problems,
    )
    if top is None:
        raise DesiredStateError(problems.items)
    if top["version"] != 1:
        problems.add("$.version", f"must be 1, got {top['version']}")
    environment: str = top["environment"]
    if not _ENVIRONMENT.match(environment):
        problems.add("$.environment", f"must be a lowercase name, got {environment!r}")

    pools: list[WorkPoolSpec] = []
    for i, item in enumerate(_list(top, "workPools")):
        path = f"$.workPools[{i}]"
        p = _obj(item, path, {"name": str, "domain": str, "type": str, "concurrencyLimit": int, "description": str}, problems)
        if p is None:
            continue
        if not _DOMAIN.match(p["domain"]):
            problems.add(f"{path}.domain", f"{p['domain']!r}: lowercase letters, digits and '-', starting with a letter, at most 63")
        if p["name"] != p["domain"]:
            problems.add(f"{path}.name", f"must equal the domain's name {p['domain']!r} (one pool per domain), got {p['name']!r}")
        if p["type"] != "process":
            problems.add(f"{path}.type", f"must be 'process', got {p['type']!r}")
        if p["concurrencyLimit"] < 1:
            problems.add(f"{path}.concurrencyLimit", f"must be at least 1, got {p['concurrencyLimit']}")
        if any(q.name == p["name"] for q in pools):
            problems.add(f"{path}.name", f"work pool {p['name']!r} is listed twice")
        pools.append(WorkPoolSpec(p["name"], p["domain"], p["concurrencyLimit"], marked(p["description"])))
    if not _list(top, "workPools"):
        problems.add("$.workPools", "must list at least one work pool (one per data domain)")
    domains = [p.domain for p in pools]

    limits: list[LimitSpec] = []
    for i, item in enumerate(_list(top, "globalConcurrencyLimits")):
        path = f"$.globalConcurrencyLimits[{i}]"
        g = _obj(item, path, {"name": str, "limit": int, "description": str}, problems)
        if g is None:
            continue
        if not _LIMIT_NAME.match(g["name"]):
            problems.add(f"{path}.name", f"{g['name']!r}: lowercase letters, digits, '-' and '_', starting with a letter, at most 100")
        if g["limit"] < 1:
            problems.add(f"{path}.limit", f"must be at least 1, got {g['limit']}")
        if len(g["description"]) > MAX_VARIABLE_VALUE_LENGTH - 2:
            problems.add(f"{path}.description", f"longer than {MAX_VARIABLE_VALUE_LENGTH - 2} characters")
        if any(q.name == g["name"] for q in limits):
            problems.add(f"{path}.name", f"global concurrency limit {g['name']!r} is listed twice")
        limits.append(LimitSpec(g["name"], g["limit"], g["description"]))

    platform_types, domain_types = _variable_templates()
    expected: dict[str, tuple[str, str | None]] = {name: (kind, None) for name, kind in platform_types.items()}
    for name_of_domain in domains:
        expected.update({t.replace("{domain}", name_of_domain): (kind, name_of_domain) for t, kind in domain_types.items()})
    variables: list[VariableSpec] = []
    for i, item in enumerate(_list(top, "variables")):
        path = f"$.variables[{i}]"
        v = _obj(item, path, {"name": str, "value": str}, problems)
        if v is None:
            continue
        name, text = v["name"], v["value"]
        if name not in expected:
            problems.add(
                f"{path}.name", f"{name!r} is neither a platform variable nor one of a listed domain (contracts/prefect-variables.json)"
            )
            continue
        if any(w.name == name for w in variables):
            problems.add(f"{path}.name", f"variable {name!r} is listed twice")
            continue
        kind, domain = expected[name]
        value: Any = text
        if not text.strip():
            problems.add(f"{path}.value", f"{name!r} is empty")
        elif kind == "json":
            try:
                value = json.loads(text)
            except ValueError as exc:
                problems.add(f"{path}.value", f"{name!r} is a json variable and its value is not JSON: {exc}")
        if len(json.dumps(value)) > MAX_VARIABLE_VALUE_LENGTH:
            problems.add(f"{path}.value", f"{name!r} is longer than Prefect's {MAX_VARIABLE_VALUE_LENGTH} characters")
        variables.append(VariableSpec(name, value, domain))
    for name in sorted(set(expected) - {v.name for v in variables}):
        problems.add("$.variables", f"{name!r} is missing (every platform variable and every domain's variables are required)")

    specs: list[DeploymentSpec] = []
    for i, item in enumerate(_list(top, "deployments")):
        path = f"$.deployments[{i}]"
        d = _obj(item, path, {"flow": str, "name": str, "workPool": str, "tags": list, "parameters": dict}, problems)
        if d is None:
            continue
        flow_name = d["flow"]
        if flow_name not in FLOWS:
            problems.add(f"{path}.flow", f"{flow_name!r} is not one of the package's flows {sorted(FLOWS)}")
            continue
        pool = next((p for p in pools if p.name == d["workPool"]), None)
        if pool is None:
            problems.add(f"{path}.workPool", f"{d['workPool']!r} is not a listed work pool")
            continue
        if d["name"] != pool.domain:
            problems.add(f"{path}.name", f"must be the domain's name {pool.domain!r}, got {d['name']!r}")
        tags = d["tags"]
        bad_tags = [t for t in tags if not isinstance(t, str) or not _TAG.match(t)]
        if bad_tags:
            problems.add(f"{path}.tags", f"tags must be strings without spaces or commas, got {bad_tags!r}")
        for required in (f"env:{environment}", f"domain:{pool.domain}"):
            if required not in tags:
                problems.add(f"{path}.tags", f"must include {required!r}")
        params: dict[str, Any] = d["parameters"]
        schema = deployments.schema(flow_name)
        unknown = sorted(set(params) - set(schema.get("properties", {})))
        if unknown:
            problems.add(f"{path}.parameters", f"{flow_name} takes no parameter {unknown}")
        elif params.get("domain", pool.domain) != pool.domain:
            problems.add(f"{path}.parameters.domain", f"must be the deployment's domain {pool.domain!r}, got {params['domain']!r}")
        else:
            for error in validate_against_schema(params, schema, ignore_required=True):
                problems.add(f"{path}.parameters", f"{flow_name}: {error.message}")
        if any(s.flow_name == flow_name and s.name == d["name"] for s in specs):
            problems.add(path, f"deployment {flow_name}/{d['name']} is listed twice")
        entrypoint = FLOWS[flow_name][1]
        all_tags = tuple(sorted({*(t for t in tags if isinstance(t, str)), MANAGED_BY}))
        specs.append(DeploymentSpec(flow_name, d["name"], pool.name, entrypoint, all_tags, {"domain": pool.domain, **params}))
    for domain in domains:
        for flow_name in sorted(set(FLOWS) - {s.flow_name for s in specs if s.name == domain}):
            problems.add("$.deployments", f"{flow_name}/{domain} is missing (every flow is deployed to every domain's pool)")

    if problems.items:
        raise DesiredStateError(problems.items)
    return DesiredState(environment, tuple(pools), tuple(limits), tuple(variables), tuple(specs), tuple(domains))


def load_desired_state(text: str | None, sha256: str | None = None) -> DesiredState:
    if text is None or not text.strip():
        raise DesiredStateError([f"{DESIRED_STATE_ENV} is not set: it carries the desired state's JSON (contracts/prefect-config.ts)"])
    if sha256:
        actual = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if actual != sha256.strip().lower():
            raise DesiredStateError([f"{DESIRED_STATE_SHA_ENV} is {sha256!r} but the desired state's sha256 is {actual!r}"])
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise DesiredStateError([f"{DESIRED_STATE_ENV} is not JSON: {exc}"]) from exc
    return parse_desired_state(raw)


# --- waiting for the server --------------------------------------------------------------------------------------


async def wait_for_server(
    api_url: str,
    deadline_seconds: float,
    initial_seconds: float = 1.0,
    cap_seconds: float = 30.0,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> int:
    """GET <api>/health until it answers 200 (the path the server app's probes use; Prefect's auth middleware
    exempts it), with exponential backoff (jittered, capped) and an overall deadline. Returns the attempts made."""
    url = f"{api_url.rstrip('/')}/health"
    settings = get_current_settings().api
    # The TLS settings the Prefect client itself honours (PREFECT_API_TLS_INSECURE_SKIP_VERIFY, SSL_CERT_FILE).
    verify: bool | ssl.SSLContext = (
        False
        if settings.tls_insecure_skip_verify
        else ssl.create_default_context(cafile=settings.ssl_cert_file)
        if settings.ssl_cert_file
        else True
    )
    start = time.monotonic()
    delay = initial_seconds
    attempt = 0
    last = "no attempt"
    async with httpx.AsyncClient(timeout=10.0, verify=verify) as http:
        while True:
            attempt += 1
            try:
                response = await http.get(url)
                if response.status_code == 200:
                    return attempt
                last = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                last = f"{type(exc).__name__}: {exc}"
            remaining = deadline_seconds - (time.monotonic() - start)
            if remaining <= 0:
                raise ServerUnavailable(
                    f"the Prefect server did not answer {url} within {deadline_seconds:g} s ({attempt} attempts; last: {last})"
                )
            # Jitter spreads the domain workers that start together; not a security use of randomness.
            await sleep(min(delay * random.uniform(0.5, 1.0), remaining))  # noqa: S311
            delay = min(delay * 2, cap_seconds)


# --- applying ----------------------------------------------------------------------------------------------------

Action = Literal["create", "update", "unchanged", "conflict"]


@dataclass
class Outcome:
    label: str
    action: Action
    detail: str = ""


class _Item:
    """One desired object: how to read it, judge the existing one and write it."""

    label: str

    async def read(self, client: PrefectClient) -> Any:
        raise NotImplementedError

    def judge(self, existing: Any) -> Outcome:
        raise NotImplementedError

    async def create(self, client: PrefectClient) -> None:
        raise NotImplementedError

    async def update(self, client: PrefectClient, existing: Any) -> None:
        raise NotImplementedError


class _Pool(_Item):
    def __init__(self, spec: WorkPoolSpec) -> None:
        self.spec = spec
        self.label = f"work-pool {spec.name}"

    async def read(self, client: PrefectClient) -> WorkPool | None:
        try:
            return await client.read_work_pool(self.spec.name)
        except ObjectNotFound:
            return None

    def judge(self, existing: WorkPool | None) -> Outcome:
        if existing is None:
            return Outcome(self.label, "create")
        if not (existing.description or "").startswith(MANAGED_BY):
            return Outcome(self.label, "conflict", f"its description does not start with {MANAGED_BY!r}")
        if existing.type != "process":
            return Outcome(self.label, "conflict", f"it is of type {existing.type!r}, not 'process' (a pool's type cannot change)")
        changed = [
            f
            for f, same in (
                ("description", existing.description == self.spec.description),
                ("concurrency_limit", existing.concurrency_limit == self.spec.concurrency_limit),
            )
            if not same
        ]
        return Outcome(self.label, "update", ", ".join(changed)) if changed else Outcome(self.label, "unchanged")

    async def create(self, client: PrefectClient) -> None:
        from prefect.workers.process import ProcessWorker

        # As `prefect work-pool create --type process` does: the process worker's default job template
        # (PrefectHQ/prefect src/prefect/cli/work_pool.py create → get_default_base_job_template_for_infrastructure_type).
        await client.create_work_pool(
            WorkPoolCreate(
                name=self.spec.name,
                type="process",
                description=self.spec.description,
                concurrency_limit=self.spec.concurrency_limit,
                base_job_template=ProcessWorker.get_default_base_job_template(),
            )
        )

    async def update(self, client: PrefectClient, existing: WorkPool | None) -> None:
        # Only what the platform manages: a pool paused by an operator stays paused.
        await client.update_work_pool(
            self.spec.name, WorkPoolUpdate(description=self.spec.description, concurrency_limit=self.spec.concurrency_limit)
        )


class _Limit(_Item):
    def __init__(self, spec: LimitSpec) -> None:
        self.spec = spec
        self.label = f"global-concurrency-limit {spec.name}"
        self.marker_name = GCL_MARKER_VARIABLE.format(name=spec.name)

    async def read(self, client: PrefectClient) -> tuple[GlobalConcurrencyLimitResponse | None, Variable | None]:
        try:
            limit: GlobalConcurrencyLimitResponse | None = await client.read_global_concurrency_limit_by_name(self.spec.name)
        except ObjectNotFound:
            limit = None
        return limit, await client.read_variable_by_name(self.marker_name)

    def judge(self, existing: tuple[GlobalConcurrencyLimitResponse | None, Variable | None]) -> Outcome:
        limit, marker = existing
        if marker is not None and MANAGED_BY not in marker.tags:
            return Outcome(self.label, "conflict", f"its companion variable {self.marker_name!r} exists without the tag {MANAGED_BY!r}")
        if limit is None:
            return Outcome(self.label, "create")
        if marker is None:
            return Outcome(self.label, "conflict", f"it has no companion variable {self.marker_name!r} tagged {MANAGED_BY!r}")
        changed = [
            f for f, same in (("limit", limit.limit == self.spec.limit), ("description", marker.value == self.spec.description)) if not same
        ]
        return Outcome(self.label, "update", ", ".join(changed)) if changed else Outcome(self.label, "unchanged")

    async def create(self, client: PrefectClient) -> None:
        # The marker first: a crash between the two leaves a marker without a limit, which the next run completes.
        # Another applier's marker is judged again when the limit's create races (409).
        with contextlib.suppress(ObjectAlreadyExists):
            await client.create_variable(VariableCreate(name=self.marker_name, value=self.spec.description, tags=[MANAGED_BY]))
        await client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=self.spec.name, limit=self.spec.limit))

    async def update(self, client: PrefectClient, existing: tuple[GlobalConcurrencyLimitResponse | None, Variable | None]) -> None:
        limit, marker = existing
        if marker is None or marker.value != self.spec.description:
            await client.update_variable(VariableUpdate(name=self.marker_name, value=self.spec.description, tags=[MANAGED_BY]))
        if limit is None or limit.limit != self.spec.limit:
            await client.update_global_concurrency_limit(self.spec.name, GlobalConcurrencyLimitUpdate(limit=self.spec.limit))


class _Var(_Item):
    def __init__(self, spec: VariableSpec) -> None:
        self.spec = spec
        self.label = f"variable {spec.name}"

    async def read(self, client: PrefectClient) -> Variable | None:
        return await client.read_variable_by_name(self.spec.name)

    def judge(self, existing: Variable | None) -> Outcome:
        if existing is None:
            return Outcome(self.label, "create")
        if MANAGED_BY not in existing.tags:
            return Outcome(self.label, "conflict", f"it is not tagged {MANAGED_BY!r}")
        changed = [
            f for f, same in (("value", existing.value == self.spec.value), ("tags", sorted(existing.tags) == self.spec.tags)) if not same
        ]
        return Outcome(self.label, "update", ", ".join(changed)) if changed else Outcome(self.label, "unchanged")

    async def create(self, client: PrefectClient) -> None:
        await client.create_variable(VariableCreate(name=self.spec.name, value=self.spec.value, tags=self.spec.tags))

    async def update(self, client: PrefectClient, existing: Variable | None) -> None:
        await client.update_variable(VariableUpdate(name=self.spec.name, value=self.spec.value, tags=self.spec.tags))


class _Deployment(_Item):
    def __init__(self, spec: DeploymentSpec) -> None:
        self.spec = spec
        self.label = f"deployment {spec.full_name}"

    async def read(self, client: PrefectClient) -> DeploymentResponse | None:
        try:
            return await client.read_deployment_by_name(self.spec.full_name)
        except ObjectNotFound:
            return None

    def judge(self, existing: DeploymentResponse | None) -> Outcome:
        if existing is None:
            return Outcome(self.label, "create")
        if not deployments.is_managed(existing):
            return Outcome(self.label, "conflict", f"it is not tagged {MANAGED_BY!r}")
        changed = deployments.differences(existing, self.spec)
        return Outcome(self.label, "update", ", ".join(changed)) if changed else Outcome(self.label, "unchanged")

    async def create(self, client: PrefectClient) -> None:
        await deployments.write(client, self.spec)

    async def update(self, client: PrefectClient, existing: DeploymentResponse | None) -> None:
        await deployments.write(client, self.spec)


def _items(state: DesiredState) -> list[_Item]:
    # Order matters: deployments name their pool, so pools come first.
    return [
        *(_Limit(g) for g in state.limits),
        *(_Pool(p) for p in state.work_pools),
        *(_Var(v) for v in state.variables),
        *(_Deployment(d) for d in state.deployments),
    ]


async def apply(client: PrefectClient, state: DesiredState) -> dict[str, list[str]]:
    """Read everything, refuse on any conflict (nothing written), then create/update what differs.
    Returns the labels of what was created, updated and left unchanged."""
    items = _items(state)
    judged = [(item, item.judge(existing), existing) for item in items for existing in [await item.read(client)]]
    conflicts = [f"{o.label}: {o.detail}" for _, o, _ in judged if o.action == "conflict"]
    if conflicts:
        raise ConflictError(conflicts)
    result: dict[str, list[str]] = {"created": [], "updated": [], "unchanged": []}
    for item, outcome, first_read in judged:
        action, existing = outcome.action, first_read
        if action == "create":
            try:
                await item.create(client)
            except ObjectAlreadyExists:
                # Another domain worker created it since we read: judge what is there now.
                existing = await item.read(client)
                raced = item.judge(existing)
                if raced.action == "conflict":
                    raise ConflictError([f"{raced.label}: {raced.detail}"]) from None
                action = raced.action
                if action == "update":
                    await item.update(client, existing)
                elif action == "create":  # gone again between the 409 and the read: a plain retry
                    await item.create(client)
        elif action == "update":
            await item.update(client, existing)
        result["created" if action == "create" else "updated" if action == "update" else "unchanged"].append(item.label)
    return result


# --- command line ------------------------------------------------------------------------------------------------


async def _run(state: DesiredState, wait_seconds: float) -> dict[str, list[str]]:
    api_url = get_current_settings().api.url
    if not api_url:
        raise ServerUnavailable("PREFECT_API_URL is not set: the configuration is applied to the platform's Prefect server")
    attempts = await wait_for_server(api_url, wait_seconds)
    print(f"configure: the Prefect server answered after {attempts} attempt(s)", file=sys.stderr)
    async with get_client() as client:
        return await apply(client, state)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dataplatform_flows.configure", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--domain", help="apply the platform-wide items and only this data domain's pool, variables and deployments")
    parser.add_argument("--dry-run", action="store_true", help="validate and print what would be applied, without contacting Prefect")
    parser.add_argument("--wait-seconds", type=float, default=600.0, help="how long to wait for the server's health endpoint (default 600)")
    args = parser.parse_args(argv)
    try:
        state = load_desired_state(os.environ.get(DESIRED_STATE_ENV), os.environ.get(DESIRED_STATE_SHA_ENV))
        if args.domain is not None:
            state = state.for_domain(args.domain)
        if args.dry_run:
            print(json.dumps(state.summary(), indent=2, sort_keys=True))
            return 0
        result = asyncio.run(_run(state, args.wait_seconds))
    except DesiredStateError as exc:
        print(f"configure: {exc}", file=sys.stderr)
        return EXIT_BAD_STATE
    except ConflictError as exc:
        print(f"configure: {exc}", file=sys.stderr)
        return EXIT_CONFLICT
    except ServerUnavailable as exc:
        print(f"configure: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except httpx.HTTPStatusError as exc:
        hint = " (is PREFECT_API_AUTH_STRING the server's auth string?)" if exc.response.status_code == 401 else ""
        print(
            f"configure: the Prefect API refused {exc.request.method} {exc.request.url.path}: HTTP {exc.response.status_code}{hint}",
            file=sys.stderr,
        )
        return EXIT_FAILED
    print(json.dumps({k: sorted(v) for k, v in result.items()}, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
