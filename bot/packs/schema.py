"""The pack format as a JSON Schema, built from the validator's own field table.

One table (`bot.packs.loader.FIELDS`) drives both the checker and `knowledge/schema.json`, so what an
editor completes and what `studybot kb check` accepts cannot drift apart.
"""

from __future__ import annotations

import json
from typing import Any

from bot.packs.loader import ENUMS, FIELDS, MAX_EVIDENCE, MAX_TEXT

_ID = {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*(/[a-z0-9-]+)?$"}
_TAG = {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"}


def _field(name: str, kind: str) -> dict[str, Any]:
    if kind == "text":
        limit = MAX_EVIDENCE if name == "evidence" else MAX_TEXT
        return {"type": "string", "minLength": 1, "maxLength": limit}
    if kind == "url":
        return {"type": "string", "pattern": "^https?://"}
    if kind == "id":
        return dict(_ID)
    if kind == "ids":
        return {"type": "array", "items": dict(_ID)}
    if kind == "tags":
        return {"type": "array", "items": dict(_TAG)}
    if kind == "texts":
        return {"type": "array", "items": {"type": "string", "minLength": 1}}
    if kind == "synonyms":
        group = {"type": "array", "minItems": 2, "items": {"type": "string", "minLength": 1}}
        return {"type": "array", "items": group}
    if kind in ENUMS:
        return {"type": "string", "enum": list(ENUMS[kind])}
    if kind == "item":
        return {"$ref": "#/$defs/item"}
    if kind == "items":
        return {"type": "array", "items": {"$ref": "#/$defs/item"}}
    raise AssertionError(kind)


def _object(shape: str) -> dict[str, Any]:
    spec = FIELDS[shape]
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [k for k, (req, _) in spec.items() if req],
        "properties": {k: _field(k, kind) for k, (_req, kind) in spec.items()},
    }


def pack_schema() -> dict[str, Any]:
    """The JSON Schema of one pack file (any file may hold any section)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "studybot knowledge pack file",
        "description": "See docs/pack-format.md. Every definition and fact needs a source and evidence.",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "pack": {"$ref": "#/$defs/pack"},
            "sources": {"type": "array", "items": {"$ref": "#/$defs/source"}},
            "entries": {"type": "array", "items": {"$ref": "#/$defs/entry"}},
            "facts": {"type": "array", "items": {"$ref": "#/$defs/fact"}},
            "quiz": {"type": "array", "items": {"$ref": "#/$defs/quiz"}},
        },
        "$defs": {shape: _object(shape) for shape in FIELDS},
    }


def schema_text() -> str:
    return json.dumps(pack_schema(), indent=2, ensure_ascii=False) + "\n"
