"""The quiz game: questions from a pack, hints, time limits, scoring and streaks, with no I/O.

`QuizGame` keeps players by integer member id, takes time from an injected clock and raises
domain errors (`NoQuestionOpenError`, `AlreadyAnsweredError`, ...). It never sends a message or
waits for one: the console and the Discord adapter ask it what happened and render that.
Persisting points is the caller's job (`RecordedGame` does it for both front ends), so the engine
stays synchronous and testable with a fake clock.

Scoring: the first correct answer scores `BASE_POINTS`, plus a speed bonus for answering early,
plus a streak bonus for consecutive questions won by the same member, minus `HINT_COST` per hint
shown (never below `MIN_POINTS`).
"""

from __future__ import annotations

import difflib
import logging
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from bot.answering.text import normalise
from bot.games.answer_check import NUMERIC_KINDS, check_answer, tokens
from bot.packs.model import Entry, Pack, QuizItem, Source

if TYPE_CHECKING:
    from bot.storage.store import Store

__all__ = [
    "BASE_POINTS",
    "MODES",
    "OPTION_LETTERS",
    "AlreadyAnsweredError",
    "GameOverError",
    "NoQuestionOpenError",
    "NoQuestionsError",
    "Outcome",
    "PlayerScore",
    "Question",
    "QuizError",
    "QuizGame",
    "RecordedGame",
    "Reveal",
    "Summary",
    "build_questions",
    "masked",
]

log = logging.getLogger("studybot.quiz")

MODES = ("text", "choice")
BASE_POINTS = 10
SPEED_BONUS_MAX = 5
STREAK_BONUS_MAX = 5
HINT_COST = 2
MIN_POINTS = 4
DEFAULT_SECONDS = 30.0
OPTION_LETTERS = "ABCD"

_KIND_FOR_ENTRY = {
    "person": "person",
    "group": "group",
    "organisation": "group",
    "place": "place",
    "work": "work",
}
"""Entry kinds that have a quiz kind of their own; every other kind of entry is a `term`."""


class QuizError(Exception):
    """Something a player or admin asked for that the game cannot do right now."""


class NoQuestionsError(QuizError):
    """The pack has no questions for that topic."""


class NoQuestionOpenError(QuizError):
    """An answer, hint or skip arrived when no question was open."""


class AlreadyAnsweredError(QuizError):
    """A member tried to pick a second option for the same question in choice mode."""


class GameOverError(QuizError):
    """Every question has been asked, or the game was stopped."""


@dataclass(frozen=True)
class Question:
    """One question as asked: prompt, accepted answers, options for choice mode, and its source."""

    id: str
    prompt: str
    answers: tuple[str, ...]
    """Accepted answers and aliases; the first is shown on reveal."""
    kind: str
    entry_id: str
    source: Source
    evidence: str
    wrong: tuple[str, ...] = ()
    """Same-kind wrong answers: the distractors of choice mode."""
    taken: tuple[str, ...] = ()
    """Other names in the pack that contain an answer ("Sten–Lominadze group" for "Sten"): a
    guess naming one of them names something else, not the answer."""
    options: tuple[str, ...] = ()
    """The shuffled options of choice mode (the answer and up to three distractors)."""
    author_hint: str | None = None

    @property
    def answer(self) -> str:
        return self.answers[0]

    @property
    def correct_option(self) -> int:
        """Index of the right option in `options`."""
        return self.options.index(self.answer)


@dataclass
class PlayerScore:
    """A member's standing in one game."""

    user_id: int
    name: str
    points: int = 0
    correct: int = 0
    streak: int = 0
    best_streak: int = 0


@dataclass(frozen=True)
class Reveal:
    """The end of a question: the answer, where it comes from, and who got it (if anyone)."""

    question: Question
    reason: str
    """`answered`, `timeout`, `skipped` or `stopped`."""
    winner: PlayerScore | None = None
    points: int = 0

    @property
    def answer(self) -> str:
        return self.question.answer

    @property
    def source(self) -> Source:
        return self.question.source


@dataclass(frozen=True)
class Outcome:
    """What one answer did."""

    correct: bool
    points: int = 0
    streak: int = 0
    reveal: Reveal | None = None
    """Set when this answer closed the question."""
    late: bool = False
    """The time limit had passed: the question is closed and `reveal` says so."""
    saved: bool = True
    """False when the database refused the point: it counts in this game, not on the leaderboard."""


