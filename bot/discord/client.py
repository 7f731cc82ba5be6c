"""The Discord client: a command tree, message handlers, and one way of handling failures.

Every command error ends the same way: a short private apology to the member, a log line with the
context needed to reproduce it, and a bot that keeps running.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import discord
from discord import app_commands

from bot.discord.embeds import NO_PINGS
from bot.discord.i18n import StudyTranslator, tr
from bot.discord.messages import send
from bot.discord.services import Services
from bot.discord.sync import sync_if_changed

__all__ = [
    "APOLOGY",
    "MessageHandler",
    "Services",
    "ShardedStudyBot",
    "StudyBot",
    "StudyTree",
    "invite_url",
    "reply_language",
    "send_ephemeral",
]

log = logging.getLogger("studybot.discord")

CLOSE_HOOK_SECONDS = 5.0
NO_PERMISSION = "You don't have permission to use that here."
APOLOGY = "Sorry, something went wrong while answering that. The error has been logged."

MessageHandler = Callable[[discord.Message], Awaitable[bool]]
"""Handles a message if it is addressed to the bot; returns True when it did."""


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


SERVERS_ONLY = app_commands.AppCommandContext(guild=True)
"""Where server-bound commands (quizzes, settings, packs, leaderboard) may be used."""
SERVERS_AND_DMS = app_commands.AppCommandContext(guild=True, dm_channel=True)
"""Where every other command may be used: a server, or a direct message with the bot."""
INSTALLS = app_commands.AppInstallationType(guild=True)
"""studybot is installed to servers, not to users' accounts (its data is per server)."""


class StudyTree(app_commands.CommandTree):
    """The command tree, with one error handler for every command: apologise, log, keep running.

    Where commands may run is said with Discord's `contexts` and `integration_types`, not the
    deprecated `dm_permission`: discord.py merges the tree's defaults into every command, so the
    tree's are the narrowest (servers, server installs) and `open_to_dms` widens the rest.
    """

    def __init__(self, client: discord.Client) -> None:
        super().__init__(client, allowed_contexts=SERVERS_ONLY, allowed_installs=INSTALLS)

    def open_to_dms(self) -> None:
        """Let every command not marked server-only run in a DM with the bot too."""
        for command in self.get_commands():
            if command.allowed_contexts is None:
                command.allowed_contexts = SERVERS_AND_DMS

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        command = interaction.command.qualified_name if interaction.command else "?"
        language = await reply_language(interaction)
        if isinstance(error, app_commands.CheckFailure):
            await send_ephemeral(interaction, tr(NO_PERMISSION, language))
            return
        original = getattr(error, "original", error)
        # Option *names* only: their values are what the member typed, which stays out of logs.
        log.error(
            "command /%s failed (user %s, guild %s, channel %s, options %s)",
            command,
            interaction.user.id if interaction.user else None,
            interaction.guild_id,
            interaction.channel_id,
            _option_names((interaction.data or {}).get("options")),
            exc_info=original,
        )
        await send_ephemeral(interaction, tr(APOLOGY, language))


async def reply_language(interaction: discord.Interaction) -> str:
    """The reply language of the interaction's server; English if even that cannot be found."""
    try:
        services: Services = interaction.client.services  # type: ignore[attr-defined]
        return await services.language_here(interaction, ephemeral=True)
    except Exception:
        log.warning("could not tell the language of server %s", interaction.guild_id)
        return "en"


def _option_names(options: object) -> list[str]:
    """The names of the options given (subcommands nest theirs), never their values."""
    names: list[str] = []
    for option in options if isinstance(options, list) else []:
        if isinstance(option, dict):
            names.append(str(option.get("name")))
            names.extend(_option_names(option.get("options")))
    return names


async def send_ephemeral(
    interaction: discord.Interaction, content: str, *, member: Mapping[str, str] | None = None
) -> None:
    """Tell only the person who asked (through `messages.send`); a failed send is only logged."""
    try:
        await send(interaction, content, member=member, ephemeral=True)
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
        self._fallback_handlers: list[MessageHandler] = []
        self._close_hooks: list[Callable[[], Awaitable[None]]] = []

    def add_close_hook(self, hook: Callable[[], Awaitable[None]]) -> None:
        """Run `hook` when the bot closes, while it can still post (e.g. to end running quizzes)."""
        self._close_hooks.append(hook)

    async def close(self) -> None:
        hooks, self._close_hooks = self._close_hooks, []
        for hook in hooks:
            try:
                # Bounded: a shutdown (SIGTERM, Ctrl-C) must not hang on a slow Discord.
                await asyncio.wait_for(hook(), CLOSE_HOOK_SECONDS)
            except Exception:
                log.exception("a shutdown step failed")
        await super().close()

    def add_message_handler(self, handler: MessageHandler, *, fallback: bool = False) -> None:
        """Let a module look at every message; the first handler that takes it stops the rest.

        `fallback` handlers run after all others, whatever the order modules were loaded in:
        general question answering yields to, say, a quiz waiting for answers in that channel.
        """
        if fallback:
            self._fallback_handlers.append(handler)
        else:
            self.message_handlers.append(handler)

    async def setup_hook(self) -> None:
        # Before any sync: `studybot sync` logs in (which runs this hook) and then syncs.
        await self.tree.set_translator(StudyTranslator())
        if not self.auto_sync:
            return
        try:
            await sync_if_changed(self, self.services.settings.dev_guild_id)
        except discord.HTTPException as err:
            # The commands synced last time keep working; a failed sync must not keep the bot
            # offline. The hash is not stored, so the next start tries again.
            log.error(
                "command sync failed (%s); will retry on the next start, or run `studybot sync`",
                err,
            )

    async def on_ready(self) -> None:
        shards = getattr(self, "shard_ids", None)
        log.info(
            "logged in as %s (%s) in %d servers%s",
            self.user,
            self.user and self.user.id,
            len(self.guilds),
            f" (shards {shards} of {self.shard_count})" if shards is not None else "",
        )
        if self.application_id:
            log.info("invite link: %s", invite_url(self.application_id))

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or self.user is None:
            return
        for handler in [*self.message_handlers, *self._fallback_handlers]:
            try:
                if await handler(message):
                    return
            except Exception:
                log.exception(
                    "message handler %s failed (user %s, guild %s, channel %s)",
                    getattr(handler, "__name__", handler),
                    message.author.id,
                    message.guild and message.guild.id,
                    message.channel.id,
                )
                await self._apologise(message)
                return

    async def _apologise(self, message: discord.Message) -> None:
        try:
            await send(message, APOLOGY)
        except discord.HTTPException:
            log.warning("could not apologise in channel %s", message.channel.id, exc_info=True)


class ShardedStudyBot(StudyBot, discord.AutoShardedClient):
    """The same bot over several gateway connections (shards), some or all of one application's.

    Everything studybot keeps in memory is per server or per channel (running quizzes, their
    buttons) or per member (the cooldown), and Discord sends all of a server's events to the
    process holding its shard, so that process owns that state; what must outlive it or be shared
    (points, games, cards, unanswered questions) is in the database. docs/deploy.md has the list.
    """
