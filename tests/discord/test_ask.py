"""/ask through the real discord.py client under simcord: answers, sources, choices, guards."""

from __future__ import annotations

import time

from limits import assert_message_within_limits
from near_miss import near_miss


async def test_ask_answers_with_a_sourced_embed(world):
    result = await world.member.slash(world.channel, "ask", question="who was trotsky")
    assert result.acknowledged and not result.ephemeral
    [embed] = result.response.embeds
    assert embed.title == "Leon Trotsky"
    assert embed.url == "https://example.org/encyclopedia"
    assert "Left Opposition" in embed.description
    fields = {f.name: f.value for f in embed.fields}
    assert "[Test Encyclopedia](https://example.org/encyclopedia)" in fields["Source"]
    assert fields["Evidence"] == "> Trotsky led the Left Opposition"
    assert fields["Related"] == "Left Opposition"
    assert embed.footer.text.startswith("Confidence ")
    assert_message_within_limits(result.response)


async def test_time_to_first_response_is_well_under_discords_three_seconds(world):
    start = time.perf_counter()
    result = await world.member.slash(world.channel, "ask", question="what was the comintern")
    elapsed = time.perf_counter() - start
    print(f"/ask first response after {elapsed * 1000:.1f} ms (wall clock)")
    assert result.acknowledged
    assert elapsed < 2.0


async def test_differing_sources_show_both_claims_each_with_its_source(world):
    result = await world.member.slash(world.channel, "ask", question="when was trotsky exiled")
    [embed] = result.response.embeds
    assert "sources differ" in embed.description
    claims = [f for f in embed.fields if f.name.startswith("Claim")]
    assert len(claims) == 2
    assert "February 1929" in claims[0].value and "Test Encyclopedia" in claims[0].value
    assert "> exiled in February 1929" in claims[0].value
    assert "1927-8" in claims[1].value and "Test Study Guide" in claims[1].value
    assert "> deported in 1927-8" in claims[1].value


async def test_near_miss_offers_did_you_mean_buttons_and_a_click_answers(world, services):
    question, expected = near_miss(services.current)
    result = await world.member.slash(world.channel, "ask", question=question)
    assert "Did you mean" in result.response.content
    row, own = result.response.components
    labels = [button["label"] for button in row["components"]]
    assert [b["custom_id"] for b in own["components"]] == [f"studybot:delete:{world.member.id}"]
    assert labels == [alt.title for alt in expected.alternatives][:5]
    assert 2 <= len(labels) <= 5

    clicked = await world.admin.click(result.response, label=labels[0])
    [embed] = clicked.response.embeds
    chosen = services.current.pack.entries[expected.alternatives[0].entry]
    assert embed.title == chosen.term
    assert embed.description == chosen.definition.text
    assert not clicked.ephemeral


async def test_did_you_mean_buttons_still_work_after_a_restart(world, services):
    question, expected = near_miss(services.current)
    result = await world.member.slash(world.channel, "ask", question=question)
    await world.env.restart_bot()
    last = expected.alternatives[-1]
    clicked = await world.member.click(result.response, label=last.title)
    assert clicked.response.embeds[0].title == last.title


async def test_unknown_question_says_so_and_is_logged_for_gaps(world, store):
    result = await world.member.slash(world.channel, "ask", question="what is a banana")
    assert result.response.content.startswith("I don't know that from this pack.")
    assert "what is a banana" in result.response.content
    assert await store.unanswered(world.guild.id, 10) == [("what is a banana", 1)]


async def test_answered_questions_are_not_logged_as_gaps(world, store):
    await world.member.slash(world.channel, "ask", question="who was trotsky")
    assert await store.unanswered(world.guild.id, 10) == []


async def test_question_over_the_length_cap_gets_a_clear_private_message(world, store):
    result = await world.member.slash(world.channel, "ask", question="why " * 100 + "so")
    assert result.ephemeral
    assert "402 characters long" in result.response.content
    assert "under 300" in result.response.content
    assert await store.unanswered(world.guild.id, 10) == []


async def test_everyone_and_role_mentions_in_a_question_never_ping(world):
    role = world.guild.create_role("Students")
    question = f"@everyone {role.mention} <@{world.admin.id}> what is **bold** gibberish"
    result = await world.member.slash(world.channel, "ask", question=question)
    message = result.response.message
    assert message.mention_everyone is False
    assert message.role_mentions == [] and message.mentions == []
    sent = [r.json for r in world.env.http_requests if r.method == "POST" and r.json]
    assert sent and all(r["data"]["allowed_mentions"] == {"parse": []} for r in sent)
    # Echoed text is escaped: shown, not obeyed.
    assert "@\u200beveryone" in result.response.content
    assert "\\*\\*bold\\*\\*" in result.response.content


async def test_cooldown_stops_a_member_spamming_but_not_others(world):
    first = await world.member.slash(world.channel, "ask", question="who was trotsky")
    assert not first.ephemeral
    second = await world.member.slash(world.channel, "ask", question="who was trotsky")
    assert second.ephemeral and "Slow down" in second.response.content
    other = await world.admin.slash(world.channel, "ask", question="what was the comintern")
    assert not other.ephemeral and other.response.embeds
    await world.env.advance_time(3.1)
    again = await world.member.slash(world.channel, "ask", question="what was the left opposition")
    assert not again.ephemeral and again.response.embeds
