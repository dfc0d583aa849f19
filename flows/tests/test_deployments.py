"""Deployments as code end to end: the configuration applies the domain's pool, variables and deployments; a process
worker started as the worker app starts it runs a deployment whose flow reads the variables the configuration wrote,
and cancelling the flow run cancels the Data Factory run."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
from prefect import get_client
from prefect.states import Cancelling

from dataplatform_flows.deployments import FLOWS, schema
from dataplatform_flows.flows import adf_pipeline_run
from tests.conftest import STANDIN, TMP
from tests.standin import AzureStandIn
from tests.support.prefect_config import command, config_server, desired_state, domain_worker, on, subprocess_env

__all__ = ["config_server"]  # the fixture, imported so that pytest finds it here

STATE: dict[str, Any] = desired_state(["sales", "finance"])
for _d in STATE["deployments"]:
    if _d["name"] == "sales" and _d["flow"] == "adf-pipeline-run":
        _d["parameters"].update({"poll_initial_seconds": 0.2, "poll_max_seconds": 0.5})


@pytest.fixture(scope="module")
def configured(config_server: str) -> str:
    """What the sales worker's init container does before the worker starts."""
    done = subprocess.run(
        command("configure", "sales"), env=subprocess_env(config_server, STATE), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "deployment adf-pipeline-run/sales" in json.loads(done.stdout)["created"] + json.loads(done.stdout)["unchanged"]
    return config_server


@pytest.fixture
def worker(configured: str) -> Iterator[subprocess.Popen[bytes]]:
    """A process worker on the sales pool, started as the worker app starts it (contracts/prefect-variables.json)."""
    with domain_worker(configured, "sales", "worker.log", PREFECT_WORKER_QUERY_SECONDS="1", PREFECT_RUNNER_POLL_FREQUENCY="1") as proc:
        yield proc


@pytest.fixture
def azure() -> AzureStandIn:
    """The Azure stand-in, reset; the flow reads its coordinates from this module's server, not the session's."""
    STANDIN.reset()
    return STANDIN


def _wait(what: str, check: Any, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            logs = (TMP / "worker.log").read_text()[-4000:] if (TMP / "worker.log").exists() else ""
            raise AssertionError(f"timed out waiting for {what}\n{logs}")
        time.sleep(0.3)


# Two Prefect servers, a configure run, a worker and its flow-run process start here: minutes on a loaded machine.
@pytest.mark.timeout(900)
def test_cancelling_the_flow_run_cancels_the_data_factory_run(
    azure: AzureStandIn, configured: str, worker: subprocess.Popen[bytes]
) -> None:
    azure.run_statuses = ["InProgress"]
    with on(configured), get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name(f"{adf_pipeline_run.name}/sales")
        assert deployment.parameters == {"domain": "sales", "poll_initial_seconds": 0.2, "poll_max_seconds": 0.5}
        flow_run = client.create_flow_run_from_deployment(deployment.id, parameters={"pipeline": "long-copy"})
    assert {"env:dev", "domain:sales", "team:sales-eng", "cost-center:cc-1000"} <= set(flow_run.tags)

    _wait("the Data Factory run to be polled", lambda: len(azure.requests("GET", r"/pipelineruns/")) >= 2)
    assert not azure.requests("POST", r"/cancel$")
    with on(configured), get_client(sync_client=True) as client:
        client.set_flow_run_state(flow_run.id, Cancelling(message="cancelled by a test"), force=True)
    _wait("the Data Factory run to be cancelled", lambda: bool(azure.requests("POST", r"/cancel$")), 60)
    (create,) = azure.requests("POST", r"/createRun$")
    # The flow found the factory through the variables the configuration wrote.
    assert "/resourceGroups/rg-dataplatform-dev/providers/Microsoft.DataFactory/factories/adf-dataplatform-dev/" in create.path
    run_id = next(iter(azure.runs))
    (cancel,) = azure.requests("POST", r"/cancel$")
    assert cancel.path.endswith(f"/pipelineruns/{run_id}/cancel") and create.body == {}

    def final() -> bool:
        with on(configured), get_client(sync_client=True) as client:
            state = client.read_flow_run(flow_run.id).state
        return state is not None and state.is_cancelled()

    _wait("the flow run to be Cancelled", final, 120)


def test_no_flow_takes_a_credential_as_a_parameter() -> None:
    """The managed identity is the only credential: no flow parameter may carry one."""
    for name in FLOWS:
        params = set(schema(name)["properties"])
        suspicious = {p for p in params if any(w in p.lower() for w in ("secret", "password", "token", "key", "credential", "auth"))}
        assert not suspicious, f"{name} takes {suspicious}"
