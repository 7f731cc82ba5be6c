"""The answer model: features of a candidate -> the probability that it is the right answer.

A logistic regression, fitted by `tools/fit_calibration.py` on the development questions of several
packs in different subjects (never on the held-out halves), and shipped as constants in
`calibration.json` beside this file. Because it is fitted on whether the answer was right, its
output is a probability in the plain sense: of the answers given at confidence 0.8, about eight in
ten are right (the reliability table is in docs/answering.md). The answer threshold is chosen on
the same development questions so that wrong answers stay at or under 2 %.

Two models ship: one for the hybrid matcher and one for the lexical-only mode (no semantic
features), since a probability is only calibrated for the signals it was fitted with.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")


@dataclass(frozen=True)
class LogisticModel:
    """sigmoid(bias + sum of weight * feature); features missing from a candidate count as 0."""

    weights: dict[str, float]
    bias: float
    threshold: float
    """Answer outright at or above this probability."""
    suggest: float
    """Offer a candidate as a "did you mean" choice at or above this probability."""
    lookup: float = 0.0
    """How often a question that is nothing but one entry's name ("ER?", "what's a remote") was
    right when answered with that entry, on the development questions. Such a question is a
    lookup, answered like `/define`; this observed rate is its confidence when the model's
    own figure is lower (a linear model cannot single out this case without hurting others)."""

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(w * features.get(k, 0.0) for k, w in self.weights.items())
        if z < -30:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))

    def as_json(self) -> dict[str, object]:
        return {
            "weights": self.weights,
            "bias": self.bias,
            "threshold": self.threshold,
            "suggest": self.suggest,
            "lookup": self.lookup,
        }


def _model(data: dict[str, object]) -> LogisticModel:
    return LogisticModel(
        weights={str(k): float(v) for k, v in dict(data["weights"]).items()},  # type: ignore[call-overload]
        bias=float(data["bias"]),  # type: ignore[arg-type]
        threshold=float(data["threshold"]),  # type: ignore[arg-type]
        suggest=float(data["suggest"]),  # type: ignore[arg-type]
        lookup=float(data.get("lookup", 0.0)),  # type: ignore[arg-type]
    )


def load(path: Path = CALIBRATION_FILE) -> tuple[LogisticModel, LogisticModel]:
    """The hybrid and the lexical-only model."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return _model(data["hybrid"]), _model(data["lexical"])


MODEL, LEXICAL_MODEL = load()
