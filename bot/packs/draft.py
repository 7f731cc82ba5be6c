"""Draft a sourced pack from a document (Markdown, HTML or plain text), to be edited by a person.

Maintained parsers find the structure (markdown-it-py for Markdown, the standard HTML parser for
pages, pysbd for sentences); general heuristics of English then find the entries (headings, bold
text, "X is a ..." subjects and encyclopedia openings, capitalised names, acronyms, "-isms",
"the Name affair/group/trial", quoted titles and coined terms), name them canonically (singular,
the better-known name, a surname or bracketed name as an alias, an "-ist" with its "-ism"), and
file every sentence under its *subject* (the names before its verb, or the entry "He"/"It"/"The
bloc" continues) rather than under every name it mentions, so a person's entry does not swallow
the event they took part in. Phrasings (`asks`) are made from the drafted sentences. Every item's
text is a sentence of the document and its evidence that sentence or its whole clauses, so the
draft passes `kb check --against` before anyone edits it; where the drafter guessed, the YAML says
so in a comment.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import PurePath
from typing import Any

from bot.answering.text import normalise, singular
from bot.packs.importers.cards import DeckError, clip, digest, slug
from bot.packs.importers.writer import COMMENT, DOCUMENTS, render
from bot.packs.loader import MAX_EVIDENCE, MAX_TEXT

__all__ = ["Document", "DraftResult", "draft"]

_DEFINES = re.compile(
    r"^(?:The\s+)?(?P<term>[A-Z][\w'’.\-–]*(?:\s+(?:of|the|and|for|de|von|[A-Z0-9][\w'’.\-–]*)){0,5})"
    r"(?:\s*\([^)]{0,120}\))?"
    r"(?:,\s*(?P<how>better known as|also known as|known as|or)\s+(?:the\s+)?(?P<alias>[A-Z][^,]{1,60}),)?"
    r"(?:,[^,]{1,100},)?"
    r"\s+(?:is|was|are|were|refers to|means|describes)\s+(?:a|an|the|one|any)\b"
)
"""A defining sentence: "X is a ...", "X (1879–1940) was a ...", "X, better known as Y, was a ...".

A pattern over one sentence that pysbd already cut out, not a parser of the document."""
_FUNCTION_WORDS = frozenset(
    """a about above after again against all also although an and another any are as at be
    because been before being below between both but by can could did do does during each either
    even ever every few for from further had has have having he her here hers him his how however
    i if in into is it its itself just many may me might more most much must my neither no nor not
    now of off on once one only or other others our out over own per same she should since so
    some such than that the their them then there these they this those though through thus to
    too under until up upon very was we were what when where whether which while who whom whose
    why will with within without would yet you your according among despite later many several
    first second third today another like unlike including especially following overall
    conversely instead meanwhile nevertheless furthermore moreover indeed perhaps
    january february march april june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split()
)
"""English function words: never the first or last word of a drafted term (any subject)."""
_NOT_TERMS = _FUNCTION_WORDS
_ORDINALS = frozenset({"first", "second", "third"})
_NAME = re.compile(
    r"(?<![\w'’\-–])[A-Z][\w'’\-–.]*[\w]"
    r"(?:\s+(?:(?:of|the|and|for|in|de|du|von|van|der|la|le)\s+){0,2}[A-Z](?:[\w'’\-–.]*[\w]|\.)?"
    r"(?=[\s,;:!?'’)\]]|\.(?:\s|$)|$))*"
)
"""A run of capitalised words, with the small joining words names keep ("Bank of England")."""
_PAREN_ALIAS = re.compile(
    r"(?P<name>[A-Z][\w'’\-–]*(?:\s+(?:of|the|and|for|in|[A-Z][\w'’\-–]*)){0,6})"
    r"\s+\((?P<alias>[A-Z][\w'’\-–.]*(?:\s+[\w'’\-–.]+){0,4})\)"
)
"""A name with its abbreviation or other name in brackets: "Communist International (Comintern)"."""
_KNOWN_AS = re.compile(
    r"(?:better known as|also known as|known as|also called|called|nicknamed)\s+"
    r"(?:the\s+)?(?P<alias>[A-Z][\w'’\-–]*(?:\s+(?:of|the|and|[A-Z][\w'’\-–]*)){0,5})"
)
_APPOSITION = re.compile(
    r"(?P<term>[A-Z][\w'’\-–.]*(?:\s+(?:of|the|and|[A-Z][\w'’\-–.]*)){0,5}),\s+"
    r"(?:a|an|the)\s+[^,]{3,120},"
)
"""An apposition that defines: "Ada Lovelace, a mathematician, ..."."""
_CLAUSE = re.compile(r"[,;:]\s+|\s+[–—-]\s+")
_DEFINES_LOWER = re.compile(
    r"^(?:The\s+)?(?P<term>[a-zA-Z][\w'’\-–]*(?:\s+[\w'’\-–]+){0,3}?)\s+"
    r"(?:is a term that refers to|refers to|is (?:a|an|the)\b)"
)
"""A lower-case term defined by the sentence it starts: "The carbon cycle is a term ..."."""
_LEAD_DEFINES = re.compile(
    r"^(?:(?:A|An|The)\s+)?(?P<term>[\w'’\-–]+(?:\s+[\w'’\-–]+){0,3}?)"
    r"(?P<rest>(?:,\s*[^,]{1,80}){0,4}?,)?"
    r"\s+(?:is|are|was|were|refers to)\s+(?:a|an|the|one)\b"
)
"""An encyclopedia's opening: "A workers' council, also called labor council, is a type of ..."."""
_OTHER_NAMES = re.compile(
    r"(?:called|known as|referred to as|or)\s+(?:(?:a|an|the)\s+)?(?P<names>[^,]{2,60})"
)
"""The other names in a lead's commas: "also known as global communism or international ..."."""
_QUOTED_TERM = re.compile(r"[“\"‘'](?P<term>[a-z][\w\-’']*(?:\s+[\w\-’']+){1,3}?)[,.]?[”\"’']")
"""A quoted lower-case phrase of two to four words: a coined term ('permanent revolution')."""
_EVENT_HEADS = (
    "affair|group|split|speech|strike|rebellion|uprising|revolt|riot|trial|trials|crisis|war|"
    "treaty|pact|accord|movement|campaign|plan|platform|manifesto|congress|conference|council|"
    "purge|massacre|incident|scandal|letters|archives|report|school|doctrine|theory|faction|bloc|"
    "circle|society|committee|factory|prison|camp|mural|poster|symbol|expedition|voyage|"
    "dispute|controversy|reform|reforms|law|act|declaration|decree|programme|program|project"
)
_NAMED_EVENT = re.compile(
    rf"\b[Tt]he\s+(?P<term>(?:[A-Z][\w\-–]*\s+){{1,3}}(?:[a-z]+\s+)?(?:{_EVENT_HEADS}))\b"
)
"""A name with an English noun for an event, a group or a work: "the Hastings affair", "the
Dreyfus affair", "the Salt march group". English grammar, not a subject's vocabulary: "the"
before it marks it as one thing."""
_NAMED = re.compile(
    r"\bnamed\s+(?P<name>(?:[A-Z][a-z]?\.\s+)*[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){0,2})"
)
"""A person introduced by name: "a clerk named J. R. Hale", "a boy named Tom Sawyer"."""
_KIN = re.compile(
    r"(?P<owner>[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){0,2})(?:\s+and\s+(?:his|her)|['’]s)\s+"
    r"(?P<rel>son|daughter|wife|husband|brother|sister|father|mother|widow)\s+"
    r"(?P<name>[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){0,2})"
)
"""A relative named with the person they are kin to: "Darwin and his son Francis", "Darwin's
son Francis Darwin". English's closed class of kinship nouns, not a subject's vocabulary."""
_ACCORDING = re.compile(
    r"\b[Aa]ccording to (?P<name>[A-Z][a-z][\w'’\-]*)(?=[\s,.;:!?)]|$)(?!\s+[A-Z])"
)
"""A source cited by surname alone: "..., according to Rogovin"."""
_NICKNAMED = re.compile(
    r"\b(?P<first>[A-Z][a-z]+)\s+[\"“](?P<nick>[^\"”]{2,40})[\"”]\s+(?P<last>[A-Z][a-z][\w'’\-]+)"
)
"""A name with a nickname in quotes between its parts: Billy "the Kid" Bonney."""
_QUOTED = re.compile(r"[“\"](?P<title>[A-Z][^“”\".!?]{3,80})[”\"]")
"""A quoted title: an essay, a book, a coined phrase."""
MAX_FACTS = 40
"""Facts kept per entry: the sentences about it, in document order."""
MIN_FACTS = 8
"""An entry that is the subject of fewer sentences keeps up to this many that merely name it."""
MIN_MENTIONS = 2
MIN_MULTI_MENTIONS = 1
"""A name of several capitalised words is a name the first time ("Trial of the Sixteen")."""
"""A capitalised name becomes an entry when the documents name it at least this often."""
MIN_WORD_MENTIONS = 2
"""A one-word name needs more: it must occur this often, not only at the start of a sentence."""
_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")
_FIGURE = re.compile(r"\b\d[\d,.]*\b")
_MARK = r"\[\s*(?:\d+|[a-z]|citation needed)\s*\](?:\s*:\s*\d+(?:[–-]\d+)?(?![\d,.]))?"
"""A footnote mark, with the page it cites when there is one: "[5]", "[57] : 31"."""
_EDGE_FOOTNOTES = re.compile(rf"^(?:{_MARK}\s*)+|(?:\s*{_MARK})+$")
_FOOTNOTE = re.compile(_MARK)
MAX_HEADING_WORDS = 8

