"""The platform's standard flows. Every run is tagged env/domain/team/cost-center and reads its coordinates from the
Prefect variables the platform writes; parameters never carry a secret (there is none: the worker's managed identity
is the only credential)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict
from typing import Any

from prefect import flow, get_client, task
from prefect.artifacts import create_table_artifact
from prefect.concurrency.sync import concurrency
from prefect.context import get_run_context
from prefect.logging import get_run_logger
from prefect.tasks import exponential_backoff

from . import coordinates
from .azure import AzureClient, AzureTransientError
from .backup import JOB_OK, InstanceReport, backup_instance, list_instances
from .pipelines import RunTarget, run_pipeline
from .polling import Backoff, WaitTimeout


def _global_limit(name: str) -> str:
    """A global concurrency limit the platform's configuration creates (contracts/prefect-variables.json)."""
    if name not in {g["name"] for g in coordinates.contract()["globalConcurrencyLimits"]}:
        raise RuntimeError(f"{name!r} is not a global concurrency limit of contracts/prefect-variables.json")
    return name


#: Pipeline runs in flight on the environment's one factory, across every domain's pool.
ADF_PIPELINE_RUNS = _global_limit("adf-pipeline-runs")
#: On-demand backups at once: each run backs up every instance of the platform.
BACKUP_ON_DEMAND = _global_limit("backup-on-demand")


def _slot(name: str) -> Any:
    """Hold one slot of a platform limit for the block. `strict`: the configuration creates the limit before any
    worker starts (dataplatform_flows.configure in the worker's init container), so a missing one is an error, never
    an unlimited run. A lease renewal that fails transiently must not kill a run already started in Azure."""
    return concurrency(name, occupy=1, strict=True, raise_on_lease_renewal_failure=False)


def _tag_run(domain_name: str) -> tuple[coordinates.Platform, coordinates.Domain]:
    """Read the coordinates and make sure this flow run carries the cost tags (deployments set them at creation;
    an ad-hoc run gets them here)."""
    platform = coordinates.platform()
    domain = coordinates.domain(domain_name)
    ctx = get_run_context()
    flow_run = getattr(ctx, "flow_run", None)
    if flow_run is not None:
        tags = sorted(set(flow_run.tags) | set(coordinates.run_tags(platform, domain)))
        if tags != sorted(flow_run.tags):
            with get_client(sync_client=True) as client:
                client.update_flow_run(flow_run.id, tags=tags)
    return platform, domain


def _backoff(initial: float, maximum: float) -> Backoff:
    if initial <= 0 or maximum < initial:
        raise ValueError(f"poll intervals must satisfy 0 < initial ({initial}) <= maximum ({maximum})")
    return Backoff(initial_seconds=initial, maximum_seconds=maximum)


def _run_and_report(
    target: RunTarget, pipeline: str, parameters: dict[str, Any] | None, timeout_seconds: float, poll_initial: float, poll_max: float
) -> dict[str, Any]:
    """Start the pipeline as the worker's identity, wait for it (cancelling it on timeout or cancellation), report."""
    report = run_pipeline(
        AzureClient.for_worker(),
        target,
        pipeline,
        parameters or {},
        timeout_seconds=timeout_seconds,
        backoff=_backoff(poll_initial, poll_max),
    )
    return asdict(report)


@flow(name="adf-pipeline-run", log_prints=True)
def adf_pipeline_run(
    pipeline: str,
    parameters: dict[str, Any] | None = None,
    domain: str = "default",
    timeout_seconds: float = 4 * 3600,
    poll_initial_seconds: float = 5.0,
    poll_max_seconds: float = 60.0,
) -> dict[str, Any]:
    """Run a Data Factory pipeline with ``parameters`` and wait for it; the Data Factory run is cancelled if the
    flow run times out or is cancelled."""
    platform, _ = _tag_run(domain)
    target = RunTarget.data_factory(platform.arm_endpoint, platform.factory_id)
    with _slot(ADF_PIPELINE_RUNS):
        return _run_and_report(target, pipeline, parameters, timeout_seconds, poll_initial_seconds, poll_max_seconds)


