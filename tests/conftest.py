"""Fixtures shared by the whole suite: a real PostgreSQL database per test, when a server is given.

Set STUDYBOT_TEST_POSTGRES to a server URL (`export STUDYBOT_TEST_POSTGRES="$(.ci/start-postgres)"`
starts one). Without it the PostgreSQL tests are skipped with one line saying so; in CI (CI=true)
they fail instead, so a broken server set-up can never pass as "skipped".
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pg_server import POSTGRES_ENV, postgres_query, with_database


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI must run the PostgreSQL tests (see .ci/run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The test server's URL, checked to answer; skips (fails in CI) when there is none."""
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if not url:
        _unavailable(f'no PostgreSQL: set {POSTGRES_ENV} (e.g. "$(.ci/start-postgres)")')
    try:
        import asyncpg  # noqa: F401 - the driver comes with the test extra
    except ImportError:
        _unavailable("no PostgreSQL driver: pip install -e '.[test]'")
    try:
        postgres_query(url, "SELECT 1")
    except Exception as err:
        _unavailable(f"PostgreSQL at {POSTGRES_ENV} is unreachable: {err}")
    return url


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A new, empty database on the test server for this test alone, dropped afterwards."""
    name = f"studybot_test_{uuid.uuid4().hex[:12]}"
    postgres_query(postgres_server, f'CREATE DATABASE "{name}"')
    try:
        yield with_database(postgres_server, name)
    finally:
        postgres_query(postgres_server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
