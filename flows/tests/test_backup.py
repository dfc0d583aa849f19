"""On-demand backup across regions, against the Data Protection stand-in and the real Prefect server."""

from __future__ import annotations

import time
from typing import Any

from prefect import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, TaskRunFilter, TaskRunFilterFlowRunId

from dataplatform_flows.flows import backup_on_demand
from tests.standin import AzureStandIn, BackupSetup, Reply

FAST: dict[str, Any] = {"poll_initial_seconds": 0.05, "poll_max_seconds": 0.2, "retry_delay_seconds": 0.2}


def setup_vaults(azure: AzureStandIn, variables: dict[str, Any], **kwargs: Any) -> dict[str, str]:
    vaults = {v["region"]: v["id"] for v in variables["dataplatform_backup_vaults"]}
    azure.vaults = {
        vaults["westeurope"]: BackupSetup(vaults["westeurope"], ["lake-weu"], **kwargs),
        vaults["northeurope"]: BackupSetup(vaults["northeurope"], ["lake-neu", "postgres-neu"], **kwargs),
    }
    return vaults


def test_each_region_is_backed_up_in_parallel_with_a_report_per_instance(azure: AzureStandIn, platform_variables: dict[str, Any]) -> None:
    vaults = setup_vaults(azure, platform_variables, job_statuses=["InProgress", "InProgress", "InProgress", "Completed"])
    state = backup_on_demand(domain="sales", return_state=True, **FAST)
    assert state.is_completed(), state.message
    reports = state.result()
    assert sorted(r["instance"].rsplit("/", 1)[1] for r in reports) == ["lake-neu", "lake-weu", "postgres-neu"]
    for r in reports:
        assert r["status"] == "Completed" and r["recovery_point_id"].endswith("/recoveryPoints/rp-new")
        assert r["recovery_point_time"] and r["start_time"] and r["end_time"] and r["datasource"]
        assert r["vault"] == vaults[r["region"]]
    # Ad-hoc backup body names the policy's backup rule (TriggerBackup.json shape).
    for post in azure.requests("POST", r"/backup$"):
        assert post.body == {"backupRuleOptions": {"ruleName": "BackupDaily", "triggerOption": {"retentionTagOverride": "Default"}}}
    # Parallel: each region's backups started before the other region's finished polling.
    weu = azure.requests(None, "bv-weu")
    neu = azure.requests(None, "bv-neu")
    assert weu[0].at < neu[-1].at and neu[0].at < weu[-1].at

    run_id = state.state_details.flow_run_id
    assert run_id is not None
    with get_client(sync_client=True) as client:
        tasks = client.read_task_runs(task_run_filter=TaskRunFilter(flow_run_id=TaskRunFilterFlowRunId(any_=[run_id])))
        (artifact,) = client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id])))
        flow_run = client.read_flow_run(run_id)
    assert sorted(t.name.split("-")[0] for t in tasks) == ["backup_region", "backup_region"]
    assert artifact.key == "backup-report" and "rp-new" in str(artifact.data)
    assert {"env:dev", "domain:sales", "team:sales-eng", "cost-center:cc-1001"} <= set(flow_run.tags)


def test_a_transient_failure_retries_the_region_with_backoff(azure: AzureStandIn, platform_variables: dict[str, Any]) -> None:
    setup_vaults(azure, platform_variables)
    busy = Reply(503, {"error": {"code": "ServiceUnavailable", "message": "vault busy"}})
    # More 503s than one task attempt's HTTP retries (4): the task fails transiently and Prefect retries it.
    azure.fail("POST", r"bv-weu/backupInstances/lake-weu/backup$", *([busy] * 4))
    state = backup_on_demand(domain="sales", return_state=True, **FAST)
    assert state.is_completed(), state.message
    assert len(azure.requests("POST", r"bv-weu/backupInstances/lake-weu/backup$")) == 5
    run_id = state.state_details.flow_run_id
    assert run_id is not None
    with get_client(sync_client=True) as client:
        tasks = client.read_task_runs(task_run_filter=TaskRunFilter(flow_run_id=TaskRunFilterFlowRunId(any_=[run_id])))
    assert sorted(t.run_count for t in tasks) == [1, 2]


def test_a_failed_backup_job_fails_the_flow_without_retry_and_reports_every_instance(
    azure: AzureStandIn, platform_variables: dict[str, Any]
) -> None:
    setup_vaults(azure, platform_variables, job_statuses=["InProgress", "Failed"])
    state = backup_on_demand(domain="sales", return_state=True, **FAST)
    assert state.is_failed()
    assert "backup did not complete" in str(state.message) and "stand-in: snapshot failed" in str(state.message)
    assert len(azure.requests("POST", r"/backup$")) == 3, "a failed job is final: no retry"


def test_the_platform_wide_backup_limit_holds_a_second_run_until_the_first_releases(
    azure: AzureStandIn, platform_variables: dict[str, Any]
) -> None:
    """backup-on-demand is limited to 1 across all domains: while its slot is taken, a run waits and calls nothing."""
    import threading

    from prefect.concurrency.sync import concurrency

    setup_vaults(azure, platform_variables, job_statuses=["Completed"])
    started = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with concurrency("backup-on-demand", occupy=1, strict=True):
            started.set()
            release.wait(60)

    thread = threading.Thread(target=holder)
    thread.start()
    assert started.wait(30)
    result: dict[str, Any] = {}
    runner = threading.Thread(target=lambda: result.update(state=backup_on_demand(domain="sales", return_state=True, **FAST)))
    runner.start()
    time.sleep(4)
    assert azure.requests("POST", r"/backup$") == [], "no backup started while the platform-wide slot is held"
    release.set()
    thread.join(30)
    runner.join(120)
    assert result["state"].is_completed(), result["state"].message
    assert azure.requests("POST", r"/backup$"), "the run went ahead once the slot was free"


def test_a_missing_platform_limit_is_an_error_not_an_unlimited_run(azure: AzureStandIn, platform_variables: dict[str, Any]) -> None:
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate

    setup_vaults(azure, platform_variables, job_statuses=["Completed"])
    with get_client(sync_client=True) as client:
        client.delete_global_concurrency_limit_by_name("backup-on-demand")
    try:
        state = backup_on_demand(domain="sales", return_state=True, **FAST)
        assert state.is_failed()
        assert "backup-on-demand" in str(state.message) or "backup-on-demand" in repr(state.result(raise_on_failure=False))
        assert azure.requests("POST", r"/backup$") == []
    finally:
        with get_client(sync_client=True) as client:
            client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name="backup-on-demand", limit=1))
