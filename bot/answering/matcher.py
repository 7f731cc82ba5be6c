"""Find the entry, and the item of it, that answers a question: lexical and semantic evidence fused.

Two rankings are asked and their candidates pooled:

- the **lexical** index (`bot.answering.lexical`): names, typos, rare terms, exact figures;
- the **semantic** index: the question's sentence embedding against every answerable item (entry
  name + item text) and every phrasing a pack author wrote (`asks`), for paraphrase in any subject.

Each pooled candidate (an entry with its best item for this question) is described by a handful of
features (lexical score and coverage, semantic similarity, margins to the runner-up, whether the
question names the entry, whether the item holds the kind of answer asked for) and one logistic
model (`bot.answering.calibration`, fitted on development questions across subjects) turns them into
the probability that the candidate is the right answer. That probability is the `confidence`.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from bot.answering import calibration
from bot.answering.lexical import LexicalMatcher, Query
from bot.answering.semantic import Embedder, Progress, TokenVectors
from bot.answering.text import SOFT, STOPWORDS, has_date, normalise, stem, strip_mentions
from bot.packs.model import Entry, Item, Pack

log = logging.getLogger("studybot.matcher")

_POOL_LEXICAL = 8
_POOL_SEMANTIC = 8
_SEMANTIC_ROWS = 48
"""How many of the best semantic rows are grouped into entries for the pool."""
_MAY_LACK_TOP = 3
"""How many of the best candidates `lacks_answer` is prepared for (see `Matcher._rest_alone`)."""

OFF_SUBJECT = 0.8
"""How much a phrasing that names its own entry counts when the question does not name it."""
TYPED = frozenset({"when", "how-many", "who", "where"})
STRICT = frozenset({"when", "how-many"})
"""Typed questions whose answer must hold that shape: a date, a figure."""
"""Question kinds whose answer has a recognisable shape (a date, a figure, a person, a place)."""

_NUMBER = re.compile(
    r"\d|\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
    r"fifty|hundred|hundreds|thousand|thousands|million|millions|billion|dozen|dozens|half|"
    r"twice|double)\b"
    # "one" as a count, not the pronoun: "one of them", "no one", "the one that"
    r"|(?<!\bno )(?<!\bthe )(?<!\bany )(?<!\bevery )(?<!\beach )\bone\b(?! (?:of|another|who|that|which)\b)",
    re.IGNORECASE,
)
"""A figure in an item: what a how-many question needs. Not "many", "several" or "the first"."""
_PERSON = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)+\b|\b(he|she|his|her)\b")
_PLACE = re.compile(r"\b(in|at|from|near|to) (the )?[A-Z][a-z]+")


def answer_shape(entry: Entry, item: Item) -> frozenset[str]:
    """Which typed questions an item can answer: a date for `when`, a figure for `how-many`, ...

    From the item's own `about` when the author gave one, else from its text. Deliberately loose
    for `who` and `where` (a person-kind entry, a capitalised name, "in <Place>"): those only
    weigh in the model; `when` and `how-many` are strict enough to decline on.
    """
    text = item.text
    shapes = set()
    if item.about:
        shapes.add(item.about)
    if has_date(text):
        shapes.add("when")
    if _NUMBER.search(text):
        shapes.add("how-many")
    if entry.kind == "person" or _PERSON.search(text):
        shapes.add("who")
    if entry.kind == "place" or _PLACE.search(text):
        shapes.add("where")
    return frozenset(shapes)


UNRELATED = 0.15
"""Below this similarity, an item says nothing about what a question asks of a named entry.

Measured with the rest of the question embedded on its own ("die", "wife"): pooled from the
question's own token vectors it carries the name's context, and "die" in "when did trotsky
die" came out close to every item about Trotsky."""


def is_lookup(ranked: Sequence[Mapping[str, float]]) -> bool:
    """The question is nothing but the best candidate's name, and no other candidate's.

    `ranked` is the candidates' features, best first. "ER?", "what's a remote", "define
    inflation": the member looks the entry up, as `/define` does. On the development questions
    such a best candidate was right 205 times in 206.
    """
    return bool(ranked) and (
        ranked[0].get("exact_name", 0.0) > 0
        and not any(f.get("exact_name", 0.0) > 0 for f in ranked[1:])
    )


def lookup_first(ranked: Sequence[Mapping[str, float]]) -> int:
    """Where the one candidate the question is nothing but the name of stands; 0 if none is.

    "what is WAL" looks up the entry called WAL, as `/define` would, even when another entry
    ("WAL file") is closer in meaning to the bare acronym: the member named what they want.
    `ranked` is the candidates' features in the model's order; the caller puts that one first.
    """
    exact = [n for n, f in enumerate(ranked) if f.get("exact_name", 0.0) > 0]
    return exact[0] if len(exact) == 1 else 0


