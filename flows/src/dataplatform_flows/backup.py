"""On-demand backup of every backup instance in the platform's Data Protection vaults.

REST shapes (Azure/azure-rest-api-specs, specification/dataprotection/resource-manager/Microsoft.DataProtection/
stable/2025-07-01/examples/):
- BackupInstanceOperations/ListBackupInstances.json: GET {vault}/backupInstances -> value[].properties
  (dataSourceInfo.resourceID/datasourceType, policyInfo.policyId).
- PolicyCRUD/GetBackupPolicy.json: the policy's AzureBackupRule name is the ruleName an ad-hoc backup must name.
- BackupInstanceOperations/TriggerBackup.json: POST {instance}/backup {"backupRuleOptions": {"ruleName",
  "triggerOption": {"retentionTagOverride"}}} -> 202 with Azure-AsyncOperation, Location and Retry-After.
- GetOperationStatus.json: the Azure-AsyncOperation URL answers {"status": "Succeeded" | "Failed" | "InProgress", ...}.
- GetOperationResult.json: the Location URL answers 200 {"jobId", "objectType": "OperationJobExtendedInfo"}.
- JobCRUD/GetJob.json: GET {vault}/backupJobs/{jobId} -> properties.status, startTime, endTime.
- BackupInstanceOperations/ListRecoveryPoints.json: GET {instance}/recoveryPoints -> value[].properties.recoveryPointTime.
Job statuses: "InProgress/Completed/Failed/Cancelled/CompletedWithWarnings/Cancelling/Paused" (AzureBackupJob.status
description in the 2025-07-01 dataprotection.json; older versions say Success/SuccessWithWarning; both accepted).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .azure import ARM_SCOPE_SUFFIX, AzureCallError, AzureClient, same_host
from .polling import Backoff, wait_until

API_VERSION = "2025-07-01"
OPERATION_TERMINAL = frozenset({"Succeeded", "Failed", "Canceled", "Cancelled"})
JOB_OK = frozenset({"Completed", "CompletedWithWarnings", "Success", "SuccessWithWarning"})
JOB_TERMINAL = JOB_OK | frozenset({"Failed", "Cancelled"})


class BackupFailed(RuntimeError):
    """Azure Backup reported the ad-hoc backup as failed."""


@dataclass
class InstanceReport:
    region: str
    vault: str
    instance: str
    datasource: str
    datasource_type: str
    job_id: str
    status: str
    start_time: str | None
    end_time: str | None
    recovery_point_id: str | None
    recovery_point_time: str | None
    message: str = ""


def _url(arm: str, path: str) -> str:
    return f"{arm}{path}?api-version={API_VERSION}"


def list_instances(azure: AzureClient, arm: str, vault_id: str) -> list[dict[str, Any]]:
    response = azure.request(
        "GET",
        _url(arm, f"{vault_id}/backupInstances"),
        scope=arm + ARM_SCOPE_SUFFIX,
        operation="dataprotection/backupInstances/list",
        target=vault_id,
    )
    value: list[dict[str, Any]] = response.json().get("value", [])
    return value


def backup_rule_name(azure: AzureClient, arm: str, policy_id: str) -> str:
    response = azure.request(
        "GET", _url(arm, policy_id), scope=arm + ARM_SCOPE_SUFFIX, operation="dataprotection/backupPolicies/read", target=policy_id
    )
    rules = response.json().get("properties", {}).get("policyRules", [])
    for rule in rules:
        if rule.get("objectType") == "AzureBackupRule":
            return str(rule["name"])
    raise AzureCallError("dataprotection/backupPolicies/read", 200, "NoBackupRule", f"{policy_id} has no AzureBackupRule", None)


def backup_instance(
    azure: AzureClient, arm: str, region: str, vault_id: str, instance: dict[str, Any], *, timeout_seconds: float, backoff: Backoff
) -> InstanceReport:
    """Trigger one ad-hoc backup and wait for its job; the report says what was protected, when, and the recovery point."""
    scope = arm + ARM_SCOPE_SUFFIX
    instance_id = str(instance["id"])
    props = instance.get("properties", {})
    source = props.get("dataSourceInfo", {})
    rule = backup_rule_name(azure, arm, props["policyInfo"]["policyId"])
    triggered = azure.request(
        "POST",
        _url(arm, f"{instance_id}/backup"),
        scope=scope,
        operation="dataprotection/backupInstances/backup",
        target=instance_id,
        json_body={"backupRuleOptions": {"ruleName": rule, "triggerOption": {"retentionTagOverride": "Default"}}},
    )
    if triggered.status_code == 202:
        status_url = same_host(triggered.headers["Azure-AsyncOperation"], arm)
        result_url = same_host(triggered.headers["Location"], arm)

        def operation() -> dict[str, Any]:
            body: dict[str, Any] = azure.request(
                "GET", status_url, scope=scope, operation="dataprotection/operationStatus/read", target=instance_id
            ).json()
            return body

        status = wait_until(
            operation,
            lambda o: o.get("status") in OPERATION_TERMINAL,
            timeout_seconds=timeout_seconds,
            backoff=backoff,
            what=f"backup request for {instance_id}",
        )
        if status.get("status") != "Succeeded":
            error = status.get("error") or {}
            raise BackupFailed(f"backup request for {instance_id} {status.get('status')}: {error.get('message', '')}")
        job_id = str(
            azure.request("GET", result_url, scope=scope, operation="dataprotection/operationResults/read", target=instance_id).json()[
                "jobId"
            ]
        )
    else:
        job_id = str(triggered.json()["jobId"])

    job_url = _url(arm, f"{vault_id}/backupJobs/{job_id}")

    def job() -> dict[str, Any]:
        body: dict[str, Any] = azure.request(
            "GET", job_url, scope=scope, operation="dataprotection/backupJobs/read", target=f"{vault_id}/backupJobs/{job_id}"
        ).json()["properties"]
        return body

    done = wait_until(
        job, lambda j: j.get("status") in JOB_TERMINAL, timeout_seconds=timeout_seconds, backoff=backoff, what=f"backup job {job_id}"
    )
    report = InstanceReport(
        region=region,
        vault=vault_id,
        instance=instance_id,
        datasource=str(source.get("resourceID", "")),
        datasource_type=str(source.get("datasourceType", "")),
        job_id=job_id,
        status=str(done.get("status")),
        start_time=done.get("startTime"),
        end_time=done.get("endTime"),
        recovery_point_id=None,
        recovery_point_time=None,
    )
    if report.status not in JOB_OK:
        errors = done.get("errorDetails") or []
        report.message = "; ".join(str(e.get("message", e)) for e in errors if isinstance(e, dict)) or report.status
        return report
    points = (
        azure.request(
            "GET",
            _url(arm, f"{instance_id}/recoveryPoints"),
            scope=scope,
            operation="dataprotection/recoveryPoints/list",
            target=instance_id,
        )
        .json()
        .get("value", [])
    )
    if points:
        newest = max(points, key=lambda p: str(p.get("properties", {}).get("recoveryPointTime", "")))
        report.recovery_point_id = str(newest.get("id"))
        report.recovery_point_time = newest.get("properties", {}).get("recoveryPointTime")
    return report
