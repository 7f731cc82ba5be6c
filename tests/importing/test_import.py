"""`kb import` on real files: each format becomes a pack that passes `kb check --against`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from import_helpers import DATA, studybot

from bot.packs.importers import DeckError, ImportOptions, Upload, import_files, write
from bot.packs.loader import load_pack


def _import(tmp_path: Path, *names: str, **options: str) -> tuple[Path, str]:
    out = tmp_path / "pack"
    flags = [f"--{k.replace('_', '-')}={v}" for k, v in options.items()]
    run = studybot("kb", "import", *(str(DATA / n) for n in names), "--out", str(out), *flags)
    assert run.returncode == 0, run.stderr
    check = studybot("kb", "check", str(out), "--against", str(out / "sources"))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "evidence excerpts occur" in check.stdout
    return out, run.stdout


def test_red_trivia_list_keeps_author_and_every_question(tmp_path: Path) -> None:
    out, summary = _import(
        tmp_path, "greekmyth.yaml", source_url="https://github.com/Cog-Creators/Red-DiscordBot"
    )
    pack = load_pack(out)
    assert "190 entries" in summary and "190 quiz items" in summary
    (source,) = pack.sources.values()
    assert source.publisher == "JennJenn"
    assert source.url == "https://github.com/Cog-Creators/Red-DiscordBot"
    hercules = next(q for q in pack.quiz if q.question == "Which hero completed 12 labors?")
    assert hercules.answers == ("Hercules", "Heracles")
    assert len(hercules.distractors) == 3
    assert "Hercules" not in hercules.distractors


def test_imported_pack_answers_with_the_card_as_evidence(tmp_path: Path) -> None:
    out, _ = _import(tmp_path, "greekmyth.yaml")
    run = studybot("--knowledge", str(out), "ask", "who is the god of war?")
    assert run.returncode == 0, run.stderr
    assert "Ares" in run.stdout
    assert 'Evidence: "Who is the God of War? Ares"' in run.stdout


def test_reimport_updates_instead_of_duplicating(tmp_path: Path) -> None:
    out, _ = _import(tmp_path, "greekmyth.yaml")
    first = load_pack(out)
    again, _ = _import(tmp_path, "greekmyth.yaml")
    second = load_pack(again)
    assert set(first.entries) == set(second.entries)
    assert [q.id for q in first.quiz] == [q.id for q in second.quiz]


def test_anki_plain_text_export(tmp_path: Path) -> None:
    out, summary = _import(tmp_path, "spanish.txt")
    pack = load_pack(out)
    assert pack.sources["spanish"].title == "Spanish"  # from the deck column
    perro = pack.entries["el-perro"]
    assert perro.term == "el perro"  # <b> removed by the HTML parser
    assert perro.definition is not None and perro.definition.text == "the dog"
    assert "animals" in perro.tags
    gato = pack.entries["el-gato"]
    assert gato.definition is not None and gato.definition.text == "the cat"  # &nbsp; and <img>
    questions = {q.question: q.answers for q in pack.quiz}
    assert questions["the cat"] == ("el gato",)  # the reversed card asks the other way too
    # a cloze note with c1 and c2: one fact and one quiz item per cloze, each on its answer's entry
    full = 'Madrid is the capital of Spain; "hola" means hello'
    for ident, answer in (("spain", "Spain"), ("hello", "hello")):
        entry = pack.entries[ident]
        assert entry.definition is None
        assert [f.text for f in entry.facts] == [full]
        assert answer in entry.facts[0].evidence
        assert [q.answers for q in pack.quiz if q.entry == ident] == [(answer,)]
    assert questions['Madrid is the capital of [...]; "hola" means hello'] == ("Spain",)
    assert questions['Madrid is the capital of Spain; "hola" means [a greeting]'] == ("hello",)
    assert "2 media references skipped" in summary
    assert "media only" in summary


@pytest.mark.parametrize(
    "name",
    [
        "quizlet-tab-newline.txt",
        "quizlet-tab-semicolon.txt",
        "quizlet-comma-newline.txt",
        "quizlet-comma-semicolon.txt",
    ],
)
def test_quizlet_each_separator_choice(tmp_path: Path, name: str) -> None:
    out, summary = _import(tmp_path, name, source_title="Biology set")
    pack = load_pack(out)
    assert "4 entries" in summary
    atp = pack.entries["atp"]
    assert atp.definition is not None
    assert atp.definition.text == "the energy currency of the cell"
    assert pack.sources["biology-set"].title == "Biology set"


def test_csv_by_header_and_by_columns(tmp_path: Path) -> None:
    table = tmp_path / "words.csv"
    table.write_text('Word,Meaning,Tags\nhola,"hello, hi",greetings\nadiós,goodbye,\n')
    result = import_files([Upload.from_path(table)], ImportOptions(source_title="Words"))
    assert [e["term"] for e in result.rows[0].entries] == ["hola", "adiós"]
    assert result.rows[0].entries[0]["definition"]["text"] == "hello, hi"
    odd = tmp_path / "odd.tsv"
    odd.write_text("A\tB\nsí\tyes\n")
    result = import_files([Upload.from_path(odd)], ImportOptions(columns="A,B"))
    assert result.rows[0].entries[0]["term"] == "sí"
    written = write(result, tmp_path / "pack")
    assert load_pack(tmp_path / "pack").entries["si"].definition is not None
    assert any(p.name == "odd.yaml" for p in written)


def test_merge_skips_what_the_pack_already_has(tmp_path: Path) -> None:
    pack_dir, _ = _import(tmp_path, "quizlet-tab-newline.txt", source_title="Biology set")
    extra = tmp_path / "more.csv"
    extra.write_text(
        "term,definition\nATP,adenosine triphosphate\nchloroplast,site of photosynthesis\n"
    )
    run = studybot("kb", "import", str(extra), "--merge", str(pack_dir))
    assert run.returncode == 0, run.stderr
    assert "`ATP` is already in the pack" in run.stdout
    pack = load_pack(pack_dir)
    assert "chloroplast" in pack.entries and len(pack.sources) == 2
    assert pack.entries["atp"].definition.text == "the energy currency of the cell"


def _bad(tmp_path: Path, name: str, data: bytes, *flags: str) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    out = tmp_path / "out"
    run = studybot("kb", "import", str(path), "--out", str(out), *flags)
    assert run.returncode in (1, 2), run.stdout
    assert "Traceback" not in run.stderr
    assert not out.exists(), "nothing may be written"
    return run.stderr


def test_zip_that_is_not_a_deck(tmp_path: Path) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    err = _bad(tmp_path, "notes.apkg", buffer.getvalue())
    assert "not an Anki deck" in err


def test_csv_missing_a_column(tmp_path: Path) -> None:
    err = _bad(tmp_path, "cards.csv", b"term,notes\nmitosis,x\n")
    assert "no definition column" in err and "term, notes" in err


def test_fifty_megabytes_of_junk(tmp_path: Path) -> None:
    junk = os.urandom(50 * 1024 * 1024)
    assert "too large" in _bad(tmp_path, "junk.csv", junk)
    assert "not an Anki package" in _bad(tmp_path, "junk.apkg", junk[1:])
    assert "Nothing was written" in _bad(tmp_path, "junk.bin", junk)


def test_pure_api_takes_bytes_and_writes_nothing(tmp_path: Path) -> None:
    data = (DATA / "quizlet-tab-newline.txt").read_bytes()
    result = import_files([Upload("set.txt", data)])
    assert set(result.files) == {"set.yaml", "sources/set.txt"}
    assert not list(tmp_path.iterdir())
    with pytest.raises(DeckError, match="cannot tell the format"):
        import_files([Upload("notes.pdf", b"%PDF-1.7 ...")])
