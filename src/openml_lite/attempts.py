"""Which way to get a dataset's parquet data next: a pure function of what happened so far.

The loader (``_fetch._from_parquet``) walks one loop: ask :func:`next_attempt`, do that
attempt's I/O, record what came of it, ask again. Every decision is here, in values, so
it is tested without a server (tests/test_attempts.py); the loop only does the I/O.

Attempts:

- ``EARLY``: the whole-file download begun beside the metadata (when the memory plan
  allowed it early), taken as it is;
- ``RANGES``: only some columns, by HTTP range requests (``columns=``), or a whole file the
  cache already holds (or the server sent), or the whole file where ranges do not work;
- ``WHOLE``: the whole file, downloaded (from the cache where it is there);
- ``ARFF``: the ARFF copy (sklearn's path) instead: parquet cannot give the data.

Outcomes, recorded as ``(attempt, outcome, partial)``: ``OK`` ends the walk; ``DAMAGED``
(bytes that do not decode or do not match the metadata; ``partial``: only some columns'
bytes); ``UNUSABLE`` (a readable file that cannot serve the load: a column missing or of a
type we cannot use, no engine, no server has the file) goes to the ARFF copy at once.
"""

from __future__ import annotations

from typing import NamedTuple

EARLY, RANGES, WHOLE, ARFF = "early download", "byte ranges", "whole file", "arff"
OK, DAMAGED, UNUSABLE = "ok", "damaged", "unusable"

#: a whole file that is damaged this many times (downloaded again in between) is given up
WHOLE_FILE_TRIES = 2


class Done(NamedTuple):
    attempt: str
    outcome: str
    partial: bool = False  # only some columns' bytes were read


def next_attempt(history: tuple[Done, ...], *, columns: bool, early: bool) -> str | None:
    """The next attempt after ``history``; None when the last one succeeded.

    ``columns``: only some columns are wanted (byte ranges first); ``early``: a whole-file
    download was begun beside the metadata."""
    if not history:
        return RANGES if columns else EARLY if early else WHOLE
    last = history[-1]
    if last.outcome == OK:
        return None
    if last.outcome == UNUSABLE:
        return ARFF
    if last.partial:  # damaged byte ranges: the whole file may still be fine
        return WHOLE
    # a damaged whole file (downloaded, or from the cache) is dropped and fetched once more
    damaged_whole = sum(1 for done in history if done.outcome == DAMAGED and not done.partial)
    if damaged_whole >= WHOLE_FILE_TRIES:
        return ARFF
    ranges_failed = any(done.partial for done in history)
    return RANGES if columns and not ranges_failed else WHOLE
