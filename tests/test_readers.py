"""Decoding never crashes: UTF-8, legacy charsets, mixed files, BOMs, binary, empty."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuslint.readers import decode_bytes, read_limited
from corpuslint.session import open_session

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_utf8_is_strict_and_exact() -> None:
    d = decode_bytes("Zoom interdit l’accès".encode())
    assert (d.text, d.encoding, d.confidence, d.errors, d.binary) == ("Zoom interdit l’accès", "utf-8", 1.0, (), False)


def test_cp1252_copy_of_a_seed_is_detected() -> None:
    text = (SEEDS / "000_b34cd99637ad82f6.txt").read_text(encoding="utf-8")
    raw = text.encode("cp1252", errors="replace")
    d = decode_bytes(raw)
    assert d.encoding == "cp1252"
    assert "Publié le 07 mars 2022" in d.text
    assert not d.errors


def test_cp1251_russian() -> None:
    raw = ("Правительство объявило о новых мерах поддержки экономики. " * 5).encode("cp1251")
    d = decode_bytes(raw)
    assert d.encoding == "cp1251"
    assert d.text.startswith("Правительство")


def test_mostly_utf8_records_each_bad_run() -> None:
    raw = "déjà vu\n".encode() + b"l'\xe9t\xe9 " + "été".encode()
    d = decode_bytes(raw)
    assert d.encoding == "utf-8"
    assert [(r.start, r.end) for r in d.errors] == [(12, 13), (14, 15)]
    assert d.text == "déjà vu\nl'\ufffdt\ufffd été"
    assert [d.text[r.offset] for r in d.errors] == ["\ufffd", "\ufffd"]


def test_boms() -> None:
    assert decode_bytes(b"\xef\xbb\xbfHi").text == "\ufeffHi"
    d = decode_bytes("Hé".encode("utf-16"))
    assert (d.text, d.encoding) == ("Hé", "utf-16")


def test_utf16_without_bom_and_binary() -> None:
    d = decode_bytes("Hello world, ça va".encode("utf-16-le"))
    assert (d.text, d.encoding, d.binary) == ("Hello world, ça va", "utf-16-le", False)
    assert decode_bytes(b"\x00\x01\x02\xff\xfe\x00garbage").binary
    assert decode_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj").binary


def test_what_the_utf8_fast_path_must_leave_to_the_full_checks() -> None:
    # a binary signature that is valid UTF-8 is still binary
    assert decode_bytes(b"%PDF-1.7\n1 0 obj\n").binary
    assert decode_bytes(b"PK\x03\x04" + b"x" * 40).binary
    # "MZ" opening a plain ASCII text is text (an executable's header is not ASCII)
    assert (decode_bytes(b"MZ is a prefix, not a program").encoding, decode_bytes(b"MZ x").binary) == ("utf-8", False)
    # a NUL byte in the first 8 KiB: UTF-16 or binary; past them: UTF-8 text holding a NUL
    assert decode_bytes(b"ab\x00cd" * 10).encoding == "utf-16-le"
    late = b"a" * 8192 + b"\x00z"
    assert (decode_bytes(late).encoding, decode_bytes(late).binary, decode_bytes(late).text[-2:]) == ("utf-8", False, "\x00z")
    # not UTF-8 after all: the full checks decide, as without the fast path
    d = decode_bytes("Déjà vu, à l'été".encode("cp1252"))
    assert d.encoding not in (None, "utf-8") and not d.binary and len(d.text) == 16


def test_empty() -> None:
    d = decode_bytes(b"")
    assert (d.text, d.encoding, d.binary) == ("", "utf-8", False)


_SESSION = open_session(isolated=True, entry_points=False)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_lint_without_crashing(raw: bytes) -> None:
    findings = _SESSION.lint_text(raw)
    assert all(f.code != "CL001" for f in findings), [f.message for f in findings if f.code == "CL001"]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_any_text_lints_and_fixes_without_crashing(text: str) -> None:
    findings = _SESSION.lint_text(text)
    assert all(f.code != "CL001" for f in findings), [f.message for f in findings if f.code == "CL001"]
    fixed = _SESSION.fix_text(text)
    assert _SESSION.fix_text(fixed) == fixed  # idempotent


def test_read_limited_reads_whole_files_and_refuses_big_ones(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    data = "Texte accentué.\n".encode() * 5000
    p.write_bytes(data)
    assert read_limited(p, len(data)) == (len(data), data)
    assert read_limited(p, len(data) - 1) == (len(data), None)  # the size, never the bytes
    (tmp_path / "e.txt").write_bytes(b"")
    assert read_limited(tmp_path / "e.txt", 10) == (0, b"")


def test_read_limited_reads_to_the_end_whatever_the_size_says() -> None:
    # /proc files say 0 bytes; a pipe says 0 and comes in pieces: both are read to the end
    status = Path("/proc/self/status")
    if status.exists():
        size, raw = read_limited(status, 1 << 20)
        assert raw is not None and raw.startswith(b"Name:") and size == len(raw)
    r, w = os.pipe()
    chunk = b"x" * 70_000  # above a pipe's buffer: the writer blocks until the reader drains it
    writer = threading.Thread(target=lambda: (os.write(w, chunk), os.write(w, chunk), os.close(w)))
    writer.start()
    try:
        size, raw = read_limited(f"/dev/fd/{r}", 1 << 20)
    finally:
        writer.join()
        os.close(r)
    assert raw == chunk * 2 and size == len(raw)


def test_read_limited_stops_past_the_limit_on_a_device_that_never_ends() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    size, raw = read_limited("/dev/zero", 3 << 20)  # its size says 0: the reads tell
    assert raw is None and (3 << 20) < size <= (4 << 20) + 1


def test_read_limited_raises_for_what_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        read_limited(tmp_path, 1 << 20)  # a folder
    with pytest.raises(OSError):
        read_limited(tmp_path / "missing.txt", 1 << 20)


def test_a_file_above_max_file_size_is_reported_and_not_read(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"Une ligne de texte.\n" * 60_000)  # 1.2 MB
    (tmp_path / "small.txt").write_bytes("Titre\n\nPublié le 7 mars 2022.\n\nTexte.\n".encode())
    s = open_session(isolated=True, entry_points=False, overrides={"max-file-size": 1})
    result = s.lint([str(tmp_path)])
    on_big = [f for f in result.findings if f.path.endswith("big.txt")]
    assert [f.code for f in on_big] == ["CL002"] and "above max-file-size (1 MiB)" in on_big[0].message
    assert result.documents == 2


@pytest.mark.parametrize("enc", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(
    "text",
    [
        "東京都は本日、新型の電気バスを都営路線に導入すると発表した。\n来年四月から渋谷駅と新宿駅を結ぶ路線で運行を開始する予定だ。\n",
        "서울시는 오늘 새로운 전기 버스를 도입한다고 발표했다.\n내년 4월부터 운행을 시작할 예정이다.\n",
        "北京市今天宣布，新的电动公交车将于明年四月投入运营。\n该线路连接两个主要车站。\n",
    ],
)
def test_utf16_without_a_bom_in_chinese_japanese_korean(text: str, enc: str) -> None:
    """Their high bytes take many values, unlike Latin or Cyrillic text's: such files were
    called binary (sixth review). The NULs of line breaks and digits sit in one half."""
    from corpuslint.readers import decode_bytes

    d = decode_bytes(text.encode(enc))
    assert (d.text, d.encoding, d.binary) == (text, enc, False)


def test_binary_with_nuls_in_one_half_is_still_binary() -> None:
    import random

    from corpuslint.readers import decode_bytes

    rng = random.Random(7)
    raw = bytes(b for _ in range(2000) for b in (rng.randrange(256), 0 if rng.random() < 0.1 else rng.randrange(1, 256)))
    assert decode_bytes(raw).binary
