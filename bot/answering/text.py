"""Text normalisation shared by the matcher and the quiz answer checker.

Both sides of every comparison go through the same functions here: a question and a pack term, a quiz
answer and a member's guess. Normalising only one side is how "Marxism–Leninism" (en dash) fails to
match "marxism-leninism" typed on a phone.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "NO_SYNONYMS",
    "QUESTION_WORDS",
    "SOFT",
    "STOPWORDS",
    "Synonyms",
    "content_words",
    "intent",
    "normalise",
    "singular",
    "stem",
    "strip_mentions",
    "words",
]

_FOLD = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032`\u00b4", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u00ab\u00bb", '"'),
        # every dash and hyphen separates words: "Marxism–Leninism" = "Marxism-Leninism"
        **dict.fromkeys(
            "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d-_", " "
        ),
        "&": " and ",
    }
)
_APOSTROPHE = re.compile(r"(?<=\w)'(?:s\b)?")
"""A possessive "'s" goes, and so does an apostrophe inside or after a word: Trotsky's → Trotsky."""
_NON_WORD = re.compile(r"[^\w]+")
_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
_DATE = re.compile(
    # A year (1000-2099, or a decade of one), a year or number with an era, a century, a month
    # with a day or year. A bare three-digit number is a page or a count, not a date.
    r"\b(1\d{3}|20\d{2})s?\b|\b\d{1,2}(st|nd|rd|th) century\b"
    r"|\b("
    + "|".join(_MONTHS)
    + r") \d{1,4}\b|\b\d{1,2}(st|nd|rd|th)? ("
    + "|".join(_MONTHS)
    + r")\b"
    r"|\bcentur(y|ies)\b|\bBCE?\b|\bAD\b",
    re.IGNORECASE,
)


def has_date(text: str) -> bool:
    """Whether a text states a date: what a "when" question needs of its answer.

    English date grammar only, no subject: "in 1929", "the 1920s", "480 BC", "the 3rd century",
    "February 1929", "12 June". "(Service, Trotsky, 441)" cites a page, not a year.
    """
    return bool(_DATE.search(text))


_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b")
_LEADING_HANDLE = re.compile(r"^\s*@\S+[\s,:]*")


def strip_mentions(text: str) -> str:
    """Drop Discord mention markup and a leading `@name`: they are addressing, not the question."""
    text = _MENTION.sub(" ", text)
    return _LEADING_HANDLE.sub("", text)


def normalise(text: str) -> str:
    """Fold case, accents, quotes, dashes, `&` and punctuation so that spelling variants compare equal."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHE.sub("", text.casefold().translate(_FOLD))
    return " ".join(_NON_WORD.sub(" ", text).split())


def words(text: str) -> list[str]:
    """Normalised tokens of `text`."""
    return normalise(text).split()


def singular(word: str) -> str:
    """Cheap plural stripping: enough for "Trotskyists"/"Trotskyist", not a full stemmer."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_SUFFIXES = ("ations", "ation", "ings", "ing", "edly", "ed", "es", "ly", "s", "e")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light suffix stemmer so "exiled", "exile" and "exiles" share one index key.

    Applied to both the pack and the question, so an odd stem ("jame") costs nothing: only equality
    of stems matters. Digits are left alone: "1937" must never meet "193".
    """
    if word.isdigit():
        return word
    word = singular(word)
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


QUESTION_WORDS = frozenset("what whats who whos whom whose when where why how which".split())

STOPWORDS = frozenset(
    """
    a an the and or of to in on at for by with from into as about than then that this these those it its
    is are was were be been being am do does did done doing has have had having can could would should
    will shall may might must i me my we our you your he him his she her they them their there here
    what whats who whos whom whose when where why how which tell explain define definition describe
    meaning mean means please know say said ask question give show anything something some any much
    many year years date exactly also just like really did do so
    hi hello hey thanks thank ok okay
    cant dont doesnt didnt isnt wasnt arent werent wont wouldnt couldnt shouldnt havent hasnt hadnt
    """.split()
)
"""English function and question words: they carry no topic in any subject.

