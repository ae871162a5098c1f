"""Bad arguments: the same exception type and message as sklearn.datasets.fetch_openml
where sklearn has one, raised before any request."""

from __future__ import annotations

import re

import pytest

import openml_lite

SAME_AS_SKLEARN = [
    dict(data_id=-1),
    dict(data_id=0),
    dict(data_id=1.5),
    dict(name=3),
    dict(name="iris", version=0),
    dict(name="iris", version="latest"),
    dict(data_id=61, target_column=3),
    dict(data_id=61, n_retries=0),
    dict(data_id=61, delay=0),
    dict(data_id=61, parser="csv"),
    dict(name="iris", data_id=61),
    dict(),
    dict(data_id=61, version=2),
]


@pytest.mark.parametrize("kwargs", SAME_AS_SKLEARN, ids=[str(k) for k in SAME_AS_SKLEARN])
def test_same_error_as_sklearn(kwargs, sklearn_at_mirror, mirror_url, mirror_log):
    with pytest.raises(Exception) as theirs:
        sklearn_at_mirror(cache=False, **kwargs)
    with pytest.raises(Exception) as ours:
        openml_lite.fetch_openml(base_url=mirror_url, cache=False, **kwargs)
    builtin = [c for c in type(theirs.value).__mro__ if c.__module__ == "builtins" and c is not Exception]
    assert all(isinstance(ours.value, c) for c in builtin[:-2]), (type(ours.value), type(theirs.value))
    assert _sets_sorted(str(ours.value)) == _sets_sorted(str(theirs.value))
    assert mirror_log.paths() == []


def _sets_sorted(message: str) -> str:
    """sklearn prints its allowed values as a Python set, whose order differs between
    processes (and between a fresh import and a cached .pyc): compare sets as sets."""
    return re.sub(r"\{([^{}]*)\}", lambda m: "{" + ", ".join(sorted(m.group(1).split(", "))) + "}", message)


@pytest.mark.parametrize("as_frame", ["yes", "Polars", 1.0])
def test_as_frame_error_is_sklearns_with_our_values(as_frame, sklearn_at_mirror, mirror_url, mirror_log):
    """as_frame takes "pandas" and "polars" besides sklearn's values: sklearn's error
    type and wording, with the set of strings we accept."""
    with pytest.raises(Exception) as theirs:
        sklearn_at_mirror(cache=False, data_id=61, as_frame=as_frame)
    with pytest.raises(openml_lite.InvalidParameterError) as ours:
        openml_lite.fetch_openml(base_url=mirror_url, cache=False, data_id=61, as_frame=as_frame)
    assert isinstance(ours.value, type(theirs.value).__mro__[1])  # sklearn's is a ValueError+TypeError
    assert _sets_sorted(str(ours.value)) == _sets_sorted(
        str(theirs.value).replace("{'auto'}", "{'auto', 'pandas', 'polars'}"))
    assert mirror_log.paths() == []


@pytest.mark.parametrize("kwargs,message", [
    (dict(data_id=61, engine="duckdb"), "'engine' parameter"),
    (dict(data_id=61, progress="loud"), "'progress' parameter"),
])
def test_our_own_arguments(kwargs, message, mirror_url, mirror_log):
    with pytest.raises(openml_lite.InvalidParameterError, match=message):
        openml_lite.fetch_openml(base_url=mirror_url, cache=False, **kwargs)
    assert mirror_log.paths() == []
