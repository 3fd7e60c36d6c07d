"""Shards: lint a deterministic slice of the inputs (``--shard I/N``), merge the slices later.

A shard directory holds the slice's per-document findings (``findings.jsonl``),
its corpus-rule signatures (``signatures.pkl``: hashes and small integers, no
text) and ``meta.json``. ``corpuslint merge DIR...`` runs the corpus phase over all
shards and reports everything, exactly as one unsharded run would: this is what a
Slurm job array or any batch scheduler needs.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpuslint import __version__
from corpuslint.config import ConfigError
from corpuslint.engine import FileResult
from corpuslint.model import Finding

__all__ = ["ShardWriter", "load_shards", "parse_shard"]

FORMAT = 1


def parse_shard(value: str) -> tuple[int, int]:
    """``"I/N"`` with 0 <= I < N (Slurm's ``$SLURM_ARRAY_TASK_ID/$N``)."""
    try:
        i, n = (int(x) for x in value.split("/"))
    except ValueError:
        raise ConfigError(f"--shard: expected I/N (e.g. 0/4), got {value!r}") from None
    if n < 1 or not 0 <= i < n:
        raise ConfigError(f"--shard: need 0 <= I < N, got {value!r}")
    return i, n


class ShardWriter:
    """Streams a shard's results to its directory."""

    def __init__(self, folder: Path, shard: tuple[int, int], config_hash: str) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.shard = shard
        self.config_hash = config_hash
        self._findings = open(folder / "findings.jsonl", "w", encoding="utf-8")  # noqa: SIM115
        self.signatures: list[tuple[str, Any]] = []
        self.documents = 0
        self.bytes = 0
        self.internal_error = False
        self.files = 0
        #: paths that did not exist (kept by shard 0 only, reported after the corpus phase)
        self.missing: list[tuple[str, str]] = []

    def add(self, res: FileResult) -> None:
        self.documents += res.documents
        self.bytes += res.bytes
        self.internal_error |= res.internal_error
        for f in res.findings:
            self.write_finding(f)
        if res.signatures:
            self.signatures.append((res.display, res.signatures))

    def write_finding(self, f: Finding) -> None:
        d = f.to_dict()
        d["_record_index"] = f.record_index
        d["_source_line"] = f.source_line
        self._findings.write(json.dumps(d, ensure_ascii=False) + "\n")

    def close(self, files: Sequence[Any]) -> None:
        """``files``: the run's Discovered inputs (all of them, also other shards' files)."""
        self._findings.close()
        with open(self.folder / "signatures.pkl", "wb") as fh:
            pickle.dump(self.signatures, fh, protocol=pickle.HIGHEST_PROTOCOL)
        meta = {
            "format": FORMAT,
            "corpuslint": __version__,
            "shard": list(self.shard),
            "config_hash": self.config_hash,
            "files": len(files),
            # where each input is, so corpus rules can re-read candidates at merge time
            "paths": {f.display: str(Path(f.path).resolve()) for f in files},
            "documents": self.documents,
            "bytes": self.bytes,
            "internal_error": self.internal_error,
            "missing": self.missing if self.shard[0] == 0 else [],
        }
        (self.folder / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


@dataclass
class Merged:
    results: list[FileResult]
    signatures: list[FileResult]
    files: int = 0
    documents: int = 0
    bytes: int = 0
    internal_error: bool = False
    missing: list[tuple[str, str]] = field(default_factory=list)
    paths: dict[str, Path] = field(default_factory=dict)


def load_shards(folders: Sequence[Path], config_hash: str) -> Merged:
    """Read and check shard directories; per-document findings grouped by file, in order."""
    metas = []
    for d in folders:
        try:
            meta = json.loads((d / "meta.json").read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as e:
            raise ConfigError(f"{d}: not a corpuslint shard directory ({e})") from None
        if meta.get("format") != FORMAT:
            raise ConfigError(f"{d}: shard format {meta.get('format')} is not {FORMAT}")
        metas.append((d, meta))
    ns = {m["shard"][1] for _, m in metas}
    if len(ns) != 1:
        raise ConfigError(f"merge: shards of different splits: {sorted(ns)}")
    n = ns.pop()
    have = sorted(m["shard"][0] for _, m in metas)
    if have != list(range(n)):
        missing = sorted(set(range(n)) - set(have))
        raise ConfigError(f"merge: expected shards 0..{n - 1} once each; missing {missing}, got {have}")
    for d, m in metas:
        if m["config_hash"] != config_hash:
            raise ConfigError(f"{d}: made with another configuration or corpuslint version; merge with the same one")
    findings: list[Finding] = []
    signatures: list[FileResult] = []
    merged = Merged([], signatures)
    for d, m in metas:
        merged.documents += m["documents"]
        merged.bytes += m["bytes"]
        merged.internal_error |= m["internal_error"]
        merged.files = max(merged.files, m["files"])
        merged.missing.extend((a, b) for a, b in m.get("missing", []))
        merged.paths.update((k, Path(v)) for k, v in m.get("paths", {}).items())
        findings.extend(_read_findings(d / "findings.jsonl"))
        with open(d / "signatures.pkl", "rb") as fh:
            for display, sigs in pickle.load(fh):
                signatures.append(FileResult(display, signatures=sigs))
    findings.sort(key=lambda f: f.sort_key)
    merged.results = list(_group(findings))
    if merged.results:
        merged.results[0].documents = merged.documents
        merged.results[0].bytes = merged.bytes
    return merged


def _read_findings(path: Path) -> Iterator[Finding]:
    from dataclasses import replace

    with open(path, encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            f = Finding.from_dict(d)
            yield replace(f, record_index=d.get("_record_index"), source_line=d.get("_source_line"))


def _group(findings: Iterable[Finding]) -> Iterator[FileResult]:
    current: FileResult | None = None
    for f in findings:
        if current is None or current.display != f.path:
            if current is not None:
                yield current
            current = FileResult(f.path)
        current.findings.append(f)
    if current is not None:
        yield current
