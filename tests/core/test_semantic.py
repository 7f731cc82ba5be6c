"""The semantic half of the matcher: the shipped model, its settings, and what it adds."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from bot.answering.answers import Answerer
from bot.answering.matcher import Matcher
from bot.answering.semantic import (
    DEFAULT_MODEL_DIR,
    Embedder,
    ModelError,
    model_info,
    shared_embedder,
)
from bot.packs.cache import index_pack, load_cached, load_indexed
from bot.packs.loader import load_pack
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_the_model_ships_with_its_licence_notice() -> None:
    for name in ("model.onnx", "tokenizer.json", "NOTICE", "studybot-model.json"):
        assert (DEFAULT_MODEL_DIR / name).is_file(), name
    notice = (DEFAULT_MODEL_DIR / "NOTICE").read_text()
    assert "Apache License, Version 2.0" in notice and "all-MiniLM-L6-v2" in notice
    assert (ROOT / "tools" / "build_model.py").is_file()


def test_embeddings_are_unit_vectors_and_meaning_is_closer_than_words() -> None:
    vectors = shared_embedder().encode(
        [
            "who was in charge of the group",
            "Trotsky led the faction",
            "the recipe needs two eggs",
        ]
    )
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    sims = vectors @ vectors.T
    assert sims[0, 1] > sims[0, 2] + 0.1


def test_encoding_is_order_independent() -> None:
    texts = ["a short one", "a much longer sentence about the opposition to Stalin in 1932", "x"]
    forward = shared_embedder().encode(texts)
    backward = shared_embedder().encode(texts[::-1])[::-1]
    assert np.allclose(forward, backward, atol=1e-5)


def test_token_vectors_give_the_whole_text_and_any_part_of_it_from_one_run() -> None:
    embedder = shared_embedder()
    question = "who was trotsky's wife"
    seen = embedder.tokens(question)
    assert np.allclose(seen.whole(), embedder.encode([question])[0], atol=1e-6)
    # the rest of the question, pooled from its own tokens, is about "wife", not about Trotsky
    wife = seen.part(lambda word: word.casefold() == "wife")
    assert wife is not None and abs(float(np.linalg.norm(wife)) - 1.0) < 1e-5
    marriage, exile = embedder.encode(["his marriage and spouse", "exiled to Alma-Ata"])
    assert float(wife @ marriage) > float(wife @ exile)
    assert float(wife @ marriage) > float(seen.whole() @ marriage) + 0.1  # the name is left out
    assert seen.part(lambda word: False) is None
    # a CLS-pooled model keeps the sentence in its first token: no part can be pooled
    cls = type(seen)(seen.vectors, seen.words, "cls")
    assert cls.part(lambda word: True) is None


def test_a_model_folder_without_its_files_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"model\.onnx"):
        model_info(tmp_path)
    (tmp_path / "model.onnx").write_bytes(b"not a model")
    (tmp_path / "tokenizer.json").write_text("{}")
    with pytest.raises(ModelError):
        Embedder(tmp_path).encode(["hello"])


def test_a_bad_model_setting_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "what is trotskyism"],
        cwd=ROOT,
        env={
            "PATH": "",
            "HOME": str(tmp_path),
            "STUDYBOT_DATA": str(tmp_path),
            "STUDYBOT_MODEL": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "sentence model cannot be used" in result.stderr and "Traceback" not in result.stderr


PARAPHRASE = """
entries:
  - id: mitochondrion
    term: "Mitochondrion"
    kind: term
    definition:
      text: "The organelle that produces most of a cell's chemical energy."
      source: enc
      evidence: "produces most of the chemical energy"
