"""Start-up and sync: payloads without a token, sync only when the tree changed, clear failures."""

from __future__ import annotations

import dataclasses
import json
import re

from bot.discord.app import build_client, command_payloads, make_services, run, sync
from bot.discord.sync import SYNC_STATE_FILE
from bot.settings import Settings

NAME = re.compile(r"^[-_\w]{1,32}$")


def syncs(env) -> list[str]:
    return [r.path for r in env.http_requests if r.method == "PUT" and "/commands" in r.path]


def test_command_payloads_need_no_token_and_match_discords_rules(settings):
    payloads = command_payloads(dataclasses.replace(settings, discord_token=None))
    by_name = {p["name"]: p for p in payloads}
    assert set(by_name) >= {"ask", "define", "fact", "sources", "related", "kb"}
    kb = by_name["kb"]
    assert int(kb["default_member_permissions"]) == 32  # Manage Server
    # Discord's contexts and integration types, not the deprecated dm_permission, say where.
    assert kb["contexts"] == [0] and kb["integration_types"] == [0]  # servers, server installs
    assert by_name["ask"]["contexts"] == [0, 1] and by_name["ask"]["integration_types"] == [0]
    for name in ("quiz", "leaderboard", "stats", "settings", "forgetme", "answer"):
        assert by_name[name]["contexts"] == [0], name
    for payload in payloads:
        assert payload.get("contexts") and payload.get("integration_types"), payload["name"]
    assert [o["name"] for o in kb["options"]] == [
        "reload",
        "stats",
        "gaps",
        "upload",
        "use",
        "download",
    ]
    assert by_name["define"]["options"][0]["autocomplete"] is True

    def walk(command):
        assert NAME.match(command["name"]) and command["name"] == command["name"].lower()
        assert 1 <= len(command["description"]) <= 100
        for option in command.get("options", []):
            walk(option)

    menus = [p for p in payloads if p.get("type", 1) != 1]
    for payload in payloads:
        if payload not in menus:
            walk(payload)
    # Context menus are named as shown in Discord's "Apps" menu: spaces and capitals are allowed.
    assert [(m["name"], m["type"]) for m in menus] == [("Ask studybot", 3)]
    json.dumps(payloads)  # what `studybot commands --json` prints


async def test_first_start_syncs_and_remembers_the_hash(world, settings):
    assert syncs(world.env) == [f"/applications/{world.env.bot.application_id}/commands"]
    stored = json.loads((settings.data_dir / SYNC_STATE_FILE).read_text())
    assert set(stored) == {"global"} and len(stored["global"]) == 64


async def test_a_restart_with_the_same_commands_does_not_sync_again(world, services):
    before = len(syncs(world.env))
    await world.env.restart_bot(build_client(services))
    assert len(syncs(world.env)) == before
    result = await world.member.slash(world.channel, "ask", question="who was trotsky")
    assert result.response.embeds  # still callable: Discord kept the synced commands


async def test_a_changed_command_tree_syncs_again(world, services):
    before = len(syncs(world.env))
    bot = build_client(services)

    @bot.tree.command(name="ping", description="A new command.")
    async def ping(interaction):
        await interaction.response.send_message("pong")

    await world.env.restart_bot(bot)
    assert len(syncs(world.env)) == before + 1
    assert (await world.member.slash(world.channel, "ping")).response.content == "pong"


async def test_a_dev_server_gets_its_commands_synced_to_it_alone(world, services, settings):
    dev = world.env.create_guild("Dev", id=4242424242424242)
    services.settings = dataclasses.replace(settings, dev_guild_id=dev.id)
    await world.env.restart_bot(build_client(services))
    assert syncs(world.env)[-1].endswith(f"/guilds/{dev.id}/commands")
    stored = json.loads((settings.data_dir / SYNC_STATE_FILE).read_text())
    assert set(stored) == {"global", f"guild:{dev.id}"}


def test_run_without_a_token_prints_one_line_and_exits_2(settings, capsys):
    assert run(dataclasses.replace(settings, discord_token=None)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "DISCORD_TOKEN is not set" in err


def test_sync_without_a_token_prints_one_line_and_exits_2(settings, capsys):
    assert sync(dataclasses.replace(settings, discord_token=None), 123) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_intents_ask_for_message_content_only_when_enabled(settings):
    plain = build_client(make_services(settings, None))
    assert not plain.intents.message_content and not plain.intents.members
    with_content = build_client(make_services(Settings(message_content=True), None))
    assert with_content.intents.message_content


async def test_a_failed_sync_is_logged_and_the_bot_keeps_running(world, services, settings, caplog):
    stored = (settings.data_dir / SYNC_STATE_FILE).read_text()
    bot = build_client(services)

    @bot.tree.command(name="ping", description="A new command.")
    async def ping(interaction):
        await interaction.response.send_message("pong")

    world.env.inject_error(
        "PUT", "/applications/*/commands", status=403, code=50001, message="Missing Access"
    )
    await world.env.restart_bot(bot)
    assert any("command sync failed" in r.getMessage() for r in caplog.records)
    assert (settings.data_dir / SYNC_STATE_FILE).read_text() == stored  # retried next start
    result = await world.member.slash(world.channel, "ask", question="who was trotsky")
    assert result.response.embeds
