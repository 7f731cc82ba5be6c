"""The yardsticks the bench puts beside studybot: BM25 and plain embedding search.

Each baseline ranks entries for a question and answers its top one when the score clears a
threshold, chosen on the development questions by the rule studybot's own threshold follows:
the most right answers with at most 2 % wrong. Each has an `ask` shaped like `Answerer.ask` as far
as `bot.answering.evaluate.evaluate` looks, so all three methods are scored by the same code.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from bot.answering.answers import Answerer
from bot.packs.model import Pack

MAX_WRONG = 0.02
"""The share of wrong answers a threshold may allow on the development questions."""


@dataclass
class Baseline:
    """Answers a question with the top-ranked entry when its score clears `threshold`."""

    name: str
    top: Callable[[str], tuple[str, float]]
    threshold: float = -math.inf

    def ask(self, question: str) -> SimpleNamespace:
        entry, score = self.top(question)
        answered = score >= self.threshold and entry != "none"
        return SimpleNamespace(
            answer=SimpleNamespace(entry=entry) if answered else None,
            confidence=score,
            alternatives=[] if answered else [SimpleNamespace(entry=entry)],
        )

    def fit(self, questions: list[tuple[str, str]]) -> Baseline:
        """Choose the threshold on development questions: most right, at most `MAX_WRONG` wrong."""
        ranked = [(*self.top(q), expected.split("|")) for q, expected in questions]

        def score(t: float) -> tuple[int, int]:
            right = sum(
                (s >= t and e in want) or (s < t and want == ["none"]) for e, s, want in ranked
            )
            wrong = sum(s >= t and e not in want for e, s, want in ranked)
            return right, wrong

        allowed = MAX_WRONG * len(ranked)
        options = [t for t in {s for _e, s, _w in ranked} | {math.inf} if score(t)[1] <= allowed]
        self.threshold = max(options, key=lambda t: (score(t)[0], t))
        return self


def tokens(text: str) -> list[str]:
    import bm25s

    return bm25s.tokenize([text], stopwords="en", return_ids=False, show_progress=False)[0]


def bm25(pack: Pack) -> Baseline:
    """BM25 (`bm25s`) over every item's text with its entry's names; the entry of the best item."""
    import bm25s

    docs, owners = [], []
    for entry in pack.entries.values():
        for item in entry.items:
            docs.append(f"{' '.join(entry.names)}: {item.text}")
            owners.append(entry.id)
    index = bm25s.BM25()
    index.index(bm25s.tokenize(docs, stopwords="en", show_progress=False), show_progress=False)

    def top(question: str) -> tuple[str, float]:
        scores = index.get_scores(tokens(question))
        best = int(np.argmax(scores))
        return (owners[best], float(scores[best])) if scores[best] > 0 else ("none", 0.0)

    return Baseline("BM25", top)


def embedding(answerer: Answerer) -> Baseline:
    """Cosine similarity to every row studybot embeds (item texts, with names, and `asks`)."""
    matcher = answerer.matcher
    if matcher.embedder is None or matcher.semantic is None:
        raise ValueError("plain embedding search needs the semantic index (not lexical mode)")
    embedder, index = matcher.embedder, matcher.semantic
    ids = [e.id for e in answerer.pack.entries.values()]

    def top(question: str) -> tuple[str, float]:
        sims = index.similarities(embedder.encode([question])[0])
        row = int(np.argmax(sims))
        return ids[int(index.rows_entry[row])], float(sims[row])

    return Baseline("embedding", top)
