"""Parsed rule packs kept between runs, beside the pattern store (``corpuslint.patterns``).

tomllib parses the built-in packs (some 125 files) in about 37 ms of every start, a pre-commit
run over two files too. Their parsed data, pickled and keyed by a digest of each file's bytes,
loads in about 4 ms: an edited pack has another digest and is parsed again. The file is the
pattern store's kind (a checksum after a magic line, written atomically at exit by the process
that read it, only when it learned a pack), in the same folder; ``CORPUSLINT_PATTERN_CACHE=0``
turns both off. A missing, corrupt or foreign file is ignored.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import threading
from pathlib import Path
from typing import Any

from corpuslint.config import ConfigError, parse_toml
from corpuslint.patterns import open_store, oversized, read_entries, write_entries

__all__ = ["PackCache", "load_pack_toml"]

#: past either bound, the file keeps only the packs of the run that writes it
_MAX_ENTRIES = 2000
_MAX_BYTES = 2 * 1024 * 1024


class PackCache:
    """Parses TOML files through a file of the data earlier runs parsed."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._saved: dict[Any, bytes] | None = None
        self._new: dict[bytes, bytes] = {}
        self._used: set[bytes] = set()
        self.loaded = 0  # files taken from the cache (for tests)

    def load(self, path: Path) -> dict[str, Any]:
        """``config.load_toml(path)``: the same data (a fresh copy each time) and the same errors."""
        try:
            raw = path.read_bytes()
        except OSError as e:
            raise ConfigError(f"{path}: cannot read: {e.strerror or e}") from None
        key = hashlib.blake2b(raw, digest_size=16).digest()
        with self._lock:
            if self._saved is None:
                self._saved = read_entries(self.path) if self.path is not None else {}
            self._used.add(key)
            blob = self._new.get(key) or self._saved.get(key)
            if blob is not None:
                try:
                    data = pickle.loads(blob)
                except Exception:  # noqa: BLE001 - a damaged entry: parsed again
                    data = None
                if isinstance(data, dict):
                    self.loaded += 1
                    return data
        data = parse_toml(raw, path)
        if self.path is not None:
            with self._lock:
                self._new[key] = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
        return data

    def save(self) -> bool:
        """Write the file if this run parsed packs it did not hold; True if written."""
        if self.path is None or not self._new or os.getpid() != self._pid:
            return False
        with self._lock:
            entries = read_entries(self.path)
            entries.update(self._new)
            if oversized(entries, _MAX_ENTRIES, _MAX_BYTES):
                entries = {k: v for k, v in entries.items() if k in self._used}
            if not write_entries(self.path, entries):
                return False
            self._saved, self._new = entries, {}
        return True


def cache_file(folder: Path) -> Path:
    """The cache's file in ``folder``: one per Python version (pickles of its objects)."""
    return folder / f"packs-py{sys.version_info[0]}.{sys.version_info[1]}.pickle"


_cache: PackCache | None = None


def load_pack_toml(path: Path) -> dict[str, Any]:
    """``config.load_toml`` for a rule pack, through the cache of this process."""
    global _cache
    if _cache is None:
        _cache = open_store(PackCache, cache_file)
    return _cache.load(path)
