"""The store, on every backend: schema and migrations, unanswered log, points, leaderboards, cards.

Each behaviour test runs against SQLite and against a real PostgreSQL server (a fresh database per
test; skipped with one line when STUDYBOT_TEST_POSTGRES is not set, failing in CI).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pg_server import postgres_query

import bot.storage.sqlite
from bot.storage.store import (
    DB_FILE,
    SCHEMA_VERSION,
    SqliteStore,
    Store,
    StoreUnavailableError,
    redact_url,
)


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@dataclass
class Backend:
    """One database behind `Store.open`, and a second, raw way in to check what reached it."""

    name: str
    data_dir: Path
    database_url: str | None
    query: Callable[[str], list[tuple[Any, ...]]]
    """Run SQL on an independent connection, as another process (or a restart) would."""
    module: ModuleType
    """The backend's module, whose MIGRATIONS a test may extend."""

    async def open(self, clock: Callable[[], float] | None = None) -> Store:
        if clock is None:
            return await Store.open(self.data_dir, database_url=self.database_url)
        return await Store.open(self.data_dir, clock=clock, database_url=self.database_url)

    def columns(self, table: str) -> list[str]:
        if self.name == "sqlite":
            return [row[1] for row in self.query(f"PRAGMA table_info({table})")]
        return [
            row[0]
            for row in self.query(
                "SELECT column_name FROM information_schema.columns "
                f"WHERE table_name = '{table}' ORDER BY ordinal_position"
            )
        ]


def _sqlite_backend(tmp_path: Path) -> Backend:
    def query(sql: str) -> list[tuple[Any, ...]]:
        with sqlite3.connect(tmp_path / DB_FILE) as raw:
            return raw.execute(sql).fetchall()

    return Backend("sqlite", tmp_path, None, query, bot.storage.sqlite)


def _postgres_backend(tmp_path: Path, url: str) -> Backend:
    import bot.storage.postgres

    return Backend(
        "postgres", tmp_path, url, lambda sql: postgres_query(url, sql), bot.storage.postgres
    )


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request, tmp_path: Path) -> Backend:
    """Every `Store` backend; the PostgreSQL one only asks for a server when it is its turn."""
    if request.param == "sqlite":
        return _sqlite_backend(tmp_path)
    return _postgres_backend(tmp_path, request.getfixturevalue("postgres_url"))


@pytest.fixture
async def store(backend: Backend, clock: Clock):
    opened = await backend.open(clock)
    yield opened
    await opened.close()


def test_every_backend_has_one_script_per_schema_version():
    import bot.storage.postgres

    assert len(bot.storage.sqlite.MIGRATIONS) == SCHEMA_VERSION
    assert len(bot.storage.postgres.MIGRATIONS) == SCHEMA_VERSION


async def test_open_creates_the_database_in_the_data_folder_in_wal_mode(tmp_path: Path):
    data = tmp_path / "nested" / "data"
    store = await Store.open(data)
    try:
        assert isinstance(store, SqliteStore)
        assert (data / DB_FILE).is_file()
        assert await store.journal_mode() == "wal"
        assert await store.schema_version() == SCHEMA_VERSION
    finally:
        await store.close()


async def test_a_postgresql_url_opens_the_postgresql_store(tmp_path: Path, postgres_url: str):
    from bot.storage.postgres import PostgresStore

    store = await Store.open(tmp_path, database_url=postgres_url)
    try:
        assert isinstance(store, PostgresStore)
        assert await store.schema_version() == SCHEMA_VERSION
        assert not (tmp_path / DB_FILE).exists()
    finally:
        await store.close()


async def test_a_url_of_another_kind_is_refused_without_showing_its_password(tmp_path: Path):
    with pytest.raises(StoreUnavailableError, match="not a postgresql") as caught:
        await Store.open(tmp_path, database_url="mysql://bot:hunter2@db/studybot")
    assert "hunter2" not in str(caught.value)


async def test_an_unreachable_postgresql_server_is_one_clear_error_without_its_password(
    tmp_path: Path,
):
    pytest.importorskip("asyncpg")
    url = "postgresql://bot:hunter2@127.0.0.1:1/studybot"  # port 1: nothing listens there
    with pytest.raises(StoreUnavailableError, match="cannot connect to PostgreSQL") as caught:
        await Store.open(tmp_path, database_url=url)
    assert "hunter2" not in str(caught.value)
    assert "bot:***@127.0.0.1:1" in str(caught.value)


def test_redact_url_hides_only_the_password():
    assert redact_url("postgresql://u:secret@h:5432/db?x=1") == "postgresql://u:***@h:5432/db?x=1"
    assert redact_url("postgresql://h/db") == "postgresql://h/db"


