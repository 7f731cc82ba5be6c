"""The quiz and practice cards in a terminal: `studybot quiz` and `studybot practice`.

The same engine and the same store as on Discord, played by the one person at the keyboard (stored
as guild `None`, member `LOCAL_USER_ID`). Every line goes through the given `stdin`/`stdout`, so a
test (or a pipe) can play a whole game; output is flushed after each message so that whoever reads
the pipe sees a point only after it has been saved.
"""

from __future__ import annotations

import asyncio
import getpass
import random
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TextIO

from bot.games.practice import RATINGS, PracticeSession, describe_wait
from bot.games.quiz import (
    MODES,
    OPTION_LETTERS,
    NoQuestionsError,
    QuizGame,
    RecordedGame,
    Reveal,
    build_questions,
)
from bot.packs.model import Pack, Source
from bot.settings import Settings
from bot.storage.store import LOCAL_USER_ID, Store

__all__ = ["CONSOLE_SECONDS", "play_quiz", "practise"]

CONSOLE_SECONDS = 60.0
"""Time per question at the terminal: typing there is slower than tapping a button."""
EXIT_OK = 0
EXIT_NOTHING_TO_DO = 1
EXIT_USAGE = 2

_QUIT = {"quit", "exit", "stop", ":q"}
_SKIP = {"skip", "pass", "next"}
_HINT = {"hint", "?", "h"}


def _player_name() -> str:
    try:
        return getpass.getuser() or "you"
    except Exception:  # no login name (some containers): any name will do
        return "you"


class _Terminal:
    def __init__(self, stdin: TextIO, stdout: TextIO) -> None:
        self.stdin = stdin
        self.stdout = stdout

    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def ask(self, prompt: str) -> str | None:
        """One line of input, or None at end of input (Ctrl-D, or a pipe that ran dry)."""
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.say()
            return None
        return line.strip()


def _cite(source: Source) -> str:
    return f"{source.title} ({source.publisher}){source.link}"


def _show_reveal(term: _Terminal, reveal: Reveal) -> None:
    lead = {
        "answered": "",
        "timeout": "Time's up! ",
        "skipped": "",
        "stopped": "Stopped. ",
    }[reveal.reason]
    term.say(f"{lead}The answer: {reveal.answer}")
    term.say(f'  Source: {_cite(reveal.source)}: "{reveal.question.evidence}"')


def play_quiz(
    pack: Pack,
    settings: Settings,
    *,
    topic: str | None,
    questions: int,
    mode: str,
    stdin: TextIO,
    stdout: TextIO,
    seconds: float = CONSOLE_SECONDS,
    clock: Callable[[], float] = time.monotonic,
    rng: random.Random | None = None,
) -> int:
    """Play one quiz at the terminal; the exit status is 0 when a game was played."""
    term = _Terminal(stdin, stdout)
    if mode not in MODES:
        term.say(f"Unknown mode {mode!r}: choose text or choice.")
        return EXIT_USAGE
    try:
        picked = build_questions(pack, topic=topic, count=questions, mode=mode, rng=rng)
    except NoQuestionsError as err:
        term.say(str(err))
        if pack.tags():
            term.say(f"Topics: {', '.join(pack.tags())}")
        return EXIT_NOTHING_TO_DO
    game = QuizGame(picked, mode=mode, seconds=seconds, clock=clock)
    return asyncio.run(_play(game, settings, term, topic))


async def _open_store(settings: Settings, term: _Terminal) -> Store | None:
    """The database, or None after saying why (a read-only or missing data folder, say)."""
    try:
        return await Store.open(settings.data_dir, database_url=settings.database_url)
    except (OSError, sqlite3.Error, RuntimeError) as err:  # StoreUnavailableError is a RuntimeError
        where = "STUDYBOT_DATABASE_URL" if settings.database_url else f"in {settings.data_dir}"
        term.say(f"Can't open the database {where}: {err}")
        return None


async def _play(game: QuizGame, settings: Settings, term: _Terminal, topic: str | None) -> int:
    store = await _open_store(settings, term)
    if store is None:
        term.say("Playing anyway; this game's points won't be kept.")
    try:
        recorded = RecordedGame(
            game, store, guild_id=None, channel_id=None, started_by=LOCAL_USER_ID, topic=topic
        )
        await recorded.begin()
        name = _player_name()
        how = "Type your answer" if game.mode == "text" else f"Pick {', '.join(OPTION_LETTERS[:4])}"
        term.say(
            f"Quiz: {len(game.questions)} question(s), {game.seconds:g} seconds each. "
            f"{how}; 'hint', 'skip' or 'quit'."
        )
        quit_game = False
        while not quit_game and not game.finished:
            question = game.next_question()
            term.say()
            term.say(f"Question {game.number}/{len(game.questions)}: {question.prompt}")
            for letter, option in zip(OPTION_LETTERS, question.options, strict=False):
                term.say(f"  {letter}) {option}")
            quit_game = await _ask_until_closed(recorded, term, name)
        summary = await recorded.end()
        term.say()
        me = next((s for s in summary.scores if s.user_id == LOCAL_USER_ID), None)
        points = me.points if me else 0
        correct = me.correct if me else 0
        term.say(
            f"Game over: {correct} of {summary.asked} right, {points} points"
            + (f", best streak {me.best_streak}." if me and me.best_streak > 1 else ".")
        )
        board = await store.leaderboard(None, limit=1) if store is not None else []
        if board:
            term.say(f"All-time points at this terminal: {board[0].points}.")
        return EXIT_OK
    finally:
        if store is not None:
            await store.close()


