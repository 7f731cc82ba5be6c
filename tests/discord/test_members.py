"""/help, /topics, /forgetme, the "Ask studybot" menu, the delete button, no duplicate answers."""

from __future__ import annotations

import pytest
from simcord import SetupError


async def test_help_names_the_commands_and_this_servers_pack(world):
    result = await world.member.slash(world.channel, "help")
    assert result.ephemeral
    embed = result.response.embeds[0]
    assert "**Tiny test pack** (3 entries from 2 sources" in embed.description
    assert "/quiz start" in embed.fields[1].value


async def test_topics_lists_topics_and_a_topics_terms(world):
    listed = await world.member.slash(world.channel, "topics")
    assert listed.response.embeds[0].description.splitlines()[0].startswith("• **groups**")
    one = await world.member.slash(world.channel, "topics", topic="people")
    assert one.response.embeds[0].description == "Leon Trotsky"


async def test_ask_studybot_on_a_message_answers_its_text(world):
    question = await world.member.send(world.channel, "who was trotsky")
    result = await world.admin.context_menu(world.channel, "Ask studybot", question)
    assert result.response.embeds[0].title == "Leon Trotsky"
    assert "About https://discord.com/channels/" in result.response.content


async def test_the_asker_can_delete_the_answer_and_nobody_else(world):
    result = await world.member.slash(world.channel, "ask", question="who was trotsky")
    refused = await world.admin.click(result.response, label="Delete")
    assert refused.ephemeral and "Only the member who asked" in refused.response.content
    await world.member.click(result.response, label="Delete")
    bot_id = world.env.bot.user.id
    assert [m for m in world.channel.history() if m.author.id == bot_id] == []


async def test_the_same_answer_is_not_posted_twice_in_a_minute(world):
    first = await world.member.slash(world.channel, "ask", question="who was trotsky")
    again = await world.admin.slash(world.channel, "ask", question="who is leon trotsky")
    assert again.ephemeral and again.response.content.startswith("Answered just now: https://")
    await world.env.advance_time(61)
    later = await world.admin.slash(world.channel, "ask", question="who was trotsky")
    assert not later.ephemeral and later.response.embeds
    assert not first.ephemeral


async def test_forgetme_deletes_points_and_cards_and_says_what(world, store):
    await store.award(None, world.guild.id, world.member.id, "alice", question_id="q", points=10)
    await store.award(None, world.guild.id, world.admin.id, "boss", question_id="q", points=10)
    await store.save_card(world.member.id, "leon-trotsky/definition", "{}", 0.0, rating=3)
    result = await world.member.slash(world.channel, "forgetme")
    assert result.ephemeral
    assert "1 quiz point record(s) in this server, 1 practice card(s) and 1 review(s)" in (
        result.response.content
    )
    board = await store.leaderboard(world.guild.id)
    assert [row.user_id for row in board] == [world.admin.id]


async def test_only_admins_forget_another_member(world, store):
    await store.award(None, world.guild.id, world.member.id, "alice", question_id="q", points=10)
    refused = await world.member.slash(world.channel, "forgetme", member=world.admin)
    assert "Only admins" in refused.response.content
    done = await world.admin.slash(world.channel, "forgetme", member=world.member)
    assert f"Deleted <@{world.member.id}>'s data: 1 quiz point" in done.response.content
    assert await store.leaderboard(world.guild.id) == []


async def test_ask_has_a_max_length_discord_enforces(world):
    with pytest.raises(SetupError):
        await world.member.slash(world.channel, "ask", question="x" * 601)
