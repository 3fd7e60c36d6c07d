"""Applying fix edits to a text, and writing a file atomically."""

from __future__ import annotations

import difflib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from corpuslint.model import Edit, Fix

__all__ = ["apply_fixes", "unified_diff", "write_atomic"]


def apply_fixes(text: str, fixes: Iterable[Fix]) -> tuple[str, int, str | None]:
    """Apply non-overlapping fixes in order of position.

    Returns (new text, number of fixes applied, encoding requested by a fix or
    None). A fix whose edits overlap an already accepted one is skipped: the
    caller re-lints and applies it on the next pass. A malformed fix (an edit
    outside the text, or edits of its own that overlap) is never applied: spliced
    as they are, such edits would drop or repeat text.
    """
    accepted: list[tuple[Fix, list[Edit]]] = []
    taken: list[tuple[int, int]] = []
    encoding = None
    for fix in sorted(fixes, key=lambda f: min((e.start for e in f.edits), default=0)):
        if fix.encoding and not fix.edits:
            encoding = fix.encoding
            accepted.append((fix, []))
            continue
        edits = sorted(fix.edits, key=lambda e: (e.start, e.end))
        if not _well_formed(edits, len(text)) or any(_overlaps(e, taken) for e in edits):
            continue
        taken.extend((e.start, e.end) for e in edits)
        accepted.append((fix, edits))
        if fix.encoding:
            encoding = fix.encoding
    all_edits = sorted((e for _, es in accepted for e in es), key=lambda e: (e.start, e.end))
    out: list[str] = []
    pos = 0
    for e in all_edits:
        out.append(text[pos : e.start])
        out.append(e.content)
        pos = e.end
    out.append(text[pos:])
    return "".join(out), len(accepted), encoding


def _well_formed(edits: list[Edit], n: int) -> bool:
    """Each edit inside the text, and none overlapping the next one (``edits`` sorted)."""
    if any(not 0 <= e.start <= e.end <= n for e in edits):
        return False
    return all(a.end <= b.start and not (a.start == a.end == b.start == b.end) for a, b in zip(edits, edits[1:]))


def _overlaps(edit: Edit, taken: list[tuple[int, int]]) -> bool:
    for s, e in taken:
        if edit.start < e and s < edit.end:
            return True
        if edit.start == edit.end == s or (s == e == edit.start):  # two insertions at one point
            return True
    return False


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename; keep the mode.

    A symbolic link is followed: its target is written, the link stays a link. A file with
    other hard links is written in place once the temporary copy is safely on disk (a rename
    would give this name a new file and leave the other names with the old text); the copy
    is removed only after the in-place write succeeded, and named in the error otherwise.
    """
    path = Path(os.path.realpath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".corpuslint-tmp", dir=path.parent)
    keep = False  # the copy holds the only whole fixed text while the file is half written
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if os.stat(path).st_nlink > 1:
            keep = True
            try:
                with open(path, "r+b") as fh:
                    fh.write(data)
                    fh.truncate()
                    fh.flush()
                    os.fsync(fh.fileno())
            except OSError as e:
                raise OSError(f"{path}: writing in place failed ({e}); the fixed text is in {tmp}") from e
            keep = False
            os.unlink(tmp)
            return
        shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        if not keep:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        raise


#: a line and its end, as the text's readers and ``patch`` see them: ``str.splitlines`` also
#: ends lines at a vertical tab, a form feed, U+001C-U+001E, U+0085 and U+2028, which a
#: diff must show inside its line
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def unified_diff(path: str, old: str, new: str) -> str:
    """A unified diff of ``old`` and ``new``, with git's marker under a last line that has no
    line break (most JSONL records' texts): without it that line and the next ran together."""
    out = []
    for line in difflib.unified_diff(
        _LINES.findall(old),
        _LINES.findall(new),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    ):
        out.append(line)
        if not line.endswith(("\n", "\r")):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)
