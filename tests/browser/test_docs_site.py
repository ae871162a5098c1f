"""The example documentation site (examples/docs-site), built offline and clicked through in
headless Chromium and Firefox: each gallery example's JupyterLite notebook, run with nothing
but the site's own origin reachable (the data from the bundle conf.py's
use_openml_lite(bundle=True) ships in _static/openml/), and again with that bundle gone and
the local OpenML mirror of the `openml_mirror` fixture (openml-lite's pytest plugin) as the
second server.

    bash build_wheels.sh                 # web/pyodide/ (with the kernel's packages) + the wheel
    bash examples/docs-site/build.sh     # examples/docs-site/_build/html (this test runs it too)
    pytest tests/browser/test_docs_site.py

What it does: runs examples/docs-site/build.sh with --openml-base-url of the fixture's
mirror (sphinx-gallery runs the two examples at build time, on CPython, against it; the
script says "up to date" in a second when no input changed), serves the built site on
127.0.0.1 and, in each browser and for each example: opens the example's HTML page, checks
what the build printed there, follows its JupyterLite badge link
(lite/lab/index.html?path=auto_examples/NAME.ipynb), runs all cells of the notebook
(tests/browser/lite_notebook.py) and checks: the first code cell is the one conf.py's
use_openml_lite(bundle=True) added (%pip install openml-lite from the site's pypi/,
patch_sklearn, use_site_mirror), no cell failed, the printed shapes and score are right
(iris by name: 150 rows and a test accuracy; Titanic by id: (1309, 14) and (1309, 13)),
nothing was missing from the site or tried to leave 127.0.0.1, and the dataset's parquet file
came from the site's bundle (OpenML, www.openml.org, unreachable and never needed) or, with
the bundle gone (the site answers 404 there), from the mirror, and no ARFF.
Screenshots: artifacts/docs-site-NAME.png (the notebook after its run) and
artifacts/docs-site-NAME-page.png (the example's page), Firefox's with -firefox.

The mirror's URL reaches the notebooks as it does in test_jupyterlite.py: the site server
answers lite/jupyter-lite.json with OPENML_LITE_BASE_URL in the kernel's environment (the
first cell puts the site's bundle before it), so the built site (and its notebooks) stay what
a user gets for www.openml.org, and one build serves every test session.

Skips (errors when OPENML_LITE_PYODIDE_STRICT=1, as in CI) only when something is missing
here: web/pyodide or the wheel ("run bash build_wheels.sh first"), PyPI for the build's
venv (build.sh's exit status 3), the browser or its driver. A failing build is a failure.
"""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest

from browsers import BROWSERS, launch_or_skip
from lite_notebook import (SiteServer, check_no_errors, check_stayed_local, run_notebook, stdout,
                           text, unavailable)
from openml_lite.sphinx import MARKER

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "examples" / "docs-site"
SITE = DOCS / "_build" / "html"
ARTIFACTS = REPO / "artifacts"
UNAVAILABLE = 3  # build.sh's exit status for "something this machine lacks"

# seconds
KERNEL_TIMEOUT = 90  # page load + first kernel start (about 10 s here)
RUN_TIMEOUT = 120  # all cells (pip install, sklearn load, fetch, fit)


def _score(output: str) -> float:
    match = re.search(r"test accuracy:\s*([0-9.]+)", output)
    assert match, f"no score printed in {output!r}"
    return float(match.group(1))


def check_iris(code: list[dict], built: str) -> str:
    """iris_by_name.py: fetch_openml("iris", version=1) and a fitted logistic regression."""
    printed = "".join(stdout(cell) for cell in code)
    assert "iris: 150 rows, 5 columns" in printed, printed
    score, at_build = _score(printed), _score(built)
    assert 0.8 < score <= 1, f"test accuracy {score} (at build time, on CPython: {at_build})"
    return f"test accuracy {score:.3f} (build, CPython: {at_build:.3f})"


def check_titanic(code: list[dict], built: str) -> str:
    """titanic_by_id.py: fetch_openml(data_id=40945), shapes and survivors by class."""
    printed = "".join(stdout(cell) for cell in code)
    for line in ("frame shape: (1309, 14)", "data shape: (1309, 13), target: survived"):
        assert line in printed, printed
        assert line in built, f"the built page lacks {line!r}: {built!r}"
    table = [text(o["data"].get("text/plain")) for cell in code for o in cell["outputs"]
             if o["output_type"] == "execute_result"]
    assert table and re.search(r"pclass", table[-1]), f"no survivors-by-class table: {table}"
    return "frame (1309, 14), data (1309, 13)"


# example name -> (the dataset's parquet file on the mirror, the checks of its outputs)
EXAMPLES = {
    "iris_by_name": ("/dataset_61.pq", check_iris),
    "titanic_by_id": ("/dataset_40945.pq", check_titanic),
}


# ---------------------------------------------------------------------------------------------
# the site, built against the session's mirror


