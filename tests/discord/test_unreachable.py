"""Discord out of reach: one clear line and a failing status, never a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends


def test_run_and_sync_without_a_reachable_discord(tmp_path) -> None:
    port = _closed_port()
    env = dict(
        os.environ,
        DISCORD_TOKEN="not-a-real-token",
        STUDYBOT_DATA=str(tmp_path),
        STUDYBOT_DISCORD_API=f"http://127.0.0.1:{port}/api/v10",
        STUDYBOT_DISCORD_GATEWAY=f"ws://127.0.0.1:{port}/",
    )
    for command in ("run", "sync"):
        out = subprocess.run(
            [sys.executable, "-m", "bot", command],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            check=False,
        )
        assert out.returncode == 1, out.stderr
        assert "could not reach Discord" in out.stderr
        assert "Traceback" not in out.stderr
