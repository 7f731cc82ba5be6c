"""Take a pack into members' own tools: an Anki deck, a Red-DiscordBot trivia list, or CSV.

Every exported card keeps its source and excerpt, so the material stays checkable outside the bot.
The Anki deck uses two note types of its own ("studybot item", "studybot quiz") whose first two
fields are front and back, so it studies like any deck, and `kb import` reads it back item for item.
"""

from __future__ import annotations

import csv
import html
import io
import tempfile
from pathlib import Path

import yaml

from bot.packs.importers.anki import STUDYBOT_ITEM, STUDYBOT_QUIZ
from bot.packs.importers.cards import digest
from bot.packs.model import Item, Pack, Source

FORMATS = ("anki", "red", "csv")
_ITEM_MODEL_ID = 1_607_392_311
_QUIZ_MODEL_ID = 1_607_392_312
"""Fixed so that re-exporting updates the notes members already study instead of adding a type."""
_STYLE = ".card { font-family: sans-serif; font-size: 20px; } .source { font-size: 14px; }"


class ExportError(Exception):
    """A pack that cannot be exported in the asked format (a missing optional library)."""


def _cite(source: Source) -> str:
    return f"{source.title}, {source.publisher}" + (f" ({source.url})" if source.url else "")


def to_anki(pack: Pack) -> bytes:
    """An `.apkg` with one note per item (term -> text) and one per written quiz question."""
    try:
        import genanki
    except ImportError as err:
        raise ExportError("Anki export needs genanki: pip install 'studybot[anki]'") from err
    back = '{{FrontSide}}<hr id="answer">{{%s}}<div class="source">{{%s}}<br><i>"{{%s}}"</i></div>'
    item_model = genanki.Model(
        _ITEM_MODEL_ID,
        STUDYBOT_ITEM,
        fields=[{"name": n} for n in ("Term", "Text", "Source", "Evidence")],
        templates=[
            {"name": "Card", "qfmt": "{{Term}}", "afmt": back % ("Text", "Source", "Evidence")}
        ],
        css=_STYLE,
    )
    quiz_model = genanki.Model(
        _QUIZ_MODEL_ID,
        STUDYBOT_QUIZ,
        fields=[{"name": n} for n in ("Question", "Answers", "Term", "Source", "Evidence")],
        templates=[
            {
                "name": "Quiz",
                "qfmt": "{{Question}}",
                "afmt": back % ("Answers", "Source", "Evidence"),
            }
        ],
        css=_STYLE,
    )
    deck = genanki.Deck(int(digest(pack.name, 8), 16), pack.name)
    for entry in pack.entries.values():
        for item in entry.items:
            deck.add_note(
                genanki.Note(
                    model=item_model,
                    fields=[_h(entry.term), _h(item.text), *_sourced(pack, item)],
                    guid=genanki.guid_for("studybot", item.id),
                    tags=list(entry.tags),
                )
            )
    for quiz in pack.quiz:
        entry = pack.entries[quiz.entry]
        deck.add_note(
            genanki.Note(
                model=quiz_model,
                fields=[
                    _h(quiz.question),
                    "<br>".join(_h(a) for a in quiz.answers),
                    _h(entry.term),
                    _h(_cite(pack.sources[quiz.source])),
                    _h(quiz.evidence),
                ],
                guid=genanki.guid_for("studybot", "quiz", quiz.id),
                tags=list(quiz.tags),
            )
        )
    with tempfile.TemporaryDirectory(prefix="studybot-export-") as tmp:
        out = Path(tmp) / "pack.apkg"
        genanki.Package(deck).write_to_file(str(out))
        return out.read_bytes()


def _h(text: str) -> str:
    return html.escape(text, quote=False)


def _sourced(pack: Pack, item: Item) -> list[str]:
    return [_h(_cite(pack.sources[item.source])), _h(item.evidence)]


def to_red(pack: Pack) -> str:
    """A Red trivia list: the written quiz questions, then "which term is this" per definition."""
    data: dict[str, object] = {"AUTHOR": pack.name}
    for quiz in pack.quiz:
        data[quiz.question] = list(quiz.answers)
    for entry in pack.entries.values():
        if entry.definition and len(entry.definition.text) <= 300:
            data.setdefault(f"Which term is this? {entry.definition.text}", list(entry.names))
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def to_csv(pack: Pack) -> str:
    """One row per item: term, text, role, source title, publisher, url, evidence."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["term", "text", "role", "source", "publisher", "url", "evidence"])
    for entry in pack.entries.values():
        for item in entry.items:
            source = pack.sources[item.source]
            writer.writerow(
                [
                    entry.term,
                    item.text,
                    item.role,
                    source.title,
                    source.publisher,
                    source.url,
                    item.evidence,
                ]
            )
    return out.getvalue()


def export(pack: Pack, fmt: str) -> bytes:
    """The pack in `fmt` (one of FORMATS) as the bytes of the file to write."""
    if fmt == "anki":
        return to_anki(pack)
    if fmt == "red":
        return to_red(pack).encode("utf-8")
    if fmt == "csv":
        return to_csv(pack).encode("utf-8")
    raise ExportError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
