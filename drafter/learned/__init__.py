"""Fitted models that decide how far a draft can be trusted.

Each model is a logistic regression over named evidence features, fitted by `bench/fit_models.py`
on labelled questions of several evaluation sets and stored here as JSON (weights, bias, feature
scaling and the decision threshold), so that drafting needs no training library and every decision
can be traced to a few readable numbers. Refit after changing a feature: the script prints every
figure leave-one-set-out, so no reported number comes from the set the model was fitted on.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class LinearModel:
    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    means: tuple[float, ...]
    scales: tuple[float, ...]
    threshold: float = 0.5
    """For decisions: the probability from which the positive outcome is taken (chosen when fitting)."""

    def probability(self, values: Mapping[str, float]) -> float:
        z = self.bias + sum(
            w * (values[name] - mean) / scale
            for name, w, mean, scale in zip(self.features, self.weights, self.means, self.scales, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict:
        return {
            "features": list(self.features),
            "weights": [round(w, 6) for w in self.weights],
            "bias": round(self.bias, 6),
            "means": [round(m, 6) for m in self.means],
            "scales": [round(s, 6) for s in self.scales],
            # rounded down: the draft whose probability set the threshold must still pass it
            "threshold": math.floor(self.threshold * 10_000) / 10_000,
        }

    @classmethod
    def from_json(cls, data: Mapping) -> LinearModel:
        return cls(
            features=tuple(data["features"]),
            weights=tuple(data["weights"]),
            bias=float(data["bias"]),
            means=tuple(data["means"]),
            scales=tuple(data["scales"]),
            threshold=float(data.get("threshold", 0.5)),
        )


@cache
def load_model(name: str) -> LinearModel:
    """A fitted model shipped with the code (`outcome`)."""
    return LinearModel.from_json(json.loads((_HERE / f"{name}.json").read_text(encoding="utf-8")))


def model_path(name: str) -> Path:
    return _HERE / f"{name}.json"