"""


def test_the_semantic_stage_finds_what_shares_no_word(make_pack: Callable[[str], Path]) -> None:
    pack = load_pack(make_pack(PARAPHRASE))
    question = "what powers the inside of living things"
    lexical = Matcher(pack).search(question)
    assert all(c.entry.id != "mitochondrion" for c in lexical)
    hybrid = Matcher(pack, embedder=shared_embedder()).search(question)
    assert hybrid and hybrid[0].entry.id == "mitochondrion"


def test_lexical_only_mode_needs_no_model(tmp_path: Path) -> None:
    settings = Settings.from_env({"STUDYBOT_MATCHER": "lexical", "STUDYBOT_DATA": str(tmp_path)})
    assert settings.matcher == "lexical"
    pack, index = load_indexed(
        ROOT / "tests" / "packs" / "tiny", tmp_path / "cache", semantic=False
    )
    assert index.mode == "lexical" and index.embedder is None
    reply = Answerer(pack, matcher=index).ask("who was trotsky")
    assert reply.answer is not None and reply.answer.entry == "leon-trotsky"
    assert not list((tmp_path / "cache").rglob("vectors-*.npy"))


def test_embeddings_are_cached_per_pack_and_model(tmp_path: Path) -> None:
    folder = ROOT / "tests" / "packs" / "tiny"
    cache = tmp_path / "cache"
    pack = load_cached(folder, cache)
    first = index_pack(pack, cache)
    (vectors,) = cache.rglob("vectors-*.npy")
    again = index_pack(load_cached(folder, cache), cache)
    assert np.array_equal(first.semantic.codes, again.semantic.codes)
    assert np.array_equal(first.semantic.scales, again.semantic.scales)
    assert list(cache.rglob("vectors-*.npy")) == [vectors]
    for question in ("who was trotsky", "when did the comintern exist", "what is bread"):
        a = Answerer(pack, matcher=first).ask(question).to_json() | {"elapsed_ms": 0}
        b = Answerer(pack, matcher=again).ask(question).to_json() | {"elapsed_ms": 0}
        assert a == b


def test_int8_rows_keep_cosines_within_two_thousandths() -> None:
    """The index stores int8 codes and a scale per row; similarities barely move."""
    from bot.answering.matcher import SemanticIndex, quantise

    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((500, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors[7] = 0.0  # an empty row must not divide by zero
    codes, scales = quantise(vectors)
    assert codes.dtype == np.int8 and scales.dtype == np.float32
    index = SemanticIndex(np.arange(500, dtype=np.int32), np.zeros(500, np.int32), codes, scales)
    query = vectors[11]
    exact = vectors @ query
    assert np.abs(index.similarities(query) - exact).max() < 2e-3
    rows = np.array([3, 11, 7])
    assert np.allclose(index.similarities(query, rows), index.similarities(query)[rows])
    assert np.argmax(index.similarities(query)) == 11


def test_the_coarse_pass_answers_as_the_full_scan(
    bundled: Answerer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big index scans a 64-number projection first and scores only its best rows exactly.

    On the bundled pack (built without it: too small) the answers must not change when it is
    switched on, even handing on only 200 of its ~5,000 rows, a far smaller share than the
    2,048 of 230,000 a 100,000-item pack keeps.
    """
    from bot.answering import matcher as matcher_module
    from bot.answering.evaluate import load_questions

    semantic = bundled.matcher.semantic
    assert semantic is not None and semantic._coarse is None
    questions = [q for q, _ in load_questions(Path(__file__).parents[1] / "questions_heldout.yaml")]
    before = [
        (r.answer.entry if r.answer else None, r.confidence) for r in map(bundled.ask, questions)
    ]
    monkeypatch.setattr(matcher_module, "COARSE_KEEP", 200)
    semantic.build_coarse()
    try:
        after = [
            (r.answer.entry if r.answer else None, r.confidence)
            for r in map(bundled.ask, questions)
        ]
        rough = semantic.similarities(bundled.matcher.embedder.encode(["who led the bloc"])[0])
        assert (rough == -1.0).sum() == len(rough) - 200  # only the coarse pass's best are scored
    finally:
        semantic._coarse = None
    assert [entry for entry, _ in after] == [entry for entry, _ in before]
    # Exact wherever the question is near some rows. A question near none of them (off-topic:
    # "who painted the mona lisa") may get another far row as its best, and stays declined.
    threshold = bundled.matcher.model.threshold
    for question, (entry, a), (_, b) in zip(questions, after, before, strict=True):
        if entry is None and max(a, b) < threshold / 2:
            continue
        assert abs(a - b) < 1e-6, question


def test_a_big_index_builds_its_coarse_pass_on_the_first_question() -> None:
    """From 50,000 rows the first full scan starts the coarse pass in a thread; once it is ready,
    a question scores only the rows it hands on, and the best rows are still found."""
    from bot.answering.matcher import COARSE_KEEP, COARSE_MIN_ROWS, SemanticIndex, quantise

    rng = np.random.default_rng(7)
    # Rows that, like sentence embeddings, mostly vary along a few directions.
    rows = rng.normal(size=(COARSE_MIN_ROWS, 24)) @ rng.normal(size=(24, 384))
    rows += 0.3 * rng.normal(size=rows.shape)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    count = len(rows)
    index = SemanticIndex(
        np.arange(count, dtype=np.int32), np.zeros(count, np.int32), *quantise(rows)
    )
    question = rows[123] + 0.5 * rng.normal(size=384)
    question = (question / np.linalg.norm(question)).astype(np.float32)
    exact = index.similarities(question)
    assert (exact > -1.0).all()  # the first question scans every row ...
    for thread in threading.enumerate():
        if thread.name == "coarse-index":
            thread.join()
    assert index._coarse is not None  # ... and leaves the coarse pass built
    rough = index.similarities(question)
    assert (rough > -1.0).sum() == COARSE_KEEP
    best = np.argsort(-exact)[:10]
    assert np.allclose(rough[best], exact[best], atol=1e-5)
