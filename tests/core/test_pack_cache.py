"""The validated-pack cache: used only for unchanged files, never for a broken pack."""

# The cached index must answer exactly as a freshly built one, and follow every edit.

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.answering.answers import Answerer
from bot.packs.cache import cache_key, load_cached, load_indexed
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
    files = list(cache.glob("pack-*.pickle"))
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
    for path in cache.glob("pack-*.pickle"):
        path.write_bytes(b"not a pickle")
    assert load_cached(pack_dir, cache).name == "Tiny test pack"


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
