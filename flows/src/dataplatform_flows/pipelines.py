"""Pipeline runs in Data Factory and in a domain's Synapse workspace: start, wait, cancel, report.

Both services expose the same run API shape (Azure/azure-rest-api-specs):
- Data Factory (ARM, api-version 2018-06-01), specification/datafactory/resource-manager/Microsoft.DataFactory/
  stable/2018-06-01/examples/Pipelines_CreateRun.json (POST .../factories/{f}/pipelines/{p}/createRun, body = the
  pipeline parameters, 200 {"runId"}), PipelineRuns_Get.json (GET .../pipelineruns/{runId}: status, message,
  durationInMs, runStart, runEnd), PipelineRuns_Cancel.json (POST .../pipelineruns/{runId}/cancel, 200).
- Synapse data plane (api-version 2020-12-01), specification/synapse/data-plane/Microsoft.Synapse/stable/2020-12-01/
  examples/Pipelines_CreateRun.json (POST {endpoint}/pipelines/{p}/createRun, 202 {"runId"}), PipelineRuns_Get.json,
  PipelineRuns_Cancel.json; token scope https://dev.azuresynapse.net/.default (specification/synapse/data-plane/readme.md).
Run statuses (PipelineRun.status in both specs' definitions): Queued, InProgress, Succeeded, Failed, Canceling, Cancelled.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import quote

from prefect.artifacts import create_table_artifact

from .azure import ARM_SCOPE_SUFFIX, SYNAPSE_SCOPE, AzureClient
from .polling import Backoff, WaitTimeout, wait_until

TERMINAL = frozenset({"Succeeded", "Failed", "Cancelled"})
ADF_API_VERSION = "2018-06-01"
SYNAPSE_API_VERSION = "2020-12-01"


class PipelineRunFailed(RuntimeError):
    """The service reports the run as Failed or Cancelled; the message is the service's."""


class PipelineRunTimeout(TimeoutError):
    """The run did not finish in time; it was cancelled in Azure."""


@dataclass(frozen=True)
class RunTarget:
    """Where a pipeline runs: the base URL of its run API, the token scope, the resource ID for the audit trail."""

    service: str  # "datafactory" | "synapse"
    base_url: str
    api_version: str
    scope: str
    resource_id: str

    @classmethod
    def data_factory(cls, arm_endpoint: str, factory_id: str) -> RunTarget:
        return cls("datafactory", f"{arm_endpoint}{factory_id}", ADF_API_VERSION, arm_endpoint + ARM_SCOPE_SUFFIX, factory_id)

    @classmethod
    def synapse(cls, workspace_endpoint: str) -> RunTarget:
        return cls("synapse", workspace_endpoint, SYNAPSE_API_VERSION, SYNAPSE_SCOPE, workspace_endpoint)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}?api-version={self.api_version}"


@dataclass
class RunReport:
    service: str
    pipeline: str
    run_id: str
    status: str
    duration_ms: int | None
    message: str
    run_start: str | None
    run_end: str | None
    cancelled_by_flow: bool = False


def run_pipeline(
    azure: AzureClient,
    target: RunTarget,
    pipeline: str,
    parameters: dict[str, Any],
    *,
    timeout_seconds: float,
    backoff: Backoff,
) -> RunReport:
    """Start the run, wait for a terminal status, and cancel the Azure run if we stop waiting for any reason
    (overall timeout, Prefect cancelling the flow run, a crash): an orphaned run would keep spending."""
    from prefect.logging import get_run_logger

    log = get_run_logger()
    pipe = quote(pipeline, safe="")
    started = time.monotonic()
    created = azure.request(
        "POST",
        target.url(f"/pipelines/{pipe}/createRun"),
        scope=target.scope,
        operation=f"{target.service}/pipelines/createRun",
        target=f"{target.resource_id}/pipelines/{pipeline}",
        json_body=parameters,
    )
    run_id = str(created.json()["runId"])
    run_target = f"{target.resource_id}/pipelineruns/{run_id}"
    log.info("%s pipeline %s started: run %s", target.service, pipeline, run_id)

    def fetch() -> dict[str, Any]:
        response = azure.request(
            "GET",
            target.url(f"/pipelineruns/{run_id}"),
            scope=target.scope,
            operation=f"{target.service}/pipelineruns/read",
            target=run_target,
        )
        body: dict[str, Any] = response.json()
        return body

    report = RunReport(target.service, pipeline, run_id, "Queued", None, "", None, None)
    finished = False
    try:
        try:
            run = wait_until(
                fetch,
                lambda r: r.get("status") in TERMINAL,
                timeout_seconds=timeout_seconds,
                backoff=backoff,
                what=f"{target.service} run {run_id} of {pipeline}",
            )
        except WaitTimeout as exc:
            report.status = "TimedOut"
            report.message = str(exc)
            raise PipelineRunTimeout(f"{exc}; the Azure run was cancelled") from exc
        finished = True
        report.status = str(run.get("status"))
        report.message = str(run.get("message") or "")
        report.duration_ms = run.get("durationInMs")
        report.run_start = run.get("runStart")
        report.run_end = run.get("runEnd")
    finally:
        if not finished:
            report.cancelled_by_flow = _cancel(azure, target, run_id, run_target, log)
            if report.cancelled_by_flow and report.status != "TimedOut":
                report.status = "Canceling"  # the service's own name for a cancel in progress
        if report.duration_ms is None:
            report.duration_ms = round((time.monotonic() - started) * 1000)
        _record(report)
    if report.status != "Succeeded":
        raise PipelineRunFailed(f"{target.service} run {run_id} of {pipeline} {report.status}: {report.message}")
    return report


def _cancel(azure: AzureClient, target: RunTarget, run_id: str, run_target: str, log: Any) -> bool:
    try:
        azure.request(
            "POST",
            target.url(f"/pipelineruns/{run_id}/cancel"),
            scope=target.scope,
            operation=f"{target.service}/pipelineruns/cancel",
            target=run_target,
        )
    except Exception as exc:  # the original reason to stop waiting stays the flow's error
        log.error("could not cancel %s run %s: %s", target.service, run_id, exc)
        return False
    log.warning("cancelled %s run %s", target.service, run_id)
    return True


def _record(report: RunReport) -> None:
    from prefect.logging import get_run_logger

    get_run_logger().info(
        "%s run %s of %s: %s in %s ms%s",
        report.service,
        report.run_id,
        report.pipeline,
        report.status,
        report.duration_ms,
        f" ({report.message})" if report.message else "",
    )
    create_table_artifact(
        key=f"{report.service}-run",
        table=[asdict(report)],
        description=f"{report.service} pipeline run {report.run_id} of {report.pipeline}: {report.status}",
    )
