"""Cards read from any format, and how a deck of them becomes sourced pack rows.

Every reader (Anki, Quizlet, Red trivia, CSV) only turns its bytes into a `Deck` of `Card`s; the one
function here, `deck_rows`, decides what an entry, a definition, a fact and a quiz item are, so every
format gets the same ids, the same evidence rule and the same skip reasons.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from bot.answering.text import normalise
from bot.packs.loader import MAX_EVIDENCE, MAX_TEXT

CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
"""Anki's cloze deletion `{{c1::answer::hint}}`."""
MAX_TERM = 200
"""Longer fronts are paragraphs, not names a member would type; they are skipped with a reason."""
MAX_QUIZ_ANSWER = 80
"""A back longer than this is an explanation, not something to type in a quiz."""


class DeckError(Exception):
    """Input that cannot be imported at all (not a deck, a missing column, junk): nothing is written."""


@dataclass(frozen=True)
class Card:
    """One note of a deck, as plain text (HTML already turned into text).

    `front`/`back` for basic notes; `cloze` holds the text with its `{{cN::...}}` marks. `answers`
    are extra accepted answers (Red trivia lists give several).
    """

    front: str = ""
    back: str = ""
    reverse: bool = False
    cloze: str = ""
    answers: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    where: str = ""
    """Where the card is in the file ("line 12", "note 3"), for skip reasons."""
    question: str = ""
    """Set on a written quiz question (studybot's own Anki export): `front` names its entry."""
    quiz: bool = True
    """False for studybot's exported item notes: their quiz questions come as their own cards."""


@dataclass
class Deck:
    """What one input file held: its cards, its own name for itself, and what could not be read."""

    title: str
    cards: list[Card]
    author: str = ""
    url: str = ""
    kind: str = "flash cards"
    skipped: list[str] = field(default_factory=list)
    media: int = 0
    """Images and sounds referenced by cards: skipped (the bot answers in text), but counted."""


def slug(text: str, limit: int = 48) -> str:
    """A lower-case-with-dashes id from any text, cut at a word boundary."""
    words = normalise(text).replace("_", " ").split()
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or (words[0][:limit] if words else "")


