"""The harness itself: the pinned Prefect server on PostgreSQL with pg_trgm, API auth on (issue 11 point 6)."""

from __future__ import annotations

import asyncio
from importlib.metadata import version

import asyncpg  # type: ignore[import-untyped]
import httpx

from tests.conftest import AUTH_STRING, PG_PASSWORD, PG_PORT


def test_server_is_the_pinned_prefect_on_postgres_with_pg_trgm_and_auth_on(prefect_server: str) -> None:
    assert version("prefect") == "3.9.1"
    # The apps' probe path answers without credentials; the API refuses a request without the auth string.
    assert httpx.get(f"{prefect_server}/health", timeout=10).status_code == 200
    assert httpx.post(f"{prefect_server}/flows/filter", json={}, timeout=10).status_code == 401
    user, password = AUTH_STRING.split(":", 1)
    assert httpx.post(f"{prefect_server}/flows/filter", json={}, auth=(user, password), timeout=10).status_code == 200

    async def extensions() -> set[str]:
        conn = await asyncpg.connect(host="127.0.0.1", port=PG_PORT, user="prefect", password=PG_PASSWORD, database="prefect")
        try:
            return {r["extname"] for r in await conn.fetch("SELECT extname FROM pg_extension")}
        finally:
            await conn.close()

    assert "pg_trgm" in asyncio.run(extensions())
