"""Turn a question into a sourced reply: answer, abstain, or offer choices.

The rule follows RoboDanny's: answer outright only when the best match is sure *and* clearly ahead of
the next; when two are close, say so and offer both; when nothing is close, say "I don't know" rather
than guess. A wrong answer costs a study group more than no answer.
"""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from bot.answering.matcher import (
    STRICT,
    TYPED,
    Candidate,
    Matcher,
    Search,
    lacks_answer,
    mentioned_only,
    never_answers,
)
from bot.answering.names import NameIndex
from bot.answering.text import normalise, strip_mentions
from bot.packs.model import Entry, Item, Pack, Source
from bot.settings import DEFAULT_MAX_QUESTION_CHARS

MAX_CHOICES = 5
FULLER = 1.25
SAME_EVIDENCE_AT = 90
"""rapidfuzz partial similarity above which two excerpts of one source are the same passage."""
SAME_EVIDENCE_MIN = 30
"""Excerpts shorter than this are too short to call two items the same claim."""

DONT_KNOW = "I don't know that from this pack."
NOT_SURE = "I'm not sure what you mean. Did you mean one of these?"
GREETING = "Hi! Ask me a question about this pack's topics, or say `help`."
THANKS = "You're welcome! Ask me anything else about this pack's topics."
HELP = (
    'Ask me a question in plain words ("what is ...", "who ...", "when ...") and I answer from '
    "this pack, with the source and the excerpt that supports it. If I'm not sure, I offer choices."
)
PICK = "If you are picking from a list of choices, use its buttons (or type the number right after it)."
MISSPELT_MAX_WORDS = 3
MISSPELT_AT = 80
"""How alike (rapidfuzz ratio, spaces removed) a bare term and a name must be to offer it."""
ASK_ME = "Ask me a question about this pack's topics."
TOO_LONG = (
    "That question is {length} characters long; please keep it under {limit} and ask one thing "
    "at a time."
)
IN_PASSING = "The pack has no entry explaining that; {term} only mentions it in passing."
LACKS = {
    "when": "The pack has {term}, but it does not say when.",
    "how-many": "The pack has {term}, but it does not say how many.",
    "who": "The pack has {term}, but it does not say who.",
    "where": "The pack has {term}, but it does not say where.",
}
"""One whole sentence per question kind, so a front end can translate each as a sentence."""
_SMALL_TALK = (
    (
        re.compile(
            r"^(hi|hello|hey|hiya|yo|good (morning|afternoon|evening)|greetings)( there)?( studybot| bot)?$"
        ),
        GREETING,
    ),
    (
        re.compile(
            r"^(thanks|thank you|thx|ty|cheers|ok|okay|cool|nice|great|got it)( (so much|a lot|studybot|bot))?$"
        ),
        THANKS,
    ),
    (
        re.compile(r"^[?!/]?(help|commands|what can you do|how do (i|you) use (this|you)|usage)$"),
        HELP,
    ),
    (re.compile(r"^\d{1,3}$"), PICK),
)


def small_talk(text: str) -> str | None:
    """The reply to a message that is not a question (a greeting, thanks, `help`, a bare number).

    These must never be looked up: "3" is no question about the pack, and the bibliography entry
    it would match is nobody's answer.
    """
    raw = " ".join(strip_mentions(text).split()).casefold().strip(" .!,")
    if re.fullmatch(r"[?!/]?\d{1,3}", raw):
        return PICK
    norm = normalise(raw) if not raw.startswith(("?", "/")) else raw
    for pattern, reply in _SMALL_TALK:
        if pattern.match(norm):
            return reply
    return None


@dataclass(frozen=True)
class Claim:
    """One source's version of something the sources disagree on."""

    text: str
    evidence: str
    source: Source


@dataclass(frozen=True)
class Answer:
    """What the bot says, and where it comes from."""

    entry: str
    title: str
    text: str
    evidence: str
    sources: tuple[Source, ...]
    item_id: str
    claims: tuple[Claim, ...] = ()
    """Every differing claim (this one first) when the sources disagree; empty otherwise."""
    related: tuple[tuple[str, str], ...] = ()

    @property
    def differs(self) -> bool:
        return len(self.claims) > 1


@dataclass(frozen=True)
class Alternative:
    """A near miss offered as a choice ("did you mean ...")."""

    entry: str
    title: str
    confidence: float


