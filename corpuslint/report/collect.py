"""Build the corpus health summary from streamed lint results (issue #8).

The report is an aggregate, not a list of findings: counts per rule, category,
source and language, a few histograms, capped example lists. Everything here is
bounded except a handful of numbers per document (a few bytes each, in arrays),
so a million-document corpus gives a summary of a few hundred kilobytes.

Data flow, one way:

- in the workers, :class:`ReportEngine` adds a small per-document summary
  (metadata source, language, non-blank lines, lines covered by residue findings,
  optional repetition scores) to the document's corpus signatures, under
  :data:`SUMMARY_KEY`, which no rule uses; it reaches the parent with the
  :class:`~corpuslint.engine.FileResult` and is dropped there;
- in the parent, :class:`ReportBuilder` folds each FileResult, then the corpus
  findings, into counters; :meth:`ReportBuilder.finish` reads the few documents
  it shows (examples, worst documents, boilerplate lines) once more and returns
  the summary as plain JSON-able data, which the HTML renderer draws.
"""

from __future__ import annotations

import bisect
import hashlib
import heapq
import json
import os
import re
import time
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from corpuslint import __version__
from corpuslint.discover import Discovered
from corpuslint.engine import Engine, FileResult, rule_url
from corpuslint.model import Document, Finding

__all__ = ["SCHEMA_VERSION", "SUMMARY_KEY", "ReportBuilder", "ReportEngine", "ReportLimits", "build_report"]

#: version of the JSON summary; a change that removes or renames a key bumps it
SCHEMA_VERSION = 1
#: key of the per-document summary in ``FileResult.signatures`` (not a rule code: never finalized)
SUMMARY_KEY = "__report__"
#: weight of a finding, by severity, when ranking the worst documents
SEVERITY_WEIGHT = {"error": 5.0, "warning": 2.0, "info": 1.0}
#: Gopher repetition measures drawn as histograms, when DUP003's scores are available
REPETITION_METRICS = ("dup-line-frac", "dup-para-frac", "top-2gram-char-frac", "dup-5gram-char-frac")
HIST_BINS = 20
#: near-duplicate cluster size buckets (lower bounds)
CLUSTER_BUCKETS = (2, 3, 4, 5, 6, 11, 21, 51, 101)
_OTHER = "(other)"
_TOP_LEVEL = "(top level)"
_UNKNOWN = "und"

_RES101_MSG = re.compile(r"^(?:line|(\d+) lines) shared by (\d+) documents")
_JACCARD = re.compile(r"Jaccard similarity (\d+(?:\.\d+)?)")


@dataclass
class ReportLimits:
    """Caps that keep the report small whatever the corpus size."""

    examples_per_rule: int = 5
    worst_documents: int = 20
    findings_per_document: int = 12
    sources: int = 40
    languages: int = 30
    boilerplate_lines: int = 25
    clusters: int = 30
    cluster_members: int = 12
    comparison_examples: int = 25
    excerpt_chars: int = 240


