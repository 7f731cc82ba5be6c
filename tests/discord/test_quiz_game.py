"""Whole quiz games through the real discord.py client under simcord, two members, both modes."""

from __future__ import annotations

import discord  # noqa: TID251 - tests of the Discord adapter
import pytest
from limits import assert_message_within_limits

from bot.discord.commands import PAUSED_IN_QUIZ
from bot.discord.quiz import (
    CANNOT_POST,
    NO_INTENT_NOTE,
    PAUSED_ANSWERING,
    REVEAL_PAUSE,
    quiz_running,
)
from bot.games.quiz import build_questions
from bot.packs.loader import load_pack

WITH_CHAT = pytest.mark.parametrize("settings_overrides", [{"message_content": True}])
# simcord lets sleeps shorter than its settle timeout run on the wall clock; with a timeout below
# the pause between questions, that pause (like the time limit) passes only by advance_time.
pytestmark = pytest.mark.simcord(settle_timeout=REVEAL_PAUSE / 2)


@pytest.fixture
def answers(settings):
    """The accepted answers of every question the pack can ask, by prompt."""
    pack = load_pack(settings.knowledge_dir)
    return {q.prompt: q.answers for q in build_questions(pack, count=100)}


@pytest.fixture
def bob(world):
    return world.guild.add_member(world.env.create_user("bob"))


def bot_messages(world) -> list[discord.Message]:
    return [m for m in world.channel.history() if m.author.bot]


def current_question(world) -> tuple[discord.Message, str]:
    for message in reversed(world.channel.history()):
        if message.embeds and (message.embeds[0].title or "").startswith("Question"):
            return message, message.embeds[0].description.split("\n\n")[0]
    raise AssertionError("no question posted")


def buttons(message: discord.Message) -> list[discord.Button]:
    return [b for row in message.components for b in row.children]


def refetch(world, message: discord.Message) -> discord.Message:
    return next(m for m in world.channel.history() if m.id == message.id)


def last_reveal(world) -> discord.Message:
    """The latest reveal (the game's summary may follow the last one at once)."""
    return next(
        m
        for m in reversed(bot_messages(world))
        if m.embeds and m.embeds[0].title and m.embeds[0].title[0] in "✅⏰⏭⏹"
    )


def titles(world) -> list[str]:
    return [m.embeds[0].title for m in bot_messages(world) if m.embeds]


@WITH_CHAT
async def test_a_text_game_in_chat_with_two_members(world, bob, answers, store):
    started = await world.member.slash(world.channel, "quiz start", questions=4, mode="text")
    assert "started a quiz: 4 question(s), 30 seconds each, type the answer." in (
        started.response.content
    )
    assert NO_INTENT_NOTE not in started.response.content

    winners = []
    for number in range(1, 5):
        message, prompt = current_question(world)
        assert message.embeds[0].title == f"Question {number}/4"
        assert_message_within_limits(message)
        if number == 3:
            # Nobody knows this one: the time runs out and the answer is revealed with its source.
            await world.member.send(world.channel, "no idea, Stalin?")
            await world.env.advance_time(31)
            assert titles(world)[-1] == "⏰ Time's up!"
        else:
            player = bob if number == 2 else world.member
            await bob.send(world.channel, "hmm Stalin")  # wrong: no reply, no points
            assert titles(world)[-1] == f"Question {number}/4"
            await player.send(world.channel, f"I think it's {answers[prompt][-1]}")
            reveal = last_reveal(world)
            assert reveal.embeds[0].title.startswith(f"✅ {player.name} got it! +")
            assert reveal.reference is not None
            assert reveal.embeds[0].description == f"The answer: **{answers[prompt][0]}**"
            assert reveal.embeds[0].fields[0].name == "Source"
            assert "example.org" in reveal.embeds[0].fields[0].value
            winners.append(player.name)
        if number < 4:
            await world.env.advance_time(REVEAL_PAUSE)

    summary = bot_messages(world)[-1].embeds[0]
    assert summary.title == "Quiz over"
    assert "4 of 4 questions asked" in summary.footer.text
    assert f"<@{world.member.id}>" in summary.description
    assert f"<@{bob.id}>" in summary.description
    assert winners == ["alice", "bob", "alice"]

    board = await store.leaderboard(world.guild.id)
    assert {row.name: row.correct for row in board} == {"alice": 2, "bob": 1}
    [game] = await store.games(world.guild.id)
    assert (game.status, game.mode, game.questions) == ("finished", "text", 4)

    shown = await bob.slash(world.channel, "leaderboard")
    lines = shown.response.embeds[0].description.splitlines()
    assert lines[0].startswith(f"🥇 <@{world.member.id}>: ")
    assert lines[1].startswith(f"🥈 <@{bob.id}>: ")
    week = await bob.slash(world.channel, "leaderboard", period="week")
    assert week.response.embeds[0].title == "Leaderboard: last 7 days"
    assert len(week.response.embeds[0].description.splitlines()) == 2

    mine = await bob.slash(world.channel, "stats")
    fields = {f.name: f.value for f in mine.response.embeds[0].fields}
    assert fields["Right answers"] == "1"
    theirs = await bob.slash(world.channel, "stats", member=world.member)
    assert theirs.response.embeds[0].title == "Stats for alice"
    assert {f.name: f.value for f in theirs.response.embeds[0].fields}["Right answers"] == "2"


