"""Answering in plain chat: messages that mention the bot, direct messages, and `?question`.

Discord delivers the text of a message that mentions the bot even without the privileged message
content intent, so mention answering always works. A bare @mention in a reply asks about the
message replied to; that message's text needs the intent (else the member is pointed to the
"Ask studybot" menu, which needs none). `?`-prefix answering reads every message in the
chosen channels, so it needs that intent (STUDYBOT_MESSAGE_CONTENT=true and the portal toggle).
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING

import discord

from bot.discord.client import MessageHandler, Services
from bot.discord.commands import reply_kwargs, should_log_gap, too_long_message
from bot.discord.embeds import plain_text
from bot.discord.i18n import tr
from bot.discord.messages import send
from bot.server_settings import ServerSettings

if TYPE_CHECKING:
    from bot.discord.client import StudyBot

log = logging.getLogger("studybot.discord")

HELP = "Ask me a question about this pack's topics, e.g. “@me what is …?” or “@me who was …?”"
UNREADABLE_REPLY = (
    "I can't read the message you replied to (this bot has no message content access). "
    "Use the message's menu instead: Apps → Ask studybot."
)


def own_mention(bot_id: int) -> re.Pattern[str]:
    return re.compile(rf"<@!?{bot_id}>")


def question_for(
    message: discord.Message, bot_id: int, services: Services, server: ServerSettings
) -> str | None:
    """The question in a message addressed to the bot, without the addressing; None if not ours.

    Without a mention, a message is a question only in the server's answer channels (and their
    threads), with the server's trigger: its prefix, or any message ending in `?`.
    """
    content = message.content or ""
    mention = own_mention(bot_id)
    # A reply to the bot notifies it without naming it; only an explicit @mention is a question.
    if mention.search(content):
        return " ".join(mention.sub(" ", content).split())
    if message.guild is None:
        # A direct message is always addressed to the bot, and Discord delivers DM text without
        # the message content intent.
        return " ".join(content.split())
    channels = server.answer_channels
    in_answer_channel = message.channel.id in channels or (
        isinstance(message.channel, discord.Thread) and message.channel.parent_id in channels
    )
    if not (services.settings.message_content and in_answer_channel):
        return None
    if server.trigger == "question-mark":
        text = " ".join(content.split())
        return text if text.endswith("?") and any(c.isalnum() for c in text) else None
    prefixed = re.compile(rf"^{re.escape(server.prefix)}\s*(?=\w)")
    if prefixed.match(content):
        return prefixed.sub("", content, count=1).strip()
    return None


async def replied_to(message: discord.Message) -> discord.Message | None:
    """The message `message` replies to, if any and if it still exists."""
    reference = message.reference
    if reference is None or reference.message_id is None:
        return None
    if isinstance(reference.resolved, discord.Message):
        return reference.resolved
    if isinstance(reference.resolved, discord.DeletedReferencedMessage):
        return None
    try:
        return await message.channel.fetch_message(reference.message_id)
    except discord.HTTPException:
        return None


def can_send(message: discord.Message) -> bool:
    """Whether the bot may post where `message` was posted: else stay silent, not fail."""
    if message.guild is None:
        return True
    permissions = message.channel.permissions_for(message.guild.me)
    if isinstance(message.channel, discord.Thread):
        return permissions.send_messages_in_threads
    return permissions.send_messages


def can_embed(message: discord.Message) -> bool:
    """Whether the bot may show embeds where `message` was posted (always in direct messages)."""
    if message.guild is None:
        return True
    return message.channel.permissions_for(message.guild.me).embed_links


def make_handler(bot: StudyBot, services: Services) -> MessageHandler:
    """The chat answerer for one bot: reads settings and the pack at each message."""

    async def answer_in_chat(message: discord.Message) -> bool:
        if bot.user is None:
            return False
        guild_id = message.guild.id if message.guild else None
        server = await services.settings_for(guild_id)
        question = question_for(message, bot.user.id, services, server)
        if question is None:
            return False
        if not can_send(message):
            # Without Send Messages a reply fails with 403 anyway; say so in the log, not in chat.
            log.info("no Send Messages permission in channel %s", message.channel.id)
            return True
        target = message
        if not question:
            # A bare @mention in a reply asks about the message it replies to.
            original = await replied_to(message)
            if original is None:
                await send(message, tr(HELP, await services.language_for(guild_id)))
                return True
            question = " ".join((original.content or "").split())
            if not question:
                await send(message, tr(UNREADABLE_REPLY, await services.language_for(guild_id)))
                return True
            if can_send(original):
                target = original
        cap = services.settings.max_question_chars
        if len(question) > cap:
            language = await services.language_for(guild_id)
            await send(message, too_long_message(len(question), cap, language))
            return True
        if services.cooldown_for(guild_id, server).try_acquire(message.author.id) > 0:
            # A spammer gets silence: a "slow down" reply to every message would be spam itself.
            log.debug("cooldown: ignoring a chat question from %s", message.author.id)
            return True
        answerer = await services.answerer_for(guild_id)
        reply = await asyncio.to_thread(answerer.ask, question)  # CPU: off the loop
        kwargs = reply_kwargs(reply, language=await services.language_for(guild_id))
        if "embed" in kwargs and not can_embed(message):
            # Without Embed Links Discord silently drops the embed; send the same answer as text.
            kwargs["content"] = plain_text(reply)
            del kwargs["embed"]
        await send(target, **kwargs)
        if should_log_gap(reply):
            await services.record_unanswered(guild_id, question)
        return True

    return answer_in_chat


def setup(bot: StudyBot, services: Services) -> None:
    """Answer questions addressed to the bot in chat."""
    bot.add_message_handler(make_handler(bot, services), fallback=True)
