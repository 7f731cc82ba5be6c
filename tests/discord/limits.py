"""Discord's message limits, checked on what the bot actually sent."""

from __future__ import annotations

import discord  # noqa: TID251 - tests of the Discord adapter


def assert_embed_within_limits(embed: discord.Embed) -> None:
    assert len(embed.title or "") <= 256
    assert len(embed.description or "") <= 4096
    assert len(embed.fields) <= 25
    for field in embed.fields:
        assert 0 < len(field.name or "") <= 256
        assert 0 < len(field.value or "") <= 1024
    assert len(embed.footer.text or "") <= 2048
    assert len(embed) <= 6000


def assert_message_within_limits(message) -> None:
    assert len(message.content or "") <= 2000
    assert len(message.embeds) <= 10
    for embed in message.embeds:
        assert_embed_within_limits(embed)
    assert sum(len(e) for e in message.embeds) <= 6000
