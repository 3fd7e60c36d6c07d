"""Built-in reader plugin for multi-record files: JSON Lines (plain, .gz, .zst), JSON arrays, Parquet.

Each record becomes a Document whose ``record`` is the record's id (the ``id-field``,
else its 1-based record number) and whose metadata holds the configured
metadata fields. A malformed line, a record without the text field or a text
that is not a string becomes a document with a ``record_error`` (reported as
``CL003 bad-record``), never an exception; the rest of the file is still read.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from corpuslint.config import ConfigKey, Settings
from corpuslint.fixes import write_atomic
from corpuslint.hookspecs import hookimpl
from corpuslint.model import LONE_SURROGATE, Document, clip

__all__ = ["JSONL_SUFFIXES", "replace_string_field"]

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz", ".jsonl.zst", ".ndjson.zst")
DEFAULT_METADATA = ["date", "url", "lang", "language", "source", "crawl_date", "title"]
#: a line longer than this is not parsed (a 200 MB line would hold the whole file in one string)
MAX_RECORD_BYTES_DEFAULT = 64


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(".json"):
        return "json"
    if name.endswith(".parquet"):
        return "parquet"
    return None


def _open(path: Path) -> IO[bytes]:
    name = path.name.lower()
    if name.endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if name.endswith(".zst"):
        return _zstd_reader(path)
    return open(path, "rb")


def _zstd_reader(path: Path) -> IO[bytes]:
    try:
        import zstandard
    except ImportError:
        raise OSError(f"reading {path.name} needs the zstandard package: pip install 'corpuslint[zstd]'") from None
    return io.BufferedReader(_ZstdFrames(open(path, "rb"), zstandard.ZstdDecompressor()), 1 << 16)  # noqa: SIM115


class _ZstdFrames(io.RawIOBase):
    """The decompressed bytes of every frame of a zstd file, in order; ``EOFError`` at the end
    of a truncated one.

    zstandard's ``stream_reader`` ends a truncated frame as if it were complete: a cut file
    read as fewer records (or none), without a word. ``decompressobj`` says whether its
    frame ended (``eof``); what follows a frame starts the next one.
    """

    _CHUNK = 1 << 17

    def __init__(self, raw: IO[bytes], dctx: Any) -> None:
        self._raw, self._dctx = raw, dctx
        self._obj: Any = None  # the decompressor of the current frame
        self._pending = b""  # decompressed, read up to ``_pos``
        self._pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        if self._pos == len(self._pending):
            self._pending, self._pos = b"", 0
        while not self._pending:
            if self._obj is not None and self._obj.eof:
                rest = self._obj.unused_data
                self._obj = None
                if rest:
                    self._obj = self._dctx.decompressobj()
                    self._pending = self._obj.decompress(rest)
                continue
            chunk = self._raw.read(self._CHUNK)
            if not chunk:
                if self._obj is not None:
                    raise EOFError("compressed file ended before the end of its zstd frame")
                return 0
            if self._obj is None:
                self._obj = self._dctx.decompressobj()
            self._pending = self._obj.decompress(chunk)
        n = min(len(buf), len(self._pending) - self._pos)
        buf[:n] = memoryview(self._pending)[self._pos : self._pos + n]
        self._pos += n
        return n

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


def _write_compressed(path: Path, data: bytes) -> bytes:
    name = path.name.lower()
    if name.endswith(".gz"):
        buf = io.BytesIO()
        with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
            gz.write(data)
        return buf.getvalue()
    if name.endswith(".zst"):
        import zstandard

        return zstandard.ZstdCompressor().compress(data)  # type: ignore[no-any-return]
    return data


@hookimpl
def corpuslint_config_keys() -> list[ConfigKey]:
    return [
        ConfigKey("text-field", str, "text", "Field holding the text in JSONL/JSON/Parquet records."),
        ConfigKey("id-field", str, "id", "Field holding a record's id (else its 1-based record number)."),
        ConfigKey("metadata-fields", list, list(DEFAULT_METADATA), "Record fields kept as document metadata (rules may use them).", str),
        ConfigKey("max-record-size", int, MAX_RECORD_BYTES_DEFAULT, "Largest JSONL line (MiB) parsed; a larger one is reported and skipped."),
        ConfigKey("date-field", str, "date", "Field holding a record's publication date, which the date rules read "
                  "(FineWeb's `date` is the crawl time: name another field, or \"\" to read none)."),
    ]


def _record_doc(
    display: str, obj: Any, number: int, line: int | None, settings: Settings, raw_line: bytes | None = None
) -> Document:
    text_field = settings.extra.get("text-field", "text")
    id_field = settings.extra.get("id-field", "id")
    meta_fields = settings.extra.get("metadata-fields", DEFAULT_METADATA)
    pos = {"_index": number - 1, "_line": line}
    if not isinstance(obj, dict):
        where = f"line {line} (record {number})" if line is not None and line != number else f"record {number}"
        return _bad(display, str(number), f"{where} is a JSON {type(obj).__name__}, not an object", pos)
    record = record_id(obj.get(id_field), number)
    if text_field not in obj:
        return _bad(display, record, f"record has no '{text_field}' field", pos)
    text = obj[text_field]
    if not isinstance(text, str):
        return _bad(display, record, f"field '{text_field}' is a {type(text).__name__}, not a string", pos)
    metadata = {k: obj[k] for k in meta_fields if k in obj}
    date_field = settings.extra.get("date-field", "date")
    if date_field != "date":  # the date rules read `date`: the configured field's value, or none
        metadata.pop("date", None)
        if date_field and date_field in obj:
            metadata["date"] = obj[date_field]
    metadata.update(pos)
    return Document(
        path=display,
        raw=text.encode("utf-8", errors="surrogatepass"),
        text=text,
        record=record,
        metadata=metadata,
        default_language=settings.language,
    )


def record_id(rid: Any, number: int) -> str:
    """A record's id as findings name it: its id field when a string or an integer, else its number."""
    if isinstance(rid, str):
        return rid
    if isinstance(rid, int) and not isinstance(rid, bool):
        try:
            return str(rid)
        except ValueError:  # an integer of more digits than Python converts (sys.get_int_max_str_digits)
            return str(number)
    return str(number)