@flow(name="synapse-pipeline-run", log_prints=True)
def synapse_pipeline_run(
    pipeline: str,
    parameters: dict[str, Any] | None = None,
    domain: str = "default",
    timeout_seconds: float = 4 * 3600,
    poll_initial_seconds: float = 5.0,
    poll_max_seconds: float = 60.0,
) -> dict[str, Any]:
    """Run a pipeline in the domain's Synapse workspace (through its private endpoint: the worker runs in the VNet)."""
    _, dom = _tag_run(domain)
    target = RunTarget.synapse(dom.synapse_endpoint)
    return _run_and_report(target, pipeline, parameters, timeout_seconds, poll_initial_seconds, poll_max_seconds)


def _transient(task: Any, task_run: Any, state: Any) -> bool:
    """Retry a region's backup only for transient failures (throttling/5xx that outlived the HTTP retries, or a wait
    that timed out); a failed backup job or a 4xx is final."""
    try:
        state.result()
    except (AzureTransientError, WaitTimeout):
        return True
    except Exception:
        return False
    return False


@task(retries=3, retry_delay_seconds=exponential_backoff(backoff_factor=10), retry_jitter_factor=0.5, retry_condition_fn=_transient)
def backup_region(
    region: str, vault_ids: list[str], arm_endpoint: str, timeout_seconds: float, poll_initial_seconds: float, poll_max_seconds: float
) -> list[dict[str, Any]]:
    """Back up every instance of the region's vaults, one after the other (regions run in parallel)."""
    log = get_run_logger()
    azure = AzureClient.for_worker()
    backoff = _backoff(poll_initial_seconds, poll_max_seconds)
    reports: list[InstanceReport] = []
    for vault_id in vault_ids:
        for instance in list_instances(azure, arm_endpoint, vault_id):
            report = backup_instance(azure, arm_endpoint, region, vault_id, instance, timeout_seconds=timeout_seconds, backoff=backoff)
            log.info(
                "backup of %s (%s) in %s: job %s %s, recovery point %s at %s",
                report.datasource,
                report.datasource_type,
                region,
                report.job_id,
                report.status,
                report.recovery_point_id,
                report.recovery_point_time,
            )
            reports.append(report)
    return [asdict(r) for r in reports]


@flow(name="backup-on-demand", log_prints=True)
def backup_on_demand(
    domain: str = "default",
    timeout_seconds: float = 6 * 3600,
    poll_initial_seconds: float = 15.0,
    poll_max_seconds: float = 120.0,
    retry_delay_seconds: float = 10.0,
) -> list[dict[str, Any]]:
    """Ad-hoc backup of the platform's backup instances, one task per region in parallel; fails if any instance's
    backup job did not complete, after recording every instance's report."""
    platform, _ = _tag_run(domain)
    by_region: dict[str, list[str]] = defaultdict(list)
    for vault in coordinates.backup_vaults():
        by_region[vault.region].append(vault.id)
    region_task = backup_region.with_options(retry_delay_seconds=exponential_backoff(backoff_factor=retry_delay_seconds))
    reports: list[dict[str, Any]] = []
    errors: list[str] = []
    with _slot(BACKUP_ON_DEMAND):
        futures = {
            region: region_task.submit(region, ids, platform.arm_endpoint, timeout_seconds, poll_initial_seconds, poll_max_seconds)
            for region, ids in sorted(by_region.items())
        }
        for region, future in futures.items():
            try:
                reports.extend(future.result())
            except Exception as exc:
                errors.append(f"{region}: {exc}")
    create_table_artifact(
        key="backup-report", table=reports or [{"region": "-", "status": "no report"}], description="On-demand backup per instance"
    )
    failed = [r for r in reports if r["status"] not in JOB_OK]
    if errors or failed:
        detail = errors + [f"{r['instance']}: {r['status']} {r['message']}" for r in failed]
        raise RuntimeError("backup did not complete: " + "; ".join(detail))
    return reports