@dataclass(frozen=True)
class Summary:
    """The end of a game."""

    scores: tuple[PlayerScore, ...]
    """Best first."""
    asked: int
    total: int
    stopped: bool
    first_to: int = 0
    """The points that end the game early (0: none); `reached` says whether someone got there."""
    reached: bool = False

    @property
    def winners(self) -> tuple[PlayerScore, ...]:
        """Everyone tied on the top score (none when nobody scored)."""
        if not self.scores or self.scores[0].points == 0:
            return ()
        top = self.scores[0].points
        return tuple(s for s in self.scores if s.points == top)


# -- building questions --


def masked(answer: str, level: int) -> str:
    """The answer with letters hidden: level 1 shows each word's first character, 2 two, and so on.

    Spaces and punctuation stay visible so the answer's shape is a hint too (`T****** *******`).
    The last character of a word is never shown: "1927-8" hints as `1***-*`, not `1***-8`.
    """
    out = []
    for word in re.split(r"(\W+)", answer):
        if not word or not word[0].isalnum():
            out.append(word)
            continue
        shown = min(max(0, level), len(word) - 1)
        out.append(word[:shown] + "*" * (len(word) - shown))
    return "".join(out)


def _entry_matches(entry: Entry, topic: str) -> bool:
    want = topic.strip().lower()
    return want in (t.lower() for t in entry.tags) or want in (entry.id, entry.term.lower())


def _topic_filter(pack: Pack, topic: str | None) -> tuple[set[str], Callable[[QuizItem], bool]]:
    if not topic:
        return set(pack.entries), lambda _q: True
    want = topic.strip().lower()
    entry_ids = {e.id for e in pack.entries.values() if _entry_matches(e, want)}

    def keep(q: QuizItem) -> bool:
        return q.entry in entry_ids or want in (t.lower() for t in q.tags)

    return entry_ids, keep


def _nearby_numbers(answer: str, kind: str, rng: random.Random) -> list[str]:
    digits = answer.replace(",", "").strip()
    if not digits.isdigit():
        return []
    value = int(digits)
    if kind == "year":
        offsets = [d for d in range(-6, 7) if d]
        rng.shuffle(offsets)
        return [str(value + d) for d in offsets[:3]]
    factors = [0.5, 0.75, 1.25, 1.5, 2.0, 3.0]
    rng.shuffle(factors)
    found: list[str] = []
    for factor in factors:
        other = round(value * factor)
        text = f"{other:,}" if "," in answer else str(other)
        if other != value and text not in found:
            found.append(text)
    return found[:3]


_WORD = re.compile(r"\w[\w'’-]*")
_BRACKETED = re.compile(r"\s*\([^)]*\)")


def _mask_definition(text: str, names: Sequence[str]) -> str | None:
    """The definition with the entry's names hidden, or None when too little would be left."""
    # "Viola (historian)": the part in brackets tells entries apart; it is not the name.
    names = [n for n in (_BRACKETED.sub("", name).strip() for name in names) if n]
    # Other forms of a name's words ("Trotskyist" for "Trotskyism") are hidden too, but only the
    # name's own words: a plain noun of an alias ("prison" in "Verkhne-Uralsk prison") stays, or
    # "the Russian Federal _____ service" asks for a word the game then refuses.
    stems = {
        tok
        for name in names
        for word in _WORD.findall(name)
        if len(_WORD.findall(name)) == 1 or word[:1].isupper()
        for tok in normalise(word).split()
        if len(tok) >= 4 and tok.isalpha()
    }
    phrases = sorted((n for n in names if n.strip()), key=len, reverse=True)
    for phrase in phrases:
        text = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", "_____", text, flags=re.IGNORECASE)
    hidden = 0

    def hide(match: re.Match[str]) -> str:
        nonlocal hidden
        word = normalise(match.group(0)).replace(" ", "")
        if any(word.startswith(s) for s in stems):
            hidden += 1
            return "_____"
        return match.group(0)

    text = _WORD.sub(hide, text)
    visible = [w for w in _WORD.findall(text) if w != "_____"]
    if len(visible) < 5:
        return None
    return text


def _key(text: str) -> str:
    return " ".join(tokens(text))


