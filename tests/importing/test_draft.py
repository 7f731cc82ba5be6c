"""`kb draft`: sourced entries from Markdown, HTML and plain text that pass `kb check --against`."""

from __future__ import annotations

from pathlib import Path

import pytest
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


def _drafted(text: str, stem: str, title: str) -> str:
    """The YAML drafted from one plain-text document `<stem>.txt` titled `title`."""
    return draft([Document(f"{stem}.txt", text, title)]).files[f"draft-{stem}.yaml"]


def _entry(yaml_text: str, term: str) -> str:
    """The drafted YAML of the entry called `term`, up to the next entry."""
    return yaml_text.split(f'term: "{term}"')[1].split("\n  - id:")[0]


LAYOUT_AND_NAMES = [
    pytest.param(
        'The planners argued for a "third route" between the hills. The "third route" was never'
        " built.\n",
        ['term: "third route"'],
        [],
        id="a quoted coined term may start with an ordinal",
    ),
    pytest.param(
        "The Harbour Board met in 1869. The Harbour Board chose the route. Maria Kovalenko"
        " surveyed it. Maria Kovalenko wrote the report.\n\n"
        "The chair of the Harbour Board Maria Kovalenko resigned in 1875.\n",
        ['term: "Harbour Board"', 'term: "Maria Kovalenko"'],
        ['term: "Harbour Board Maria Kovalenko"'],
        id="two names side by side are no name of their own",
    ),
    pytest.param(
        "The Harbour Board met in 1869.\n\nOther groups\n\nOther groups were also named:"
        " the Dock group and the Pier group, but little is known about the groups.\n",
        [],
        ['term: "group"', 'term: "groups"'],
        id="a heading that is a common noun once trimmed is no entry",
    ),
    pytest.param(
        "The Harbour Board met in 1869. The Harbour Board chose the route (HBR). [57] : 31"
        " Members of the Harbour Board were often farmers. It had twelve members.\n",
        ['text: "Members of the Harbour Board were often farmers."'],
        ['term: "Members of the Harbour Board"'],
        id="a footnote mark with its page ends a sentence",
    ),
    pytest.param(
        "Realism is a style of painting that shows life as it is. Realism spread from France."
        " In 1855 the Realist Royal Academy Circle showed its pictures.\n",
        ['term: "Royal Academy Circle"'],
        ['term: "Realist Royal Academy Circle"'],
        id="an adjective of a doctrine is no part of the name after it",
    ),
    pytest.param(
        "Maria Kovalenko surveyed the valley in 1869. Had she changed her mind, or had the"
        " board? Maria Kovalenko never said.\n",
        [],
        ["Had she changed her mind"],
        id="a question in the text is no fact",
    ),
]
"""Small documents, what their draft must hold and must not: one rule each."""


@pytest.mark.parametrize(("text", "present", "absent"), LAYOUT_AND_NAMES)
def test_drafting_rules_on_small_documents(
    text: str, present: list[str], absent: list[str]
) -> None:
    yaml_text = _drafted(text, "line", "Line")
    for wanted in present:
        assert wanted in yaml_text, wanted
    for unwanted in absent:
        assert unwanted not in yaml_text, unwanted


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


VOYAGE = """Charles Darwin was an English naturalist. Darwin sailed on the survey ship with Robert FitzRoy in 1831. He published On the Origin of Species in 1859.

Robert FitzRoy was a naval officer and a pioneer of weather forecasting. FitzRoy commanded the survey ship from 1828. FitzRoy founded a weather office in 1854. FitzRoy became governor of the colony in 1843.

The Great Exhibition (Crystal Palace Exhibition) was an international fair held in London in 1851. The Great Exhibition drew six million visitors to its glass hall. Darwin visited the Great Exhibition with his children.

The Impressionists were a circle of painters who exhibited together in Paris. An Impressionist painted outdoors, and the Impressionists showed their work in 1874.

Impressionism is a style of painting that records the light of a moment. Impressionism spread from France.

Lady Augusta Ada King, better known as Ada Lovelace, was an English mathematician. Lovelace wrote the first published program for a calculating engine in 1843, a table of steps that computed Bernoulli numbers on a machine that was never built, which she described at length in notes that ran to three times the length of the paper they accompanied, and which later readers took as the first account of what a general-purpose computer could do beyond arithmetic.
"""


