"""The lint: files -> documents -> findings (document pass, in workers) -> corpus pass (parent).

Per-document work runs in worker processes (``jobs``); corpus rules send back
small signatures and are finalized once in the parent. Output order is
deterministic whatever the number of jobs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from corpuslint.cache import Cache, file_digest
from corpuslint.config import Settings
from corpuslint.discover import Discovered
from corpuslint.fixes import apply_fixes, unified_diff, write_atomic
from corpuslint.model import Document, Finding, Severity, Violation, fingerprint
from corpuslint.plugins import PluginManager
from corpuslint.registry import ActiveRule, RuleSet
from corpuslint.rule import CorpusRule, CorpusViolation, DocRef, RuleContext

__all__ = ["DOCS_URL", "Engine", "FileResult", "FixOutcome", "RunResult"]

DOCS_URL = "https://github.com/corpuslint/corpuslint/blob/main/docs/rules.md"
#: a fixed document is re-linted at most this many times (fixes can unlock other fixes)
MAX_FIX_PASSES = 8


def rule_url(code: str, name: str) -> str:
    return f"{DOCS_URL}#{code.lower()}-{name}"


@dataclass
class FileResult:
    display: str
    findings: list[Finding] = field(default_factory=list)
    #: rule code -> [(DocRef, signature)]
    signatures: dict[str, list[tuple[DocRef, Any]]] = field(default_factory=dict)
    documents: int = 0
    bytes: int = 0
    fixed: int = 0
    diff: str = ""
    internal_error: bool = False


@dataclass
class FixOutcome:
    """The document after fixes (the same object when nothing changed) and its findings."""

    document: Document
    findings: list[Finding]
    applied: int = 0
    crashed: bool = False


@dataclass
class RunResult:
    findings: list[Finding]
    files: int
    documents: int
    bytes: int
    fixed: int
    diffs: list[str]
    internal_error: bool


class Engine:
    """Runs the active rules of a :class:`RuleSet` over files."""

    def __init__(
        self,
        settings: Settings,
        manager: PluginManager,
        ruleset: RuleSet,
        *,
        fix: bool = False,
        unsafe_fixes: bool = False,
        diff: bool = False,
        cache: Cache | None = None,
    ) -> None:
        self.settings = settings
        # fixes change files: never serve them from the cache
        self.cache = None if (fix or diff) else cache
        self.manager = manager
        self.ruleset = ruleset
        self.fix = fix or diff
        self.write = fix and not diff
        self.diff = diff
        self.unsafe_fixes = unsafe_fixes
        hook = manager.hook
        self._readers = list(reversed(hook.corpuslint_read.get_hookimpls()))
        self._annotators = list(reversed(hook.corpuslint_annotate.get_hookimpls()))
        self._paths: dict[str, Path] = {}

    # -- one document --------------------------------------------------------
    def lint_document(
        self, doc: Document, active: Sequence[ActiveRule] | None = None
    ) -> tuple[list[Finding], dict[str, Any], bool]:
        """Findings and corpus signatures of one document; the bool says a plugin crashed."""
        active = self.ruleset.for_path(doc.path) if active is None else active
        findings: list[Finding] = []
        signatures: dict[str, Any] = {}
        crashed = False
        for impl in self._annotators:
            try:
                impl.function(document=doc)
            except Exception as e:  # noqa: BLE001 - a plugin bug must not stop the run
                findings.append(self._internal(doc, f"plugin '{impl.plugin_name}' crashed in corpuslint_annotate", e))
                crashed = True
        unreadable = doc.binary or "read_error" in doc.metadata or "record_error" in doc.metadata
        for ar in active:
            r = ar.rule
            if unreadable and not r.sees_binary:
                continue
            ctx = RuleContext(doc, ar.options, ar.vocabulary)
            try:
                if isinstance(r, CorpusRule):
                    signatures[r.code] = r.collect(doc, ctx)
                    continue
                for v, base in self._run_rule(r, doc, ctx):
                    findings.append(self._finding(doc, ar, v, base))
            except Exception as e:  # noqa: BLE001
                findings.append(self._internal(doc, f"rule {r.code} (plugin '{r.plugin}') crashed", e))
                crashed = True
        return findings, signatures, crashed

    @staticmethod
    def _run_rule(r: Any, doc: Document, ctx: RuleContext) -> Iterator[tuple[Violation, int]]:
        unit = r.unit
        if unit == "document":
            for v in r.check(doc, ctx) or ():
                yield v, 0
        elif unit == "paragraph":
            for para in doc.paragraphs:
                for v in r.check(para, ctx) or ():
                    yield v, para.start
        elif unit == "line":
            starts = doc.line_starts
            for i, line in enumerate(doc.lines):
                for v in r.check((i + 1, line), ctx) or ():
                    yield v, starts[i]

    def _finding(self, doc: Document, ar: ActiveRule, v: Violation, base: int) -> Finding:
        r = ar.rule
        severity = v.severity or ar.severity
        line = col = end_line = end_col = None
        span_text = ""
        fix_edits: tuple[Any, ...] = ()
        fix = v.fix
        if v.start is not None:
            start = base + v.start
            end = base + (v.end if v.end is not None else v.start)
            line, col = doc.position(start)
            end_line, end_col = doc.position(end)
            span_text = doc.text[start:end] or doc.lines[line - 1]
        if fix is not None:
            if base:
                fix = replace(fix, edits=tuple(replace(e, start=e.start + base, end=e.end + base) for e in fix.edits))
            fix_edits = tuple((doc.position(e.start), doc.position(e.end), e.content) for e in fix.edits)
        return Finding(
            path=doc.path,
            record=doc.record,
            code=r.code,
            name=r.name,
            category=r.category,
            severity=severity,
            message=v.message,
            line=line,
            column=col,
            end_line=end_line,
            end_column=end_col,
            fix=fix,
            fix_edits=fix_edits,
            fingerprint=fingerprint(doc.path, r.code, span_text, doc.record),
            url=getattr(r, "url", None) or rule_url(r.code, r.name),
            source_line=doc.metadata.get("_line") if doc.record is not None else None,
            record_index=doc.metadata.get("_index") if doc.record is not None else None,
        )

    def _internal(self, doc_or_path: Document | str, what: str, exc: BaseException) -> Finding:
        path = doc_or_path if isinstance(doc_or_path, str) else doc_or_path.path
        record = None if isinstance(doc_or_path, str) else doc_or_path.record
        message = f"{what}: {type(exc).__name__}: {exc}"
        return Finding(
            path=path,
            record=record,
            record_index=None if isinstance(doc_or_path, str) else doc_or_path.metadata.get("_index"),
            code="CL001",
            name="internal-error",
            category="internal",
            severity=Severity.ERROR,
            message=message,
            fingerprint=fingerprint(path, "CL001", what, record),
            url=rule_url("CL001", "internal-error"),
        )

    def _unreadable(self, display: str, reason: str) -> Finding:
        return Finding(
            path=display,
            code="CL002",
            name="unreadable-file",
            category="internal",
            severity=Severity.ERROR,
            message=reason,
            fingerprint=fingerprint(display, "CL002", ""),
            url=rule_url("CL002", "unreadable-file"),
        )

    # -- one file --------------------------------------------------------------
    def read(self, item: Discovered) -> Iterator[Document]:
        for impl in self._readers:
            docs = impl.function(path=item.path, display_path=item.display, settings=self.settings)
            if docs is not None:
                yield from docs
                return

    def process_file(self, item: Discovered) -> FileResult:
        key = None
        if self.cache is not None:
            try:
                key = self.cache.key(item.display, file_digest(item.path))
            except OSError:
                key = None  # unreadable: let the reader report it
            else:
                hit = self.cache.get(key)
                if isinstance(hit, FileResult):
                    return hit
        res = self._process_file(item)
        if key is not None and not res.internal_error:
            self.cache.put(key, res)  # type: ignore[union-attr]
        return res

    def _process_file(self, item: Discovered) -> FileResult:
        res = FileResult(item.display)
        active = self.ruleset.for_path(item.display)
        record_texts: dict[int, str] = {}
        try:
            for doc in self.read(item):
                res.documents += 1
                res.bytes += len(doc.raw)
                findings, sigs, crashed = self.lint_document(doc, active)
                if self.fix and findings:
                    findings, crashed2 = self._fix_document(item, doc, findings, active, res, record_texts)
                    crashed = crashed or crashed2
                res.findings.extend(findings)
                res.internal_error |= crashed
                ref = DocRef(doc.path, doc.record, doc.metadata.get("_index") if doc.record is not None else None)
                for code, sig in sigs.items():
                    res.signatures.setdefault(code, []).append((ref, sig))
            if record_texts and self.write:
                self._write_records(item, record_texts)
        except OSError as e:
            res.findings.append(self._unreadable(item.display, f"cannot read: {e.strerror or e}"))
        except Exception as e:  # noqa: BLE001 - a reader bug must not stop the run
            res.findings.append(self._internal(item.display, "reading the file crashed", e))
            res.internal_error = True
        return res

    def fix_document(
        self, doc: Document, findings: list[Finding], active: Sequence[ActiveRule] | None = None
    ) -> FixOutcome:
        """Apply fixes until none applies (at most MAX_FIX_PASSES passes), re-linting each time.

        Documents that did not decode losslessly are never changed.
        """
        active = self.ruleset.for_path(doc.path) if active is None else active
        out = FixOutcome(doc, findings)
        if doc.binary or doc.decode_errors or "read_error" in doc.metadata or "record_error" in doc.metadata:
            return out
        text = doc.text
        encoding = doc.encoding or "utf-8"
        for _ in range(MAX_FIX_PASSES):
            fixes = [f.fix for f in out.findings if f.fix and (f.fix.safe or self.unsafe_fixes)]
            if not fixes:
                break
            new_text, n, enc = apply_fixes(text, fixes)
            if new_text == text and not (enc and enc != encoding):
                break
            try:
                raw = new_text.encode(enc or encoding)
            except UnicodeEncodeError:
                break  # the fix does not fit the file's charset: keep what we have
            text, encoding = new_text, enc or encoding
            out.applied += n
            out.document = Document(
                path=doc.path, raw=raw, text=text, encoding=encoding, confidence=1.0, record=doc.record,
                metadata=doc.metadata, default_language=doc.default_language,
            )
            out.findings, _, crashed = self.lint_document(out.document, active)
            out.crashed |= crashed
        return out

    def _fix_document(
        self,
        item: Discovered,
        doc: Document,
        findings: list[Finding],
        active: Sequence[ActiveRule],
        res: FileResult,
        record_texts: dict[int, str],
    ) -> tuple[list[Finding], bool]:
        out = self.fix_document(doc, findings, active)
        if out.document is doc:
            return out.findings, out.crashed
        res.fixed += out.applied
        if self.diff:
            name = item.display if doc.record is None else f"{item.display}:#{doc.record}"
            res.diff += unified_diff(name, doc.text, out.document.text)
        elif doc.record is not None:
            # records are written together once the whole file has been read
            record_texts[int(doc.metadata.get("_index", -1))] = out.document.text
        elif self.write and out.document.raw != doc.raw:
            write_atomic(item.path, out.document.raw)
        return out.findings, out.crashed

    def _write_records(self, item: Discovered, texts: dict[int, str]) -> None:
        written = self.manager.hook.corpuslint_write_records(path=item.path, texts=texts, settings=self.settings)
        if not written:
            raise OSError(f"no plugin can write the records of {item.display}; nothing was changed")

    # -- the run -------------------------------------------------------------------
    def run(self, files: Sequence[Discovered], jobs: int = 1) -> RunResult:
        self._paths = {f.display: f.path for f in files}
        results: list[FileResult]
        if jobs > 1 and len(files) > 1 and _can_fork():
            results = self._run_parallel(files, jobs)
        else:
            results = [self.process_file(f) for f in files]
        findings = [f for r in results for f in r.findings]
        findings.extend(self.finalize_corpus(results))
        findings.sort(key=lambda f: f.sort_key)
        return RunResult(
            findings=findings,
            files=len(files),
            documents=sum(r.documents for r in results),
            bytes=sum(r.bytes for r in results),
            fixed=sum(r.fixed for r in results),
            diffs=[r.diff for r in results if r.diff],
            internal_error=any(r.internal_error for r in results),
        )

    def _run_parallel(self, files: Sequence[Discovered], jobs: int) -> list[FileResult]:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        global _WORKER_ENGINE
        _WORKER_ENGINE = self  # inherited by the forked workers
        chunks = _chunks(list(files), jobs)
        ctx = multiprocessing.get_context("fork")
        try:
            with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
                out: list[FileResult] = []
                for part in pool.map(_process_chunk, chunks):
                    out.extend(part)
                return out
        finally:
            _WORKER_ENGINE = None

    def load_documents(self, refs: Iterable[DocRef]) -> dict[DocRef, Document]:
        """Read the referenced documents again (one read per file), for corpus rules."""
        wanted: dict[str, set[DocRef]] = {}
        for ref in refs:
            wanted.setdefault(ref.path, set()).add(ref)
        out: dict[DocRef, Document] = {}
        for path, group in wanted.items():
            disk = self._paths.get(path)
            if disk is None:
                continue
            try:
                for doc in self.read(Discovered(disk, path)):
                    ref = DocRef(doc.path, doc.record, doc.metadata.get("_index") if doc.record is not None else None)
                    if ref in group:
                        out[ref] = doc
                        if len(out) == len(group):
                            break
            except OSError:
                continue
        return out

    def finalize_corpus(self, results: Iterable[FileResult]) -> list[Finding]:
        findings: list[Finding] = []
        merged: dict[str, list[tuple[DocRef, Any]]] = {}
        for res in results:
            for code, sigs in res.signatures.items():
                merged.setdefault(code, []).extend(sigs)
        for ar in self.ruleset.active:
            r = ar.rule
            if not isinstance(r, CorpusRule) or ar.code not in merged:
                continue
            sigs = sorted(merged[ar.code], key=lambda s: (s[0].path, -1 if s[0].index is None else s[0].index, s[0].record or ""))
            r.load_documents = self.load_documents
            try:
                for cv in r.finalize(sigs, ar.options):
                    findings.append(self._corpus_finding(ar, cv))
            except Exception as e:  # noqa: BLE001
                findings.append(self._internal("<corpus>", f"corpus rule {r.code} (plugin '{r.plugin}') crashed", e))
        return findings

    def _corpus_finding(self, ar: ActiveRule, cv: CorpusViolation) -> Finding:
        r = ar.rule
        return Finding(
            path=cv.ref.path,
            record=cv.ref.record,
            record_index=cv.ref.index,
            code=r.code,
            name=r.name,
            category=r.category,
            severity=cv.severity or ar.severity,
            message=cv.message,
            line=cv.line,
            column=cv.column,
            end_line=cv.end_line,
            end_column=cv.end_column,
            fingerprint=fingerprint(cv.ref.path, r.code, cv.span_digest, cv.ref.record),
            url=getattr(r, "url", None) or rule_url(r.code, r.name),
        )


_WORKER_ENGINE: Engine | None = None


def _process_chunk(chunk: list[Discovered]) -> list[FileResult]:
    engine = _WORKER_ENGINE
    assert engine is not None
    return [engine.process_file(f) for f in chunk]


def _chunks(files: list[Discovered], jobs: int) -> list[list[Discovered]]:
    # several chunks per worker so a slow file does not leave a core idle
    n = max(1, min(64, len(files) // (jobs * 4) or 1))
    return [files[i : i + n] for i in range(0, len(files), n)]


def _can_fork() -> bool:
    return sys.platform != "win32" and hasattr(os, "fork")
