"""Packages that Pyodide has in its lock but that a fresh interpreter has not loaded
(a kernel loads only what a cell's own text imports): openml-lite loads them itself."""

from __future__ import annotations


async def load_package(name: str) -> None:
    """``pyodide.loadPackage(name)``; raises if the lock lacks it or its files cannot be fetched."""
    import pyodide_js

    await pyodide_js.loadPackage(name)


async def ensure_sklearn() -> None:
    """scikit-learn: its ARFF parser (the slow path) and sklearn.datasets (patch_sklearn)."""
    try:
        import sklearn  # noqa: F401
    except ModuleNotFoundError:
        await load_package("scikit-learn")
