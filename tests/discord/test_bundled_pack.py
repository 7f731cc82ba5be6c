"""Every entry of the bundled pack renders as a legal Discord message."""

from __future__ import annotations

import random

import pytest
from limits import assert_embed_within_limits

from bot.answering.answers import Answerer
from bot.discord.commands import reply_kwargs
from bot.discord.embeds import answer_embed, sources_embed
from bot.packs.loader import load_pack
from bot.settings import bundled_knowledge_dir


@pytest.fixture(scope="module")
def answerer():
    return Answerer(load_pack(bundled_knowledge_dir()))


def test_every_item_of_the_bundled_pack_fits(answerer):
    pack = answerer.pack
    assert pack.entries
    for entry in pack.entries.values():
        kwargs = reply_kwargs(answerer.entry_answer(entry.id))
        assert len(kwargs.get("content") or "") <= 2000
        assert_embed_within_limits(kwargs["embed"])
        rng = random.Random(entry.id)
        for _ in range(len(entry.facts) * 2):  # an entry id as topic includes that entry
            fact = answerer.random_fact(entry.id, rng)
            assert fact is not None
            assert_embed_within_limits(answer_embed(fact, 0.9))


def test_sources_and_random_facts_of_the_bundled_pack_fit(answerer):
    assert_embed_within_limits(sources_embed(answerer.pack))
    rng = random.Random(7)
    for topic in [None, *answerer.pack.tags()]:
        fact = answerer.random_fact(topic, rng)
        if fact is not None:
            assert_embed_within_limits(answer_embed(fact))
