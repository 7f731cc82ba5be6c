"""Logging for the Discord bot that keeps member text and interaction tokens out of the log.

discord.py logs whole gateway events and HTTP bodies at DEBUG (`WebSocket Event: {...}`,
`POST ... with {...} has returned 200`): the questions members typed, their names, and interaction
tokens, which let anyone holding them reply as the bot for 15 minutes. `STUDYBOT_LOG_LEVEL=DEBUG`
is something the README suggests for troubleshooting, so it must be safe:

- the loggers that print payloads (and aiosqlite, whose DEBUG lines show every SQL statement with
  its parameters: the unanswered questions) are held at INFO whatever the chosen level (their INFO and above
  carry no payloads);
- a filter on the handler masks interaction and webhook tokens in any line that still names a URL
  (rate-limit warnings do), at every level and from every logger, ours included.
"""

from __future__ import annotations

import logging
import re

import discord

__all__ = ["PAYLOAD_LOGGERS", "RedactTokens", "setup_logging"]

PAYLOAD_LOGGERS = (
    "discord.gateway",
    "discord.http",
    "discord.webhook",
    "discord.state",
    "aiosqlite",
)
"""Loggers that print raw events, request/response bodies or SQL parameters at DEBUG."""

_TOKEN_IN_URL = re.compile(r"(/(?:interactions/\d+|webhooks/\d+)/)[A-Za-z0-9_.\-]{20,}")
_TOKEN_IN_TEXT = re.compile(r"(['\"]token['\"]\s*:\s*['\"])[^'\"]+")


def redact(text: str) -> str:
    """`text` with interaction/webhook tokens (in URLs or `"token": ...` pairs) masked."""
    return _TOKEN_IN_TEXT.sub(r"\1[redacted]", _TOKEN_IN_URL.sub(r"\1[redacted]", text))


class RedactTokens(logging.Filter):
    """Masks tokens in the formatted message; the record's args are replaced by the result."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is logging's problem to report, not ours
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def setup_logging(level: int) -> None:
    """discord.py's coloured stderr handler at `level`, without payloads or tokens."""
    discord.utils.setup_logging(level=level)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactTokens) for f in handler.filters):
            handler.addFilter(RedactTokens())
    for name in PAYLOAD_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.INFO))
