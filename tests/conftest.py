"""Shared test ground: a local OpenML mirror built from scikit-learn's recorded responses.

.ci/run starts the mirror as its own server and exports OPENML_LITE_TEST_MIRROR (URL)
and OPENML_LITE_TEST_MIRROR_DIR; run alone, pytest builds and serves one itself.
Nothing here touches the internet.
"""

from __future__ import annotations

import os

import pytest

from openml_lite.mirror import MirrorServer, build_mirror
from openml_lite.mirror.faults import Rule
from openml_lite.mirror.synthetic import add_synthetic
from support import SYNTHETIC_MNIST_ROWS, MirrorLog, point_sklearn_at


@pytest.fixture(scope="session")
def mirror_dir(tmp_path_factory):
    given = os.environ.get("OPENML_LITE_TEST_MIRROR_DIR")
    if given:
        return given
    folder = tmp_path_factory.mktemp("mirror")
    build_mirror(folder)
    add_synthetic(folder, mnist_rows=SYNTHETIC_MNIST_ROWS)
    return str(folder)


@pytest.fixture(scope="session")
def mirror_url(mirror_dir):
    given = os.environ.get("OPENML_LITE_TEST_MIRROR")
    if given:
        yield given.rstrip("/")
        return
    with MirrorServer(mirror_dir) as server:
        yield server.url


@pytest.fixture
def data_home(tmp_path):
    return str(tmp_path / "data_home")


@pytest.fixture
def sklearn_at_mirror(monkeypatch, mirror_url):
    """sklearn.datasets.fetch_openml pointed at the mirror."""
    return point_sklearn_at(monkeypatch, mirror_url)


@pytest.fixture
def mirror_log(mirror_url):
    log = MirrorLog(mirror_url)
    log.reset()
    return log




@pytest.fixture(scope="module")
def faulty(mirror_dir):
    """A mirror of the module's own, whose faults touch no other test module."""
    with MirrorServer(mirror_dir) as server:
        yield server


@pytest.fixture(scope="module")
def fault_variant(mirror_dir, tmp_path_factory):
    """The fault table's other mirror (tests/fault_cases.py): iris's parquet file lacks a column."""
    from fault_cases import make_variant_mirror

    with MirrorServer(make_variant_mirror(mirror_dir, tmp_path_factory.mktemp("variant"))) as server:
        yield server


@pytest.fixture
def inject(faulty):
    """inject("REGEX KIND[:ARG] [xN]", ...): the faulty mirror's rules for one test."""

    def set_rules(*specs):
        faulty.faults.replace([Rule.from_spec(spec) for spec in specs])

    faulty.reset_requests()
    yield set_rules
    faulty.faults.replace([])


# -- the fault table (tests/fault_cases.py): each case's outcome in each runtime --------------------

_fault_outcomes: dict = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    case = getattr(getattr(item, "callspec", None), "params", {}).get("case")
    if case is None or item.originalname != "test_fault" or not hasattr(case, "kind"):
        return
    if report.when == "call" or report.outcome != "passed":
        from fault_cases import cpython_runtime

        runtime = item.callspec.params.get("runtime") or cpython_runtime()
        _fault_outcomes[(case.id, runtime)] = report.outcome


def pytest_sessionfinish(session):
    if _fault_outcomes:
        import datetime

        from fault_cases import record

        record(_fault_outcomes, datetime.datetime.now().isoformat(timespec="minutes"))


@pytest.fixture(scope="module")
def sklearn_fetch():
    """sklearn.datasets.fetch_openml on its own recorded files (its test helper patches
    the downloads), no network, no cache: the reference of the unit tests."""
    from sklearn.datasets import fetch_openml
    from sklearn.datasets.tests.test_openml import _monkey_patch_webbased_functions

    from support import sklearn_reference

    with pytest.MonkeyPatch.context() as patch:
        def fetch(data_id, **kwargs):
            _monkey_patch_webbased_functions(patch, data_id, True)
            # (support.sklearn_reference: where sklearn 1.9.1 fails on pandas >= 3.1, its
            # result with read_csv's categories as pandas <= 3.0 gave them; test_parity.py)
            return sklearn_reference(fetch_openml)(data_id=data_id, cache=False, parser="pandas", **kwargs)

        yield fetch
