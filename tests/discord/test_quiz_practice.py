"""/practice through the real client: ephemeral cards, FSRS buttons, cards back when due."""

from __future__ import annotations

import pytest
from limits import assert_message_within_limits
from simcord import assert_error

from bot.games.practice import flashcards
from bot.packs.loader import load_pack

DAY = 24 * 3600


@pytest.fixture
def backs(settings):
    """The back of every card, by its front."""
    return {c.front: c.back for c in flashcards(load_pack(settings.knowledge_dir))}


def labels(message) -> list[str]:
    return [b.label for row in message.message.components for b in row.children]


async def test_practise_every_card_then_they_come_back_when_due(world, backs, store):
    shown = await world.member.slash(world.channel, "practice")
    assert shown.ephemeral
    card = shown.response
    assert card.embeds[0].title in backs
    assert card.embeds[0].footer.text == "0 due · 5 new · 0 reviewed"
    assert labels(card) == ["Show answer"]

    seen = []
    for n in range(5):
        front = card.embeds[0].title
        seen.append(front)
        turned = await world.member.click(card, label="Show answer")
        back = turned.response
        assert back.embeds[0].description == backs[front]
        assert back.embeds[0].title == front
        assert back.embeds[0].fields[0].name == "Source"
        assert_message_within_limits(back.message)
        names = [label.split(" · ")[0] for label in labels(back)]
        assert names == ["Again", "Hard", "Good", "Easy"]
        easy = next(label for label in labels(back) if label.startswith("Easy"))
        assert easy.endswith(("day", "days"))
        rated = await world.member.click(back, label=easy)
        card = rated.response
        if n < 4:
            assert card.embeds[0].footer.text == f"0 due · {4 - n} new · {n + 1} reviewed"

    assert sorted(seen) == sorted(backs)
    assert card.embeds[0].title == "All done for now"
    assert "You reviewed 5 card(s). The next card is due in " in card.embeds[0].description
    assert card.message.components == []
    saved = await store.cards(world.member.id)
    assert len(saved) == 5

    # Nothing is due straight away; weeks later every card is back.
    again = await world.member.slash(world.channel, "practice")
    assert again.response.embeds[0].title == "All done for now"
    await world.env.advance_time(60 * DAY)
    later = await world.member.slash(world.channel, "practice")
    assert later.response.embeds[0].footer.text == "5 due · 0 new · 0 reviewed"


async def test_again_brings_the_card_back_in_the_same_sitting(world, backs):
    shown = await world.member.slash(world.channel, "practice", topic="people")
    first = shown.response.embeds[0].title
    turned = await world.member.click(shown.response, label="Show answer")
    again = next(label for label in labels(turned.response) if label.startswith("Again"))
    assert again == "Again · 1 minute"
    rated = await world.member.click(turned.response, label=again)
    second = rated.response.embeds[0].title
    assert second != first
    turned = await world.member.click(rated.response, label="Show answer")
    good = next(label for label in labels(turned.response) if label.startswith("Good"))
    await world.env.advance_time(61)
    rated = await world.member.click(turned.response, label=good)
    assert rated.response.embeds[0].title == first
    assert rated.response.embeds[0].footer.text.startswith("1 due · ")


async def test_cards_are_per_member(world, store):
    bob = world.guild.add_member(world.env.create_user("bob"))
    shown = await world.member.slash(world.channel, "practice")
    turned = await world.member.click(shown.response, label="Show answer")
    good = next(label for label in labels(turned.response) if label.startswith("Good"))
    await world.member.click(turned.response, label=good)
    theirs = await bob.slash(world.channel, "practice")
    assert theirs.response.embeds[0].footer.text == "0 due · 5 new · 0 reviewed"
    assert len(await store.cards(world.member.id)) == 1
    assert await store.cards(bob.id) == {}


async def test_unknown_topic(world):
    result = await world.member.slash(world.channel, "practice", topic="nothing")
    assert result.ephemeral
    assert result.response.content.startswith("No cards on “nothing”. Topics: groups, people")


async def test_a_rating_the_database_refuses_gets_an_apology(world, store):
    shown = await world.member.slash(world.channel, "practice")
    turned = await world.member.click(shown.response, label="Show answer")
    good = next(label for label in labels(turned.response) if label.startswith("Good"))
    await store.close()  # the database goes away
    rated = await world.member.click(turned.response, label=good)
    assert rated.ephemeral
    assert rated.response.content.startswith("Sorry, that rating could not be saved.")
    assert_error(world.env, ValueError, contains="no active connection")


async def test_topic_autocomplete(world):
    choices = await world.member.autocomplete(world.channel, "practice", "topic", "gr")
    assert choices == [{"name": "groups", "value": "groups"}]


def test_a_long_question_is_shown_whole():
    from bot.discord.practice import back_embed, front_embed
    from bot.games.practice import Flashcard
    from bot.packs.model import Source

    source = Source("s", "Title", "Publisher", "https://example.org", "book")
    card = Flashcard("q", "Why " + "really " * 60 + "?", "Because.", source, "e")

    class Session:
        due_count, new_count, reviewed = 1, 0, 0

    front, back = front_embed(Session(), card), back_embed(Session(), card)
    assert front.title == back.title == "Flash card"
    assert card.front in front.description
    assert back.description == f"**{card.front}**\n\nBecause."
