"""The demo page's model (index.html, web/app.js's "Fit a model"): a scikit-learn pipeline fitted
on a loaded Bunch in the browser, scored by 5-fold cross-validation, the result as JSON.

Classification (a categorical / string / boolean target): LogisticRegression; regression:
Ridge. Categorical and low-cardinality string columns are imputed and one-hot encoded,
numeric ones imputed and scaled; free-text columns (> MAX_LEVELS distinct values) are left
out. At most MAX_ROWS rows and MAX_CELLS cells (a random sample beyond that, so the tab does
not freeze for long: Python runs on the page's thread). Imports scikit-learn: the page loads
it first. Tested on CPython (tests/test_demo_fit.py).
"""

from __future__ import annotations

import json
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

MAX_ROWS, MAX_CELLS, MAX_LEVELS = 10_000, 2_000_000, 50


def _is_categorical(dtype):
    return isinstance(dtype, pd.CategoricalDtype) or dtype == object or pd.api.types.is_bool_dtype(dtype)


def fit(bunch):
    started = time.perf_counter()
    y = bunch.get("target")
    if y is None:
        raise ValueError("this dataset has no default target, so there is nothing to predict")
    if isinstance(y, pd.DataFrame) or (isinstance(y, np.ndarray) and y.ndim == 2):
        y = pd.DataFrame(y)
        if y.shape[1] != 1:
            raise ValueError(f"this dataset has {y.shape[1]} target columns; the demo fits one target")
        y = y.iloc[:, 0]
    y = y if isinstance(y, pd.Series) else pd.Series(np.asarray(y))
    X = bunch.data
    if not isinstance(X, pd.DataFrame):  # as_frame=False (sparse ARFF): a numeric matrix
        X = pd.DataFrame(X.toarray() if hasattr(X, "toarray") else np.asarray(X, dtype=float),
                         columns=[str(c) for c in bunch.feature_names])
    keep = (~y.isna()).to_numpy()
    X, y = X[keep].reset_index(drop=True), y[keep].reset_index(drop=True)
    limit = max(100, min(MAX_ROWS, MAX_CELLS // max(1, X.shape[1])))
    sampled = len(X) > limit
    if sampled:
        rows = np.random.default_rng(0).choice(len(X), limit, replace=False)
        X, y = X.iloc[rows].reset_index(drop=True), y.iloc[rows].reset_index(drop=True)

    categorical, numeric, dropped = [], [], []
    X = X.copy()
    for column in X.columns:
        values = X[column]
        if _is_categorical(values.dtype):
            if values.nunique(dropna=True) <= MAX_LEVELS:
                X[column] = values.astype(object).map(lambda v: np.nan if pd.isna(v) else str(v))
                categorical.append(column)
            else:
                dropped.append(column)
        elif pd.api.types.is_numeric_dtype(values.dtype):
            X[column] = values.astype("float64")
            numeric.append(column)
        else:
            dropped.append(column)
    if not categorical and not numeric:
        raise ValueError("no usable feature columns")

    classification = _is_categorical(y.dtype)
    if classification:
        y = y.astype(object).map(str)
        counts = y.value_counts()
        if len(counts) < 2:
            raise ValueError("the target has a single class: nothing to learn")
        model, scoring = LogisticRegression(max_iter=1000), "accuracy"
        cv = StratifiedKFold(n_splits=min(5, len(y) // 2), shuffle=True, random_state=0)
        baseline = float(counts.iloc[0] / len(y))
    else:
        y = y.astype("float64")
        model, scoring = Ridge(alpha=1.0), "r2"
        cv = KFold(n_splits=min(5, len(y) // 2), shuffle=True, random_state=0)
        baseline = 0.0
    preprocess = ColumnTransformer([
        ("categorical", make_pipeline(SimpleImputer(strategy="most_frequent"),
                                      OneHotEncoder(handle_unknown="ignore")), categorical),
        ("numeric", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
    ])
    pipeline = make_pipeline(preprocess, model)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scores = cross_val_score(pipeline, X, y, cv=cv, scoring=scoring)
    return json.dumps({
        "task": "classification" if classification else "regression",
        "model": type(model).__name__, "scoring": scoring,
        "scores": [float(s) for s in scores], "mean": float(np.mean(scores)), "std": float(np.std(scores)),
        "baseline": baseline, "rows": int(len(X)), "sampled": sampled, "folds": cv.get_n_splits(),
        "categorical": [str(c) for c in categorical], "numeric": [str(c) for c in numeric],
        "dropped": [str(c) for c in dropped], "seconds": time.perf_counter() - started,
        "warnings": sorted({str(w.message).splitlines()[0][:200] for w in caught}),
    })
