"""Command line: argv -> session -> engine -> reporter -> exit code.

Exit codes: 0 no finding at or above ``--fail-on``; 1 findings; 2 usage,
configuration or internal error (a crashing plugin included).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from corpuslint import __version__
from corpuslint.config import ConfigError, comma_list

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

#: findings of consecutive files reported in one go (see _lint_and_report)
_EMIT_BATCH = 256


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="corpuslint",
        usage="corpuslint [options] [PATH ...]\n       corpuslint merge [options] SHARD_DIR ...\n"
              "       corpuslint report [options] [PATH ...] -o report.html\n       corpuslint clean [DIR]",
        description="Lint text corpora: encoding accidents, duplicated passages, web-page residue, dates, quotes.",
        epilog="Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage, configuration or internal error.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to lint (default: .)")
    add_rule_arguments(p.add_argument_group("rule selection"))
    o = p.add_argument_group("output")
    o.add_argument("--format", default=None, metavar="FORMAT", help="text (default), json, jsonl, github, or a plugin's format")
    o.add_argument("-o", "--output-file", metavar="FILE", help="write the report to FILE instead of stdout")
    o.add_argument("--statistics", action="store_true", help="print counts per rule instead of each finding")
    o.add_argument("-q", "--quiet", action="store_true", help="print findings only, no summary")
    o.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour the text output")
    e = p.add_argument_group("exit code")
    e.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    e.add_argument("--fail-on", choices=("info", "warning", "error"), help="lowest severity that makes the exit code 1 (default: warning)")
    f = p.add_argument_group("fixes")
    f.add_argument("--fix", action="store_true", help="apply safe fixes in place (atomic writes)")
    f.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff, also apply unsafe fixes")
    f.add_argument("--diff", action="store_true", help="print the fixes as a unified diff instead of writing them")
    b = p.add_argument_group("baseline")
    b.add_argument("--write-baseline", action="store_true",
                   help="record all current findings in the baseline file (--baseline, the `baseline` key, "
                        "or corpuslint-baseline.json) and exit 0")
    b.add_argument("--baseline", metavar="FILE", help="report only findings not recorded in FILE")
    c = p.add_argument_group("configuration")
    c.add_argument("--config", metavar="FILE", help="use this corpuslint.toml or pyproject.toml")
    c.add_argument("--isolated", action="store_true", help="ignore all configuration files")
    c.add_argument("--no-cache", action="store_true", help="do not read or write .corpuslint_cache/")
    c.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="local processes (default) or a Ray cluster (needs corpuslint[ray])")
    c.add_argument("--ray-address", metavar="ADDR", help="Ray cluster to join (default: $RAY_ADDRESS, else a local one)")
    c.add_argument("--shard", metavar="I/N", help="lint only the I-th of N deterministic slices (0 <= I < N) and write a "
                   "shard directory; combine the shards with `corpuslint merge DIR...`")
    c.add_argument("--shard-dir", metavar="DIR", help="where --shard writes (default: corpuslint-shards/I-of-N)")
    c.add_argument("-j", "--jobs", type=int, default=None, metavar="N", help="worker processes (default: CPU count; 1 runs in-process)")
    i = p.add_argument_group("information")
    i.add_argument("--list-rules", action="store_true", help="list every rule (with --format json: as JSON)")
    i.add_argument("--explain", metavar="CODE", help="print the documentation of a rule")
    i.add_argument("--show-settings", metavar="PATH", help="print the settings that apply to PATH")
    i.add_argument("--version", action="version", version=f"corpuslint {__version__}")
    return p


def add_rule_arguments(g: Any) -> None:
    """The rule-selection flags, shared by `corpuslint` and `corpuslint report`."""
    g.add_argument("--select", type=comma_list, metavar="RULES", help="comma-separated codes, prefixes, categories or names; replaces the configured set")
    g.add_argument("--extend-select", type=comma_list, metavar="RULES", help="rules to enable on top of the configured set")
    g.add_argument("--ignore", type=comma_list, metavar="RULES", help="rules to disable (added to the configured ignore list)")
    g.add_argument("--language", metavar="LANG", help="language to assume when the guess is unsure (fr, en, de, ...)")
    g.add_argument("--exclude", type=comma_list, metavar="GLOBS", help="more globs to exclude (added to the configured list)")
    g.add_argument("--disable-plugin", action="append", default=[], metavar="NAME", help="do not load this plugin (repeatable)")


def rule_overrides(args: argparse.Namespace) -> dict[str, object]:
    """Configuration overrides from the flags of :func:`add_rule_arguments`."""
    o: dict[str, object] = {
        "select": args.select,
        "extend-select": args.extend_select,
        "ignore": args.ignore,
        "language": args.language,
        "extend-exclude": args.exclude,
    }
    if args.disable_plugin:
        o["disable-plugins"] = args.disable_plugin
    return o


def _overrides(args: argparse.Namespace) -> dict[str, object]:
    return {
        **rule_overrides(args),
        "fail-on": args.fail_on,
        "baseline": str(Path(args.baseline).resolve()) if args.baseline else None,
    }


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(list(sys.argv[1:] if argv is None else argv), own_process=argv is None)
    except ConfigError as e:
        print(f"corpuslint: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("corpuslint: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR


def _main(argv: list[str], own_process: bool = False) -> int:
    if own_process:
        # numpy's OpenBLAS starts a thread per core at import, which spins for about 0.1 s of
        # CPU although corpuslint makes no BLAS call (its numpy work is integer arrays): one
        # thread, none spinning (`corpuslint seeds/`: 0.40 -> 0.31 s of CPU). The user's own
        # setting wins; a host program calling main() keeps its BLAS as it is.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if argv[:1] == ["clean"]:
        return _clean(argv[1:])
    if argv[:1] == ["report"]:
        from corpuslint.report.cli import main as report_main

        return report_main(argv[1:])
    merging = argv[:1] == ["merge"]
    if merging:
        argv = argv[1:]
    parser = build_parser()
    args = parser.parse_args(argv)
    args.merge = merging
    from corpuslint.plugins import print_load_errors
    from corpuslint.session import open_session

    paths = args.paths or ["."]
    if args.merge and not args.paths:
        parser.error("merge needs the shard directories")
    start = Path(args.show_settings or ("." if args.merge else paths[0]))
    if args.jobs is not None and args.jobs < 1:
        parser.error("--jobs must be at least 1")
    session = open_session(
        start if start.exists() else Path.cwd(),
        config_file=Path(args.config) if args.config else None,
        isolated=args.isolated,
        overrides=_overrides(args),
    )
    print_load_errors(session.manager)
    if args.explain:
        return _explain(session, args.explain)
    if args.list_rules:
        return _list_rules(session, args.format or "text")
    if args.show_settings:
        active = [a.code for a in session.ruleset.for_path(args.show_settings)]
        data = {**session.settings.to_dict(), "active-rules": active,
                "plugins": session.manager.names(), "version": __version__}
        print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
        return EXIT_OK

    reporters: dict[str, type] = {}
    for found in reversed(session.manager.hook.corpuslint_reporters()):  # registration order: built-ins first
        for name, cls in (found or {}).items():
            reporters.setdefault(name, cls)
    fmt = args.format or "text"
    if fmt not in reporters:
        raise ConfigError(f"--format: unknown format '{fmt}' (known: {', '.join(sorted(reporters))})")

    jobs = args.jobs or os.cpu_count() or 1
    if own_process:
        # What exists now (modules, rules, plugins) lives as long as the run: the cyclic
        # collector need not walk it again at each of its passes (a cache-hit run of 10,000
        # files: 1.19 -> 1.15 s). Not when called in-process (tests, a host program): their
        # collector is theirs.
        gc.freeze()
        # A run allocates millions of short-lived objects (findings unpickled from the workers,
        # matches, tokens) and makes almost no cycles: collect the young generation every
        # 20,000 allocations instead of 700. Workers inherit it. On the 10 MB benchmark the
        # parent's CPU at --jobs 2 drops 1.0 -> 0.88 s (unpickling results was 2.7x slower
        # with the collector running at its default pace).
        gc.set_threshold(20_000, 10, 10)
    return _lint_and_report(session, args, paths, jobs, reporters[fmt])


def _lint_and_report(session: Any, args: argparse.Namespace, paths: list[str], jobs: int, reporter_cls: type) -> int:
    """Stream per-file results to the reporter; corpus-level findings come after.

    ``json`` (one array, the contract format) is fully sorted by path, line, column
    and code; the streaming formats keep file order, each file's findings sorted,
    then the corpus-level findings.
    """
    from corpuslint.baseline import DEFAULT_BASELINE, filter_baseline, read_baseline, write_baseline
    from corpuslint.cache import Cache
    from corpuslint.engine import SignatureStore
    from corpuslint.model import Severity
    from corpuslint.progress import Progress
    from corpuslint.reporters import ReportOptions, Summary

    settings = session.settings
    shard = None
    merged = None
    if args.merge:
        from corpuslint.shards import load_shards

        merged = load_shards([Path(p) for p in paths], session.config_hash())
        files, missing = [], []
    else:
        files, missing = session.discover(paths)
    if args.shard:
        from corpuslint.shards import parse_shard

        shard = parse_shard(args.shard)
    cache = None if args.no_cache else Cache(settings.root, session.config_hash())
    engine = session.engine(cache=cache, fix=args.fix, unsafe_fixes=args.unsafe_fixes, diff=args.diff, shard=shard)
    if shard is not None:
        return _write_shard(session, engine, args, files, missing, shard, jobs)
    runner = None
    if args.engine == "ray":
        if args.fix or args.diff:
            raise ConfigError("--engine ray does not apply fixes: run --fix with the local engine")
        from corpuslint.ray_engine import RayRunner

        try:
            runner = RayRunner(session, args.ray_address or os.environ.get("RAY_ADDRESS"), args.jobs)
        except RuntimeError as e:
            raise ConfigError(str(e)) from None
    known = None
    if not args.write_baseline and settings.baseline is not None and (args.baseline or settings.baseline.exists()):
        known = read_baseline(settings.baseline)
    buffer_all = args.write_baseline or args.diff or reporter_cls.__name__ == "JsonReporter"

    # a record's text may hold a lone surrogate (a JSON escape) that shows in a message, a file name
    # bytes that did not decode: such characters are written as backslash escapes, not a crash
    out: TextIO = (open(args.output_file, "w", encoding="utf-8", errors="backslashreplace")  # noqa: SIM115
                   if args.output_file else sys.stdout)
    close = bool(args.output_file)
    stdout_errors = _escape_unencodable(sys.stdout)
    color = args.color == "always" or (args.color == "auto" and not close and out.isatty() and "NO_COLOR" not in os.environ)
    reporter = reporter_cls(out, ReportOptions(color=color, statistics=args.statistics, quiet=args.quiet))
    summary = Summary(files=merged.files if merged else len(files))
    threshold = settings.fail_on.rank
    rank = {s: s.rank for s in Severity}
    failing = False
    internal = False
    buffered: list[Any] = []
    diffs: list[str] = []
    # corpus-rule signatures, kept compact until the corpus phase (no per-file copies)
    signatures = SignatureStore()
    progress = Progress(0, enabled=None if not args.quiet else False)
    sizes: dict[str, int] = {}
    if progress.enabled:  # the files' sizes (discovery's, a stat each where it had none) for a progress line
        sizes = {f.display: f.size if f.size >= 0 else _size(f.path) for f in files}
        progress.total = max(sum(sizes.values()), 1)

    pending: list[Any] = []  # findings of the files since the last flush
    flushed = time.monotonic()

    def flush() -> None:
        """Emit the pending findings (handed over first: never emitted twice)."""
        nonlocal pending, flushed
        batch, pending, flushed = pending, [], time.monotonic()
        emit(batch)

    def emit(findings: list[Any]) -> None:
        nonlocal failing
        if known is not None:
            findings, hidden = filter_baseline(findings, known)
            summary.baselined += hidden
        if not findings:
            return
        # counted a list at a time (Counter.update counts in C): with every core linting,
        # this process's time is the scarce one
        keys = [(f.code, f.name) for f in findings]
        summary.findings += len(findings)
        summary.by_rule.update(keys)
        summary.by_category.update(f.category for f in findings)
        summary.category_of.update((f.code, f.category) for f in findings)
        # findings arrive a file (or the corpus phase) at a time: distinct documents per rule
        summary.documents_by_rule.update(k for k, _, _ in {(k, f.path, f.record) for k, f in zip(keys, findings)})
        summary.fixable.update(k for k, f in zip(keys, findings)
                               if f.fix is not None and (f.fix.safe or args.unsafe_fixes))
        if not failing:
            failing = any(rank[f.severity] >= threshold for f in findings)
        if buffer_all:
            buffered.extend(findings)
        else:
            reporter.report_all(findings)

    try:
        if not buffer_all:
            reporter.start()
        if merged:
            results: Any = merged.results
        elif runner is not None:
            results = runner.iter_results(files)
        else:
            results = engine.iter_results(files, jobs)
        # findings reported a few files at a time (the summary's counting has a cost per
        # call: a re-run over 10,000 cached files is mostly this loop), at most 0.1 s late
        try:
            for res in results:
                summary.documents += res.documents
                summary.bytes += res.bytes
                summary.fixed += res.fixed
                internal |= res.internal_error
                if res.diff:
                    diffs.append(res.diff)
                signatures.add(res.signatures)
                if progress.enabled:
                    progress.update(sizes.get(res.display, 0), res.documents, res.bytes)
                if res.findings:
                    pending.extend(res.findings)
                if pending and (len(pending) >= _EMIT_BATCH or time.monotonic() - flushed >= 0.1):
                    flush()
        except BaseException:  # an interrupted run still reports what it found
            with contextlib.suppress(Exception):
                flush()
            raise
        flush()
        progress.close()
        if merged:
            signatures = SignatureStore.of(merged.signatures)
            internal |= merged.internal_error
            engine._paths = merged.paths
        late = runner.finalize_corpus() if runner is not None else engine.finalize_corpus(signatures)
        late.extend(engine._unreadable(m.display, m.reason) for m in missing)
        if merged:
            late.extend(engine._unreadable(display, reason) for display, reason in merged.missing)
        internal |= any(f.code == "CL001" for f in late)
        emit(sorted(late, key=lambda f: f.sort_key))
        if args.write_baseline:
            target = settings.baseline or Path(DEFAULT_BASELINE)
            n = write_baseline(target, buffered)
            print(f"corpuslint: wrote {n} finding{'s' if n != 1 else ''} to {target}", file=sys.stderr)
            return EXIT_OK
        if args.diff:
            for d in diffs:
                sys.stdout.write(d)
            return EXIT_FINDINGS if diffs and not args.exit_zero else EXIT_OK
        if buffer_all:
            reporter.start()
            reporter.report_all(sorted(buffered, key=lambda f: f.sort_key))
        reporter.finish(summary)
    finally:
        if close:
            out.close()
        if stdout_errors is not None:
            with contextlib.suppress(Exception):
                sys.stdout.reconfigure(errors=stdout_errors)  # type: ignore[union-attr]
    if internal:
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_OK
    return EXIT_FINDINGS if failing else EXIT_OK


def _escape_unencodable(stream: Any) -> str | None:
    """Make ``stream`` write the characters its encoding cannot hold as backslash escapes
    (``\\ud800``, as a JSON string would); its previous error handler, or None if unchanged."""
    errors = getattr(stream, "errors", None)
    if not isinstance(errors, str) or errors == "backslashreplace" or not hasattr(stream, "reconfigure"):
        return None
    try:
        stream.reconfigure(errors="backslashreplace")
    except Exception:  # noqa: BLE001 - a stream that cannot: left as it is
        return None
    return errors


def _write_shard(session: Any, engine: Any, args: argparse.Namespace, files: list[Any], missing: list[Any],
                 shard: tuple[int, int], jobs: int) -> int:
    from corpuslint.shards import ShardWriter

    folder = Path(args.shard_dir or f"corpuslint-shards/{shard[0]}-of-{shard[1]}")
    writer = ShardWriter(folder, shard, session.config_hash())
    writer.missing = [(m.display, m.reason) for m in missing]
    for res in engine.iter_results(files, jobs):
        writer.add(res)
    writer.close(files)
    print(f"corpuslint: shard {shard[0]}/{shard[1]}: {writer.documents} documents -> {folder}", file=sys.stderr)
    return EXIT_ERROR if writer.internal_error else EXIT_OK


def _size(path: Path | None) -> int:
    try:
        return path.stat().st_size if path is not None else 0
    except OSError:
        return 0


def _clean(argv: list[str]) -> int:
    """`corpuslint clean [DIR]`: delete the cache of the project at DIR (default: .)."""
    from corpuslint.cache import CACHE_DIR, clean
    from corpuslint.config import find_config

    start = Path(argv[0]) if argv else Path.cwd()
    source, _ = find_config(start)
    root = source.parent if source else start
    removed = clean(root)
    print(f"corpuslint: {'removed' if removed else 'no'} {root / CACHE_DIR}", file=sys.stderr)
    return EXIT_OK


def _explain(session: object, code: str) -> int:
    from corpuslint.ruledocs import explain

    rules = session.ruleset.rules  # type: ignore[attr-defined]
    rule = rules.get(code.upper()) or next((r for r in rules.values() if r.name == code), None)
    if rule is None:
        raise ConfigError(f"--explain: no rule with code or name '{code}'")
    print(explain(rule))
    return EXIT_OK


def _list_rules(session: object, fmt: str) -> int:
    ruleset = session.ruleset  # type: ignore[attr-defined]
    active = {a.code: a for a in ruleset.active}
    rules = sorted(ruleset.rules.values(), key=lambda r: r.code)
    if fmt == "json":
        data = [
            {
                "code": r.code,
                "name": r.name,
                "category": r.category,
                "severity": (active[r.code].severity if r.code in active else r.severity).value,
                "enabled": r.code in active,
                "fixable": r.fixable,
                "plugin": r.plugin,
                "summary": r.summary,
            }
            for r in rules
        ]
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return EXIT_OK
    for r in rules:
        on = "on " if r.code in active else "off"
        sev = (active[r.code].severity if r.code in active else r.severity).value
        fx = "fix" if r.fixable else "   "
        print(f"{r.code}  {on}  {sev:<7}  {fx}  {r.name:<26} {r.summary}")
    return EXIT_OK