class _QuestionMaker:
    """Turns quiz items and definitions into questions for one game.

    The pack's pools of same-kind names are gathered once per game, and questions are made only
    for the items a game actually asks, so starting a quiz stays fast on a pack of thousands.
    """

    def __init__(self, pack: Pack, rng: random.Random) -> None:
        self.pack = pack
        self.rng = rng
        self._pools: dict[str, list[tuple[str, str]]] = {}
        self._terms: dict[str, list[tuple[str, str]]] = {}
        self.names = _NameIndex(pack)

    def _unique(self, texts: list[str]) -> list[tuple[str, str]]:
        seen: dict[str, str] = {}
        for text in texts:
            key = _key(text)
            if key and key not in seen:
                seen[key] = text
        return sorted(seen.items())

    def pool(self, kind: str) -> list[tuple[str, str]]:
        """(key, text) of every quiz answer, quiz option and entry term of one quiz kind."""
        if kind not in self._pools:
            quiz = [q for q in self.pack.quiz if q.kind == kind]
            texts = [q.answers[0] for q in quiz] + [d for q in quiz for d in q.distractors]
            texts += [
                e.term
                for e in self.pack.entries.values()
                if _KIND_FOR_ENTRY.get(e.kind, "term") == kind
            ]
            self._pools[kind] = self._unique(texts)
        return self._pools[kind]

    def terms(self, entry_kind: str) -> list[tuple[str, str]]:
        """(key, term) of every entry of one entry kind: the closest distractors for a clue."""
        if entry_kind not in self._terms:
            self._terms[entry_kind] = self._unique(
                [e.term for e in self.pack.entries.values() if e.kind == entry_kind]
            )
        return self._terms[entry_kind]

    def distractors(
        self,
        answers: Sequence[str],
        kind: str,
        given: Sequence[str],
        closest: list[tuple[str, str]] | None = None,
    ) -> tuple[str, ...]:
        """Three wrong answers of the same kind.

        The author's distractors first, then nearby years or numbers, then names of the closest
        kind the pack has (`closest`), then any name of the same quiz kind.
        """
        seen = {_key(a) for a in answers}
        chosen: list[str] = []

        def take(options: list[tuple[str, str]]) -> None:
            for key, text in self.rng.sample(options, len(options)):
                if len(chosen) >= 3:
                    return
                if key and key not in seen:
                    seen.add(key)
                    chosen.append(text)

        take([(_key(g), g) for g in given])
        if len(chosen) < 3 and kind in ("year", "number"):
            near = _nearby_numbers(answers[0], kind, self.rng)
            take([(_key(n), n) for n in near])
        if len(chosen) < 3 and closest:
            take(closest)
        if len(chosen) < 3:
            take(self.pool(kind))
        return tuple(chosen)

    def from_quiz_item(self, item: QuizItem) -> Question:
        return Question(
            id=item.id,
            prompt=item.question,
            answers=tuple(item.answers),
            kind=item.kind,
            entry_id=item.entry,
            source=self.pack.sources[item.source],
            evidence=item.evidence,
            wrong=self.distractors(item.answers, item.kind, item.distractors),
            author_hint=item.hint,
        )

    def from_definition(self, entry: Entry) -> Question | None:
        if entry.definition is None:
            return None
        clue = _mask_definition(entry.definition.text, entry.names)
        if clue is None:
            return None
        kind = _KIND_FOR_ENTRY.get(entry.kind, "term")
        lead = "Who is this?" if kind == "person" else "Which term is this?"
        return Question(
            id=f"def:{entry.id}",
            prompt=f"{lead} {clue}",
            answers=entry.names,
            kind=kind,
            entry_id=entry.id,
            source=self.pack.sources[entry.definition.source],
            evidence=entry.definition.evidence,
            wrong=self.distractors(entry.names, kind, (), self.terms(entry.kind)),
        )


def build_questions(
    pack: Pack,
    *,
    topic: str | None = None,
    count: int = 10,
    mode: str = "text",
    rng: random.Random | None = None,
) -> list[Question]:
    """Pick up to `count` distinct questions for a topic: written quiz items and definition clues.

    Raises `NoQuestionsError` (naming the closest topics) when the topic has none.
    """
    if mode not in MODES:
        raise QuizError(f"Unknown mode {mode!r}: choose text or choice.")
    rng = rng or random.Random()
    entry_ids, keep = _topic_filter(pack, topic)
    sources: list[QuizItem | Entry] = [q for q in pack.quiz if keep(q)]
    sources += [pack.entries[e] for e in sorted(entry_ids) if pack.entries[e].definition]
    rng.shuffle(sources)
    maker = _QuestionMaker(pack, rng)
    picked: list[Question] = []
    for source in sources:
        if len(picked) >= max(1, count):
            break
        if isinstance(source, QuizItem):
            question: Question | None = maker.from_quiz_item(source)
        else:
            question = maker.from_definition(source)
        if question is None:
            continue
        if mode == "choice":
            # Four options or none: a two-way choice is a coin toss, not a question.
            if len(question.wrong) < 3:
                continue
            question = _with_options(question, rng)
        picked.append(replace(question, taken=maker.names.containing(question)))
    if not picked:
        kind = "multiple-choice questions" if mode == "choice" else "questions"
        if topic:
            close = difflib.get_close_matches(topic.lower(), pack.tags(), n=3, cutoff=0.5)
            also = f" Did you mean: {', '.join(close)}?" if close else ""
            raise NoQuestionsError(f"No {kind} on {topic!r}.{also}")
        raise NoQuestionsError(f"This pack has no {kind}.")
    return picked