async def _ask_until_closed(recorded: RecordedGame, term: _Terminal, name: str) -> bool:
    """Take input until the open question closes. Returns True when the player quit."""
    game = recorded.game
    while game.current is not None:
        line = term.ask("> ")
        if line is None or line.lower() in _QUIT:
            game.stop()
            _show_reveal(term, game.reveals[-1])
            return True
        if (late := game.check_time()) is not None:
            _show_reveal(term, late)
            return False
        lowered = line.lower()
        if lowered in _HINT or not line:
            term.say(f"Hint: {game.hint()}")
            continue
        if lowered in _SKIP:
            _show_reveal(term, game.skip())
            return False
        if game.mode == "choice":
            letter = line.strip().upper()[:1]
            if letter not in OPTION_LETTERS[: len(game.current.options)]:
                term.say(f"Pick one of {', '.join(OPTION_LETTERS[: len(game.current.options)])}.")
                continue
            outcome = await recorded.choose(LOCAL_USER_ID, name, letter)
            if not outcome.correct:
                term.say("Wrong.")
                # With one player, a wrong pick ends the question.
                _show_reveal(term, game.skip())
                return False
        else:
            outcome = await recorded.answer(LOCAL_USER_ID, name, line)
            if not outcome.correct and not outcome.late:
                term.say("Not quite. Try again, or 'hint' / 'skip'.")
                continue
        if outcome.late and outcome.reveal is not None:
            _show_reveal(term, outcome.reveal)
            return False
        streak = f" Streak: {outcome.streak}!" if outcome.streak > 1 else ""
        unsaved = "" if outcome.saved else " (The database refused it: this game only.)"
        term.say(f"Correct! +{outcome.points} points.{streak}{unsaved}")
        assert outcome.reveal is not None
        _show_reveal(term, outcome.reveal)
    return False


def practise(
    pack: Pack,
    settings: Settings,
    *,
    topic: str | None,
    stdin: TextIO,
    stdout: TextIO,
    now: Callable[[], datetime] | None = None,
) -> int:
    """Study flash cards at the terminal until none are due; the exit status is 0 when any exist."""
    term = _Terminal(stdin, stdout)
    return asyncio.run(_practise(pack, settings, topic, term, now or (lambda: datetime.now(UTC))))


async def _practise(
    pack: Pack,
    settings: Settings,
    topic: str | None,
    term: _Terminal,
    now: Callable[[], datetime],
) -> int:
    store = await _open_store(settings, term)
    if store is None:
        term.say("Practice cards need the database to remember when each card is due.")
        return EXIT_NOTHING_TO_DO
    try:
        session = await PracticeSession.open(pack, store, LOCAL_USER_ID, topic=topic, now=now)
        if not session.deck:
            term.say(f"No cards on {topic!r}." if topic else "This pack has no cards.")
            if pack.tags():
                term.say(f"Topics: {', '.join(pack.tags())}")
            return EXIT_NOTHING_TO_DO
        term.say(
            f"{session.due_count} card(s) due, {session.new_count} new. "
            "Press Enter to turn a card over; 'quit' to stop."
        )
        choices = " ".join(f"[{n}] {word}" for n, word in enumerate(RATINGS, start=1))
        while (card := session.next_card()) is not None:
            term.say()
            term.say(card.front)
            line = term.ask("(Enter to see the answer) ")
            if line is None or line.lower() in _QUIT:
                break
            term.say(card.back)
            term.say(f"  Source: {_cite(card.source)}")
            rating = None
            while rating is None:
                line = term.ask(f"How well did you know it? {choices}: ")
                if line is None or line.lower() in _QUIT:
                    break
                rating = _rating(line)
            if rating is None:
                break
            back = await session.rate(card.key, rating)
            term.say(f"Back {describe_wait(back, now())}.")
        term.say()
        soon = session.next_due()
        if session.due_count:
            later = f" {session.due_count} card(s) still due."
        elif soon is not None:
            later = f" Next card due {describe_wait(soon, now())}."
        else:
            later = ""
        term.say(f"Reviewed {session.reviewed} card(s).{later}")
        return EXIT_OK
    finally:
        await store.close()


def _rating(line: str) -> str | None:
    words = list(RATINGS)
    text = line.strip().lower()
    if text.isdigit() and 1 <= int(text) <= len(words):
        return words[int(text) - 1]
    return text if text in RATINGS else None
