"""Exceptions and warnings of openml-lite.

Every error names the dataset (and the URL, where one was involved) and says what to
do. They subclass the built-in types sklearn raises in the same situations, so code
written against ``sklearn.datasets.fetch_openml`` keeps catching them.
"""

from __future__ import annotations


class OpenMLError(ValueError):
    """Base of every openml-lite error about a dataset (sklearn raises ValueError too)."""

    def __init__(self, message: str, *, dataset: str | None = None, url: str | None = None,
                 tried: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.message = message
        self.dataset = dataset
        self.url = url
        #: (server, what it answered) of each server asked, where several were
        self.tried = tried or []

    def __str__(self) -> str:
        return self.message


class DatasetNotFoundError(OpenMLError):
    """OpenML knows no dataset with this id, or this name and version."""


class TargetColumnError(OpenMLError, KeyError):
    """The requested target column is not a column of the dataset (sklearn: KeyError)."""

    __str__ = OpenMLError.__str__


class ColumnNotFoundError(OpenMLError, KeyError):
    """``columns=`` names something that is not a data column of the dataset."""

    __str__ = OpenMLError.__str__


class MissingDependencyError(OpenMLError, ModuleNotFoundError):
    """A package a load needs (numpy, pandas) is not installed or not loaded, and this
    runtime cannot load it. ``import openml_lite`` itself needs neither."""

    __str__ = OpenMLError.__str__


class DownloadError(OpenMLError):
    """A file could not be downloaded (network error, or an HTTP error after retries)."""

    def __init__(self, message: str, *, status: int | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.status = status


class DataIntegrityError(OpenMLError):
    """Downloaded bytes are not what the dataset's metadata promises."""


class UnusableParquetError(OpenMLError):
    """A readable parquet file that cannot give the dataset its metadata describes. Not
    damage: downloading the file again would not help (the ARFF copy is read)."""


class ColumnTypeError(UnusableParquetError):
    """A readable parquet file with a column whose type openml-lite cannot use: a type
    OpenML does not write, or one that does not fit the column's declared OpenML type."""

    @classmethod
    def unknown(cls, column: str, type_) -> "ColumnTypeError":
        return cls(f"column {column!r} has the type {type_}, which OpenML does not write")


class MissingColumnError(UnusableParquetError):
    """A readable parquet file without a column that OpenML's features list names (OpenML
    converted some datasets so: OpenML #1165)."""


class EngineUnavailableError(OpenMLError, ImportError):
    """No parquet engine that works in this interpreter (or the one asked for is missing)."""

    __str__ = OpenMLError.__str__


class DatasetTooLargeError(OpenMLError, MemoryError):
    """The load would take more memory than this runtime can hold (known before the data
    file is downloaded). ``estimate`` (a ``memory.Estimate``), ``room`` (``memory.Room``)
    and ``ways`` (``memory.Way``: other arguments that would fit) carry the numbers."""

    __str__ = OpenMLError.__str__

    def __init__(self, message: str, *, estimate=None, room=None, ways=(), **kwargs):
        super().__init__(message, **kwargs)
        self.estimate, self.room, self.ways = estimate, room, list(ways)


class MemoryWarning(UserWarning):
    """The load takes most of the memory this runtime can hold, or may not fit in it."""


class ArffFallbackWarning(UserWarning):
    """The slow ARFF path was taken instead of parquet; the message says why."""


class InactiveDatasetWarning(UserWarning):
    """The dataset's status on OpenML is not "active" (sklearn warns the same way)."""