@pytest.fixture(scope="module")
def docs_site(openml_mirror) -> Path:
    """examples/docs-site/_build/html, (re)built by build.sh when any input changed."""
    started = time.monotonic()
    try:
        done = subprocess.run(
            ["bash", str(DOCS / "build.sh"), "--openml-base-url", openml_mirror.url],
            cwd=REPO, capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"examples/docs-site/build.sh took over {error.timeout:.0f} s", pytrace=False)
    output = (done.stdout + done.stderr).strip()
    if done.returncode == UNAVAILABLE:
        tail = "\n".join(output.splitlines()[-8:])
        unavailable(f"examples/docs-site/build.sh cannot build here:\n{tail}")
    if done.returncode != 0:
        pytest.fail(f"examples/docs-site/build.sh failed ({done.returncode}):\n{output[-6000:]}",
                    pytrace=False)
    said = [line for line in done.stdout.splitlines() if line.startswith("== ")]
    print(f"[docs-site] build: {time.monotonic() - started:.1f} s ({said[-1] if said else ''})")
    return SITE


@pytest.fixture(scope="module", params=BROWSERS)
def browser(request):
    with launch_or_skip(request.param, width=1400, height=1400) as browser:
        yield browser


# the printed outputs of an example page (sphinx-gallery's "sphx-glr-script-out" blocks)
PAGE_OUTPUT = """
return Array.from(document.querySelectorAll('.sphx-glr-script-out pre')).map((pre) => pre.textContent).join('\\n');
"""
# the page's JupyterLite badge: the link sphinx-gallery made (absolute, as the browser resolves it)
PAGE_LITE_LINK = """
const links = Array.from(document.querySelectorAll('.lite-badge a[href]')).map((a) => a.href);
return links;
"""


# ---------------------------------------------------------------------------------------------
# the test


BUNDLE = "/_static/openml/"
# how the notebook finds its data: the site's bundle alone (no other server reachable), or
# the mirror after the site (whose bundle is gone)
SOURCES = ("site-only", "bundle-gone")


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_gallery_notebook_runs_in_jupyterlite(browser, docs_site, openml_mirror, name, source):
    started = time.monotonic()
    parquet, check = EXAMPLES[name]
    suffix = ("" if browser.name == "chromium" else f"-{browser.name}") + ("" if source == "site-only" else f"-{source}")
    notebook = f"auto_examples/{name}.ipynb"
    kernel_env = {} if source == "site-only" else {"OPENML_LITE_BASE_URL": openml_mirror.url}
    with SiteServer(docs_site, kernel_env, config_path="/lite/jupyter-lite.json",
                    hide=None if source == "site-only" else BUNDLE) as server:
        # the example's page, as the build made it (the examples ran there, on CPython)
        browser.get(f"{server.url}/auto_examples/{name}.html")
        built = browser.execute_script(PAGE_OUTPUT)
        links = browser.execute_script(PAGE_LITE_LINK)
        browser.save_screenshot(ARTIFACTS / f"docs-site-{name}-page{suffix}.png")
        assert links == [f"{server.url}/lite/lab/index.html?path={notebook}"], links

        # follow the badge, run the notebook against the mirror
        openml_mirror.reset_requests()
        run = run_notebook(browser, links[0], notebook, screenshot=ARTIFACTS / f"docs-site-{name}{suffix}.png",
                           server=server, kernel_timeout=KERNEL_TIMEOUT, run_timeout=RUN_TIMEOUT)
        requests = openml_mirror.requests()
        site = [path for path, _ in server.log if path.startswith(BUNDLE)]
    run.timings["whole test"] = time.monotonic() - started

    code = check_no_errors(run)
    first = code[0]["source"]
    assert first.startswith(MARKER) and "%pip install openml-lite" in first \
        and "patch_sklearn()" in first and "use_site_mirror('_static/openml')" in first, \
        f"the first code cell is not openml-lite's:\n{first}"
    # the example's own code is unchanged: sklearn's fetch_openml, nothing of openml-lite
    assert all("openml_lite" not in cell["source"] for cell in code[1:]), [c["source"] for c in code]
    said = check(code, built)
    check_stayed_local(run)

    # the data came from the site's bundle, or with it gone from the mirror; parquet, never ARFF
    paths = [request["path"] for request in requests]
    if source == "site-only":
        assert paths == [], f"the mirror was asked (OpenML should not even be reachable): {paths}"
        assert any(path.endswith(parquet) for path in site), f"the site's bundle was asked for: {site}"
        from_where = site
    else:
        assert any(path.endswith(parquet) for path in paths), f"the mirror was asked for: {paths}"
        assert site, "the notebook did not ask the site's (hidden) bundle first"
        from_where = paths
    arff = [path for path in from_where if "/data/v1/download/" in path or path.endswith(".arff")]
    assert not arff, f"the notebook read ARFF: {arff}"
    print(f"[docs-site] {name} in {browser.name}, {source}: {said}; "
          + ", ".join(f"{k}: {v:.1f} s" for k, v in run.timings.items()))
