"""The Python API: lint texts, files and records from a data pipeline (issue #8).

Same engine, rules, packs and plugins as the command line. A :class:`Linter`
loads them once (about 100 ms) and is cheap per call after that::

    from corpuslint.api import Linter

    linter = Linter()                                        # isolated defaults
    linter = Linter({"select": ["ENC", "RES"], "language": "fr"})  # a [tool.corpuslint] table
    linter = Linter("corpuslint.toml")                       # a configuration file
    findings = linter.lint_text("Le cafÃ© est prÃªt.", metadata={"lang": "fr"})
    rows = [f.to_dict() for f in findings]                   # the JSON contract of docs/output.md
    clean = linter.fix_text("Le cafÃ© est prÃªt.")           # safe fixes applied

The names in ``__all__`` are a stable interface (docs/api.md): they keep their
signatures within a major version; new keyword arguments may be added.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Union

from corpuslint.config import ConfigError
from corpuslint.engine import Engine, FileResult
from corpuslint.model import Document, Finding, Severity
from corpuslint.records import record_id
from corpuslint.rule import DocRef

__all__ = [
    "ConfigError",
    "Linter",
    "default_linter",
    "fix_text",
    "lint_file",
    "lint_records",
    "lint_text",
    "worst_severity",
]

#: what ``Linter(config=...)`` accepts: None (isolated defaults), a table, or a config file path
Config = Union[None, Mapping[str, Any], str, "os.PathLike[str]"]


class Linter:
    """A configured corpuslint: settings, plugins and compiled rules, loaded once.

    ``config``:

    - ``None``: the defaults, ignoring every configuration file (reproducible in a pipeline);
    - a mapping with the keys of ``[tool.corpuslint]`` (``select``, ``ignore``, ``language``,
      ``rules``, ...), validated like a configuration file; relative paths are relative to
      the current directory;
    - a path to a ``corpuslint.toml``, ``.corpuslint.toml`` or ``pyproject.toml``.

    ``plugins``: plugin objects (modules or instances with ``@hookimpl`` functions) to
    register besides the installed ones; ``entry_points=False`` skips the installed ones.

    Raises :class:`~corpuslint.config.ConfigError` for a bad configuration. A Linter is
    picklable (it pickles its arguments and loads again), so it can travel to worker
    processes (``datasets.map(num_proc=...)``, datatrove executors). It is not
    thread-safe: use one per thread.
    """

    def __init__(self, config: Config = None, *, plugins: Sequence[Any] = (), entry_points: bool = True) -> None:
        if config is not None and not isinstance(config, (Mapping, str, os.PathLike)):
            raise TypeError(f"config must be None, a mapping or a path, not {type(config).__name__}")
        self._args = (dict(config) if isinstance(config, Mapping) else config, tuple(plugins), entry_points)
        self._open()

    @classmethod
    def from_project(cls, start: str | os.PathLike[str] = ".", **kw: Any) -> Linter:
        """The configuration the command line would use for ``start`` (nearest config file upwards)."""
        from corpuslint.config import find_config

        source, _ = find_config(Path(start))
        return cls(source, **kw) if source is not None else cls(None, **kw)

    def _open(self) -> None:
        from corpuslint.session import open_session

        config, plugins, entry_points = self._args
        if config is None:
            session = open_session(isolated=True, extra_plugins=plugins, entry_points=entry_points)
        elif isinstance(config, Mapping):
            try:
                session = open_session(isolated=True, overrides=config, extra_plugins=plugins, entry_points=entry_points)
            except KeyError as e:  # an override naming no declared key
                raise ConfigError(f"unknown configuration key {e}") from None
        else:
            path = Path(config)
            if not path.is_file():
                raise ConfigError(f"{path}: no such configuration file")
            session = open_session(path.parent, config_file=path, extra_plugins=plugins, entry_points=entry_points)
        self.session = session
        self._engine = session.engine()
        self._fixers: dict[bool, Engine] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {"args": self._args}

    def __setstate__(self, state: Mapping[str, Any]) -> None:
        self._args = state["args"]
        self._open()

    def __repr__(self) -> str:
        return f"Linter({len(self.session.ruleset.active)} active rules)"

    # -- information ---------------------------------------------------------------
    @property
    def rules(self) -> list[dict[str, Any]]:
        """The active rules: code, name, category, severity, fixable, url."""
        from corpuslint.engine import rule_url

        return [
            {"code": a.code, "name": a.rule.name, "category": a.rule.category, "severity": a.severity.value,
             "fixable": bool(a.rule.fixable), "url": getattr(a.rule, "url", None) or rule_url(a.code, a.rule.name)}
            for a in self.session.ruleset.active
        ]

    # -- one text ------------------------------------------------------------------
    def document(self, text: str | bytes, metadata: Mapping[str, Any] | None = None, *, path: str = "<text>",
                 record: str | None = None) -> Document:
        """The Document the rules see: bytes are decoded like a file's."""
        return self.session.document(text, path, record=record, metadata=dict(metadata or {}))

    def lint_text(self, text: str | bytes, metadata: Mapping[str, Any] | None = None, *, path: str = "<text>",
                  record: str | None = None) -> list[Finding]:
        """Findings of the per-document rules on one text, sorted by position.

        ``metadata`` is what a JSONL record carries (``lang``, ``url``, ``date``, ``source``...):
        the date rules read ``date``, the language guess reads ``lang``/``language``.
        ``path`` and ``record`` name the document in findings (and in their fingerprints).
        Corpus rules (duplicates, shared boilerplate) need many documents: see :meth:`lint_records`.
        """
        findings, _, _ = self._engine.lint_document(self.document(text, metadata, path=path, record=record))
        return sorted(findings, key=lambda f: f.sort_key)

    def fix_text(self, text: str, metadata: Mapping[str, Any] | None = None, *, unsafe: bool = False,
                 path: str = "<text>") -> str:
        """The text with its safe fixes applied (all fixes with ``unsafe``); unchanged when none applies.

        Like ``--fix``: fixes are applied, the text linted again, until nothing applies
        (8 passes at most). A text that did not decode losslessly (bytes) is not changed.
        """
        engine = self._fixers.get(unsafe)
        if engine is None:
            engine = self._fixers[unsafe] = self.session.engine(fix=True, unsafe_fixes=unsafe)
        doc = self.document(text, metadata, path=path)
        findings, _, _ = engine.lint_document(doc)
        if not findings:
            return doc.text
        return engine.fix_document(doc, findings).document.text

    # -- files -----------------------------------------------------------------------
    def lint_file(self, path: str | os.PathLike[str]) -> list[Finding]:
        """All findings of one file (every record of a JSONL/Parquet file), corpus rules included."""
        return self.lint_paths([path])

    def lint_paths(self, paths: Iterable[str | os.PathLike[str]], *, jobs: int = 1) -> list[Finding]:
        """All findings of files and folders, as ``corpuslint PATH...`` finds them (no cache)."""
        return self.session.lint([os.fspath(p) for p in paths], jobs=jobs).findings

    # -- records -----------------------------------------------------------------------
    def iter_records(self, records: Iterable[Any], *, text_field: str | None = None, id_field: str | None = None,
                     path: str = "<records>") -> Iterator[tuple[Any, list[Finding]]]:
        """``(record, findings)`` for each record, lazily; per-document rules only (constant memory).

        A record is a mapping with a text field (``text-field``, default ``text``), or a string.
        Findings name ``path`` and the record's id (``id-field``, default ``id``, else its
        1-based number). A record without a text string gets a ``CL003 bad-record`` finding.
        """
        for number, rec in enumerate(records, start=1):
            doc = self._record_document(rec, number, path, text_field, id_field)
            findings, _, _ = self._engine.lint_document(doc)
            yield rec, sorted(findings, key=lambda f: f.sort_key)

    def lint_records(self, records: Iterable[Any], *, text_field: str | None = None, id_field: str | None = None,
                     path: str = "<records>", corpus: bool = True) -> list[Finding]:
        """All findings of a collection of records, sorted by record then position.

        With ``corpus`` (the default), the corpus rules run too: exact and near-duplicate
        records (DUP101, DUP102), lines shared by many records (RES101). They keep one small
        signature per record, and the near-duplicate rule keeps a reference to each text
        until the end; ``corpus=False`` keeps memory constant.
        """
        engine = _MemoryEngine(self.session.settings, self.session.manager, self.session.ruleset) if corpus else self._engine
        findings: list[Finding] = []
        signatures: dict[str, list[tuple[DocRef, Any]]] = {}
        for number, rec in enumerate(records, start=1):
            doc = self._record_document(rec, number, path, text_field, id_field)
            found, sigs, _ = engine.lint_document(doc)
            findings.extend(found)
            if corpus and sigs:
                ref = DocRef(doc.path, doc.record, doc.metadata.get("_index"))
                for code, sig in sigs.items():
                    signatures.setdefault(code, []).append((ref, sig))
                assert isinstance(engine, _MemoryEngine)
                engine.keep(ref, doc)
        if corpus and signatures:
            findings.extend(engine.finalize_corpus([FileResult(path, signatures=signatures)]))
        return sorted(findings, key=lambda f: f.sort_key)

    def _record_document(self, rec: Any, number: int, path: str, text_field: str | None,
                         id_field: str | None) -> Document:
        extra = self.session.settings.extra
        text_field = text_field or extra.get("text-field", "text")
        id_field = id_field or extra.get("id-field", "id")
        pos: dict[str, Any] = {"_index": number - 1, "_line": None}
        if isinstance(rec, (str, bytes)):
            return self.document(rec, pos, path=path, record=str(number))
        if not isinstance(rec, Mapping):
            return _bad(path, str(number), f"record {number} is a {type(rec).__name__}, not a mapping", pos)
        record = record_id(rec.get(id_field), number)
        text = rec.get(text_field)
        if text_field not in rec:
            return _bad(path, record, f"record has no '{text_field}' field", pos)
        if not isinstance(text, str):
            return _bad(path, record, f"field '{text_field}' is a {type(text).__name__}, not a string", pos)
        metadata = {k: rec[k] for k in extra.get("metadata-fields", ()) if k in rec}
        metadata.update(pos)
        return Document(path=path, raw=text.encode("utf-8", errors="surrogatepass"), text=text, record=record,
                        metadata=metadata, default_language=self.session.settings.language)


