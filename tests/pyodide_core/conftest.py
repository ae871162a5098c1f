"""The numpy-free layer of openml-lite inside every supported Pyodide: 0.27.7, 0.29.5 and
314.0.7, in Node and headless Chromium, offline (pytest-pyodide 0.59.x).

    bash build_wheels.sh      # web/pyodide/ (0.27.7), web/pyodide-0.29.5/, web/pyodide-314.0.7/
    pytest tests/pyodide_core --dist-dir=web/pyodide          --runtime=node,chrome
    pytest tests/pyodide_core --dist-dir=web/pyodide-0.29.5   --runtime=node,chrome
    pytest tests/pyodide_core --dist-dir=web/pyodide-314.0.7  --runtime=node,chrome

Why a layer of its own: no registry carries numpy or pandas built for Pyodide 0.29 or 314
(see web/pyodide-packages-0.29.5.txt), so there only what needs neither can run offline:
installing the wheel with micropip, `import openml_lite`, the transports (fetch, JSPI,
synchronous XHR on a page and in a module Web Worker), Cache Storage, range requests and
the parquet footer reader, and the JS decoder down to its own column form
(js_engine.decode). The same tests run on 0.27.7 (web/pyodide), where numpy exists but is
never loaded here. tests/run.sh runs this folder once per dist dir.

Everything of tests/pyodide/conftest.py applies here too (it is loaded from there, not
copied): the default dist dir, JSPI flags for node, Chromium's offline flags, skips with
the reason why (no dist dir: "run bash build_wheels.sh first") and
OPENML_LITE_PYODIDE_STRICT=1 turning those skips into an error, and its fixtures, among
them selenium_core (the module's Pyodide with the wheel installed by micropip with
deps=False: micropip 0.11.1 would only log "Failed to load numpy" for deps=True). Fixtures
added here: pyodide_release ("0.29.5", ...) and parquet_expectation (pyarrow's view of a
mirror file, made on the host).
"""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("_openml_lite_pyodide_conftest",
                                               HERE.parent / "pyodide" / "conftest.py")
shared = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(shared)

# tests/pyodide/conftest.py's fixtures, as they are
pyodide_dist_dir = shared.pyodide_dist_dir
pyodide_base_url = shared.pyodide_base_url
openml_lite_wheel = shared.openml_lite_wheel
openml_lite_version = shared.openml_lite_version
openml_lite_wheel_url = shared.openml_lite_wheel_url
selenium_core = shared.selenium_core


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    shared.pytest_configure(config)  # idempotent: markers, dist-dir default, node/Chrome flags


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """tests/pyodide/conftest.py's skips (and strictness), for the tests of this folder;
    @pytest.mark.browser_only tests are not collected for node (as there)."""
    not_for_node = [item for item in items if HERE in Path(item.path).resolve().parents
                    and item.get_closest_marker("browser_only") and shared._runtime(item) == "node"]
    if not_for_node:
        config.hook.pytest_deselected(items=not_for_node)
        items[:] = [item for item in items if item not in not_for_node]
    ours = [item for item in items if HERE in Path(item.path).resolve().parents]
    if not ours or not shared.plugin_active(config):
        return
    dist = Path(config.option.dist_dir).resolve()
    problems = []
    for item in ours:
        reason = shared._skip_reason(item, dist)
        if reason is None:
            continue
        if shared.STRICT:
            problems.append(f"{item.nodeid}: {reason}")
        item.add_marker(pytest.mark.skip(reason=reason))
    if problems:
        raise pytest.UsageError("OPENML_LITE_PYODIDE_STRICT is set and Pyodide tests cannot run:\n  "
                                + "\n  ".join(problems))


@pytest.fixture(scope="session")
def pyodide_release(pyodide_dist_dir) -> str:
    """The dist dir's Pyodide version (its npm package.json; the lock's info has it only
    up to 0.27)."""
    package = pyodide_dist_dir / "package.json"
    if package.is_file():
        return json.loads(package.read_text())["version"]
    return json.loads((pyodide_dist_dir / "pyodide-lock.json").read_text())["info"]["version"]


@pytest.fixture(scope="session")
def numpy_obtainable(pyodide_dist_dir) -> bool:
    """numpy's file is in the dist dir (0.27.7), so loadPackage("numpy") can work."""
    return "numpy" in shared.present_packages(pyodide_dist_dir)


def _number(value):
    """A numeric cell as the JS decoder gives it, in JSON: null and NaN are both NaN there
    (a column with nulls becomes a Float64Array)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "NaN"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@pytest.fixture(scope="session")
def parquet_expectation(mirror_dir):
    """expect(data_id, columns=None): pyarrow's reading of the mirror's parquet file for
    data_id, in the neutral form the tests build from js_engine.decode's result:
    {"num_rows": N, "columns": [{"name", "kind", "length", "values"}]} with numeric cells
    as numbers ("NaN" for null or NaN; whole floats as ints), dictionary cells as strings or
    None, boolean cells as True/False/None, and no values for a null-type column."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from openml_lite.mirror.build import parquet_path_for

    def expect(data_id: int, columns: list[str] | None = None) -> dict:
        table = pq.read_table(Path(mirror_dir) / parquet_path_for(data_id), columns=columns)
        out = []
        for field in table.schema:
            column = table.column(field.name).combine_chunks()
            entry = {"name": field.name, "length": len(column)}
            kind = field.type
            if pa.types.is_dictionary(kind):
                kind = kind.value_type
            if pa.types.is_null(kind):
                entry["kind"] = "null"
            elif pa.types.is_boolean(kind):
                entry.update(kind="boolean", values=column.to_pylist())
            elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
                entry.update(kind="dictionary", values=column.to_pylist())
            else:
                entry.update(kind="numeric", values=[_number(v) for v in column.to_pylist()])
            out.append(entry)
        return {"num_rows": table.num_rows, "columns": out}

    return expect
