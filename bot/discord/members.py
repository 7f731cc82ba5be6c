"""Member commands around the answers: /help, /topics, /forgetme, "Ask studybot", delete buttons.

`/help` and `/topics` describe the pack *this server* uses. `/forgetme` deletes what studybot keeps
about a member in this server, and says exactly what. The delete button lets the member who asked
remove the bot's answer; its custom id carries the asker's id, so it works after a restart and no
one else can press it.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.discord.autocomplete import topic_names
from bot.discord.client import Services, send_ephemeral
from bot.discord.embeds import COLOUR_INFO, clip, echo, fit
from bot.discord.i18n import ENGLISH, tr
from bot.discord.messages import send

if TYPE_CHECKING:
    from bot.discord.client import StudyBot

log = logging.getLogger("studybot.discord")

DELETE_PREFIX = "studybot:delete:"


def _services(interaction: discord.Interaction) -> Services:
    return interaction.client.services  # type: ignore[attr-defined, no-any-return]


class DeleteButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"studybot:delete:(?P<user>\d+)"
):
    """Removes the bot's answer; only the member who asked (or a moderator) may press it."""

    def __init__(self, user_id: int, label: str = "Delete") -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                emoji="🗑️",
                style=discord.ButtonStyle.secondary,
                custom_id=f"{DELETE_PREFIX}{user_id}",
                row=1,
            )
        )
        self.user_id = user_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: Any, /
    ) -> DeleteButton:
        return cls(int(match["user"]), item.label or "Delete")

    async def callback(self, interaction: discord.Interaction) -> None:
        perms = interaction.permissions
        if interaction.user.id != self.user_id and not perms.manage_messages:
            note = "Only the member who asked can delete this answer."
            await send_ephemeral(
                interaction, await _services(interaction).translate(interaction, note)
            )
            return
        await interaction.response.defer()
        if interaction.message is not None:
            try:
                await interaction.message.delete()
            except discord.HTTPException:
                log.warning("could not delete answer %s", interaction.message.id, exc_info=True)


def with_delete_button(
    kwargs: dict[str, Any], asker: int, language: str = ENGLISH
) -> dict[str, Any]:
    """Add the asker's delete button to a reply's send arguments (beside any other buttons)."""
    view = kwargs.get("view") or discord.ui.View(timeout=None)
    view.add_item(DeleteButton(asker, tr("Delete", language)))
    kwargs["view"] = view
    return kwargs


HELP_ABOUT = (
    "I answer questions from a study pack, always with the source and the excerpt that backs the "
    "answer; when the pack does not cover something I say so.\n"
    "This server's pack: **{pack}** ({entries} entries from {sources} sources; /sources lists them)."
)
HELP_ASK = (
    "@mention me with a question, or reply to a message with an @mention; "
    "right-click a message → Apps → Ask studybot"
)


def help_embed(
    services: Services, pack_name: str, sources: int, entries: int, language: str = ENGLISH
) -> discord.Embed:
    embed = discord.Embed(title="studybot", colour=COLOUR_INFO)
    embed.description = tr(
        HELP_ABOUT, language, pack=clip(pack_name, 200), entries=entries, sources=sources
    )
    embed.add_field(
        name=tr("Ask", language),
        value="/ask · /define · /fact · /related · /topics · /sources\n" + tr(HELP_ASK, language),
        inline=False,
    )
    embed.add_field(
        name=tr("Play and practise", language),
        value="/quiz start · /answer · /quiz hint · /leaderboard · /stats · /practice",
        inline=False,
    )
    embed.add_field(
        name=tr("Your data", language),
        value=tr("/forgetme deletes your points and practice cards", language),
        inline=False,
    )
    embed.add_field(
        name=tr("Admins", language),
        value="/settings · /kb upload · /kb use · /kb gaps",
        inline=False,
    )
    return fit(embed)


