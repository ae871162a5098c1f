"""The Bunch a load returns: sklearn's own when the user has imported scikit-learn,
else openml-lite's :class:`Bunch`, which behaves the same. Loading data never imports
scikit-learn: in a fresh Pyodide that import alone costs seconds."""

from __future__ import annotations

import sys


def make_bunch(**fields):
    if "sklearn" in sys.modules:  # imported already: sklearn's class costs nothing more
        from sklearn.utils import Bunch as SklearnBunch

        return SklearnBunch(**fields)
    return Bunch(**fields)


class Bunch(dict):
    """A dict whose keys are attributes too, as ``sklearn.utils.Bunch``: ``b.data`` is
    ``b["data"]``, assigning ``b.x`` sets ``b["x"]``, ``dir(b)`` lists the keys. It
    pickles as itself (unpickling needs openml-lite, not scikit-learn). It is not a
    subclass of sklearn's class, which cannot be imported without importing sklearn:
    ``isinstance(b, dict)`` holds, ``isinstance(b, sklearn.utils.Bunch)`` does not;
    import sklearn before loading to get sklearn's own Bunch."""

    def __init__(self, **kwargs):
        super().__init__(kwargs)

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key, value):
        self[key] = value

    def __dir__(self):
        return self.keys()

    def __setstate__(self, state):
        # as sklearn's: pickles of old Bunches carry a __dict__ that must not shadow keys
        pass
