"""Keep the last validated pack, and its embeddings, on disk so a restart skips rebuilding them.

Parsing and validating the YAML, and above all embedding every item with the sentence model, is
most of a start-up; the pack rarely changes between starts. The cache is keyed by the bytes of
every pack file *and* by the source of the code that reads them, so an edited pack or a new studybot
version always goes through full validation again. Embeddings are keyed by the pack and the model.

Nothing in the cache can run code: the pack is JSON, the vectors are `.npy` arrays read with
`allow_pickle=False`. A manifest records the cache key and a SHA-256 of every payload file; a
file that does not match (tampered, truncated, left by another version) is ignored and rebuilt.
Each pack has its own folder (named by a digest of its path), so two packs sharing a data folder
never evict each other. Folders are created 0700 and files 0600: they hold nothing secret, but
they are nobody else's to change.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.answering import lexical, matcher, text
from bot.answering.lexical import IndexArrays, LexicalMatcher
from bot.answering.matcher import Matcher, SemanticIndex
from bot.answering.semantic import Embedder, Progress, shared_embedder
from bot.packs import loader
from bot.packs import model as pack_model
from bot.packs.loader import load_pack, pack_files
from bot.packs.model import Entry, Item, LazyEntries, Pack, QuizItem, Source
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.answering.answers import Answerer

log = logging.getLogger("studybot.pack")

FORMAT = 4
_CODE = hashlib.sha256(
    str(FORMAT).encode()
    + b"".join(
        Path(module.__file__).read_bytes()  # type: ignore[arg-type]
        for module in (loader, pack_model, text, lexical, matcher)
    )
    + Path(__file__).read_bytes()  # the cache's own layout
).hexdigest()


def cache_key(folder: Path) -> str:
    """A digest of the pack's files and of the code that validates and indexes them."""
    digest = hashlib.sha256(_CODE.encode())
    files = [folder] if folder.is_file() else pack_files(folder)
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:40]


def pack_cache_dir(folder: Path, cache_dir: Path) -> Path:
    """The cache folder of one pack: one per pack path, so packs never evict each other."""
    where = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
    return cache_dir / f"pack-{where}"


def load_cached(path: Path | str, cache_dir: Path | None) -> Pack:
    """`load_pack`, answered from the cache when the same files were validated before."""
    return _load(Path(path), cache_dir)[0]


def _load(folder: Path, cache_dir: Path | None) -> tuple[Pack, Path | None, str | None]:
    """The pack, with its cache folder and key when it has a usable cache."""
    if cache_dir is None or not folder.exists():
        return load_pack(folder), None, None
    try:
        key = cache_key(folder)
    except OSError:
        return load_pack(folder), None, None
    where = pack_cache_dir(folder, cache_dir)
    cached = _read_pack(where, key, folder)
    if cached is not None:
        return cached, where, key
    fresh = load_pack(folder)  # raises PackError; nothing is cached then
    _write_pack(where, key, fresh)
    return fresh, where, key


def open_answerer(settings: Settings, *, progress: Progress | None = None) -> Answerer:
    """The answerer for the configured pack, index included, for every front end that asks."""
    from bot.answering.answers import Answerer

    pack, index = load_indexed(
        settings.knowledge_dir,
        settings.data_dir / "cache",
        semantic=settings.matcher != "lexical",
        model_dir=settings.model_dir,
        progress=progress,
    )
    return Answerer(pack, max_question_chars=settings.max_question_chars, matcher=index)


