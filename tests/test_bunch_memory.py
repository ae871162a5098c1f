"""The Bunch is no bigger than sklearn's: on every recorded dense dataset, the memory its
arrays hold (each buffer once, however many frames share it) is at most sklearn's; under
pandas 3, whose copy-on-write lets sklearn's data share the frame's memory, ours shares it
too, and a write to one still never shows in the other."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import openml_lite
from support import DENSE, held_bytes

PANDAS_3 = int(pd.__version__.split(".")[0]) >= 3


def held(bunch) -> int:
    return held_bytes(bunch["frame"], bunch["data"], bunch["target"])


@pytest.mark.parametrize("dataset", DENSE, ids=[f"{d['name']}-{d['data_id']}" for d in DENSE])
def test_no_bigger_than_sklearns(dataset, sklearn_at_mirror, mirror_url):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = openml_lite.fetch_openml(data_id=dataset["data_id"], base_url=mirror_url, cache=False)
        theirs = sklearn_at_mirror(data_id=dataset["data_id"], cache=False, parser="pandas")
    assert held(ours) <= held(theirs) * 1.02 + 1024, (held(ours), held(theirs))


def test_data_and_frame_under_copy_on_write(mirror_url):
    bunch = openml_lite.fetch_openml(data_id=40945, base_url=mirror_url, cache=False)
    age = bunch.frame["age"].to_numpy()
    shared = np.shares_memory(bunch.data["age"].to_numpy(), age)
    assert shared == PANDAS_3  # pandas 2 cannot share safely: its own copy, as sklearn's
    bunch.data.loc[0, "age"] = -1.0
    assert bunch.frame.loc[0, "age"] != -1.0 and bunch.data.loc[0, "age"] == -1.0


@pytest.mark.skipif(PANDAS_3, reason="pandas 3 always copies on write (the test above)")
def test_data_shares_the_frame_when_pandas_2_copies_on_write(mirror_url):
    """pandas 2 with the user's option on: data is a view of the frame, as sklearn's
    frame[feature_names] then is; writes still stay apart; the memory plan counts one copy."""
    unshared = openml_lite.memory_plan(data_id=40945, base_url=mirror_url, cache=False, exact=True)
    with pd.option_context("mode.copy_on_write", True):
        bunch = openml_lite.fetch_openml(data_id=40945, base_url=mirror_url, cache=False)
        shared_plan = openml_lite.memory_plan(data_id=40945, base_url=mirror_url, cache=False, exact=True)
        age = bunch.frame["age"].to_numpy()
        assert np.shares_memory(bunch.data["age"].to_numpy(), age)
        bunch.data.loc[0, "age"] = -1.0
        assert bunch.frame.loc[0, "age"] != -1.0 and bunch.data.loc[0, "age"] == -1.0
    assert shared_plan.estimate.result[1] < unshared.estimate.result[1]  # one copy, not two
