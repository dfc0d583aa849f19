"""Data Factory and Synapse pipeline runs, run for real against the Prefect server, Azure answered by the stand-in."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any
from uuid import UUID

import pytest
from prefect import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, LogFilter, LogFilterFlowRunId
from prefect.client.schemas.objects import State

from dataplatform_flows.flows import adf_pipeline_run, synapse_pipeline_run
from tests.standin import SYNAPSE_RESOURCE, WORKER_CLIENT_ID, AzureStandIn, Reply

FACTORY = "/subscriptions/12345678-1234-1234-1234-12345678abcd/resourceGroups/rg-dataplatform-dev/providers/Microsoft.DataFactory/factories/adf-dataplatform-dev"
FAST = {"poll_initial_seconds": 0.05, "poll_max_seconds": 0.2}


def run_adf(**kwargs: Any) -> State[Any]:
    state: State[Any] = adf_pipeline_run(
        pipeline="copy-sales",
        parameters={"OutputBlobNameList": ["exampleoutput.csv"]},
        domain="sales",
        return_state=True,
        **{**FAST, **kwargs},
    )
    return state


def flow_run_id(state: State[Any]) -> UUID:
    assert state.state_details.flow_run_id is not None
    return state.state_details.flow_run_id


def audit_records(run_id: UUID, at_least: int) -> list[dict[str, Any]]:
    """The structured records as stored in the Prefect server's logs for the run (shipped in batches)."""
    deadline = time.monotonic() + 15
    while True:
        with get_client(sync_client=True) as client:
            logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])), limit=200)
        records = [json.loads(log.message.split(" ", 1)[1]) for log in logs if log.message.startswith("azure-call ")]
        if len(records) >= at_least or time.monotonic() > deadline:
            return records


def test_success_records_run_tags_artifact_and_audit(azure: AzureStandIn) -> None:
    state = run_adf()
    assert state.is_completed(), state.message
    result = state.result()
    assert result["status"] == "Succeeded" and result["duration_ms"] == 28105

    (create,) = azure.requests("POST", r"/createRun$")
    assert create.path == f"{FACTORY}/pipelines/copy-sales/createRun"
    assert create.query["api-version"] == ["2018-06-01"]
    assert create.body == {"OutputBlobNameList": ["exampleoutput.csv"]}
    assert not azure.requests("POST", r"/cancel$")

    run_id = flow_run_id(state)
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(run_id)
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id])))
    assert {"env:dev", "domain:sales", "team:sales-eng", "cost-center:cc-1001"} <= set(flow_run.tags)
    (artifact,) = artifacts
    assert artifact.key == "datafactory-run"
    assert artifact.data is not None and result["run_id"] in str(artifact.data) and "Succeeded" in str(artifact.data)

    records = audit_records(run_id, at_least=len(azure.requests()) - 1)  # every call but the token request
    assert len(records) == len([r for r in azure.requests() if r.path != "/msi/token"])
    ops = [r["operation"] for r in records]
    assert ops[0] == "datafactory/pipelines/createRun" and ops[-1] == "datafactory/pipelineruns/read"
    for r in records:
        assert r["identity"] == WORKER_CLIENT_ID and r["outcome"] == "success"
        assert r["requestId"] and r["correlationRequestId"]
        assert r["target"].startswith(FACTORY)


def test_failed_run_fails_the_flow_with_the_service_message(azure: AzureStandIn) -> None:
    azure.run_statuses = ["InProgress", "Failed"]
    azure.run_message = "Operation on target Copy data1 failed: ErrorCode=UserErrorSourceBlobNotExists"
    state = run_adf()
    assert state.is_failed()
    assert "Failed: Operation on target Copy data1 failed: ErrorCode=UserErrorSourceBlobNotExists" in str(state.message)
    assert not azure.requests("POST", r"/cancel$"), "a finished run is not cancelled"


def test_429_retry_after_is_honoured(azure: AzureStandIn) -> None:
    azure.fail("POST", r"/createRun$", Reply(429, {"error": {"code": "TooManyRequests", "message": "throttled"}}, {"Retry-After": "2"}))
    state = run_adf()
    assert state.is_completed(), state.message
    first, second = azure.requests("POST", r"/createRun$")
    # The policy's own backoff is at most 0.4 s here: a 2 s gap can only come from Retry-After.
    assert second.at - first.at >= 2.0


