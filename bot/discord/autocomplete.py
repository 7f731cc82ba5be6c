"""The one autocomplete each for topics, entry names and packs, shared by every command.

Autocomplete answers within Discord's three seconds or is dropped, so it reads the answerer a
server already has in memory (`Services.cached_answerer`) and never loads a pack itself.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.discord.embeds import clip
from bot.discord.services import Services
from bot.server_settings import BUNDLED

AUTOCOMPLETE_LIMIT = 25
CHOICE_LIMIT = 100
Choice = app_commands.Choice[str]


def _services(interaction: discord.Interaction) -> Services:
    return interaction.client.services  # type: ignore[attr-defined, no-any-return]


async def entry_names(interaction: discord.Interaction, current: str) -> list[Choice]:
    """Terms and aliases: at most 25 choices, names and values at most 100 characters."""
    answerer = _services(interaction).cached_answerer(interaction.guild_id)
    rows = answerer.complete(current[:CHOICE_LIMIT], AUTOCOMPLETE_LIMIT)
    return [
        app_commands.Choice(name=clip(name, CHOICE_LIMIT), value=entry_id[:CHOICE_LIMIT])
        for name, entry_id in rows[:AUTOCOMPLETE_LIMIT]
    ]


def matching_topics(tags: list[str], current: str) -> list[str]:
    """Topics containing what was typed, those starting with it first."""
    want = current.strip().lower()
    found = [t for t in tags if want in t.lower()]
    found.sort(key=lambda t: (not t.lower().startswith(want), t))
    return found


async def topic_names(interaction: discord.Interaction, current: str) -> list[Choice]:
    """The server's pack's topics (tags), matching anywhere in the name."""
    answerer = _services(interaction).cached_answerer(interaction.guild_id)
    return [
        app_commands.Choice(name=t[:CHOICE_LIMIT], value=t[:CHOICE_LIMIT])
        for t in matching_topics(answerer.pack.tags(), current)[:AUTOCOMPLETE_LIMIT]
    ]


async def pack_names(interaction: discord.Interaction, current: str) -> list[Choice]:
    """The bundled pack and this server's uploads (names on disk: no pack is loaded)."""
    names = [BUNDLED, *_services(interaction).packs.names(interaction.guild_id or 0)]
    want = current.strip().lower()
    return [app_commands.Choice(name=n, value=n) for n in names if want in n][:AUTOCOMPLETE_LIMIT]
