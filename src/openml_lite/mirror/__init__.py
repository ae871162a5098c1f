"""A local OpenML mirror: real recorded API answers and parquet files over HTTP.

``build_mirror`` turns scikit-learn's recorded OpenML fixtures into a folder
laid out like OpenML's URLs; ``MirrorServer`` serves such a folder on
127.0.0.1 so clients (sklearn, openml-lite, a browser) can be tested offline.
"""

from .build import build_mirror, fixture_datasets, parquet_path_for
from .server import MirrorServer

__all__ = ["MirrorServer", "build_mirror", "fixture_datasets", "parquet_path_for"]
