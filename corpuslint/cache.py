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
import struct
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["CACHE_DIR", "Cache", "CacheMiss", "clean"]

CACHE_DIR = ".corpuslint_cache"
_VERSION = "v2"  # v2: entries in two parts (see put_parts)
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
        return hashlib.sha256(f"{display}\0{raw_digest}".encode("utf-8", "surrogatepass")).hexdigest()

    def _path(self, key: str) -> str:
        # strings, not Path: this runs twice per file of the corpus
        return f"{self._dir}{os.sep}{key[:2]}{os.sep}{key}.pkl"

    def get(self, key: str) -> Any:
        """The value put under ``key`` (the head of an entry put in two parts), or None."""
        try:
            value = pickle.loads(_head(self._read(key)))
        except (OSError, ValueError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            self.misses += 1
            return None
        self.hits += 1
        return value

    def get_tail(self, key: str) -> Any:
        """The second part of an entry put with ``put_parts`` (None if it had none).

        Raises ``CacheMiss`` when the entry is gone or unreadable.
        """
        try:
            data = self._read(key)
            n = len(_head(data)) + _HEADER.size
            return pickle.loads(data[n:]) if len(data) > n else None
        except (OSError, ValueError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as e:
            raise CacheMiss(f"cache entry {key[:12]}... is gone or unreadable: {e}") from e

    def _read(self, key: str) -> bytes:
        with open(self._path(key), "rb", buffering=0) as fh:  # unbuffered: readall sizes it by fstat
            return fh.readall()

    def put(self, key: str, value: Any) -> None:
        self.put_parts(key, value)

    def put_parts(self, key: str, head: Any, tail: Any = None) -> None:
        """One entry of two pickles: ``get`` loads the head alone, ``get_tail`` the tail.

        A file's findings are the head and its corpus signatures the tail: a re-run whose
        corpus phase comes from the cache never loads the signatures.
        """
        first = pickle.dumps(head, protocol=pickle.HIGHEST_PROTOCOL)
        second = b"" if tail is None else pickle.dumps(tail, protocol=pickle.HIGHEST_PROTOCOL)
        self._write(key, _HEADER.pack(_MAGIC, len(first)) + first + second)

    def _write(self, key: str, data: bytes) -> None:
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
                fh.write(data)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only or full disk only costs speed


class CacheMiss(Exception):
    """An entry the run counted on is gone (another process cleaned the cache) or unreadable."""


#: an entry: magic, length of the head pickle, the head pickle, the tail pickle (or nothing)
_HEADER = struct.Struct("<4sQ")
_MAGIC = b"CLC2"


def _head(data: bytes) -> memoryview:
    magic, n = _HEADER.unpack_from(data)
    if magic != _MAGIC or _HEADER.size + n > len(data):
        raise ValueError("not a corpuslint cache entry")
    return memoryview(data)[_HEADER.size : _HEADER.size + n]


def file_digest(path: Path) -> str:
    """BLAKE2b (16 bytes, hex) of the file's bytes, read at most 1 MiB at a time.

    Unbuffered, each read sized by the file (a small file's read does not ask for a 1 MiB
    buffer, which the allocator may map and unmap for each file: three system calls more per
    file of a cache-hit run, measured), and no isatty check.
    """
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb", buffering=0) as fh:
        want = min(os.fstat(fh.fileno()).st_size + 1, _CHUNK)  # +1: the read that sees the end
        while chunk := fh.read(want):
            h.update(chunk)
            want = _CHUNK
    return h.hexdigest()


_CHUNK = 1 << 20


def clean(root: Path) -> bool:
    """Delete ``root/.corpuslint_cache``; True if there was one."""
    target = root / CACHE_DIR
    if not target.exists():
        return False
    shutil.rmtree(target)
    return True