def digest(text: str, size: int = 6) -> str:
    """A short stable hash, for ids that must not change between two imports of the same deck."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:size]  # noqa: S324 - not security


def clip(text: str, limit: int = MAX_EVIDENCE, focus: str = "") -> str:
    """A verbatim stretch of `text` of at most `limit` characters, around `focus` when given.

    Evidence must be a substring of the source text, so this cuts at spaces and never rewrites.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    at = max(0, text.find(focus) - limit // 3) if focus and focus in text else 0
    window = text[at : at + limit]
    if at > 0 and " " in window:
        window = window[window.index(" ") + 1 :]
    if at + limit < len(text) and " " in window:
        window = window[: window.rindex(" ")]
    return window


def reveal(cloze: str, hide: str | None = None, blank: str = "[...]") -> str:
    """Cloze text with every deletion shown, or with deletion number `hide` blanked."""

    def one(match: re.Match[str]) -> str:
        if hide is not None and match.group(1) == hide:
            return f"[{match.group(3)}]" if match.group(3) else blank
        return match.group(2)

    return " ".join(CLOZE.sub(one, cloze).split())


def quiz_kind(answer: str) -> str:
    """Years and numbers are checked exactly by the quiz; everything else fuzzily."""
    if re.fullmatch(r"\d{3,4}", answer):
        return "year"
    if re.fullmatch(r"[\d.,]+", answer):
        return "number"
    return "term"


def document_text(deck: Deck) -> str:
    """The deck's card text as one plain document: what `kb check --against` compares evidence to."""
    blocks = []
    for card in deck.cards:
        if card.cloze:
            blocks.append(reveal(card.cloze))
        else:
            answers = "; ".join(a for a in (card.back, *card.answers) if a)
            blocks.append(f"{card.question or card.front}\n{answers}")
    return f"{deck.title}\n\n" + "\n\n".join(blocks) + "\n"


@dataclass
class Rows:
    """Pack rows (plain dicts in pack-format order) made from one deck, ready for the writer."""

    source: dict[str, Any]
    entries: list[dict[str, Any]]
    quiz: list[dict[str, Any]]
    document: str
    skipped: list[str]
    media: int

    @property
    def facts(self) -> int:
        return sum(len(e.get("facts", ())) for e in self.entries)

    @property
    def definitions(self) -> int:
        return sum(1 for e in self.entries if "definition" in e)


def deck_rows(deck: Deck, source_id: str, taken: frozenset[str] = frozenset()) -> Rows:
    """Turn a deck into entries, items and quiz rows, each sourced to the deck with its card text.

    Cards with the same front (after normalising) share one entry, so names stay unique; `taken`
    holds normalised names and ids already used by the pack being merged into, and a card that
    would reuse one is skipped with the reason rather than breaking the pack.
    """
    skipped = list(deck.skipped)
    entries: dict[str, dict[str, Any]] = {}
    quiz: list[dict[str, Any]] = []
    deck_tag = slug(source_id, 40)

    def entry_for(term: str, tags: tuple[str, ...], where: str) -> dict[str, Any] | None:
        key = normalise(term)
        if not key:
            skipped.append(f"{where}: no text on the front")
            return None
        if key in entries:
            return entries[key]
        if len(term) > MAX_TERM:
            skipped.append(f"{where}: front longer than {MAX_TERM} characters")
            return None
        ident = slug(term) or f"card-{digest(key)}"
        if any(e["id"] == ident for e in entries.values()) or ident in taken:
            ident = f"{slug(term, 40)}-{digest(key)}"
        if key in taken or ident in taken:
            skipped.append(f"{where}: `{term}` is already in the pack")
            return None
        entry: dict[str, Any] = {"id": ident, "term": term, "kind": "term"}
        entry["tags"] = sorted({deck_tag, *(t for t in (slug(t, 40) for t in tags) if t)})
        entries[key] = entry
        return entry

    def add_item(
        entry: dict[str, Any],
        text: str,
        where: str,
        focus: str = "",
        context: str = "",
        *,
        fact: bool = False,
    ) -> bool:
        if len(text) > MAX_TEXT:
            skipped.append(f"{where}: text longer than {MAX_TEXT} characters")
            return False
        evidence = clip(f"{context} {text}", focus=text) if context else clip(text, focus=focus)
        item = {"text": text, "source": source_id, "evidence": evidence}
        if "definition" not in entry and not fact:
            entry["definition"] = item
        elif all(f["text"] != text for f in entry.get("facts", ())) and (
            entry.get("definition", {}).get("text") != text
        ):
            entry.setdefault("facts", []).append(item)
        return True

    def add_quiz(
        entry: dict[str, Any], question: str, answers: list[str], evidence: str, hint: str = ""
    ) -> None:
        answers = [a for a in dict.fromkeys(answers) if a]
        if not answers or len(answers[0]) > MAX_QUIZ_ANSWER or len(question) > MAX_TEXT:
            return
        row: dict[str, Any] = {
            "id": f"{deck_tag[:30]}-{digest(normalise(question) + '|' + normalise(answers[0]), 8)}",
            "question": question,
            "answers": answers,
            "kind": quiz_kind(answers[0]),
            "entry": entry["id"],
            "source": source_id,
            "evidence": evidence,
        }
        if hint:
            row["hint"] = hint
        if all(q["id"] != row["id"] for q in quiz) and row["id"] not in taken:
            quiz.append(row)

    quiz_cards: list[tuple[Card, str]] = []
    for n, card in enumerate(deck.cards, start=1):
        where = card.where or f"card {n}"
        if card.cloze:
            deletions = CLOZE.findall(card.cloze)
            if not deletions:
                skipped.append(f"{where}: cloze note without any {{{{c1::...}}}} deletion")
                continue
            # Each cloze number is one thing to learn: a fact of the entry its answer names,
            # with the note's whole text as the claim, and the quiz item that blanks it.
            full = reveal(card.cloze)
            for number in dict.fromkeys(d[0] for d in deletions):
                answers = [" ".join(d[1].split()) for d in deletions if d[0] == number]
                entry = entry_for(answers[0], card.tags, where)
                if entry is None or not add_item(entry, full, where, focus=answers[0], fact=True):
                    continue
                hint = next((d[2] for d in deletions if d[0] == number and d[2]), "")
                add_quiz(
                    entry,
                    reveal(card.cloze, hide=number),
                    [" / ".join(answers)],
                    clip(full, focus=answers[0]),
                    hint,
                )
            continue
        if card.question:
            quiz_cards.append((card, where))
            continue
        if not card.back and not card.answers:
            skipped.append(f"{where}: no text on the back")
            continue
        entry = entry_for(card.front, card.tags, where)
        back = card.back or card.answers[0]
        # the evidence is the card itself, front and back, as the deck's document has it
        if entry is None or not add_item(entry, back, where, context=card.front):
            continue
        if card.quiz:
            add_quiz(entry, card.front, [back, *card.answers], clip(back))
        if card.reverse and len(card.front) <= MAX_QUIZ_ANSWER:
            add_quiz(entry, back, [card.front], clip(card.front))
    for card, where in quiz_cards:
        owner = entries.get(normalise(card.front))
        if owner is None:
            skipped.append(f"{where}: quiz question about `{card.front}`, which has no card")
            continue
        add_quiz(owner, card.question, [card.back, *card.answers], clip(card.back))
    _add_distractors(quiz)
    source: dict[str, Any] = {
        "id": source_id,
        "title": deck.title,
        "publisher": deck.author or "unknown author",
        "url": deck.url or None,
        "kind": deck.kind,
        "documents": [f"{source_id}.txt"],
    }
    return Rows(source, list(entries.values()), quiz, document_text(deck), skipped, deck.media)


def _add_distractors(quiz: list[dict[str, Any]]) -> None:
    """Three wrong options per question from the deck's other answers of the same kind.

    Picked by hash, not at random, so that re-importing a deck gives the same file.
    """
    pool: dict[str, dict[str, str]] = {}
    for row in quiz:
        pool.setdefault(row["kind"], {}).setdefault(normalise(row["answers"][0]), row["answers"][0])
    for row in quiz:
        own = {normalise(a) for a in row["answers"]}
        choices = sorted(
            (v for k, v in pool[row["kind"]].items() if k not in own and k),
            key=lambda v, q=row["id"]: digest(q + v, 8),
        )
        if len(choices) >= 3:
            row["distractors"] = choices[:3]
