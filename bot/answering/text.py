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
    "QUESTION_WORDS",
    "SOFT",
    "STOPWORDS",
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
    will shall may might must i me my we us our you your he him his she her they them their there here
    what whats who whos whom whose when where why how which tell explain define definition describe
    meaning mean means please know say said ask question give show anything something some any much
    many number year years date named name exactly also just like really did do so
    hi hello hey thanks thank ok okay
    cant dont doesnt didnt isnt wasnt arent werent wont wouldnt couldnt shouldnt havent hasnt hadnt
    """.split()
)
"""Words that carry no topic. Kept small: "left", "right", "world" and "state" are pack words."""


_SAME_MEANING = {
    canon: group.split()
    for canon, group in {
        "die": "died dies dying death deaths dead",
        "kill": "killed kills killing murder murdered murders assassinated assassination assassinate",
        "form": "formed forms formation founded founding foundation created creation established "
        "establish establishment",
        "end": "ended ends dissolved dissolve dissolution disbanded disband collapsed collapse "
        "ceased cease stopped",
        "begin": "began begins beginning started start starts emerged emerge emergence arose "
        "arise arisen origin origins",
        "lead": "led leads leader leaders leadership headed",
        "write": "wrote written writes writer writers authored",
        "exile": "exiled exiles deported deportation deport banished",
        "edit": "edited editor editors edits",
        "arrest": "arrested arrests detained detain detention custody imprisoned imprison jailed",
        "critic": "critics criticism criticisms criticise criticised criticize criticized "
        "critique critiques critical",
        "join": "joined joins joining",
        "publish": "published publishes publication",
        "support": "supported supports supporter supporters backed",
        "ban": "banned banning bans",
        "expel": "expelled expels expelling expulsion expulsions",
    }.items()
}
_CANONICAL = {word: canon for canon, group in _SAME_MEANING.items() for word in group}
"""A few verbs that history questions use interchangeably ("when did the bloc end/dissolve").

Applied to the pack and the question alike, so it only ever makes paraphrases meet.
"""


_SOFT_WORDS = """
    happen happened happens happening get got gets getting gotten make made makes making
    take took taken takes come came comes go goes went gone think thought thinks see saw seen
    view views opinion believe believed role part play played kind kinds type types sort way ways
    idea ideas important importance significance significant main mainly actually really
    biggest big major thing things person people someone according reason reasons use used become
    became remain remained still ever often later after before once during until since while over
    under up down out off away back behind inside some few several all most more less other
    another same very too only even again well call called known famous
    """.split()


_PHRASES = {
    "pass away": "die",
    "passed away": "die",
    "set up": "form",
    "sets up": "form",
    "fell apart": "end",
    "fall apart": "end",
    "broke up": "end",
    "break up": "end",
    "taken into custody": "arrest",
    "took into custody": "arrest",
    "thrown out": "expel",
    "threw out": "expel",
    "kicked out": "expel",
    "in charge of": "lead",
    "in charge": "lead",
}
_PHRASE = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _PHRASES), key=len, reverse=True)) + r")\b"
)
"""Multi-word paraphrases of the same-meaning verbs ("when did Goldman pass away")."""
_PHRASE_HINTS = frozenset(w for phrase in _PHRASES for w in phrase.split() if w not in STOPWORDS)
"""The topic words of the phrases above: a text without any of them holds no phrase."""


def content_words(text: str) -> list[str]:
    """Stemmed topic words of a question, without question and function words."""
    tokens = normalise(text).split()
    if not _PHRASE_HINTS.isdisjoint(tokens):  # most texts hold no phrase: skip the regex
        tokens = _PHRASE.sub(lambda m: _PHRASES[m.group(1)], " ".join(tokens)).split()
    return [stem(_CANONICAL.get(w, w)) for w in tokens if w not in STOPWORDS]


SOFT = frozenset(content_words(" ".join(_SOFT_WORDS)))
"""Stemmed words that frame a question rather than name its topic ("what *happened* to", "what
*role* did", "*after* the war"). The matcher still uses them, at a fraction of their weight, so a
paraphrase that wraps the topic in different framing words is not judged off-topic for it."""


_INTENTS = (
    ("how-many", re.compile(r"\bhow (many|much)\b|\bnumber of\b|\bhow large\b|\bhow big\b")),
    (
        "when",
        re.compile(
            r"\bwhen\b|\bwhat (year|date|month|decade)\b|\bwhich (year|date)\b|\bwhat time\b|\bin what year\b"
        ),
    ),
    ("who", re.compile(r"\bwho\b|\bwhose\b|\bwhom\b")),
    (
        "where",
        re.compile(r"\bwhere\b|\bwhat (city|country|place)\b|\bwhich (city|country|place)\b"),
    ),
    ("why", re.compile(r"\bwhy\b|\bfor what reason\b")),
    ("how", re.compile(r"\bhow\b")),
)


def intent(text: str) -> str:
    """Which kind of item a question wants: `when` wants a date, `how-many` a figure, else `what`."""
    norm = normalise(text)
    for name, pattern in _INTENTS:
        if pattern.search(norm):
            return name
    return "what"
