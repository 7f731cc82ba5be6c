"""Plain chat: @mention answering (no privileged intent needed) and `?` in chosen channels."""

from __future__ import annotations

import discord  # noqa: TID251 - tests of the Discord adapter
import pytest


def bot_messages(world):
    return [m for m in world.channel.history() if m.author.id == world.env.bot.user.id]


async def test_a_mention_is_answered_as_a_reply(world):
    asked = await world.member.send(world.channel, f"{world.env.bot.user.mention} who was trotsky?")
    [reply] = bot_messages(world)
    assert reply.reference is not None and reply.reference.message_id == asked.id
    assert reply.embeds[0].title == "Leon Trotsky"
    assert reply.mentions == []  # the reply does not ping the asker


async def test_the_nickname_mention_form_is_understood_too(world):
    await world.member.send(world.channel, f"<@!{world.env.bot.user.id}> what was the comintern")
    [reply] = bot_messages(world)
    assert reply.embeds[0].title == "Communist International"


async def test_messages_not_addressed_to_the_bot_are_ignored(world):
    await world.member.send(world.channel, "who was trotsky?")
    await world.member.send(world.channel, "?who was trotsky")
    assert bot_messages(world) == []


async def test_a_bare_mention_gets_a_short_help(world):
    await world.member.send(world.channel, world.env.bot.user.mention)
    [reply] = bot_messages(world)
    assert reply.content.startswith("Ask me a question")


async def test_mentions_in_a_chat_question_never_ping(world):
    role = world.guild.create_role("Students")
    question = f"{world.env.bot.user.mention} @everyone {role.mention} what is a banana"
    await world.member.send(world.channel, question)
    [reply] = bot_messages(world)
    assert not reply.mention_everyone and reply.role_mentions == [] and reply.mentions == []
    assert "@\u200beveryone" in reply.content
    posts = [r.json for r in world.env.http_requests if r.path.endswith("/messages")]
    assert posts
    for post in posts:
        assert post["allowed_mentions"] == {"parse": [], "replied_user": False}


async def test_chat_cooldown_is_silent(world):
    mention = world.env.bot.user.mention
    await world.member.send(world.channel, f"{mention} who was trotsky")
    await world.member.send(world.channel, f"{mention} who was trotsky")
    assert len(bot_messages(world)) == 1
    await world.env.advance_time(3.1)
    await world.member.send(world.channel, f"{mention} who was trotsky")
    assert len(bot_messages(world)) == 2


async def test_unanswered_chat_questions_are_logged_for_gaps(world, store):
    await world.member.send(world.channel, f"{world.env.bot.user.mention} what is a banana")
    assert await store.unanswered(world.guild.id, 5) == [("what is a banana", 1)]


@pytest.mark.parametrize("settings_overrides", [{"message_content": True}])
async def test_question_mark_prefix_in_an_answer_channel_with_message_content(world, services):
    other = world.guild.create_text_channel("off-topic")
    await services.settings_book.change(world.guild.id, "answer-channels", f"<#{world.channel.id}>")
    await world.member.send(world.channel, "?who was trotsky")
    [reply] = bot_messages(world)
    assert reply.embeds[0].title == "Leon Trotsky"
    await world.env.advance_time(3.1)
    await world.member.send(other, "?who was trotsky")
    assert [m for m in other.history() if m.author.id == world.env.bot.user.id] == []
    await world.env.advance_time(3.1)
    await world.member.send(world.channel, "?? what")  # not a question: punctuation after `?`
    assert len(bot_messages(world)) == 1


async def test_question_mark_prefix_needs_the_message_content_intent(world, services):
    await services.settings_book.change(world.guild.id, "answer-channels", str(world.channel.id))
    assert not world.env.bot.intents.message_content
    await world.member.send(world.channel, "?who was trotsky")
    assert bot_messages(world) == []


async def test_a_direct_message_is_answered_without_a_mention(world):
    user = world.member.user
    await user.send_dm("what was the comintern")
    reply = user.dm_channel.last_message
    assert reply.author.id == world.env.bot.user.id
    assert reply.embeds[0].title == "Communist International"


async def test_a_too_long_chat_question_gets_a_clear_reply(world, store):
    await world.member.send(world.channel, f"{world.env.bot.user.mention} " + "why " * 100 + "so")
    [reply] = bot_messages(world)
    assert "402 characters long" in reply.content and "under 300" in reply.content
    assert await store.unanswered(world.guild.id, 5) == []


async def test_a_feature_module_sees_messages_before_general_answering(world):
    seen = []

    async def quiz_like(message):
        seen.append(message.content)
        return "trotsky" in message.content  # takes only what it is waiting for

    world.env.bot.add_message_handler(quiz_like)  # registered after chat, still runs first
    mention = world.env.bot.user.mention
    await world.member.send(world.channel, f"{mention} trotsky")
    assert bot_messages(world) == []
    await world.member.send(world.channel, f"{mention} what was the comintern")
    assert len(seen) == 2
    assert bot_messages(world)[0].embeds[0].title == "Communist International"


async def test_without_embed_links_the_answer_comes_as_text(world):
    bot_user = world.env.bot.user
    no_embeds = world.guild.create_text_channel(
        "no-embeds", overwrites={bot_user: discord.PermissionOverwrite(embed_links=False)}
    )
    await world.member.send(no_embeds, f"{bot_user.mention} who was trotsky")
    [reply] = [m for m in no_embeds.history() if m.author.id == bot_user.id]
    assert reply.embeds == []
    assert reply.content.startswith("Leon Trotsky\n")
    assert "Test Encyclopedia, Test Publisher <https://example.org/encyclopedia>" in reply.content
    assert len(reply.content) <= 2000


async def test_a_bare_mention_in_a_reply_without_the_intent_points_to_the_menu(world):
    """Without message content Discord hides the replied-to text; say how to ask instead."""
    question = await world.member.send(world.channel, "who was trotsky")
    await world.admin.send(world.channel, world.env.bot.user.mention, reply_to=question)
    [reply] = bot_messages(world)
    assert "Ask studybot" in reply.content and reply.embeds == []


@pytest.mark.parametrize("settings_overrides", [{"message_content": True}])
async def test_a_bare_mention_in_a_reply_answers_the_replied_to_message(world):
    question = await world.member.send(world.channel, "who was trotsky")
    await world.admin.send(world.channel, world.env.bot.user.mention, reply_to=question)
    [reply] = bot_messages(world)
    assert reply.embeds[0].title == "Leon Trotsky"
    assert reply.reference is not None and reply.reference.message_id == question.id


async def test_a_question_with_the_mention_in_a_reply_answers_the_question_itself(world):
    other = await world.member.send(world.channel, "who was trotsky")
    await world.admin.send(
        world.channel, f"{world.env.bot.user.mention} what was the comintern", reply_to=other
    )
    [reply] = bot_messages(world)
    assert reply.embeds[0].title == "Communist International"


async def test_without_send_messages_a_mention_gets_no_reply_and_no_error(world):
    bot_user = world.env.bot.user
    muted = world.guild.create_text_channel(
        "read-only", overwrites={bot_user: discord.PermissionOverwrite(send_messages=False)}
    )
    await world.member.send(muted, f"{bot_user.mention} who was trotsky")
    assert [m for m in muted.history() if m.author.id == bot_user.id] == []
    assert not [r for r in world.env.http_requests if r.path.endswith("/messages")]