_PRONOUNS = frozenset({"he", "she", "it", "they", "his", "her", "its", "their", "this", "these"})
"""A sentence starting with one of these continues the subject of the sentence before."""
_SUBJECT_JOINERS = frozenset(
    {
        "the",
        "and",
        "of",
        "for",
        "in",
        "de",
        "du",
        "von",
        "van",
        "der",
        "la",
        "le",
        "both",
        "a",
        "an",
    }
)
_LIST_MARK = re.compile(r"\(?(?:\d{1,2}|[a-z])[.)]|[•·*–—-]")
_LEADING_MARK = re.compile(r"^\s*(?:\(?(?:\d{1,2}|[a-z])[.)]|[•·*–—-])\s+")
_SMALL_WORDS = frozenset(
    "a an the of in on at to for and or but by with from as is was are were be been that this "
    "it its his her their they he she we i you not no".split()
)
"""Articles, prepositions, pronouns and auxiliaries: what a quoted remark has and a term lacks."""
_AUX = frozenset({"is", "was", "are", "were", "has", "had", "have"})


def _subject_span(text: str) -> str:
    """The capitalised words that open the main clause: the sentence's subject, roughly.

    An opening phrase ("In 1932, ...", "After the war, ...") is skipped; the span ends at the
    first lower-case word that is not a joining word ("the", "of", "and"), which in English is
    where the verb or the rest of the predicate starts. Names only: a sentence whose subject is
    a common noun ("Many groups ...") has no span, and so no entry as its subject.
    """
    text = _FOOTNOTE.sub("", text).strip()
    words = text.split()
    if words and (words[0].lower().strip(",") in _FUNCTION_WORDS or words[0][:1].isdigit()):
        comma = text.find(",")
        if comma > 0 and len(text[:comma].split()) <= 12:
            words = text[comma + 1 :].split()
    while words and (_LIST_MARK.fullmatch(words[0]) or not any(c.isalnum() for c in words[0])):
        words = words[1:]  # "1.", "•": a list item's marker
    span: list[str] = []
    for at, word in enumerate(words):
        bare = word.strip("\"'“”‘’()[]")
        if not bare or not (bare[:1].isupper() or bare.lower() in _SUBJECT_JOINERS):
            # "French physicist Marie Curie was ...": a title before a full name
            after = words[at + 1 : at + 3]
            if (
                span
                and len(span) <= 2
                and bare.isalpha()
                and len(after) == 2
                and all(w[:1].isupper() for w in after)
            ):
                span = []  # the title is no subject; the name after it is
                continue
            break
        span.append(bare)
        if word.endswith((",", ";", ":")):
            break
    return " ".join(span)


def _coined(word: str) -> bool:
    """A word that is a name however rarely it occurs: an acronym ("NKVD") or an "-ism"."""
    return (word.isupper() and 2 <= len(word) <= 6 and word.isalpha()) or (
        word[:1].isupper() and word.endswith("ism") and len(word) > 5
    )


def _lead_term_ok(term: str) -> bool:
    """A term an opening or a quotation names: 1-4 words, not starting or ending in a small word."""
    words = term.split()
    return (
        0 < len(words) <= 4
        and words[0].lower() not in _FUNCTION_WORDS
        and words[-1].lower() not in _FUNCTION_WORDS
        and all(any(c.isalpha() for c in w) for w in words)
        and _term_ok(term)
    )


def _definite_head(text: str) -> str:
    """The noun of a subject like "The bloc ..." (normalised, singular), else ""."""
    words = _FOOTNOTE.sub("", text).split()[:3]
    if (
        len(words) >= 2
        and words[0] in ("The", "This", "That")
        and words[1].isalpha()
        and words[1].islower()
        and words[1] not in _FUNCTION_WORDS
    ):
        return singular(normalise(words[1]))
    return ""


def _evidence(sentence: str, focus: str) -> str:
    """The sentence, or when it is too long the clauses around `focus`, cut between words.

    Verbatim (evidence must occur in the source), whole words only, and never more than the
    loader allows.
    """
    # footnote marks at either end ("[5] [6] Some ...") are no part of the claim; cutting them
    # off the ends keeps the excerpt verbatim
    text = _EDGE_FOOTNOTES.sub("", " ".join(sentence.split())) or " ".join(sentence.split())
    if len(text) <= MAX_EVIDENCE:
        return text
    # grow a window of whole clauses from the one that names the focus
    cuts = [0] + [m.end() for m in _CLAUSE.finditer(text)] + [len(text)]
    at = text.find(focus) if focus and focus in text else 0
    first = max(i for i, c in enumerate(cuts) if c <= at)
    lo, hi = cuts[first], cuts[min(first + 1, len(cuts) - 1)]
    while True:
        grown = False
        nxt = [c for c in cuts if c > hi]
        if nxt and nxt[0] - lo <= MAX_EVIDENCE:
            hi, grown = nxt[0], True
        prev = [c for c in cuts if c < lo]
        if prev and hi - prev[-1] <= MAX_EVIDENCE:
            lo, grown = prev[-1], True
        if not grown:
            break
    window = text[lo:hi].strip(" ,;:–—-")
    if len(window) <= MAX_EVIDENCE and window:
        return window
    return clip(text, focus=focus)