#: what json.loads raises on a line that is not a JSON value it can read: JSONDecodeError and
#: UnicodeDecodeError (both ValueErrors), a ValueError for an integer of more than 4300 digits,
#: RecursionError for arrays or objects nested thousands deep
_UNREADABLE_JSON = (ValueError, RecursionError)


def _bad(display: str, record: str, message: str, pos: Mapping[str, Any]) -> Document:
    return Document(path=display, raw=b"", text="", encoding=None, record=record,
                    metadata={"record_error": message, **pos})


@hookimpl(tryfirst=True)
def corpuslint_read(
    path: Path, display_path: str, settings: Settings, wanted: Mapping[int, int | None] | None = None
) -> Iterator[Document] | None:
    """Records of a JSONL, JSON or Parquet file.

    ``wanted`` (an optional extension the engine passes to readers that accept it): record
    index -> byte offset of its line (``metadata["_offset"]``, None if unknown). A JSONL
    file then yields only those records: lines before are skipped unparsed, and in an
    uncompressed file with every offset known each line is read with one seek. The
    corpus phase uses it to re-read a few candidates of a huge file.
    """
    kind = _kind(path)
    if kind is None:
        return None
    if kind == "jsonl":
        if wanted is not None:
            return _read_jsonl_records(path, display_path, settings, wanted)
        return _repeated_ids(_read_jsonl(path, display_path, settings))
    if kind == "json":
        return _repeated_ids(_read_json(path, display_path, settings))
    return _repeated_ids(_read_parquet(path, display_path, settings))


def _repeated_ids(docs: Iterator[Document]) -> Iterator[Document]:
    """The records of one file, each whose id an earlier record of the file has already taken
    marked (``record_warning``, reported by CL003; the record is still linted): its findings
    and an earlier one's would carry the same name. The ids are kept as 64-bit hashes with the
    number of the record that took them, about 100 bytes per record while the file is read."""
    seen: dict[int, int] = {}
    for doc in docs:
        meta = doc.metadata
        if "record_error" not in meta and doc.record is not None:
            number = int(meta.get("_index", 0)) + 1  # type: ignore[call-overload]
            first = seen.setdefault(hash(doc.record), number)
            if first != number:
                meta["record_warning"] = (  # type: ignore[index]
                    f"record id '{clip(doc.record)}' is already the id of record {first} of this file: "
                    "findings of both are named by it")
        yield doc