def load_indexed(
    path: Path | str,
    cache_dir: Path | None,
    *,
    semantic: bool = True,
    model_dir: Path | None = None,
    progress: Progress | None = None,
) -> tuple[Pack, Matcher]:
    """The validated pack and its search index; the pack and embeddings from the cache if unchanged."""
    # Open the model (its digest, the ONNX session: ~0.3 s) beside reading the pack, not on the
    # first member's question; both wait mostly outside the GIL (hashing, file reads, ONNX).
    model = _ModelOpener(model_dir) if semantic else None
    try:
        pack, where, key = _load(Path(path), cache_dir)
        lexical_index = _lexical(pack, where, key)
    finally:
        if model is not None:
            model.join()
    if model is None:
        return pack, Matcher(pack, lexical=lexical_index)
    model.result()  # raises the model's error, if opening it failed
    index = index_pack(
        pack, cache_dir, model_dir=model_dir, progress=progress, lexical=lexical_index, key=key
    )
    return pack, index


class _ModelOpener(threading.Thread):
    """Opens the shared embedder in a thread and runs it once; `result` re-raises its error."""

    def __init__(self, model_dir: Path | None) -> None:
        super().__init__(name="studybot-model-open", daemon=True)
        self.model_dir = model_dir
        self.error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            shared_embedder(self.model_dir).encode(["warm up"])
        except BaseException as err:  # handed to the caller's thread by `result`
            self.error = err

    def result(self) -> None:
        self.join()
        if self.error is not None:
            raise self.error


def index_pack(
    pack: Pack,
    cache_dir: Path | None,
    *,
    model_dir: Path | None = None,
    progress: Progress | None = None,
    lexical: LexicalMatcher | None = None,
    key: str | None = None,
) -> Matcher:
    """The hybrid index of a loaded pack, its embeddings from the cache when they were made before.

    `lexical` is the pack's lexical index when the caller has it (see `_lexical`). `key` is the
    pack's cache key when `pack` is exactly what the cache holds for it (`load_indexed`): its
    vectors are then found by that key, without making every row's text first (about a second
    at 100,000 items). Without it (a pack changed in memory, like `kb eval`'s pack without asks)
    they are found by a digest of the row texts.
    """
    embedder = shared_embedder(model_dir)
    rows = SemanticIndex.texts(pack) if key is None else None
    names = _vector_names(embedder, key=key, texts=rows[0] if rows else None)
    vectors = None
    where = None
    if cache_dir is not None and pack.path is not None and pack.path.exists():
        with contextlib.suppress(OSError):
            where = pack_cache_dir(pack.path, cache_dir)
            vectors = _read_vectors(where, names, pack, None if rows is None else len(rows[0]))
    if vectors is None:
        rows = rows or SemanticIndex.texts(pack)
        vectors = SemanticIndex.build(pack, embedder, progress, rows=rows)
        if where is not None:
            _write_vectors(where, names, vectors)
    return Matcher(pack, embedder=embedder, semantic=vectors, lexical=lexical)


