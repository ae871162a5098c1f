"""The loader (_fetch) without a server: OpenML's answers from the mirror's files through a
fake transport. A load asks for the four documents it needs and nothing else, and gives
what the HTTP mirror gives; the walk of attempts (attempts.next_attempt) as the requests
show it: a damaged file fetched once more, then the ARFF copy."""

from __future__ import annotations

import warnings
from pathlib import Path
from urllib.parse import urlparse

import pytest
from compare import assert_same
from fake_transport import from_mirror
from support import SYNTHETIC_MNIST_ID

import openml_lite

SERVER = "https://openml.test"


def paths(transport) -> list[str]:
    return [urlparse(url).path for url in transport.asked]


def test_a_load_asks_four_documents_and_gives_the_mirrors_bunch(mirror_dir, mirror_url):
    transport = from_mirror(mirror_dir)
    bunch = openml_lite.fetch_openml(data_id=40945, base_url=SERVER, cache=False, transport=transport)
    assert sorted(paths(transport)) == sorted([
        "/api/v1/json/data/40945", "/api/v1/json/data/features/40945", "/api/v1/json/data/qualities/40945",
        "/datasets/0004/40945/dataset_40945.pq"])
    served = openml_lite.fetch_openml(data_id=40945, base_url=mirror_url, cache=False)
    # (the HTTP mirror writes its own origin into the description's URLs; the files hold OpenML's)
    assert_same({k: v for k, v in bunch.items() if k != "details"}, {k: v for k, v in served.items() if k != "details"})
    assert bunch.details["id"] == served.details["id"] and bunch.details["md5_checksum"] == served.details["md5_checksum"]


def test_a_damaged_file_is_fetched_once_more(mirror_dir):
    parquet = "/datasets/0004/40945/dataset_40945.pq"
    transport = from_mirror(mirror_dir, damage={parquet: 1})
    bunch = openml_lite.fetch_openml(data_id=40945, base_url=SERVER, cache=False, transport=transport)
    assert paths(transport).count(parquet) == 2 and bunch.frame.shape == (1309, 14)
    assert openml_lite.last_load_report().source == "parquet"


def test_damaged_twice_the_arff_copy_is_read(mirror_dir):
    parquet = "/datasets/0004/40945/dataset_40945.pq"
    transport = from_mirror(mirror_dir, damage={parquet: 2})
    with pytest.warns(openml_lite.ArffFallbackWarning, match="reading the ARFF file instead"):
        bunch = openml_lite.fetch_openml(data_id=40945, base_url=SERVER, cache=False, transport=transport)
    asked = paths(transport)
    assert asked.count(parquet) == 2 and asked[-1].startswith("/data/v1/download/")
    assert bunch.frame.shape == (1309, 14) and openml_lite.last_load_report().source == "arff"


def test_columns_by_ranges_fall_back_to_the_whole_file(mirror_dir):
    """The fake transport answers a Range request with the whole file (as a server that
    ignores Range does): that file is read, and not asked for again."""
    transport = from_mirror(mirror_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bunch = openml_lite.fetch_openml(data_id=40945, base_url=SERVER, cache=False, transport=transport,
                                         columns=["age", "sex"])
    assert list(bunch.data.columns) == ["age", "sex"]
    assert paths(transport).count("/datasets/0004/40945/dataset_40945.pq") == 1


def test_the_files_bytes_are_freed_before_the_conversion(mirror_dir, monkeypatch):
    """The peak of a big load in a browser tab is set by what is alive at conversion: the
    downloaded file must not be (nothing of the load may keep a reference to its bytes)."""
    import tracemalloc

    from openml_lite import convert

    parquet = Path(mirror_dir) / "datasets" / "0099" / str(SYNTHETIC_MNIST_ID)
    size = sum(p.stat().st_size for p in parquet.glob("*.pq"))
    held = []
    real_convert = convert.convert

    def measuring_convert(*args, **kwargs):
        if tracemalloc.is_tracing():
            held.append(tracemalloc.get_traced_memory()[0] - before)
        return real_convert(*args, **kwargs)

    monkeypatch.setattr(convert, "convert", measuring_convert)
    transport = from_mirror(mirror_dir)
    # the modules a load imports first, by a small load (their code is not the load's memory)
    openml_lite.fetch_openml(data_id=40945, base_url=SERVER, cache=False, transport=transport, engine="pyarrow")
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        openml_lite.fetch_openml(data_id=SYNTHETIC_MNIST_ID, base_url=SERVER, cache=False, transport=transport,
                                 engine="pyarrow")
    finally:
        tracemalloc.stop()
    assert size > 1_000_000 and len(held) == 1
    # (what else is held: the features' JSON, the decoded table's Python side; some 0.6 x the file)
    assert held[0] < size, f"{held[0]:,} bytes held by Python at conversion; the file is {size:,}"
