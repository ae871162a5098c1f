"""What the static mirror's tests share (tests/test_static_export.py on CPython; in Node:
tests/pyodide/test_static_export_in_pyodide.py; in Chromium and Firefox, same origin:
tests/browser/test_static_export_in_browsers.py): the loads they make, CPython's reference
loads from the mirror, and the comparison."""

from __future__ import annotations

import warnings

from compare import first_difference
from support import DATASETS


def openml_urls(details: dict, mirror_url: str) -> dict:
    """``details`` with the mirror's origin back to OpenML's (the mirror stands in for
    www.openml.org and data.openml.org; an export keeps OpenML's own URLs)."""
    def back(value):
        if not isinstance(value, str):
            return value
        return (value.replace(f"{mirror_url}/datasets/", "https://data.openml.org/datasets/")
                .replace(f"{mirror_url}/", "https://www.openml.org/"))
    return {key: back(value) for key, value in details.items()}


# Python for inside Pyodide (Node or a browser page; exec'd after tests/pyodide/
# fingerprint.py's source) and on the host: `await load_all(base_url, calls)` loads each
# {label: fetch_openml kwargs} with fetch_openml_async (cache=False) and answers per label
# {"digest": SHA-256 of the JSON of its fingerprint, "fingerprint": the fingerprint itself
# if `full` (else None), "servers": the servers of its LoadReport.served}, or {"raised":
# exception class name, "message": ...}. Digests, as in test_parity_in_pyodide.py: the
# fingerprints of every dataset weigh megabytes, slow through node's pipe.
STATIC_LOADS_SOURCE = '''
import hashlib
import json
import warnings

import openml_lite


def digest(outcome):
    return hashlib.sha256(json.dumps(outcome).encode()).hexdigest()


async def load_all(base_url, calls, full=False):
    answers = {}
    for label, call in calls.items():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # inactive datasets, several active versions
                result = await openml_lite.fetch_openml_async(base_url=base_url, cache=False, **call)
        except Exception as error:  # compared with the mirror's on CPython
            answers[label] = {"raised": type(error).__name__, "message": str(error)}
            continue
        outcome = fingerprint(dict(result))  # noqa: F821 (fingerprint.py's, exec'd first)
        answers[label] = {"digest": digest(outcome), "fingerprint": outcome if full else None,
                          "servers": sorted({s["server"] for s in openml_lite.last_load_report().served})}
    return answers
'''


def export_every_recorded(tmp_path_factory, mirror_url):
    """A folder holding every recorded dataset (and the names with an active lookup),
    exported from the mirror, nothing skipped."""
    from openml_lite.mirror.export import export_mirror

    folder = tmp_path_factory.mktemp("static-mirror")
    ids = [call["data_id"] for call in static_export_calls().values() if "data_id" in call]
    records = export_mirror(folder, ids, static_export_names(), base_url=mirror_url,
                            data_home=tmp_path_factory.mktemp("export-cache"))
    assert [r.skipped for r in records if r.skipped] == []
    return folder


def static_export_calls() -> dict[str, dict]:
    """{label: fetch_openml kwargs}: every recorded dataset by id, and every recorded name
    lookup (name, version) as tests/test_static_export.py asks it: the active version of
    the name, and that version."""
    calls = {f"data_id={d['data_id']}": {"data_id": d["data_id"]} for d in DATASETS}
    for name, version in sorted({(d["name"].lower(), d["version"]) for d in DATASETS if d["lookups"]}):
        calls[f"name={name!r}"] = {"name": name}
        calls[f"name={name!r}, version={version}"] = {"name": name, "version": version}
    return calls


def static_export_names() -> list[str]:
    """The names an export takes beside the ids: those with an active lookup recorded."""
    return sorted({d["name"].lower() for d in DATASETS if d["lookups"] and d["status"] == "active"})


def static_reference(mirror_url: str, calls: dict[str, dict], fingerprint) -> dict[str, dict]:
    """What CPython's openml-lite loads from the mirror for each call, as load_all answers
    (STATIC_LOADS_SOURCE) with its fingerprint always, `details` with OpenML's origins
    (openml_urls): {"digest", "fingerprint"}, or {"raised": "DatasetNotFoundError"}
    where the mirror has no such dataset (any other error fails the test)."""
    import openml_lite

    helpers: dict = {}
    exec(STATIC_LOADS_SOURCE, helpers)  # noqa: S102 (digest)
    reference = {}
    for label, call in calls.items():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # inactive datasets, several active versions
                result = openml_lite.fetch_openml(base_url=mirror_url, cache=False, **call)
        except openml_lite.DatasetNotFoundError:  # (a deactivated one has no active version, ...)
            reference[label] = {"raised": "DatasetNotFoundError"}
            continue
        result = {**result, "details": openml_urls(result.details, mirror_url)}
        outcome = fingerprint(dict(result))
        reference[label] = {"digest": helpers["digest"](outcome), "fingerprint": outcome}
    return reference


NAME_LOOKUP = "/api/v1/json/data/list/data_name/"


def unexpected_answers(log: list, prefix: str = "", not_found: tuple = ()) -> list:
    """The static server's answers (PlainStaticServer.paths(), of the export served at
    `prefix`) that are none of: a 200; http.server's redirect of a name lookup's folder to
    "folder/" (whose index.html the export wrote), followed at once by that 200; a name
    lookup's 404 for one of the names `not_found` (those the mirror has no dataset for)."""
    lookup = prefix + NAME_LOOKUP
    unexpected = []
    for i, (path, status) in enumerate(log):
        if status == 200:
            continue
        if status == 301 and path.startswith(lookup) and log[i + 1:i + 2] == [(path + "/", 200)]:
            continue
        if status == 404 and any(path.startswith(f"{lookup}{name}/") for name in not_found):
            continue
        unexpected.append((path, status))
    return unexpected


def static_load_problems(load, calls: dict, reference: dict, server: str) -> list[str]:
    """What differs between `load(calls, full)` (load_all of STATIC_LOADS_SOURCE, run in
    Pyodide from the static export at `server`) and the mirror's `reference`: a different
    outcome (loaded, or the exception raised), a document from another server, a different
    fingerprint (loaded once more, fingerprints and all, to say where)."""
    got = load(calls, False)
    assert sorted(got) == sorted(calls)
    problems, differing = [], []
    for label in calls:
        mine, ref = got[label], reference[label]
        if "raised" in mine or "raised" in ref:
            if mine.get("raised") != ref.get("raised"):
                problems.append(f"{label}: {mine.get('raised', 'loaded')} {mine.get('message', '')} "
                                f"(from the mirror: {ref.get('raised', 'loaded')})")
            continue
        if mine["servers"] != [server]:
            problems.append(f"{label}: served by {mine['servers']}, not {server} alone")
        if mine["digest"] != ref["digest"]:
            differing.append(label)
    if differing:
        again = load({label: calls[label] for label in differing}, True)
        for label in differing:
            where = (first_difference(again[label].get("fingerprint"), reference[label]["fingerprint"],
                                      names=("the static load", "the mirror load"))
                     or "(not on a second load)")
            problems.append(f"{label}: differs from the mirror's load at {where}")
    return problems
