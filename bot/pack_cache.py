"""Keep the last validated pack on disk so a restart skips parsing YAML it has already checked.

Parsing and validating the YAML is most of a start-up; the pack rarely changes between starts. The
cache is keyed by the bytes of every pack file *and* by the source of the loader and the data
model, so an edited pack or a new studybot version always goes through full validation again. Only a
pack that loaded without error is ever cached. The cache lives in the bot's own data folder and is
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

from bot import loader, pack
from bot.loader import load_pack, pack_files
from bot.pack import Pack

log = logging.getLogger("studybot.pack")

_CODE = hashlib.sha256(
    Path(loader.__file__).read_bytes() + Path(pack.__file__).read_bytes()
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
    folder = Path(path)
    if cache_dir is None or not folder.exists():
        return load_pack(folder)
    try:
        target = cache_dir / f"pack-{cache_key(folder)}.pickle"
    except OSError:
        return load_pack(folder)
    if target.is_file():
        try:
            with target.open("rb") as handle:
                cached = pickle.load(handle)  # noqa: S301 - our own file in our own data folder
            if isinstance(cached, Pack):
                return cached if cached.path == folder else replace(cached, path=folder)
        except Exception:  # a damaged cache only means a slower start
            log.info("ignoring an unreadable pack cache at %s", target)
    fresh = load_pack(folder)  # raises PackError; nothing is cached then
    _write(target, fresh)
    return fresh


def _write(target: Path, fresh: Pack) -> None:
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
