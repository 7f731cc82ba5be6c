"""Per-server settings: what a server's admins choose, over the host's environment defaults.

A study group's admin has no shell on the host, so everything a server may want differently
(where plain questions are answered, quiz defaults, the pack) is kept in the database per server
and changed with `/settings`. Only the values an admin changed are stored: a host that later
changes a default (say `STUDYBOT_COOLDOWN`) moves every server that never chose its own.

This module is pure (no discord): the adapter turns member input into `change(name, text)` calls,
and every rule about what a value may be lives here, with messages an admin can act on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, Protocol

from bot.settings import Settings

__all__ = [
    "BUNDLED",
    "SETTINGS",
    "QuizStarters",
    "ServerSettings",
    "ServerSettingsBook",
    "SettingError",
    "SettingInfo",
    "Trigger",
    "parse_setting",
]

BUNDLED = "bundled"
"""The name of the pack shipped with (or configured on) the host, in the `pack` setting."""

Trigger = str
"""`prefix` (messages starting with the prefix) or `question-mark` (messages ending in `?`)."""
QuizStarters = str
"""`everyone`, `role` (members with `quiz_role`) or `manage-messages`."""

TRIGGERS = ("prefix", "question-mark")
STARTERS = ("everyone", "role", "manage-messages")
MODES = ("text", "choice")
MAX_QUIZ_QUESTIONS = 50
MIN_SECONDS, MAX_SECONDS = 10, 300
MAX_CHANNELS = 25
MAX_FIRST_TO = 1000


class SettingError(ValueError):
    """A value an admin typed that cannot be used, with what would be accepted."""


@dataclass(frozen=True)
class ServerSettings:
    """One server's settings, every field resolved (its own choice, else the host's default)."""

    answer_channels: tuple[int, ...] = ()
    """Channels (and their threads) where plain questions are answered without a mention."""
    trigger: Trigger = "prefix"
    prefix: str = "?"
    quiz_channels: tuple[int, ...] = ()
    """Where `/quiz start` is allowed; empty means every channel."""
    quiz_starters: QuizStarters = "everyone"
    quiz_role: int | None = None
    quiz_questions: int = 10
    quiz_seconds: int = 30
    quiz_mode: str = "text"
    quiz_hints: bool = True
    quiz_idle_stop: int = 3
    """A quiz stops by itself after this many questions in a row nobody answered (0: never)."""
    quiz_first_to: int = 0
    """A quiz ends as soon as someone has this many points (0: it plays every question)."""
    cooldown_seconds: float = 3.0
    private_misses: bool = False
    """Whether "I don't know" replies to slash commands are shown to the asker only."""
    pack: str = BUNDLED
    language: str = "auto"
    """The language of studybot's own replies: `auto` (the pack's `language`) or a code (`de`)."""

    @classmethod
    def for_host(cls, host: Settings) -> ServerSettings:
        """A new server's settings: the host's environment, else sensible defaults."""
        return cls(answer_channels=host.answer_channels, cooldown_seconds=host.cooldown_seconds)

    def with_overrides(self, overrides: Mapping[str, Any]) -> ServerSettings:
        """These settings with a server's stored choices on top; unknown or bad ones are skipped.

        A stored value that no longer parses (a setting renamed or narrowed by a new version)
        falls back to the default rather than stopping the server from being answered.
        """
        chosen: dict[str, Any] = {}
        for name, value in overrides.items():
            info = SETTINGS.get(name)
            if info is None:
                continue
            try:
                chosen[info.field] = info.parse(value if isinstance(value, str) else _text(value))
            except SettingError:
                continue
        return replace(self, **chosen)

    def show(self, name: str) -> str:
        """A setting's value as an admin reads it (channels as mentions)."""
        info = SETTINGS[name]
        return info.show(getattr(self, info.field))


