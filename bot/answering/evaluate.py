"""Run questions with known answers through the answerer: the pack author's accuracy test.

A question file is a YAML list of `{question: "...", expect: <entry id> | none}`. `none` marks a
question the pack must *not* answer, which is how abstention is measured next to accuracy. A
suites file names several packs, each with a development and a held-out question file, so one
table shows how the bot does across subjects (`studybot kb eval --suites FILE`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from bot.answering.answers import Answerer
from bot.packs.model import Pack


@dataclass(frozen=True)
class Miss:
    question: str
    expected: str
    got: str
    confidence: float

    def __str__(self) -> str:
        return (
            f"{self.question!r}: expected {self.expected}, got {self.got} ({self.confidence:.2f})"
        )


@dataclass
class EvalResult:
    total: int = 0
    right: int = 0
    offtopic: int = 0
    offtopic_abstained: int = 0
    wrong: int = 0
    """Answered, with an entry that does not answer the question (off-topic ones included)."""
    offered: int = 0
    """Answerable, declined, with the right entry among the choices offered."""
    misses: list[Miss] = field(default_factory=list)

    @property
    def answerable(self) -> int:
        return self.total - self.offtopic

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0

    @property
    def answerable_right(self) -> float:
        """Right answers among the questions the pack can answer."""
        right = self.right - self.offtopic_abstained
        return right / self.answerable if self.answerable else 0.0

    @property
    def wrong_rate(self) -> float:
        return self.wrong / self.total if self.total else 0.0

    @property
    def offtopic_declined(self) -> float:
        return self.offtopic_abstained / self.offtopic if self.offtopic else 1.0

    def report(self) -> str:
        lines = [
            f"questions: {self.total}",
            f"accuracy: {self.accuracy:.1%} ({self.right}/{self.total})",
            f"off-topic abstained: {self.offtopic_abstained}/{self.offtopic}",
        ]
        if self.misses:
            lines.append(f"misses ({len(self.misses)}):")
            lines.extend(f"  {m}" for m in self.misses)
        return "\n".join(lines)


def load_questions(path: Path) -> list[tuple[str, str]]:
    """Read a question file; raise ValueError with the position of anything malformed.

    `expect` may be a list when more than one entry holds a right answer; it is kept as `a|b`.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and "questions" in data:
        data = data["questions"]
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of {{question, expect}}")
    out = []
    for n, row in enumerate(data, start=1):
        if not isinstance(row, dict) or not isinstance(row.get("question"), str):
            raise ValueError(f"{path}: item {n}: needs `question` (text) and `expect`")
        expect = row.get("expect")
        if isinstance(expect, list):  # several entries hold an acceptable answer
            expect = "|".join(str(e) for e in expect)
        out.append((row["question"], "none" if expect in (None, False, "none") else str(expect)))
    return out


def evaluate(answerer: Answerer, questions: list[tuple[str, str]]) -> EvalResult:
    """Right = answered with the expected entry, or abstained on a `none` question."""
    result = EvalResult()
    for question, expected in questions:
        reply = answerer.ask(question)
        got = reply.answer.entry if reply.answer else "none"
        wanted = expected.split("|")
        result.total += 1
        if expected == "none":
            result.offtopic += 1
            result.offtopic_abstained += got == "none"
        if got in wanted:
            result.right += 1
        else:
            result.misses.append(Miss(question, expected, got, reply.confidence))
            if got != "none":
                result.wrong += 1
            elif any(alt.entry in wanted for alt in reply.alternatives):
                result.offered += 1
    return result


@dataclass(frozen=True)
class Suite:
    """One pack with its development and held-out questions."""

    name: str
    pack: Path
    dev: Path
    heldout: Path
    strip_asks: bool = False
    fit: bool = True
    """Whether the answer model is fitted on this suite's development half. A suite kept out
    (`fit: false`) measures the bot on a subject the model never saw, both halves."""


def load_suites(path: Path) -> list[Suite]:
    """Read a suites file (see tests/eval/suites.yaml); paths are relative to it."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = data.get("suites") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise ValueError(f"{path}: expected `suites:` with a list of {{name, pack, dev, heldout}}")
    suites = []
    for n, row in enumerate(rows, start=1):
        try:
            suites.append(
                Suite(
                    name=str(row["name"]),
                    pack=(path.parent / row["pack"]).resolve(),
                    dev=(path.parent / row["dev"]).resolve(),
                    heldout=(path.parent / row["heldout"]).resolve(),
                    strip_asks=bool(row.get("strip_asks", False)),
                    fit=bool(row.get("fit", True)),
                )
            )
        except (KeyError, TypeError) as err:
            raise ValueError(
                f"{path}: suite {n}: needs name, pack, dev and heldout ({err})"
            ) from err
    return suites


def without_asks(pack: Pack) -> Pack:
    """The pack as if its author had written no `asks`: how a new study group's pack starts."""
    entries = {
        eid: replace(
            e,
            asks=(),
            definition=replace(e.definition, asks=()) if e.definition else None,
            facts=tuple(replace(f, asks=()) for f in e.facts),
        )
        for eid, e in pack.entries.items()
    }
    return replace(pack, entries=entries, items_by_id={})


def table(rows: list[tuple[str, int, EvalResult]]) -> str:
    """The accuracy table of the README: one row per suite and split."""
    lines = [
        (
            "| pack | questions | right (answerable) | wrong | declined, right entry offered "
            "| off-topic declined |"
        ),
        "|---|---|---|---|---|---|",
    ]
    for name, _count, r in rows:
        lines.append(
            f"| {name} | {r.total} ({r.offtopic} off-topic) | {r.answerable_right:.1%} "
            f"| {r.wrong} ({r.wrong_rate:.1%}) | {r.offered} | {r.offtopic_declined:.0%} |"
        )
    return "\n".join(lines)


def suite_answerer(suite: Suite, cache_dir: Path | None, *, semantic: bool = True) -> Answerer:
    """The answerer for a suite's pack (without its `asks` when the suite says so), cached."""
    from bot.packs.cache import index_pack, load_cached

    pack = load_cached(suite.pack, cache_dir)
    if suite.strip_asks:
        pack = without_asks(pack)
    if not semantic:
        from bot.answering.matcher import Matcher

        return Answerer(pack, matcher=Matcher(pack))
    return Answerer(pack, matcher=index_pack(pack, cache_dir))


def run_suites(
    suites: list[Suite], splits: list[str], cache_dir: Path | None, *, semantic: bool = True
) -> list[tuple[str, int, EvalResult]]:
    """Every suite on the chosen splits (`dev`, `heldout`), as rows for `table`."""
    rows = []
    for suite in suites:
        answerer = suite_answerer(suite, cache_dir, semantic=semantic)
        for split in splits:
            questions = load_questions(getattr(suite, split))
            rows.append((f"{suite.name} ({split})", len(questions), evaluate(answerer, questions)))
    return rows
