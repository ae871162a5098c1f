"""The browsers of the browser tests (tests/browsers.py) reach 127.0.0.1 and nothing else,
though this machine can reach the package registries: what Chromium's flags and
Firefox's prefs promise, checked with hosts that answer here."""

from __future__ import annotations

import pytest

from browsers import BROWSERS, launch_or_skip

# reachable from this machine (pip, npm, apt use them), so a failure is the browser's doing
OUTSIDE = ["https://registry.npmjs.org/", "https://pypi.org/simple/", "http://deb.debian.org/debian/"]

TRY_ALL = """
const outcome = async (url) => {
  try { await fetch(url, { mode: "no-cors", cache: "no-store" }); return "reached"; }
  catch (error) { return "failed"; }
};
const urls = %s;
return Object.fromEntries(await Promise.all(urls.map(async (url) => [url, await outcome(url)])));
"""


@pytest.mark.parametrize("name", BROWSERS)
def test_only_loopback_is_reachable(name, mirror_url):
    with launch_or_skip(name) as browser:
        browser.get(f"{mirror_url}/_mirror/requests")
        loopback = f"{mirror_url}/api/v1/json/data/61"
        outcomes = browser.execute_script(TRY_ALL % [loopback, *OUTSIDE], timeout=60)
    assert outcomes == {loopback: "reached", **{url: "failed" for url in OUTSIDE}}
