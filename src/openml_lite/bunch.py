"""sklearn's Bunch when scikit-learn is installed, else a look-alike (attribute access
on a dict), so loading data never requires scikit-learn."""

from __future__ import annotations


def make_bunch(**fields):
    try:
        from sklearn.utils import Bunch
    except ImportError:
        Bunch = _Bunch
    return Bunch(**fields)


class _Bunch(dict):
    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key, value):
        self[key] = value

    def __dir__(self):
        return list(self.keys())
