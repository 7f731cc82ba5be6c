"""`.apkg` made by real Anki code, imported through the `anki` package, and the export round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from import_helpers import DATA, studybot

from bot.packs.export import export
from bot.packs.importers import ImportOptions, Upload, import_files, write
from bot.packs.loader import load_pack

collection = pytest.importorskip("anki.collection")


def _make_apkg(folder: Path, legacy: bool) -> Path:
    """A deck written by Anki itself: basic, reversed and cloze notes, HTML and an image."""
    from anki.collection import Collection, DeckIdLimit, ExportAnkiPackageOptions

    col = Collection(str(folder / "collection.anki2"))
    try:
        deck_id = col.decks.id("Biology")
        picture = folder / "cell.png"
        picture.write_bytes(b"\x89PNG\r\n\x1a\n")
        stored = col.media.add_file(str(picture))
        notes = [
            ("Basic", ["<b>Mitosis</b>", "cell division into <i>two</i> identical cells"]),
            (
                "Basic (and reversed card)",
                ["ATP", f'the energy currency of the cell<img src="{stored}">'],
            ),
            ("Cloze", ["{{c1::Ribosomes}} make {{c2::proteins::molecules}}.", ""]),
        ]
        for kind, fields in notes:
            note = col.new_note(col.models.by_name(kind))
            for i, value in enumerate(fields):
                note.fields[i] = value
            note.tags = ["cells"]
            col.add_note(note, deck_id)
        out = folder / ("legacy.apkg" if legacy else "current.apkg")
        col.export_anki_package(
            out_path=str(out),
            options=ExportAnkiPackageOptions(
                with_scheduling=False, with_deck_configs=False, with_media=True, legacy=legacy
            ),
            limit=DeckIdLimit(deck_id),
        )
        return out
    finally:
        col.close()


@pytest.mark.parametrize("legacy", [False, True], ids=["anki21b", "legacy"])
def test_apkg_from_real_anki(tmp_path: Path, legacy: bool) -> None:
    made = tmp_path / "made"
    made.mkdir()
    apkg = _make_apkg(made, legacy)
    out = tmp_path / "pack"
    run = studybot("kb", "import", str(apkg), "--out", str(out), "--author", "Our study group")
    assert run.returncode == 0, run.stderr
    assert "1 media references skipped" in run.stdout
    check = studybot("kb", "check", str(out), "--against", str(out / "sources"))
    assert check.returncode == 0, check.stdout
    pack = load_pack(out)
    source = pack.sources["biology"]
    assert (source.title, source.publisher) == ("Biology", "Our study group")
    assert pack.entries["mitosis"].definition.text == "cell division into two identical cells"
    assert pack.entries["atp"].definition.text == "the energy currency of the cell"
    # the cloze note has c1 and c2: a fact and a quiz item per cloze, on the entry it names
    for ident in ("ribosomes", "proteins"):
        entry = pack.entries[ident]
        assert [f.text for f in entry.facts] == ["Ribosomes make proteins."]
        assert len([q for q in pack.quiz if q.entry == ident]) == 1
    quiz = {q.question: q for q in pack.quiz}
    assert quiz["[...] make proteins."].answers == ("Ribosomes",)
    assert quiz["Ribosomes make [molecules]."].answers == ("proteins",)
    assert quiz["the energy currency of the cell"].answers == ("ATP",)  # reversed
    assert "cells" in pack.entries["atp"].tags


def _items(pack):
    entries = {(e.term, tuple(i.text for i in e.items)) for e in pack.entries.values()}
    quiz = {(q.question, q.answers) for q in pack.quiz}
    return entries, quiz


def test_export_apkg_and_import_back_gives_the_same_items(tmp_path: Path) -> None:
    first = import_files([Upload.from_path(DATA / "greekmyth.yaml")], ImportOptions())
    write(first, tmp_path / "a")
    pack = load_pack(tmp_path / "a")
    run = studybot(
        "kb", "export", str(tmp_path / "a"), "--format", "anki", "--out", str(tmp_path / "g.apkg")
    )
    assert run.returncode == 0, run.stderr
    back = import_files([Upload.from_path(tmp_path / "g.apkg")])
    write(back, tmp_path / "b")
    assert _items(load_pack(tmp_path / "b")) == _items(pack)


def test_export_red_and_csv_read_back(tmp_path: Path) -> None:
    write(import_files([Upload.from_path(DATA / "spanish.txt")]), tmp_path / "a")
    pack = load_pack(tmp_path / "a")
    red = tmp_path / "spanish.yaml"
    csv_file = tmp_path / "spanish.csv"
    assert (
        studybot(
            "kb", "export", str(tmp_path / "a"), "--format", "red", "--out", str(red)
        ).returncode
        == 0
    )
    assert (
        studybot(
            "kb", "export", str(tmp_path / "a"), "--format", "csv", "--out", str(csv_file)
        ).returncode
        == 0
    )
    red_pack = import_files([Upload.from_path(red)])
    assert {q["question"] for q in red_pack.rows[0].quiz} >= {q.question for q in pack.quiz}
    csv_pack = import_files([Upload.from_path(csv_file)])
    assert {e["term"] for e in csv_pack.rows[0].entries} == {e.term for e in pack.entries.values()}
    assert export(pack, "csv").decode().startswith("term,text,role,source,publisher,url,evidence")
