"""Command sync: only when the command tree changed, because Discord rate-limits syncing.

The hash of what was last synced is kept per target ("global" or "guild:<id>") in the data folder;
`studybot run` compares it with the current tree and syncs only on a difference.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.storage.files import write_private

if TYPE_CHECKING:
    from bot.discord.client import StudyBot

log = logging.getLogger("studybot.discord")

SYNC_STATE_FILE = "discord-commands.json"
"""Remembers the hash of the last synced command tree, per target, in the data folder."""


async def payloads(
    tree: app_commands.CommandTree, guild_id: int | None = None
) -> list[dict[str, Any]]:
    """The JSON Discord receives on sync, as `tree.sync` builds it (translations included)."""
    guild = discord.Object(guild_id) if guild_id else None
    commands = tree.get_commands(guild=guild)
    translator = tree.translator
    if translator is None:
        return [command.to_dict(tree) for command in commands]
    return [await command.get_translated_payload(tree, translator) for command in commands]


async def tree_hash(tree: app_commands.CommandTree, guild_id: int | None = None) -> str:
    """A fingerprint of the synced commands: a different hash means Discord must be told.

    Translations are part of it, so a changed catalogue is synced like a changed command.
    """
    text = json.dumps(await payloads(tree, guild_id), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _target(guild_id: int | None) -> str:
    return f"guild:{guild_id}" if guild_id else "global"


def _state_path(data_dir: Path) -> Path:
    return data_dir / SYNC_STATE_FILE


def stored_hashes(data_dir: Path) -> dict[str, str]:
    try:
        data = json.loads(_state_path(data_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def remember_hash(data_dir: Path, guild_id: int | None, digest: str) -> None:
    hashes = stored_hashes(data_dir)
    hashes[_target(guild_id)] = digest
    # Private like the database: the file names the servers the bot is tested in.
    write_private(_state_path(data_dir), json.dumps(hashes, indent=2, sort_keys=True).encode())


async def sync_commands(bot: StudyBot, guild_id: int | None) -> int:
    """Sync now (to one server, instantly, or globally) and remember the hash; returns the count."""
    if guild_id:
        guild = discord.Object(guild_id)
        bot.tree.copy_global_to(guild=guild)
        synced = await bot.tree.sync(guild=guild)
    else:
        synced = await bot.tree.sync()
    remember_hash(bot.services.settings.data_dir, guild_id, await tree_hash(bot.tree, guild_id))
    log.info("synced %d commands (%s)", len(synced), _target(guild_id))
    return len(synced)


async def sync_if_changed(bot: StudyBot, guild_id: int | None) -> bool:
    """Sync only when the tree differs from the last sync: Discord rate-limits syncing."""
    if guild_id:
        bot.tree.copy_global_to(guild=discord.Object(guild_id))
    digest = await tree_hash(bot.tree, guild_id)
    if stored_hashes(bot.services.settings.data_dir).get(_target(guild_id)) == digest:
        log.info("commands unchanged since the last sync (%s); not syncing", _target(guild_id))
        return False
    await sync_commands(bot, guild_id)
    return True
