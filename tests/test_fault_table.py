"""The fault table on CPython (tests/fault_cases.py): each case against a mirror that
injects its faults, with the servers it names; the data equal to a fault-free load, or the
typed error, saying what the table says; every cache entry afterwards what the server
serves without faults. (test_fault_table_in_pyodide.py: the same cases in Node and Chromium.)"""

from __future__ import annotations

import os
import urllib.request
import warnings

import pytest

import openml_lite
from compare import assert_same
from fault_cases import CASES, check_answer, clean_load, data_part, dead_url
from openml_lite.cache.disk import DiskCache
from openml_lite.mirror.faults import Rule
from openml_lite.transport.native import UrllibTransport


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_fault(case, faulty, fault_variant, tmp_path):
    servers = {"faulty": faulty.url, "variant": fault_variant.url, "dead": dead_url()}
    base_url = [servers[name] for name in case.servers]
    faulty.faults.replace([Rule.from_spec(spec) for spec in case.rules])
    faulty.reset_requests()
    data_home = tmp_path / "data_home"
    transport = UrllibTransport(blocking=True, timeout=case.timeout) if case.timeout else None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result, error = openml_lite.fetch_openml(
                data_id=case.data_id, base_url=base_url, data_home=data_home, n_retries=2, delay=0.01,
                transport=transport), None
        except openml_lite.OpenMLError as raised:
            result, error = None, raised
        finally:
            faulty.faults.replace([])
    requests = faulty.requests  # (the checks below ask the server too)
    if error is None:
        report = openml_lite.last_load_report()
        answer = {"source": report.source, "skipped": list(report.skipped),
                  "servers": sorted({s["server"] for s in report.served}),
                  "fallbacks": [str(w.message) for w in caught
                                if issubclass(w.category, openml_lite.ArffFallbackWarning)]}
    else:
        answer = {"error": [type(error).__name__, str(error)]}

    def same_data():
        assert_same(data_part(result), clean_load(faulty.url, case.data_id))
        return True

    check_answer(case, "cpython", answer, servers, requests, same_data)
    assert_cache_is_right(data_home, servers)


def assert_cache_is_right(data_home, servers) -> None:
    """Every cached entry is byte for byte what its server sends without faults."""
    root = os.path.join(data_home, "openml_lite")
    if not os.path.isdir(root):
        return
    cache = DiskCache(root)
    origins = {url.split("//")[1].replace(":", "_"): url for url in servers.values()}
    for entry in cache.entries():
        host, path = entry.split("/", 1)
        url = f"{origins[host]}/{path}"
        with urllib.request.urlopen(url) as answer, open(cache.path(url), "rb") as cached:
            assert cached.read() == answer.read(), url


def test_the_guide_shows_every_case():
    """The guide's "Faults, in every runtime" lists the table's rows (as written by a full run)."""
    from doc_pages import section as doc_section

    section = doc_section("docs/user_guide/errors.md", "Faults, in every runtime")
    rows = [line.split(" | ")[0].lstrip("| ") for line in section.splitlines()
            if line.startswith("| ") and not line.startswith("| fault |")]
    assert rows == [case.kind for case in CASES]
