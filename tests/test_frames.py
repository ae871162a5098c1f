"""The Bunch's frames (frames.py): values as before (test_parity), and here the
properties that design promises: wide frames in few blocks, casts done on the way in,
data and frame independent of each other, numbers always in arrays of their own."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import openml_lite
from openml_lite.outputs.frames import PANDAS_3, Cast, build_frame
from support import SYNTHETIC_MNIST_ID


def _blocks(frame: pd.DataFrame) -> int:
    return len(frame._mgr.blocks)  # pandas internals: the layout is the point here


def test_wide_frame_is_one_block_per_kind(mirror_url):
    bunch = openml_lite.fetch_openml(data_id=SYNTHETIC_MNIST_ID, base_url=mirror_url, cache=False)
    assert _blocks(bunch.data) == 1  # 784 int64 pixels
    assert _blocks(bunch.frame) == 2  # + the categorical class
    assert (bunch.data.dtypes == np.int64).all()


def test_data_and_frame_do_not_share_memory(mirror_url):
    bunch = openml_lite.fetch_openml(data_id=40945, base_url=mirror_url, cache=False)
    before = bunch.frame.copy()
    bunch.data.iloc[0, bunch.data.columns.get_loc("age")] = -1.0
    bunch.data.iloc[0, bunch.data.columns.get_loc("sex")] = "female" if before.loc[0, "sex"] == "male" else "male"
    bunch.data.iloc[0, bunch.data.columns.get_loc("name")] = "changed"
    pd.testing.assert_frame_equal(bunch.frame, before)


def test_casts_happen_while_writing_and_runs_keep_their_order(monkeypatch):
    from openml_lite.outputs import frames

    monkeypatch.setattr(frames, "NARROW", 0)  # the wide path, on a small example
    columns = {
        "a": Cast(np.array([1, 2], dtype=np.uint8), np.dtype(np.int64)),
        "b": np.array([3, 4], dtype=np.int64),
        "c": pd.Categorical(["x", "y"]),
        "d": np.array([0.5, np.nan]),
        "e": Cast(np.array([7, 8], dtype=np.uint8), np.dtype(np.int64)),
    }
    frame = build_frame(columns, ["e", "a", "b", "c", "d"], 2)
    assert list(frame.columns) == ["e", "a", "b", "c", "d"]
    assert frame.dtypes.astype(str).tolist() == ["int64", "int64", "int64", "category", "float64"]
    assert frame["e"].tolist() == [7, 8] and frame["a"].tolist() == [1, 2]
    assert _blocks(frame) == 3
    copy = build_frame(columns, ["c"], 2, copy_others=True)
    assert not np.shares_memory(copy["c"].cat.codes.to_numpy(), columns["c"].codes)


@pytest.mark.parametrize("narrow", [True, False], ids=["narrow", "wide"])
def test_numbers_are_fresh_writable_arrays_whatever_came_in(narrow, monkeypatch):
    """An engine may hand out read-only buffers (Arrow memory): the frame owns copies."""
    from openml_lite.outputs import frames

    if not narrow:
        monkeypatch.setattr(frames, "NARROW", 0)
    given = np.array([1.5, 2.5])
    given.flags.writeable = False
    frame = build_frame({"x": given, "y": Cast(np.array([1, 2], dtype=np.uint8), np.dtype(np.int64))},
                        ["x", "y"], 2)
    frame.iloc[0, 0] = 9.0
    assert given.tolist() == [1.5, 2.5] and frame["x"].tolist() == [9.0, 2.5]
    assert not np.shares_memory(frame["x"].to_numpy(), given)


def test_no_columns_is_an_empty_frame_with_the_rows():
    frame = build_frame({}, [], 3)
    assert frame.shape == (3, 0) and isinstance(frame.index, pd.RangeIndex)


def test_a_strings_column_is_taken_without_scratch_arrays():
    """pandas 2 infers the type of an object array a frame is given, with scratch arrays
    of some 40 bytes a row (the peak of a load with a text column); build_frame hands it
    over as a Series of dtype object, which is taken as it is. pandas 3 must infer: its
    strings become str, as sklearn's do there."""
    import tracemalloc

    rows = 200_000
    strings = np.array(["left", "right"] * (rows // 2), dtype=object)
    tracemalloc.start()
    try:
        frame = build_frame({"side": strings}, ["side"], rows)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    if PANDAS_3:
        assert frame["side"].dtype == "str"
    else:
        assert frame["side"].dtype == object and np.shares_memory(frame["side"].to_numpy(), strings)
        assert peak < 8 * rows, f"{peak:,} bytes of scratch for {rows:,} rows"


def test_data_copied_from_the_frame_holds_its_own_memory(mirror_url):
    """pandas 2: data is copied from the frame (copy_of_columns), the narrow way and the
    wide way: no column shares memory with the frame's, categoricals included."""
    if PANDAS_3:
        pytest.skip("pandas 3 shares data with the frame (test_bunch_memory.py)")
    for data_id in (40945, SYNTHETIC_MNIST_ID):
        bunch = openml_lite.fetch_openml(data_id=data_id, base_url=mirror_url, cache=False)
        for name in bunch.data.columns:
            ours, theirs = bunch.data[name], bunch.frame[name]
            if isinstance(ours.dtype, pd.CategoricalDtype):
                ours, theirs = ours.cat.codes, theirs.cat.codes
            assert not np.shares_memory(ours.to_numpy(), theirs.to_numpy()), (data_id, name)
            assert ours.equals(theirs), (data_id, name)
