"""`studybot kb import|draft|export`: read files, call the pure importers, write, and report.

Kept out of `bot.cli` so the CLI stays parsing and dispatch. Every failure a user can cause is one
line on stderr and exit status 1 (bad input) or 2 (bad usage), and nothing is written.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from bot.packs.importers import (
    DeckError,
    ImportOptions,
    Upload,
    import_files,
    taken_names,
    write,
)
from bot.packs.importers.writer import DOCUMENTS, existing_files, write_pack
from bot.packs.loader import PackError, load_pack

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def _target(out: str | None, merge: str | None, err: TextIO) -> tuple[Path, bool] | None:
    """The pack folder to write and whether it already holds a pack."""
    if bool(out) == bool(merge):
        print("give exactly one of --out DIR (a new or re-imported pack) or --merge DIR", file=err)
        return None
    folder = Path(out or merge or "")
    if merge and not existing_files(folder):
        print(f"--merge: {folder} holds no pack (no .yaml files); use --out", file=err)
        return None
    if folder.exists() and not folder.is_dir():
        print(f"{folder} is a file, not a folder", file=err)
        return None
    return folder, bool(existing_files(folder))


def _taken(folder: Path, replacing: set[str]) -> frozenset[str]:
    """Names already in the pack, except in the files this run replaces."""
    keep = [p for p in existing_files(folder) if p.name not in replacing]
    if not keep:
        return frozenset()
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory(prefix="studybot-merge-") as tmp:
        for path in keep:
            shutil.copy2(path, Path(tmp) / path.name)
        return frozenset(taken_names(load_pack(tmp)))


def run_import(
    files: list[str],
    options: ImportOptions,
    out: str | None,
    merge: str | None,
    stdout: TextIO = sys.stdout,
    stderr: TextIO = sys.stderr,
) -> int:
    """Import `files` into a pack folder and print what was made."""
    target = _target(out, merge, stderr)
    if target is None:
        return EXIT_USAGE
    folder, has_pack = target
    try:
        uploads = [Upload.from_path(Path(f)) for f in files]
    except OSError as exc:
        print(f"kb import: cannot read {exc.filename}: {exc.strerror}", file=stderr)
        return EXIT_FAIL
    try:
        first = import_files(uploads, options)
        replacing = {name for name in first.files if name.endswith(".yaml")}
        taken = _taken(folder, replacing) if has_pack else frozenset()
        name = None if has_pack else (options.source_title or Path(files[0]).stem)
        result = import_files(uploads, options, taken, pack_name=name) if taken or name else first
        written = write(result, folder)
    except DeckError as exc:
        print(f"kb import: {exc}\nNothing was written.", file=stderr)
        return EXIT_FAIL
    except PackError as exc:
        print(
            f"kb import: the result would not be a valid pack; nothing was written.\n"
            f"{exc.report()}",
            file=stderr,
        )
        return EXIT_FAIL
    print(result.summary(), file=stdout)
    print(
        f"wrote {len(written)} files to {folder}; check it with:\n"
        f"  studybot kb check {folder} --against {folder / DOCUMENTS}",
        file=stdout,
    )
    return EXIT_OK


def run_draft(
    documents: list[str],
    out: str | None,
    merge: str | None,
    title: str | None,
    url: str | None,
    publisher: str | None,
    stdout: TextIO = sys.stdout,
    stderr: TextIO = sys.stderr,
) -> int:
    """Draft a pack from documents and print what was made."""
    from bot.packs.draft import Document, draft

    target = _target(out, merge, stderr)
    if target is None:
        return EXIT_USAGE
    folder, has_pack = target
    docs = []
    for name in documents:
        try:
            text = Path(name).read_bytes().decode("utf-8-sig")
        except OSError as exc:
            print(f"kb draft: cannot read {name}: {exc.strerror}", file=stderr)
            return EXIT_FAIL
        except UnicodeDecodeError:
            print(f"kb draft: {name} is not UTF-8 text", file=stderr)
            return EXIT_FAIL
        docs.append(
            Document(Path(name).name, text, title if len(documents) == 1 else None, url, publisher)
        )
    try:
        taken = _taken(folder, set()) if has_pack else frozenset()
        result = draft(docs, taken)
        files = dict(result.files)
        if not has_pack:
            from bot.packs.importers.writer import render

            files["pack.yaml"] = render(
                {
                    "pack": {
                        "name": title or Path(documents[0]).stem,
                        "description": "Drafted with studybot kb draft.",
                    }
                }
            )
        written = write_pack(files, folder)
    except DeckError as exc:
        print(f"kb draft: {exc}\nNothing was written.", file=stderr)
        return EXIT_FAIL
    except PackError as exc:
        print(
            f"kb draft: the draft would not be a valid pack; nothing was written.\n{exc.report()}",
            file=stderr,
        )
        return EXIT_FAIL
    print(result.summary(), file=stdout)
    print(f"wrote {len(written)} files to {folder}", file=stdout)
    return EXIT_OK


def run_export(
    folder: str, fmt: str, out: str, stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr
) -> int:
    """Export the pack in `folder` to the file `out`."""
    from bot.packs.export import ExportError, export

    pack = load_pack(folder)  # PackError is reported by the CLI
    try:
        data = export(pack, fmt)
    except ExportError as exc:
        print(f"kb export: {exc}", file=stderr)
        return EXIT_FAIL
    target = Path(out)
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(data)
    partial.replace(target)
    print(
        f"wrote {target} ({fmt}, {pack.item_count()} items, {len(pack.quiz)} quiz questions)",
        file=stdout,
    )
    return EXIT_OK
