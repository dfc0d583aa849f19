"""Deployments as code (issue 12 point 6): every standard flow registered to every data domain's work pool.

The flows and their entrypoints are listed in the shared data file (``contracts/prefect-variables.json``, ``flows``):
the TypeScript side renders one deployment per flow and domain from the same list, so the names cannot drift. This
module resolves that list to the flow objects and compares/applies one deployment; ``configure`` drives it (the same
code path the platform runs from inside the VNet, as the domain worker's init container).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from prefect import Flow
from prefect.client.orchestration import PrefectClient
from prefect.client.schemas.responses import DeploymentResponse
from prefect.utilities.callables import parameter_schema

from .coordinates import contract

#: Marks every Prefect object the platform created (contracts/prefect-config.ts PREFECT_MANAGED_MARKER).
MANAGED_BY: str = contract()["managedMarker"]


class FlowListError(RuntimeError):
    """The shared flow list names something the package does not provide."""


def _load_flows() -> dict[str, tuple[Flow[Any, Any], str]]:
    flows: dict[str, tuple[Flow[Any, Any], str]] = {}
    for entry in contract()["flows"]:
        name, entrypoint = entry["name"], entry["entrypoint"]
        module_name, _, attribute = entrypoint.partition(":")
        obj = getattr(importlib.import_module(module_name), attribute, None)
        if not isinstance(obj, Flow):
            raise FlowListError(f"flow {name!r}: entrypoint {entrypoint!r} is not a Prefect flow")
        if obj.name != name:
            raise FlowListError(f"flow {name!r}: entrypoint {entrypoint!r} registers as {obj.name!r}")
        flows[name] = (obj, entrypoint)
    return flows


#: flow name -> (flow object, entrypoint the worker imports; the package is installed in the worker image).
FLOWS: dict[str, tuple[Flow[Any, Any], str]] = _load_flows()


def schema(flow_name: str) -> dict[str, Any]:
    """The flow's parameter schema, as `prefect deploy` registers it (enforced by the server on every run)."""
    flow_obj = FLOWS[flow_name][0]
    return parameter_schema(flow_obj.fn).model_dump_for_openapi()


def description(flow_name: str) -> str | None:
    doc = FLOWS[flow_name][0].description
    return " ".join(doc.split()) if doc else None


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


def is_managed(existing: DeploymentResponse) -> bool:
    return MANAGED_BY in existing.tags


def differences(existing: DeploymentResponse, spec: DeploymentSpec) -> list[str]:
    """The fields of a managed deployment that differ from the spec (empty: unchanged)."""
    wanted: dict[str, Any] = {
        "work_pool_name": spec.work_pool,
        "entrypoint": spec.entrypoint,
        "tags": sorted(spec.tags),
        "parameters": spec.parameters,
        "parameter_openapi_schema": schema(spec.flow_name),
        "enforce_parameter_schema": True,
        "description": description(spec.flow_name),
    }
    actual: dict[str, Any] = {
        "work_pool_name": existing.work_pool_name,
        "entrypoint": existing.entrypoint,
        "tags": sorted(existing.tags),
        "parameters": existing.parameters,
        "parameter_openapi_schema": existing.parameter_openapi_schema,
        "enforce_parameter_schema": existing.enforce_parameter_schema,
        "description": existing.description,
    }
    return [k for k in wanted if wanted[k] != actual[k]]


async def write(client: PrefectClient, spec: DeploymentSpec) -> None:
    """Create or replace the deployment: the server upserts on (flow, name) (POST /deployments/,
    PrefectHQ/prefect src/prefect/server/models/deployments.py create_deployment: ON CONFLICT ... DO UPDATE)."""
    flow_id = await client.create_flow_from_name(spec.flow_name)
    await client.create_deployment(
        flow_id=flow_id,
        name=spec.name,
        work_pool_name=spec.work_pool,
        entrypoint=spec.entrypoint,
        tags=list(spec.tags),
        parameters=spec.parameters,
        parameter_openapi_schema=schema(spec.flow_name),
        enforce_parameter_schema=True,
        description=description(spec.flow_name),
    )
