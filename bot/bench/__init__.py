"""`studybot bench`: accuracy and speed side by side, against BM25 and plain embedding search.

Figures, not assertions: pytest checks behaviour, this measures. Two parts, one run:

- **Held-out questions** of every evaluation suite (`tests/eval/suites.yaml`), answered by
  studybot, by BM25 and by plain embedding search (`bot.bench.baselines`), each scored by
  `bot.answering.evaluate.evaluate`: right, wrong, declined, and milliseconds a question.
- **Start, memory and speed** on the bundled pack and on generated packs of `--sizes` items that
  read like real ones (`bot.bench.largepack`), with paraphrased and off-topic questions. Each pack is
  measured in fresh processes (one cold, one from the cache), so one size's memory and warm caches
  do not leak into the next.

The issues' targets are printed beside the figures, each marked met or not.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STAND_IN = "hybrid, random vectors"
"""The mode of a pack too big to embed for the bench: real index, random unit vectors (see
`pack_row`)."""
REPEATS = 3
"""Timed passes over the questions; each question's figure is its fastest pass (see `timed`)."""
SUITES = Path(__file__).resolve().parents[2] / "tests" / "eval" / "suites.yaml"
"""The evaluation suites of a source checkout (not installed with the package)."""
BUNDLED = Path(__file__).resolve().parents[2] / "knowledge"


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: p99.9 of fewer than 1,000 questions is the slowest one."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, math.ceil(round(pct / 100 * len(ordered), 6)) - 1))]


def timed(call: Callable[[str], object], questions: list[str]) -> list[float]:
    """Milliseconds of the fastest of `REPEATS` passes for each question, after an untimed pass.

    The passes go over the whole list, not one question back to back, so a burst of other work on
    a shared machine slows one pass of a question rather than all of them. A question that is slow
    every time stays slow: this removes the machine's noise, not the code's tail.
    """
    for question in questions:  # a running bot has answered questions before
        call(question)
    best = [math.inf] * len(questions)
    for _ in range(REPEATS):
        for n, question in enumerate(questions):
            start = time.perf_counter()
            call(question)
            best[n] = min(best[n], time.perf_counter() - start)
    return [b * 1000 for b in best]


def _ms(times: list[float], *pcts: float) -> dict[str, float]:
    names = {50: "p50_ms", 99: "p99_ms", 99.9: "p999_ms"}
    return {names[p]: round(percentile(times, p), 3) for p in pcts}


# -- held-out questions: three methods ---------------------------------------------------------


def suite_rows(suites_file: Path, cache_dir: Path) -> list[dict[str, Any]]:
    """Every suite's held-out questions through studybot, BM25 and embedding search."""
    from bot.answering.evaluate import evaluate, load_questions, load_suites, suite_answerer
    from bot.bench import baselines

    rows = []
    for suite in load_suites(suites_file):
        answerer = suite_answerer(suite, cache_dir)
        dev, heldout = load_questions(suite.dev), load_questions(suite.heldout)
        methods: list[tuple[str, Any]] = [
            ("studybot", answerer),
            ("BM25", baselines.bm25(answerer.pack).fit(dev)),
            ("embedding", baselines.embedding(answerer).fit(dev)),
        ]
        for name, method in methods:
            result = evaluate(method, heldout)
            times = timed(method.ask, [q for q, _ in heldout])
            rows.append(
                {
                    "suite": suite.name,
                    "method": name,
                    "questions": result.total,
                    "right": result.right,
                    "wrong": result.wrong,
                    "declined": result.total - result.right - result.wrong,
                    "offtopic_declined": f"{result.offtopic_abstained}/{result.offtopic}",
                    "threshold": round(method.threshold, 3) if name != "studybot" else "calibrated",
                    **_ms(times, 50, 99),
                }
            )
    return rows


# -- big packs: start, memory, speed -------------------------------------------------------------


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return math.nan


