"""Loading and validation: precise errors, nothing half-loaded, and the shipped pack is valid."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.packs.loader import PackError, load_pack, pack_files
from bot.packs.schema import schema_text
from bot.settings import bundled_knowledge_dir


def _problems(folder: Path) -> list[str]:
    with pytest.raises(PackError) as err:
        load_pack(folder)
    return [str(p) for p in err.value.problems]


def test_tiny_pack_loads(tiny_pack) -> None:
    assert set(tiny_pack.entries) == {"leon-trotsky", "left-opposition", "comintern"}
    trotsky = tiny_pack.entries["leon-trotsky"]
    assert trotsky.definition is not None and trotsky.definition.id == "leon-trotsky/definition"
    assert [f.id for f in trotsky.facts] == ["leon-trotsky/1", "leon-trotsky/2"]
    assert tiny_pack.quiz[0].answers == ("1929",)


def test_yaml_syntax_error_names_file_line_and_column(make_pack) -> None:
    folder = make_pack('entries:\n  - id: broken\n    term: "unclosed\n    kind: term\n')
    problems = _problems(folder)
    assert len(problems) == 1
    assert problems[0].startswith("zz-extra.yaml:")
    line = int(problems[0].split(":")[1])
    assert 3 <= line <= 5
    assert "YAML syntax" in problems[0]


def test_unknown_key_suggests_the_closest(make_pack) -> None:
    folder = make_pack(
        "entries:\n"
        "  - id: kamenev\n"
        '    term: "Lev Kamenev"\n'
        "    kind: person\n"
        "    defintion:\n"
        '      text: "A Bolshevik."\n'
        "      source: enc\n"
        '      evidence: "x"\n'
    )
    problems = _problems(folder)
    assert any(
        p == "zz-extra.yaml:5:5: entries[0].defintion: unknown field (did you mean `definition`?)"
        for p in problems
    )


def test_item_without_source_is_an_error(make_pack) -> None:
    folder = make_pack(
        'facts:\n  - entry: comintern\n    text: "It was founded in Moscow."\n    evidence: "Moscow"\n'
    )
    assert any("facts[0].source: missing (required)" in p for p in _problems(folder))


def test_dangling_references_and_duplicates(make_pack) -> None:
    folder = make_pack(
        "entries:\n"
        "  - id: comintern\n"  # duplicate id
        '    term: "Comintern again"\n'
        "    kind: organisation\n"
        '    definition: {text: "x", source: enc, evidence: "x"}\n'
        "  - id: sedov\n"
        '    term: "Lev Sedov"\n'
        '    aliases: ["Trotsky"]\n'  # alias of another entry
        "    kind: person\n"
        "    related: [nobody]\n"  # dangling related
        '    definition: {text: "x", source: encyclopaedia, evidence: "x"}\n'  # unknown source
    )
    text = "\n".join(_problems(folder))
    assert "duplicate id `comintern` (first at pack.yaml:" in text
    assert "`Trotsky` also names entry `leon-trotsky`" in text
    assert "unknown entry `nobody`" in text
    assert "sedov.definition.source: unknown source `encyclopaedia`" in text


def test_unquoted_yes_is_not_text(make_pack) -> None:
    folder = make_pack(
        "entries:\n  - id: yes-man\n    term: yes\n    kind: term\n"
        '    definition: {text: "x", source: enc, evidence: "x"}\n'
    )
    problems = _problems(folder)
    assert any(
        "entries[0].term: expected text, got a yes/no value (put the text in double quotes)" in p
        for p in problems
    )


def test_limits_and_enums(make_pack) -> None:
    long = "w " * 200
    folder = make_pack(
        'entries:\n  - id: big\n    term: "Big"\n    kind: persn\n'
        f'    definition: {{text: "x", source: enc, evidence: "{long}"}}\n'
    )
    text = "\n".join(_problems(folder))
    assert "`persn` is not one of" in text and "(did you mean `person`?)" in text
    assert "too long: 399 characters (at most 300)" in text


def test_a_bad_pack_never_half_loads(make_pack) -> None:
    good_entry = (
        '  - id: kamenev\n    term: "Lev Kamenev"\n    kind: person\n'
        '    definition: {text: "A Bolshevik.", source: enc, evidence: "x"}\n'
    )
    folder = make_pack("entries:\n" + good_entry + "  - id: 7\n")
    with pytest.raises(PackError):
        load_pack(folder)  # the good entry is not loaded on its own


def test_missing_folder_and_empty_folder(tmp_path: Path) -> None:
    assert "no such file or folder" in _problems(tmp_path / "nope")[0]
    assert "no .yaml files" in _problems(tmp_path)[0]


def test_shipped_pack_is_valid_and_meets_the_floor() -> None:
    pack = load_pack(bundled_knowledge_dir())
    assert len(pack.entries) >= 60
    assert sum(len(e.facts) for e in pack.entries.values()) >= 250
    assert len(pack.quiz) >= 150
    for item in pack.items():
        assert item.source in pack.sources
        assert item.evidence and len(item.evidence) <= 300
    # every disagreement has at least two claims, each with its own source
    groups: dict[str, set[str]] = {}
    for item in pack.items():
        if item.differs:
            groups.setdefault(item.differs, set()).add(item.source)
    assert groups, "the sources disagree on some points; the pack must say so"
    assert all(len(sources) >= 2 for sources in groups.values()), groups


def test_every_shipped_file_is_in_the_pack() -> None:
    names = {p.name for p in pack_files(bundled_knowledge_dir())}
    assert {"pack.yaml", "sources.yaml"} <= names


def test_published_schema_matches_the_validator() -> None:
    shipped = (bundled_knowledge_dir() / "schema.json").read_text(encoding="utf-8")
    assert json.loads(shipped) == json.loads(schema_text()), (
        "run: studybot kb schema > knowledge/schema.json"
    )


def test_pack_synonyms_are_validated_and_loaded(make_pack) -> None:
    folder = make_pack("", name="zz-empty.yaml")
    pack_file = folder / "pack.yaml"
    text = pack_file.read_text()
    good = text.replace(
        '  description: "Three entries',
        '  synonyms:\n    - ["die", "Died", "pass away"]\n  description: "Three entries',
        1,
    )
    pack_file.write_text(good)
    assert load_pack(folder).synonyms == (("die", "died", "pass away"),)
    pack_file.write_text(
        text.replace(
            '  description: "Three entries',
            '  synonyms:\n    - ["alone"]\n    - "not a list"\n  description: "Three entries',
            1,
        )
    )
    problems = _problems(folder)
    assert any("pack.synonyms[0]" in p and "two or more" in p for p in problems), problems
    assert any("pack.synonyms[1]" in p for p in problems), problems
