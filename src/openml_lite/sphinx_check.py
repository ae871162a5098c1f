"""Check a built Sphinx site that uses openml-lite's doc kit: every gallery example's page has
one JupyterLite button, the button opens a notebook that exists in the built JupyterLite site,
and that notebook's first code cell is the kit's (and asks the site's own copy of the data
first when the site ships one).

    python -m openml_lite.sphinx_check BUILT_HTML EXAMPLES_DIR [--gallery auto_examples]

Exit status 0 when all holds, 1 with one line per problem on stderr. What a maintainer runs
after ``sphinx-build`` (web/jupyterlite/sphinx-site.sh does): a button that opens a missing
file is otherwise found by a reader.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlparse

from .sphinx import MARKER

BUNDLE_INDEX = Path("_static") / "openml" / "openml-lite-mirror.json"


def problems(html: Path, examples: Path, gallery: str = "auto_examples") -> list[str]:
    """What is wrong with the built site ``html`` for the gallery sources in ``examples``
    (every ``*.py`` there, as sphinx-gallery takes them); [] when nothing is."""
    found = []
    names = sorted(path.relative_to(examples).with_suffix("").as_posix() for path in examples.rglob("*.py"))
    if not names:
        return [f"no examples in {examples}"]
    bundled = (html / BUNDLE_INDEX).is_file()
    for name in names:
        page = html / gallery / f"{name}.html"
        if not page.is_file():
            found.append(f"{page.relative_to(html)} is missing")
            continue
        links = re.findall(r'href="([^"]*lite/lab/index\.html\?path=[^"]*)"', page.read_text())
        if len(links) != 1:
            found.append(f"{page.relative_to(html)}: {len(links)} JupyterLite links, not one")
            continue
        notebook = _notebook_of(html, page, links[0])
        if notebook is None or not notebook.is_file():
            found.append(f"{page.relative_to(html)}: its JupyterLite button opens {links[0]}, which the "
                         f"built JupyterLite site does not have")
            continue
        cells = json.loads(notebook.read_text())["cells"]
        code = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
        if not code or not code[0].startswith(MARKER):
            found.append(f"{notebook.relative_to(html)}: the first code cell is not openml-lite's")
        elif bundled and "use_site_mirror(" not in code[0]:
            found.append(f"{notebook.relative_to(html)}: the first code cell does not ask the site's "
                         "copy of the data (_static/openml)")
    return found


def _notebook_of(html: Path, page: Path, link: str) -> Path | None:
    """The file a JupyterLite link's ``?path=`` opens: JupyterLite serves its contents from
    ``lite/files/`` (the lite site is the folder holding lab/)."""
    url = urljoin(page.relative_to(html).as_posix(), link.replace("&amp;", "&"))
    parsed = urlparse(url)
    path = parse_qs(parsed.query).get("path", [None])[0]
    if path is None or "/lab/" not in parsed.path:
        return None
    lite = parsed.path.split("/lab/")[0]
    return html / lite / "files" / path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m openml_lite.sphinx_check", description=__doc__.split("\n\n")[0])
    parser.add_argument("html", type=Path, help="the built site (sphinx-build's output folder)")
    parser.add_argument("examples", type=Path, help="the gallery's example sources (sphinx-gallery's examples_dirs)")
    parser.add_argument("--gallery", default="auto_examples", help="sphinx-gallery's gallery_dirs (default auto_examples)")
    args = parser.parse_args(argv)
    found = problems(args.html, args.examples, args.gallery)
    for problem in found:
        print("  " + problem, file=sys.stderr)
    if not found:
        print(f"   {len(list(args.examples.rglob('*.py')))} examples: each button opens its notebook, "
              "the kit's cell first")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
