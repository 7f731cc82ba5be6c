"""The SQL both stores run, written once with named parameters (`:user`), and its translation.

SQLite binds `:name` parameters from a dict itself; PostgreSQL (asyncpg) wants `$1, $2, …`, so
`postgres()` numbers the names in order of first appearance and says which value goes where.
Keeping one text per statement means a fix to a query (or a new column) cannot reach one backend
and miss the other; the same tests run against both (`tests/test_store.py`).

The statements are written in the SQL both engines accept: `IS NULL` spelled out instead of
SQLite's `IS ?` or PostgreSQL's `IS NOT DISTINCT FROM`, upserts that name their table
(`unanswered.times`), every selected column grouped or aggregated. What cannot be shared is kept apart and
says why: bucketing times into days (`HISTORY_*`), and `RETURNING id` (PostgreSQL only, since
SQLite before 3.35 lacks it and its cursor gives `lastrowid` anyway). The migrations stay per
backend: their column types differ by design (see `bot/storage/postgres.py`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from bot.storage.store import MemberStats, guild_key

__all__ = [
    "leaderboard_where",
    "member_stats_of",
    "postgres",
    "postgres_args",
    "settings_from_json",
]

# -- unanswered questions --
RECORD_UNANSWERED = """
    INSERT INTO unanswered (guild_id, key, question, times, last_asked)
    VALUES (:guild, :key, :question, 1, :now)
    ON CONFLICT (guild_id, key) DO UPDATE SET
        times = unanswered.times + 1, question = excluded.question,
        last_asked = excluded.last_asked
"""
UNANSWERED = """
    SELECT question, times FROM unanswered WHERE guild_id = :guild
    ORDER BY times DESC, last_asked DESC LIMIT :limit
"""

# -- games and points --
START_GAME = """
    INSERT INTO games (guild_id, channel_id, started_by, topic, mode, questions, started_at)
    VALUES (:guild, :channel, :started_by, :topic, :mode, :questions, :now)
"""


def start_game_values(
    guild_id: int | None,
    channel_id: int | None,
    started_by: int,
    *,
    topic: str | None,
    mode: str,
    questions: int,
    now: float,
) -> dict[str, Any]:
    """START_GAME's parameters, named as the statement names them, for both stores."""
    return {
        "guild": guild_key(guild_id),
        "channel": channel_id,
        "started_by": started_by,
        "topic": topic,
        "mode": mode,
        "questions": questions,
        "now": now,
    }


SAVE_MEMBER = """
    INSERT INTO members (user_id, name) VALUES (:user, :name)
    ON CONFLICT (user_id) DO UPDATE SET name = excluded.name
"""
AWARD = """
    INSERT INTO points
        (game_id, guild_id, user_id, question_id, points, streak, awarded_at, pack)
    VALUES (:game, :guild, :user, :question, :points, :streak, :now, :pack)
"""
FINISH_GAME = "UPDATE games SET ended_at = :now, status = :status WHERE id = :game"
INTERRUPT_RUNNING = """
    UPDATE games SET status = 'interrupted'
    WHERE status = 'running' AND guild_id = :guild
      AND (channel_id = :channel OR (channel_id IS NULL AND :channel IS NULL))
"""
GAMES = """
    SELECT id, guild_id, channel_id, started_by, topic, mode, questions, started_at,
           ended_at, status
    FROM games WHERE guild_id = :guild ORDER BY started_at DESC, id DESC LIMIT :limit
"""
SCORES = """
    SELECT p.user_id, COALESCE(MAX(m.name), ''), SUM(p.points), COUNT(*)
    FROM points p LEFT JOIN members m ON m.user_id = p.user_id
    WHERE {where}
    GROUP BY p.user_id
    ORDER BY SUM(p.points) DESC, MIN(p.awarded_at) ASC, p.user_id ASC LIMIT :limit
"""
"""A member has one name (members.user_id is the key): MAX only satisfies PostgreSQL's rule that
every selected column be grouped or aggregated. Equal points at the same moment are ordered by
member id, on both engines (before, PostgreSQL left that order to the plan). `{where}` is one of
`SCORES_OF_GAME` or `SCORES_IN_GUILD` with the `AND_*` clauses below."""
SCORES_OF_GAME = "p.game_id = :game"
SCORES_IN_GUILD = "p.guild_id = :guild"
AND_SINCE = " AND p.awarded_at >= :since"
AND_PACK = " AND p.pack = :pack"
MEMBER_STATS = """
    SELECT COALESCE(SUM(points), 0), COUNT(*), COUNT(DISTINCT game_id),
           COALESCE(MAX(streak), 0),
           COALESCE(SUM(CASE WHEN awarded_at >= :week_ago THEN points ELSE 0 END), 0),
           (SELECT name FROM members WHERE user_id = :user),
           (SELECT COUNT(*) FROM cards WHERE user_id = :user),
           (SELECT COUNT(*) FROM reviews WHERE user_id = :user)
    FROM points WHERE guild_id = :guild AND user_id = :user
"""

