"""Find a question the core answers with "did you mean" choices, so tests follow the matcher."""

from __future__ import annotations

from pathlib import Path

from bot.answering.answers import Answerer, Reply
from bot.packs.loader import load_pack

CANDIDATES = (
    "communist opposition",
    "international opposition",
    "opposition",
    "left",
    "trotsky international",
)


def near_miss(answerer: Answerer) -> tuple[str, Reply]:
    """A question the answerer is unsure about, offering at least two choices."""
    for question in CANDIDATES:
        reply = answerer.ask(question)
        if not reply.answered and len(reply.alternatives) >= 2:
            return question, reply
    raise AssertionError("no question in CANDIDATES gives did-you-mean choices on this pack")


def near_miss_in(pack_dir: Path) -> tuple[str, Reply]:
    return near_miss(Answerer(load_pack(pack_dir)))
