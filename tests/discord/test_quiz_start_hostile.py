"""/quiz start with hostile input: long or padded topics, markdown nicknames, a failed start."""

from __future__ import annotations

import pytest
from limits import assert_message_within_limits
from test_quiz_game import buttons, current_question, last_reveal

from bot.discord.quiz import REVEAL_PAUSE, quiz_running
from bot.games.quiz import build_questions
from bot.packs.loader import load_pack

pytestmark = pytest.mark.simcord(settle_timeout=REVEAL_PAUSE / 2)

HOSTILE = "@everyone **bold** <@&1> `tick` " * 200  # about 6,400 characters


async def test_a_long_topic_gets_a_short_escaped_error_and_no_game(world):
    result = await world.member.slash(world.channel, "quiz start", topic=HOSTILE)
    assert result.ephemeral
    content = result.response.content
    assert content.startswith("No questions on"), content
    assert_message_within_limits(result.response)
    assert "@everyone" not in content  # escaped: shown, never a ping
    assert "**bold**" not in content  # escaped: shown, not formatted
    assert not quiz_running(world.env.bot, world.channel.id)


async def test_a_padded_topic_is_the_topic(world):
    started = await world.member.slash(world.channel, "quiz start", topic="  \n people \t ")
    assert not started.ephemeral
    assert " on **people**:" in started.response.content
    assert_message_within_limits(started.response)


async def test_a_failed_start_message_leaves_the_channel_free(world, store):
    world.env.inject_error("POST", "/interactions/*/*/callback", status=500, times=1)
    await world.member.slash(world.channel, "quiz start", questions=1)
    assert not quiz_running(world.env.bot, world.channel.id)
    assert await store.games(world.guild.id) == []  # nothing recorded for a game never announced
    again = await world.member.slash(world.channel, "quiz start", questions=1)
    assert again.response.content.startswith(f"<@{world.member.id}> started a quiz")
    assert quiz_running(world.env.bot, world.channel.id)


async def test_a_markdown_nickname_is_shown_not_obeyed(world, settings):
    nick = "**@everyone** __x__ " + "z" * 300
    carol = world.guild.add_member(world.env.create_user("carol"), nick=nick)
    pack = load_pack(settings.knowledge_dir)
    answers = {q.prompt: q.answers for q in build_questions(pack, count=100)}
    await carol.slash(world.channel, "quiz start", mode="choice", questions=1)
    message, prompt = current_question(world)
    right = next(b.label for b in buttons(message) if b.label[3:] in answers[prompt])
    await carol.click(message, label=right)
    reveal = last_reveal(world)
    assert_message_within_limits(reveal)
    title = reveal.embeds[0].title
    assert title.startswith("✅ "), title
    assert "**@everyone**" not in title and "@everyone" not in title
    assert "\\*\\*" in title  # the stars are shown literally
