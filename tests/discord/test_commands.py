"""/define (with autocomplete), /fact, /sources and /related through the real client."""

from __future__ import annotations

import time

from limits import assert_message_within_limits


async def test_define_autocomplete_offers_terms_and_aliases(world):
    start = time.perf_counter()
    choices = await world.member.autocomplete(world.channel, "define", "term", "tro")
    elapsed = time.perf_counter() - start
    print(f"autocomplete answered after {elapsed * 1000:.1f} ms (wall clock)")
    assert elapsed < 2.0
    assert choices[0] == {"name": "Trotsky", "value": "leon-trotsky"}
    assert len(choices) <= 25


async def test_define_autocomplete_on_empty_input_lists_terms(world):
    choices = await world.member.autocomplete(world.channel, "define", "term", "")
    assert {c["value"] for c in choices} == {"leon-trotsky", "left-opposition", "comintern"}


async def test_define_a_chosen_entry_shows_its_definition(world):
    result = await world.member.slash(world.channel, "define", term="comintern")
    [embed] = result.response.embeds
    assert embed.title == "Communist International"
    assert embed.description == "An international organisation of communist parties."
    assert "Test Encyclopedia" in embed.fields[0].value


async def test_define_accepts_a_typed_alias(world):
    result = await world.member.slash(world.channel, "define", term="Third International")
    assert result.response.embeds[0].title == "Communist International"


async def test_define_unknown_term_says_so_without_pinging(world):
    result = await world.member.slash(world.channel, "define", term="@everyone bananas")
    assert result.response.content.startswith("No entry called")
    assert "@\u200beveryone" in result.response.content
    assert not result.response.message.mention_everyone


async def test_fact_gives_a_sourced_random_fact(world):
    result = await world.member.slash(world.channel, "fact")
    [embed] = result.response.embeds
    assert embed.title in {"Leon Trotsky", "Left Opposition", "Communist International"}
    assert any("example.org" in f.value for f in embed.fields)
    assert embed.footer.text == "Random fact"


async def test_fact_about_a_topic_stays_on_topic(world):
    for _ in range(4):
        result = await world.member.slash(world.channel, "fact", topic="people")
        assert result.response.embeds[0].title == "Leon Trotsky"
        await world.env.advance_time(3.1)


async def test_fact_topic_autocomplete_lists_the_packs_topics(world):
    choices = await world.member.autocomplete(world.channel, "fact", "topic", "gr")
    assert choices == [{"name": "groups", "value": "groups"}]


async def test_fact_about_an_unknown_topic_lists_the_topics(world):
    result = await world.member.slash(world.channel, "fact", topic="cooking")
    assert result.ephemeral
    assert "No facts about “cooking”" in result.response.content
    assert "groups, people" in result.response.content


async def test_sources_lists_every_source_linked(world):
    result = await world.member.slash(world.channel, "sources")
    [embed] = result.response.embeds
    assert "[Test Encyclopedia](https://example.org/encyclopedia)" in embed.description
    assert "[Test Study Guide](https://example.org/guide)" in embed.description
    assert embed.footer.text == "2 sources"


async def test_related_lists_related_terms_with_buttons(world):
    result = await world.member.slash(world.channel, "related", term="leon-trotsky")
    [embed] = result.response.embeds
    assert embed.title == "Related to Leon Trotsky"
    assert [f.name for f in embed.fields] == ["Left Opposition"]
    clicked = await world.member.click(result.response, label="Left Opposition")
    assert clicked.response.embeds[0].title == "Left Opposition"
    assert_message_within_limits(result.response)


async def test_related_autocomplete_works_like_define(world):
    choices = await world.member.autocomplete(world.channel, "related", "term", "left")
    assert choices[0]["value"] == "left-opposition"


async def test_related_of_an_unknown_term_is_a_private_note(world):
    result = await world.member.slash(world.channel, "related", term="nothing like it")
    assert result.ephemeral and "No entry called" in result.response.content


async def test_a_chosen_entry_shows_no_confidence_footer(world):
    result = await world.member.slash(world.channel, "define", term="comintern")
    assert not result.response.embeds[0].footer.text
