"""Result cache in ``.corpuslint_cache/``: a file's findings and corpus signatures, keyed by content.

The key is the file's content hash + its path as walked + the configuration hash
(settings, active rules and options, pack contents, corpuslint and plugin
versions); never the modification time. Corpus rules keep their signatures here,
so a re-run recomputes only the corpus phase. Writing never fails a run.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["CACHE_DIR", "Cache", "clean"]

CACHE_DIR = ".corpuslint_cache"
_VERSION = "v1"
_TAG = """Signature: 8a477f597d28d172789f06886806bc55
# This file is a cache directory tag created by corpuslint.
# For information about cache directory tags see https://bford.info/cachedir/
"""


class Cache:
    """One run's view of the cache: entries for one configuration hash."""

    def __init__(self, root: Path, config_hash: str) -> None:
        self.base = root / CACHE_DIR
        self.dir = self.base / _VERSION / config_hash[:24]
        self._dir = str(self.dir)
        self.hits = 0
        self.misses = 0

    def key(self, display: str, raw_digest: str) -> str:
        return hashlib.sha256(f"{display}\0{raw_digest}".encode()).hexdigest()

    def _path(self, key: str) -> str:
        # strings, not Path: this runs twice per file of the corpus
        return f"{self._dir}{os.sep}{key[:2]}{os.sep}{key}.pkl"

    def get(self, key: str) -> Any:
        try:
            with open(self._path(key), "rb") as fh:
                value = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, key: str, value: Any) -> None:
        path = self._path(key)
        try:
            if not self.base.exists():
                self.base.mkdir(parents=True, exist_ok=True)
                (self.base / "CACHEDIR.TAG").write_text(_TAG)
                (self.base / ".gitignore").write_text("# created by corpuslint\n*\n")
            folder = os.path.dirname(path)
            os.makedirs(folder, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only or full disk only costs speed


def file_digest(path: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def clean(root: Path) -> bool:
    """Delete ``root/.corpuslint_cache``; True if there was one."""
    target = root / CACHE_DIR
    if not target.exists():
        return False
    shutil.rmtree(target)
    return True
