"""pytest plugin: ``pytest --corpuslint`` lints corpus documents as test items.

Registered through the ``pytest11`` entry point and inactive without
``--corpuslint``: this module then imports nothing from corpuslint but the
package itself, so test suites that never ask for it pay nothing.

With ``--corpuslint``, every file under ``corpuslint_paths`` (default: the
rootdir) that matches the configured ``include`` globs becomes one item, which
fails with its findings in the text format. Cross-document (corpus) findings go
to one extra ``corpuslint-status`` item. The lint runs as one batched pass when
the first corpuslint item runs; each item then reads its own result. Results are
kept in pytest's cache, keyed by content hash, path, config hash and corpuslint
version, so unchanged documents are not linted again on the next run.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from corpuslint import __version__

if TYPE_CHECKING:
    from collections import Counter

    from corpuslint.engine import Engine, FileResult
    from corpuslint.model import Finding
    from corpuslint.rule import DocRef
    from corpuslint.session import Session

#: bump when the layout of a cache entry changes
CACHE_PREFIX = "corpuslint/v1"
STATUS_NAME = "corpuslint-status"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("corpuslint", "corpus linting with corpuslint")
    group.addoption("--corpuslint", action="store_true", default=False,
                    help="collect corpus documents and lint them with corpuslint")
    group.addoption("--corpuslint-select", metavar="RULES", default=None,
                    help="comma-separated rules to run (codes, prefixes, categories or names); replaces `select`")
    parser.addini("corpuslint_paths", type="paths", default=[],
                  help="files and folders whose documents --corpuslint collects (default: the rootdir)")


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("corpuslint", False):
        return
    run = _Run.open(config)
    config.stash[_RUN_KEY] = run
    if config.args_source is not pytest.Config.ArgsSource.ARGS:
        # With `testpaths = ["tests"]` pytest would never walk the corpus: add the
        # configured paths that the default arguments do not already cover.
        # Explicit command-line arguments are left as given.
        base = config.invocation_params.dir
        covered = [(base / a.split("::")[0]).resolve() for a in config.args]
        for p in run.paths:
            rp = p.resolve()
            if rp.exists() and not any(rp == c or c in rp.parents for c in covered):
                config.args.append(str(p))


def pytest_report_header(config: pytest.Config) -> str | None:
    run = config.stash.get(_RUN_KEY, None)
    if run is None:
        return None
    source = run.session.settings.source
    return f"corpuslint: {__version__}, config: {source or 'none (defaults)'}"


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> CorpuslintFile | None:
    run = parent.config.stash.get(_RUN_KEY, None)
    if run is None or not run.wants(file_path):
        return None
    return CorpuslintFile.from_parent(parent, path=file_path)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    # tryfirst: added before -k/-m deselection, so `-k "not corpuslint-status"` works
    if config.stash.get(_RUN_KEY, None) is None:
        return
    if any(isinstance(it, CorpuslintItem) for it in items):
        items.append(CorpuslintStatusItem.from_parent(session, name=STATUS_NAME, nodeid=STATUS_NAME))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    run = config.stash.get(_RUN_KEY, None)
    if run is None or not run.results:
        return  # e.g. the xdist controller: its workers did the linting
    n = len(run.results)
    terminalreporter.write_line(
        f"corpuslint: {n} file{'s' if n != 1 else ''} checked, "
        f"{len(run.linted)} linted, {n - len(run.linted)} from cache"
    )


# -- nodes -----------------------------------------------------------------------
class CorpuslintError(Exception):
    """Findings at or above ``fail-on``; ``repr_failure`` lists them."""

    def __init__(self, findings: Sequence[Finding], where: str) -> None:
        super().__init__(where)
        self.findings = findings
        self.where = where


class CorpuslintFile(pytest.File):
    """A corpus file: one item, named after the file."""

    def collect(self) -> Iterator[pytest.Item]:
        run = self.config.stash[_RUN_KEY]
        run.register(self.path)
        yield CorpuslintItem.from_parent(self, name="corpuslint")


class _Base(pytest.Item):
    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str | Any:
        if isinstance(excinfo.value, CorpuslintError):
            from corpuslint.reporters.text import format_finding

            err = excinfo.value
            n = len(err.findings)
            head = f"corpuslint: {n} finding{'s' if n != 1 else ''} in {err.where}"
            return "\n".join([head, *(format_finding(f) for f in err.findings)])
        return super().repr_failure(excinfo, style=style)

    def _judge(self, findings: Sequence[Finding], where: str) -> None:
        threshold = self.config.stash[_RUN_KEY].session.settings.fail_on.rank
        failing = [f for f in findings if f.severity.rank >= threshold]
        below = [f for f in findings if f.severity.rank < threshold]
        if below:
            from corpuslint.reporters.text import format_finding

            # shown with -rP, or next to the failure
            self.add_report_section("call", "corpuslint (below fail-on)", "\n".join(map(format_finding, below)))
        if failing:
            raise CorpuslintError(failing, where)


class CorpuslintItem(_Base):
    """The findings of one file's documents (per-document rules only)."""

    @property
    def display(self) -> str:
        return _display(self.config, self.path)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"[corpuslint] {self.display}"

    def runtest(self) -> None:
        run: _Run = self.config.stash[_RUN_KEY]
        run.batch(self.session)
        run.ensure([self.path])
        self._judge(run.filter_baseline(run.results[self.display].findings), self.display)


