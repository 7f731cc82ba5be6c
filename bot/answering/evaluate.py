"""Run a file of questions with known answers through the matcher: the pack author's accuracy test.

A question file is a YAML list of `{question: "...", expect: <entry id> | none}`. `none` marks a
question the pack must *not* answer, which is how abstention is measured next to accuracy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.answering.answers import Answerer


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
    misses: list[Miss] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0

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
        result.total += 1
        if expected == "none":
            result.offtopic += 1
            result.offtopic_abstained += got == "none"
        if got in expected.split("|"):
            result.right += 1
        else:
            result.misses.append(Miss(question, expected, got, reply.confidence))
    return result
