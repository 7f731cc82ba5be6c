"""Bring your own material: Anki, Quizlet, Red trivia and CSV files into a sourced pack.

`import_files` is pure (bytes in, rows out), so the CLI and a Discord upload share it; `write`
is the only step that touches the pack folder.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from bot.answering.text import normalise
from bot.packs.importers import anki, ankitext, csvfile, quizlet, redtrivia
from bot.packs.importers.cards import Deck, DeckError, Rows, deck_rows, slug
from bot.packs.importers.writer import DOCUMENTS, render, write_pack
from bot.packs.model import Pack

__all__ = [
    "FORMATS",
    "DeckError",
    "ImportOptions",
    "ImportResult",
    "Upload",
    "import_files",
    "taken_names",
    "write",
]

FORMATS = ("anki", "anki-text", "quizlet", "red", "csv")
MAX_TEXT_BYTES = 20 * 1024 * 1024
"""A text deck this big is not a deck; refusing early keeps junk from being parsed for minutes."""
MAX_PACKAGE_BYTES = 500 * 1024 * 1024
"""`.apkg` files carry media and can be large; beyond this, export without media."""


@dataclass(frozen=True)
class Upload:
    """One file to import: its name (for format detection and messages) and its bytes."""

    name: str
    data: bytes

    @classmethod
    def from_path(cls, path: Path) -> Upload:
        return cls(path.name, path.read_bytes())


@dataclass(frozen=True)
class ImportOptions:
    """What the user says about the material: format, source details, and column/separator hints."""

    format: str | None = None
    source_title: str | None = None
    source_url: str | None = None
    author: str | None = None
    columns: str | None = None
    term_sep: str | None = None
    card_sep: str | None = None


@dataclass
class ImportResult:
    """Pack files made from the uploads, with counts for the summary."""

    files: dict[str, str] = field(default_factory=dict)
    """Relative path -> text: `<source>.yaml` and `sources/<source>.txt` per file imported."""
    rows: list[Rows] = field(default_factory=list)

    def summary(self) -> str:
        lines = []
        for rows in self.rows:
            source = rows.source
            lines.append(
                f"{source['title']} ({source['kind']}): {len(rows.entries)} entries, "
                f"{rows.definitions} definitions, {rows.facts} facts, {len(rows.quiz)} quiz items, "
                f"{len(rows.skipped)} skipped, {rows.media} media references skipped"
            )
            lines += [f"  skipped {reason}" for reason in rows.skipped[:20]]
            if len(rows.skipped) > 20:
                lines.append(f"  ... and {len(rows.skipped) - 20} more skipped")
        return "\n".join(lines)


def detect(upload: Upload) -> str:
    """The format of a file, from its content first and its name second."""
    if anki.is_zip(upload.data):
        return "anki"
    suffix = PurePath(upload.name).suffix.lower()
    if suffix in (".apkg", ".colpkg"):
        return "anki"
    text = _text(upload)
    if ankitext.looks_like(text):
        return "anki-text"
    if suffix in (".csv", ".tsv", ".tab"):
        return "csv"
    if suffix in (".yaml", ".yml") and redtrivia.looks_like(text):
        return "red"
    if suffix in (".txt", "") and ("\t" in text or "," in text):
        return "quizlet"
    raise DeckError(f"{upload.name}: cannot tell the format (use --format {'|'.join(FORMATS)})")


def _text(upload: Upload) -> str:
    if len(upload.data) > MAX_TEXT_BYTES:
        raise DeckError(
            f"{upload.name}: {len(upload.data) // (1024 * 1024)} MB is too large for a text deck "
            f"(at most {MAX_TEXT_BYTES // (1024 * 1024)} MB)"
        )
    if b"\x00" in upload.data[:65536]:
        raise DeckError(f"{upload.name}: binary data, not a text deck")
    try:
        return upload.data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DeckError(
            f"{upload.name}: not UTF-8 text (byte {err.start}); save it as UTF-8 and try again"
        ) from err


def _read(upload: Upload, fmt: str, options: ImportOptions) -> Deck:
    if fmt == "anki":
        if len(upload.data) > MAX_PACKAGE_BYTES:
            raise DeckError(f"{upload.name}: larger than 500 MB; export it without media")
        return anki.read(upload.data, upload.name)
    text = _text(upload)
    if fmt == "anki-text":
        return ankitext.read(text, upload.name)
    if fmt == "csv":
        return csvfile.read(text, upload.name, options.columns)
    if fmt == "red":
        return redtrivia.read(text, upload.name)
    if fmt == "quizlet":
        return quizlet.read(text, upload.name, options.term_sep, options.card_sep)
    raise DeckError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


def import_files(
    uploads: Sequence[Upload],
    options: ImportOptions = ImportOptions(),
    taken: Iterable[str] = (),
    pack_name: str | None = None,
) -> ImportResult:
    """Read every upload into pack files; raise `DeckError` if any one cannot be read.

    `taken` are the names and ids of a pack being merged into (see `taken_names`): cards that
    would reuse one are skipped with a reason. `pack_name` adds a `pack.yaml` for a new pack.
    No file is read or written here.
    """
    result = ImportResult()
    used = frozenset(taken)
    seen_sources: set[str] = set()
    for upload in uploads:
        fmt = options.format or detect(upload)
        deck = _read(upload, fmt, options)
        stem = PurePath(upload.name).stem
        if deck.title == upload.name:
            deck.title = stem
        if options.source_title:
            deck.title = (
                options.source_title
                if len(uploads) == 1
                else f"{options.source_title}: {deck.title}"
            )
        deck.url = options.source_url or deck.url
        deck.author = options.author or deck.author
        source_id = slug(deck.title, 40) or slug(stem, 40) or "imported"
        if source_id in seen_sources:
            source_id = slug(f"{source_id} {stem}", 60)
        seen_sources.add(source_id)
        rows = deck_rows(deck, source_id, used)
        used = used | {e["id"] for e in rows.entries} | {normalise(e["term"]) for e in rows.entries}
        result.rows.append(rows)
        header = (
            f"Imported from {upload.name} by `studybot kb import`.\n"
            "Importing the same file again replaces this file; edit freely, or keep edits in\n"
            "another file of the pack (a `facts:` section can add to these entries)."
        )
        result.files[f"{source_id}.yaml"] = render(
            {"sources": [rows.source], "entries": rows.entries, "quiz": rows.quiz}, header
        )
        result.files[f"{DOCUMENTS}/{source_id}.txt"] = rows.document
    if pack_name:
        result.files["pack.yaml"] = render(
            {"pack": {"name": pack_name, "description": "Imported with studybot kb import."}}
        )
    return result


def taken_names(pack: Pack, replacing: Iterable[str] = ()) -> set[str]:
    """Normalised names and ids in `pack`, except those of sources being re-imported."""
    replaced = set(replacing)
    names: set[str] = set()
    for entry in pack.entries.values():
        if entry.items and all(i.source in replaced for i in entry.items):
            continue
        names.add(entry.id)
        names.update(normalise(n) for n in entry.names)
    names.update(q.id for q in pack.quiz if q.source not in replaced)
    return names


def write(result: ImportResult, folder: Path) -> list[Path]:
    """Write the imported files into `folder` (see `writer.write_pack`)."""
    return write_pack(result.files, folder)
