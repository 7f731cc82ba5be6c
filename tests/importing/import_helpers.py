"""Helpers for the import tests: the committed test files, and running `studybot` for real."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / "files"
ENV = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "STUDYBOT_KNOWLEDGE")}


def studybot(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=cwd,
        env=ENV,
    )
