"""What the CPython and Pyodide sides both use (copied into Pyodide's file system next
to _pyodide_side.py): the frame check and the throw-away data homes.

Are sklearn's and openml-lite's frames the same? Timings mean little if the results differ.

pandas' assert_frame_equal compares categorical columns value by value as Python
objects (1.2 s for adult on CPython, ~4 s in Pyodide). Comparing each categorical's
categories (values, order, dtype) and ordered flag, then the frame with the categorical
columns replaced by their codes, checks the same and takes milliseconds.
"""

from __future__ import annotations

import shutil
import tempfile


def parity_text(ref, got) -> str:
    """"identical (rows, columns)", or "DIFFERENT ..." with pandas' first lines of why."""
    import pandas as pd

    try:
        pd.testing.assert_index_equal(ref.columns, got.columns)
        categorical = [c for c in ref.columns if isinstance(ref[c].dtype, pd.CategoricalDtype)]
        for name in categorical:
            assert isinstance(got[name].dtype, pd.CategoricalDtype), f"{name}: {got[name].dtype} is not categorical"
            assert ref[name].cat.ordered == got[name].cat.ordered, f"{name}: ordered flags differ"
            pd.testing.assert_index_equal(ref[name].cat.categories, got[name].cat.categories, exact=True)

        def as_codes(frame):
            return frame.assign(**{name: frame[name].cat.codes for name in categorical})
        pd.testing.assert_frame_equal(as_codes(ref), as_codes(got))
    except AssertionError as why:
        return f"DIFFERENT {ref.shape} vs {got.shape}: {str(why).splitlines()[0:3]}"
    return f"identical {got.shape}"


class FreshHome:
    """A new sklearn data_home before every first call (made off the clock); the last
    one, holding sklearn's cache, is what the warm path then reads."""

    def __init__(self):
        self.path = None

    def renew(self):
        self.drop()
        self.path = tempfile.mkdtemp()

    def drop(self):
        if self.path:
            shutil.rmtree(self.path, ignore_errors=True)
        self.path = None
