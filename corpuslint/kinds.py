"""Data-driven rule kinds: rules whose knowledge lives in TOML packs.

``phrases``: whole lines, line prefixes and regex patterns, with exceptions.
Built-in residue rules are instances of it; a user pack with ``kind = "phrases"``
and its own ``code``/``name``/``category`` defines a new rule of the same kind.
"""

from __future__ import annotations

import inspect
import unicodedata
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import regex

from corpuslint.model import Document, Edit, Fix, Severity, Violation
from corpuslint.packs import Pack, PackError
from corpuslint.rule import Option, Rule, RuleContext

__all__ = ["KINDS", "PhraseMatch", "PhraseRule", "normalize_line", "normalized_lines", "rule_from_pack"]

_STRIP = " \t\u00a0\u202f\u2009\u200b•·*-–—>|:.…!?,;›»«‹()[]{}\"'“”„"
_SPACES = regex.compile(r"\s+")


def _first_word(s: str) -> str:
    return s.split(" ", 1)[0]


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def normalize_line(line: str) -> str:
    """Casefolded line without surrounding punctuation and with single spaces; ``’`` -> ``'``."""
    s = line.strip(_STRIP)
    if not s:
        return ""
    s = unicodedata.normalize("NFC", s).replace("’", "'").replace("ʼ", "'").casefold()
    return _SPACES.sub(" ", s)


@dataclass(frozen=True)
class _Entry:
    phrase: str
    message: str | None
    safe: bool
    language: str


@dataclass(frozen=True)
class PhraseMatch:
    """One match of a phrase rule: character offsets, the matched text, and whether it is the whole line."""

    start: int
    end: int
    matched: str
    entry: _Entry
    whole_line: bool


# per-document caches, shared by the rules that run on the same document (a run lints
# one document with every rule before the next): normalized lines and each rule's matches
_NORMALIZED: weakref.WeakKeyDictionary[Document, list[str]] = weakref.WeakKeyDictionary()
_MATCHES: weakref.WeakKeyDictionary[Document, dict[int, tuple[int, list[PhraseMatch]]]] = weakref.WeakKeyDictionary()


def normalized_lines(doc: Document) -> list[str]:
    """``normalize_line`` of every line of ``doc``, computed once per document."""
    norms = _NORMALIZED.get(doc)
    if norms is None:
        norms = _NORMALIZED[doc] = [normalize_line(ln) if ln else "" for ln in doc.lines]
    return norms


@dataclass
class PhraseVocabulary:
    exact: dict[str, _Entry]
    prefix_index: dict[str, list[str]]  # first word -> prefixes starting with it, longest first
    prefix_entries: dict[str, _Entry]
    pattern_re: Any  # regex over the whole text (MULTILINE), or None
    pattern_entries: list[tuple[Any, _Entry]]
    exception_re: Any


