"""A real PostgreSQL (with pg_trgm) and a real Prefect server (the pinned version) per test session, started here and
stopped at the end; Azure is a loopback stand-in (tests/standin.py). Nothing is started globally.

The environment is set before Prefect is imported anywhere, so the flows run in this process talk to this server.
"""

from __future__ import annotations

import glob
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


from tests.standin import IDENTITY_HEADER, WORKER_CLIENT_ID, AzureStandIn  # noqa: E402
from tests.support.processes import stop  # noqa: E402

STANDIN = AzureStandIn()
TMP = Path(tempfile.mkdtemp(prefix="dataplatform-flows-"))
PG_PORT = _free_port()
API_PORT = _free_port()
AUTH_STRING = f"prefect:{secrets.token_urlsafe(16)}"
PG_PASSWORD = secrets.token_urlsafe(16)  # stands in for the Entra token prefect-azure's plugin fetches in Azure
API_URL = f"http://127.0.0.1:{API_PORT}/api"

# Client side (this process, the worker and its flow-run subprocesses).
os.environ.update(
    {
        "PREFECT_HOME": str(TMP / "prefect-home"),
        "PREFECT_API_URL": API_URL,
        "PREFECT_API_AUTH_STRING": AUTH_STRING,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_TO_API_BATCH_INTERVAL": "0.3",
        "AZURE_CLIENT_ID": WORKER_CLIENT_ID,
        "IDENTITY_ENDPOINT": f"{STANDIN.base}/msi/token",
        "IDENTITY_HEADER": IDENTITY_HEADER,
    }
)
for leaked in ("AZURE_CLIENT_SECRET", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE", "MSI_ENDPOINT", "MSI_SECRET"):
    os.environ.pop(leaked, None)


def _pg_bin() -> Path:
    explicit = os.environ.get("PG_BIN")
    candidates = [explicit] if explicit else sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))[::-1]
    for c in candidates:
        if c and (Path(c) / "initdb").exists() and (Path(c) / "pg_ctl").exists():
            return Path(c)
    raise RuntimeError("PostgreSQL server binaries not found (initdb, pg_ctl): install Debian's 'postgresql' or set PG_BIN")


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb refuses to run as root: drop to the 'postgres' account Debian's package creates."""
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


