"""Calls to Azure as the worker's managed identity, with bounded retries and one audit record per call.

Identity: only the user-assigned managed identity whose client ID the platform sets in ``AZURE_CLIENT_ID`` on the
worker. ``ManagedIdentityCredential`` rather than ``DefaultAzureCredential``: the default chain would also accept a
client secret from the environment (EnvironmentCredential) or a developer's CLI login, and the platform's rule is
"the worker's managed identity only". On Container Apps the credential reads ``IDENTITY_ENDPOINT`` and
``IDENTITY_HEADER`` (azure-identity 1.27.0 ``azure/identity/_credentials/app_service.py`` ``_get_client_args``, used
by ``managed_identity.py`` when ``IDENTITY_ENDPOINT`` is set), the local token endpoint Container Apps exposes to an app
with a managed identity (GET IDENTITY_ENDPOINT?resource=...&api-version=2019-08-01&client_id=..., header
X-IDENTITY-HEADER: https://learn.microsoft.com/azure/container-apps/managed-identity, "Connect to Azure services in app
code"). The tests replace that endpoint by a loopback stand-in.
"""

from __future__ import annotations

import json
import logging
import os
import random
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
from azure.core.credentials import TokenCredential
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import CredentialUnavailableError, ManagedIdentityCredential

#: ARM's token scope is the ARM endpoint + "/.default" (https://management.azure.com/.default).
ARM_SCOPE_SUFFIX = "/.default"
#: Synapse data plane token scope: Azure/azure-rest-api-specs specification/synapse/data-plane/readme.md
#: ("credential-scopes: https://dev.azuresynapse.net/.default").
SYNAPSE_SCOPE = "https://dev.azuresynapse.net/.default"

#: Statuses worth another attempt: throttling (429) and the transient server errors ARM documents for retry.
TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

AUDIT_LOGGER = "dataplatform.azure.audit"


class AzureIdentityError(RuntimeError):
    """No token for the worker's managed identity: nothing was sent to Azure."""


class AzureCallError(RuntimeError):
    """Azure answered with an error (after retries, for transient ones)."""

    def __init__(self, operation: str, status: int, code: str, message: str, request_id: str | None) -> None:
        self.operation = operation
        self.status = status
        self.code = code
        self.service_message = message
        self.request_id = request_id
        super().__init__(f"{operation}: Azure answered {status} {code}: {message} (x-ms-request-id {request_id})")


class AzureTransientError(AzureCallError):
    """A throttling or server error that persisted through every attempt; a later retry may succeed."""


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, capped; ``Retry-After`` wins when Azure sends one.

    Default: 5 attempts, 1 s base, 30 s cap, Retry-After honoured up to 120 s.
    """

    max_attempts: int = 5
    base_seconds: float = 1.0
    cap_seconds: float = 30.0
    max_retry_after_seconds: float = 120.0

    def delay(self, attempt: int, retry_after: str | None, rng: random.Random) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (``attempt`` counts from 1)."""
        if retry_after is not None:
            try:
                return min(max(float(retry_after), 0.0), self.max_retry_after_seconds)
            except ValueError:
                pass  # an HTTP date: fall back to our own backoff
        return rng.uniform(0, min(self.cap_seconds, self.base_seconds * (2 ** (attempt - 1))))


#: The policy flows use; tests replace it to keep runs short.
DEFAULT_RETRY = RetryPolicy()


def worker_client_id(environ: Mapping[str, str] | None = None) -> str:
    """The managed identity's client ID the platform sets on the worker, or a clear error."""
    env = os.environ if environ is None else environ
    client_id = env.get("AZURE_CLIENT_ID", "").strip()
    if not client_id:
        raise AzureIdentityError(
            "AZURE_CLIENT_ID is not set: the flows authenticate only as the worker's user-assigned managed identity, "
            "whose client ID the platform sets on the worker app; no call to Azure was made"
        )
    return client_id


def managed_identity_credential(client_id: str) -> TokenCredential:
    return ManagedIdentityCredential(client_id=client_id)


def _audit_logger() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    """The Prefect run logger inside a run (records land in the run's logs), else a plain logger."""
    try:
        from prefect.exceptions import MissingContextError
        from prefect.logging import get_run_logger

        try:
            return get_run_logger()
        except MissingContextError:
            pass
    except ImportError:  # pragma: no cover - prefect is a dependency
        pass
    return logging.getLogger(AUDIT_LOGGER)


