"""Each server's own packs: uploaded, validated, kept on disk, and loaded into memory when used.

One host serves many study groups, each with its own subject. A server's uploads live under
`<data>/packs/<guild id>/<name>/` as ordinary pack folders (so `studybot kb check` reads them
too), and only the answerers of recently used packs stay in memory: a host with hundreds of
servers must not hold hundreds of search indexes.

An upload is unpacked into a scratch folder beside its destination, checked with the same loader as
`studybot kb check`, and only then moved into place in one rename; a bad upload changes nothing.
Besides packs (YAML or zip), an upload may be material `studybot kb import` reads (Anki .apkg or
text export, Quizlet, a Red trivia list, CSV): it goes through the same importers and the same
checks, and the admin sees the same summary.
"""

from __future__ import annotations

import asyncio
import io
import logging
import re
import shutil
import stat
import threading
import uuid
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from bot.answering.answers import Answerer
from bot.packs.cache import load_indexed
from bot.packs.importers import DeckError, ImportOptions, Upload, import_files, redtrivia, write
from bot.packs.loader import SECTIONS, PackError, Problem, load_pack, pack_files
from bot.packs.model import Pack

__all__ = [
    "UPLOAD_FORMATS",
    "Installed",
    "PackLibrary",
    "UploadError",
    "UploadLimits",
    "pack_name_for",
    "parse_upload",
]

log = logging.getLogger("studybot.pack")

RESERVED = frozenset({"bundled"})
_NAME = re.compile(r"[^a-z0-9_-]+")
_FILE = re.compile(r"[^A-Za-z0-9._-]+")


class UploadError(Exception):
    """An upload refused before its YAML was read (too big, unsafe paths, unknown format)."""


@dataclass(frozen=True)
class UploadLimits:
    """What one upload may hold; the defaults fit a generous study pack, not a data dump."""

    max_bytes: int = 2_000_000
    """The attachment as sent."""
    max_unpacked_bytes: int = 8_000_000
    """Everything in a zip once unpacked (a zip bomb stops here, before it fills the disk)."""
    max_files: int = 50
    max_entries: int = 5_000
    max_packs: int = 10
    """Uploaded packs a server may keep."""


UploadParser = Callable[[str, bytes, Path, UploadLimits], str | None]
"""Writes the pack files of an upload (`filename`, `data`) into an empty folder; returns a
summary of what an import made (None for an upload that already was a pack)."""


@dataclass(frozen=True)
class Installed:
    """An upload that became a server's pack, and what the importer made of it, if one ran."""

    pack: Pack
    summary: str | None = None


def _safe_file_name(name: str) -> str:
    cleaned = _FILE.sub("-", PurePosixPath(name.replace("\\", "/")).name).strip(".-")
    return cleaned or "pack.yaml"


def _parse_yaml(filename: str, data: bytes, folder: Path, limits: UploadLimits) -> str | None:
    if _is_red_trivia(data):
        return _parse_import(filename, data, folder, limits)
    name = _safe_file_name(filename)
    if not name.endswith((".yaml", ".yml")):
        name += ".yaml"
    (folder / name).write_bytes(data)
    return None


