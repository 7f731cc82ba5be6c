"""A large pack that reads like a real one, and questions for it that a member might type.

The bench needs packs of 1,000 to 100,000 items. Synthetic text (random syllable soup, a term
ending in a unique number) makes every question trivially rare-worded and flatters any index. This
one recombines the real packs' sentences: every entry gets an invented but plausible name (from
syllables, or a syllable word before a real term's head noun, "Velist theorem"), a definition and
facts taken from real items, with the source entry's name, proper nouns and years swapped. Its
questions drop and replace words of an item, add a typo, and one in five is off-topic; none is a
copy of indexed text.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from bot.answering.text import normalise
from bot.packs.loader import load_pack

SYLLABLES = (
    "ka to ri mu sen lo va dri pol ne gor is bal vek tru mar zin ov lev ska chev rad nik "
    "bor pet ush ya kom len sta ter an el or um ex pro de re con al mi sa the ron dal fen"
).split()
ENTRIES_PER_FILE = 4000
"""Entries per YAML file: a real large pack is several files, and each stays under the file cap."""

REPLACE = {
    "was": "is", "were": "are", "which": "that", "large": "big", "small": "little",
    "began": "started", "important": "main", "people": "folks", "between": "among",
    "because": "since", "used": "employed", "created": "made", "describes": "means",
    "government": "state", "several": "many", "however": "but", "called": "named",
}  # fmt: skip
OPENERS = ("", "", "what ", "what is ", "who ", "when ", "why ", "explain ", "so ", "@studybot ")
OFF_TOPIC = (
    "what is the capital of france", "how do i bake sourdough bread", "who won the 2018 world cup",
    "best pizza topping?", "how tall is mount everest", "recommend a good laptop for gaming",
    "what time is it in tokyo", "how do i fix a flat bike tyre", "who painted the mona lisa",
    "is it going to rain tomorrow", "what's a good name for a cat", "how many legs does a spider have",
    "translate hello into spanish", "what is the speed of light", "who is the drummer of the beatles",
    "how do i centre a div", "can you lend me money", "what should i cook tonight",
    "how long do you boil an egg", "why is the sky blue", "what's the best anime this season",
    "how do i get to the airport", "who invented the telephone", "how many calories in a banana",
)  # fmt: skip


@dataclass(frozen=True)
class Source:
    """One real entry to recombine: a pattern for its names, its kind, definition and facts."""

    names: re.Pattern[str]
    kind: str
    definition: str
    facts: tuple[str, ...]
    head: str
    """The last word of a real multi-word name ("opposition", "cell"), for invented names."""


def real_entries(folders: list[Path]) -> list[Source]:
    """Every entry with a definition in the given packs."""
    out = []
    for folder in folders:
        for entry in load_pack(folder).entries.values():
            if entry.definition is None:
                continue
            names = "|".join(re.escape(n) for n in sorted(entry.names, key=len, reverse=True))
            words = entry.term.split()
            out.append(
                Source(
                    re.compile(rf"\b(?:{names})\b", re.IGNORECASE),
                    entry.kind,
                    entry.definition.text,
                    tuple(f.text for f in entry.facts),
                    words[-1].lower() if len(words) > 1 and words[-1].isalpha() else "",
                )
            )
    return out


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _name(rng: random.Random, heads: list[str]) -> str:
    shape = rng.random()
    if shape < 0.35:  # a person
        return f"{_word(rng)} {_word(rng)}"
    if shape < 0.75:  # a thing named after someone or something: "Velist theorem"
        return f"{_word(rng)} {rng.choice(heads)}"
    return _word(rng)


_PROPER = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]{3,}")
_YEAR = re.compile(r"\b(1[5-9]\d\d|20[0-2]\d)\b")


def _swap(source: Source, text: str, name: str, rng: random.Random, people: list[str]) -> str:
    """A real sentence about another entry, made about `name`: names, proper nouns, years swapped."""
    text = source.names.sub(name, text)
    text = _PROPER.sub(lambda _m: rng.choice(people) if rng.random() < 0.5 else _m.group(), text)
    return _YEAR.sub(lambda m: str(int(m.group()) + rng.randint(-40, 40)), text)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def large_pack(
    items: int, folder: Path, sources: list[Path], *, seed: int = 7
) -> tuple[Path, list[tuple[str, str]]]:
    """Write a pack of exactly `items` items to `folder`; return it and (item text, entry id) pairs."""
    rng = random.Random(seed)
    corpus = real_entries(sources)
    heads = sorted({s.head for s in corpus if s.head}) or ["theory"]
    people = [_word(rng) for _ in range(500)]
    used: set[str] = set()
    entries: list[dict[str, object]] = []
    texts: list[tuple[str, str]] = []
    while len(texts) < items:
        name = _name(rng, heads)
        eid = _slug(name)
        if eid in used or not eid:
            continue
        used.add(eid)
        count = min(items - len(texts), rng.randint(2, 8))
        first = rng.choice(corpus)
        # The source entry's own facts first, so an entry stays about one thing; then others'.
        facts = [(first, t) for t in rng.sample(first.facts, min(count - 1, len(first.facts)))]
        while len(facts) < count - 1:
            other = rng.choice(corpus)
            if other.facts:
                facts.append((other, rng.choice(other.facts)))
        rows = [_swap(first, first.definition, name, rng, people)]
        rows += [_swap(src, t, name, rng, people) for src, t in facts]
        item = {"source": "real-packs"}
        entry: dict[str, object] = {
            "id": eid,
            "term": name,
            "kind": first.kind,
            "definition": {**item, "text": rows[0], "evidence": rows[0][:120]},
            "facts": [{**item, "text": t, "evidence": t[:120]} for t in rows[1:]],
        }
        entries.append(entry)
        texts.extend((t, eid) for t in rows)
    folder.mkdir(parents=True, exist_ok=True)
    head = {
        "pack": {"name": f"Generated pack, {items:,} items"},
        "sources": [
            {
                "id": "real-packs",
                "title": "Sentences recombined from studybot's packs",
                "publisher": "studybot bench",
                "url": "https://example.org/studybot-bench",
                "kind": "generated",
            }
        ],
    }
    # JSON is YAML too, and writing it is ~100x faster than PyYAML's pure-Python emitter.
    (folder / "pack.yaml").write_text(json.dumps(head), encoding="utf-8")
    for n in range(0, len(entries), ENTRIES_PER_FILE):
        chunk = {"entries": entries[n : n + ENTRIES_PER_FILE]}
        (folder / f"entries-{n // ENTRIES_PER_FILE:03d}.yaml").write_text(
            json.dumps(chunk), encoding="utf-8"
        )
    return folder, texts


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def paraphrase(text: str, rng: random.Random) -> str:
    """What a member types about an item: some words dropped or replaced, short, maybe a typo."""
    words = re.findall(r"[\w'-]+", text.lower())
    start = rng.randrange(0, max(1, len(words) - 8))
    window = words[start : start + rng.randint(4, 10)]
    kept = [REPLACE.get(w, w) for w in window if rng.random() > 0.2]
    if rng.random() < 0.4 and kept:
        n = max(range(len(kept)), key=lambda i: len(kept[i]))
        kept[n] = _typo(kept[n], rng)
    return (rng.choice(OPENERS) + " ".join(kept)).strip()


def questions_for(texts: list[tuple[str, str]], count: int, *, seed: int = 11) -> list[str]:
    """`count` questions: four in five paraphrase an item, one in five is off-topic."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < count:
        if rng.random() < 0.2:
            out.append(rng.choice(OFF_TOPIC))
            continue
        text = rng.choice(texts)[0]
        question = paraphrase(text, rng)
        content = [w for w in question.split() if len(w) >= 5]
        if content and normalise(question) not in normalise(text):
            out.append(question)
    return out
