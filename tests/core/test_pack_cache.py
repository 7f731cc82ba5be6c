"""The validated-pack cache: used only for unchanged files, never for a broken pack."""

# The cached index must answer exactly as a freshly built one, and follow every edit.

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.answering import lexical
from bot.answering.answers import Answerer
from bot.answering.lexical import IndexArrays, LexicalMatcher
from bot.answering.matcher import Matcher
from bot.packs.cache import StoredEntries, cache_key, load_cached, load_indexed
from bot.packs.loader import PackError

TINY = Path(__file__).resolve().parent.parent / "packs" / "tiny"


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "pack"
    shutil.copytree(TINY, folder)
    return folder


def test_second_load_comes_from_the_cache(pack_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = load_cached(pack_dir, cache)
    files = list(cache.glob("pack-*/pack.json"))
    assert len(files) == 1
    second = load_cached(pack_dir, cache)
    assert second == first and second is not first


def test_an_edit_is_validated_again(pack_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_cached(pack_dir, cache)
    before = cache_key(pack_dir)
    pack_file = pack_dir / "pack.yaml"
    pack_file.write_text(pack_file.read_text().replace("Tiny test pack", "Renamed pack"))
    assert cache_key(pack_dir) != before
    assert load_cached(pack_dir, cache).name == "Renamed pack"
    pack_file.write_text(pack_file.read_text().replace('term: "Leon Trotsky"', "term: yes"))
    with pytest.raises(PackError):
        load_cached(pack_dir, cache)  # the old good pack is not served for broken files


def test_a_damaged_cache_is_ignored(pack_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_cached(pack_dir, cache)
    for path in cache.glob("pack-*/*"):
        path.write_bytes(b"not json")
    assert load_cached(pack_dir, cache).name == "Tiny test pack"


def test_a_tampered_cache_is_not_trusted(pack_dir: Path, tmp_path: Path) -> None:
    """A cache file changed behind studybot's back (another user, a bad disk) is rebuilt.

    The attacker here rewrites the cached pack with valid JSON holding a different answer and
    keeps the manifest's cache key; the digest of the payload gives it away.
    """
    cache = tmp_path / "cache"
    load_cached(pack_dir, cache)
    (cached,) = cache.glob("pack-*/pack.json")
    cached.write_text(cached.read_text().replace("Tiny test pack", "Planted pack"))
    assert load_cached(pack_dir, cache).name == "Tiny test pack"


def test_the_cache_holds_no_pickle_and_is_private(pack_dir: Path, tmp_path: Path) -> None:
    """Nothing in the cache can run code when read, and other users can neither read nor write it."""
    cache = tmp_path / "cache"
    load_indexed(pack_dir, cache)
    written = [p for p in cache.rglob("*") if p.is_file()]
    assert {p.suffix for p in written} == {".json", ".jsonl", ".npy", ".npz"}
    for path in written:
        assert not path.read_bytes().startswith(b"\x80"), f"{path} looks like a pickle"
        assert path.stat().st_mode & 0o777 == 0o600, path
    for folder in (p for p in cache.rglob("*") if p.is_dir()):
        assert folder.stat().st_mode & 0o777 == 0o700, folder


def test_a_planted_pickle_is_never_loaded(pack_dir: Path, tmp_path: Path) -> None:
    """The old cache format ran whatever pickle sat at a computable path; nothing reads it now."""
    import pickle

    cache = tmp_path / "cache"
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (marker.write_text, ("ran",))

    cache.mkdir()
    (cache / f"pack-{cache_key(pack_dir)}.pickle").write_bytes(pickle.dumps(Payload()))
    load_indexed(pack_dir, cache)
    assert not marker.exists()


def test_two_packs_share_a_data_folder_without_evicting_each_other(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first, second = tmp_path / "a", tmp_path / "b"
    shutil.copytree(TINY, first)
    shutil.copytree(TINY, second)
    pack_file = second / "pack.yaml"
    pack_file.write_text(pack_file.read_text().replace("Tiny test pack", "Second pack"))
    load_cached(first, cache)
    load_cached(second, cache)
    manifests = {p: p.read_bytes() for p in cache.glob("pack-*/manifest.json")}
    assert len(manifests) == 2
    load_cached(first, cache)
    load_cached(second, cache)
    assert {p: p.read_bytes() for p in cache.glob("pack-*/manifest.json")} == manifests


def test_an_unwritable_cache_folder_still_loads(pack_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert load_cached(pack_dir, blocker / "cache").name == "Tiny test pack"


QUESTIONS = ("who was trotsky", "when did the comintern exist", "what is the capital of france")


def test_the_cached_index_answers_like_a_fresh_one(pack_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_indexed(pack_dir, cache)
    pack, index = load_indexed(pack_dir, cache)
    assert index.pack is pack
    cached, fresh = Answerer(pack, matcher=index), Answerer(pack)
    assert cached.matcher is index and fresh.matcher is not index
    for question in QUESTIONS:
        assert cached.ask(question).to_json() | {"elapsed_ms": 0} == fresh.ask(
            question
        ).to_json() | {"elapsed_ms": 0}


def test_an_edit_reindexes(pack_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_indexed(pack_dir, cache)
    pack_file = pack_dir / "pack.yaml"
    pack_file.write_text(pack_file.read_text().replace('"Lev Bronstein"', '"Lev Davidovich"'))
    pack, index = load_indexed(pack_dir, cache)
    reply = Answerer(pack, matcher=index).ask("lev davidovich")
    assert reply.answer is not None and reply.answer.entry == "leon-trotsky"


# -- the lexical index and the vectors in the cache ---------------------------------------------

LEXICAL_QUESTIONS = (
    *QUESTIONS,
    "trotksy exile",  # a typo: the hashed typo keys
    "what did lev bronstein write",
    "how many members did the opposition have",
    "left opposition",
    "",
)


def _stored_index(cache: Path) -> Path:
    (found,) = cache.glob("pack-*/lexical.npz")
    return found


def _same_arrays(a: IndexArrays, b: IndexArrays) -> bool:
    return (
        a.meta() == b.meta()
        and a.arrays.keys() == b.arrays.keys()
        and all(np.array_equal(a.arrays[k], b.arrays[k]) for k in a.arrays)
    )


def test_the_lexical_index_is_read_from_the_cache_not_rebuilt(
    pack_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A start from the cache tokenises nothing, and the index it reads is the one it stored."""
    cache = tmp_path / "cache"
    _pack, first = load_indexed(pack_dir, cache, semantic=False)

    def no_rebuild(*_args: object) -> None:
        raise AssertionError("the lexical index was rebuilt")

    monkeypatch.setattr(lexical, "build_arrays", no_rebuild)
    pack, again = load_indexed(pack_dir, cache, semantic=False)
    assert _same_arrays(first.lexical.arrays, again.lexical.arrays)
    fresh = Answerer(
        pack, matcher=Matcher(pack, lexical=LexicalMatcher(pack, first.lexical.arrays))
    )
    cached = Answerer(pack, matcher=again)
    for question in LEXICAL_QUESTIONS:
        assert cached.ask(question).to_json() | {"elapsed_ms": 0} == fresh.ask(
            question
        ).to_json() | {"elapsed_ms": 0}


def test_the_cached_lexical_index_answers_like_a_freshly_built_one(
    pack_dir: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    load_indexed(pack_dir, cache, semantic=False)
    pack, cached = load_indexed(pack_dir, cache, semantic=False)
    built = Matcher(pack)  # indexes the pack now, from its YAML-loaded objects
    assert _same_arrays(cached.lexical.arrays, built.lexical.arrays)
    for question in LEXICAL_QUESTIONS:
        assert [
            (c.entry.id, c.item and c.item.id, c.confidence) for c in cached.search(question)
        ] == [(c.entry.id, c.item and c.item.id, c.confidence) for c in built.search(question)]


def test_a_tampered_lexical_index_is_rejected_and_rebuilt(pack_dir: Path, tmp_path: Path) -> None:
    """Valid arrays with a changed weight, manifest untouched: the digest gives them away."""
    cache = tmp_path / "cache"
    _pack, first = load_indexed(pack_dir, cache, semantic=False)
    stored = _stored_index(cache)
    with np.load(stored, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    arrays["idf"] = arrays["idf"] * 0 + 9.0
    with stored.open("wb") as handle:
        np.savez(handle, **arrays)
    planted = stored.read_bytes()
    _pack, again = load_indexed(pack_dir, cache, semantic=False)
    assert _same_arrays(again.lexical.arrays, first.lexical.arrays)
    assert stored.read_bytes() != planted  # rebuilt and stored again


def test_the_lexical_index_file_holds_plain_arrays(pack_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_indexed(pack_dir, cache, semantic=False)
    with np.load(_stored_index(cache), allow_pickle=False) as npz:
        for name in npz.files:
            assert not npz[name].dtype.hasobject, name


def test_tampered_vectors_are_rejected_and_embedded_again(pack_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _pack, first = load_indexed(pack_dir, cache)
    (vectors,) = cache.glob("pack-*/vectors-*.npy")
    codes = np.load(vectors, allow_pickle=False)
    planted = np.ascontiguousarray(codes[::-1])
    with vectors.open("wb") as handle:
        np.save(handle, planted, allow_pickle=False)
    _pack, again = load_indexed(pack_dir, cache)
    assert again.semantic is not None and first.semantic is not None
    assert np.array_equal(np.asarray(again.semantic.codes), np.asarray(first.semantic.codes))
    assert np.array_equal(np.load(vectors, allow_pickle=False), codes)


def test_cached_vectors_are_mapped_from_disk(pack_dir: Path, tmp_path: Path) -> None:
    """Mapped, not read: processes serving one pack share its pages, and nothing is copied."""
    cache = tmp_path / "cache"
    load_indexed(pack_dir, cache)
    _pack, index = load_indexed(pack_dir, cache)
    assert index.semantic is not None
    assert isinstance(index.semantic.codes, np.memmap)


# -- entries built when first read -----------------------------------------------------------


def test_a_cached_pack_builds_an_entry_only_when_it_is_read(pack_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    fresh = load_cached(pack_dir, cache)
    cached = load_cached(pack_dir, cache)
    assert isinstance(cached.entries, StoredEntries)
    assert list(cached.entries) == list(fresh.entries)  # ids and order, nothing built
    assert cached.item_count() == fresh.item_count()
    assert all(made is None for made in cached.entries._made)
    first = next(iter(fresh.entries))
    assert cached.entries[first] == fresh.entries[first]
    assert sum(made is not None for made in cached.entries._made) == 1
    assert cached.entries[first] is cached.entries[first]  # built once


def test_a_cached_pack_holds_what_the_yaml_holds(pack_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    fresh = load_cached(pack_dir, cache)
    cached = load_cached(pack_dir, cache)
    assert cached == fresh
    assert list(cached.items()) == list(fresh.items())
    assert dict(cached.items_by_id) == dict(fresh.items_by_id)
    assert dict(cached.items_by_differs) == dict(fresh.items_by_differs)
    rivals = [i for i in fresh.items() if i.differs]
    assert rivals, "the tiny pack has items whose sources differ"
    for item in rivals:
        assert cached.differing(item) == fresh.differing(item)
    assert [e.id for e in cached.ordered_entries()] == list(fresh.entries)


def test_topics_are_worked_out_once_per_pack() -> None:
    """`/quiz` topic autocomplete asks for the pack's tags on every keystroke: on a big pack
    read from the cache, walking the entries each time would build every one of them."""
    from dataclasses import replace

    from bot.packs.loader import load_pack
    from bot.settings import bundled_knowledge_dir

    class Counting(dict):
        walks = 0

        def values(self):  # type: ignore[override]
            Counting.walks += 1
            return super().values()

    pack = load_pack(bundled_knowledge_dir())
    counted = replace(pack, entries=Counting(pack.entries))
    first = counted.tags()
    walks = Counting.walks
    assert counted.tags() == first == pack.tags() and first
    assert Counting.walks == walks