def _run(cmd: list[str], env: dict[str, str] | None = None) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:6])} ... exited {done.returncode}: {done.stderr.strip() or done.stdout.strip()}")


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    pg_bin = _pg_bin()
    if not list(Path("/usr/share/postgresql").glob("*/extension/pg_trgm.control")):
        raise RuntimeError("pg_trgm is not installed (Debian ships it in the postgresql package's contrib)")
    data = TMP / "pg"
    data.mkdir()
    pwfile = TMP / "pg-superuser-password"
    pwfile.write_text(secrets.token_urlsafe(16))
    if os.geteuid() == 0:
        shutil.chown(TMP, "postgres")
        shutil.chown(data, "postgres")
        shutil.chown(pwfile, "postgres")
    _run(
        _as_postgres(
            [
                str(pg_bin / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--pwfile",
                str(pwfile),
                "--auth=scram-sha-256",
                "-E",
                "UTF8",
                "--no-sync",
            ]
        )
    )
    _run(
        _as_postgres(
            [
                str(pg_bin / "pg_ctl"),
                "start",
                "-D",
                str(data),
                "-w",
                "-l",
                str(TMP / "pg.log"),
                "-o",
                f"-p {PG_PORT} -c listen_addresses=127.0.0.1 -k {TMP} -c fsync=off",
            ]
        )
    )
    try:
        env = {**os.environ, "PGPASSWORD": pwfile.read_text()}
        _run(
            [
                str(pg_bin / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(PG_PORT),
                "-U",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                f"CREATE ROLE prefect LOGIN PASSWORD '{PG_PASSWORD}'",
                "-c",
                "CREATE DATABASE prefect OWNER prefect",
            ],
            env=env,
        )
        # As in Azure, pg_trgm is created by Prefect's migrations as the database owner (a trusted extension).
        yield f"postgresql+asyncpg://prefect:{PG_PASSWORD}@127.0.0.1:{PG_PORT}/prefect"
    finally:
        subprocess.run(_as_postgres([str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]), capture_output=True)


def rendered_server() -> dict[str, Any]:
    """The Prefect server container as the stack renders it (tools/prefect/render-server-env.ts, run by scripts/test-flows)."""
    path = os.environ.get("DATAPLATFORM_RENDERED_SERVER")
    if not path:
        raise RuntimeError(
            "DATAPLATFORM_RENDERED_SERVER is not set: run the tests through scripts/test-flows, which renders the dev stack's "
            "Prefect server container (tools/prefect/render-server-env.ts) and passes the file here"
        )
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return data


def rendered_env(rendered: dict[str, Any]) -> dict[str, str]:
    """Plain env values of the rendered container (secret references are listed separately)."""
    return {e["name"]: e["value"] for e in rendered["env"] if "value" in e}


#: What differs from the rendered server environment, and why (everything else is passed verbatim):
#: - the database URL: this PostgreSQL on loopback with a local password, where Azure has the server's managed identity
#:   as the user and prefect-azure's plugin supplies an Entra token per connection (no password in the rendered URL);
#: - the managed-identity flag off: the plugin is loaded (PREFECT_PLUGINS_ENABLED/ALLOW as rendered) and returns no
#:   connection parameters (prefect_azure/plugins.py: "Returns an empty mapping when the feature is disabled"), so
#:   asyncpg uses the local password instead of asking Entra for a token;
#: - the auth string: the Key Vault secret reference `prefect-api-auth-string` resolves to a local random value;
#: - host and port of `prefect server start`: loopback and a free port instead of 0.0.0.0:4200 (probes map to it);
#: - `python` of the rendered command is this venv's interpreter (the same lock, installed by scripts/test-flows).
LOCAL_OVERRIDES = ("PREFECT_API_DATABASE_CONNECTION_URL", "PREFECT_INTEGRATIONS_AZURE_POSTGRES_MANAGED_IDENTITY_ENABLED")
SECRET_STANDINS = {"prefect-api-auth-string": AUTH_STRING}


def server_command(rendered: dict[str, Any]) -> list[str]:
    command, args = list(rendered["command"]), list(rendered["args"])
    if not command or command[0] != "python":
        raise RuntimeError(f"the rendered server command does not start with python: {command[:1]}")
    for flag, value in (("--host", "127.0.0.1"), ("--port", str(API_PORT))):
        args[args.index(flag) + 1] = value
    return [sys.executable, *command[1:], *args]


def server_environment(rendered: dict[str, Any], database_url: str) -> dict[str, str]:
    env = rendered_env(rendered)
    rendered_url = env["PREFECT_API_DATABASE_CONNECTION_URL"]
    if not rendered_url.startswith("postgresql+asyncpg://") or ":" in rendered_url.split("://", 1)[1].split("@", 1)[0]:
        raise RuntimeError(f"the rendered database URL is not postgresql+asyncpg:// without a password: {rendered_url}")
    env["PREFECT_API_DATABASE_CONNECTION_URL"] = database_url
    env["PREFECT_INTEGRATIONS_AZURE_POSTGRES_MANAGED_IDENTITY_ENABLED"] = "false"
    for e in rendered["env"]:
        if "secretRef" in e:
            if e["secretRef"] not in SECRET_STANDINS:
                raise RuntimeError(f"no local stand-in for the secret {e['secretRef']!r} the server reads as {e['name']}")
            env[e["name"]] = SECRET_STANDINS[e["secretRef"]]
    # A container's environment is the image's plus the template's: nothing of this test process leaks in (client settings).
    base = {k: v for k, v in os.environ.items() if k in ("HOME", "LANG", "LC_ALL", "TMPDIR")}
    venv_bin = str(Path(sys.executable).parent)
    return {**base, "PATH": f"{venv_bin}:{os.environ.get('PATH', '/usr/bin:/bin')}", "PREFECT_HOME": str(TMP / "server-home"), **env}


@pytest.fixture(scope="session")
def prefect_server(postgres: str) -> Iterator[str]:
    """The Prefect server started as the server app starts it: the rendered command (the bootstrap installs the rendered,
    hashed requirements, then execs `prefect server start`), the rendered environment except LOCAL_OVERRIDES, on the
    PostgreSQL above, auth string on. Ready when the rendered Startup probe path answers."""
    rendered = rendered_server()
    startup = next(p for p in rendered["probes"] if p["type"] == "Startup")["httpGet"]
    if str(startup["port"]) != rendered["args"][rendered["args"].index("--port") + 1]:
        raise RuntimeError(f"the Startup probe port {startup['port']} is not the port the server listens on")
    log = (TMP / "server.log").open("w")
    proc = subprocess.Popen(server_command(rendered), env=server_environment(rendered, postgres), stdout=log, stderr=subprocess.STDOUT)
    try:
        import httpx

        probe_url = f"http://127.0.0.1:{API_PORT}{startup['path']}"
        deadline = time.monotonic() + 240
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"prefect server exited {proc.returncode}: {(TMP / 'server.log').read_text()[-3000:]}")
            try:
                if httpx.get(probe_url, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"prefect server did not answer {startup['path']} within 240 s")
            time.sleep(0.5)
        yield API_URL
    finally:
        # Ship this process's queued logs/events while the server still listens (else they retry after it stops).
        from prefect.events.worker import EventsWorker
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=10)
        EventsWorker.drain_all(timeout=10)
        stop(proc, log)


