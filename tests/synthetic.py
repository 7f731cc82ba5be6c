"""A fast-to-write synthetic pack for the tests that need many items (reload heartbeats, quiz start).

Not realistic (every term ends in a unique number, text is syllable soup): it stresses size, not
matching. `studybot bench` measures on packs that read like real ones (`bot.bench.largepack`).
"""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

_SYLLABLES = (
    "ka to ri mu sen lo va dri pol ne gor ist bal vek tru mar zin ov lev ska chev rad nik "
    "bor pet ush ya kom len sta ter an el or um ex pro de re con"
).split()


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))


def synthetic_pack(items: int, folder: Path, seed: int = 7) -> Path:
    """Write a pack of about `items` items (5 per entry) with a Zipf-like vocabulary to `folder`."""
    rng = random.Random(seed)
    vocabulary = [_word(rng) for _ in range(max(2000, items // 3))]
    cum_weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocabulary))))

    def sentence(n: int) -> str:
        return " ".join(rng.choices(vocabulary, cum_weights=cum_weights, k=n))

    entries = []
    for n in range(max(1, items // 5)):
        term = f"{_word(rng)} {_word(rng)} {n}".title()
        entries.append(
            {
                "id": f"e{n}",
                "term": term,
                "kind": "concept",
                "asks": [f"what was the {term.lower()}"],
                "definition": {"text": sentence(15), "source": "s", "evidence": "e"},
                "facts": [
                    {
                        "text": f"In {rng.randint(1900, 1999)} {sentence(12)}",
                        "source": "s",
                        "evidence": "e",
                    }
                    for _ in range(4)
                ],
            }
        )
    folder.mkdir(parents=True, exist_ok=True)
    data = {
        "pack": {"name": f"synthetic {items}"},
        "sources": [
            {
                "id": "s",
                "title": "T",
                "publisher": "P",
                "url": "https://example.org",
                "kind": "test",
            }
        ],
        "entries": entries,
    }
    # JSON is YAML too, and dumping it is ~100x faster than PyYAML's pure-Python emitter.
    (folder / "pack.yaml").write_text(json.dumps(data), encoding="utf-8")
    return folder
