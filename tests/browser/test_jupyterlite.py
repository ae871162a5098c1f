"""The demo notebook of the offline JupyterLite site, run in headless Chromium and Firefox.

    bash build_wheels.sh                 # web/pyodide/ (with the kernel's packages) + the wheel
    bash web/jupyterlite/build.sh        # web/jupyterlite/_output/ (this test runs it too)
    pytest tests/browser/test_jupyterlite.py

What it does: makes sure the site is built (runs web/jupyterlite/build.sh, which says "up to
date" in a second when nothing changed), serves it and the local OpenML mirror (the
`mirror_url` fixture of tests/conftest.py) on 127.0.0.1, opens
lab/index.html?path=openml-lite-demo.ipynb in each browser (tests/browsers.py: puppeteer-core,
only 127.0.0.1 reachable), runs all cells through window.jupyterapp (the site has
exposeAppInBrowser), waits for the kernel, reads
each cell's outputs from the notebook model and checks them: no error output, head() shows
Titanic's first passengers, the printed test accuracy is a number in (0, 1], and the data
came from the mirror's parquet file. Screenshots: artifacts/jupyterlite.png (Chromium),
artifacts/jupyterlite-firefox.png.

How the mirror URL reaches the notebook: not through the notebook. The site's
jupyter-lite.json may give the kernel an environment (the Pyodide kernel passes
`loadPyodideOptions` to `loadPyodide`, whose `env` becomes os.environ), and openml-lite
reads OPENML_LITE_BASE_URL from there. `build.sh --openml-base-url URL` bakes it into a
site; here the server answers /jupyter-lite.json with the built file plus that one
setting, so the notebook stays exactly what a user runs against www.openml.org.

Serving the site and running the notebook: tests/browser/lite_notebook.py (shared with
test_docs_site.py). Skips (errors when OPENML_LITE_PYODIDE_STRICT=1, as in CI) when the site cannot be built
(no web/pyodide: "run bash build_wheels.sh first"; no PyPI for the build's venv) or when
the browser or its driver (node, puppeteer-core) is missing.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from browsers import BROWSERS, launch_or_skip
from lite_notebook import (SiteServer, check_no_errors, check_stayed_local, run_notebook, stdout,
                           text, unavailable)

REPO = Path(__file__).resolve().parents[2]
LITE = REPO / "web" / "jupyterlite"
SITE = LITE / "_output"
NOTEBOOK = "openml-lite-demo.ipynb"
ARTIFACTS = REPO / "artifacts"
BUILD_HINT = "run bash web/jupyterlite/build.sh first"

# seconds
KERNEL_TIMEOUT = 90  # page load + first kernel start (about 10 s here)
RUN_TIMEOUT = 120  # all cells (about 15 s here: pip install, sklearn load, fetch, fit)

# Titanic (OpenML 40945): what frame.head() must show, first passenger first
TITANIC_HEAD = ["Allen, Miss. Elisabeth Walton", "Allison, Master. Hudson Trevor", "St Louis, MO"]
TITANIC_COLUMNS = ["pclass", "survived", "name", "sex", "age", "embarked", "home.dest"]


# ---------------------------------------------------------------------------------------------
# the site, built


@pytest.fixture(scope="module")
def lite_site() -> Path:
    """web/jupyterlite/_output, (re)built by build.sh when any input changed."""
    started = time.monotonic()
    done = subprocess.run(
        ["bash", str(LITE / "build.sh")], cwd=REPO, capture_output=True, text=True, timeout=600
    )
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-8:])
        unavailable(f"{BUILD_HINT}: it failed here:\n{tail}")
    said = [line for line in done.stdout.splitlines() if line.startswith("== ")]
    print(f"[jupyterlite] site build: {time.monotonic() - started:.1f} s ({said[-1] if said else ''})")
    if not (SITE / "lab" / "index.html").is_file():
        unavailable(f"{BUILD_HINT}: no {SITE}/lab/index.html")
    return SITE


# ---------------------------------------------------------------------------------------------
# the browser


@pytest.fixture(scope="module", params=BROWSERS)
def browser(request):
    with launch_or_skip(request.param, width=1400, height=1600) as browser:
        yield browser


def _mirror_paths(mirror_url: str) -> list[str]:
    with urllib.request.urlopen(f"{mirror_url}/_mirror/requests", timeout=10) as answer:
        return [request["path"] for request in json.load(answer)]


def _mirror_reset(mirror_url: str) -> None:
    request = urllib.request.Request(f"{mirror_url}/_mirror/reset", method="POST")
    urllib.request.urlopen(request, timeout=10).close()


# ---------------------------------------------------------------------------------------------
# the test


def test_demo_notebook_runs_in_jupyterlite(browser, lite_site, mirror_url):
    started = time.monotonic()
    suffix = "" if browser.name == "chromium" else f"-{browser.name}"
    _mirror_reset(mirror_url)
    with SiteServer(lite_site, {"OPENML_LITE_BASE_URL": mirror_url}) as server:
        run = run_notebook(browser, f"{server.url}/lab/index.html?path={NOTEBOOK}", NOTEBOOK,
                           screenshot=ARTIFACTS / f"jupyterlite{suffix}.png", server=server,
                           kernel_timeout=KERNEL_TIMEOUT, run_timeout=RUN_TIMEOUT)
    run.timings["whole test"] = time.monotonic() - started
    print("[jupyterlite] " + ", ".join(f"{k}: {v:.1f} s" for k, v in run.timings.items()))

    # no error output anywhere, and every code cell ran
    code = check_no_errors(run)

    def cell_with(text: str) -> dict:
        found = [cell for cell in code if text in cell["source"]]
        assert found, f"no code cell contains {text!r}"
        return found[0]

    # %pip install openml-lite came from the site's pypi/ folder (no error output above)
    cell_with("%pip install openml-lite")

    # head(): Titanic's first passengers, all columns in the HTML table
    head = cell_with(".head()")
    results = [o for o in head["outputs"] if o["output_type"] == "execute_result"]
    assert results, f"head() showed nothing: {head['outputs']}"
    html = text(results[0]["data"].get("text/html"))
    plain = text(results[0]["data"].get("text/plain"))
    for value in TITANIC_HEAD + TITANIC_COLUMNS:
        assert value in html, f"{value!r} not in the head() table:\n{plain}"
    body = html.split("<tbody>", 1)[-1].split("</tbody>", 1)[0]
    assert body.count("<tr") == 5, f"head() should show 5 rows:\n{plain}"

    # the model's score, printed as "test accuracy: 0.xyz"
    fit = cell_with(".score(")
    match = re.search(r"accuracy:\s*([0-9.eE+-]+)", stdout(fit))
    assert match, f"no score printed: {fit['outputs']}"
    score = float(match.group(1))
    assert 0 < score <= 1, f"score {score} is not in (0, 1]"

    # nothing the kernel loads was missing from the site, nothing tried to leave the machine
    check_stayed_local(run)

    # the data came from the local mirror, as parquet
    paths = _mirror_paths(mirror_url)
    assert any(path.endswith("/dataset_40945.pq") for path in paths), f"mirror was asked for: {paths}"
    assert not any(path.endswith(".arff") or "/data/v1/download/" in path for path in paths), paths