def _is_red_trivia(data: bytes) -> bool:
    """A Red trivia list, not a pack file: a mapping of questions to answers, no pack sections."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False  # the pack loader reports it with the file's name
    if any(line.split(":", 1)[0].strip() in SECTIONS for line in text.splitlines()):
        return False
    return redtrivia.looks_like(text)


def _parse_import(filename: str, data: bytes, folder: Path, limits: UploadLimits) -> str:
    """Material for `kb import` (Anki, Quizlet, Red trivia, CSV): the same importer, as a new pack."""
    upload = Upload(_safe_file_name(filename), data)
    try:
        result = import_files([upload], ImportOptions(), pack_name=pack_name_for(filename))
    except DeckError as err:
        raise UploadError(str(err)) from err
    write(result, folder)  # raises PackError, with file:line, if the result would not load
    return result.summary()


def _parse_zip(filename: str, data: bytes, folder: Path, limits: UploadLimits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UploadError(f"{filename} is not a readable zip file") from None
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > limits.max_files:
            raise UploadError(f"the zip holds {len(members)} files; at most {limits.max_files}")
        if sum(info.file_size for info in members) > limits.max_unpacked_bytes:
            raise UploadError(f"the zip unpacks to more than {limits.max_unpacked_bytes:,} bytes")
        paths: list[tuple[zipfile.ZipInfo, PurePosixPath]] = []
        for info in members:
            path = PurePosixPath(info.filename.replace("\\", "/"))
            mode = info.external_attr >> 16
            if path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", path.parts[0]):
                raise UploadError(f"{info.filename}: a path outside the pack folder")
            if stat.S_ISLNK(mode):
                raise UploadError(f"{info.filename}: links are not allowed in a pack")
            if path.parts[0] == "__MACOSX" or path.name.startswith("."):
                continue  # what a Mac's "Compress" adds; never part of the pack
            paths.append((info, path))
        yaml_files = [(i, p) for i, p in paths if p.suffix in (".yaml", ".yml")]
        if not yaml_files:
            raise UploadError("the zip holds no .yaml files")
        # "Compress folder" puts everything under one top folder: the pack is that folder.
        tops = {p.parts[0] for _, p in yaml_files if len(p.parts) > 1}
        strip = 1 if len(tops) == 1 and all(len(p.parts) > 1 for _, p in yaml_files) else 0
        for info, path in yaml_files:
            inner = path.parts[strip:]
            if len(inner) != 1:
                raise UploadError(
                    f"{info.filename}: pack files must all be in one folder (no subfolders)"
                )
            target = folder / _safe_file_name(inner[0])
            if target.exists():
                raise UploadError(f"{info.filename}: two files with the same name")
            # Read with a cap: the sizes in a zip's directory are the sender's claim, not a fact.
            with archive.open(info) as source:
                content = source.read(limits.max_unpacked_bytes + 1)
            if len(content) > limits.max_unpacked_bytes:
                raise UploadError(f"{info.filename} is larger than its zip entry says")
            target.write_bytes(content)


UPLOAD_FORMATS: dict[str, UploadParser] = {
    ".yaml": _parse_yaml,
    ".yml": _parse_yaml,
    ".zip": _parse_zip,
    **dict.fromkeys((".apkg", ".colpkg", ".txt", ".csv", ".tsv", ".tab"), _parse_import),
}
"""Upload parsers by file suffix: packs, and what `studybot kb import` reads."""


def parse_upload(
    filename: str, data: bytes, folder: Path, limits: UploadLimits | None = None
) -> str | None:
    """Write the pack in an upload into `folder` (created, must not exist).

    Returns the importer's summary when the upload was material to import, else None. Raises
    `UploadError` for anything refused before validation; the caller validates the folder.
    """
    limits = limits or UploadLimits()
    if len(data) > limits.max_bytes:
        raise UploadError(f"{filename} is {len(data):,} bytes; at most {limits.max_bytes:,}")
    suffix = PurePosixPath(filename.lower()).suffix
    parser = UPLOAD_FORMATS.get(suffix)
    if parser is None:
        kinds = ", ".join(sorted(UPLOAD_FORMATS))
        raise UploadError(f"{filename}: expected one of {kinds}")
    folder.mkdir(parents=True)
    return parser(filename, data, folder, limits)


def pack_name_for(filename: str) -> str:
    """A pack name from an upload's file name: `Biology 101.zip` becomes `biology-101`."""
    stem = PurePosixPath(filename.replace("\\", "/")).name.rsplit(".", 1)[0].lower()
    name = _NAME.sub("-", stem).strip("-_")[:40].strip("-_") or "pack"
    return f"{name}-pack" if name in RESERVED else name


