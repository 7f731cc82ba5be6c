"""Check that every evidence excerpt of a pack really occurs in its source documents.

Excerpts are compared after folding what copying text usually changes (case, runs of white space,
curly vs straight quotes, dash kinds, punctuation) and dropping footnote marks like `[12]`, so an
excerpt fails only when its *words* are not in the source. `...` elides: each part must occur, in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.answering.text import normalise
from bot.packs.model import Pack

_FOOTNOTE = re.compile(r"\[\s*(?:\d+|[a-z]|citation needed|note \d+)\s*\]", re.IGNORECASE)
_ELLIPSIS = re.compile(r"\.\.\.|…|\[\.\.\.\]")


def fold(text: str) -> str:
    """The comparable form of a document or an excerpt."""
    return normalise(_FOOTNOTE.sub(" ", text))


@dataclass(frozen=True)
class Unsupported:
    """An item whose evidence was not found in its source's documents."""

    item_id: str
    source: str
    evidence: str
    reason: str

    def __str__(self) -> str:
        return f'{self.item_id} ({self.source}): {self.reason}: "{self.evidence[:120]}"'


def occurs(evidence: str, document: str) -> bool:
    """True when every `...`-separated part of `evidence` occurs in the folded document, in order."""
    parts = [fold(p) for p in _ELLIPSIS.split(evidence)]
    parts = [p for p in parts if p]
    if not parts:
        return False
    at = 0
    haystack = f" {document} "
    for part in parts:
        found = haystack.find(f" {part} ", at)
        if found < 0:
            return False
        at = found + len(part)
    return True


def check_evidence(pack: Pack, documents_dir: Path) -> list[Unsupported]:
    """Every item and quiz question whose evidence is not in the documents of its source."""
    texts = {
        p.name: fold(p.read_text(encoding="utf-8", errors="replace"))
        for p in sorted(documents_dir.iterdir())
        if p.is_file() and p.suffix in (".txt", ".md", ".html", ".htm")
    }
    rows = [(i.id, i.source, i.evidence) for i in pack.items()]
    rows += [(q.id, q.source, q.evidence) for q in pack.quiz]
    bad = []
    for item_id, source_id, evidence in rows:
        source = pack.sources[source_id]
        named = [texts[d] for d in source.documents if d in texts]
        pool = named or list(texts.values())
        if not pool:
            bad.append(Unsupported(item_id, source_id, evidence, "no document for this source"))
        elif not any(occurs(evidence, doc) for doc in pool):
            bad.append(Unsupported(item_id, source_id, evidence, "not found in the source text"))
    return bad
