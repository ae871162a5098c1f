"""The ARFF path: sparse datasets, parquet that cannot be had, parser="liac-arff".
Each gives sklearn's own result, with an ArffFallbackWarning that says why."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

import openml_lite
from compare import assert_same
from support import SPARSE, RewritingTransport
from test_parity import _call, _assert_parity

SPARSE_IDS = sorted({d["data_id"] for d in SPARSE})


@pytest.mark.parametrize("data_id", SPARSE_IDS)
@pytest.mark.parametrize("as_frame", [False, "auto"])
@pytest.mark.parametrize("return_X_y", [False, True])
def test_sparse_dataset_matches_sklearn(data_id, as_frame, return_X_y, sklearn_at_mirror, mirror_url, data_home):
    import scipy.sparse

    kwargs = dict(data_id=data_id, as_frame=as_frame, return_X_y=return_X_y)
    ref = _call(sklearn_at_mirror, cache=False, **kwargs)
    ours = _call(openml_lite.fetch_openml, base_url=mirror_url, data_home=data_home, **kwargs)
    _assert_parity(ours, ref)
    data = ours[0][0] if return_X_y else ours[0].data
    assert scipy.sparse.issparse(data)
    assert openml_lite.ArffFallbackWarning in ours[2]  # the slow path is never silent
    assert openml_lite.InactiveDatasetWarning in ours[2]  # both recorded sparse sets are deactivated


def test_sparse_dataset_with_as_frame_true_is_refused_like_sklearn(mirror_url, data_home):
    with pytest.raises(ValueError, match="Sparse ARFF datasets cannot be loaded with as_frame=True"), \
            pytest.warns(openml_lite.InactiveDatasetWarning):
        openml_lite.fetch_openml(data_id=SPARSE_IDS[0], as_frame=True, base_url=mirror_url, data_home=data_home)


@pytest.mark.parametrize("status", [403, 404, 410])
def test_missing_parquet_file_falls_back_to_arff(status, sklearn_at_mirror, mirror_url, data_home):
    missing = RewritingTransport(".pq", status)
    with pytest.warns(openml_lite.ArffFallbackWarning, match=f"answered HTTP {status}; reading the ARFF"):
        ours = openml_lite.fetch_openml(data_id=40945, base_url=mirror_url, data_home=data_home,
                                        transport=missing)
    assert missing.rewritten == [f"{mirror_url}/datasets/0004/40945/dataset_40945.pq"]
    ref = sklearn_at_mirror(data_id=40945, cache=False)
    assert_same(dict(ours), dict(ref))


def test_description_without_parquet_url_falls_back_to_arff(sklearn_at_mirror, mirror_url, data_home):
    def drop_parquet_url(response):
        document = json.loads(response.body)
        for key in ("parquet_url", "minio_url"):
            document["data_set_description"].pop(key, None)
        return replace(response, body=json.dumps(document).encode())

    no_url = RewritingTransport("/api/v1/json/data/61", drop_parquet_url)
    with pytest.warns(openml_lite.ArffFallbackWarning, match="no parquet_url"):
        ours = openml_lite.fetch_openml(data_id=61, base_url=mirror_url, data_home=data_home,
                                        transport=no_url, return_X_y=True)
    assert_same(ours, sklearn_at_mirror(data_id=61, cache=False, return_X_y=True))


@pytest.mark.parametrize("as_frame", [True, False])
def test_parser_liac_arff_is_honoured(as_frame, sklearn_at_mirror, mirror_url, data_home):
    # liac-arff gives other dtypes (float64 numerics) and, for arrays, ordinal codes
    with pytest.warns(openml_lite.ArffFallbackWarning, match="parser='liac-arff'"):
        ours = openml_lite.fetch_openml(data_id=2, parser="liac-arff", as_frame=as_frame,
                                        base_url=mirror_url, data_home=data_home)
    ref = sklearn_at_mirror(data_id=2, parser="liac-arff", as_frame=as_frame, cache=False)
    assert_same(dict(ours), dict(ref))
