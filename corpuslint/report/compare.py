"""What changed since a previous report: per-rule and per-category deltas (``--compare OLD.json``).

``OLD.json`` is a previous ``corpuslint report --format json``, or the output of
``corpuslint --statistics --format json`` (per-rule counts only: no rates then,
as it does not say how many documents were linted).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from corpuslint.config import ConfigError, read_json

__all__ = ["compare_summaries", "load_previous"]


def load_previous(path: Path) -> Mapping[str, Any] | list[Any]:
    """A previous report summary (or statistics array); a ConfigError names the file otherwise."""
    data = read_json(path)
    if isinstance(data, list) and all(isinstance(r, dict) and "code" in r for r in data):
        return data
    if isinstance(data, dict) and data.get("tool") == "corpuslint" and isinstance(data.get("rules"), list):
        return data
    raise ConfigError(f"{path}: not a corpuslint report (--format json) nor a --statistics --format json output")


def _status(old_docs: int, new_docs: int, old_rate: float | None, new_rate: float | None) -> str:
    if old_docs == 0 and new_docs > 0:
        return "new"
    if old_docs > 0 and new_docs == 0:
        return "fixed"
    if old_rate is not None and new_rate is not None:
        a, b = old_rate, new_rate
    else:
        a, b = old_docs, new_docs
    if b < a:
        return "better"
    if b > a:
        return "worse"
    return "same"


def _rows(old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]], key: str,
          old_total: int | None, new_total: int) -> list[dict[str, Any]]:
    before = {r[key]: r for r in old}
    after = {r[key]: r for r in new}
    out = []
    for k in sorted(set(before) | set(after)):
        a, b = before.get(k, {}), after.get(k, {})
        a_docs, b_docs = int(a.get("documents", 0)), int(b.get("documents", 0))
        a_rate = 1000.0 * a_docs / old_total if old_total else None
        b_rate = 1000.0 * b_docs / new_total if new_total else 0.0
        if not a_docs and not b_docs and not a.get("findings") and not b.get("findings"):
            continue
        row = {
            key: k,
            "name": b.get("name") or a.get("name") or "",
            "category": b.get("category") or a.get("category") or "",
            "documents_before": a_docs,
            "documents_after": b_docs,
            "findings_before": int(a.get("findings", 0)),
            "findings_after": int(b.get("findings", 0)),
            "rate_before": round(a_rate, 2) if a_rate is not None else None,
            "rate_after": round(b_rate, 2),
            "status": _status(a_docs, b_docs, a_rate, b_rate),
        }
        out.append(row)
    order = {"worse": 0, "new": 1, "fixed": 2, "better": 3, "same": 4}
    out.sort(key=lambda r: (order[r["status"]], -abs((r["rate_after"] or 0) - (r["rate_before"] or 0)), r[key]))
    return out


def compare_summaries(old: Mapping[str, Any] | list[Any], new: Mapping[str, Any], name: str | None = None) -> dict[str, Any]:
    """Deltas between a previous summary (or statistics array) and ``new``."""
    new_total = int(new["totals"]["documents"])
    if isinstance(old, list):
        old_rules, old_cats, old_totals = old, [], None
    else:
        old_rules, old_cats, old_totals = old.get("rules", []), old.get("categories", []), old.get("totals", {})
    old_total = int(old_totals["documents"]) if old_totals else None
    rules = _rows(old_rules, new["rules"], "code", old_total, new_total)
    cats = _rows(old_cats, new["categories"], "category", old_total, new_total) if old_cats else []
    totals = None
    if old_totals:
        totals = {k: {"before": old_totals.get(k), "after": new["totals"].get(k)}
                  for k in ("documents", "megabytes", "findings", "documents_with_findings", "rate_per_1k", "fixable")}
    return {
        "against": "report" if not isinstance(old, list) else "statistics",
        "file": name,
        "generated_before": None if isinstance(old, list) else old.get("generated"),
        "totals": totals,
        "rules": rules,
        "categories": cats,
        "new": sum(1 for r in rules if r["status"] == "new"),
        "fixed": sum(1 for r in rules if r["status"] == "fixed"),
        "better": sum(1 for r in rules if r["status"] == "better"),
        "worse": sum(1 for r in rules if r["status"] == "worse"),
    }
