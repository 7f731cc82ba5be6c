"""Sentence embeddings on the CPU: the semantic half of the hybrid matcher.

The lexical index finds names, typos, rare terms and exact figures; it cannot tell that "who ran the
group" asks what an item says with "led". A small sentence-embedding model can. studybot ships
all-MiniLM-L6-v2 as an int8 ONNX file (about 23 MB, Apache-2.0, see the NOTICE beside it), run with
ONNX Runtime and Hugging Face `tokenizers`: no torch, no network, a few milliseconds a question on
one core. `tools/build_model.py` reproduces the file.

Another model directory can be configured (`STUDYBOT_MODEL` or `--model`): it needs `model.onnx`
(inputs `input_ids`, `attention_mask` and optionally `token_type_ids`; output the token embeddings)
and `tokenizer.json`, and may carry a `studybot-model.json` with `pooling` ("mean" or "cls") and
`max_tokens`. A bge-small ONNX export, for instance, works with `{"pooling": "cls"}`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TextIO

import numpy as np

log = logging.getLogger("studybot.semantic")

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "models" / "all-MiniLM-L6-v2"
BATCH = 64

Progress = Callable[[int, int], None]
"""Called as `progress(done, total)` while a pack's items are embedded."""


class ModelError(RuntimeError):
    """The configured model directory cannot be used (missing files, wrong shape)."""


@dataclass(frozen=True)
class ModelInfo:
    """What a model directory says about itself."""

    name: str
    pooling: str
    max_tokens: int
    digest: str
    """A digest of the model and tokenizer files: cached embeddings are keyed by it."""


def model_info(model_dir: Path) -> ModelInfo:
    """Read a model directory's settings and digest, or raise `ModelError` saying what is missing."""
    onnx_file, tok_file = model_dir / "model.onnx", model_dir / "tokenizer.json"
    for needed in (onnx_file, tok_file):
        if not needed.is_file():
            raise ModelError(
                f"{model_dir}: no {needed.name} (a model folder needs model.onnx and tokenizer.json)"
            )
    config: dict[str, object] = {}
    if (model_dir / "studybot-model.json").is_file():
        try:
            config = json.loads((model_dir / "studybot-model.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise ModelError(f"{model_dir / 'studybot-model.json'}: {err}") from err
    pooling = str(config.get("pooling", "mean"))
    if pooling not in ("mean", "cls"):
        raise ModelError(f"{model_dir}: pooling must be 'mean' or 'cls', not {pooling!r}")
    digest = hashlib.sha256()
    for path in (onnx_file, tok_file):
        # The bytes, not the file times: an installed copy has new times but the same model,
        # and its cached embeddings stay good. About 30 ms for 23 MB, once per process.
        with path.open("rb") as handle:
            digest.update(hashlib.file_digest(handle, "sha256").digest())
    digest.update(pooling.encode())
    return ModelInfo(
        name=str(config.get("name", model_dir.name)),
        pooling=pooling,
        max_tokens=int(config.get("max_tokens", 128)),  # type: ignore[call-overload]
        digest=digest.hexdigest()[:24],
    )


@dataclass(frozen=True)
class TokenVectors:
    """One text as the model saw it: a vector per token, and the word of the text each came from.

    The matcher compares items with the whole question and also with the part of it that is not
    an entry's name ("wife" in "who was trotsky's wife"). Pooling that part from the same model
    run costs nothing; running the model again on it cost about 2 ms, most of a question's time.
    """

    vectors: np.ndarray
    """(tokens, width): the model's output for each token, before pooling."""
    words: tuple[str, ...]
    """The text's word each token belongs to ("" for the [CLS]/[SEP] markers)."""
    pooling: str

    def whole(self) -> np.ndarray:
        """The text's embedding: the same vector `Embedder.encode` gives for it."""
        pooled = self.vectors[0] if self.pooling == "cls" else self.vectors.mean(axis=0)
        return _unit(pooled)

    def part(self, keep: Callable[[str], bool]) -> np.ndarray | None:
        """The mean of the tokens whose word `keep` accepts; None if none is (or CLS pooling).

        A CLS-pooled model puts the sentence in its first token only: a part of it cannot be
        pooled, and the caller embeds the part on its own instead.
        """
        if self.pooling != "mean":
            return None
        rows = [n for n, word in enumerate(self.words) if word and keep(word)]
        if not rows:
            return None
        return _unit(self.vectors[rows].mean(axis=0))


def _unit(vectors: np.ndarray) -> np.ndarray:
    """Vectors (one, or a row each) scaled to length 1, as float32."""
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-9)).astype(np.float32)


