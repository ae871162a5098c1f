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
    _ensure_sklearn()
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


def _ensure_sklearn() -> None:
    """In a fresh Pyodide kernel scikit-learn is not loaded until a cell imports it
    (kernels only load packages named in the cell's own text): load it ourselves where
    the runtime can (JSPI)."""
    try:
        import sklearn  # noqa: F401
        return
    except ModuleNotFoundError:
        pass
    from . import _compat

    runtime = _compat.sync_runtime()
    if runtime.load_package is None:
        hint = "`import sklearn` (or `%pip install scikit-learn`) first" if _compat.IN_PYODIDE \
            else "pip install scikit-learn"
        raise ModuleNotFoundError(f"patch_sklearn() needs scikit-learn, which is not loaded, and "
                                  f"{runtime.name} cannot load it here: {hint}.")
    runtime.run(runtime.ensure_importable("sklearn", "scikit-learn"))
