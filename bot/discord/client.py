"""The Discord client: what it holds (`Services`), how it syncs, and how it handles failures.

Commands read the pack through `services.answerer` at call time, never from a captured variable, so
`/kb reload` can swap the whole answerer and every command sees the new pack at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

from bot.answers import Answerer
from bot.cooldown import Cooldown
from bot.discord.embeds import NO_PINGS
from bot.settings import Settings
from bot.store import Store

log = logging.getLogger("studybot.discord")

APOLOGY = "Sorry, something went wrong while answering that. The error has been logged."
SYNC_STATE_FILE = "discord-commands.json"
"""Remembers the hash of the last synced command tree, per target, in the data folder."""

MessageHandler = Callable[[discord.Message], Awaitable[bool]]
"""Handles a message if it is addressed to the bot; returns True when it did."""


@dataclass
class Services:
    """What every command needs: settings, the current answerer, the database, the cooldown."""

    settings: Settings
    answerer: Answerer | None
    """None only while printing command payloads (no pack is needed for that)."""
    store: Store | None = None
    """None when the database could not be opened; answering still works, `/kb gaps` says why."""
    cooldown: Cooldown = field(default_factory=lambda: Cooldown(3.0))
    rng: random.Random = field(default_factory=random.Random)
    reload_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    """Two admins pressing /kb reload at once load the pack once each, one after the other."""

    @property
    def current(self) -> Answerer:
        """The answerer in use now; commands call this rather than keeping their own reference."""
        if self.answerer is None:
            raise RuntimeError("no pack loaded")
        return self.answerer

    async def record_unanswered(self, guild_id: int | None, question: str) -> None:
        """Log a question the pack could not answer, for `/kb gaps`; never fails the reply."""
        if self.store is None:
            return
        try:
            await self.store.record_unanswered(guild_id, question)
        except Exception:
            log.exception("could not record an unanswered question (guild %s)", guild_id)


INVITE_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    embed_links=True,
    read_message_history=True,
)
"""What the bot needs in a channel; docs/discord.md explains each one."""


def invite_url(application_id: int) -> str:
    """The invite link with the scopes and permissions the bot needs, nothing more."""
    return discord.utils.oauth_url(
        application_id, permissions=INVITE_PERMISSIONS, scopes=("bot", "applications.commands")
    )


class StudyTree(app_commands.CommandTree):
    """The command tree, with one error handler for every command: apologise, log, keep running."""

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        command = interaction.command.qualified_name if interaction.command else "?"
        if isinstance(error, app_commands.CheckFailure):
            await send_ephemeral(interaction, "You don't have permission to use that here.")
            return
        original = getattr(error, "original", error)
        log.error(
            "command /%s failed (user %s, guild %s, channel %s, options %r)",
            command,
            interaction.user.id if interaction.user else None,
            interaction.guild_id,
            interaction.channel_id,
            (interaction.data or {}).get("options"),
            exc_info=original,
        )
        await send_ephemeral(interaction, APOLOGY)


async def send_ephemeral(interaction: discord.Interaction, content: str) -> None:
    """Tell only the person who asked, whether or not the interaction was answered already."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(content, ephemeral=True, allowed_mentions=NO_PINGS)
        else:
            await interaction.response.send_message(
                content, ephemeral=True, allowed_mentions=NO_PINGS
            )
    except discord.HTTPException:
        log.warning("could not send a message to user %s", interaction.user.id, exc_info=True)


class StudyBot(discord.Client):
    """The bot: a plain `discord.Client` with a command tree, message handlers and `Services`.

    No prefix-command framework: chat answering is a message handler, everything else is a slash
    command, so nothing needs the privileged message content intent by default.
    """

    def __init__(
        self,
        services: Services,
        *,
        intents: discord.Intents,
        auto_sync: bool = True,
        **options: Any,
    ) -> None:
        # studybot never joins voice; discord.py's "voice will NOT be supported" warnings would only
        # alarm an admin reading the log.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(intents=intents, allowed_mentions=NO_PINGS, **options)
        self.services = services
        self.tree = StudyTree(self)
        self.auto_sync = auto_sync
        """Sync commands on start-up when the tree changed; off for `studybot sync`."""
        self.message_handlers: list[MessageHandler] = []

    def add_message_handler(self, handler: MessageHandler) -> None:
        """Let a module look at every message; the first handler that takes it stops the rest."""
        self.message_handlers.append(handler)

    async def setup_hook(self) -> None:
        if self.auto_sync:
            await sync_if_changed(self, self.services.settings.dev_guild_id)

    async def on_ready(self) -> None:
        log.info("logged in as %s (%s) in %d servers", self.user, self.user and self.user.id,
                 len(self.guilds))
        if self.application_id:
            log.info("invite link: %s", invite_url(self.application_id))

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or self.user is None:
            return
        for handler in self.message_handlers:
            try:
                if await handler(message):
                    return
            except Exception:
                log.exception(
                    "message handler %s failed (user %s, guild %s, channel %s)",
                    getattr(handler, "__name__", handler), message.author.id,
                    message.guild and message.guild.id, message.channel.id,
                )
                await self._apologise(message)
                return

    async def _apologise(self, message: discord.Message) -> None:
        try:
            await message.reply(APOLOGY, mention_author=False, allowed_mentions=NO_PINGS)
        except discord.HTTPException:
            log.warning("could not apologise in channel %s", message.channel.id, exc_info=True)


def payloads(tree: app_commands.CommandTree, guild_id: int | None = None) -> list[dict[str, Any]]:
    """The JSON Discord receives on sync: `to_dict` of each command, as `tree.sync` sends it."""
    guild = discord.Object(guild_id) if guild_id else None
    return [command.to_dict(tree) for command in tree.get_commands(guild=guild)]


def tree_hash(tree: app_commands.CommandTree, guild_id: int | None = None) -> str:
    """A fingerprint of the synced commands: a different hash means Discord must be told."""
    text = json.dumps(payloads(tree, guild_id), sort_keys=True, separators=(",", ":"))
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
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = _state_path(data_dir).with_suffix(".tmp")
    tmp.write_text(json.dumps(hashes, indent=2, sort_keys=True), encoding="utf-8")
    tmp.replace(_state_path(data_dir))


async def sync_commands(bot: StudyBot, guild_id: int | None) -> int:
    """Sync now (to one server, instantly, or globally) and remember the hash; returns the count."""
    if guild_id:
        guild = discord.Object(guild_id)
        bot.tree.copy_global_to(guild=guild)
        synced = await bot.tree.sync(guild=guild)
    else:
        synced = await bot.tree.sync()
    remember_hash(bot.services.settings.data_dir, guild_id, tree_hash(bot.tree, guild_id))
    log.info("synced %d commands (%s)", len(synced), _target(guild_id))
    return len(synced)


async def sync_if_changed(bot: StudyBot, guild_id: int | None) -> bool:
    """Sync only when the tree differs from the last sync: Discord rate-limits syncing."""
    if guild_id:
        bot.tree.copy_global_to(guild=discord.Object(guild_id))
    digest = tree_hash(bot.tree, guild_id)
    if stored_hashes(bot.services.settings.data_dir).get(_target(guild_id)) == digest:
        log.info("commands unchanged since the last sync (%s); not syncing", _target(guild_id))
        return False
    await sync_commands(bot, guild_id)
    return True
