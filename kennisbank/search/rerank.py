"""Stage 2 of a search: weigh each candidate's features with the fitted model and order the candidates.

The weights are data (ranker.json beside this module), written by bench/fit_ranker.py from the three judged
author groups, with the date, groups and the leave-one-group-out scores they were fitted on; never typed in. A
ridge pulls every weight but the base's (coverage of the query's concepts) toward zero, so on a collection unlike
the judged ones the order degrades to the base's.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from kennisbank.search import rank
from kennisbank.search.features import FEATURES

MODEL_FILE = Path(__file__).with_name("ranker.json")


@dataclass(frozen=True)
class Model:
    """A linear model over standardised features: score = bias + sum(weight * (value - mean) / scale)."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    bias: float = 0.0
    same_document: float = rank.SAME_DOCUMENT  # diversity, in score units (see rank.spread)
    repeat: float = rank.REPEAT

    def contributions(self, values: dict[str, float]) -> dict[str, float]:
        """Each feature's part of the score (what --explain shows)."""
        return {name: w * (values.get(name, 0.0) - m) / s
                for name, w, m, s in zip(self.features, self.weights, self.means, self.scales)}

    def linear(self, values: dict[str, float]) -> float:
        """The model's score of one candidate: higher is more likely to answer the query."""
        return self.bias + sum(self.contributions(values).values())

    def scores(self, values: np.ndarray, names: tuple[str, ...] = FEATURES) -> np.ndarray:
        """The model's score of each candidate (a row of `values`, whose columns are `names`) in one product."""
        columns = np.array([names.index(f) for f in self.features], dtype=np.int64)
        standard = (values[:, columns] - np.array(self.means)) / np.array(self.scales)
        return self.bias + standard @ np.array(self.weights)

    def order(self, hits: list[Any], values: np.ndarray, names: tuple[str, ...] = FEATURES) -> list[Any]:
        """Hits best first by the model, spread over documents; each hit's score becomes the model's, 0 to 1.
        `values`: the hits' features, one row each, one column per name."""
        linear = {id(h): float(v) for h, v in zip(hits, self.scores(values, names))}
        ordered = sorted(hits, key=lambda h: -linear[id(h)])
        out = rank.spread(ordered, lambda h: linear[id(h)], same_document=self.same_document, repeat=self.repeat)
        for hit in out:
            hit.score = 1 / (1 + math.exp(-max(-30.0, min(30.0, linear[id(hit)]))))
        return out

    def as_dict(self) -> dict:
        """The model as ranker.json holds it (without the fitting report)."""
        return {"features": list(self.features), "weights": list(self.weights), "means": list(self.means),
                "scales": list(self.scales), "bias": self.bias, "same_document": self.same_document,
                "repeat": self.repeat}


@lru_cache(maxsize=4)
def load(path: Path = MODEL_FILE) -> Model:
    """The fitted model."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return Model(tuple(raw["features"]), tuple(raw["weights"]), tuple(raw["means"]), tuple(raw["scales"]),
                 float(raw.get("bias", 0.0)), float(raw["same_document"]), float(raw["repeat"]))