class Embedder:
    """Turns texts into unit-length vectors, so a dot product is their cosine similarity."""

    def __init__(self, model_dir: Path | None = None, *, threads: int = 1) -> None:
        """Load lazily: constructing one is free, the first `encode` opens the model (~0.1 s)."""
        self.model_dir = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
        self.info = model_info(self.model_dir)
        self.threads = threads

    @cached_property
    def _session(self):
        import onnxruntime as ort

        options = ort.SessionOptions()
        # One thread: the bot answers one question at a time per worker, and on a small shared
        # host a thread pool per question costs more in wake-ups than it gains.
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        try:
            session = ort.InferenceSession(
                str(self.model_dir / "model.onnx"), options, providers=["CPUExecutionProvider"]
            )
        except Exception as err:  # onnxruntime raises its own exception types
            raise ModelError(f"{self.model_dir / 'model.onnx'}: {err}") from err
        self._inputs = {i.name for i in session.get_inputs()}
        return session

    @cached_property
    def _tokenizer(self):
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=self.info.max_tokens)
        tokenizer.no_padding()
        return tokenizer

    def pieces(self, word: str) -> int:
        """How many word pieces the model reads a word in: a typo breaks a word into many."""
        return len(self._tokenizer.encode(word, add_special_tokens=False).ids)

    def _feeds(self, ids: np.ndarray, mask: np.ndarray) -> dict[str, np.ndarray]:
        """The model's inputs for token ids (rows padded as `mask` says)."""
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        return feeds

    def tokens(self, text: str) -> TokenVectors:
        """One text's token vectors (see `TokenVectors`): a question, embedded once."""
        session, tokenizer = self._session, self._tokenizer
        enc = tokenizer.encode(text)
        ids = np.asarray([enc.ids], dtype=np.int64)
        vectors = session.run(None, self._feeds(ids, np.ones_like(ids)))[0][0]
        spans: dict[int, tuple[int, int]] = {}
        for word, (start, end) in zip(enc.word_ids, enc.offsets, strict=True):
            if word is not None:
                low, high = spans.get(word, (start, end))
                spans[word] = (min(low, start), max(high, end))
        words = tuple(
            text[spans[w][0] : spans[w][1]] if w is not None else "" for w in enc.word_ids
        )
        return TokenVectors(vectors.astype(np.float32), words, self.info.pooling)

    def encode(
        self, texts: Sequence[str], *, batch: int = BATCH, progress: Progress | None = None
    ) -> np.ndarray:
        """Embed texts as float32 rows of unit length, in the order given."""
        session, tokenizer = self._session, self._tokenizer
        encodings = tokenizer.encode_batch(list(texts)) if texts else []
        # Similar lengths share a batch, so padding (wasted work) stays small.
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        out: np.ndarray | None = None
        for start in range(0, len(order), batch):
            chunk = [encodings[i] for i in order[start : start + batch]]
            width = max(len(e.ids) for e in chunk)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, enc in enumerate(chunk):
                ids[row, : len(enc.ids)] = enc.ids
                mask[row, : len(enc.ids)] = 1
            tokens = session.run(None, self._feeds(ids, mask))[0]
            if self.info.pooling == "cls":
                pooled = tokens[:, 0, :]
            else:
                weights = mask[:, :, None].astype(np.float32)
                pooled = (tokens * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            pooled = _unit(pooled)
            if out is None:
                out = np.empty((len(encodings), pooled.shape[1]), dtype=np.float32)
            out[[order[i] for i in range(start, start + len(chunk))]] = pooled
            if progress:
                progress(min(start + batch, len(order)), len(order))
        if out is None:
            return np.zeros((0, 384), dtype=np.float32)
        return out


def configured_model_dir() -> Path | None:
    """The model folder chosen by `STUDYBOT_MODEL`, or None for the shipped default."""
    value = os.environ.get("STUDYBOT_MODEL", "").strip()
    return Path(value).expanduser() if value else None


_SHARED: dict[Path | None, Embedder] = {}


def shared_embedder(model_dir: Path | None = None) -> Embedder:
    """One embedder per model folder for the whole process: the ONNX session is the costly part."""
    key = model_dir or configured_model_dir()
    if key not in _SHARED:
        _SHARED[key] = Embedder(key)
    return _SHARED[key]


def console_progress(stream: TextIO | None = None, *, label: str = "embedding") -> Progress:
    """A progress line on stderr while a pack is embedded (only shown past one batch).

    A big pack's first start embeds every item (about 2 ms an item on one core); a line that
    moves says the bot is working, not hung. On a terminal it redraws in place; in a log it
    writes a line every tenth of the way.
    """
    out = stream or sys.stderr
    tty = out.isatty() if hasattr(out, "isatty") else False
    state = {"shown": -1}

    def report(done: int, total: int) -> None:
        if total <= BATCH:
            return
        tenth = done * 10 // total
        if tty:
            out.write(f"\r{label} the pack: {done:,}/{total:,} texts")
            if done >= total:
                out.write("\n")
        elif tenth != state["shown"]:
            state["shown"] = tenth
            out.write(f"{label} the pack: {done:,}/{total:,} texts\n")
        out.flush()

    return report