@dataclass(frozen=True)
class Reply:
    """The whole outcome of one question, for any front end to render."""

    query: str
    answered: bool
    confidence: float
    elapsed_ms: float
    answer: Answer | None = None
    alternatives: tuple[Alternative, ...] = ()
    message: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    template: str = field(default="", compare=False)
    """The fixed English sentence `message` was made from, `{name}` marking each of `values`:
    what a front end in another language translates (not part of the JSON contract)."""
    values: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The stable JSON contract of `studybot ask --json`."""
        answer = None
        if self.answer:
            a = self.answer
            answer = {
                "entry": a.entry,
                "title": a.title,
                "text": a.text,
                "evidence": a.evidence,
                "sources": [
                    {"id": s.id, "title": s.title, "publisher": s.publisher, "url": s.url}
                    for s in a.sources
                ],
            }
        return {
            "query": self.query,
            "answered": self.answered,
            "confidence": round(self.confidence, 4),
            "elapsed_ms": round(self.elapsed_ms, 3),
            "answer": answer,
            "alternatives": [
                {"entry": x.entry, "title": x.title, "confidence": round(x.confidence, 4)}
                for x in self.alternatives
            ],
        }

    def as_text(self) -> str:
        """Plain text for the console: answer, source, evidence, then any choices."""
        lines: list[str] = []
        if self.answer:
            a = self.answer
            lines.append(f"{a.title}")
            if a.differs:
                lines.append("The sources differ:")
                for claim in a.claims:
                    lines.append(f"  - {claim.text}")
                    lines.append(f"    Source: {_cite(claim.source)}")
                    lines.append(f'    Evidence: "{claim.evidence}"')
            else:
                lines.append(a.text)
                for source in a.sources:
                    lines.append(f"Source: {_cite(source)}")
                lines.append(f'Evidence: "{a.evidence}"')
            lines.append(f"(confidence {self.confidence:.2f})")
            if self.alternatives:
                lines.append("See also: " + ", ".join(x.title for x in self.alternatives))
        else:
            lines.append(self.message or DONT_KNOW)
            if self.alternatives and not lines[-1].endswith(("?", ":")):
                lines.append("Closest entries:")
            for n, alt in enumerate(self.alternatives, start=1):
                lines.append(f"  {n}. {alt.title}")
        return "\n".join(lines)


def _agree(first: Candidate, second: Candidate) -> bool:
    """Two close candidates whose chosen items make the same claim: answering is safe."""
    if first.item is None or second.item is None:
        return False
    return same_claim(first.item, second.item)


def same_claim(a: Item, b: Item) -> bool:
    """Whether two items say the same thing: one source, and one passage of it behind both.

    Packs often state one fact under two entries (Draper's 1961 article is a fact of "Theodore
    Draper" and of "Encounter"). When the two tie, either answer is right; refusing would be the
    wrong answer to a question the pack can answer. Similar *wording* is not enough: "demand
    rises with income" and "demand falls with income" share almost every word.
    """
    if a.id == b.id:
        return True
    if a.source != b.source:
        return False
    shorter, longer = sorted((normalise(a.evidence), normalise(b.evidence)), key=len)
    return (
        len(shorter) >= SAME_EVIDENCE_MIN
        and fuzz.partial_ratio(shorter, longer) >= SAME_EVIDENCE_AT
    )


def _fuller(first: Candidate, second: Candidate) -> Candidate:
    """Of two candidates making the same claim, the one whose evidence says clearly more of it.

    Clearly: the best match keeps its place unless the other quotes a good deal more of the
    passage ("three groups joined ...: A, B and C"), and an entry the question names outright
    is never traded for one it does not name.
    """
    if first.item is None or second.item is None or (first.named and not second.named):
        return first
    return second if len(second.item.evidence) > FULLER * len(first.item.evidence) else first


def _cite(source: Source) -> str:
    return f"{source.title}, {source.publisher}{source.link}"


class Answerer:
    """Answers questions from one pack. Swap the whole object to reload a pack."""

    def __init__(
        self,
        pack: Pack,
        *,
        max_question_chars: int = DEFAULT_MAX_QUESTION_CHARS,
        matcher: Matcher | None = None,
    ) -> None:
        """`matcher` is the pack's index when one was already built (see `bot.packs.cache`)."""
        self.pack = pack
        if matcher is None or matcher.pack is not pack:
            from bot.answering.semantic import shared_embedder

            matcher = Matcher(pack, embedder=shared_embedder())
        self.matcher = matcher
        self.max_question_chars = max_question_chars
        # The index normalised every name when it was built (or read them from the cache).
        ids = list(pack.entries)
        self._names = [(name, ids[e], norm) for name, e, norm in matcher.lexical.names]
        self._name_index = NameIndex(self._names)
        """Built once: autocomplete runs on every keystroke."""
        self._by_term: list[tuple[float, str, str]] | None = None

    def ask(self, question: str) -> Reply:
        """Answer one question. Never raises, whatever the string."""
        start = time.perf_counter()
        query = question if isinstance(question, str) else str(question)
        cleaned = " ".join(strip_mentions(query).split())
        if len(cleaned) > self.max_question_chars:
            return self._reply(
                query,
                start,
                template=TOO_LONG,
                values={"length": f"{len(cleaned):,}", "limit": self.max_question_chars},
            )
        if not normalise(cleaned):
            return self._reply(query, start, message=ASK_ME)
        if (chat := small_talk(cleaned)) is not None:
            return self._reply(query, start, message=chat)
        found = self.matcher.search_full(cleaned, limit=MAX_CHOICES + 1)
        return self._decide(query, start, found)

    def _decide(self, query: str, start: float, found: Search) -> Reply:
        candidates = found.candidates
        if not candidates:
            return self._reply(query, start, message=DONT_KNOW)
        model = self.matcher.model
        top = candidates[0]
        # Candidates whose items make the same claim are one answer: either is right, so their
        # probabilities add up, and the one that quotes more of the passage is shown.
        # The matcher's `sure` already counts a lookup ("ER?") at its observed rate.
        confidence = top.confidence if found.sure is None else found.sure
        shown = top
        for other in candidates[1:]:
            if _agree(top, other):
                confidence = min(1.0, confidence + other.confidence)
                shown = _fuller(shown, other)
        # "When" wants a date and "how many" a figure: an item without one is never the answer.
        sure = confidence >= model.threshold and not never_answers(shown.features)
        if sure and mentioned_only(found):
            return self._reply(
                query,
                start,
                confidence=confidence,
                alternatives=(Alternative(top.entry.id, top.entry.term, top.confidence),),
                template=IN_PASSING,
                values={"term": top.entry.term},
            )
        ranked = candidates
        if found.want in STRICT:
            # A date or a figure is asked for: entries that hold one are the better choices.
            ranked = sorted(candidates, key=lambda c: (c.shaped, c.confidence), reverse=True)
        # Choices only when the best is at least a plausible reading: "the capital of France"
        # gets "I don't know", not five entries that happen to mention a capital.
        plausible = confidence >= 2 * model.suggest
        choices = tuple(
            Alternative(c.entry.id, c.entry.term, c.confidence)
            for c in ranked
            if c.confidence >= model.suggest and plausible
        )
        if not sure and (missing := self._missing(found)) is not None:
            return self._reply(
                query,
                start,
                confidence=confidence,
                alternatives=choices[:MAX_CHOICES],
                template=LACKS[found.want],
                values={"term": missing},
            )
        if sure and shown.item is not None:
            return self._reply(
                query,
                start,
                answer=self._compose(shown.entry, shown.item),
                confidence=confidence,
                # "See also" only for runners-up that are close: the rest is noise beside an answer.
                alternatives=tuple(
                    c
                    for c in choices[:MAX_CHOICES]
                    if c.entry != shown.entry.id and c.confidence >= confidence - 0.2
                ),
            )
        choices = self._misspelt_name(query, choices, model.suggest) + choices
        message = NOT_SURE if choices else DONT_KNOW
        return self._reply(
            query,
            start,
            confidence=confidence,
            alternatives=choices[:MAX_CHOICES],
            message=message,
        )

    def _misspelt_name(
        self, query: str, choices: tuple[Alternative, ...], confidence: float
    ) -> tuple[Alternative, ...]:
        """A choice for a bare term that is an entry's name mistyped ("cherypick", "rebse").

        The question is only a name, so the semantic model sees a word it cannot read and the
        index a word it does not have; the names' own typo search (autocomplete's) still finds
        it. Offered as a choice, never answered: a near name is not proof of the entry.
        """
        text = normalise(strip_mentions(query))
        if not text or len(text.split()) > MISSPELT_MAX_WORDS:
            return ()
        squashed = text.replace(" ", "")
        offered = {c.entry for c in choices}
        for name, entry_id in self.complete(text, limit=3):
            if entry_id in offered:
                continue
            close = fuzz.ratio(squashed, normalise(name).replace(" ", ""))
            if close >= MISSPELT_AT and entry_id in self.pack.entries:
                entry = self.pack.entries[entry_id]
                return (Alternative(entry.id, entry.term, confidence),)
        return ()

    def _missing(self, found: Search) -> str | None:
        """The entry to say "the pack has X, but it does not say when" of, if there is one.

        For a typed question about an entry that lacks that kind of item: saying so plainly beats
        showing another fact of the entry as if it were the answer.
        """
        if found.want not in TYPED or not found.candidates:
            return None
        top = found.candidates[0]
        if lacks_answer(top.features):
            return top.entry.term
        shaped = [c.confidence for c in found.candidates if c.shaped]
        for cand in found.candidates:
            if (
                cand.named
                and found.want not in self.matcher.entry_shapes[cand.entry.id]
                and cand.confidence >= max(shaped, default=0.0)
            ):
                return cand.entry.term
        return None

    def _reply(
        self,
        query: str,
        start: float,
        *,
        answer: Answer | None = None,
        confidence: float = 0.0,
        alternatives: tuple[Alternative, ...] = (),
        message: str = "",
        template: str = "",
        values: dict[str, Any] | None = None,
    ) -> Reply:
        """`template` with `values` is a message a front end may translate (see `Reply`)."""
        return Reply(
            query=query,
            answered=answer is not None,
            confidence=confidence,
            elapsed_ms=(time.perf_counter() - start) * 1000,
            answer=answer,
            alternatives=alternatives,
            message=template.format(**values) if template and values else message,
            template=template or message,
            values=values or {},
        )

    def _compose(self, entry: Entry, item: Item) -> Answer:
        others = self.pack.differing(item)
        claims: tuple[Claim, ...] = ()
        text, evidence = item.text, item.evidence
        sources = [self.pack.sources[item.source]]
        if others:
            claims = tuple(
                Claim(i.text, i.evidence, self.pack.sources[i.source]) for i in [item, *others]
            )
            text = "The sources differ. " + " ".join(
                f"{c.text} ({c.source.publisher}: {c.source.title})" for c in claims
            )
            evidence = " / ".join(f'"{c.evidence}"' for c in claims)
            for claim in claims[1:]:
                if claim.source not in sources:
                    sources.append(claim.source)
        related = tuple(
            (rid, self.pack.entries[rid].term) for rid in entry.related if rid in self.pack.entries
        )
        return Answer(
            entry=entry.id,
            title=entry.term,
            text=text[:1000],
            evidence=evidence,
            sources=tuple(sources),
            item_id=item.id,
            claims=claims,
            related=related,
        )

    def entry_answer(self, entry_id: str) -> Reply:
        """The definition (or first item) of a chosen entry: for "did you mean" clicks and /define."""
        start = time.perf_counter()
        entry = self.pack.entries.get(entry_id)
        if entry is None or not entry.items:
            return self._reply(entry_id, start, message=DONT_KNOW)
        return self._reply(
            entry.term, start, answer=self._compose(entry, entry.items[0]), confidence=1.0
        )

    def complete(self, text: str, limit: int = 25) -> list[tuple[str, str]]:
        """Names for autocomplete: prefix matches first, then fuzzy ones; one row per entry."""
        limit = max(0, min(limit, 25))
        want = normalise(text)
        if not want:
            if self._by_term is None:
                self._by_term = sorted(
                    ((0.0, e.term, e.id) for e in self.pack.entries.values()),
                    key=lambda r: r[1].lower(),
                )
            rows = self._by_term
        else:
            rows = self._name_index.ranked(want, limit)
        out: list[tuple[str, str]] = []
        seen: set[str] = set()
        for _score, name, entry_id in rows:
            if entry_id in seen:
                continue
            seen.add(entry_id)
            out.append((name[:100], entry_id[:100]))
            if len(out) >= limit:
                break
        return out

    def random_fact(self, topic: str | None, rng: random.Random) -> Answer | None:
        """A random item (optionally from entries tagged `topic`), composed like any answer."""
        entries = [e for e in self.pack.entries_tagged(topic) if e.facts]
        if not entries:
            return None
        entry = rng.choice(entries)
        return self._compose(entry, rng.choice(entry.facts))

    def related(self, entry_id: str) -> list[Entry]:
        entry = self.pack.entries.get(entry_id)
        if entry is None:
            return []
        return [self.pack.entries[r] for r in entry.related if r in self.pack.entries]

    def find_entry(self, name: str) -> Entry | None:
        """An entry by id, exact name, or the best confident match (for /define and /related)."""
        if name in self.pack.entries:
            return self.pack.entries[name]
        want = normalise(name)
        for _name, entry_id, norm in self._names:
            if norm == want:
                return self.pack.entries[entry_id]
        reply = self.ask(name)
        return self.pack.entries[reply.answer.entry] if reply.answer else None
