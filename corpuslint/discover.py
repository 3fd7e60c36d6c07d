"""Paths on the command line -> files to lint, with include/exclude globs."""

from __future__ import annotations

import errno
import fnmatch
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

__all__ = ["Discovered", "Missing", "discover", "matches"]


@dataclass(frozen=True)
class Discovered:
    path: Path  # on disk
    display: str  # as walked from the argument
    #: bytes on disk when discovery saw it (-1: unknown); the engine sends small files to its
    #: workers whole, and reads big ones itself to share their records among the workers
    size: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class Missing:
    display: str
    reason: str


#: what a stat of a listed name fails with when the name leads nowhere (as Path.exists takes it)
_MISSING = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})


@lru_cache(maxsize=64)
def _compiled(globs: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for all globs, matching a name, a relative path, or a path suffix."""
    parts = []
    for g in globs:
        g = g.rstrip("/")
        parts.append(fnmatch.translate(g))
        parts.append(fnmatch.translate(f"*/{g}"))
    return re.compile("|".join(f"(?:{p})" for p in parts) or "(?!)")


def matches(globs: Iterable[str], name: str, rel: str) -> bool:
    """True if a glob matches the file name, the relative path, or a path suffix."""
    return _matcher(tuple(globs))(name, rel)


def _matcher(globs: tuple[str, ...]) -> Callable[[str, str], bool]:
    """``matches`` for one glob list, its pattern looked up once: discovery tests every file
    of a corpus."""
    match = _compiled(globs).match

    def test(name: str, rel: str) -> bool:
        return match(name) is not None or match(rel) is not None

    return test


def _display(arg: str, rel: str | None = None) -> str:
    p = os.path.normpath(os.path.join(arg, rel) if rel else arg)
    return p


def discover(
    args: Sequence[str], include: Sequence[str], exclude: Sequence[str], root: Path
) -> tuple[list[Discovered], list[Missing]]:
    """Walk ``args`` (files or folders) in sorted order.

    Folders are walked for files matching ``include``; a file named explicitly is
    taken whatever its name. ``exclude`` applies to both (so paths that
    pre-commit passes are filtered too). Folder symlinks are not followed.
    """
    found: list[Discovered] = []
    missing: list[Missing] = []
    seen: set[object] = set()

    root_abs = os.path.abspath(root)

    def rel_to_root(p: Path) -> str:
        # string arithmetic, no resolve(): this runs once per file of a large corpus
        rel = os.path.relpath(os.path.abspath(p), root_abs)
        return p.as_posix() if rel.startswith("..") else rel.replace(os.sep, "/")

    def excluded(p: Path) -> bool:
        """``exclude`` matches the path, or one of its folders below the root (``drafts`` for drafts/a.txt)."""
        if matches(exclude, p.name, rel_to_root(p)):
            return True
        try:
            parts = p.resolve().relative_to(root.resolve()).parts
        except (ValueError, OSError):
            return False  # outside the root: the folders above it are not the project's to exclude
        return any(matches(exclude, parts[i], "/".join(parts[: i + 1])) for i in range(len(parts) - 1))

    def add(p: Path | str, display: str, key: object = None) -> bool:
        """Keep the file unless it was seen already; False if it does not exist (a broken link).

        ``key`` is the file's (device, inode) when the walk knows it without a stat: its size
        is then left unknown (-1), for whoever needs it to stat."""
        size = -1
        if key is None:
            # the same file reached twice (two arguments, a symlink): one stat, not realpath's walk
            try:
                st = os.stat(p)
                key, size = (st.st_dev, st.st_ino), st.st_size
            except OSError as e:
                if e.errno in _MISSING:
                    return False
                key = os.path.abspath(p)
        if key not in seen:
            seen.add(key)
            found.append(Discovered(Path(p), display, size))
        return True

    for arg in args:
        p = Path(arg)
        if not os.path.lexists(p):
            missing.append(Missing(_display(arg), "no such file or directory"))
            continue
        if p.resolve() != root.resolve() and arg not in (".", "./") and excluded(p):
            continue
        if p.is_dir():
            _walk(str(p), _display(arg), rel_to_root(p), include, exclude, add, missing)
        elif not add(p, _display(arg)):
            missing.append(Missing(_display(arg), "broken symbolic link"))
    found.sort(key=lambda d: d.display)
    return found, missing


def _regular_or_link(e: os.DirEntry[str]) -> bool:
    """A file to read: not a named pipe, socket or device met in a folder (reading a pipe
    without a writer would block the run forever); a symbolic link is kept (a broken one is
    reported)."""
    try:
        return e.is_file() or e.is_symlink()
    except OSError:
        return True  # let the stat of the file say what it is


def _inode(e: os.DirEntry[str]) -> int | None:
    """The inode of a folder entry that is a regular file (no system call where the folder
    listing gives it, as on Linux and macOS); None for a link or when it cannot tell."""
    try:
        return None if e.is_symlink() else e.inode()
    except OSError:
        return None


def _device(folder: str) -> int | None:
    try:
        return os.stat(folder).st_dev
    except OSError:
        return None


def _walk(
    top: str,
    display_top: str,
    below_root: str,
    include: Sequence[str],
    exclude: Sequence[str],
    add: Callable[[str, str, object], bool],
    missing: list[Missing],
) -> None:
    """os.walk's order and choices (symlinked folders listed, not entered; unreadable folders
    skipped), pipes, sockets and devices left out, and the relative and displayed paths built
    by appending names: no path arithmetic per folder or file, which dominated discovery on
    corpora of small folders."""
    sep = os.sep
    included, excluded = _matcher(tuple(include)), _matcher(tuple(exclude))
    shown = display_top.rstrip(sep) + sep
    stack = [(top, "" if shown == "." + sep else shown, "" if below_root == "." else below_root.rstrip("/") + "/")]
    while stack:
        dirpath, display_prefix, prefix = stack.pop()
        try:
            with os.scandir(dirpath) as it:
                entries = list(it)
        except OSError:
            continue
        dirs: list[os.DirEntry[str]] = []
        files: list[tuple[str, int | None]] = []
        for e in entries:
            try:
                is_dir = e.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                dirs.append(e)
            elif _regular_or_link(e):
                files.append((e.name, _inode(e)))
        join = dirpath if dirpath.endswith(sep) else dirpath + sep
        device = None
        for fname, inode in sorted(files):
            rel = prefix + fname
            if not included(fname, rel) or excluded(fname, rel):
                continue
            key = None
            if inode is not None:  # a file, not a link: its folder's device and its inode, no stat
                if device is None:
                    device = _device(dirpath)
                key = (device, inode) if device is not None else None
            if not add(join + fname, display_prefix + fname, key):
                missing.append(Missing(display_prefix + fname, "broken symbolic link"))
        below = []
        for e in sorted(dirs, key=lambda e: e.name):
            d = e.name
            if excluded(d, prefix + d):
                continue
            try:
                link = e.is_symlink()
            except OSError:
                link = False
            if not link:
                below.append((join + d, display_prefix + d + sep, prefix + d + "/"))
        stack.extend(reversed(below))
