"""The set-up guide and .env.example stay true to the code."""

from __future__ import annotations

import re
from pathlib import Path

from bot.discord.client import INVITE_PERMISSIONS, invite_url

ROOT = Path(__file__).resolve().parents[2]


def test_the_guide_invites_with_the_permissions_the_bot_asks_for():
    guide = (ROOT / "docs" / "discord.md").read_text()
    assert f"permissions={INVITE_PERMISSIONS.value}" in guide
    assert "scope=bot+applications.commands" in invite_url(1)
    assert "scope=bot+applications.commands" in guide


def test_env_example_lists_every_setting():
    read = set(re.findall(r'get\("([A-Z_]+)"\)', (ROOT / "bot" / "settings.py").read_text()))
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read and read <= listed
