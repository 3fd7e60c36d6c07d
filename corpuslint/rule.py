"""What a rule is: code, name, category, options, docs, and the function that checks.

Rules are registered by plugins through the ``corpuslint_rules`` hook. Write a
per-document rule with the :func:`rule` decorator; subclass :class:`CorpusRule`
for a rule that judges the corpus as a whole (two phases: collect, finalize).
"""

from __future__ import annotations

import bisect
import inspect
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, overload

from corpuslint.model import CATEGORIES, Document, Severity, Violation

__all__ = [
    "UNITS",
    "CorpusRule",
    "CorpusSignatures",
    "CorpusViolation",
    "DocRef",
    "Option",
    "Rule",
    "RuleContext",
    "rule",
]

#: What a rule's check function receives, one call per unit.
UNITS = ("document", "paragraph", "line", "corpus")

_CODE_RE = re.compile(r"^[A-Z]{2,4}[0-9]{3}$")
_NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
DOC_SECTIONS = ("What it does", "Why it matters", "Example", "Fix")


@dataclass(frozen=True)
class Option:
    """A typed rule option with a default, validated when the configuration is read."""

    name: str
    type: type | tuple[type, ...]
    default: Any
    help: str
    choices: tuple[Any, ...] | None = None
    min: float | None = None
    max: float | None = None

    def validate(self, value: Any) -> Any:
        """Return ``value`` if it fits, else raise ``ValueError`` saying why."""
        types = self.type if isinstance(self.type, tuple) else (self.type,)
        ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
        if not ok and float in types and isinstance(value, int) and not isinstance(value, bool):
            value, ok = float(value), True
        if not ok:
            want = " or ".join(t.__name__ for t in types)
            raise ValueError(f"expected {want}, got {type(value).__name__} {value!r}")
        if isinstance(value, list) and self.choices is not None:
            bad = [v for v in value if v not in self.choices]
            if bad:
                raise ValueError(f"{bad[0]!r} is not one of {list(self.choices)}")
        elif self.choices is not None and value not in self.choices:
            raise ValueError(f"{value!r} is not one of {list(self.choices)}")
        if self.min is not None and isinstance(value, (int, float)) and value < self.min:
            raise ValueError(f"{value!r} is below the minimum {self.min}")
        if self.max is not None and isinstance(value, (int, float)) and value > self.max:
            raise ValueError(f"{value!r} is above the maximum {self.max}")
        return value


@dataclass
class RuleContext:
    """What a check function may use besides its unit: the document, options and pack data."""

    document: Document
    options: Mapping[str, Any]
    #: the rule's compiled packs (whatever ``Rule.compile_packs`` returned), or None
    vocabulary: Any = None


@dataclass(frozen=True, slots=True)
class DocRef:
    """Identifies a document in the corpus phase, without its text."""

    path: str
    record: str | None = None
    #: position of the record in its file (0-based), None for a plain file
    index: int | None = None
    #: where the record starts in its (decompressed) file, when the reader said so: lets
    #: ``load_documents`` go straight to it. Not part of the document's identity.
    offset: int | None = field(default=None, compare=False, repr=False)
    #: the record's line in its (decompressed) file, when the reader said so: where a GitHub
    #: annotation of a corpus-level finding points. Not part of the document's identity.
    line: int | None = field(default=None, compare=False, repr=False)


