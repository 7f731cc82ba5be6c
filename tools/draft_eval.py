"""Score a drafted pack on a question file written for another pack, without an id mapping.

A question file's `expect` names entries of the pack it was written for (the bundled pack); a
drafted pack names its entries its own way. So an answer counts as right when the drafted entry
that answered shares a name with an expected entry: its term or one of its aliases equals, after
`normalise`, the expected entry's term or one of its aliases. A `none` question is right when the
draft declines it. Anything else answered is wrong; the rest are declined.

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
    total = right = wrong = declined = 0
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
            wanted = set().union(*(names(reference.entries[e]) for e in expected.split("|")))
            ok = bool(names(draft_entries[got]) & wanted)
            wrong += not ok
        right += ok
        if not ok:
            shown = draft_entries[got].term if got != "none" else "none"
            misses.append(f"  {question!r}: expected {expected}, got {shown}")
    print(f"questions: {total}")
    print(f"right: {right} ({right / total:.1%})")
    print(f"wrong: {wrong} ({wrong / total:.1%})")
    print(f"declined: {declined}")
    if args.misses:
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
