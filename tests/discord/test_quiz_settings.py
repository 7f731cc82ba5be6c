"""The server's quiz settings: where and by whom quizzes start, their defaults, hints, idle stop."""

from __future__ import annotations

import sqlite3
import time

import discord  # noqa: TID251 - tests of the Discord adapter
import pytest

from bot.discord.quiz import REVEAL_PAUSE, quiz_running
from bot.storage.store import DB_FILE

pytestmark = pytest.mark.simcord(settle_timeout=REVEAL_PAUSE / 2)


async def setting(world, name: str, value: str) -> None:
    result = await world.admin.slash(world.channel, "settings set", setting=name, value=value)
    assert " is now " in result.response.content, result.response.content


async def test_a_quiz_nobody_answers_stops_after_the_set_number_of_questions(world, store):
    await setting(world, "quiz-idle-stop", "2")
    started = await world.member.slash(world.channel, "quiz start", questions=5, mode="choice")
    assert "3 question(s)" in started.response.content  # all the tiny pack has
    await world.env.advance_time(31)  # question 1 times out
    await world.env.advance_time(REVEAL_PAUSE)
    assert quiz_running(world.env.bot, world.channel.id)
    await world.env.advance_time(31)  # question 2 times out: two in a row
    await world.env.advance_time(1)
    assert not quiz_running(world.env.bot, world.channel.id)
    last = [m for m in world.channel.history() if m.author.bot][-1]
    assert last.content.startswith("Nobody answered the last 2 questions, so the quiz stopped.")
    assert last.embeds[0].title == "Quiz over"
    await world.env.advance_time(120)
    questions = [
        m for m in world.channel.history() if m.embeds and m.embeds[0].title.startswith("Question")
    ]
    assert len(questions) == 2
    [game] = await store.games(world.guild.id)
    assert game.status == "stopped"


async def test_quiz_defaults_come_from_the_servers_settings(world):
    await setting(world, "quiz-questions", "2")
    await setting(world, "quiz-seconds", "45")
    await setting(world, "quiz-mode", "choice")
    started = await world.member.slash(world.channel, "quiz start")
    assert "2 question(s), 45 seconds each, multiple choice." in started.response.content


async def test_hints_can_be_turned_off(world):
    await setting(world, "quiz-hints", "off")
    await world.member.slash(world.channel, "quiz start", mode="text")
    hint = await world.member.slash(world.channel, "quiz hint")
    assert hint.ephemeral and "Hints are turned off" in hint.response.content


async def test_quizzes_only_in_the_chosen_channels(world):
    games = world.guild.create_text_channel("games")
    await setting(world, "quiz-channels", games.mention)
    refused = await world.member.slash(world.channel, "quiz start")
    assert refused.ephemeral and f"Quizzes run in <#{games.id}>" in refused.response.content
    started = await world.member.slash(games, "quiz start")
    assert "started a quiz" in started.response.content


async def test_who_may_start_a_quiz(world):
    await setting(world, "quiz-starters", "manage-messages")
    refused = await world.member.slash(world.channel, "quiz start")
    assert "manage messages" in refused.response.content

    quizmasters = world.guild.create_role("Quizmasters", permissions=discord.Permissions.none())
    await setting(world, "quiz-starters", "role")
    await setting(world, "quiz-role", quizmasters.mention)
    refused = await world.member.slash(world.channel, "quiz start")
    assert f"members with <@&{quizmasters.id}>" in refused.response.content
    player = world.guild.add_member(world.env.create_user("quizzer"), roles=[quizmasters])
    started = await player.slash(world.channel, "quiz start")
    assert "started a quiz" in started.response.content


async def test_a_quiz_starts_in_time_while_another_writer_holds_the_database(world, settings):
    """Another process holds the write lock: /quiz start answers Discord first, then plays on."""
    held = sqlite3.connect(settings.data_dir / DB_FILE, isolation_level=None)
    held.execute("BEGIN IMMEDIATE")  # the write lock, as a long write by another process holds it
    try:
        began = time.perf_counter()
        started = await world.member.slash(world.channel, "quiz start", mode="choice")
        waited = time.perf_counter() - began
    finally:
        held.execute("ROLLBACK")
        held.close()
    callbacks = [r for r in world.env.http_requests if r.path.endswith("/callback")]
    assert callbacks[-1].json["type"] == 5  # deferred before any database work
    assert waited < 2.0
    assert "started a quiz" in started.response.content
    assert "scores from this game won't be kept" in started.response.content
    assert quiz_running(world.env.bot, world.channel.id)


async def test_a_locked_database_fails_a_write_well_inside_three_seconds(store, settings):
    held = sqlite3.connect(settings.data_dir / DB_FILE, isolation_level=None)
    held.execute("BEGIN IMMEDIATE")
    try:
        began = time.perf_counter()
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await store.record_unanswered(1, "what is a banana")
        assert time.perf_counter() - began < 1.5
    finally:
        held.execute("ROLLBACK")
        held.close()


async def test_answer_in_a_choice_quiz_takes_a_number_or_an_options_text(world):
    await world.member.slash(world.channel, "quiz start", mode="choice")
    question = next(
        m for m in world.channel.history() if m.embeds and m.embeds[0].title.startswith("Question")
    )
    labels = [b.label for row in question.components for b in row.children]
    bad = await world.member.slash(world.channel, "answer", text="7")
    assert bad.ephemeral and "Pick one of A, B, C, D, 1-4" in bad.response.content
    # The option's text, minus its letter: a pick, right or wrong, never "pick a button".
    text = labels[0].split(" ", 1)[1] if labels[0][1:2] in ".)" else labels[0]
    picked = await world.member.slash(world.channel, "answer", text=text)
    outcome = picked.response.embeds[0].title if picked.response.embeds else picked.response.content
    assert outcome.startswith(("✅", "Not this one")), outcome
    again = await world.member.slash(world.channel, "answer", text="2")
    expected = "Too late" if outcome.startswith("✅") else "You already picked"
    assert again.response.content.startswith(expected), again.response.content
