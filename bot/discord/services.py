"""What every command needs, in one object handed to each feature module's `setup`.

Commands read the pack through `await services.answerer_here(interaction)` at call time, never
from a captured variable: each server may use its own pack (`/kb use`), and `/kb reload` can swap
the bundled answerer so every command sees the new pack at once.

Discord drops an interaction not acknowledged within three seconds, and a server's uploaded pack
that is not in memory (the first question after a restart, or after the library evicted it) is
read from its cache first. So every interaction reads the pack, and the reply language that may
depend on it, through `answerer_here` / `language_here`: they defer the interaction before a load,
and only then. `answerer_for` / `language_for` (by server id) are for chat messages, which have
no deadline.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, field

import discord

from bot.answering.answers import Answerer
from bot.cooldown import Cooldown, RecentAnswers
from bot.discord.i18n import ENGLISH, LANGUAGES, language_of, tr
from bot.packs.library import PackLibrary
from bot.packs.loader import PackError
from bot.server_settings import BUNDLED, ServerSettings, ServerSettingsBook
from bot.settings import Settings
from bot.storage.store import Store

log = logging.getLogger("studybot.discord")

DEFERRED_EPHEMERAL = "studybot.deferred_ephemeral"
"""`Interaction.extras` key: set (to the deferral's visibility) when `Services` deferred it."""


def deferred_privately(interaction: discord.Interaction) -> bool:
    """Whether `Services` deferred this interaction ephemerally (so its reply will be private)."""
    return bool(interaction.extras.get(DEFERRED_EPHEMERAL))


@dataclass
class Services:
    """What every command needs: settings, the answerers, the database, the cooldowns."""

    settings: Settings
    answerer: Answerer | None
    """The bundled (host's) pack; None only while printing command payloads."""
    store: Store | None = None
    """None when the database could not be opened; answering still works, `/kb gaps` says why."""
    cooldown: Cooldown = field(default_factory=lambda: Cooldown(3.0))
    """Direct messages' cooldown; servers get their own length from their settings."""
    rng: random.Random = field(default_factory=random.Random)
    reload_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    """Two admins pressing /kb reload at once load the pack once each, one after the other."""
    library: PackLibrary | None = None
    server_settings: ServerSettingsBook | None = None
    recent: RecentAnswers = field(default_factory=RecentAnswers)
    """Answers just posted per channel, so the same one is not posted again within a minute."""
    _cooldowns: dict[int, Cooldown] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.library is None:
            self.library = PackLibrary(
                self.settings.data_dir,
                max_question_chars=self.settings.max_question_chars,
                semantic=self.settings.matcher != "lexical",
                model_dir=self.settings.model_dir,
            )
        if self.server_settings is None:
            self.server_settings = ServerSettingsBook(self.settings, self.store)

    @property
    def current(self) -> Answerer:
        """The bundled pack's answerer (what direct messages and new servers use)."""
        if self.answerer is None:
            raise RuntimeError("no pack loaded")
        return self.answerer

    @property
    def settings_book(self) -> ServerSettingsBook:
        assert self.server_settings is not None
        return self.server_settings

    @property
    def packs(self) -> PackLibrary:
        assert self.library is not None
        return self.library

    async def settings_for(self, guild_id: int | None) -> ServerSettings:
        """A server's settings; the host's defaults if the database cannot be read."""
        try:
            return await self.settings_book.get(guild_id)
        except Exception:
            log.exception("could not read the settings of server %s; using defaults", guild_id)
            return self.settings_book.defaults

    async def answerer_for(self, guild_id: int | None) -> Answerer:
        """The answerer of the pack a server chose; the bundled one if that pack cannot load.

        A pack that was valid when uploaded can only fail here if its files were damaged on the
        host; the server is still answered (from the bundled pack) and the log says why.
        """
        chosen = (await self.settings_for(guild_id)).pack
        if guild_id is None or chosen == BUNDLED:
            return self.current
        try:
            return await self.packs.open(guild_id, chosen)
        except (PackError, OSError, KeyError) as err:
            log.error(
                "pack %s of server %s does not load (%s); using the bundled pack",
                chosen,
                guild_id,
                err,
            )
            return self.current

    async def language_for(self, guild_id: int | None) -> str:
        """The language of studybot's own replies in a server: its setting, else its pack's."""
        chosen = (await self.settings_for(guild_id)).language
        if chosen == "auto":
            chosen = language_of((await self.answerer_for(guild_id)).pack.language)
        return chosen if chosen in LANGUAGES else ENGLISH

    async def needs_loading(self, guild_id: int | None) -> bool:
        """Whether answering this server would first load its pack (it is not in memory)."""
        chosen = (await self.settings_for(guild_id)).pack
        if guild_id is None or chosen == BUNDLED:
            return False
        return self.packs.cached(guild_id, chosen) is None

    async def acknowledge_before_loading(
        self, interaction: discord.Interaction, *, ephemeral: bool | None = None
    ) -> None:
        """Defer `interaction` if its server's pack must be loaded before the reply.

        A deferral's visibility cannot change later: the reply that completes it shows as the
        deferral did. `ephemeral` is the reply's when the caller knows it (help, practice: private;
        a quiz start: public); otherwise it follows the server's private-misses setting, the rule
        for answers (so with the setting on, an answer that had to wait for its pack is private).
        `messages.send` then answers with a follow-up. Does nothing once the interaction has been
        answered or deferred, or when the pack is in memory (no reason to show "thinking").
        """
        if interaction.response.is_done() or not await self.needs_loading(interaction.guild_id):
            return
        if ephemeral is None:
            ephemeral = (await self.settings_for(interaction.guild_id)).private_misses
        try:
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        except discord.InteractionResponded:
            return  # another task of the same interaction answered it meanwhile
        interaction.extras[DEFERRED_EPHEMERAL] = ephemeral

    async def answerer_here(
        self, interaction: discord.Interaction, *, ephemeral: bool | None = None
    ) -> Answerer:
        """`answerer_for` the interaction's server, deferring it first if the pack must load."""
        await self.acknowledge_before_loading(interaction, ephemeral=ephemeral)
        return await self.answerer_for(interaction.guild_id)

    async def language_here(
        self, interaction: discord.Interaction, *, ephemeral: bool | None = None
    ) -> str:
        """`language_for` the interaction's server; with `auto` that reads the pack: see above."""
        if (await self.settings_for(interaction.guild_id)).language == "auto":
            await self.acknowledge_before_loading(interaction, ephemeral=ephemeral)
        return await self.language_for(interaction.guild_id)

    async def translate(self, interaction: discord.Interaction, text: str, **values: object) -> str:
        """One of studybot's fixed replies (`i18n.tr`) in the language of the interaction's server."""
        return tr(text, await self.language_here(interaction), **values)

    def cached_answerer(self, guild_id: int | None) -> Answerer:
        """The server's answerer if already in memory, else the bundled one; never waits.

        For autocomplete, which Discord drops after three seconds and which must not load a pack.
        """
        chosen = self.settings_book.cached(guild_id)
        if guild_id is None or chosen is None or chosen.pack == BUNDLED:
            return self.current
        return self.packs.cached(guild_id, chosen.pack) or self.current

    def cooldown_for(self, guild_id: int | None, server: ServerSettings | None) -> Cooldown:
        """The cooldown of a server, rebuilt when its admins change its length."""
        if guild_id is None or server is None:
            return self.cooldown
        found = self._cooldowns.get(guild_id)
        if found is None or found.seconds != max(0.0, server.cooldown_seconds):
            found = Cooldown(server.cooldown_seconds)
            self._cooldowns[guild_id] = found
        return found

    async def record_unanswered(self, guild_id: int | None, question: str) -> None:
        """Log a question the pack could not answer, for `/kb gaps`; never fails the reply."""
        if self.store is None:
            return
        try:
            await self.store.record_unanswered(guild_id, question)
        except Exception:
            log.exception("could not record an unanswered question (guild %s)", guild_id)