class _NameIndex:
    """Every entry's names (terms and aliases), findable by the words in them."""

    def __init__(self, pack: Pack) -> None:
        self.by_word: dict[str, set[tuple[str, str]]] = {}
        for entry in pack.entries.values():
            for name in entry.names:
                for word in tokens(name):
                    self.by_word.setdefault(word, set()).add((entry.id, name))

    def _with_all_words(self, text: str) -> set[tuple[str, str]]:
        words = tokens(text)
        if not words:
            return set()
        found = set(self.by_word.get(words[0], ()))
        for word in words[1:]:
            found &= self.by_word.get(word, set())
        return found

    def containing(self, question: Question) -> tuple[str, ...]:
        """Other entries' names that a guess could match only because they contain an answer.

        Names of the question's own entry (or of an entry an accepted answer names) are other ways
        to say the answer, and years and numbers are exact anyway ("August 1936" is a fine answer
        to "which year").
        """
        if question.kind in NUMERIC_KINDS:
            return ()
        answers = question.answers
        accepted = {_key(a) for a in answers}
        candidates = {pair for a in answers for pair in self._with_all_words(a)}
        # Entries that go by one of the accepted answers are what the answer names.
        own = {question.entry_id} | {e for e, name in candidates if _key(name) in accepted}
        found = {
            name
            for entry_id, name in candidates
            if entry_id not in own
            and _key(name) not in accepted
            and check_answer(name, answers).correct
        }
        return tuple(sorted(found))


def _with_options(question: Question, rng: random.Random) -> Question:
    options = [question.answer, *question.wrong[:3]]
    rng.shuffle(options)
    return replace(question, options=tuple(options))


# -- the game --


@dataclass
class _Open:
    question: Question
    opened_at: float
    hints: int = 0
    picked: set[int] = field(default_factory=set)


