"""Built-in reader plugin: bytes of a text file -> one Document.

Decoding never raises: strict UTF-8 first (the common case, and the fastest);
then UTF-16/32 by BOM or NUL pattern; then "mostly UTF-8" with the undecodable
byte runs recorded; then a charset guessed by chardet. Binary files (NUL
bytes, known magic numbers) become a document flagged ``binary``.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import regex

from corpuslint.config import ConfigKey, Settings
from corpuslint.hookspecs import hookimpl
from corpuslint.model import ByteRun, Document

__all__ = ["Decoded", "decode_bytes"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC = (
    b"%PDF-",
    b"PK\x03\x04",
    b"\x89PNG",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ\x00",
    b"\x28\xb5\x2f\xfd",
    b"\x7fELF",
    b"MZ",
)
_SURROGATES = regex.compile("[\udc80-\udcff]+")
#: chardet looks at this many bytes at most: enough to be sure, cheap on huge files
_DETECT_BYTES = 256 * 1024


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str | None
    confidence: float
    errors: tuple[ByteRun, ...] = ()
    binary: bool = False


def decode_bytes(raw: bytes) -> Decoded:
    """Decode ``raw`` without ever raising; see the module docs for the order of attempts."""
    if not raw:
        return Decoded("", "utf-8", 1.0)
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            try:
                return Decoded(raw.decode(enc), enc, 1.0)
            except UnicodeDecodeError:
                break
    head = raw[:8192]
    if raw.startswith(_MAGIC) and not _looks_textual(head):
        return Decoded("", None, 1.0, binary=True)
    if b"\x00" in head:
        utf16 = _try_utf16(raw)
        return utf16 if utf16 is not None else Decoded("", None, 1.0, binary=True)
    try:
        return Decoded(raw.decode("utf-8"), "utf-8", 1.0)
    except UnicodeDecodeError:
        pass
    loose = raw.decode("utf-8", errors="surrogateescape")
    bad = sum(m.end() - m.start() for m in _SURROGATES.finditer(loose))
    multibyte = sum(1 for ch in loose if ord(ch) > 0x7F) - bad
    if multibyte >= bad:
        return _mostly_utf8(raw, loose)
    return _legacy(raw)


def _looks_textual(head: bytes) -> bool:
    return b"\x00" not in head and head[:2] == b"MZ" and head.isascii()


def _try_utf16(raw: bytes) -> Decoded | None:
    sample = raw[:4096]
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) / 2
    if odd > 0.4 * half and even < 0.1 * half:
        enc = "utf-16-le"
    elif even > 0.4 * half and odd < 0.1 * half:
        enc = "utf-16-be"
    else:
        return None
    try:
        return Decoded(raw.decode(enc), enc, 0.9)
    except UnicodeDecodeError:
        return None


def _mostly_utf8(raw: bytes, loose: str) -> Decoded:
    """UTF-8 with some bytes that are not: one U+FFFD per bad byte, runs recorded."""
    runs: list[ByteRun] = []
    pieces: list[str] = []
    pos_char = 0
    pos_byte = 0
    for m in _SURROGATES.finditer(loose):
        good = loose[pos_char : m.start()]
        pos_byte += len(good.encode("utf-8"))
        n = m.end() - m.start()
        runs.append(ByteRun(pos_byte, pos_byte + n, m.start()))
        pieces.append(good)
        pieces.append("\ufffd" * n)
        pos_byte += n
        pos_char = m.end()
    pieces.append(loose[pos_char:])
    return Decoded("".join(pieces), "utf-8", 0.99, tuple(runs))


def _legacy(raw: bytes) -> Decoded:
    import chardet  # heavy-ish import (40 ms): only for files that need it

    guess = chardet.detect(raw[:_DETECT_BYTES])
    name = guess.get("encoding") or "cp1252"
    confidence = float(guess.get("confidence") or 0.0)
    try:
        enc = codecs.lookup(name).name
    except LookupError:
        enc, confidence = "cp1252", 0.0
    if enc in ("utf-8", "ascii"):
        loose = raw.decode("utf-8", errors="surrogateescape")
        return _mostly_utf8(raw, loose)
    try:
        return Decoded(raw.decode(enc), enc, confidence)
    except UnicodeDecodeError:
        pass
    runs: list[ByteRun] = []
    out: list[str] = []
    start = 0
    while True:
        try:
            out.append(raw[start:].decode(enc))
            break
        except UnicodeDecodeError as e:
            good = raw[start : start + e.start].decode(enc, errors="replace")
            out.append(good)
            offset = sum(len(p) for p in out)
            runs.append(ByteRun(start + e.start, start + e.end, offset))
            out.append("\ufffd" * (e.end - e.start))
            start += e.end
            if len(runs) >= 10_000:  # pathological input: stop recording, keep decoding
                out.append(raw[start:].decode(enc, errors="replace"))
                break
    return Decoded("".join(out), enc, confidence, tuple(runs))


def document_from_bytes(
    raw: bytes, display_path: str, settings: Settings | None = None, **kw: object
) -> Document:
    """Build a Document from raw bytes (also used by the API and tests)."""
    d = decode_bytes(raw)
    return Document(
        path=display_path,
        raw=raw,
        text=d.text,
        encoding=d.encoding,
        confidence=d.confidence,
        decode_errors=d.errors,
        binary=d.binary,
        default_language=settings.language if settings else None,
        **kw,  # type: ignore[arg-type]
    )


@hookimpl
def corpuslint_config_keys() -> list[ConfigKey]:
    return [
        ConfigKey(
            "max-file-size",
            int,
            256,
            "Largest file (in MiB) read as one document; a larger one is reported and skipped.",
        )
    ]


@hookimpl(trylast=True)
def corpuslint_read(path: Path, display_path: str, settings: Settings) -> Iterator[Document]:
    limit = int(settings.extra.get("max-file-size", 256)) * 1024 * 1024
    size = path.stat().st_size
    if size > limit:
        yield Document(
            path=display_path,
            raw=b"",
            text="",
            encoding=None,
            metadata={"read_error": f"file is {size / 2**20:.0f} MiB, above max-file-size "
                      f"({limit // 2**20} MiB); not linted"},
        )
        return
    yield document_from_bytes(path.read_bytes(), display_path, settings)
