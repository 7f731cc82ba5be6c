"""Keep the last validated pack, and its search index, on disk so a restart skips rebuilding them.

Parsing and validating the YAML, then indexing every name, phrasing and item, is all of a start-up;
the pack rarely changes between starts. The cache is keyed by the bytes of every pack file *and* by
the source of the loader, the data model, the matcher and the text normaliser, so an edited pack or
a new studybot version always goes through full validation and indexing again. Only a pack that
loaded without error is ever cached. The cache lives in the bot's own data folder and is
written by this process only; anything unreadable there is ignored and rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from bot.answering import matcher, text
from bot.answering.matcher import Matcher
from bot.packs import loader
from bot.packs import model as pack
from bot.packs.loader import load_pack, pack_files
from bot.packs.model import Pack
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.answering.answers import Answerer

log = logging.getLogger("studybot.pack")

_CODE = hashlib.sha256(
    b"".join(Path(module.__file__).read_bytes() for module in (loader, pack, matcher, text))
).hexdigest()


def cache_key(folder: Path) -> str:
    """A digest of the pack's files and of the code that validates them."""
    digest = hashlib.sha256(_CODE.encode())
    files = [folder] if folder.is_file() else pack_files(folder)
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:40]


def load_cached(path: Path | str, cache_dir: Path | None) -> Pack:
    """`load_pack`, answered from the cache when the same files were validated before."""
    return load_indexed(path, cache_dir)[0]


def open_answerer(settings: Settings) -> Answerer:
    """The answerer for the configured pack, index included, for every front end that asks."""
    from bot.answering.answers import Answerer

    pack, index = load_indexed(settings.knowledge_dir, settings.data_dir / "cache")
    return Answerer(pack, max_question_chars=settings.max_question_chars, matcher=index)


def load_indexed(path: Path | str, cache_dir: Path | None) -> tuple[Pack, Matcher]:
    """The validated pack and its search index, from the cache when the files are unchanged."""
    folder = Path(path)
    if cache_dir is None or not folder.exists():
        fresh = load_pack(folder)
        return fresh, Matcher(fresh)
    try:
        target = cache_dir / f"pack-{cache_key(folder)}.pickle"
    except OSError:
        fresh = load_pack(folder)
        return fresh, Matcher(fresh)
    if target.is_file():
        try:
            with target.open("rb") as handle:
                cached = pickle.load(handle)  # noqa: S301 - our own file in our own data folder
            cached_pack, index = cached
            if isinstance(cached_pack, Pack) and isinstance(index, Matcher):
                if cached_pack.path != folder:
                    cached_pack = replace(cached_pack, path=folder)
                    index.pack = cached_pack
                return cached_pack, index
        except Exception:  # a damaged cache only means a slower start
            log.info("ignoring an unreadable pack cache at %s", target)
    fresh = load_pack(folder)  # raises PackError; nothing is cached then
    index = Matcher(fresh)
    _write(target, (fresh, index))
    return fresh, index


def _write(target: Path, fresh: tuple[Pack, Matcher]) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        for old in target.parent.glob("pack-*.pickle"):
            with contextlib.suppress(OSError):
                old.unlink()
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(fresh, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)  # atomic: a reader sees the old file or the new, never half
    except OSError as err:
        log.info("could not write the pack cache (%s); starting without it", err)