class QuizGame:
    """One game in one place (a channel, or the terminal): questions asked one at a time."""

    def __init__(
        self,
        questions: Sequence[Question],
        *,
        mode: str = "text",
        seconds: float = DEFAULT_SECONDS,
        speed_bonus: bool = True,
        first_to: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if mode not in MODES:
            raise QuizError(f"Unknown mode {mode!r}: choose text or choice.")
        if not questions:
            raise NoQuestionsError("A game needs at least one question.")
        if mode == "choice" and any(not q.options for q in questions):
            raise QuizError("Choice mode needs questions built with mode='choice'.")
        self.questions = tuple(questions)
        self.mode = mode
        self.seconds = float(seconds)
        self.speed_bonus = speed_bonus
        self.first_to = max(0, int(first_to))
        """End the game as soon as one player has this many points (0: play every question)."""
        self.reached = False
        self._clock = clock
        self._next = 0
        self._open: _Open | None = None
        self._last_winner: int | None = None
        self.players: dict[int, PlayerScore] = {}
        self.reveals: list[Reveal] = []
        self.stopped = False

    # -- state --
    @property
    def current(self) -> Question | None:
        """The open question, if any."""
        return self._open.question if self._open else None

    @property
    def number(self) -> int:
        """1-based number of the current (or last) question."""
        return self._next

    @property
    def finished(self) -> bool:
        if self._open is not None:
            return self.stopped
        return self.stopped or self.reached or self._next >= len(self.questions)

    def time_left(self) -> float:
        if self._open is None:
            return 0.0
        return max(0.0, self._open.opened_at + self.seconds - self._clock())

    def _require_open(self) -> _Open:
        if self._open is None:
            raise NoQuestionOpenError("No question is open right now.")
        return self._open

    # -- flow --
    def next_question(self) -> Question:
        """Open the next question. Raises `GameOverError` when there are none left."""
        if self.stopped or self.reached or self._next >= len(self.questions):
            raise GameOverError("The quiz is over.")
        if self._open is not None:
            raise QuizError("The current question is still open.")
        question = self.questions[self._next]
        self._next += 1
        self._open = _Open(question, self._clock())
        return question

    def _close(self, reason: str, winner: PlayerScore | None = None, points: int = 0) -> Reveal:
        state = self._require_open()
        reveal = Reveal(state.question, reason, winner, points)
        self._open = None
        if winner is None:
            # Nobody won this one: every streak is broken.
            for player in self.players.values():
                player.streak = 0
            self._last_winner = None
        self.reveals.append(reveal)
        return reveal

    def check_time(self) -> Reveal | None:
        """Close the open question if its time is up; the caller announces the returned reveal."""
        if self._open is not None and self.time_left() <= 0:
            return self._close("timeout")
        return None

    def skip(self) -> Reveal:
        """Close the open question unanswered."""
        return self._close("skipped")

    def hint(self) -> str:
        """The next hint for the open question; each one lowers the question's points.

        Text mode: the author's hint first, then the answer with more and more letters shown.
        Choice mode: a letter-mask would point at one option, so a hint rules out a wrong option
        instead, until two are left.
        """
        state = self._require_open()
        question = state.question
        if question.options:
            wrong = [question.options.index(w) for w in question.wrong if w in question.options]
            if state.hints >= len(wrong) - 1:
                return "No more hints: it's one of the two options left."
            state.hints += 1
            index = wrong[state.hints - 1]
            return f"It's not {OPTION_LETTERS[index]} ({question.options[index]})."
        state.hints += 1
        level = state.hints
        if question.author_hint:
            if level == 1:
                return question.author_hint
            level -= 1
        # Never unmask a whole word: a hint that gives the answer away is a reveal.
        longest = max((len(w) for w in re.split(r"\W+", question.answer) if w), default=1)
        return masked(question.answer, min(level, max(1, longest - 1)))

    def stop(self) -> Summary:
        """End the game now (closing any open question)."""
        if self._open is not None:
            self._close("stopped")
        self.stopped = True
        return self.summary()

    def summary(self) -> Summary:
        scores = sorted(self.players.values(), key=lambda p: (-p.points, -p.correct, p.name))
        asked = self._next
        return Summary(
            tuple(scores), asked, len(self.questions), self.stopped, self.first_to, self.reached
        )

    # -- answers --
    def _points(self, state: _Open, streak: int) -> int:
        points = BASE_POINTS
        if self.speed_bonus and self.seconds > 0:
            points += round(SPEED_BONUS_MAX * self.time_left() / self.seconds)
        points += min(streak - 1, STREAK_BONUS_MAX)
        return max(MIN_POINTS, points - HINT_COST * state.hints)

    def _win(self, state: _Open, user_id: int, name: str) -> Outcome:
        player = self.players.setdefault(user_id, PlayerScore(user_id, name))
        player.name = name
        for other in self.players.values():
            if other.user_id != user_id:
                other.streak = 0
        player.streak = player.streak + 1 if self._last_winner == user_id else 1
        player.best_streak = max(player.best_streak, player.streak)
        self._last_winner = user_id
        points = self._points(state, player.streak)
        player.points += points
        player.correct += 1
        if self.first_to and player.points >= self.first_to:
            self.reached = True
        reveal = self._close("answered", player, points)
        return Outcome(True, points, player.streak, reveal)

    def _late(self) -> Outcome | None:
        reveal = self.check_time()
        return Outcome(False, reveal=reveal, late=True) if reveal else None

    def answer(self, user_id: int, name: str, text: str) -> Outcome:
        """A free-text answer (text mode). Wrong answers cost nothing; the first right one wins."""
        state = self._require_open()
        if (late := self._late()) is not None:
            return late
        question = state.question
        self.players.setdefault(user_id, PlayerScore(user_id, name))
        verdict = check_answer(
            text, question.answers, kind=question.kind, wrong=question.wrong, taken=question.taken
        )
        if not verdict.correct:
            return Outcome(False)
        return self._win(state, user_id, name)

    def choose(self, user_id: int, name: str, option: int | str) -> Outcome:
        """A pick in choice mode (an index, or a letter A-D). One pick per member per question."""
        state = self._require_open()
        if (late := self._late()) is not None:
            return late
        index = _option_index(option, state.question.options)
        if user_id in state.picked:
            raise AlreadyAnsweredError("You already picked an answer for this question.")
        state.picked.add(user_id)
        self.players.setdefault(user_id, PlayerScore(user_id, name))
        if index != state.question.correct_option:
            return Outcome(False)
        return self._win(state, user_id, name)


def _option_index(option: int | str, options: Sequence[str]) -> int:
    """The option a member meant: an index, a letter (A-D), a number (1-4) or the option's text.

    Typing the option's text (with the usual spelling slack) must count: a student who knows the
    answer should not lose it for not looking at the letters.
    """
    count = len(options)
    letters = ", ".join(OPTION_LETTERS[:count])
    if isinstance(option, str):
        text = option.strip()
        if len(text) == 1 and text.upper() in OPTION_LETTERS[:count]:
            return OPTION_LETTERS.index(text.upper())
        if text.isdigit() and 1 <= int(text) <= count:
            return int(text) - 1
        named = [i for i, o in enumerate(options) if check_answer(text, [o]).correct]
        if len(named) == 1:
            return named[0]
        raise QuizError(f"Pick one of {letters}, 1-{count}, or type an option.")
    if not 0 <= option < count:
        raise QuizError(f"Pick one of {letters}.")
    return option


class RecordedGame:
    """A `QuizGame` whose points are committed to the store before anyone is told about them.

    Front ends call this instead of the bare game so that "announced" always implies "saved": a
    process killed after an announcement has the point on disk. With no store (the database could
    not be opened) the game is still played, just not remembered.
    """

    def __init__(
        self,
        game: QuizGame,
        store: Store | None,
        *,
        guild_id: int | None,
        channel_id: int | None,
        started_by: int,
        topic: str | None,
        pack: str | None = None,
    ) -> None:
        self.game = game
        self.pack = pack
        """The pack the questions came from: points count for it as well as in total."""
        self.store = store
        self.guild_id = guild_id
        self.channel_id = channel_id
        self.started_by = started_by
        self.topic = topic
        self.game_id: int | None = None

    async def begin(self) -> bool:
        """Record the start (closing the record of any game here that a crash cut short).

        Returns whether the game is being recorded. A database that is locked or broken does not
        stop the game: the members are playing now, and are told their scores won't be kept.
        """
        if self.store is None:
            return False
        try:
            await self.store.interrupt_running(self.guild_id, self.channel_id)
            self.game_id = await self.store.start_game(
                self.guild_id,
                self.channel_id,
                self.started_by,
                topic=self.topic,
                mode=self.game.mode,
                questions=len(self.game.questions),
            )
        except Exception:
            log.exception("could not record the start of a game (guild %s)", self.guild_id)
            self.store = None  # no points for a game that has no record
            return False
        return True

    async def _record(self, outcome: Outcome) -> Outcome:
        reveal = outcome.reveal
        if self.store is None:
            return outcome
        if outcome.correct and reveal is not None and reveal.winner is not None:
            try:
                await self.store.award(
                    self.game_id,
                    self.guild_id,
                    reveal.winner.user_id,
                    reveal.winner.name,
                    question_id=reveal.question.id,
                    points=outcome.points,
                    streak=outcome.streak,
                    pack=self.pack,
                )
            except Exception:
                # The question is already closed in the game: carry on, and say it wasn't saved
                # rather than leave the game stuck on a question nobody can answer any more.
                log.exception("could not save a point (game %s)", self.game_id)
                return replace(outcome, saved=False)
        return outcome

    async def answer(self, user_id: int, name: str, text: str) -> Outcome:
        return await self._record(self.game.answer(user_id, name, text))

    async def choose(self, user_id: int, name: str, option: int | str) -> Outcome:
        return await self._record(self.game.choose(user_id, name, option))

    async def end(self, *, interrupted: bool = False) -> Summary:
        """Finish (or stop, if questions remain) and record how the game ended.

        `interrupted`: the bot is shutting down, so the game is recorded as cut short, not stopped.
        """
        complete = self.game.finished and not self.game.stopped
        summary = self.game.summary() if complete else self.game.stop()
        status = "finished" if complete else "interrupted" if interrupted else "stopped"
        if self.store is not None and self.game_id is not None:
            try:
                await self.store.finish_game(self.game_id, status=status)
            except Exception:
                log.exception("could not record the end of game %s", self.game_id)
        return summary
