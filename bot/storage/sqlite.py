"""The SQLite backend of `Store`: one file in the data folder, WAL, every write committed at once.

The embedded default: nothing to install or run beside studybot. One process at a time should play
games against it (several processes can open it safely, but sharded deployments use PostgreSQL).
Its queries are `bot.storage.sql`'s, shared with the PostgreSQL store; SQLite binds their `:name`
parameters itself.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import time
from pathlib import Path

import aiosqlite

from bot.answering.text import normalise
from bot.storage import sql
from bot.storage.files import FILE_MODE, make_private, private_dir
from bot.storage.sql import leaderboard_where, member_stats_of, settings_from_json
from bot.storage.store import (
    DAY_SECONDS,
    LOCK_WAIT_MS,
    MAX_LOGGED_QUESTION,
    RECALLED_FROM_RATING,
    WEEK_SECONDS,
    ActivityDay,
    Clock,
    ForgottenMember,
    GameRecord,
    MemberStats,
    ReadOnlyDatabaseError,
    ScoreRow,
    Store,
    StoredCard,
    guild_id_of,
    guild_key,
    merge_days,
    statements,
)

__all__ = ["MIGRATIONS", "SqliteStore"]

# Each script brings the schema from version i to i + 1. Never edit a released script: add one, and
# add the same step to bot/storage/postgres.py (its test checks both have SCHEMA_VERSION scripts).
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE games (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        guild_id    INTEGER NOT NULL,
        channel_id  INTEGER,
        started_by  INTEGER NOT NULL,
        topic       TEXT,
        mode        TEXT NOT NULL,
        questions   INTEGER NOT NULL,
        started_at  REAL NOT NULL,
        ended_at    REAL,
        status      TEXT NOT NULL DEFAULT 'running'
    );
    CREATE TABLE points (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        game_id     INTEGER REFERENCES games(id),
        guild_id    INTEGER NOT NULL,
        user_id     INTEGER NOT NULL,
        question_id TEXT NOT NULL,
        points      INTEGER NOT NULL,
        streak      INTEGER NOT NULL DEFAULT 1,
        awarded_at  REAL NOT NULL
    );
    CREATE INDEX points_by_guild ON points (guild_id, awarded_at);
    CREATE INDEX points_by_member ON points (guild_id, user_id);
    CREATE TABLE members (
        user_id     INTEGER PRIMARY KEY,
        name        TEXT NOT NULL
    );
    CREATE TABLE cards (
        user_id     INTEGER NOT NULL,
        card_key    TEXT NOT NULL,
        data        TEXT NOT NULL,
        due         REAL NOT NULL,
        PRIMARY KEY (user_id, card_key)
    );
    CREATE INDEX cards_due ON cards (user_id, due);
    CREATE TABLE reviews (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id     INTEGER NOT NULL,
        card_key    TEXT NOT NULL,
        rating      INTEGER NOT NULL,
        reviewed_at REAL NOT NULL
    );
    CREATE TABLE unanswered (
        guild_id    INTEGER NOT NULL,
        key         TEXT NOT NULL,
        question    TEXT NOT NULL,
        times       INTEGER NOT NULL,
        last_asked  REAL NOT NULL,
        PRIMARY KEY (guild_id, key)
    );
    """,
    # 2: per-server settings, as JSON of the values a server's admins chose (bot/server_settings).
    """
    CREATE TABLE server_settings (
        guild_id    INTEGER PRIMARY KEY,
        data        TEXT NOT NULL,
        updated_at  REAL NOT NULL
    );
    """,
    # 3: points kept per pack as well as in total (NULL: a point from before packs were recorded).
    """
    ALTER TABLE points ADD COLUMN pack TEXT;
    CREATE INDEX points_by_pack ON points (guild_id, pack, user_id);
    """,
)