class CorpusSignatures(Sequence[tuple[DocRef, Any]]):
    """What ``CorpusRule.finalize`` receives: one rule's (DocRef, signature) pairs, in document order.

    A read-only sequence built on demand from the engine's compact storage (columns per
    rule, document references stored once for all rules: see docs/performance.md), so
    that a million documents do not cost a million tuples and DocRefs in the parent.
    Besides the sequence protocol: ``ref(k)`` and ``signature(k)`` read one half of an
    item, ``signatures()`` iterates over the signatures alone, and ``bytes_matrix(width)``
    gives fixed-width ``bytes`` signatures as one numpy array.
    """

    __slots__ = ("_bounds", "_parts")

    def __init__(self, parts: Sequence[tuple[Any, Any]]) -> None:
        #: (table, column) pairs: ``table.ref(row)`` and ``column.row(k)`` / ``column.value(k)``
        self._parts = list(parts)
        self._bounds: list[int] = []
        total = 0
        for _, column in self._parts:
            total += len(column)
            self._bounds.append(total)

    def __len__(self) -> int:
        return self._bounds[-1] if self._bounds else 0

    def _locate(self, k: int) -> tuple[Any, Any, int]:
        if k < 0:
            k += len(self)
        if not 0 <= k < len(self):
            raise IndexError(k)
        part = bisect.bisect_right(self._bounds, k)
        table, column = self._parts[part]
        return table, column, k - (self._bounds[part - 1] if part else 0)

    @overload
    def __getitem__(self, k: int) -> tuple[DocRef, Any]: ...

    @overload
    def __getitem__(self, k: slice) -> list[tuple[DocRef, Any]]: ...

    def __getitem__(self, k: int | slice) -> tuple[DocRef, Any] | list[tuple[DocRef, Any]]:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        table, column, local = self._locate(k)
        return table.ref(column.row(local)), column.value(local)

    def ref(self, k: int) -> DocRef:
        table, column, local = self._locate(k)
        return table.ref(column.row(local))  # type: ignore[no-any-return]

    def signature(self, k: int) -> Any:
        _, column, local = self._locate(k)
        return column.value(local)

    def __iter__(self) -> Iterator[tuple[DocRef, Any]]:
        for table, column in self._parts:
            for local in range(len(column)):
                yield table.ref(column.row(local)), column.value(local)

    def signatures(self) -> Iterator[Any]:
        """The signatures alone, in order (no DocRef is built)."""
        for _, column in self._parts:
            yield from column.values()

    def bytes_matrix(self, width: int) -> tuple[Any, Any]:
        """(n x ``width`` uint8 numpy array, boolean array): the signatures that are ``bytes``
        of that width, and which ones are (the other rows are zeros).

        Without a copy when the engine stored them packed in one block (the common case).
        """
        import numpy as np

        blocks, masks = [], []
        for _, column in self._parts:
            block, mask = column.bytes_matrix(width)
            blocks.append(block)
            masks.append(mask)
        if len(blocks) == 1:
            return blocks[0], masks[0]
        if not blocks:
            return np.zeros((0, width), dtype=np.uint8), np.zeros(0, dtype=bool)
        return np.concatenate(blocks), np.concatenate(masks)


@dataclass(frozen=True)
class CorpusViolation:
    """A corpus rule's verdict on one document; positions are 1-based lines/columns."""

    ref: DocRef
    message: str
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    span_digest: str = ""
    severity: Severity | None = None


class Rule:
    """A check with a stable code. Subclass it, or use the :func:`rule` decorator."""

    code: str = ""
    name: str = ""
    category: str = ""
    severity: Severity = Severity.WARNING
    unit: str = "document"
    options: tuple[Option, ...] = ()
    enabled_by_default: bool = True
    #: True when the rule also looks at binary or undecodable documents
    sees_binary: bool = False
    #: True when some of its findings carry a fix (safe or unsafe)
    fixable: bool = False
    #: keys (and their types) a TOML pack extending this rule may hold; None: takes no packs
    pack_schema: ClassVar[Mapping[str, type | tuple[type, ...]] | None] = None
    #: packs with ``extends = <pack_group>`` go to every rule of the group (e.g. "dates")
    pack_group: ClassVar[str | None] = None
    #: set by the plugin manager: the plugin that registered the rule
    plugin: str = ""
    doc: str = ""

    @property
    def summary(self) -> str:
        """First line of the docs."""
        for line in self.doc.strip().splitlines():
            if line.strip():
                return line.strip()
        return ""

    def defaults(self) -> dict[str, Any]:
        return {o.name: o.default for o in self.options}

    def compile_packs(self, packs: Sequence[Any]) -> Any:
        """Turn the packs extending this rule into whatever ``check`` needs; runs once per run."""
        return None

    def check(self, unit: Any, ctx: RuleContext) -> Iterable[Violation]:
        """Yield violations for one unit (a Document, Paragraph, or (lineno, line) pair)."""
        raise NotImplementedError

    def validate(self) -> None:
        """Raise ``ValueError`` if the rule's declaration is malformed."""
        if not _CODE_RE.match(self.code):
            raise ValueError(f"rule code {self.code!r} must be 2-4 capitals and 3 digits")
        if not _NAME_RE.match(self.name):
            raise ValueError(f"rule {self.code}: name {self.name!r} must be kebab-case")
        if self.category not in CATEGORIES:
            raise ValueError(f"rule {self.code}: category {self.category!r} not in {CATEGORIES}")
        if self.unit not in UNITS:
            raise ValueError(f"rule {self.code}: unit {self.unit!r} not in {UNITS}")

    def __repr__(self) -> str:
        return f"<Rule {self.code} {self.name}>"


class FunctionRule(Rule):
    """A rule whose check is a plain function; made by :func:`rule`."""

    def __init__(self, func: Callable[..., Iterable[Violation]], **attrs: Any) -> None:
        self.func = func
        for k, v in attrs.items():
            setattr(self, k, v)
        self.doc = inspect.cleandoc(func.__doc__ or "")

    def check(self, unit: Any, ctx: RuleContext) -> Iterable[Violation]:
        return self.func(unit, ctx)

    def __call__(self, unit: Any, ctx: RuleContext) -> Iterable[Violation]:
        return self.func(unit, ctx)