# --------------------------------------------------------------------------- worker side
class ReportEngine(Engine):
    """An Engine whose documents also send a small summary to the parent.

    ``repetition``: compute the Gopher repetition scores of each document (the
    measures of DUP003, as costly as that rule); None computes them when DUP003
    is active.
    """

    def __init__(self, *args: Any, repetition: bool | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.repetition = _repetition_setup(self.ruleset.active, repetition)

    def lint_document(self, doc: Document, active: Any = None) -> tuple[list[Finding], dict[str, Any], bool]:
        findings, signatures, crashed = super().lint_document(doc, active)
        signatures[SUMMARY_KEY] = summarize(doc, findings, self.repetition)
        return findings, signatures, crashed


def _repetition_setup(active: Sequence[Any], wanted: bool | None) -> tuple[Any, int, dict[str, Any]] | None:
    if wanted is False:
        return None
    try:  # the scores live next to DUP003 (corpuslint/families/duplication.py)
        from corpuslint.families import duplication
    except ImportError:
        return None
    func = getattr(duplication, "repetition_scores", None)
    if func is None:
        return None
    dup003 = next((a for a in active if a.code == "DUP003"), None)
    if dup003 is None and not wanted:
        return None
    options = dict(dup003.options) if dup003 is not None else {}
    return func, int(options.get("min-words", 50)), options


def summarize(doc: Document, findings: Sequence[Finding], repetition: Any = None) -> tuple[Any, ...]:
    """What the parent needs of one document: a tuple of a few small values.

    (metadata source or None, language, non-blank lines, size in bytes,
    residue-covered lines as flattened [first, last] ranges, repetition scores or None)
    """
    unreadable = doc.binary or "read_error" in doc.metadata or "record_error" in doc.metadata
    lines = doc.lines if not unreadable else []
    nonblank = sum(1 for ln in lines if ln.strip())
    covered: set[int] = set()
    for f in findings:
        if f.category != "residue" or f.line is None:
            continue
        first, last = f.line, f.end_line or f.line
        if last > first and f.end_column == 1:  # the span ends at the start of the next line
            last -= 1
        covered.update(i for i in range(first, min(last, len(lines)) + 1) if lines[i - 1].strip())
    scores = None
    if repetition is not None and not unreadable:
        func, min_words, options = repetition
        values = func(doc.text, min_words, options)
        if values is not None:
            scores = tuple(round(float(values.get(m, 0.0)), 4) for m in REPETITION_METRICS)
    language = _UNKNOWN if unreadable or not doc.text.strip() else doc.language
    return (_metadata_source(doc.metadata), language, nonblank, len(doc.raw), _ranges(covered), scores)


def _metadata_source(metadata: Mapping[str, Any]) -> str | None:
    source = metadata.get("source")
    if isinstance(source, str) and source.strip():
        return source.strip()[:100]
    url = metadata.get("url")
    if isinstance(url, str) and url:
        try:
            host = urlsplit(url.strip()).hostname
        except ValueError:
            host = None
        if host:
            return host[4:] if host.startswith("www.") else host
    return None


def _ranges(lines: Iterable[int]) -> tuple[int, ...]:
    out: list[int] = []
    for n in sorted(lines):
        if out and out[-1] == n - 1:
            out[-1] = n
        else:
            out.extend((n, n))
    return tuple(out)


def _range_lines(ranges: Sequence[int]) -> set[int]:
    return {n for a, z in zip(ranges[::2], ranges[1::2]) for n in range(a, z + 1)}


# --------------------------------------------------------------------------- parent side
@dataclass
class _RuleStat:
    code: str
    name: str
    category: str
    url: str
    severity: str
    findings: int = 0
    documents: int = 0
    fixable: int = 0
    unsafe_fixable: int = 0
    by_source: Counter[int] = field(default_factory=Counter)
    by_language: Counter[int] = field(default_factory=Counter)
    examples: list[Finding] = field(default_factory=list)


@dataclass
class _FileEntry:
    path: Path
    base: int
    count: int
    #: a multi-record file (JSONL, Parquet...): its documents are addressed by record index
    records: bool = False
    #: record index -> document id, when the records are not numbered 0..count-1
    irregular: dict[int, int] | None = None


class _Interner:
    def __init__(self) -> None:
        self.names: list[str] = []
        self.ids: dict[str, int] = {}

    def __call__(self, name: str) -> int:
        i = self.ids.get(name)
        if i is None:
            i = self.ids[name] = len(self.names)
            self.names.append(name)
        return i


class ReportBuilder:
    """Folds lint results into the report summary, in bounded memory."""

    def __init__(
        self,
        session: Any,
        paths: Sequence[str],
        files: Sequence[Discovered] = (),
        limits: ReportLimits | None = None,
        baseline: Path | None = None,
        title: str | None = None,
    ) -> None:
        self.session = session
        self.paths = [os.path.normpath(p) for p in paths]
        self.limits = limits or ReportLimits()
        self.title = title
        self.disk = {f.display: f.path for f in files}
        self.files = 0
        self.documents = 0
        self.bytes = 0
        self.missing: list[str] = []
        self.internal_error = False
        # per document (index = document id)
        self._src = array("I")
        self._lang = array("I")
        self._lines = array("I")
        self._residue = array("I")
        self._score = array("d")
        self._cats = array("I")
        self._file_of_doc: list[tuple[int, str]] = []  # (base id, display path), in id order
        self._bases: list[int] = []
        self._files: dict[str, _FileEntry] = {}
        active_codes = {a.code for a in session.ruleset.active}
        self._keep_ranges = "RES101" in active_codes
        self._residue_ranges: dict[int, tuple[int, ...]] = {}
        self.sources = _Interner()
        self.languages = _Interner()
        self.docs_by_source: Counter[int] = Counter()
        self.bytes_by_source: Counter[int] = Counter()
        self.docs_by_language: Counter[int] = Counter()
        self.hit_by_source: Counter[int] = Counter()
        self.hit_by_language: Counter[int] = Counter()
        self.findings_by_source: Counter[int] = Counter()
        self.findings_by_language: Counter[int] = Counter()
        self.documents_hit = 0
        self.findings = 0
        self.fixable = 0
        self.rules: dict[str, _RuleStat] = {}
        self.category_bit: dict[str, int] = {}
        self.cat_documents: Counter[str] = Counter()
        self.cat_findings: Counter[str] = Counter()
        self.cat_fixable: Counter[str] = Counter()
        self.cat_by_source: Counter[tuple[int, str]] = Counter()
        self.cat_by_language: Counter[tuple[int, str]] = Counter()
        self.repetition: dict[str, list[int]] | None = None
        self.repetition_measured = 0
        self.clusters: dict[str, dict[str, Any]] = {}
        self.boilerplate: dict[tuple[int, int], dict[str, Any]] = {}
        self._late: list[Finding] = []
        self._known: Counter[str] | None = None
        self._baseline_entries: list[Mapping[str, Any]] = []
        self._baseline_path = baseline
        self.new_by_rule: Counter[str] = Counter()
        self.new_examples: list[Finding] = []
        if baseline is not None:
            self._load_baseline(baseline)
        self._active = {a.code: a for a in session.ruleset.active}

    # -- baseline --------------------------------------------------------------
    def _load_baseline(self, path: Path) -> None:
        from corpuslint.baseline import read_baseline

        self._known = read_baseline(path)  # validates and raises ConfigError with the file's name
        data = json.loads(path.read_text(encoding="utf-8"))
        self._baseline_entries = [e for e in data["findings"] if isinstance(e, dict)]

    # -- documents -----------------------------------------------------------------
    def _source_of(self, display: str, is_record: bool) -> str:
        """The top-level folder under the PATH argument; a multi-record file names itself."""
        best = ""
        for p in self.paths:
            under = p in (".", "") or display == p or display.startswith(p.rstrip("/") + "/")
            if under and (len(p) > len(best) or not best):
                best = p
        if display == best:  # a file named on the command line
            return os.path.basename(display)
        rel = display if best in (".", "") else display[len(best.rstrip("/")) + 1:]
        head, sep, _ = rel.partition("/")
        if sep:
            return head
        return rel if is_record else _TOP_LEVEL

    def _register(self, display: str, summaries: Sequence[tuple[Any, Any]]) -> dict[int | None, int]:
        """Give the file's documents ids; returns record index (None for a plain file) -> id."""
        summaries = sorted(summaries, key=lambda s: -1 if s[0].index is None else s[0].index)
        base = len(self._src)
        ids: dict[int | None, int] = {}
        regular = True
        for n, (ref, summary) in enumerate(summaries):
            doc_id = base + n
            ids[ref.index] = doc_id
            if ref.index is not None and ref.index != n:
                regular = False
            meta_source, language, nonblank, size, ranges, scores = summary
            source = meta_source or self._source_of(display, ref.record is not None)
            sid = self.sources(source)
            lid = self.languages(language or _UNKNOWN)
            self._src.append(sid)
            self._lang.append(lid)
            self._lines.append(nonblank)
            self._residue.append(len(_range_lines(ranges)) if ranges else 0)
            self._score.append(0.0)
            self._cats.append(0)
            if ranges and self._keep_ranges:
                self._residue_ranges[doc_id] = ranges
            self.docs_by_source[sid] += 1
            self.bytes_by_source[sid] += size
            self.docs_by_language[lid] += 1
            if scores is not None:
                self._add_scores(scores)
        if summaries:
            records = any(ref.record is not None for ref, _ in summaries)
            entry = _FileEntry(self.disk.get(display, Path(display)), base, len(summaries), records)
            if not regular:
                entry.irregular = {k: v for k, v in ids.items() if k is not None}
            self._files[display] = entry
            self._file_of_doc.append((base, display))
            self._bases.append(base)
        return ids

    def _add_scores(self, scores: Sequence[float]) -> None:
        if self.repetition is None:
            self.repetition = {m: [0] * HIST_BINS for m in REPETITION_METRICS}
        self.repetition_measured += 1
        for metric, value in zip(REPETITION_METRICS, scores):
            self.repetition[metric][min(HIST_BINS - 1, max(0, int(value * HIST_BINS)))] += 1

    def _doc_id(self, path: str, index: int | None) -> int | None:
        entry = self._files.get(path)
        if entry is None:
            return None
        if not entry.records:
            return entry.base if index is None else None
        if index is None:
            return None
        if entry.irregular is not None:
            return entry.irregular.get(index)
        return entry.base + index if 0 <= index < entry.count else None

    def _doc_location(self, doc_id: int) -> tuple[str, int | None]:
        """(display path, record index or None) of a document id."""
        k = bisect.bisect_right(self._bases, doc_id) - 1
        display = self._file_of_doc[k][1]
        entry = self._files[display]
        if not entry.records:
            return display, None
        if entry.irregular is not None:
            return display, next(index for index, i in entry.irregular.items() if i == doc_id)
        return display, doc_id - entry.base

    # -- streaming input -----------------------------------------------------------
    def add_file(self, res: FileResult) -> FileResult:
        """Fold one file's results; returns them without the summaries (for the corpus pass)."""
        self.files += 1
        self.documents += res.documents
        self.bytes += res.bytes
        self.internal_error |= res.internal_error
        summaries = res.signatures.get(SUMMARY_KEY, [])
        ids = self._register(res.display, summaries)
        for (path, index, _), group in groupby(res.findings, key=lambda f: (f.path, f.record_index, f.record)):
            doc_id = ids.get(index) if path == res.display else self._doc_id(path, index)
            self._add_document_findings(doc_id, list(group))
        rest = {k: v for k, v in res.signatures.items() if k != SUMMARY_KEY}
        return FileResult(res.display, signatures=rest)

    def add_corpus(self, findings: Sequence[Finding]) -> None:
        """Fold the corpus-phase findings (and unreadable paths), sorted by ``sort_key``."""
        self._late = list(findings)
        for (path, index, _), group in groupby(self._late, key=lambda f: (f.path, f.record_index, f.record)):
            self._add_document_findings(self._doc_id(path, index), list(group))

    def _rule(self, f: Finding) -> _RuleStat:
        st = self.rules.get(f.code)
        if st is None:
            ar = self._active.get(f.code)
            severity = ar.severity.value if ar is not None else f.severity.value
            st = self.rules[f.code] = _RuleStat(f.code, f.name, f.category, f.url or rule_url(f.code, f.name), severity)
        return st

    def _add_document_findings(self, doc_id: int | None, findings: list[Finding]) -> None:
        codes: set[str] = set()
        cats: set[str] = set()
        weight = 0.0
        sid = self._src[doc_id] if doc_id is not None else None
        lid = self._lang[doc_id] if doc_id is not None else None
        for f in findings:
            st = self._rule(f)
            st.findings += 1
            self.findings += 1
            self.cat_findings[f.category] += 1
            if sid is not None:
                self.findings_by_source[sid] += 1
                self.findings_by_language[lid] += 1  # type: ignore[index]
            if f.fix is not None:
                if f.fix.safe:
                    st.fixable += 1
                    self.fixable += 1
                    self.cat_fixable[f.category] += 1
                else:
                    st.unsafe_fixable += 1
            weight += SEVERITY_WEIGHT.get(f.severity.value, 1.0)
            if f.code not in codes:
                codes.add(f.code)
                st.documents += 1
                if sid is not None:
                    st.by_source[sid] += 1
                    st.by_language[lid] += 1  # type: ignore[index]
                if len(st.examples) < self.limits.examples_per_rule:
                    st.examples.append(f)
            cats.add(f.category)
            if f.category == "internal" and f.code == "CL001":
                self.internal_error = True
            if f.code == "RES101":
                self._boilerplate(doc_id, f)
            elif f.code in ("DUP101", "DUP102"):
                self._cluster(f)
            if self._known is not None:
                self._match_baseline(f)
        if doc_id is None:
            for c in cats:
                self.cat_documents[c] += 1
            return
        self._score[doc_id] += weight
        mask = self._cats[doc_id]
        if not mask:
            self.documents_hit += 1
            self.hit_by_source[sid] += 1  # type: ignore[index]
            self.hit_by_language[lid] += 1  # type: ignore[index]
        for c in cats:
            bit = self.category_bit.setdefault(c, 1 << min(len(self.category_bit), 31))
            if not mask & bit:
                mask |= bit
                self.cat_documents[c] += 1
                self.cat_by_source[(sid, c)] += 1  # type: ignore[index]
                self.cat_by_language[(lid, c)] += 1  # type: ignore[index]
        self._cats[doc_id] = mask

    def _boilerplate(self, doc_id: int | None, f: Finding) -> None:
        m = _RES101_MSG.match(f.message)
        if m is None or f.line is None:
            return
        nlines = int(m.group(1) or 1)
        shared = int(m.group(2))
        entry = self.boilerplate.setdefault((shared, nlines), {"findings": 0, "examples": []})
        entry["findings"] += 1
        if len(entry["examples"]) < 3:
            entry["examples"].append((f.path, f.record_index, f.line, f.end_line or f.line))
        if len(self.boilerplate) > 4 * self.limits.boilerplate_lines:  # keep the most shared ones
            for key in sorted(self.boilerplate)[: len(self.boilerplate) - 2 * self.limits.boilerplate_lines]:
                del self.boilerplate[key]
        if doc_id is not None:  # corpus-wide boilerplate is residue: add its lines to the document's share
            lines = set(range(f.line, (f.end_line or f.line) + 1))
            known = self._residue_ranges.get(doc_id)
            if known:
                lines |= _range_lines(known)
                self._residue[doc_id] = min(len(lines), self._lines[doc_id])
            else:
                self._residue[doc_id] = min(self._residue[doc_id] + len(lines), self._lines[doc_id])
            self._residue_ranges[doc_id] = _ranges(lines)

    def _cluster(self, f: Finding) -> None:
        msg = f.message
        if msg.startswith("same text as "):
            first, kind = msg[len("same text as "):], "duplicate"
        elif msg.startswith("near-duplicate of "):
            first, kind = msg[len("near-duplicate of "):], "near-duplicate"
            first = first.split(" (Jaccard", 1)[0].split(" through ", 1)[0]
        else:
            return
        c = self.clusters.setdefault(first, {"kind": kind, "size": 1, "members": []})
        if kind == "near-duplicate":
            c["kind"] = kind
        c["size"] += 1
        if len(c["members"]) < self.limits.cluster_members:
            sim = _JACCARD.search(msg)
            c["members"].append({
                "document": f.path if f.record is None else f"{f.path}:#{f.record}",
                "code": f.code,
                "similarity": float(sim.group(1)) if sim else 1.0,
            })

    def _match_baseline(self, f: Finding) -> None:
        assert self._known is not None
        if self._known[f.fingerprint] > 0:
            self._known[f.fingerprint] -= 1
            return
        self.new_by_rule[f.code] += 1
        if len(self.new_examples) < self.limits.comparison_examples:
            self.new_examples.append(f)

    # -- the end -------------------------------------------------------------------
    def finish(self, engine: Engine, compare: Mapping[str, Any] | list[Any] | None = None,
               compare_name: str | None = None) -> dict[str, Any]:
        """The summary: plain data, ready for ``json.dumps`` and the HTML renderer."""
        lim = self.limits
        n_docs = len(self._src) or self.documents
        worst_ids = self._worst_ids()
        wanted: dict[str, set[int | None]] = {}
        for st in self.rules.values():
            for f in st.examples:
                wanted.setdefault(f.path, set()).add(f.record_index)
        for doc_id in worst_ids:
            path, index = self._doc_location(doc_id)
            wanted.setdefault(path, set()).add(index)
        top_boiler = sorted(self.boilerplate.items(), key=lambda kv: (-kv[0][0], -kv[0][1]))[: 2 * lim.boilerplate_lines]
        for _, entry in top_boiler:
            for path, index, _, _ in entry["examples"]:
                wanted.setdefault(path, set()).add(index)
        docs = self._load(engine, wanted)

        rules: list[_RuleStat] = []
        for ar in self.session.ruleset.active:
            r = ar.rule
            rules.append(self.rules.get(ar.code) or _RuleStat(
                r.code, r.name, r.category, getattr(r, "url", None) or rule_url(r.code, r.name), ar.severity.value))
        rules.extend(st for code, st in self.rules.items() if code not in self._active)
        rules.sort(key=lambda st: (-st.documents, -st.findings, st.code))

        top_sources = [sid for sid, _ in sorted(self.docs_by_source.items(), key=lambda kv: (-kv[1], self.sources.names[kv[0]]))]
        top_langs = [lid for lid, _ in sorted(self.docs_by_language.items(), key=lambda kv: (-kv[1], self.languages.names[kv[0]]))]
        categories = sorted(set(self.cat_documents) | {st.category for st in rules}, key=_category_order)

        summary: dict[str, Any] = {
            "version": SCHEMA_VERSION,
            "tool": "corpuslint",
            "corpuslint_version": __version__,
            "title": self.title or "Corpus health report",
            "generated": _now(),
            "paths": self.paths,
            "config": str(self.session.settings.source) if self.session.settings.source else None,
            "totals": {
                "files": self.files,
                "documents": n_docs,
                "bytes": self.bytes,
                "megabytes": round(self.bytes / 1e6, 3),
                "findings": self.findings,
                "fixable": self.fixable,
                "documents_with_findings": self.documents_hit,
                "rate_per_1k": _rate(self.documents_hit, n_docs),
                "sources": len(self.docs_by_source),
                "languages": {self.languages.names[lid]: self.docs_by_language[lid] for lid in top_langs[: lim.languages]},
                "missing": self.missing,
                "internal_error": self.internal_error,
            },
            "categories": [
                {"category": c, "documents": self.cat_documents[c], "rate_per_1k": _rate(self.cat_documents[c], n_docs),
                 "findings": self.cat_findings[c], "fixable": self.cat_fixable[c]}
                for c in categories
            ],
            "rules": [self._rule_row(st, n_docs) for st in rules],
            "by_source": self._breakdown(top_sources, lim.sources, self.sources, self.docs_by_source, self.hit_by_source,
                                         self.findings_by_source, self.cat_by_source, categories, "by_source",
                                         self.bytes_by_source),
            "by_language": self._breakdown(top_langs, lim.languages, self.languages, self.docs_by_language,
                                           self.hit_by_language, self.findings_by_language, self.cat_by_language,
                                           categories, "by_language", None),
            "distributions": {
                "residue_line_share": self._residue_hist(),
                "repetition": self._repetition_hist(),
                "cluster_sizes": self._cluster_hist(),
            },
            "boilerplate": self._boilerplate_rows(top_boiler, docs),
            "clusters": self._cluster_rows(),
            "worst_documents": self._worst_rows(engine, worst_ids, docs),
            "examples": {
                st.code: [self._example(f, docs) for f in st.examples] for st in rules if st.examples
            },
            "comparison": None,
        }
        if self._known is not None:
            summary["comparison"] = self._baseline_comparison(docs)
        elif compare is not None:
            from corpuslint.report.compare import compare_summaries

            summary["comparison"] = compare_summaries(compare, summary, compare_name)
        return summary

    def _rule_row(self, st: _RuleStat, n_docs: int) -> dict[str, Any]:
        return {
            "code": st.code, "name": st.name, "category": st.category, "severity": st.severity,
            "findings": st.findings, "documents": st.documents, "fixable": st.fixable,
            "unsafe_fixable": st.unsafe_fixable, "rate_per_1k": _rate(st.documents, n_docs), "url": st.url,
        }

    def _breakdown(self, order: list[int], cap: int, names: _Interner, docs: Counter[int], hit: Counter[int],
                   findings: Counter[int], cats: Counter[tuple[int, str]], categories: list[str], attr: str,
                   sizes: Counter[int] | None) -> list[dict[str, Any]]:
        groups: list[tuple[str, list[int]]] = [(names.names[i], [i]) for i in order[:cap]]
        if len(order) > cap:
            groups.append((f"{_OTHER} {len(order) - cap} more", order[cap:]))
        rows = []
        for label, ids in groups:
            n = sum(docs[i] for i in ids)
            row: dict[str, Any] = {
                "name": label,
                "documents": n,
                "megabytes": round(sum(sizes[i] for i in ids) / 1e6, 3) if sizes is not None else None,
                "documents_with_findings": sum(hit[i] for i in ids),
                "rate_per_1k": _rate(sum(hit[i] for i in ids), n),
                "findings": sum(findings[i] for i in ids),
                "categories": {c: {"documents": sum(cats[(i, c)] for i in ids),
                                   "rate_per_1k": _rate(sum(cats[(i, c)] for i in ids), n)} for c in categories},
                "rules": {},
            }
            for st in sorted(self.rules.values(), key=lambda s: s.code):
                counter = st.by_source if attr == "by_source" else st.by_language
                hits = sum(counter[i] for i in ids)
                if hits:
                    row["rules"][st.code] = {"documents": hits, "rate_per_1k": _rate(hits, n)}
            rows.append(row)
        return rows

    def _residue_hist(self) -> dict[str, Any] | None:
        counts = [0] * 10
        zero = measured = 0
        for lines, covered in zip(self._lines, self._residue):
            if not lines:
                continue
            measured += 1
            if not covered:
                zero += 1
                continue
            share = min(1.0, covered / lines)
            counts[min(9, int(share * 10))] += 1
        return {"bins": [i / 10 for i in range(11)], "counts": counts, "documents": measured, "zero": zero}

    def _repetition_hist(self) -> dict[str, Any] | None:
        if self.repetition is None:
            return None
        ar = self._active.get("DUP003")
        thresholds = {m: ar.options.get(m) for m in REPETITION_METRICS} if ar is not None else {}
        return {
            "bins": [i / HIST_BINS for i in range(HIST_BINS + 1)],
            "documents": self.repetition_measured,
            "metrics": {m: {"counts": c, "threshold": thresholds.get(m)} for m, c in self.repetition.items()},
        }

    def _cluster_hist(self) -> dict[str, Any] | None:
        if not self.clusters:
            return None
        counts = [0] * len(CLUSTER_BUCKETS)
        for c in self.clusters.values():
            k = max(i for i, lo in enumerate(CLUSTER_BUCKETS) if c["size"] >= lo)
            counts[k] += 1
        last = max(i for i, n in enumerate(counts) if n)
        counts = counts[: max(last + 1, 4)]
        labels = []
        for i, lo in enumerate(CLUSTER_BUCKETS[: len(counts)]):
            hi = CLUSTER_BUCKETS[i + 1] - 1 if i + 1 < len(CLUSTER_BUCKETS) else None
            labels.append(str(lo) if hi == lo else (f"{lo}-{hi}" if hi else f"{lo}+"))
        return {"labels": labels, "counts": counts, "clusters": len(self.clusters),
                "documents": sum(c["size"] for c in self.clusters.values())}

    def _cluster_rows(self) -> list[dict[str, Any]]:
        top = sorted(self.clusters.items(), key=lambda kv: (-kv[1]["size"], kv[0]))[: self.limits.clusters]
        return [{"first": first, "kind": c["kind"], "size": c["size"], "members": c["members"]} for first, c in top]

    def _boilerplate_rows(self, top: list[tuple[tuple[int, int], dict[str, Any]]],
                          docs: Mapping[tuple[str, int | None], Document]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        seen: set[str] = set()
        for (shared, nlines), entry in top:
            for path, index, first, last in entry["examples"]:
                doc = docs.get((path, index))
                if doc is None:
                    continue
                text = "\n".join(ln.strip() for ln in doc.lines[first - 1 : last])
                key = " ".join(text.split()).casefold()
                if key in seen:
                    continue
                seen.add(key)
                rows.append({"text": _cap(text, self.limits.excerpt_chars), "documents": shared, "lines": nlines,
                             "example": path if doc.record is None else f"{path}:#{doc.record}"})
            if len(rows) >= self.limits.boilerplate_lines:
                break
        return rows[: self.limits.boilerplate_lines]

    def _worst_ids(self) -> list[int]:
        n = self.limits.worst_documents
        score = self._score
        best = heapq.nlargest(n, range(len(score)), key=lambda i: (score[i], -i))
        return [i for i in best if score[i] > 0]

    def _worst_rows(self, engine: Engine, ids: list[int],
                    docs: Mapping[tuple[str, int | None], Document]) -> list[dict[str, Any]]:
        late: dict[tuple[str, int | None], list[Finding]] = {}
        locations = {i: self._doc_location(i) for i in ids}
        wanted = set(locations.values())
        for f in self._late:
            key = (f.path, f.record_index)
            if key in wanted:
                late.setdefault(key, []).append(f)
        rows = []
        for doc_id in ids:
            loc = locations[doc_id]
            doc = docs.get(loc)
            findings: list[Finding] = []
            if doc is not None:
                findings, _, _ = engine.lint_document(doc)
            findings = sorted([*findings, *late.get(loc, [])], key=lambda f: f.sort_key)
            counts = Counter(f.severity.value for f in findings)
            per_rule = Counter(f.code for f in findings)
            path, _ = loc
            rows.append({
                "document": path if doc is None or doc.record is None else f"{path}:#{doc.record}",
                "source": self.sources.names[self._src[doc_id]],
                "language": self.languages.names[self._lang[doc_id]],
                "score": round(self._score[doc_id], 1),
                "lines": self._lines[doc_id],
                "residue_share": round(self._residue[doc_id] / self._lines[doc_id], 3) if self._lines[doc_id] else 0.0,
                "severities": dict(sorted(counts.items())),
                "rules": dict(sorted(per_rule.items(), key=lambda kv: (-kv[1], kv[0]))),
                "findings_total": len(findings),
                "findings": [self._example(f, docs, doc) for f in _diverse(findings, self.limits.findings_per_document)],
            })
        return rows

    def _example(self, f: Finding, docs: Mapping[tuple[str, int | None], Document],
                 doc: Document | None = None) -> dict[str, Any]:
        doc = doc if doc is not None else docs.get((f.path, f.record_index))
        return {
            "document": f.path if f.record is None else f"{f.path}:#{f.record}",
            "code": f.code, "name": f.name, "severity": f.severity.value, "message": f.message,
            "line": f.line, "column": f.column, "url": f.url,
            "fixable": f.fix is not None and f.fix.safe,
            "excerpt": excerpt(doc, f, self.limits.excerpt_chars) if doc is not None else None,
        }

    def _baseline_comparison(self, docs: Mapping[tuple[str, int | None], Document]) -> dict[str, Any]:
        assert self._known is not None
        left = self._known
        fixed_by_rule: Counter[str] = Counter()
        fixed_examples: list[dict[str, Any]] = []
        for e in self._baseline_entries:
            fp = str(e.get("fingerprint"))
            if left[fp] > 0:
                left[fp] -= 1
                fixed_by_rule[str(e.get("code"))] += 1
                if len(fixed_examples) < self.limits.comparison_examples:
                    record = e.get("record")
                    fixed_examples.append({
                        "document": e.get("path") if record is None else f"{e.get('path')}:#{record}",
                        "code": e.get("code"), "line": e.get("line"),
                    })
        codes = sorted(set(self.new_by_rule) | set(fixed_by_rule))
        names = {st.code: st.name for st in self.rules.values()}
        names.update({a.code: a.rule.name for a in self.session.ruleset.active})
        return {
            "against": "baseline",
            "file": str(self._baseline_path),
            "baseline_findings": len(self._baseline_entries),
            "new": sum(self.new_by_rule.values()),
            "fixed": sum(fixed_by_rule.values()),
            "rules": [{"code": c, "name": names.get(c, ""), "new": self.new_by_rule[c], "fixed": fixed_by_rule[c]}
                      for c in codes],
            "new_examples": [self._example(f, docs) for f in self.new_examples],
            "fixed_examples": fixed_examples,
        }

    # -- reading documents again -------------------------------------------------
    def _load(self, engine: Engine, wanted: Mapping[str, set[int | None]]) -> dict[tuple[str, int | None], Document]:
        """The wanted documents, by (display path, record index): one read per file, stopping early."""
        out: dict[tuple[str, int | None], Document] = {}
        for path in sorted(wanted):
            disk = self.disk.get(path)
            if disk is None:
                continue
            group = set(wanted[path])
            try:
                for doc in engine.read(Discovered(disk, path)):
                    index = doc.metadata.get("_index") if doc.record is not None else None
                    if index in group:
                        out[(path, index)] = doc
                        group.discard(index)
                        if not group:
                            break
            except Exception:  # noqa: BLE001 - the file changed or vanished since the lint: no excerpt
                continue
        return out


def _diverse(findings: Sequence[Finding], n: int, per_rule: int = 3) -> list[Finding]:
    """At most ``n`` findings, at most ``per_rule`` of each rule first (one rule must not hide the others)."""
    seen: Counter[str] = Counter()
    first: list[Finding] = []
    rest: list[Finding] = []
    for f in findings:
        seen[f.code] += 1
        (first if seen[f.code] <= per_rule else rest).append(f)
    picked = set(map(id, (first + rest)[:n]))
    return [f for f in findings if id(f) in picked]


def _category_order(c: str) -> tuple[int, str]:
    from corpuslint.model import CATEGORIES

    return (CATEGORIES.index(c) if c in CATEGORIES else len(CATEGORIES), c)


def _rate(n: int, total: int) -> float:
    return round(1000.0 * n / total, 2) if total else 0.0


def _now() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    t = int(epoch) if epoch and epoch.isdigit() else int(time.time())
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(t))


def _cap(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def excerpt(doc: Document, f: Finding, limit: int = 240) -> dict[str, Any]:
    """The flagged span of a finding with a little context: ``before``, ``match``, ``after``.

    A document-level finding shows the start of the document (``match`` empty).
    A span over several lines keeps its first lines (``truncated`` says so).
    """
    text = doc.text
    if f.line is None or not text:
        head = text[:limit]
        return {"before": head.rstrip("\n") + ("…" if len(text) > limit else ""), "match": "", "after": "",
                "line": None, "truncated": len(text) > limit}
    starts = doc.line_starts
    lines = doc.lines
    line = min(max(f.line, 1), len(starts))
    start = starts[line - 1] + max((f.column or 1) - 1, 0)
    end_line = min(max(f.end_line or line, line), len(starts))
    if f.end_line is not None and f.end_column is not None:
        end = starts[end_line - 1] + f.end_column - 1
    else:  # no end given: the rest of the line
        end = starts[end_line - 1] + len(lines[end_line - 1])
    start, end = min(start, len(text)), min(max(end, start), len(text))
    line_start = starts[line - 1]
    last_end = starts[end_line - 1] + len(lines[end_line - 1])
    context = max(40, limit // 3)
    before = text[max(line_start, start - context):start]
    if start - context > line_start:
        before = "…" + before
    match = text[start:end]
    truncated = False
    match_lines = match.split("\n")
    if len(match_lines) > 5:
        match = "\n".join(match_lines[:4])
        truncated = True
    if len(match) > limit:
        match = match[:limit]
        truncated = True
    after = text[end:min(last_end, end + context)] if not truncated else ""
    if not truncated and end + context < last_end:
        after += "…"
    return {"before": before, "match": match, "after": after, "line": line, "truncated": truncated}


# --------------------------------------------------------------------------- the run
def build_report(
    session: Any,
    paths: Sequence[str],
    *,
    jobs: int = 1,
    use_cache: bool = True,
    limits: ReportLimits | None = None,
    baseline: Path | None = None,
    compare: Mapping[str, Any] | list[Any] | None = None,
    compare_name: str | None = None,
    repetition: bool | None = None,
    title: str | None = None,
    progress: bool | None = False,
) -> dict[str, Any]:
    """Lint ``paths`` with the session's rules and return the report summary.

    Findings are streamed file by file (``Engine.iter_results``) and folded into
    counters; only corpus signatures (as in a normal run) and a few numbers per
    document stay in memory. ``progress``: a progress line on stderr (None: when
    stderr is a terminal).
    """
    files, missing = session.discover(paths)
    meter = None
    if progress is not False:  # None: on a terminal only, as for `corpuslint`
        from corpuslint.progress import Progress

        meter = Progress(sum(_size(f.path) for f in files), enabled=progress)
    cache = None
    if use_cache:
        from corpuslint.cache import Cache

        # a namespace of its own: report entries carry the per-document summaries
        salt = f"{session.config_hash()}:report:{repetition}"
        cache = Cache(session.settings.root, hashlib.sha256(salt.encode()).hexdigest())
    engine = ReportEngine(session.settings, session.manager, session.ruleset, cache=cache, repetition=repetition)
    builder = ReportBuilder(session, paths, files, limits=limits, baseline=baseline, title=title)
    signatures: list[FileResult] = []
    for res in engine.iter_results(files, jobs):
        rest = builder.add_file(res)
        if rest.signatures:
            signatures.append(rest)
        if meter is not None:
            meter.update(_size(builder.disk.get(res.display)), res.documents, res.bytes)
    if meter is not None:
        meter.close()
    late = engine.finalize_corpus(signatures)
    del signatures
    late.extend(engine._unreadable(m.display, m.reason) for m in missing)
    builder.missing = [m.display for m in missing]
    builder.add_corpus(sorted(late, key=lambda f: f.sort_key))
    return builder.finish(engine, compare, compare_name)


def _size(path: Path | None) -> int:
    try:
        return path.stat().st_size if path is not None else 0
    except OSError:
        return 0
