"""/practice: solo flash cards in an ephemeral message, with Again/Hard/Good/Easy buttons.

Scheduling is `bot.games.practice.PracticeSession` (FSRS); this module only shows a card, turns it over
and passes the member's rating on. Every rating is saved at once, so the schedule survives a
restart even though the message (and its buttons) belong to one sitting.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.discord.autocomplete import topic_names
from bot.discord.client import Services, send_ephemeral
from bot.discord.embeds import COLOUR_ANSWER, COLOUR_INFO, cite, clip, fit
from bot.discord.messages import send
from bot.games.practice import RATINGS, Flashcard, PracticeSession, describe_wait

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


def _counts(session: PracticeSession) -> str:
    return f"{session.due_count} due · {session.new_count} new · {session.reviewed} reviewed"


def _card_embed(card: Flashcard, body: str, colour: discord.Colour) -> discord.Embed:
    # A title is cut at 256 characters; a long question goes in the description whole.
    if len(card.front) <= TITLE_ROOM:
        return discord.Embed(title=card.front, description=body, colour=colour)
    return discord.Embed(
        title="Flash card", description=f"**{card.front}**\n\n{body}", colour=colour
    )


def front_embed(session: PracticeSession, card: Flashcard) -> discord.Embed:
    embed = _card_embed(card, "Think of the answer, then turn the card over.", COLOUR_INFO)
    embed.set_footer(text=_counts(session))
    return fit(embed)


def back_embed(session: PracticeSession, card: Flashcard) -> discord.Embed:
    embed = _card_embed(card, card.back, COLOUR_ANSWER)
    embed.add_field(name="Source", value=cite(card.source), inline=False)
    embed.set_footer(text=f"How well did you know it? · {_counts(session)}")
    return fit(embed)


def done_embed(session: PracticeSession) -> discord.Embed:
    embed = discord.Embed(title="All done for now", colour=COLOUR_INFO)
    soon = session.next_due()
    lines = [f"You reviewed {session.reviewed} card(s)."]
    if soon is not None:
        lines.append(f"The next card is due {describe_wait(soon, _now())}.")
    if session.new():
        lines.append(f"{len(session.new())} new card(s) are waiting: run /practice again.")
    embed.description = " ".join(lines)
    return fit(embed)


class PracticeView(discord.ui.View):
    """One sitting: the card on show, its side, and the buttons that fit that side."""

    def __init__(self, session: PracticeSession, owner: int) -> None:
        super().__init__(timeout=SITTING_SECONDS)
        self.session = session
        self.owner = owner
        self.card: Flashcard | None = session.next_card()
        self.show_front()

    def _button(self, label: str, style: discord.ButtonStyle, action: Any) -> None:
        button: discord.ui.Button[PracticeView] = discord.ui.Button(label=label, style=style)
        button.callback = action  # type: ignore[method-assign]
        self.add_item(button)

    def show_front(self) -> None:
        self.clear_items()
        if self.card is not None:
            self._button("Show answer", discord.ButtonStyle.primary, self._turn)

    def show_back(self) -> None:
        self.clear_items()
        assert self.card is not None
        waits = self.session.preview(self.card.key)
        now = _now()
        for name in RATINGS:
            when = describe_wait(waits[name], now).removeprefix("in ")
            self._button(
                clip(f"{name.title()} · {when}", 80), RATING_STYLES[name], self._rater(name)
            )

    def embed(self) -> discord.Embed:
        if self.card is None:
            return done_embed(self.session)
        return front_embed(self.session, self.card)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return interaction.user.id == self.owner

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        log.error("practice button failed (user %s)", interaction.user.id, exc_info=error)
        await send_ephemeral(
            interaction, "Sorry, that rating could not be saved. Try /practice again."
        )

    async def _turn(self, interaction: discord.Interaction) -> None:
        if self.card is None:
            await send_ephemeral(interaction, "This sitting is over: run /practice again.")
            return
        self.show_back()
        await send(interaction, embed=back_embed(self.session, self.card), view=self, edit=True)

    def _rater(self, rating: str) -> Any:
        async def rate(interaction: discord.Interaction) -> None:
            if self.card is None:
                await send_ephemeral(interaction, "This sitting is over: run /practice again.")
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
    if services.store is None:
        await send_ephemeral(
            interaction, "The database is unavailable, so practice cards can't be saved."
        )
        return
    pack = (await services.answerer_here(interaction, ephemeral=True)).pack
    session = await PracticeSession.open(
        pack, services.store, interaction.user.id, topic=topic, now=_now
    )
    if not session.deck:
        tags = ", ".join(pack.tags()[:20])
        await send_ephemeral(
            interaction, "No cards on “{topic}”. Topics: " + tags, member={"topic": topic or ""}
        )
        return
    view = PracticeView(session, interaction.user.id)
    shown = view if view.card is not None else None
    await send(interaction, embed=view.embed(), view=shown, ephemeral=True)


def setup(bot: StudyBot, services: Services) -> None:
    """Register /practice (see bot/discord/app.py)."""
    bot.tree.add_command(practice)
