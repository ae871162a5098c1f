"""Every Python block of README.md and of the docs site's Markdown pages that is meant to run
(all but those marked ``:class: no-run``: Pyodide-only code, conf.py lines) runs as written on
CPython against the local mirror (``$OPENML_LITE_BASE_URL``, as a reader who points a
notebook at a mirror would), each in a fresh interpreter; a block that defines tests runs
under pytest (openml-lite's plugin gives it ``openml_mirror``). Where a line is
``print(...)  # expected``, the printed line must be that."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from doc_pages import REPO, code_blocks, pages

_EXPECTED = re.compile(r"^print\(.*\)\s+#\s*(.+?)\s*$")


def _runnable():
    for page in pages():
        for block in code_blocks(page.read_text(encoding="utf-8"), "python"):
            if block.runs:
                yield pytest.param(block, id=f"{page.relative_to(REPO)}:{block.line}")


def test_the_pages_have_runnable_blocks():
    """The README's example at least (a marker typo must not silence every block)."""
    ids = [param.id for param in _runnable()]
    assert any(i.startswith("README.md:") for i in ids) and len(ids) >= 3, ids


@pytest.mark.parametrize("block", list(_runnable()))
def test_block_runs_as_written(block, mirror_url, tmp_path):
    env = {**os.environ, "OPENML_LITE_BASE_URL": mirror_url, "OPENML_LITE_PROGRESS": "0",
           "SCIKIT_LEARN_DATA": str(tmp_path / "data")}
    script = tmp_path / ("test_snippet.py" if re.search(r"^def test_", block.code, re.M) else "snippet.py")
    script.write_text(block.code)
    if script.name.startswith("test_"):
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(script)]
    else:
        command = [sys.executable, str(script)]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(command[1:])}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    expected = [m.group(1) for line in block.code.splitlines() if (m := _EXPECTED.match(line.strip()))]
    if expected and not script.name.startswith("test_"):
        assert done.stdout.splitlines() == expected
