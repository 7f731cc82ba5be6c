"""`kb draft`: sourced entries from Markdown, HTML and plain text that pass `kb check --against`."""

from __future__ import annotations

from pathlib import Path

from import_helpers import studybot

from bot.packs.draft import Document, draft
from bot.packs.loader import load_pack

NOTES = """# Cell biology

## Mitosis

**Mitosis** is a kind of cell division that gives two identical cells. Walther Flemming
described it in 1882.

## Meiosis

Meiosis is the division that makes gametes. It halves the number of chromosomes from 46 to 23.
"""

PAGE = """<!doctype html><html><head><title>x</title><script>var a = 1;</script></head><body>
<nav>Home | About</nav>
<h1>Photosynthesis</h1>
<p><b>Photosynthesis</b> is the process by which plants turn light into chemical energy.
Jan Ingenhousz showed in 1779 that light is needed.</p>
<p>The <strong>Calvin cycle</strong> is a set of reactions that fix carbon dioxide.</p>
</body></html>"""


def _check(tmp_path: Path, name: str, text: str, *flags: str) -> Path:
    doc = tmp_path / name
    doc.write_text(text, encoding="utf-8")
    out = tmp_path / "draft"
    run = studybot("kb", "draft", str(doc), "--out", str(out), *flags)
    assert run.returncode == 0, run.stderr
    check = studybot("kb", "check", str(out), "--against", str(out / "sources"))
    assert check.returncode == 0, check.stdout + check.stderr
    return out


def test_markdown_headings_bold_definitions_and_dated_facts(tmp_path: Path) -> None:
    out = _check(tmp_path, "cells.md", NOTES, "--source-title", "Cell notes")
    pack = load_pack(out)
    mitosis = pack.entries["mitosis"]
    assert mitosis.definition.text.startswith("Mitosis is a kind of cell division")
    assert any("1882" in f.text for f in mitosis.facts)
    assert any(q.answers == ("1882",) and q.kind == "year" for q in pack.quiz)
    assert pack.entries["meiosis"].definition.evidence.startswith("Meiosis is the division")
    assert pack.sources["cell-notes"].title == "Cell notes"
    yaml_text = (out / "draft-cell-notes.yaml").read_text()
    assert 'term: "Mitosis"' in yaml_text


def test_html_page_skips_scripts_and_navigation(tmp_path: Path) -> None:
    out = _check(tmp_path, "page.html", PAGE, "--source-url", "https://example.org/p")
    pack = load_pack(out)
    assert pack.entries["photosynthesis"].definition.text.startswith(
        "Photosynthesis is the process"
    )
    assert pack.entries["calvin-cycle"].definition is not None
    text = (out / "sources" / "photosynthesis.txt").read_text()
    assert "var a" not in text and "Home | About" not in text


def test_plain_text_marks_guesses_as_unsure() -> None:
    text = "Glycolysis is a pathway that splits glucose.\n\nIt was worked out by 1940 in full.\n"
    result = draft([Document("bio.txt", text, "Bio")])
    yaml_text = result.files["draft-bio.yaml"]
    assert "# unsure: term taken from the sentence's subject" in yaml_text
    assert result.definitions == 1


def test_unreadable_document_is_refused(tmp_path: Path) -> None:
    doc = tmp_path / "x.txt"
    doc.write_bytes(b"\xff\xfe\x00junk")
    run = studybot("kb", "draft", str(doc), "--out", str(tmp_path / "d"))
    assert run.returncode == 1 and "not UTF-8" in run.stderr
    assert not (tmp_path / "d").exists()


ARTICLE = """The Grand Loop Railway (GLR) was a narrow-gauge line that circled the valley.

Construction began in 1871 under the engineer Maria Kovalenko. Maria Kovalenko, a surveyor from
the coast, chose the route along the river. The Grand Loop Railway carried 12,000 passengers in
its first year. Kovalenko later wrote "The Iron Circle of the Valley" about the work.

By 1903 the Grand Loop Railway had been extended to the harbour. Kovalenko retired in 1905.
"""


def test_plain_article_names_aliases_dates_and_evidence(tmp_path: Path) -> None:
    out = _check(tmp_path, "article.txt", ARTICLE, "--source-title", "Valley history")
    pack = load_pack(out)
    by_term = {e.term: e for e in pack.entries.values()}
    railway = by_term["Grand Loop Railway"]
    assert "GLR" in railway.aliases
    assert railway.definition.text.startswith("The Grand Loop Railway (GLR) was a narrow-gauge")
    assert any(f.about == "when" and "1903" in f.text for f in railway.facts)
    assert any(f.about == "how-many" and "12,000" in f.text for f in railway.facts)
    person = by_term["Maria Kovalenko"]
    assert "Kovalenko" in person.aliases  # the surname alone is the same person, not an entry
    assert person.definition.text.startswith("Maria Kovalenko, a surveyor")
    assert any("1905" in f.text for f in person.facts)
    assert "The Iron Circle of the Valley" in by_term
    for item in pack.items():  # every evidence is a verbatim stretch of the article
        assert " ".join(item.evidence.split()) in " ".join(ARTICLE.split())
        assert len(item.evidence) <= 300


def test_the_drafter_holds_no_subject_words() -> None:
    """The drafter works for any subject: its code names no term of the bundled pack's subject."""
    code = (Path(__file__).parents[2] / "bot" / "packs" / "draft.py").read_text().lower()
    for word in ("stalin", "trotsky", "soviet", "bolshevik", "opposition", "lenin", "marx"):
        assert word not in code
