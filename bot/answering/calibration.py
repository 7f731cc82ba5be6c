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


def _logistic(weights: dict[str, float], bias: float, inputs: dict[str, float]) -> float:
    """sigmoid(bias + sum of weight * input); inputs missing count as 0. Both stages use it."""
    z = bias + sum(w * inputs.get(k, 0.0) for k, w in weights.items())
    if z < -30:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


def answer_inputs(
    features: dict[str, float], best: float, runner_up: float, lookup: bool
) -> dict[str, float]:
    """What the second stage reads of a question: its best candidate and how far it leads.

    `best` and `runner_up` are the first stage's probabilities of the two best candidates.
    """
    clipped = min(max(best, 1e-6), 1 - 1e-6)
    return {
        **features,
        "best_logit": math.log(clipped / (1 - clipped)),
        "runner_up": runner_up,
        "lead": best - runner_up,
        "lookup_best": best if lookup else 0.0,
    }


@dataclass(frozen=True)
class AnswerModel:
    """The second stage: whether the best candidate is the right answer to this question.

    The first stage scores every candidate against all the others, easy ones included; this one
    is fitted only on each development question's best candidate, so it learns what tells a right
    best from a wrong one (the lead over the runner-up, an unknown word, a named entry) and its
    output is the probability that the answer shown is right. On held-out subjects (each left out
    of the fit in turn) it answered about a fifth more questions at the same wrong rate.
    """

    weights: dict[str, float]
    bias: float

    def probability(self, inputs: dict[str, float]) -> float:
        """`inputs` as `answer_inputs` makes them."""
        return _logistic(self.weights, self.bias, inputs)

    def as_json(self) -> dict[str, object]:
        return {"weights": self.weights, "bias": self.bias}


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
    answer: AnswerModel | None = None
    """The second stage, which gives the confidence that the best candidate is the answer; the
    threshold applies to its output. Without one, the best candidate's own probability."""

    def probability(self, features: dict[str, float]) -> float:
        """The first stage: how likely this candidate is the answer, ranked among the others."""
        return _logistic(self.weights, self.bias, features)

    def sure(
        self, features: dict[str, float], best: float, runner_up: float, lookup: bool
    ) -> float:
        """How likely the best candidate (first-stage probability `best`) is the right answer."""
        if self.answer is None:
            p = best
        else:
            p = self.answer.probability(answer_inputs(features, best, runner_up, lookup))
        return max(p, self.lookup) if lookup and self.lookup else p

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "weights": self.weights,
            "bias": self.bias,
            "threshold": self.threshold,
            "suggest": self.suggest,
            "lookup": self.lookup,
        }
        if self.answer is not None:
            out["answer"] = self.answer.as_json()
        return out


def _model(data: dict[str, object]) -> LogisticModel:
    return LogisticModel(
        weights=_weights(data),
        bias=float(data["bias"]),  # type: ignore[arg-type]
        threshold=float(data["threshold"]),  # type: ignore[arg-type]
        suggest=float(data["suggest"]),  # type: ignore[arg-type]
        lookup=float(data.get("lookup", 0.0)),  # type: ignore[arg-type]
        answer=_answer(data["answer"]) if "answer" in data else None,  # type: ignore[arg-type]
    )


def _answer(data: dict[str, object]) -> AnswerModel:
    return AnswerModel(weights=_weights(data), bias=float(data["bias"]))  # type: ignore[arg-type]


def _weights(data: dict[str, object]) -> dict[str, float]:
    return {str(k): float(v) for k, v in dict(data["weights"]).items()}  # type: ignore[call-overload]


def load(path: Path = CALIBRATION_FILE) -> tuple[LogisticModel, LogisticModel]:
    """The hybrid and the lexical-only model."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return _model(data["hybrid"]), _model(data["lexical"])


MODEL, LEXICAL_MODEL = load()
