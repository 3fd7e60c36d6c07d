"""``--engine ray``: the same rules on a Ray cluster (optional extra ``corpuslint[ray]``).

- Reading and per-document rules are a Ray Data pipeline: file descriptors ->
  ``flat_map`` (reader plugins, on the workers) -> ``map_batches`` over batches of
  documents, in actors that open the session once (the configuration travels as
  data, see ``Session.reopen``).
- Corpus rules with keyed phases (``CorpusRule.keyed``) emit (rule, key, value) rows
  that a distributed ``groupby(...).map_groups`` reduces: signatures are never
  gathered into one process; only the small partial results (candidate pairs,
  per-document verdicts) reach the driver, where ``finalize_partials`` runs.
  Corpus rules without keyed phases fall back to gathering their signatures.
- Per-document findings stream back to the driver in input order (the
  dataset preserves order), so the output is identical to the local engine's.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Sequence
from typing import Any

from corpuslint.discover import Discovered
from corpuslint.engine import FileResult
from corpuslint.model import Finding
from corpuslint.rule import CorpusRule, DocRef

__all__ = ["RayRunner"]

_SESSIONS: dict[int, Any] = {}


def _session(spec_blob: bytes) -> Any:
    """The session of this worker process, opened once per spec."""
    key = hash(spec_blob)
    if key not in _SESSIONS:
        spec = pickle.loads(spec_blob)
        from corpuslint.session import open_session

        _SESSIONS[key] = open_session(**spec)
    return _SESSIONS[key]


class _Read:
    """flat_map: one file descriptor -> one row per document (the Document pickled)."""

    def __init__(self, spec_blob: bytes) -> None:
        self.spec_blob = spec_blob

    def __call__(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        session = _session(self.spec_blob)
        engine = session.engine()
        item = Discovered(_path(row["path"]), row["display"])
        out: list[dict[str, Any]] = []
        try:
            for doc in engine.read(item):
                out.append({"ordinal": row["ordinal"], "seq": len(out), "doc": pickle.dumps(doc), "error": b""})
        except Exception as e:  # noqa: BLE001 - becomes a finding, as in the local engine
            out.append({"ordinal": row["ordinal"], "seq": len(out), "doc": b"", "error": pickle.dumps(e)})
        if not out:
            out.append({"ordinal": row["ordinal"], "seq": 0, "doc": b"", "error": b""})
        return out


class _Lint:
    """map_batches task: lint a batch of documents; findings and keyed signatures out."""

    def __init__(self, spec_blob: bytes) -> None:
        self.spec_blob = spec_blob

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        self.session = _session(self.spec_blob)
        self.engine = self.session.engine()
        self.keyed = {a.code: a.rule for a in self.session.ruleset.active if isinstance(a.rule, CorpusRule) and a.rule.keyed}
        cols: dict[str, list[Any]] = {k: [] for k in ("ordinal", "seq", "result", "keys")}
        for ordinal, seq, blob, err in zip(batch["ordinal"], batch["seq"], batch["doc"], batch["error"]):
            if err:
                result: Any = ("error", pickle.loads(err))
                keys: list[tuple[str, str, bytes]] = []
            elif not blob:
                result, keys = ("empty", None), []
            else:
                doc = pickle.loads(blob)
                r = self.engine._lint_one(doc, self.session.ruleset.for_path(doc.path))
                keys = []
                gathered = {}
                for code, sig in r.sigs.items():
                    rule = self.keyed.get(code)
                    if rule is None:
                        gathered[code] = sig  # no keyed phases: travels to the driver
                        continue
                    for key, value in rule.shuffle_keys(r.ref, sig) or ():
                        keys.append((code, repr(key), pickle.dumps((key, r.ref, value))))
                r.sigs = gathered
                result = ("ok", r)
            cols["ordinal"].append(ordinal)
            cols["seq"].append(seq)
            cols["result"].append(pickle.dumps(result))
            cols["keys"].append(pickle.dumps(keys))
        return cols


#: keys are hashed into this many buckets per rule: the shuffle moves a few large groups
#: (each reduced locally, key by key) instead of millions of one-key groups
_BUCKETS = 32


def _bucket_keys(batch: dict[str, Any]) -> dict[str, list[Any]]:
    """A batch of linted documents -> one row per (rule, bucket) holding that bucket's key items."""
    import zlib

    groups: dict[tuple[str, int], list[bytes]] = {}
    for blob in batch["keys"]:
        for code, key, item in pickle.loads(blob):
            bucket = zlib.crc32(key.encode("utf-8", "surrogatepass")) % _BUCKETS
            groups.setdefault((code, bucket), []).append(item)
    rows: dict[str, list[Any]] = {"rule": [], "bucket": [], "items": []}
    for (code, bucket), items in sorted(groups.items()):
        rows["rule"].append(code)
        rows["bucket"].append(bucket)
        rows["items"].append(pickle.dumps(items))
    return rows


