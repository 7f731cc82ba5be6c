"""Anki packages (`.apkg`, `.colpkg`), read by Anki's own code (the optional `anki` package).

Anki has written three collection formats into packages (`collection.anki2`, `.anki21`, and the
zstd-compressed `.anki21b`) and changes its schema between versions; only Anki's backend reads all
of them, so we import the package into a throw-away collection and walk its notes.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

from bot.packs.importers.cards import Card, Deck, DeckError
from bot.packs.importers.html_text import html_to_text

COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
STUDYBOT_ITEM = "studybot item"
STUDYBOT_QUIZ = "studybot quiz"
"""Note types written by `studybot kb export --format anki`, read back item for item."""


def is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def read(data: bytes, name: str) -> Deck:
    """Every note of the package as a card, in the order they were added."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile as err:
        raise DeckError(f"{name}: not an Anki package (not a zip file)") from err
    if not names & set(COLLECTIONS):
        raise DeckError(
            f"{name}: a zip file, but not an Anki deck (no collection.anki2/.anki21/.anki21b)"
        )
    try:
        from anki.collection import Collection, ImportAnkiPackageRequest
        from anki.import_export_pb2 import ImportAnkiPackageOptions
    except ImportError as err:
        raise DeckError(
            f"{name}: reading .apkg needs Anki's own code: pip install 'studybot[anki]' "
            "(or export the deck from Anki as 'Notes in Plain Text')"
        ) from err
    with tempfile.TemporaryDirectory(prefix="studybot-anki-") as tmp:
        package = Path(tmp) / "deck.apkg"
        package.write_bytes(data)
        col = Collection(str(Path(tmp) / "collection.anki2"))
        try:
            try:
                col.import_anki_package(
                    ImportAnkiPackageRequest(
                        package_path=str(package), options=ImportAnkiPackageOptions()
                    )
                )
            except Exception as err:  # the backend raises its own error types for bad packages
                raise DeckError(f"{name}: Anki could not read this package ({err})") from err
            return _deck(col, name)
        finally:
            col.close()


def _deck(col, name: str) -> Deck:  # noqa: ANN001 - anki.collection.Collection, imported lazily
    deck = Deck(title=name, cards=[], kind="flash cards (Anki)")
    deck_names: Counter[str] = Counter()
    for note_id in sorted(col.find_notes("")):
        note = col.get_note(note_id)
        model = note.note_type() or {}
        kind = str(model.get("name", "")).rstrip("+").strip().lower()
        where = f"note {len(deck.cards) + len(deck.skipped) + 1}"
        card_ids = note.card_ids()
        if card_ids:
            deck_names[col.decks.name(col.get_card(card_ids[0]).did)] += 1
        texts = []
        for value in note.fields:
            text, media = html_to_text(value)
            texts.append(text)
            deck.media += media
        tags = tuple(note.tags)
        if kind.startswith(STUDYBOT_QUIZ) and len(texts) >= 3:
            answers = [a.strip() for a in note.fields[1].split("<br>")]
            answers = [html_to_text(a)[0] for a in answers if a]
            deck.cards.append(
                Card(
                    front=texts[2],
                    question=texts[0],
                    back=answers[0] if answers else "",
                    answers=tuple(answers[1:]),
                    tags=tags,
                    where=where,
                )
            )
        elif kind.startswith(STUDYBOT_ITEM) and len(texts) >= 2:
            deck.cards.append(
                Card(front=texts[0], back=texts[1], quiz=False, tags=tags, where=where)
            )
        elif model.get("type") == 1:  # MODEL_CLOZE
            deck.cards.append(Card(cloze=texts[0], tags=tags, where=where))
        elif len(texts) < 2 or not texts[0]:
            deck.skipped.append(f"{where}: no text on the front (media only?)")
        else:
            deck.cards.append(
                Card(
                    front=texts[0], back=texts[1], reverse=len(card_ids) > 1, tags=tags, where=where
                )
            )
    if deck_names:
        top = deck_names.most_common(1)[0][0]
        deck.title = top.split("::")[0] if top != "Default" else name
    if not deck.cards:
        raise DeckError(f"{name}: this Anki package holds no notes with text")
    return deck
