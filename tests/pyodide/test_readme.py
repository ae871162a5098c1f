"""The guide's browser snippets (docs/user_guide/browser.md), run as written: only the Pyodide and wheel locations
(CDN, PyPI) and the OpenML server (the local mirror) are swapped, each swap asserted,
so an edit that breaks a snippet breaks this test."""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1]))  # tests/: doc_pages
from doc_pages import code_blocks, section  # noqa: E402

pytest.importorskip(
    "pytest_pyodide",
    reason="pytest-pyodide is not installed: pip install 'pytest<9' 'pytest-pyodide==0.59.*' selenium",
)

GUIDE = "docs/user_guide/browser.md"


def snippet(heading: str, language: str) -> str:
    return code_blocks(section(GUIDE, heading), language)[0].code


def swap(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"the guide's snippet changed: {old!r} not found once"
    return text.replace(old, new)



@pytest.fixture
def page_server(tmp_path, pyodide_dist_dir):
    """Serves a folder with the page and the offline Pyodide under /pyodide/."""
    (tmp_path / "pyodide").symlink_to(pyodide_dist_dir, target_is_directory=True)
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
        server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.mark.browser_only
@pytest.mark.driver_timeout(180)
def test_web_page_snippet(selenium_standalone, page_server, mirror_url, openml_lite_wheel):
    folder, url = page_server
    html = snippet("In a web page", "html")
    html = swap(html, "https://cdn.jsdelivr.net/pyodide/v0.27.7/full/pyodide.js", "/pyodide/pyodide.js")
    html = swap(html, 'micropip.install("openml-lite")', f'micropip.install("/pyodide/{openml_lite_wheel.name}")')
    html = swap(html, "fetch_openml_async(data_id=61)", f"fetch_openml_async(data_id=61, base_url={mirror_url!r})")
    (folder / "page.html").write_text(html)

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = selenium_standalone.driver
    driver.get(f"{url}/page.html")
    WebDriverWait(driver, 150).until(lambda d: "sepallength" in d.find_element(By.ID, "out").text)
    text = driver.find_element(By.ID, "out").text
    assert "Iris-setosa" in text and "5.1" in text


@pytest.mark.driver_timeout(180)
def test_jupyterlite_snippet(selenium_openml_lite, mirror_url):
    # JupyterLite runs cells with runPythonAsync in a worker with JSPI: so does this,
    # minus the worker (tests/pyodide/test_browser.py covers workers).
    code = swap(snippet("In JupyterLite", "python"), "%pip install openml-lite\n", "")
    selenium_openml_lite.run(f"import os\nos.environ['OPENML_LITE_BASE_URL'] = {mirror_url!r}")
    try:
        shape = selenium_openml_lite.run_async(code + "\ntitanic.frame.shape")
    finally:
        selenium_openml_lite.run("import os\ndel os.environ['OPENML_LITE_BASE_URL']")
    assert list(shape) == [1309, 14]


def test_pytest_pyodide_snippet(tmp_path, pyodide_dist_dir, mirror_url, openml_lite_wheel_url):
    """Run as what it is: a pytest-pyodide suite of its own, in node and Chromium."""
    import os
    import subprocess
    import sys

    code = snippet("In a pytest-pyodide suite", "python")
    code = swap(code, 'micropip.install("openml-lite")', f"micropip.install({openml_lite_wheel_url!r})")
    code = swap(code, "fetch_openml_async(data_id=40945)", f"fetch_openml_async(data_id=40945, base_url={mirror_url!r})")
    (tmp_path / "test_readme_suite.py").write_text(code)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--dist-dir={pyodide_dist_dir}",
         "--runtime=node,chrome", "--rootdir", str(tmp_path), str(tmp_path / "test_readme_suite.py")],
        cwd=tmp_path, capture_output=True, text=True, timeout=600, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "2 passed" in run.stdout
