"""Per-server settings and packs from Discord alone, and two servers that never see each other's."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import discord  # noqa: TID251 - tests of the Discord adapter
import pytest
from simcord import SetupError

FILES = Path(__file__).resolve().parents[1] / "importing" / "files"
TINY = (Path(__file__).resolve().parents[1] / "packs" / "tiny" / "pack.yaml").read_bytes()
BIOLOGY = b"""
pack:
  name: "Biology"
sources:
  - id: book
    title: "Cell Book"
    publisher: "Bio Press"
    url: "https://example.org/cells"
    kind: textbook
entries:
  - id: cell-wall
    term: "Cell wall"
    kind: concept
    tags: [cells]
    definition:
      text: "A rigid layer outside the membrane of plant cells."
      source: book
      evidence: "a rigid layer outside the cell membrane"
quiz:
  - question: "What rigid layer surrounds a plant cell's membrane?"
    answers: ["cell wall"]
    entry: cell-wall
    source: book
    evidence: "a rigid layer outside the cell membrane"
"""


def deferred_first(env) -> bool:
    callbacks = [r for r in env.http_requests if r.path.endswith("/callback")]
    return callbacks[-1].json["type"] == 5


@pytest.fixture
def other(world):
    """A second server with its own admin and member."""
    guild = world.env.create_guild("Biology Club")
    channel = guild.create_text_channel("lab")
    admins = guild.create_role("Mods", permissions=discord.Permissions(manage_guild=True))
    admin = guild.add_member(world.env.create_user("carol"), roles=[admins])
    member = guild.add_member(world.env.create_user("dave"))
    return guild, channel, admin, member


async def test_settings_are_for_admins_only(world):
    assert "settings set" in world.admin.available_commands(world.channel)
    assert "settings set" not in world.member.available_commands(world.channel)
    with pytest.raises(SetupError):
        await world.member.slash(world.channel, "settings show")


async def test_settings_show_set_and_reset(world):
    shown = await world.admin.slash(world.channel, "settings show")
    assert deferred_first(world.env) and shown.ephemeral
    text = shown.response.embeds[0].description
    assert "**cooldown**: 3 s *(default)*" in text and "**pack**: bundled" in text

    changed = await world.admin.slash(
        world.channel, "settings set", setting="answer-channels", value=world.channel.mention
    )
    assert deferred_first(world.env)
    assert changed.response.content.startswith(f"**answer-channels** is now <#{world.channel.id}>")
    bad = await world.admin.slash(world.channel, "settings set", setting="quiz-seconds", value="2")
    assert (
        "Not changed: quiz-seconds: expected a whole number from 10 to 300" in bad.response.content
    )

    shown = await world.admin.slash(world.channel, "settings show")
    assert f"**answer-channels**: <#{world.channel.id}>\n" in shown.response.embeds[0].description
    reset = await world.admin.slash(world.channel, "settings reset", setting="answer-channels")
    assert "back to the default: none" in reset.response.content


async def test_a_servers_cooldown_setting_applies_to_its_members(world):
    await world.admin.slash(world.channel, "settings set", setting="cooldown", value="0")
    for _ in range(3):
        result = await world.member.slash(world.channel, "ask", question="who was trotsky")
        assert result.response.embeds[0].title == "Leon Trotsky"


@pytest.mark.parametrize("settings_overrides", [{"message_content": True}])
async def test_question_mark_trigger_answers_messages_ending_in_a_question_mark(world):
    await world.admin.slash(
        world.channel, "settings set", setting="answer-channels", value=world.channel.mention
    )
    await world.admin.slash(world.channel, "settings set", setting="trigger", value="question-mark")
    await world.member.send(world.channel, "who was trotsky?")
    await world.member.send(world.channel, "trotsky is great")
    replies = [m for m in world.channel.history() if m.author.id == world.env.bot.user.id]
    assert [m.embeds[0].title for m in replies] == ["Leon Trotsky"]


async def test_upload_use_and_download_a_pack(world):
    uploaded = await world.admin.slash(world.channel, "kb upload", file=("biology.yaml", BIOLOGY))
    assert deferred_first(world.env)
    assert uploaded.response.content.startswith("Uploaded `biology`: **Biology**: 1 sources")
    assert "/kb use pack:biology" in uploaded.response.content
    before = await world.member.slash(world.channel, "ask", question="what is a cell wall")
    assert before.response.content.startswith("I don't know")

    used = await world.admin.slash(world.channel, "kb use", pack="biology")
    assert "now uses `biology`" in used.response.content
    await world.env.advance_time(3.1)
    after = await world.member.slash(world.channel, "ask", question="what is a cell wall")
    assert after.response.embeds[0].title == "Cell wall"

    download = await world.admin.slash(world.channel, "kb download")
    [file] = download.response.attachments
    assert file.filename == "biology.zip"
    archive = zipfile.ZipFile(io.BytesIO(await file.read()))
    assert archive.namelist() == ["biology/biology.yaml"]

    missing = await world.admin.slash(world.channel, "kb use", pack="physics")
    assert "No pack called “physics” here. Packs: bundled, biology." in missing.response.content


async def test_a_bad_upload_shows_file_and_line_and_changes_nothing(world):
    await world.admin.slash(world.channel, "kb upload", file=("biology.yaml", BIOLOGY))
    await world.admin.slash(world.channel, "kb use", pack="biology")
    broken = BIOLOGY.replace(b"source: book\n    evidence", b"source: nowhere\n    evidence", 1)
    result = await world.admin.slash(world.channel, "kb upload", file=("biology.yaml", broken))
    report = result.response.content
    assert result.ephemeral and "Not uploaded" in report and "unchanged" in report
    assert "biology.yaml:" in report and "nowhere" in report
    slip = io.BytesIO()
    with zipfile.ZipFile(slip, "w") as archive:
        archive.writestr("../../escape.yaml", BIOLOGY)
    refused = await world.admin.slash(
        world.channel, "kb upload", file=("biology.zip", slip.getvalue())
    )
    assert "outside the pack folder" in refused.response.content
    still = await world.member.slash(world.channel, "ask", question="what is a cell wall")
    assert still.response.embeds[0].title == "Cell wall"


async def test_upload_takes_what_kb_import_reads_and_shows_its_summary(world):
    """A Quizlet export and a Red trivia list become packs, with `kb import`'s summary."""
    cards = (FILES / "quizlet-tab-newline.txt").read_bytes()
    uploaded = await world.admin.slash(world.channel, "kb upload", file=("cells.txt", cards))
    text = uploaded.response.content
    assert text.startswith("Uploaded `cells`:"), text
    assert "(flash cards (Quizlet)): 4 entries, 4 definitions" in text and "0 skipped" in text
    await world.admin.slash(world.channel, "kb use", pack="cells")
    answer = await world.member.slash(world.channel, "ask", question="what is osmosis")
    assert "water" in answer.response.embeds[0].description

    red = (FILES / "greekmyth.yaml").read_bytes()
    trivia = await world.admin.slash(world.channel, "kb upload", file=("greek.yaml", red))
    assert trivia.response.content.startswith("Uploaded `greek`:")
    assert "quiz items" in trivia.response.content

    junk = await world.admin.slash(world.channel, "kb upload", file=("deck.apkg", b"not a zip"))
    assert "Not uploaded" in junk.response.content and "unchanged" in junk.response.content


