"""A quiz process killed with SIGKILL mid-game loses no point it had already announced.

The real `studybot quiz` runs in a subprocess fed through a pipe. This test reads each question it
prints, answers it correctly from the pack, and kills the process the instant it announces its
second point, with no chance to clean up. A fresh process then finds both points in the store and
plays on in the same database. It runs once per backend: the SQLite file, and a real PostgreSQL
server (STUDYBOT_DATABASE_URL; see tests/conftest.py for when that one is skipped).
"""

from __future__ import annotations

import asyncio
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.games.quiz import build_questions
from bot.packs.loader import load_pack
from bot.storage.store import DB_FILE, LOCAL_USER_ID, Store

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "packs" / "tiny"
QUESTION = re.compile(r"Question \d+/\d+: (.*)")
CORRECT = re.compile(r"Correct! \+(\d+) points")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")


class Player:
    """A `studybot quiz` subprocess and a reader thread so no read can hang the test forever."""

    def __init__(self, data: Path, questions: int, database_url: str | None) -> None:
        env = {**os.environ, "STUDYBOT_DATA": str(data), "STUDYBOT_KNOWLEDGE": str(TINY)}
        env.pop("DISCORD_TOKEN", None)
        env["STUDYBOT_DATABASE_URL"] = database_url or ""
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "quiz", "--questions", str(questions)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.transcript: list[str] = []

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def next_line(self) -> str:
        line = self.lines.get(timeout=60)
        if line is None:
            raise AssertionError("quiz exited early:\n" + "".join(self.transcript))
        self.transcript.append(line)
        return line

    def send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def kill(self) -> int:
        self.proc.send_signal(signal.SIGKILL)
        return self.proc.wait(timeout=30)


def answers_by_prompt() -> dict[str, str]:
    pack = load_pack(TINY)
    return {q.prompt: q.answer for q in build_questions(pack, count=100)}


def read_store(data: Path, database_url: str | None):
    async def read():
        store = await Store.open(data, database_url=database_url)
        try:
            return await store.leaderboard(None), await store.games(None)
        finally:
            await store.close()

    return asyncio.run(read())


def play_until(player: Player, answers: dict[str, str], points_wanted: int) -> list[int]:
    """Answer every question right; return the announced points once `points_wanted` were seen."""
    announced: list[int] = []
    while len(announced) < points_wanted:
        line = player.next_line()
        if (asked := QUESTION.search(line)) is not None:
            player.send(answers[asked.group(1).strip()])
        elif (won := CORRECT.search(line)) is not None:
            announced.append(int(won.group(1)))
    return announced


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request) -> str | None:
    """None for the SQLite file in the data folder; a fresh PostgreSQL database's URL."""
    return None if request.param == "sqlite" else request.getfixturevalue("postgres_url")


def test_points_announced_before_a_sigkill_survive_a_restart(tmp_path, database_url):
    data = tmp_path / "data"
    answers = answers_by_prompt()

    first = Player(data, questions=4, database_url=database_url)
    try:
        announced = play_until(first, answers, points_wanted=2)
    finally:
        status = first.kill()
    assert status == -signal.SIGKILL
    assert len(announced) == 2

    board, games = read_store(data, database_url)
    assert [(r.user_id, r.points, r.correct) for r in board] == [(LOCAL_USER_ID, sum(announced), 2)]
    # The killed game never got to record its end.
    assert [g.status for g in games] == ["running"]

    # A restarted process opens the same database and adds to the same totals.
    second = Player(data, questions=1, database_url=database_url)
    try:
        more = play_until(second, answers, points_wanted=1)
        second.proc.stdin.close()
        assert second.proc.wait(timeout=60) == 0
    finally:
        if second.proc.poll() is None:
            second.kill()
    board, games = read_store(data, database_url)
    assert board[0].points == sum(announced) + sum(more)
    assert board[0].correct == 3
    # The next game marked the killed one as interrupted when it began.
    assert [g.status for g in games] == ["finished", "interrupted"]
    if database_url is not None:
        # Nothing went to a SQLite file: the PostgreSQL run really used the server.
        assert not (data / DB_FILE).exists()
