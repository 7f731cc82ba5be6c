"""The store: schema and migrations, WAL, unanswered log, points, leaderboards and cards."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.storage.store import DB_FILE, SCHEMA_VERSION, SqliteStore, Store


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def _sqlite(folder: Path, clock: Clock) -> Store:
    return await SqliteStore.open_file(folder / DB_FILE, clock=clock)


BACKENDS = {"sqlite": _sqlite}
"""Every `Store` backend runs the behaviour tests that take the `store` fixture. A PostgreSQL
backend joins here (skipped when no test database is configured)."""


@pytest.fixture(params=sorted(BACKENDS))
async def store(request, tmp_path: Path, clock: Clock):
    opened = await BACKENDS[request.param](tmp_path, clock)
    yield opened
    await opened.close()


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


async def test_reopening_keeps_the_schema_version_and_the_data(tmp_path: Path):
    store = await Store.open(tmp_path)
    await store.record_unanswered(1, "who was Zinoviev?")
    await store.close()
    again = await Store.open(tmp_path)
    try:
        assert await again.unanswered(1, 5) == [("who was Zinoviev?", 1)]
        assert isinstance(again, SqliteStore)
        assert await again.schema_version() == SCHEMA_VERSION
    finally:
        await again.close()
    with sqlite3.connect(tmp_path / DB_FILE) as raw:
        assert raw.execute("SELECT COUNT(*) FROM schema_version").fetchone() == (1,)


async def test_a_database_from_a_newer_studybot_is_refused(tmp_path: Path):
    store = await Store.open(tmp_path)
    await store.close()
    with sqlite3.connect(tmp_path / DB_FILE) as raw:
        raw.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(RuntimeError, match="newer studybot"):
        await Store.open(tmp_path)


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


async def test_points_are_on_disk_as_soon_as_award_returns(tmp_path: Path):
    store = await Store.open(tmp_path)
    try:
        await store.award(None, None, 0, "you", question_id="q", points=10)
        # A second, independent connection (as after a crash) already sees the point.
        with sqlite3.connect(tmp_path / DB_FILE) as raw:
            assert raw.execute("SELECT SUM(points) FROM points").fetchone() == (10,)
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


async def test_a_new_migration_is_applied_once_on_open(tmp_path, monkeypatch):
    import bot.storage.store

    store = await Store.open(tmp_path)
    await store.award(None, 1, 100, "ana", question_id="q", points=10)
    await store.close()
    extra = "ALTER TABLE members ADD COLUMN note TEXT; UPDATE members SET note = 'migrated'"
    monkeypatch.setattr(bot.storage.store, "MIGRATIONS", (*bot.storage.store.MIGRATIONS, extra))
    for _ in range(2):  # the second open must not apply it again
        store = await Store.open(tmp_path)
        try:
            assert await store.schema_version() == SCHEMA_VERSION + 1
            assert [r.points for r in await store.leaderboard(1)] == [10]
        finally:
            await store.close()
    with sqlite3.connect(tmp_path / DB_FILE) as raw:
        assert raw.execute("SELECT name, note FROM members").fetchall() == [("ana", "migrated")]


async def test_a_failing_migration_changes_nothing(tmp_path, monkeypatch):
    import bot.storage.store

    store = await Store.open(tmp_path)
    await store.close()
    broken = "ALTER TABLE members ADD COLUMN note TEXT; SELECT * FROM no_such_table"
    monkeypatch.setattr(bot.storage.store, "MIGRATIONS", (*bot.storage.store.MIGRATIONS, broken))
    with pytest.raises(sqlite3.OperationalError):
        await Store.open(tmp_path)
    monkeypatch.undo()
    store = await Store.open(tmp_path)
    try:
        assert await store.schema_version() == SCHEMA_VERSION
    finally:
        await store.close()
    with sqlite3.connect(tmp_path / DB_FILE) as raw:
        columns = [row[1] for row in raw.execute("PRAGMA table_info(members)")]
    assert columns == ["user_id", "name"]


async def test_two_stores_opening_a_new_database_at_once_both_work(tmp_path):
    import asyncio

    first, second = await asyncio.gather(Store.open(tmp_path), Store.open(tmp_path))
    try:
        await first.award(None, 1, 100, "ana", question_id="q", points=10)
        assert [r.points for r in await second.leaderboard(1)] == [10]
        assert await first.schema_version() == await second.schema_version() == SCHEMA_VERSION
    finally:
        await first.close()
        await second.close()
