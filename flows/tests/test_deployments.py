"""Deployments as code against the real server, and a flow run cancelled through a real process worker."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from prefect import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.exceptions import ObjectNotFound
from prefect.states import Cancelling

from dataplatform_flows.deployments import MANAGED_BY, DesiredStateError, apply, desired_deployments, main
from dataplatform_flows.flows import adf_pipeline_run
from tests.conftest import TMP
from tests.standin import AzureStandIn

STATE: dict[str, Any] = {
    "environment": "dev",
    "domains": [
        {
            "name": "sales",
            "workPool": "sales",
            "team": "sales-eng",
            "costCenter": "cc-1001",
            "parameters": {"adf-pipeline-run": {"poll_initial_seconds": 0.2, "poll_max_seconds": 0.5}},
        },
        {"name": "finance", "workPool": "finance", "team": "fin-data", "costCenter": "cc-2002"},
    ],
}


@pytest.fixture(scope="module")
def pools(platform_variables: dict[str, Any]) -> list[str]:
    """What the Prefect configuration (issue 11) creates before deployments are applied."""
    with get_client(sync_client=True) as client:
        for name in ("sales", "finance"):
            client.create_work_pool(WorkPoolCreate(name=name, type="process"))
    return ["sales", "finance"]


def _apply(state: dict[str, Any]) -> dict[str, list[str]]:
    async def go() -> dict[str, list[str]]:
        async with get_client() as client:
            return await apply(client, desired_deployments(state))

    return asyncio.run(go())


def test_bad_desired_state_is_refused_before_anything_is_registered(pools: list[str]) -> None:
    dup = {**STATE, "domains": [STATE["domains"][1], STATE["domains"][1]]}
    with pytest.raises(DesiredStateError, match="'finance' is listed twice"):
        desired_deployments(dup)
    with pytest.raises(DesiredStateError, match="lowercase letters"):
        desired_deployments({**STATE, "domains": [{**STATE["domains"][1], "name": "Fin_Ops"}]})
    with pytest.raises(DesiredStateError, match="work pool 'nowhere' does not exist"):
        _apply({**STATE, "domains": [*STATE["domains"], {"name": "ops", "workPool": "nowhere", "team": "t", "costCenter": "c"}]})
    with get_client(sync_client=True) as client, pytest.raises(ObjectNotFound):
        client.read_deployment_by_name("adf-pipeline-run/sales")


def test_apply_registers_every_flow_in_every_domain_pool_idempotently(pools: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with get_client(sync_client=True) as client:
        # Something the module did not create: it must survive and stay untouched.
        foreign_flow = client.create_flow_from_name("someone-elses-flow")
        client.create_deployment(flow_id=foreign_flow, name="manual", work_pool_name="sales", entrypoint="x:y")

    first = _apply(STATE)
    assert sorted(first["created"]) == sorted(
        f"{f}/{d}" for f in ("adf-pipeline-run", "synapse-pipeline-run", "backup-on-demand") for d in ("sales", "finance")
    )
    second = _apply(STATE)
    assert second == {"created": [], "updated": [], "unchanged": first["created"]}

    changed = {**STATE, "domains": [{**STATE["domains"][1], "costCenter": "cc-2003"}, STATE["domains"][0]]}
    third = _apply(changed)
    assert sorted(third["updated"]) == ["adf-pipeline-run/finance", "backup-on-demand/finance", "synapse-pipeline-run/finance"]
    _apply(STATE)

    with get_client(sync_client=True) as client:
        d = client.read_deployment_by_name("adf-pipeline-run/sales")
        assert d.work_pool_name == "sales" and d.entrypoint == "dataplatform_flows.flows:adf_pipeline_run"
        assert set(d.tags) == {"env:dev", "domain:sales", "team:sales-eng", "cost-center:cc-1001", MANAGED_BY}
        assert d.parameters == {"domain": "sales", "poll_initial_seconds": 0.2, "poll_max_seconds": 0.5}
        assert client.read_deployment_by_name("someone-elses-flow/manual").entrypoint == "x:y"

    # The CLI entry point the Container Apps Job runs; --dry-run lists without contacting Prefect.
    path = TMP / "desired.json"
    path.write_text(__import__("json").dumps(STATE))
    assert main([str(path), "--dry-run"]) == 0
    assert "backup-on-demand/finance" in capsys.readouterr().out


@pytest.fixture
def worker(pools: list[str]) -> Iterator[subprocess.Popen[bytes]]:
    """A process worker on the sales pool, started as the worker app starts it (`prefect worker start --pool --type process`)."""
    log = (TMP / "worker.log").open("w")
    env = {**os.environ, "PREFECT_WORKER_QUERY_SECONDS": "1", "PREFECT_RUNNER_POLL_FREQUENCY": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "prefect", "worker", "start", "--pool", "sales", "--type", "process"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def _wait(what: str, check: Any, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            logs = (TMP / "worker.log").read_text()[-4000:] if (TMP / "worker.log").exists() else ""
            raise AssertionError(f"timed out waiting for {what}\n{logs}")
        time.sleep(0.3)


def test_cancelling_the_flow_run_cancels_the_data_factory_run(azure: AzureStandIn, worker: subprocess.Popen[bytes]) -> None:
    _apply(STATE)
    azure.run_statuses = ["InProgress"]
    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name(f"{adf_pipeline_run.name}/sales")
        flow_run = client.create_flow_run_from_deployment(deployment.id, parameters={"pipeline": "long-copy"})
    assert {"env:dev", "domain:sales", "team:sales-eng", "cost-center:cc-1001"} <= set(flow_run.tags)

    _wait("the Data Factory run to be polled", lambda: len(azure.requests("GET", r"/pipelineruns/")) >= 2)
    assert not azure.requests("POST", r"/cancel$")
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(flow_run.id, Cancelling(message="cancelled by a test"), force=True)
    _wait("the Data Factory run to be cancelled", lambda: bool(azure.requests("POST", r"/cancel$")), 60)
    (create,) = azure.requests("POST", r"/createRun$")
    run_id = next(iter(azure.runs))
    (cancel,) = azure.requests("POST", r"/cancel$")
    assert cancel.path.endswith(f"/pipelineruns/{run_id}/cancel") and create.body == {}

    def final() -> bool:
        with get_client(sync_client=True) as client:
            state = client.read_flow_run(flow_run.id).state
        return state is not None and state.is_cancelled()

    _wait("the flow run to be Cancelled", final, 120)


def test_no_flow_takes_a_credential_as_a_parameter() -> None:
    """The managed identity is the only credential: no flow parameter may carry one."""
    from dataplatform_flows.deployments import FLOWS, _schema

    for name, (flow_obj, _) in FLOWS.items():
        params = set(_schema(flow_obj)["properties"])
        suspicious = {p for p in params if any(w in p.lower() for w in ("secret", "password", "token", "key", "credential", "auth"))}
        assert not suspicious, f"{name} takes {suspicious}"