def rule(
    code: str,
    name: str,
    *,
    category: str,
    severity: str | Severity = Severity.WARNING,
    unit: str = "document",
    options: Sequence[Option] = (),
    enabled_by_default: bool = True,
    sees_binary: bool = False,
    fixable: bool = False,
) -> Callable[[Callable[..., Iterable[Violation]]], FunctionRule]:
    """Declare a per-document rule from a check function.

    The function receives the unit (a ``Document``; a ``Paragraph``; or a
    ``(lineno, line)`` pair for ``unit="line"``) and a :class:`RuleContext`, and
    yields :class:`~corpuslint.model.Violation` objects. Offsets in a violation are
    relative to the unit (the document text, the paragraph text, or the line).
    Its docstring is the rule's documentation.
    """

    def wrap(func: Callable[..., Iterable[Violation]]) -> FunctionRule:
        r = FunctionRule(
            func,
            code=code,
            name=name,
            category=category,
            severity=Severity.parse(severity) if isinstance(severity, str) else severity,
            unit=unit,
            options=tuple(options),
            enabled_by_default=enabled_by_default,
            sees_binary=sees_binary,
            fixable=fixable,
        )
        r.validate()
        return r

    return wrap


class CorpusRule(Rule):
    """A rule over the whole corpus, in two phases that can run in different processes.

    ``collect`` runs next to the document (in a worker) and returns a small,
    picklable signature (hashes and integers, never the text); ``finalize`` runs
    once over all signatures and yields :class:`CorpusViolation`. With ``--jobs`` above
    one, ``finalize`` may run in a forked copy of the parent (the corpus rules split
    over two processes): what it sets on the rule object stays there; it must only
    yield (picklable) violations.
    """

    unit = "corpus"
    #: set by the engine before ``finalize``: reads documents again by reference, one
    #: pass per file, for rules that must confirm candidates on the text itself
    #: (e.g. the exact Jaccard of a near-duplicate pair). Use it for few documents.
    load_documents: Callable[[Iterable[DocRef]], dict[DocRef, Document]] | None = None

    def collect(self, doc: Document, ctx: RuleContext) -> Any:
        raise NotImplementedError

    def finalize(
        self, signatures: Sequence[tuple[DocRef, Any]], options: Mapping[str, Any]
    ) -> Iterator[CorpusViolation]:
        """Judge the corpus. The default runs the keyed phases below in this process."""
        if not self.keyed:
            raise NotImplementedError(f"{self.code}: implement finalize, or the keyed phases")
        groups: dict[Any, list[tuple[DocRef, Any]]] = {}
        for ref, sig in signatures:
            for key, value in self.shuffle_keys(ref, sig) or ():
                groups.setdefault(key, []).append((ref, value))
        opts = {**options, "_documents": len(signatures)}
        partials: list[Any] = []
        for key in sorted(groups, key=repr):
            partials.extend(self.reduce_group(key, groups[key], opts))
        yield from self.finalize_partials(partials, opts)

    # -- keyed phases (optional): what lets a distributed engine shuffle instead of gather --
    #: True when the rule implements shuffle_keys / reduce_group / finalize_partials; the
    #: local engine then runs them in one process, the Ray engine as a distributed group-by,
    #: with the same result.
    keyed: ClassVar[bool] = False

    def shuffle_keys(self, ref: DocRef, signature: Any) -> Iterable[tuple[Any, Any]]:
        """(key, value) pairs of one document's signature: the group-by keys (hashes)."""
        raise NotImplementedError

    def reduce_group(self, key: Any, items: list[tuple[DocRef, Any]], options: Mapping[str, Any]) -> Iterable[Any]:
        """One key's group (sorted by document) -> small partial results (e.g. candidate pairs).

        ``options["_documents"]`` holds the number of documents in the corpus.
        """
        raise NotImplementedError

    def finalize_partials(self, partials: list[Any], options: Mapping[str, Any]) -> Iterator[CorpusViolation]:
        """All partial results, in one process -> the violations."""
        raise NotImplementedError


def doc_sections(doc: str) -> dict[str, str]:
    """Split a rule doc into its ``## Section`` parts (What it does, Why it matters, ...)."""
    sections: dict[str, str] = {}
    current = None
    buf: list[str] = []
    for line in doc.splitlines():
        m = re.match(r"^\s*##\s+(.*?)\s*$", line)
        if m:
            if current:
                sections[current] = "\n".join(buf).strip()
            current, buf = m.group(1), []
        elif current:
            buf.append(line)
    if current:
        sections[current] = "\n".join(buf).strip()
    return sections

