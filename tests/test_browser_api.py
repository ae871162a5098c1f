"""openml_lite.browser_api, the Python side of web/openml-lite.js (loadOpenML, planOpenML), on
CPython against the local mirror: the JSON a page gets (summary, preview, columns, report,
warnings; the plan; errors as type and text, a DatasetTooLargeError with its ways out)."""

from __future__ import annotations

import asyncio
import json
import math

import numpy as np
import pandas as pd
import pytest

from openml_lite import browser_api


def _load(**arguments):
    progress = []
    text, bunch = asyncio.run(browser_api.load(json.dumps({"cache": False, **arguments}),
                                               lambda received, total: progress.append((received, total)),
                                               True, 5, 3))
    return json.loads(text), bunch, progress


def test_load_summarises_titanic(mirror_url):
    summary, bunch, _ = _load(data_id=40945, base_url=mirror_url)
    assert summary["id"] == 40945 and summary["name"] == "Titanic" and summary["shape"] == [1309, 14]
    assert summary["targetNames"] == ["survived"]
    assert summary["preview"]["columns"] == list(bunch.frame.columns) and len(summary["preview"]["rows"]) == 5
    assert summary["preview"]["rows"][0][summary["preview"]["columns"].index("name")] == bunch.frame["name"].iloc[0]
    columns = {c["name"]: c for c in summary["columns"]}
    assert columns["survived"]["role"] == "target" and columns["survived"]["kind"] == "categorical"
    assert columns["embarked"]["categories"] == ["C", "Q", "S"] and columns["embarked"]["nCategories"] == 3
    assert columns["age"]["missing"] == int(bunch.frame["age"].isna().sum()) and columns["age"]["kind"] == "numeric"
    assert columns["name"]["kind"] == "string"
    report = summary["report"]
    assert report["source"] == "parquet" and report["dataId"] == 40945 and report["dataBytes"] > 0
    assert set(report["seconds"]) >= {"metadata", "download", "decode", "convert", "total"}


def test_numpy_output_previews_data_and_target(mirror_url):
    summary, bunch, _ = _load(data_id=61, base_url=mirror_url, as_frame=False)
    assert summary["shape"] == [150, 5] and summary["preview"]["columns"][-1] == "class"
    assert summary["columns"][0]["missing"] is None  # (no frame: counted on the preview only)
    np.testing.assert_allclose([row[0] for row in summary["preview"]["rows"]], bunch.data[:5, 0])


def test_errors_come_as_type_and_text(mirror_url):
    summary, bunch, _ = _load(data_id=999999, base_url=mirror_url)
    assert bunch is None and summary["error"]["type"] == "DatasetNotFoundError"
    assert "999999" in summary["error"]["message"] and "Traceback" not in summary["error"]["message"]


def test_too_large_gives_its_numbers_and_ways(mirror_url):
    """The generated mnist shape with a limit between what sklearn's dtypes and the file's
    own (dtypes="openml") need: the error, its numbers, the ways out (those said to fit do)."""
    import openml_lite

    def estimate(**arguments):  # (exact: the footer read; the page's plan gives a range)
        return openml_lite.memory_plan(data_id=990002, base_url=mirror_url, max_memory=10**15, exact=True,
                                       cache=False, **arguments).estimate

    wide, narrow = estimate(), estimate(dtypes="openml")
    assert narrow.high < wide.low
    limit = (narrow.high + wide.low) // 2
    summary, _, _ = _load(data_id=990002, base_url=mirror_url, max_memory=limit)
    error = summary["error"]
    assert error["type"] == "DatasetTooLargeError" and error["room"]["total"] == limit
    assert error["estimate"]["low"] > limit
    fitting = [way for way in error["ways"] if way["fits"]]
    assert fitting and all(way["estimate"]["high"] <= limit for way in fitting), error["ways"]
    assert any(way["arguments"].get("dtypes") == "openml" for way in error["ways"]), error["ways"]


def test_plan(mirror_url):
    found = json.loads(asyncio.run(browser_api.plan(json.dumps({"data_id": 40945, "base_url": mirror_url}))))
    assert found["id"] == 40945 and found["name"] == "Titanic" and found["rows"] == 1309
    assert found["verdict"] == "fits" and found["estimate"]["low"] <= found["estimate"]["high"]


@pytest.mark.parametrize("value, cell", [
    (None, None), (np.int64(3), 3), (np.float64(float("nan")), None), (pd.NA, None),
    (float("inf"), "inf"), ("text", "text"), (True, True), (pd.Timestamp("2020-01-02"), "2020-01-02T00:00:00"),
])
def test_cells_are_json(value, cell):
    assert browser_api._cell(value) == cell
    json.dumps(browser_api._cell(value))  # (never NaN: not JSON)
    assert not (isinstance(cell, float) and math.isnan(cell))
