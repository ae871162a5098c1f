"""Progress of big downloads: a one-line text bar (stderr), or the caller's callback.

``progress="auto"`` (the default) shows the bar where a person is watching: an
interactive terminal, a Jupyter or JupyterLite kernel. Never under pytest, and never
when ``OPENML_LITE_PROGRESS=0``. Files under ``MIN_BYTES`` stay quiet either way.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Callable

MIN_BYTES = 1 << 20
_WIDTH = 30


def resolve(progress) -> Callable[[str], Callable[[int, "int | None"], None]] | None:
    """``progress`` argument -> a factory of per-file callbacks (or None for silence)."""
    if callable(progress):
        return lambda url: progress
    if progress == "auto":
        progress = _someone_is_watching()
    return TextBar if progress else None


def _someone_is_watching() -> bool:
    if os.environ.get("OPENML_LITE_PROGRESS", "").lower() in ("0", "false", "no"):
        return False
    if "PYTEST_CURRENT_TEST" in os.environ:
        return False
    if "ipykernel" in sys.modules or "pyodide_kernel" in sys.modules:
        return True
    stream = sys.stderr
    return bool(stream and hasattr(stream, "isatty") and stream.isatty())


class TextBar:
    """``dataset_40945.pq  [#######.......]  1.2/2.8 MB  0.8 s``, redrawn in place."""

    def __init__(self, url: str, stream=None):
        self.name = url.rstrip("/").rsplit("/", 1)[-1]
        self.stream = stream or sys.stderr
        self.started = time.perf_counter()
        self.shown = False
        self.last_draw = 0.0

    def __call__(self, received: int, total: int | None) -> None:
        done = total is not None and received >= total
        if (total or received) < MIN_BYTES and not self.shown:
            return
        now = time.perf_counter()
        if not done and now - self.last_draw < 0.1:
            return
        self.last_draw, self.shown = now, True
        if total:
            filled = int(_WIDTH * min(received / total, 1.0))
            bar = "#" * filled + "." * (_WIDTH - filled)
            amount = f"{received / 1e6:.1f}/{total / 1e6:.1f} MB"
        else:
            bar, amount = "?" * _WIDTH, f"{received / 1e6:.1f} MB"
        end = "\n" if done else ""
        self.stream.write(f"\r{self.name}  [{bar}]  {amount}  {now - self.started:.1f} s{end}")
        self.stream.flush()
