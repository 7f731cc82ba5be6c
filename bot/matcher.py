"""Find which entry and which item of a pack a question is about, with a confidence in [0, 1].

Two stages, so that a pack of 100,000 items still answers in milliseconds:

1. **Prefilter** with an inverted index of stemmed words. Typos are found through a delete-one
   neighbourhood of the vocabulary (so "trotksy" reaches "trotsky" without scanning every word),
   and a question's rarest words are looked up first so a common word never drags in half the pack.
2. **Score** the few candidates: how much of the question (weighted by rarity) a candidate covers,
   how much of a name the question covers, and rapidfuzz's token-set similarity of the two.

The matcher only ranks; `bot.answers` decides whether to answer, abstain or offer choices.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from bot.pack import Entry, Item, Pack
from bot.text import STOPWORDS, content_words, intent, normalise, stem, strip_mentions, words

NAME, ASK, TEXT = 0, 1, 2
"""What a document of the index is: a name of an entry, a phrasing someone asks, or item text."""

_TYPO_MIN_LEN = 5
_CANDIDATES = 60
_RERANK = 25
_ABOUT_FROM_INTENT = {"when": "when", "how-many": "how-many", "who": "who", "where": "where", "why": "why"}


@dataclass(frozen=True)
class Candidate:
    """One entry the question may be about, with the item that best answers it."""

    entry: Entry
    item: Item | None
    confidence: float


@dataclass
class _Doc:
    kind: int
    entry: int
    item: Item | None
    tokens: frozenset[str]
    weight: float  # sum of idf over tokens, for "how much of this name did the question cover"
    text: str  # normalised content text, for rapidfuzz


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class Matcher:
    """An index over one pack. Build once per pack (on load or reload); query from any task."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.entries: list[Entry] = list(pack.entries.values())
        self.docs: list[_Doc] = []
        postings: dict[str, list[int]] = defaultdict(list)
        raw: list[tuple[int, int, Item | None, list[str]]] = []
        for e_index, entry in enumerate(self.entries):
            for name in entry.names:
                raw.append((NAME, e_index, entry.definition, content_words(name) or _all_stems(name)))
            for ask in entry.asks:
                raw.append((ASK, e_index, None, content_words(ask)))
            for item in entry.items:
                for ask in item.asks:
                    raw.append((ASK, e_index, item, content_words(ask)))
                raw.append((TEXT, e_index, item, content_words(item.text)))
        for d_index, (kind, e_index, item, toks) in enumerate(raw):
            for tok in set(toks):
                postings[tok].append(d_index)
        count = max(1, len(raw))
        self.idf: dict[str, float] = {
            tok: math.log(1 + count / len(docs)) for tok, docs in postings.items()
        }
        self.max_idf = math.log(1 + count)
        for kind, e_index, item, toks in raw:
            tokset = frozenset(toks)
            self.docs.append(
                _Doc(kind, e_index, item, tokset, sum(self.idf[t] for t in tokset), " ".join(toks))
            )
        self.postings: dict[str, tuple[int, ...]] = {t: tuple(d) for t, d in postings.items()}
        self.item_tokens: dict[str, frozenset[str]] = {
            item.id: frozenset(
                [*content_words(item.text), *(w for a in item.asks for w in content_words(a))]
            )
            for entry in self.entries
            for item in entry.items
        }
        self.neighbours: dict[str, list[str]] = defaultdict(list)
        for tok in self.postings:
            if len(tok) >= _TYPO_MIN_LEN - 1 and not tok.isdigit():
                for variant in _deletes(tok):
                    self.neighbours[variant].append(tok)
                self.neighbours[tok].append(tok)

    # -- query side --------------------------------------------------------------------------

    def _variants(self, token: str) -> dict[str, float]:
        """Index words this query word may stand for, with how sure that is (1.0 = the same word)."""
        found: dict[str, float] = {}
        if token in self.postings:
            found[token] = 1.0
        if len(token) < _TYPO_MIN_LEN or token.isdigit():
            return found
        keys = {token} | _deletes(token)
        for key in keys:
            for word in self.neighbours.get(key, ()):
                if word not in found and Levenshtein.distance(word, token, score_cutoff=2) <= 2:
                    found[word] = 0.8
        return found

    def search(self, question: str, limit: int = 5) -> list[Candidate]:
        """Rank entries for a question, best first, each with its best item."""
        text = strip_mentions(question)
        query = list(dict.fromkeys(content_words(text)))
        if not query:
            return []
        want = intent(text)
        variants = {tok: self._variants(tok) for tok in query}
        weights = {
            tok: max((self.idf[v] for v in variants[tok]), default=self.max_idf) for tok in query
        }
        total = sum(weights.values())

        # Gather candidates from the rarest words first; common words only score what is found.
        order = sorted(query, key=lambda t: -weights[t])
        candidates: set[int] = set()
        for tok in order:
            for word in variants[tok]:
                candidates.update(self.postings[word])
            if len(candidates) >= _CANDIDATES * 40:
                break
        if not candidates:
            return []

        scored: list[tuple[float, int]] = []
        for d_index in candidates:
            doc = self.docs[d_index]
            hit = 0.0
            for tok in query:
                best = 0.0
                for word, sure in variants[tok].items():
                    if word in doc.tokens and sure > best:
                        best = sure
                hit += weights[tok] * best
            q_cov = hit / total
            if doc.kind == TEXT:
                score = 0.8 * q_cov
            else:
                covered = sum(
                    self.idf[w] for w in doc.tokens if any(w in variants[t] for t in query)
                )
                d_cov = covered / doc.weight if doc.weight else 0.0
                score = (0.55 * q_cov + 0.45 * d_cov) if doc.kind == NAME else 0.9 * (
                    0.5 * q_cov + 0.5 * d_cov
                )
            scored.append((score, d_index))
        scored.sort(reverse=True)

        # Rerank the best few with rapidfuzz so word order and near-spellings refine the order.
        qtext = " ".join(query)
        best_per_entry: dict[int, float] = {}
        best_doc_item: dict[int, list[tuple[float, Item | None]]] = defaultdict(list)
        for score, d_index in scored[:_RERANK]:
            doc = self.docs[d_index]
            if doc.kind != TEXT:
                sim = fuzz.token_set_ratio(qtext, doc.text) / 100
                score = 0.85 * score + 0.15 * sim
            if score > best_per_entry.get(doc.entry, 0.0):
                best_per_entry[doc.entry] = score
            best_doc_item[doc.entry].append((score, doc.item))

        ranked = sorted(best_per_entry.items(), key=lambda kv: -kv[1])[:limit]
        out = []
        for e_index, score in ranked:
            entry = self.entries[e_index]
            item = self._best_item(entry, query, want, best_doc_item[e_index], variants)
            out.append(Candidate(entry, item, round(min(1.0, max(0.0, score)), 4)))
        return out

    def _best_item(
        self,
        entry: Entry,
        query: list[str],
        want: str,
        hits: list[tuple[float, Item | None]],
        variants: dict[str, dict[str, float]],
    ) -> Item | None:
        """Pick the item of an entry the question asks for: the dates for "when", else the best fit."""
        names = {t for n in entry.names for t in _all_stems(n)}
        rest = [t for t in query if not (set(variants[t]) & names) and t not in names]
        about = _ABOUT_FROM_INTENT.get(want)
        best: tuple[float, int, Item | None] = (-1.0, 0, entry.definition)
        doc_score = {id(i): s for s, i in hits if i is not None}
        for order, item in enumerate(entry.items):
            toks = self.item_tokens[item.id]
            weight = sum(self.idf.get(t, self.max_idf) for t in rest) or 1.0
            cover = sum(
                self.idf.get(t, self.max_idf)
                for t in rest
                if t in toks or any(v in toks for v in variants[t])
            ) / weight if rest else 0.0
            score = cover + 0.3 * doc_score.get(id(item), 0.0)
            item_about = item.about or _guess_about(item)
            if about and item_about == about:
                score += 0.35
            if item.role == "definition" and not rest and want in ("what", "who"):
                score += 0.5
            if score > best[0]:
                best = (score, -order, item)
        return best[2]


def _all_stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]


def _guess_about(item: Item) -> str | None:
    toks = words(item.text)
    if any(t.isdigit() and len(t) == 4 and t[:2] in ("18", "19", "20") for t in toks):
        return "when"
    if any(t.isdigit() for t in toks):
        return "how-many"
    return None


def is_noise(question: str) -> bool:
    """True for a greeting or an empty message: nothing to look up."""
    return not [w for w in words(strip_mentions(question)) if w not in STOPWORDS]


__all__ = ["Candidate", "Matcher", "is_noise", "normalise"]
