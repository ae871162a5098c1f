"""openml-lite: OpenML datasets from parquet, in the browser and on CPython.

A drop-in for ``sklearn.datasets.fetch_openml`` that returns the same Bunch.
"""

from __future__ import annotations

__version__ = "0.1.0"

# Public names and the module each lives in: imported on first use (PEP 562), so that
# importing a submodule (the pytest plugin, the mirror) does not load the loader
# (asyncio, ssl, ...).
_EXPORTS = {
    "fetch_openml": "api", "fetch_openml_async": "api", "InvalidParameterError": "api",
    "memory_plan": "api", "memory_plan_async": "api",
    "available_engines": "engines", "Bunch": "bunch",
    "patch_sklearn": "patch", "unpatch_sklearn": "patch",
    "LoadReport": "report", "last_load_report": "report",
    **dict.fromkeys([
        "ArffFallbackWarning", "ColumnNotFoundError", "DataIntegrityError",
        "DatasetNotFoundError", "DownloadError", "EngineUnavailableError",
        "InactiveDatasetWarning", "MissingColumnError", "MissingDependencyError", "OpenMLError",
        "TargetColumnError", "UnusableParquetError", "DatasetTooLargeError", "MemoryWarning",
    ], "errors"),
}

__all__ = [
    "fetch_openml", "fetch_openml_async", "memory_plan", "memory_plan_async", "available_engines", "InvalidParameterError", "Bunch",
    "patch_sklearn", "unpatch_sklearn", "last_load_report", "LoadReport",
    "OpenMLError", "DatasetNotFoundError", "TargetColumnError", "ColumnNotFoundError",
    "DownloadError", "DataIntegrityError", "EngineUnavailableError", "MissingDependencyError",
    "MissingColumnError", "UnusableParquetError", "DatasetTooLargeError", "MemoryWarning",
    "ArffFallbackWarning", "InactiveDatasetWarning",
]


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'openml_lite' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