@app_commands.command(name="help", description="What studybot does, its commands and this pack.")
async def help_command(interaction: discord.Interaction) -> None:
    services = _services(interaction)
    pack = (await services.answerer_here(interaction, ephemeral=True)).pack
    language = await services.language_here(interaction, ephemeral=True)
    embed = help_embed(services, pack.name, len(pack.sources), len(pack.entries), language)
    await send(interaction, embed=embed, ephemeral=True)


@app_commands.command(name="topics", description="The topics this server's pack covers.")
@app_commands.describe(topic="Show the terms under one topic (optional).")
@app_commands.autocomplete(topic=topic_names)
async def topics(interaction: discord.Interaction, topic: str | None = None) -> None:
    services = _services(interaction)
    pack = (await services.answerer_here(interaction, ephemeral=True)).pack
    language = await services.language_here(interaction, ephemeral=True)
    if topic:
        terms = sorted(e.term for e in pack.entries.values() if topic in e.tags)
        embed = discord.Embed(
            title=tr("Topic: {topic}", language, topic=clip(topic, 200)), colour=COLOUR_INFO
        )
        embed.description = (
            ", ".join(terms)
            if terms
            else tr("No topic called “{topic}” in this pack.", language, topic=echo(topic, 100))
        )
    else:
        counts = Counter(tag for e in pack.entries.values() for tag in e.tags)
        embed = discord.Embed(
            title=tr("Topics of {pack}", language, pack=clip(pack.name, 200)), colour=COLOUR_INFO
        )
        embed.description = "\n".join(
            tr("• **{tag}** ({count} terms)", language, tag=tag, count=n)
            for tag, n in sorted(counts.items())
        ) or tr("This pack has no topics; /define lists its terms as you type.", language)
        embed.set_footer(
            text=tr("/topics topic:<name> lists a topic's terms; /fact topic:<name>", language)
        )
    await send(interaction, embed=fit(embed), ephemeral=True)


@app_commands.command(name="forgetme", description="Delete your points and practice cards here.")
@app_commands.describe(member="Admins (Manage Server): delete this member's data instead.")
@app_commands.allowed_contexts(guilds=True)
async def forgetme(interaction: discord.Interaction, member: discord.User | None = None) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    services = _services(interaction)
    language = await services.language_here(interaction)
    who = member or interaction.user
    if who.id != interaction.user.id and not interaction.permissions.manage_guild:
        note = "Only admins (Manage Server) can delete another member's data."
        await send(interaction, tr(note, language), ephemeral=True)
        return
    if services.store is None:
        note = "The database is not open, so nothing is stored to delete."
        await send(interaction, tr(note, language), ephemeral=True)
        return
    gone = await services.store.forget_member(interaction.guild_id, who.id)
    done = (
        "Deleted your data: {points} quiz point record(s) in this server, "
        if who.id == interaction.user.id
        else "Deleted {member}'s data: {points} quiz point record(s) in this server, "
    )
    rest = (
        "{cards} practice card(s) and {reviews} review(s). studybot stores no other "
        "data about members (unanswered questions for /kb gaps are kept without names)."
    )
    await send(
        interaction,
        tr(done, language, member=f"<@{who.id}>", points=gone.points)
        + tr(rest, language, cards=gone.cards, reviews=gone.reviews),
        ephemeral=True,
    )


@app_commands.context_menu(name="Ask studybot")
async def ask_about_message(interaction: discord.Interaction, message: discord.Message) -> None:
    """Answer a message's text as a question: no mention, no privileged intent needed."""
    from bot.discord.commands import ask_and_reply

    text = " ".join((message.content or "").split())
    if not text:
        note = "That message has no text to answer."
        await send_ephemeral(interaction, await _services(interaction).translate(interaction, note))
        return
    await ask_and_reply(interaction, text, about=message)


def setup(bot: StudyBot, services: Services) -> None:
    """Register /help, /topics, /forgetme, the "Ask studybot" menu and the delete button."""
    for command in (help_command, topics, forgetme):
        bot.tree.add_command(command)
    bot.tree.add_command(ask_about_message)
    bot.add_dynamic_items(DeleteButton)