async def test_reopening_keeps_the_schema_version_and_the_data(backend: Backend):
    store = await backend.open()
    await store.record_unanswered(1, "who was Zinoviev?")
    await store.close()
    again = await backend.open()
    try:
        assert await again.unanswered(1, 5) == [("who was Zinoviev?", 1)]
        assert await again.schema_version() == SCHEMA_VERSION
    finally:
        await again.close()
    assert backend.query("SELECT COUNT(*) FROM schema_version") == [(1,)]


async def test_a_database_from_a_newer_studybot_is_refused(backend: Backend):
    store = await backend.open()
    await store.close()
    backend.query(f"UPDATE schema_version SET version = {SCHEMA_VERSION + 1}")
    with pytest.raises(RuntimeError, match="newer studybot"):
        await backend.open()


async def test_unanswered_counts_spelling_variants_together_most_frequent_first(store, clock):
    await store.record_unanswered(7, "Who was Kamenev?")
    clock.now += 1
    await store.record_unanswered(7, "what is dialectics")
    clock.now += 1
    await store.record_unanswered(7, "who was  KAMENEV")
    clock.now += 1
    await store.record_unanswered(7, "What is dialectics?")
    await store.record_unanswered(7, "what is dialectics!!")
    await store.record_unanswered(8, "who was kamenev")
    assert await store.unanswered(7, 10) == [("what is dialectics!!", 3), ("who was KAMENEV", 2)]
    assert await store.unanswered(7, 1) == [("what is dialectics!!", 3)]
    assert await store.unanswered(8, 10) == [("who was kamenev", 1)]


async def test_unanswered_outside_a_server_is_its_own_scope(store):
    await store.record_unanswered(None, "what is entryism")
    await store.record_unanswered(None, "What is entryism?")
    await store.record_unanswered(5, "what is entryism")
    await store.record_unanswered(None, "   ?!  ")  # nothing left after normalising: not logged
    assert await store.unanswered(None, 10) == [("What is entryism?", 2)]
    assert await store.unanswered(5, 10) == [("what is entryism", 1)]


async def test_long_unanswered_questions_are_cut(store):
    await store.record_unanswered(1, "why " * 200)
    [(text, count)] = await store.unanswered(1, 1)
    assert len(text) <= 300
    assert count == 1


async def test_points_make_the_leaderboard_per_server(store, clock):
    game = await store.start_game(1, 10, 100, topic=None, mode="text", questions=3)
    await store.award(game, 1, 100, "ana", question_id="q1", points=10)
    await store.award(game, 1, 200, "bo", question_id="q2", points=12, streak=1)
    await store.award(game, 1, 200, "bo", question_id="q3", points=10, streak=2)
    other = await store.start_game(2, 20, 300, topic="people", mode="choice", questions=1)
    await store.award(other, 2, 300, "cy", question_id="q1", points=10)

    board = await store.leaderboard(1)
    assert [(r.user_id, r.name, r.points, r.correct) for r in board] == [
        (200, "bo", 22, 2),
        (100, "ana", 10, 1),
    ]
    assert [r.user_id for r in await store.leaderboard(2)] == [300]
    assert [r.points for r in await store.game_scores(game)] == [22, 10]


async def test_weekly_leaderboard_only_counts_recent_points(store, clock):
    await store.award(None, 1, 100, "ana", question_id="old", points=50)
    clock.now += 8 * 24 * 3600
    await store.award(None, 1, 200, "bo", question_id="new", points=5)
    week = await store.leaderboard(1, since=clock.now - 7 * 24 * 3600)
    assert [(r.user_id, r.points) for r in week] == [(200, 5)]
    assert [r.user_id for r in await store.leaderboard(1)] == [100, 200]


async def test_member_stats(store, clock):
    g1 = await store.start_game(1, 10, 100, topic=None, mode="text", questions=2)
    await store.award(g1, 1, 100, "ana", question_id="a", points=10, streak=1)
    await store.award(g1, 1, 100, "ana", question_id="b", points=10, streak=2)
    clock.now += 8 * 24 * 3600
    g2 = await store.start_game(1, 10, 100, topic=None, mode="text", questions=2)
    await store.award(g2, 1, 100, "Ana R", question_id="a", points=15, streak=1)
    await store.save_card(100, "q-x", "{}", clock.now, rating=3)

    stats = await store.member_stats(1, 100)
    assert (stats.name, stats.points, stats.correct, stats.games) == ("Ana R", 35, 3, 2)
    assert (stats.best_streak, stats.week_points) == (2, 15)
    assert (stats.cards, stats.reviews) == (1, 1)

    nobody = await store.member_stats(1, 999)
    assert (nobody.points, nobody.correct, nobody.games, nobody.name) == (0, 0, 0, "")


