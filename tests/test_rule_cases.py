"""Rule cases as data: tests/rule_cases/<CODE>.toml holds pass, fail and fix cases.

Each file::

    rule = "DUP001"
    [[case]]
    name = "seed_block"          # test id: DUP001_seed_block
    text = '''...'''             # or bytes_hex = "c3a9..." for raw bytes
    config = { min-length = 10 } # rule options (optional)
    language = "fr"              # `language` setting (optional)
    metadata = { date = "..." }  # document metadata (optional)
    expect = [ { line = 5, end_line = 7, message = "lines 5-7 repeat lines 2-4" } ]
    fixed = '''...'''            # text after --fix (optional); unsafe = true for --unsafe-fixes

``document = true`` in an entry checks a document-level finding (no line).
``expect`` lists the findings of this rule, in order; each entry checks only
the keys it gives (``message`` must be contained in the finding's message).
``expect = []`` is a case that must pass.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from corpuslint.session import Session, open_session

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CASES_DIR = Path(__file__).parent / "rule_cases"


def _load() -> list[Any]:
    params = []
    for f in sorted(CASES_DIR.glob("*.toml")):
        data = tomllib.loads(f.read_text(encoding="utf-8"))
        code = data["rule"]
        assert f.stem == code, f"{f}: file name must be the rule code"
        for case in data["case"]:
            params.append(pytest.param(code, case, id=f"{code}_{case['name']}"))
    return params


@cache
def _session(code: str, options: tuple[tuple[str, Any], ...], language: str | None) -> Session:
    overrides: dict[str, Any] = {"select": [code]}
    if language:
        overrides["language"] = language
    s = open_session(isolated=True, overrides=overrides, entry_points=False)
    if options:
        s.settings.rules[code] = {k: list(v) if isinstance(v, tuple) else v for k, v in options}
        from corpuslint.registry import build_ruleset

        s.ruleset = build_ruleset(s.settings, s.manager)
    return s


def _freeze(d: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in d.items()))


@pytest.mark.parametrize(("code", "case"), _load())
def test_rule_case(code: str, case: dict[str, Any]) -> None:
    options = {k: list(v) if isinstance(v, tuple) else v for k, v in _freeze(case.get("config", {}))}
    session = _session(code, _freeze(options), case.get("language"))
    if "bytes_hex" in case:
        text: str | bytes = bytes.fromhex(case["bytes_hex"])
    else:
        text = case["text"]
    kw = {"metadata": case["metadata"]} if "metadata" in case else {}
    findings = [f for f in session.lint_text(text, path=case.get("path", "case.txt"), **kw) if f.code == code]
    expect = case["expect"]
    got = [f.to_dict() for f in findings]
    assert len(got) == len(expect), f"expected {len(expect)} finding(s), got {len(got)}: {[(g['line'], g['column'], g['message']) for g in got]}"
    for want, f in zip(expect, got):
        for key, value in want.items():
            if key == "message":
                assert value in f["message"], f"message {f['message']!r} lacks {value!r}"
            elif key == "document":  # a document-level finding: no position
                assert (f["line"] is None and f["column"] is None) == value
            elif key == "fixable":
                assert (f["fix"] is not None) == value
            elif key == "safe":
                assert f["fix"] is not None and (f["fix"]["applicability"] == "safe") == value
            else:
                assert f[key] == value, f"{key}: expected {value!r}, got {f[key]!r} ({f['message']})"
    if "fixed" in case:
        assert isinstance(text, str)
        assert session.fix_text(text, unsafe=case.get("unsafe", False), **kw) == case["fixed"]