async def test_two_servers_keep_their_own_pack_settings_and_gaps(world, other, services):
    _guild, lab, carol, dave = other
    await carol.slash(lab, "kb upload", file=("biology.yaml", BIOLOGY))
    await carol.slash(lab, "kb use", pack="biology")
    await carol.slash(lab, "settings set", setting="private-misses", value="on")

    # Server 2 answers from its pack, server 1 from the bundled one; neither from the other's.
    bio = await dave.slash(lab, "ask", question="what is a cell wall")
    assert bio.response.embeds[0].title == "Cell wall" and not bio.ephemeral
    await world.env.advance_time(3.1)
    no_trotsky = await dave.slash(lab, "ask", question="who was trotsky")
    assert no_trotsky.response.content.startswith("I don't know")
    assert no_trotsky.ephemeral  # this server keeps misses private
    trotsky = await world.member.slash(world.channel, "ask", question="who was trotsky")
    assert trotsky.response.embeds[0].title == "Leon Trotsky"
    await world.env.advance_time(3.1)
    no_cells = await world.member.slash(world.channel, "ask", question="what is a cell wall")
    assert no_cells.response.content.startswith("I don't know") and not no_cells.ephemeral

    # Packs, settings and gaps stay where they were made.
    packs = await world.admin.slash(world.channel, "kb use", pack="biology")
    assert "No pack called" in packs.response.content
    shown = await world.admin.slash(world.channel, "settings show")
    assert "**private-misses**: off *(default)*" in shown.response.embeds[0].description
    stats = await world.admin.slash(world.channel, "kb stats")
    assert stats.response.embeds[0].title == "Pack: Tiny test pack"
    gaps = await carol.slash(lab, "kb gaps")
    assert "who was trotsky" in gaps.response.embeds[0].description
    assert "cell wall" not in gaps.response.embeds[0].description
    mine = await world.admin.slash(world.channel, "kb gaps")
    assert "who was trotsky" not in mine.response.embeds[0].description
    assert services.packs.names(world.guild.id) == []