def test_transient_5xx_is_retried_with_bounded_backoff(azure: AzureStandIn) -> None:
    busy = Reply(503, {"error": {"code": "ServiceUnavailable", "message": "try later"}})
    azure.fail("GET", r"/pipelineruns/[^/]+$", busy, busy)
    state = run_adf()
    assert state.is_completed(), state.message
    gets = azure.requests("GET", r"/pipelineruns/")
    assert len(gets) >= 3
    assert all(b.at - a.at < 1.0 for a, b in itertools.pairwise(gets)), "backoff is capped (0.4 s policy cap + poll cap)"


def test_persistent_5xx_stops_after_max_attempts_and_cancels_the_run(azure: AzureStandIn) -> None:
    busy = Reply(503, {"error": {"code": "ServiceUnavailable", "message": "try later"}})
    azure.fail("GET", r"/pipelineruns/[^/]+$", *([busy] * 10))
    state = run_adf()
    assert state.is_failed()
    assert "503 ServiceUnavailable: try later" in str(state.message)
    assert len(azure.requests("GET", r"/pipelineruns/")) == 4  # max_attempts of the test policy
    assert len(azure.requests("POST", r"/cancel$")) == 1


def test_timeout_cancels_the_azure_run(azure: AzureStandIn) -> None:
    azure.run_statuses = ["InProgress"]
    started = time.monotonic()
    state = run_adf(timeout_seconds=1.5)
    assert state.is_failed()
    assert "did not finish within 1.5 s" in str(state.message) and "cancelled" in str(state.message)
    assert time.monotonic() - started < 30
    (cancel,) = azure.requests("POST", r"/cancel$")
    (create,) = azure.requests("POST", r"/createRun$")
    run_id = next(iter(azure.runs))
    assert cancel.path == f"{FACTORY}/pipelineruns/{run_id}/cancel" and cancel.at > create.at


def test_no_client_id_is_a_clear_error_and_no_call(azure: AzureStandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AZURE_CLIENT_ID")
    state = run_adf()
    assert state.is_failed()
    assert "AZURE_CLIENT_ID is not set" in str(state.message) and "no call to Azure was made" in str(state.message)
    assert azure.requests() == []


def test_identity_not_assigned_is_a_clear_error_and_no_call(azure: AzureStandIn) -> None:
    azure.known_client_ids = set()  # the endpoint does not know the worker's identity
    state = run_adf()
    assert state.is_failed()
    assert f"as managed identity {WORKER_CLIENT_ID}" in str(state.message)
    assert "No User Assigned or Delegated Managed Identity found" in str(state.message)
    assert [r.path for r in azure.requests()] and all(r.path == "/msi/token" for r in azure.requests()), "only the token endpoint was asked"


def test_synapse_pipeline_uses_the_workspace_endpoint_and_synapse_scope(azure: AzureStandIn) -> None:
    state = synapse_pipeline_run(pipeline="nightly", parameters={"day": "2026-12-01"}, domain="sales", return_state=True, **FAST)
    assert state.is_completed(), state.message
    (create,) = azure.requests("POST", r"/createRun$")
    assert create.path == "/synapse/syn-sales-dev/pipelines/nightly/createRun"
    assert create.query["api-version"] == ["2020-12-01"]
    assert create.headers["authorization"] == f"Bearer tok|{WORKER_CLIENT_ID}|{SYNAPSE_RESOURCE}"
    tokens = azure.requests("GET", r"^/msi/token$")
    assert [t.query["resource"] for t in tokens] == [[SYNAPSE_RESOURCE]]


def test_synapse_timeout_cancels_the_synapse_run(azure: AzureStandIn) -> None:
    azure.run_statuses = ["InProgress"]
    state = synapse_pipeline_run(pipeline="nightly", domain="sales", timeout_seconds=1.0, return_state=True, **FAST)
    assert state.is_failed()
    (cancel,) = azure.requests("POST", r"/cancel$")
    assert cancel.path.startswith("/synapse/syn-sales-dev/pipelineruns/")
