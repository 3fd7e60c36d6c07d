"""Value objects that flow through corpuslint: Document, Finding, Fix, Edit.

This module imports nothing from the rest of the package: every other module
may import it, it imports none of them.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from itertools import accumulate
from json.encoder import encode_basestring as _q  # the C encoder of json.dumps(ensure_ascii=False)
from typing import Any

__all__ = [
    "CATEGORIES",
    "ByteRun",
    "Document",
    "Edit",
    "Facts",
    "Finding",
    "Fix",
    "LazyFact",
    "Paragraph",
    "Severity",
    "Violation",
    "fingerprint",
]

#: The categories a rule may belong to; ``internal`` is reserved for corpuslint itself.
CATEGORIES = ("encoding", "duplication", "residue", "date", "quotes", "internal")


class Severity(str, Enum):
    """How bad a finding is; ordered info < warning < error."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self.value]

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls(value.lower())
        except ValueError:
            raise ValueError(
                f"unknown severity {value!r} (expected one of: info, warning, error)"
            ) from None


_SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class ByteRun:
    """A run of bytes that did not decode, with the character offset where it landed."""

    start: int  # byte offset in Document.raw
    end: int  # byte offset, exclusive
    offset: int  # character offset in Document.text of the replacement character(s)


@dataclass(frozen=True)
class Paragraph:
    """A block of lines: blank-line separated, or a single line in a document without blank lines."""

    index: int  # 0-based
    start_line: int  # 1-based
    end_line: int  # 1-based, inclusive
    start: int  # character offset
    end: int  # character offset, exclusive (before the final newline)
    text: str


class LazyFact:
    """A fact computed on first read (``Document.facts[name]``), so unused facts cost nothing."""

    __slots__ = ("compute",)

    def __init__(self, compute: Any) -> None:
        self.compute = compute


class Facts(dict):  # type: ignore[type-arg]
    """``Document.facts``: a dict whose LazyFact values are computed when first read."""

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key)
        if isinstance(value, LazyFact):
            value = value.compute()
            self[key] = value
        return value

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self else default  # noqa: SIM401 - must go through __getitem__


@dataclass(eq=False)
class Document:
    """One text to lint: a file, or one record of a multi-record file.

    ``text`` is the decoded text; positions in findings are character offsets into it.
    Derived views (lines, paragraphs, script, language) are computed on first use.
    """

    path: str
    raw: bytes
    text: str
    encoding: str | None = "utf-8"
    confidence: float = 1.0
    record: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    #: bytes that could not be decoded: the text holds U+FFFD there, so fixes are refused.
    decode_errors: tuple[ByteRun, ...] = ()
    #: True when the bytes look binary (NUL bytes): text is empty and no rule but the
    #: encoding family looks at it.
    binary: bool = False
    #: the language to assume when the guess is unsure (``language`` config key).
    default_language: str | None = None
    #: facts that plugins add in ``corpuslint_annotate`` (e.g. ``"date"``).
    facts: dict[str, Any] = field(default_factory=Facts)

    # -- positions ---------------------------------------------------------
    @cached_property
    def line_starts(self) -> list[int]:
        """Character offset of the start of every line (``\\n``, ``\\r\\n`` and lone ``\\r`` end lines)."""
        text = self.text
        if "\r" not in text:
            # each line starts one character (its "\n") after the previous one ends
            return list(accumulate(map(_PLUS_ONE, map(len, self.lines[:-1])), initial=0))
        starts = [0]
        for m in _NEWLINE.finditer(text):
            starts.append(m.end())
        return starts

    @cached_property
    def lines(self) -> list[str]:
        """The lines, without their line terminators."""
        text = self.text
        if "\r" not in text:
            return text.split("\n")
        return _NEWLINE.split(text)

    def line_span(self, lineno: int) -> tuple[int, int]:
        """Character offsets (start, end) of 1-based line ``lineno``, without its terminator."""
        start = self.line_starts[lineno - 1]
        return start, start + len(self.lines[lineno - 1])

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        i = bisect.bisect_right(self.line_starts, offset) - 1
        return i + 1, offset - self.line_starts[i] + 1

    # -- structure ---------------------------------------------------------
    @cached_property
    def paragraphs(self) -> list[Paragraph]:
        """Blank-line separated blocks; without any blank line, one paragraph per line."""
        lines = self.lines
        starts = self.line_starts
        text = self.text
        n = len(lines)
        # str.isspace and str.strip agree on what white space is
        blank = [i for i, ln in enumerate(lines) if not ln or ln.isspace()]
        out: list[Paragraph] = []
        new = object.__new__
        if any(0 < i < n - 1 for i in blank):  # blocks: what lies between two blank lines
            runs = [(a + 1, b - 1) for a, b in zip([-1, *blank], [*blank, n]) if b > a + 1]
        else:
            skip = set(blank)
            runs = [(i, i) for i in range(n) if i not in skip]
        for i, j in runs:
            start = starts[i]
            end = starts[j] + len(lines[j])
            # a frozen dataclass's __init__ sets each field through object.__setattr__; this
            # sets them all at once (Paragraph has no slots, defaults or __post_init__; a test
            # compares these with Paragraph(...))
            para = new(Paragraph)
            para.__dict__.update(index=len(out), start_line=i + 1, end_line=j + 1, start=start, end=end,
                                 text=text[start:end])
            out.append(para)
        return out

    @cached_property
    def script(self) -> str:
        """Dominant writing system of the letters (``Latin``, ``Cyrillic``, ``Greek``, ...)."""
        from corpuslint.langid import dominant_script

        return dominant_script(self.text)

    @cached_property
    def language_guess(self) -> tuple[str, float]:
        """(language code, confidence) from stopwords and script; ``und`` when unknown."""
        declared = self.metadata.get("lang") or self.metadata.get("language")
        if isinstance(declared, str) and declared:
            return declared.lower()[:2], 1.0
        from corpuslint.langid import guess_language

        lang, conf = guess_language(self.text, self.script)
        # half the stopword hits or fewer for the best language (a short Turkish text's `da`
        # and `i` read as Portuguese and Polish, 2 to 2) is unsure: the configured language wins
        if conf <= 0.5 and self.default_language:
            return self.default_language, conf
        return lang, conf

    @property
    def language(self) -> str:
        return self.language_guess[0]

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw if self.record is None else self.text.encode("utf-8", "surrogatepass")).hexdigest()

    @property
    def display_path(self) -> str:
        return self.path if self.record is None else f"{self.path}:#{self.record}"


