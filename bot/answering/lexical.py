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

import functools
import hashlib
import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from bot.answering.text import (
    SOFT,
    STOPWORDS,
    Synonyms,
    content_words,
    has_date,
    intent,
    normalise,
    stem,
    strip_mentions,
    words,
)
from bot.packs.model import ABOUT, Entry, Item, Pack

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


INDEX_FORMAT = 1
"""The version of `IndexArrays`' layout: the pack cache keys stored indexes by it (and by this file)."""

_ABOUT_CODES: tuple[str | None, ...] = (None, *ABOUT)


def _key_hash(keys: Iterable[str]) -> np.ndarray:
    """Stable 64-bit hashes of typo keys (Python's `hash` changes with every process)."""
    return np.fromiter(
        (
            int.from_bytes(hashlib.blake2b(k.encode(), digest_size=8).digest(), "little")
            for k in keys
        ),
        dtype=np.uint64,
    )


def _csr(rows: Iterable[Iterable[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Lists of ints as two flat arrays: the offsets (one more than rows) and the values."""
    sizes: list[int] = [0]
    values: list[int] = []
    for row in rows:
        before = len(values)
        values.extend(row)
        sizes.append(len(values) - before)
    return np.cumsum(sizes, dtype=np.int64), np.asarray(values, dtype=np.int32)


@dataclass(frozen=True)
class IndexArrays:
    """The whole lexical index as flat numpy arrays and one word list: no per-document objects.

    Why arrays: a pack of 100,000 items made about two million small Python objects (a frozenset
    per document, dicts per item and entry) that took ~17 s to build and ~300 MB to hold. Arrays
    load from the pack cache in milliseconds (`.npz`, read with `allow_pickle=False`), and a
    question turns into Python objects only the few documents and items it touches.

    `words[:indexed]` are the index words (the ones with postings); the rest occur only in entry
    names (stopwords kept by `_all_stems`). Lists of ints are stored CSR-style: `<name>_at` holds
    the offsets into `<name>`.
    """

    words: list[str]
    indexed: int
    arrays: dict[str, np.ndarray]
    unknown_idf: float
    max_idf: float
    names: list[tuple[str, int, str]]
    """Every name of every entry: (name, entry position, normalised name), for autocomplete."""

    def meta(self) -> dict[str, object]:
        """The non-array part, as JSON types (the cache's `lexical.json`)."""
        return {
            "format": INDEX_FORMAT,
            "words": self.words,
            "indexed": self.indexed,
            "unknown_idf": self.unknown_idf,
            "max_idf": self.max_idf,
            "names": self.names,
        }

    @classmethod
    def from_stored(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> IndexArrays:
        """The inverse of `meta` plus the arrays; raises ValueError on anything unexpected."""
        if meta.get("format") != INDEX_FORMAT or set(arrays) != _ARRAY_NAMES:
            raise ValueError("not an index of this version")
        names = [(str(n), int(e), str(norm)) for n, e, norm in meta["names"]]
        words = [str(w) for w in meta["words"]]
        return cls(
            words,
            int(meta["indexed"]),
            arrays,
            float(meta["unknown_idf"]),
            float(meta["max_idf"]),
            names,
        )


_ARRAY_NAMES = frozenset(
    "idf postings_at postings name_postings_at name_postings typo_keys typo_words "
    "doc_kind doc_entry doc_weight doc_words_at doc_words doc_seq_at doc_seq "
    "entry_items_at item_words_at item_words item_about item_asks_at ask_words_at ask_words "
    "name_words_at name_words".split()
)


def build_arrays(pack: Pack, words_of: Callable[[str], list[str]]) -> IndexArrays:
    """Index a pack: tokenise every name, phrasing and item once, and lay the result out flat."""
    entries = list(pack.entries.values())
    raw: list[tuple[int, int, list[str]]] = []
    item_words: list[list[str]] = []
    item_asks: list[list[list[str]]] = []
    item_about: list[int] = []
    entry_items = [0]
    # Two phrasings of one entry with the same words ("when did goldman die", "what year did
    # goldman die") score alike: index one, so a common word does not count it twice.
    phrasings: set[tuple[int, frozenset[str]]] = set()

    def add_ask(e_index: int, toks: list[str]) -> None:
        key = (e_index, frozenset(toks))
        if key not in phrasings:
            phrasings.add(key)
            raw.append((ASK, e_index, toks))

    name_words = [sorted({t for n in e.names for t in _all_stems(n)}) for e in entries]
    for e_index, entry in enumerate(entries):
        for name in entry.names:
            raw.append((NAME, e_index, words_of(name) or _all_stems(name)))
        for ask in entry.asks:
            add_ask(e_index, words_of(ask))
        for item in entry.items:
            ask_words: list[str] = []
            ask_sets: list[list[str]] = []
            for ask in item.asks:
                ask_words.extend(toks := words_of(ask))
                ask_sets.append(toks)
                add_ask(e_index, toks)
            text_words = words_of(item.text)
            raw.append((TEXT, e_index, text_words))
            item_words.append(text_words + ask_words)
            item_asks.append(ask_sets)
            item_about.append(_ABOUT_CODES.index(item.about or _guess_about(item)))
        entry_items.append(len(item_words))
    vocab = sorted({t for _kind, _entry, toks in raw for t in toks})
    ids = {t: n for n, t in enumerate(vocab)}
    postings: list[list[int]] = [[] for _ in vocab]
    for d_index, (_kind, _entry, toks) in enumerate(raw):
        for tok in set(toks):
            postings[ids[tok]].append(d_index)
    count = max(1, len(raw))
    idf = [math.log(1 + count / len(docs)) for docs in postings]
    ranked = sorted(idf)
    extra = sorted({t for names in name_words for t in names} - ids.keys())
    all_ids = {**ids, **{t: len(vocab) + n for n, t in enumerate(extra)}}
    typo_keys: list[str] = []
    typo_words: list[int] = []
    for tok in vocab:
        if len(tok) >= _TYPO_MIN_LEN - 1 and not tok.isdigit():
            for variant in (tok, *_deletes(tok)):
                typo_keys.append(variant)
                typo_words.append(ids[tok])
    hashes = _key_hash(typo_keys)
    order = np.argsort(hashes, kind="stable")
    arrays = {
        "idf": np.asarray(idf, dtype=np.float64),
        "typo_keys": hashes[order],
        "typo_words": np.asarray(typo_words, dtype=np.int32)[order],
        "doc_kind": np.asarray([k for k, _e, _t in raw], dtype=np.int8),
        "doc_entry": np.asarray([e for _k, e, _t in raw], dtype=np.int32),
        "doc_weight": np.asarray(
            [sum(idf[ids[t]] for t in frozenset(toks)) for _k, _e, toks in raw], dtype=np.float64
        ),
        "entry_items_at": np.asarray(entry_items, dtype=np.int64),
        "item_about": np.asarray(item_about, dtype=np.int8),
    }
    lists = {
        "postings": postings,
        "name_postings": [[d for d in docs if raw[d][0] == NAME] for docs in postings],
        "doc_words": [sorted({ids[t] for t in toks}) for _k, _e, toks in raw],
        # the words in order, for the string similarity of phrasings (names and texts need none)
        "doc_seq": [[ids[t] for t in toks] if k == ASK else [] for k, _e, toks in raw],
        "item_words": [sorted({ids[t] for t in toks}) for toks in item_words],
        "item_asks": [range(len(asks)) for asks in item_asks],
        "ask_words": [sorted({ids[t] for t in toks}) for asks in item_asks for toks in asks],
        "name_words": [[all_ids[t] for t in names] for names in name_words],
    }
    for name, rows in lists.items():
        arrays[f"{name}_at"], arrays[name] = _csr(rows)
    del arrays["item_asks"]  # only the offsets matter: which `ask_words` rows are whose
    names = [
        (name, e_index, normalise(name)) for e_index, e in enumerate(entries) for name in e.names
    ]
    return IndexArrays(
        [*vocab, *extra],
        len(vocab),
        arrays,
        ranked[len(ranked) // 2] if ranked else math.log(1 + count),
        math.log(1 + count),
        names,
    )


WORDS_CACHE = 8192
"""How many word sets of names, items and phrasings a matcher keeps at hand (a few MB at most)."""


def _drop_inner_names(name_hit: dict[int, tuple[float, float, frozenset[str]]]) -> None:
    """Forget an entry named only as part of a longer name the question also uses in full.

    "containerd vs cri-o" names CRI-O, not CRI; "who was trotsky's son" names the entry called
    "Trotsky's son" rather than Trotsky: the longest name wins, as a reader takes it.
    """
    full = {e: hit[2] for e, hit in name_hit.items() if hit[0] >= 0.99}
    if len(full) < 2:
        return
    for e_index, named in full.items():
        if any(named < other for other in full.values()):
            del name_hit[e_index]


class LexicalMatcher:
    """An index over one pack. Build once per pack (on load or reload); query from any task."""

    def __init__(self, pack: Pack, arrays: IndexArrays | None = None) -> None:
        """`arrays` is this pack's index from the pack cache; without it the pack is indexed now."""
        self.pack = pack
        self.synonyms = Synonyms(pack.synonyms)
        self.entries: Sequence[Entry] = pack.ordered_entries()
        self.arrays = arrays if arrays is not None else build_arrays(pack, self.words_of)
        found = self.arrays.arrays
        self._a = found
        self.vocab = self.arrays.words
        indexed = self.arrays.indexed
        self.word_ids: dict[str, int] = dict(zip(self.vocab[:indexed], range(indexed), strict=True))
        """Index word -> its position in the arrays (only words that have postings)."""
        self.idf: dict[str, float] = dict(
            zip(self.vocab[:indexed], found["idf"].tolist(), strict=True)
        )
        self.unknown_idf = self.arrays.unknown_idf
        """A word the pack never uses weighs like a middling one: it may be an everyday synonym of
        the pack's wording as easily as a sign of another subject. The hybrid matcher also sees
        the unknown share as a feature of its own."""
        self.max_idf = self.arrays.max_idf
        self.names = self.arrays.names
        # Offsets as plain lists where the hot loop reads them one by one (numpy scalars are slow);
        # the big value arrays stay numpy.
        self._entry_items = found["entry_items_at"].tolist()
        # A question reads the words of a few hundred names, items and phrasings, the same ones
        # again and again for the same entries; rebuilding each set from the arrays was a fifth
        # of a question's time. Bounded, so a big pack's memory stays what its arrays take.
        self._words = functools.lru_cache(maxsize=WORDS_CACHE)(self._read_words)
        if len(self._entry_items) != len(self.entries) + 1:
            raise ValueError("the index was built for another pack")

    def words_of(self, text: str) -> list[str]:
        """Index words of a text, with this pack's synonyms applied."""
        return content_words(text, self.synonyms)

    # -- reading the arrays --------------------------------------------------------------------

    def _row(self, name: str, row: int) -> list[int]:
        at = self._a[name + "_at"]
        return self._a[name][int(at[row]) : int(at[row + 1])].tolist()  # type: ignore[no-any-return]

    def _read_words(self, name: str, row: int) -> frozenset[str]:
        vocab = self.vocab
        return frozenset([vocab[i] for i in self._row(name, row)])

    def _postings_size(self, word: str) -> int:
        at, w = self._a["postings_at"], self.word_ids[word]
        return int(at[w + 1] - at[w])

    def name_words(self, e_index: int) -> frozenset[str]:
        """The stemmed words of every name of an entry (the term and its aliases)."""
        return self._words("name_words", e_index)

    def item_words(self, e_index: int, position: int) -> frozenset[str]:
        """The index words of one item: its text's and its phrasings'."""
        return self._words("item_words", self._entry_items[e_index] + position)

    def _item_asks(self, item: int) -> list[frozenset[str]]:
        at = self._a["item_asks_at"]
        return [self._words("ask_words", row) for row in range(int(at[item]), int(at[item + 1]))]

    def item_about(self, e_index: int, position: int) -> str | None:
        """The kind of question an item answers: its author's `about`, else a date or a figure."""
        return _ABOUT_CODES[int(self._a["item_about"][self._entry_items[e_index] + position])]

    # -- query side --------------------------------------------------------------------------

    def _variants(self, tokens: list[str]) -> dict[str, dict[str, float]]:
        """Index words each query word may stand for, with how sure that is (1.0 = the same word).

        All the words' typo keys are looked up in one pass: one numpy search for the question,
        not one per word.
        """
        found: dict[str, dict[str, float]] = {t: {} for t in tokens}
        keys: list[tuple[str, str]] = []
        for token in tokens:
            if token in self.word_ids:
                found[token][token] = 1.0
            if len(token) >= _TYPO_MIN_LEN and not token.isdigit():
                keys.extend((token, key) for key in (token, *_deletes(token)))
        neighbours = self._typo_neighbours([key for _, key in keys])
        for (token, _key), near_words in zip(keys, neighbours, strict=True):
            near = found[token]
            for word in near_words:
                if word not in near and Levenshtein.distance(word, token, score_cutoff=2) <= 2:
                    near[word] = 0.8
        return found

    def _typo_neighbours(self, keys: list[str]) -> list[list[str]]:
        """Index words that share a delete-one key with each query key ("trotksy" ~ "trotsky").

        The keys are stored as sorted 64-bit hashes (a dict of half a million strings would cost
        seconds to load and tens of MB); a hash match is confirmed on the word itself, so a
        collision can never add a word the exact neighbourhood would not.
        """
        if not keys:
            return []
        table, owners, vocab = self._a["typo_keys"], self._a["typo_words"], self.vocab
        hashes = _key_hash(keys)
        lows = np.searchsorted(table, hashes, "left").tolist()
        highs = np.searchsorted(table, hashes, "right").tolist()
        out = []
        for key, low, high in zip(keys, lows, highs, strict=True):
            words = []
            for w_index in owners[low:high].tolist():
                word = vocab[w_index]
                if key == word or (len(key) == len(word) - 1 and key in _deletes(word)):
                    words.append(word)
            out.append(words)
        return out

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
        variants = self._variants(query)
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
                candidates.update(self._row("name_postings", self.word_ids[word]))
        gathered = 0
        for word in sorted({w for tok in query for w in variants[tok]}, key=self._postings_size):
            size = self._postings_size(word)
            if gathered and (gathered + size > 2 * _CANDIDATES or size > _COMMON):
                break  # the rest are commoner still: they only score what rarer words found
            candidates.update(self._row("postings", self.word_ids[word]))
            gathered += size
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
        name_kind, off_subject = NAME, OFF_SUBJECT
        similarity = fuzz.token_sort_ratio
        order = list(candidates)
        kinds = self._a["doc_kind"][order].tolist()
        # Item texts are most of the candidates and only need their share of the question: one
        # vectorised pass over their word ids, no per-document objects.
        texts = [d for d, kind in zip(order, kinds, strict=True) if kind == TEXT]
        if texts:
            for entry, rough_cov in self._text_cover(texts, share):
                if rough_cov > text_hit.get(entry, 0.0):
                    text_hit[entry] = rough_cov
        for d_index, kind in zip(order, kinds, strict=True):
            if kind == TEXT:
                continue
            entry, tokens, doc_weight = self._doc(d_index)
            matched = tokens & vocabulary
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
                subject = tokens & self.name_words(entry)
                factor = off_subject if subject and subject.isdisjoint(matched) else 1.0
                score = (0.6 * q_cov + 0.25 * d_cov) * factor
                best = ask_hit.get(entry, 0.0)
                if score + 0.15 * factor <= best:
                    continue  # even a perfect string match could not beat this entry's best
                # token_sort, not token_set: a question that merely *contains* a phrasing
                # ("who was trotsky's wife" ⊃ "who was trotsky") must not score as that phrasing.
                doc_text = " ".join([self.vocab[w] for w in self._row("doc_seq", d_index)])
                score += 0.15 * factor * similarity(qtext, doc_text) / 100
                if score > best:
                    ask_hit[entry] = score

        _drop_inner_names(name_hit)
        # A first cut on cheap figures, then the full entry score for the few that remain.
        rough = {
            e: max(
                sum(name_hit.get(e, (0.0, 0.0))[:2]) / 2,
                ask_hit.get(e, 0.0),
                0.8 * text_hit.get(e, 0.0),
            )
            for e in set(name_hit) | set(ask_hit) | set(text_hit)
        }
        # the same as sorting them all and taking the first few, ties included, without sorting
        # the thousands of entries a question of common words touches in a big pack
        shortlist = heapq.nsmallest(_RERANK, rough, key=lambda e: -rough[e])
        # When the question names an entry outright, another entry that only *mentions* the same
        # words in passing is less likely to be what is asked about.
        someone_named = any(hit[0] >= 0.99 for hit in name_hit.values())
        results: list[tuple[float, int, Item | None, bool]] = []
        for e_index in shortlist:
            entry = self.entries[e_index]
            named, name_share, name_tokens = name_hit.get(e_index, (0.0, 0.0, frozenset()))
            if named < 0.5:
                named, name_share, name_tokens = 0.0, 0.0, frozenset()
            item, position = self._best_item(
                e_index, query, want, variants, name_tokens, weights, variant_sets
            )
            item_tokens = self.item_words(e_index, position) if item else frozenset()
            joint = cover(item_tokens | name_tokens)[0]
            # Being named counts (0.2 for how fully, 0.2 for how much of the question the name
            # is); the rest is how much of the question the name and the chosen item explain.
            named_score = 0.6 * joint + 0.2 * named + 0.2 * name_share
            passing = 0.8 * joint * (0.85 if someone_named else 1.0)
            score = max(named_score if named else passing, ask_hit.get(e_index, 0.0))
            if want in _EXACT_INTENTS and (
                item is None or self.item_about(e_index, position) != want
            ):
                score *= OFF_INTENT
            results.append((score, -e_index, item, named >= 0.99))
        results.sort(key=lambda r: (r[0], r[1]), reverse=True)
        named_entries = {self.entries[e].id: hit[0] for e, hit in name_hit.items() if hit[0] >= 0.5}
        return [
            Hit(self.entries[-neg], item, round(min(1.0, max(0.0, score)), 4), full_name)
            for score, neg, item, full_name in results[:limit]
        ], Query(query, want, weights, variant_sets, unknown, named_entries, cover)

    def _doc(self, d_index: int) -> tuple[int, frozenset[str], float]:
        """A name or phrasing document: its entry, its words and their summed rarity."""
        return (
            int(self._a["doc_entry"][d_index]),
            self._words("doc_words", d_index),
            float(self._a["doc_weight"][d_index]),
        )

    def _text_cover(self, docs: list[int], share: dict[str, float]) -> list[tuple[int, float]]:
        """(entry, share of the question its words cover) for each item-text document."""
        at, values = self._a["doc_words_at"], self._a["doc_words"]
        index = np.asarray(docs, dtype=np.int64)
        starts, ends = at[index], at[index + 1]
        sizes = ends - starts
        # every word id of every document, flat: offsets into `values` document by document
        flat = np.arange(int(sizes.sum())) + np.repeat(starts - (np.cumsum(sizes) - sizes), sizes)
        ids = values[flat]
        known = sorted((self.word_ids[w], v) for w, v in share.items())
        keys = np.asarray([k for k, _v in known], dtype=np.int32)
        gains = np.asarray([v for _k, v in known] + [0.0], dtype=np.float64)
        where = np.searchsorted(keys, ids)
        hit = keys[np.minimum(where, len(keys) - 1)] == ids
        per_word = np.where(hit, gains[where], 0.0)
        covered = np.add.reduceat(per_word, np.cumsum(sizes) - sizes)
        entries = self._a["doc_entry"][index]
        return list(zip(entries.tolist(), covered.tolist(), strict=True))

    def _best_item(
        self,
        e_index: int,
        query: list[str],
        want: str,
        variants: dict[str, dict[str, float]],
        name_tokens: frozenset[str],
        query_weights: dict[str, float],
        variant_sets: dict[str, frozenset[str]],
    ) -> tuple[Item | None, int]:
        """Pick the item of an entry the question asks for: the dates for "when", else the best fit.

        Returns it with its position in the entry.
        """
        entry = self.entries[e_index]
        names = name_tokens | self.name_words(e_index)
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
        first = self._entry_items[e_index]
        item_words = [self._words("item_words", first + p) for p in range(len(items))]
        abouts = [
            _ABOUT_CODES[c] for c in self._a["item_about"][first : first + len(items)].tolist()
        ]
        # Only items that share a word with the question, or answer its kind of question, or
        # the definition can win; a 40-fact entry need not be walked for each question.
        positions = {p for p, toks in enumerate(item_words) if not toks.isdisjoint(vocabulary)}
        if about:
            positions.update(p for p, a in enumerate(abouts) if a == about)
        if entry.definition is not None:
            positions.add(0)
        best: tuple[float, int, Item | None] = (-1.0, 0, entry.definition)
        for order in sorted(positions):
            item = items[order]
            score = 0.0
            matched = item_words[order] & vocabulary
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
                    for ask in self._item_asks(first + order)
                ):
                    score += 0.2
            if about and abouts[order] == about:
                score += 0.35
            if item.role == "definition" and not rest and want in ("what", "who"):
                score += 0.5
            if score > best[0]:
                best = (score, -order, item)
        if best[2] is None and items:
            return items[0], 0
        return best[2], -best[1]


def _all_stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]


def _guess_about(item: Item) -> str | None:
    toks = words(item.text)
    if has_date(item.text):
        return "when"
    if any(t.isdigit() for t in toks):
        return "how-many"
    return None


def is_noise(question: str) -> bool:
    """True for a greeting or an empty message: nothing to look up."""
    return not [w for w in words(strip_mentions(question)) if w not in STOPWORDS]


__all__ = ["Hit", "LexicalMatcher", "Query", "is_noise", "normalise"]