@dataclass
class AzureClient:
    """One identity, one HTTP client; every request is logged as a structured ``azure-call`` record."""

    client_id: str
    credential: TokenCredential
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=httpx.Timeout(60.0)))
    retry: RetryPolicy = field(default_factory=lambda: DEFAULT_RETRY)
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)
    #: Every audit record this client emitted (also logged); flows attach them to their artifacts.
    records: list[dict[str, Any]] = field(default_factory=list)
    _tokens: dict[str, tuple[str, float]] = field(default_factory=dict)

    @classmethod
    def for_worker(cls, **kwargs: Any) -> AzureClient:
        client_id = worker_client_id()
        return cls(client_id=client_id, credential=managed_identity_credential(client_id), **kwargs)

    def token(self, scope: str) -> str:
        cached = self._tokens.get(scope)
        if cached and cached[1] - 300 > time.time():
            return cached[0]
        try:
            access = self.credential.get_token(scope)
        except (CredentialUnavailableError, ClientAuthenticationError) as exc:
            raise AzureIdentityError(
                f"no token for scope {scope} as managed identity {self.client_id}: {exc}. "
                "Check that the identity is assigned to the worker app; no call to Azure was made"
            ) from exc
        self._tokens[scope] = (access.token, float(access.expires_on))
        return access.token

    def request(
        self,
        method: str,
        url: str,
        *,
        scope: str,
        operation: str,
        target: str,
        json_body: Any = None,
        expected: tuple[int, ...] = (200, 201, 202, 204),
    ) -> httpx.Response:
        """Send with the identity's token; retry transient answers; raise ``AzureCallError`` on any other error."""
        token = self.token(scope)  # before anything is sent: no token, no call
        attempt = 0
        while True:
            attempt += 1
            client_request_id = str(uuid.uuid4())
            started = time.monotonic()
            headers = {"Authorization": f"Bearer {token}", "x-ms-client-request-id": client_request_id}
            try:
                response = self.http.request(method, url, headers=headers, json=json_body)
            except httpx.TransportError as exc:
                self._audit(operation, target, method, None, "transport-error", attempt, started, None, client_request_id, str(exc))
                if attempt >= self.retry.max_attempts:
                    raise AzureTransientError(operation, 0, type(exc).__name__, str(exc), None) from exc
                self.sleep(self.retry.delay(attempt, None, self.rng))
                continue
            status = response.status_code
            transient = status in TRANSIENT_STATUSES
            if status in expected:
                outcome = "success"
            elif transient and attempt < self.retry.max_attempts:
                outcome = "retry"
            else:
                outcome = "failure"
            code, message = _error_of(response) if outcome != "success" else ("", "")
            self._audit(operation, target, method, status, outcome, attempt, started, response, client_request_id, message)
            if outcome == "success":
                return response
            if outcome == "retry":
                self.sleep(self.retry.delay(attempt, response.headers.get("Retry-After"), self.rng))
                continue
            error = AzureTransientError if transient else AzureCallError
            raise error(operation, status, code, message, response.headers.get("x-ms-request-id"))

    def _audit(
        self,
        operation: str,
        target: str,
        method: str,
        status: int | None,
        outcome: str,
        attempt: int,
        started: float,
        response: httpx.Response | None,
        client_request_id: str,
        message: str,
    ) -> None:
        record: dict[str, Any] = {
            "event": "azure-call",
            "identity": self.client_id,
            "target": target,
            "operation": operation,
            "method": method,
            "status": status,
            "outcome": outcome,
            "attempt": attempt,
            "durationMs": round((time.monotonic() - started) * 1000),
            "clientRequestId": client_request_id,
            "requestId": response.headers.get("x-ms-request-id") if response is not None else None,
            "correlationRequestId": response.headers.get("x-ms-correlation-request-id") if response is not None else None,
        }
        if message:
            record["message"] = message
        self.records.append(record)
        logger = _audit_logger()
        level = logging.INFO if outcome == "success" else logging.WARNING
        logger.log(level, "azure-call %s", json.dumps(record, sort_keys=True))


def _error_of(response: httpx.Response) -> tuple[str, str]:
    """ARM's error envelope ``{"error": {"code", "message"}}`` (the CloudError shape every spec declares)."""
    try:
        body = response.json()
    except ValueError:
        return (str(response.status_code), response.text[:500])
    error = body.get("error", body) if isinstance(body, dict) else {}
    if not isinstance(error, dict):
        return (str(response.status_code), str(body)[:500])
    return (str(error.get("code", response.status_code)), str(error.get("message", ""))[:2000])


def same_host(url: str, endpoint: str) -> str:
    """Follow a URL Azure handed back (Azure-AsyncOperation, Location) only if it is on the endpoint we called:
    the bearer token must not be sent anywhere else."""
    got, want = urlsplit(url), urlsplit(endpoint)
    if (got.scheme, got.netloc.lower()) != (want.scheme, want.netloc.lower()):
        raise AzureCallError("follow-operation", 0, "UnexpectedHost", f"{url} is not on {endpoint}", None)
    return url
