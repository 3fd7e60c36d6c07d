"""Compiled regular expressions kept between runs, as ``__pycache__`` keeps compiled modules.

The rule packs' vocabularies become big alternations (month and weekday names of every
language, UI phrases), and the regex module takes milliseconds to compile each: about a tenth
of a second per run in all, paid again by every run, also a pre-commit run over two files.
A compiled regex module pattern pickles as the arguments of its C constructor (the compiled
code, not the source), so a pattern compiled once is loaded again in microseconds.

The store is one file per Python and regex version in the user's cache folder
(``$XDG_CACHE_HOME/corpuslint``, ``~/Library/Caches/corpuslint``, ``%LOCALAPPDATA%\\corpuslint``),
or the folder named by ``CORPUSLINT_PATTERN_CACHE``; ``CORPUSLINT_PATTERN_CACHE=0`` turns it
off. It holds no findings and no text of the corpus (``--no-cache`` is about results, and does
not touch it). A file that is missing, unreadable, corrupt or from another version is ignored
and the patterns are compiled from their source; the file is written atomically at exit, by
the process that loaded it (never by a forked worker), only when it learned new patterns.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

import regex

_MAGIC = b"corpuslint-patterns 1\n"
_MAX_ENTRIES = 5000  # past this, the file keeps only the patterns of the run that writes it
#: the same past this many bytes of compiled patterns: a run of the default rules uses about
#: 1.3 MB of them (the packs' alternations), and every edit of a pack adds a new set; the
#: whole file is read at the first pattern of every run (a 16 MB file, after a few hundred
#: pack edits, took 90 ms and 50 MB of every start)
_MAX_BYTES = 4 * 1024 * 1024
_OFF = {"", "0", "off", "no", "false"}

_Key = tuple[Any, int, int]  # (pattern, flags, regex.DEFAULT_VERSION)


def default_folder() -> Path | None:
    """The folder of the pattern store, or None when the store is turned off."""
    env = os.environ.get("CORPUSLINT_PATTERN_CACHE")
    if env is not None:
        return None if env.strip().lower() in _OFF else Path(env)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "corpuslint" if base else None
    base = os.environ.get("XDG_CACHE_HOME") if sys.platform != "darwin" else None
    if base:
        return Path(base) / "corpuslint"
    try:
        home = Path.home()
    except (RuntimeError, KeyError, OSError):  # no home folder (a service account): no store
        return None
    return home / ("Library/Caches" if sys.platform == "darwin" else ".cache") / "corpuslint"


def store_file(folder: Path) -> Path:
    """The store's file in ``folder``: one per Python and regex version (their code differs)."""
    version = getattr(regex, "__version__", "unknown")
    return folder / f"patterns-py{sys.version_info[0]}.{sys.version_info[1]}-regex{version}.pickle"


class PatternStore:
    """Compiles patterns through a file of patterns compiled by earlier runs."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._saved: dict[_Key, bytes] | None = None  # read from the file at first use
        self._new: dict[_Key, bytes] = {}
        self._used: set[_Key] = set()
        self._compiled: dict[_Key, Any] = {}
        self._oversized = False  # the file read holds more than it may keep: trimmed at exit
        self.loaded = 0  # patterns taken from the file (for tests and benchmarks)

    def compile(self, pattern: str | bytes, flags: int = 0) -> Any:
        """``regex.compile(pattern, flags)``, from the store when an earlier run compiled it."""
        key: _Key = (pattern, flags, regex.DEFAULT_VERSION)
        compiled = self._compiled.get(key)
        if compiled is not None:
            return compiled
        with self._lock:
            compiled = self._load(key)
            if compiled is None:
                compiled = regex.compile(pattern, flags)  # a bad pattern raises here, as always
                if self.path is not None:
                    try:
                        self._new[key] = pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL)
                    except Exception:  # noqa: BLE001 - not storable: compiled again next run
                        pass
            self._used.add(key)
            self._compiled[key] = compiled
        return compiled

    def _load(self, key: _Key) -> Any:
        if self._saved is None:
            self._saved = read_entries(self.path) if self.path is not None else {}
            self._oversized = oversized(self._saved, _MAX_ENTRIES, _MAX_BYTES)
        data = self._saved.get(key)
        if data is None:
            return None
        try:
            compiled = pickle.loads(data)
        except Exception:  # noqa: BLE001 - another regex build: compile from the source
            return None
        if not isinstance(compiled, regex.Pattern) or compiled.pattern != key[0]:
            return None
        self.loaded += 1
        return compiled

    def save(self) -> bool:
        """Write the store if this run compiled patterns it did not hold, or read a file larger
        than the store may be (then trimmed to this run's patterns); True if written."""
        if self.path is None or not (self._new or self._oversized) or os.getpid() != self._pid:
            return False
        with self._lock:
            entries = read_entries(self.path)  # what other runs wrote meanwhile
            entries.update(self._new)
            if oversized(entries, _MAX_ENTRIES, _MAX_BYTES):
                keep = self._used | set(self._new)
                entries = {k: v for k, v in entries.items() if k in keep}
            if not write_entries(self.path, entries):
                return False  # a read-only home, a full disk: the next run compiles again
            self._saved = entries
            self._new = {}
            self._oversized = False
        return True


def oversized(entries: dict[Any, bytes], max_entries: int, max_bytes: int) -> bool:
    """Whether a store's entries are past its bounds (then it keeps only one run's)."""
    return len(entries) > max_entries or sum(map(len, entries.values())) > max_bytes


def write_entries(path: Path, entries: dict[Any, bytes]) -> bool:
    """Write a store file atomically (a checksum after the magic line); False on an OSError."""
    payload = pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as out:
            out.write(_MAGIC + hashlib.blake2b(payload, digest_size=16).digest() + payload)
        os.replace(tmp, path)
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass
        return False
    return True


def read_entries(path: Path) -> dict[Any, bytes]:
    """The entries of a store file; empty when it is missing, unreadable or damaged."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    head = len(_MAGIC) + 16
    if not data.startswith(_MAGIC) or hashlib.blake2b(data[head:], digest_size=16).digest() != data[len(_MAGIC):head]:
        return {}
    try:
        entries = pickle.loads(data[head:])
    except Exception:  # noqa: BLE001
        return {}
    return entries if isinstance(entries, dict) else {}


class _Saved(Protocol):
    path: Path | None

    def save(self) -> bool: ...


_S = TypeVar("_S", bound=_Saved)


def open_store(make: Callable[[Path | None], _S], file_in: Callable[[Path], Path]) -> _S:
    """A store of this process on its file in the default folder (none when the folder is
    turned off), saved at exit: the pattern store here, the pack cache (corpuslint.packcache)."""
    folder = default_folder()
    store = make(file_in(folder) if folder is not None else None)
    if store.path is not None:
        import atexit

        atexit.register(store.save)
    return store


_store: PatternStore | None = None


def _default_store() -> PatternStore:
    global _store
    if _store is None:
        _store = open_store(PatternStore, store_file)
    return _store


def compile_regex(pattern: str | bytes, flags: int = 0) -> Any:
    """``regex.compile(pattern, flags)`` through the pattern store of this process."""
    return _default_store().compile(pattern, flags)