def _when_ask(sentence: str, term: str) -> str:
    """A "when" phrasing of a dated sentence about `term`: "when was X elected by the Society".

    Without an auxiliary it reads "when X sailed with FitzRoy" (there is no lemmatiser at hand).
    Made from the words after the subject up to the first figure or comma, so it asks what the
    sentence answers; empty when the sentence does not read "Subject verb ...".
    """
    text = _FOOTNOTE.sub("", sentence)
    first = text.split(maxsplit=1)[0] if text.strip() else ""
    # "He was exiled in 1929": the pronoun is the subject (no opening phrase to skip)
    span = first if first.lower() in ("he", "she", "it", "they") else _subject_span(sentence)
    at = text.find(span) if span else -1
    if at < 0:
        return ""
    rest = re.split(r"[,;:()]|\s[–—-]\s|\d", text[at + len(span) :], maxsplit=1)[0].split()
    rest = rest[:MAX_ASK_WORDS]  # a long predicate: its first words say what happened
    while rest and rest[-1].lower() in _FUNCTION_WORDS:
        rest.pop()
    if not rest or not rest[0][:1].islower():  # the verb comes next, in lower case
        return ""
    if rest[0].lower() in _AUX:
        return " ".join(["when", rest[0].lower(), term, *rest[1:]])
    return " ".join(["when", term, *rest])


_DATED_NOUN = re.compile(
    r"\b(?:(?:his|her|its|their|the)\s+(?:1[0-9]{3}|20[0-9]{2})\s+(?P<before>[a-z]{3,})"
    r"|(?:his|her|its|their)\s+(?P<after>[a-z]{3,})\s+(?:in|of)\s+"
    r"(?:[A-Z][a-z]+\s+)?(?:\d{1,2}\s+)?(?:1[0-9]{3}|20[0-9]{2}))\b"
)
"""A dated event the subject had, as a noun: "the 1937 arrest", "her death in 1940"."""


def _event_asks(sentence: str, term: str) -> list[str]:
    """When was X's arrest: from "X, just before the 1937 arrest, ..." (X the subject).

    A member asks when the event happened; the sentence names it as a noun with its year, so
    the phrasing is the noun with the entry's name, not the sentence's verb.
    """
    asks = []
    for match in _DATED_NOUN.finditer(_FOOTNOTE.sub("", sentence)):
        noun = match.group("before") or match.group("after")
        if noun not in _FUNCTION_WORDS and not noun.endswith("ly"):
            owner = f"{term}'" if term.endswith("s") else f"{term}'s"
            asks.append(f"when was {owner} {noun}")
    return asks[:1]


def _bracket_date_asks(sentence: str, term: str) -> list[str]:
    """When was the X: from "The X (March 1921) was ...", a date in brackets after a name."""
    text = _FOOTNOTE.sub("", sentence)
    head = re.match(rf"^(?:The\s+)?{re.escape(term)}\s*\((?P<inside>[^)]{{1,40}})\)", text, re.I)
    if head and _YEAR.search(head.group("inside")):
        return [f"when was the {term}"]
    return []


def _definition_asks(text: str, term: str) -> list[str]:
    """Phrasings of what a definition of `term` also answers: who made it, when, a real name."""
    asks = _agent_asks(text, term) + _event_asks(text, term) + _bracket_date_asks(text, term)
    if re.search(r",\s*better known as\b", text):
        # "A, better known as B, was ...": A is the real name of B
        asks.append(f"what was {term}'s real name")
    return list(dict.fromkeys(asks))


_FIELD = re.compile(r"^(?:[-•*]\s*)?(?P<key>[A-Z][a-z]+(?:\s+[a-z]+){0,2}):\s+\S")
"""A field of an infobox or a fact sheet: "- Leader: Ada King", "Founded in: 1871"."""

MAX_ASK_WORDS = 9
"""Words of a sentence's predicate a drafted phrasing keeps."""

_AGENT = re.compile(
    r"\b(?P<verb>led|founded|written|coined|edited|created|organi[sz]ed|directed|headed|"
    r"published|developed|invented|discovered|formed|established|built|designed)"
    r"(?:\s+\w+ly)?\s+by\b"
)
"""A passive with its agent: "X, primarily led by Y", "a term coined by Y"."""
_ACTIVE = {"written": "wrote"}


def _agent_asks(sentence: str, term: str) -> list[str]:
    """The question a sentence about X that says "led by Y" answers: "who led X"."""
    return [
        f"who {_ACTIVE.get(m.group('verb'), m.group('verb'))} {term}"
        for m in _AGENT.finditer(sentence)
    ][:1]


def _name_asks(row: dict[str, Any], person: bool, the: bool) -> list[str]:
    """How members ask for an entry: "what is the X", "who was X".

    "who" for a person (`person`: its sentences go on with "he" or "she"); the tense from its
    definition, else "was"; "the" where the documents write "the X".
    """
    definition = row.get("definition", {}).get("text", "")
    verb = re.search(r"\b(is|was|are|were)\b", definition)
    tense = {"are": "is", "were": "was"}.get(verb.group(1), verb.group(1)) if verb else "was"
    asks = []
    for name in (row["term"], *row.get("aliases", [])[:2]):
        article = "the " if the and name == row["term"] and not person else ""
        asks.append(f"{'who' if person else 'what'} {tense} {article}{name}")
    if definition and not person:
        asks.append(f"what does {row['term']} mean")
    return asks


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
        # a list ("- Leader: Ada King" under "- Founded: 1871"): each item a paragraph
        listed = sum(bool(_LEADING_MARK.match(line)) for line in lines) >= 2
        paragraphs += lines if long_lines or listed else ["\n".join(lines)]
    for para in paragraphs:
        joined = " ".join(para.split())
        if not joined:
            continue
        words = joined.split()
        if (
            "\n" not in para.strip()
            and len(words) <= MAX_HEADING_WORDS
            and joined.rstrip("”\"’'")[-1:] not in ".?!:;,"  # "… allows.”" ends a sentence
            and not (joined[0] in "([" and joined[-1] in ")]")  # "(Smith, 369)": a citation
            and joined[0] not in '“"‘'  # a quotation
            and not _LEADING_MARK.match(joined)  # an item of a list
        ):
            # a wiki's "== Background ==" or a Markdown "## Background" pasted as text
            section = joined.strip("=# ") or joined
            first = first or section
        else:
            blocks.append(_Block(joined, section))
    return blocks, text, first


_AFTER_FOOTNOTES = re.compile(rf"[.!?][\"”’)]?(?:\s*{_MARK})+(?=\s*[A-Z“\"])")
"""A sentence's end with its footnote marks, before the next sentence: `... Communism." [8] Emma`."""


_BOILERPLATE = re.compile(r"[©®]|\ball rights reserved\b", re.IGNORECASE)
"""A page's copyright or trademark line."""


def _question(text: str) -> bool:
    """A paragraph that is one question: "• How did the league challenge the crown?"."""
    text = text.strip()
    return (
        text.endswith("?")
        and "?" not in text[:-1]
        and len(text.split()) >= 4
        and len(_sentences(text)) == 1
    )


def _cut_off(text: str) -> bool:
    """A paragraph that stops mid-sentence: no final stop, its last word a small word."""
    last = text.split()[-1] if text.split() else ""
    return last.lower() in _FUNCTION_WORDS and last[-1:].isalpha()


def _joined(blocks: list[_Block]) -> list[_Block]:
    """Blocks with a paragraph cut off mid-sentence joined to the quotation that goes on with it.

    "The mayor insisted that the plan was" / "“…not a plan but a wish ...”" is one sentence set
    out as two paragraphs; the whitespace between them is all that is added, so the joined text
    is still the document's words.
    """
    out: list[_Block] = []
    for block in blocks:
        before = out[-1] if out else None
        if (
            before is not None
            and before.section == block.section
            and _cut_off(before.text)
            and (block.text[:1] in _QUOTE_OPENS or block.text[:1].islower())
        ):
            out[-1] = _Block(f"{before.text} {block.text}", block.section, before.bold + block.bold)
        else:
            out.append(block)
    return out