class PhraseRule(Rule):
    """A rule matching lines against phrase lists and patterns from packs."""

    unit = "document"
    fixable = True
    pack_schema: ClassVar = {
        "lines": list,
        "prefixes": list,
        "patterns": list,
        "exceptions": list,
        "safe-lines": list,
    }
    default_message = "{match}"
    #: the vocabulary compiled for the current run (set by ``compile_packs``)
    compiled: PhraseVocabulary | None = None

    def __init__(self, **attrs: Any) -> None:
        for k, v in attrs.items():
            setattr(self, k, v)
        if not self.doc:
            self.doc = inspect.cleandoc(type(self).__doc__ or "")
        self.options = (
            Option("max-length", int, 120, "Longest line (characters) compared with whole-line phrases and prefixes.", min=1),
            *self.options,
        )

    def compile_packs(self, packs: Sequence[Pack]) -> PhraseVocabulary:
        exact: dict[str, _Entry] = {}
        prefixes: dict[str, _Entry] = {}
        patterns: list[tuple[str, _Entry]] = []
        exceptions: list[str] = []
        for pack in packs:
            msg = pack.meta.get("message")
            safe = {normalize_line(s) for s in pack.get("safe-lines", [])}
            for phrase in [*pack.get("lines", []), *pack.get("safe-lines", [])]:
                n = normalize_line(str(phrase))
                if n:
                    exact[n] = _Entry(str(phrase), msg, n in safe, pack.language)
            for phrase in pack.get("prefixes", []):
                n = normalize_line(str(phrase))
                if n:
                    prefixes[n] = _Entry(str(phrase), msg, False, pack.language)
            for i, pat in enumerate(pack.get("patterns", [])):
                try:
                    regex.compile(str(pat))
                except regex.error as e:
                    raise PackError(f"{pack.path}: key 'patterns' item {i + 1}: bad regex {pat!r}: {e}") from None
                patterns.append((str(pat), _Entry(str(pat), msg, False, pack.language)))
            for i, pat in enumerate(pack.get("exceptions", [])):
                try:
                    regex.compile(str(pat))
                except regex.error as e:
                    raise PackError(f"{pack.path}: key 'exceptions' item {i + 1}: bad regex {pat!r}: {e}") from None
                exceptions.append(str(pat))
        # prefixes indexed by their first word: one dict lookup per line instead of a
        # regex of hundreds of alternatives (issue #5: residue checks must stay cheap)
        prefix_index: dict[str, list[str]] = {}
        for p in sorted(prefixes, key=len, reverse=True):
            prefix_index.setdefault(_first_word(p), []).append(p)
        pattern_re = None
        singles: list[Any] = []
        if patterns:
            flags = regex.MULTILINE | regex.IGNORECASE
            # one pass over the text finds candidates; the single patterns say which matched
            pattern_re = regex.compile("|".join(f"(?:{p})" for p, _ in patterns), flags)
            singles = [regex.compile(p, flags) for p, _ in patterns]
        exception_re = regex.compile("|".join(f"(?:{p})" for p in exceptions), regex.IGNORECASE) if exceptions else None
        vocab = PhraseVocabulary(
            exact, prefix_index, prefixes, pattern_re, list(zip(singles, [e for _, e in patterns])), exception_re
        )
        self.compiled = vocab
        return vocab

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        for m in self.matches(doc, ctx.vocabulary, ctx.options["max-length"]):
            yield self._violation(doc, m.start, m.end, m.matched, m.entry, whole_line=m.whole_line)

    def matches(self, doc: Document, vocab: PhraseVocabulary | None = None, max_len: int | None = None) -> list[PhraseMatch]:
        """The rule's matches in ``doc``, computed once per document and shared with other rules.

        Without ``vocab``, the vocabulary this rule compiled for the run is used (none if
        the rule is not active); without ``max_len``, the last value used on this
        document or the option's default.
        """
        vocab = vocab if vocab is not None else self.compiled
        if vocab is None:
            return []
        per_doc = _MATCHES.setdefault(doc, {})
        cached = per_doc.get(id(self))
        if cached is not None and (max_len is None or cached[0] == max_len):
            return cached[1]
        if max_len is None:
            max_len = next(o.default for o in self.options if o.name == "max-length")
        out = self._find(doc, vocab, max_len)
        per_doc[id(self)] = (max_len, out)
        return out

    def whole_lines(self, doc: Document) -> list[int]:
        """0-based indexes of the lines this rule matches as a whole (for the residue scorer)."""
        return [doc.position(m.start)[0] - 1 for m in self.matches(doc) if m.whole_line]

    def _find(self, doc: Document, vocab: PhraseVocabulary, max_len: int) -> list[PhraseMatch]:
        out: list[PhraseMatch] = []
        starts = doc.line_starts
        flagged: set[int] = set()
        exc = vocab.exception_re
        if vocab.exact or vocab.prefix_index:
            norms = normalized_lines(doc)
            for i, line in enumerate(doc.lines):
                if not line or len(line) > max_len:
                    continue
                n = norms[i]
                if not n:
                    continue
                entry = vocab.exact.get(n)
                if entry is None and vocab.prefix_index:
                    for p in vocab.prefix_index.get(_first_word(n), ()):
                        if n.startswith(p) and (len(n) == len(p) or not _is_word_char(n[len(p)])):
                            entry = vocab.prefix_entries[p]
                            break
                if entry is None or (exc is not None and exc.search(line)):
                    continue
                flagged.add(i)
                start = starts[i]
                out.append(PhraseMatch(start, start + len(line), line.strip(), entry, True))
        if vocab.pattern_re is not None:
            for m in vocab.pattern_re.finditer(doc.text):
                if m.end() == m.start():
                    continue
                line_idx = doc.position(m.start())[0] - 1
                if line_idx in flagged:
                    continue
                line = doc.lines[line_idx]
                if exc is not None and exc.search(line):
                    continue
                entry = _entry_of(m, vocab.pattern_entries, doc.text)
                line_start = starts[line_idx]
                end = min(m.end(), line_start + len(line))
                whole = m.start() <= line_start + (len(line) - len(line.lstrip())) and end >= line_start + len(line.rstrip())
                out.append(PhraseMatch(m.start(), end, m.group(0).strip(), entry, whole))
        out.sort(key=lambda m: m.start)
        return out

    def _violation(self, doc: Document, start: int, end: int, matched: str, entry: _Entry, whole_line: bool) -> Violation:
        template = entry.message or self.default_message
        message = template.replace("{match}", _short(matched))
        if whole_line:
            # delete the whole line with its line break
            lineno = doc.position(start)[0]
            line_start, line_end = doc.line_span(lineno)
            if lineno < len(doc.line_starts):
                line_end = doc.line_starts[lineno]
            fix = Fix("Delete the line", (Edit(line_start, line_end, ""),), safe=entry.safe)
        else:
            fix = Fix(f"Delete '{_short(matched)}'", (Edit(start, end, ""),), safe=False)
        return Violation(message, start, end, fix)