def lacks_answer(features: dict[str, float]) -> bool:
    """A who/when/where/how-many question names this entry, but the item speaks to none of the rest.

    "when was X born" answered by "X was exiled in 1929", "who was X's wife" by X's definition:
    the entry is clear, the answer is not in the pack. Neither a word nor the meaning of the rest
    of the question ("born", "wife") is in the item. On the development questions this holds for
    more wrong answers than right ones, so the answerer says what the pack lacks instead.
    """
    return (
        features.get("typed", 0.0) > 0
        and features.get("named", 0.0) > 0
        and features.get("other_named", 0.0) == 0
        and features.get("rest_share", 0.0) > 0
        and features.get("rest_miss", 0.0) >= features.get("rest_share", 0.0) - 1e-9
        and features.get("rest_alone", 1.0) < UNRELATED
    )


def never_answers(features: dict[str, float]) -> bool:
    """Whether the answerer declines this candidate however sure the model is of it.

    A "when" or "how many" question and an item with no date or figure (`strict_miss`), or an
    entry named with nothing on the rest of the question (`lacks_answer`). The answerer and the
    fit tool's out-of-subject decisions both ask this, so the threshold is chosen on the
    answers the bot really gives.
    """
    return features.get("strict_miss", 0.0) > 0 or lacks_answer(features)


def _may_lack(features: dict[str, float]) -> bool:
    """`lacks_answer` but for the similarity test, which needs the rest embedded on its own."""
    return lacks_answer({**features, "rest_alone": 0.0})


def _best_per_item(
    entries: np.ndarray, items: np.ndarray, values: np.ndarray
) -> dict[int, dict[int, float]]:
    """Entry -> item position -> the best of `values` over that item's rows.

    Reduced in numpy first: a few hundred rows come down to one value per item before any
    Python dict is built (the per-row loop was a tenth of a question's time).
    """
    kept = values > -1.0  # -1 marks rows that do not count (phrasings, for the rest)
    entries, items, values = entries[kept], items[kept], values[kept]
    if len(values) == 0:
        return {}
    keys = entries.astype(np.int64) * (int(items.max()) + 2) + (items.astype(np.int64) + 1)
    order = np.lexsort((-values, keys))
    first = np.flatnonzero(np.r_[True, keys[order][1:] != keys[order][:-1]])
    chosen = order[first]
    out: dict[int, dict[int, float]] = {}
    for e_index, i_index, value in zip(
        entries[chosen].tolist(), items[chosen].tolist(), values[chosen].tolist(), strict=True
    ):
        out.setdefault(e_index, {})[i_index] = value
    return out


@dataclass(frozen=True)
class Candidate:
    """One entry the question may be about, with the item that best answers it."""

    entry: Entry
    item: Item | None
    confidence: float
    """The calibrated probability that this is the right answer."""
    named: bool = False
    """The question calls this entry by one of its names, in full."""
    shaped: bool = True
    """The item holds the kind of answer the question asks for (always true for untyped ones)."""
    features: dict[str, float] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Search:
    """The ranked candidates and what was made of the question."""

    candidates: list[Candidate]
    want: str
    """The kind of answer the question asks for (see `bot.answering.text.intent`)."""
    unknown: float
    """The share of the question made of words the pack never uses."""
    words: tuple[str, ...] = ()
    """The question's index words, in order (stems, the pack's synonyms applied)."""
    asks_definition: bool = False
    """Framed as "what is X", "define X", "X meaning": the question wants X explained."""
    sure: float | None = None
    """The probability that the best candidate is the right answer (the answer model's second
    stage, see `calibration.AnswerModel`); None when there is no candidate."""


_DEFINITION_QUESTION = re.compile(
    r"^(what s|whats|what is|what are|what was|what were|define|definition of|meaning of)\b"
    r"|\b(meaning|definition)$"
)
_DEFINING = frozenset({"is", "are", "was", "were", "means", "refers", "describes", "denotes"})
"""Words that make "X <word> ..." a statement of what X is."""


def asks_definition(text: str) -> bool:
    """Whether a question is framed as a request to explain a term (English grammar only)."""
    return bool(_DEFINITION_QUESTION.search(normalise(text)))


_COMPARISON = re.compile(
    r"\b(difference between|differences between|differ|differs|different from|vs|versus|"
    r"compare|compared|comparison)\b"
)


def compares(text: str) -> bool:
    """Whether a question asks how two things differ ("X vs Y", "difference between X and Y").

    The answer is then one of the entries it names, not an item that happens to mention both.
    English grammar only.
    """
    return bool(_COMPARISON.search(normalise(text)))


def defines(item: Item, words: tuple[str, ...]) -> bool:
    """Whether the item states what the question's term is: "X is ...", "X refers to ...".

    "FETCH_HEAD is a pseudoref written by git fetch" explains FETCH_HEAD; "the study of
    economy-wide questions such as inflation" only mentions inflation.
    """
    if not words:
        return False
    tokens = normalise(item.text).split()
    stems = [stem(t) for t in tokens]
    n = len(words)
    return any(
        stems[i : i + n] == list(words) and tokens[i + n] in _DEFINING
        for i in range(len(tokens) - n)
    )


