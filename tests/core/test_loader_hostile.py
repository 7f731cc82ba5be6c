"""Hostile packs: every one ends in a `PackError` with a location, fast, never a traceback."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from bot.packs.loader import MAX_ID, MAX_TAG, PackError, SizeLimits, load_pack


def _problems(folder: Path, **kwargs) -> list[str]:
    with pytest.raises(PackError) as err:
        load_pack(folder, **kwargs)
    return [str(p) for p in err.value.problems]


@pytest.mark.parametrize(
    ("root_key", "what"),
    [("[entries, facts]", "a list"), ("{entries: x}", "a map"), ("? [1, 2]", "a complex key")],
)
def test_a_list_or_map_as_a_root_key_is_a_located_problem(make_pack, root_key, what) -> None:
    text = f"{root_key}: []\n" if not root_key.startswith("?") else f"{root_key}\n: []\n"
    problems = _problems(make_pack(text))
    assert len(problems) == 1, (what, problems)
    assert problems[0].startswith("zz-extra.yaml:1:"), problems
    assert "section name" in problems[0]


def test_an_unreadable_pack_folder_is_a_pack_error(tmp_path, monkeypatch) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "pack.yaml").write_text("pack: {name: x}\n")
    folder.chmod(0)
    try:
        if os.geteuid() == 0:
            # Root reads anything; make listing this folder fail the way it does for everyone else.
            real_iterdir = Path.iterdir

            def iterdir(self):
                if self == folder:
                    raise PermissionError(13, "Permission denied", str(self))
                return real_iterdir(self)

            monkeypatch.setattr(Path, "iterdir", iterdir)
        problems = _problems(folder)
    finally:
        folder.chmod(0o755)
    assert problems == [f"{folder}:1:1: cannot read: Permission denied"]


def test_duplicate_sections_in_one_file_are_reported(make_pack) -> None:
    folder = make_pack(
        "facts:\n"
        '  - {entry: comintern, text: "One.", source: enc, evidence: "x"}\n'
        "facts:\n"
        '  - {entry: comintern, text: "Two.", source: enc, evidence: "x"}\n'
    )
    problems = _problems(folder)
    assert problems == [
        (
            "zz-extra.yaml:3:1: facts: section given twice in this file (first at line 1); "
            "put all its items under one heading"
        )
    ]


def test_ids_and_tags_have_a_length_limit(make_pack) -> None:
    long_id = "a" * 1_000_000
    long_tag = "t" * (MAX_TAG + 1)
    folder = make_pack(
        "entries:\n"
        f"  - id: {long_id}\n"
        '    term: "Someone"\n'
        "    kind: person\n"
        f"    tags: [{long_tag}]\n"
        '    definition: {text: "x", source: enc, evidence: "x"}\n'
    )
    problems = _problems(folder)
    assert any(
        p.startswith("zz-extra.yaml:2:") and f"too long: 1000000 characters (at most {MAX_ID})" in p
        for p in problems
    ), problems
    assert any(f"(at most {MAX_TAG})" in p and "tags[0]" in p for p in problems), problems
    assert all(len(p) < 300 for p in problems)  # the id itself is never echoed


def test_size_limits_per_file_and_per_pack_say_how_to_raise_them(make_pack, monkeypatch) -> None:
    folder = make_pack("# padding\n" + "#" * 5000 + "\n")
    problems = _problems(folder, limits=SizeLimits(file_bytes=4096, pack_bytes=10**9))
    assert len(problems) == 1
    assert problems[0].startswith("zz-extra.yaml:1:1: file too large")
    assert "STUDYBOT_MAX_PACK_FILE_MB" in problems[0]

    monkeypatch.setenv("STUDYBOT_MAX_PACK_MB", "0.004")  # about 4 KB: smaller than the pack
    problems = _problems(folder)
    assert len(problems) == 1
    assert "pack too large" in problems[0] and "STUDYBOT_MAX_PACK_MB" in problems[0]

    monkeypatch.setenv("STUDYBOT_MAX_PACK_MB", "1")
    assert load_pack(folder).name == "Tiny test pack"


def test_a_large_file_is_refused_before_it_is_read(tmp_path) -> None:
    folder = tmp_path / "huge"
    folder.mkdir()
    with (folder / "pack.yaml").open("wb") as handle:  # sparse: 3 GB without the disk space
        handle.truncate(3 * 1024**3)
    started = time.perf_counter()
    file_problem, pack_problem = _problems(folder)
    assert time.perf_counter() - started < 1  # composing 3 GB would take minutes
    assert "file too large: 3,072.0 MB, over the limit of 64.0 MB per file" in file_problem
    assert "pack too large: 3,072.0 MB in 1 file(s)" in pack_problem


def test_thousands_of_unknown_references_are_reported_quickly(tmp_path) -> None:
    folder = tmp_path / "bad-refs"
    folder.mkdir()
    bad = 4000
    entries = [
        {
            "id": f"entry-{n}",
            "term": f"Entry number {n}",
            "kind": "term",
            "related": [f"missing-entry-{n}"],
            "definition": {
                "text": "x",
                "source": "src" if n % 2 else f"nosuch-{n}",
                "evidence": "x",
            },
        }
        for n in range(bad)
    ]
    data = {
        "pack": {"name": "bad refs"},
        "sources": [
            {"id": "src", "title": "T", "publisher": "P", "url": "https://e.org", "kind": "k"}
        ],
        "entries": entries,
    }
    (folder / "pack.yaml").write_text(json.dumps(data))
    started = time.perf_counter()
    problems = _problems(folder)
    elapsed = time.perf_counter() - started
    assert len(problems) == bad + bad // 2  # every bad `related`, every bad `source`
    assert elapsed < 5, f"{elapsed:.1f} s"
    # Suggestions are still made, for the first couple of hundred of each kind.
    assert "unknown entry `missing-entry-0` (did you mean `entry-" in "\n".join(problems)
