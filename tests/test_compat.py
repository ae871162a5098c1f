"""The runtime seam (``_compat``) on CPython, and ``import openml_lite`` without numpy or
pandas: both are imported by a load, which raises MissingDependencyError when they are
missing and cannot be loaded."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import types

import pytest

from openml_lite import _compat
from openml_lite.cache import NoCache
from openml_lite.cache.disk import DiskCache
from openml_lite.transport.native import UrllibTransport


def test_cpython_runtimes():
    sync, background = _compat.sync_runtime(), _compat.async_runtime()
    assert not _compat.IN_PYODIDE
    assert sync.blocking and sync.run is not None and sync.load_package is None
    assert not background.blocking and background.run is None and background.load_package is None
    assert isinstance(sync.transport, UrllibTransport) and sync.transport.blocking
    assert isinstance(background.transport, UrllibTransport) and not background.transport.blocking
    assert _compat.engine_order() == ["pyarrow", "fastparquet", "polars", "js"]
    assert not _compat.is_js_null(0) and _compat.is_js_null(None)


def test_cache_and_transport_choice(tmp_path):
    runtime = _compat.sync_runtime()
    assert isinstance(runtime.cache(tmp_path, True), DiskCache)
    assert isinstance(runtime.cache(tmp_path, False), NoCache)
    mine = UrllibTransport(blocking=True, timeout=1)
    assert runtime.with_transport(mine).transport is mine
    assert runtime.with_transport(None) is runtime


def test_ensure_importable_loads_only_where_the_runtime_can(monkeypatch):
    runtime = _compat.sync_runtime()
    asyncio.run(runtime.ensure_importable("json"))  # present: nothing to do
    with pytest.raises(ModuleNotFoundError):
        asyncio.run(runtime.ensure_importable("no_such_module_here"))
    loaded = []

    async def load_package(name):  # what pyodide.loadPackage does: the module appears
        loaded.append(name)
        if name == "its-package":
            monkeypatch.setitem(sys.modules, "no_such_module_here", types.ModuleType("no_such_module_here"))

    loader = _compat.Runtime(name="test", transport=runtime.transport, blocking=True,
                             make_cache=lambda data_home: NoCache(), load_package=load_package)
    asyncio.run(loader.ensure_importable("no_such_module_here", "its-package"))
    assert loaded == ["its-package"]
    # a package that loads without error but does not give the module (a file the
    # loader could not fetch is only logged): still an error
    with pytest.raises(ModuleNotFoundError):
        asyncio.run(loader.ensure_importable("another_missing_module"))
    assert loaded == ["its-package", "another_missing_module"]


def _fresh_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120)


def test_import_needs_neither_numpy_nor_pandas():
    run = _fresh_python("""
        import sys
        import openml_lite
        print(sorted(m for m in ("numpy", "pandas", "sklearn", "pyarrow") if m in sys.modules))
    """)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_a_load_without_numpy_says_what_is_missing(mirror_url):
    run = _fresh_python(f"""
        import sys
        sys.modules["numpy"] = None  # as if not installed
        import openml_lite
        try:
            openml_lite.fetch_openml(name="iris", version=1, base_url={mirror_url!r}, cache=False)
        except openml_lite.MissingDependencyError as error:
            assert isinstance(error, ModuleNotFoundError) and isinstance(error, ValueError)
            print(error.dataset, "|", error)
    """)
    assert run.returncode == 0, run.stderr
    dataset, message = run.stdout.strip().split(" | ", 1)
    assert dataset == "iris"
    assert message.startswith("loading iris needs numpy, but it is not installed here")
    assert "pip install numpy" in message
