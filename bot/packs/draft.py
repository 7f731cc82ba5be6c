"""Draft a sourced pack from a document (Markdown, HTML or plain text), to be edited by a person.

Maintained parsers find the structure (markdown-it-py for Markdown, the standard HTML parser for
pages, pysbd for sentences); a few sentence patterns then decide what is an entry and what is a
definition. Every item's text is a sentence of the document and its evidence is that sentence, so
the draft passes `kb check --against` before anyone edits it; where the drafter guessed, the YAML
says so in a comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import PurePath
from typing import Any

from bot.answering.text import normalise
from bot.packs.importers.cards import DeckError, clip, digest, slug
from bot.packs.importers.writer import COMMENT, DOCUMENTS, render
from bot.packs.loader import MAX_TEXT

__all__ = ["Document", "DraftResult", "draft"]

_DEFINES = re.compile(
    r"^(?:The\s+)?(?P<term>[A-Z][\w'’.\-–]*(?:\s+(?:of|the|and|for|de|von|[A-Z0-9][\w'’.\-–]*)){0,5})"
    r"(?:\s*\([^)]{0,120}\))?"
    r"(?:,\s*(?:better known as|also known as|known as|or)\s+(?P<alias>[A-Z][^,]{1,60}),)?"
    r"(?:,[^,]{1,100},)?"
    r"\s+(?:is|was|are|were|refers to|means|describes)\s+(?:a|an|the|one|any)\b"
)
"""A defining sentence: "X is a ...", "X (1879–1940) was a ...", "X, better known as Y, was a ...".

A pattern over one sentence that pysbd already cut out, not a parser of the document."""
_NOT_TERMS = frozenset(
    "it this that these those he she they there its his her their we i you one some many most "
    "such each another other both all".split()
)
_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")
_FIGURE = re.compile(r"\b\d[\d,.]*\b")
_FOOTNOTE = re.compile(r"\[\s*(?:\d+|[a-z]|citation needed)\s*\]")
MAX_HEADING_WORDS = 8


@dataclass(frozen=True)
class Document:
    """A document to draft from: its file name, its text, and how to cite it."""

    name: str
    text: str
    title: str | None = None
    url: str | None = None
    publisher: str | None = None


@dataclass
class _Block:
    text: str
    section: str | None
    bold: list[str] = field(default_factory=list)


@dataclass
class DraftResult:
    """The drafted pack's files and counts."""

    files: dict[str, str]
    entries: int
    definitions: int
    facts: int
    quiz: int
    unsure: int

    def summary(self) -> str:
        return (
            f"drafted {self.entries} entries, {self.definitions} definitions, {self.facts} facts, "
            f"{self.quiz} quiz items ({self.unsure} marked `# unsure` for you to check)"
        )


def _markdown_blocks(text: str) -> tuple[list[_Block], str, str | None]:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(text)
    blocks: list[_Block] = []
    section: str | None = None
    first_heading: str | None = None
    in_heading = False
    for token in tokens:
        if token.type == "heading_open":
            in_heading = True
        elif token.type == "heading_close":
            in_heading = False
        elif token.type == "inline":
            plain, bold = [], []
            strong = 0
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    plain.append(child.content)
                    if strong:
                        bold.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    plain.append(" ")
                elif child.type == "strong_open":
                    strong += 1
                elif child.type == "strong_close":
                    strong -= 1
            joined = " ".join("".join(plain).split())
            if in_heading:
                section = joined
                first_heading = first_heading or joined
            elif joined:
                blocks.append(_Block(joined, section, bold))
    body = "\n\n".join(([first_heading] if first_heading else []) + [b.text for b in blocks])
    return blocks, body, first_heading


