"""The fault table in Pyodide, Node and Chromium (tests/fault_cases.py; CPython:
tests/test_fault_table.py): each case with fetch_openml_async and the browser's fetch, its
outcome compared with CPython's fault-free load by fingerprint, its warning or error
checked, and every cache entry afterwards (Cache Storage in Chromium, the in-memory cache
in Node) what its server sends without faults."""

from __future__ import annotations

import hashlib
import json
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip(
    "pytest_pyodide",
    reason="pytest-pyodide is not installed: pip install 'pytest<9' 'pytest-pyodide==0.59.*' selenium",
)

from pytest_pyodide import run_in_pyodide  # noqa: E402

from fault_cases import CASES, check_answer, clean_load, dead_url  # noqa: E402
from openml_lite.mirror.faults import Rule  # noqa: E402

FINGERPRINT = (Path(__file__).parent / "fingerprint.py").read_text()
exec(FINGERPRINT)  # fingerprint(), here as in Pyodide  # noqa: S102


@run_in_pyodide
async def _load(selenium, fingerprint_source, data_id, base_url, timeout):
    """What one load did: {"data": fingerprint digest, "source", "skipped", "servers"} or
    {"error": [type, message]}; "fallbacks": ArffFallbackWarning messages; "cached":
    {url: sha256} of every cache entry after it (the cache emptied before)."""
    import hashlib
    import json
    import warnings

    import openml_lite
    from openml_lite.cache import browser
    from openml_lite.transport.pyodide import FetchTransport

    namespace = {}
    exec(fingerprint_source, namespace)
    storage = browser.has_cache_storage()
    if storage:
        from js import caches

        await caches.delete(browser.CACHE_NAME)
    browser._memory.entries.clear()
    answer = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            bunch = await openml_lite.fetch_openml_async(
                data_id=data_id, base_url=base_url, n_retries=2, delay=0.01,
                transport=FetchTransport(timeout=timeout) if timeout else None)
            part = {k: v for k, v in dict(bunch).items() if k not in ("details", "DESCR", "url")}
            text = json.dumps(namespace["fingerprint"](part), sort_keys=True)
            report = openml_lite.last_load_report()
            answer.update(data=hashlib.sha256(text.encode()).hexdigest(), source=report.source,
                          skipped=list(report.skipped), servers=sorted({s["server"] for s in report.served}))
        except openml_lite.OpenMLError as error:
            answer["error"] = [type(error).__name__, str(error)]
    answer["fallbacks"] = [str(w.message) for w in caught
                           if issubclass(w.category, openml_lite.ArffFallbackWarning)]
    cached = {}
    if storage:
        cache = await caches.open(browser.CACHE_NAME)
        for request in await cache.keys():
            body = (await (await cache.match(request.url)).arrayBuffer()).to_bytes()
            cached[request.url] = hashlib.sha256(body).hexdigest()
    else:
        cached = {url: hashlib.sha256(body).hexdigest() for url, body in browser._memory.entries.items()}
    answer["cached"] = cached
    return answer


def clean_digest(base_url: str, data_id: int) -> str:
    """The digest of the fingerprint of CPython's fault-free load (as _load computes it)."""
    text = json.dumps(fingerprint(clean_load(base_url, data_id)), sort_keys=True)  # noqa: F821
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.driver_timeout(240)
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_fault(selenium_openml_lite, case, faulty, fault_variant):
    runtime = selenium_openml_lite.browser
    servers = {"faulty": faulty.url, "variant": fault_variant.url, "dead": dead_url()}
    base_url = [servers[name] for name in case.servers]
    faulty.faults.replace([Rule.from_spec(spec) for spec in case.rules])
    faulty.reset_requests()
    try:
        answer = _load(selenium_openml_lite, FINGERPRINT, case.data_id, base_url, case.timeout)
    finally:
        faulty.faults.replace([])
    requests = faulty.requests
    check_answer(case, runtime, answer, servers, requests,
                 lambda: answer["data"] == clean_digest(faulty.url, case.data_id))
    for url, digest in answer["cached"].items():  # nothing but what the server sends without faults
        with urllib.request.urlopen(url) as served:
            assert hashlib.sha256(served.read()).hexdigest() == digest, url