def store_stand_in_vectors(path: Path, cache_dir: Path, *, seed: int = 0) -> int:
    """Store random unit vectors as a pack's embeddings, where and how real ones are stored.

    For `studybot bench` only: embedding 100,000 items takes 20-30 minutes on a small machine,
    while the start, memory and speed of the semantic index depend on its shape, not on its
    values. Returns the number of rows.
    """
    pack, where, key = _load(path, cache_dir)
    if where is None:
        raise ValueError(f"{path}: no cache folder to store vectors in")
    embedder = shared_embedder(None)
    width = embedder.encode(["the model's width"]).shape[1]
    rows = SemanticIndex.texts(pack)
    vectors = np.random.default_rng(seed).standard_normal((len(rows[0]), width), np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    index = SemanticIndex.from_vectors(pack, rows, vectors)
    _write_vectors(where, _vector_names(embedder, key=key, texts=None), index)
    return len(rows[0])


def _lexical(pack: Pack, where: Path | None, key: str | None) -> LexicalMatcher:
    """The pack's lexical index: read from its cache folder when stored there, else built and stored.

    Building it tokenises every item (about 17 s for 100,000 items); reading it is a few arrays.
    """
    if where is not None and key is not None:
        with contextlib.suppress(OSError):
            arrays = _read_lexical(where, key, pack)
            if arrays is not None:
                return LexicalMatcher(pack, arrays)
    index = LexicalMatcher(pack)
    if where is not None:
        _write_lexical(where, index.arrays)
    return index


# -- the pack as JSON ------------------------------------------------------------------------


_ITEM_FIELDS = ("id", "entry_id", "role", "text", "source", "evidence", "asks", "about", "differs")


def _item_row(item: Item) -> list[Any]:
    return [
        list(v) if isinstance(v, tuple) else v for v in map(item.__getattribute__, _ITEM_FIELDS)
    ]


def _entry_row(e: Entry) -> list[Any]:
    """An entry as a row in field order: no key string per field, built positionally."""
    return [
        e.id,
        e.term,
        e.kind,
        _item_row(e.definition) if e.definition else None,
        [_item_row(f) for f in e.facts],
        list(e.aliases),
        list(e.tags),
        list(e.related),
        list(e.asks),
    ]


def pack_to_json(pack: Pack) -> dict[str, Any]:
    """Everything `load_pack` validated, as plain JSON types (entries as rows, see `_entry_row`)."""
    return {**_head(pack), "entries": [_entry_row(e) for e in pack.entries.values()]}


def _head(pack: Pack) -> dict[str, Any]:
    """The pack without its entries, plus what `StoredEntries` must know before reading any."""
    differs: dict[str, list[list[int]]] = {}
    for position, entry in enumerate(pack.entries.values()):
        for order, item in enumerate(entry.items):
            if item.differs:
                differs.setdefault(item.differs, []).append([position, order])
    return {
        "name": pack.name,
        "description": pack.description,
        "language": pack.language,
        "synonyms": [list(g) for g in pack.synonyms],
        "sources": [asdict(s) for s in pack.sources.values()],
        "quiz": [asdict(q) for q in pack.quiz],
        "entry_ids": list(pack.entries),
        "item_total": pack.item_count(),
        "differs": differs,
    }


def _entry_from_row(row: list[Any], shared: dict[str, str]) -> Entry:
    # Shared strings: a source id or a role repeated on every item is one object.
    intern = shared.setdefault
    eid, term, kind, definition, facts, aliases, tags, related, asks = row

    def item(row: list[Any]) -> Item:
        return Item(
            row[0],
            eid if row[1] == eid else row[1],
            intern(row[2], row[2]),
            row[3],
            intern(row[4], row[4]),
            row[5],
            tuple(row[6]),
            row[7] and intern(row[7], row[7]),
            row[8],
        )

    return Entry(
        eid,
        term,
        intern(kind, kind),
        item(definition) if definition else None,
        tuple([item(f) for f in facts]),
        tuple(aliases),
        tuple([intern(t, t) for t in tags]),
        tuple(related),
        tuple(asks),
    )


class StoredEntries(LazyEntries):
    """A cached pack's entries, one JSON line each, decoded and built when first read.

    The lines were checked against the manifest's digest as a whole before this exists; one that
    still fails to decode (it cannot, short of a bug) raises, as a broken pack would.
    """

    def __init__(self, ids: list[str], lines: bytes, item_total: int, differs: Any) -> None:
        """`lines` holds one JSON row per entry, a newline between two (JSON escapes its own)."""
        # Where each line starts and ends, found in one pass in C rather than by splitting the
        # bytes into a list of copies.
        breaks = np.flatnonzero(np.frombuffer(lines, dtype=np.uint8) == ord("\n"))
        bounds = [-1, *breaks.tolist(), len(lines)] if lines else [-1]
        if len(ids) != len(bounds) - 1 or len(set(ids)) != len(ids):
            raise ValueError("entry ids and lines disagree")
        self._ids = ids
        self._positions = {eid: n for n, eid in enumerate(ids)}
        self._text = lines
        self._bounds = bounds
        self._made: list[Entry | None] = [None] * len(ids)
        self._shared: dict[str, str] = {}
        self._lock = threading.Lock()
        self.item_total = int(item_total)
        self._differs = {
            str(key): [(int(n), int(order)) for n, order in places]
            for key, places in differs.items()
        }

    def at(self, position: int) -> Entry:
        """The entry at a position in pack order, built on first use."""
        made = self._made[position]
        if made is None:
            with self._lock:  # one object per entry, whichever thread reads it first
                made = self._made[position]
                if made is None:
                    start, end = self._bounds[position] + 1, self._bounds[position + 1]
                    made = _entry_from_row(json.loads(self._text[start:end]), self._shared)
                    if made.id != self._ids[position]:
                        raise ValueError(
                            f"the cached entry {position} is not {self._ids[position]}"
                        )
                    self._made[position] = made
        return made

    def __getitem__(self, entry_id: str) -> Entry:
        return self.at(self._positions[entry_id])

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._positions

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def in_order(self) -> Sequence[Entry]:
        return _InOrder(self)

    def items_by_id(self) -> Mapping[str, Item]:
        return _AllItems(self)

    def items_by_differs(self) -> Mapping[str, tuple[Item, ...]]:
        return _Rivals(self, self._differs)


class _InOrder(Sequence[Entry]):
    def __init__(self, entries: StoredEntries) -> None:
        self.entries = entries

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, position: int | slice) -> Any:  # type: ignore[override]
        if isinstance(position, slice):
            return [self.entries.at(n) for n in range(len(self))[position]]
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError(position)
        return self.entries.at(position)