async def test_member_history_counts_per_day(store, clock):
    from bot.storage.store import DAY_SECONDS, ActivityDay

    clock.now = 100 * DAY_SECONDS + 3600  # 01:00 UTC on day 100
    await store.award(None, 1, 100, "ana", question_id="old", points=99)
    clock.now += 6 * DAY_SECONDS  # day 106
    await store.award(None, 1, 100, "ana", question_id="a", points=10)
    await store.award(None, 1, 100, "ana", question_id="b", points=5)
    await store.award(None, 2, 100, "ana", question_id="c", points=7)  # another server
    await store.award(None, 1, 200, "bo", question_id="d", points=3)  # another member
    await store.save_card(100, "q-x", "{}", clock.now, rating=1)
    clock.now += DAY_SECONDS  # day 107
    await store.save_card(100, "q-x", "{}", clock.now, rating=3)
    await store.save_card(100, "q-y", "{}", clock.now, rating=2)
    await store.save_card(100, "q-z", "{}", clock.now)  # a new card, not a review

    history = await store.member_history(1, 100, days=3)
    assert history == [ActivityDay(106, 2, 15, 1, 0), ActivityDay(107, 0, 0, 2, 2)]
    assert await store.member_history(1, 999, days=30) == []
    assert (await store.member_history(1, 100, days=30))[0] == ActivityDay(100, 1, 99, 0, 0)


async def test_game_history(store, clock):
    first = await store.start_game(1, 10, 100, topic="people", mode="choice", questions=5)
    clock.now += 60
    second = await store.start_game(1, 10, 200, topic=None, mode="text", questions=3)
    await store.finish_game(first, status="stopped")
    games = await store.games(1)
    assert [g.id for g in games] == [second, first]
    assert games[1].status == "stopped"
    assert games[1].ended_at == clock.now
    assert (games[1].topic, games[1].mode, games[1].questions) == ("people", "choice", 5)
    assert games[0].status == "running"
    assert games[0].ended_at is None
    assert await store.games(None) == []


async def test_cards_are_saved_per_member_and_replaced(store):
    await store.save_card(1, "q-a", '{"v": 1}', 100.0)
    await store.save_card(1, "q-a", '{"v": 2}', 200.0, rating=3)
    await store.save_card(2, "q-a", '{"v": 9}', 50.0)
    mine = await store.cards(1)
    assert list(mine) == ["q-a"]
    assert (mine["q-a"].data, mine["q-a"].due) == ('{"v": 2}', 200.0)
    assert (await store.cards(2))["q-a"].data == '{"v": 9}'
    assert await store.cards(3) == {}


async def test_points_are_stored_as_soon_as_award_returns(backend: Backend):
    store = await backend.open()
    try:
        await store.award(None, None, 0, "you", question_id="q", points=10)
        # A second, independent connection (as after a crash) already sees the point.
        assert backend.query("SELECT SUM(points) FROM points") == [(10,)]
    finally:
        await store.close()


async def test_games_cut_short_are_marked_interrupted_where_the_next_one_starts(store):
    here = await store.start_game(1, 10, 100, topic=None, mode="text", questions=3)
    there = await store.start_game(1, 11, 100, topic=None, mode="text", questions=3)
    done = await store.start_game(1, 10, 100, topic=None, mode="text", questions=3)
    await store.finish_game(done)
    await store.start_game(None, None, 0, topic=None, mode="text", questions=3)
    assert await store.interrupt_running(1, 10) == 1
    status = {g.id: g.status for g in await store.games(1)}
    assert status == {here: "interrupted", there: "running", done: "finished"}
    assert await store.interrupt_running(None, None) == 1
    assert [g.status for g in await store.games(None)] == ["interrupted"]


async def test_a_new_migration_is_applied_once_on_open(backend: Backend, monkeypatch):
    store = await backend.open()
    await store.award(None, 1, 100, "ana", question_id="q", points=10)
    await store.close()
    extra = "ALTER TABLE members ADD COLUMN note TEXT; UPDATE members SET note = 'migrated'"
    monkeypatch.setattr(backend.module, "MIGRATIONS", (*backend.module.MIGRATIONS, extra))
    for _ in range(2):  # the second open must not apply it again
        store = await backend.open()
        try:
            assert await store.schema_version() == SCHEMA_VERSION + 1
            assert [r.points for r in await store.leaderboard(1)] == [10]
        finally:
            await store.close()
    assert backend.query("SELECT name, note FROM members") == [("ana", "migrated")]


async def test_a_failing_migration_changes_nothing(backend: Backend, monkeypatch):
    store = await backend.open()
    await store.close()
    broken = "ALTER TABLE members ADD COLUMN note TEXT; SELECT * FROM no_such_table"
    monkeypatch.setattr(backend.module, "MIGRATIONS", (*backend.module.MIGRATIONS, broken))
    with pytest.raises(Exception, match="no_such_table"):
        await backend.open()
    monkeypatch.undo()
    store = await backend.open()
    try:
        assert await store.schema_version() == SCHEMA_VERSION
    finally:
        await store.close()
    assert backend.columns("members") == ["user_id", "name"]