def measure_in_process(job: dict[str, Any]) -> dict[str, Any]:
    """One step of one pack, in this (fresh) process.

    `cold` loads into an empty cache; `warm` loads from it, then times questions, autocomplete and
    BM25.
    """
    from bot.answering.answers import Answerer
    from bot.packs.cache import load_indexed

    semantic = job["mode"] != "lexical"
    if job["step"] == "stand-in vectors":
        from bot.packs.cache import store_stand_in_vectors

        return {"rows": store_stand_in_vectors(Path(job["folder"]), Path(job["cache"]))}
    start = time.perf_counter()
    pack, index = load_indexed(Path(job["folder"]), Path(job["cache"]), semantic=semantic)
    answerer = Answerer(pack, matcher=index)
    if index.embedder is not None:  # the model opens on first use: part of being ready
        index.embedder.encode(["ready"])
    load_s = time.perf_counter() - start
    if job["step"] == "cold":
        return {"load_s": load_s}
    questions: list[str] = job["questions"]
    for question in questions:
        answerer.ask(question)
    rss = _rss_mb()  # before BM25's index exists: the bot's own memory
    ours = timed(answerer.ask, questions)
    names = [e.term for e in list(pack.entries.values())[:: max(1, len(pack.entries) // 100)]]
    typed = [name[:n] for name in names for n in (1, 3, 6) if len(name) >= n]
    complete = timed(answerer.complete, typed)
    from bot.bench.baselines import bm25

    bm25_times = timed(bm25(pack).top, questions)
    return {
        "items": pack.item_count(),
        "cache_s": round(load_s, 3),
        "rss_mb": round(rss, 1),
        **_ms(ours, 50, 99, 99.9),
        "complete_p99_ms": round(percentile(complete, 99), 3),
        "bm25_p50_ms": round(percentile(bm25_times, 50), 3),
        "bm25_p99_ms": round(percentile(bm25_times, 99), 3),
    }


def _subprocess(job: dict[str, Any]) -> dict[str, Any]:
    code = "import json, sys; from bot.bench import measure_in_process as m; "
    code += "print(json.dumps(m(json.loads(sys.stdin.read()))))"
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], input=json.dumps(job), capture_output=True, text=True
    )
    if out.returncode != 0:
        raise RuntimeError(f"bench subprocess failed:\n{out.stderr}")
    return json.loads(out.stdout.splitlines()[-1])


def pack_row(
    label: str, folder: Path, questions: list[str], mode: str, size: int | None
) -> dict[str, Any]:
    """Cold start, then start from the cache with the questions: two fresh processes."""
    with tempfile.TemporaryDirectory() as cache:
        job = {"folder": str(folder), "cache": cache, "mode": mode, "questions": questions}
        if mode == STAND_IN:
            # Embedding 100,000 items takes 20-30 minutes: the pack and its lexical index are
            # cached for real, the vectors are random unit rows of the real shape, stored as
            # the cache stores embeddings. Load, memory and speed are real; answers are not.
            cold = _subprocess({**job, "mode": "lexical", "step": "cold"})
            _subprocess({**job, "step": "stand-in vectors"})
        else:
            cold = _subprocess({**job, "step": "cold"})
        warm = _subprocess({**job, "step": "warm"})
    return {
        "pack": label,
        "size": size,
        "mode": mode,
        "questions": len(questions),
        "cold_s": round(cold["load_s"], 3),
        **warm,
    }


# -- targets and output -----------------------------------------------------------------------

TARGETS = (
    # (issue, what, pack row size (None: bundled), field, limit, unit)
    ("9", "p99 per question, bundled, incl. encoding", None, "p99_ms", 5, "ms"),
    ("9", "start from cache, bundled", None, "cache_s", 0.5, "s"),
    ("9", "p99 per question, 100,000 items", 100_000, "p99_ms", 25, "ms"),
    ("12", "start from cache, 100,000 items", 100_000, "cache_s", 1, "s"),
    ("12", "idle memory incl. semantic index, 100,000 items", 100_000, "rss_mb", 350, "MB"),
    ("12", "p99.9 per question, 100,000 items", 100_000, "p999_ms", 25, "ms"),
    ("12", "autocomplete p99, 100,000 items", 100_000, "complete_p99_ms", 5, "ms"),
)


def targets(packs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each target against every row of its pack size (one per mode measured), met or not."""
    out = []
    for issue, what, size, field, limit, unit in TARGETS:
        rows = [p for p in packs if p["size"] == size] or [None]
        for row in rows:
            value = row[field] if row else None
            if row is None:
                status = "not run"
            elif field == "rss_mb" and row["mode"] == "lexical":
                status = "not measured (lexical mode: no semantic index)"
            else:
                status = "met" if value <= limit else "not met"
                if row["mode"] == "lexical":  # the targets are for the default, hybrid matcher
                    status += " (lexical mode only)"
            mode = f" ({row['mode']})" if row else ""
            out.append(
                {"issue": issue, "target": f"{what}{mode}", "limit": limit, "unit": unit,
                 "value": value, "status": status}
            )  # fmt: skip
    return out


def _table(rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> list[str]:
    lines = ["| " + " | ".join(title for title, _ in columns) + " |"]
    lines.append("|" + "---|" * len(columns))
    for row in rows:
        lines.append("| " + " | ".join(str(row.get(key, "")) for _, key in columns) + " |")
    return lines


def report(result: dict[str, Any]) -> str:
    lines = ["Held-out questions (same questions, same run):", ""]
    lines += _table(
        result["suites"],
        [("suite", "suite"), ("method", "method"), ("questions", "questions"), ("right (incl. off-topic declined)", "right"),
         ("wrong", "wrong"), ("declined", "declined"), ("off-topic declined", "offtopic_declined"),
         ("threshold", "threshold"), ("p50 ms", "p50_ms"), ("p99 ms", "p99_ms")],
    )  # fmt: skip
    lines += ["", "Packs (each in fresh processes; generated packs recombine real sentences):", ""]
    lines += _table(
        result["packs"],
        [("pack", "pack"), ("items", "items"), ("mode", "mode"), ("questions", "questions"),
         ("cold s", "cold_s"), ("from cache s", "cache_s"), ("idle RSS MB", "rss_mb"),
         ("p50 ms", "p50_ms"), ("p99 ms", "p99_ms"), ("p99.9 ms", "p999_ms"),
         ("autocomplete p99 ms", "complete_p99_ms"), ("BM25 p50 ms", "bm25_p50_ms"),
         ("BM25 p99 ms", "bm25_p99_ms")],
    )  # fmt: skip
    lines += ["", "Targets:", ""]
    lines += _table(
        result["targets"],
        [("issue", "issue"), ("target", "target"), ("limit", "limit"), ("unit", "unit"),
         ("measured", "value"), ("", "status")],
    )  # fmt: skip
    lines.append(
        "\n"
        f"Times: per question, the fastest of {REPEATS} timed passes after an untimed one; "
        "every method is timed the same way.\n"
        "Thresholds of BM25 and embedding search: chosen on each suite's dev questions (most "
        "right with at most 2 % wrong), the rule studybot's own threshold follows.\n"
        "cold s: validate, index and embed into an empty cache; from cache s: a fresh process "
        "ready to answer (model opened); idle RSS: that process after answering its questions "
        "once.\n"
        "Modes: hybrid = lexical + semantic (embedded); lexical = STUDYBOT_MATCHER=lexical, no "
        "embeddings (sizes above --embed-max): its memory and speed leave the semantic index out; "
        f"{STAND_IN} = sizes above --embed-max with the semantic index built from random unit "
        "vectors of the real shape, stored as the cache stores embeddings: its start, memory and "
        "speed include the semantic index, its answers mean nothing."
    )
    return "\n".join(lines)


def main(
    bundled: Path,
    sizes: list[int],
    *,
    as_json: bool,
    questions: int = 600,
    embed_max: int = 10_000,
    suites_file: Path | None = None,
    cache_dir: Path | None = None,
    lexical: bool = False,
) -> int:
    """Run everything, print the tables (or JSON); `lexical` forces STUDYBOT_MATCHER=lexical."""
    from bot.answering.evaluate import load_questions, load_suites
    from bot.bench.largepack import large_pack, questions_for

    suites_file = suites_file or SUITES
    if not suites_file.is_file():
        print(f"bench: no suites file at {suites_file} (it lives in a source checkout)",
              file=sys.stderr)  # fmt: skip
        return 1
    suites = load_suites(suites_file)
    log = (lambda *_a: None) if as_json else (lambda m: print(m, file=sys.stderr, flush=True))
    with tempfile.TemporaryDirectory() as tmp:
        log("bench: held-out questions, three methods ...")
        suite_results = [] if lexical else suite_rows(suites_file, cache_dir or Path(tmp) / "c")
        bundled_questions = [q for q, _ in load_questions(suites[0].heldout)]
        log("bench: bundled pack ...")
        packs = [
            pack_row("bundled", bundled, bundled_questions, _mode(0, embed_max, lexical), None)
        ]
        sources = [bundled, *sorted({s.pack for s in suites} - {bundled.resolve()})]
        for size in sizes:
            log(f"bench: generated pack of {size:,} items ...")
            folder, texts = large_pack(size, Path(tmp) / f"p{size}", sources)
            asked = questions_for(texts, questions)
            for mode in _modes(size, embed_max, lexical):
                packs.append(pack_row("generated", folder, asked, mode, size))
    result = {"suites": suite_results, "packs": packs, "targets": targets(packs)}
    print(json.dumps(result) if as_json else report(result))
    return 0


def _mode(size: int, embed_max: int, lexical: bool) -> str:
    return "lexical" if lexical or size > embed_max else "hybrid"


def _modes(size: int, embed_max: int, lexical: bool) -> list[str]:
    """Above `embed_max`: lexical, and hybrid with stand-in vectors for its load and memory."""
    if lexical or size <= embed_max:
        return [_mode(size, embed_max, lexical)]
    return ["lexical", STAND_IN]
