"""Encoding fixes: what --fix repairs, that it is idempotent, and that clean files stay byte-identical."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from corpuslint.cli import main
from corpuslint.session import Session, open_session


@cache
def enc() -> Session:
    return open_session(isolated=True, entry_points=False, overrides={"select": ["ENC"]})


SAFE_CASES = [
    # (broken text, what the safe fixes make of it)
    ("La dÃ©cision a Ã©tÃ© prise.\n", "La décision a été prise.\n"),
    ("Itâ€™s ÐŸÑ€Ð¸Ð²ÐµÑ‚ and РЅР° and MÃ¼nchen.\n", "It’s Привет and на and München.\n"),
    ("It isnÃ¢â‚¬â„¢t fine.\n", "It isn’t fine.\n"),
    ("La de\u0301cision de l'e\u0301te\u0301.\n", "La décision de l'été.\n"),
    ("Net\u200bflix and Stra\u2060ße\u00ad.\n", "Netflix and Straße.\n"),
    ("Bell\u0007 and l\u0092été.\n", "Bell and l’été.\n"),
    ("caf&eacute; &amp;amp; cr&#232;me&nbsp;!\n", "café & crème\u00a0!\n"),
    ("\ufeffHello\n", "Hello\n"),
    ("one\ntwo\r\nthree\rfour\n", "one\ntwo\nthree\nfour\n"),
    ("trailing  \nno final newline", "trailing\nno final newline\n"),
]


@pytest.mark.parametrize(("broken", "fixed"), SAFE_CASES)
def test_safe_fixes_repair_and_are_idempotent(broken: str, fixed: str) -> None:
    s = enc()
    once = s.fix_text(broken)
    assert once == fixed
    assert s.fix_text(once) == once
    assert not [f for f in s.lint_text(once) if f.fix is not None and f.fix.safe]


def test_unsafe_fixes_only_with_unsafe() -> None:
    s = enc()
    text = "Menu \ue095 Home<br>voilÃ  tout.\n"
    assert s.fix_text(text) == text  # private use, tag and lost no-break space are unsafe
    fixed = s.fix_text(text, unsafe=True)
    assert fixed == "Menu  Home voilà tout.\n"
    assert s.fix_text(fixed, unsafe=True) == fixed


def test_reencoding_is_unsafe_and_needs_confidence() -> None:
    s = enc()
    raw = ("Le président a décidé d'être présent à l'été.\n" * 4).encode("cp1252")
    findings = [f for f in s.lint_text(raw) if f.code == "ENC001"]
    assert findings and findings[0].fix is not None and not findings[0].fix.safe


def test_lossy_and_undecodable_text_is_never_rewritten() -> None:
    s = enc()
    assert s.fix_text("La d\ufffdcision, pr?sident.\n") == "La d\ufffdcision, pr?sident.\n"
    raw = "déjà vu\n".encode() + b"l'\xe9t\xe9\n"
    doc = s.document(raw)
    engine = s.engine(fix=True)
    findings, _, _ = engine.lint_document(doc)
    assert engine.fix_document(doc, findings).document is doc


def test_cli_fix_writes_once_and_leaves_clean_files_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_bytes("\ufeffLa dÃ©cision&nbsp;: caf&eacute;\r\nLâ€™Ã©tÃ©\u200b.  \nfin".encode())
    clean = tmp_path / "clean.txt"
    clean_bytes = "Le président a décidé d’être présent à l’été, « bien sûr ».\nΕλληνικά, русский, 中文 😀\n".encode()
    clean.write_bytes(clean_bytes)
    legacy = tmp_path / "legacy.txt"
    legacy_bytes = ("Le président a décidé d'être présent à l'été.\n" * 4).encode("cp1252")
    legacy.write_bytes(legacy_bytes)
    args = ["--isolated", "--select", "ENC", "-j", "1", "--fix"]
    code = main([*args, str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1, out  # ENC001 on the legacy file is left (its fix is unsafe)
    assert broken.read_bytes().decode() == "La décision\u00a0: café\nL’été.\nfin\n"
    assert clean.read_bytes() == clean_bytes
    assert legacy.read_bytes() == legacy_bytes
    first = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    main([*args, str(tmp_path)])
    capsys.readouterr()
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == first  # a second run changes nothing
    # and with --unsafe-fixes the legacy file is re-encoded to UTF-8, once
    main([*args, "--unsafe-fixes", str(legacy)])
    capsys.readouterr()
    assert legacy.read_bytes() == legacy_bytes.decode("cp1252").encode("utf-8")
    again = legacy.read_bytes()
    main([*args, "--unsafe-fixes", str(legacy)])
    capsys.readouterr()
    assert legacy.read_bytes() == again


def test_trailing_whitespace_scan_matches_its_regex_definition() -> None:
    import random

    from corpuslint.families.encoding import _TRAILING, trailing_whitespace
    from corpuslint.model import Document

    rng = random.Random(3)
    chars = ["a", " ", "\t", "\n", "\r", "\r\n", "\u00a0", "\u2003", "b", "\u3000", "\u200b"]
    for _ in range(3000):
        text = "".join(rng.choice(chars) for _ in range(rng.randint(0, 30)))
        got = [(v.start, v.end) for v in trailing_whitespace(Document(path="x", raw=b"", text=text), None)]
        assert got == [m.span() for m in _TRAILING.finditer(text)], repr(text)
