"""`studybot ask --json -` on bytes that are not UTF-8, under strict stdio: valid UTF-8 JSON out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TINY = Path(__file__).resolve().parent.parent / "packs" / "tiny"

LINES = [
    b"who was trotsky",
    b"who was tr\xf6tsky \xff\xfe",  # Latin-1 and stray bytes
    b"",
    b"\xc3\x28 half a character",
    "what is the comintern \u00e9\u4e2d".encode(),
    b"caf\xe9\r",  # a Windows line ending too
]


@pytest.mark.parametrize("encoding", ["ascii:strict", "utf-8:strict", None])
def test_invalid_utf8_lines_give_one_valid_json_line_each(tmp_path, encoding) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "PYTHONIOENCODING")}
    env["STUDYBOT_DATA"] = str(tmp_path / "data")
    env["LC_ALL"] = "C"
    if encoding:
        env["PYTHONIOENCODING"] = encoding
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--knowledge", str(TINY), "ask", "--json", "-"],
        input=b"\n".join(LINES) + b"\n",
        capture_output=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert b"Traceback" not in done.stderr
    text = done.stdout.decode("utf-8")  # strict: raises on anything that is not UTF-8
    rows = [json.loads(line) for line in text.splitlines()]
    assert len(rows) == len(LINES)
    assert rows[0]["answer"]["entry"] == "leon-trotsky"
    assert rows[1]["query"] == "who was tr\ufffdtsky \ufffd\ufffd"
    assert rows[2]["query"] == ""
    assert rows[4]["query"] == "what is the comintern \u00e9\u4e2d"
    assert rows[5]["query"] == "caf\ufffd"