def _by_term(tmp_path: Path) -> tuple[dict, Path]:
    out = _check(tmp_path, "voyage.txt", VOYAGE, "--source-title", "Voyages")
    return {e.term: e for e in load_pack(out).entries.values()}, out


def test_a_sentence_is_a_fact_of_its_subject_not_of_every_name(tmp_path: Path) -> None:
    by_term, out = _by_term(tmp_path)
    darwin, fitzroy = by_term["Charles Darwin"], by_term["Robert FitzRoy"]
    assert "Darwin" in darwin.aliases and "FitzRoy" in fitzroy.aliases
    sailed = "Darwin sailed on the survey ship with Robert FitzRoy in 1831."
    assert sailed in [f.text for f in darwin.facts]
    # FitzRoy is named but is not what it is about: his entry may keep it (he is the subject
    # of few sentences), after his own facts and marked for the editor, never as his own
    assert [f.text for f in fitzroy.facts][-1] == sailed
    yaml_text = (out / "draft-voyages.yaml").read_text()
    darwin_part, fitzroy_part = yaml_text.split('term: "Robert FitzRoy"')
    unsure = "# unsure: names it, but is about something else"
    assert f'{unsure}\n      - text: "{sailed}"' in fitzroy_part
    assert f'{unsure}\n      - text: "{sailed}"' not in darwin_part
    # "He ..." goes on with the subject of the sentence before
    assert "He published On the Origin of Species in 1859." in [f.text for f in darwin.facts]
    assert [f.about for f in darwin.facts if "1859" in f.text] == ["when"]
    assert len([f for f in fitzroy.facts if f.text.startswith("FitzRoy ")]) == 3


def test_a_named_event_is_its_own_entry_with_its_sentences(tmp_path: Path) -> None:
    by_term, _ = _by_term(tmp_path)
    fair = by_term["Great Exhibition"]
    assert "Crystal Palace Exhibition" in fair.aliases
    assert fair.definition.text.startswith("The Great Exhibition (Crystal Palace Exhibition) was")
    visitors = "The Great Exhibition drew six million visitors to its glass hall."
    assert [f.about for f in fair.facts if f.text == visitors] == [None]
    assert visitors not in [f.text for f in by_term["Charles Darwin"].facts]


def test_canonical_names_and_generated_asks(tmp_path: Path) -> None:
    by_term, _ = _by_term(tmp_path)
    # a plural group name in the singular, the plural kept as an alias; an adherent ("-ist")
    # is one entry with the "-ism" it follows
    assert "Impressionists" not in by_term and "Impressionist" not in by_term
    movement = by_term["Impressionism"]
    assert {"Impressionist", "Impressionists"} <= set(movement.aliases)
    assert movement.definition.text.startswith("Impressionism is a style of painting")
    assert any("1874" in f.text for f in movement.facts)
    # "X, better known as Y": members type Y
    ada = by_term["Ada Lovelace"]
    assert "Lady Augusta Ada King" in ada.aliases
    # phrasings made from the drafted sentences: who/what by the pronouns, when by the date
    assert "who was Charles Darwin" in by_term["Charles Darwin"].asks
    assert "what was the Great Exhibition" in by_term["Great Exhibition"].asks
    founded = next(f for f in by_term["Robert FitzRoy"].facts if "1854" in f.text)
    assert founded.asks == ("when Robert FitzRoy founded a weather office",)