class PackLibrary:
    """The uploaded packs of every server on this host, and an LRU of their answerers."""

    def __init__(
        self,
        data_dir: Path,
        *,
        max_question_chars: int,
        capacity: int = 8,
        limits: UploadLimits | None = None,
        semantic: bool = True,
        model_dir: Path | None = None,
    ) -> None:
        """`semantic` and `model_dir` are the host's matcher settings, as for the bundled pack."""
        self.root = data_dir / "packs"
        self.cache_root = data_dir / "cache" / "servers"
        self.max_question_chars = max_question_chars
        self.semantic = semantic
        self.model_dir = model_dir
        self.capacity = max(1, capacity)
        self.limits = limits or UploadLimits()
        self._loaded: OrderedDict[tuple[int, str], Answerer] = OrderedDict()
        self._lock = threading.Lock()  # installs run in worker threads
        self._opening: dict[tuple[int, str], asyncio.Lock] = {}

    # -- what is on disk --
    def folder(self, guild_id: int, name: str) -> Path:
        if name in RESERVED or _NAME.sub("", name) != name or not name:
            raise KeyError(name)
        return self.root / str(int(guild_id)) / name

    def names(self, guild_id: int) -> list[str]:
        """The server's uploaded packs, by name."""
        home = self.root / str(int(guild_id))
        if not home.is_dir():
            return []
        return sorted(p.name for p in home.iterdir() if p.is_dir() and not p.name.startswith("."))

    def has(self, guild_id: int, name: str) -> bool:
        return name in self.names(guild_id)

    # -- answerers in memory --
    def loaded(self) -> list[tuple[int, str]]:
        """Which packs have an answerer in memory, least recently used first."""
        return list(self._loaded)

    def cached(self, guild_id: int, name: str) -> Answerer | None:
        key = (int(guild_id), name)
        found = self._loaded.get(key)
        if found is not None:
            self._loaded.move_to_end(key)
        return found

    def load(self, guild_id: int, name: str) -> Answerer:
        """The answerer of an uploaded pack (blocking: call it from a worker thread)."""
        found = self.cached(guild_id, name)
        if found is not None:
            return found
        folder = self.folder(guild_id, name)
        pack, index = load_indexed(
            folder,
            self.cache_root / f"{int(guild_id)}-{name}",
            semantic=self.semantic,
            model_dir=self.model_dir,
        )
        answerer = Answerer(pack, max_question_chars=self.max_question_chars, matcher=index)
        self._keep((int(guild_id), name), answerer)
        return answerer

    async def open(self, guild_id: int, name: str) -> Answerer:
        """`load` off the event loop, once per pack however many members ask at the same time."""
        found = self.cached(guild_id, name)
        if found is not None:
            return found
        key = (int(guild_id), name)
        lock = self._opening.setdefault(key, asyncio.Lock())
        async with lock:
            return await asyncio.to_thread(self.load, guild_id, name)

    def _keep(self, key: tuple[int, str], answerer: Answerer) -> None:
        self._loaded[key] = answerer
        self._loaded.move_to_end(key)
        while len(self._loaded) > self.capacity:
            dropped, _ = self._loaded.popitem(last=False)
            log.info("dropped the index of pack %s of server %s (unused)", dropped[1], dropped[0])

    def release(self, guild_id: int, name: str) -> None:
        """Drop a pack's answerer: its server moved to another pack, so nobody uses it."""
        self._loaded.pop((int(guild_id), name), None)

    # -- changing what is on disk --
    def install(
        self, guild_id: int, filename: str, data: bytes, name: str | None = None
    ) -> Installed:
        """Validate an upload and make it the server's pack `name`; blocking, for a thread.

        Raises `UploadError` or `PackError` (every problem, with file:line) and then the server's
        packs are exactly as before.
        """
        name = name or pack_name_for(filename)
        target = self.folder(guild_id, name)
        if not self.has(guild_id, name) and len(self.names(guild_id)) >= self.limits.max_packs:
            raise UploadError(
                f"this server already has {self.limits.max_packs} packs; replace one by "
                "uploading under its name"
            )
        scratch = target.parent / f".incoming-{uuid.uuid4().hex}"
        try:
            summary = parse_upload(filename, data, scratch, self.limits)
            folder = scratch
            files = pack_files(folder)
            if not files:
                raise UploadError("the upload holds no .yaml files")
            pack = load_pack(folder)
            if len(pack.entries) > self.limits.max_entries:
                raise PackError(
                    [
                        Problem(
                            files[0].name,
                            1,
                            1,
                            "entries",
                            f"{len(pack.entries)} entries; at most {self.limits.max_entries}",
                        )
                    ]
                )
            with self._lock:
                old = target.parent / f".old-{uuid.uuid4().hex}"
                if target.exists():
                    target.rename(old)
                scratch.rename(target)
                shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        self.release(guild_id, name)
        return Installed(replace(pack, path=target), summary)

    def remove(self, guild_id: int, name: str) -> bool:
        """Delete an uploaded pack; False when there was none of that name."""
        folder = self.folder(guild_id, name)
        if not folder.is_dir():
            return False
        self.release(guild_id, name)
        shutil.rmtree(folder)
        return True

    def archive(self, guild_id: int, name: str) -> bytes:
        """The pack as a zip of its YAML files, the same shape `/kb upload` accepts."""
        folder = self.folder(guild_id, name)
        return zip_folder(folder, name)


def zip_folder(folder: Path, name: str) -> bytes:
    """A zip of a pack folder's YAML files under one top folder called `name`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        files = [folder] if folder.is_file() else pack_files(folder)
        for path in files:
            archive.write(path, f"{name}/{path.name}")
    return buffer.getvalue()