Kept to grammar alone. A word that is a term somewhere ("us" for the United States, "number" in
chemistry, "type" in programming) stays a content word; its rarity in the pack decides its weight."""


_SOFT_WORDS = """
    happen happened happens happening role significance significant important importance main mainly
    actually famous known according
    """.split()


class Synonyms:
    """A pack's own synonym groups, applied to its text and to questions alike.

    Each group maps every member (a word or a phrase) to one index key, so "pass away" in a question
    meets "died" in an item when the pack says they mean the same. Only the pack knows which words
    its subject uses interchangeably; general English paraphrase is the semantic matcher's job.
    """

    def __init__(self, groups: tuple[tuple[str, ...], ...] = ()) -> None:
        self.groups = groups
        self.words: dict[str, str] = {}
        phrases: dict[str, str] = {}
        for group in groups:
            canonical = "_".join(group[0].split())
            for member in group:
                norm = normalise(member)
                if " " in norm:
                    phrases[norm] = canonical
                elif norm:
                    self.words[norm] = canonical
                    self.words.setdefault(stem(norm), canonical)
        self.phrases = phrases
        self._pattern = (
            re.compile(
                r"\b(" + "|".join(sorted(map(re.escape, phrases), key=len, reverse=True)) + r")\b"
            )
            if phrases
            else None
        )
        self._hints = frozenset(w for p in phrases for w in p.split() if w not in STOPWORDS)
        """A text holding none of these words holds no phrase: most texts skip the regex."""

    def __bool__(self) -> bool:
        return bool(self.groups)

    def phrases_in(self, tokens: list[str]) -> list[str]:
        """Replace each phrase of a group ("taken into custody") by its group's key."""
        if self._pattern is not None and not self._hints.isdisjoint(tokens):
            return self._pattern.sub(lambda m: self.phrases[m.group(1)], " ".join(tokens)).split()
        return tokens

    def key(self, word: str) -> str | None:
        """The group key of a single word (or of its stem), if it belongs to a group."""
        return self.words.get(word) or self.words.get(stem(word))


NO_SYNONYMS = Synonyms()


def content_words(text: str, synonyms: Synonyms = NO_SYNONYMS) -> list[str]:
    """Stemmed topic words of a text, without question and function words."""
    tokens = normalise(text).split()
    if not synonyms:
        return [stem(w) for w in tokens if w not in STOPWORDS]
    out = []
    for word in synonyms.phrases_in(tokens):
        if word in STOPWORDS:
            continue
        key = word if "_" in word else synonyms.key(word)
        out.append(key if key else stem(word))
    return out


SOFT = frozenset(content_words(" ".join(_SOFT_WORDS)))
"""Stemmed words that frame a question rather than name its topic ("what *happened* to", "what
*role* did"), in any subject. The matcher still uses them, at a fraction of their weight."""


_ANYWHERE = (
    (
        "when",
        re.compile(r"\b(what|which|in what) (year|date|month|decade|century)\b|\bwhat time\b"),
    ),
    ("where", re.compile(r"\b(what|which|in what) (city|country|place|town|region)\b")),
    ("why", re.compile(r"\bfor what reason\b")),
)
_OPENING = (
    ("how-many", re.compile(r"^how (many|much|large|big|long|old)\b|^(the )?number of\b")),
    ("when", re.compile(r"^when\b")),
    ("who", re.compile(r"^(who|whose|whom)\b")),
    ("where", re.compile(r"^where\b")),
    ("why", re.compile(r"^why\b")),
    ("how", re.compile(r"^how\b")),
)
_LEAD_IN = re.compile(r"^((so|and|but|ok|okay|hey|please|quick question|then|also|hi|hello)\s+)+")


def intent(text: str) -> str:
    """Which kind of item a question wants: `when` wants a date, `how-many` a figure, else `what`.

    Only a question word that opens the question (or ends it: "trotsky exiled when") counts: in
    "what happened when the army came" or "costs that stay the same however much you make",
    `when` and `how much` belong to a clause, not to what is asked.
    """
    norm = _LEAD_IN.sub("", normalise(text))
    for name, pattern in _ANYWHERE:
        if pattern.search(norm):
            return name
    for name, pattern in _OPENING:
        if pattern.search(norm):
            return name
    last = norm.rsplit(" ", 1)[-1] if norm else ""
    for name, pattern in _OPENING:
        if pattern.search(last):
            return name
    return "what"
