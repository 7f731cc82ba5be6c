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
from bot.packs.model import Entry, Item, Pack, QuizItem, Source
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
    pack, where, key = _load(Path(path), cache_dir)
    lexical_index = _lexical(pack, where, key)
    if not semantic:
        return pack, Matcher(pack, lexical=lexical_index)
    index = index_pack(
        pack, cache_dir, model_dir=model_dir, progress=progress, lexical=lexical_index, key=key
    )
    if index.embedder is not None:
        # Open the ONNX session now (~0.3 s), not on the first member's question.
        index.embedder.encode(["warm up"])
    return pack, index


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


def pack_to_json(pack: Pack) -> dict[str, Any]:
    """Everything `load_pack` validated, as plain JSON types.

    Entries and items are rows (lists in field order), not objects: a 100,000-item pack decodes
    in half the time without a key string per field, and builds its objects positionally.
    """

    def item_row(item: Item) -> list[Any]:
        return [
            list(v) if isinstance(v, tuple) else v for v in map(item.__getattribute__, _ITEM_FIELDS)
        ]

    return {
        "name": pack.name,
        "description": pack.description,
        "language": pack.language,
        "synonyms": [list(g) for g in pack.synonyms],
        "sources": [asdict(s) for s in pack.sources.values()],
        "entries": [
            [
                e.id,
                e.term,
                e.kind,
                item_row(e.definition) if e.definition else None,
                [item_row(f) for f in e.facts],
                list(e.aliases),
                list(e.tags),
                list(e.related),
                list(e.asks),
            ]
            for e in pack.entries.values()
        ],
        "quiz": [asdict(q) for q in pack.quiz],
    }


def pack_from_json(data: dict[str, Any], folder: Path) -> Pack:
    """The inverse of `pack_to_json`."""
    # Shared strings: a source id or a role repeated on 100,000 items is one object, not 100,000.
    shared: dict[str, str] = {}
    intern = shared.setdefault
    items_by_id: dict[str, Item] = {}

    def item(row: list[Any], entry_id: str) -> Item:
        made = Item(
            row[0],
            entry_id if row[1] == entry_id else row[1],
            intern(row[2], row[2]),
            row[3],
            intern(row[4], row[4]),
            row[5],
            tuple(row[6]),
            row[7] and intern(row[7], row[7]),
            row[8],
        )
        items_by_id[made.id] = made  # as `Pack.__post_init__` would: the last of an id wins
        return made

    entries = {}
    for eid, term, kind, definition, facts, aliases, tags, related, asks in data["entries"]:
        entries[eid] = Entry(
            eid,
            term,
            intern(kind, kind),
            item(definition, eid) if definition else None,
            tuple([item(f, eid) for f in facts]),
            tuple(aliases),
            tuple([intern(t, t) for t in tags]),
            tuple(related),
            tuple(asks),
        )
    return Pack(
        name=data["name"],
        description=data["description"],
        sources={
            s["id"]: Source(**{**s, "documents": tuple(s["documents"])}) for s in data["sources"]
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
            for q in data["quiz"]
        ),
        path=folder,
        language=data["language"],
        synonyms=tuple(tuple(g) for g in data["synonyms"]),
        items_by_id=items_by_id,
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


def _read_pack(where: Path, key: str, folder: Path) -> Pack | None:
    manifest = _manifest(where)
    if manifest.get("key") != key:
        return None
    data = _checked(where, "pack.json", manifest)
    if data is None:
        return None
    try:
        return pack_from_json(json.loads(data), folder)
    except (
        ValueError,
        KeyError,
        TypeError,
        IndexError,
    ):  # a damaged cache only means a slower start
        log.info("ignoring an unreadable pack cache at %s", where)
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
    manifest = _manifest(where)
    if manifest.get("key") != key:
        return None
    meta_bytes, arrays_bytes = (_checked(where, name, manifest) for name in LEXICAL_FILES)
    if meta_bytes is None or arrays_bytes is None:
        return None
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
    payload = json.dumps(pack_to_json(pack), ensure_ascii=False).encode()
    # A new pack version: drop the old vectors with the old manifest.
    _update(where, {"pack.json": payload}, key=key, keep_vectors=False)


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