def _sentences(text: str) -> list[str]:
    """The sentences of a paragraph (pysbd), first cut after footnote marks that end one.

    pysbd reads `... State Communism." [8] Emma Goldman remained ...` as one sentence; a
    footnote mark after the final stop ends the sentence it cites, whatever pysbd makes of it.
    """
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False)
    pieces, at = [], 0
    for mark in _AFTER_FOOTNOTES.finditer(text):
        pieces.append(text[at : mark.end()])
        at = mark.end()
    pieces.append(text[at:])
    out: list[str] = []
    for piece in pieces:
        for sentence in segmenter.segment(piece):
            sentence = " ".join(sentence.split())
            if not sentence:
                continue
            if out and _INITIALS_END.search(out[-1]) and sentence[:1].isupper():
                out[-1] = f"{out[-1]} {sentence}"  # "named S. Ya." / "Efron, pledged ...": a name
            else:
                out.append(sentence)
    return out


_INITIALS_END = re.compile(r"(?:^|\s)[A-Z][a-z]?\.\s+[A-Z][a-z]?\.$")
"""A run of initials at a cut pysbd made: "S. Ya." starts a name, it does not end a sentence."""


def _term_ok(term: str, *, title: bool = False) -> bool:
    """A term a member would type; a quoted title may start with "The" and run to ten words."""
    words = term.split()
    return (
        0 < len(words) <= (10 if title else 6)
        and (title or words[0].lower() not in _NOT_TERMS)
        and len(normalise(term)) >= 3
        and not _YEAR.search(term)
        and term[0].isalpha()
        and re.search(r"[^\W\d_]{2}", term) is not None  # not initials alone ("E.H")
        and not set(term) & set("()[]{}=|<>")
    )


_VERBS = frozenset({"is", "was", "are", "were", "refers", "means", "describes"})


