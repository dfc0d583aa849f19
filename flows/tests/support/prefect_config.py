"""A Prefect server of the configuration-as-code tests' own, and the desired state the platform renders.

Why its own server: the session server (conftest.py) holds Prefect variables the flow tests write by hand with the
platform's names and no managed marker, which the configuration must (and does) refuse to touch. This server runs
the same way (`prefect server start`, the pinned Prefect, API auth string on) on its own database in the session's
PostgreSQL, created with the superuser password conftest.py writes next to the cluster.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings

from dataplatform_flows.coordinates import contract
from tests.conftest import AUTH_STRING, PG_PORT, PLATFORM, STANDIN, TMP, _free_port
from tests.standin import WORKER_CLIENT_ID
from tests.support.processes import stop

DATABASE = "prefect_config"
VENV_BIN = Path(sys.executable).parent


def _create_database() -> None:
    import asyncpg  # type: ignore[import-untyped]

    password = (TMP / "pg-superuser-password").read_text()

    async def go() -> None:
        conn = await asyncpg.connect(host="127.0.0.1", port=PG_PORT, user="postgres", password=password, database="postgres")
        try:
            if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DATABASE):
                await conn.execute(f"CREATE DATABASE {DATABASE} OWNER prefect")
        finally:
            await conn.close()

    asyncio.run(go())


@pytest.fixture(scope="session")
def config_server(postgres: str) -> Iterator[str]:
    """`prefect server start` as the server app runs it, on its own database; yields its API URL."""
    _create_database()
    port = _free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    home = TMP / "config-server-home"
    log = (TMP / "config-server.log").open("w")
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_API_DATABASE_CONNECTION_URL": postgres.rsplit("/", 1)[0] + f"/{DATABASE}",
        "PREFECT_SERVER_API_AUTH_STRING": AUTH_STRING,
        "PREFECT_UI_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL")
    proc = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"prefect server exited {proc.returncode}: {(TMP / 'config-server.log').read_text()[-3000:]}")
            try:
                if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the configuration tests' prefect server did not answer /api/health within 180 s")
            time.sleep(0.5)
        yield api_url
    finally:
        stop(proc, log)


@contextmanager
def on(api_url: str) -> Iterator[None]:
    """This process's Prefect client talks to `api_url` inside the block."""
    with temporary_settings(updates={PREFECT_API_URL: api_url}):
        yield


def command(role: str, domain: str) -> list[str]:
    """The domain worker app's container arguments (contracts/prefect-variables.json `commands`), as run here:
    `python` is this venv's interpreter and `prefect` its console script."""
    args = [a.replace("{domain}", domain) for a in contract()["commands"][role]]
    if args[0] == "python":
        return [sys.executable, *args[1:]]
    return [str(VENV_BIN / args[0]), *args[1:]]


@contextmanager
def domain_worker(api_url: str, domain: str, log_name: str, **settings: str) -> Iterator[subprocess.Popen[bytes]]:
    """A worker on `domain`'s pool, started as the worker app starts it, with Prefect `settings` (e.g. poll periods)."""
    log = (TMP / log_name).open("w")
    proc = subprocess.Popen(command("worker", domain), env=subprocess_env(api_url, None, **settings), stdout=log, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        stop(proc, log)


def subprocess_env(api_url: str, state: dict[str, Any] | None = None, **extra: str) -> dict[str, str]:
    env = {**os.environ, "PREFECT_API_URL": api_url, **extra}
    if state is not None:
        env["DATAPLATFORM_PREFECT_CONFIG"] = json.dumps(state)
    return env


GCLS: list[dict[str, Any]] = [
    {"name": "adf-pipeline-runs", "limit": 20, "description": "Data Factory pipeline runs in flight across all domains"},
    {"name": "backup-jobs", "limit": 4, "description": "on-demand backup jobs across all vaults"},
]


def desired_state(domains: list[str], *, environment: str = "dev", limits: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A desired state as components/prefect/desired-state.ts renders it: one pool per domain, every platform and
    domain variable, every flow deployed to every domain. Coordinates point at the Azure stand-in."""
    platform = {
        **{k: v for k, v in PLATFORM.items() if "_domain_" not in k},
        "dataplatform_environment": environment,
        "dataplatform_arm_endpoint": STANDIN.base,
        "dataplatform_key_vault_uri": "https://kv-dp-dev-weu.vault.azure.net/",
        "dataplatform_backup_vaults": json.dumps(
            [
                {
                    "id": f"/subscriptions/{PLATFORM['dataplatform_subscription_id']}/resourceGroups/rg-dataplatform-dev/providers/Microsoft.DataProtection/backupVaults/bv-weu",
                    "region": "westeurope",
                }
            ]
        ),
    }
    variables = [{"name": k, "value": v} for k, v in platform.items()]
    for i, d in enumerate(domains):
        per_domain = {
            "team": f"{d}-eng",
            "cost_center": f"cc-{1000 + i}",
            "synapse_workspace": f"synw-{d}",
            "synapse_endpoint": f"{STANDIN.base}/synapse/synw-{d}",
            "synapse_sql_endpoint": f"synw-{d}.sql.azuresynapse.net",
            "synapse_sql_on_demand_endpoint": f"synw-{d}-ondemand.sql.azuresynapse.net",
            "lake_urls": json.dumps({"raw": f"https://dlsdp.dfs.core.windows.net/raw-{d}"}),
            "worker_client_id": WORKER_CLIENT_ID,
        }
        variables += [{"name": f"dataplatform_domain_{d}_{k}", "value": v} for k, v in per_domain.items()]
    flows = [f["name"] for f in contract()["flows"]]
    return {
        "version": 1,
        "environment": environment,
        "workPools": [
            {
                "name": d,
                "domain": d,
                "type": "process",
                "concurrencyLimit": 2 + i,
                "description": f"managed-by:dataplatform data domain {d}",
            }
            for i, d in enumerate(domains)
        ],
        "globalConcurrencyLimits": GCLS if limits is None else limits,
        "variables": variables,
        "deployments": [
            {
                "flow": f,
                "name": d,
                "workPool": d,
                "tags": [f"env:{environment}", f"domain:{d}", f"team:{d}-eng", f"cost-center:cc-{1000 + i}"],
                "parameters": {"domain": d},
            }
            for i, d in enumerate(domains)
            for f in flows
        ],
    }
