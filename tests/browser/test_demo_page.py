"""The demo page (index.html + web/app.js + web/openml-lite.js) in headless Chromium,
served by `python -m openml_lite.serve --port 0` with its own local OpenML mirror.

Loads Titanic (40945) through the page's form, checks what the page shows against
openml_lite.fetch_openml on CPython from the same mirror (preview rows, dtypes,
categories), the engine and timing fields, the download progress bar, fits the model,
and checks that an unknown id gives a readable error in the page. Saves a screenshot to
artifacts/demo-page.png. Offline: Chromium gets the same no-network flags as
tests/pyodide/conftest.py.

Skips with "run bash build_wheels.sh first" without web/pyodide/, and without
chromedriver / chromium.
"""

from __future__ import annotations

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

from support import CHROMIUM_OFFLINE_FLAGS

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
BUILD_HINT = "run bash build_wheels.sh first"
CHROMEDRIVER = os.environ.get("SE_CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"

CHROME_FLAGS = ["--headless=new", "--no-sandbox", "--js-flags=--expose-gc", *CHROMIUM_OFFLINE_FLAGS,
                "--window-size=1280,1000"]

if not (REPO / "web" / "pyodide" / "pyodide.mjs").is_file():
    pytest.skip(f"no Pyodide in web/pyodide/: {BUILD_HINT}", allow_module_level=True)
if not (Path(CHROMEDRIVER).is_file() and os.access(CHROMEDRIVER, os.X_OK)):
    pytest.skip("chromedriver not found (apt-get install chromium chromium-driver)", allow_module_level=True)
if not Path(CHROMIUM).is_file():
    pytest.skip("chromium not found (apt-get install chromium chromium-driver)", allow_module_level=True)
pytest.importorskip("selenium", reason="selenium is not installed (pip install selenium)")

# Selenium Manager must not go online (driver lookup, statistics).
os.environ.setdefault("SE_OFFLINE", "true")
os.environ.setdefault("SE_AVOID_STATS", "true")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

import openml_lite  # noqa: E402

TITANIC = 40945


@pytest.fixture(scope="module")
def demo():
    """`python -m openml_lite.serve --port 0`: the page URL and its /config.json."""
    process = subprocess.Popen(
        [sys.executable, "-m", "openml_lite.serve", "--port", "0"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    try:
        try:
            first = lines.get(timeout=60)
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
def expected(demo):
    """Titanic as openml-lite loads it on CPython from the same mirror."""
    _, config = demo
    bunch = openml_lite.fetch_openml(data_id=TITANIC, base_url=config["openmlUrl"], cache=False)
    report = openml_lite.last_load_report()
    return bunch, report


@pytest.fixture(scope="module")
def driver():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    browser = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    browser.set_script_timeout(60)
    yield browser
    browser.quit()


def ready_page(driver, url):
    """The page, with Pyodide booted and openml-lite installed (once per module)."""
    if not driver.current_url.startswith(url) or driver.execute_script("return document.body.dataset.ready") != "true":
        driver.get(url)
        WebDriverWait(driver, 75).until(
            lambda d: d.execute_script("return document.body.dataset.ready") == "true"
            or d.find_element(By.ID, "error").get_attribute("hidden") is None,
            message="the page did not boot Pyodide",
        )
        error = driver.find_element(By.ID, "error")
        assert error.get_attribute("hidden") is not None, f"boot failed: {error.text}"
    return driver


def load(driver, what: str):
    field = driver.find_element(By.ID, "dataset")
    field.clear()
    field.send_keys(what)
    driver.find_element(By.ID, "load").click()


def text(driver, element_id: str) -> str:
    return driver.find_element(By.ID, element_id).text


def screenshot(driver, name: str) -> None:
    """The whole page, from the top, into artifacts/ (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    driver.execute_script("window.scrollTo(0, 0)")
    height, chrome = driver.execute_script(
        "return [document.documentElement.scrollHeight, window.outerHeight - window.innerHeight]")
    driver.set_window_size(1280, min(max(height, 800), 4000) + chrome)
    driver.save_screenshot(str(ARTIFACTS / name))
    driver.set_window_size(1280, 1000)


def seconds(shown: str) -> float:
    number, unit = shown.split()
    return float(number) / (1000 if unit == "ms" else 1)


def test_titanic_preview_dtypes_progress_and_model(driver, demo, expected):
    url, config = demo
    bunch, cpython_report = expected
    frame = bunch.frame
    assert config["mirror"] is True and any(d["id"] == TITANIC for d in config["datasets"])

    started = time.monotonic()
    ready_page(driver, url)
    # the known datasets of the mirror are offered
    assert driver.find_elements(By.CSS_SELECTOR, f"#known button[data-id='{TITANIC}']")

    load(driver, str(TITANIC))
    WebDriverWait(driver, 40).until(
        lambda d: d.execute_script("return document.body.dataset.loaded") == "true"
        or d.find_element(By.ID, "error").get_attribute("hidden") is None,
    )
    assert driver.find_element(By.ID, "error").get_attribute("hidden") is not None, text(driver, "error")
    assert "Titanic" in text(driver, "result-heading") and str(TITANIC) in text(driver, "result-heading")
    assert text(driver, "fact-shape") == f"{frame.shape[0]:,} rows × {frame.shape[1]} columns"
    assert text(driver, "fact-target") == "survived"

    # preview: the first 10 rows, cell by cell for name / age / sex, against CPython
    preview = driver.find_element(By.ID, "preview")
    headers = [th.text for th in preview.find_elements(By.CSS_SELECTOR, "thead th")][1:]
    assert headers == list(frame.columns)
    rows = preview.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == 10
    for i, row in enumerate(rows):
        cell = {td.get_attribute("data-column"): td.text for td in row.find_elements(By.TAG_NAME, "td")}
        assert cell["name"] == frame["name"].iloc[i]
        assert cell["sex"] == frame["sex"].iloc[i]
        age = frame["age"].iloc[i]
        if math.isnan(age):
            assert cell["age"] == "NaN"
        else:
            assert float(cell["age"]) == pytest.approx(age)
    assert "First 10 of 1,309 rows" in preview.find_element(By.TAG_NAME, "caption").text

    # columns: dtypes as pandas says on CPython, categories of the nominal ones
    listed = {}
    for tr in driver.find_elements(By.CSS_SELECTOR, "#columns tbody tr"):
        listed[tr.get_attribute("data-column")] = {
            "dtype": tr.find_element(By.CSS_SELECTOR, "td.dtype").text,
            "role": tr.find_elements(By.TAG_NAME, "td")[0].text,
            "categories": [span.text for span in tr.find_elements(By.CSS_SELECTOR, "span.cat")],
        }
    assert list(listed) == list(frame.columns)
    for name, dtype in frame.dtypes.items():
        assert listed[name]["dtype"] == str(dtype), name
        if str(dtype) == "category":
            assert listed[name]["categories"] == [str(c) for c in frame[name].cat.categories], name
    assert listed["sex"]["categories"] == ["female", "male"]
    assert listed["survived"]["role"] == "target"

    # engine and timings (the LoadReport, as the page shows it)
    engine = driver.find_element(By.ID, "fact-engine")
    assert engine.get_attribute("data-engine") in {"js", "pyarrow", "fastparquet", "polars"}
    assert engine.text
    source = text(driver, "fact-source")
    assert source.startswith("parquet") and "downloaded" in source
    steps = {tr.get_attribute("data-step"): tr.find_element(By.TAG_NAME, "td").text
             for tr in driver.find_elements(By.CSS_SELECTOR, "#timing-rows tr")}
    assert set(steps) == {"metadata", "engine", "download", "decode", "convert", "save", "total"}
    parts = {step: seconds(value) for step, value in steps.items()}
    assert all(value >= 0 for value in parts.values())
    assert parts["total"] >= max(parts["download"], parts["decode"], parts["convert"])

    # the progress bar got to the end, with the file's size in bytes
    bar = driver.find_element(By.ID, "progress")
    size = cpython_report.data_bytes
    assert int(bar.get_attribute("data-received")) == int(bar.get_attribute("data-total")) == size
    assert float(bar.get_attribute("value")) == float(bar.get_attribute("max"))
    assert f"{size / 1e3:.1f} kB of {size / 1e3:.1f} kB (100 %)" == text(driver, "progress-text")

    # fit a model in the browser
    driver.find_element(By.ID, "fit").click()
    WebDriverWait(driver, 60).until(
        lambda d: d.find_elements(By.ID, "score") or d.find_elements(By.CSS_SELECTOR, "#fit-result .error-inline"),
    )
    assert not driver.find_elements(By.CSS_SELECTOR, "#fit-result .error-inline"), text(driver, "fit-result")
    score = float(driver.find_element(By.ID, "score").text)
    assert 0 < score < 1
    assert float(driver.find_element(By.ID, "score").get_attribute("data-score")) == pytest.approx(score, abs=5e-4)
    assert "LogisticRegression" in text(driver, "fit-result")

    screenshot(driver, "demo-page.png")
    assert time.monotonic() - started < 120


def test_unknown_id_shows_a_readable_error(driver, demo):
    url, config = demo
    ready_page(driver, url)
    load(driver, "999999")
    error = driver.find_element(By.ID, "error")
    WebDriverWait(driver, 30).until(lambda d: error.get_attribute("hidden") is None)
    message = error.text
    assert "DatasetNotFoundError" in message and "999999" in message, message
    assert config["openmlUrl"] in message
    assert "Traceback" not in message and "File \"" not in message
    assert driver.find_element(By.ID, "result").get_attribute("hidden") is not None
    assert text(driver, "status") == "Loading failed."
    screenshot(driver, "demo-page-error.png")
