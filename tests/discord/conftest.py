"""Fixtures that run the real bot (real core, tiny pack) under simcord's in-memory Discord."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import discord  # noqa: TID251 - tests of the Discord adapter
import pytest

from bot.answering.answers import Answerer
from bot.discord.app import build_client, make_services
from bot.packs.loader import load_pack
from bot.settings import Settings
from bot.storage.store import Store

TINY = Path(__file__).resolve().parents[1] / "packs" / "tiny"


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    """A private copy of the tiny pack, so a test may break or extend it (for /kb reload)."""
    folder = tmp_path / "pack"
    shutil.copytree(TINY, folder)
    return folder


@pytest.fixture
def settings_overrides() -> dict:
    """Override in a test (e.g. via parametrize) to change a setting before the bot is built."""
    return {}


@pytest.fixture
def settings(tmp_path: Path, pack_dir: Path, settings_overrides: dict) -> Settings:
    values = {
        "discord_token": None,
        "knowledge_dir": pack_dir,
        "data_dir": tmp_path / "data",
        "cooldown_seconds": 3.0,
        "max_question_chars": 300,
    }
    return Settings(**{**values, **settings_overrides})


@pytest.fixture
async def store(settings: Settings):
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    opened = await Store.open(settings.data_dir)
    yield opened
    await opened.close()


@pytest.fixture
def services(settings: Settings, store):
    pack = load_pack(settings.knowledge_dir)
    answerer = Answerer(pack, max_question_chars=settings.max_question_chars)
    return make_services(settings, answerer, store)


@pytest.fixture
def simcord_bot(services):
    return build_client(services)


@pytest.fixture
def world(simcord_env):
    """A server with a #study channel, an ordinary member and an admin (Manage Server)."""
    guild = simcord_env.create_guild("Study Group")
    channel = guild.create_text_channel("study")
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    member = guild.add_member(simcord_env.create_user("alice"))
    admin = guild.add_member(simcord_env.create_user("boss"), roles=[admins])
    return dataclasses.make_dataclass("World", ["env", "guild", "channel", "member", "admin"])(
        simcord_env, guild, channel, member, admin
    )
