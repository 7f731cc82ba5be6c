"""Settings from the environment (and a `.env` file), built once in `main`, never at import time.

Building settings at import time forces dummy tokens into tests and CI; here nothing reads the
environment until a command runs. The token is kept out of `repr` so it never reaches a log line.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

DEFAULT_MAX_QUESTION_CHARS = 300


def bundled_knowledge_dir() -> Path:
    """The pack shipped with the package; found from the installed files, not the current folder."""
    import knowledge  # a namespace package holding only YAML

    return Path(next(iter(knowledge.__path__)))


def _flag(value: str | None, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class SettingsError(ValueError):
    """A setting that cannot be right, named with how to fix it (the CLI prints it as one line)."""


def _shard_ids(value: str | None, count: int | None) -> tuple[int, ...] | None:
    """`STUDYBOT_SHARD_IDS`: "0,1" or "0-3" (or a mix); None means every shard of the count.

    Unlike the channel lists, a typo here is an error: a process that silently ran the wrong
    shards would leave servers unanswered, or answer them twice.
    """
    if not value:
        return None
    if count is None:
        raise SettingsError("STUDYBOT_SHARD_IDS needs STUDYBOT_SHARD_COUNT (a number) too")
    ids: set[int] = set()
    for part in value.replace(";", ",").split(","):
        part = part.strip()
        low, dash, high = part.partition("-")
        if not low.strip().isdigit() or (dash and not high.strip().isdigit()):
            raise SettingsError(f"STUDYBOT_SHARD_IDS: {part!r} is not a shard id or a range a-b")
        first, last = int(low), int(high) if dash else int(low)
        ids.update(range(first, last + 1))
    if not ids or max(ids) >= count:
        raise SettingsError(
            f"STUDYBOT_SHARD_IDS must be between 0 and {count - 1} (STUDYBOT_SHARD_COUNT={count})"
        )
    return tuple(sorted(ids))


def _shard_count(value: str | None) -> int | Literal["auto"] | None:
    """`STUDYBOT_SHARD_COUNT`: empty (one connection, no sharding), `auto` or a number ≥ 1."""
    if not value:
        return None
    if value.lower() == "auto":
        return "auto"
    if not value.isdigit() or int(value) < 1:
        raise SettingsError(
            f"STUDYBOT_SHARD_COUNT must be a number of shards or auto, not {value!r}"
        )
    return int(value)


def _ids(value: str | None) -> tuple[int, ...]:
    if not value:
        return ()
    out = []
    for part in value.replace(";", ",").split(","):
        part = part.strip()
        if part.isdigit():
            out.append(int(part))
    return tuple(out)


@dataclass(frozen=True)
class Settings:
    """Everything an admin can set; `.env.example` documents each one."""

    discord_token: str | None = field(default=None, repr=False)
    knowledge_dir: Path = field(default_factory=bundled_knowledge_dir)
    data_dir: Path = field(default_factory=lambda: Path.home() / ".local" / "share" / "studybot")
    dev_guild_id: int | None = None
    """Sync commands to this server only (instant) instead of globally (up to an hour)."""
    message_content: bool = False
    """Whether the privileged message content intent is enabled in the developer portal."""
    answer_channels: tuple[int, ...] = ()
    """Channels where `?question` is answered (needs `message_content`)."""
    cooldown_seconds: float = 3.0
    max_question_chars: int = DEFAULT_MAX_QUESTION_CHARS
    log_level: str = "INFO"
    matcher: str = "hybrid"
    """`hybrid` (lexical + semantic, the default) or `lexical` (no model: for very small machines)."""
    model_dir: Path | None = None
    """Another sentence-embedding model folder (see `bot.answering.semantic`); None = the shipped one."""
    owner_ids: tuple[int, ...] = ()
    """Who may reload the bundled pack for every server, beside the application's owner."""
    database_url: str | None = field(default=None, repr=False)
    """`postgresql://…`: the shared PostgreSQL database; None: SQLite in `data_dir`. Kept out of
    `repr` because it may hold a password."""
    shard_count: int | Literal["auto"] | None = None
    """None: one gateway connection (no sharding); "auto": every shard Discord recommends, in this
    process; a number: that many shards across all processes."""
    shard_ids: tuple[int, ...] | None = None
    """The shards this process runs (with a numeric `shard_count`); None: all of them."""

    @property
    def runs_shard_zero(self) -> bool:
        """Whether this process holds shard 0: the one that syncs commands and receives DMs."""
        return self.shard_ids is None or 0 in self.shard_ids

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        env_file: Path | None = None,
        knowledge: Path | str | None = None,
    ) -> Settings:
        """Read settings; a `.env` file (default: `./.env`) fills what the environment lacks."""
        values: dict[str, str] = {}
        path = env_file if env_file is not None else Path(".env")
        if env is None and path.is_file():
            from dotenv import dotenv_values

            values.update({k: v for k, v in dotenv_values(path).items() if v is not None})
        values.update(os.environ if env is None else env)

        def get(name: str) -> str | None:
            value = values.get(name)
            return value.strip() if value and value.strip() else None

        kwargs: dict[str, object] = {
            "discord_token": get("DISCORD_TOKEN"),
            "message_content": _flag(get("STUDYBOT_MESSAGE_CONTENT"), False),
            "answer_channels": _ids(get("STUDYBOT_ANSWER_CHANNELS")),
            "log_level": (get("STUDYBOT_LOG_LEVEL") or "INFO").upper(),
            "owner_ids": _ids(get("STUDYBOT_OWNERS")),
        }
        chosen = knowledge or get("STUDYBOT_KNOWLEDGE")
        if chosen:
            kwargs["knowledge_dir"] = Path(chosen).expanduser()
        if data := get("STUDYBOT_DATA"):
            kwargs["data_dir"] = Path(data).expanduser()
        if (guild := get("STUDYBOT_DEV_GUILD")) and guild.isdigit():
            kwargs["dev_guild_id"] = int(guild)
        if cooldown := get("STUDYBOT_COOLDOWN"):
            with contextlib.suppress(ValueError):  # a typo keeps the default, not a crash
                kwargs["cooldown_seconds"] = max(0.0, float(cooldown))
        if (mode := (get("STUDYBOT_MATCHER") or "").strip().lower()) in ("hybrid", "lexical"):
            kwargs["matcher"] = mode
        if model := get("STUDYBOT_MODEL"):
            kwargs["model_dir"] = Path(model).expanduser()
        if (cap := get("STUDYBOT_MAX_QUESTION")) and cap.isdigit():
            kwargs["max_question_chars"] = max(20, int(cap))
        kwargs["database_url"] = get("STUDYBOT_DATABASE_URL")
        count = _shard_count(get("STUDYBOT_SHARD_COUNT"))
        kwargs["shard_count"] = count
        kwargs["shard_ids"] = _shard_ids(
            get("STUDYBOT_SHARD_IDS"), count if isinstance(count, int) else None
        )
        return cls(**kwargs)  # type: ignore[arg-type]
