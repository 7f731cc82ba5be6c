"""What studybot remembers between runs: points, game history, practice cards, unanswered questions.

`Store` is the small interface the rest of the bot codes against. Two backends implement it:
`SqliteStore` (bot/storage/sqlite.py: one file, WAL; the embedded default) and `PostgresStore`
(bot/storage/postgres.py: asyncpg, the optional `studybot[postgres]` extra), for several processes
sharing one database. `Store.open` picks one from the `STUDYBOT_DATABASE_URL` setting. Both apply the
same versioned schema (`SCHEMA_VERSION`) and commit every point the moment it is awarded, so a
process killed mid-game loses nothing that was already announced.

A guild id of `None` means "not in a server": a DM or the console. It is its own scope, stored as 0
(Discord ids are never 0) so that SQLite's unique constraints treat it like any other server.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "DAY_SECONDS",
    "DB_FILE",
    "LOCAL_USER_ID",
    "SCHEMA_VERSION",
    "ActivityDay",
    "ForgottenMember",
    "GameRecord",
    "MemberStats",
    "PostgresStore",
    "ReadOnlyDatabaseError",
    "ScoreRow",
    "SqliteStore",
    "Store",
    "StoreUnavailableError",
    "StoredCard",
    "redact_url",
]

DB_FILE = "studybot.sqlite3"
SCHEMA_VERSION = 3
"""The schema version this studybot writes; each backend has exactly this many migration scripts."""
POSTGRES_SCHEMES = ("postgresql", "postgres")
LOCAL_USER_ID = 0
"""The person at the terminal: console games and practice are stored under this member id."""
MAX_LOGGED_QUESTION = 300
LOCK_WAIT_MS = 500
"""How long a write waits for another writer's lock before failing: far less than Discord's
3-second window, so a held lock costs an error reply, never a missed interaction."""
DAY_SECONDS = 24 * 3600
WEEK_SECONDS = 7 * DAY_SECONDS
RECALLED_FROM_RATING = 2
"""A review rated Hard (FSRS's 2) or better was recalled; Again (1) was forgotten."""

Clock = Callable[[], float]

if TYPE_CHECKING:
    from bot.storage.postgres import PostgresStore
    from bot.storage.sqlite import SqliteStore


class StoreUnavailableError(RuntimeError):
    """The configured database cannot be used (unreachable, bad URL, driver not installed).

    A `RuntimeError` so callers that already degrade gracefully on one keep doing so.
    """


class ReadOnlyDatabaseError(RuntimeError):
    """The database can be read but not written (file or folder read-only, read-only disk).

    Raised at open, not at the first award: a game that starts and then fails on every point is
    worse than one that says up front that its points won't be kept.
    """

    def __init__(
        self, path: Path | str, hint: str = "check the permissions of the file and its folder"
    ) -> None:
        self.path = path
        super().__init__(f"the database {path} is read-only ({hint})")


def redact_url(url: str) -> str:
    """A database URL with its password replaced, safe for a log line or an error message."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


@dataclass(frozen=True)
class ScoreRow:
    """One line of a leaderboard."""

    user_id: int
    name: str
    points: int
    correct: int


@dataclass(frozen=True)
class MemberStats:
    """What `/stats` shows for one member in one server."""

    user_id: int
    name: str
    points: int
    correct: int
    games: int
    best_streak: int
    week_points: int
    cards: int
    reviews: int


@dataclass(frozen=True)
class ActivityDay:
    """One UTC day of a member's activity, for the `/stats` picture."""

    day: int
    """Days since the Unix epoch, in UTC (`int(timestamp // DAY_SECONDS)`)."""
    answers: int
    """Quiz questions the member got right that day (a miss is not stored)."""
    points: int
    reviews: int
    """Practice cards rated that day (the member's own, from any server)."""
    recalled: int
    """Of those, the ones rated Hard or better."""


def merge_days(
    quiz: list[tuple[int, int, int]], practice: list[tuple[int, int, int]]
) -> list[ActivityDay]:
    """Per-day quiz rows (day, answers, points) and practice rows (day, reviews, recalled), merged."""
    days: dict[int, list[int]] = {}
    for day, answers, points in quiz:
        days.setdefault(int(day), [0, 0, 0, 0])[0:2] = [int(answers), int(points)]
    for day, reviews, recalled in practice:
        days.setdefault(int(day), [0, 0, 0, 0])[2:4] = [int(reviews), int(recalled)]
    return [ActivityDay(day, *counts) for day, counts in sorted(days.items())]


@dataclass(frozen=True)
class GameRecord:
    """A game in the history: who started it, where, how it ended."""

    id: int
    guild_id: int | None
    channel_id: int | None
    started_by: int
    topic: str | None
    mode: str
    questions: int
    started_at: float
    ended_at: float | None
    status: str
    """`running`, `finished`, `stopped`, or `interrupted` (cut short by a crash or restart)."""


@dataclass(frozen=True)
class ForgottenMember:
    """What `/forgetme` deleted, so the member is told exactly that."""

    points: int
    cards: int
    reviews: int


@dataclass(frozen=True)
class StoredCard:
    """A practice card as saved: the FSRS card's own JSON, kept opaque to the store."""

    user_id: int
    card_key: str
    data: str
    due: float


def statements(script: str) -> list[str]:
    """A migration script split into statements (migrations hold no triggers or quoted `;`)."""
    return [part.strip() for part in script.split(";") if part.strip()]


def guild_key(guild_id: int | None) -> int:
    """How a guild id is stored: `None` (a DM, the console) as 0, so unique keys treat it alike."""
    return 0 if guild_id is None else int(guild_id)


def guild_id_of(key: int) -> int | None:
    """The guild id a stored key stands for (the inverse of `guild_key`)."""
    return None if key == 0 else key


class Store(ABC):
    """Everything the bot persists, independent of the database behind it."""

    @classmethod
    async def open(
        cls, data_dir: Path, *, clock: Clock = time.time, database_url: str | None = None
    ) -> Store:
        """Open (creating and migrating if needed) the configured store.

        No `database_url`: the SQLite file in the data folder. A `postgresql://` URL: that
        PostgreSQL database, shared by every process given the same URL.
        """
        if not database_url:
            from bot.storage.sqlite import SqliteStore

            return await SqliteStore.open_file(Path(data_dir) / DB_FILE, clock=clock)
        scheme = urlsplit(database_url).scheme.lower()
        if scheme in POSTGRES_SCHEMES:
            from bot.storage.postgres import PostgresStore

            return await PostgresStore.open_url(database_url, clock=clock)
        raise StoreUnavailableError(
            f"STUDYBOT_DATABASE_URL {redact_url(database_url)!r} is not a postgresql:// URL "
            "(leave it empty for the SQLite file in STUDYBOT_DATA)"
        )

    @abstractmethod
    async def schema_version(self) -> int:
        """The schema version of the database now (`SCHEMA_VERSION` once opened)."""

    @abstractmethod
    async def close(self) -> None: ...

    # -- questions the bot could not answer (for /kb gaps) --
    @abstractmethod
    async def record_unanswered(self, guild_id: int | None, question: str) -> None:
        """Count a question the pack could not answer; spelling variants count as one."""

    @abstractmethod
    async def unanswered(self, guild_id: int | None, limit: int) -> list[tuple[str, int]]:
        """The most often asked unanswered questions of a server, most frequent first."""

    # -- quiz games and points --
    @abstractmethod
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
        """Record a new game and return its id."""

    @abstractmethod
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
        """Give a member points for a question (from `pack`), committed before this returns."""

    @abstractmethod
    async def finish_game(self, game_id: int, *, status: str = "finished") -> None: ...

    @abstractmethod
    async def interrupt_running(self, guild_id: int | None, channel_id: int | None) -> int:
        """Mark games still `running` in a channel as `interrupted`; returns how many.

        A game's end is recorded when it ends; one cut short by a crash or restart is still
        `running` until the next game starts in the same place.
        """

    @abstractmethod
    async def games(self, guild_id: int | None, limit: int = 10) -> list[GameRecord]:
        """The most recent games of a server, newest first."""

    @abstractmethod
    async def game_scores(self, game_id: int) -> list[ScoreRow]:
        """Points per member in one game, best first."""

    @abstractmethod
    async def leaderboard(
        self,
        guild_id: int | None,
        *,
        since: float | None = None,
        limit: int = 10,
        pack: str | None = None,
    ) -> list[ScoreRow]:
        """Points per member in a server, best first: since a time or all-time, one pack's or all."""

    @abstractmethod
    async def member_stats(self, guild_id: int | None, user_id: int) -> MemberStats: ...

    @abstractmethod
    async def member_history(
        self, guild_id: int | None, user_id: int, *, days: int
    ) -> list[ActivityDay]:
        """A member's quiz points in a server and practice reviews, per UTC day, oldest first.

        Covers the last `days` days including today; days with neither are left out.
        """

    # -- practice cards --
    @abstractmethod
    async def save_card(
        self, user_id: int, card_key: str, data: str, due: float, *, rating: int | None = None
    ) -> None:
        """Save a member's card (and log the review that produced it, when there was one)."""

    @abstractmethod
    async def cards(self, user_id: int) -> dict[str, StoredCard]:
        """All of a member's saved cards by key."""

    # -- per-server settings and members' data --
    @abstractmethod
    async def server_settings(self, guild_id: int) -> dict[str, object]:
        """The settings a server chose itself (empty for a new server)."""

    @abstractmethod
    async def save_server_settings(self, guild_id: int, values: dict[str, object]) -> None:
        """Replace a server's chosen settings, committed before this returns."""

    @abstractmethod
    async def forget_member(self, guild_id: int | None, user_id: int) -> ForgottenMember:
        """Delete a member's points in a server and their practice cards and reviews.

        Cards are the member's own (not per server), so they go wherever the member asks.
        """


def __getattr__(name: str) -> Any:
    """The backends, importable from here as before they had modules of their own.

    Imported lazily: `sqlite` imports this module, and `postgres` needs the optional driver.
    """
    if name == "SqliteStore":
        from bot.storage.sqlite import SqliteStore

        return SqliteStore
    if name == "PostgresStore":
        from bot.storage.postgres import PostgresStore

        return PostgresStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
