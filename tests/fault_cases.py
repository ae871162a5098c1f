"""The fault table: what real networks and OpenML do, one case a row, run in every runtime
(tests/test_fault_table.py on CPython, tests/pyodide/test_fault_table_in_pyodide.py in Node
and Chromium). Each case is a mirror's fault rules, the servers a load is given, and what
must come of it: the data (equal to a fault-free load), the data through the ARFF copy
(with an ArffFallbackWarning saying why), or a typed error. Whatever the outcome, the
message names the dataset, an error names every server asked, and nothing that was not
served whole and right stays in the cache.

The session writes the table of outcomes to artifacts/fault-table.md (tests/conftest.py);
README "Faults, in every runtime" shows it.
"""

from __future__ import annotations

import shutil
import socket
from dataclasses import dataclass, field
from pathlib import Path

RUNTIMES = ("cpython", "cpython, pandas 3", "node", "chrome")
TABLE = Path(__file__).resolve().parent.parent / "artifacts" / "fault-table.md"
OUTCOMES = TABLE.with_suffix(".json")  # {runtime: {"when": ..., "cases": {id: outcome}}}


@dataclass(frozen=True)
class FaultCase:
    id: str
    kind: str  # the table's row: what happens, and when users met it
    data_id: int
    rules: tuple[str, ...] = ()  # the mirror's faults ("REGEX KIND[:ARG] [xN]", faults.py)
    servers: tuple[str, ...] = ("faulty",)  # in order: "faulty", "dead" (nothing listens), "variant"
    expect: str = "data"  # "data", "arff" (data + ArffFallbackWarning), or an error's type name
    says: tuple[str, ...] = ()  # what the warning or error says (besides dataset and servers)
    hits: dict = field(default_factory=dict)  # path suffix -> requests the faulty mirror saw
    timeout: float | None = None  # the transport's, in seconds
    by_runtime: dict = field(default_factory=dict)  # runtime -> (expect, says) where it differs

    def expected(self, runtime: str) -> tuple[str, tuple[str, ...]]:
        return self.by_runtime.get(runtime, (self.expect, self.says))


IRIS, ZOO, SPARSE, WINE, ADULT = 61, 62, 292, 42074, 1590

