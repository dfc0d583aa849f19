"""The Prefect server the stack renders, started for real (issue 11 points 1 and 6).

The server runs the dev stack's rendered container (tools/prefect/render-server-env.ts): its command (the bootstrap that
installs the hashed requirements, then execs `prefect server start`), its environment except what conftest.LOCAL_OVERRIDES
lists, on PostgreSQL with pg_trgm (`postgresql+asyncpg://`), API auth string on.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import httpx

from tests.conftest import API_PORT, AUTH_STRING, PG_PASSWORD, PG_PORT, rendered_env, rendered_server

LOCK = Path(__file__).resolve().parents[1] / "requirements.lock"
REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) --hash=sha256:[0-9a-f]{64}$")


def lock_groups() -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    current = ""
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        header = re.fullmatch(r"# \[(\w+)\]", line)
        if header:
            current = header.group(1)
        elif line and not line.startswith("#"):
            groups.setdefault(current, []).append(line)
    return groups


def rendered_requirements() -> dict[str, str]:
    """name -> version the server app installs at start (its DATAPLATFORM_REQUIREMENTS)."""
    pins: dict[str, str] = {}
    for line in rendered_env(rendered_server())["DATAPLATFORM_REQUIREMENTS"].splitlines():
        match = REQUIREMENT.match(line)
        assert match, f"not a hashed exact requirement: {line!r}"
        pins[match.group(1)] = match.group(2)
    return pins


def test_rendered_server_requirements_are_the_locks_runtime_and_server_groups() -> None:
    groups = lock_groups()
    assert set(groups) == {"runtime", "server", "dev"}
    rendered = rendered_env(rendered_server())["DATAPLATFORM_REQUIREMENTS"].splitlines()
    assert rendered == groups["runtime"] + groups["server"]
    assert not set(rendered) & set(groups["dev"]), "nothing of the test tooling runs in Azure"


def test_the_venv_runs_the_versions_the_app_installs() -> None:
    """The Prefect (and every other package) pytest runs is the version the server app's start installs."""
    pins = rendered_requirements()
    assert version("prefect") == pins["prefect"]
    assert version("prefect-azure") == pins["prefect-azure"]
    assert pins["prefect-azure"] == "0.4.13"
    for name, pinned in pins.items():
        assert version(name) == pinned, f"{name}: venv {version(name)}, app {pinned}"


def test_server_answers_the_apps_probe_paths_with_auth_on(prefect_server: str) -> None:
    rendered = rendered_server()
    paths = {p["httpGet"]["path"] for p in rendered["probes"]}
    assert {p["type"] for p in rendered["probes"]} == {"Startup", "Liveness", "Readiness"}
    for path in paths:
        # Container Apps' HTTP probes send no credentials: the probe path answers without the auth string.
        assert httpx.get(f"http://127.0.0.1:{API_PORT}{path}", timeout=10).status_code == 200, path
    # The API itself refuses a request without the auth string and accepts it with it.
    assert httpx.post(f"{prefect_server}/flows/filter", json={}, timeout=10).status_code == 401
    user, password = AUTH_STRING.split(":", 1)
    assert httpx.post(f"{prefect_server}/flows/filter", json={}, auth=(user, password), timeout=10).status_code == 200


def test_server_runs_with_the_rendered_settings_and_the_azure_plugin_enabled(prefect_server: str) -> None:
    user, password = AUTH_STRING.split(":", 1)
    response = httpx.get(f"{prefect_server}/admin/settings", auth=(user, password), timeout=10)
    assert response.status_code == 200
    settings = response.json()
    env = rendered_env(rendered_server())
    assert env["PREFECT_PLUGINS_ENABLED"] == "true"
    assert settings["plugins"]["enabled"] is True
    assert settings["plugins"]["allow"] == env["PREFECT_PLUGINS_ALLOW"].split(",") == ["azure"]
    assert settings["server"]["analytics_enabled"] is False
    assert settings["server"]["database"]["connection_url"] is not None


def test_server_is_on_postgres_with_pg_trgm(prefect_server: str) -> None:
    async def extensions() -> set[str]:
        conn = await asyncpg.connect(host="127.0.0.1", port=PG_PORT, user="prefect", password=PG_PASSWORD, database="prefect")
        try:
            return {r["extname"] for r in await conn.fetch("SELECT extname FROM pg_extension")}
        finally:
            await conn.close()

    assert "pg_trgm" in asyncio.run(extensions())


def test_worker_runtime_unpacks_the_flows_package_and_execs_with_it_importable(tmp_path: Path) -> None:
    """What every worker container's start does (prefectRuntime("worker")): install the runtime group (all present in
    this venv, so pip changes nothing), unpack the flows package carried in the template, exec the command — which then
    imports dataplatform_flows from the unpacked copy (PYTHONPATH), contract file included."""
    runtime = rendered_server()["workerRuntime"]
    env = {e["name"]: e["value"] for e in runtime["env"]}
    assert env["PYTHONPATH"] == env["DATAPLATFORM_FLOWS_DIR"]
    assert env["DATAPLATFORM_REQUIREMENTS"].splitlines() == lock_groups()["runtime"]
    target = tmp_path / "flows"
    env.update({"DATAPLATFORM_FLOWS_DIR": str(target), "PYTHONPATH": str(target)})
    probe = "import dataplatform_flows.flows, dataplatform_flows.coordinates as c; print(dataplatform_flows.flows.__file__); print(sorted(c.contract()))"
    command = [sys.executable, *runtime["command"][1:], sys.executable, "-c", probe]
    done = subprocess.run(
        command,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    module_file, contract_keys = done.stdout.strip().splitlines()[-2:]
    assert Path(module_file).is_relative_to(target), module_file
    assert contract_keys == str(
        sorted(json.loads((Path(__file__).resolve().parents[2] / "contracts" / "prefect-variables.json").read_text()))
    )
    src = Path(__file__).resolve().parents[1] / "src" / "dataplatform_flows"
    for path in src.rglob("*.py"):
        assert (target / "dataplatform_flows" / path.relative_to(src)).read_text(encoding="utf-8") == path.read_text(encoding="utf-8")
