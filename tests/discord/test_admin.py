"""The /kb admin group: reload (keeping the old pack on error), stats, gaps, who may use it."""

from __future__ import annotations

import dataclasses
import re

import pytest
from near_miss import near_miss
from simcord import SetupError

NEW_ENTRY = """
  - id: five-year-plan
    term: "Five-Year Plan"
    kind: policy
    definition:
      text: "A plan for the Soviet economy set for five years at a time."
      source: enc
      evidence: "five-year plans"
"""


def deferred_first(env) -> bool:
    """The last interaction was acknowledged with a deferral (type 5) before any real reply."""
    callbacks = [r for r in env.http_requests if r.path.endswith("/callback")]
    return callbacks[-1].json["type"] == 5


async def test_kb_is_hidden_from_members_without_manage_server(world):
    assert "kb reload" not in world.member.available_commands(world.channel)
    assert "kb reload" in world.admin.available_commands(world.channel)
    with pytest.raises(SetupError):
        await world.member.slash(world.channel, "kb reload")


@pytest.fixture
def owner(world, services):
    """The world's admin is also the host's owner (STUDYBOT_OWNERS), who alone may reload."""
    services.settings = dataclasses.replace(services.settings, owner_ids=(world.admin.id,))
    return world.admin


async def test_reload_of_a_broken_pack_shows_the_errors_and_keeps_the_old_pack(
    world, pack_dir, owner
):
    pack_file = pack_dir / "pack.yaml"
    pack_file.write_text(pack_file.read_text().replace("source: guide", "source: nowhere", 1))

    result = await world.admin.slash(world.channel, "kb reload")
    assert deferred_first(world.env)
    report = result.response
    assert report.ephemeral
    assert "Reload failed" in report.content and "Still using the old pack" in report.content
    assert "pack.yaml:" in report.content and "nowhere" in report.content
    assert len(report.content) <= 2000

    still = await world.member.slash(world.channel, "ask", question="what was the left opposition")
    assert still.response.embeds[0].title == "Left Opposition"


async def test_reload_of_a_fixed_pack_swaps_it_in(world, pack_dir, owner):
    pack_file = pack_dir / "pack.yaml"
    text = pack_file.read_text()
    pack_file.write_text(text.replace("\nquiz:", NEW_ENTRY + "quiz:", 1))

    result = await world.admin.slash(world.channel, "kb reload")
    report = result.response
    assert report.content.startswith("Reloaded **Tiny test pack**: 2 sources, 4 entries")

    answer = await world.member.slash(world.channel, "ask", question="what was the five-year plan")
    assert answer.response.embeds[0].title == "Five-Year Plan"


async def test_stats_counts_what_the_pack_holds(world):
    result = await world.admin.slash(world.channel, "kb stats")
    assert result.ephemeral
    fields = {f.name: f.value for f in result.response.embeds[0].fields}
    assert fields["Sources"] == "2"
    assert fields["Entries"] == "3"
    assert fields["Items where sources differ"] == "2"
    assert fields["Topics"] == "groups, people"


async def test_gaps_lists_the_most_asked_unanswered_questions_escaped(world):
    for question in ["what is a banana", "what is a banana", "@everyone *who* is bob"]:
        await world.member.slash(world.channel, "ask", question=question)
        await world.env.advance_time(3.1)
    result = await world.admin.slash(world.channel, "kb gaps")
    assert deferred_first(world.env)
    report = result.response
    assert report.ephemeral
    lines = report.embeds[0].description.splitlines()
    assert lines[0] == "**2×** what is a banana"
    assert lines[1] == "**1×** @\u200beveryone \\*who\\* is bob"


async def test_gaps_with_nothing_recorded_says_so(world):
    result = await world.admin.slash(world.channel, "kb gaps", limit=5)
    assert "None recorded" in result.response.embeds[0].description


async def test_a_button_for_an_entry_removed_by_reload_says_so(world, services, pack_dir, owner):
    question, expected = near_miss(services.current)
    offered = await world.member.slash(world.channel, "ask", question=question)
    gone = expected.alternatives[0]
    pack_file = pack_dir / "pack.yaml"
    text = pack_file.read_text()
    # Rename the entry everywhere (its references too), so the pack stays valid without it.
    pack_file.write_text(re.sub(rf"\b{re.escape(gone.entry)}\b", f"{gone.entry}-renamed", text))
    reloaded = await world.admin.slash(world.channel, "kb reload")
    assert reloaded.response.content.startswith("Reloaded"), reloaded.response.content

    clicked = await world.member.click(offered.response, label=gone.title)
    assert clicked.ephemeral
    assert "no longer in the pack" in clicked.response.content


async def test_without_a_database_answering_works_and_gaps_says_why(world, services):
    services.store = None
    result = await world.member.slash(world.channel, "ask", question="what is a banana")
    assert result.response.content.startswith("I don't know")
    gaps = await world.admin.slash(world.channel, "kb gaps")
    assert gaps.ephemeral and "database is not open" in gaps.response.content


async def test_a_server_admin_who_is_not_the_host_owner_cannot_reload_for_everyone(world, pack_dir):
    pack_file = pack_dir / "pack.yaml"
    pack_file.write_text(pack_file.read_text().replace("\nquiz:", NEW_ENTRY + "quiz:", 1))
    result = await world.admin.slash(world.channel, "kb reload")
    assert result.ephemeral and "Only the host's owner" in result.response.content
    answer = await world.member.slash(world.channel, "ask", question="what was the five-year plan")
    assert answer.response.content.startswith("I don't know")


@pytest.mark.parametrize(
    "hostile",
    [
        "[entries, quiz]: []\n",
        "facts: []\nfacts: []\n",
        "entries:\n  - id: " + "x" * 5000 + "\n" + NEW_ENTRY.split("\n", 2)[2],
    ],
    ids=["list-as-key", "duplicate-section", "huge-id"],
)
async def test_reload_of_a_hostile_pack_lists_its_problems(world, pack_dir, hostile, owner):
    (pack_dir / "zz-hostile.yaml").write_text(hostile)
    result = await world.admin.slash(world.channel, "kb reload")
    report = result.response
    assert "Reload failed" in report.content, report.content
    assert "zz-hostile.yaml:1:" in report.content or "zz-hostile.yaml:2:" in report.content
    assert "Sorry, something went wrong" not in report.content
    assert len(report.content) <= 2000
