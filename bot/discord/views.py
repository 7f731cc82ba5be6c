"""Did-you-mean buttons: one per near miss, each showing that entry's answer when clicked.

The buttons are `DynamicItem`s: the entry id lives in the button's custom id, so a click works
after a restart too, with no view state kept in memory and nothing to time out.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import discord

from bot.discord.client import APOLOGY, reply_language, send_ephemeral
from bot.discord.embeds import clip, reply_message
from bot.discord.i18n import tr
from bot.discord.messages import send

log = logging.getLogger("studybot.discord")

MAX_BUTTONS = 5
LABEL_LIMIT = 80
PREFIX = "studybot:define:"
CUSTOM_ID_LIMIT = 100
GONE = "That entry is no longer in the pack (it was changed by /kb reload). Ask again?"


class DefineButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"studybot:define:(?P<entry>\S+)"
):
    """A button that shows one entry's definition to whoever clicks it."""

    def __init__(self, entry_id: str, label: str = "?") -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label, LABEL_LIMIT) or "?",
                style=discord.ButtonStyle.secondary,
                custom_id=f"{PREFIX}{entry_id}",
            )
        )
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Button[Any],
        match: Any,
        /,
    ) -> DefineButton:
        return cls(match["entry"], item.label or "?")

    async def callback(self, interaction: discord.Interaction) -> None:
        services = interaction.client.services  # type: ignore[attr-defined]
        try:
            answerer = await services.answerer_here(interaction, ephemeral=False)
            language = await services.language_here(interaction, ephemeral=False)
            reply = answerer.entry_answer(self.entry_id)
            if reply.answer is None:
                await send_ephemeral(interaction, tr(GONE, language))
                return
            _content, embed = reply_message(reply, show_confidence=False, language=language)
            await send(interaction, embed=embed)
        except Exception:
            log.exception(
                "did-you-mean button %r failed (user %s, guild %s)",
                self.entry_id,
                interaction.user.id,
                interaction.guild_id,
            )
            await send_ephemeral(interaction, tr(APOLOGY, await reply_language(interaction)))


def suggestions_view(choices: Iterable[tuple[str, str]]) -> discord.ui.View | None:
    """A view with up to five buttons for (entry id, label) pairs; None when there are none."""
    view = discord.ui.View(timeout=None)
    seen: set[str] = set()
    for entry_id, label in choices:
        if entry_id in seen or len(PREFIX) + len(entry_id) > CUSTOM_ID_LIMIT:
            continue
        seen.add(entry_id)
        view.add_item(DefineButton(entry_id, label))
        if len(seen) >= MAX_BUTTONS:
            break
    return view if seen else None
