"""The demo page (index.html + web/app.js + web/openml-lite.js) in headless Chromium and
Firefox, served by `python -m openml_lite.serve --port 0` with its own local OpenML mirror.

Loads Titanic (40945) through the page's form, checks what the page shows against
openml_lite.fetch_openml on CPython from the same mirror (preview rows, dtypes,
categories), the engine and timing fields, the download progress bar, fits the model,
and checks that an unknown id gives a readable error in the page. Screenshots:
artifacts/demo-page.png (Chromium), artifacts/demo-page-firefox.png. The browsers are
tests/browsers.py's (puppeteer-core, offline: only 127.0.0.1 is reachable).

`driver`, `ready_page`, `load` and `text` also serve tests/browser/test_first_command.py,
which drives the page in Chromium with selenium: the helpers only run scripts, so they work
with a selenium WebDriver and a browsers.Browser alike. `serving`, `page` and the scripts
also serve tests/browser/test_demo_page_big.py (the page with big datasets).

Skips with "run bash build_wheels.sh first" without web/pyodide/, and without the
browser (with OPENML_LITE_PYODIDE_STRICT=1, as in CI, that is a failure).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

import openml_lite
from browsers import BROWSERS, STRICT, launch_or_skip, wait_for
from support import CHROMIUM_OFFLINE_FLAGS

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
BUILD_HINT = "run bash build_wheels.sh first"

if not (REPO / "web" / "pyodide" / "pyodide.mjs").is_file():
    pytest.skip(f"no Pyodide in web/pyodide/: {BUILD_HINT}", allow_module_level=True)

TITANIC = 40945


@contextlib.contextmanager
def serving(*options: str, start_timeout: float = 60):
    """`python -m openml_lite.serve --port 0 OPTIONS`: the page URL and its /config.json."""
    process = subprocess.Popen(
        [sys.executable, "-m", "openml_lite.serve", "--port", "0", *options],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    try:
        try:
            first = lines.get(timeout=start_timeout)
        except queue.Empty:
            first = ""
        match = re.match(r"serving the demo at (http://127\.0\.0\.1:\d+/)", first)
        if not match:
            process.terminate()
            pytest.fail(f"openml_lite.serve did not start: {first!r} {process.stderr.read()[-2000:]}")
        url = match.group(1)
        with urllib.request.urlopen(url + "config.json", timeout=10) as answer:
            config = json.load(answer)
        yield url, config
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()


@pytest.fixture(scope="module")
def demo():
    """The demo page with its own mirror: URL and /config.json."""
    with serving() as served:
        yield served


@pytest.fixture(scope="module")
def expected(demo):
    """Titanic as openml-lite loads it on CPython from the same mirror."""
    _, config = demo
    bunch = openml_lite.fetch_openml(data_id=TITANIC, base_url=config["openmlUrl"], cache=False)
    report = openml_lite.last_load_report()
    return bunch, report


@pytest.fixture(scope="module", params=BROWSERS)
def page(request):
    """A headless browser (Chromium, then Firefox) for the module's tests."""
    with launch_or_skip(request.param, width=1280, height=1000) as browser:
        yield browser