def _read_jsonl(path: Path, display: str, settings: Settings, wanted: Mapping[int, Any] | None = None) -> Iterator[Document]:
    """Every record (or, with ``wanted``, the records at those 0-based indexes: the others are not parsed)."""
    limit = int(settings.extra.get("max-record-size", MAX_RECORD_BYTES_DEFAULT)) * 1024 * 1024
    number = 0
    offset = 0  # of the line in the decompressed stream: lets the corpus phase seek back to it
    last = max(wanted) if wanted else -1
    if path.name.lower().endswith((".gz", ".zst")) and path.stat().st_size == 0:
        kind = "gzip" if path.name.lower().endswith(".gz") else "zstd"
        yield _bad(display, "1", f"file is empty (0 bytes): not {kind} data", {"_index": 0, "_line": None})
        return
    with _open(path) as fh:
        lineno = 0
        while True:
            if wanted is not None and number > last:
                return
            try:
                raw = fh.readline(limit + 1)
            except (OSError, EOFError, gzip.BadGzipFile) as e:
                yield _bad(display, str(number + 1), f"file is truncated or corrupt after line {lineno}: {e}",
                           {"_index": number, "_line": lineno + 1})
                return
            except Exception as e:  # noqa: BLE001 - zstd raises its own error type
                yield _bad(display, str(number + 1), f"file is truncated or corrupt after line {lineno}: {e}",
                           {"_index": number, "_line": lineno + 1})
                return
            if not raw:
                return
            if lineno == 0 and wanted is None and (raw.startswith((b"\xff\xfe", b"\xfe\xff")) or raw.count(b"\x00") * 4 > len(raw)):
                yield _bad(display, "1", "file is UTF-16 or UTF-32 (a byte order mark or NUL bytes in its first "
                           "line): JSON Lines must be UTF-8; convert it (iconv -f UTF-16 -t UTF-8)",
                           {"_index": 0, "_line": 1})
                return
            lineno += 1
            start = offset
            offset += len(raw)
            if len(raw) > limit and not raw.endswith(b"\n"):
                number += 1
                while raw and not raw.endswith(b"\n"):  # skip the rest of the oversized line
                    raw = fh.readline(limit + 1)
                    offset += len(raw)
                yield _bad(display, str(number), f"line {lineno} is longer than max-record-size "
                           f"({limit // 2**20} MiB); not linted", {"_index": number - 1, "_line": lineno})
                continue
            if not raw.strip():
                continue
            number += 1
            if wanted is not None and number - 1 not in wanted:
                continue
            yield _parse_record(display, raw, number, lineno, start, settings)


def _parse_record(display: str, raw: bytes, number: int, lineno: int | None, offset: int, settings: Settings) -> Document:
    """The document of one JSONL line (record ``number``, 1-based, starting at byte ``offset``)."""
    try:
        obj = json.loads(raw)
    except _UNREADABLE_JSON as e:
        where = f"line {lineno} (record {number})" if lineno is not None and lineno != number else f"line {lineno}"
        return _bad(display, str(number), f"{where} is not valid JSON: {_json_error(e)}",
                    {"_index": number - 1, "_line": lineno})
    doc = _record_doc(display, obj, number, lineno, settings)
    if "record_error" not in doc.metadata:
        doc.metadata["_offset"] = offset  # type: ignore[index]
    return doc


def _json_error(e: BaseException) -> str:
    if isinstance(e, RecursionError):
        return "arrays or objects nested too deep to read"
    return str(e)


def _read_jsonl_records(path: Path, display: str, settings: Settings, wanted: Mapping[int, int | None]) -> Iterator[Document]:
    """The records at the ``wanted`` indexes: by seeking to their offsets in an uncompressed file
    whose offsets are all known, else by one pass that parses only them."""
    if not wanted:
        return
    if path.name.lower().endswith((".gz", ".zst")) or any(o is None for o in wanted.values()):
        yield from _read_jsonl(path, display, settings, wanted)
        return
    with open(path, "rb") as fh:
        for index in sorted(wanted):
            fh.seek(wanted[index])  # type: ignore[arg-type]
            raw = fh.readline()
            # the line number is not known without counting: None (these documents are
            # read again for a corpus rule's confirmation, never reported by line)
            yield _parse_record(display, raw, index + 1, None, wanted[index], settings)  # type: ignore[arg-type]


