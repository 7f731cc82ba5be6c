"""The `studybot` command as a user runs it: a real subprocess, real stdin/stdout, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

TINY = Path(__file__).resolve().parent.parent / "packs" / "tiny"

ENV = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "STUDYBOT_KNOWLEDGE")}


def studybot(*args: str, stdin: str = "", cwd: Path | None = None, env: dict | None = None):
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=env or ENV,
    )


def test_ask_once_names_the_source() -> None:
    out = studybot("ask", "who led the left opposition?")
    assert out.returncode == 0, out.stderr
    assert "Trotsky" in out.stdout
    assert "Source:" in out.stdout and "http" in out.stdout


def test_ask_json_batch_keeps_order_and_contract() -> None:
    questions = ["what is trotskyism", "what is the capital of France?", "x" * 5000, "hello", ""]
    out = studybot("ask", "--json", "-", stdin="\n".join(questions) + "\n")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["query"] for r in rows] == questions
    assert rows[0]["answered"] and rows[0]["answer"]["entry"] == "trotskyism"
    assert rows[0]["answer"]["sources"][0]["url"].startswith("https://")
    assert not any(r["answered"] for r in rows[1:])
    assert all(r["elapsed_ms"] >= 0 for r in rows)


def test_knowledge_option_and_env_select_another_pack() -> None:
    out = studybot("--knowledge", str(TINY), "ask", "--json", "what is the comintern")
    assert json.loads(out.stdout)["answer"]["sources"][0]["publisher"] == "Test Publisher"
    env = dict(ENV, STUDYBOT_KNOWLEDGE=str(TINY))
    out = studybot("kb", "stats", env=env)
    assert "entries: 3" in out.stdout


def test_kb_check_fails_with_located_errors(tmp_path: Path) -> None:
    (tmp_path / "pack.yaml").write_text('pack:\n  name: "x"\nentries:\n  - id: a\n    term: yes\n')
    out = studybot("kb", "check", str(tmp_path))
    assert out.returncode == 1
    assert "pack.yaml:5:11: entries[0].term: expected text" in out.stderr
    assert "Traceback" not in out.stderr


def test_kb_check_against_sources(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(
        "Trotsky led the Left Opposition [3]. It was an international organization, "
        "from 1919 to 1943, exiled in February 1929, numbered 4,000. "
        "A faction within the early Soviet Communist Party."
    )
    out = studybot("kb", "check", str(TINY), "--against", str(docs))
    assert out.returncode == 1
    assert "deported in 1927-8" in out.stdout  # the one excerpt not in the text
    assert "1 of 9 evidence excerpts not found" in out.stdout


def test_kb_dump_json_has_every_item() -> None:
    out = studybot("--knowledge", str(TINY), "kb", "dump", "--json")
    data = json.loads(out.stdout)
    assert {s["id"] for s in data["sources"]} == {"enc", "guide"}
    items = [i for e in data["entries"] for i in e["items"]]
    assert len(items) == 7 and all({"text", "source", "evidence"} <= set(i) for i in items)


def test_console_chat_through_stdin() -> None:
    out = studybot(
        "--knowledge", str(TINY), "chat", stdin="what is the comintern\nopposition\n1\n:quit\n"
    )
    assert out.returncode == 0, out.stderr
    assert "An international organisation of communist parties." in out.stdout
    assert "Source: Test Encyclopedia" in out.stdout


def test_bare_command_without_token_opens_the_console() -> None:
    out = studybot(stdin="who was trotsky\n")
    assert out.returncode == 0
    assert "No DISCORD_TOKEN" in out.stderr
    assert "Trotsky" in out.stdout


def test_bench_json_shape(tmp_path: Path) -> None:
    """A small run: every method on a tiny suite, the tiny pack and a small generated pack."""
    questions = tmp_path / "q.yaml"
    questions.write_text(
        '- {question: "what was the comintern", expect: comintern}\n'
        '- {question: "how do i bake bread", expect: none}\n'
    )
    suites = tmp_path / "suites.yaml"
    suites.write_text(
        f"suites:\n  - {{name: tiny, pack: {TINY}, dev: {questions}, heldout: {questions}}}\n"
    )
    out = studybot(
        "--knowledge", str(TINY), "bench", "--sizes", "120", "--questions", "20",
        "--suites", str(suites), "--json",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert [(r["suite"], r["method"]) for r in result["suites"]] == [
        ("tiny", "studybot"), ("tiny", "BM25"), ("tiny", "embedding")
    ]  # fmt: skip
    for row in result["suites"]:
        assert row["right"] + row["wrong"] + row["declined"] == row["questions"] == 2
        assert row["p99_ms"] >= row["p50_ms"] > 0
    assert [(p["pack"], p["mode"]) for p in result["packs"]] == [
        ("bundled", "hybrid"), ("generated", "hybrid")
    ]  # fmt: skip
    for row in result["packs"]:
        assert set(row) >= {
            "items", "cold_s", "cache_s", "rss_mb", "p50_ms", "p99_ms", "p999_ms",
            "complete_p99_ms", "bm25_p50_ms", "bm25_p99_ms",
        }  # fmt: skip
        assert row["items"] > 0 and row["rss_mb"] > 0 and row["p999_ms"] >= row["p50_ms"] > 0
    assert result["packs"][1]["items"] == 120
    statuses = {t["target"].split(" (")[0]: t["status"] for t in result["targets"]}
    assert statuses["p99 per question, 100,000 items"] == "not run"
    assert statuses["start from cache, bundled"] in ("met", "not met")


def test_eval_command(tmp_path: Path) -> None:
    q = tmp_path / "q.yaml"
    q.write_text(
        '- {question: "what is the comintern", expect: comintern}\n'
        '- {question: "how do I bake bread", expect: none}\n'
        '- {question: "who was trotsky", expect: comintern}\n'
    )
    out = studybot("--knowledge", str(TINY), "kb", "eval", str(q))
    assert "accuracy: 66.7% (2/3)" in out.stdout
    assert "off-topic abstained: 1/1" in out.stdout
    assert "expected comintern, got leon-trotsky" in out.stdout


def test_kb_eval_prints_one_table_across_packs(tmp_path: Path) -> None:
    questions = tmp_path / "q.yaml"
    questions.write_text(
        '- {question: "who was trotsky", expect: leon-trotsky}\n'
        '- {question: "what is the capital of France", expect: none}\n'
    )
    suites = tmp_path / "suites.yaml"
    suites.write_text(
        f"suites:\n  - {{name: tiny, pack: {TINY}, dev: {questions}, heldout: {questions}}}\n"
        f"  - {{name: tiny no asks, pack: {TINY}, strip_asks: true, dev: {questions}, "
        f"heldout: {questions}}}\n"
    )
    out = studybot(
        "kb",
        "eval",
        "--suites",
        str(suites),
        "--split",
        "heldout",
        env=ENV | {"STUDYBOT_DATA": str(tmp_path)},
    )
    assert out.returncode == 0, out.stderr
    rows = [line for line in out.stdout.splitlines() if line.startswith("| tiny")]
    assert len(rows) == 2, out.stdout
    assert all("| 2 (1 off-topic) |" in row for row in rows), rows
    bad = studybot(
        "kb", "eval", "--suites", str(questions), env=ENV | {"STUDYBOT_DATA": str(tmp_path)}
    )
    assert bad.returncode == 2 and "suites" in bad.stderr
