"""Every Discord limit holds, whatever the pack: long names and texts, many claims and choices."""

from __future__ import annotations

import discord  # noqa: TID251 - tests of the Discord adapter
import pytest
from bigpack import write_big_pack
from limits import assert_embed_within_limits, assert_message_within_limits

from bot.answering.answers import Answer, Claim
from bot.discord.embeds import answer_embed, cite, clip, echo, fit
from bot.discord.views import suggestions_view
from bot.packs.model import Source


@pytest.fixture
def pack_dir(tmp_path):
    return write_big_pack(tmp_path / "big")


async def test_autocomplete_never_offers_more_than_25_choices_of_100_characters(world):
    for typed in ["", "alpha", "alpha topic 1", "x" * 150]:
        choices = await world.member.autocomplete(world.channel, "define", "term", typed)
        assert len(choices) <= 25
        assert all(len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)
    choices = await world.member.autocomplete(world.channel, "define", "term", "alpha")
    assert len(choices) == 25


async def test_topic_autocomplete_stays_within_25(world):
    choices = await world.member.autocomplete(world.channel, "fact", "topic", "")
    assert len(choices) == 25


async def test_a_long_answer_is_cut_cleanly(world):
    result = await world.member.slash(world.channel, "define", term="alpha-topic-3")
    assert_message_within_limits(result.response)
    [embed] = result.response.embeds
    term = world.env.bot.services.current.pack.entries["alpha-topic-3"].term
    assert embed.title.endswith("…") and len(embed.title) <= 256
    kept = embed.title[:-1]
    assert term.startswith(kept) and term[len(kept)] == " "  # cut between words


async def test_twelve_differing_claims_fit_in_one_embed(world):
    result = await world.member.slash(
        world.channel, "ask", question="when did the disputed matter happen"
    )
    assert_message_within_limits(result.response)
    [embed] = result.response.embeds
    assert embed.fields[0].name.startswith("Claim 1")
    assert len(embed) <= 6000


def test_choices_become_at_most_five_buttons_with_short_labels_and_ids():
    choices = [(f"entry-{n}", "Long label " * 20) for n in range(12)]
    choices.insert(0, ("x" * 120, "An id too long for a custom id"))
    view = suggestions_view(choices)
    assert len(view.children) == 5
    for button in view.children:
        assert len(button.item.label) <= 80 and len(button.item.custom_id) <= 100
    assert suggestions_view([]) is None


async def test_related_with_many_entries_fits(world):
    result = await world.member.slash(world.channel, "related", term="alpha-topic-0")
    assert_message_within_limits(result.response)
    buttons = [b for row in result.response.components for b in row["components"]]
    assert len(buttons) == 5 and all(len(b["label"]) <= 80 for b in buttons)
    [embed] = result.response.embeds
    shown = len(embed.fields)
    assert 1 <= shown <= 25
    assert embed.footer.text == f"{29 - shown} more not shown"


async def test_sources_with_many_long_titles_fits(world):
    result = await world.member.slash(world.channel, "sources")
    assert_message_within_limits(result.response)


def test_clip_cuts_on_a_word_boundary_with_an_ellipsis():
    assert clip("short", 10) == "short"
    assert clip("the quick brown fox jumps", 12) == "the quick…"
    assert len(clip("a" * 5000, 4096)) == 4096


def test_echo_escapes_and_bounds_member_text():
    shown = echo("@everyone <@&123> **loud** " + "x" * 500, 150)
    assert "@everyone" not in shown and "**" not in shown
    assert len(shown) <= 225


def test_fit_repairs_any_oversized_embed():
    embed = discord.Embed(title="t" * 400, description="d " * 3000)
    for _ in range(30):
        embed.add_field(name="n" * 300, value="v " * 700)
    embed.set_footer(text="f" * 3000)
    assert_embed_within_limits(fit(embed))


def test_answer_embed_with_huge_claims_fits():
    source = Source("s", "T" * 300, "P" * 300, "https://example.org/" + "x" * 500, "book")
    claims = tuple(Claim("c " * 500, "e " * 150, source) for _ in range(40))
    answer = Answer("e", "E" * 500, "x", "y", (source,), "e/1", claims, (("a", "A" * 300),) * 50)
    assert_embed_within_limits(answer_embed(answer, 0.5))


def test_a_source_without_a_web_address_is_shown_not_linked():
    assert (
        cite(Source("b", "A Book", "Verso", "isbn:978-1", "book")) == "A Book (isbn:978-1) — Verso"
    )
    assert cite(Source("w", "Page [1]", "Site", "https://x.org/a_(b)", "web")) == (
        "[Page (1)](https://x.org/a_(b%29) — Site"
    )
