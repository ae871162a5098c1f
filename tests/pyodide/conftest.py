"""Tests that run inside real Pyodide 0.27.7, offline, with pytest-pyodide 0.59.x.

    bash build_wheels.sh                  # builds web/pyodide/ (runtime + packages + wheel)
    pytest tests/pyodide --dist-dir=web/pyodide --runtime=node
    pytest tests/pyodide --dist-dir=web/pyodide --runtime=chrome    # or --runtime=node,chrome

Needs (host side): pytest<9 (pytest 9 breaks pytest-pyodide 0.59), pytest-pyodide==0.59.*,
selenium; node >= 18 on PATH for --runtime=node; Debian's chromium + chromium-driver for
--runtime=chrome. Nothing here reaches the internet: pytest-pyodide serves --dist-dir on
127.0.0.1, Selenium Manager is kept offline and pointed at /usr/bin/chromedriver, and
Chromium runs with its background networking off, every host name but 127.0.0.1 mapped to
"not found" and a dead proxy.

What this file sets up:
* --dist-dir: when it is not given and pytest-pyodide's default (./pyodide) holds no
  Pyodide, <repo>/web/pyodide is used, so plain `pytest tests/pyodide` works too.
* no Pyodide in the dist dir (no pyodide.js / pyodide-lock.json): every test here SKIPS
  with "run bash build_wheels.sh first"; so do chrome tests without chromedriver and node
  tests without node. OPENML_LITE_PYODIDE_STRICT=1 (for CI) turns those skips into an
  error, so a missing install step cannot pass as green.
* JSPI in both runtimes, so `pyodide.ffi.can_run_sync()` is true inside run_in_pyodide
  (which runs code through runPythonAsync): Chromium >= 137 has it on by default; node
  20/22 need a V8 flag, added to pytest-pyodide's node flags here (the flag is refused in
  NODE_OPTIONS), chosen by probing the node on PATH.
* fixtures: pyodide_dist_dir, pyodide_base_url (where the dist dir is served, also the
  runner's `selenium.base_url`), openml_lite_wheel / openml_lite_wheel_url /
  openml_lite_version, and selenium_openml_lite: the module's Pyodide instance with the
  openml-lite wheel micropip-installed (numpy and pandas come from the lock).
* marker @pytest.mark.pyodide_packages("polars", ...): skip unless those lock packages
  have their file in the dist dir (polars, fastparquet, cramjam and duckdb are not
  obtainable offline, see web/pyodide-packages.txt).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest

from support import CHROMIUM_OFFLINE_FLAGS

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_DIST_DIR = REPO / "web" / "pyodide"
BUILD_HINT = "run bash build_wheels.sh first"
STRICT = os.environ.get("OPENML_LITE_PYODIDE_STRICT", "") not in ("", "0", "false", "no")

# Chromium flags (pytest-pyodide itself adds --headless and --no-sandbox).
CHROME_FLAGS = ["--js-flags=--expose-gc", *CHROMIUM_OFFLINE_FLAGS]  # the first is pytest-pyodide's default
# V8 flags that enable JSPI, tried in this order (node 20/22 know the first; newer V8
# renamed it); none is added when node has JSPI without a flag.
NODE_JSPI_FLAGS = ["--experimental-wasm-stack-switching", "--experimental-wasm-jspi"]
NODE_JSPI_PROBE = (
    "process.exit(typeof WebAssembly.Suspending === 'function'"
    " || typeof WebAssembly.Suspender === 'function' ? 0 : 3)"
)

# Selenium Manager must not try the network (it would look for drivers and send stats);
# with SE_CHROMEDRIVER set it is skipped entirely and chromedriver finds /usr/bin/chromium.
os.environ.setdefault("SE_OFFLINE", "true")
os.environ.setdefault("SE_AVOID_STATS", "true")
if "SE_CHROMEDRIVER" not in os.environ and shutil.which("chromedriver"):
    os.environ["SE_CHROMEDRIVER"] = shutil.which("chromedriver")

try:
    import pytest_pyodide  # noqa: F401

    HAVE_PYTEST_PYODIDE = True
except ImportError:
    HAVE_PYTEST_PYODIDE = False


def plugin_active(config: pytest.Config) -> bool:
    """pytest-pyodide installed and not disabled (-p no:pytest_pyodide)."""
    return HAVE_PYTEST_PYODIDE and hasattr(config.option, "dist_dir")


def has_pyodide(folder: Path) -> bool:
    return (folder / "pyodide.js").is_file() and (folder / "pyodide-lock.json").is_file()


@functools.cache
def node_jspi_flags() -> list[str] | None:
    """The node flags that give JSPI ([] if none is needed), None if no node or no JSPI."""
    node = shutil.which("node")
    if node is None:
        return None
    for flags in ([], *([f] for f in NODE_JSPI_FLAGS)):
        probe = subprocess.run([node, *flags, "-e", NODE_JSPI_PROBE], capture_output=True)
        if probe.returncode == 0:
            return flags
    return None


def _explicit_dist_dir(config: pytest.Config) -> bool:
    return any(a == "--dist-dir" or a.startswith("--dist-dir=") for a in config.invocation_params.args)


@pytest.hookimpl(trylast=True)  # after pytest-pyodide's own pytest_configure
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "pyodide_packages(*names): skip unless these Pyodide lock packages are in the dist dir",
    )
    config.addinivalue_line("markers", "browser_only: not collected for the node runtime")
    config.addinivalue_line("markers", "node_only: not collected for a browser runtime (chrome)")
    if not plugin_active(config):
        return
    from pytest_pyodide import get_global_config
    from pytest_pyodide.hook import pytest_wrapper

    dist = Path(config.option.dist_dir).resolve()
    if not has_pyodide(dist) and not _explicit_dist_dir(config) and has_pyodide(DEFAULT_DIST_DIR):
        dist = DEFAULT_DIST_DIR
        config.option.dist_dir = dist
        pytest_wrapper.pyodide_dist_dir = dist

    _node_honours_driver_timeout()
    pyodide_config = get_global_config()
    pyodide_config.set_flags("chrome", list(CHROME_FLAGS))
    if "node" in pytest_wrapper.pyodide_runtimes:
        jspi = node_jspi_flags() or []
        pyodide_config.set_flags("node", jspi + [f for f in pyodide_config.get_flags("node") if f not in jspi])


def _node_honours_driver_timeout() -> None:
    """pytest-pyodide's node runner waits at most 60 s (its pexpect default) for any JS
    call, whatever @pytest.mark.driver_timeout says; loading scipy + sklearn + pyarrow can
    take longer on a busy 2-core machine. Make the marker (and the runner's script
    timeout) apply to node as it does to the browsers, never below those 60 s."""
    from pytest_pyodide.runner import NodeRunner

    if getattr(NodeRunner, "_openml_lite_timeout_patch", False):
        return
    original = NodeRunner.set_script_timeout

    def set_script_timeout(self, timeout):
        original(self, timeout)
        if getattr(self, "p", None) is not None:
            self.p.timeout = max(timeout, 60)

    NodeRunner.set_script_timeout = set_script_timeout
    NodeRunner._openml_lite_timeout_patch = True


def _skip_reason(item: pytest.Item, dist: Path) -> str | None:
    if not has_pyodide(dist):
        return f"no Pyodide distribution in {dist}: {BUILD_HINT}"
    runtime = _runtime(item)
    if runtime == "node" and shutil.which("node") is None:
        return "node is not on PATH (needed for --runtime=node)"
    if runtime == "node" and node_jspi_flags() is None:
        return "this node has no JSPI (WebAssembly.Suspending), not even with a flag"
    if runtime == "chrome" and not (os.environ.get("SE_CHROMEDRIVER") or shutil.which("chromedriver")):
        return "chromedriver not found (apt-get install chromium chromium-driver)"
    marker = item.get_closest_marker("pyodide_packages")
    if marker is not None:
        absent = [name for name in marker.args if name not in present_packages(dist)]
        if absent:
            return (f"not in the offline Pyodide distribution: {', '.join(absent)} "
                    "(no registry here carries its Pyodide build)")
    return None


def _runtime(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("runtime") if callspec else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # @pytest.mark.browser_only: Web Workers, page XHR, Cache Storage do not exist in
    # node: such tests are not collected for the node runtime at all.
    # @pytest.mark.node_only: what a browser page cannot do (fetch from another origin that
    # sends no CORS headers, as python -m http.server): not collected for the browsers.
    wrong_runtime = [item for item in items
                     if (item.get_closest_marker("browser_only") and _runtime(item) == "node")
                     or (item.get_closest_marker("node_only") and _runtime(item) not in (None, "node"))]
    if wrong_runtime:
        config.hook.pytest_deselected(items=wrong_runtime)
        items[:] = [item for item in items if item not in wrong_runtime]
    ours = [item for item in items if HERE in Path(item.path).resolve().parents]
    if not ours or not plugin_active(config):
        return
    dist = Path(config.option.dist_dir).resolve()
    problems = []
    for item in ours:
        reason = _skip_reason(item, dist)
        if reason is None:
            continue
        if STRICT and not reason.startswith("not in the offline"):
            problems.append(f"{item.nodeid}: {reason}")
        item.add_marker(pytest.mark.skip(reason=reason))
    if problems:
        raise pytest.UsageError("OPENML_LITE_PYODIDE_STRICT is set and Pyodide tests cannot run:\n  "
                                + "\n  ".join(problems))


@functools.cache
def present_packages(dist: Path) -> frozenset[str]:
    """Names of the lock entries whose file is in the dist dir."""
    lock = json.loads((dist / "pyodide-lock.json").read_text())
    return frozenset(name for name, entry in lock["packages"].items() if (dist / entry["file_name"]).is_file())


@pytest.fixture(scope="session")
def pyodide_dist_dir(request) -> Path:
    dist = Path(request.config.option.dist_dir).resolve()
    if not has_pyodide(dist):
        pytest.skip(f"no Pyodide distribution in {dist}: {BUILD_HINT}")
    return dist


@pytest.fixture(scope="session")
def pyodide_base_url(web_server_main) -> str:
    """http://127.0.0.1:PORT where pytest-pyodide serves the dist dir (no trailing /).

    Inside Pyodide the same server is the page's origin in Chromium; in node, relative
    URLs given to fetch are resolved against it too. Pass it into a run_in_pyodide test
    as an argument (arguments after the runner are pickled across)."""
    host, port, _log = web_server_main
    return f"http://{host}:{port}"


@pytest.fixture(scope="session")
def openml_lite_wheel(pyodide_dist_dir) -> Path:
    wheels = sorted(pyodide_dist_dir.glob("openml_lite-*.whl"))
    if len(wheels) != 1:
        pytest.skip(f"expected one openml_lite wheel in {pyodide_dist_dir}, found {len(wheels)}: {BUILD_HINT}")
    wheel = wheels[0]
    newest_source = max((p.stat().st_mtime for p in (REPO / "src").rglob("*")
                         if p.is_file() and "__pycache__" not in p.parts), default=0)
    if newest_source > wheel.stat().st_mtime:
        warnings.warn(f"{wheel.name} in {pyodide_dist_dir} is older than src/: {BUILD_HINT} "
                      "to test the current code", stacklevel=1)
    return wheel


@pytest.fixture(scope="session")
def openml_lite_version(openml_lite_wheel) -> str:
    return openml_lite_wheel.name.split("-")[1]


@pytest.fixture(scope="session")
def openml_lite_wheel_url(pyodide_base_url, openml_lite_wheel) -> str:
    return f"{pyodide_base_url}/{openml_lite_wheel.name}"


def install_openml_lite(selenium, wheel_url: str, *, deps: bool = True):
    """openml-lite installed from ``wheel_url`` by micropip, once per Pyodide instance;
    deps=False leaves its numpy/pandas requirements alone (nothing more is loaded)."""
    selenium.run_async(
        "import importlib.util\n"
        "if importlib.util.find_spec('openml_lite') is None:\n"
        "    import micropip\n"
        f"    await micropip.install({wheel_url!r}, deps={deps})\n"
    )
    return selenium


@pytest.fixture
def selenium_openml_lite(selenium, openml_lite_wheel_url):
    """The module's Pyodide instance (pytest-pyodide's `selenium`) with openml-lite
    installed from the dist dir by micropip (once per instance). Named selenium_* so
    pytest-pyodide's xfail_browsers marker applies to it."""
    return install_openml_lite(selenium, openml_lite_wheel_url)


@pytest.fixture
def selenium_core(selenium, openml_lite_wheel_url):
    """The module's Pyodide with openml-lite installed by micropip with deps=False (once
    per instance): numpy and pandas are neither loaded nor needed (micropip 0.11.1 would
    only log "Failed to load numpy" for deps=True where numpy cannot be had)."""
    return install_openml_lite(selenium, openml_lite_wheel_url, deps=False)


@pytest.fixture
def selenium_fresh_openml_lite(selenium_standalone, openml_lite_wheel_url):
    """A Pyodide of this test's own (pytest-pyodide's `selenium_standalone`), with
    openml-lite installed: for what only a fresh interpreter shows (its peak memory)."""
    return install_openml_lite(selenium_standalone, openml_lite_wheel_url)
