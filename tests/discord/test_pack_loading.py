"""Discord's three seconds when a server's uploaded pack is not in memory.

The first question after a restart (or after the library dropped an unused pack) reads the pack
from its cache before it can be answered. The bot must acknowledge the interaction (defer) before
that load, and answer with a follow-up after it. The load here is the real one, made observable
and slow at the library boundary (`bot.packs.library.load_indexed`): it notes which callbacks
Discord had received when it started, then takes longer than anyone should wait on Discord.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from test_server import BIOLOGY

import bot.packs.library as library_module

LOAD_SECONDS = 0.5
EPHEMERAL = 64


class SlowLoads:
    """The real `load_indexed`, slowed down, recording the callbacks sent before each load."""

    def __init__(self, env) -> None:
        self.env = env
        self.real = library_module.load_indexed
        self.callbacks_at_start: list[list[dict]] = []
        self.finished = 0

    def _callbacks(self) -> list[dict]:
        return [r.json for r in self.env.http_requests if r.path.endswith("/callback")]

    def __call__(self, *args, **kwargs):
        self.callbacks_at_start.append(self._callbacks())
        time.sleep(LOAD_SECONDS)
        loaded = self.real(*args, **kwargs)
        self.finished += 1
        return loaded


@pytest.fixture
async def biology_server(world, services):
    """The server uses its uploaded biology pack, which is then dropped from memory."""
    await world.admin.slash(world.channel, "kb upload", file=("biology.yaml", BIOLOGY))
    await world.admin.slash(world.channel, "kb use", pack="biology")
    await world.admin.slash(world.channel, "settings set", setting="cooldown", value="0")
    services.packs.release(world.guild.id, "biology")  # what a restart or an eviction leaves
    assert services.packs.loaded() == []
    return world


@pytest.fixture
def slow_loads(biology_server, monkeypatch):
    loads = SlowLoads(biology_server.env)
    monkeypatch.setattr(library_module, "load_indexed", loads)
    return loads


def _callbacks(env) -> list[dict]:
    return [r.json for r in env.http_requests if r.path.endswith("/callback")]


def _callback_of(env, interaction_count: int) -> dict:
    """The callback of the latest interaction (the one just run)."""
    callbacks = _callbacks(env)
    assert len(callbacks) == interaction_count, callbacks
    return callbacks[-1]


def _deferral_before_the_load(loads: SlowLoads, before: int) -> dict:
    """The callback Discord had when the (only) load began: this interaction's deferral."""
    assert loads.finished == 1
    [seen] = loads.callbacks_at_start
    assert len(seen) == before + 1, "the pack loaded before the interaction was acknowledged"
    assert seen[-1]["type"] == 5, seen[-1]
    return seen[-1]


def _evict(services, world, loads: SlowLoads) -> None:
    """Drop the pack again (the settings reply read its language from it) and the records."""
    services.packs.release(world.guild.id, "biology")
    loads.callbacks_at_start.clear()
    loads.finished = 0


COMMANDS = [
    pytest.param("ask", {"question": "what is a cell wall"}, "Cell wall", id="ask"),
    pytest.param("define", {"term": "cell wall"}, "Cell wall", id="define"),
    pytest.param("related", {"term": "cell wall"}, "Related to Cell wall", id="related"),
]


@pytest.mark.parametrize(("command", "options", "title"), COMMANDS)
async def test_the_interaction_is_deferred_before_the_pack_loads(
    biology_server, slow_loads, command, options, title
):
    world = biology_server
    before = len(_callbacks(world.env))
    result = await world.member.slash(world.channel, command, **options)

    # When the load began, Discord already had this interaction's deferral (public).
    deferral = _deferral_before_the_load(slow_loads, before)
    assert not (deferral.get("data") or {}).get("flags")
    assert _callback_of(world.env, before + 1)["type"] == 5
    # The answer completes the deferral (a follow-up on the "thinking" message).
    assert result.response.embeds[0].title == title
    assert not result.ephemeral


async def test_a_deferral_follows_the_private_misses_setting(biology_server, slow_loads, services):
    world = biology_server
    await world.admin.slash(world.channel, "settings set", setting="private-misses", value="on")
    _evict(services, world, slow_loads)
    before = len(_callbacks(world.env))
    miss = await world.member.slash(world.channel, "ask", question="who was trotsky")
    assert _deferral_before_the_load(slow_loads, before)["data"]["flags"] & EPHEMERAL
    assert miss.response.content.startswith("I don't know") and miss.ephemeral


async def test_a_pack_in_memory_is_answered_without_a_deferral(biology_server, slow_loads):
    world = biology_server
    await world.member.slash(world.channel, "ask", question="what is a cell wall")  # loads it
    count = len(_callbacks(world.env))
    again = await world.member.slash(world.channel, "define", term="cell wall")
    assert slow_loads.finished == 1  # no second load
    assert _callback_of(world.env, count + 1)["type"] == 4
    assert again.response.embeds[0].title == "Cell wall"


async def test_help_defers_privately_when_the_pack_must_load(biology_server, slow_loads):
    world = biology_server
    before = len(_callbacks(world.env))
    shown = await world.member.slash(world.channel, "help")
    assert _deferral_before_the_load(slow_loads, before)["data"]["flags"] & EPHEMERAL
    assert shown.ephemeral and "**Biology**" in shown.response.embeds[0].description


async def test_practice_defers_privately_when_the_pack_must_load(biology_server, slow_loads):
    world = biology_server
    before = len(_callbacks(world.env))
    shown = await world.member.slash(world.channel, "practice")
    assert _deferral_before_the_load(slow_loads, before)["data"]["flags"] & EPHEMERAL
    assert shown.ephemeral and shown.response.embeds, shown


async def test_a_quiz_start_defers_publicly_when_the_pack_must_load(
    biology_server, slow_loads, services
):
    world = biology_server
    await world.admin.slash(world.channel, "settings set", setting="private-misses", value="on")
    _evict(services, world, slow_loads)
    before = len(_callbacks(world.env))
    started = await world.member.slash(world.channel, "quiz start", questions=1, seconds=20)
    assert not (_deferral_before_the_load(slow_loads, before).get("data") or {}).get("flags")
    assert "started a quiz" in started.response.content and not started.ephemeral
    await world.member.slash(world.channel, "quiz stop")


def test_interactions_read_the_pack_only_through_the_deferring_gate():
    """A new command cannot forget the rule: by-id pack reads are for chat messages only."""
    folder = Path(library_module.__file__).resolve().parents[1] / "discord"
    for module in folder.glob("*.py"):
        if module.name in ("services.py", "chat.py"):
            continue
        text = module.read_text()
        for call in ("answerer_for(", "language_for("):
            assert call not in text, f"{module.name} calls {call}: use answerer_here/language_here"


async def test_an_answer_sent_after_a_deferral_is_not_posted_twice(biology_server, slow_loads):
    world = biology_server
    first = await world.member.slash(world.channel, "ask", question="what is a cell wall")
    assert first.response.embeds[0].title == "Cell wall"
    again = await world.admin.slash(world.channel, "ask", question="what is a cell wall")
    assert again.ephemeral and again.response.content.startswith("Answered just now: ")