class _HtmlBlocks(HTMLParser):
    _BLOCK = frozenset({"p", "li", "dd", "dt", "td", "blockquote", "figcaption", "div"})
    _HEAD = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
    _SKIP = frozenset({"script", "style", "nav", "footer", "header", "aside", "form", "title"})
    _BOLD = frozenset({"b", "strong", "dfn", "dt"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[_Block] = []
        self.section: str | None = None
        self.first_heading: str | None = None
        self.parts: list[str] = []
        self.bold: list[str] = []
        self.bold_depth = 0
        self.skip = 0
        self.heading = False

    def _flush(self) -> None:
        text = " ".join("".join(self.parts).split())
        if text and self.heading:
            self.section = text
            self.first_heading = self.first_heading or text
        elif text:
            self.blocks.append(_Block(text, self.section, [b for b in self.bold if b.strip()]))
        self.parts, self.bold = [], []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skip += 1
        elif tag in self._HEAD or tag in self._BLOCK or tag == "br":
            self._flush()
            self.heading = tag in self._HEAD
        if tag in self._BOLD:
            self.bold_depth += 1
            self.bold.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self._HEAD or tag in self._BLOCK:
            self._flush()
            self.heading = False
        if tag in self._BOLD:
            self.bold_depth = max(0, self.bold_depth - 1)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        self.parts.append(data)
        if self.bold_depth and self.bold:
            self.bold[-1] += data


def _html_blocks(text: str) -> tuple[list[_Block], str, str | None]:
    parser = _HtmlBlocks()
    parser.feed(text)
    parser.close()
    parser._flush()
    body = "\n\n".join(
        ([parser.first_heading] if parser.first_heading else []) + [b.text for b in parser.blocks]
    )
    return parser.blocks, body, parser.first_heading


def _text_blocks(text: str) -> tuple[list[_Block], str, str | None]:
    """Paragraphs split at blank lines; a short line with no final punctuation is a heading."""
    blocks: list[_Block] = []
    section: str | None = None
    first: str | None = None
    paragraphs = []
    for para in re.split(r"\n\s*\n", text):
        lines = [line for line in para.splitlines() if line.strip()]
        # text copied from a web page puts one paragraph per line, without blank lines between
        long_lines = any(len(line) > 120 for line in lines)
        paragraphs += lines if long_lines else ["\n".join(lines)]
    for para in paragraphs:
        joined = " ".join(para.split())
        if not joined:
            continue
        words = joined.split()
        if (
            "\n" not in para.strip()
            and len(words) <= MAX_HEADING_WORDS
            and joined[-1] not in ".?!:;,"
        ):
            section = joined
            first = first or joined
        else:
            blocks.append(_Block(joined, section))
    return blocks, text, first


def _sentences(text: str) -> list[str]:
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False)
    return [" ".join(s.split()) for s in segmenter.segment(text) if s.strip()]


def _term_ok(term: str) -> bool:
    words = term.split()
    return (
        0 < len(words) <= 6
        and words[0].lower() not in _NOT_TERMS
        and len(normalise(term)) >= 3
        and not _YEAR.search(term)
        and term[0].isalpha()
        and not set(term) & set("()[]{}=|<>")
    )


_VERBS = frozenset({"is", "was", "are", "were", "refers", "means", "describes"})


def _defines_known(sentence: str, entries: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The entry (from a heading or bold text) that `sentence` defines: "(The) TERM is/was ..."."""
    lead = normalise(sentence)
    lead = lead[4:] if lead.startswith("the ") else lead
    for key, row in entries.items():
        rest = lead[len(key) + 1 :].split(maxsplit=1) if lead.startswith(key + " ") else []
        if rest and rest[0] in _VERBS:
            return row
    return None


def draft(documents: list[Document], taken: frozenset[str] = frozenset()) -> DraftResult:
    """Draft entries, items and quiz questions from `documents`; pure (no file is touched)."""
    entries: dict[str, dict[str, Any]] = {}
    sources: list[dict[str, Any]] = []
    quiz: list[dict[str, Any]] = []
    files: dict[str, str] = {}

    def entry(term: str, why: str = "") -> dict[str, Any] | None:
        term = term.strip(" .,:;\"'“”")
        key = normalise(term)
        if key in entries:
            return entries[key]
        ident = slug(term)
        if not ident or key in taken or ident in taken or not _term_ok(term):
            return None
        if any(e["id"] == ident for e in entries.values()):
            ident = f"{slug(term, 40)}-{digest(key)}"
        row: dict[str, Any] = {"id": ident, "term": term, "kind": "term"}
        if why:
            row[COMMENT] = f"unsure: {why}; check the term and its kind"
        entries[key] = row
        return row

    for doc in documents:
        suffix = PurePath(doc.name).suffix.lower()
        if suffix in (".md", ".markdown"):
            blocks, body, heading = _markdown_blocks(doc.text)
        elif suffix in (".html", ".htm") or doc.text.lstrip().lower().startswith(
            ("<!doctype", "<html")
        ):
            blocks, body, heading = _html_blocks(doc.text)
        else:
            blocks, body, heading = _text_blocks(doc.text)
        if not blocks:
            raise DeckError(f"{doc.name}: no paragraphs of text to draft from")
        title = doc.title or heading or PurePath(doc.name).stem
        source_id = slug(title, 40) or f"doc-{digest(doc.name)}"
        if any(s["id"] == source_id for s in sources):
            source_id = f"{source_id}-{digest(doc.name)}"
        sources.append(
            {
                "id": source_id,
                "title": title,
                "publisher": doc.publisher or "unknown publisher",
                "url": doc.url or None,
                "kind": "document",
                "documents": [f"{source_id}.txt"],
            }
        )
        files[f"{DOCUMENTS}/{source_id}.txt"] = body.rstrip() + "\n"

        def item(sentence: str, focus: str = "") -> dict[str, Any]:
            return {
                "text": " ".join(_FOOTNOTE.sub("", sentence).split())[:MAX_TEXT],
                "source": source_id,  # noqa: B023 - used inside this iteration only
                "evidence": clip(sentence, focus=focus),
            }

        # pass 1: terms from headings, bold text and defining sentences
        for block in blocks:
            if block.section and len(block.section.split()) <= MAX_HEADING_WORDS:
                entry(block.section)
            for bold in block.bold:
                entry(bold)
        sentences = [
            (block, s)
            for block in blocks
            for s in _sentences(block.text)
            if len(_FOOTNOTE.sub("", s).split()) >= 4  # not a stray footnote or caption
        ]
        for _block, sentence in sentences:
            if len(sentence) > MAX_TEXT:
                continue
            known_term = _defines_known(sentence, entries)
            if known_term is not None:
                if "definition" not in known_term:
                    known_term["definition"] = item(sentence, known_term["term"])
                continue
            match = _DEFINES.match(sentence)
            if not match:
                continue
            term = match.group("term")
            known = normalise(term) in entries
            row = entry(term, "" if known else "term taken from the sentence's subject")
            if row is None:
                continue
            alias = match.group("alias")
            if alias and normalise(alias) not in entries and normalise(alias) not in taken:
                names = {normalise(n) for e in entries.values() for n in e.get("aliases", [])}
                if normalise(alias) not in names:
                    row.setdefault("aliases", []).append(alias.strip())
            if "definition" not in row:
                row["definition"] = item(sentence, term)
        # pass 2: sentences with dates and figures become facts of the entry they are about
        for block, sentence in sentences:
            if not (_YEAR.search(sentence) or _FIGURE.search(sentence)) or len(sentence) > MAX_TEXT:
                continue
            folded = f" {normalise(sentence)} "
            mentioned = [e for k, e in entries.items() if f" {k} " in folded]
            section = entries.get(normalise(block.section or ""))
            owner = mentioned[0] if mentioned else section
            if owner is None:
                continue
            if owner.get("definition", {}).get("evidence") == clip(sentence):
                continue
            fact = item(sentence, _YEAR.search(sentence).group(0) if _YEAR.search(sentence) else "")
            if not mentioned:
                fact[COMMENT] = f"unsure: under the heading `{block.section}`, but does not name it"
            if any(f["text"] == fact["text"] for f in owner.get("facts", [])):
                continue
            owner.setdefault("facts", []).append(fact)
            year = _YEAR.search(fact["evidence"])
            if year and len(quiz) < 10_000:
                question = fact["text"].replace(year.group(0), "____", 1)
                quiz.append(
                    {
                        "id": f"draft-{digest(source_id + fact['text'], 10)}",
                        "question": f"Which year fills the gap? {question}",
                        "answers": [year.group(0)],
                        "kind": "year",
                        "entry": owner["id"],
                        "source": source_id,
                        "evidence": fact["evidence"],
                    }
                )
    kept = [e for e in entries.values() if "definition" in e or e.get("facts")]
    kept_ids = {e["id"] for e in kept}
    quiz = [q for q in quiz if q["entry"] in kept_ids]
    for row in kept:  # the definition first, as pack-format.md shows it
        for key in ("definition", "facts"):
            if key in row:
                row[key] = row.pop(key)
    name = "draft-" + (sources[0]["id"] if len(sources) == 1 else "pack")
    files[f"{name}.yaml"] = render(
        {"sources": sources, "entries": kept, "quiz": quiz},
        "Drafted by `studybot kb draft`: read it, fix what `# unsure` marks, delete what is wrong.\n"
        "Every text is a sentence of the document and its evidence that sentence.",
    )
    return DraftResult(
        files=files,
        entries=len(kept),
        definitions=sum(1 for e in kept if "definition" in e),
        facts=sum(len(e.get("facts", [])) for e in kept),
        quiz=len(quiz),
        unsure=sum((COMMENT in e) + sum(COMMENT in f for f in e.get("facts", [])) for e in kept),
    )
