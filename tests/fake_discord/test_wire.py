"""Wire-level smoke test: `studybot run` in its own process against a fake Discord on 127.0.0.1.

Everything between the socket and our code is real: aiohttp, discord.py's HTTP client, its gateway
(HELLO, IDENTIFY, READY, GUILD_CREATE, heartbeats), command sync and interaction callbacks.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path

from wire_fake import APP_ID, GUILD_ID, MEMBER_ID, FakeDiscord

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "discord"))
from near_miss import near_miss_in

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "packs" / "tiny"


async def start_bot(
    fake: FakeDiscord, tmp_path: Path, token: str, **settings: str
) -> asyncio.subprocess.Process:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "DISCORD_TOKEN": token,
        "STUDYBOT_KNOWLEDGE": str(TINY),
        "STUDYBOT_DATA": str(tmp_path / "data"),
        "STUDYBOT_DISCORD_API": fake.api,
        "STUDYBOT_DISCORD_GATEWAY": fake.gateway_url,
        "STUDYBOT_COOLDOWN": "0",
        **settings,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_run_answers_ask_and_a_button_click_over_the_wire(fake, tmp_path):
    # The fake's member is named a host owner: /kb reload reloads the bundled pack for everyone.
    process = await start_bot(fake, tmp_path, fake.token, STUDYBOT_OWNERS=str(MEMBER_ID))
    try:
        await asyncio.wait_for(fake.identified.wait(), 30)
        await asyncio.wait_for(fake.synced.wait(), 30)
        assert {c["name"] for c in fake.commands} >= {"ask", "define", "kb"}
        # The translator runs at sync: German clients see German command names.
        synced = {c["name"]: c for c in fake.commands}
        assert synced["ask"]["name_localizations"]["de"] == "fragen"
        assert ("GET", "/api/v10/users/@me") in fake.requests
        assert ("GET", "/api/v10/oauth2/applications/@me") in fake.requests

        sent = time.perf_counter()
        interaction = await fake.slash("ask", question="who was trotsky @everyone")
        reply = await fake.callback_for(interaction)
        elapsed = reply.at - sent
        print(f"first response over the wire after {elapsed * 1000:.1f} ms")
        assert elapsed < 2.0
        assert reply.content_type.startswith("application/json")
        assert reply.body["type"] == 4
        data = reply.body["data"]
        assert data["allowed_mentions"] == {"parse": []}
        [embed] = data["embeds"]
        assert embed["title"] == "Leon Trotsky"
        assert "Test Encyclopedia" in embed["fields"][0]["value"]

        question, expected = near_miss_in(TINY)
        interaction = await fake.slash("ask", question=question)
        choices = await fake.callback_for(interaction)
        assert "Did you mean" in choices.body["data"]["content"]
        # Every posted answer has the asker's delete button; only this one offers choices.
        [message] = [m for m in fake.messages.values() if "Did you mean" in m.get("content", "")]
        buttons = message["components"][0]["components"]
        assert message["components"][1]["components"][0]["custom_id"].startswith("studybot:delete:")
        assert [b["label"] for b in buttons] == [a.title for a in expected.alternatives][:5]

        click = await fake.click(message, buttons[0]["custom_id"])
        answer = await fake.callback_for(click)
        assert answer.body["type"] == 4
        assert answer.body["data"]["embeds"][0]["title"] == expected.alternatives[0].title

        # /kb reload: acknowledged at once with a deferral, the result follows as a followup.
        interaction = await fake.slash("kb", subcommand="reload")
        deferred = await fake.callback_for(interaction)
        assert deferred.body["type"] == 5 and deferred.body["data"]["flags"] == 64
        await asyncio.wait_for(fake.followed_up.wait(), 10)
        [followup] = fake.followups
        assert followup["content"].startswith("Reloaded **Tiny test pack**")
        assert followup["allowed_mentions"] == {"parse": []}

        await asyncio.sleep(0.8)  # the fake asks for a heartbeat every 0.5 s
        assert fake.heartbeats >= 1
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()
    stderr = (await process.stderr.read()).decode()
    assert "Traceback" not in stderr, stderr
    assert process.returncode == 0, stderr
    assert fake.syncs == 1
    assert f"invite link: https://discord.com/oauth2/authorize?client_id={APP_ID}" in stderr


async def exit_of(process: asyncio.subprocess.Process) -> tuple[int, str]:
    try:
        await asyncio.wait_for(process.wait(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    stderr = (await process.stderr.read()).decode()
    assert "Traceback" not in stderr, stderr
    return process.returncode, stderr


async def test_a_rejected_token_prints_one_line_and_exits_2(fake, tmp_path):
    status, stderr = await exit_of(await start_bot(fake, tmp_path, "not-the-token"))
    assert status == 2, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines[-1].startswith("studybot: Discord rejected DISCORD_TOKEN")
    assert fake.syncs == 0


async def test_message_content_without_the_portal_toggle_says_how_to_fix_it(fake, tmp_path):
    fake.message_content_approved = False
    process = await start_bot(fake, tmp_path, fake.token, STUDYBOT_MESSAGE_CONTENT="true")
    status, stderr = await exit_of(process)
    assert status == 2, stderr
    last = [line for line in stderr.splitlines() if line.strip()][-1]
    assert last.startswith("studybot: STUDYBOT_MESSAGE_CONTENT is on but the Message Content")


async def run_cli(
    fake: FakeDiscord, tmp_path: Path, *args: str, token: str | None = None
) -> tuple[int, str, str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "DISCORD_TOKEN": fake.token if token is None else token,
        "STUDYBOT_KNOWLEDGE": str(TINY),
        "STUDYBOT_DATA": str(tmp_path / "data"),
        "STUDYBOT_DISCORD_API": fake.api,
        "STUDYBOT_DISCORD_GATEWAY": fake.gateway_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 30)
    return process.returncode, out.decode(), err.decode()


async def test_sync_to_one_server_then_run_does_not_sync_again(fake, tmp_path):
    status, out, err = await run_cli(fake, tmp_path, "sync", "--guild", str(GUILD_ID))
    assert status == 0, err
    count = len(fake.commands)
    assert out.strip() == f"Synced {count} commands to server {GUILD_ID} (available now)."
    route = f"/api/v10/applications/{APP_ID}/guilds/{GUILD_ID}/commands"
    assert ("PUT", route) in fake.requests
    assert fake.syncs == 1

    status, out, err = await run_cli(fake, tmp_path, "sync")
    assert status == 0 and "all servers" in out
    assert fake.syncs == 2

    # The global tree is unchanged since that sync, so starting the bot does not sync again.
    process = await start_bot(fake, tmp_path, fake.token)
    await asyncio.wait_for(fake.identified.wait(), 30)
    await asyncio.sleep(0.5)
    process.send_signal(signal.SIGTERM)  # what `docker stop` sends: a clean exit, status 0
    status, stderr = await exit_of(process)
    assert status == 0, stderr
    assert fake.syncs == 2


async def test_commands_json_prints_the_payloads_without_a_token(fake, tmp_path):
    status, out, err = await run_cli(fake, tmp_path, "commands", "--json", token="")
    assert status == 0, err
    names = {c["name"] for c in json.loads(out)}
    assert names >= {"ask", "define", "fact", "sources", "related", "kb"}
    assert fake.requests == []
