"""Score the duplication rules on the labeled set (tests/dup_cases/cases.jsonl).

    python tests/dup_cases/evaluate.py          # prints the results table of docs/duplication.md

Runs every DUP rule (DUP003 included, though it is off by default) over the
whole file as one corpus, then matches the findings against each record's
``expect``: recall per kind of planted duplicate, and false positives on the
clean documents (any finding of a default-on DUP rule on a document that expects
none). DUP003's figures are kept apart.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases.jsonl"
CLEAN_KINDS = ("article", "headings", "list", "table", "dialogue", "poem", "comments", "related")
GROUPS = {
    "exact blocks (DUP001, DUP002)": ("dup-line", "dup-block", "dup-para", "stutter", "passage"),
    "normalized blocks (DUP001, DUP002)": ("dup-line-norm", "passage-norm"),
    "exact documents (DUP101)": ("exact-copy",),
    "near-duplicate documents (DUP102)": ("near-copy", "near-chain"),
    "repetitive documents (DUP003, opt-in)": ("spam",),
}


@dataclass
class Score:
    records: list[dict[str, Any]]
    findings: dict[str, list[dict[str, Any]]]
    expected: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    found: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    clean: int = 0
    clean_flagged: list[str] = field(default_factory=list)
    clean_flagged_dup003: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    def recall(self, kinds: tuple[str, ...]) -> tuple[int, int]:
        return sum(self.found[k] for k in kinds), sum(self.expected[k] for k in kinds)


def load_cases() -> list[dict[str, Any]]:
    return [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]


def run(path: Path = CASES) -> list[dict[str, Any]]:
    from corpuslint.session import open_session

    s = open_session(isolated=True, entry_points=False, overrides={"select": ["DUP"]})
    result = s.lint([str(path)], jobs=1)
    return [f.to_dict() for f in result.findings]


def _matches(want: dict[str, Any], f: dict[str, Any]) -> bool:
    if f["code"] != want["code"]:
        return False
    if "of" in want:
        return f"#{want['of']} " in f["message"] + " "
    return all(f[k] == want[k] for k in ("line", "end_line") if k in want)


def score(records: list[dict[str, Any]], findings: list[dict[str, Any]]) -> Score:
    by_record: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in findings:
        by_record[f["record"]].append(f)
    sc = Score(records, by_record)
    for rec in records:
        got = by_record.get(rec["id"], [])
        if rec["kind"] in CLEAN_KINDS:
            sc.clean += 1
            if any(f["code"] != "DUP003" for f in got):
                sc.clean_flagged.append(rec["id"])
            if any(f["code"] == "DUP003" for f in got):
                sc.clean_flagged_dup003.append(rec["id"])
            continue
        used = set()
        for want in rec["expect"]:
            sc.expected[rec["kind"] if want["code"] != "DUP003" or rec["kind"] == "spam" else "other"] += want["code"] != "DUP001" or rec["kind"] != "spam"
            hit = next((k for k, f in enumerate(got) if k not in used and _matches(want, f)), None)
            if hit is not None:
                used.add(hit)
                if want["code"] != "DUP001" or rec["kind"] != "spam":
                    sc.found[rec["kind"]] += 1
            else:
                sc.missed.append(f"{rec['id']}: {want}")
        # DUP003 on a document with planted repeats is right, not extra
        sc.extra += [f"{rec['id']}: {f['code']} {f['message']}" for k, f in enumerate(got) if k not in used and f["code"] != "DUP003"]
    return sc


def table(sc: Score) -> str:
    rows = ["| planted | found | expected | recall |", "| --- | ---: | ---: | ---: |"]
    for name, kinds in GROUPS.items():
        got, want = sc.recall(kinds)
        rows.append(f"| {name} | {got} | {want} | {got / want:.3f} |")
    n = len(sc.clean_flagged)
    rows.append(f"| clean documents flagged by a default-on rule | {n} | {sc.clean} | FP rate {n / sc.clean:.3%} |")
    n3 = len(sc.clean_flagged_dup003)
    rows.append(f"| clean documents flagged by DUP003 (opt-in) | {n3} | {sc.clean} | FP rate {n3 / sc.clean:.3%} |")
    rows.append(f"| unexpected findings on documents with planted duplicates | {len(sc.extra)} | | |")
    return "\n".join(rows)


def main() -> None:
    records = load_cases()
    sc = score(records, run())
    langs = sorted({r["lang"] for r in records})
    print(f"{len(records)} documents ({', '.join(langs)}), {sc.clean} clean\n")
    print(table(sc))
    for what, items in (("missed", sc.missed), ("flagged clean", sc.clean_flagged),
                        ("flagged clean (DUP003)", sc.clean_flagged_dup003), ("unexpected", sc.extra)):
        for item in items:
            print(f"{what}: {item}", file=sys.stderr)


if __name__ == "__main__":
    main()
