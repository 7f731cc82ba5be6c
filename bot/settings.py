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

DEFAULT_MAX_QUESTION_CHARS = 300


def bundled_knowledge_dir() -> Path:
    """The pack shipped with the package; found from the installed files, not the current folder."""
    import knowledge  # a namespace package holding only YAML

    return Path(next(iter(knowledge.__path__)))


def _flag(value: str | None, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


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
    owner_ids: tuple[int, ...] = ()
    """Who may reload the bundled pack for every server, beside the application's owner."""

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
        if (cap := get("STUDYBOT_MAX_QUESTION")) and cap.isdigit():
            kwargs["max_question_chars"] = max(20, int(cap))
        return cls(**kwargs)  # type: ignore[arg-type]
