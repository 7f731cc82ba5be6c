"""A generated pack that pushes every Discord limit: long names, long texts, many entries, many
differing claims. Written to a temporary folder by the tests that need it."""

from __future__ import annotations

from pathlib import Path

import yaml

WORDS = ["revolution", "party", "congress", "opposition", "faction", "committee", "programme"]


def long_text(n: int, seed: int) -> str:
    words = [WORDS[(seed + i) % len(WORDS)] for i in range(400)]
    return " ".join(words)[:n].rstrip()


def write_big_pack(folder: Path, entries: int = 60, claims: int = 12) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    sources = [
        {
            "id": f"src-{n}",
            "title": f"Source number {n} " + "with a very long title " * 8,
            "publisher": f"Publisher {n}",
            "url": f"https://example.org/source/{n}",
            "kind": "encyclopedia",
        }
        for n in range(claims + 40)
    ]
    rows = []
    for n in range(entries):
        rows.append(
            {
                "id": f"alpha-topic-{n}",
                "term": f"Alpha topic {n} " + "extremely long name " * 20,
                "aliases": [f"alpha alias {n} " + "padding " * 20],
                "kind": "concept",
                "tags": [f"topic-{n % 30}"],
                "related": [f"alpha-topic-{(n + k) % entries}" for k in range(1, 30)],
                "definition": {
                    "text": long_text(1000, n),
                    "source": "src-0",
                    "evidence": long_text(300, n + 1),
                },
            }
        )
    rows.append(
        {
            "id": "disputed",
            "term": "Disputed matter",
            "kind": "event",
            "tags": ["disputes"],
            "definition": {
                "text": "A matter the sources disagree on.",
                "source": "src-0",
                "evidence": "disagree",
            },
            "facts": [
                {
                    "text": f"Claim {n}: " + long_text(990, n),
                    "source": f"src-{n}",
                    "evidence": long_text(300, n),
                    "about": "when",
                    "differs": "disputed-date",
                    "asks": ["when did the disputed matter happen"] if n == 0 else [],
                }
                for n in range(claims)
            ],
        }
    )
    data = {
        "pack": {"name": "Big limits pack", "description": "Pushes every Discord limit."},
        "sources": sources,
        "entries": rows,
    }
    (folder / "pack.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, width=10_000))
    return folder
