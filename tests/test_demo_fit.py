"""openml_lite.demo_fit, the demo page's "Fit a model", on CPython: a classification (Titanic)
and a regression (cpu) give cross-validated scores above their baselines; what cannot be
fitted says why."""

from __future__ import annotations

import json

import pytest

import openml_lite
from openml_lite import demo_fit


def test_classification_beats_the_majority_class(mirror_url):
    bunch = openml_lite.fetch_openml(data_id=40945, base_url=mirror_url, cache=False)
    fit = json.loads(demo_fit.fit(bunch))
    assert fit["task"] == "classification" and fit["model"] == "LogisticRegression" and fit["folds"] == 5
    assert fit["mean"] > fit["baseline"] > 0.5
    assert "name" in fit["dropped"] and "sex" in fit["categorical"] and "age" in fit["numeric"]


def test_regression(mirror_url):
    bunch = openml_lite.fetch_openml(data_id=561, base_url=mirror_url, cache=False)
    fit = json.loads(demo_fit.fit(bunch))
    assert fit["task"] == "regression" and fit["model"] == "Ridge" and fit["scoring"] == "r2"
    assert fit["mean"] > 0.5 and len(fit["scores"]) == fit["folds"]


def test_no_target_says_so(mirror_url):
    bunch = openml_lite.fetch_openml(data_id=40945, base_url=mirror_url, cache=False, target_column=None)
    with pytest.raises(ValueError, match="no default target"):
        demo_fit.fit(bunch)
