"""Solo practice: flash cards from the pack, scheduled per member with FSRS so they return when due.

A card is either an entry's definition ("What is the Left Opposition?") or a written quiz question.
Each member's cards live in the store as FSRS's own JSON; the pack only says what is on them, so
editing a definition changes the card's text without losing its schedule. A card never reviewed is
*new*; a session offers the cards that are due first, then a limited number of new ones, so a
300-entry pack does not arrive all at once.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from fsrs import Card, Rating, Scheduler

from bot.packs.model import Pack, Source

if TYPE_CHECKING:
    from bot.storage.store import Store

__all__ = [
    "NEW_PER_SESSION",
    "RATINGS",
    "Flashcard",
    "PracticeSession",
    "describe_wait",
    "flashcards",
    "wait_amount",
]

NEW_PER_SESSION = 10
RATINGS: dict[str, Rating] = {
    "again": Rating.Again,
    "hard": Rating.Hard,
    "good": Rating.Good,
    "easy": Rating.Easy,
}
"""The four buttons, in the order they are shown."""

Now = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Flashcard:
    """What a card shows: a prompt, the answer on the back, and where the answer comes from."""

    key: str
    """`def:<entry id>` or a quiz item id; the key a member's schedule is stored under."""
    front: str
    back: str
    source: Source
    entry_id: str


def flashcards(pack: Pack, topic: str | None = None) -> list[Flashcard]:
    """Every card for a topic (all of them without one): definitions first, then quiz questions."""
    entries = {e.id: e for e in pack.entries_tagged(topic)}
    want = (topic or "").strip().lower()
    cards: list[Flashcard] = []
    for entry in entries.values():
        if entry.definition is None:
            continue
        ask = "Who is" if entry.kind == "person" else "What is"
        cards.append(
            Flashcard(
                key=f"def:{entry.id}",
                front=f"{ask} {entry.term}?",
                back=entry.definition.text,
                source=pack.sources[entry.definition.source],
                entry_id=entry.id,
            )
        )
    for item in pack.quiz:
        if topic and item.entry not in entries and want not in (t.lower() for t in item.tags):
            continue
        cards.append(
            Flashcard(
                key=item.id,
                front=item.question,
                back=item.answers[0],
                source=pack.sources[item.source],
                entry_id=item.entry,
            )
        )
    return cards


def _card_id(key: str) -> int:
    # FSRS would otherwise number cards by creation time (and sleep 1 ms per card to do it).
    return zlib.crc32(key.encode("utf-8"))


def _epoch(moment: datetime) -> float:
    return moment.timestamp()


class PracticeSession:
    """One member's practice over one topic: which card is next, and what a rating does to it."""

    def __init__(
        self,
        pack: Pack,
        store: Store,
        user_id: int,
        *,
        topic: str | None = None,
        now: Now = _utc_now,
        scheduler: Scheduler | None = None,
        new_per_session: int = NEW_PER_SESSION,
    ) -> None:
        self.pack = pack
        self.store = store
        self.user_id = user_id
        self.topic = topic
        self._now = now
        self.scheduler = scheduler or Scheduler()
        self.deck = {card.key: card for card in flashcards(pack, topic)}
        self._cards: dict[str, Card] = {}
        self._new_left = new_per_session
        self.reviewed = 0

    @classmethod
    async def open(
        cls,
        pack: Pack,
        store: Store,
        user_id: int,
        *,
        topic: str | None = None,
        now: Now = _utc_now,
        scheduler: Scheduler | None = None,
        new_per_session: int = NEW_PER_SESSION,
    ) -> PracticeSession:
        """Start a session with the member's saved schedule loaded."""
        session = cls(
            pack,
            store,
            user_id,
            topic=topic,
            now=now,
            scheduler=scheduler,
            new_per_session=new_per_session,
        )
        for key, stored in (await store.cards(user_id)).items():
            if key in session.deck:
                session._cards[key] = Card.from_json(stored.data)
        return session

    # -- what is due --
    def due(self) -> list[Flashcard]:
        """Cards already studied that are due now, most overdue first."""
        now = self._now()
        keys = sorted(
            (k for k, c in self._cards.items() if c.due <= now),
            key=lambda k: self._cards[k].due,
        )
        return [self.deck[k] for k in keys]

    def new(self) -> list[Flashcard]:
        """Cards never studied, in pack order."""
        return [card for key, card in self.deck.items() if key not in self._cards]

    @property
    def due_count(self) -> int:
        return len(self.due())

    @property
    def new_count(self) -> int:
        """New cards this session will still offer."""
        return min(self._new_left, len(self.new()))

    def next_card(self) -> Flashcard | None:
        """The card to study now; None when nothing is due and the new-card quota is used up."""
        due = self.due()
        if due:
            return due[0]
        if self._new_left > 0:
            fresh = self.new()
            if fresh:
                return fresh[0]
        return None

    def next_due(self) -> datetime | None:
        """When the soonest studied card comes due (None when none has been studied)."""
        if not self._cards:
            return None
        return min(c.due for c in self._cards.values())

    # -- rating --
    def _card_for(self, key: str) -> Card:
        return self._cards.get(key) or Card(card_id=_card_id(key), due=self._now())

    def preview(self, key: str) -> dict[str, datetime]:
        """When the card would come back for each rating, so the buttons can say so."""
        card = self._card_for(key)
        now = self._now()
        return {
            name: self.scheduler.review_card(card, rating, review_datetime=now)[0].due
            for name, rating in RATINGS.items()
        }

    async def rate(self, key: str, rating: Rating | str) -> datetime:
        """Record how well the member knew a card; returns when it comes back. Saved at once."""
        if isinstance(rating, str):
            try:
                rating = RATINGS[rating.strip().lower()]
            except KeyError:
                raise ValueError(f"Rate a card {', '.join(RATINGS)}, not {rating!r}.") from None
        if key not in self.deck:
            raise KeyError(key)
        if key not in self._cards:
            if self._new_left <= 0:
                raise ValueError("No new cards left in this session.")
            self._new_left -= 1
        card = self._card_for(key)
        card, _log = self.scheduler.review_card(card, rating, review_datetime=self._now())
        self._cards[key] = card
        await self.store.save_card(
            self.user_id, key, card.to_json(), _epoch(card.due), rating=int(rating)
        )
        self.reviewed += 1
        return card.due


def wait_amount(until: datetime, now: datetime) -> tuple[int, str]:
    """How long until `until`, in one rounded unit: (10, "minute"), (3, "day").

    (0, "minute") means under a minute. Front ends word it in their own language; `describe_wait`
    is the English.
    """
    delta = max(until - now, timedelta(0))
    seconds = delta.total_seconds()
    if seconds < 60:
        return 0, "minute"
    if seconds < 3600:
        return round(seconds / 60), "minute"
    if seconds < 86400:
        return round(seconds / 3600), "hour"
    return round(seconds / 86400), "day"


def describe_wait(until: datetime, now: datetime) -> str:
    """When a card comes back ("in 10 minutes", "in 3 days"), for people rather than machines."""
    count, unit = wait_amount(until, now)
    if count == 0:
        return "in under a minute"
    return f"in {count} {unit}{'s' if count != 1 else ''}"