async def test_a_choice_game_with_buttons_and_two_members(world, bob, answers, store):
    started = await world.member.slash(world.channel, "quiz start", mode="choice", seconds=20)
    assert "multiple choice" in started.response.content
    total = int(current_question(world)[0].embeds[0].title.split("/")[1])
    assert total == 3  # every tiny-pack question with four same-kind options

    for number in range(1, total + 1):
        message, prompt = current_question(world)
        labels = [b.label for b in buttons(message)]
        assert [label[:2] for label in labels] == ["A.", "B.", "C.", "D."]
        right = next(label for label in labels if label[3:] in answers[prompt])
        wrong = next(label for label in labels if label != right)

        missed = await world.member.click(message, label=wrong)
        assert missed.ephemeral
        assert missed.response.content == f"You picked **{wrong}**."
        again = await world.member.click(message, label=right)
        assert again.ephemeral
        assert again.response.content == "You already picked an answer for this question."

        won = await bob.click(message, label=right)
        assert won.ephemeral
        assert won.response.content == f"You picked **{right}**."
        reveal = last_reveal(world).embeds[0]
        assert reveal.title.startswith("✅ bob got it! +")
        # The buttons are disabled now, the right one shown in green.
        closed = buttons(refetch(world, message))
        assert all(b.disabled for b in closed)
        assert [b.label for b in closed if b.style == discord.ButtonStyle.success] == [right]
        if number < total:
            await world.env.advance_time(REVEAL_PAUSE)

    summary = bot_messages(world)[-1].embeds[0]
    assert summary.title == "Quiz over"
    assert summary.description.startswith(f"🏆 <@{bob.id}> wins with")
    board = await store.leaderboard(world.guild.id)
    assert [(row.name, row.correct) for row in board] == [("bob", total)]
    [game] = await store.games(world.guild.id)
    assert (game.status, game.mode) == ("finished", "choice")


@WITH_CHAT
async def test_during_a_text_quiz_chat_in_that_channel_is_guessing(world, answers, store):
    # Both "people" questions, one of them a year: the mention's digits must not spoil it.
    await world.member.slash(world.channel, "quiz start", topic="people", questions=2)
    me = world.guild.me
    for number in (1, 2):
        _message, prompt = current_question(world)
        # Addressed to the bot it is still a guess, not a question that would reveal the answer.
        await world.member.send(world.channel, f"<@{me.id}> is it {answers[prompt][0]}?")
        assert last_reveal(world).embeds[0].title.startswith("✅ alice got it!")
        if number == 1:
            await world.env.advance_time(REVEAL_PAUSE)
    [row] = await store.leaderboard(world.guild.id)
    assert (row.name, row.correct) == ("alice", 2)


async def test_questions_to_the_bot_wait_while_a_quiz_runs_in_the_channel(world, bob, simcord_bot):
    assert not quiz_running(simcord_bot, world.channel.id)
    await world.member.slash(world.channel, "quiz start", mode="choice", questions=1)
    assert quiz_running(simcord_bot, world.channel.id)
    await world.member.send(world.channel, f"<@{world.guild.me.id}> who led the Left Opposition?")
    reply = world.channel.history()[-1]
    assert reply.content == PAUSED_ANSWERING
    # the slash commands that could give an answer away are paused too, for that member only
    for command, options in (
        ("ask", {"question": "who led the Left Opposition?"}),
        ("define", {"term": "Left Opposition"}),
        ("related", {"term": "Left Opposition"}),
        ("fact", {}),
    ):
        result = await world.member.slash(world.channel, command, **options)
        assert result.ephemeral and result.response.content == PAUSED_IN_QUIZ, command
    other = world.guild.create_text_channel("elsewhere")
    await world.member.send(other, f"<@{world.guild.me.id}> who was trotsky?")
    assert other.last_message.embeds[0].title == "Leon Trotsky"  # other channels are answered
    asked = await bob.slash(other, "ask", question="who was trotsky?")
    assert not asked.ephemeral and asked.response.embeds[0].title == "Leon Trotsky"


