"""`studybot quiz` and `studybot chat` as a person at a terminal meets them: real processes.

The quiz's time limit fires with nobody typing (the input pipe stays open), Ctrl-C is a real
SIGINT, and the chat's line editing and history are driven through a pseudo-terminal, keys and all.
"""

from __future__ import annotations

import asyncio
import os
import pty
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.games.quiz import build_questions
from bot.packs.loader import load_pack
from bot.storage.store import Store

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "packs" / "tiny"
ANSWERS = {q.prompt: q.answer for q in build_questions(load_pack(TINY), count=100)}


class Running:
    """A studybot process whose output is collected as it comes, to wait for what it says."""

    def __init__(self, args: list[str], data: Path, *, tty: bool = False) -> None:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(ROOT),
            "STUDYBOT_DATA": str(data),
            "TERM": "xterm",
            "HOME": str(data),  # readline reads ~/.inputrc: none here
        }
        command = [sys.executable, "-m", "bot", "--knowledge", str(TINY), *args]
        self.output = ""
        if tty:
            main, child = pty.openpty()
            self.process = subprocess.Popen(
                command, stdin=child, stdout=child, stderr=child, env=env, start_new_session=True
            )
            os.close(child)
            self._out, self._in = main, main
        else:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                env=env,
            )
            self._out, self._in = self.process.stdout.fileno(), self.process.stdin.fileno()
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        while True:
            try:
                chunk = os.read(self._out, 4096)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk.decode(errors="replace")

    def type(self, text: str) -> None:
        os.write(self._in, text.encode())

    def wait_for(self, text: str, *, after: int = 0, timeout: float = 30.0) -> int:
        """Wait until `text` appears in the output past position `after`; returns where it ends."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.output.find(text, after)
            if found >= 0:
                return found + len(text)
            time.sleep(0.05)
        raise AssertionError(f"no {text!r} in the output:\n{self.output}")

    def question(self, number: int) -> str:
        """The prompt of question `number` as the quiz printed it."""
        start = self.wait_for(f"Question {number}/")
        end = self.wait_for("\n", after=start)
        return self.output[start:end].split(":", 1)[1].strip()

    def finish(self, timeout: float = 30.0) -> int:
        try:
            return self.process.wait(timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


def stored_games(data: Path):
    async def read():
        store = await Store.open(data)
        try:
            return await store.games(None), await store.leaderboard(None)
        finally:
            await store.close()

    return asyncio.run(read())


def test_the_time_limit_fires_with_no_answer_and_counts_down(data):
    quiz = Running(["quiz", "--questions", "1", "--seconds", "6"], data)
    try:
        quiz.wait_for("Question 1/1")
        started = time.monotonic()
        after = quiz.wait_for("⏳ 5 s left")
        quiz.wait_for("Time's up! The answer:", after=after)
        assert time.monotonic() - started > 4  # it waited for the clock, not for input
        quiz.wait_for("Game over: 0 of 1 right, 0 points.")
        assert quiz.finish() == 0  # the input pipe is still open: nobody typed anything
    finally:
        quiz.process.stdin.close()
        quiz.finish()
    games, _ = stored_games(data)
    assert [g.status for g in games] == ["finished"]


def test_the_first_ctrl_c_quits_and_the_open_question_does_not_count(data):
    quiz = Running(["quiz", "--questions", "2", "--seconds", "60"], data)
    try:
        quiz.type(ANSWERS[quiz.question(1)] + "\n")
        quiz.wait_for("Correct!")
        quiz.question(2)
        quiz.process.send_signal(signal.SIGINT)
        quiz.wait_for("Stopped. The answer:")
        assert quiz.finish() == 0
    finally:
        quiz.process.stdin.close()
        quiz.finish()
    assert "Game over: 1 of 1 right" in quiz.output
    assert "Traceback" not in quiz.output and "KeyboardInterrupt" not in quiz.output
    games, board = stored_games(data)
    assert [g.status for g in games] == ["stopped"]
    assert [r.correct for r in board] == [1]


def test_at_a_terminal_the_countdown_is_redrawn_in_place(data):
    quiz = Running(["quiz", "--questions", "1", "--seconds", "3"], data, tty=True)
    quiz.wait_for("Question 1/1")
    quiz.wait_for("\x1b7\x1b[1A\r\x1b[2K⏳ 2 s left\x1b8")
    quiz.wait_for("Game over: 0 of 1 right")
    assert quiz.finish() == 0


def test_chat_at_a_terminal_has_history_and_line_editing(data):
    chat = Running(["chat"], data, tty=True)
    try:
        chat.wait_for("you> ")
        # "hllo", three steps left, "e": only line editing makes that "hello" (a greeting).
        chat.type("hllo" + "\x1b[D" * 3 + "e\r")
        first = chat.wait_for("Hi! Ask me a question")
        chat.wait_for("you> ", after=first)
        chat.type("\x1b[A\r")  # Up: the same line again, from history
        chat.wait_for("Hi! Ask me a question", after=first)
        chat.type("\x04")  # Ctrl-D ends the chat
        assert chat.finish() == 0
    finally:
        if chat.process.poll() is None:
            chat.process.kill()
