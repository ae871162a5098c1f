"""fetch_openml inside real Pyodide (node and headless Chromium), against the local
OpenML mirror: by id and by name, async and sync, through the JS decoder and through
pyarrow (loaded on demand by openml-lite itself); each result equals what CPython's
openml-lite returns for the same call (which tests/test_parity.py ties to sklearn)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip(
    "pytest_pyodide",
    reason="pytest-pyodide is not installed: pip install 'pytest<9' 'pytest-pyodide==0.59.*' selenium",
)

from pytest_pyodide import run_in_pyodide  # noqa: E402

import openml_lite  # noqa: E402

FINGERPRINT_SOURCE = (Path(__file__).parent / "fingerprint.py").read_text()
exec(FINGERPRINT_SOURCE)  # defines fingerprint() here too  # noqa: S102

CALLS = {
    "id": {"data_id": 40945},  # Titanic: nominal, numeric with NaN, strings with NaN
    "name": {"name": "iris", "version": 1},
}


@run_in_pyodide
async def _load(selenium, source, base_url, kwargs, engine, how):
    exec(source, globals())
    import openml_lite

    call = dict(kwargs, base_url=base_url, engine=engine, cache=False)
    if how == "async":
        result = await openml_lite.fetch_openml_async(**call)
    else:
        result = openml_lite.fetch_openml(**call)  # blocks through JSPI (run_sync)
    return fingerprint(dict(result))  # noqa: F821 (from source)


@pytest.mark.driver_timeout(180)  # the first pyarrow test loads pyarrow (10+ s in Node)
@pytest.mark.parametrize("engine", ["js", "pyarrow"])
@pytest.mark.parametrize("how", ["async", "sync"])
@pytest.mark.parametrize("lookup", list(CALLS))
def test_fetch_equals_cpython(selenium_openml_lite, mirror_url, lookup, how, engine):
    call = CALLS[lookup]
    expected = fingerprint(dict(openml_lite.fetch_openml(base_url=mirror_url, cache=False, **call)))  # noqa: F821
    got = _load(selenium_openml_lite, FINGERPRINT_SOURCE, mirror_url, call, engine, how)
    assert got == expected


@pytest.mark.driver_timeout(180)
@run_in_pyodide(packages=["scikit-learn"])
async def test_fit_an_estimator_on_loaded_data(selenium_openml_lite, mirror_url):
    import openml_lite
    from sklearn.compose import make_column_selector, make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    X, y = await openml_lite.fetch_openml_async(data_id=61, base_url=mirror_url, return_X_y=True)
    model = LogisticRegression(max_iter=500).fit(X, y)
    assert model.score(X, y) > 0.9

    titanic = await openml_lite.fetch_openml_async(data_id=40945, base_url=mirror_url)
    X = titanic.data[["pclass", "sex", "sibsp", "parch", "embarked"]]
    pipeline = make_pipeline(
        make_column_transformer(
            (OneHotEncoder(handle_unknown="ignore"), make_column_selector(dtype_include="category")),
            remainder="passthrough",
        ),
        LogisticRegression(max_iter=500),
    ).fit(X, titanic.target)
    assert pipeline.score(X, titanic.target) > 0.7


@run_in_pyodide
async def test_auto_engine_is_the_js_decoder_even_with_pyarrow_loaded(selenium_openml_lite):
    """The JS decoder was faster than pyarrow on every benchmarked file, loaded or not
    (and it reads synchronously, so every runtime takes it); a loaded Python engine
    comes next."""
    import sys

    import openml_lite

    engines = openml_lite.available_engines()
    assert engines[0] == "js"
    if "pyarrow" in sys.modules:  # an earlier test of this module loaded it
        assert engines[1] == "pyarrow"
    assert "polars" not in engines


@pytest.mark.pyodide_packages("polars")
@run_in_pyodide(packages=["polars"])
async def test_polars_in_pyodide_is_detected_as_unable_to_read_parquet(selenium_openml_lite):
    # pola-rs/polars#20876: the wasm build imports but has no parquet reader
    from openml_lite.engines import load_engine

    assert not load_engine("polars").works()


@pytest.mark.pyodide_packages("fastparquet")
@run_in_pyodide(packages=["fastparquet"])
async def test_fastparquet_engine_in_pyodide(selenium_openml_lite, mirror_url):
    import openml_lite

    bunch = await openml_lite.fetch_openml_async(data_id=61, base_url=mirror_url, engine="fastparquet")
    assert bunch.frame.shape == (150, 5)


@run_in_pyodide
async def test_progress_while_fetching_in_pyodide(selenium_openml_lite, mirror_url):
    import openml_lite

    seen = []
    await openml_lite.fetch_openml_async(data_id=40945, base_url=mirror_url, cache=False,
                                         progress=lambda received, total: seen.append((received, total)))
    size = openml_lite.last_load_report().data_bytes
    assert seen[-1] == (size, size)
    assert all(received <= size for received, _ in seen)
    assert openml_lite.last_load_report().engine in ("js", "pyarrow")


@pytest.mark.driver_timeout(180)  # the ARFF path loads scikit-learn
@run_in_pyodide
async def test_progress_of_a_gzipped_arff_never_passes_its_total(selenium_openml_lite, mirror_url):
    """The mirror gzips ARFF and (like openml.org) does not expose Content-Encoding to
    pages: Content-Length is then the compressed size, no total for decoded bytes."""
    import warnings

    import openml_lite

    seen = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", openml_lite.ArffFallbackWarning)
        await openml_lite.fetch_openml_async(
            data_id=40945, base_url=mirror_url, cache=False, parser="liac-arff",
            progress=lambda received, total: seen.append((received, total)))
    size = openml_lite.last_load_report().data_bytes
    assert seen[-1] == (size, size)
    assert all(total is None or received <= total for received, total in seen), seen
