"""A scikit-learn gallery-style example that calls sklearn.datasets.fetch_openml,
unchanged, after openml_lite.patch_sklearn(), inside Pyodide (node and Chromium)."""

from __future__ import annotations

import pytest

pytest.importorskip(
    "pytest_pyodide",
    reason="pytest-pyodide is not installed: pip install 'pytest<9' 'pytest-pyodide==0.59.*' selenium",
)

from pytest_pyodide import run_in_pyodide  # noqa: E402


@pytest.mark.driver_timeout(240)
@run_in_pyodide(packages=["scikit-learn"])
def test_gallery_example_runs_through_openml_lite(selenium_openml_lite, mirror_url):
    import os

    import openml_lite

    os.environ["OPENML_LITE_BASE_URL"] = mirror_url  # the local mirror, not openml.org
    openml_lite.patch_sklearn()
    try:
        # ---- the example, as a gallery page writes it (sklearn's API only) ----
        from sklearn.compose import ColumnTransformer
        from sklearn.datasets import fetch_openml
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import train_test_split
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import OneHotEncoder, StandardScaler

        X, y = fetch_openml(data_id=40945, return_X_y=True)
        numeric_features = ["age", "fare"]
        categorical_features = ["embarked", "sex", "pclass"]
        preprocessor = ColumnTransformer([
            ("num", Pipeline([("imputer", SimpleImputer(strategy="median")),
                              ("scaler", StandardScaler())]), numeric_features),
            ("cat", OneHotEncoder(handle_unknown="ignore"), categorical_features),
        ])
        clf = Pipeline([("preprocessor", preprocessor), ("classifier", LogisticRegression())])
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
        clf.fit(X_train, y_train)
        score = clf.score(X_test, y_test)
        # ------------------------------------------------------------------------
        assert 0.7 < score <= 1.0
        assert openml_lite.last_load_report().source == "parquet"  # it went through openml-lite
        assert type(X).__name__ == "DataFrame" and X.shape == (1309, 13)
    finally:
        openml_lite.unpatch_sklearn()
        del os.environ["OPENML_LITE_BASE_URL"]
