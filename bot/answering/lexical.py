"""The lexical half of the matcher: which entries share a question's words, names and figures.

Two stages, so that a pack of 100,000 items still answers in milliseconds:

1. **Prefilter** with an inverted index of stemmed words. Typos are found through a delete-one
   neighbourhood of the vocabulary (so "trotksy" reaches "trotsky" without scanning every word),
   and a question's rarest words are looked up first so a common word never drags in half the pack.
2. **Score** the few candidates: how much of the question (weighted by rarity) a candidate covers,
   how much of a name the question covers, and rapidfuzz's token-set similarity of the two.

It is fast and precise for names, typos, rare terms and exact figures; it knows nothing of
paraphrase. `bot.answering.matcher` fuses its ranking with the semantic one, and
`bot.answering.answers` decides whether to answer, abstain or offer choices.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from bot.answering.text import (
    SOFT,
    STOPWORDS,
    Synonyms,
    content_words,
    intent,
    normalise,
    stem,
    strip_mentions,
    words,
)
from bot.packs.model import Entry, Item, Pack

NAME, ASK, TEXT = 0, 1, 2
"""What a document of the index is: a name of an entry, a phrasing someone asks, or item text."""

_TYPO_MIN_LEN = 5
_CANDIDATES = 60
_COMMON = 2000
"""A word in more documents than this finds nothing by itself: it is too common to tell."""
_RERANK = 6
OFF_INTENT = 0.9
"""A "when" or "how many" question scores an entry lower when none of its items gives a date or a
figure: "how many groups did Fürst find" is about the entry that holds the count, not her biography."""
_EXACT_INTENTS = frozenset({"when", "how-many"})
OFF_SUBJECT = 0.7
"""A phrasing that names its entry counts this much when the question does not name it."""
SOFT_WEIGHT = 0.3
"""A framing word ("happened", "role", "after") counts this fraction of its rarity."""
_ABOUT_FROM_INTENT = {
    "when": "when",
    "how-many": "how-many",
    "who": "who",
    "where": "where",
    "why": "why",
}


class Hit(NamedTuple):
    """One entry the question may be about, with its best item, as the lexical ranking sees it.

    Not a `matcher.Candidate`: the score is raw word overlap in [0, 1], not a calibrated
    probability, and the matcher takes only the entry and this score from it (it picks items and
    judges naming itself). A plain tuple: one is made per shortlisted entry per question, and
    nothing but the matcher's pooling reads it.
    """

    entry: Entry
    item: Item | None
    score: float
    named: bool = False
    """The question calls this entry by one of its names, in full."""


class _Doc(NamedTuple):
    """One indexed text. A tuple, because unpacking one is the cheapest read in the hot loop."""

    kind: int
    entry: int
    tokens: frozenset[str]
    weight: float  # sum of idf over tokens, for "how much of this name did the question cover"
    text: str  # normalised content text, for rapidfuzz
    subject: frozenset[str]  # words of a phrasing that name its own entry


@dataclass(frozen=True)
class Query:
    """What the lexical index made of a question, for scoring candidates it did not rank itself."""

    words: list[str]
    want: str
    """The kind of answer asked for: `when`, `how-many`, `who`, `where`, `why`, `how` or `what`."""
    weights: dict[str, float]
    variants: dict[str, frozenset[str]]
    unknown: float
    """The rarity-weighted share of the question made of words the pack never uses."""
    named: dict[str, float]
    """Entry id -> how fully the question names it (at least half of one of its names)."""
    cover: Callable[[frozenset[str]], tuple[float, frozenset[str]]]
    """How much of the question a set of index words answers (rarity-weighted, in [0, 1])."""


def _no_cover(tokens: frozenset[str]) -> tuple[float, frozenset[str]]:
    return 0.0, frozenset()


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class LexicalMatcher:
    """An index over one pack. Build once per pack (on load or reload); query from any task."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.synonyms = Synonyms(pack.synonyms)
        words_of = self.words_of
        self.entries: list[Entry] = list(pack.entries.values())
        self.docs: list[_Doc] = []
        self.item_tokens: dict[str, frozenset[str]] = {}
        self.item_asks: dict[str, list[frozenset[str]]] = {}
        self.item_about: dict[str, str | None] = {}
        self.name_tokens: dict[str, frozenset[str]] = {
            e.id: frozenset(t for n in e.names for t in _all_stems(n)) for e in self.entries
        }
        postings: dict[str, list[int]] = defaultdict(list)
        raw: list[tuple[int, int, list[str]]] = []
        # Two phrasings of one entry with the same words ("when did goldman die", "what year did
        # goldman die") score alike: index one, so a common word does not count it twice.
        phrasings: set[tuple[int, frozenset[str]]] = set()

        def add_ask(e_index: int, toks: list[str]) -> None:
            key = (e_index, frozenset(toks))
            if key not in phrasings:
                phrasings.add(key)
                raw.append((ASK, e_index, toks))

        for e_index, entry in enumerate(self.entries):
            for name in entry.names:
                raw.append((NAME, e_index, words_of(name) or _all_stems(name)))
            for ask in entry.asks:
                add_ask(e_index, words_of(ask))
            for item in entry.items:
                ask_words: list[str] = []
                ask_sets: list[frozenset[str]] = []
                for ask in item.asks:
                    ask_words.extend(toks := words_of(ask))
                    ask_sets.append(frozenset(toks))
                    add_ask(e_index, toks)
                text_words = words_of(item.text)
                raw.append((TEXT, e_index, text_words))
                self.item_tokens[item.id] = frozenset(text_words + ask_words)
                self.item_asks[item.id] = ask_sets
                self.item_about[item.id] = item.about or _guess_about(item)
        for d_index, (_kind, _entry, toks) in enumerate(raw):
            for tok in set(toks):
                postings[tok].append(d_index)
        count = max(1, len(raw))
        self.idf: dict[str, float] = {
            tok: math.log(1 + count / len(docs)) for tok, docs in postings.items()
        }
        self.max_idf = math.log(1 + count)
        # A word the pack never uses weighs like a middling one: it may be an everyday synonym of
        # the pack's wording as easily as a sign of another subject. The hybrid matcher also sees
        # the unknown share as a feature of its own.
        ranked = sorted(self.idf.values())
        self.unknown_idf = ranked[len(ranked) // 2] if ranked else self.max_idf
        for kind, e_index, toks in raw:
            tokset = frozenset(toks)
            subject = tokset & self.name_tokens[self.entries[e_index].id] if kind == ASK else None
            self.docs.append(
                _Doc(
                    kind,
                    e_index,
                    tokset,
                    sum(self.idf[t] for t in tokset),
                    " ".join(toks),
                    subject or frozenset(),
                )
            )
        self.postings: dict[str, tuple[int, ...]] = {t: tuple(d) for t, d in postings.items()}
        self.name_postings: dict[str, tuple[int, ...]] = {
            t: names
            for t, d in postings.items()
            if (names := tuple(i for i in d if raw[i][0] == NAME))
        }
        self.entry_word_items: dict[str, dict[str, tuple[int, ...]]] = {}
        self.entry_about_items: dict[str, dict[str, tuple[int, ...]]] = {}
        for entry in self.entries:
            by_word: dict[str, list[int]] = defaultdict(list)
            by_about: dict[str, list[int]] = defaultdict(list)
            for position, item in enumerate(entry.items):
                for word in self.item_tokens[item.id]:
                    by_word[word].append(position)
                if about := self.item_about[item.id]:
                    by_about[about].append(position)
            self.entry_word_items[entry.id] = {w: tuple(p) for w, p in by_word.items()}
            self.entry_about_items[entry.id] = {a: tuple(p) for a, p in by_about.items()}
        self.neighbours: dict[str, list[str]] = defaultdict(list)
        for tok in self.postings:
            if len(tok) >= _TYPO_MIN_LEN - 1 and not tok.isdigit():
                for variant in _deletes(tok):
                    self.neighbours[variant].append(tok)
                self.neighbours[tok].append(tok)

    def words_of(self, text: str) -> list[str]:
        """Index words of a text, with this pack's synonyms applied."""
        return content_words(text, self.synonyms)

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

    def _weight(self, token: str, variants: dict[str, float]) -> float:
        """How much a query word says about the topic: rare words most, framing words little.

        A word the pack never uses weighs like a typical pack word (see `unknown_idf`).
        """
        weight = max((self.idf[v] for v in variants), default=self.unknown_idf)
        return weight * SOFT_WEIGHT if token in SOFT else weight

    def search(self, question: str, limit: int = 5) -> list[Hit]:
        """Rank entries for a question, best first, each with its best item."""
        return self.search_with_query(question, limit)[0]

    def search_with_query(self, question: str, limit: int = 5) -> tuple[list[Hit], Query]:
        """`search`, plus what was made of the question, for the hybrid matcher's features."""
        text = strip_mentions(question)
        query = list(dict.fromkeys(self.words_of(text)))
        want = intent(text)
        variants = {tok: self._variants(tok) for tok in query}
        weights = {tok: self._weight(tok, variants[tok]) for tok in query}
        variant_sets = {tok: frozenset(found) for tok, found in variants.items()}
        total = sum(weights.values())
        unknown = (
            sum(w for tok, w in weights.items() if not variants[tok]) / total if total else 1.0
        )
        empty = Query(query, want, weights, variant_sets, unknown, {}, _no_cover)
        if not query:
            return [], empty

        # Gather candidates from the rarest words first; common words only score what is found.
        # Names are always looked at (they are few); item texts and phrasings only until the
        # rarer words have found enough of them, so "soviet" cannot pull in half a large pack.
        candidates: set[int] = set()
        for tok in query:
            for word in variants[tok]:
                candidates.update(self.name_postings.get(word, ()))
        gathered = 0
        for word in sorted(
            {w for tok in query for w in variants[tok]}, key=lambda w: len(self.postings[w])
        ):
            found = self.postings[word]
            if gathered and (gathered + len(found) > 2 * _CANDIDATES or len(found) > _COMMON):
                break  # the rest are commoner still: they only score what rarer words found
            candidates.update(found)
            gathered += len(found)
        if not candidates:
            return [], empty

        # Which query words each index word stands for, and how surely; one set holds them all
        # so that matching a document is a single C-level set intersection.
        stands_for: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for tok in query:
            for word, sure in variants[tok].items():
                stands_for[word].append((tok, sure))
        vocabulary = frozenset(stands_for)

        # For the rough cut of item texts, a word's share of the question (a typo and its
        # correction both present could count twice; the exact `cover` decides later).
        share = {
            w: max(weights[t] * sure for t, sure in pairs) / total
            for w, pairs in stands_for.items()
        }
        # Most index words stand for one query word that no other index word stands for: a
        # document matching only such words covers the plain sum of their shares, with no
        # per-document bookkeeping. `tangled` holds the rest (typo neighbours of one another).
        owners: dict[str, int] = defaultdict(int)
        for pairs in stands_for.values():
            for tok, _sure in pairs:
                owners[tok] += 1
        tangled = frozenset(
            w
            for w, pairs in stands_for.items()
            if len(pairs) > 1 or any(owners[tok] > 1 for tok, _sure in pairs)
        )

        def cover(tokens: frozenset[str]) -> tuple[float, frozenset[str]]:
            """How much of the question (rarity-weighted) these words answer, and which words hit."""
            matched = tokens & vocabulary
            if not matched:
                return 0.0, matched
            if matched.isdisjoint(tangled):
                return sum(share[w] for w in matched), matched
            best: dict[str, float] = {}
            for word in matched:
                for tok, sure in stands_for[word]:
                    if sure > best.get(tok, 0.0):
                        best[tok] = sure
            return sum(weights[t] * v for t, v in best.items()) / total, matched

        # Per entry: the best name it was called by, the best phrasing, the best item text.
        name_hit: dict[int, tuple[float, float, frozenset[str]]] = {}
        ask_hit: dict[int, float] = {}
        text_hit: dict[int, float] = {}
        qtext = " ".join(query)
        idf = self.idf
        both = {w: (share[w], idf[w]) for w in stands_for}
        text_kind, name_kind, off_subject = TEXT, NAME, OFF_SUBJECT
        similarity = fuzz.token_sort_ratio
        docs = self.docs
        for d_index in candidates:
            kind, entry, tokens, doc_weight, doc_text, subject = docs[d_index]
            matched = tokens & vocabulary
            if kind == text_kind:
                rough_cov = 0.0
                for word in matched:
                    rough_cov += share[word]
                if rough_cov > text_hit.get(entry, 0.0):
                    text_hit[entry] = rough_cov
                continue
            if matched.isdisjoint(tangled):  # the common case, inlined: the matcher's hot spot
                q_cov = d_sum = 0.0
                for word in matched:
                    word_share, word_idf = both[word]
                    q_cov += word_share
                    d_sum += word_idf
            else:
                q_cov = cover(tokens)[0]
                d_sum = sum(idf[w] for w in matched)
            d_cov = d_sum / doc_weight if doc_weight else 0.0
            if kind == name_kind:
                if d_cov + q_cov > sum(name_hit.get(entry, (0.0, 0.0))[:2]):
                    name_hit[entry] = (d_cov, q_cov, tokens)
            else:
                # "what was trotsky's birth name" is no answer to "where was stalin born"
                factor = off_subject if subject and subject.isdisjoint(matched) else 1.0
                score = (0.6 * q_cov + 0.25 * d_cov) * factor
                best = ask_hit.get(entry, 0.0)
                if score + 0.15 * factor <= best:
                    continue  # even a perfect string match could not beat this entry's best
                # token_sort, not token_set: a question that merely *contains* a phrasing
                # ("who was trotsky's wife" ⊃ "who was trotsky") must not score as that phrasing.
                score += 0.15 * factor * similarity(qtext, doc_text) / 100
                if score > best:
                    ask_hit[entry] = score

        # A first cut on cheap figures, then the full entry score for the few that remain.
        rough = {
            e: max(
                sum(name_hit.get(e, (0.0, 0.0))[:2]) / 2,
                ask_hit.get(e, 0.0),
                0.8 * text_hit.get(e, 0.0),
            )
            for e in set(name_hit) | set(ask_hit) | set(text_hit)
        }
        shortlist = sorted(rough, key=lambda e: -rough[e])[:_RERANK]
        # When the question names an entry outright, another entry that only *mentions* the same
        # words in passing is less likely to be what is asked about.
        someone_named = any(hit[0] >= 0.99 for hit in name_hit.values())
        results: list[tuple[float, int, Item | None, bool]] = []
        for e_index in shortlist:
            entry = self.entries[e_index]
            named, name_share, name_tokens = name_hit.get(e_index, (0.0, 0.0, frozenset()))
            if named < 0.5:
                named, name_share, name_tokens = 0.0, 0.0, frozenset()
            item = self._best_item(entry, query, want, variants, name_tokens, weights, variant_sets)
            item_tokens = self.item_tokens[item.id] if item else frozenset()
            joint = cover(item_tokens | name_tokens)[0]
            # Being named counts (0.2 for how fully, 0.2 for how much of the question the name
            # is); the rest is how much of the question the name and the chosen item explain.
            named_score = 0.6 * joint + 0.2 * named + 0.2 * name_share
            passing = 0.8 * joint * (0.85 if someone_named else 1.0)
            score = max(named_score if named else passing, ask_hit.get(e_index, 0.0))
            if want in _EXACT_INTENTS and (item is None or self.item_about[item.id] != want):
                score *= OFF_INTENT
            results.append((score, -e_index, item, named >= 0.99))
        results.sort(key=lambda r: (r[0], r[1]), reverse=True)
        named_entries = {self.entries[e].id: hit[0] for e, hit in name_hit.items() if hit[0] >= 0.5}
        return [
            Hit(self.entries[-neg], item, round(min(1.0, max(0.0, score)), 4), full_name)
            for score, neg, item, full_name in results[:limit]
        ], Query(query, want, weights, variant_sets, unknown, named_entries, cover)

    def _best_item(
        self,
        entry: Entry,
        query: list[str],
        want: str,
        variants: dict[str, dict[str, float]],
        name_tokens: frozenset[str],
        query_weights: dict[str, float],
        variant_sets: dict[str, frozenset[str]],
    ) -> Item | None:
        """Pick the item of an entry the question asks for: the dates for "when", else the best fit."""
        names = name_tokens | self.name_tokens[entry.id]
        rest = [t for t in query if t not in names and names.isdisjoint(variant_sets[t])]
        about = _ABOUT_FROM_INTENT.get(want)
        # index word -> (rest word index, sureness), so an item is scored by one set intersection
        stands_for: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for n, tok in enumerate(rest):
            for word, sure in variants[tok].items():
                stands_for[word].append((n, sure))
        vocabulary = frozenset(stands_for)
        rest_words = [variant_sets[t] for t in rest]
        weights = [query_weights[t] for t in rest]
        weight = sum(weights) or 1.0
        items = entry.items
        # Only items that share a word with the question, or answer its kind of question, or
        # the definition can win; a 40-fact entry need not be walked for each question.
        word_items = self.entry_word_items[entry.id]
        positions = {i for word in vocabulary for i in word_items.get(word, ())}
        if about:
            positions.update(self.entry_about_items[entry.id].get(about, ()))
        if entry.definition is not None:
            positions.add(0)
        best: tuple[float, int, Item | None] = (-1.0, 0, entry.definition)
        for order in sorted(positions):
            item = items[order]
            score = 0.0
            matched = self.item_tokens[item.id] & vocabulary
            if matched:
                hits = [0.0] * len(rest)
                for word in matched:
                    for n, sure in stands_for[word]:
                        if sure > hits[n]:
                            hits[n] = sure
                score = sum(w * h for w, h in zip(weights, hits, strict=True)) / weight
                # a phrasing of this very item that covers the rest of the question (only
                # possible when the item's words, which include its phrasings', cover it all)
                if all(hits) and any(
                    all(not ask.isdisjoint(words) for words in rest_words)
                    for ask in self.item_asks[item.id]
                ):
                    score += 0.2
            if about and self.item_about[item.id] == about:
                score += 0.35
            if item.role == "definition" and not rest and want in ("what", "who"):
                score += 0.5
            if score > best[0]:
                best = (score, -order, item)
        if best[2] is None and items:
            return items[0]
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


__all__ = ["Hit", "LexicalMatcher", "Query", "is_noise", "normalise"]
