"""The lint: files -> documents -> findings (document pass, in workers) -> corpus pass (parent).

Per-document work runs in worker processes (``jobs``); corpus rules send back
small signatures and are finalized once in the parent. Output order is
deterministic whatever the number of jobs.
"""

from __future__ import annotations

import codecs
import os
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from corpuslint.cache import Cache, CacheMiss, file_digest
from corpuslint.config import Settings
from corpuslint.discover import Discovered
from corpuslint.fixes import apply_fixes, unified_diff, write_atomic
from corpuslint.model import Document, Finding, Fix, Severity, Violation, fingerprint
from corpuslint.plugins import PluginManager
from corpuslint.registry import ActiveRule, RuleSet
from corpuslint.rule import CorpusRule, CorpusSignatures, CorpusViolation, DocRef, FunctionRule, Rule, RuleContext

__all__ = ["DOCS_URL", "Engine", "FileResult", "FixOutcome", "RunResult", "SignatureStore", "SignatureTable"]

DOCS_URL = "https://github.com/corpuslint/corpuslint/blob/main/docs/rules.md"
#: a fixed document is re-linted at most this many times (fixes can unlock other fixes)
MAX_FIX_PASSES = 8
#: one rule in Engine._plan: (active rule, rule, context, mode, function to call, sees binary)
_Step = tuple[ActiveRule, Rule, RuleContext, int, Callable[..., Any], bool]


def rule_url(code: str, name: str) -> str:
    return f"{DOCS_URL}#{code.lower()}-{name}"