class _Reduce:
    """map_groups task: one (rule, bucket) group -> its keys' partial results, pickled."""

    def __init__(self, spec_blob: bytes, documents: int) -> None:
        self.spec_blob = spec_blob
        self.documents = documents
        self.__name__ = "corpuslint_reduce"  # map_groups names its stage after the function

    def __call__(self, group: dict[str, Any]) -> dict[str, list[Any]]:
        self.session = _session(self.spec_blob)
        self.rules = {a.code: (a.rule, a.options) for a in self.session.ruleset.active}
        code = group["rule"][0]
        rule, options = self.rules[code]
        by_key: dict[Any, list[tuple[Any, Any]]] = {}
        for blob in group["items"]:
            for item in pickle.loads(blob):
                key, ref, value = pickle.loads(item)
                by_key.setdefault(key, []).append((ref, value))
        opts = {**options, "_documents": self.documents}
        partials: list[Any] = []
        for key in sorted(by_key, key=repr):
            members = sorted(by_key[key], key=lambda rv: _ref_key(rv[0]))
            partials.extend(rule.reduce_group(key, members, opts))
        return {"rule": [code], "partials": [pickle.dumps(partials)]}


def _ref_key(ref: DocRef) -> tuple[Any, ...]:
    return (ref.path, -1 if ref.index is None else ref.index, ref.record or "")


def _path(s: str) -> Any:
    from pathlib import Path

    return Path(s)


class RayRunner:
    """Drives one run on a Ray cluster; the interface mirrors Engine.iter_results + finalize_corpus."""

    def __init__(self, session: Any, address: str | None = None, jobs: int | None = None) -> None:
        try:
            import ray
        except ImportError:
            raise RuntimeError("--engine ray needs Ray: pip install 'corpuslint[ray]'") from None
        self.ray = ray
        self.session = session
        self.engine = session.engine()
        self.jobs = jobs
        import logging

        for name in ("ray", "ray.data"):
            logging.getLogger(name).setLevel(logging.ERROR)
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "logging_level": "ERROR"}
            if address:
                kwargs["address"] = address
            elif jobs:
                kwargs["num_cpus"] = jobs
            ray.init(**kwargs)
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True
        ctx.enable_progress_bars = False
        self.spec_blob = pickle.dumps(session.spec)
        self._keys_ds: Any = None
        self._gathered: list[FileResult] = []
        self._documents = 0

    def iter_results(self, files: Sequence[Discovered]) -> Iterator[FileResult]:
        ray = self.ray
        self.engine._paths = {f.display: f.path for f in files}
        if not files:
            return
        items = [{"path": str(f.path), "display": f.display, "ordinal": i} for i, f in enumerate(files)]
        # tasks, not actors: a worker process opens the session once and keeps it
        # (_SESSIONS), and no actor holds a CPU that the next stage needs
        docs = ray.data.from_items(items, override_num_blocks=min(len(items), 64)).flat_map(_Read(self.spec_blob))
        linted = docs.map_batches(_Lint(self.spec_blob), batch_size=64, batch_format="numpy").materialize()
        self._keys_ds = linted.map_batches(_bucket_keys, batch_size=256, batch_format="numpy")
        states: dict[int, FileResult] = {}
        next_emit = 0
        for row in linted.iter_rows():
            ordinal = int(row["ordinal"])
            res = states.setdefault(ordinal, FileResult(files[ordinal].display))
            kind, value = pickle.loads(row["result"])
            item = files[ordinal]
            if kind == "error":
                if isinstance(value, OSError):
                    res.findings.append(self.engine._unreadable(item.display, f"cannot read: {value.strerror or value}"))
                else:
                    res.findings.append(self.engine._internal(item.display, "reading the file crashed", value))
                    res.internal_error = True
            elif kind == "ok":
                r = value
                self._documents += 1
                res.documents += 1
                res.bytes += r.size
                res.findings.extend(r.findings)
                res.internal_error |= r.crashed
                sigs: dict[str, list[Any]] = res.signatures  # type: ignore[assignment]  # a plain dict here
                for code, sig in r.sigs.items():
                    sigs.setdefault(code, []).append((r.ref, sig))
            # rows arrive in input order: a file is complete once a later file starts
            while next_emit < ordinal:
                yield self._emit(states.pop(next_emit, FileResult(files[next_emit].display)))
                next_emit += 1
        while next_emit < len(files):
            yield self._emit(states.pop(next_emit, FileResult(files[next_emit].display)))
            next_emit += 1

    def _emit(self, res: FileResult) -> FileResult:
        res.findings.sort(key=lambda f: f.sort_key)
        if res.signatures:
            self._gathered.append(FileResult(res.display, signatures=res.signatures))
        return res

    def finalize_corpus(self) -> list[Finding]:
        """Keyed corpus rules through a distributed group-by; the others gathered."""
        findings = self.engine.finalize_corpus(self._gathered)
        keyed = {a.code: a for a in self.session.ruleset.active if isinstance(a.rule, CorpusRule) and a.rule.keyed}
        if not keyed or self._keys_ds is None:
            return findings
        reduced = self._keys_ds.groupby(["rule", "bucket"]).map_groups(
            _Reduce(self.spec_blob, self._documents), batch_format="numpy"
        )
        partials: dict[str, list[Any]] = {code: [] for code in keyed}
        for row in reduced.iter_rows():
            partials[str(row["rule"])].extend(pickle.loads(row["partials"]))
        for code, ar in keyed.items():
            rule = ar.rule
            rule.load_documents = self.engine.load_documents
            opts = {**ar.options, "_documents": self._documents}
            try:
                for cv in rule.finalize_partials(partials[code], opts):
                    findings.append(self.engine._corpus_finding(ar, cv))
            except Exception as e:  # noqa: BLE001
                findings.append(self.engine._internal("<corpus>", f"corpus rule {rule.code} (plugin '{rule.plugin}') crashed", e))
        return findings