def test_evidence_is_verbatim_whole_words_within_the_limit(tmp_path: Path) -> None:
    by_term, _ = _by_term(tmp_path)
    flat = " ".join(VOYAGE.split())
    items = [i for e in by_term.values() for i in e.items]
    assert any(len(i.text) > 300 for i in items)  # the long sentence is kept as the text ...
    for item in items:
        evidence = " ".join(item.evidence.split())
        at = flat.find(evidence)
        assert at >= 0 and len(evidence) <= 300  # ... and its evidence cut to fit, verbatim
        before = flat[at - 1] if at else " "
        after = flat[at + len(evidence)] if at + len(evidence) < len(flat) else " "
        assert not before.isalnum() and not after.isalnum(), evidence  # never mid-word
    long_one = next(i for i in items if len(i.text) > 300)
    assert "1843" in long_one.evidence  # the clauses around what it is about


ARTICLE_WITH_TITLE = """= Hanseatic League of Cities =

Hanseatic League of Cities
- Seat: Lübeck and the Baltic ports

The Hanseatic League, also known as the Hansa, was a medieval alliance of merchant guilds. The league traded across the Baltic Sea from 1356.
"""


def test_an_articles_title_and_its_opening_name_are_one_entry(tmp_path: Path) -> None:
    out = _check(tmp_path, "hansa.txt", ARTICLE_WITH_TITLE, "--source-title", "Hansa")
    by_term = {e.term: e for e in load_pack(out).entries.values()}
    league = by_term["Hanseatic League"]
    assert "Hanseatic League of Cities" not in by_term
    assert {"Hansa", "Hanseatic League of Cities"} <= set(league.aliases)
    # "The league ..." goes on with the article's subject
    assert "The league traded across the Baltic Sea from 1356." in [f.text for f in league.facts]


PARAGRAPHS = """The Grand Loop Railway was a narrow-gauge line that circled the valley. Maria Kovalenko surveyed its route. In 1890, the surveyors doubled the estimate.

During the floods, critics of Maria Kovalenko were silenced. Work on the line stopped for a year.
"""


def test_every_sentence_lands_under_an_entry() -> None:
    """A sentence whose subject names no entry goes on with the paragraph's subject, else with
    the first entry it names; no claim of the documents is left out of the draft."""
    yaml_text = _drafted(PARAGRAPHS, "line", "Line")
    person = yaml_text.split('term: "Maria Kovalenko"')[1]
    went_on = "# unsure: its subject names no entry; goes on from the sentence before"
    assert f'{went_on}\n      - text: "In 1890, the surveyors doubled the estimate."' in person
    # no subject and no paragraph before it: the entry it names keeps it
    assert "critics of Maria Kovalenko were silenced" in person
    assert f'{went_on}\n      - text: "Work on the line stopped for a year."' in person


def test_footnote_marks_end_a_sentence_and_a_sentence_start_name_is_kept() -> None:
    text = (
        'Maria Kovalenko said the line was "the best in the valley." [8] Maria Kovalenko retired'
        " in 1905. [9]\n\nHotel Bristol, Harbour Town - the site of the opening banquet\n\n"
        "The engineers met at a hotel by the river, the Hotel Bristol, in 1871.\n"
    )
    yaml_text = _drafted(text, "line", "Line")
    # pysbd reads `... valley." [8] Maria ...` as one sentence; the footnote mark ends it
    assert 'text: "Maria Kovalenko retired in 1905."' in yaml_text
    # "Hotel" starts the caption and is written in lower case elsewhere, but "Bristol" is never
    # named without it: the name is "Hotel Bristol"
    assert 'term: "Hotel Bristol"' in yaml_text and 'term: "Bristol"' not in yaml_text


