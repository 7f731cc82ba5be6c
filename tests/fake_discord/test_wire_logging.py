"""At STUDYBOT_LOG_LEVEL=DEBUG the log holds neither member text nor interaction tokens."""

from __future__ import annotations

import asyncio
import signal

from test_wire import exit_of, start_bot

SECRET_QUESTION = "zebra quokka who was trotsky"


async def test_debug_log_has_no_member_text_or_tokens(fake, tmp_path):
    process = await start_bot(fake, tmp_path, fake.token, STUDYBOT_LOG_LEVEL="DEBUG")
    try:
        await asyncio.wait_for(fake.identified.wait(), 30)
        await asyncio.wait_for(fake.synced.wait(), 30)
        asked = await fake.slash("ask", question=SECRET_QUESTION)
        await fake.callback_for(asked)
        reload = await fake.slash("kb", subcommand="reload")
        await fake.callback_for(reload)
        await asyncio.wait_for(fake.followed_up.wait(), 10)
    finally:
        process.send_signal(signal.SIGTERM)
        status, stderr = await exit_of(process)
    assert status == 0, stderr
    assert "DEBUG" in stderr  # the level really was DEBUG
    assert "zebra" not in stderr.lower(), stderr
    for interaction in (asked, reload):
        assert f"token-{interaction}" not in stderr, stderr
    assert fake.token not in stderr
