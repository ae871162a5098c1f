"""openml-lite's own documentation site (docs/), built offline and opened in headless Chromium and
Firefox: its pages show without a console error, a failed request or a missing file, and a
gallery example's JupyterLite notebook runs in the browser through the doc kit, against the
local mirror.

    bash build_wheels.sh        # web/pyodide/ (with the kernel's packages) + the wheel
    bash docs/build.sh          # docs/_build/html (this test runs it too)
    pytest tests/browser/test_docs.py

What it does: runs docs/build.sh with --openml-base-url of the `openml_mirror` fixture's mirror
(sphinx-gallery runs the examples there, on CPython; the build itself checks every internal
link and anchor, docs/check_build.py, and every gallery button, openml_lite.sphinx_check;
"up to date" in a second when no input changed), serves the built site on 127.0.0.1 and, in
each browser: opens the landing page, a guide page, the API reference and a gallery example
(their console, errors and requests checked; screenshots), then follows the gallery's
JupyterLite buttons and runs their notebooks, Chromium every one, Firefox one
(tests/browser/lite_notebook.py): the kit's first cell, no failed cell, what each prints as
at build time, nothing tried to leave 127.0.0.1.
Then the demo page the site ships (demo/: the site's own Pyodide, wheel and copy of the data)
loads Titanic by name with no other server.
Screenshots: artifacts/docs-landing.png, docs-guide.png, docs-gallery-example.png,
docs-gallery-notebook.png, docs-demo.png (Firefox's with -firefox).

Skips (errors when OPENML_LITE_PYODIDE_STRICT=1, as in CI) only when something is missing
here: web/pyodide or the wheel, PyPI for the build's venv (build.sh's exit status 3), the
browser or its driver. A failing build is a failure.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from browsers import BROWSERS, launch_or_skip
from lite_notebook import SiteServer, check_no_errors, check_stayed_local, run_notebook, stdout, unavailable
from openml_lite.sphinx import MARKER

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "docs" / "_build" / "html"
ARTIFACTS = REPO / "artifacts"
UNAVAILABLE = 3  # build.sh's exit status for "something this machine lacks"
EXAMPLE = "memory_and_rows"

# page -> what its main text must show (the page is the one built, not an error page)
PAGES = {
    "index.html": ("docs-landing", "drop-in for"),
    "user_guide/loading.html": ("docs-guide", "Only some rows"),
    "api.html": (None, "fetch_openml_async"),
    "changelog.html": (None, "Unreleased"),
    f"auto_examples/{EXAMPLE}.html": ("docs-gallery-example", "equal to the full load's first rows: True"),
}


@pytest.fixture(scope="module")
def docs_built(openml_mirror) -> Path:
    started = time.monotonic()
    try:
        done = subprocess.run(["bash", str(REPO / "docs" / "build.sh"), "--openml-base-url", openml_mirror.url],
                              cwd=REPO, capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"docs/build.sh took over {error.timeout:.0f} s", pytrace=False)
    output = (done.stdout + done.stderr).strip()
    if done.returncode == UNAVAILABLE:
        unavailable("docs/build.sh cannot build here:\n" + "\n".join(output.splitlines()[-8:]))
    if done.returncode != 0:
        pytest.fail(f"docs/build.sh failed ({done.returncode}):\n{output[-6000:]}", pytrace=False)
    said = [line for line in done.stdout.splitlines() if line.startswith("== ")]
    print(f"[docs] build: {time.monotonic() - started:.1f} s ({said[-1] if said else ''})")
    return SITE


@pytest.fixture(scope="module", params=BROWSERS)
def browser(request):
    with launch_or_skip(request.param, width=1300, height=1000) as browser:
        yield browser


def _suffix(browser) -> str:
    return "" if browser.name == "chromium" else f"-{browser.name}"


def test_pages_open_cleanly(browser, docs_built):
    with SiteServer(docs_built, {}, config_path="/lite/jupyter-lite.json") as server:
        browser.messages()  # (what an earlier test left)
        for page, (screenshot, shown) in PAGES.items():
            browser.get(f"{server.url}/{page}")
            text = browser.execute_script("return document.querySelector('main, article, body').innerText")
            assert shown in text, f"{page} does not show {shown!r}"
            if screenshot:
                browser.save_screenshot(ARTIFACTS / f"{screenshot}{_suffix(browser)}.png")
            messages = browser.messages()
            bad = [m for m in messages if m.startswith(("page error", "request failed", "console error"))]
            assert not bad, f"{page} in {browser.name}:\n" + "\n".join(bad) + f"\nnot found: {server.not_found()}"
        missing = server.not_found()
    assert not missing, f"the pages asked for files the site lacks: {missing}"


DEMO_STATE = """
if (document.body.dataset.loaded === "true") return "loaded";
if (document.body.dataset.ready === "true" && !document.body.dataset.asked) return "ready";
const error = document.getElementById("error");
return error && !error.hidden ? "error: " + error.innerText : null;
"""


def test_the_sites_demo_page_loads_from_the_sites_data(browser, docs_built):
    """demo/: the demo page on what the site ships (its JupyterLite's Pyodide and wheel, the
    gallery's datasets in _static/openml/); no other server: Titanic by name, from the site."""
    from browsers import wait_for

    with SiteServer(docs_built, {}, config_path="/lite/jupyter-lite.json") as server:
        browser.get(f"{server.url}/demo/index.html")
        assert wait_for(browser, DEMO_STATE, 90, "the site's demo page to start Python") == "ready"
        browser.execute_script("""
document.body.dataset.asked = "1";
const field = document.getElementById("dataset");
field.value = "titanic";
field.dispatchEvent(new Event("input", { bubbles: true }));
document.getElementById("load").click();""")
        state = wait_for(browser, DEMO_STATE, 60, "Titanic to load in the site's demo page")
        heading = browser.execute_script('return document.getElementById("result-heading").innerText')
        browser.save_screenshot(ARTIFACTS / f"docs-demo{_suffix(browser)}.png")
        served = [path for path, _ in server.log]
    assert state == "loaded", state
    assert "Titanic (id 40945" in heading, heading
    assert "/_static/openml/datasets/0004/40945/dataset_40945.pq" in served, served
    assert any(path.startswith("/lite/static/pyodide/") for path in served)


# each gallery example -> what its notebook must print (besides running without an error)
NOTEBOOKS = {
    "first_load": ("(1309, 14) target: ['survived']", "engine: "),
    "sklearn_drop_in": ("iris: 150 rows, 5 columns", "test accuracy: "),
    "memory_and_rows": ("fits - ", "equal to the full load's first rows: True"),
}


# Chromium runs every gallery notebook; Firefox the one that plans, loads some rows and a
# whole load (each notebook run is some 30 s here: CI's time)
IN_BROWSER = {"chromium": sorted(NOTEBOOKS), "firefox": [EXAMPLE]}


def test_gallery_notebooks_run_in_jupyterlite(browser, docs_built, openml_mirror):
    for example in IN_BROWSER[browser.name]:
        _run_gallery_notebook(browser, docs_built, openml_mirror, example)


def _run_gallery_notebook(browser, docs_built, openml_mirror, example):
    notebook = f"auto_examples/{example}.ipynb"
    with SiteServer(docs_built, {"OPENML_LITE_BASE_URL": openml_mirror.url},
                    config_path="/lite/jupyter-lite.json") as server:
        browser.get(f"{server.url}/auto_examples/{example}.html")
        links = browser.execute_script(
            "return Array.from(document.querySelectorAll('.lite-badge a[href]')).map((a) => a.href)")
        assert links == [f"{server.url}/lite/lab/index.html?path={notebook}"], links
        shot = "docs-gallery-notebook" if example == EXAMPLE else f"docs-gallery-notebook-{example}"
        run = run_notebook(browser, links[0], notebook, screenshot=ARTIFACTS / f"{shot}{_suffix(browser)}.png",
                           server=server, kernel_timeout=90, run_timeout=120)
    code = check_no_errors(run)
    assert code[0]["source"].startswith(MARKER), f"{example}: the first code cell is not the kit's:\n{code[0]['source']}"
    printed = "".join(stdout(cell) for cell in code)
    for line in NOTEBOOKS[example]:
        assert line in printed, (example, printed)
    check_stayed_local(run)
