"""/ask through the real discord.py client under simcord."""

from __future__ import annotations

import time


async def test_ask_answers_with_a_sourced_embed(world):
    result = await world.member.slash(world.channel, "ask", question="who was trotsky")
    assert result.acknowledged and not result.ephemeral
    [embed] = result.response.embeds
    assert embed.title == "Leon Trotsky"
    assert "Left Opposition" in embed.description
    fields = {f.name: f.value for f in embed.fields}
    assert "[Test Encyclopedia](https://example.org/encyclopedia)" in fields["Source"]
    assert fields["Evidence"].startswith("> ")
    assert "Trotsky led the Left Opposition" in fields["Evidence"]
    assert embed.footer.text.startswith("Confidence ")


async def test_time_to_first_response_is_well_under_discords_three_seconds(world):
    start = time.perf_counter()
    result = await world.member.slash(world.channel, "ask", question="what was the comintern")
    elapsed = time.perf_counter() - start
    print(f"/ask first response after {elapsed * 1000:.1f} ms (wall clock)")
    assert result.acknowledged
    assert elapsed < 2.0
