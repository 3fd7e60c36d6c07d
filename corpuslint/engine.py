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
        shard: tuple[int, int] | None = None,
    ) -> None:
        self.settings = settings
        # fixes change files, and a shard sees only part of a file: no cache then
        self.shard = shard
        self.cache = None if (fix or diff or shard) else cache
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
                impl.function(**{k: v for k, v in (("document", doc), ("ruleset", self.ruleset)) if k in impl.argnames})
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

    def in_shard(self, ordinal: int, doc: Document) -> bool:
        """Whether this run's shard (``--shard I/N``) lints ``doc`` of the ``ordinal``-th file."""
        if self.shard is None:
            return True
        i, n = self.shard
        index = doc.metadata.get("_index", 0) if doc.record is not None else 0
        return (ordinal + int(index or 0)) % n == i

    def process_file(self, item: Discovered, ordinal: int = 0) -> FileResult:
        """Read, lint (and fix) one file in this process, using the cache when it has one."""
        state = self._open_file(item)
        if state.result is None:
            try:
                for doc in self.read(item):
                    if not self.in_shard(ordinal, doc):
                        continue
                    state.expected += 1
                    state.add(self._lint_one(doc, state.active))
            except Exception as e:  # noqa: BLE001 - OSError and reader bugs alike become findings
                state.read_error(e, self)
        state.read_done = True
        return self._finish_file(state)

    def _open_file(self, item: Discovered) -> _FileState:
        state = _FileState(item, self.ruleset.for_path(item.display))
        if self.cache is not None:
            try:
                state.key = self.cache.key(item.display, file_digest(item.path))
            except OSError:
                state.key = None  # unreadable: let the reader report it
            else:
                hit = self.cache.get(state.key)
                if isinstance(hit, FileResult):
                    state.result = hit
        return state

    def _lint_one(self, doc: Document, active: Sequence[ActiveRule]) -> _DocResult:
        """Lint one document, and fix it in fix mode: the unit of work of a worker."""
        findings, sigs, crashed = self.lint_document(doc, active)
        out = _DocResult(
            findings=findings,
            sigs=sigs,
            ref=DocRef(doc.path, doc.record, doc.metadata.get("_index") if doc.record is not None else None),
            crashed=crashed,
            size=len(doc.raw),
        )
        if self.fix and findings:
            fixed = self.fix_document(doc, findings, active)
            out.findings = fixed.findings
            out.crashed |= fixed.crashed
            if fixed.document is not doc:
                out.applied = fixed.applied
                if self.diff:
                    name = doc.path if doc.record is None else f"{doc.path}:#{doc.record}"
                    out.diff = unified_diff(name, doc.text, fixed.document.text)
                elif fixed.document.raw != doc.raw:
                    out.fixed_text = fixed.document.text
                    out.fixed_raw = fixed.document.raw
        return out

    def _finish_file(self, state: _FileState) -> FileResult:
        """Write the file's fixes (once every document is done) and fill the cache."""
        if state.result is not None:
            return state.result
        res = state.res
        if self.write and state.record_texts:
            try:
                self._write_records(state.item, state.record_texts)
            except Exception as e:  # noqa: BLE001
                res.findings.append(self._internal(state.item.display, "writing the fixed records failed", e))
                res.internal_error = True
        elif self.write and state.fixed_raw is not None:
            try:
                write_atomic(state.item.path, state.fixed_raw)
            except OSError as e:
                res.findings.append(self._unreadable(state.item.display, f"cannot write the fixes: {e.strerror or e}"))
        res.findings.sort(key=lambda f: f.sort_key)
        if state.key is not None and self.cache is not None and not res.internal_error:
            self.cache.put(state.key, res)
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

    def _write_records(self, item: Discovered, texts: dict[int, str]) -> None:
        written = self.manager.hook.corpuslint_write_records(path=item.path, texts=texts, settings=self.settings)
        if not written:
            raise OSError(f"no plugin can write the records of {item.display}; nothing was changed")

    # -- the run -------------------------------------------------------------------
    def run(self, files: Sequence[Discovered], jobs: int = 1) -> RunResult:
        """Lint everything and return all findings sorted (per-document, then corpus)."""
        results = list(self.iter_results(files, jobs))
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

    def iter_results(self, files: Sequence[Discovered], jobs: int = 1) -> Iterator[FileResult]:
        """One FileResult per file, in the order of ``files``, as soon as each is complete.

        With ``jobs > 1`` this process reads and decodes the files and forks ``jobs``
        workers that lint batches of documents (so one big JSONL file is shared by all
        workers); at most a few batches per worker are in flight, so memory does not
        grow with the corpus.
        """
        self._paths = {f.display: f.path for f in files}
        if jobs <= 1 or not _can_fork():
            for ordinal, f in enumerate(files):
                yield self.process_file(f, ordinal)
            return
        yield from self._pipeline(files, jobs)

    def _pipeline(self, files: Sequence[Discovered], jobs: int) -> Iterator[FileResult]:
        import multiprocessing
        from collections import deque
        from concurrent.futures import Future, ProcessPoolExecutor

        global _WORKER_ENGINE
        _WORKER_ENGINE = self  # inherited by the forked workers
        states: list[_FileState | None] = []
        inflight: deque[Future[list[tuple[int, _DocResult]]]] = deque()
        max_inflight = jobs * 4
        next_emit = 0
        batch: list[tuple[int, Document]] = []
        batch_bytes = 0

        def drain_one() -> None:
            for idx, r in inflight.popleft().result():
                st = states[idx]
                assert st is not None
                st.add(r)

        def ready() -> Iterator[FileResult]:
            nonlocal next_emit
            while next_emit < len(states):
                st = states[next_emit]
                assert st is not None
                if not st.complete:
                    return
                yield self._finish_file(st)
                states[next_emit] = None  # free its findings
                next_emit += 1

        ctx = multiprocessing.get_context("fork")
        try:
            with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:

                def submit() -> Iterator[FileResult]:
                    nonlocal batch, batch_bytes
                    if not batch:
                        return
                    while len(inflight) >= max_inflight:
                        drain_one()
                        yield from ready()
                    inflight.append(pool.submit(_lint_batch, batch))
                    batch, batch_bytes = [], 0

                for item in files:
                    idx = len(states)
                    state = self._open_file(item)
                    states.append(state)
                    if state.result is None:
                        try:
                            for doc in self.read(item):
                                if not self.in_shard(idx, doc):
                                    continue
                                state.expected += 1
                                batch.append((idx, doc))
                                batch_bytes += len(doc.raw) + len(doc.text)
                                if len(batch) >= _BATCH_DOCS or batch_bytes >= _BATCH_BYTES:
                                    yield from submit()
                        except Exception as e:  # noqa: BLE001
                            state.read_error(e, self)
                    state.read_done = True
                    yield from ready()
                yield from submit()
                while inflight:
                    drain_one()
                    yield from ready()
                yield from ready()
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