@dataclass
class FileResult:
    display: str
    findings: list[Finding] = field(default_factory=list)
    #: rule code -> [(DocRef, signature)]: a SignatureTable from the engine (compact), a
    #: plain dict of lists from other producers (the Ray runner, the pytest plugin's cache)
    signatures: Mapping[str, Sequence[tuple[DocRef, Any]]] = field(default_factory=dict)
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
        # what each annotator takes, worked out once: the hook runs once per document
        self._annotate_calls = [
            (impl.function, "document" in impl.argnames, "ruleset" in impl.argnames, impl.plugin_name)
            for impl in self._annotators
        ]
        # how lint_document runs each list of rules (see _plan), keyed by id() of the list
        self._plans: dict[int, tuple[Sequence[ActiveRule], list[_Step]]] = {}
        self._compiled = False  # every active rule's packs compiled (before the first document)
        self._paths: dict[str, Path] = {}
        #: cache keys of the files of the current run, for the corpus-phase cache entry
        self._run_keys: list[str] = []
        self._urls: dict[str, str] = {}
        self._jobs = 1  # of the current run: the corpus phase forks too with more than one

    # -- one document --------------------------------------------------------
    def lint_document(
        self, doc: Document, active: Sequence[ActiveRule] | None = None
    ) -> tuple[list[Finding], dict[str, Any], bool]:
        """Findings and corpus signatures of one document; the bool says a plugin crashed."""
        active = self.ruleset.for_path(doc.path) if active is None else active
        findings: list[Finding] = []
        signatures: dict[str, Any] = {}
        plan = self._plan(active)
        crashed = self._annotate(doc, findings)
        unreadable = doc.binary or "read_error" in doc.metadata or "record_error" in doc.metadata
        for ar, r, ctx, mode, call, sees_binary in plan:
            if unreadable and not sees_binary:
                continue
            ctx.document = doc
            try:
                if mode == _DOCUMENT:  # the common case, without a generator in between
                    for v in call(doc, ctx) or ():
                        findings.append(self._finding(doc, ar, v, 0))
                elif mode == _COLLECT:
                    signatures[r.code] = call(doc, ctx)
                else:
                    for v, base in self._run_rule(r, doc, ctx):
                        findings.append(self._finding(doc, ar, v, base))
            except Exception as e:  # noqa: BLE001
                findings.append(self._internal(doc, f"rule {r.code} (plugin '{r.plugin}') crashed", e))
                crashed = True
        return findings, signatures, crashed

    def _plan(self, active: Sequence[ActiveRule]) -> list[_Step]:
        """(active rule, rule, its context, how to run it, the function to call, whether it
        sees binary files) for each rule of ``active``, worked out once per list:
        lint_document runs per document, over some 45 rules.

        One RuleContext per rule, re-aimed at each document: a rule's check runs to completion
        before the next one starts, so nothing sees the context change under it.
        """
        known = self._plans.get(id(active))
        if known is not None and known[0] is active:
            return known[1]
        if not self._compiled:  # rules read each other's vocabularies: all of them, now
            for ar in self.ruleset.active:
                ar.vocabulary  # noqa: B018 - compiles the packs
            self._compiled = True
        plan = []
        for ar in active:
            r = ar.rule
            mode = _COLLECT if isinstance(r, CorpusRule) else _DOCUMENT if r.unit == "document" else _UNITS
            # a @rule function called as it is, not through FunctionRule.check (one call less)
            call = r.collect if mode == _COLLECT else r.func if type(r) is FunctionRule else r.check  # type: ignore[attr-defined]
            ctx = RuleContext(None, ar.options, ar.vocabulary)  # type: ignore[arg-type]
            plan.append((ar, r, ctx, mode, call, bool(r.sees_binary)))
        if len(self._plans) >= 64:  # per-file-ignores make a list per file: keep a few
            self._plans.clear()
        self._plans[id(active)] = (active, plan)  # holds the list: its id cannot be reused
        return plan

    def _annotate(self, doc: Document, findings: list[Finding]) -> bool:
        """Run the ``corpuslint_annotate`` hooks on ``doc``; True if one crashed."""
        crashed = False
        for function, takes_document, takes_ruleset, plugin_name in self._annotate_calls:
            kwargs: dict[str, Any] = {}
            if takes_document:
                kwargs["document"] = doc
            if takes_ruleset:
                kwargs["ruleset"] = self.ruleset
            try:
                function(**kwargs)
            except Exception as e:  # noqa: BLE001 - a plugin bug must not stop the run
                findings.append(self._internal(doc, f"plugin '{plugin_name}' crashed in corpuslint_annotate", e))
                crashed = True
        return crashed

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
        if fix is not None and not fix.encoding and not _fits(fix, doc):
            fix = None  # the file's charset cannot hold what the fix writes: none is offered
        if fix is not None:
            if base:
                fix = replace(fix, edits=tuple(replace(e, start=e.start + base, end=e.end + base) for e in fix.edits))
            fix_edits = tuple((doc.position(e.start), doc.position(e.end), e.content) for e in fix.edits)
        record = doc.record
        return Finding._of({
            "path": doc.path,
            "code": r.code,
            "name": r.name,
            "category": r.category,
            "severity": severity,
            "message": v.message,
            "line": line,
            "column": col,
            "end_line": end_line,
            "end_column": end_col,
            "record": record,
            "fix": fix,
            "fix_edits": fix_edits,
            "fingerprint": fingerprint(doc.path, r.code, span_text, record),
            "url": self._url(r),
            "source_line": doc.metadata.get("_line") if record is not None else None,
            "record_index": doc.metadata.get("_index") if record is not None else None,
        })

    def _url(self, r: Any) -> str:
        """The rule's docs URL, built once: one string object shared by all its findings
        (pickled once per cache entry or batch, where a fresh string per finding was not)."""
        url = self._urls.get(r.code)
        if url is None:
            url = self._urls[r.code] = getattr(r, "url", None) or rule_url(r.code, r.name)
        return url

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
    def read(self, item: Discovered, wanted: Mapping[int, int | None] | None = None) -> Iterator[Document]:
        """The documents of a file, from the first reader that takes it.

        ``wanted`` (record index -> byte offset or None) is passed to a reader that accepts
        it (the JSONL reader): it then reads only those records, seeking to their offsets
        when it can. Other readers read everything; the caller filters.
        """
        for impl in self._readers:
            if wanted is not None and "wanted" in impl.kwargnames:
                docs = impl.function(path=item.path, display_path=item.display, settings=self.settings, wanted=wanted)
            else:
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
            self._lint_file(state, ordinal)
        state.read_done = True
        return self._finish_file(state)

    def _lint_file(self, state: _FileState, ordinal: int) -> None:
        """Read the file of ``state`` and lint its documents (of this shard) into it."""
        try:
            for doc in self.read(state.item):
                if self.in_shard(ordinal, doc):
                    state.expected += 1
                    state.add(self._lint_one(doc, state.active))
        except Exception as e:  # noqa: BLE001 - OSError and reader bugs alike become findings
            state.read_error(e, self)

    def _open_file(self, item: Discovered) -> _FileState:
        state = _FileState(item, self.ruleset.for_path(item.display))
        if self.cache is not None:
            try:
                state.key = self.cache.key(item.display, file_digest(item.path))
                self._run_keys.append(state.key)
            except OSError:
                state.key = None  # unreadable: let the reader report it
            else:
                hit = self.cache.get(state.key)
                if isinstance(hit, FileResult):
                    if hit.signatures == _HAS_SIGNATURES:  # in the entry's tail: read only if needed
                        hit.signatures = _CachedSignatures(self.cache, state.key)
                    state.result = hit
        return state

    def _lint_one(self, doc: Document, active: Sequence[ActiveRule]) -> _DocResult:
        """Lint one document, and fix it in fix mode: the unit of work of a worker."""
        findings, sigs, crashed = self.lint_document(doc, active)
        out = _DocResult(
            findings=findings,
            sigs=sigs,
            ref=_ref_of(doc),
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
                    if fixed.document.encoding != doc.encoding:
                        # a change of charset alone leaves the text, and its diff, as they were
                        out.diff = (f"# {name}: written as {fixed.document.encoding} "
                                    f"(read as {doc.encoding})\n") + out.diff
                elif fixed.document.raw != doc.raw:
                    out.fixed_text = fixed.document.text
                    out.fixed_raw = fixed.document.raw
        return out

    def _finish_file(self, state: _FileState) -> FileResult:
        """Write the file's fixes (once every document is done) and fill the cache."""
        if state.result is not None:
            return state.result
        res = state.res
        before = len(res.findings)
        if self.write and state.record_texts:
            try:
                self._write_records(state.item, state.record_texts)
            except Exception as e:  # noqa: BLE001
                res.findings.append(self._internal(state.item.display, "writing the fixed records failed", e))
                res.internal_error = True
                res.fixed = 0  # nothing was written: nothing was fixed
        elif self.write and state.fixed_raw is not None:
            try:
                write_atomic(state.item.path, state.fixed_raw)
            except OSError as e:
                res.findings.append(self._unreadable(state.item.display, f"cannot write the fixes: {e.strerror or e}"))
                res.fixed = 0
        if not state.sorted or len(res.findings) != before:  # a write error joins a worker's sorted list
            res.findings.sort(key=lambda f: f.sort_key)
        if not res.signatures:
            res.signatures = {}  # nothing to keep (no corpus rule, or no readable document)
        if state.key is not None and self.cache is not None and not res.internal_error:
            if res.signatures:
                head = replace(res, signatures=_HAS_SIGNATURES)
                self.cache.put_parts(state.key, head, res.signatures)
            else:
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
                # a record's text may hold a lone surrogate (a JSON escape): its JSON keeps it
                raw = _encode_like(doc, new_text, enc or encoding)
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

        With ``jobs > 1`` this process forks ``jobs`` workers and sends them batches: small
        files whole (the worker reads them), the documents of big files read here (so one
        big JSONL file is shared by all workers); at most a few batches per worker are in
        flight, so memory does not grow with the corpus.
        """
        self._paths = {f.display: f.path for f in files}
        self._run_keys = []
        self._jobs = jobs
        if jobs <= 1 or not _can_fork():
            for ordinal, f in enumerate(files):
                yield self.process_file(f, ordinal)
            return
        yield from self._pipeline(files, jobs)

    def _warm_up(self) -> None:
        """Lint a small made-up document here, before forking, and throw the result away.

        Rules import modules (numpy) and compile patterns on first use; done once in the
        parent, every worker inherits them instead of paying for them again.
        """
        text = (
            "Titre de l'article\nPublié le 7 mars 2022 à 14h41\n\n"
            "Le conseil municipal a voté « un budget » de 120 millions d'euros, après trois heures de débat. "
            "The council approved the budget on Tuesday evening, after a long debate.\n\nS'abonner\n"
        )
        doc = Document(path="<warm-up>", raw=text.encode(), text=text)
        try:
            self.lint_document(doc, self.ruleset.active)
        except Exception:  # noqa: BLE001 - only a speed-up; real documents report real errors
            pass

    def _pipeline(self, files: Sequence[Discovered], jobs: int) -> Iterator[FileResult]:
        import multiprocessing
        from collections import deque
        from concurrent.futures import Future, ProcessPoolExecutor

        global _WORKER_ENGINE
        _WORKER_ENGINE = self  # inherited by the forked workers
        states: list[_FileState | None] = []
        inflight: deque[Future[list[tuple[int, _DocResult | _FileDone]]]] = deque()
        max_inflight = jobs * 4
        next_emit = 0
        batch: list[tuple[int, Document | Discovered]] = []
        batch_bytes = 0

        def drain_one() -> None:
            for idx, r in inflight.popleft().result():
                st = states[idx]
                assert st is not None
                if isinstance(r, _FileDone):
                    st.res, st.record_texts, st.fixed_raw = r.res, r.record_texts, r.fixed_raw
                    st.read_done = st.sorted = True
                else:
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

        warm = False  # warmed up before the first batch (a run of cache hits never needs it)
        ctx = multiprocessing.get_context("fork")
        try:
            with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:

                def submit() -> Iterator[FileResult]:
                    nonlocal batch, batch_bytes, warm
                    if not batch:
                        return
                    while len(inflight) >= max_inflight:
                        drain_one()
                        yield from ready()
                    if warm:
                        inflight.append(pool.submit(_lint_batch, batch))
                    else:  # the workers fork at the first submit
                        self._warm_up()
                        warm = True
                        with _frozen_gc():
                            inflight.append(pool.submit(_lint_batch, batch))
                    batch, batch_bytes = [], 0

                for item in files:
                    idx = len(states)
                    state = self._open_file(item)
                    states.append(state)
                    size = _whole_file_size(item)
                    if state.result is None and size >= 0:
                        # a small file goes whole: the worker reads it (the parent's time is
                        # the scarce one with every core linting)
                        batch.append((idx, item))
                        batch_bytes += 2 * size
                        # batches shrink towards the end (guided scheduling): the workers
                        # finish together instead of one waiting for the other's last batch
                        limit = min(_BATCH_DOCS, max(1, (len(files) - idx) // (8 * jobs)))
                        if len(batch) >= limit or batch_bytes >= _BATCH_BYTES:
                            yield from submit()
                        continue
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
        """Read the referenced documents again (one read per file), for corpus rules.

        Records are read by position: a reader that accepts ``wanted`` parses only
        those (and seeks to them in an uncompressed file), so confirming a few
        candidates does not re-parse the whole corpus.
        """
        wanted: dict[str, set[DocRef]] = {}
        for ref in refs:
            wanted.setdefault(ref.path, set()).add(ref)
        out: dict[DocRef, Document] = {}
        for path, group in wanted.items():
            disk = self._paths.get(path)
            if disk is None:
                continue
            positions = None
            if all(ref.index is not None for ref in group):
                positions = {ref.index: ref.offset for ref in group if ref.index is not None}
            found = 0
            try:
                for doc in self.read(Discovered(disk, path), positions):
                    ref = _ref_of(doc)
                    if ref in group:
                        out[ref] = doc
                        found += 1
                        if found == len(group):
                            break
            except OSError:
                continue
        return out

    def finalize_corpus(self, results: Iterable[FileResult] | SignatureStore) -> list[Finding]:
        """The corpus rules' findings; from the cache when every file of the run was a cache hit.

        The corpus phase depends only on the files' signatures, so the same files with the same
        contents and configuration give the same findings: a re-run of an unchanged corpus skips it.
        """
        keys = self._run_keys
        key = None
        if self.cache is not None and keys and len(keys) == len(self._paths) and all(keys):
            import hashlib

            key = hashlib.sha256("\0".join(k for k in keys if k).encode()).hexdigest()
            hit = self.cache.get("corpus-" + key)
            if isinstance(hit, list):
                return hit
        findings = self._finalize_corpus(results)
        if key is not None and self.cache is not None and not any(f.code == "CL001" for f in findings):
            self.cache.put("corpus-" + key, findings)
        return findings

    def _finalize_corpus(self, results: Iterable[FileResult] | SignatureStore) -> list[Finding]:
        """Run the corpus rules over the signatures of ``results`` (or of a store that kept them).

        Each rule gets its signatures in document order; from the engine's own tables that
        is a lazy view over them, with nothing copied or sorted (files arrive in order).
        """
        store = results if isinstance(results, SignatureStore) else SignatureStore.of(results)
        try:
            codes = store.codes()
        except CacheMiss as e:  # `corpuslint clean` in another process, during this run
            return [self._internal("<corpus>", "the corpus rules could not run (run again)", e)]
        rules = [ar for ar in self.ruleset.active if isinstance(ar.rule, CorpusRule) and ar.code in codes]

        def run(group: list[ActiveRule]) -> list[Finding]:
            findings: list[Finding] = []
            for ar in group:
                r = ar.rule
                r.load_documents = self.load_documents  # type: ignore[attr-defined]
                try:
                    for cv in r.finalize(store.signatures(ar.code), ar.options):  # type: ignore[attr-defined]
                        findings.append(self._corpus_finding(ar, cv))
                except Exception as e:  # noqa: BLE001
                    findings.append(self._internal("<corpus>", f"corpus rule {r.code} (plugin '{r.plugin}') crashed", e))
            return findings

        if self._jobs > 1 and len(rules) > 1 and _can_fork():
            # The corpus phase runs after every worker is done, on one core: with more jobs, a
            # forked copy of this process takes all rules but the last (which often makes the
            # most findings: they would cross a pipe), the two halves running side by side.
            head, last = rules[:-1], rules[-1:]
            child = _in_child(lambda: run(head))
            if child is not None:
                try:
                    mine = run(last)
                except BaseException:  # Ctrl-C: no child left behind
                    child.cancel()
                    raise
                theirs = child.result()
                return (run(head) if theirs is None else theirs) + mine  # None: the child failed, its part here
        return run(rules)

    def _corpus_finding(self, ar: ActiveRule, cv: CorpusViolation) -> Finding:
        r = ar.rule
        ref = cv.ref
        return Finding._of({  # without the frozen __init__: RES101 alone makes thousands
            "path": ref.path,
            "code": r.code,
            "name": r.name,
            "category": r.category,
            "severity": cv.severity or ar.severity,
            "message": cv.message,
            "line": cv.line,
            "column": cv.column,
            "end_line": cv.end_line,
            "end_column": cv.end_column,
            "record": ref.record,
            "fix": None,
            "fix_edits": (),
            "fingerprint": fingerprint(ref.path, r.code, cv.span_digest, ref.record),
            "url": self._url(r),
            "source_line": ref.line if ref.record is not None else None,
            "record_index": ref.index,
        })


# -- corpus signatures in the parent ----------------------------------------------------------
# Issue #4's bar: the parent's memory must stay well under the corpus size. A (DocRef,
# signature) tuple per document and rule cost ~310 bytes per document before any signature
# (measured with benchmarks/bench_dedup.py); here the document references are columns
# stored once per file for all rules, and each rule's signatures a column aligned with
# them, packed when they allow it (docs/performance.md).

#: sort key of a document: the engine's order (path, record position, record id)
_DocKey = tuple[str, int, str]


class _Column:
    """One rule's signatures over the rows of a :class:`SignatureTable`.

    Packed while the signatures allow it: ``bytes`` of one width in one bytearray (DUP102's
    128-byte keys), unsigned 64-bit ``int`` in an array (DUP101's hashes), with a byte per
    row saying which ones are None; anything else in a list (RES101's line hashes).
    """

    __slots__ = ("count", "data", "kind", "rows", "valid", "width")

    def __init__(self) -> None:
        self.count = 0
        self.rows: array[int] | None = None  # the table rows, when not every row has a value
        self.kind = ""  # "" (only None so far), "bytes", "u64" or "list"
        self.width = 0
        self.data: Any = None  # bytearray, array("Q") or list, by kind
        self.valid: bytearray | None = None  # 0 for a None signature (made at the first None)

    def __len__(self) -> int:
        return self.count

    def append(self, row: int, value: Any) -> None:
        k = self.count
        if self.rows is not None:
            self.rows.append(row)
        elif row != k:  # the first row without this rule's signature: keep rows from now on
            self.rows = array("I", range(k))
            self.rows.append(row)
        self.count = k + 1
        if self.kind == "list":
            self.data.append(value)
            return
        if value is None:
            if self.valid is None:
                self.valid = bytearray(b"\x01") * k
            self.valid.append(0)
            if self.kind == "bytes":
                self.data.extend(bytes(self.width))
            elif self.kind == "u64":
                self.data.append(0)
            return
        if self.valid is not None:
            self.valid.append(1)
        if not self.kind:
            self._choose(value, k)
            if self.kind == "list":
                self.data.append(value)
                return
        if self.kind == "bytes" and type(value) is bytes and len(value) == self.width:
            self.data.extend(value)
        elif self.kind == "u64" and type(value) is int and 0 <= value < 1 << 64:
            self.data.append(value)
        else:  # a signature of another shape: keep them all as objects from now on
            self.data = [self.value(i) for i in range(k)] + [value]
            self.kind, self.valid = "list", None

    def _choose(self, value: Any, nones: int) -> None:
        """The packing of the first signature that is not None (``nones`` rows before it)."""
        if type(value) is bytes and value:
            self.kind, self.width = "bytes", len(value)
            self.data = bytearray(nones * self.width)
        elif type(value) is int:
            self.kind = "u64"
            self.data = array("Q", bytes(8 * nones))
        else:
            self.kind, self.data = "list", [None] * nones

    def __reduce__(self) -> tuple[Any, ...]:
        # a flat tuple, arrays as bytes: a cache entry holds a column per corpus rule
        data = self.data.tobytes() if self.kind == "u64" else self.data
        rows = None if self.rows is None else self.rows.tobytes()
        return (_column_of, (self.count, rows, self.kind, self.width, data, self.valid))

    def row(self, k: int) -> int:
        return k if self.rows is None else self.rows[k]

    def value(self, k: int) -> Any:
        if self.kind == "list":
            return self.data[k]
        if not self.kind or (self.valid is not None and not self.valid[k]):
            return None
        if self.kind == "bytes":
            return bytes(self.data[k * self.width : (k + 1) * self.width])
        return self.data[k]

    def values(self) -> Iterator[Any]:
        if self.kind == "list":
            return iter(self.data)
        return map(self.value, range(self.count))

    def bytes_matrix(self, width: int) -> tuple[Any, Any]:
        import numpy as np

        if self.kind == "bytes" and self.width == width:  # a view of the packed bytes: no copy
            block = np.frombuffer(self.data, dtype=np.uint8).reshape(self.count, width)
            mask = np.ones(self.count, dtype=bool) if self.valid is None else np.frombuffer(self.valid, dtype=bool)
            return block, mask
        block = np.zeros((self.count, width), dtype=np.uint8)
        mask = np.zeros(self.count, dtype=bool)
        for k, v in enumerate(self.values()):
            if type(v) is bytes and len(v) == width:
                block[k] = np.frombuffer(v, dtype=np.uint8)
                mask[k] = True
        return block, mask


def _column_of(count: int, rows: bytes | None, kind: str, width: int, data: Any, valid: bytearray | None) -> _Column:
    """A _Column back from its pickled state (see _Column.__reduce__)."""
    column = _Column.__new__(_Column)
    column.count, column.kind, column.width, column.valid = count, kind, width, valid
    column.rows = None if rows is None else array("I", rows)
    column.data = array("Q", data) if kind == "u64" else data
    return column


class SignatureTable(Mapping[str, CorpusSignatures]):
    """Corpus-rule signatures of documents (one file's, or many small files'): rows of
    document references stored once, one :class:`_Column` per rule.

    As a mapping: rule code -> :class:`~corpuslint.rule.CorpusSignatures`, the
    ``{code: [(DocRef, signature)]}`` shape ``FileResult.signatures`` always had.
    """

    __slots__ = ("_columns", "_indexes", "_last", "_lines", "_offsets", "_path_of", "_paths", "_rec_data",
                 "_rec_ends", "_rec_none", "ordered")

    def __init__(self) -> None:
        self._paths: list[str] = []
        self._path_of = array("I")
        self._rec_data = bytearray()  # record ids, UTF-8, one after the other
        self._rec_ends = array("Q")
        self._rec_none = bytearray()  # 1 where the record id is None (a plain file)
        self._indexes = array("q")  # -1 for None
        self._offsets = array("q")  # -1 for None
        self._lines = array("q")  # -1 for None (a table pickled before it had lines: shorter)
        self._columns: dict[str, _Column] = {}
        #: True while the rows are in the engine's document order (they arrive in it)
        self.ordered = True
        self._last: _DocKey | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # one flat tuple, arrays as bytes: loading a cache entry rebuilds no array object by
        # object (a table per file, 10,000 files re-read on an unchanged corpus)
        return (_table_of, (
            self._paths, self._path_of.tobytes(), self._rec_data, self._rec_ends.tobytes(), self._rec_none,
            self._indexes.tobytes(), self._offsets.tobytes(), self._columns, self.ordered, self._last,
            self._lines.tobytes(),
        ))

    # -- building ----------------------------------------------------------------------------
    def add(self, ref: DocRef, signatures: Mapping[str, Any]) -> None:
        """One document's signatures (nothing is stored for a document without any)."""
        if not signatures:
            return
        row = len(self._path_of)
        if not self._paths or self._paths[-1] != ref.path:
            self._paths.append(ref.path)
        self._path_of.append(len(self._paths) - 1)
        if ref.record is None:
            self._rec_none.append(1)
        else:
            self._rec_data += ref.record.encode("utf-8", "surrogatepass")
            self._rec_none.append(0)
        self._rec_ends.append(len(self._rec_data))
        self._indexes.append(-1 if ref.index is None else ref.index)
        self._offsets.append(-1 if ref.offset is None else ref.offset)
        self._pad_lines(row)  # a table pickled before it had lines has none for its rows
        self._lines.append(-1 if ref.line is None else ref.line)
        key = _doc_key(ref)
        if self._last is not None and key < self._last:
            self.ordered = False
        self._last = key
        for code, value in signatures.items():
            column = self._columns.get(code)
            if column is None:
                column = self._columns[code] = _Column()
            column.append(row, value)

    def extend(self, other: SignatureTable) -> None:
        """Append the rows of ``other`` after these (copied: meant for small tables)."""
        if not other.rows:
            return
        base = self.rows
        first = other.first_key
        if not other.ordered or (self._last is not None and first is not None and first < self._last):
            self.ordered = False
        self._last = other._last
        ids = []
        for path in other._paths:
            if not self._paths or self._paths[-1] != path:
                self._paths.append(path)
            ids.append(len(self._paths) - 1)
        self._path_of.extend(ids[p] for p in other._path_of)
        shift = len(self._rec_data)
        self._rec_data += other._rec_data
        self._rec_ends.extend(end + shift for end in other._rec_ends)
        self._rec_none += other._rec_none
        self._indexes.extend(other._indexes)
        self._offsets.extend(other._offsets)
        self._pad_lines(base)  # a table pickled before it had lines has none for its rows
        self._lines.extend(other._lines)
        self._pad_lines(len(self._offsets))
        for code, column in other._columns.items():
            mine = self._columns.get(code)
            if mine is None:
                mine = self._columns[code] = _Column()
            for k, value in enumerate(column.values()):
                mine.append(base + column.row(k), value)

    def _pad_lines(self, rows: int) -> None:
        """Unknown lines (-1) for the rows up to ``rows`` that have none."""
        if len(self._lines) < rows:
            self._lines.extend([-1] * (rows - len(self._lines)))

    # -- reading -----------------------------------------------------------------------------
    @property
    def rows(self) -> int:
        return len(self._path_of)

    @property
    def first_key(self) -> _DocKey | None:
        return _doc_key(self.ref(0)) if self.rows else None

    @property
    def last_key(self) -> _DocKey | None:
        return self._last

    def ref(self, row: int) -> DocRef:
        record = None
        if not self._rec_none[row]:
            start = self._rec_ends[row - 1] if row else 0
            record = self._rec_data[start : self._rec_ends[row]].decode("utf-8", "surrogatepass")
        index = self._indexes[row]
        offset = self._offsets[row]
        line = self._lines[row] if row < len(self._lines) else -1
        return DocRef(self._paths[self._path_of[row]], record, None if index < 0 else index,
                      None if offset < 0 else offset, None if line < 0 else line)

    def column(self, code: str) -> _Column | None:
        return self._columns.get(code)

    def __getitem__(self, code: str) -> CorpusSignatures:
        return CorpusSignatures([(self, self._columns[code])])

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)


def _table_of(paths: list[str], path_of: bytes, rec_data: bytearray, rec_ends: bytes, rec_none: bytearray,
              indexes: bytes, offsets: bytes, columns: dict[str, _Column], ordered: bool,
              last: _DocKey | None, lines: bytes = b"") -> SignatureTable:
    """A SignatureTable back from its pickled state (see SignatureTable.__reduce__)."""
    table = SignatureTable.__new__(SignatureTable)
    table._paths, table._rec_data, table._rec_none, table._columns = paths, rec_data, rec_none, columns
    table._path_of, table._rec_ends = array("I", path_of), array("Q", rec_ends)
    table._indexes, table._offsets, table._lines = array("q", indexes), array("q", offsets), array("q", lines)
    table.ordered, table._last = ordered, last
    return table


def _doc_key(ref: DocRef) -> _DocKey:
    return (ref.path, -1 if ref.index is None else ref.index, ref.record or "")


#: what a cached FileResult holds in place of signatures kept in the entry's tail
_HAS_SIGNATURES: Mapping[str, Any] = {"": "in the cache entry's tail"}


class _CachedSignatures(Mapping[str, Any]):
    """A cached file's corpus signatures, left in the cache until something reads them.

    A re-run of an unchanged corpus takes the corpus phase from the cache too: the
    signatures of its files are then never loaded (the SignatureStore keeps these as
    they are, and loads them all, in order, only if the corpus phase runs).
    """

    __slots__ = ("_cache", "_key", "_loaded")

    def __init__(self, cache: Cache, key: str) -> None:
        self._cache = cache
        self._key = key
        self._loaded: Mapping[str, Any] | None = None

    def load(self) -> Mapping[str, Any]:
        if self._loaded is None:
            self._loaded = self._cache.get_tail(self._key) or {}
        return self._loaded

    def __getitem__(self, code: str) -> Any:
        return self.load()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self.load())

    def __len__(self) -> int:
        return len(self.load())


class SignatureStore:
    """Every file's corpus signatures, kept in the parent until the corpus phase.

    Tables are kept as they come (no copy); tables of fewer than ``_SMALL`` rows (a file of
    one document) are merged into one, so a corpus of a million small files does not cost a
    million tables. Signatures given as plain ``{code: [(DocRef, signature)]}`` dicts (the
    pytest plugin's cache, the API) are kept as lists and sorted, as they always were.
    """

    _SMALL = 256

    def __init__(self) -> None:
        self._tables: list[SignatureTable] = []
        self._tail: SignatureTable | None = None  # the table small ones are merged into
        self._lists: dict[str, list[tuple[DocRef, Any]]] = {}
        self._ordered = True
        self._deferred = False  # some tables are still _CachedSignatures

    @classmethod
    def of(cls, results: Iterable[FileResult]) -> SignatureStore:
        store = cls()
        for res in results:
            store.add(res.signatures)
        return store

    def add(self, signatures: Mapping[str, Any]) -> None:
        if isinstance(signatures, _CachedSignatures) and signatures._loaded is None:
            self._tables.append(signatures)  # type: ignore[arg-type]  # loaded by _load_cached, if ever
            self._deferred = True
            self._tail = None
            return
        if isinstance(signatures, _CachedSignatures):
            signatures = signatures.load()
        if not signatures:
            return
        if not isinstance(signatures, SignatureTable):
            for code, pairs in signatures.items():
                self._lists.setdefault(code, []).extend(pairs)
            return
        before = self._tail if self._tail is not None else (self._tables[-1] if self._tables else None)
        last = before.last_key if isinstance(before, SignatureTable) else None  # (checked again by _load_cached)
        first = signatures.first_key
        if not signatures.ordered or (last is not None and first is not None and first < last):
            self._ordered = False  # e.g. shards: the records of one file in several of them
        if signatures.rows >= self._SMALL:
            self._tables.append(signatures)
            self._tail = None
            return
        if self._tail is None:
            self._tail = SignatureTable()
            self._tables.append(self._tail)
        self._tail.extend(signatures)

    def _load_cached(self) -> None:
        """Read the signatures left in the cache, and add everything again in document order."""
        if not self._deferred:
            return
        parts, self._tables, self._tail, self._deferred, self._ordered = self._tables, [], None, False, True
        for part in parts:
            self.add(part.load() if isinstance(part, _CachedSignatures) else part)

    def codes(self) -> set[str]:
        self._load_cached()
        return {code for t in self._tables for code in t} | set(self._lists)

    def signatures(self, code: str) -> Sequence[tuple[DocRef, Any]]:
        """Rule ``code``'s (DocRef, signature) pairs in document order: a lazy view when
        the tables arrived in order (always, but for shards), else a sorted list."""
        self._load_cached()
        parts = [(t, column) for t in self._tables if (column := t.column(code)) is not None]
        view = CorpusSignatures(parts)
        if self._ordered and code not in self._lists:
            return view
        pairs = [*view, *self._lists.get(code, ())]
        pairs.sort(key=lambda p: _doc_key(p[0]))
        return pairs


_WORKER_ENGINE: Engine | None = None

#: how lint_document runs a rule: check() on the document, collect() (a corpus rule), check() per unit
_DOCUMENT, _COLLECT, _UNITS = 0, 1, 2


#: a batch sent to a worker holds at most this many documents or bytes of text
_BATCH_DOCS = 64
_BATCH_BYTES = 1 << 20
#: compressed inputs: their size on disk says little of the text they hold
_COMPRESSED = (".gz", ".zst", ".zstd", ".bz2", ".xz", ".lz4", ".parquet")


#: the charsets that hold every character: a fix always fits them
_UNICODE_CHARSETS = frozenset({"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})


def _fits(fix: Fix, doc: Document) -> bool:
    """Whether the file's charset can hold what ``fix`` writes (a cp1251 file cannot hold
    the `é` of `&eacute;`): a fix that cannot be written is not offered as one."""
    enc = doc.encoding
    if enc is None or doc.record is not None or enc.lower() in _UNICODE_CHARSETS:
        return True
    try:
        for e in fix.edits:
            e.content.encode(enc)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _encode_like(doc: Document, text: str, encoding: str) -> bytes:
    """``text`` in ``encoding``, as the file had it: a UTF-16 or UTF-32 file keeps its byte
    order and its byte-order mark (Python writes its own machine's order)."""
    errors = "surrogatepass" if doc.record is not None else "strict"
    if encoding in ("utf-16", "utf-32") and encoding == doc.encoding:
        for bom, order in ((codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF32_LE, "utf-32-le"),
                           (codecs.BOM_UTF16_BE, "utf-16-be"), (codecs.BOM_UTF16_LE, "utf-16-le")):
            if doc.raw.startswith(bom) and order.startswith(encoding):
                return bom + text.encode(order, errors)
    return text.encode(encoding, errors)


def _whole_file_size(item: Discovered) -> int:
    """The size of a file small enough to go to a worker whole, or -1: a big file (its
    documents are read here and spread over the workers), a compressed one, or a file that
    cannot be stat'ed (the reader reports it)."""
    if item.display.lower().endswith(_COMPRESSED):
        return -1
    size = getattr(item, "size", -1)
    if size < 0:  # discovery left it unknown (a walked file: no stat there): stat it now
        try:
            size = os.stat(item.path).st_size
        except (OSError, TypeError, ValueError):
            return -1
    return size if size < _BATCH_BYTES else -1


def _lint_batch(batch: list[tuple[int, Document | Discovered]]) -> list[tuple[int, _DocResult | _FileDone]]:
    """A worker's unit of work: documents the parent read, or whole files to read here."""
    engine = _WORKER_ENGINE
    assert engine is not None
    out: list[tuple[int, _DocResult | _FileDone]] = []
    for idx, job in batch:
        if isinstance(job, Document):
            out.append((idx, engine._lint_one(job, engine.ruleset.for_path(job.path))))
            continue
        state = _FileState(job, engine.ruleset.for_path(job.display))
        engine._lint_file(state, idx)
        # the file's result put together here, its findings sorted: the parent only writes and caches
        state.res.findings.sort(key=lambda f: f.sort_key)
        out.append((idx, _FileDone(state.res, state.record_texts, state.fixed_raw)))
    return out


@dataclass
class _FileDone:
    """A whole file linted by a worker: its result (findings sorted) and the fixes to write."""

    res: FileResult
    record_texts: dict[int, str]
    fixed_raw: bytes | None


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
        self.table = SignatureTable()
        self.res = FileResult(item.display, signatures=self.table)
        self.key: str | None = None
        self.result: FileResult | None = None  # a cache hit
        self.expected = 0
        self.received = 0
        self.read_done = False
        self.record_texts: dict[int, str] = {}
        self.fixed_raw: bytes | None = None
        self.sorted = False  # res.findings sorted already (by the worker that linted the whole file)

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
        self.table.add(r.ref, r.sigs)
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


def _ref_of(doc: Document) -> DocRef:
    if doc.record is None:
        return DocRef(doc.path)
    meta = doc.metadata
    return DocRef(doc.path, doc.record, meta.get("_index"), meta.get("_offset"), meta.get("_line"))


class _Child:
    """A forked child computing one value (see _in_child)."""

    def __init__(self, pid: int, read_end: int) -> None:
        self.pid, self.read_end = pid, read_end

    def result(self) -> Any:
        """The child's answer, or None if it failed to give one (killed, out of memory,
        an answer that cannot be pickled): the caller then does the work itself."""
        import pickle

        try:
            with os.fdopen(self.read_end, "rb") as pipe:
                data = pipe.read()
        finally:
            status = self._reap()
        if status != 0 or not data:
            return None
        try:
            return pickle.loads(data)
        except Exception:  # noqa: BLE001 - a truncated answer: the caller redoes the work
            return None

    def cancel(self) -> None:
        """Stop the child (its answer is no longer wanted) and reap it."""
        import signal

        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.close(self.read_end)
        except OSError:
            pass
        self._reap()

    def _reap(self) -> int:
        try:
            return os.waitpid(self.pid, 0)[1]
        except ChildProcessError:  # reaped already (SIGCHLD ignored): the answer tells
            return 0


def _in_child(work: Callable[[], Any]) -> _Child | None:
    """Start ``work`` in a forked child, its pickled result sent back through a pipe.

    None: no child was started (pipe or fork refused, or other threads running in this
    process, which a forked child could deadlock on): the caller does the work itself.
    """
    import pickle
    import threading

    if threading.active_count() > 1:
        return None
    for stream in (sys.stdout, sys.stderr):  # the child must not write again what is buffered here
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the child: no cleanup of the parent's state (atexit, finalizers), just the answer
        status = 1
        try:
            os.close(read_end)
            data = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return _Child(pid, read_end)


@contextmanager
def _frozen_gc() -> Iterator[None]:
    """Fork inside this block: the cyclic collector of the children leaves alone what they inherit.

    A collection in a forked worker otherwise walks (and writes to the headers of) every
    object of the parent, copying their memory pages one by one. On the 10 MB benchmark at
    --jobs 2 (medians of 8 alternating runs): wall 3.105 -> 3.054 s, CPU 5.86 -> 5.76 s. Not frozen for
    good in this process unless it was already (the CLI freezes its run-long state; a host
    program's collector stays as it was).
    """
    import gc

    was_frozen = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        yield
    finally:
        if not was_frozen:
            gc.unfreeze()


def _can_fork() -> bool:
    return sys.platform != "win32" and hasattr(os, "fork")
