"""The knowledge pack as the rest of the bot sees it: sources, entries, answerable items, quiz items.

These are plain frozen dataclasses so that the matcher, the quiz engine, the console and the Discord
adapter can share one loaded pack without any of them being able to change it under the others.
Loading and validation live in `bot.packs.loader`; this module only says what a valid pack *is*.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ENTRY_KINDS = (
    "concept",
    "ideology",
    "person",
    "group",
    "organisation",
    "event",
    "work",
    "place",
    "policy",
    "term",
)
"""What an entry is; quiz distractors are drawn from entries of the same kind."""

ABOUT = ("what", "who", "when", "where", "how-many", "why", "how")
"""Which kind of question a fact answers ("when did ..." wants a `when` fact)."""

QUIZ_KINDS = ("person", "year", "number", "term", "place", "group", "work", "phrase")
"""What a quiz answer is: years and numbers must match exactly, names may be fuzzy."""


@dataclass(frozen=True)
class Source:
    """Where a claim comes from. Every answer the bot gives names one."""

    id: str
    title: str
    publisher: str
    url: str
    """Empty when the source has no address (an imported deck or notes the group typed up)."""
    kind: str
    documents: tuple[str, ...] = ()
    """File names of the source's text, for `studybot kb check --against DIR`."""

    @property
    def link(self) -> str:
        """` <url>` for citations, or nothing when the source has no address."""
        return f" <{self.url}>" if self.url else ""


@dataclass(frozen=True)
class Item:
    """One answerable claim: a definition or a fact, with the source and excerpt that back it."""

    id: str
    """`<entry id>/definition` or `<entry id>/<n>` (or the author's own id)."""
    entry_id: str
    role: str
    """`definition` or `fact`."""
    text: str
    source: str
    evidence: str
    asks: tuple[str, ...] = ()
    about: str | None = None
    differs: str | None = None
    """Items sharing this key make different claims about the same thing; answers show them all."""


@dataclass(frozen=True)
class Entry:
    """A term the pack knows: a person, group, concept, event or work, with its items."""

    id: str
    term: str
    kind: str
    definition: Item | None
    facts: tuple[Item, ...] = ()
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    asks: tuple[str, ...] = ()

    @property
    def items(self) -> tuple[Item, ...]:
        """The definition first, then the facts: the order answers and quizzes walk them in."""
        return ((self.definition,) if self.definition else ()) + self.facts

    @property
    def names(self) -> tuple[str, ...]:
        """The term and its aliases: every name a member might type for this entry."""
        return (self.term, *self.aliases)


@dataclass(frozen=True)
class QuizItem:
    """A written quiz question with its accepted answers and same-kind wrong options."""

    id: str
    question: str
    answers: tuple[str, ...]
    """The first is the canonical answer shown on reveal; the rest are accepted variants."""
    entry: str
    source: str
    evidence: str
    distractors: tuple[str, ...] = ()
    kind: str = "term"
    tags: tuple[str, ...] = ()
    hint: str | None = None


class LazyEntries(Mapping[str, Entry]):
    """Entries made when first read, for a big pack loaded from the cache (`bot.packs.cache`).

    A pack of 100,000 items is 120,000 objects; building them all took longer than the whole
    start may. The ids, the item count and the `differs` groups are known up front; an entry is
    built (once) when something reads it, and a question reads a handful.
    """

    item_total: int

    def items_by_id(self) -> Mapping[str, Item]:
        raise NotImplementedError

    def items_by_differs(self) -> Mapping[str, tuple[Item, ...]]:
        raise NotImplementedError

    def in_order(self) -> Sequence[Entry]:
        raise NotImplementedError


@dataclass(frozen=True)
class Pack:
    """A whole loaded, validated pack. Built only by `bot.packs.loader.load_pack`."""

    name: str
    description: str
    sources: dict[str, Source]
    entries: Mapping[str, Entry]
    quiz: tuple[QuizItem, ...] = ()
    path: Path | None = None
    language: str = "en"
    synonyms: tuple[tuple[str, ...], ...] = ()
    """Groups of words or phrases that mean the same in this subject (normalised, first = canonical).

    General English synonymy comes from the semantic matcher; this is for a subject's own usage
    ("pass away" and "die" in a history pack, "PR" and "pull request" in a software one)."""
    items_by_id: Mapping[str, Item] = field(default_factory=dict, compare=False, repr=False)
    items_by_differs: Mapping[str, tuple[Item, ...]] = field(init=False, compare=False, repr=False)
    """`differs` key -> its items in pack order, so an answer finds its rivals without a scan.

    Not an argument: it is always built from `entries`, so `dataclasses.replace` cannot carry
    a stale one over."""

    def __post_init__(self) -> None:
        if isinstance(self.entries, LazyEntries):
            # From the pack cache: it recorded the items and their rivals when it stored them,
            # and makes an entry only when one is read.
            if not self.items_by_id:
                object.__setattr__(self, "items_by_id", self.entries.items_by_id())
            object.__setattr__(self, "items_by_differs", self.entries.items_by_differs())
            return
        if not self.items_by_id:
            object.__setattr__(self, "items_by_id", {i.id: i for i in self.items()})
        groups: dict[str, list[Item]] = {}
        for item in self.items():
            if item.differs:
                groups.setdefault(item.differs, []).append(item)
        object.__setattr__(self, "items_by_differs", {k: tuple(v) for k, v in groups.items()})

    def items(self) -> Iterator[Item]:
        """Every answerable item of every entry."""
        for entry in self.entries.values():
            yield from entry.items

    def item_count(self) -> int:
        if isinstance(self.entries, LazyEntries):
            return self.entries.item_total
        return sum(len(e.items) for e in self.entries.values())

    def ordered_entries(self) -> Sequence[Entry]:
        """The entries in pack order, by position (indexes refer to entries by position)."""
        if isinstance(self.entries, LazyEntries):
            return self.entries.in_order()
        return list(self.entries.values())

    def tags(self) -> list[str]:
        """Every tag used by entries or quiz items, sorted: the topics a quiz can be filtered by.

        Worked out once per pack: `/quiz` topic autocomplete asks on every keystroke, and on a
        big pack read from the cache the walk would build every entry each time.
        """
        cached = self.__dict__.get("_tags")
        if cached is None:
            found = {t for e in self.entries.values() for t in e.tags}
            found.update(t for q in self.quiz for t in q.tags)
            cached = tuple(sorted(found))
            object.__setattr__(self, "_tags", cached)  # a frozen pack: set once, never changed
        return list(cached)

    def entries_tagged(self, topic: str | None) -> list[Entry]:
        """Entries whose tags (or term) match a topic; all entries when the topic is empty."""
        if not topic:
            return list(self.entries.values())
        want = topic.strip().lower()
        return [
            e
            for e in self.entries.values()
            if want in (t.lower() for t in e.tags) or want == e.id or want == e.term.lower()
        ]

    def differing(self, item: Item) -> list[Item]:
        """The other items that make a different claim about the same thing as `item`."""
        if not item.differs:
            return []
        group = self.items_by_differs.get(item.differs, ())
        return [i for i in group if i.id != item.id]
