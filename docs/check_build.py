"""The built site's own check (after the kit's, ``python -m openml_lite.sphinx_check``), offline:
every internal link and image of every page resolves to a file of the site, and every
``#anchor`` to an id in its page; the README's and the guide's links to docs pages were
turned into pages; the benchmark charts are there. Links to other hosts are counted, not
fetched (the site is built and checked offline).

    python docs/check_build.py BUILT_HTML
"""

from __future__ import annotations

import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

SKIPPED = ("lite/", "_static/", "_sources/", "_images/", "_downloads/")  # not pages of ours


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("name"):
            self.ids.add(attributes["name"])
        for key in ("href", "src"):
            if attributes.get(key) and tag in ("a", "img", "link", "script"):
                self.links.append(attributes[key])


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def problems(html: Path) -> tuple[list[str], int, int]:
    """(what is broken, internal links checked, external links seen)."""
    pages = sorted(p for p in html.rglob("*.html") if not p.relative_to(html).as_posix().startswith(SKIPPED))
    parsed = {page: _parse(page) for page in pages}
    found, internal, external = [], 0, 0
    for page, content in parsed.items():
        for link in content.links:
            scheme = urlparse(link).scheme
            if scheme == "data":  # inline (the demo page's empty favicon)
                continue
            if scheme in ("http", "https", "mailto"):
                external += 1
                continue
            if scheme or link.startswith("//"):
                found.append(f"{page.relative_to(html)}: a link of scheme {scheme!r}: {link}")
                continue
            target, anchor = urldefrag(link)
            path = (page.parent / unquote(target.split("?")[0])).resolve() if target else page
            internal += 1
            if path.is_dir():
                path = path / "index.html"
            if not path.is_file():
                found.append(f"{page.relative_to(html)}: {link} -> no such file")
                continue
            if anchor and path.suffix == ".html":
                ids = parsed[path].ids if path in parsed else _parse(path).ids
                if anchor not in ids:
                    found.append(f"{page.relative_to(html)}: {link} -> no id {anchor!r} there")
            if path.suffix == ".md":
                found.append(f"{page.relative_to(html)}: {link} links the Markdown source, not its page")
    for chart in ("big_datasets.png", "results.png"):
        if not (html / "_static" / "benchmarks" / chart).is_file():
            found.append(f"_static/benchmarks/{chart} is missing")
    # the demo page runs on what the site ships (conf.py's _demo_config)
    config = html / "demo" / "config.json"
    if not config.is_file():
        found.append("demo/config.json is missing")
    else:
        import json

        settings = json.loads(config.read_text())
        for key in ("openmlUrl", "pyodideUrl", "wheelUrl"):
            target = (config.parent / settings[key]).resolve()
            if not (target.is_dir() if key != "wheelUrl" else target.is_file()):
                found.append(f"demo/config.json: {key} {settings[key]!r} is not in the site")
        if not settings.get("datasets"):
            found.append("demo/config.json offers no dataset")
    return found, internal, external


def main() -> int:
    html = Path(sys.argv[1])
    found, internal, external = problems(html)
    for problem in found:
        print("  " + problem, file=sys.stderr)
    if not found:
        print(f"   links: {internal} internal ones resolve (files and anchors); {external} to other hosts, "
              "not fetched (offline)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
