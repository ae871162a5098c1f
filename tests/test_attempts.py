"""attempts.next_attempt, the loader's one decision of which way to get the parquet data
next, without a server: every path the loop can take."""

from __future__ import annotations

import pytest

from openml_lite.attempts import ARFF, DAMAGED, EARLY, OK, RANGES, UNUSABLE, WHOLE, Done, next_attempt


def walk(outcomes, *, columns=False, early=False):
    """The attempts the loop makes when each comes back as ``outcomes`` says, in order
    (an outcome is (what came of it, whether only some columns' bytes were read))."""
    history, made = [], []
    for outcome, partial in outcomes:
        attempt = next_attempt(tuple(history), columns=columns, early=early and not history)
        made.append(attempt)
        if attempt == ARFF:
            return made
        history.append(Done(attempt, outcome, partial))
    made.append(next_attempt(tuple(history), columns=columns, early=False))
    return made


@pytest.mark.parametrize("columns, early, first", [
    (False, False, WHOLE), (False, True, EARLY), (True, False, RANGES), (True, True, RANGES)])
def test_the_first_attempt(columns, early, first):
    assert next_attempt((), columns=columns, early=early) == first


def test_success_ends_the_walk():
    assert walk([(OK, False)], early=True) == [EARLY, None]
    assert walk([(OK, True)], columns=True) == [RANGES, None]


def test_a_damaged_whole_file_is_fetched_once_more_then_the_arff_is_read():
    assert walk([(DAMAGED, False), (OK, False)], early=True) == [EARLY, WHOLE, None]
    assert walk([(DAMAGED, False), (DAMAGED, False), (OK, False)], early=True) == [EARLY, WHOLE, ARFF]
    assert walk([(DAMAGED, False), (DAMAGED, False)]) == [WHOLE, WHOLE, ARFF]


def test_damaged_ranges_are_followed_by_the_whole_file():
    assert walk([(DAMAGED, True), (OK, False)], columns=True) == [RANGES, WHOLE, None]
    # and then the whole-file rule: once more, then the ARFF
    assert walk([(DAMAGED, True), (DAMAGED, False), (DAMAGED, False)], columns=True) == [RANGES, WHOLE, WHOLE, ARFF]


def test_a_damaged_cached_file_with_columns_asks_for_ranges_again():
    """(RANGES reads a whole file the cache holds: dropped, the ranges come from the server)"""
    assert walk([(DAMAGED, False), (OK, True)], columns=True) == [RANGES, RANGES, None]


@pytest.mark.parametrize("columns, early", [(False, False), (False, True), (True, False)])
def test_an_unusable_file_goes_to_the_arff_at_once(columns, early):
    assert walk([(UNUSABLE, columns)], columns=columns, early=early)[-1] == ARFF
    assert len(walk([(UNUSABLE, columns)], columns=columns, early=early)) == 2