#: a batch sent to a worker holds at most this many documents or bytes of text
_BATCH_DOCS = 64
_BATCH_BYTES = 1 << 20


def _lint_batch(batch: list[tuple[int, Document]]) -> list[tuple[int, _DocResult]]:
    engine = _WORKER_ENGINE
    assert engine is not None
    out = []
    for idx, doc in batch:
        out.append((idx, engine._lint_one(doc, engine.ruleset.for_path(doc.path))))
    return out


@dataclass
class _DocResult:
    """What a worker sends back for one document (no text unless it was fixed)."""

    findings: list[Finding]
    sigs: dict[str, Any]
    ref: DocRef
    crashed: bool
    size: int
    applied: int = 0
    diff: str = ""
    fixed_text: str | None = None
    fixed_raw: bytes | None = None


class _FileState:
    """A file being linted: its documents' results as they arrive."""

    def __init__(self, item: Discovered, active: Sequence[ActiveRule]) -> None:
        self.item = item
        self.active = active
        self.res = FileResult(item.display)
        self.key: str | None = None
        self.result: FileResult | None = None  # a cache hit
        self.expected = 0
        self.received = 0
        self.read_done = False
        self.record_texts: dict[int, str] = {}
        self.fixed_raw: bytes | None = None

    @property
    def complete(self) -> bool:
        return self.result is not None or (self.read_done and self.received == self.expected)

    def add(self, r: _DocResult) -> None:
        res = self.res
        self.received += 1
        res.documents += 1
        res.bytes += r.size
        res.findings.extend(r.findings)
        res.internal_error |= r.crashed
        res.fixed += r.applied
        res.diff += r.diff
        for code, sig in r.sigs.items():
            res.signatures.setdefault(code, []).append((r.ref, sig))
        if r.fixed_text is not None:
            if r.ref.record is not None:
                # records are written together once the whole file has been read
                self.record_texts[int(r.ref.index if r.ref.index is not None else -1)] = r.fixed_text
            else:
                self.fixed_raw = r.fixed_raw

    def read_error(self, e: BaseException, engine: Engine) -> None:
        if isinstance(e, OSError):
            self.res.findings.append(engine._unreadable(self.item.display, f"cannot read: {e.strerror or e}"))
        else:
            self.res.findings.append(engine._internal(self.item.display, "reading the file crashed", e))
            self.res.internal_error = True
        self.record_texts.clear()  # never write a file that was not read to its end
        self.fixed_raw = None


def _can_fork() -> bool:
    return sys.platform != "win32" and hasattr(os, "fork")
