"""Built-in reader plugin: bytes of a text file -> one Document.

Decoding never raises: strict UTF-8 first (the common case, and the fastest);
then UTF-16/32 by BOM or NUL pattern; then "mostly UTF-8" with the undecodable
byte runs recorded; then a charset guessed by chardet. Binary files (NUL
bytes, known magic numbers) become a document flagged ``binary``.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from corpuslint.config import ConfigKey, Settings
from corpuslint.hookspecs import hookimpl
from corpuslint.model import ByteRun, Document
from corpuslint.patterns import compile_regex

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
#: the byte-order marks and binary signatures above
_UNUSUAL_STARTS = (*(bom for bom, _ in _BOMS), *_MAGIC)
#: the bytes looked at for NUL bytes and binary signatures
_HEAD = 8192
#: Windows opens files as text unless told
_O_BINARY = getattr(os, "O_BINARY", 0)
_SURROGATES = compile_regex("[\udc80-\udcff]+")
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
    if not _usual(raw):
        for bom, enc in _BOMS:
            if raw.startswith(bom):
                try:
                    return Decoded(raw.decode(enc), enc, 1.0)
                except UnicodeDecodeError:
                    break
        head = raw[:_HEAD]
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


def _usual(raw: bytes) -> bool:
    """No byte-order mark or binary signature at the start and no NUL in the head: the common
    case, which goes straight to strict UTF-8 (none of the other checks applies)."""
    return not raw.startswith(_UNUSUAL_STARTS) and raw.find(b"\x00", 0, _HEAD) == -1


def _looks_textual(head: bytes) -> bool:
    return b"\x00" not in head and head[:2] == b"MZ" and head.isascii()


def _try_utf16(raw: bytes) -> Decoded | None:
    """UTF-16 without a byte-order mark: one byte of each pair (the high one) takes few values.

    Latin text has NUL high bytes; Cyrillic has 0x04, Greek 0x03 ... so the test is the
    diversity of each half, then a strict decode whose text must look like text.
    """
    sample = raw[:4096]
    if len(sample) < 4:
        return None
    best: tuple[float, str, str] | None = None
    for enc, high, low in (("utf-16-le", sample[1::2], sample[0::2]), ("utf-16-be", sample[0::2], sample[1::2])):
        # Chinese, Japanese or Korean: the high bytes take many values, but only the high
        # half holds the NULs of the line breaks, spaces and digits among the characters
        cjk = high.count(0) >= max(2, len(high) // 200) and low.count(0) * 3 < high.count(0)
        if len(set(high)) > max(8, len(set(low)) // 3) and not cjk:
            continue
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        head = text[:4000]
        score = _textlike(head)
        if cjk and sum(ch.isalpha() or ch.isspace() for ch in head) < 0.6 * len(head):
            continue  # binary that decodes: few letters
        if best is None or score > best[0]:
            best = (score, enc, text)
    if best is None or best[0] < 0.9:
        return None
    return Decoded(best[2], best[1], round(min(0.99, best[0]), 2))


def _textlike(text: str) -> float:
    """Share of characters that text is made of: printable ones, tabs and line endings."""
    if not text:
        return 0.0
    bad = sum(1 for ch in text if not (ch.isprintable() or ch in "\t\n\r\f") or 0xE000 <= ord(ch) <= 0xF8FF)
    return 1 - bad / len(text)


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


def _detect_all(sample: bytes) -> list[tuple[str, float]]:
    import chardet  # heavy-ish import (40 ms): only for files that need it

    # no prefer_superset: it renames iso8859-2 to cp1250, which decodes Polish differently.
    # Charsets that give the same text are merged by the caller instead.
    found = chardet.detect_all(sample)
    out = []
    for g in found:
        name = g.get("encoding")
        if not name:
            continue
        try:
            out.append((codecs.lookup(name).name, float(g.get("confidence") or 0.0)))
        except LookupError:
            continue
    return out


#: when several charsets decode the sample to the same text, name the most common one
_PREFERRED = ("cp1252", "cp1251", "cp1250", "cp1253", "koi8-r", "iso8859-1", "iso8859-15", "iso8859-2", "iso8859-7")


def _legacy(raw: bytes) -> Decoded:
    """A legacy charset: chardet's candidates, checked against the text each one gives.

    chardet's own confidence is a score among its models (often 0.2-0.6 for a
    right answer on a short file). What a user needs is how sure the decoded
    text is: we decode the sample with each candidate, merge candidates that
    give the same text (cp1252, iso8859-1 and iso8859-15 on most French), and
    score each distinct text by how many of its non-ASCII characters sit in
    real words (``_oddities``). The confidence is high when the chosen text
    is clean and every other reading is clearly worse, and it is capped when
    the file has few non-ASCII characters to judge from (docs/encoding.md).
    """
    sample = raw[:_DETECT_BYTES]
    cands = _detect_all(sample)
    if not cands:
        cands = [("cp1252", 0.0)]
    readings: dict[str, tuple[str, float]] = {}  # text -> (charset, best chardet confidence)
    order: list[str] = []
    for enc, conf in cands[:8]:
        if enc in ("utf-8", "ascii"):
            loose = raw.decode("utf-8", errors="surrogateescape")
            return _mostly_utf8(raw, loose)
        try:
            text = sample.decode(enc)
        except UnicodeDecodeError:
            if len(sample) == len(raw):
                continue
            text = sample[:-4].decode(enc, errors="ignore")  # a multi-byte char cut at the end
        if text not in readings:
            readings[text] = (enc, conf)
            order.append(text)
        elif _PREFERRED.index(enc) < _PREFERRED.index(readings[text][0]) if enc in _PREFERRED and readings[text][0] in _PREFERRED else False:
            readings[text] = (enc, max(conf, readings[text][1]))
    if not order:
        return _decode_with_errors(raw, "cp1252", 0.0)
    scored = []
    for rank, text in enumerate(order):
        odd, n = _oddities(text)
        scored.append((odd / max(n, 1), rank, text, n))
    scored.sort()
    rate, _, text, n = scored[0]
    enc, conf = readings[text]
    others = [(r, readings[t][1]) for r, _, t, _ in scored[1:]]
    # how much worse the other readings look, and how much less chardet likes them
    margin = min(r for r, _ in others) - rate if others else 1.0
    ratio = conf / max(c for _, c in others) if others and max(c for _, c in others) > 0 else 2.0
    confidence = (1 - rate) * min(1.0, 0.5 + 10 * margin + max(0.0, ratio - 1))
    if n < 5:
        confidence = min(confidence, 0.5)
    elif n < 20:
        confidence = min(confidence, 0.8)
    return _decode_with_errors(raw, enc, round(max(0.0, confidence), 2))


def _oddities(text: str) -> tuple[int, int]:
    """(odd, total) non-ASCII characters: odd ones are controls, unassigned, private,
    symbols glued to letters, or letters of another script or case than their neighbour."""
    import unicodedata

    odd = n = 0
    cat = unicodedata.category
    prev = " "
    for i, ch in enumerate(text):
        if ch < "\x80":
            prev = ch
            continue
        n += 1
        c = cat(ch)
        if c[0] == "C" or c == "Co":
            odd += 1
        elif c[0] in "LS" and prev.isalpha():
            p = cat(prev)
            if c[0] == "S" and ch not in "©®™°" or c[0] == "L" and (_block(prev) != _block(ch) or (p == "Ll" and c == "Lu")):
                odd += 1
        elif c[0] == "S" and i + 1 < len(text) and text[i + 1].isalpha() and ch not in "°":
            odd += 1
        prev = ch
    return odd, n


def _block(ch: str) -> int:
    o = ord(ch)
    if o < 0x250 or 0x1E00 <= o < 0x1F00:
        return 0  # Latin
    if 0x370 <= o < 0x400:
        return 1
    if 0x400 <= o < 0x530:
        return 2
    return o >> 8


def _decode_with_errors(raw: bytes, enc: str, confidence: float) -> Decoded:
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
    language = settings.language if settings else None
    if _usual(raw):
        try:  # decode_bytes's first choice, without its Decoded in between: most files
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return Document(path=display_path, raw=raw, text=text, encoding="utf-8", confidence=1.0,
                            default_language=language, **kw)  # type: ignore[arg-type]
    d = decode_bytes(raw)
    return Document(
        path=display_path,
        raw=raw,
        text=d.text,
        encoding=d.encoding,
        confidence=d.confidence,
        decode_errors=d.errors,
        binary=d.binary,
        default_language=language,
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


def read_limited(path: Path | str, limit: int) -> tuple[int, bytes | None]:
    """(size, bytes) of a file, or (size, None) when it is bigger than ``limit`` bytes.

    One open, an fstat and reads of the file descriptor: pathlib's stat then read_bytes
    cost twice as much for the small files a corpus is made of. Reads to the end of the
    file, whatever its size said (a file that grows, a pipe named on the command line), and
    stops past ``limit`` (a device that never ends).
    """
    fd = os.open(path, os.O_RDONLY | _O_BINARY)
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            return size, None
        data = os.read(fd, size + 1)
        if len(data) != size:  # grown, a short read, or a size that says nothing (a pipe, /proc)
            chunks, total = [data], len(data)
            while total <= limit and (chunk := os.read(fd, 1 << 20)):
                chunks.append(chunk)
                total += len(chunk)
            if total > limit:  # a device that never ends (/dev/zero named on the command line)
                return total, None
            data = b"".join(chunks)
        return len(data), data
    finally:
        os.close(fd)


@hookimpl(trylast=True)
def corpuslint_read(path: Path, display_path: str, settings: Settings) -> Iterator[Document]:
    limit = int(settings.extra.get("max-file-size", 256)) * 1024 * 1024
    size, raw = read_limited(path, limit)
    if raw is None:
        yield Document(
            path=display_path,
            raw=b"",
            text="",
            encoding=None,
            metadata={"read_error": f"file is {size / 2**20:.0f} MiB, above max-file-size "
                      f"({limit // 2**20} MiB); not linted"},
        )
        return
    yield document_from_bytes(raw, display_path, settings)
