"""The documentation's pages as tests read them: a section by its heading, and the fenced code
blocks of one language (plain ```python, or MyST's ```{code-block} python with its option
lines, e.g. ``:class: no-run``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"


def section(page: str, heading: str) -> str:
    """The text under ``heading`` (a Markdown heading of any level, exactly as written) of
    ``page`` (a path from the repository's root), up to the next heading of its level or
    higher (outside code blocks, whose comments start with "#" too)."""
    lines = (REPO / page).read_text(encoding="utf-8").splitlines(keepends=True)
    level, taken, fenced = None, [], False
    for line in lines:
        if line.startswith("```"):
            fenced = not fenced
        hashes = len(line) - len(line.lstrip("#"))
        is_heading = not fenced and hashes and line[hashes:hashes + 1] == " "
        if level is None:
            if is_heading and line[hashes + 1:].rstrip("\n") == heading:
                level = hashes
            continue
        if is_heading and hashes <= level:
            break
        taken.append(line)
    assert level is not None, f"{page} has no heading {heading!r}"
    return "".join(taken)


@dataclass(frozen=True)
class Block:
    language: str
    code: str
    options: tuple[str, ...]  # MyST option lines (":class: no-run")
    line: int  # where the block starts in its page (1-based)

    @property
    def runs(self) -> bool:
        """Meant to run on CPython: not marked ``:class: no-run``."""
        return not any(option.split() == [":class:", "no-run"] for option in self.options)


_FENCE = re.compile(r"^```(\{code-block\} )?(\w+)[^\n]*\n((?::[^\n]*\n)*)(.*?)^```", re.M | re.S)


def code_blocks(text: str, language: str) -> list[Block]:
    return [Block(m.group(2), m.group(4), tuple(m.group(3).splitlines()), text.count("\n", 0, m.start()) + 1)
            for m in _FENCE.finditer(text) if m.group(2) == language]


def pages() -> list[Path]:
    """README.md and every Markdown page of the docs site."""
    return [REPO / "README.md", *sorted(DOCS.rglob("*.md"))]
