"""Property tests: whatever text goes in, what comes out fits Discord's limits."""

from __future__ import annotations

import discord  # noqa: TID251 - tests of the Discord adapter
from hypothesis import given, settings
from hypothesis import strategies as st
from limits import assert_embed_within_limits

from bot.discord.embeds import ELLIPSIS, clip, echo, fit

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=3000) | st.lists(
    st.sampled_from(["word", "@everyone", "**", "<@&1>", " ", "\n", "é", "`"])
).map("".join)


@given(texts, st.integers(min_value=1, max_value=5000))
def test_clip_never_exceeds_the_limit_and_keeps_a_prefix(text, limit):
    out = clip(text, limit)
    assert len(out) <= limit
    if len(text) <= limit:
        assert out == text
    else:
        assert out.endswith(ELLIPSIS[:limit])
        kept = out[: -len(ELLIPSIS)] if out.endswith(ELLIPSIS) else out
        assert text.startswith(kept)


@given(texts)
def test_echo_never_lets_a_mention_through(text):
    out = echo(text)
    assert "@everyone" not in out and "@here" not in out
    assert len(out) <= 225
    assert "\n" not in out


@settings(max_examples=60, deadline=None)
@given(
    title=texts,
    description=texts,
    fields=st.lists(st.tuples(texts, texts), max_size=40),
    footer=texts,
)
def test_fit_makes_any_embed_legal(title, description, fields, footer):
    embed = discord.Embed(title=title or None, description=description or None)
    for name, value in fields:
        embed.add_field(name=name * 3, value=value * 3)
    if footer:
        embed.set_footer(text=footer * 3)
    assert_embed_within_limits(fit(embed))
