"""Two servers, one `studybot run`, over the wire: each keeps its own settings and packs.

The fake Discord sends both servers' events to one process; an admin of the first sets it up from
Discord alone (settings, a good and a bad upload, its pack in use) and the second never sees any
of it. A quiz nobody answers stops by itself.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import pytest
from test_shards import until
from test_wire import start_bot
from wire_fake import GUILD_ID, SECOND_GUILD_ID, FakeDiscord, channel_of

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "discord"))
from test_server import BIOLOGY

EPHEMERAL = 64


@pytest.fixture
async def fake():
    server = FakeDiscord(guild_ids=(GUILD_ID, SECOND_GUILD_ID))
    await server.start()
    yield server
    await server.stop()


async def test_two_servers_over_the_wire_stay_isolated(fake, tmp_path):
    process = await start_bot(fake, tmp_path, fake.token)
    lab, club = GUILD_ID, SECOND_GUILD_ID

    async def run(name, sub=None, *, guild, admin=False, **options):
        interaction = await fake.slash(name, sub, guild=guild, admin=admin, **options)
        return await fake.reply_for(interaction, timeout=30)

    try:
        await asyncio.wait_for(fake.synced.wait(), 30)
        await until(lambda: fake.identified_shards, what="the bot to identify")

        # The first server's admin sets it up from Discord alone.
        for setting, value in (("private-misses", "on"), ("quiz-idle-stop", "1")):
            changed = await run(
                "settings", "set", guild=lab, admin=True, setting=setting, value=value
            )
            assert " is now " in changed["content"], changed
        good = await run("kb", "upload", guild=lab, admin=True, file=("biology.yaml", BIOLOGY))
        assert good["content"].startswith("Uploaded `biology`"), good
        broken = BIOLOGY.replace(b"source: book\n    evidence", b"source: nowhere\n    evidence")
        bad = await run("kb", "upload", guild=lab, admin=True, file=("biology.yaml", broken))
        assert "Not uploaded" in bad["content"] and "biology.yaml:" in bad["content"]
        assert "nowhere" in bad["content"]
        used = await run("kb", "use", guild=lab, admin=True, pack="biology")
        assert "now uses `biology`" in used["content"], used

        # Each server answers from its own pack, with its own settings.
        cell = await run("ask", guild=lab, question="what is a cell wall")
        assert cell["embeds"][0]["title"] == "Cell wall"
        miss = await run("ask", guild=lab, question="who was trotsky")
        assert miss["content"].startswith("I don't know") and miss["flags"] & EPHEMERAL
        trotsky = await run("ask", guild=club, question="who was trotsky")
        assert trotsky["embeds"][0]["title"] == "Leon Trotsky"
        club_miss = await run("ask", guild=club, question="what is a cell wall")
        assert club_miss["content"].startswith("I don't know")
        assert not (club_miss.get("flags") or 0) & EPHEMERAL  # the club keeps misses public
        mine = await run("kb", "download", guild=lab, admin=True)
        assert [f["filename"] for f in mine["files"]] == ["biology.zip"]
        theirs = await run("kb", "download", guild=club, admin=True)
        assert [f["filename"] for f in theirs["files"]] != ["biology.zip"]

        # A quiz nobody answers stops by itself after one unanswered question (lab's setting).
        started = await run("quiz", "start", guild=lab, questions=3, seconds=10)
        assert "started a quiz" in started["content"]

        def stopped() -> bool:
            return any(
                m["channel_id"] == str(channel_of(lab))
                and (m.get("content") or "").startswith("Nobody answered the last 1 question")
                for m in fake.messages.values()
            )

        await until(stopped, timeout=40, what="the unanswered quiz to stop")
        club_text = [m for m in fake.messages.values() if m["channel_id"] == str(channel_of(club))]
        assert not any("quiz" in (m.get("content") or "").lower() for m in club_text)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
    stderr = (await process.stderr.read()).decode()
    assert "Traceback" not in stderr, stderr