class _AllItems(Mapping[str, Item]):
    """Item id -> item: rarely needed, so built (every entry) on first lookup, not at start."""

    def __init__(self, entries: StoredEntries) -> None:
        self.entries = entries
        self._all: dict[str, Item] | None = None

    def _items(self) -> dict[str, Item]:
        if self._all is None:
            self._all = {i.id: i for e in self.entries.in_order() for i in e.items}
        return self._all

    def __getitem__(self, item_id: str) -> Item:
        return self._items()[item_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items())

    def __len__(self) -> int:
        return self.entries.item_total


class _Rivals(Mapping[str, tuple[Item, ...]]):
    """`differs` key -> its items: the places were stored, the items are built when asked for."""

    def __init__(self, entries: StoredEntries, places: dict[str, list[tuple[int, int]]]) -> None:
        self.entries, self.places = entries, places

    def __getitem__(self, key: str) -> tuple[Item, ...]:
        return tuple(self.entries.at(n).items[order] for n, order in self.places[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self.places)

    def __len__(self) -> int:
        return len(self.places)


def pack_from_json(data: dict[str, Any], folder: Path) -> Pack:
    """The inverse of `pack_to_json` (every entry built now)."""
    shared: dict[str, str] = {}
    entries = {row[0]: _entry_from_row(row, shared) for row in data["entries"]}
    return _pack(data, entries, folder)


def _pack(head: dict[str, Any], entries: Mapping[str, Entry], folder: Path) -> Pack:
    return Pack(
        name=head["name"],
        description=head["description"],
        sources={
            s["id"]: Source(**{**s, "documents": tuple(s["documents"])}) for s in head["sources"]
        },
        entries=entries,
        quiz=tuple(
            QuizItem(
                **{
                    **q,
                    "answers": tuple(q["answers"]),
                    "distractors": tuple(q["distractors"]),
                    "tags": tuple(q["tags"]),
                }
            )
            for q in head["quiz"]
        ),
        path=folder,
        language=head["language"],
        synonyms=tuple(tuple(g) for g in head["synonyms"]),
    )


# -- files -----------------------------------------------------------------------------------


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _manifest(where: Path) -> dict[str, Any]:
    try:
        data = json.loads((where / "manifest.json").read_bytes())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _checked(where: Path, name: str, manifest: dict[str, Any]) -> bytes | None:
    """A payload file's bytes, only when they match the digest the manifest recorded."""
    digest = manifest.get("files", {}).get(name)
    if not isinstance(digest, str):
        return None
    try:
        data = (where / name).read_bytes()
    except OSError:
        return None
    if _sha(data) != digest:
        log.warning("ignoring %s: it does not match its recorded digest", where / name)
        return None
    return data


PACK_FILES = ("pack.json", "entries.jsonl")
"""The pack without its entries, and one JSON line per entry (read when first used)."""


def _checked_files(where: Path, key: str, names: tuple[str, ...]) -> list[bytes] | None:
    """The bytes of these cache files, if the manifest is for `key` and every digest matches."""
    manifest = _manifest(where)
    if manifest.get("key") != key:
        return None
    found = [_checked(where, name, manifest) for name in names]
    return None if any(data is None for data in found) else found  # type: ignore[return-value]


def _read_pack(where: Path, key: str, folder: Path) -> Pack | None:
    if (files := _checked_files(where, key, PACK_FILES)) is None:
        return None
    head_bytes, lines_bytes = files
    try:
        head = json.loads(head_bytes)
        entries = StoredEntries(head["entry_ids"], lines_bytes, head["item_total"], head["differs"])
        return _pack(head, entries, folder)
    except (ValueError, KeyError, TypeError, IndexError, AttributeError):
        log.info("ignoring an unreadable pack cache at %s", where)  # only a slower start
        return None


VectorFiles = tuple[str, str, str]


def _vector_names(embedder: Embedder, *, key: str | None, texts: list[str] | None) -> VectorFiles:
    """The cache files of a pack's rows embedded by this model: int8 codes, scales, row owners."""
    digest = hashlib.sha256(embedder.info.digest.encode())
    if key is not None:
        digest.update(b"pack\0" + key.encode())
    for line in texts or ():
        digest.update(line.encode() + b"\0")
    tag = digest.hexdigest()[:16]
    return f"vectors-{tag}.npy", f"scales-{tag}.npy", f"rows-{tag}.npy"


def _read_vectors(
    where: Path, names: VectorFiles, pack: Pack, count: int | None
) -> SemanticIndex | None:
    """The stored index, or None; `count` is the number of rows expected, when known."""
    manifest = _manifest(where)
    blobs = [_checked(where, name, manifest) for name in names[1:]]
    if blobs[0] is None or blobs[1] is None:
        return None
    try:
        scales, rows = (np.load(io.BytesIO(b), allow_pickle=False) for b in blobs)  # type: ignore[arg-type]
        codes = _mapped(where / names[0], manifest.get("files", {}).get(names[0]))
    except (ValueError, OSError):
        return None
    if codes is None or codes.dtype != np.int8 or codes.ndim != 2 or scales.dtype != np.float32:
        return None
    if rows.ndim != 2 or rows.shape[0] != 4 or not len(codes) == len(scales) == rows.shape[1]:
        return None
    if (count is not None and count != len(codes)) or int(rows[0].max(initial=-1)) >= len(
        pack.entries
    ):
        return None
    return SemanticIndex(
        rows[0].astype(np.int32), rows[1].astype(np.int32), codes, scales,
        rows[2].astype(bool), rows[3].astype(bool),
    )  # fmt: skip


def _mapped(path: Path, digest: object) -> np.ndarray | None:
    """An `.npy` file mapped from disk (not read into memory), if it matches its digest.

    The digest is checked on the same open file that is then mapped, so a file renamed into
    place after the check is not the one used. Only plain numeric arrays are accepted.
    """
    if not isinstance(digest, str):
        return None
    with path.open("rb") as handle:
        if hashlib.file_digest(handle, "sha256").hexdigest() != digest:
            log.warning("ignoring %s: it does not match its recorded digest", path)
            return None
        handle.seek(0)
        version = np.lib.format.read_magic(handle)
        read_header = (
            np.lib.format.read_array_header_1_0
            if version == (1, 0)
            else np.lib.format.read_array_header_2_0
        )
        shape, fortran, dtype = read_header(handle)
        if dtype.hasobject:
            return None
        if 0 in shape:
            return np.zeros(shape, dtype=dtype)
        return np.memmap(
            handle, dtype=dtype, mode="r", shape=shape, offset=handle.tell(),
            order="F" if fortran else "C",
        )  # fmt: skip


LEXICAL_FILES = ("lexical.json", "lexical.npz")


def _read_lexical(where: Path, key: str, pack: Pack) -> IndexArrays | None:
    if (files := _checked_files(where, key, LEXICAL_FILES)) is None:
        return None
    meta_bytes, arrays_bytes = files
    try:
        with np.load(io.BytesIO(arrays_bytes), allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
        index = IndexArrays.from_stored(json.loads(meta_bytes), arrays)
    except (ValueError, KeyError, TypeError, OSError):  # damaged: rebuild, as for the pack
        log.info("ignoring an unreadable lexical index at %s", where)
        return None
    items = index.arrays["entry_items_at"]
    if len(items) != len(pack.entries) + 1 or int(items[-1]) != pack.item_count():
        return None
    return index


def _write_lexical(where: Path, index: IndexArrays) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, **index.arrays)  # numeric arrays only: nothing in it needs pickle
    meta = json.dumps(index.meta(), ensure_ascii=False, separators=(",", ":")).encode()
    _update(
        where,
        dict(zip(LEXICAL_FILES, (meta, buffer.getvalue()), strict=True)),
        key=None,
        keep_vectors=True,
    )


def _write_pack(where: Path, key: str, pack: Pack) -> None:
    head = json.dumps(_head(pack), ensure_ascii=False).encode()
    # JSON escapes every newline inside a string: one line is one entry.
    lines = b"\n".join(
        json.dumps(_entry_row(e), ensure_ascii=False, separators=(",", ":")).encode()
        for e in pack.entries.values()
    )
    # A new pack version: drop the old vectors with the old manifest.
    _update(where, dict(zip(PACK_FILES, (head, lines), strict=True)), key=key, keep_vectors=False)


def _write_vectors(where: Path, names: VectorFiles, index: SemanticIndex) -> None:
    owners = np.vstack([index.rows_entry, index.rows_item, index.rows_subject, index.rows_ask])
    files = {}
    for name, array in zip(
        names, (index.codes, index.scales, owners.astype(np.int32)), strict=True
    ):
        buffer = io.BytesIO()
        np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
        files[name] = buffer.getvalue()
    _update(where, files, key=None, keep_vectors=True)


def _update(where: Path, files: dict[str, bytes], *, key: str | None, keep_vectors: bool) -> None:
    """Write payload files, then the manifest naming them (atomic renames, private modes)."""
    try:
        private_dir(where)
        manifest = _manifest(where) if keep_vectors else {}
        if key is not None:
            manifest["key"] = key
        recorded = manifest.setdefault("files", {})
        for name, data in files.items():
            write_private(where / name, data)
            recorded[name] = _sha(data)
        for stale in set(recorded) - {p.name for p in where.iterdir()}:
            del recorded[stale]
        write_private(where / "manifest.json", json.dumps(manifest).encode())
        for old in where.iterdir():
            if old.name not in recorded and old.name != "manifest.json":
                with contextlib.suppress(OSError):
                    old.unlink()
    except OSError as err:
        log.info("could not write the pack cache (%s); starting without it", err)


def private_dir(path: Path) -> None:
    """Create a folder (and its parents) readable by this user only."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o700)


def write_private(target: Path, data: bytes) -> None:
    """Write a file atomically (a reader sees the old file or the new, never half), mode 0600."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


__all__ = [
    "cache_key",
    "index_pack",
    "load_cached",
    "load_indexed",
    "open_answerer",
    "pack_from_json",
    "pack_to_json",
]
