"""Loopback stand-ins for Azure: the managed identity endpoint, ARM (Data Factory, Data Protection) and a Synapse
workspace's data plane. Each answer replays the documented request/response shape of an example in
Azure/azure-rest-api-specs (file named next to the route); IDs and timestamps are generated per test.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

DP = "specification/dataprotection/resource-manager/Microsoft.DataProtection/stable/2025-07-01/examples"
ADF = "specification/datafactory/resource-manager/Microsoft.DataFactory/stable/2018-06-01/examples"
SYN = "specification/synapse/data-plane/Microsoft.Synapse/stable/2020-12-01/examples"

WORKER_CLIENT_ID = "6f4b4a39-0d53-4e0c-9a9e-1a2b3c4d5e6f"
IDENTITY_HEADER = "standin-identity-header"
SYNAPSE_RESOURCE = "https://dev.azuresynapse.net"


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    at: float


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Run:
    run_id: str
    pipeline: str
    parameters: dict[str, Any]
    statuses: list[str]
    message: str
    started: str
    polls: int = 0
    cancelled: bool = False


@dataclass
class BackupSetup:
    """One vault's instances and how their backup goes."""

    vault_id: str
    instances: list[str]
    operation_statuses: list[str] = field(default_factory=lambda: ["InProgress", "Succeeded"])
    job_statuses: list[str] = field(default_factory=lambda: ["InProgress", "Completed"])


