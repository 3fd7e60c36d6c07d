"""The JSON output is a public contract (docs/output.md): keys, order, types, positions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpuslint.cli import main

KEYS = ["path", "record", "line", "column", "end_line", "end_column", "code", "name", "category",
        "severity", "message", "fingerprint", "url", "fix"]

TEXT = "Titre\nPublié le 7 mars 2022\n\nLa d\u00c3\u00a9cision est prise.\nS'abonner\nLe porte-parole a estimé nécessaire de passer à autre chose.\n"


def lint_json(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, *extra: str) -> list[dict]:
    p = tmp_path / "a.txt"
    p.write_text(text, encoding="utf-8")
    main(["--isolated", "--format", "json", *extra, str(p)])
    return json.loads(capsys.readouterr().out)


def test_keys_types_and_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = lint_json(tmp_path, capsys, TEXT)
    assert data, "expected findings"
    for f in data:
        assert list(f) == KEYS
        assert isinstance(f["path"], str) and f["record"] is None
        assert f["severity"] in ("error", "warning", "info")
        assert f["category"] in ("encoding", "duplication", "residue", "date", "quotes", "internal")
        assert f["url"].startswith("https://") and f["url"].endswith(f"#{f['code'].lower()}-{f['name']}")
        assert len(f["fingerprint"]) == 16
        for k in ("line", "column", "end_line", "end_column"):
            assert f[k] is None or (isinstance(f[k], int) and f[k] >= 1)
    assert data == sorted(data, key=lambda f: (f["path"], f["line"] or 0, f["column"] or 0, f["code"]))


def test_positions_are_one_based_characters_with_exclusive_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = lint_json(tmp_path, capsys, TEXT, "--select", "ENC003,RES001")
    moj = next(f for f in data if f["code"] == "ENC003")
    # "La dÃ©cision": the flagged word starts at character 4 of line 4 and spans 9 characters
    assert (moj["line"], moj["column"], moj["end_line"], moj["end_column"]) == (4, 4, 4, 13)
    assert moj["fix"] == {
        "applicability": "safe",
        "message": "Replace with 'décision'",
        "edits": [{"start": [4, 4], "end": [4, 13], "text": "décision"}],
    }
    res = next(f for f in data if f["code"] == "RES001")
    assert res["fix"]["applicability"] == "unsafe"
    assert res["fix"]["edits"] == [{"start": [5, 1], "end": [6, 1], "text": ""}]


def test_document_level_finding_has_null_positions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = lint_json(tmp_path, capsys, "Un texte sans aucune date.\n", "--select", "DAT001")
    assert [(f["line"], f["column"], f["end_line"], f["end_column"], f["fix"]) for f in data] == [(None,) * 4 + (None,)]


def test_fingerprint_survives_edits_elsewhere(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = lint_json(tmp_path, capsys, TEXT, "--select", "RES001")
    b = lint_json(tmp_path, capsys, "Une ligne ajoutée en tête.\n\n" + TEXT, "--select", "RES001")
    assert a[0]["line"] != b[0]["line"]
    assert a[0]["fingerprint"] == b[0]["fingerprint"]


def test_empty_result_is_an_empty_array(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "a.txt"
    p.write_text("Rien.\n", encoding="utf-8")
    main(["--isolated", "--format", "json", "--select", "QUO", str(p)])
    assert capsys.readouterr().out == "[]\n"
