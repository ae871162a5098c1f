"""openml-lite: OpenML datasets from parquet, in the browser and on CPython.

A drop-in for ``sklearn.datasets.fetch_openml`` that returns the same Bunch.
"""

from .api import InvalidParameterError, fetch_openml, fetch_openml_async
from .engines import available_engines
from .patch import patch_sklearn, unpatch_sklearn
from .report import LoadReport, last_load_report
from .errors import (
    ArffFallbackWarning,
    ColumnNotFoundError,
    DataIntegrityError,
    DatasetNotFoundError,
    DownloadError,
    EngineUnavailableError,
    InactiveDatasetWarning,
    MissingDependencyError,
    OpenMLError,
    TargetColumnError,
)

__version__ = "0.1.0"

__all__ = [
    "fetch_openml", "fetch_openml_async", "available_engines", "InvalidParameterError",
    "patch_sklearn", "unpatch_sklearn", "last_load_report", "LoadReport",
    "OpenMLError", "DatasetNotFoundError", "TargetColumnError", "ColumnNotFoundError",
    "DownloadError", "DataIntegrityError", "EngineUnavailableError", "MissingDependencyError",
    "ArffFallbackWarning", "InactiveDatasetWarning",
]