def _entry_of(m: Any, entries: list[tuple[Any, _Entry]], text: str) -> _Entry:
    for single, entry in entries:
        m2 = single.match(text, m.start())
        if m2 is not None and m2.end() == m.end():
            return entry
    return entries[0][1]


def _short(s: str, n: int = 60) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


KINDS: dict[str, type[PhraseRule]] = {"phrases": PhraseRule}


def rule_from_pack(pack: Pack) -> Rule:
    """A new rule defined by a pack with ``kind``, ``code``, ``name`` and ``category``."""
    kind = KINDS.get(pack.kind or "")
    if kind is None:
        raise PackError(f"{pack.path}: key 'kind': unknown kind '{pack.kind}' (known: {', '.join(KINDS)})")
    missing = [k for k in ("code", "name", "category") if k not in pack.meta]
    if missing:
        raise PackError(f"{pack.path}: a pack with 'kind' must set {', '.join(repr(m) for m in missing)}")
    from corpuslint.packs import validate_pack

    validate_pack(pack, kind.pack_schema, f"kind '{pack.kind}'")
    try:
        severity = Severity.parse(pack.meta.get("severity", "warning"))
    except ValueError as e:
        raise PackError(f"{pack.path}: key 'severity': {e}") from None
    doc = pack.meta.get("doc") or (
        f"{pack.meta.get('description', pack.meta['name'])}\n\n## What it does\nFlags lines matching the phrases "
        f"and patterns of `{pack.path.name}`.\n\n## Why it matters\n{pack.meta.get('description', 'Defined by a rule pack.')}"
        f"\n\n## Example\nSee `{pack.path.name}`.\n\n## Fix\nDelete or rewrite the flagged text."
    )
    r = kind(
        code=pack.meta["code"],
        name=pack.meta["name"],
        category=pack.meta["category"],
        severity=severity,
        enabled_by_default=pack.meta.get("enabled", True),
        doc=doc,
    )
    if pack.meta.get("message"):
        r.default_message = pack.meta["message"]
    try:
        r.validate()
    except ValueError as e:
        raise PackError(f"{pack.path}: {e}") from None
    return r
