"""Prefect configuration as code against a real Prefect server (issue 11 points 4 and 6): the same module the domain
worker's init container runs, started the same way (`python -m dataplatform_flows.configure --domain <name>`)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from prefect import get_client
from prefect.client.orchestration import PrefectClient
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate, VariableCreate, WorkPoolCreate
from prefect.client.schemas.objects import WorkPoolStatus
from prefect.exceptions import ObjectNotFound

from dataplatform_flows.configure import (
    GCL_MARKER_VARIABLE,
    ConflictError,
    DesiredStateError,
    ServerUnavailable,
    apply,
    load_desired_state,
    parse_desired_state,
    wait_for_server,
)
from dataplatform_flows.coordinates import contract
from dataplatform_flows.deployments import FLOWS, MANAGED_BY
from tests.conftest import TMP, _free_port
from tests.support.prefect_config import GCLS, command, config_server, desired_state, domain_worker, on, subprocess_env

__all__ = ["config_server"]  # the fixture, imported so that pytest finds it here

DOMAINS = ["alpha", "beta", "gamma"]
STATE = desired_state(DOMAINS)


def _apply(api_url: str, state: dict[str, Any], domain: str | None = None) -> dict[str, list[str]]:
    parsed = parse_desired_state(state)
    if domain is not None:
        parsed = parsed.for_domain(domain)

    async def go() -> dict[str, list[str]]:
        async with get_client() as client:
            return await apply(client, parsed)

    with on(api_url):
        return asyncio.run(go())


def _read(api_url: str, fn: Any) -> Any:
    async def go() -> Any:
        async with get_client() as client:
            return await fn(client)

    with on(api_url):
        return asyncio.run(go())


def _everything(client: PrefectClient) -> Any:
    async def go() -> dict[str, Any]:
        return {
            "pools": sorted(p.name for p in await client.read_work_pools()),
            "variables": sorted(v.name for v in await client.read_variables()),
            "limits": sorted(g.name for g in await client.read_global_concurrency_limits(limit=100)),
            "deployments": sorted(d.name for d in await client.read_deployments()),
        }

    return go()


def _run_configure(api_url: str, state: dict[str, Any] | None, domain: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command("configure", domain), env=subprocess_env(api_url, state, **extra), capture_output=True, text=True, timeout=120
    )


# --- validation: bad input applies nothing -------------------------------------------------------------------------


def test_bad_desired_state_applies_nothing_and_names_every_problem(config_server: str) -> None:
    bad = json.loads(json.dumps(STATE))
    bad["workPools"][1]["concurrencyLimit"] = 0
    bad["workPools"][2]["type"] = "kubernetes"
    bad["globalConcurrencyLimits"].append({"name": "backup-jobs", "limit": 1, "description": "twice"})
    bad["variables"] = [v for v in bad["variables"] if v["name"] != "dataplatform_domain_beta_team"]
    bad["variables"].append({"name": "dataplatform_password", "value": "x"})
    bad["deployments"][0]["parameters"]["poll_initial_seconds"] = "soon"
    bad["deployments"][1]["parameters"]["client_secret"] = "x"
    bad["deployments"].pop()
    bad["surprise"] = True

    done = _run_configure(config_server, bad, "alpha")
    assert done.returncode == 2, done.stderr
    for expected in (
        "$.surprise: unknown key",
        "$.workPools[1].concurrencyLimit: must be at least 1, got 0",
        "$.workPools[2].type: must be 'process', got 'kubernetes'",
        "$.globalConcurrencyLimits[2].name: global concurrency limit 'backup-jobs' is listed twice",
        "'dataplatform_password' is neither a platform variable",
        "'dataplatform_domain_beta_team' is missing",
        "$.deployments[0].parameters: adf-pipeline-run: 'soon' is not of type 'number'",
        "takes no parameter ['client_secret']",
        "backup-on-demand/gamma is missing",
    ):
        assert expected in done.stderr, f"{expected!r} not in:\n{done.stderr}"
    assert "nothing applied" in done.stderr

    # Not JSON, a sha256 that disagrees, no state at all, an unknown --domain: refused the same way.
    assert _run_configure(config_server, None, "alpha", DATAPLATFORM_PREFECT_CONFIG="{not json").returncode == 2
    wrong_sha = _run_configure(config_server, STATE, "alpha", DATAPLATFORM_PREFECT_CONFIG_SHA256="0" * 64)
    assert wrong_sha.returncode == 2 and "DATAPLATFORM_PREFECT_CONFIG_SHA256" in wrong_sha.stderr
    missing = _run_configure(config_server, None, "alpha")
    assert missing.returncode == 2 and "DATAPLATFORM_PREFECT_CONFIG is not set" in missing.stderr
    unknown = _run_configure(config_server, STATE, "delta")
    assert unknown.returncode == 2 and "no such domain" in unknown.stderr

    # The server saw none of it.
    seen = _read(config_server, _everything)
    assert not set(seen["pools"]) & set(DOMAINS), seen
    assert not set(seen["variables"]) & {v["name"] for v in STATE["variables"]}, seen
    assert not set(seen["limits"]) & {g["name"] for g in GCLS}, seen
    assert not set(seen["deployments"]) & set(DOMAINS), seen


def test_every_problem_is_reported_not_only_the_first() -> None:
    bad = json.loads(json.dumps(STATE))
    bad["environment"] = "Prod"
    bad["workPools"][0]["name"] = "not-alpha"
    with pytest.raises(DesiredStateError) as err:
        parse_desired_state(bad)
    assert len(err.value.problems) >= 3, err.value.problems
    assert any("$.environment" in p for p in err.value.problems)
    assert any("$.workPools[0].name" in p for p in err.value.problems)


def test_the_sha256_is_of_the_exact_text() -> None:
    import hashlib

    text = json.dumps(STATE)
    assert load_desired_state(text, hashlib.sha256(text.encode()).hexdigest()).domains == tuple(DOMAINS)
    with pytest.raises(DesiredStateError, match="sha256"):
        load_desired_state(text + " ", hashlib.sha256(text.encode()).hexdigest())


def test_dry_run_validates_and_lists_without_contacting_prefect() -> None:
    done = subprocess.run(
        [*command("configure", "beta"), "--dry-run"],
        env=subprocess_env("http://127.0.0.1:9/api", STATE),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert [p["name"] for p in out["workPools"]] == ["beta"]
    assert {d["deployment"] for d in out["deployments"]} == {f"{f}/beta" for f in FLOWS}
    assert "dataplatform_domain_alpha_team" not in out["variables"] and "dataplatform_domain_beta_team" in out["variables"]


# --- apply: three domains, concurrently, then idempotent -------------------------------------------------------


def test_three_domain_workers_apply_concurrently_then_a_second_apply_changes_nothing(config_server: str) -> None:
    # The three domain workers start together: their init containers race on the platform-wide items.
    procs = [
        subprocess.Popen(
            command("configure", d), env=subprocess_env(config_server, STATE), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for d in DOMAINS
    ]
    outputs = [p.communicate(timeout=180) for p in procs]
    for p, (_out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
    reports = [json.loads(out) for out, _ in outputs]
    # Every platform-wide item was created exactly once across the three; the others saw it updated-or-unchanged.
    for label in [
        "global-concurrency-limit adf-pipeline-runs",
        "global-concurrency-limit backup-jobs",
        "variable dataplatform_environment",
    ]:
        assert sum(label in r["created"] for r in reports) == 1, (label, reports)
    for d, r in zip(DOMAINS, reports, strict=True):
        assert f"work-pool {d}" in r["created"] and {f"deployment {f}/{d}" for f in FLOWS} <= set(r["created"])
        assert not any(other in label for label in r["created"] + r["updated"] + r["unchanged"] for other in set(DOMAINS) - {d}), r

    async def check(client: PrefectClient) -> None:
        for i, d in enumerate(DOMAINS):
            pool = await client.read_work_pool(d)
            assert pool.type == "process" and pool.concurrency_limit == 2 + i
            assert pool.description == f"managed-by:dataplatform data domain {d}"
            assert pool.base_job_template["job_configuration"]["command"] == "{{ command }}", "the process worker's default template"
            for f in FLOWS:
                dep = await client.read_deployment_by_name(f"{f}/{d}")
                assert dep.work_pool_name == d and dep.entrypoint == FLOWS[f][1]
                assert set(dep.tags) == {"env:dev", f"domain:{d}", f"team:{d}-eng", f"cost-center:cc-{1000 + i}", MANAGED_BY}
                assert dep.parameters == {"domain": d} and dep.enforce_parameter_schema
            team = await client.read_variable_by_name(f"dataplatform_domain_{d}_team")
            assert team is not None and team.value == f"{d}-eng" and set(team.tags) == {MANAGED_BY, f"domain:{d}"}
            lake = await client.read_variable_by_name(f"dataplatform_domain_{d}_lake_urls")
            assert lake is not None and lake.value == {"raw": f"https://dlsdp.dfs.core.windows.net/raw-{d}"}, "json variables hold JSON"
        for g in GCLS:
            limit = await client.read_global_concurrency_limit_by_name(g["name"])
            assert limit.limit == g["limit"] and limit.active
            marker = await client.read_variable_by_name(GCL_MARKER_VARIABLE.format(name=g["name"]))
            assert marker is not None and marker.value == g["description"] and marker.tags == [MANAGED_BY]
        vaults = await client.read_variable_by_name("dataplatform_backup_vaults")
        assert vaults is not None and isinstance(vaults.value, list) and set(vaults.tags) == {MANAGED_BY}
        names = {v.name for v in await client.read_variables()}
        assert {v["name"] for v in STATE["variables"]} <= names

    _read(config_server, check)

    second = _apply(config_server, STATE)
    expected_items = len(STATE["workPools"]) + len(GCLS) + len(STATE["variables"]) + len(STATE["deployments"])
    assert second["created"] == [] and second["updated"] == [], second
    assert len(second["unchanged"]) == expected_items
    # …and the CLI says the same, per domain.
    again = _run_configure(config_server, STATE, "beta")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["created"] == [] and json.loads(again.stdout)["updated"] == []


def test_a_changed_desired_state_updates_only_what_changed(config_server: str) -> None:
    _apply(config_server, STATE)
    changed = json.loads(json.dumps(STATE))
    changed["workPools"][1]["concurrencyLimit"] = 9
    changed["globalConcurrencyLimits"][0]["limit"] = 30
    next(v for v in changed["variables"] if v["name"] == "dataplatform_domain_gamma_cost_center")["value"] = "cc-9999"
    for d in changed["deployments"]:
        if d["name"] == "alpha" and d["flow"] == "adf-pipeline-run":
            d["parameters"]["timeout_seconds"] = 600
    result = _apply(config_server, changed)
    assert sorted(result["updated"]) == [
        "deployment adf-pipeline-run/alpha",
        "global-concurrency-limit adf-pipeline-runs",
        "variable dataplatform_domain_gamma_cost_center",
        "work-pool beta",
    ]
    assert result["created"] == []

    async def check(client: PrefectClient) -> None:
        assert (await client.read_work_pool("beta")).concurrency_limit == 9
        assert (await client.read_global_concurrency_limit_by_name("adf-pipeline-runs")).limit == 30
        assert (await client.read_deployment_by_name("adf-pipeline-run/alpha")).parameters == {"domain": "alpha", "timeout_seconds": 600}

    _read(config_server, check)
    assert _apply(config_server, STATE)["updated"] != []  # back, for the tests that follow
    assert _apply(config_server, STATE)["updated"] == []


# --- what the platform did not create -----------------------------------------------------------------------------


def test_objects_created_by_hand_survive_untouched(config_server: str) -> None:
    async def make(client: PrefectClient) -> dict[str, Any]:
        await client.create_work_pool(WorkPoolCreate(name="hand-made", type="process", concurrency_limit=1))
        await client.create_variable(VariableCreate(name="someone_elses_variable", value="keep me"))
        await client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name="someone-elses-limit", limit=1))
        flow_id = await client.create_flow_from_name("someone-elses-flow")
        await client.create_deployment(flow_id=flow_id, name="manual", work_pool_name="alpha", entrypoint="x:y")
        return await snapshot(client)

    async def snapshot(client: PrefectClient) -> dict[str, Any]:
        return {
            "pool": (await client.read_work_pool("hand-made")).model_dump(exclude={"status"}),
            "variable": (await client.read_variable_by_name("someone_elses_variable")),
            "limit": (await client.read_global_concurrency_limit_by_name("someone-elses-limit")).model_dump(),
            "deployment": (await client.read_deployment_by_name("someone-elses-flow/manual")).model_dump(
                exclude={"status", "last_polled", "updated"}
            ),
        }

    _apply(config_server, STATE)  # the platform's objects exist (whatever ran before)
    before = _read(config_server, make)
    for domain in DOMAINS:
        result = _apply(config_server, STATE, domain)
        assert result["created"] == [] and result["updated"] == []
    after = _read(config_server, snapshot)
    assert after == before


def test_an_unmanaged_object_with_a_platform_name_is_a_conflict_and_nothing_is_written(config_server: str) -> None:
    state = desired_state([*DOMAINS, "delta"], limits=[*GCLS, {"name": "delta-imports", "limit": 2, "description": "delta imports"}])

    async def make(client: PrefectClient) -> None:
        await client.create_work_pool(WorkPoolCreate(name="delta", type="process", description="ours, by hand"))
        await client.create_variable(VariableCreate(name="dataplatform_domain_delta_team", value="by hand"))
        await client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name="delta-imports", limit=7))

    _read(config_server, make)
    with pytest.raises(ConflictError) as err:
        _apply(config_server, state, "delta")
    message = str(err.value)
    assert "work-pool delta: its description does not start with 'managed-by:dataplatform'" in message
    assert "variable dataplatform_domain_delta_team: it is not tagged 'managed-by:dataplatform'" in message
    assert "global-concurrency-limit delta-imports: it has no companion variable" in message

    async def untouched(client: PrefectClient) -> None:
        assert (await client.read_work_pool("delta")).description == "ours, by hand"
        team = await client.read_variable_by_name("dataplatform_domain_delta_team")
        assert team is not None and team.value == "by hand" and team.tags == []
        assert (await client.read_global_concurrency_limit_by_name("delta-imports")).limit == 7
        assert await client.read_variable_by_name("dataplatform_domain_delta_cost_center") is None, "nothing written"
        assert await client.read_variable_by_name(GCL_MARKER_VARIABLE.format(name="delta-imports")) is None
        with pytest.raises(ObjectNotFound):
            await client.read_deployment_by_name("adf-pipeline-run/delta")

    _read(config_server, untouched)
    # The CLI fails clearly, with its own exit code.
    done = _run_configure(config_server, state, "delta")
    assert done.returncode == 3 and "nothing was changed" in done.stderr and "work-pool delta" in done.stderr


# --- the worker, started as the worker app starts it --------------------------------------------------------------


@pytest.fixture
def alpha_worker(config_server: str) -> Iterator[subprocess.Popen[bytes]]:
    with domain_worker(
        config_server, "alpha", "config-worker.log", PREFECT_WORKER_HEARTBEAT_SECONDS="2", PREFECT_WORKER_QUERY_SECONDS="1"
    ) as proc:
        yield proc


def test_a_worker_started_as_the_app_starts_it_polls_its_domain_pool(config_server: str, alpha_worker: subprocess.Popen[bytes]) -> None:
    assert command("worker", "alpha")[1:] == ["worker", "start", "--pool", "alpha", "--type", "process"]
    _apply(config_server, STATE, "alpha")
    started = datetime.now(UTC) - timedelta(seconds=1)

    async def heartbeats(client: PrefectClient) -> dict[str, Any]:
        return {
            d: ([w.last_heartbeat_time for w in await client.read_workers_for_work_pool(d)], (await client.read_work_pool(d)).status)
            for d in DOMAINS
        }

    deadline = time.monotonic() + 90
    while True:
        seen = _read(config_server, heartbeats)
        beats = [t for t in seen["alpha"][0] if t is not None and t >= started]
        if beats and seen["alpha"][1] == WorkPoolStatus.READY:
            break
        assert alpha_worker.poll() is None, (TMP / "config-worker.log").read_text()[-3000:]
        assert time.monotonic() < deadline, f"no heartbeat on pool alpha: {seen}\n{(TMP / 'config-worker.log').read_text()[-3000:]}"
        time.sleep(0.5)
    assert seen["beta"][0] == [] and seen["gamma"][0] == [], "the worker polls its own domain's pool only"
    # It did not take the pool over: the configuration still owns it, unchanged.
    assert _apply(config_server, STATE, "alpha")["updated"] == []


# --- waiting for the server ---------------------------------------------------------------------------------------


def test_waiting_for_the_server_backs_off_exponentially_and_gives_up_in_time() -> None:
    delays: list[float] = []

    async def record(seconds: float) -> None:
        delays.append(seconds)
        await asyncio.sleep(0)

    url = f"http://127.0.0.1:{_free_port()}/api"  # nothing listens
    start = time.monotonic()
    with pytest.raises(ServerUnavailable, match=r"did not answer http://127\.0\.0\.1:\d+/api/health within 2 s"):
        asyncio.run(wait_for_server(url, 2.0, initial_seconds=0.01, cap_seconds=0.08, sleep=record))
    assert time.monotonic() - start < 10
    assert len(delays) >= 4
    # Jittered into [half, full] of 0.01, 0.02, 0.04, then capped at 0.08.
    for i, d in enumerate(delays[:6]):
        full = min(0.01 * 2**i, 0.08)
        assert full / 2 <= d <= full, (i, d, delays)


def test_the_cli_exits_4_when_the_server_never_answers() -> None:
    done = subprocess.run(
        [*command("configure", "alpha"), "--wait-seconds", "1"],
        env=subprocess_env(f"http://127.0.0.1:{_free_port()}/api", STATE),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 4 and "did not answer" in done.stderr, done.stderr


def test_it_waits_for_a_server_that_comes_up_late() -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Health(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/api/health" else 404)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    port = _free_port()
    servers: list[ThreadingHTTPServer] = []

    def later() -> None:
        time.sleep(0.6)
        servers.append(ThreadingHTTPServer(("127.0.0.1", port), Health))
        servers[0].serve_forever()

    threading.Thread(target=later, daemon=True).start()
    try:
        attempts = asyncio.run(wait_for_server(f"http://127.0.0.1:{port}/api", 10.0, initial_seconds=0.05, cap_seconds=0.2))
    finally:
        if servers:
            servers[0].shutdown()
    assert attempts > 1


# --- the shared contract ------------------------------------------------------------------------------------------


def test_the_flow_list_is_the_package_s_flows_and_the_marker_is_the_contract_s() -> None:
    from prefect import Flow

    import dataplatform_flows.flows as module

    declared = {f.name for f in vars(module).values() if isinstance(f, Flow)}
    assert [f["name"] for f in contract()["flows"]] == list(FLOWS)
    assert declared == set(FLOWS), "every @flow of the package is listed in contracts/prefect-variables.json, and only those"
    assert MANAGED_BY == contract()["managedMarker"] == "managed-by:dataplatform"