def _defines_known(sentence: str, entries: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The entry (from a heading or bold text) that `sentence` defines: "(The) TERM is/was ..."."""
    lead = normalise(sentence)
    lead = lead[4:] if lead.startswith("the ") else lead
    for key, row in entries.items():
        rest = lead[len(key) + 1 :].split(maxsplit=2) if lead.startswith(key + " ") else []
        # "X is a ...", "X refers to ...": not "X was critical of ..." (a claim about X)
        if rest and rest[0] in _VERBS and (rest[0] not in _AUX or rest[1:2] in _ARTICLES):
            return row
    return None


_ARTICLES = (["a"], ["an"], ["the"], ["one"], ["any"])


@dataclass
class _Sentence:
    text: str
    source: str
    section: str | None
    opens: bool = False
    """The first sentence of its paragraph, where an encyclopedia defines its subject."""
    aside: bool = False
    """A sentence in brackets (a reference): it names things but claims nothing."""
    block: int = 0
    """Which paragraph (block) of all the documents it is in: a paragraph keeps to one topic."""
    asked: str = ""
    """The question on the line before, when this sentence starts its answer."""
    cited: str = ""
    """The bracketed citation line after the quotation this sentence is part of, or the
    citation line itself."""
    words: list[str] = field(default_factory=list)


def _parse(doc: Document) -> tuple[list[_Block], str, str | None, bool]:
    """Blocks, the source text to keep, its first heading, and whether headings are marked up.

    Markdown and HTML mark their headings; in plain text they are guessed from short lines.
    """
    suffix = PurePath(doc.name).suffix.lower()
    if suffix in (".md", ".markdown"):
        return (*_markdown_blocks(doc.text), True)
    if suffix in (".html", ".htm") or doc.text.lstrip().lower().startswith(("<!doctype", "<html")):
        return (*_html_blocks(doc.text), True)
    return (*_text_blocks(doc.text), False)


def _trim_name(name: str) -> str:
    """A capitalised run without the function words around it and a possessive `'s`."""
    words = name.split()
    while words and words[0].lower() in _FUNCTION_WORDS:
        words.pop(0)
    while words and words[-1].lower() in _FUNCTION_WORDS:
        words.pop()
    out = " ".join(words)
    return re.sub(r"['’]s?$", "", out)


def _candidate_names(
    sentences: list[_Sentence],
) -> tuple[Counter[str], Counter[str], Counter[str], Counter[str], dict[str, str]]:
    """Capitalised names: how often each occurs, how often a one-word one stands alone, spellings.

    Standing alone means not as a modifier of a lower-case noun: "Vienna was", not "Vienna
    waltz".
    """
    counts: Counter[str] = Counter()
    distinct: Counter[str] = Counter()
    """Counts in distinct sentences: a text quoted in two documents names a thing once."""
    alone: Counter[str] = Counter()
    inner: Counter[str] = Counter()
    spelling: dict[str, Counter[str]] = {}
    body = " ".join(s.text for s in sentences)
    seen: set[str] = set()
    for sentence in sentences:
        text = _FOOTNOTE.sub("", sentence.text)
        again = normalise(text) in seen  # the same sentence in another copy of the text
        seen.add(normalise(text))
        for match in _NAME.finditer(text):
            after = text[match.end() :].lstrip()
            parts = match.group(0).split(" and ")  # "Zinoviev and Kamenev" is two names
            first = match.group(0).split()[0]
            rest = parts[0].split(maxsplit=1)[1] if " " in parts[0] else ""
            if (
                rest
                and not any(c.isalnum() for c in text[: match.start()])
                and _word_in(first.lower(), body)
                and body.count(_trim_name(rest)) > body.count(f"{first} {rest}")
            ):
                # "Therefore Impressionist ...": a capital the sentence start gave a common word;
                # but "Hotel Bristol, Copenhagen" is one name when "Bristol" is never alone
                parts[0] = rest
            if len(parts) > 1:  # and the whole: "Hammer and Sickle Factory" is one name
                parts.append(" and ".join(parts))
            # "Socialism in One Country" is one name, "Party in Britain" two: count both ways
            parts += [p for part in parts if " in " in part for p in part.split(" in ")]
            for part in dict.fromkeys(parts):
                name = _trim_name(part)
                if not name or not _term_ok(name):
                    continue
                key = normalise(name)
                counts[key] += 1
                distinct[key] += not again
                spelling.setdefault(key, Counter())[name] += 1
                starts = not any(c.isalnum() for c in text[: match.start()])
                if " " not in name and (
                    not starts or not (_word_in(name.lower(), body) or name.endswith("ly"))
                ):
                    # a capital that starts the sentence says nothing, unless the documents
                    # never write the word in lower case ("Molotov justified ...")
                    inner[key] += 1
                    nxt = after.split(maxsplit=1)[0] if after else ""
                    alone[key] += (
                        not nxt[:1].islower()
                        or nxt.lower().strip(".,;:") in _FUNCTION_WORDS
                        or part.endswith(("'s", "’s"))  # "Darwin's notes": a possessive noun
                    )
    spelled = {k: v.most_common(1)[0][0] for k, v in spelling.items()}
    return counts, distinct, alone, inner, spelled


_QUOTE_OPENS = '“"‘”'
"""A paragraph that starts with one of these is a quotation (a closing mark: its first line cut)."""


def _quotes(text: str) -> bool:
    """A paragraph that is a quotation, or ends with one ("The mayor said it was “…”")."""
    return text[:1] in _QUOTE_OPENS or text.rstrip(" .")[-1:] in '”"'


def _citation(text: str) -> tuple[str, str]:
    """The author and the title a bracketed citation line names, either may be "".

    "(Ann Lee, The Long Road, Harbour Press, 1978, 37-45)" -> ("Ann Lee", "The Long Road");
    "(Report on the harbour, 8th Congress, 1919)" -> ("", "Report on the harbour"); "(Lee, 369)"
    -> ("Lee", ""). The author is a first part of capitalised words; the title the first later
    part of two or more words without a figure (dates, pages and volumes have figures).
    """
    parts = [p.strip(' “”"‘’') for p in re.split(r",\s+", text.strip()[1:-1])]
    first = parts[0].split()
    author = (
        parts[0]
        if len(parts) > 1
        and 1 <= len(first) <= 4
        and all(w[:1].isupper() for w in first)
        and not re.search(r"\d", parts[0])
        else ""
    )
    for part in parts[1 if author else 0 :]:
        part = re.split(r"[?!:—]", part)[0].strip()
        if len(part.split()) >= 2 and part[:1].isupper() and not re.search(r"\d", part):
            return author, part
    return author, ""


def _word_in(word: str, text: str) -> bool:
    """`word` occurs in `text` as a whole word, in exactly this case."""
    return re.search(rf"(?<![\w'’\-–]){re.escape(word)}(?![\w'’\-–])", text) is not None


def _about(sentence: str) -> str | None:
    """`when` for a year or a decade ("the 1920s"), `how-many` for another figure.

    A list item's number ("1. The ...") and footnote marks are no figures.
    """
    text = _LEADING_MARK.sub("", _FOOTNOTE.sub("", sentence))
    if _YEAR.search(text) or re.search(r"\b1[0-9]{3}s\b|\b20[0-9]{2}s\b", text):
        return "when"
    if re.search(r"\b\d[\d,.]*\b", text):
        return "how-many"
    return None


def draft(documents: list[Document], taken: frozenset[str] = frozenset()) -> DraftResult:
    """Draft entries, items and quiz questions from `documents`; pure (no file is touched)."""
    names: dict[str, dict[str, Any]] = {}
    """Every normalised name (term or alias) to its entry row."""
    body_text = ""
    rows: list[dict[str, Any]] = []
    sources: list[dict[str, Any]] = []
    quiz: list[dict[str, Any]] = []
    files: dict[str, str] = {}
    sentences: list[_Sentence] = []
    headings: list[tuple[str, bool]] = []
    quoted_titles: set[str] = set()
    first_headings: list[tuple[str, str]] = []
    """Each document's title heading: an article names its subject there and in its opening."""
    persons: set[int] = set()
    """Entries (by `id`) that are people: called by their surname, or "he"/"she" after them."""
    """Terms that keep every sentence naming them: titles, named events and groups."""
    titles: set[str] = set()
    """Quoted titles: works."""
    bolds: list[str] = []

    def entry(term: str, why: str = "", *, trim: bool = True) -> dict[str, Any] | None:
        term = term.strip(" .,:;\"'“”")
        term = _trim_name(term) if trim else term
        key = normalise(term)
        if key in names:
            return names[key]
        plural = ""
        one = singular(term)
        if " " not in term and one != term and one[1:].islower() and _word_in(one, body_text):
            # "Impressionists" -> "Impressionist": the canonical singular, when the text uses it too
            plural, term, key = term, one, normalise(one)
            if key in names:
                alias(names[key], plural)
                return names[key]
        ident = slug(term)
        if not ident or key in taken or ident in taken or not _term_ok(term, title=not trim):
            return None
        if any(e["id"] == ident for e in rows):
            ident = f"{slug(term, 40)}-{digest(key)}"
        row: dict[str, Any] = {"id": ident, "term": term, "kind": "term"}
        if why:
            row[COMMENT] = f"unsure: {why}; check the term and its kind"
        names[key] = row
        rows.append(row)
        if plural:
            alias(row, plural)
        return row

    def rename(row: dict[str, Any], name: str) -> None:
        """Make `name` the term ("X, better known as Y": members type Y) and the old term an alias."""
        name = _trim_name(name.strip(" .,:;\"'“”"))
        key = normalise(name)
        if not _term_ok(name) or key in taken or names.get(key, row) is not row:
            alias(row, name)
            return
        old = row["term"]
        row["term"], row["id"] = name, slug(name)
        if any(e["id"] == row["id"] and e is not row for e in rows):
            row["id"] = f"{slug(name, 40)}-{digest(key)}"
        names[key] = row
        row.setdefault("aliases", []).append(old)

    def alias(row: dict[str, Any], name: str) -> None:
        name = _trim_name(name.strip(" .,:;\"'“”"))
        key = normalise(name)
        if not _term_ok(name) or key in names or key in taken or len(key) < 2:
            return
        names[key] = row
        row.setdefault("aliases", []).append(name)

    paragraph = 0
    for doc in documents:
        blocks, body, heading, marked = _parse(doc)
        blocks = _joined(blocks)
        if not blocks:
            raise DeckError(f"{doc.name}: no paragraphs of text to draft from")
        title = doc.title or heading or PurePath(doc.name).stem
        source_id = slug(title, 40) or f"doc-{digest(doc.name)}"
        if heading:
            first_headings.append((source_id, heading))
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
        for at, block in enumerate(blocks):
            paragraph += 1
            after = blocks[at + 1].text if at + 1 < len(blocks) else ""
            # a quotation, then its source in brackets on a line of its own: "(Lee, 369)"
            cited = after if after[:1] == "(" and after[-1:] == ")" and _quotes(block.text) else ""
            if block.text[:1] == "(" and block.text[-1:] == ")" and at:
                cited = block.text if _quotes(blocks[at - 1].text) else ""
            if _BOILERPLATE.search(block.text):
                continue  # "© 2024 Example Inc. All rights reserved.": the page, not the subject
            if block.section and len(block.section.split()) <= MAX_HEADING_WORDS:
                headings.append((block.section, marked))
            bolds += block.bold
            # a review question on a line of its own, then its answer: the question is no
            # claim, but it is how members ask for the answer's first sentence
            before = blocks[at - 1].text if at else ""
            asked = _LEADING_MARK.sub("", before) if _question(before) else ""
            for n, text in enumerate(_sentences(block.text)):
                if len(_FOOTNOTE.sub("", text).split()) >= 4 and len(text) <= MAX_TEXT:
                    # a sentence in brackets is a reference or an aside: names, not a claim;
                    # so is one cut off before its end ("Historians ... marvel at", then a
                    # quotation): it ends in a small word and no stop
                    aside = (
                        (text.startswith("(") and text.rstrip(".").endswith(")"))
                        or _cut_off(text)
                        or _question(block.text)
                        or text.rstrip("”\"’' ").endswith("?")  # a question claims nothing
                    )
                    sentences.append(
                        _Sentence(
                            text,
                            source_id,
                            block.section,
                            opens=n == 0,
                            aside=aside,
                            block=paragraph,
                            cited=cited,
                            asked=asked if n == 0 else "",
                        )
                    )

    body_text = " ".join(s.text for s in sentences)
    titles_of_documents = {heading for _, heading in first_headings}
    # 1. terms the layout marks: headings and bold text (a heading guessed from a short line of
    #    plain text only when the text also names it, so "Background" does not become a term)
    for name, marked in dict.fromkeys(headings):
        first, _, rest = name.partition(" ")
        lowered = f"{first.lower()} {rest}" if first in ("The", "A", "An") and rest else name
        trimmed = _trim_name(name)
        if trimmed != name and " " not in trimmed and trimmed.islower():
            continue  # "Other groups", "More examples": a common noun once the heading's "Other" goes
        if (
            marked
            or name in titles_of_documents  # a document's title names its subject
            or any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", body_text) for n in {name, lowered})
        ):
            entry(name)
    for name in bolds:
        entry(name)
    # 2. terms the sentences define or rename
    for sentence in sentences:
        match = _DEFINES.match(sentence.text)
        if match:
            known = normalise(match.group("term")) in names
            row = entry(
                match.group("term"), "" if known else "term taken from the sentence's subject"
            )
            if row is not None and match.group("alias"):
                if match.group("how") == "better known as" and not known:
                    rename(row, match.group("alias"))
                else:
                    alias(row, match.group("alias"))
        elif (
            sentence.opens
            and (lead := _LEAD_DEFINES.match(sentence.text))
            and _lead_term_ok(lead.group("term"))
        ):
            row = entry(lead.group("term"), "term taken from the sentence's subject")
            for other in _OTHER_NAMES.finditer(lead.group("rest") or "") if row else ():
                for name in re.split(r"\s+or\s+", other.group("names")):
                    if _lead_term_ok(name) and row is not None:
                        alias(row, name)
        elif (sentence.opens and (lower := _DEFINES_LOWER.match(sentence.text))) and not any(
            w.lower() in _FUNCTION_WORDS for w in lower.group("term").split()
        ):
            entry(lower.group("term"), "term taken from the sentence's subject")
        for quoted in _QUOTED.finditer(sentence.text):
            title = quoted.group("title").strip()
            long_words = [w for w in title.split() if len(w) > 3]
            # a name the documents mostly write without quotes is a name, not a title
            # ('"Harbour Board" also found in:' on a page that names it twenty times)
            bare = len(re.findall(rf"(?<![\w“\"]){re.escape(title)}(?![\w”\"])", body_text))
            if (
                2 <= len(title.split()) <= 10
                and all(w[:1].isupper() for w in long_words)
                and bare <= 1
            ):
                entry(title, "a quoted title", trim=False)
                quoted_titles.add(title)
                titles.add(title)
        for event in _NAMED_EVENT.finditer(_FOOTNOTE.sub("", sentence.text)):
            if event.group("term").split()[0].lower() not in _FUNCTION_WORDS:
                row = entry(event.group("term"), "a name with a noun for an event or a group")
                if row is not None:
                    quoted_titles.add(row["term"])
        for quoted in _QUOTED_TERM.finditer(sentence.text):
            term = quoted.group("term")
            words = [w.lower() for w in term.split()]
            uses = len(re.findall(rf"\b{re.escape(term)}\b", body_text, re.IGNORECASE))
            # a coined term: two or three content words ('permanent revolution'), or a phrase
            # the documents come back to (“weapons of the weak”); not a quoted remark
            if (
                words[0] not in _SMALL_WORDS
                and words[-1] not in _SMALL_WORDS
                and not words[0].endswith("ly")  # “mostly workers”: an adverb, a remark
                and (words[0] in _ORDINALS or words[0] not in _FUNCTION_WORDS)
                and _term_ok(term, title=True)  # an ordinal may start it: "third camp"
                and (
                    (len(words) <= 3 and not set(words) & _SMALL_WORDS and "'" not in term)
                    or uses > 1
                )
            ):
                entry(term, "a quoted phrase", trim=False)  # "third camp": not "camp"
        for paren in _PAREN_ALIAS.finditer(sentence.text):
            name, other = _trim_name(paren.group("name")), paren.group("alias")
            if len(name.split()) >= 1 and _term_ok(name) and not _YEAR.search(other):
                row = entry(name, "named with another name in brackets")
                if row is not None:
                    alias(row, other)
        for named in _NAMED.finditer(sentence.text):
            # "a clerk named J. R. Hale": English introduces a person by name so
            person = entry(named.group("name"), "a person the text introduces by name")
            surname = named.group("name").split()[-1]
            if person is not None and " " in person["term"]:
                persons.add(id(person))
                if not _word_in(surname.lower(), body_text):
                    alias(person, surname)
    authors: dict[str, str] = {}
    """Each citation line's author; "Ibid." cites the author of the citation before it."""
    for sentence in sentences:
        for nick in _NICKNAMED.finditer(sentence.text):
            # Andrey "shoot the mad dogs" Vyshinsky: the name is "Andrey Vyshinsky"
            full = f"{nick.group('first')} {nick.group('last')}"
            known = names.get(normalise(nick.group("last")))
            if known is not None and " " not in known["term"]:
                rename(known, full)
            elif known is None and (person := entry(full, "a name with a nickname")) is not None:
                alias(person, nick.group("last"))
            if (person := names.get(normalise(full))) is not None:
                persons.add(id(person))
        for cited_by in _ACCORDING.finditer(_FOOTNOTE.sub("", sentence.text)):
            # "..., according to Rogovin": a source the text cites by surname, however rarely
            name = cited_by.group("name")
            if name.lower() not in _FUNCTION_WORDS and not _word_in(name.lower(), body_text):
                person = entry(name, "a person the text cites")
                if person is not None:
                    persons.add(id(person))
    for cited in dict.fromkeys(s.cited for s in sentences if s.cited):
        author, title = _citation(cited)
        before = list(authors.values())[-1:] if authors else []
        authors[cited] = author or (before[0] if before and re.search(r"\bIbid\b", cited) else "")
        row = entry(title, "a work a citation names", trim=False) if title else None
        if row is not None:
            quoted_titles.add(row["term"])
            titles.add(row["term"])
    # 3. names and phrases the documents keep using
    counts, distinct, alone, inner, spelled = _candidate_names(sentences)
    frequent = {k for k, n in counts.items() if n >= MIN_MENTIONS}

    def glued(key: str) -> bool:
        """Frequent names side by side, not a name of its own.

        "Monet and Renoir", or seen once: "Paris Impressionists", "Impressionists in Western
        Europe" (the first part a name of its own).
        """
        parts = re.split(r" (?:of|the|and|for|in|on) ", key)
        if " and " in key and (" " in key.split(" and ")[0] or {*key.split(" and ")} & frequent):
            return True  # "Monet and Renoir", "England and France"; not "Hammer and Sickle"
        if " in " in key and key.rsplit(" in ", 1)[1] in frequent:
            return True  # "Party in Britain": a name, then where
        last = key.split()[-1]
        words = key.split()
        return (
            distinct[key] < MIN_MENTIONS
            and (
                (len(parts) > 1 and parts[0] in frequent)
                or all(w in frequent for w in words)
                or (last in frequent and singular(last) != last)  # "Paris Impressionists"
                # two names side by side, seen once: "Royal Society Isaac Newton", "Newtonian
                # Royal Society" (an adjective that is a name of its own, then a name)
                or any(
                    " ".join(words[:at]) in frequent and " ".join(words[at:]) in frequent
                    for at in range(1, len(words))
                )
                # part of a longer name the layout or a quotation gave ("Land Question" of the
                # title "The Land Question and the Fight for Freedom")
                or any(f" {key} " in f" {longer} " for longer in names if longer != key)
            )
        )

    multi = [
        k for k, n in counts.most_common() if " " in k and n >= MIN_MULTI_MENTIONS and not glued(k)
    ]
    for key in multi:
        words = spelled[key].split()
        if (
            len(words) >= 3
            and words[0].endswith("ist")
            and normalise(words[0][:-3] + "ism") in frequent
            and all(w[:1].isupper() for w in words[1:2])
        ):
            # "Realist Royal Academy": an adjective of a doctrine before a name is no part of it
            entry(" ".join(words[1:]), "a name the documents use often")
            continue
        entry(spelled[key], "a name the documents use often")
    last_words: dict[str, str] = {}
    # how many different names end with a word ("Eastern Europe", "Western Europe": "Europe"
    # is no surname); "Josip Broz Tito" and "Josip Tito", or initials ("J. Tito"), are one
    endings = Counter(
        last
        for last, first in {
            (normalise(spelled[k].split()[-1]), normalise(spelled[k].split()[0]))
            for k in multi
            if not re.fullmatch(r"(?:[A-Z]\.?){1,3}", spelled[k].split()[0])
        }
    )
    for key in multi:  # most frequent first: "Curie" goes to "Marie Curie"
        words = spelled[key].split()
        # "Revolution" in "Cuban Revolution" is a common noun (the text also writes
        # "revolution", and other names end with it): only a surname stands for the whole name
        if (
            2 <= len(words) <= 3
            and all(w[:1].isupper() for w in words)
            and endings[normalise(words[-1])] <= 1
            and not _word_in(words[-1].lower(), body_text)
        ):
            last_words.setdefault(normalise(words[-1]), key)
    for key, _ in counts.most_common():
        if " " in key or key in names:
            continue
        if key in last_words and last_words[key] in names:  # a surname, however rare
            alias(names[last_words[key]], spelled[key])
            persons.add(id(names[last_words[key]]))  # a name whose last word stands for it
        elif _coined(spelled[key]) or (
            inner[key] >= MIN_WORD_MENTIONS
            and alone[key] * 2 >= inner[key]
            and not _word_in(spelled[key].lower(), body_text)  # "Revolution" / "revolution"
        ):
            entry(spelled[key], "a name the documents use often")
    for sentence in sentences:  # "Darwin and his son Francis": Francis is "Darwin's son"
        for kin in _KIN.finditer(_FOOTNOTE.sub("", sentence.text)):
            owner = names.get(normalise(kin.group("owner")))
            relative = names.get(normalise(kin.group("name")))
            if owner is None or relative is None or owner is relative:
                continue
            for name in (owner["term"], *owner.get("aliases", [])):
                if " " not in name or name == owner["term"]:
                    alias(relative, f"{name}'s {kin.group('rel')}")
    for key, row in list(names.items()):  # "Curie" defined on its own joins "Marie Curie"
        target = names.get(last_words.get(key, ""))
        if (
            " " not in key
            and row["term"] == spelled.get(key, row["term"])
            and target
            not in (
                None,
                row,
            )
        ):
            rows.remove(row)
            for name in (row["term"], *row.get("aliases", [])):
                names[normalise(name)] = target
                if normalise(name) != normalise(target["term"]):
                    target.setdefault("aliases", []).append(name)
    for key in multi:  # "MS Curie", "P. Curie": initials and a surname are the known person
        words = spelled[key].split()
        target = names.get(last_words.get(normalise(words[-1]), ""))
        row = names.get(key)
        if (
            target is not None
            and row is not None
            and row is not target
            and row in rows
            and all(re.fullmatch(r"(?:[A-Z]\.?){1,3}", w) for w in words[:-1])
        ):
            rows.remove(row)
            for name in (row["term"], *row.get("aliases", [])):
                names[normalise(name)] = target
                target.setdefault("aliases", []).append(name)
    for short in list(rows):  # "John Kennedy" is "John F. Kennedy": first and last name alike
        words = short["term"].split()
        if len(words) != 2 or not all(w[:1].isupper() for w in words) or short.get("definition"):
            continue
        for full in rows:
            longer = full["term"].split()
            if (
                full is not short
                and len(longer) == 3
                and longer[0] == words[0]
                and longer[-1] == words[-1]
                and longer[1][:1].isupper()
            ):
                rows.remove(short)
                for name in (short["term"], *short.get("aliases", [])):
                    names[normalise(name)] = full
                    full.setdefault("aliases", []).append(name)
                break
    for row in list(rows):  # "Impressionist" is an adherent of "Impressionism": one entry
        term = row["term"]
        target = names.get(normalise(term[:-3] + "ism")) if term.endswith("ist") else None
        if " " in term or target is None or target is row or row.get("definition"):
            continue
        rows.remove(row)
        for name in (term, *row.get("aliases", [])):
            names[normalise(name)] = target
            target.setdefault("aliases", []).append(name)
    # 4. what each sentence says about the entries it names
    longest = max((len(k.split()) for k in names), default=1)
    for sentence in sentences:
        sentence.words = normalise(_FOOTNOTE.sub("", sentence.text)).split()
    works = {r["id"] for r in rows if r["term"] in quoted_titles}

    def mentioned(words: list[str]) -> list[dict[str, Any]]:
        """The entries `words` name, longest name first, in order."""
        found: list[dict[str, Any]] = []
        at = 0
        while at < len(words):
            for size in range(min(longest, len(words) - at), 0, -1):
                row = names.get(" ".join(words[at : at + size]))
                if row is not None:
                    if row not in found:
                        found.append(row)
                    at += size
                    break
            else:
                at += 1
        return found

    def item(sentence: _Sentence, focus: str) -> dict[str, Any]:
        return {
            "text": " ".join(_FOOTNOTE.sub("", sentence.text).split())[:MAX_TEXT],
            "source": sentence.source,
            "evidence": _evidence(sentence.text, focus),
        }

    topics: dict[str, dict[str, Any]] = {}
    """Each document's topic: the entry its first defining sentence defines."""
    by_alias: set[int] = set()
    """Entries (by `id`) whose definition so far names them by an alias, not their term."""
    for sentence in sentences:  # definitions first: "X is a ...", "X, a ..., ..."
        if sentence.aside:
            continue
        row = _defines_known(sentence.text, names)
        if row is None and (defines := _DEFINES.match(sentence.text)):
            row = names.get(normalise(_trim_name(defines.group("term"))))
        if row is None and sentence.opens and (lead := _LEAD_DEFINES.match(sentence.text)):
            row = names.get(normalise(lead.group("term")))
        apposition = _APPOSITION.match(sentence.text)
        if row is None and apposition:
            row = names.get(normalise(_trim_name(apposition.group("term"))))
        # a sentence that defines the entry by its own term beats one that defines it by an
        # alias ("Impressionism is ..." over "The Impressionists were ...")
        own_term = _defines_known(sentence.text, {normalise(row["term"]): row}) if row else None
        if row is not None and ("definition" not in row or (own_term and id(row) in by_alias)):
            row["definition"] = item(sentence, row["term"])
            by_alias.discard(id(row))
            if own_term is None:
                by_alias.add(id(row))
        if row is not None:
            topics.setdefault(sentence.source, row)
    for source, heading in first_headings:
        # an article's title and the name its opening defines are one subject ("Battle of
        # Hastings" over "the Battle of Hastings (1066) was ..."): the defined name keeps both
        titled, topic = names.get(normalise(heading)), topics.get(source)
        if titled is None or topic is None or titled is topic or titled.get("definition"):
            continue
        content = {w for w in normalise(topic["term"]).split() if w not in _FUNCTION_WORDS}
        if content and content <= set(normalise(titled["term"]).split()) and titled in rows:
            rows.remove(titled)
            for name in (titled["term"], *titled.get("aliases", [])):
                names[normalise(name)] = topic
                topic.setdefault("aliases", []).append(name)
    # A sentence is a fact of its subject ("Darwin sailed with FitzRoy in 1831" is Darwin's,
    # not FitzRoy's, though it names FitzRoy); "He/It ..." continues the sentence before. An
    # entry that is the subject of few sentences also keeps some that name it, marked unsure.
    own: dict[str, list[tuple[_Sentence, str]]] = {}
    side: dict[str, list[_Sentence]] = {}
    by_id = {id(r): r for r in rows}
    previous: tuple[tuple[str, str | None], list[dict[str, Any]]] = (("", None), [])
    previous_block = -1
    previous_guess = ""
    for sentence in sentences:
        if sentence.cited:
            # a quotation and its citation line belong to the work the citation names and to
            # its author: "what did Lee write in The Long Road"
            _, title = _citation(sentence.cited)
            author = authors.get(sentence.cited, "")
            cited_rows = [names.get(normalise(title))] if title else []
            if author and not sentence.aside:  # the citation line itself only to the work
                cited_rows.append(
                    names.get(normalise(author)) or names.get(normalise(author.split()[-1]))
                )
            for key in dict.fromkeys(id(r) for r in cited_rows if r is not None):
                doubt = "unsure: a quotation; filed under the work and author its citation names"
                own.setdefault(str(key), []).append((sentence, doubt))
        if sentence.aside:
            continue
        found = mentioned(sentence.words)
        place = (sentence.source, sentence.section)
        first = sentence.text.split(maxsplit=1)[0].lower().strip(",")
        went_on = ""
        if first in _PRONOUNS and previous[0] == place:
            subjects = previous[1]
            # "He ..." after a sentence whose subject was only guessed is a guess too, and says
            # nothing of whether that entry is a person
            went_on = previous_guess
            if first in ("he", "she", "his", "her") and len(subjects) == 1 and not went_on:
                persons.add(id(subjects[0]))
        else:
            subjects = mentioned(normalise(_subject_span(sentence.text)).split())
        if not subjects and (head := _definite_head(sentence.text)):
            # "The bloc was ...": a word of the name of the entry just spoken of, or of the
            # document's own topic (an article calls its subject "the bloc", "the party")
            for row in (*previous[1], topics.get(sentence.source)):
                if row is not None and head in normalise(row["term"]).split():
                    subjects = [row]
                    break
        if not subjects and previous_block == sentence.block and previous[1]:
            # "Yet their numbers grew ...", "In 1948, the two leaders split apart": a sentence
            # whose subject names no entry goes on with the paragraph's subject
            subjects = list(previous[1])
            went_on = "unsure: its subject names no entry; goes on from the sentence before"
        elif (
            not subjects
            and sentence.opens
            and sentence.text[:1] in _QUOTE_OPENS
            and previous[0] == place
            and previous[1]
        ):
            # a paragraph that is a quotation and names no one quotes whom the paragraph
            # before was about
            subjects = list(previous[1])
            went_on = "unsure: a quotation; goes on from the paragraph before"
        subjects += [r for r in found if r["id"] in works and r not in subjects]
        if not subjects and found:
            # the sentence is nobody's own: the first entry it names keeps it, so no claim of
            # the documents is left out of the draft
            subjects = found[:1]
            went_on = "unsure: names it, but is about something else"
        previous = (place, subjects)
        previous_block = sentence.block
        previous_guess = went_on
        if not subjects:
            heading = names.get(normalise(sentence.section or ""))
            if heading is not None:
                own.setdefault(str(id(heading)), []).append(
                    (
                        sentence,
                        f"unsure: under the heading `{sentence.section}`, but does not name it",
                    )
                )
            continue
        for row in subjects:
            own.setdefault(str(id(row)), []).append((sentence, went_on))
        heading = names.get(normalise(sentence.section or ""))
        if heading is not None and heading not in subjects:
            # notes under a heading that is a term are about that term ("It was described in
            # 1882" under "Mitosis"), whoever the sentence's subject is
            doubt = f"unsure: under the heading `{sentence.section}`, but is about something else"
            own.setdefault(str(id(heading)), []).append((sentence, doubt))
        for row in found:
            if row not in subjects:
                side.setdefault(str(id(row)), []).append(sentence)
    for key, row in by_id.items():
        chosen = list(own.get(str(key), []))
        for sentence in side.get(str(key), []):
            if len(chosen) >= MIN_FACTS:
                break
            chosen.append((sentence, "unsure: names it, but is about something else"))
        for sentence, doubt in chosen:
            fact = item(sentence, row["term"])
            if row.get("definition", {}).get("text") == fact["text"]:
                continue
            if (
                "definition" not in row
                and sentence.words[: len(row["term"].split())] == normalise(row["term"]).split()
                and not sentence.cited  # a citation line, a quotation
                and sentence.text[:1] not in "(["
                and not sentence.text.endswith(":")  # "X also found in:" introduces a list
            ):
                row["definition"] = {
                    **fact,
                    COMMENT: "unsure: the first sentence that starts with the term",
                }
                continue
            facts = row.setdefault("facts", [])
            if len(facts) >= MAX_FACTS or any(f["text"] == fact["text"] for f in facts):
                continue
            about = _about(sentence.text)
            if about:
                fact["about"] = about
            # a phrasing is made only from a sentence whose subject is this entry ("Darwin
            # sailed ...", "He published ..."); one that merely names it asks about another
            spoken = sentence.text.split(maxsplit=1)[0].lower().strip(",")
            subject = not doubt and (
                spoken in _PRONOUNS
                or row in mentioned(normalise(_subject_span(sentence.text)).split())
            )
            asks = [sentence.asked]
            if (field_ := _FIELD.match(sentence.text)) and (
                row is names.get(normalise(sentence.section or "")) or subject
            ):
                # an infobox line under the entry's heading: "Leader: A, B" -> "leader of X"
                the = "" if row["term"].lower().startswith("the ") else "the "
                asks.append(f"{field_.group('key').lower()} of {the}{row['term']}")
            asks += [_when_ask(sentence.text, row["term"])] if about == "when" and subject else []
            asks += _event_asks(sentence.text, row["term"]) if subject else []
            asks += _bracket_date_asks(sentence.text, row["term"])
            asks += _agent_asks(sentence.text, row["term"]) if subject else []
            if any(asks):
                fact["asks"] = [a for a in asks if a]
            if doubt:
                fact[COMMENT] = doubt
            facts.append(fact)
            year = _YEAR.search(fact["evidence"])
            if year and sum(q["entry"] == row["id"] for q in quiz) < 2:
                question = fact["text"].replace(year.group(0), "____", 1)
                quiz.append(
                    {
                        "id": f"draft-{digest(sentence.source + row['id'] + fact['text'], 10)}",
                        "question": f"Which year fills the gap? {question}",
                        "answers": [year.group(0)],
                        "kind": "year",
                        "entry": row["id"],
                        "source": sentence.source,
                        "evidence": fact["evidence"],
                    }
                )
        if "definition" in row or row.get("facts"):
            # "what was the Great Exhibition" but "what is Impressionism": as the documents write it
            term = re.escape(row["term"])
            with_the = len(re.findall(rf"\b[Tt]he {term}\b", body_text))
            the = with_the * 2 > len(re.findall(rf"\b{term}\b", body_text))
            row["asks"] = _name_asks(row, person=key in persons, the=the)
        if "definition" in row and (
            asks := _definition_asks(row["definition"]["text"], row["term"])
        ):
            row["definition"]["asks"] = asks
        if key in persons:
            row["kind"] = "person"
        elif row["id"] in works and row["term"] in titles:
            row["kind"] = "work"
    kept = [e for e in rows if "definition" in e or e.get("facts")]
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
        unsure=sum(
            (COMMENT in e)
            + (COMMENT in e.get("definition", {}))
            + sum(COMMENT in f for f in e.get("facts", []))
            for e in kept
        ),
    )
