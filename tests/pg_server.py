"""Helpers for tests that use the real PostgreSQL test server (fixtures are in conftest.py).

A module of its own, not conftest.py, so tests can import it: several folders have a conftest.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any
from urllib.parse import urlsplit, urlunsplit

POSTGRES_ENV = "STUDYBOT_TEST_POSTGRES"


def run_async(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run a coroutine to the end on its own loop in its own thread (safe inside async tests)."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coro)
        except BaseException as err:
            result["error"] = err

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


def with_database(url: str, name: str) -> str:
    """The same server URL, naming another database."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


async def _postgres(url: str, *statements: str) -> list[tuple[Any, ...]]:
    import asyncpg

    conn = await asyncpg.connect(url, timeout=10)
    try:
        rows: list[Any] = []
        for statement in statements:
            rows = await conn.fetch(statement)
        return [tuple(row) for row in rows]
    finally:
        await conn.close()


def postgres_query(url: str, *statements: str) -> list[tuple[Any, ...]]:
    """Run statements on a fresh connection (as another process would) and return the last's rows."""
    return run_async(_postgres(url, *statements))