def test_a_quotation_belongs_to_the_work_and_author_its_citation_names() -> None:
    text = (
        "Maria Kovalenko surveyed the valley. Maria Kovalenko wrote about the line.\n\n"
        "“…the river will carry the trains further than any horse could carry the post.”\n\n"
        "(MK Kovalenko, Letter printed May 3rd, 1871, The Iron Road to the Sea, Harbour Press,"
        " 1978, 37-45)\n\n"
        "(Kovalenko, 369)\n\nThe survey took two years.\n\n"
        "“…the tolls will pay for the bridge within ten years.”\n\n"
        "(Second letter to the harbour board, May 1872, Ibid. 80-98)\n"
    )
    yaml_text = _drafted(text, "line", "Line")
    # a citation line in brackets is no heading; the work it names is an entry of kind work
    assert "(Kovalenko, 369)" not in yaml_text.split("entries:")[0]
    work = _entry(yaml_text, "The Iron Road to the Sea")
    assert 'kind: "work"' in work
    assert "the river will carry the trains" in work and "Letter printed May 3rd" in work
    # the author's initials and surname are the known person, who keeps the quotation too (the
    # citation line, with its pages and volume, only the work)
    person = _entry(yaml_text, "Maria Kovalenko")
    assert '"MK Kovalenko"' in person and "the river will carry the trains" in person
    assert "Letter printed" not in person and 'term: "MK Kovalenko"' not in yaml_text
    # "Ibid." cites the author of the citation before it
    assert "the tolls will pay for the bridge" in person
    assert 'term: "Second letter to the harbour board"' in yaml_text


def test_a_paragraph_cut_off_mid_sentence_goes_on_with_its_quotation() -> None:
    text = (
        "Maria Kovalenko surveyed the valley in 1869. Maria Kovalenko insisted that the route"
        " was\n\n“…the only road the river allows.”\n\nBut while they\n\n"
        "Hotel Bristol, Harbour Town - the site of the banquet\n"
    )
    yaml_text = _drafted(text, "line", "Line")
    joined = "Maria Kovalenko insisted that the route was “…the only road the river allows.”"
    assert f'text: "{joined}"' in yaml_text
    # a paragraph cut off with nothing to go on with is no claim
    assert "But while they" not in yaml_text


def test_names_introduced_by_named_and_phrasings_of_definitions() -> None:
    text = (
        "Lady Ann Vale, better known as Ann Lee, was an English surveyor. Ann Lee was proud of"
        " the line. Ann Lee hired a clerk named J. Ro. Hale, who kept the books.\n\n"
        "The Harbour Strike (May 1871) was a stoppage of the dock workers. The Harbour Strike"
        " ended after a week.\n\n"
        "Ann Lee, just before the 1880 election which made her mayor, sold the line.\n"
    )
    yaml_text = _drafted(text, "line", "Line")
    # "named J. Ro. Hale": a person, with the surname as an alias (and pysbd's cut after
    # the initials mended)
    assert 'term: "J. Ro. Hale"' in yaml_text and '"Hale"' in yaml_text
    assert "who kept the books" in yaml_text.split('term: "J. Ro. Hale"')[1]
    lee = _entry(yaml_text, "Ann Lee")
    # "was proud of" is a claim about her, not what she is: the definition stays the one that
    # says so, and it answers "what was Ann Lee's real name"
    assert "was an English surveyor" in lee.split("facts:")[0]
    assert "what was Ann Lee's real name" in lee
    assert "when was Ann Lee's election" in lee
    assert "when was the Harbour Strike" in yaml_text


def test_places_and_quoted_names_are_not_people_or_works() -> None:
    text = (
        "Eastern Europe was poor in 1900. Eastern Europe traded with Western Europe. Europe was"
        " at war in 1914.\n\n"
        "The Harbour Board met in 1869. The Harbour Board chose the route. The Harbour Board"
        ' set the fares.\n\n"Harbour Board" also found in:\n\n'
        "Critics of the Harbour Board wrote letters. He answered them all.\n"
    )
    yaml_text = _drafted(text, "line", "Line")
    east = _entry(yaml_text, "Eastern Europe")
    assert '"Europe"' not in east  # two names end with it: no surname
    board = _entry(yaml_text, "Harbour Board")
    # quoted once on a page that names it bare: a name, not a work; "He" after a sentence
    # whose subject was only guessed does not make it a person
    assert 'kind: "term"' in board


