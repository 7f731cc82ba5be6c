"""`studybot bench`'s parts: the generated large pack, its questions, and the two baselines.

Behaviour only, never timings: the bench measures, the tests check it measures the right things.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering.answers import Answerer
from bot.answering.text import normalise
from bot.bench import baselines, percentile
from bot.bench.largepack import OFF_TOPIC, large_pack, questions_for
from bot.packs.cache import load_indexed
from bot.packs.loader import load_pack

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "packs" / "tiny"
SOURCES = [ROOT / "knowledge", *sorted((ROOT / "tests" / "eval" / "packs").iterdir())]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):
    folder, texts = large_pack(600, tmp_path_factory.mktemp("large"), SOURCES)
    return load_pack(folder), texts


def test_the_large_pack_passes_validation_with_the_size_asked(generated) -> None:
    pack, texts = generated
    assert pack.item_count() == 600 == len(texts)
    assert len(pack.entries) >= 600 // 8
    assert {i.text for i in pack.items()} == {t for t, _ in texts}


def test_its_names_are_invented_words_not_numbered_terms(generated) -> None:
    pack, _ = generated
    terms = [e.term for e in pack.entries.values()]
    assert not any(ch.isdigit() for t in terms for ch in t)
    real = {n.lower() for s in SOURCES for e in load_pack(s).entries.values() for n in e.names}
    assert not {t.lower() for t in terms} & real


def test_its_questions_are_not_copies_of_indexed_text(generated) -> None:
    pack, texts = generated
    questions = questions_for(texts, 300)
    indexed = [normalise(i.text) for i in pack.items()] + [normalise(t) for t in pack.entries]
    answerable = [q for q in questions if q not in OFF_TOPIC]
    assert 0 < len(answerable) < len(questions)  # some are off-topic
    assert len(set(answerable)) > len(answerable) * 0.9
    for question in answerable:
        assert not any(normalise(question) in text for text in indexed), question


QUESTIONS = [
    ("what is the comintern", "comintern"),
    ("who led the left opposition", "left-opposition|leon-trotsky"),
    ("how do i bake bread", "none"),
    ("what is the capital of france", "none"),
]


def test_bm25_answers_the_tiny_pack() -> None:
    bm25 = baselines.bm25(load_pack(TINY)).fit(QUESTIONS)
    assert bm25.ask("what was the comintern").answer.entry == "comintern"
    assert bm25.ask("recipe for bread").answer is None


def test_embedding_search_answers_the_tiny_pack(tmp_path: Path) -> None:
    pack, index = load_indexed(TINY, tmp_path)
    search = baselines.embedding(Answerer(pack, matcher=index)).fit(QUESTIONS)
    assert search.ask("the communist international").answer.entry == "comintern"


def test_a_threshold_allows_no_more_than_two_percent_wrong() -> None:
    scores = {"a": ("x", 0.9), "b": ("y", 0.8), "c": ("x", 0.3)}
    baseline = baselines.Baseline("fixed", lambda q: scores[q])
    baseline.fit([("a", "x"), ("b", "x"), ("c", "none")])  # "b" would be wrong
    assert baseline.threshold == 0.9
    assert baseline.ask("a").answer.entry == "x" and baseline.ask("b").answer is None


def test_percentile_is_nearest_rank() -> None:
    values = [float(n) for n in range(1, 1001)]
    assert percentile(values, 50) == 500 and percentile(values, 99.9) == 999
    assert percentile([], 99) == 0.0


def test_a_pack_too_big_to_embed_is_measured_with_stand_in_vectors(generated) -> None:
    """Above --embed-max the semantic index is still in the start and memory figures, labelled."""
    from bot.bench import STAND_IN, _modes, pack_row, targets

    assert _modes(100_000, 10_000, lexical=False) == ["lexical", STAND_IN]
    assert _modes(1_000, 10_000, lexical=False) == ["hybrid"]
    pack, texts = generated
    row = pack_row("generated", pack.path, questions_for(texts, 20), STAND_IN, 100_000)
    assert row["mode"] == STAND_IN and row["items"] == 600
    assert row["rss_mb"] > 0 and row["cache_s"] > 0 and row["complete_p99_ms"] >= 0
    memory = [t for t in targets([row]) if "idle memory" in t["target"]]
    assert [t["status"] in ("met", "not met") for t in memory] == [True]
    assert STAND_IN in memory[0]["target"]
