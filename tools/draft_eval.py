"""Score a drafted pack on a question file written for another pack, without an id mapping.

A question file's `expect` names entries of the pack it was written for (the bundled pack); a
drafted pack names its entries its own way. So an answer counts as right when the drafted entry
that answered shares a name with an expected entry (its term or one of its aliases equals, after
`normalise`, the expected entry's term or one of its aliases), or when the drafted answer cites the
same words of the same document as an item of an expected entry (one evidence contains the other,
or they share a run of `SHARED_WORDS` words, after `normalise`): the bundled pack splits a
person's critique or a party's ban into entries of their own, the draft keeps the sentence with its
subject, and the member gets the same sourced sentence either way. Both counts are printed, so the
name-only figure stays comparable with earlier runs. A `none` question is right when the draft
declines it. Anything else answered is wrong; the rest are declined.

    STUDYBOT_DATA=/tmp/draft-data python tools/draft_eval.py tests/questions.yaml \
        --draft /tmp/draft --reference knowledge [--misses]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.answering.evaluate import load_questions
from bot.answering.text import normalise
from bot.packs.cache import open_answerer
from bot.packs.loader import load_pack
from bot.packs.model import Entry
from bot.settings import Settings

SHARED_WORDS = 8
"""Two excerpts that share this many words in a row quote the same passage."""


def same_passage(one: str, other: str) -> bool:
    """Whether two evidence excerpts quote the same words of a document (see the module doc)."""
    a, b = normalise(one), normalise(other)
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    words = a.split()
    runs = {" ".join(words[i : i + SHARED_WORDS]) for i in range(len(words) - SHARED_WORDS + 1)}
    return any(run in b for run in runs)


def names(entry: Entry) -> set[str]:
    """The normalised names an entry goes by, with a leading "the" dropped."""
    out = set()
    for name in (entry.term, *entry.aliases):
        key = normalise(name)
        out.add(key[4:] if key.startswith("the ") else key)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", type=Path)
    parser.add_argument("--draft", type=Path, required=True, help="the drafted pack")
    parser.add_argument("--reference", type=Path, default=Path("knowledge"))
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()

    reference = load_pack(args.reference)
    settings = Settings.from_env(knowledge=str(args.draft))
    answerer = open_answerer(settings)
    draft_entries = answerer.pack.entries
    total = right = wrong = declined = by_passage = 0
    misses = []
    for question, expected in load_questions(args.questions):
        reply = answerer.ask(question)
        got = reply.answer.entry if reply.answer else "none"
        total += 1
        if expected == "none" or got == "none":
            ok = expected == got
            declined += got == "none" and not ok
            wrong += got != "none" and not ok
        else:
            expected_entries = [reference.entries[e] for e in expected.split("|")]
            wanted = set().union(*(names(e) for e in expected_entries))
            ok = bool(names(draft_entries[got]) & wanted)
            if not ok and reply.answer is not None:
                cited = (reply.answer.evidence, reply.answer.text)
                ok = any(
                    same_passage(item.evidence, quote)
                    for entry in expected_entries
                    for item in entry.items
                    for quote in cited
                )
                by_passage += ok
            wrong += not ok
        right += ok
        if not ok:
            shown = draft_entries[got].term if got != "none" else "none"
            misses.append(f"  {question!r}: expected {expected}, got {shown}")
    print(f"questions: {total}")
    print(f"right: {right} ({right / total:.1%})")
    by_name = right - by_passage
    print(f"  by name: {by_name} ({by_name / total:.1%}); by the same passage: {by_passage}")
    print(f"wrong: {wrong} ({wrong / total:.1%})")
    print(f"declined: {declined}")
    if args.misses:
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