class AzureStandIn:
    def __init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.lock = threading.Lock()
        self.reset()

    # ----- test control -----
    def reset(self) -> None:
        with self.lock:
            self.seen: list[Seen] = []
            self.faults: list[tuple[str, re.Pattern[str], list[Reply]]] = []
            self.runs: dict[str, Run] = {}
            self.run_statuses: list[str] = ["Queued", "InProgress", "Succeeded"]
            self.run_message = ""
            self.known_client_ids = {WORKER_CLIENT_ID}
            self.vaults: dict[str, BackupSetup] = {}
            self.jobs: dict[str, dict[str, Any]] = {}
            self.operations: dict[str, dict[str, Any]] = {}

    def fail(self, method: str, path_pattern: str, *replies: Reply) -> None:
        """The next requests matching method+path get these replies, in order, before normal service resumes."""
        with self.lock:
            self.faults.append((method, re.compile(path_pattern), list(replies)))

    def requests(self, method: str | None = None, pattern: str = "") -> list[Seen]:
        rx = re.compile(pattern)
        with self.lock:
            return [s for s in self.seen if (method is None or s.method == method) and rx.search(s.path)]

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()

    # ----- HTTP plumbing -----
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                url = urlsplit(self.path)
                seen = Seen(
                    self.command, url.path, parse_qs(url.query), {k.lower(): v for k, v in self.headers.items()}, body, time.monotonic()
                )
                with standin.lock:
                    standin.seen.append(seen)
                reply = standin.route(seen)
                payload = b"" if reply.body is None else json.dumps(reply.body).encode()
                self.send_response(reply.status)
                headers = {
                    "x-ms-request-id": str(uuid.uuid4()),
                    "x-ms-correlation-request-id": str(uuid.uuid4()),
                    "Content-Type": "application/json; charset=utf-8",
                    **reply.headers,
                }
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = _serve
            do_POST = _serve

        return Handler

    def route(self, r: Seen) -> Reply:
        if r.path == "/msi/token":
            return self._token(r)
        with self.lock:
            for method, rx, replies in self.faults:
                if method == r.method and rx.search(r.path) and replies:
                    return replies.pop(0)
        routes: list[tuple[str, str, Callable[[Seen, re.Match[str]], Reply]]] = [
            ("POST", r"/providers/Microsoft\.DataFactory/factories/[^/]+/pipelines/(?P<p>[^/]+)/createRun$", self._create_run),
            ("GET", r"/providers/Microsoft\.DataFactory/factories/[^/]+/pipelineruns/(?P<id>[^/]+)$", self._get_run),
            ("POST", r"/providers/Microsoft\.DataFactory/factories/[^/]+/pipelineruns/(?P<id>[^/]+)/cancel$", self._cancel_run),
            ("POST", r"^/synapse/[^/]+/pipelines/(?P<p>[^/]+)/createRun$", self._create_run),
            ("GET", r"^/synapse/[^/]+/pipelineruns/(?P<id>[^/]+)$", self._get_run),
            ("POST", r"^/synapse/[^/]+/pipelineruns/(?P<id>[^/]+)/cancel$", self._cancel_run),
            ("GET", r"(?P<v>/providers/Microsoft\.DataProtection/backupVaults/[^/]+)/backupInstances$", self._list_instances),
            ("GET", r"/providers/Microsoft\.DataProtection/backupVaults/[^/]+/backupPolicies/(?P<n>[^/]+)$", self._get_policy),
            (
                "POST",
                r"(?P<v>/providers/Microsoft\.DataProtection/backupVaults/[^/]+)/backupInstances/(?P<i>[^/]+)/backup$",
                self._trigger_backup,
            ),
            ("GET", r"/providers/Microsoft\.DataProtection/backupVaults/[^/]+/operationStatus/(?P<op>[^/]+)$", self._operation_status),
            ("GET", r"/providers/Microsoft\.DataProtection/backupInstances/[^/]+/operationResults/(?P<op>[^/]+)$", self._operation_result),
            ("GET", r"/providers/Microsoft\.DataProtection/backupVaults/[^/]+/backupJobs/(?P<job>[^/]+)$", self._get_job),
            ("GET", r"/backupInstances/(?P<i>[^/]+)/recoveryPoints$", self._recovery_points),
        ]
        for method, pattern, handler in routes:
            m = re.search(pattern, r.path)
            if m and method == r.method:
                denied = self._authorize(r)
                return denied or handler(r, m)
        return Reply(404, {"error": {"code": "NotFound", "message": f"stand-in has no route for {r.method} {r.path}"}})

    # ----- identity -----
    def _token(self, r: Seen) -> Reply:
        """The App Service / Container Apps managed identity endpoint (api-version 2019-08-01), as azure-identity 1.27.0
        calls it (azure/identity/_credentials/app_service.py: GET IDENTITY_ENDPOINT?api-version&resource&client_id,
        header X-IDENTITY-HEADER)."""
        if r.headers.get("x-identity-header") != IDENTITY_HEADER:
            return Reply(401, {"statusCode": 401, "message": "missing X-IDENTITY-HEADER"})
        client_id = (r.query.get("client_id") or [""])[0]
        if client_id not in self.known_client_ids:
            return Reply(
                400,
                {
                    "statusCode": 400,
                    "message": "No User Assigned or Delegated Managed Identity found for specified ClientId/ResourceId/PrincipalId.",
                    "correlationId": str(uuid.uuid4()),
                },
            )
        resource = (r.query.get("resource") or [""])[0]
        return Reply(
            200,
            {
                "access_token": f"tok|{client_id}|{resource}",
                "expires_on": str(int(time.time()) + 3600),
                "resource": resource,
                "token_type": "Bearer",
                "client_id": client_id,
            },
        )

    def _authorize(self, r: Seen) -> Reply | None:
        resource = SYNAPSE_RESOURCE if r.path.startswith("/synapse/") else self.base
        if r.headers.get("authorization") != f"Bearer tok|{WORKER_CLIENT_ID}|{resource}":
            return Reply(401, {"error": {"code": "InvalidAuthenticationToken", "message": f"token is not for {resource}"}})
        return None

    # ----- Data Factory / Synapse pipeline runs -----
    def _create_run(self, r: Seen, m: re.Match[str]) -> Reply:
        # ADF: {ADF}/Pipelines_CreateRun.json (200 {"runId"}); Synapse: {SYN}/Pipelines_CreateRun.json (202 {"runId"}).
        run = Run(str(uuid.uuid4()), m["p"], r.body or {}, list(self.run_statuses), self.run_message, now_iso())
        with self.lock:
            self.runs[run.run_id] = run
        return Reply(202 if r.path.startswith("/synapse/") else 200, {"runId": run.run_id})

    def _get_run(self, r: Seen, m: re.Match[str]) -> Reply:
        # {ADF}/PipelineRuns_Get.json and {SYN}/PipelineRuns_Get.json: the PipelineRun body.
        with self.lock:
            run = self.runs.get(m["id"])
            if run is None:
                return Reply(404, {"error": {"code": "PipelineRunNotFound", "message": f"run {m['id']} not found"}})
            status = "Cancelled" if run.cancelled else run.statuses[min(run.polls, len(run.statuses) - 1)]
            run.polls += 1
        terminal = status in ("Succeeded", "Failed", "Cancelled")
        return Reply(
            200,
            {
                "runId": run.run_id,
                "pipelineName": run.pipeline,
                "parameters": {k: json.dumps(v) if not isinstance(v, str) else v for k, v in run.parameters.items()},
                "invokedBy": {"id": uuid.uuid4().hex, "name": "Manual"},
                "runStart": run.started,
                "runEnd": now_iso() if terminal else None,
                "durationInMs": 28105 if terminal else None,
                "status": status,
                "message": run.message if status == "Failed" else "",
                "lastUpdated": now_iso(),
                "annotations": [],
            },
        )

    def _cancel_run(self, r: Seen, m: re.Match[str]) -> Reply:
        # {ADF}/PipelineRuns_Cancel.json and {SYN}/PipelineRuns_Cancel.json: 200, empty body.
        with self.lock:
            run = self.runs.get(m["id"])
            if run is None:
                return Reply(404, {"error": {"code": "PipelineRunNotFound", "message": "not found"}})
            run.cancelled = True
        return Reply(200)

    # ----- Data Protection -----
    def _vault(self, path: str) -> BackupSetup:
        vault_path = re.search(r"^(.*/backupVaults/[^/]+)", path)
        assert vault_path
        return self.vaults[vault_path[1]]

    def _list_instances(self, r: Seen, m: re.Match[str]) -> Reply:
        # {DP}/BackupInstanceOperations/ListBackupInstances.json
        vault = self._vault(r.path)
        value = []
        for name in vault.instances:
            value.append(
                {
                    "id": f"{vault.vault_id}/backupInstances/{name}",
                    "name": name,
                    "type": "Microsoft.DataProtection/backupVaults/backupInstances",
                    "properties": {
                        "friendlyName": name,
                        "dataSourceInfo": {
                            "resourceID": f"/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/{name}",
                            "datasourceType": "Microsoft.Storage/storageAccounts/adlsBlobServices",
                            "resourceName": name,
                            "resourceType": "Microsoft.Storage/storageAccounts",
                            "resourceLocation": "",
                            "objectType": "Datasource",
                        },
                        "policyInfo": {"policyId": f"{vault.vault_id}/backupPolicies/lake-policy", "policyVersion": "3.2"},
                        "protectionStatus": {"status": "ProtectionConfigured"},
                        "provisioningState": "Succeeded",
                        "objectType": "BackupInstance",
                    },
                }
            )
        return Reply(200, {"value": value})

    def _get_policy(self, r: Seen, m: re.Match[str]) -> Reply:
        # {DP}/PolicyCRUD/GetBackupPolicy.json (abridged to the rules; the platform's lake policy names its rule BackupDaily)
        return Reply(
            200,
            {
                "id": r.path,
                "name": m["n"],
                "type": "Microsoft.DataProtection/backupVaults/backupPolicies",
                "properties": {
                    "objectType": "BackupPolicy",
                    "datasourceTypes": ["Microsoft.Storage/storageAccounts/adlsBlobServices"],
                    "policyRules": [
                        {
                            "name": "BackupDaily",
                            "objectType": "AzureBackupRule",
                            "backupParameters": {"backupType": "Discrete", "objectType": "AzureBackupParams"},
                            "dataStore": {"dataStoreType": "VaultStore", "objectType": "DataStoreInfoBase"},
                        },
                        {"name": "Default", "objectType": "AzureRetentionRule", "isDefault": True, "lifecycles": []},
                    ],
                },
            },
        )

    def _trigger_backup(self, r: Seen, m: re.Match[str]) -> Reply:
        # {DP}/BackupInstanceOperations/TriggerBackup.json: 202 + Azure-AsyncOperation (vault operationStatus),
        # Location (backupInstances/{name}/operationResults) and Retry-After.
        vault = self._vault(r.path)
        assert (r.body or {}).get("backupRuleOptions", {}).get("ruleName") == "BackupDaily", r.body
        op = uuid.uuid4().hex
        job = str(uuid.uuid4())
        sub_rg = r.path.split("/providers/")[0]
        with self.lock:
            self.operations[op] = {"statuses": list(vault.operation_statuses), "polls": 0, "job": job}
            self.jobs[job] = {
                "statuses": list(vault.job_statuses),
                "polls": 0,
                "instance": f"{vault.vault_id}/backupInstances/{m['i']}",
                "start": now_iso(),
            }
        return Reply(
            202,
            None,
            {
                "Location": f"{self.base}{sub_rg}/providers/Microsoft.DataProtection/backupInstances/{m['i']}/operationResults/{op}?api-version=2025-07-01",
                "Azure-AsyncOperation": f"{self.base}{vault.vault_id}/operationStatus/{op}?api-version=2025-07-01",
                "Retry-After": "0",
            },
        )

    def _operation_status(self, r: Seen, m: re.Match[str]) -> Reply:
        # {DP}/GetOperationStatus.json: {id, name, status, startTime, endTime}
        with self.lock:
            op = self.operations[m["op"]]
            status = op["statuses"][min(op["polls"], len(op["statuses"]) - 1)]
            op["polls"] += 1
        body: dict[str, Any] = {"id": r.path, "name": m["op"], "status": status, "startTime": now_iso()}
        if status != "InProgress":
            body["endTime"] = now_iso()
        if status == "Failed":
            body["error"] = {"code": "UserErrorBackupFailed", "message": "stand-in: the backup request failed"}
        return Reply(200, body)

    def _operation_result(self, r: Seen, m: re.Match[str]) -> Reply:
        # {DP}/GetOperationResult.json / BackupInstanceOperations/TriggerBackup.json 200: {"jobId", "objectType"}
        return Reply(200, {"jobId": self.operations[m["op"]]["job"], "objectType": "OperationJobExtendedInfo"})

    def _get_job(self, r: Seen, m: re.Match[str]) -> Reply:
        # {DP}/JobCRUD/GetJob.json: properties.status/startTime/endTime/backupInstanceId/operation
        with self.lock:
            job = self.jobs[m["job"]]
            status = job["statuses"][min(job["polls"], len(job["statuses"]) - 1)]
            job["polls"] += 1
        props: dict[str, Any] = {
            "activityID": str(uuid.uuid4()),
            "backupInstanceId": job["instance"],
            "operation": "Backup",
            "operationCategory": "Backup",
            "status": status,
            "startTime": job["start"],
            "isUserTriggered": True,
            "progressEnabled": False,
            "supportedActions": [],
            "duration": "00:00:01",
        }
        if status != "InProgress":
            props["endTime"] = now_iso()
        if status == "Failed":
            props["errorDetails"] = [{"code": "UserErrorSnapshotFailed", "message": "stand-in: snapshot failed"}]
        return Reply(200, {"id": r.path, "name": m["job"], "type": "Microsoft.DataProtection/Backupvaults/backupJobs", "properties": props})

    def _recovery_points(self, r: Seen, m: re.Match[str]) -> Reply:
        # {DP}/BackupInstanceOperations/ListRecoveryPoints.json
        base = r.path.rsplit("/recoveryPoints", 1)[0]
        return Reply(
            200,
            {
                "value": [
                    {
                        "id": f"{base}/recoveryPoints/rp-old",
                        "name": "rp-old",
                        "type": "microsoft.dataprotection/backupvaults/backupInstances/recoveryPoints",
                        "properties": {
                            "objectType": "AzureBackupDiscreteRecoveryPoint",
                            "recoveryPointTime": "2019-03-01T13:00:00Z",
                            "recoveryPointType": "Full",
                            "recoveryPointState": "Completed",
                        },
                    },
                    {
                        "id": f"{base}/recoveryPoints/rp-new",
                        "name": "rp-new",
                        "type": "microsoft.dataprotection/backupvaults/backupInstances/recoveryPoints",
                        "properties": {
                            "objectType": "AzureBackupDiscreteRecoveryPoint",
                            "recoveryPointTime": now_iso(),
                            "recoveryPointType": "Full",
                            "recoveryPointState": "Completed",
                        },
                    },
                ]
            },
        )
