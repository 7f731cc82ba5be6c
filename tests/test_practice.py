"""Practice cards: the deck, FSRS scheduling, persistence, and cards coming back when due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Scheduler

from bot.games.practice import PracticeSession, describe_wait, flashcards
from bot.packs.loader import load_pack
from bot.storage.store import Store

TINY = Path(__file__).parent / "packs" / "tiny"


class Now:
    def __init__(self) -> None:
        self.at = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture(scope="module")
def pack():
    return load_pack(TINY)


@pytest.fixture
def now() -> Now:
    return Now()


@pytest.fixture
async def store(tmp_path):
    opened = await Store.open(tmp_path)
    yield opened
    await opened.close()


def steady() -> Scheduler:
    return Scheduler(enable_fuzzing=False)


def test_the_deck_has_definitions_and_quiz_questions(pack):
    cards = {c.key: c for c in flashcards(pack)}
    assert set(cards) == {
        "def:leon-trotsky",
        "def:left-opposition",
        "def:comintern",
        "q-exile-year",
        "q-lo-leader",
    }
    assert cards["def:leon-trotsky"].front == "Who is Leon Trotsky?"
    assert cards["def:comintern"].front == "What is Communist International?"
    assert cards["def:comintern"].back.startswith("An international organisation")
    assert cards["q-exile-year"].back == "1929"
    assert cards["q-exile-year"].source.id == "enc"


def test_a_topic_narrows_the_deck(pack):
    keys = {c.key for c in flashcards(pack, "people")}
    assert keys == {"def:leon-trotsky", "q-exile-year"}


async def test_new_cards_are_offered_up_to_the_session_quota(pack, store, now):
    session = await PracticeSession.open(
        pack, store, 1, now=now, scheduler=steady(), new_per_session=2
    )
    assert (session.due_count, session.new_count) == (0, 2)
    first = session.next_card()
    assert first is not None
    await session.rate(first.key, "easy")
    second = session.next_card()
    assert second is not None
    assert second.key != first.key
    await session.rate(second.key, "easy")
    assert session.next_card() is None
    assert session.new_count == 0
    with pytest.raises(ValueError, match="No new cards"):
        await session.rate("q-lo-leader", "good")


async def test_again_brings_a_card_back_within_minutes_good_much_later(pack, store, now):
    session = await PracticeSession.open(pack, store, 1, now=now, scheduler=steady())
    again_due = await session.rate("def:leon-trotsky", "again")
    assert timedelta(0) < again_due - now.at <= timedelta(minutes=10)
    easy_due = await session.rate("q-exile-year", "easy")
    assert easy_due - now.at >= timedelta(days=1)
    assert session.due_count == 0
    now.at += timedelta(minutes=11)
    assert [c.key for c in session.due()] == ["def:leon-trotsky"]
    assert session.next_card().key == "def:leon-trotsky"


async def test_cards_persist_and_come_back_when_due_after_a_restart(pack, tmp_path, now):
    store = await Store.open(tmp_path)
    session = await PracticeSession.open(pack, store, 7, now=now, scheduler=steady())
    back = await session.rate("q-lo-leader", "good")
    await session.rate("def:comintern", "easy")
    await store.close()

    store = await Store.open(tmp_path)
    try:
        again = await PracticeSession.open(pack, store, 7, now=now, scheduler=steady())
        assert again.due_count == 0
        assert again.next_due() == back
        assert "q-lo-leader" not in {c.key for c in again.new()}
        now.at = back + timedelta(seconds=1)
        assert [c.key for c in again.due()] == ["q-lo-leader"]
        # Due cards come before new ones.
        assert again.next_card().key == "q-lo-leader"
        # Another member's schedule is their own.
        other = await PracticeSession.open(pack, store, 8, now=now, scheduler=steady())
        assert other.due_count == 0
        assert len(other.new()) == 5
        stats = await store.member_stats(None, 7)
        assert (stats.cards, stats.reviews) == (2, 2)
    finally:
        await store.close()


async def test_bad_ratings_and_unknown_cards_are_refused(pack, store, now):
    session = await PracticeSession.open(pack, store, 1, now=now)
    with pytest.raises(ValueError, match="again, hard, good, easy"):
        await session.rate("q-lo-leader", "meh")
    with pytest.raises(KeyError):
        await session.rate("no-such-card", "good")


def test_describe_wait():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert describe_wait(start + timedelta(seconds=20), start) == "in under a minute"
    assert describe_wait(start + timedelta(minutes=10), start) == "in 10 minutes"
    assert describe_wait(start + timedelta(hours=1), start) == "in 1 hour"
    assert describe_wait(start + timedelta(days=3), start) == "in 3 days"
    assert describe_wait(start - timedelta(days=3), start) == "in under a minute"


async def test_preview_says_when_each_rating_brings_the_card_back(pack, store, now):
    session = await PracticeSession.open(pack, store, 1, now=now, scheduler=steady())
    waits = session.preview("q-lo-leader")
    assert list(waits) == ["again", "hard", "good", "easy"]
    assert waits["again"] <= waits["hard"] <= waits["good"] < waits["easy"]
    assert waits["again"] - now.at == timedelta(minutes=1)
    # Previewing changes nothing: the card is still new and nothing was saved.
    assert "q-lo-leader" in {c.key for c in session.new()}
    assert await store.cards(1) == {}
    assert await session.rate("q-lo-leader", "good") == waits["good"]
