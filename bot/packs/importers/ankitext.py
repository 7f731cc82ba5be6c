"""Anki's "Notes in Plain Text" export: `#key:value` headers, then one note per delimited line.

Headers (Anki manual, "Importing › Text files"): `#separator:` (a name such as `tab` or a
character), `#html:true|false`, `#columns:` (field names), `#notetype:` or `#notetype column:N`,
`#deck:` or `#deck column:N`, `#tags column:N`, `#guid column:N`. Quoting is CSV's, so the `csv`
module reads the lines.
"""

from __future__ import annotations

import csv
import io
import re

from bot.packs.importers.cards import CLOZE, Card, Deck, DeckError
from bot.packs.importers.html_text import html_to_text

_HEADER = re.compile(r"^#([a-z ]+):(.*)$")
SEPARATORS = {
    "tab": "\t",
    "comma": ",",
    "semicolon": ";",
    "space": " ",
    "pipe": "|",
    "colon": ":",
}


def looks_like(text: str) -> bool:
    """Anki writes `#separator:` first in every plain-text export."""
    return text.lstrip("\ufeff").startswith(("#separator:", "#html:", "#notetype", "#columns:"))


def read(text: str, name: str) -> Deck:
    """Every note to a card: basic, reversed (by note type name) and cloze notes."""
    headers: dict[str, str] = {}
    body = []
    for line in text.lstrip("\ufeff").splitlines(keepends=True):
        match = _HEADER.match(line.rstrip("\r\n")) if not body else None
        if match:
            headers[match.group(1).strip()] = match.group(2).strip()
        else:
            body.append(line)
    sep_name = headers.get("separator", "tab")
    sep = SEPARATORS.get(sep_name.lower(), sep_name[:1] or "\t")
    html = headers.get("html", "false").lower() == "true"

    def column(key: str) -> int | None:
        value = headers.get(f"{key} column", "")
        return int(value) - 1 if value.isdigit() and int(value) > 0 else None

    meta = {column(k) for k in ("notetype", "deck", "tags", "guid")} - {None}
    deck_at, type_at, tags_at = column("deck"), column("notetype"), column("tags")
    deck = Deck(title=headers.get("deck", name), cards=[], kind="flash cards (Anki)")
    rows = csv.reader(io.StringIO("".join(body)), delimiter=sep, quotechar='"')
    for n, row in enumerate(rows, start=len(headers) + 1):
        if not any(c.strip() for c in row):
            continue
        where = f"line {n}"
        fields = [c for i, c in enumerate(row) if i not in meta]
        media = 0
        if html:
            converted = [html_to_text(f) for f in fields]
            fields = [t for t, _ in converted]
            media = sum(m for _, m in converted)
        else:
            fields = [" ".join(f.split()) for f in fields]
        deck.media += media
        notetype = (
            row[type_at]
            if type_at is not None and type_at < len(row)
            else (headers.get("notetype", ""))
        )
        if deck_at is not None and deck_at < len(row) and deck.title == name:
            deck.title = row[deck_at]
        tags = tuple(row[tags_at].split()) if tags_at is not None and tags_at < len(row) else ()
        if not fields or not fields[0]:
            deck.skipped.append(f"{where}: empty first field" + (" (media only)" if media else ""))
            continue
        if "cloze" in notetype.lower() or CLOZE.search(fields[0]):
            deck.cards.append(Card(cloze=fields[0], tags=tags, where=where))
        elif len(fields) < 2:
            deck.skipped.append(f"{where}: one field only (expected front and back)")
        else:
            deck.cards.append(
                Card(
                    front=fields[0],
                    back=fields[1],
                    reverse="revers" in notetype.lower(),
                    tags=tags,
                    where=where,
                )
            )
    if not deck.cards:
        raise DeckError(f"{name}: no notes in this Anki text export")
    return deck