PLATFORM = {
    "dataplatform_environment": "dev",
    "dataplatform_subscription_id": "12345678-1234-1234-1234-12345678abcd",
    "dataplatform_resource_group": "rg-dataplatform-dev",
    "dataplatform_data_factory_name": "adf-dataplatform-dev",
    "dataplatform_domain_sales_team": "sales-eng",
    "dataplatform_domain_sales_cost_center": "cc-1001",
}


@pytest.fixture(scope="session")
def platform_variables(prefect_server: str) -> dict[str, Any]:
    """What the platform's Prefect configuration writes (issue 11), pointed at the stand-in."""
    from prefect import get_client
    from prefect.client.schemas.actions import VariableCreate

    values: dict[str, Any] = {
        **PLATFORM,
        "dataplatform_arm_endpoint": STANDIN.base,
        "dataplatform_domain_sales_synapse_endpoint": f"{STANDIN.base}/synapse/syn-sales-dev",
        "dataplatform_backup_vaults": [
            {
                "id": "/subscriptions/12345678-1234-1234-1234-12345678abcd/resourceGroups/rg-dataplatform-dev/providers/Microsoft.DataProtection/backupVaults/bv-weu",
                "region": "westeurope",
            },
            {
                "id": "/subscriptions/12345678-1234-1234-1234-12345678abcd/resourceGroups/rg-dataplatform-dev/providers/Microsoft.DataProtection/backupVaults/bv-neu",
                "region": "northeurope",
            },
        ],
    }
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate

    from dataplatform_flows.coordinates import contract

    with get_client(sync_client=True) as client:
        for name, value in values.items():
            client.create_variable(VariableCreate(name=name, value=value))
        # The global limits the flows hold a slot of, as the configuration creates them (contract defaults).
        for limit in contract()["globalConcurrencyLimits"]:
            client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=limit["name"], limit=limit["default"]))
    return values


@pytest.fixture(scope="session", autouse=True)
def _standin() -> Iterator[AzureStandIn]:
    STANDIN.start()
    yield STANDIN
    STANDIN.stop()


@pytest.fixture
def azure(platform_variables: dict[str, Any]) -> Iterator[AzureStandIn]:
    STANDIN.reset()
    import dataplatform_flows.azure as az

    saved = az.DEFAULT_RETRY
    az.DEFAULT_RETRY = az.RetryPolicy(max_attempts=4, base_seconds=0.1, cap_seconds=0.4)
    yield STANDIN
    az.DEFAULT_RETRY = saved


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if exitstatus == 0:
        shutil.rmtree(TMP, ignore_errors=True)
    else:
        print(f"\nflows test logs kept in {TMP} (server.log, pg.log)", file=sys.stderr)