_NEWLINE = re.compile(r"\r\n|\r|\n")
_PLUS_ONE = (1).__add__


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` (character offsets) with ``content``."""

    start: int
    end: int
    content: str


@dataclass(frozen=True)
class Fix:
    """Edits that repair a finding; ``safe`` fixes never change meaning or lose text."""

    title: str
    edits: tuple[Edit, ...]
    safe: bool = True
    #: when set, write the fixed document in this encoding (e.g. re-encode to UTF-8).
    encoding: str | None = None

    @property
    def applicability(self) -> str:
        return "safe" if self.safe else "unsafe"


@dataclass(frozen=True)
class Violation:
    """What a rule yields: a span of the document and a message; the engine adds the rest.

    ``start``/``end`` are character offsets; both ``None`` means the whole document.
    """

    message: str
    start: int | None = None
    end: int | None = None
    fix: Fix | None = None
    severity: Severity | None = None  # overrides the rule's severity for this finding
    #: for corpus rules, which have no text: a digest of the flagged span for the fingerprint
    span_digest: str | None = None


@dataclass(frozen=True)
class Finding:
    """A located defect, ready for reporters. Lines and columns are 1-based characters."""

    path: str
    code: str
    name: str
    category: str
    severity: Severity
    message: str
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    record: str | None = None
    fix: Fix | None = None
    #: fix edits as ((line, col), (line, col), text), for serialisation without the document
    fix_edits: tuple[tuple[tuple[int, int], tuple[int, int], str], ...] = ()
    fingerprint: str = ""
    url: str = ""
    #: for a record of a JSONL file: the file line the record starts on (GitHub annotations)
    source_line: int | None = None
    #: for a record: its 0-based position in the file (keeps output in file order)
    record_index: int | None = None

    @classmethod
    def _of(cls, fields: dict[str, Any]) -> Finding:
        """A Finding from a dict holding every field, without the frozen dataclass's ``__init__``.

        That ``__init__`` sets each of the 17 fields through ``object.__setattr__`` (about
        3 µs); the engine makes one per finding, and a noisy corpus has tens of thousands.
        The instance is the same: equal, hashable, picklable, ``replace``-able.
        """
        finding = object.__new__(cls)
        finding.__dict__.update(fields)
        return finding

    def to_json(self) -> str:
        """``json.dumps(self.to_dict(), ensure_ascii=False)``, twice as fast (the JSON reporters' hot path)."""
        fix = self.fix
        fix_json = "null"
        if fix is not None:
            edits = ", ".join(
                f'{{"start": [{s[0]:d}, {s[1]:d}], "end": [{e[0]:d}, {e[1]:d}], "text": {_q(t)}}}'
                for s, e, t in self.fix_edits
            )
            fix_json = f'{{"applicability": {_q(fix.applicability)}, "message": {_q(fix.title)}, "edits": [{edits}]}}'
        rule_key = (self.code, self.name, self.category, self.severity)
        rule_json = _RULE_JSON.get(rule_key)
        if rule_json is None:  # the same four fields on every finding of a rule: encoded once
            if len(_RULE_JSON) > 4096:
                _RULE_JSON.clear()
            rule_json = _RULE_JSON[rule_key] = (
                f'"code": {_q(self.code)}, "name": {_q(self.name)}, "category": {_q(self.category)}, '
                f'"severity": {_q(self.severity.value)}'
            )
        return (
            f'{{"path": {_q(self.path)}, "record": {_qn(self.record)}, "line": {_int(self.line)}, '
            f'"column": {_int(self.column)}, "end_line": {_int(self.end_line)}, "end_column": {_int(self.end_column)}, '
            f'{rule_json}, "message": {_q(self.message)}, '
            f'"fingerprint": {_q(self.fingerprint)}, "url": {_q(self.url)}, "fix": {fix_json}}}'
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Findings cross process boundaries (workers -> parent) and fill the cache: pickled as
        # one flat tuple (no dict of field names, no Enum call, no Fix and Edit objects), a
        # quarter smaller and 1.2x faster to load than the default (per-file lists, GC off)
        d = self.__dict__
        fix = d["fix"]
        return (_finding_from_state, (
            tuple(d[k] for k in _FINDING_FIELDS),
            d["severity"].value,
            None if fix is None else (fix.title, tuple((e.start, e.end, e.content) for e in fix.edits), fix.safe,
                                      fix.encoding),
        ))

    @property
    def sort_key(self) -> tuple[Any, ...]:
        return (
            self.path,
            -1 if self.record_index is None else self.record_index,
            _record_key(self.record),
            self.line or 0,
            self.column or 0,
            self.code,
            self.message,
        )

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Finding:
        """The inverse of :meth:`to_dict` (a fix keeps its edits as positions only)."""
        return _finding_from_dict(d)

    def to_dict(self) -> dict[str, Any]:
        """The public JSON form (see docs/output.md); key order is part of the contract."""
        fix = None
        if self.fix is not None:
            fix = {
                "applicability": self.fix.applicability,
                "message": self.fix.title,
                "edits": [
                    {"start": list(s), "end": list(e), "text": t} for s, e, t in self.fix_edits
                ],
            }
        return {
            "path": self.path,
            "record": self.record,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "code": self.code,
            "name": self.name,
            "category": self.category,
            "severity": self.severity.value,
            "message": self.message,
            "fingerprint": self.fingerprint,
            "url": self.url,
            "fix": fix,
        }


_RULE_JSON: dict[tuple[str, str, str, Severity], str] = {}


def _qn(value: str | None) -> str:
    return "null" if value is None else _q(value)


def _int(value: int | None) -> str:
    return "null" if value is None else f"{value:d}"


#: the fields a pickled Finding stores as they are (see Finding.__reduce__)
_FINDING_FIELDS = (
    "path", "code", "name", "category", "message", "line", "column", "end_line", "end_column", "record",
    "fix_edits", "fingerprint", "url", "source_line", "record_index",
)
_SEVERITIES = {s.value: s for s in Severity}


def _finding_from_state(values: tuple[Any, ...], severity: str, fix: tuple[Any, ...] | None) -> Finding:
    fields = dict(zip(_FINDING_FIELDS, values))
    fields["severity"] = _SEVERITIES[severity]
    fields["fix"] = None if fix is None else Fix(fix[0], tuple(Edit(*e) for e in fix[1]), fix[2], fix[3])
    return Finding._of(fields)


def _finding_from_dict(d: Mapping[str, Any]) -> Finding:
    fix = None
    edits: tuple[Any, ...] = ()
    if d.get("fix"):
        fx = d["fix"]
        fix = Fix(fx.get("message", ""), (), safe=fx["applicability"] == "safe")
        edits = tuple((tuple(e["start"]), tuple(e["end"]), e["text"]) for e in fx["edits"])
    return Finding(
        path=d["path"],
        record=d["record"],
        code=d["code"],
        name=d["name"],
        category=d["category"],
        severity=Severity(d["severity"]),
        message=d["message"],
        line=d["line"],
        column=d["column"],
        end_line=d["end_line"],
        end_column=d["end_column"],
        fix=fix,
        fix_edits=edits,
        fingerprint=d["fingerprint"],
        url=d["url"],
    )


def _record_key(record: str | None) -> tuple[int, int, str]:
    if record is None:
        return (0, 0, "")
    if record.isdecimal():  # what int() reads: isdigit() is also true of '²', which int() refuses
        return (1, int(record), "")
    return (2, 0, record)


def fingerprint(path: str, code: str, span_text: str, record: str | None = None) -> str:
    """Stable id of a finding: path, record, code and the normalized flagged text.

    Whitespace is collapsed and case folded, so edits elsewhere in the document
    (or re-wrapping) do not change it.
    """
    # str.split() splits on exactly what re's \s matches (str.isspace): the same as
    # re.sub(r"\s+", " ", ...).strip(), at a fraction of the cost (a run may hold many findings)
    norm = " ".join(span_text.split()).casefold()
    # a lone surrogate (a JSON escape, a file name that did not decode) hashes as its bytes
    h = hashlib.sha1(f"{path}\0{record or ''}\0{code}\0{norm}".encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:16]


#: a lone surrogate: half of a UTF-16 pair whose other half was lost (`\ud800` in a record's JSON)
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def clip(s: str, n: int = 60) -> str:
    """``s`` cut to ``n`` characters, its last one an ellipsis when cut (for messages)."""
    return s if len(s) <= n else s[: n - 1] + "…"
