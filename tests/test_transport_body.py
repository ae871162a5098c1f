"""A download's bytes held once: transport.Body gathers a large body of announced size in
one buffer (joining chunks at the end held the file twice, the peak of a big load before
its decoding began), and the urllib transport uses it."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from openml_lite.mirror import parquet_path_for
from openml_lite.transport import Body
from openml_lite.transport.native import UrllibTransport
from support import SYNTHETIC_MNIST_ID

BIG = Body.ONE_BUFFER_FROM


def gathered(total, chunks):
    body = Body(total)
    for chunk in chunks:
        body.add(chunk)
    return body.result(), body.received


def test_the_announced_size_is_one_buffer():
    data = bytes(range(256)) * (BIG // 256 + 3)
    result, received = gathered(len(data), [data[i:i + 65536] for i in range(0, len(data), 65536)])
    assert isinstance(result, bytearray) and result == data and received == len(data)


@pytest.mark.parametrize("total", [None, 1000], ids=["no size", "small"])
def test_unknown_or_small_sizes_stay_bytes(total):
    result, received = gathered(total, [b"x" * 600, b"y" * 400])
    assert type(result) is bytes and result == b"x" * 600 + b"y" * 400 and received == 1000


def test_more_than_announced_keeps_every_byte():
    head, tail = b"a" * BIG, b"b" * 10
    result, received = gathered(BIG, [head[:BIG // 2], head[BIG // 2:], tail])
    assert result == head + tail and received == BIG + 10


def test_fewer_than_announced_is_what_came():
    result, received = gathered(BIG * 2, [b"c" * 100])
    assert result == b"c" * 100 and received == 100  # (the transport reports the short read)


def test_a_download_is_held_once(mirror_url, mirror_dir):
    """The parquet file of the mirror's synthetic mnist (several MB): the most Python held
    while it downloaded is one copy of it, not two."""
    relative = parquet_path_for(SYNTHETIC_MNIST_ID)
    path = Path(mirror_dir) / relative
    size = path.stat().st_size
    assert size >= BIG, "a file gathered in one buffer"
    url = f"{mirror_url}/{relative}"
    tracemalloc.start()
    try:
        response = UrllibTransport().get_blocking(url)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status == 200 and bytes(response.body) == path.read_bytes()
    assert peak < 1.2 * size, f"{peak:,} bytes held at most for a {size:,}-byte file"


def test_the_memory_cache_keeps_a_large_body_without_a_copy():
    """Pyodide in Node caches in memory: a copy there held the file twice while it loads."""
    from openml_lite._sync import run_without_loop
    from openml_lite.cache import MemoryCache

    body, _ = gathered(BIG, [b"z" * BIG])
    cache = MemoryCache()
    run_without_loop(cache.put("http://mirror/file.pq", body))
    assert cache.entries["http://mirror/file.pq"] is body
    assert bytes(run_without_loop(cache.get("http://mirror/file.pq"))) == bytes(body)
