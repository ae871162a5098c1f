"""What the last load did: which engine decoded it, where the bytes came from and where
the time went (the demo page shows this). One per interpreter: the last load wins."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class LoadReport:
    dataset: str = ""
    data_id: int | None = None
    source: str = ""  # "parquet" or "arff"
    engine: str = ""  # pyarrow, fastparquet, polars, js, or arff
    data_url: str = ""
    data_bytes: int = 0  # bytes of the data file that came over the network (or from the cache)
    range_requests: int = 0  # >0: only some columns were downloaded, in this many requests
    from_cache: bool = False
    # every document of the load and where it came from: {"what", "url", "server", "cached"}
    served: list[dict] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # servers left out of the load, and why
    memory: object = None  # the memory plan's memory.Estimate (None: no plan made)
    seconds: dict[str, float] = field(default_factory=dict)  # metadata, engine, download, decode, convert, save, total
    _marks: list = field(default_factory=list, repr=False)

    def start(self) -> None:
        self._marks = [("start", time.perf_counter())]

    def mark(self, step: str) -> None:
        """Time since the previous mark is booked to ``step``."""
        now = time.perf_counter()
        self.seconds[step] = self.seconds.get(step, 0.0) + now - self._marks[-1][1]
        self._marks.append((step, now))

    def finish(self) -> None:
        self.seconds["total"] = self._marks[-1][1] - self._marks[0][1]

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}


_last: LoadReport | None = None


def last_load_report() -> LoadReport | None:
    """The report of the most recent successful load in this interpreter."""
    return _last


def publish(report: LoadReport) -> None:
    global _last
    _last = report
