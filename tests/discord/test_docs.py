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


def test_the_deploy_guide_points_at_files_that_exist_and_settings_that_are_read():
    guide = (ROOT / "docs" / "deploy.md").read_text()
    for link in re.findall(r"\]\(\.\./(deploy/[^)]+|\.env\.example)\)", guide):
        assert (ROOT / link).exists(), link
    read = set(re.findall(r'get\("([A-Z_]+)"\)', (ROOT / "bot" / "settings.py").read_text()))
    for setting in ("STUDYBOT_DATABASE_URL", "STUDYBOT_SHARD_COUNT", "STUDYBOT_SHARD_IDS"):
        assert setting in read and setting in guide
    # The units and the container run the command the guide names, with the driver available.
    for unit in ("studybot.service", "studybot@.service"):
        assert "studybot run" in (ROOT / "deploy" / unit).read_text()
    assert "'.[postgres]'" in (ROOT / "deploy" / "Dockerfile").read_text()


def test_the_guide_explains_every_server_setting():
    from bot.server_settings import SETTINGS

    guide = (ROOT / "docs" / "discord.md").read_text()
    missing = [name for name in SETTINGS if f"`{name}`" not in guide]
    assert not missing, f"docs/discord.md does not explain {missing}"
