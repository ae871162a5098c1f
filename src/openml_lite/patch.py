"""Make unmodified scikit-learn code load OpenML data through openml-lite.

``patch_sklearn()`` swaps ``sklearn.datasets.fetch_openml`` (the name examples import)
and ``sklearn.datasets._openml.fetch_openml`` for openml-lite's; ``unpatch_sklearn()``
puts sklearn's back. A module that already did ``from sklearn.datasets import
fetch_openml`` before the patch keeps sklearn's function: patch first.
"""

from __future__ import annotations

from .api import fetch_openml

_originals: dict | None = None


def patch_sklearn() -> None:
    global _originals
    import sklearn.datasets
    import sklearn.datasets._openml

    if _originals is None:
        _originals = {
            "datasets": sklearn.datasets.fetch_openml,
            "_openml": sklearn.datasets._openml.fetch_openml,
        }
    sklearn.datasets.fetch_openml = fetch_openml
    sklearn.datasets._openml.fetch_openml = fetch_openml


def unpatch_sklearn() -> None:
    global _originals
    if _originals is None:
        return
    import sklearn.datasets
    import sklearn.datasets._openml

    sklearn.datasets.fetch_openml = _originals["datasets"]
    sklearn.datasets._openml.fetch_openml = _originals["_openml"]
    _originals = None


def is_patched() -> bool:
    return _originals is not None
