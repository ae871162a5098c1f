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