async def test_two_stores_opening_a_new_database_at_once_both_work(backend: Backend):
    import asyncio

    first, second = await asyncio.gather(backend.open(), backend.open())
    try:
        await first.award(None, 1, 100, "ana", question_id="q", points=10)
        assert [r.points for r in await second.leaderboard(1)] == [10]
        assert await first.schema_version() == await second.schema_version() == SCHEMA_VERSION
    finally:
        await first.close()
        await second.close()


async def test_many_connections_setting_up_one_new_sqlite_file_all_succeed(tmp_path):
    # Switching a new file to WAL and creating its first table fail at once with "database is
    # locked" when another connection is doing the same (SQLite's busy timeout does not cover
    # them); many rounds of four openers made that happen nearly every run before opening retried.
    import asyncio

    for round_ in range(25):
        folder = tmp_path / str(round_)
        stores = await asyncio.gather(*(Store.open(folder) for _ in range(4)))
        try:
            assert {await s.schema_version() for s in stores} == {SCHEMA_VERSION}
        finally:
            for s in stores:
                await s.close()


async def test_server_settings_are_kept_per_server_and_replaced_whole(store):
    assert await store.server_settings(1) == {}
    await store.save_server_settings(1, {"pack": "biology", "quiz_questions": 5})
    await store.save_server_settings(2, {"pack": "history"})
    await store.save_server_settings(1, {"pack": "chemistry"})
    assert await store.server_settings(1) == {"pack": "chemistry"}
    assert await store.server_settings(2) == {"pack": "history"}


async def test_a_damaged_settings_row_means_defaults(backend: Backend, store):
    await store.save_server_settings(1, {"pack": "x"})
    backend.query("UPDATE server_settings SET data = '{not json' WHERE guild_id = 1")
    assert await store.server_settings(1) == {}


async def test_forget_member_deletes_their_points_in_that_server_and_their_cards(store, clock):
    await store.award(None, 1, 100, "ana", question_id="q1", points=10)
    await store.award(None, 1, 100, "ana", question_id="q2", points=10)
    await store.award(None, 2, 100, "ana", question_id="q1", points=7)
    await store.award(None, 1, 200, "bo", question_id="q1", points=5)
    await store.save_card(100, "q-x", "{}", clock.now, rating=3)

    gone = await store.forget_member(1, 100)

    assert (gone.points, gone.cards, gone.reviews) == (2, 1, 1)
    assert [(r.user_id, r.points) for r in await store.leaderboard(1)] == [(200, 5)]
    assert [r.points for r in await store.leaderboard(2)] == [7]  # another server keeps its own
    assert await store.cards(100) == {}


async def test_a_write_blocked_by_another_writer_fails_well_inside_three_seconds(backend: Backend):
    """Discord waits 3 s for an answer: a held lock costs an error, never a missed interaction."""
    import time

    store = await backend.open()
    try:
        if backend.name == "sqlite":
            held = sqlite3.connect(backend.data_dir / DB_FILE, isolation_level=None)
            held.execute("BEGIN IMMEDIATE")
            release = lambda: (held.execute("ROLLBACK"), held.close())  # noqa: E731
        else:
            import asyncpg

            conn = await asyncpg.connect(backend.database_url)
            tx = conn.transaction()
            await tx.start()
            await conn.execute("LOCK TABLE unanswered IN ACCESS EXCLUSIVE MODE")

            async def release_pg() -> None:
                await tx.rollback()
                await conn.close()

        began = time.perf_counter()
        try:
            with pytest.raises(Exception, match="lock"):
                await store.record_unanswered(1, "what is a banana")
            assert time.perf_counter() - began < 1.5
        finally:
            if backend.name == "sqlite":
                release()
            else:
                await release_pg()
    finally:
        await store.close()


async def test_points_are_kept_per_pack_as_well_as_in_total(store):
    await store.award(None, 1, 100, "ana", question_id="q1", points=10, pack="biology")
    await store.award(None, 1, 200, "bo", question_id="q1", points=7, pack="history")
    await store.award(None, 1, 200, "bo", question_id="q2", points=7, pack="history")
    await store.award(None, 1, 100, "ana", question_id="q3", points=1)  # before packs counted
    assert [(r.user_id, r.points) for r in await store.leaderboard(1)] == [(200, 14), (100, 11)]
    biology = await store.leaderboard(1, pack="biology")
    assert [(r.user_id, r.points) for r in biology] == [(100, 10)]
    assert await store.leaderboard(2, pack="history") == []
    week = await store.leaderboard(1, since=0, pack="history")
    assert [(r.user_id, r.points) for r in week] == [(200, 14)]