def _read_json(path: Path, display: str, settings: Settings) -> Iterator[Document]:
    try:
        data = json.loads(path.read_bytes())
    except _UNREADABLE_JSON as e:
        yield _bad(display, "1", f"not valid JSON: {_json_error(e)}", {"_index": 0, "_line": None})
        return
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        yield _bad(display, "1", f"a JSON {type(data).__name__}, not an array of records", {"_index": 0, "_line": None})
        return
    for i, obj in enumerate(data, start=1):
        yield _record_doc(display, obj, i, None, settings)


def _read_parquet(path: Path, display: str, settings: Settings) -> Iterator[Document]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise OSError("reading Parquet needs pyarrow: pip install 'corpuslint[parquet]'") from None
    text_field = settings.extra.get("text-field", "text")
    try:
        pf = pq.ParquetFile(path)
    except Exception as e:  # noqa: BLE001 - pyarrow raises ArrowInvalid and friends
        raise OSError(f"not a readable Parquet file: {e}") from None
    names = pf.schema_arrow.names
    if text_field not in names:
        yield _bad(display, "1", f"Parquet file has no '{text_field}' column (columns: {', '.join(names)})",
                   {"_index": 0, "_line": None})
        return
    wanted = [c for c in names if c in {text_field, settings.extra.get("id-field", "id"), settings.extra.get("date-field", "date"),
                                         *settings.extra.get("metadata-fields", DEFAULT_METADATA)}]
    number = 0
    for batch in pf.iter_batches(batch_size=1024, columns=wanted):
        for row in batch.to_pylist():
            number += 1
            yield _record_doc(display, row, number, None, settings)


def _string_value_span(line: str, field: str) -> tuple[int, int] | None:
    """Character span of the JSON string value of top-level ``field`` in a one-object line: of
    its last occurrence, the one ``json.loads`` keeps (None when that value is not a string)."""
    i = line.find("{")
    if i < 0:
        return None
    n = len(line)
    depth = 0
    expect_key = False
    pending = False  # the next value at depth 1 is the field's
    found: tuple[int, int] | None = None
    while i < n:
        c = line[i]
        if pending and c not in " \t\r\n:":
            pending = False
            if c == '"':
                j = _string_end(line, i)
                found = (i, j)
                i = j
                continue
            found = None  # a later occurrence whose value is not a string
        if c in "{[":
            depth += 1
            expect_key = c == "{" and depth == 1
            i += 1
        elif c in "}]":
            depth -= 1
            i += 1
        elif c == ",":
            expect_key = depth == 1
            i += 1
        elif c == '"':
            j = _string_end(line, i)
            if depth == 1 and expect_key:
                pending = json.loads(line[i:j]) == field
                expect_key = False
            i = j
        else:
            i += 1
    return found


def _string_end(s: str, i: int) -> int:
    j = i + 1
    while j < len(s):
        if s[j] == "\\":
            j += 2
            continue
        if s[j] == '"':
            return j + 1
        j += 1
    return j


def replace_string_field(line: str, field: str, new_text: str) -> str | None:
    """``line`` with the string value of ``field`` replaced; every other byte kept.

    Keeps the original escaping style: ASCII-only escapes if the old value used them.
    """
    span = _string_value_span(line, field)
    if span is None:
        return None
    old = line[span[0] : span[1]]
    ascii_style = old.isascii() and "\\u" in old
    value = json.dumps(new_text, ensure_ascii=ascii_style)
    if not ascii_style and LONE_SURROGATE.search(value):
        # a lone surrogate has no UTF-8: written as the JSON escape it was read from
        value = LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", value)
    return line[: span[0]] + value + line[span[1] :]



@hookimpl(tryfirst=True)
def corpuslint_write_records(path: Path, texts: Mapping[int, str], settings: Settings) -> bool | None:
    """Rewrite the text field of the records numbered in ``texts`` (0-based record index)."""
    if _kind(path) != "jsonl":
        return None
    field = settings.extra.get("text-field", "text")
    with _open(path) as fh:
        data = fh.read()
    lines = data.split(b"\n")
    index = -1
    changed = False
    for n, raw in enumerate(lines):
        if not raw.strip():
            continue
        index += 1
        if index not in texts:
            continue
        line = raw.decode("utf-8")
        new = replace_string_field(line, field, texts[index])
        if new is None:
            raise ValueError(f"record {index + 1}: cannot locate the '{field}' field to rewrite")
        lines[n] = new.encode("utf-8")
        changed = True
    if changed:
        write_atomic(path, _write_compressed(path, b"\n".join(lines)))
    return True
