"""A capability probe shared by the engines: can this reader decode real parquet?"""

from __future__ import annotations

import base64
import importlib

# A 1-row parquet file written by pyarrow 26 the way OpenML writes them (SNAPPY, an
# ordered dictionary column `n` = "a", a uint8 column `u` = 7).
TINY_PARQUET = base64.b64decode(
    "UEFSMRUEFQoVDkwVAhUAEgAABRABAAAAYRUAFRIVFiwVAhUQFQYVBhw2ACgBYRgBYRERAAAACSACAAAAAgEB"
    "AgAVBBUIFQxMFQIVABIAAAQMBwAAABUAFRIVFiwVAhUQFQYVBhw2ACgEBwAAABgEBwAAABERAAAACSACAAAA"
    "AgEBAgAVBBk8NQAYBnNjaGVtYRUEABUMJQIYAW4lAEwcAAAAFQIlAhgBdSUWTKwTCBIAAAAWAhkcGSwmABwV"
    "DBk1AAYQGRgBbhUCFgIWchZ6JjImCBw2ACgBYRgBYRERABksFQQVABUCABUAFRAVAgA8FgIZBhkmAAIAAAAm"
    "ABwVAhk1AAYQGRgBdRUCFgIWfBaEASaqASaCARw2ACgEBwAAABgEBwAAABERABksFQQVABUCABUAFRAVAgA8"
    "KQYZJgACAAAAFu4BFgImCBb+AQAZHBgMQVJST1c6c2NoZW1hGKwCLy8vLy85Z0FBQUFRQUFBQUFBQUtBQXdB"
    "QmdBRkFBZ0FDZ0FBQUFBQkJBQU1BQUFBQ0FBSUFBQUFCQUFJQUFBQUJBQUFBQUlBQUFCVUFBQUFGQUFBQUJB"
    "QUZBQUlBQVlBQndBTUFBQUFFQUFRQUFBQUFBQUJBaEFBQUFBWUFBQUFCQUFBQUFBQUFBQUJBQUFBZFFBR0FB"
    "Z0FCQUFHQUFBQUNBQUFBQkFBR0FBSUFBWUFCd0FNQUJBQUZBQVFBQUFBQUFBQkJSUUFBQUJFQUFBQUhBQUFB"
    "QVFBQUFBQUFBQUFBUUFBQUc0QUNnQU1BQUFBQ0FBSEFBb0FBQUFBQUFBQkRBQUFBQWdBREFBSUFBY0FDQUFB"
    "QUFBQUFBRUlBQUFBQkFBRUFBUUFBQUE9ABggcGFycXVldC1jcHAtYXJyb3cgdmVyc2lvbiAyNi4wLjEZLBwA"
    "ABwAAAA3AgAAUEFSMQ=="
)


def probe(read) -> bool:
    """True if ``read(TINY_PARQUET)`` gives back the known values."""
    try:
        table = read(TINY_PARQUET)
        u = table["u"]
        n = table["n"]
        value = n.values[n.codes[0]] if hasattr(n, "codes") else n[0]
        return int(u[0]) == 7 and value == "a"
    except Exception:  # any failure means "cannot read parquet here"
        return False


def importable_and_reads(module: str, read) -> bool:
    """The engine's module imports and ``read`` decodes the probe file correctly."""
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return probe(read)
