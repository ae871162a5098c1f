"""Disk cache under ``<data_home>/openml_lite/``, one file per URL."""

from __future__ import annotations

import os
import tempfile

from . import cache_key


class DiskCache:
    def __init__(self, root: str | os.PathLike):
        self.root = os.fspath(root)

    def path(self, url: str) -> str:
        return os.path.join(self.root, *cache_key(url).split("/"))

    async def get(self, url):
        try:
            with open(self.path(url), "rb") as f:
                return f.read()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            # (one URL's path can be another's folder: OpenML's name lookups
            # .../data_version/1 and .../data_version/1/status/deactivated; see put)
            return None

    async def put(self, url, data):
        # Temp file in the same folder + os.replace: readers see the old entry or the
        # whole new one, never a half-written file, even if we die mid-write.
        path = self.path(url)
        folder = os.path.dirname(path)
        try:
            os.makedirs(folder, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            return  # a shorter URL's entry is where this one's folder would be: not cached
        if os.path.isdir(path):
            return  # a longer URL's folder is where this entry would be: not cached
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".partial-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise

    async def drop(self, url):
        try:
            os.unlink(self.path(url))
        except FileNotFoundError:
            pass

    def entries(self) -> list[str]:
        """Relative paths of every complete entry (tests inspect the cache with this)."""
        found = []
        for folder, _, files in os.walk(self.root):
            for name in files:
                if not name.startswith(".partial-"):
                    found.append(os.path.relpath(os.path.join(folder, name), self.root))
        return sorted(found)
