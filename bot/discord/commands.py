"""The member commands: /ask, /define, /fact, /sources, /related.

Each one answers straight away (the answerer takes milliseconds), well inside Discord's three
seconds; only after the reply is sent does /ask log an unanswered question to the database. When
the server's pack must first be loaded, `Services.answerer_here` defers the interaction before
loading, and the reply comes as a follow-up.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.answering.answers import DONT_KNOW, NOT_SURE, Answerer, Reply
from bot.discord.autocomplete import entry_names, topic_names
from bot.discord.client import Services, send_ephemeral
from bot.discord.embeds import (
    COLOUR_INFO,
    answer_embed,
    clip,
    echo,
    reply_message,
    sources_embed,
)
from bot.discord.i18n import ENGLISH, tr
from bot.discord.members import with_delete_button
from bot.discord.messages import send
from bot.discord.quiz import quiz_running
from bot.discord.services import deferred_privately
from bot.discord.views import DefineButton, suggestions_view
from bot.settings import DEFAULT_MAX_QUESTION_CHARS

if TYPE_CHECKING:
    from bot.discord.client import StudyBot


def _services(interaction: discord.Interaction) -> Services:
    return interaction.client.services  # type: ignore[attr-defined, no-any-return]


def cooldown_message(wait: float, language: str = ENGLISH) -> str:
    return tr(
        "Slow down a little: you can ask again in {seconds} s.",
        language,
        seconds=max(1, round(wait)),
    )


def too_long_message(length: int, cap: int, language: str = ENGLISH) -> str:
    return tr(
        "That question is {length} characters long; please keep it under {cap} "
        "and ask one thing at a time.",
        language,
        length=f"{length:,}",
        cap=cap,
    )


NO_ENTRY = "No entry called “{term}” in this pack."

PAUSED_IN_QUIZ = (
    "A quiz is running in this channel, so answers are paused here until it ends "
    "(they would give the quiz away). Ask in another channel, or after the game."
)


async def answerer_here(interaction: discord.Interaction) -> Answerer:
    """The answerer of the pack this server uses (the bundled one in direct messages)."""
    return await _services(interaction).answerer_here(interaction)


async def allowed(interaction: discord.Interaction) -> bool:
    """Whether to answer: not in a channel with a quiz under way, and not faster than the cooldown.

    Either refusal is told to the member only, so it neither clutters the channel nor reveals
    anything to the players. The cooldown's length is the server's own setting.
    """
    if quiz_running(interaction.client, interaction.channel_id):
        await send_ephemeral(interaction, await _tr(interaction, PAUSED_IN_QUIZ))
        return False
    services = _services(interaction)
    server = await services.settings_for(interaction.guild_id)
    cooldown = services.cooldown_for(interaction.guild_id, server)
    wait = cooldown.try_acquire(interaction.user.id)
    if wait > 0:
        language = await services.language_here(interaction)
        await send_ephemeral(interaction, cooldown_message(wait, language))
        return False
    return True


async def _tr(interaction: discord.Interaction, text: str, **values: object) -> str:
    """One of studybot's fixed replies in the language of the interaction's server."""
    return await _services(interaction).translate(interaction, text, **values)


def reply_kwargs(
    reply: Reply, *, show_confidence: bool = True, language: str = ENGLISH
) -> dict[str, Any]:
    """The send arguments for a reply: content or embed, did-you-mean buttons, no pings."""
    content, embed = reply_message(reply, show_confidence=show_confidence, language=language)
    kwargs: dict[str, Any] = {}
    if content:
        kwargs["content"] = content
    if embed is not None:
        kwargs["embed"] = embed
    view = suggestions_view((alt.entry, alt.title) for alt in reply.alternatives)
    if view is not None:
        kwargs["view"] = view
    return kwargs


def should_log_gap(reply: Reply) -> bool:
    """Questions worth showing an admin in /kb gaps: real questions the pack could not answer."""
    # Not "too long" or "empty": those are the member's slip, not something the pack lacks.
    return not reply.answered and reply.message in (DONT_KNOW, NOT_SURE)


ASK_MAX_LENGTH = 2 * DEFAULT_MAX_QUESTION_CHARS
"""What Discord's client lets a member type into /ask; up to the host's cap a friendly note says
"ask one thing at a time" instead (the cap is a setting, the option's limit is fixed at sync)."""


async def ask_and_reply(
    interaction: discord.Interaction, question: str, *, about: discord.Message | None = None
) -> None:
    """Answer `question` for /ask and the "Ask studybot" menu, by this server's rules.

    A miss is private when the server says so; an answer just posted in this channel is not
    posted again (the member gets a link to it); the asker gets a button to delete the answer.
    """
    services = _services(interaction)
    language = await services.language_here(interaction)
    cap = services.settings.max_question_chars
    if len(question.strip()) > cap:
        await send_ephemeral(interaction, too_long_message(len(question.strip()), cap, language))
        return
    if not await allowed(interaction):
        return
    # Encoding the question with the sentence model is CPU work: off the event loop.
    reply = await asyncio.to_thread((await answerer_here(interaction)).ask, question)
    server = await services.settings_for(interaction.guild_id)
    kwargs = reply_kwargs(reply, language=language)
    if about is not None and reply.answer is not None:
        kwargs["content"] = tr("About {link}:", language, link=about.jump_url)
    # Deferred privately while the pack loaded: the reply is private whatever it says.
    private = (server.private_misses and not reply.answered) or deferred_privately(interaction)
    key = reply.answer.item_id if reply.answer is not None else None
    shown_at = services.recent.recent(interaction.channel_id, key) if key else None
    if shown_at is not None:
        kwargs["content"] = tr("Answered just now: {link}", language, link=shown_at)
        private = True  # one copy in the channel is enough
    if not private:
        with_delete_button(kwargs, interaction.user.id, language)
    sent = await send(interaction, ephemeral=private, **kwargs)
    if key and not private:
        with contextlib.suppress(discord.HTTPException):
            # A follow-up (after a deferral) comes back as the message; a first response does not.
            sent = sent or await interaction.original_response()
            services.recent.remember(interaction.channel_id, key, sent.jump_url)
    if should_log_gap(reply):
        await services.record_unanswered(interaction.guild_id, question)


@app_commands.command(name="ask", description="Ask a question; the answer comes with its source.")
@app_commands.describe(question="Your question, e.g. “what is …?” or “who was …?”")
async def ask(
    interaction: discord.Interaction, question: app_commands.Range[str, 1, ASK_MAX_LENGTH]
) -> None:
    await ask_and_reply(interaction, question)


@app_commands.command(name="define", description="The definition of a term in the pack.")
@app_commands.describe(term="Start typing: terms and their other names are suggested.")
@app_commands.autocomplete(term=entry_names)
async def define(interaction: discord.Interaction, term: str) -> None:
    if not await allowed(interaction):
        return
    answerer = await answerer_here(interaction)
    language = await _services(interaction).language_here(interaction)
    entry = await asyncio.to_thread(answerer.find_entry, term)
    if entry is None:
        reply = await asyncio.to_thread(answerer.ask, term)
        kwargs = reply_kwargs(reply, language=language)
        kwargs.pop("embed", None)
        kwargs["content"] = tr(NO_ENTRY, language, term=echo(term, 100))
        await send(interaction, **kwargs)
        return
    reply = answerer.entry_answer(entry.id)
    await send(interaction, **reply_kwargs(reply, show_confidence=False, language=language))


@app_commands.command(name="fact", description="A random fact with its source.")
@app_commands.describe(topic="Only facts about this topic (optional).")
@app_commands.autocomplete(topic=topic_names)
async def fact(interaction: discord.Interaction, topic: str | None = None) -> None:
    if not await allowed(interaction):
        return
    services = _services(interaction)
    answerer = await answerer_here(interaction)
    language = await services.language_here(interaction)
    answer = answerer.random_fact(topic, services.rng)
    if answer is None:
        topics = ", ".join(answerer.pack.tags()[:20]) or tr("none", language)
        note = "No facts about “{topic}”. Topics: {topics}"
        await send_ephemeral(
            interaction, tr(note, language, topic=echo(topic or "", 100), topics=topics)
        )
        return
    embed = answer_embed(answer, language=language)
    footer = (
        tr("Random fact about {topic}", language, topic=clip(topic, 100))
        if topic
        else tr("Random fact", language)
    )
    embed.set_footer(text=footer)
    await send(interaction, embed=embed)


@app_commands.command(name="sources", description="Where this pack's answers come from.")
async def sources(interaction: discord.Interaction) -> None:
    pack = (await answerer_here(interaction)).pack
    language = await _services(interaction).language_here(interaction)
    await send(interaction, embed=sources_embed(pack, language))


@app_commands.command(name="related", description="Terms related to a term in the pack.")
@app_commands.describe(term="Start typing: terms and their other names are suggested.")
@app_commands.autocomplete(term=entry_names)
async def related(interaction: discord.Interaction, term: str) -> None:
    if not await allowed(interaction):
        return
    answerer = await answerer_here(interaction)
    language = await _services(interaction).language_here(interaction)
    entry = await asyncio.to_thread(answerer.find_entry, term)
    if entry is None:
        await send_ephemeral(interaction, tr(NO_ENTRY, language, term=echo(term, 100)))
        return
    others = answerer.related(entry.id)
    embed = discord.Embed(
        title=tr("Related to {term}", language, term=entry.term), colour=COLOUR_INFO
    )
    if not others:
        embed.description = tr("The pack links no related terms to this one.", language)
    for other in others:
        summary = other.definition.text if other.definition else other.kind
        embed.add_field(name=other.term, value=clip(summary, 300), inline=False)
    await send(interaction, embed=embed, view=suggestions_view((o.id, o.term) for o in others))


def setup(bot: StudyBot, services: Services) -> None:
    """Register the member commands and the did-you-mean buttons."""
    for command in (ask, define, fact, sources, related):
        bot.tree.add_command(command)
    bot.add_dynamic_items(DefineButton)
