"""Baseline files: record today's findings, report only new ones later.

Documents cannot carry suppression comments, so a baseline is how a corpus
with known defects adopts corpuslint. Findings are matched by fingerprint
(path, record, code and the normalized flagged text), counted as a multiset.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from corpuslint.config import ConfigError, read_json
from corpuslint.model import Finding

__all__ = ["DEFAULT_BASELINE", "filter_baseline", "read_baseline", "write_baseline"]

DEFAULT_BASELINE = "corpuslint-baseline.json"
VERSION = 1


def write_baseline(path: Path, findings: Iterable[Finding]) -> int:
    entries = [
        {"fingerprint": f.fingerprint, "path": f.path, "record": f.record, "code": f.code, "line": f.line}
        for f in findings
    ]
    data = {"version": VERSION, "tool": "corpuslint", "findings": entries}
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(entries)


def read_baseline(path: Path) -> Counter[str]:
    data = read_json(path, "baseline")
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("findings"), list):
        raise ConfigError(f"{path}: not a corpuslint baseline (version {VERSION})")
    return Counter(str(e.get("fingerprint")) for e in data["findings"] if isinstance(e, dict))


def filter_baseline(findings: Iterable[Finding], known: Counter[str]) -> tuple[list[Finding], int]:
    """Findings not covered by the baseline, and how many were hidden."""
    left = Counter(known)
    out: list[Finding] = []
    hidden = 0
    for f in findings:
        if left[f.fingerprint] > 0:
            left[f.fingerprint] -= 1
            hidden += 1
        else:
            out.append(f)
    return out, hidden
