"""Write pack rows as a pack folder of readable YAML, checked whole before anything is replaced.

The YAML is written by hand rather than `yaml.dump` so that it reads like a pack a person wrote:
every text double-quoted (JSON strings are valid YAML, and quoting avoids the `yes`/`1948` traps),
fields in the order docs/pack-format.md shows them, short lists inline, and `# comments` where the
drafter was unsure. Writing stages the new folder, loads it with the real loader, and only then
moves files into place, so a failed import leaves the folder as it was.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from bot.packs.loader import PackError, load_pack, pack_files

COMMENT = "_comment"
"""A row key holding a comment to write above the row (the drafter's doubts)."""
DOCUMENTS = "sources"
"""Sub-folder of the pack holding the source texts, for `kb check DIR --against DIR/sources`."""


def _scalar(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _flow(values: Iterable[Any]) -> str:
    return "[" + ", ".join(_scalar(v) for v in values) + "]"


def _mapping(row: Mapping[str, Any], indent: int, first_prefix: str) -> list[str]:
    """A mapping as YAML lines; the first line starts with `first_prefix` (e.g. `- `)."""
    lines: list[str] = []
    pad = " " * indent
    prefix = first_prefix
    for key, value in row.items():
        if key == COMMENT or value is None or value in ([], ()):
            continue
        head = f"{pad}{prefix}{key}:"
        prefix = " " * len(first_prefix)
        if isinstance(value, Mapping):
            lines.append(head)
            lines += _comment(value, indent + len(first_prefix) + 2)
            lines += _mapping(value, indent + len(first_prefix) + 2, "")
        elif isinstance(value, list | tuple) and value and isinstance(value[0], Mapping):
            lines.append(head)
            for child in value:
                lines += _comment(child, indent + len(first_prefix) + 2)
                lines += _mapping(child, indent + len(first_prefix) + 2, "- ")
        elif isinstance(value, list | tuple):
            lines.append(f"{head} {_flow(value)}")
        else:
            lines.append(f"{head} {_scalar(value)}")
    return lines


def _comment(row: Mapping[str, Any], indent: int) -> list[str]:
    text = row.get(COMMENT) if isinstance(row, Mapping) else None
    if not text:
        return []
    return [f"{' ' * indent}# {line}" for line in str(text).splitlines()]


def render(sections: Mapping[str, Any], header: str = "") -> str:
    """One pack file: `pack` (a mapping) and/or `sources`, `entries`, `facts`, `quiz` (lists)."""
    lines = ["# yaml-language-server: $schema=./schema.json"]
    lines += [f"# {line}" if line else "#" for line in header.splitlines()]
    for section, value in sections.items():
        if not value:
            continue
        lines.append("")
        lines.append(f"{section}:")
        if isinstance(value, Mapping):
            lines += _mapping(value, 2, "")
            continue
        for row in value:
            lines += _comment(row, 2)
            lines += _mapping(row, 2, "- ")
            if section in ("entries", "quiz"):
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def existing_files(folder: Path) -> list[Path]:
    """The YAML files already in `folder` (none when it does not exist)."""
    return pack_files(folder) if folder.is_dir() else []


def write_pack(files: Mapping[str, str], folder: Path) -> list[Path]:
    """Write `files` (relative path -> text) into `folder`, replacing same-named files.

    The result (old files plus new) must load as a valid pack; if it does not, `PackError` is
    raised and `folder` is untouched.
    """
    with tempfile.TemporaryDirectory(prefix="studybot-import-") as tmp:
        stage = Path(tmp) / "pack"
        stage.mkdir()
        for old in existing_files(folder):
            shutil.copy2(old, stage / old.name)
        for rel, text in files.items():
            target = stage / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        if not (folder / "schema.json").exists():
            from bot.packs.schema import schema_text

            (stage / "schema.json").write_text(schema_text(), encoding="utf-8")
            files = {**files, "schema.json": schema_text()}
        load_pack(stage)  # raises PackError: nothing below runs
        written = []
        for rel in files:
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            shutil.copy2(stage / rel, partial)
            partial.replace(target)
            written.append(target)
        return written


__all__ = ["COMMENT", "DOCUMENTS", "PackError", "existing_files", "render", "write_pack"]
