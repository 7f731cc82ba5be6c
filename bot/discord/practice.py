"""/practice: solo flash cards in an ephemeral message, with Again/Hard/Good/Easy buttons.

Scheduling is `bot.games.practice.PracticeSession` (FSRS); this module only shows a card, turns it over
and passes the member's rating on. Every rating is saved at once, so the schedule survives a
restart even though the message (and its buttons) belong to one sitting.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.discord.autocomplete import topic_names
from bot.discord.client import Services, send_ephemeral
from bot.discord.embeds import COLOUR_ANSWER, COLOUR_INFO, cite, clip, fit
from bot.discord.i18n import ENGLISH, tr
from bot.discord.messages import send
from bot.games.practice import RATINGS, Flashcard, PracticeSession, wait_amount

if TYPE_CHECKING:
    from bot.discord.client import StudyBot

log = logging.getLogger("studybot.discord")

TITLE_ROOM = 200
SITTING_SECONDS = 14 * 60
"""An ephemeral message can be edited for 15 minutes; the buttons stop a little before."""
RATING_STYLES = {
    "again": discord.ButtonStyle.danger,
    "hard": discord.ButtonStyle.secondary,
    "good": discord.ButtonStyle.primary,
    "easy": discord.ButtonStyle.success,
}


def _now() -> Any:
    # discord.utils.utcnow is aware UTC (what FSRS wants) and follows a test's virtual clock.
    return discord.utils.utcnow()


RATING_LABELS = {"again": "Again", "hard": "Hard", "good": "Good", "easy": "Easy"}
WAIT_WORDS = {
    "minute": ("in 1 minute", "in {count} minutes"),
    "hour": ("in 1 hour", "in {count} hours"),
    "day": ("in 1 day", "in {count} days"),
}
SITTING_OVER = "This sitting is over: run /practice again."


def wait_words(until: datetime, now: datetime, language: str = ENGLISH) -> str:
    """When a card comes back ("in 3 days"), in `language` (the core's `describe_wait` is English)."""
    count, unit = wait_amount(until, now)
    if count == 0:
        return tr("in under a minute", language)
    return tr(WAIT_WORDS[unit][count != 1], language, count=count)


def _counts(session: PracticeSession, language: str) -> str:
    return tr(
        "{due} due · {new} new · {reviewed} reviewed",
        language,
        due=session.due_count,
        new=session.new_count,
        reviewed=session.reviewed,
    )


def _card_embed(card: Flashcard, body: str, colour: discord.Colour, language: str) -> discord.Embed:
    # A title is cut at 256 characters; a long question goes in the description whole.
    if len(card.front) <= TITLE_ROOM:
        return discord.Embed(title=card.front, description=body, colour=colour)
    return discord.Embed(
        title=tr("Flash card", language), description=f"**{card.front}**\n\n{body}", colour=colour
    )


def front_embed(
    session: PracticeSession, card: Flashcard, language: str = ENGLISH
) -> discord.Embed:
    body = tr("Think of the answer, then turn the card over.", language)
    embed = _card_embed(card, body, COLOUR_INFO, language)
    embed.set_footer(text=_counts(session, language))
    return fit(embed)


def back_embed(session: PracticeSession, card: Flashcard, language: str = ENGLISH) -> discord.Embed:
    embed = _card_embed(card, card.back, COLOUR_ANSWER, language)
    embed.add_field(name=tr("Source", language), value=cite(card.source), inline=False)
    footer = tr("How well did you know it? · {counts}", language, counts=_counts(session, language))
    embed.set_footer(text=footer)
    return fit(embed)


def done_embed(session: PracticeSession, language: str = ENGLISH) -> discord.Embed:
    embed = discord.Embed(title=tr("All done for now", language), colour=COLOUR_INFO)
    soon = session.next_due()
    lines = [tr("You reviewed {count} card(s).", language, count=session.reviewed)]
    if soon is not None:
        when = wait_words(soon, _now(), language)
        lines.append(tr("The next card is due {when}.", language, when=when))
    if session.new():
        waiting = "{count} new card(s) are waiting: run /practice again."
        lines.append(tr(waiting, language, count=len(session.new())))
    embed.description = " ".join(lines)
    return fit(embed)


class PracticeView(discord.ui.View):
    """One sitting: the card on show, its side, and the buttons that fit that side."""

    def __init__(self, session: PracticeSession, owner: int, language: str = ENGLISH) -> None:
        super().__init__(timeout=SITTING_SECONDS)
        self.session = session
        self.owner = owner
        self.language = language
        """The server's language when the sitting began: its buttons and cards keep it."""
        self.card: Flashcard | None = session.next_card()
        self.show_front()

    def _button(self, label: str, style: discord.ButtonStyle, action: Any) -> None:
        button: discord.ui.Button[PracticeView] = discord.ui.Button(label=label, style=style)
        button.callback = action  # type: ignore[method-assign]
        self.add_item(button)

    def show_front(self) -> None:
        self.clear_items()
        if self.card is not None:
            label = tr("Show answer", self.language)
            self._button(label, discord.ButtonStyle.primary, self._turn)

    def show_back(self) -> None:
        self.clear_items()
        assert self.card is not None
        waits = self.session.preview(self.card.key)
        now = _now()
        for name in RATINGS:
            # "Good · 3 days": the wait without its "in " (German says "in" as well).
            when = wait_words(waits[name], now, self.language).removeprefix("in ")
            label = f"{tr(RATING_LABELS[name], self.language)} · {when}"
            self._button(clip(label, 80), RATING_STYLES[name], self._rater(name))

    def embed(self) -> discord.Embed:
        if self.card is None:
            return done_embed(self.session, self.language)
        return front_embed(self.session, self.card, self.language)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return interaction.user.id == self.owner

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        log.error("practice button failed (user %s)", interaction.user.id, exc_info=error)
        note = tr("Sorry, that rating could not be saved. Try /practice again.", self.language)
        await send_ephemeral(interaction, note)

    async def _turn(self, interaction: discord.Interaction) -> None:
        if self.card is None:
            await send_ephemeral(interaction, tr(SITTING_OVER, self.language))
            return
        self.show_back()
        embed = back_embed(self.session, self.card, self.language)
        await send(interaction, embed=embed, view=self, edit=True)

    def _rater(self, rating: str) -> Any:
        async def rate(interaction: discord.Interaction) -> None:
            if self.card is None:
                await send_ephemeral(interaction, tr(SITTING_OVER, self.language))
                return
            await self.session.rate(self.card.key, rating)
            self.card = self.session.next_card()
            self.show_front()
            if self.card is None:
                self.stop()
            await send(interaction, embed=self.embed(), view=self, edit=True)

        return rate


@app_commands.command(name="practice", description="Flash cards just for you, back when due.")
@app_commands.describe(topic="A topic (tag) of the pack; leave empty for everything.")
@app_commands.autocomplete(topic=topic_names)
async def practice(interaction: discord.Interaction, topic: str | None = None) -> None:
    services: Services = interaction.client.services  # type: ignore[attr-defined]
    language = await services.language_here(interaction, ephemeral=True)
    if services.store is None:
        note = "The database is unavailable, so practice cards can't be saved."
        await send_ephemeral(interaction, tr(note, language))
        return
    pack = (await services.answerer_here(interaction, ephemeral=True)).pack
    session = await PracticeSession.open(
        pack, services.store, interaction.user.id, topic=topic, now=_now
    )
    if not session.deck:
        tags = ", ".join(pack.tags()[:20])
        # `{topic}` is member text, filled (escaped) by send(): left a placeholder here.
        note = tr("No cards on “{topic}”. Topics: {topics}", language, topic="{topic}", topics=tags)
        await send_ephemeral(interaction, note, member={"topic": topic or ""})
        return
    view = PracticeView(session, interaction.user.id, language)
    shown = view if view.card is not None else None
    await send(interaction, embed=view.embed(), view=shown, ephemeral=True)


def setup(bot: StudyBot, services: Services) -> None:
    """Register /practice (see bot/discord/app.py)."""
    bot.tree.add_command(practice)
