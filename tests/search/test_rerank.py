"""Tests for kennisbank.search.rerank: the fitted model as data, its scores, order and explanation."""
from __future__ import annotations

import json

import numpy as np

from kennisbank.index import Hit
from kennisbank.search import rerank
from kennisbank.search.features import FEATURES


def test_the_shipped_model_was_fitted_leaving_each_author_group_out():
    raw = json.loads(rerank.MODEL_FILE.read_text(encoding="utf-8"))
    model = rerank.load()
    assert model.features == FEATURES and len(model.weights) == len(FEATURES)
    report = raw["report"]
    assert {"fitted", "groups", "l2", "leave_one_group_out", "within_group_5_fold"} <= set(report)
    held_out = report["leave_one_group_out"]
    assert set(held_out) == {*report["groups"], "mean"} and all(0 < m["ndcg"] <= 1 for m in held_out.values())


def test_contributions_add_up_to_the_score_and_order_is_best_first():
    model = rerank.Model(("a", "b"), (2.0, -1.0), (0.0, 0.0), (1.0, 1.0), bias=0.5, same_document=0.0, repeat=0.0)
    values = {"a": 1.0, "b": 0.5}
    assert model.contributions(values) == {"a": 2.0, "b": -0.5}
    assert model.linear(values) == 0.5 + 2.0 - 0.5
    hits = [Hit({"text": f"tekst {n}", "document_id": str(n)}, 0.0, n) for n in range(3)]
    assert model.scores(np.array([[1.0, 0.5]]), ("a", "b")).tolist() == [model.linear(values)]
    ordered = model.order(hits, np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), ("a", "b"))
    assert [h.docnum for h in ordered] == [1, 0, 2]
    assert all(0 < h.score < 1 for h in ordered) and ordered[0].score > ordered[1].score
