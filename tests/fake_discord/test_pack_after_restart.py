"""The first question after a restart, over the wire: the server's uploaded pack is on disk but
not in memory, so `studybot run` defers the interaction, loads the pack, then answers with a
follow-up. A question answered from memory afterwards gets a plain reply, with no deferral.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from test_shards import StderrLog, until
from test_wire import start_bot
from wire_fake import GUILD_ID, FakeDiscord

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "discord"))
from test_server import BIOLOGY

DEFERRED = 5
MESSAGE = 4


async def _logged_in(fake: FakeDiscord, log: StderrLog) -> None:
    """Connected and past on_ready (stopping a bot before that is discord.py's own mess)."""
    await until(lambda: fake.identified_shards, what="the bot to identify")
    await until(lambda: "logged in as" in log.text, what="the bot to log in")


async def _stop(process: asyncio.subprocess.Process, log: StderrLog) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGINT)
    try:
        await asyncio.wait_for(process.wait(), 30)
    finally:
        if process.returncode is None:
            process.kill()
    stderr = await log.finished()
    assert "Traceback" not in stderr, stderr


async def test_the_first_question_after_a_restart_is_deferred_then_answered(fake, tmp_path):
    first = await start_bot(fake, tmp_path, fake.token)
    first_log = StderrLog(first)
    try:
        await _logged_in(fake, first_log)
        await asyncio.wait_for(fake.synced.wait(), 30)
        for name, sub, options in (
            ("kb", "upload", {"file": ("biology.yaml", BIOLOGY)}),
            ("kb", "use", {"pack": "biology"}),
        ):
            interaction = await fake.slash(name, sub, admin=True, **options)
            await fake.reply_for(interaction, timeout=30)
    finally:
        await _stop(first, first_log)

    # The same data folder, a new process: the pack is on disk, the process has not read it.
    fake.identified_shards.clear()
    fake.shards.clear()
    second = await start_bot(fake, tmp_path, fake.token)
    second_log = StderrLog(second)
    try:
        await _logged_in(fake, second_log)
        asked = await fake.slash("ask", guild=GUILD_ID, question="what is a cell wall")
        callback = await fake.callback_for(asked, timeout=30)
        assert callback.body["type"] == DEFERRED, callback.body
        answer = await fake.reply_for(asked, timeout=30)
        assert answer["embeds"][0]["title"] == "Cell wall", answer

        # Now in memory: answered at once, no "thinking" first.
        again = await fake.slash("define", guild=GUILD_ID, term="cell wall")
        callback = await fake.callback_for(again, timeout=30)
        assert callback.body["type"] == MESSAGE, callback.body
        assert callback.body["data"]["embeds"][0]["title"] == "Cell wall"
    finally:
        await _stop(second, second_log)
