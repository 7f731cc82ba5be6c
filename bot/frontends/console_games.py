"""The quiz and practice cards in a terminal: `studybot quiz` and `studybot practice`.

The same engine and the same store as on Discord, played by the one person at the keyboard (stored
as guild `None`, member `LOCAL_USER_ID`). Every line goes through the given `stdin`/`stdout`, so a
test (or a pipe) can play a whole game; output is flushed after each message so that whoever reads
the pipe sees a point only after it has been saved.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import random
import signal
import sqlite3
import threading
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


class _Interrupted:
    """What the line reader returns when the player pressed Ctrl-C."""


INTERRUPTED = _Interrupted()
COUNTDOWN_MARKS = (30, 10, 5)
"""Without a terminal to redraw (a pipe), the seconds left are said at these marks."""


class _LineReader:
    """Lines from stdin, read on a daemon thread so a question's time limit can fire with no input.

    `readline` cannot be interrupted, so a line asked for and not yet typed when a question times
    out is simply the next question's first line. A daemon thread never keeps the program from
    exiting while it waits. The first Ctrl-C (SIGINT) is turned into `INTERRUPTED`, so the game
    ends cleanly; a second one stops the program the usual way.
    """

    def __init__(self, stdin: TextIO) -> None:
        self._loop = asyncio.get_running_loop()
        self._lines: asyncio.Queue[str] = asyncio.Queue()
        self.interrupted = asyncio.Event()
        threading.Thread(target=self._read, args=(stdin,), daemon=True).start()
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            # Not on Windows' event loops, nor off the main thread (tests call from there).
            self._loop.add_signal_handler(signal.SIGINT, self._interrupt)

    def _interrupt(self) -> None:
        self.interrupted.set()
        # The next Ctrl-C is Python's own KeyboardInterrupt again.
        self._loop.remove_signal_handler(signal.SIGINT)

    def close(self) -> None:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            self._loop.remove_signal_handler(signal.SIGINT)

    def _read(self, stdin: TextIO) -> None:
        while True:
            try:
                line = stdin.readline()
            except (OSError, ValueError):  # closed under us
                line = ""
            try:
                self._loop.call_soon_threadsafe(self._lines.put_nowait, line)
            except RuntimeError:  # the game is over and its loop closed
                return
            if not line:
                return

    async def line(self, timeout: float) -> str | _Interrupted | None:
        """The next line stripped; None at end of input; TIMED_OUT with nothing in `timeout` s."""
        if self.interrupted.is_set():
            return INTERRUPTED
        getter = asyncio.ensure_future(self._lines.get())
        interrupt = asyncio.ensure_future(self.interrupted.wait())
        done, _ = await asyncio.wait(
            {getter, interrupt}, timeout=max(0.0, timeout), return_when=asyncio.FIRST_COMPLETED
        )
        interrupt.cancel()
        if getter not in done:
            # A cancelled Queue.get leaves a line that has just arrived in the queue.
            getter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await getter
            return INTERRUPTED if self.interrupted.is_set() else TIMED_OUT
        text = getter.result()
        return None if not text else text.strip()


TIMED_OUT = "\x00timed out"
"""What `_LineReader.line` returns when the wait ended with nothing typed (no player types NUL)."""


class _Countdown:
    """The seconds left on the open question, where the player can see them.

    On a terminal a line above the prompt is redrawn every second (the cursor, and whatever the
    player has typed so far, stay put); through a pipe the time left is said at a few marks.
    """

    def __init__(self, term: _Terminal, game: QuizGame) -> None:
        self.term = term
        self.game = game
        self.live = bool(getattr(term.stdout, "isatty", lambda: False)())
        self._said: set[int] = set()

    def start(self) -> None:
        """Before a prompt: the countdown line (terminal) under which the prompt goes."""
        if self.live:
            self.term.say(self._text())

    def tick(self) -> None:
        left = self.game.time_left()
        if self.live:
            # Save the cursor, go up one line, redraw it, come back.
            self.term.stdout.write(f"\x1b7\x1b[1A\r\x1b[2K{self._text()}\x1b8")
            self.term.stdout.flush()
            return
        for mark in COUNTDOWN_MARKS:
            if left <= mark < self.game.seconds and mark not in self._said:
                self._said.update(m for m in COUNTDOWN_MARKS if m >= mark)
                self.term.say(f"\n⏳ {mark} s left")
                self.term.stdout.write("> ")
                self.term.stdout.flush()
                break

    def _text(self) -> str:
        return f"⏳ {max(0, round(self.game.time_left()))} s left"


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
        reader = _LineReader(term.stdin)
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
            quit_game = await _ask_until_closed(recorded, term, name, reader)
        reader.close()
        summary = await recorded.end()
        term.say()
        me = next((s for s in summary.scores if s.user_id == LOCAL_USER_ID), None)
        points = me.points if me else 0
        correct = me.correct if me else 0
        # A question the player quit during was not played: it does not count.
        cut_off = bool(game.reveals) and game.reveals[-1].reason == "stopped"
        term.say(
            f"Game over: {correct} of {summary.asked - cut_off} right, {points} points"
            + (f", best streak {me.best_streak}." if me and me.best_streak > 1 else ".")
        )
        board = await store.leaderboard(None, limit=1) if store is not None else []
        if board:
            term.say(f"All-time points at this terminal: {board[0].points}.")
        return EXIT_OK
    finally:
        if store is not None:
            await store.close()


async def _next_line(
    game: QuizGame, term: _Terminal, reader: _LineReader
) -> str | _Interrupted | Reveal | None:
    """The player's next line, or the question's timeout reveal if its time runs out first."""
    countdown = _Countdown(term, game)
    countdown.start()
    term.stdout.write("> ")
    term.stdout.flush()
    while True:
        if (late := game.check_time()) is not None:
            term.say()
            return late
        # Wake each second to redraw the countdown, and exactly when the time is up.
        line = await reader.line(min(1.0, game.time_left()))
        if line is not TIMED_OUT:
            if line is None:
                term.say()
            return line
        countdown.tick()


async def _ask_until_closed(
    recorded: RecordedGame, term: _Terminal, name: str, reader: _LineReader
) -> bool:
    """Take input until the open question closes. Returns True when the player quit."""
    game = recorded.game
    while game.current is not None:
        line = await _next_line(game, term, reader)
        if isinstance(line, Reveal):
            _show_reveal(term, line)
            return False
        if line is INTERRUPTED:
            term.say()
        if not isinstance(line, str) or line.lower() in _QUIT:
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