class CorpuslintStatusItem(_Base):
    """The corpus rules (e.g. duplicate documents) over every collected file."""

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, "[corpuslint] corpus"

    def runtest(self) -> None:
        run: _Run = self.config.stash[_RUN_KEY]
        run.batch(self.session)
        self._judge(run.corpus_findings(), "the corpus")


# -- the run ---------------------------------------------------------------------
@dataclass
class _Result:
    findings: list[Finding]
    #: rule code -> [(DocRef, signature)], as Engine.finalize_corpus wants them
    signatures: dict[str, list[tuple[DocRef, Any]]]
    documents: int = 0


@dataclass
class _Run:
    """State of one pytest run with --corpuslint, kept in ``config.stash``."""

    config: pytest.Config
    session: Session
    #: corpuslint_paths, or [] for the whole rootdir
    paths: list[Path]
    #: every collected corpus file, in collection order
    files: list[Path] = field(default_factory=list)
    #: display path -> result (fresh or from the cache)
    results: dict[str, _Result] = field(default_factory=dict)
    #: display paths linted in this process (the rest came from the cache)
    linted: list[str] = field(default_factory=list)
    batched: bool = False
    _engine: Engine | None = None
    _corpus: list[Finding] | None = None
    _config_hash: str | None = None
    _baseline: Counter[str] | None = None
    _resolved: list[Path] | None = None

    @classmethod
    def open(cls, config: pytest.Config) -> _Run:
        from corpuslint.config import ConfigError
        from corpuslint.session import open_session

        overrides: dict[str, Any] = {}
        select = config.getoption("corpuslint_select", None)
        if select:
            overrides["select"] = [s.strip() for s in select.split(",") if s.strip()]
        try:
            session = open_session(start=config.rootpath, overrides=overrides)
        except ConfigError as e:
            raise pytest.UsageError(f"corpuslint: {e}") from None
        for err in session.manager.load_errors:
            config.issue_config_time_warning(pytest.PytestConfigWarning(f"corpuslint: {err}"), stacklevel=2)
        return cls(config, session, list(config.getini("corpuslint_paths")))

    # -- collection --------------------------------------------------------------
    def wants(self, file_path: Path) -> bool:
        """Whether pytest should collect ``file_path`` as a corpus file."""
        from corpuslint.discover import matches

        s = self.session.settings
        if self.paths:
            real = file_path.resolve()
            named = self._named()
            if real in named:
                return not self._excluded(file_path)  # named explicitly: whatever its name
            if not any(p in real.parents for p in named):
                return False
        rel = _rel(file_path, s.root)
        return matches(s.include, file_path.name, rel) and not self._excluded(file_path)

    def _named(self) -> list[Path]:
        if self._resolved is None:
            self._resolved = [p.resolve() for p in self.paths]
        return self._resolved

    def _excluded(self, file_path: Path) -> bool:
        # the file or any folder between the config root (or rootdir) and it
        from corpuslint.discover import matches

        s = self.session.settings
        for base in (s.root, self.config.rootpath):
            try:
                parts = file_path.resolve().relative_to(base.resolve()).parts
                break
            except ValueError:
                continue
        else:
            parts = (file_path.name,)
        return any(matches(s.exclude, part, "/".join(parts[: i + 1])) for i, part in enumerate(parts))

    def register(self, path: Path) -> None:
        self.files.append(path)

    # -- linting -----------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = self.session.engine()
        return self._engine

    @property
    def config_hash(self) -> str:
        if self._config_hash is None:
            self._config_hash = self.session.config_hash()
        return self._config_hash

    def batch(self, session: pytest.Session) -> None:
        """On the first corpuslint item: lint every selected corpus file in one pass."""
        if self.batched:
            return
        self.batched = True
        # session.items is what this process may run (after -k/-m); under xdist each
        # worker does its own pass and shares it with later runs through the cache.
        selected = [it.path for it in session.items if isinstance(it, CorpuslintItem)]
        self.ensure(selected)

    def ensure(self, paths: Iterable[Path]) -> None:
        """Results for ``paths``: from the cache where the key matches, else linted now."""
        from corpuslint.discover import Discovered

        cache = getattr(self.config, "cache", None)  # None with -p no:cacheprovider
        for path in paths:
            display = _display(self.config, path)
            if display in self.results:
                continue
            key = self._cache_key(path, display) if cache is not None else None
            if cache is not None and key is not None:
                cached = _load_entry(cache.get(key, None))
                if cached is not None:
                    self.results[display] = cached
                    continue
            res = self.engine.process_file(Discovered(path, display))
            self.linted.append(display)
            self.results[display] = _Result(_sorted(res.findings), res.signatures, res.documents)  # type: ignore[arg-type]
            if cache is not None and key is not None and not res.internal_error:
                # a crash is not a result worth keeping
                entry = _dump_entry(res)
                if entry is not None:
                    cache.set(key, entry)

    def _cache_key(self, path: Path, display: str) -> str | None:
        # content, not mtime: a checkout or a touch must not invalidate, an edit must.
        # The path is part of the key because findings carry it (and per-file-ignores
        # depend on it): two copies of one text are two entries.
        h = hashlib.sha256()
        try:
            with open(path, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
        except OSError:
            return None  # let the lint report it as unreadable
        digest = hashlib.sha256(
            f"{__version__}\0{self.config_hash}\0{display}\0{h.hexdigest()}".encode()
        ).hexdigest()
        return f"{CACHE_PREFIX}/{digest}"

    def corpus_findings(self) -> list[Finding]:
        """Findings of the corpus rules over every collected file (linting what is missing)."""
        if self._corpus is None:
            from corpuslint.engine import FileResult

            self.ensure(self.files)
            results = [
                FileResult(d, signatures=r.signatures) for d, r in self.results.items()
            ]
            self._corpus = self.filter_baseline(_sorted(self.engine.finalize_corpus(results)))
        return self._corpus

    def filter_baseline(self, findings: list[Finding]) -> list[Finding]:
        baseline_path = self.session.settings.baseline
        if baseline_path is None:
            return findings
        from corpuslint.baseline import filter_baseline, read_baseline
        from corpuslint.config import ConfigError

        if self._baseline is None:
            try:
                self._baseline = read_baseline(baseline_path)
            except ConfigError as e:
                raise pytest.UsageError(f"corpuslint: {e}") from None
        # filter_baseline counts down a copy; fingerprints include the path, so
        # filtering file by file matches the CLI's one global pass
        kept, _ = filter_baseline(findings, self._baseline)
        return kept


def _display(config: pytest.Config, path: Path) -> str:
    """The path as findings and reports show it: relative to the rootdir, with /."""
    try:
        return path.relative_to(config.rootpath).as_posix()
    except ValueError:
        return os.path.normpath(path).replace(os.sep, "/")


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return path.as_posix()


def _sorted(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: f.sort_key)


# -- cache entries -----------------------------------------------------------------
# pytest's cache holds JSON. Findings go as Finding.to_dict(); corpus signatures
# are small values of any shape a rule chose, so tuples/dicts/bytes are tagged to
# come back as they were. A signature that does not survive the round trip makes
# the file uncacheable (linted every run) rather than wrong.
def _dump_entry(res: FileResult) -> dict[str, Any] | None:
    sigs: list[list[Any]] = []
    try:
        for code, pairs in res.signatures.items():
            for ref, sig in pairs:
                enc = _encode(sig)
                if _decode(enc) != sig:
                    return None
                sigs.append([code, ref.path, ref.record, enc])
    except TypeError:
        return None
    return {"documents": res.documents, "findings": [f.to_dict() for f in res.findings], "signatures": sigs}


def _load_entry(entry: Any) -> _Result | None:
    if not isinstance(entry, dict):
        return None
    from corpuslint.model import Finding
    from corpuslint.rule import DocRef

    try:
        findings = [Finding.from_dict(d) for d in entry["findings"]]
        signatures: dict[str, list[tuple[DocRef, Any]]] = {}
        for code, path, record, enc in entry["signatures"]:
            signatures.setdefault(code, []).append((DocRef(path, record), _decode(enc)))
        return _Result(_sorted(findings), signatures, int(entry["documents"]))
    except (KeyError, TypeError, ValueError):
        return None  # a damaged or foreign entry: lint again


_SCALARS = (str, int, float, bool, type(None))


def _encode(v: Any) -> Any:
    if type(v) in _SCALARS:
        return v
    if type(v) is list:
        return [_encode(x) for x in v]
    if type(v) is tuple:
        return {"t": [_encode(x) for x in v]}
    if type(v) is dict:
        return {"d": [[_encode(k), _encode(x)] for k, x in v.items()]}
    if type(v) is bytes:
        return {"b": v.hex()}
    raise TypeError(f"cannot cache a signature of type {type(v).__name__}")


def _decode(v: Any) -> Any:
    if isinstance(v, list):
        return [_decode(x) for x in v]
    if isinstance(v, dict):
        if "t" in v:
            return tuple(_decode(x) for x in v["t"])
        if "d" in v:
            return {_decode(k): _decode(x) for k, x in v["d"]}
        if "b" in v:
            return bytes.fromhex(v["b"])
        raise ValueError("unknown signature tag")
    return v


_RUN_KEY = pytest.StashKey[_Run]()