class _MemoryEngine(Engine):
    """An Engine whose corpus rules read documents back from memory, not from files."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._kept: dict[DocRef, Document] = {}

    def keep(self, ref: DocRef, doc: Document) -> None:
        self._kept[ref] = doc

    def load_documents(self, refs: Iterable[DocRef]) -> dict[DocRef, Document]:
        return {r: self._kept[r] for r in refs if r in self._kept}


def _bad(path: str, record: str, message: str, pos: Mapping[str, Any]) -> Document:
    return Document(path=path, raw=b"", text="", encoding=None, record=record, metadata={"record_error": message, **pos})


def worst_severity(findings: Iterable[Finding]) -> Severity | None:
    """The highest severity among ``findings`` (None when there are none)."""
    worst: Severity | None = None
    for f in findings:
        if worst is None or f.severity.rank > worst.rank:
            worst = f.severity
    return worst


# -- module-level shortcuts: one default Linter (isolated defaults), made on first use --
_default: Linter | None = None
_lock = threading.Lock()


def default_linter() -> Linter:
    """The shared Linter with the default configuration (no configuration file read)."""
    global _default
    with _lock:
        if _default is None:
            _default = Linter()
        return _default


def lint_text(text: str | bytes, metadata: Mapping[str, Any] | None = None, **kw: Any) -> list[Finding]:
    """:meth:`Linter.lint_text` with the default configuration."""
    return default_linter().lint_text(text, metadata, **kw)


def fix_text(text: str, metadata: Mapping[str, Any] | None = None, **kw: Any) -> str:
    """:meth:`Linter.fix_text` with the default configuration."""
    return default_linter().fix_text(text, metadata, **kw)


def lint_file(path: str | os.PathLike[str]) -> list[Finding]:
    """:meth:`Linter.lint_file` with the default configuration."""
    return default_linter().lint_file(path)


def lint_records(records: Iterable[Any], **kw: Any) -> list[Finding]:
    """:meth:`Linter.lint_records` with the default configuration."""
    return default_linter().lint_records(records, **kw)