def test_review_questions_phrase_their_answers_and_page_boilerplate_is_skipped() -> None:
    text = (
        "The Harbour Board met in 1869. The Harbour Board chose the route.\n\n"
        "  • How did the Harbour Board choose the route for the new line?\n"
        "    • The Harbour Board chose the route by walking the valley with the surveyors, who"
        " marked every bend of the river, and by asking the farmers which fields flooded.\n\n"
        "© 2024 Example Guides Inc. All rights reserved.\n"
    )
    yaml_text = _drafted(text, "line", "Line")
    assert 'asks: ["How did the Harbour Board choose the route for the new line?"' in yaml_text
    assert 'text: "• How did' not in yaml_text and 'text: "How did' not in yaml_text
    assert "Example Guides" not in yaml_text.split("entries:")[1]


def test_an_infobox_list_is_one_field_a_line_and_its_fields_are_phrased() -> None:
    text = (
        "= Harbour Board of the Valley =\n\nHarbour Board of the Valley\n- Colour: blue\n"
        "- Leader: Maria Kovalenko, Ivan Petrov\n- Seat: the Old Customs House\n\n"
        "The Harbour Board, also known as the Board, was a council of ship owners. It met"
        " weekly from 1869.\n"
    )
    yaml_text = _drafted(text, "board", "Board")
    board = _entry(yaml_text, "Harbour Board")
    # the title is an alias of the entry its opening defines; the list lines are facts of
    # it under its heading, not headings, and the opening keeps its place under the title
    assert '"Harbour Board of the Valley"' in board
    assert 'text: "- Leader: Maria Kovalenko, Ivan Petrov"' in board
    assert '"leader of the Harbour Board"' in board
    assert "was a council of ship owners" in board.split("facts:")[0]


ENTRY_RULES = [
    pytest.param(
        "Charles Darwin was an English naturalist. Darwin sailed in 1831. In 1871, Charles"
        " Darwin and his son Francis Darwin measured the worms. Francis Darwin was a botanist."
        " Francis Darwin wrote about plants.\n",
        ("kin", "Kin"),
        "Francis Darwin",
        ['"Charles Darwin\'s son"'],
        [],
        id="a relative is named by kinship",
    ),
    pytest.param(
        "Maria Kovalenko surveyed the valley in 1869. Maria Kovalenko argued for the river"
        " route.\n\n"
        '"With all frankness I say the river is the only road. In my place any engineer'
        ' would choose it."\n',
        ("line", "Line"),
        "Maria Kovalenko",
        ["With all frankness I say the river is the only road."],
        [],
        id="a quotation paragraph that names no one goes on with the paragraph before",
    ),
    pytest.param(
        "Maria Ivanovna Kovalenko surveyed the valley in 1869. Maria Ivanovna Kovalenko wrote"
        " the report. In 1875 Maria Kovalenko resigned from the board.\n",
        ("line", "Line"),
        "Maria Ivanovna Kovalenko",
        ['"Maria Kovalenko"', "resigned from the board"],
        ['term: "Maria Kovalenko"'],
        id="a name without its middle name is the same person",
    ),
    pytest.param(
        "The Harbour Board met in 1869. Few records of its meetings survive, according to"
        " Petrenko. The Harbour Board chose the route.\n",
        ("line", "Line"),
        "Petrenko",
        ['kind: "person"', "Few records of its meetings survive"],
        [],
        id="a source cited by surname is a person",
    ),
    pytest.param(
        'The sheriff, William "the Kid" Bonney, rode into town in 1878. Bonney robbed the'
        " bank. Bonney fled to the hills.\n",
        ("west", "West"),
        "William Bonney",
        ['"Bonney"', 'kind: "person"'],
        [],
        id="a nickname between first and last name",
    ),
]
"""Small documents, the entry their draft must hold and what that entry must say (and what the
draft must not hold): one rule about names and people each."""


@pytest.mark.parametrize(("text", "document", "term", "in_entry", "absent"), ENTRY_RULES)
def test_drafting_rules_on_one_entry(
    text: str, document: tuple[str, str], term: str, in_entry: list[str], absent: list[str]
) -> None:
    yaml_text = _drafted(text, *document)
    for unwanted in absent:
        assert unwanted not in yaml_text, unwanted
    entry = _entry(yaml_text, term)
    for wanted in in_entry:
        assert wanted in entry, wanted