def mentioned_only(found: Search) -> bool:
    """A "what is X" question that names no entry, whose best item only mentions X in passing.

    The pack has no entry for X, so it holds no explanation of it: the item that happens to
    use the word ("what is inflation" -> a definition of macroeconomics listing inflation among
    its topics) is not an answer, however few other items share the word.
    """
    if not found.asks_definition or not found.candidates:
        return False
    top = found.candidates[0]
    return (
        top.item is not None
        and top.features.get("short_unnamed", 0.0) > 0
        and not defines(top.item, found.words)
    )


DENSE_MAX_ROWS = 20_000
"""Up to this many rows (about 8,000 items; 30 MB) an index keeps a float32 copy of its rows."""
COARSE_MIN_ROWS = 50_000
"""From this many rows (about 20,000 items) a question's semantic scan starts with a coarse pass."""
COARSE_DIMS = 64
COARSE_KEEP = 2048
"""Rows the coarse pass hands on to the exact score: far more than the 48 the matcher reads."""
COARSE_SAMPLE = 8_000
"""Rows sampled to find the main directions (the SVD of the whole index would cost seconds)."""
COARSE_BLOCK = 2048


def quantise(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Float rows as int8 codes and one float32 scale per row (`row ~ codes * scale`).

    A quarter of float32's memory: 100,000 items are ~230,000 rows of 384 numbers, 350 MB as
    float32 and 88 MB as int8. The scale is the row's largest magnitude over 127, so every code
    uses the full int8 range of its own row; a cosine moves by at most ~1e-3, below the gaps
    the matcher decides on (the evaluation table is unchanged).
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    peak = np.abs(vectors).max(axis=1, initial=0.0) if vectors.size else np.zeros(len(vectors))
    scales = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    codes = np.rint(vectors / scales[:, None]).clip(-127, 127).astype(np.int8)
    return codes, scales


class SemanticIndex:
    """Unit vectors of every answerable item and every `asks` phrasing, row by row, as int8.

    A row belongs to an entry and, for item rows, to one item (`item` is -1 for an entry-level
    phrasing). Rows are what the model sees: "Term: item text", so an item that only says "it"
    still carries what it is about. The vectors are stored quantised (see `quantise`); the cache
    maps them from disk, so processes sharing a pack share its pages.
    """

    def __init__(
        self,
        rows_entry: np.ndarray,
        rows_item: np.ndarray,
        codes: np.ndarray,
        scales: np.ndarray,
        rows_subject: np.ndarray | None = None,
        rows_ask: np.ndarray | None = None,
    ) -> None:
        self.rows_entry = rows_entry
        self.rows_item = rows_item
        self.codes = codes
        """int8, one row per text."""
        self.scales = scales
        """float32, one per row: `codes[r] * scales[r]` is row r's unit vector."""
        self.rows_subject = (
            rows_subject if rows_subject is not None else np.zeros(len(rows_entry), dtype=bool)
        )
        """Phrasings that name their own entry ("what was X's pen name")."""
        self.rows_ask = rows_ask if rows_ask is not None else np.zeros(len(rows_entry), dtype=bool)
        """Rows that are phrasings (`asks`) rather than item text."""
        self.subject_rows = np.flatnonzero(self.rows_subject)
        self._dense: np.ndarray | None = (
            codes.astype(np.float32) * scales[:, None] if len(codes) <= DENSE_MAX_ROWS else None
        )
        """A small index's rows as float32 too: a BLAS product is four times faster than
        widening the int8 codes on every question (0.1 ms against 0.45 ms for 4,000 rows)."""
        # Rows come grouped by entry (see `texts`): an entry's rows are one slice, found without
        # comparing every row of the pack with the pooled entries on each question.
        self._coarse: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._coarse_claim = threading.Lock()
        """Taken (never released) by the one question that starts the coarse pass's build."""
        grouped = len(rows_entry) == 0 or bool(np.all(np.diff(rows_entry) >= 0))
        self.entry_bounds: np.ndarray | None = (
            np.searchsorted(rows_entry, np.arange(int(rows_entry.max(initial=-1)) + 2))
            if grouped
            else None
        )

    def similarities(self, vector: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Cosine similarity of a unit vector to every row (or to `rows`), as float32.

        einsum casts the int8 codes in small blocks as it goes: as fast as a float32 product
        (it is bound by memory, and int8 is a quarter of it) without a float copy of the index.
        On a big index with its coarse pass ready (see `build_coarse`), only the rows the coarse
        pass ranks best get their exact similarity; every other row reads -1 until `refine`.
        """
        if rows is None and self._coarse is not None:
            return self._coarse_similarities(vector)
        if (
            rows is None
            and len(self.codes) >= COARSE_MIN_ROWS
            and self._coarse_claim.acquire(blocking=False)
        ):
            # Built on the first question, not at load: a process that only loads the index
            # (a cache build, `kb check`) never pays for it. Not a daemon: the interpreter
            # waits for it at exit instead of stopping it inside numpy. The lock makes it one
            # build even when several worker threads ask at once.
            threading.Thread(target=self.build_coarse, name="coarse-index").start()
        if self._dense is not None:
            dense = self._dense if rows is None else self._dense[rows]
            return dense @ vector.astype(np.float32)  # type: ignore[no-any-return]
        codes, scales = (
            (self.codes, self.scales) if rows is None else (self.codes[rows], self.scales[rows])
        )
        out = np.einsum(
            "ij,j->i", codes, vector.astype(np.float32), dtype=np.float32, casting="unsafe"
        )
        out *= scales
        return out

    @property
    def coarse_ready(self) -> bool:
        """Whether `similarities` now scores only the rows its coarse pass ranks best."""
        return self._coarse is not None

    def refine(self, sims: np.ndarray, vector: np.ndarray, rows: np.ndarray) -> None:
        """Make `sims` exact on `rows` (the pooled entries' rows) after a coarse pass."""
        if self._coarse is not None and len(rows):
            sims[rows] = self.similarities(vector, rows)

    def build_coarse(self, dims: int = COARSE_DIMS) -> None:
        """Project every row onto the index's `dims` main directions, for a quick first pass.

        Scanning 230,000 rows of 384 numbers is bound by memory speed (30-50 ms a question at
        100,000 items); 64 numbers a row is a sixth of that. The directions are the top right
        singular vectors of a sample of rows, so the projection keeps what tells these rows
        apart; the best `COARSE_KEEP` rows by it are then scored exactly. Built once per index,
        off the question path (a thread the first full scan starts); until it is ready,
        questions scan every row.
        """
        count = len(self.codes)
        if count == 0:
            return
        step = max(1, count // COARSE_SAMPLE)
        sample = self.codes[::step].astype(np.float32) * self.scales[::step, None]
        _, _, vt = np.linalg.svd(sample, full_matrices=False)
        del sample
        basis = np.ascontiguousarray(vt[:dims].T, dtype=np.float32)
        codes = np.empty((count, basis.shape[1]), dtype=np.int8)
        scales = np.empty(count, dtype=np.float32)
        # Small blocks, quantised as they go: no float copy of the projection (or of the index)
        # is ever whole, so the resident memory the build leaves behind stays small.
        for start in range(0, count, COARSE_BLOCK):
            block = self.codes[start : start + COARSE_BLOCK].astype(np.float32)
            block *= self.scales[start : start + COARSE_BLOCK, None]
            codes[start : start + COARSE_BLOCK], scales[start : start + COARSE_BLOCK] = quantise(
                block @ basis
            )
        self._coarse = (basis, codes, scales)

    def _coarse_similarities(self, vector: np.ndarray) -> np.ndarray:
        assert self._coarse is not None
        basis, codes, scales = self._coarse
        query = vector.astype(np.float32) @ basis
        rough = np.einsum("ij,j->i", codes, query, dtype=np.float32, casting="unsafe")
        rough *= scales
        keep = np.sort(np.argpartition(-rough, min(COARSE_KEEP, len(rough) - 1))[:COARSE_KEEP])
        out = np.full(len(rough), -1.0, dtype=np.float32)
        out[keep] = self.similarities(vector, keep)
        return out

    @property
    def vectors(self) -> np.ndarray:
        """The rows as float32 (a full copy: for tools and tests, not the question path)."""
        return self.codes.astype(np.float32) * self.scales[:, None]

    def rows_of(self, entries: list[int]) -> np.ndarray:
        """The rows of these entries, in row order."""
        if self.entry_bounds is None:
            return np.flatnonzero(np.isin(self.rows_entry, np.asarray(entries, dtype=np.int32)))
        last = len(self.entry_bounds) - 1
        spans = [
            np.arange(self.entry_bounds[e], self.entry_bounds[e + 1])
            for e in sorted(entries)
            if 0 <= e < last
        ]
        return np.concatenate(spans) if spans else np.zeros(0, dtype=np.intp)

    @staticmethod
    def texts(pack: Pack) -> tuple[list[str], list[int], list[int]]:
        """The text of every row and the entry and item position each belongs to."""
        texts: list[str] = []
        rows_entry: list[int] = []
        rows_item: list[int] = []
        for e_index, entry in enumerate(pack.entries.values()):
            names = (
                entry.term if not entry.aliases else f"{entry.term} ({', '.join(entry.aliases)})"
            )
            for i_index, item in enumerate(entry.items):
                # With its names, for questions that name the entry; alone, for questions that
                # describe the thing without naming it ("the goo inside the nucleus").
                texts.extend((f"{names}: {item.text}", item.text))
                rows_entry.extend((e_index, e_index))
                rows_item.extend((i_index, i_index))
                for ask in item.asks:
                    texts.append(ask)
                    rows_entry.append(e_index)
                    rows_item.append(i_index)
            for ask in entry.asks:
                texts.append(ask)
                rows_entry.append(e_index)
                rows_item.append(-1)
        return texts, rows_entry, rows_item

    @staticmethod
    def subjects(
        pack: Pack, texts: list[str], rows_entry: list[int], rows_item: list[int]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Which rows are phrasings, and which phrasings name their own entry (cheap, not cached)."""
        entries = list(pack.entries.values())
        names = [frozenset(w for n in e.names for w in normalise(n).split()) for e in entries]
        subject = np.zeros(len(texts), dtype=bool)
        ask = np.zeros(len(texts), dtype=bool)
        rows = zip(texts, rows_entry, rows_item, strict=True)
        for row, (text, e_index, i_index) in enumerate(rows):
            entry = entries[e_index]
            if i_index < 0 or text in entry.items[i_index].asks:
                ask[row] = True
                subject[row] = not names[e_index].isdisjoint(normalise(text).split())
        return subject, ask

    @classmethod
    def build(
        cls,
        pack: Pack,
        embedder: Embedder,
        progress: Progress | None = None,
        rows: tuple[list[str], list[int], list[int]] | None = None,
    ) -> SemanticIndex:
        """Embed every row; `rows` is `texts(pack)` when the caller already made it."""
        texts, rows_entry, rows_item = rows or cls.texts(pack)
        return cls.from_vectors(
            pack, (texts, rows_entry, rows_item), embedder.encode(texts, progress=progress)
        )

    @classmethod
    def from_vectors(
        cls, pack: Pack, rows: tuple[list[str], list[int], list[int]], vectors: np.ndarray
    ) -> SemanticIndex:
        """The index of `rows` (from `texts(pack)`) with their vectors, embedded now or cached."""
        texts, rows_entry, rows_item = rows
        return cls(
            np.asarray(rows_entry, np.int32),
            np.asarray(rows_item, np.int32),
            *quantise(vectors),
            *cls.subjects(pack, texts, rows_entry, rows_item),
        )


class _Shapes(dict[str, frozenset[str]]):
    """Item id -> `answer_shape`, computed on first use and kept."""

    def __init__(self, pack: Pack) -> None:
        super().__init__()
        self.pack = pack

    def of(self, entry: Entry, item: Item) -> frozenset[str]:
        """The shape of an item whose entry the caller has at hand."""
        shape = self.get(item.id)
        if shape is None:
            shape = self[item.id] = answer_shape(entry, item)
        return shape

    def __missing__(self, item_id: str) -> frozenset[str]:
        item = self.pack.items_by_id[item_id]
        return self.of(self.pack.entries[item.entry_id], item)


class _EntryShapes(dict[str, frozenset[str]]):
    """Entry id -> the union of its items' shapes, computed on first use and kept."""

    def __init__(self, shapes: _Shapes, pack: Pack) -> None:
        super().__init__()
        self.shapes, self.pack = shapes, pack

    def __missing__(self, entry_id: str) -> frozenset[str]:
        entry = self.pack.entries[entry_id]
        items = entry.items
        shape = self[entry_id] = frozenset().union(*(self.shapes.of(entry, i) for i in items))
        return shape


class Matcher:
    """The hybrid index over one pack. Build once per pack (on load or reload); query from any task."""

    def __init__(
        self,
        pack: Pack,
        *,
        embedder: Embedder | None = None,
        semantic: SemanticIndex | None = None,
        lexical: LexicalMatcher | None = None,
        progress: Progress | None = None,
    ) -> None:
        """`embedder=None` is the lexical-only mode for very small machines."""
        self.pack = pack
        self.lexical = lexical if lexical is not None else LexicalMatcher(pack)
        self.entries = self.lexical.entries
        self.embedder = embedder
        self.semantic: SemanticIndex | None = None
        if embedder is not None:
            self.semantic = semantic or SemanticIndex.build(pack, embedder, progress)
        self.entry_index = {eid: n for n, eid in enumerate(pack.entries)}
        # Worked out per entry when a question first reaches it: a regex pass over every item of
        # a 100,000-item pack took seconds at every start, and a question looks at a handful.
        self.shapes = _Shapes(pack)
        """Item id -> the typed questions it can answer (see `answer_shape`)."""
        self.entry_shapes = _EntryShapes(self.shapes, pack)
        """Entry id -> the union of its items' shapes."""
        self.model = calibration.MODEL if embedder is not None else calibration.LEXICAL_MODEL

    @property
    def mode(self) -> str:
        return "hybrid" if self.semantic is not None else "lexical"

    def search(self, question: str, limit: int = 5) -> list[Candidate]:
        """Rank entries for a question, best first, each with its best item."""
        return self.search_full(question, limit).candidates

    def search_full(self, question: str, limit: int = 5) -> Search:
        """`search`, with the question's kind and unknown share for the caller's decision."""
        text = strip_mentions(question)
        lexical, query = self.lexical.search_with_query(text, _POOL_LEXICAL)
        if not normalise(text):
            return Search([], query.want, 1.0)
        seen: TokenVectors | None = None
        if self.semantic is not None and self.embedder is not None:
            text = self._spelt(text, query, self.embedder.pieces)
            seen = self.embedder.tokens(text)
        sims: np.ndarray | None = None
        pool: dict[int, float] = {}
        for hit in lexical:
            pool[self.entry_index[hit.entry.id]] = hit.score
        # An entry the question calls by its full name is always a candidate, even when the
        # lexical cut kept entries whose items repeat the question's other words more often
        # ("whats a parent commit": the entry *parent*, not every item mentioning commits).
        for e_id, share in query.named.items():
            if share >= 0.99 and e_id in self.entry_index:
                pool.setdefault(self.entry_index[e_id], 0.0)
        sem_best: dict[int, float] = {}
        rest_vector: np.ndarray | None = None
        rest: list[str] = []
        if seen is not None and self.semantic is not None and self.embedder is not None:
            rest = self._rest_of(text, query)
            vector = seen.whole()
            if rest:
                kept = set(rest)
                rest_vector = seen.part(
                    lambda word: bool(kept.intersection(normalise(word).split()))
                )
                if rest_vector is None:
                    rest_vector = self.embedder.encode([" ".join(rest)])[0]
            sims = self.semantic.similarities(vector)
            # After a coarse pass only its best rows have a similarity (the rest read -1): the
            # best of those, not a partition of every row of a big pack (1.3 ms at 100,000 items).
            scored = np.flatnonzero(sims > -1.0) if self.semantic.coarse_ready else None
            among = sims if scored is None else sims[scored]
            top = np.argpartition(-among, min(_SEMANTIC_ROWS, len(among) - 1))[:_SEMANTIC_ROWS]
            top = top if scored is None else scored[top]
            for row in top[np.argsort(-sims[top])]:
                e_index = int(self.semantic.rows_entry[row])
                if e_index not in sem_best:
                    sem_best[e_index] = float(sims[row])
                if len(sem_best) >= _POOL_SEMANTIC:
                    break
            for e_index in sem_best:
                pool.setdefault(e_index, 0.0)
        if not pool:
            return Search([], query.want, query.unknown)
        pooled_rows = np.zeros(0, dtype=np.intp)
        if sims is not None:
            semantic = self.semantic
            assert semantic is not None
            pooled_rows = semantic.rows_of(list(pool))
            # After a coarse pass only its best rows are exact: the pooled entries' rows must be.
            semantic.refine(sims, vector, pooled_rows)
            # A phrasing that names its own entry is no answer to a question about another one:
            # "what was trotsky's pen name" must not answer "what was stalin's pen name".
            rows = semantic.subject_rows
            if len(rows):
                named = np.fromiter(
                    (self.entry_index[e] for e in query.named),
                    dtype=np.int32,
                    count=len(query.named),
                )
                # `sims` is this question's own array: scaled in place, only on phrasing rows.
                other = rows[~np.isin(semantic.rows_entry[rows], named)]
                sims[other] *= OFF_SUBJECT
        rows_of, rest_of = (
            self._rows_by_entry(sims, pooled_rows, rest_vector) if sims is not None else ({}, {})
        )
        comparing = compares(text)
        scored = [
            self._describe(
                e_index,
                pool[e_index],
                query,
                rows_of.get(e_index, {}),
                rest_of.get(e_index),
                comparing=comparing,
            )
            for e_index in pool
        ]
        self._add_margins(scored)
        results = []
        for feats, entry, item, named, shaped in scored:
            p = self.model.probability(feats)
            results.append(Candidate(entry, item, round(p, 4), named, shaped, feats))
        results.sort(key=lambda c: (c.confidence, -self.entry_index[c.entry.id]), reverse=True)
        results.insert(0, results.pop(lookup_first([c.features for c in results])))
        if rest_vector is not None:
            self._rest_alone(results[:_MAY_LACK_TOP], rest)
        best = results[0]
        sure = self.model.sure(
            best.features,
            best.confidence,
            results[1].confidence if len(results) > 1 else 0.0,
            is_lookup([c.features for c in results[:limit]]),
        )
        return Search(
            results[:limit],
            query.want,
            query.unknown,
            tuple(query.words),
            asks_definition(text),
            round(sure, 4),
        )

    def _spelt(self, text: str, query: Query, pieces: Callable[[str], int]) -> str:
        """The question with its misspelt entry names spelt as the pack spells them.

        The lexical index reads "commmit object" as the entry *commit object* (a typo is one
        of its variants), but the model sees word pieces of a word it never learnt and the
        question's meaning drifts ("what is stored in a commmit object": 0.45 to the right
        item, 0.76 once spelt right). Only words of names the question calls an entry by in
        full are respelt, only when the word as typed is not in the pack at all, and only when
        the model reads the typed word in several word pieces and the pack's spelling in no more
        (`pieces`: how many the model reads a word in).
        """
        spellings: dict[str, str] = {}
        for word in self._name_words(query):
            spellings.setdefault(stem(word), word)
        if not spellings:
            return text
        known = self.lexical.word_ids
        fixes: dict[str, str] = {}
        for word in normalise(text).split():
            token = stem(word)
            if token in known or token not in query.variants:
                continue
            right = [spellings[v] for v in sorted(query.variants[token]) if v in spellings]
            # "faster" is a word, not a typo of the alias "master": a word the model reads in one
            # piece is one it knows, and a respelling must read no worse than the typed word
            if len(right) == 1 and 1 < pieces(word) >= pieces(right[0]):
                fixes[word] = right[0]
        if not fixes:
            return text
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, fixes)) + r")\b", re.IGNORECASE)
        return pattern.sub(lambda m: fixes.get(m.group(0).casefold(), m.group(0)), text)

    def _name_words(self, query: Query) -> list[str]:
        """The words of every name of the entries the question calls by a name in full."""
        return [
            word
            for e_id, share in query.named.items()
            if share >= 0.99
            for name in self.entries[self.entry_index[e_id]].names
            for word in normalise(name).split()
        ]

    def _rest_of(self, text: str, query: Query) -> list[str]:
        """The question without the names it calls an entry by: what it asks *about* that entry.

        "who was trotsky's wife" becomes "wife": its topic words without the name or the question
        words, which would match any item's framing. An item that answers the question must be
        close to that too, not merely to the name ("Trotsky was a Russian revolutionary").
        """
        drop = set(self._name_words(query))
        if not drop:
            return []
        return [
            w
            for w in normalise(text).split()
            if w not in drop and w not in STOPWORDS and stem(w) not in SOFT
        ]

    def _rest_alone(self, ranked: list[Candidate], rest: list[str]) -> None:
        """Add `rest_alone` where `lacks_answer` would decide on it: the rest, embedded alone.

        The pooled rest (see `TokenVectors.part`) ranks items well but keeps the name's context;
        whether an item speaks to "die" at all is judged on "die" by itself. That is a second
        model run (about 2 ms), so only when one of the best candidates (the answerer decides
        on the best one and those making its claim) may lack the answer: 2 % of questions.
        """
        semantic, embedder = self.semantic, self.embedder
        assert semantic is not None and embedder is not None
        alone: np.ndarray | None = None
        for cand in ranked:
            if cand.item is None or not _may_lack(cand.features):
                continue
            if alone is None:
                alone = embedder.encode([" ".join(rest)])[0]
            rows = semantic.rows_of([self.entry_index[cand.entry.id]])
            position = cand.entry.items.index(cand.item)
            rows = rows[(semantic.rows_item[rows] == position) & ~semantic.rows_ask[rows]]
            cand.features["rest_alone"] = (
                float(semantic.similarities(alone, rows).max()) if len(rows) else 0.0
            )

    def _rows_by_entry(
        self, sims: np.ndarray, wanted: np.ndarray, rest_vector: np.ndarray | None
    ) -> tuple[dict[int, dict[int, float]], dict[int, dict[int, float]]]:
        """For each pooled entry: item position -> best similarity of its rows (-1 = entry asks).

        `wanted` is the pooled entries' rows. The second map is the same for the rest of the
        question (see `_rest_of`), when there is one.
        """
        assert self.semantic is not None
        rest_sims = None
        if rest_vector is not None:
            # Against the items' own text only: a phrasing shares the question's framing.
            rest_sims = np.where(
                self.semantic.rows_ask[wanted],
                -1.0,
                self.semantic.similarities(rest_vector, wanted),
            )
        entries = self.semantic.rows_entry[wanted]
        items = self.semantic.rows_item[wanted]
        return _best_per_item(entries, items, sims[wanted]), (
            _best_per_item(entries, items, rest_sims) if rest_sims is not None else {}
        )

    def _describe(
        self,
        e_index: int,
        lex_score: float,
        query: Query,
        item_sims: dict[int, float],
        rest_sims: dict[int, float] | None = None,
        *,
        comparing: bool = False,
    ) -> tuple[dict[str, float], Entry, Item | None, bool, bool]:
        """The features of one entry as the answer, with the item it would answer by."""
        entry = self.entries[e_index]
        named_share = query.named.get(entry.id, 0.0)
        name_tokens = self.lexical.name_words(e_index) if named_share else frozenset()
        want = query.want
        rest_weight = {
            t: w
            for t, w in query.weights.items()
            if t not in name_tokens and name_tokens.isdisjoint(query.variants[t])
        }
        rest_total = sum(rest_weight.values())
        best: tuple[float, int, float] = (-9.0, 0, 0.0)
        entry_sem = max(item_sims.values(), default=0.0)
        item_words = [self.lexical.item_words(e_index, p) for p in range(len(entry.items))]
        overlaps = [
            sum(w for t, w in rest_weight.items() if not words.isdisjoint(query.variants[t]))
            / rest_total
            if rest_total
            else 0.0
            for words in item_words
        ]
        # Nothing but the name matched ("what role did X play"): the definition says what X is.
        plain = max(overlaps, default=0.0) == 0.0 and want in ("what", "who", "how", "why")
        # A date or a figure is asked for: only an item that holds one can answer, when the
        # entry has such an item at all (otherwise the answerer says the pack lacks it).
        strict = want in STRICT and want in self.entry_shapes[entry.id]
        for position, item in enumerate(entry.items):
            if strict and want not in self.shapes.of(entry, item):
                continue
            overlap = overlaps[position]
            score = item_sims.get(position, 0.0) + 0.5 * overlap
            if rest_sims is not None:
                score += 0.5 * rest_sims.get(position, 0.0)
            if want in TYPED and want in self.shapes.of(entry, item):
                score += 0.15
            if item.role == "definition" and plain:
                score += 0.2
            if score > best[0]:
                best = (score, position, overlap)
        item = entry.items[best[1]] if entry.items else None
        item_tokens = item_words[best[1]] if item else frozenset()
        cover = query.cover(item_tokens | self.lexical.name_words(e_index))[0]
        shaped = item is not None and (want not in TYPED or want in self.shapes.of(entry, item))
        total = sum(query.weights.values()) or 1.0
        rest_share = rest_total / total
        someone_else = any(share >= 0.99 and eid != entry.id for eid, share in query.named.items())
        rest_sem = (
            (rest_sims.get(best[1], 0.0) if rest_sims is not None else item_sims.get(best[1], 0.0))
            if item
            else 0.0
        )
        feats = {
            # "what is X", "X?": the question is one of the entry's names and nothing more.
            "exact_name": 1.0 if named_share >= 0.99 and rest_total == 0 else 0.0,
            # "what was stalin's pen name": another entry is named outright, this one is not.
            "other_named": 1.0 if someone_else and named_share < 0.99 else 0.0,
            "rest_share": rest_share,
            "rest_miss": rest_share * (1.0 - best[2]),
            "lex": lex_score,
            "cover": cover,
            "named": 1.0 if named_share >= 0.99 else 0.0,
            "partly_named": 1.0 if 0.5 <= named_share < 0.99 else 0.0,
            "sem": item_sims.get(best[1], 0.0) if item else 0.0,
            # How close the chosen item is to what is asked about the named entry; without a
            # named entry, the whole question's similarity stands in.
            "rest_sem": rest_sem,
            "sem_entry": entry_sem,
            "unknown": query.unknown,
            "typed": 1.0 if want in TYPED else 0.0,
            "shape_ok": 1.0 if want in TYPED and shaped else 0.0,
            "strict_miss": 1.0 if want in STRICT and not shaped else 0.0,
            # "when was X born" answered by "X was exiled in 1929": a date, but not of that.
            "typed_rest_miss": (rest_share * (1.0 - best[2])) if want in TYPED else 0.0,
            "short": 1.0 if len(query.words) <= 2 else 0.0,
            # "what is inflation" where no entry is called inflation: an item that merely
            # mentions the word is no definition of it.
            "short_unnamed": 1.0 if len(query.words) <= 2 and not named_share else 0.0,
            # "fetch vs pull": one of the entries compared is the answer
            "compare_named": 1.0 if comparing and named_share >= 0.99 else 0.0,
        }
        return feats, entry, item, named_share >= 0.99, shaped

    @staticmethod
    def _add_margins(scored: list[tuple[dict[str, float], Entry, Item | None, bool, bool]]) -> None:
        """How far each candidate leads (or trails) the best *other* candidate, per signal."""
        for key, name in (("lex", "lex_gap"), ("sem_entry", "sem_gap"), ("cover", "cover_gap")):
            values = [feats[key] for feats, *_ in scored]
            ordered = sorted(values, reverse=True)
            for feats, *_ in scored:
                feats[key + "_top"] = 1.0 if feats[key] == ordered[0] else 0.0
            for feats, *_ in scored:
                other = ordered[1] if feats[key] == ordered[0] and len(ordered) > 1 else ordered[0]
                if len(ordered) == 1:
                    other = 0.0
                feats[name] = feats[key] - other
