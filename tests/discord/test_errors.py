"""A failing command apologises privately, logs what happened, and the bot keeps running."""

from __future__ import annotations

import logging

from near_miss import near_miss


class BrokenAnswerer:
    """Stands in for an answerer with a bug: every call raises."""

    def __init__(self, real):
        self.pack = real.pack

    def ask(self, question):
        raise RuntimeError("matcher exploded")

    def entry_answer(self, entry_id):
        raise RuntimeError("matcher exploded")


async def test_an_exception_in_a_command_gives_a_short_private_apology(world, services, caplog):
    real = services.answerer
    services.answerer = BrokenAnswerer(real)
    with caplog.at_level(logging.ERROR, logger="studybot.discord"):
        result = await world.member.slash(world.channel, "ask", question="who was trotsky")
    assert result.ephemeral
    assert result.response.content.startswith("Sorry, something went wrong")
    assert "matcher exploded" not in result.response.content
    [error] = world.env.errors
    assert "matcher exploded" in str(error.original)
    [record] = [r for r in caplog.records if "command /ask failed" in r.getMessage()]
    assert f"user {world.member.id}" in record.getMessage()
    assert f"guild {world.guild.id}" in record.getMessage()
    assert record.exc_info is not None

    services.answerer = real
    await world.env.advance_time(3.1)
    after = await world.member.slash(world.channel, "ask", question="who was trotsky")
    assert after.response.embeds[0].title == "Leon Trotsky"


async def test_an_exception_in_a_button_apologises_too(world, services, caplog):
    question, expected = near_miss(services.current)
    offered = await world.member.slash(world.channel, "ask", question=question)
    services.answerer = BrokenAnswerer(services.answerer)
    with caplog.at_level(logging.ERROR, logger="studybot.discord"):
        label = expected.alternatives[0].title
        clicked = await world.member.click(offered.response, label=label)
    assert clicked.ephemeral and clicked.response.content.startswith("Sorry")
    assert any("did-you-mean button" in r.getMessage() for r in caplog.records)


async def test_an_exception_in_chat_answering_is_logged_and_the_bot_keeps_going(
    world, services, caplog
):
    real = services.answerer
    services.answerer = BrokenAnswerer(real)
    mention = world.env.bot.user.mention
    with caplog.at_level(logging.ERROR, logger="studybot.discord"):
        await world.member.send(world.channel, f"{mention} who was trotsky")
    assert any("message handler" in r.getMessage() for r in caplog.records)
    assert world.channel.last_message.content.startswith("Sorry, something went wrong")
    services.answerer = real
    await world.env.advance_time(3.1)
    await world.member.send(world.channel, f"{mention} who was trotsky")
    assert world.channel.last_message.embeds[0].title == "Leon Trotsky"