CASES = [
    FaultCase("5xx-then-ok", "5xx twice, then the file (busy server)", IRIS,
              (r"dataset_61\.pq$ status:503 x2",), hits={".pq": 3}),
    FaultCase("5xx-always", "5xx on every try (Jan 2025 outage)", IRIS,
              (r"/api/v1/json/data/61$ status:503",), expect="DownloadError",
              says=("after 3 attempts", "HTTP 503"), hits={"/data/61": 3}),
    FaultCase("html-error-page", "an HTML error page, 502 (a proxy in front of a down server)", IRIS,
              (r"/api/v1/json/data/61$ html_status:502",), expect="DownloadError",
              says=("HTTP 502",), hits={"/data/61": 3}),
    FaultCase("html-instead-of-json", "an HTML page with 200 instead of JSON (maintenance page)", IRIS,
              (r"/api/v1/json/data/features/61$ html",), expect="DataIntegrityError",
              says=("did not answer with JSON", "<!DOCTYPE html>")),
    FaultCase("unknown-dataset-v1", "unknown dataset, V1 (412 / 404, OpenML error 111)", IRIS,
              (r"/api/v1/json/data/61$ status:404",), expect="DatasetNotFoundError",
              says=("OpenML error 111",), hits={"/data/61": 1}),
    FaultCase("unknown-dataset-v2", "unknown dataset, OpenML's next API (RFC 9457 problem, 404)", IRIS,
              (r"/api/v1/json/data/61$ problem",), expect="DatasetNotFoundError",
              says=("OpenML error 111: No dataset with id 61 found. (Dataset Not Found)",)),
    FaultCase("reset-mid-body", "connection closed mid-body, then the file", IRIS,
              (r"dataset_61\.pq$ reset x1",), hits={".pq": 2}),
    FaultCase("truncated-then-ok", "a truncated file, then the whole one", IRIS,
              (r"dataset_61\.pq$ truncate:100 x1",), hits={".pq": 2}),
    FaultCase("damaged-parquet", "a damaged parquet file, twice: the ARFF copy", IRIS,
              (r"dataset_61\.pq$ flip:0",), expect="arff", says=("damaged",), hits={".pq": 2}),
    FaultCase("parquet-missing", "the parquet file is missing, 404 (OpenML #1151, #1197)", IRIS,
              (r"dataset_61\.pq$ status:404",), expect="arff", says=("answered HTTP 404",)),
    FaultCase("missing-column", "the parquet file lacks a column the features name (OpenML #1165)",
              IRIS, servers=("variant",), expect="arff", says=("lacks the column 'petalwidth'",)),
    FaultCase("arff-404-parquet-ok", "ARFF downloads 404, parquet works (Aug 2025)", IRIS,
              (r"/data/v1/download/ status:404",), hits={"/download/61/iris.arff": 0, ".pq": 1}),
    FaultCase("arff-404-sparse", "ARFF downloads 404 for a sparse dataset (ARFF only)", SPARSE,
              (r"/data/v1/download/ status:404",), expect="DownloadError",
              says=("answered HTTP 404 for the arff file",)),
    FaultCase("legacy-urls", "a description with legacy URLs (http://openml1.win.tue.nl)", WINE,
              hits={"/datasets/0004/42074/dataset_42074.pq": 1}),
    FaultCase("legacy-minio-url", "a legacy minio_url only (adult, 1590)", ADULT,
              hits={"/datasets/0000/1590/dataset_1590.pq": 1}),
    FaultCase("first-server-dead", "first server dead, the second answers (api.openml.org, Apr 2026)",
              IRIS, servers=("dead", "faulty")),
    FaultCase("every-server-failing", "every server failing", IRIS,
              (r"/api/v1/json/data/61$ status:503",), servers=("dead", "faulty"), expect="DownloadError",
              says=("no server gave the description", "HTTP 503")),
    FaultCase("slow-server", "a server too slow to answer (timeout)", IRIS,
              (r"/api/v1/json/data/61$ delay:3",), expect="DownloadError", says=("after 3 attempts",),
              timeout=0.5),
    FaultCase("no-cors", "no CORS headers", IRIS, (r"/api/v1/json/data/61$ no_cors",),
              by_runtime={"chrome": ("DownloadError", ("CORS",))}),
]
BY_ID = {case.id: case for case in CASES}


def dead_url() -> str:
    """A 127.0.0.1 URL where nothing listens (connections are refused at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def make_variant_mirror(mirror_dir, dest) -> Path:
    """A copy of the test mirror whose iris parquet file lacks the column 'petalwidth', as
    OpenML converted some files (#1165): the same writer (mirror/openml_parquet.py), the
    other columns as they were."""
    import pyarrow.parquet as pq

    from openml_lite.mirror import parquet_path_for
    from openml_lite.mirror.openml_parquet import write_openml_parquet

    dest = Path(dest)
    shutil.copytree(mirror_dir, dest, dirs_exist_ok=True)
    path = dest / parquet_path_for(IRIS)
    frame = pq.read_table(path).to_pandas()
    write_openml_parquet(frame.drop(columns=["petalwidth"]), path)
    return dest


def check_answer(case: FaultCase, runtime: str, answer: dict, servers: dict, requests: list,
                 same_data) -> None:
    """What a runtime's load of ``case`` gave (``answer``: {"error": [type, message]}, or
    "source", "fallbacks" (ArffFallbackWarning messages), "skipped" and "servers" of its
    report), against the table: the outcome, what the warning or error says (the dataset,
    every server for an error), the faulty mirror's ``requests``. ``same_data()``: whether
    the data equals a fault-free load's."""
    expect, says = case.expected(runtime)
    base_url = [servers[name] for name in case.servers]
    if expect in ("data", "arff"):
        assert "error" not in answer, answer.get("error")
        assert same_data(), "not the data a fault-free load gives"
        assert answer["source"] == ("arff" if expect == "arff" else "parquet")
        fallbacks = answer["fallbacks"]
        if expect == "arff":
            assert len(fallbacks) == 1 and names_the_dataset(fallbacks[0], case.data_id), fallbacks
            said = fallbacks[0]
        else:
            assert fallbacks == []
            said = ""
        if "dead" in case.servers:
            assert answer["skipped"] == [servers["dead"]] and answer["servers"] == [servers["faulty"]]
    else:
        assert "error" in answer, f"expected {expect}, got the data"
        kind, said = answer["error"]
        assert kind == expect, f"{kind}: {said}"
        assert names_the_dataset(said, case.data_id), said
        for url in base_url:  # every server asked is named
            assert url in said, said
    for words in says:
        assert words in said, said
    for suffix, count in case.hits.items():
        assert sum(r["path"].endswith(suffix) for r in requests) == count, (suffix, requests)


