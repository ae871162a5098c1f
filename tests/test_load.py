"""Many loads in one process: 200 sequential and 20 concurrent against the mirror, with
no leaked connections (open file descriptors) and bounded memory growth."""

from __future__ import annotations

import asyncio
import gc
import os
import tracemalloc

import openml_lite

# Python-side memory allowed to stay allocated after 220 loads of iris (one Bunch is
# about 30 KB): anything beyond means loads keep something alive.
MEMORY_BOUND = 8 * 2**20


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_200_sequential_and_20_concurrent_loads(mirror_url):
    first = openml_lite.fetch_openml(data_id=61, base_url=mirror_url, cache=False)  # warm imports
    gc.collect()
    fds = open_fds()
    tracemalloc.start()
    baseline = tracemalloc.take_snapshot()

    for _ in range(200):
        bunch = openml_lite.fetch_openml(data_id=61, base_url=mirror_url, cache=False)
        assert bunch.frame.shape == (150, 5)

    async def twenty():
        return await asyncio.gather(*[
            openml_lite.fetch_openml_async(data_id=61, base_url=mirror_url, cache=False)
            for _ in range(20)
        ])

    results = asyncio.run(twenty())
    assert all(r.frame.equals(first.frame) for r in results)
    del results, bunch
    gc.collect()
    grown = sum(stat.size_diff for stat in tracemalloc.take_snapshot().compare_to(baseline, "filename"))
    tracemalloc.stop()
    assert open_fds() <= fds, "a connection or file was left open"
    print(f"memory still allocated after 220 loads: {grown / 2**20:.2f} MB")
    assert grown < MEMORY_BOUND, f"{grown / 2**20:.1f} MB still allocated after 220 loads"
