"""Load and validate a knowledge pack folder into a `Pack`, or refuse it whole with readable errors.

The YAML is composed into nodes (PyYAML's safe C loader when present, never arbitrary tags) and
validated node by node, so every problem can name `file:line:column`, the field and what was
expected. A pack with any problem raises `PackError` and nothing of it is used: a half-loaded pack
would answer some questions from stale text and others not at all.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process, utils

from bot.answering.text import normalise
from bot.packs.model import ABOUT, ENTRY_KINDS, QUIZ_KINDS, Entry, Item, Pack, QuizItem, Source

try:  # the C loader is ~10x faster; fall back where libyaml is missing
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_TEXT = 1000
MAX_EVIDENCE = 300
MAX_ID = 100
"""Ids end up in button custom ids (100 characters at most) and in every error message."""
MAX_TAG = 50
MAX_SUGGESTIONS = 200
"""After this many "did you mean" look-ups per kind of name, unknown names get no suggestion.

Each look-up is one rapidfuzz pass over a precomputed list, so a pack with thousands of broken
references costs at most this many passes, not one per reference per name (which was quadratic).
"""
MB = 1024 * 1024
DEFAULT_MAX_FILE_MB = 64
DEFAULT_MAX_PACK_MB = 256
MAX_FILE_ENV = "STUDYBOT_MAX_PACK_FILE_MB"
MAX_PACK_ENV = "STUDYBOT_MAX_PACK_MB"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9-]+)?$")
_TAG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_STR = "tag:yaml.org,2002:str"
_TYPE_NAMES = {
    "tag:yaml.org,2002:bool": "a yes/no value",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:null": "nothing (null)",
    "tag:yaml.org,2002:timestamp": "a date",
    "tag:yaml.org,2002:map": "a mapping",
    "tag:yaml.org,2002:seq": "a list",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a pack, located precisely enough to fix without searching."""

    file: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class PackError(Exception):
    """A pack that cannot be used, with every problem found (not just the first)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.problems)
        head = f"The knowledge pack has {count} problem{'s' if count != 1 else ''}:"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


@dataclass(frozen=True)
class SizeLimits:
    """How many bytes a pack file, and a whole pack, may hold before it is refused unread.

    YAML needs many times a file's size in memory while composing it (a 2 GB file took 4.2 GB and
    24 s), so a size check happens before reading anything. The defaults leave room for packs
    of a few hundred thousand items; `STUDYBOT_MAX_PACK_FILE_MB` and `STUDYBOT_MAX_PACK_MB` raise
    them.
    """

    file_bytes: int = DEFAULT_MAX_FILE_MB * MB
    pack_bytes: int = DEFAULT_MAX_PACK_MB * MB

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SizeLimits:
        """Limits from the environment at the time of loading; a typo keeps the default."""
        values = os.environ if env is None else env

        def megabytes(name: str, default: int) -> int:
            raw = (values.get(name) or "").strip()
            try:
                return max(1, int(float(raw) * MB)) if raw else default * MB
            except ValueError:
                return default * MB

        return cls(
            megabytes(MAX_FILE_ENV, DEFAULT_MAX_FILE_MB),
            megabytes(MAX_PACK_ENV, DEFAULT_MAX_PACK_MB),
        )


def _megabytes(size: int) -> str:
    return f"{size / MB:,.1f} MB"


# What each mapping may hold: field -> (required, kind). Kinds: text, id, ids, texts, tags, item,
# items, kind enums. `bot.packs.schema` turns the same table into knowledge/schema.json.
SECTIONS = ("pack", "sources", "entries", "facts", "quiz")
FIELDS: dict[str, dict[str, tuple[bool, str]]] = {
    "pack": {
        "name": (True, "text"),
        "description": (False, "text"),
        "language": (False, "text"),
        "version": (False, "text"),
    },
    "source": {
        "id": (True, "id"),
        "title": (True, "text"),
        "publisher": (True, "text"),
        "url": (False, "url"),
        "kind": (True, "text"),
        "documents": (False, "texts"),
    },
    "entry": {
        "id": (True, "id"),
        "term": (True, "text"),
        "kind": (True, "entry-kind"),
        "aliases": (False, "texts"),
        "tags": (False, "tags"),
        "related": (False, "ids"),
        "asks": (False, "texts"),
        "definition": (False, "item"),
        "facts": (False, "items"),
    },
    "item": {
        "text": (True, "text"),
        "source": (True, "id"),
        "evidence": (True, "text"),
        "id": (False, "id"),
        "asks": (False, "texts"),
        "about": (False, "about"),
        "differs": (False, "id"),
    },
    "quiz": {
        "question": (True, "text"),
        "answers": (True, "texts"),
        "entry": (True, "id"),
        "source": (True, "id"),
        "evidence": (True, "text"),
        "id": (False, "id"),
        "distractors": (False, "texts"),
        "kind": (False, "quiz-kind"),
        "tags": (False, "tags"),
        "hint": (False, "text"),
    },
}
FIELDS["fact"] = {"entry": (True, "id"), **FIELDS["item"]}
ENUMS = {"entry-kind": ENTRY_KINDS, "about": ABOUT, "quiz-kind": QUIZ_KINDS}


class _Suggester:
    """Suggestions ("did you mean") over one set of names, in bounded time however many references are wrong.

    The names are listed and preprocessed once; each look-up is one `rapidfuzz.process.extractOne`
    pass with a cutoff, answers are remembered per word, and after `MAX_SUGGESTIONS` look-ups the
    remaining unknown names are reported without a suggestion. (difflib over a fresh list per
    reference took 102 s for 2,000 bad references.)
    """

    def __init__(self, names: Iterable[str]) -> None:
        self.names = list(names)
        self._processed = [utils.default_process(name) for name in self.names]
        self._budget = MAX_SUGGESTIONS
        self._answers: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        """` (did you mean `x`?)` or an empty string."""
        if word in self._answers:
            return self._answers[word]
        if self._budget <= 0:
            return ""
        self._budget -= 1
        found = process.extractOne(
            utils.default_process(word),
            self._processed,
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=60,
        )
        answer = f" (did you mean `{self.names[found[2]]}`?)" if found else ""
        self._answers[word] = answer
        return answer


def _closest(word: str, choices: Iterable[str]) -> str:
    """A one-off suggestion among a handful of choices (field, section and kind names)."""
    return _Suggester(choices)(word)


class _FileReader:
    """Validates one YAML file's nodes into plain dicts, recording problems instead of raising."""

    def __init__(self, path: Path, display: str, problems: list[Problem]) -> None:
        self.path = path
        self.display = display
        self.problems = problems

    def problem(self, node: yaml.Node | None, field: str, message: str) -> None:
        line, col = (node.start_mark.line + 1, node.start_mark.column + 1) if node else (1, 1)
        self.problems.append(Problem(self.display, line, col, field, message))

    def compose(self) -> yaml.Node | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            self.problems.append(Problem(self.display, 1, 1, "", f"not UTF-8 text ({exc.reason})"))
            return None
        except OSError as exc:
            self.problems.append(Problem(self.display, 1, 1, "", f"cannot read: {exc.strerror}"))
            return None
        try:
            return yaml.compose(text, Loader=_Loader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            what = exc.problem or "invalid YAML"
            context = f" ({exc.context})" if exc.context else ""
            self.problems.append(
                Problem(self.display, line, col, "", f"YAML syntax: {what}{context}")
            )
        except yaml.YAMLError as exc:
            self.problems.append(Problem(self.display, 1, 1, "", f"YAML error: {exc}"))
        return None

    def mapping(self, node: yaml.Node, shape: str, where: str) -> dict[str, Any] | None:
        """Check a mapping against FIELDS[shape]; returns {field: value} plus `_node` for positions."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, where, f"expected a mapping with {self._fields_hint(shape)}")
            return None
        spec = FIELDS[shape]
        out: dict[str, Any] = {"_node": node, "_nodes": {}}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self.problem(key_node, where, "keys must be plain names")
                continue
            if key not in spec:
                self.problem(key_node, f"{where}.{key}", "unknown field" + _closest(key, spec))
                continue
            if key in out:
                self.problem(key_node, f"{where}.{key}", "given twice")
                continue
            value = self.value(value_node, spec[key][1], f"{where}.{key}")
            if value is not None:
                out[key] = value
                out["_nodes"][key] = value_node
        ok = True
        for key, (required, _kind) in spec.items():
            if required and key not in out:
                if key in out["_nodes"] or any(
                    isinstance(k, yaml.ScalarNode) and k.value == key for k, _ in node.value
                ):
                    ok = False  # present but invalid: already reported
                    continue
                self.problem(node, f"{where}.{key}", "missing (required)")
                ok = False
        return out if ok else None

    def _fields_hint(self, shape: str) -> str:
        required = [k for k, (req, _) in FIELDS[shape].items() if req]
        return "fields " + ", ".join(required)

    def text(self, node: yaml.Node, where: str, limit: int | None = None) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag != _STR:
            got = _TYPE_NAMES.get(node.tag, "something else")
            hint = " (put the text in double quotes)" if isinstance(node, yaml.ScalarNode) else ""
            self.problem(node, where, f"expected text, got {got}{hint}")
            return None
        value = " ".join(node.value.split())
        if not value:
            self.problem(node, where, "expected text, got an empty string")
            return None
        if limit and len(value) > limit:
            self.problem(node, where, f"too long: {len(value)} characters (at most {limit})")
            return None
        return value

    def texts(self, node: yaml.Node, where: str, limit: int | None = None) -> list[str] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, where, 'expected a list of texts, e.g. ["a", "b"]')
            return None
        out = []
        for i, child in enumerate(node.value):
            value = self.text(child, f"{where}[{i}]", limit)
            if value is not None:
                out.append(value)
        return out

    def value(self, node: yaml.Node, kind: str, where: str) -> Any:
        if kind == "text":
            limit = MAX_EVIDENCE if where.endswith("evidence") else MAX_TEXT
            return self.text(node, where, limit)
        if kind == "url":
            url = self.text(node, where)
            if url and not re.match(r"^https?://\S+$", url):
                self.problem(node, where, "expected an http(s) address")
                return None
            return url
        if kind in ("id", "ids", "tags"):
            limit = MAX_TAG if kind == "tags" else MAX_ID
            values = (
                self.texts(node, where, limit) if kind != "id" else [self.text(node, where, limit)]
            )
            if values is None or None in values:
                return None
            pattern = _TAG if kind == "tags" else _ID
            for value in values:
                if not pattern.match(value):
                    self.problem(node, where, f"`{value}` is not lower-case-with-dashes")
                    return None
            return values if kind != "id" else values[0]
        if kind == "texts":
            return self.texts(node, where)
        if kind in ENUMS:
            value = self.text(node, where)
            if value is not None and value not in ENUMS[kind]:
                self.problem(
                    node,
                    where,
                    f"`{value}` is not one of {', '.join(ENUMS[kind])}"
                    + _closest(value, ENUMS[kind]),
                )
                return None
            return value
        if kind == "item":
            return self.mapping(node, "item", where)
        if kind == "items":
            if not isinstance(node, yaml.SequenceNode):
                self.problem(node, where, "expected a list of facts")
                return None
            found = [self.mapping(c, "item", f"{where}[{i}]") for i, c in enumerate(node.value)]
            return [f for f in found if f is not None]
        raise AssertionError(kind)  # pragma: no cover - FIELDS only names the kinds above


@dataclass
class _Raw:
    """Everything read from the files, before cross-file checks."""

    pack: list[tuple[_FileReader, dict[str, Any]]]
    sources: list[tuple[_FileReader, dict[str, Any]]]
    entries: list[tuple[_FileReader, dict[str, Any]]]
    facts: list[tuple[_FileReader, dict[str, Any]]]
    quiz: list[tuple[_FileReader, dict[str, Any]]]


def pack_files(folder: Path) -> list[Path]:
    """The YAML files of a pack, in a stable order."""
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def _read(files: list[Path], problems: list[Problem]) -> _Raw:
    raw = _Raw([], [], [], [], [])
    shapes = {
        "pack": "pack",
        "sources": "source",
        "entries": "entry",
        "facts": "fact",
        "quiz": "quiz",
    }
    for path in files:
        reader = _FileReader(path, path.name, problems)
        root = reader.compose()
        if root is None:
            continue
        if not isinstance(root, yaml.MappingNode):
            reader.problem(root, "", f"expected a mapping with any of: {', '.join(SECTIONS)}")
            continue
        seen: dict[str, yaml.Node] = {}
        for key_node, value_node in root.value:
            # `[a, b]: ...` or `{a: b}: ...` at the root: a list or map as a key is no section name.
            if not isinstance(key_node, yaml.ScalarNode):
                reader.problem(
                    key_node, "", f"expected a section name ({', '.join(SECTIONS)}) as the key"
                )
                continue
            key = key_node.value
            if key in seen:
                first = seen[key].start_mark.line + 1
                reader.problem(
                    key_node,
                    key,
                    f"section given twice in this file (first at line {first}); "
                    "put all its items under one heading",
                )
                continue
            if key in shapes:
                seen[key] = key_node
            if key not in shapes:
                reader.problem(key_node, str(key), "unknown section" + _closest(str(key), SECTIONS))
                continue
            if key == "pack":
                found = reader.mapping(value_node, "pack", "pack")
                if found:
                    raw.pack.append((reader, found))
                continue
            if not isinstance(value_node, yaml.SequenceNode):
                reader.problem(value_node, key, "expected a list (each item starting with `- `)")
                continue
            for i, child in enumerate(value_node.value):
                found = reader.mapping(child, shapes[key], f"{key}[{i}]")
                if found:
                    getattr(raw, key).append((reader, found))
    return raw


def _unique(
    rows: list[tuple[_FileReader, dict[str, Any]]],
    what: str,
    key: Callable[[dict[str, Any]], str | None],
) -> dict[str, tuple[_FileReader, dict[str, Any]]]:
    seen: dict[str, tuple[_FileReader, dict[str, Any]]] = {}
    for reader, row in rows:
        ident = key(row)
        if ident is None:
            continue
        if ident in seen:
            first_reader, first = seen[ident]
            line = first["_node"].start_mark.line + 1
            reader.problem(
                row["_node"],
                what,
                f"duplicate id `{ident}` (first at {first_reader.display}:{line})",
            )
            continue
        seen[ident] = (reader, row)
    return seen


def _files_of(folder: Path) -> list[Path]:
    """The files to read, or `PackError` naming the folder when it cannot be listed."""
    try:
        if folder.is_file():
            return [folder]
        if folder.is_dir():
            files = pack_files(folder)
            if not files:
                raise PackError([Problem(str(folder), 1, 1, "", "no .yaml files in this folder")])
            return files
    except OSError as err:
        reason = err.strerror or str(err)
        raise PackError([Problem(str(folder), 1, 1, "", f"cannot read: {reason}")]) from err
    raise PackError([Problem(str(folder), 1, 1, "", "no such file or folder")])


def _check_sizes(files: list[Path], limits: SizeLimits) -> None:
    """Refuse files (and packs) too big to compose, before reading a byte of them."""
    problems: list[Problem] = []
    total = 0
    for path in files:
        try:
            size = path.stat().st_size
        except OSError:
            continue  # reading it reports the problem with its location
        total += size
        if size > limits.file_bytes:
            problems.append(
                Problem(
                    path.name,
                    1,
                    1,
                    "",
                    f"file too large: {_megabytes(size)}, over the limit of "
                    f"{_megabytes(limits.file_bytes)} per file (set {MAX_FILE_ENV} to raise it)",
                )
            )
    if total > limits.pack_bytes:
        where = str(files[0].parent if len(files) > 1 else files[0])
        problems.append(
            Problem(
                where,
                1,
                1,
                "",
                f"pack too large: {_megabytes(total)} in {len(files)} file(s), over the limit of "
                f"{_megabytes(limits.pack_bytes)} per pack (set {MAX_PACK_ENV} to raise it)",
            )
        )
    if problems:
        raise PackError(problems)


def load_pack(path: Path | str, *, limits: SizeLimits | None = None) -> Pack:
    """Load a pack folder (or a single YAML file); raise `PackError` listing every problem.

    `limits` default to the environment's (`SizeLimits.from_env`), read when loading.
    """
    folder = Path(path)
    problems: list[Problem] = []
    files = _files_of(folder)
    _check_sizes(files, limits or SizeLimits.from_env())
    raw = _read(files, problems)
    pack = _build(raw, folder, problems)
    if problems:
        raise PackError(problems)
    assert pack is not None
    return pack


def _item(
    reader: _FileReader, row: dict[str, Any], entry_id: str, role: str, default_id: str
) -> Item:
    return Item(
        id=row.get("id", default_id),
        entry_id=entry_id,
        role=role,
        text=row["text"],
        source=row["source"],
        evidence=row["evidence"],
        asks=tuple(row.get("asks", ())),
        about=row.get("about"),
        differs=row.get("differs"),
    )


def _build(raw: _Raw, folder: Path, problems: list[Problem]) -> Pack | None:
    if len(raw.pack) > 1:
        for reader, row in raw.pack[1:]:
            reader.problem(row["_node"], "pack", "the `pack` section may appear in one file only")
    meta = raw.pack[0][1] if raw.pack else {"name": folder.stem}

    sources = _unique(raw.sources, "sources.id", lambda r: r["id"])
    entries = _unique(raw.entries, "entries.id", lambda r: r["id"])
    quiz = _unique(raw.quiz, "quiz.id", lambda r: r.get("id"))
    source_like = _Suggester(sources)
    entry_like = _Suggester(entries)

    def check_source(reader: _FileReader, row: dict[str, Any], where: str) -> None:
        if row["source"] not in sources:
            reader.problem(
                row["_nodes"]["source"],
                f"{where}.source",
                f"unknown source `{row['source']}`" + source_like(row["source"]),
            )

    # facts added from other files, grouped by entry
    extra: dict[str, list[tuple[_FileReader, dict[str, Any]]]] = {}
    for reader, row in raw.facts:
        if row["entry"] not in entries:
            reader.problem(
                row["_nodes"]["entry"],
                "facts.entry",
                f"unknown entry `{row['entry']}`" + entry_like(row["entry"]),
            )
            continue
        extra.setdefault(row["entry"], []).append((reader, row))

    built: dict[str, Entry] = {}
    alias_owner: dict[str, tuple[str, _FileReader, yaml.Node]] = {}
    item_ids: dict[str, str] = {}
    for entry_id, (reader, row) in entries.items():
        definition = None
        if "definition" in row:
            check_source(reader, row["definition"], f"{entry_id}.definition")
            definition = _item(
                reader, row["definition"], entry_id, "definition", f"{entry_id}/definition"
            )
        facts = []
        all_facts = [(reader, f) for f in row.get("facts", [])] + extra.get(entry_id, [])
        for n, (fact_reader, fact) in enumerate(all_facts, start=1):
            check_source(fact_reader, fact, f"{entry_id}.facts")
            facts.append(_item(fact_reader, fact, entry_id, "fact", f"{entry_id}/{n}"))
        if definition is None and not facts:
            reader.problem(
                row["_node"], f"{entry_id}", "an entry needs a definition or at least one fact"
            )
        for item in ([definition] if definition else []) + facts:
            if item.id in item_ids:
                reader.problem(row["_node"], f"{entry_id}", f"duplicate item id `{item.id}`")
            item_ids[item.id] = entry_id
        for name_node_key in ("term", "aliases"):
            names = [row["term"]] if name_node_key == "term" else row.get("aliases", [])
            for name in names:
                key = normalise(name)
                owner = alias_owner.get(key)
                if owner and owner[0] != entry_id:
                    reader.problem(
                        row["_nodes"][name_node_key],
                        f"{entry_id}.{name_node_key}",
                        f"`{name}` also names entry `{owner[0]}` ({owner[1].display}:"
                        f"{owner[2].start_mark.line + 1}); a name may belong to one entry only",
                    )
                elif not owner:
                    alias_owner[key] = (entry_id, reader, row["_nodes"][name_node_key])
        built[entry_id] = Entry(
            id=entry_id,
            term=row["term"],
            kind=row["kind"],
            definition=definition,
            facts=tuple(facts),
            aliases=tuple(row.get("aliases", ())),
            tags=tuple(row.get("tags", ())),
            related=tuple(row.get("related", ())),
            asks=tuple(row.get("asks", ())),
        )
    for entry_id, (reader, row) in entries.items():
        for rel in row.get("related", []):
            if rel not in entries:
                reader.problem(
                    row["_nodes"]["related"],
                    f"{entry_id}.related",
                    f"unknown entry `{rel}`" + entry_like(rel),
                )

    quiz_items = []
    for n, (reader, row) in enumerate(raw.quiz, start=1):
        qid = row.get("id", f"quiz-{n}")
        if row.get("id") and quiz.get(qid, (None, None))[1] is not row:
            continue  # duplicate id, reported
        check_source(reader, row, f"quiz.{qid}")
        if row["entry"] not in entries:
            reader.problem(
                row["_nodes"]["entry"],
                f"quiz.{qid}.entry",
                f"unknown entry `{row['entry']}`" + entry_like(row["entry"]),
            )
        if not row["answers"]:
            reader.problem(
                row["_nodes"]["answers"], f"quiz.{qid}.answers", "needs at least one answer"
            )
            continue
        overlap = {normalise(a) for a in row["answers"]} & {
            normalise(d) for d in row.get("distractors", [])
        }
        if overlap:
            reader.problem(
                row["_nodes"]["distractors"],
                f"quiz.{qid}.distractors",
                f"`{sorted(overlap)[0]}` is both an accepted answer and a distractor",
            )
        quiz_items.append(
            QuizItem(
                id=qid,
                question=row["question"],
                answers=tuple(row["answers"]),
                entry=row["entry"],
                source=row["source"],
                evidence=row["evidence"],
                distractors=tuple(row.get("distractors", ())),
                kind=row.get("kind", "term"),
                tags=tuple(row.get("tags", ())),
                hint=row.get("hint"),
            )
        )
    if problems:
        return None
    return Pack(
        name=meta["name"],
        description=meta.get("description", ""),
        sources={
            sid: Source(
                id=sid,
                title=row["title"],
                publisher=row["publisher"],
                url=row.get("url", ""),
                kind=row["kind"],
                documents=tuple(row.get("documents", ())),
            )
            for sid, (_reader, row) in sources.items()
        },
        entries=built,
        quiz=tuple(quiz_items),
        path=folder,
        language=meta.get("language", "en"),
    )
