"""Token masking on log lines that discord.py writes at INFO and above (rate-limit warnings)."""

from __future__ import annotations

import logging

from bot.discord.logs import RedactTokens, redact

TOKEN = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5OnNlY3JldA-_x.y"


def test_tokens_in_urls_and_payloads_are_masked():
    line = (
        f"We are being rate limited. POST https://discord.com/api/v10/interactions/123/{TOKEN}"
        f"/callback and /webhooks/456/{TOKEN}/messages/@original {{'token': '{TOKEN}'}}"
    )
    cleaned = redact(line)
    assert TOKEN not in cleaned
    assert "/interactions/123/[redacted]/callback" in cleaned
    assert "/webhooks/456/[redacted]/messages" in cleaned


def test_the_filter_rewrites_the_record_at_warning_level():
    record = logging.LogRecord(
        "discord.http",
        logging.WARNING,
        __file__,
        1,
        "%s %s",
        ("POST", f"/webhooks/1/{TOKEN}"),
        None,
    )
    assert RedactTokens().filter(record)
    assert TOKEN not in record.getMessage()