@pytest.fixture(scope="module")
def driver():
    """Chromium through selenium + chromedriver (for test_first_command.py)."""
    chromedriver = os.environ.get("SE_CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
    if not (Path(chromedriver).is_file() and Path(chromium).is_file()):
        reason = "chromium or chromedriver not found (apt-get install chromium chromium-driver)"
        if STRICT:
            pytest.fail(f"{reason} (OPENML_LITE_PYODIDE_STRICT is set)", pytrace=False)
        pytest.skip(reason)
    # Selenium Manager must not go online (driver lookup, statistics).
    os.environ.setdefault("SE_OFFLINE", "true")
    os.environ.setdefault("SE_AVOID_STATS", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ["--headless=new", "--no-sandbox", *CHROMIUM_OFFLINE_FLAGS, "--window-size=1280,1000"]:
        options.add_argument(flag)
    browser = webdriver.Chrome(options=options, service=Service(executable_path=chromedriver))
    browser.set_script_timeout(60)
    yield browser
    browser.quit()


BOOT_STATE = """
if (document.body.dataset.ready === "true") return "ready";
const error = document.getElementById("error");
return error && !error.hidden ? "error: " + error.innerText : null;
"""

LOAD_STATE = """
if (document.body.dataset.loaded === "true") return "loaded";
const error = document.getElementById("error");
return error && !error.hidden ? "error: " + error.innerText : null;
"""


def ready_page(driver, url):
    """The page, with Pyodide booted and openml-lite installed (once per browser)."""
    if not driver.current_url.startswith(url) or driver.execute_script(BOOT_STATE) != "ready":
        driver.get(url)
        state = wait_for(driver, BOOT_STATE, 75, "the page to boot Pyodide")
        assert state == "ready", f"boot failed: {state}"
    return driver


def load(driver, what: str):
    """Type `what` into the dataset field and press Load."""
    driver.execute_script(f"""
const field = document.getElementById("dataset");
field.value = {json.dumps(what)};
field.dispatchEvent(new Event("input", {{ bubbles: true }}));
document.getElementById("load").click();
""")


def text(driver, element_id: str) -> str:
    return driver.execute_script(f"return document.getElementById({json.dumps(element_id)}).innerText.trim()")


def screenshot(page, name: str) -> None:
    """The whole page into artifacts/ (git-ignored); Firefox's with -firefox in the name."""
    page.execute_script("window.scrollTo(0, 0)")
    suffix = "" if page.name == "chromium" else f"-{page.name}"
    page.save_screenshot(ARTIFACTS / f"{name}{suffix}.png")


# Everything the test checks of a loaded dataset, in one round trip
SHOWN = """
const $ = (id) => document.getElementById(id);
const all = (root, selector) => Array.from(root.querySelectorAll(selector));
const preview = $("preview");
const bar = $("progress");
return {
  known: all(document, "#known button").map((b) => b.dataset.id),
  heading: $("result-heading").innerText.trim(),
  shape: $("fact-shape").innerText.trim(),
  target: $("fact-target").innerText.trim(),
  headers: all(preview, "thead th").slice(1).map((th) => th.innerText.trim()),
  rows: all(preview, "tbody tr").map((tr) => Object.fromEntries(
    all(tr, "td").map((td) => [td.dataset.column, td.innerText.trim()]))),
  caption: preview.querySelector("caption").innerText.trim(),
  columns: all(document, "#columns tbody tr").map((tr) => ({
    name: tr.dataset.column,
    dtype: tr.querySelector("td.dtype").innerText.trim(),
    role: tr.querySelector("td").innerText.trim(),
    categories: all(tr, "span.cat").map((span) => span.innerText.trim()),
  })),
  engine: $("fact-engine").dataset.engine,
  engineText: $("fact-engine").innerText.trim(),
  source: $("fact-source").innerText.trim(),
  steps: Object.fromEntries(all(document, "#timing-rows tr").map(
    (tr) => [tr.dataset.step, tr.querySelector("td").innerText.trim()])),
  progress: { received: bar.dataset.received, total: bar.dataset.total, value: bar.value, max: bar.max },
  progressText: $("progress-text").innerText.trim(),
};
"""

FIT_STATE = """
const score = document.getElementById("score");
if (score) return { score: score.innerText.trim(), data: score.dataset.score,
                    text: document.getElementById("fit-result").innerText };
const error = document.querySelector("#fit-result .error-inline");
return error ? { error: error.innerText } : null;
"""


def seconds(shown: str) -> float:
    number, unit = shown.split()
    return float(number) / (1000 if unit == "ms" else 1)


def test_titanic_preview_dtypes_progress_and_model(page, demo, expected):
    url, config = demo
    bunch, cpython_report = expected
    frame = bunch.frame
    assert config["mirror"] is True and any(d["id"] == TITANIC for d in config["datasets"])

    started = time.monotonic()
    ready_page(page, url)
    load(page, str(TITANIC))
    state = wait_for(page, LOAD_STATE, 40, "Titanic to load")
    assert state == "loaded", state
    shown = page.execute_script(SHOWN)
    # the known datasets of the mirror are offered
    assert str(TITANIC) in shown["known"]
    assert "Titanic" in shown["heading"] and str(TITANIC) in shown["heading"]
    assert shown["shape"] == f"{frame.shape[0]:,} rows × {frame.shape[1]} columns"
    assert shown["target"] == "survived"

    # preview: the first 10 rows, cell by cell for name / age / sex, against CPython
    assert shown["headers"] == list(frame.columns)
    assert len(shown["rows"]) == 10
    for i, cell in enumerate(shown["rows"]):
        assert cell["name"] == frame["name"].iloc[i]
        assert cell["sex"] == frame["sex"].iloc[i]
        age = frame["age"].iloc[i]
        if math.isnan(age):
            assert cell["age"] == "NaN"
        else:
            assert float(cell["age"]) == pytest.approx(age)
    assert "First 10 of 1,309 rows" in shown["caption"]

    # columns: dtypes as pandas says on CPython, categories of the nominal ones
    listed = {column["name"]: column for column in shown["columns"]}
    assert list(listed) == list(frame.columns)
    for name, dtype in frame.dtypes.items():
        assert listed[name]["dtype"] == str(dtype), name
        if str(dtype) == "category":
            assert listed[name]["categories"] == [str(c) for c in frame[name].cat.categories], name
    assert listed["sex"]["categories"] == ["female", "male"]
    assert listed["survived"]["role"] == "target"

    # engine and timings (the LoadReport, as the page shows it)
    assert shown["engine"] in {"js", "pyarrow", "fastparquet", "polars"}
    assert shown["engineText"]
    assert shown["source"].startswith("parquet") and "downloaded" in shown["source"]
    assert set(shown["steps"]) == {"metadata", "engine", "download", "decode", "convert", "save", "total"}
    parts = {step: seconds(value) for step, value in shown["steps"].items()}
    assert all(value >= 0 for value in parts.values())
    assert parts["total"] >= max(parts["download"], parts["decode"], parts["convert"])

    # the progress bar got to the end, with the file's size in bytes
    size = cpython_report.data_bytes
    progress = shown["progress"]
    assert int(progress["received"]) == int(progress["total"]) == size
    assert float(progress["value"]) == float(progress["max"])
    assert f"{size / 1e3:.1f} kB of {size / 1e3:.1f} kB (100 %)" == shown["progressText"]

    # fit a model in the browser
    page.execute_script('document.getElementById("fit").click()')
    fit = wait_for(page, FIT_STATE, 60, "the model to be fitted")
    assert "error" not in fit, fit["error"]
    score = float(fit["score"])
    assert 0 < score < 1
    assert float(fit["data"]) == pytest.approx(score, abs=5e-4)
    assert "LogisticRegression" in fit["text"]

    screenshot(page, "demo-page")
    assert time.monotonic() - started < 120


def test_every_name_offered_loads_by_that_name(page, demo):
    """The field's placeholder suggests "titanic"; the names the page offers to type (its
    datalist) are the known datasets' names, and each loads by it (the mirror answers a name
    lookup for every dataset, as OpenML does), showing the id the name leads to."""
    url, config = demo
    ready_page(page, url)
    placeholder = page.execute_script('return document.getElementById("dataset").placeholder')
    assert "titanic" in placeholder, placeholder
    offered = page.execute_script(
        'return Array.from(document.querySelectorAll("#dataset-names option")).map((o) => o.value)'
        '.filter((v) => !/^\\d+$/.test(v))')
    names = {d["name"].lower() for d in config["datasets"]}
    assert set(offered) == names and "titanic" in offered and "adult" in offered, offered
    for name in ("titanic", "adult"):
        load(page, name)
        state = wait_for(page, LOAD_STATE, 40, f"{name} to load by name")
        assert state == "loaded", f"{name}: {state}"
        active = min((d for d in config["datasets"] if d["name"].lower() == name and d["status"] == "active"),
                     key=lambda d: d["version"])
        assert f"(id {active['id']}," in text(page, "result-heading"), (name, text(page, "result-heading"))


TWO_LOADS = """
return (async () => {
  const api = await import(new URL("web/openml-lite.js", location.href).href);
  const events = [];
  const one = (id) => api.loadOpenML(id, {
    baseUrl: BASE_URL, cache: false,
    onStatus: (stage) => events.push([id, stage, performance.now()]),
    onProgress: (received, total) => events.push([id, "progress", performance.now(), received, total]),
  });
  const [titanic, iris] = await Promise.all([one(40945), one(61)]);
  return { titanic: titanic.report, iris: iris.report, shapes: [titanic.shape, iris.shape], events };
})();
"""


def test_two_loads_at_once_each_with_its_own_report(page, demo):
    """The JS API runs two loads at once in one page (no queue): they overlap in time, and
    each gets its own report and its own progress (its own file's bytes)."""
    url, config = demo
    ready_page(page, url)
    got = page.execute_script(TWO_LOADS.replace("BASE_URL", json.dumps(config["openmlUrl"])), timeout=120)
    assert got["shapes"] == [[1309, 14], [150, 5]]
    reports = {40945: got["titanic"], 61: got["iris"]}
    for data_id, report in reports.items():
        assert report["dataId"] == data_id and report["dataUrl"].endswith(f"dataset_{data_id}.pq"), report
        progress = [e for e in got["events"] if e[0] == data_id and e[1] == "progress"]
        assert progress and progress[-1][3] == progress[-1][4] == report["dataBytes"], (data_id, progress)
    span = {data_id: (min(e[2] for e in got["events"] if e[0] == data_id),
                      max(e[2] for e in got["events"] if e[0] == data_id)) for data_id in reports}
    assert span[61][0] < span[40945][1] and span[40945][0] < span[61][1], f"the loads did not overlap: {span}"


def test_unknown_id_shows_a_readable_error(page, demo):
    url, config = demo
    ready_page(page, url)
    load(page, "999999")
    state = wait_for(page, LOAD_STATE, 30, "the load to fail")
    assert state.startswith("error: "), state
    message = text(page, "error")
    assert "DatasetNotFoundError" in message and "999999" in message, message
    assert config["openmlUrl"] in message
    assert "Traceback" not in message and "File \"" not in message
    assert page.execute_script('return document.getElementById("result").hidden') is True
    assert text(page, "status") == "Loading failed."
    screenshot(page, "demo-page-error")
