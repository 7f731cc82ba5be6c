"""Quizlet's "Export" text: term and definition split by tab or comma, cards by newline or `;`.

Quizlet lets the user pick both separators (or type custom ones) and writes no header, so they are
given with `--term-sep`/`--card-sep` or guessed: a tab anywhere means tab, and a text with fewer
lines than semicolons means semicolon-separated cards.
"""

from __future__ import annotations

from bot.packs.importers.cards import Card, Deck, DeckError

NAMED = {"tab": "\t", "comma": ",", "newline": "\n", "semicolon": ";"}


def separators(text: str, term_sep: str | None, card_sep: str | None) -> tuple[str, str]:
    """The (term, card) separators: as given (by name or literally), else guessed from the text."""
    term = NAMED.get(term_sep or "", term_sep) or ("\t" if "\t" in text else ",")
    if card_sep:
        return term, NAMED.get(card_sep, card_sep)
    lines = [line for line in text.splitlines() if line.strip()]
    return term, (";" if len(lines) <= 1 or text.count(";") > len(lines) else "\n")


def read(text: str, name: str, term_sep: str | None = None, card_sep: str | None = None) -> Deck:
    """One card per record; a record without the term separator is skipped with its number."""
    term, card = separators(text, term_sep, card_sep)
    records = text.replace("\r\n", "\n").split(card)
    deck = Deck(title=name, cards=[], kind="flash cards (Quizlet)")
    for n, record in enumerate(records, start=1):
        if not record.strip():
            continue
        where = f"card {n}"
        if term not in record:
            deck.skipped.append(f"{where}: no {_name(term)} between term and definition")
            continue
        front, back = record.split(term, 1)
        deck.cards.append(
            Card(front=" ".join(front.split()), back=" ".join(back.split()), where=where)
        )
    if not deck.cards:
        raise DeckError(
            f"{name}: no cards found (expected term, {_name(term)}, definition, with cards "
            f"separated by {_name(card)}; set --term-sep and --card-sep)"
        )
    return deck


def _name(sep: str) -> str:
    return next((k for k, v in NAMED.items() if v == sep), repr(sep))
