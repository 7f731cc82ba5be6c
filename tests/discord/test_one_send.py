"""Every message leaves through `bot.discord.messages.send`: no other module calls Discord's send."""

from __future__ import annotations

import re
from pathlib import Path

ADAPTER = Path(__file__).resolve().parents[2] / "bot" / "discord"
DIRECT = re.compile(
    r"\.(send_message|reply|edit_message)\(|(followup|channel)\.send\(|\.send\(\*\*"
)


def test_only_messages_py_sends() -> None:
    offenders = [
        f"{path.name}:{n}: {line.strip()}"
        for path in sorted(ADAPTER.glob("*.py"))
        if path.name != "messages.py"
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if DIRECT.search(line)
    ]
    assert offenders == []