# Days since the epoch: SQLite's CAST truncates (times are positive, so that is the floor);
# PostgreSQL's CAST rounds, so it takes FLOOR, which SQLite has only when built with its math
# functions.
HISTORY_POINTS = {
    "sqlite": """
        SELECT CAST(awarded_at / :day AS INTEGER) AS day, COUNT(*), SUM(points)
        FROM points WHERE guild_id = :guild AND user_id = :user AND awarded_at >= :since
        GROUP BY day
    """,
    "postgres": """
        SELECT FLOOR(awarded_at / :day)::bigint AS day, COUNT(*), SUM(points)
        FROM points WHERE guild_id = :guild AND user_id = :user AND awarded_at >= :since
        GROUP BY day
    """,
}
HISTORY_REVIEWS = {
    "sqlite": """
        SELECT CAST(reviewed_at / :day AS INTEGER) AS day, COUNT(*),
               SUM(CASE WHEN rating >= :recalled THEN 1 ELSE 0 END)
        FROM reviews WHERE user_id = :user AND reviewed_at >= :since
        GROUP BY day
    """,
    "postgres": """
        SELECT FLOOR(reviewed_at / :day)::bigint AS day, COUNT(*),
               SUM(CASE WHEN rating >= :recalled THEN 1 ELSE 0 END)
        FROM reviews WHERE user_id = :user AND reviewed_at >= :since
        GROUP BY day
    """,
}

# -- practice cards --
SAVE_CARD = """
    INSERT INTO cards (user_id, card_key, data, due) VALUES (:user, :card, :data, :due)
    ON CONFLICT (user_id, card_key) DO UPDATE SET data = excluded.data, due = excluded.due
"""
SAVE_REVIEW = """
    INSERT INTO reviews (user_id, card_key, rating, reviewed_at)
    VALUES (:user, :card, :rating, :now)
"""
CARDS = "SELECT card_key, data, due FROM cards WHERE user_id = :user"

# -- per-server settings and members' data --
SERVER_SETTINGS = "SELECT data FROM server_settings WHERE guild_id = :guild"
SAVE_SERVER_SETTINGS = """
    INSERT INTO server_settings (guild_id, data, updated_at) VALUES (:guild, :data, :now)
    ON CONFLICT (guild_id) DO UPDATE SET
        data = excluded.data, updated_at = excluded.updated_at
"""
FORGET_POINTS = "DELETE FROM points WHERE guild_id = :guild AND user_id = :user"
FORGET_CARDS = "DELETE FROM cards WHERE user_id = :user"
FORGET_REVIEWS = "DELETE FROM reviews WHERE user_id = :user"

_NAME = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
"""A `:name` parameter; not the `::` of a PostgreSQL cast, nor a colon inside a word."""


@lru_cache(maxsize=256)
def postgres(statement: str) -> tuple[str, tuple[str, ...]]:
    """`statement` with `$1, $2, …` for its named parameters, and the names in that order.

    A name used twice gets one number (PostgreSQL may reuse a parameter), so a value is passed
    once however often the statement mentions it.
    """
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    return _NAME.sub(number, statement), tuple(names)


def postgres_args(statement: str, values: Mapping[str, object]) -> tuple[str, Sequence[object]]:
    """The PostgreSQL text of `statement` and its arguments, in order, from named `values`.

    Raises KeyError for a parameter `values` lacks, as SQLite does for a missing name.
    """
    text, names = postgres(statement)
    return text, [values[name] for name in names]


# -- what both stores do around the statements --


def leaderboard_where(
    guild_id: int | None, since: float | None, pack: str | None
) -> tuple[str, dict[str, object]]:
    """The `{where}` of `SCORES` for a leaderboard, and its values."""
    where, values = SCORES_IN_GUILD, {"guild": guild_key(guild_id)}
    if since is not None:
        where, values = where + AND_SINCE, {**values, "since": since}
    if pack is not None:
        where, values = where + AND_PACK, {**values, "pack": pack}
    return where, values


def member_stats_of(user_id: int, row: Sequence[Any]) -> MemberStats:
    """`MemberStats` from the one row of `MEMBER_STATS`."""
    points, correct, games, streak, week, name, cards, reviews = row
    return MemberStats(
        user_id=user_id,
        name=str(name) if name is not None else "",
        points=int(points),
        correct=int(correct),
        games=int(games),
        best_streak=int(streak),
        week_points=int(week),
        cards=int(cards),
        reviews=int(reviews),
    )


def settings_from_json(text: str | None) -> dict[str, object]:
    """A server's stored settings; a damaged row means defaults, not a server that cannot answer."""
    if text is None:
        return {}
    try:
        found = json.loads(text)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