def _text(value: Any) -> str:
    """A stored JSON value back to the text form the parsers take."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value)
    return "" if value is None else str(value)


_ID = re.compile(r"<[#@]&?!?(\d{15,20})>|\b(\d{15,20})\b")


def _ids(text: str) -> tuple[int, ...]:
    """Channel or role ids from mentions (`<#123>`, `<@&123>`) or plain ids; `none` clears."""
    stripped = text.strip()
    if stripped.lower() in {"", "none", "off", "clear", "-"}:
        return ()
    found = tuple(dict.fromkeys(int(a or b) for a, b in _ID.findall(stripped)))
    leftover = _ID.sub(" ", stripped).replace(",", " ").split()
    if leftover or not found:
        raise SettingError("expected channels (#name or ids, separated by spaces) or `none`")
    if len(found) > MAX_CHANNELS:
        raise SettingError(f"at most {MAX_CHANNELS} channels")
    return found


def _one_id(text: str) -> int | None:
    found = _ids(text)
    if len(found) > 1:
        raise SettingError("expected one role (@name or id) or `none`")
    return found[0] if found else None


def _choice(options: tuple[str, ...]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = text.strip().lower()
        if value not in options:
            raise SettingError(f"expected one of: {', '.join(options)}")
        return value

    return parse


def _int(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise SettingError(f"expected a whole number from {low} to {high}") from None
        if not low <= value <= high:
            raise SettingError(f"expected a whole number from {low} to {high}")
        return value

    return parse


def _seconds(text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise SettingError("expected a number of seconds from 0 to 600") from None
    if not 0 <= value <= 600:
        raise SettingError("expected a number of seconds from 0 to 600")
    return value


def _flag(text: str) -> bool:
    value = text.strip().lower()
    if value in {"on", "yes", "true", "1", "private"}:
        return True
    if value in {"off", "no", "false", "0", "public"}:
        return False
    raise SettingError("expected on or off")


def _prefix(text: str) -> str:
    value = text.strip()
    if not 1 <= len(value) <= 5 or any(c.isspace() for c in value):
        raise SettingError("expected 1 to 5 characters without spaces, e.g. ? or !ask")
    return value


def _pack_name(text: str) -> str:
    value = text.strip().lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,39}", value):
        raise SettingError("expected a pack name (letters, digits, - and _)")
    return value


LANGUAGE_CODES = ("auto", "en", "de")
"""What the `language` setting accepts; bot/discord/i18n.py holds the translations."""


def _show_channels(value: tuple[int, ...]) -> str:
    return " ".join(f"<#{c}>" for c in value) or "none"


def _show_flag(value: bool) -> str:
    return "on" if value else "off"


def _show_role(value: int | None) -> str:
    return f"<@&{value}>" if value else "none"


@dataclass(frozen=True)
class SettingInfo:
    """One setting as `/settings` offers it: its name, field, parser and what it does."""

    name: str
    field: str
    parse: Callable[[str], Any]
    help: str
    show: Callable[[Any], str] = str


SETTINGS: dict[str, SettingInfo] = {
    info.name: info
    for info in (
        SettingInfo(
            "answer-channels",
            "answer_channels",
            _ids,
            "channels where plain questions are answered without a mention",
            _show_channels,
        ),
        SettingInfo(
            "trigger",
            "trigger",
            _choice(TRIGGERS),
            "in those channels: `prefix` (messages starting with the prefix) or "
            "`question-mark` (every message ending in ?)",
        ),
        SettingInfo("prefix", "prefix", _prefix, "the prefix for `trigger prefix`, e.g. ?"),
        SettingInfo(
            "quiz-channels",
            "quiz_channels",
            _ids,
            "channels where quizzes may run (`none`: everywhere)",
            _show_channels,
        ),
        SettingInfo(
            "quiz-starters",
            "quiz_starters",
            _choice(STARTERS),
            "who may start a quiz: everyone, role (quiz-role) or manage-messages",
        ),
        SettingInfo(
            "quiz-role", "quiz_role", _one_id, "the role for `quiz-starters role`", _show_role
        ),
        SettingInfo(
            "quiz-questions",
            "quiz_questions",
            _int(1, MAX_QUIZ_QUESTIONS),
            "questions in a quiz when /quiz start does not say",
        ),
        SettingInfo(
            "quiz-seconds",
            "quiz_seconds",
            _int(MIN_SECONDS, MAX_SECONDS),
            "seconds per question when /quiz start does not say",
        ),
        SettingInfo("quiz-mode", "quiz_mode", _choice(MODES), "text or choice, by default"),
        SettingInfo(
            "quiz-hints", "quiz_hints", _flag, "whether /quiz hint may be used", _show_flag
        ),
        SettingInfo(
            "quiz-idle-stop",
            "quiz_idle_stop",
            _int(0, MAX_QUIZ_QUESTIONS),
            "stop a quiz after this many unanswered questions in a row (0: never)",
        ),
        SettingInfo(
            "quiz-first-to",
            "quiz_first_to",
            _int(0, MAX_FIRST_TO),
            "end a quiz when someone reaches this many points (0: play every question)",
        ),
        SettingInfo(
            "cooldown",
            "cooldown_seconds",
            _seconds,
            "seconds a member waits between questions",
            lambda v: f"{v:g} s",
        ),
        SettingInfo(
            "private-misses",
            "private_misses",
            _flag,
            "show “I don't know” only to the member who asked",
            _show_flag,
        ),
        SettingInfo("pack", "pack", _pack_name, "the pack in use (see /kb use)"),
        SettingInfo(
            "language",
            "language",
            _choice(LANGUAGE_CODES),
            "the language of studybot's own replies: auto (the pack's), en or de",
        ),
    )
}

_FIELDS = {f.name for f in fields(ServerSettings)}
assert all(info.field in _FIELDS for info in SETTINGS.values())


def parse_setting(name: str, text: str) -> Any:
    """The value `text` gives setting `name`; `SettingError` says what would be accepted."""
    info = SETTINGS.get(name)
    if info is None:
        raise SettingError(f"no setting called {name!r}; settings: {', '.join(SETTINGS)}")
    try:
        return info.parse(text)
    except SettingError as err:
        raise SettingError(f"{name}: {err}") from None


def _stored(value: Any) -> Any:
    """A parsed value as JSON keeps it."""
    return list(value) if isinstance(value, tuple) else value


class SettingsStore(Protocol):
    """What the book needs from the database (`bot.storage.store.Store` provides it)."""

    async def server_settings(self, guild_id: int) -> dict[str, Any]: ...

    async def save_server_settings(self, guild_id: int, values: dict[str, Any]) -> None: ...


class ServerSettingsBook:
    """Every server's settings, read from the database once and kept in memory.

    With no database (it could not be opened) every server gets the host's defaults and a change
    is refused, rather than applied until the next restart and then silently lost.
    """

    def __init__(self, host: Settings, store: SettingsStore | None) -> None:
        self.defaults = ServerSettings.for_host(host)
        self.store = store
        self._overrides: dict[int, dict[str, Any]] = {}

    async def _load(self, guild_id: int) -> dict[str, Any]:
        if guild_id not in self._overrides:
            stored = await self.store.server_settings(guild_id) if self.store else {}
            self._overrides[guild_id] = dict(stored)
        return self._overrides[guild_id]

    async def get(self, guild_id: int | None) -> ServerSettings:
        """A server's settings (the host's defaults for direct messages)."""
        if guild_id is None:
            return self.defaults
        return self.defaults.with_overrides(await self._load(guild_id))

    def cached(self, guild_id: int | None) -> ServerSettings | None:
        """The settings if already read, without waiting on the database (for autocomplete)."""
        if guild_id is None:
            return self.defaults
        found = self._overrides.get(guild_id)
        return None if found is None else self.defaults.with_overrides(found)

    async def overrides(self, guild_id: int) -> dict[str, Any]:
        """The values this server chose itself (what `/settings` marks as changed)."""
        return dict(await self._load(guild_id))

    async def change(self, guild_id: int, name: str, text: str) -> ServerSettings:
        """Set one setting from an admin's text; raises `SettingError` and changes nothing."""
        value = parse_setting(name, text)
        return await self._save(guild_id, {name: _stored(value)}, remove=())

    async def reset(self, guild_id: int, name: str) -> ServerSettings:
        """Forget a server's own value: the host's default applies again."""
        if name not in SETTINGS:
            raise SettingError(f"no setting called {name!r}; settings: {', '.join(SETTINGS)}")
        return await self._save(guild_id, {}, remove=(name,))

    async def _save(
        self, guild_id: int, add: dict[str, Any], remove: tuple[str, ...]
    ) -> ServerSettings:
        if self.store is None:
            raise SettingError("the database is not open, so settings cannot be saved")
        values = {**await self._load(guild_id), **add}
        for name in remove:
            values.pop(name, None)
        await self.store.save_server_settings(guild_id, values)
        self._overrides[guild_id] = values
        return self.defaults.with_overrides(values)
