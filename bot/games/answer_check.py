"""Whether a member's free-text quiz answer is right: forgiving about spelling, strict about facts.

Both the guess and every accepted answer go through `bot.answering.text.normalise` (the matcher's normaliser),
then articles and plurals are dropped. A guess is right when some run of its words matches an
accepted answer word for word, each word within a few typos, so "I think it was Trotsky" counts.
How many typos are allowed grows with the word's length: a short word must be spelt right, which is
what keeps "air" from matching "chair" (Red-DiscordBot #331) and "Lenin" from passing for "Lewin".
Numbers and years never get edits: "1948" is not "1949", and a guess naming two different years
("1948 or 1949") is a hedge, not an answer.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from bot.answering.text import singular, words

__all__ = ["NUMERIC_KINDS", "Verdict", "allowed_edits", "check_answer", "is_correct", "tokens"]

ARTICLES = frozenset({"a", "an", "the"})
NUMBER_WORDS = {
    word: str(n)
    for n, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "sixty": "60",
    "seventy": "70",
    "eighty": "80",
    "ninety": "90",
    "hundred": "100",
}
"""Number words as digits, so "Trial of the 16" and "Trial of the Sixteen" are one answer."""
NUMERIC_KINDS = frozenset({"year", "number"})


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking one guess."""

    correct: bool
    matched: str | None = None
    """The accepted answer the guess matched (as written in the pack), when correct."""


def allowed_edits(length: int) -> int:
    """Typos forgiven in an answer of `length` letters (spaces ignored).

    Five letters or fewer must be exact: one edit there already turns one name into another
    ("Lenin" and "Lewin", "Marx" and "Mark").
    """
    if length <= 5:
        return 0
    if length <= 8:
        return 1
    if length <= 14:
        return 2
    return 3


def _close(guess: str, answer: str, in_phrase: bool = False) -> bool:
    """One word of a guess against one word of an answer.

    Transpositions count as one edit ("Trotksy"). A typo almost never hits the first letter, and
    requiring it keeps "counter" from passing for "encounter".
    """
    if guess == answer:
        return True
    if not guess or guess[0] != answer[0]:
        return False
    if in_phrase and _one_doubling(guess, answer):
        # In a phrase the other words already say which thing is meant, so one doubled letter
        # written once ("cel wall" for "cell wall") is forgiven even in a short word.
        return True
    edits = allowed_edits(len(answer))
    return OSA.distance(guess, answer, score_cutoff=edits) <= edits


def _one_doubling(a: str, b: str) -> bool:
    """Whether `a` and `b` differ only by one letter written once instead of twice."""
    if abs(len(a) - len(b)) != 1:
        return False
    long, short = (a, b) if len(a) > len(b) else (b, a)
    for i in range(1, len(long)):
        if long[i] == long[i - 1] and long[:i] + long[i + 1 :] == short:
            return True
    return False


def _merge_digit_groups(toks: list[str]) -> list[str]:
    """Rejoin "4,000" (normalised to "4 000") so it equals "4000"."""
    out: list[str] = []
    for tok in toks:
        if out and out[-1].isdigit() and tok.isdigit() and len(tok) == 3 and len(out[-1]) <= 3:
            out[-1] += tok
        else:
            out.append(tok)
    return out


def tokens(text: str) -> list[str]:
    """Comparable words of an answer or guess: normalised, no articles, plurals folded.

    Words containing digits keep their plural-looking ending: "1920s" is not "1920".
    """
    toks = _merge_digit_groups([NUMBER_WORDS.get(tok, tok) for tok in words(text)])
    return [
        tok if any(c.isdigit() for c in tok) else singular(tok)
        for tok in toks
        if tok not in ARTICLES
    ]


def _numbers(toks: Sequence[str]) -> list[str]:
    return [t for t in toks if any(c.isdigit() for c in t)]


def _spans(guess: list[str], answer: list[str], numeric: bool) -> Iterator[tuple[int, int]]:
    """Every place in the guess (start, number of words) where the answer is."""
    if not answer:
        return
    answer_numbers = _numbers(answer)
    if numeric or answer_numbers:
        # Every number in the guess must be one of the answer's: no edits, no hedging.
        allowed = set(answer_numbers)
        if any(n not in allowed for n in _numbers(guess)):
            return
    target = "".join(answer)
    n = len(answer)
    for size in (n, *sorted({max(1, n - 1), n + 1} - {n})):
        for start in range(len(guess) - size + 1):
            window = guess[start : start + size]
            if _numbers(window) != answer_numbers:
                continue
            if size != n:
                # Words run together or split apart ("fstring", "f string"): spelt exactly.
                if "".join(window) == target:
                    yield start, size
            elif numeric:
                if window == answer:
                    yield start, size
            elif all(_close(g, a, n > 1) for g, a in zip(window, answer, strict=True)):
                edits = allowed_edits(len(target))
                joined = "".join(window)
                slip = n > 1 and _one_doubling(joined, target)
                if slip or OSA.distance(joined, target, score_cutoff=edits) <= edits:
                    yield start, size


def _find(guess: list[str], answer: list[str], numeric: bool) -> tuple[int, int] | None:
    return next(_spans(guess, answer, numeric), None)


def check_answer(
    guess: str,
    answers: Sequence[str],
    *,
    kind: str = "term",
    wrong: Sequence[str] = (),
    taken: Sequence[str] = (),
) -> Verdict:
    """Check a guess against every accepted answer (and alias) of a question.

    `wrong` are the question's known wrong options (its distractors): a guess that also names one of
    them ("Trotsky or Stalin") is not accepted, so listing every candidate cannot win a point. Only
    the rest of the guess counts for that: "Marxism–Leninism" does not also name "Leninism".
    `taken` are longer names of other things that contain an answer ("Sten–Lominadze group" for
    "Sten"): a guess naming one of them names that thing, not the answer.
    """
    guess_toks = tokens(guess)
    if not guess_toks:
        return Verdict(False)
    numeric = kind in NUMERIC_KINDS
    found = [
        (span, answer)
        for answer in answers
        if (span := _find(guess_toks, tokens(answer), numeric)) is not None
    ]
    if not found:
        return Verdict(False)
    for name in taken:
        if _find(guess_toks, tokens(name), numeric) is not None:
            return Verdict(False)
    (start, size), matched = max(found, key=lambda f: f[0][1])
    accepted = {" ".join(tokens(a)) for a in answers}
    for option in wrong:
        option_toks = tokens(option)
        if " ".join(option_toks) in accepted:
            continue
        for at, length in _spans(guess_toks, option_toks, numeric):
            # Inside the words that gave the answer, it is part of the answer, not a second guess.
            if not (start <= at and at + length <= start + size):
                return Verdict(False)
    return Verdict(True, matched)


def is_correct(
    guess: str,
    answers: Sequence[str],
    *,
    kind: str = "term",
    wrong: Sequence[str] = (),
    taken: Sequence[str] = (),
) -> bool:
    """`check_answer(...).correct`, for callers that only need yes or no."""
    return check_answer(guess, answers, kind=kind, wrong=wrong, taken=taken).correct