def names_the_dataset(message: str, data_id: int) -> bool:
    """Whether an error or warning names the dataset: by its label (``'iris' (id 61, ...``)
    or, before the description came, as ``data_id=61``."""
    import re

    return re.search(rf"(data_id=|id ){data_id}\b", message) is not None


def clean_load(base_url: str, data_id: int) -> dict:
    """The data part of a fault-free load of ``data_id`` from ``base_url``: the reference of
    every "data" outcome (loaded once a session)."""
    if (base_url, data_id) not in _clean:
        import warnings

        import openml_lite

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _clean[base_url, data_id] = data_part(openml_lite.fetch_openml(
                data_id=data_id, base_url=base_url, cache=False))
    return _clean[base_url, data_id]


_clean: dict = {}


def data_part(result) -> dict:
    """What a load returned, without the parts that name the server (details, DESCR, url)."""
    return {key: value for key, value in dict(result).items() if key not in ("details", "DESCR", "url")}


def cpython_runtime() -> str:
    import pandas

    return "cpython, pandas 3" if int(pandas.__version__.split(".")[0]) >= 3 else "cpython"


def record(outcomes: dict, when: str) -> None:
    """Add this session's outcomes ({(case id, runtime): "passed" | "failed" | ...}) to
    artifacts/fault-table.json (a runtime's column is replaced as a whole: tests/run.sh's
    pandas-3 session adds its own) and write the table, artifacts/fault-table.md."""
    import json

    known = json.loads(OUTCOMES.read_text()) if OUTCOMES.is_file() else {}
    for runtime in {runtime for _, runtime in outcomes}:
        known[runtime] = {"when": when, "cases": {case: outcome for (case, rt), outcome in outcomes.items()
                                                  if rt == runtime}}
    OUTCOMES.parent.mkdir(exist_ok=True)
    OUTCOMES.write_text(json.dumps(known, indent=1) + "\n")
    TABLE.write_text(write_table({(case, runtime): outcome for runtime, column in known.items()
                                  for case, outcome in column["cases"].items()},
                                 {runtime: column["when"] for runtime, column in known.items()}))


def write_table(outcomes: dict, when: dict | None = None) -> str:
    """Markdown: one row per case, one column per runtime; outcomes {(case id, runtime):
    "passed" | "failed" | "skipped"}; ``when``: runtime -> when it ran."""
    lines = ["| fault | expected | " + " | ".join(RUNTIMES) + " |",
             "|---|---|" + "---|" * len(RUNTIMES)]
    for case in CASES:
        cells = []
        for runtime in RUNTIMES:
            outcome = outcomes.get((case.id, runtime))
            cells.append({"passed": "green", None: "not run"}.get(outcome, f"**{outcome}**"))
        expect = {"data": "the data", "arff": "the data, from ARFF, warned"}.get(case.expect, case.expect)
        if case.by_runtime:
            expect += "; " + ", ".join(f"{rt}: {e}" for rt, (e, _) in case.by_runtime.items())
        lines.append(f"| {case.kind} | {expect} | " + " | ".join(cells) + " |")
    if when:
        lines += ["", "Run: " + "; ".join(f"{runtime} {when[runtime]}" for runtime in RUNTIMES if runtime in when)]
    return "\n".join(lines) + "\n"
