"""patch_sklearn(): unmodified scikit-learn code loads through openml-lite."""

from __future__ import annotations

import sklearn.datasets
import sklearn.datasets._openml

import openml_lite
from compare import assert_same


def test_patch_and_unpatch(monkeypatch, mirror_url, mirror_log):
    original = sklearn.datasets.fetch_openml
    monkeypatch.setenv("OPENML_LITE_BASE_URL", mirror_url)
    openml_lite.patch_sklearn()
    try:
        from sklearn.datasets import fetch_openml  # what gallery examples write

        assert fetch_openml is openml_lite.fetch_openml
        assert sklearn.datasets._openml.fetch_openml is openml_lite.fetch_openml
        titanic = fetch_openml(data_id=40945, as_frame=True, parser="auto", cache=False)
        assert "/datasets/0004/40945/dataset_40945.pq" in mirror_log.paths()  # parquet, not ARFF
        openml_lite.patch_sklearn()  # twice is harmless
    finally:
        openml_lite.unpatch_sklearn()
    assert sklearn.datasets.fetch_openml is original
    assert not openml_lite.patch.is_patched()
    assert_same(dict(titanic), dict(openml_lite.fetch_openml(data_id=40945, cache=False)))
