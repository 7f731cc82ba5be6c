"""CSV and TSV tables with a header row: one card per row, columns found by name or `--columns`.

The standard `csv` module reads the quoting; its `Sniffer` picks the delimiter among the usual
ones. A table without a term or definition column is refused whole, naming the header it found.
"""

from __future__ import annotations

import csv
import io

from bot.packs.importers.cards import Card, Deck, DeckError

TERM_NAMES = ("term", "front", "question", "word", "name", "prompt", "concept")
DEFINITION_NAMES = ("definition", "text", "back", "answer", "meaning", "description", "explanation")
ANSWER_NAMES = ("answers", "other answers", "alternatives", "also accepted")
TAG_NAMES = ("tags", "tag", "topic", "topics")


def read(text: str, name: str, columns: str | None = None) -> Deck:
    """Rows to cards. `columns` is "TERM,DEFINITION": header names or 1-based column numbers."""
    dialect = _dialect(text, name)
    rows = list(csv.reader(io.StringIO(text), dialect))
    rows = [r for r in rows if any(c.strip() for c in r)]
    if len(rows) < 2:
        raise DeckError(f"{name}: expected a header row and at least one row of cards")
    header = [h.strip() for h in rows[0]]
    term_at, definition_at = _columns(header, columns, name)
    answers_at = _find(header, ANSWER_NAMES)
    tags_at = _find(header, TAG_NAMES)
    deck = Deck(title=name, cards=[], kind="table")
    for n, row in enumerate(rows[1:], start=2):
        where = f"row {n}"
        if len(row) <= max(term_at, definition_at):
            deck.skipped.append(f"{where}: only {len(row)} columns")
            continue

        def cell(at: int | None, row: list[str] = row) -> str:
            return " ".join(row[at].split()) if at is not None and at < len(row) else ""

        deck.cards.append(
            Card(
                front=cell(term_at),
                back=cell(definition_at),
                answers=tuple(a.strip() for a in cell(answers_at).split(";") if a.strip()),
                tags=tuple(cell(tags_at).replace(",", " ").split()),
                where=where,
            )
        )
    return deck


def _dialect(text: str, name: str) -> type[csv.Dialect] | csv.Dialect:
    if name.lower().endswith((".tsv", ".tab")):
        return csv.excel_tab
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.casefold() for h in header]
    return next((lowered.index(n) for n in names if n in lowered), None)


def _columns(header: list[str], columns: str | None, name: str) -> tuple[int, int]:
    if columns:
        wanted = [c.strip() for c in columns.split(",")]
        if len(wanted) != 2:
            raise DeckError(f"--columns takes TERM,DEFINITION (got {columns!r})")
        found = []
        for want in wanted:
            if want.isdigit() and 1 <= int(want) <= len(header):
                found.append(int(want) - 1)
            elif want.casefold() in (h.casefold() for h in header):
                found.append([h.casefold() for h in header].index(want.casefold()))
            else:
                raise DeckError(f"{name}: no column {want!r} (the header has: {', '.join(header)})")
        return found[0], found[1]
    term_at, definition_at = _find(header, TERM_NAMES), _find(header, DEFINITION_NAMES)
    for at, role, names in (
        (term_at, "term", TERM_NAMES),
        (definition_at, "definition", DEFINITION_NAMES),
    ):
        if at is None:
            raise DeckError(
                f"{name}: no {role} column (looked for {', '.join(names)}; the header has: "
                f"{', '.join(header)}). Name the columns with --columns TERM,DEFINITION"
            )
    assert term_at is not None and definition_at is not None
    return term_at, definition_at
