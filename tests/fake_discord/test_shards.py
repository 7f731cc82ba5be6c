"""Two `studybot run` processes split one application's shards and share one PostgreSQL database.

The fake Discord holds two servers on different shards of two and sends each server's events only
to the process that identified as its shard, as Discord does. A quiz runs in each server at once;
each process answers only its own server, and both servers' points land in the one database.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import pytest
from test_wire import TINY, exit_of, start_bot
from wire_fake import GUILD_ID, MEMBER_ID, SECOND_GUILD_ID, FakeDiscord, channel_of

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pg_server import run_async

from bot.games.quiz import build_questions
from bot.packs.loader import load_pack
from bot.storage.store import Store


async def until(condition, timeout: float = 30.0, what: str = "condition"):
    """Poll `condition()` until it returns something truthy; fail after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if result := condition():
            return result
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class StderrLog:
    """A process's stderr read as it arrives, so a test can wait for a line the bot logs."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.text = ""
        self._reader = asyncio.create_task(self._read(process.stderr))

    async def _read(self, stream: asyncio.StreamReader) -> None:
        while line := await stream.readline():
            self.text += line.decode()

    async def finished(self) -> str:
        """All of stderr, once the process has closed it."""
        await asyncio.wait_for(self._reader, 30)
        return self.text


def question_in(fake: FakeDiscord, guild: int) -> str | None:
    """The prompt of the quiz question the bot posted in `guild`'s channel, once it has."""
    for message in fake.messages.values():
        if message["channel_id"] != str(channel_of(guild)):
            continue
        for embed in message["embeds"]:
            if embed.get("title", "").startswith("Question 1/"):
                return embed["description"]
    return None


def read_db(url: str, guilds: tuple[int, ...]):
    async def read():
        store = await Store.open(Path("unused"), database_url=url)
        try:
            return {g: (await store.leaderboard(g), await store.games(g)) for g in guilds}
        finally:
            await store.close()

    return run_async(read())


@pytest.fixture
async def fake():
    server = FakeDiscord(guild_ids=(GUILD_ID, SECOND_GUILD_ID))
    await server.start()
    yield server
    await server.stop()


async def test_two_shard_processes_one_database_a_quiz_in_each(fake, tmp_path, postgres_url):
    guilds = (GUILD_ID, SECOND_GUILD_ID)
    assert {(g >> 22) % 2 for g in guilds} == {0, 1}
    answers = {q.prompt: q.answer for q in build_questions(load_pack(TINY), count=100)}
    processes = []
    for shard in (0, 1):
        folder = tmp_path / f"host{shard}"  # separate data folders, as on separate machines
        folder.mkdir()
        processes.append(
            await start_bot(
                fake,
                folder,
                fake.token,
                STUDYBOT_SHARD_COUNT="2",
                STUDYBOT_SHARD_IDS=str(shard),
                STUDYBOT_DATABASE_URL=postgres_url,
            )
        )
    stderr = [StderrLog(process) for process in processes]
    try:
        await until(lambda: fake.identified_shards == {0, 1}, what="both shards to identify")
        # discord.py logs in (on_ready) only after it stops waiting for more servers, which can be
        # after the quiz below has ended: wait for each process to say it is ready before stopping it.
        for shard, log in enumerate(stderr):
            await until(
                lambda log=log, shard=shard: f"(shards [{shard}] of 2)" in log.text,
                what=f"shard {shard}'s process to log in",
            )
        await asyncio.wait_for(fake.synced.wait(), 30)

        starts = [
            await fake.slash("quiz", "start", guild=g, questions=1, seconds=60) for g in guilds
        ]
        for interaction in starts:
            started = await fake.reply_for(interaction, timeout=30)
            assert "started a quiz" in started["content"]
        for guild in guilds:
            prompt = await until(lambda g=guild: question_in(fake, g), what="a question")
            answer = await fake.slash("answer", guild=guild, text=answers[prompt.strip()])
            await fake.callback_for(answer, timeout=30)

        def both_scored():
            seen = read_db(postgres_url, guilds)
            return seen if all(board for board, _ in seen.values()) else None

        seen = await until(both_scored, what="points from both servers in the database")
        for guild in guilds:
            board, games = seen[guild]
            assert [(r.user_id, r.correct) for r in board] == [(MEMBER_ID, 1)]
            assert board[0].points > 0
            assert [(g.guild_id, g.questions) for g in games] == [(guild, 1)]
    finally:
        for process in processes:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
    logs = []
    for process, log in zip(processes, stderr, strict=True):
        status, _ = await exit_of(process)  # the reader above has already taken stderr
        text = await log.finished()
        assert "Traceback" not in text, text
        assert status == 0, text
        logs.append(text)
    # Each process saw only its own server, and only shard 0's synced the commands.
    assert "in 1 servers (shards [0] of 2)" in logs[0]
    assert "in 1 servers (shards [1] of 2)" in logs[1]
    assert fake.syncs == 1
    assert not (tmp_path / "host0" / "data" / "studybot.sqlite3").exists()