async def test_without_the_content_intent_text_mode_uses_answer(world, bob, answers, store):
    started = await world.member.slash(world.channel, "quiz start", questions=1)
    assert NO_INTENT_NOTE in started.response.content
    _message, prompt = current_question(world)
    assert "Answer with /answer." in _message.embeds[0].footer.text

    await bob.send(world.channel, answers[prompt][0])  # chat is not read without the intent
    assert titles(world)[-1] == "Question 1/1"

    wrong = await bob.slash(world.channel, "answer", text="Stalin")
    assert wrong.ephemeral
    assert wrong.response.content == "Not quite. Try again!"
    right = await world.member.slash(world.channel, "answer", text=answers[prompt][0])
    assert not right.ephemeral
    assert right.response.embeds[0].title.startswith("✅ alice got it! +")
    assert titles(world)[-1] == "Quiz over"
    assert [row.name for row in await store.leaderboard(world.guild.id)] == ["alice"]

    after = await bob.slash(world.channel, "answer", text="anything")
    assert after.ephemeral
    assert "No quiz is running here" in after.response.content


async def test_one_game_per_channel_and_only_the_starter_or_a_moderator_stops_it(world, bob):
    mods = world.guild.create_role("Mods", permissions=discord.Permissions(manage_messages=True))
    mod = world.guild.add_member(world.env.create_user("mod"), roles=[mods])
    await world.member.slash(world.channel, "quiz start", questions=3)
    second = await bob.slash(world.channel, "quiz start")
    assert second.ephemeral
    assert "already running here" in second.response.content

    refused = await bob.slash(world.channel, "quiz stop")
    assert refused.ephemeral
    assert "Only the member who started the quiz" in refused.response.content
    refused = await bob.slash(world.channel, "quiz skip")
    assert refused.ephemeral

    stopped = await mod.slash(world.channel, "quiz stop")
    assert stopped.response.content == f"<@{mod.id}> stopped the quiz."
    assert titles(world)[-2:] == ["⏹️ Quiz stopped.", "Quiz over"]
    assert "(stopped early)" in bot_messages(world)[-1].embeds[0].footer.text
    # Nothing is left running: time passing posts nothing more, and a new game can start.
    count = len(bot_messages(world))
    await world.env.advance_time(120)
    assert len(bot_messages(world)) == count
    again = await bob.slash(world.channel, "quiz start", questions=1)
    assert not again.ephemeral


async def test_hint_and_skip(world, answers):
    await world.member.slash(world.channel, "quiz start", questions=2)
    _message, prompt = current_question(world)
    hint = await world.member.slash(world.channel, "quiz hint")
    assert hint.response.content.startswith("💡 Hint: `")
    shown, answer = hint.response.content.split("`")[1], answers[prompt][0]
    assert shown != answer
    assert len(shown) == len(answer)  # the tiny pack has no author's hints: the masked answer
    assert shown[0] == answer[0]
    assert "*" in shown
    skipped = await world.member.slash(world.channel, "quiz skip")
    assert skipped.response.embeds[0].title == "⏭️ Skipped."
    assert skipped.response.embeds[0].description == f"The answer: **{answers[prompt][0]}**"
    await world.env.advance_time(REVEAL_PAUSE)
    assert titles(world)[-1] == "Question 2/2"


async def test_a_choice_hint_rules_out_an_option(world, answers):
    await world.member.slash(world.channel, "quiz start", mode="choice", questions=1)
    message, prompt = current_question(world)
    hint = await world.member.slash(world.channel, "quiz hint")
    assert hint.response.content.startswith("💡 It's not ")
    ruled_out = hint.response.content.removeprefix("💡 It's not ").split(" (")[0]
    [label] = [b.label for b in buttons(message) if b.label.startswith(f"{ruled_out}.")]
    assert label[3:] not in answers[prompt]


async def test_a_channel_where_the_bot_cannot_post_gets_a_clear_message(world, store):
    locked = world.guild.create_text_channel(
        "locked", overwrites={world.guild.me: discord.PermissionOverwrite(send_messages=False)}
    )
    result = await world.member.slash(locked, "quiz start", questions=1)
    [warning] = result.followups
    assert warning.ephemeral
    assert warning.content == CANNOT_POST
    [record] = await store.games(world.guild.id)
    assert record.status == "stopped"
    # Nothing is left holding the channel.
    again = await world.member.slash(locked, "quiz start", questions=1)
    assert again.response.content.startswith(f"<@{world.member.id}> started a quiz")
    assert again.followups[0].content == CANNOT_POST


async def test_unknown_topic_suggests_a_close_one(world):
    result = await world.member.slash(world.channel, "quiz start", topic="peple")
    assert result.ephemeral
    assert "Did you mean: people?" in result.response.content
    choices = await world.member.autocomplete(world.channel, "quiz start", "topic", "peo")
    assert choices == [{"name": "people", "value": "people"}]


