"""The five seed documents: every defect the core issue lists, nothing on clean body text,
and a reviewed snapshot of `corpuslint --format json seeds/`.

Regenerate the snapshot after reviewing the diff: CORPUSLINT_UPDATE_SNAPSHOT=1 pytest tests/test_seeds.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from corpuslint.cli import main

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = Path(__file__).parent / "snapshots" / "seeds.json"
S0, S1, S2, S3, S4 = (
    "seeds/000_b34cd99637ad82f6.txt",
    "seeds/001_e9e4c306ac64db1a.txt",
    "seeds/002_029dc54680174176.txt",
    "seeds/003_a82796ccd2587049.txt",
    "seeds/004_189e0d229f405550.txt",
)


@pytest.fixture(scope="module")
def findings() -> list[dict]:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        import io
        from contextlib import redirect_stdout

        buf = io.StringIO()
        with redirect_stdout(buf):
            code = main(["--format", "json", "--isolated", "seeds/"])
    finally:
        os.chdir(cwd)
    assert code == 1
    return json.loads(buf.getvalue())


def lines_of(findings: list[dict], path: str, category: str) -> set[int]:
    out: set[int] = set()
    for f in findings:
        if f["path"] == path and f["category"] == category and f["line"]:
            out.update(range(f["line"], (f["end_line"] or f["line"]) + 1))
    return out


def has(findings: list[dict], path: str, code: str, line: int | None) -> bool:
    return any(f["path"] == path and f["code"] == code and f["line"] == line for f in findings)


def test_seeds_are_clean_utf8(findings: list[dict]) -> None:
    assert not [f for f in findings if f["category"] == "encoding"]


def test_duplication(findings: list[dict]) -> None:
    dup = [(f["path"], f["line"], f["end_line"], f["message"]) for f in findings if f["category"] == "duplication"]
    assert dup == [
        (S0, 7, 7, "line 7 repeats line 6"),
        (S2, 5, 7, "lines 5-7 repeat lines 2-4"),
    ]


def test_residue_lines(findings: list[dict]) -> None:
    assert {40, 41, 42, 43, 44, 45, 5} <= lines_of(findings, S3, "residue")
    assert {6, 7, 35, 36, 37, 38, 40} <= lines_of(findings, S0, "residue")
    assert {24, 26, 28} <= lines_of(findings, S1, "residue")
    assert has(findings, S3, "RES002", 45)  # the Cyrillic header
    frag = next(f for f in findings if f["path"] == S4 and f["code"] == "RES003")
    assert (frag["line"], frag["column"], frag["end_column"]) == (1, 1, 14)


def test_dates(findings: list[dict]) -> None:
    dates = sorted((f["path"], f["code"], f["line"]) for f in findings if f["category"] == "date")
    assert dates == [(S1, "DAT003", 4), (S2, "DAT001", None), (S4, "DAT002", 1)]


def test_quotes(findings: list[dict]) -> None:
    quotes = sorted((f["path"], f["code"], f["line"], f["column"]) for f in findings if f["category"] == "quotes")
    assert quotes == [(S1, "QUO001", 6, 1), (S1, "QUO001", 14, 348), (S1, "QUO002", 8, 98), (S1, "QUO004", 6, 263)]


# Body paragraphs of the seeds that no rule may flag (the article text itself).
CLEAN_BODY = {
    S0: [1, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27],
    S1: [1, 10, 12, 16, 18, 20, 22],
    S2: [1],
    S3: [1, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38],
    S4: [3, 5, 9, 11, 13, 15],
}


def test_clean_body_paragraphs_get_no_finding(findings: list[dict]) -> None:
    for path, clean in CLEAN_BODY.items():
        flagged = set()
        for f in findings:
            if f["path"] == path and f["line"]:
                flagged.update(range(f["line"], (f["end_line"] or f["line"]) + 1))
        assert not flagged & set(clean), (path, sorted(flagged & set(clean)))


def test_snapshot(findings: list[dict]) -> None:
    current = json.dumps(findings, indent=1, ensure_ascii=False) + "\n"
    if os.environ.get("CORPUSLINT_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(current, encoding="utf-8")
    assert SNAPSHOT.read_text(encoding="utf-8") == current, "snapshot changed: review, then CORPUSLINT_UPDATE_SNAPSHOT=1"