def _is_read_only(err: sqlite3.Error) -> bool:
    code = getattr(err, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF == sqlite3.SQLITE_READONLY
    return "readonly" in str(err)  # pragma: no cover - Python builds without error codes


STARTUP_LOCK_WAIT = 5.0
"""How long opening a database keeps retrying while another process or connection is setting the
same file up: nobody is waiting on a reply at start-up."""


def _is_busy(err: sqlite3.Error) -> bool:
    code = getattr(err, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(err)  # pragma: no cover - Python builds without error codes


async def _until_not_busy(step) -> None:  # noqa: ANN001 - an async callable
    """Run `step()` again while SQLite says the file is busy, for up to STARTUP_LOCK_WAIT seconds.

    SQLite's busy timeout does not cover every start-up step: switching a new file to WAL, and a
    statement that read the schema before another connection changed it, fail with "database is
    locked" at once, because waiting there could deadlock. Retrying the whole step does not.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STARTUP_LOCK_WAIT
    pause = 0.01
    while True:
        try:
            await step()
            return
        except sqlite3.OperationalError as err:
            if not _is_busy(err) or loop.time() + pause > deadline:
                raise
        await asyncio.sleep(pause)
        pause = min(pause * 2, 0.2)


def _create_private(path: Path) -> None:
    """Create the database file 0600 before SQLite does, whatever the umask.

    SQLite gives the -wal and -shm files it creates the mode of the database file, so a private
    database file keeps the write-ahead log private too. Files left by an older version are
    tightened as well.
    """
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    except FileExistsError:
        for suffix in ("", "-wal", "-shm", "-journal"):
            make_private(f"{path}{suffix}")
    except OSError:
        return  # a read-only folder: SQLite's own open reports it
    else:
        os.close(fd)


class SqliteStore(Store):
    """The SQLite backend: one file in the data folder, WAL so readers never block the writer."""

    def __init__(self, conn: aiosqlite.Connection, path: Path, clock: Clock) -> None:
        self._conn = conn
        self.path = path
        self._clock = clock

    @classmethod
    async def open_file(cls, path: Path, *, clock: Clock = time.time) -> SqliteStore:
        """Open a database file, switch it to WAL and bring its schema up to date."""
        _create_private(path)
        conn = await aiosqlite.connect(path)
        try:
            await _until_not_busy(lambda: conn.execute("PRAGMA journal_mode=WAL"))
            # FULL: a committed point survives even a power cut, not only a killed process.
            await conn.execute("PRAGMA synchronous=FULL")
            await conn.execute("PRAGMA foreign_keys=ON")
            # Start-up may wait for another process's migration; nobody is waiting on a reply.
            await conn.execute("PRAGMA busy_timeout=5000")
            store = cls(conn, path, clock)
            await store._migrate()
            await store._check_writable()
            # From now on a write that cannot get the lock soon fails (and is reported) instead.
            await conn.execute(f"PRAGMA busy_timeout={LOCK_WAIT_MS}")
        except sqlite3.Error as err:
            await conn.close()
            if _is_read_only(err):
                raise ReadOnlyDatabaseError(path) from err
            raise
        except BaseException:
            await conn.close()
            raise
        return store

    async def _check_writable(self) -> None:
        """Write nothing, but take the write lock and touch a row: fails now if read-only.

        An up-to-date database needs no migration, so without this probe a read-only file opens
        cleanly and every game then fails on its first write.
        """
        await self._conn.execute("BEGIN IMMEDIATE")
        try:
            await self._conn.execute("UPDATE schema_version SET version = version")
        finally:
            await self._conn.rollback()

    async def _migrate(self) -> None:
        """Apply the missing migrations, each in its own transaction with its version bump.

        `BEGIN IMMEDIATE` takes the write lock before the version is read, so two processes
        starting at once cannot both apply the same step.
        """
        target = len(MIGRATIONS)

        async def create_version_table() -> None:
            try:
                await self._conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
                )
                await self._conn.commit()
            except BaseException:
                await self._conn.rollback()
                raise

        await _until_not_busy(create_version_table)
        while True:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                rows = list(await self._conn.execute_fetchall("SELECT version FROM schema_version"))
                if not rows:
                    await self._conn.execute("INSERT INTO schema_version (version) VALUES (0)")
                version = int(rows[0][0]) if rows else 0
                if version > target:
                    raise RuntimeError(
                        f"{self.path} was written by a newer studybot (schema {version}, "
                        f"this one knows {target}); upgrade studybot instead of downgrading"
                    )
                if version == target:
                    await self._conn.commit()
                    return
                for statement in statements(MIGRATIONS[version]):
                    await self._conn.execute(statement)
                await self._conn.execute("UPDATE schema_version SET version = ?", (version + 1,))
                await self._conn.commit()
            except BaseException:
                await self._conn.rollback()
                raise

    async def schema_version(self) -> int:
        rows = list(await self._conn.execute_fetchall("SELECT version FROM schema_version"))
        return int(rows[0][0])

    async def journal_mode(self) -> str:
        rows = list(await self._conn.execute_fetchall("PRAGMA journal_mode"))
        return str(rows[0][0])

    async def close(self) -> None:
        await self._conn.close()

    # -- unanswered questions --
    async def record_unanswered(self, guild_id: int | None, question: str) -> None:
        text = " ".join(question.split())[:MAX_LOGGED_QUESTION]
        key = normalise(text)
        if not key:
            return
        values = {"guild": guild_key(guild_id), "key": key, "question": text, "now": self._clock()}
        await self._conn.execute(sql.RECORD_UNANSWERED, values)
        await self._conn.commit()

    async def unanswered(self, guild_id: int | None, limit: int) -> list[tuple[str, int]]:
        rows = await self._conn.execute_fetchall(
            sql.UNANSWERED, {"guild": guild_key(guild_id), "limit": max(0, int(limit))}
        )
        return [(str(q), int(n)) for q, n in rows]

    # -- games and points --
    async def start_game(
        self,
        guild_id: int | None,
        channel_id: int | None,
        started_by: int,
        *,
        topic: str | None,
        mode: str,
        questions: int,
    ) -> int:
        values = sql.start_game_values(
            guild_id,
            channel_id,
            started_by,
            topic=topic,
            mode=mode,
            questions=questions,
            now=self._clock(),
        )
        cursor = await self._conn.execute(sql.START_GAME, values)
        await self._conn.commit()
        game_id = cursor.lastrowid
        assert game_id is not None
        return int(game_id)

    async def award(
        self,
        game_id: int | None,
        guild_id: int | None,
        user_id: int,
        name: str,
        *,
        question_id: str,
        points: int,
        streak: int = 1,
        pack: str | None = None,
    ) -> None:
        await self._conn.execute(sql.SAVE_MEMBER, {"user": user_id, "name": name})
        await self._conn.execute(
            sql.AWARD,
            {
                "game": game_id,
                "guild": guild_key(guild_id),
                "user": user_id,
                "question": question_id,
                "points": points,
                "streak": streak,
                "now": self._clock(),
                "pack": pack,
            },
        )
        await self._conn.commit()

    async def finish_game(self, game_id: int, *, status: str = "finished") -> None:
        values = {"now": self._clock(), "status": status, "game": game_id}
        await self._conn.execute(sql.FINISH_GAME, values)
        await self._conn.commit()

    async def interrupt_running(self, guild_id: int | None, channel_id: int | None) -> int:
        cursor = await self._conn.execute(
            sql.INTERRUPT_RUNNING, {"guild": guild_key(guild_id), "channel": channel_id}
        )
        await self._conn.commit()
        return int(cursor.rowcount)

    async def games(self, guild_id: int | None, limit: int = 10) -> list[GameRecord]:
        rows = await self._conn.execute_fetchall(
            sql.GAMES, {"guild": guild_key(guild_id), "limit": limit}
        )
        return [
            GameRecord(
                id=r[0],
                guild_id=guild_id_of(r[1]),
                channel_id=r[2],
                started_by=r[3],
                topic=r[4],
                mode=r[5],
                questions=r[6],
                started_at=r[7],
                ended_at=r[8],
                status=r[9],
            )
            for r in rows
        ]

    async def _scores(self, where: str, values: dict[str, object], limit: int) -> list[ScoreRow]:
        # `where` is made of `sql`'s own constant clauses, never of member text.
        rows = await self._conn.execute_fetchall(
            sql.SCORES.format(where=where), {**values, "limit": limit}
        )
        return [ScoreRow(int(u), str(n), int(p), int(c)) for u, n, p, c in rows]

    async def game_scores(self, game_id: int) -> list[ScoreRow]:
        return await self._scores(sql.SCORES_OF_GAME, {"game": game_id}, 1000)

    async def leaderboard(
        self,
        guild_id: int | None,
        *,
        since: float | None = None,
        limit: int = 10,
        pack: str | None = None,
    ) -> list[ScoreRow]:
        where, values = leaderboard_where(guild_id, since, pack)
        return await self._scores(where, values, limit)

    async def member_stats(self, guild_id: int | None, user_id: int) -> MemberStats:
        values = {
            "week_ago": self._clock() - WEEK_SECONDS,
            "guild": guild_key(guild_id),
            "user": user_id,
        }
        rows = list(await self._conn.execute_fetchall(sql.MEMBER_STATS, values))
        return member_stats_of(user_id, rows[0])

    async def member_history(
        self, guild_id: int | None, user_id: int, *, days: int
    ) -> list[ActivityDay]:
        first_day = int(self._clock() // DAY_SECONDS) - days + 1
        values = {
            "day": DAY_SECONDS,
            "guild": guild_key(guild_id),
            "user": user_id,
            "since": first_day * DAY_SECONDS,
            "recalled": RECALLED_FROM_RATING,
        }
        quiz = await self._conn.execute_fetchall(sql.HISTORY_POINTS["sqlite"], values)
        practice = await self._conn.execute_fetchall(sql.HISTORY_REVIEWS["sqlite"], values)
        return merge_days(list(quiz), list(practice))  # type: ignore[arg-type]

    # -- practice cards --
    async def save_card(
        self, user_id: int, card_key: str, data: str, due: float, *, rating: int | None = None
    ) -> None:
        values = {"user": user_id, "card": card_key, "data": data, "due": due}
        await self._conn.execute(sql.SAVE_CARD, values)
        if rating is not None:
            await self._conn.execute(
                sql.SAVE_REVIEW, {**values, "rating": rating, "now": self._clock()}
            )
        await self._conn.commit()

    async def cards(self, user_id: int) -> dict[str, StoredCard]:
        rows = await self._conn.execute_fetchall(sql.CARDS, {"user": user_id})
        return {str(k): StoredCard(user_id, str(k), str(d), float(due)) for k, d, due in rows}

    # -- per-server settings and members' data --
    async def server_settings(self, guild_id: int) -> dict[str, object]:
        rows = list(
            await self._conn.execute_fetchall(sql.SERVER_SETTINGS, {"guild": guild_key(guild_id)})
        )
        return settings_from_json(rows[0][0]) if rows else {}

    async def save_server_settings(self, guild_id: int, values: dict[str, object]) -> None:
        await self._conn.execute(
            sql.SAVE_SERVER_SETTINGS,
            {
                "guild": guild_key(guild_id),
                "data": json.dumps(values, sort_keys=True),
                "now": self._clock(),
            },
        )
        await self._conn.commit()

    async def forget_member(self, guild_id: int | None, user_id: int) -> ForgottenMember:
        values = {"guild": guild_key(guild_id), "user": user_id}
        await self._conn.execute("BEGIN IMMEDIATE")
        try:
            points = await self._conn.execute(sql.FORGET_POINTS, values)
            cards = await self._conn.execute(sql.FORGET_CARDS, values)
            reviews = await self._conn.execute(sql.FORGET_REVIEWS, values)
            await self._conn.commit()
        except BaseException:
            await self._conn.rollback()
            raise
        return ForgottenMember(int(points.rowcount), int(cards.rowcount), int(reviews.rowcount))
