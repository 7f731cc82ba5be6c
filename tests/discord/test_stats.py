"""/stats: the text embed plus a PNG of answers, recall and cards due; text alone without Pillow."""

from __future__ import annotations

import io
import sys

from PIL import Image

from bot.games.charts import HEIGHT, WIDTH

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def deferred_first(env) -> bool:
    callbacks = [r for r in env.http_requests if r.path.endswith("/callback")]
    return callbacks[-1].json["type"] == 5


async def _png_of(result) -> bytes:
    [file] = result.response.attachments
    assert file.filename == "stats.png"
    data = await file.read()
    assert data.startswith(PNG_SIGNATURE)
    assert Image.open(io.BytesIO(data)).size == (WIDTH, HEIGHT)
    return data


async def test_stats_carries_a_picture_of_the_members_history(world, store):
    await store.award(None, world.guild.id, world.member.id, "alice", question_id="a", points=10)
    await store.save_card(world.member.id, "q-a", "{}", 0.0, rating=3)

    shown = await world.member.slash(world.channel, "stats")
    assert deferred_first(world.env)
    await _png_of(shown)
    [embed] = shown.response.embeds
    assert embed.title == "Stats for alice"
    assert embed.image.url == "attachment://stats.png"
    assert {f.name: f.value for f in embed.fields}["Right answers"] == "1"


async def test_a_member_with_nothing_yet_still_gets_a_picture(world):
    shown = await world.member.slash(world.channel, "stats")
    await _png_of(shown)
    assert {f.name: f.value for f in shown.response.embeds[0].fields}["Points"] == "0 (0 this week)"


async def test_without_pillow_stats_replies_with_the_text_embed(world, store, monkeypatch):
    await store.award(None, world.guild.id, world.member.id, "alice", question_id="a", points=10)
    monkeypatch.setitem(sys.modules, "PIL", None)

    shown = await world.member.slash(world.channel, "stats")
    assert shown.response.attachments == []
    [embed] = shown.response.embeds
    assert embed.title == "Stats for alice"
    assert not embed.image
    assert {f.name: f.value for f in embed.fields}["Right answers"] == "1"