async def test_no_quiz_commands_outside_a_game(world):
    for command in ("quiz hint", "quiz skip", "quiz stop"):
        result = await world.member.slash(world.channel, command)
        assert result.ephemeral


async def test_after_a_restart_old_buttons_say_the_quiz_is_over(world, services, store):
    from bot.discord.app import build_client

    await world.member.slash(world.channel, "quiz start", mode="choice", questions=2)
    message, _prompt = current_question(world)
    await world.env.restart_bot(build_client(services))
    clicked = await world.member.click(message, label=buttons(message)[0].label)
    assert clicked.ephemeral
    assert clicked.response.content == "That quiz is over."
    # The game never ended; a new one can start here, and marks the old record interrupted.
    [record] = await store.games(world.guild.id)
    assert record.status == "running"
    again = await world.member.slash(world.channel, "quiz start", mode="choice", questions=1)
    assert not again.ephemeral
    assert [g.status for g in await store.games(world.guild.id)] == ["running", "interrupted"]


async def test_a_pick_after_the_time_limit_is_too_late(world, bob, answers, store):
    await world.member.slash(world.channel, "quiz start", mode="choice", questions=1, seconds=20)
    message, prompt = current_question(world)
    right = next(b.label for b in buttons(message) if b.label[3:] in answers[prompt])
    await world.env.advance_time(20.01)  # past the limit, before the bot's own timer fires
    late = await bob.click(message, label=right)
    assert late.response.content == "Too late: time was up."
    assert last_reveal(world).embeds[0].title == "⏰ Time's up!"
    assert await store.leaderboard(world.guild.id) == []


async def test_first_to_n_points_ends_the_quiz_when_someone_gets_there(world, answers, store):
    started = await world.member.slash(world.channel, "quiz start", mode="text", first_to=1)
    assert "the first to 1 points wins." in started.response.content
    _message, prompt = current_question(world)
    await world.member.slash(world.channel, "answer", text=answers[prompt][0])
    await world.env.advance_time(REVEAL_PAUSE + 1)
    assert not quiz_running(world.env.bot, world.channel.id)
    assert titles(world).count("Quiz over") == 1
    assert sum(t.startswith("Question") for t in titles(world)) == 1  # no second question
    over = next(m for m in bot_messages(world) if m.embeds and m.embeds[0].title == "Quiz over")
    assert f"<@{world.member.id}> reached 1 points first." in over.embeds[0].description
    [game] = await store.games(world.guild.id)
    assert game.status == "finished"


async def test_the_server_setting_sets_first_to_and_a_start_option_overrides_it(world):
    await world.admin.slash(world.channel, "settings set", setting="quiz-first-to", value="25")
    started = await world.member.slash(world.channel, "quiz start")
    assert "the first to 25 points wins." in started.response.content
    await world.member.slash(world.channel, "quiz stop")
    other = await world.member.slash(world.channel, "quiz start", first_to=0)
    assert "wins." not in other.response.content


async def test_a_shutdown_announces_the_quiz_it_cut_off(world, store):
    await world.member.slash(world.channel, "quiz start", mode="choice")
    await world.env.bot.close()
    last = bot_messages(world)[-1]
    assert last.content.startswith("The bot is shutting down, so this quiz stopped at question 1")
    assert "does not count" in last.content
    assert last.embeds[0].title == "Quiz over"
    [game] = await store.games(world.guild.id)
    assert game.status == "interrupted"


async def test_the_leaderboard_by_pack_and_without_members_who_left(world, bob, answers, store):
    carol = world.guild.add_member(world.env.create_user("carol"))
    await store.award(None, world.guild.id, carol.id, "carol", question_id="x", points=99)
    await store.award(None, world.guild.id, bob.id, "bob", question_id="y", points=5, pack="old")
    await world.member.slash(world.channel, "quiz start", mode="text", questions=1)
    _message, prompt = current_question(world)
    await world.member.slash(world.channel, "answer", text=answers[prompt][0])
    await world.env.advance_time(REVEAL_PAUSE + 1)

    everyone = (await bob.slash(world.channel, "leaderboard")).response.embeds[0].description
    order = [int(line.split("<@")[1].split(">")[0]) for line in everyone.splitlines()]
    assert order == [carol.id, world.member.id, bob.id]
    bundled = await bob.slash(world.channel, "leaderboard", pack="bundled")
    assert bundled.response.embeds[0].title == "Leaderboard: all time (bundled)"
    assert bundled.response.embeds[0].description.count("<@") == 1
    assert f"<@{world.member.id}>" in bundled.response.embeds[0].description

    world.guild.remove_member(carol)
    after = (await bob.slash(world.channel, "leaderboard")).response.embeds[0].description
    assert f"<@{carol.id}>" not in after and after.count("<@") == 2
    best = await store.leaderboard(world.guild.id)
    assert best[0].user_id == carol.id  # the points are kept
