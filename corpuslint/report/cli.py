"""``corpuslint report PATH... -o report.html``: the corpus health report (issue #8).

Exit codes: 0 the report was written; 2 usage or configuration error, or a plugin
crashed during the run (the report is written all the same, CL001 findings in it).
Findings never change the exit code: the report is a summary, not a gate.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from corpuslint.cli import add_rule_arguments, rule_overrides
from corpuslint.config import ConfigError, read_json

__all__ = ["build_parser", "main"]

EXIT_OK, EXIT_ERROR = 0, 2
DEFAULT_HTML = "corpuslint-report.html"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="corpuslint report",
        description="Summarize a corpus's findings: counts per rule, source and language, histograms, "
                    "boilerplate lines, duplicate clusters, the worst documents with excerpts. One self-contained "
                    "HTML page (charts need matplotlib: pip install 'corpuslint[report]'), or JSON.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to lint (default: .)")
    o = p.add_argument_group("output")
    o.add_argument("-o", "--output-file", metavar="FILE",
                   help=f"where to write the report (default: {DEFAULT_HTML} for html, stdout for json)")
    o.add_argument("--format", choices=("html", "json"), default="html", help="html (default) or json: the same summary")
    o.add_argument("--title", help="title of the report")
    o.add_argument("--from-json", metavar="FILE", help="render a summary written earlier with --format json (no lint)")
    o.add_argument("-q", "--quiet", action="store_true", help="no progress, no message")
    c = p.add_argument_group("comparison")
    c.add_argument("--baseline", metavar="FILE", help="a corpuslint-baseline.json: count new and fixed findings since")
    c.add_argument("--compare", metavar="OLD.json",
                   help="a previous report (--format json) or `corpuslint --statistics --format json` output")
    s = p.add_argument_group("size of the report")
    s.add_argument("--examples", type=int, default=5, metavar="N", help="examples per rule (default: 5)")
    s.add_argument("--worst", type=int, default=20, metavar="N", help="worst documents shown (default: 20)")
    s.add_argument("--top", type=int, default=40, metavar="N", help="sources listed, the others grouped (default: 40)")
    s.add_argument("--repetition-scores", action=argparse.BooleanOptionalAction, default=None,
                   help="histograms of the Gopher repetition scores (default: when DUP003 is enabled; as costly)")
    r = p.add_argument_group("rules and configuration (as for corpuslint)")
    add_rule_arguments(r)
    r.add_argument("--config", metavar="FILE", help="use this corpuslint.toml or pyproject.toml")
    r.add_argument("--isolated", action="store_true", help="ignore all configuration files")
    r.add_argument("--no-cache", action="store_true", help="do not read or write .corpuslint_cache/")
    r.add_argument("-j", "--jobs", type=int, default=None, metavar="N", help="worker processes (default: CPU count)")
    return p


def main(argv: list[str]) -> int:
    """Entry point of ``corpuslint report`` (``argv`` without the ``report`` word)."""
    try:
        return _main(argv)
    except ConfigError as e:
        print(f"corpuslint: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("corpuslint: interrupted", file=sys.stderr)
        return 130


def _main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.jobs is not None and args.jobs < 1:
        parser.error("--jobs must be at least 1")
    if args.baseline and args.compare:
        parser.error("--baseline and --compare are exclusive")
    for name in ("examples", "worst", "top"):
        if getattr(args, name) < 0:
            parser.error(f"--{name} must not be negative")

    internal = False
    if args.from_json:
        summary = _read_summary(Path(args.from_json))
    else:
        summary = _lint(args)
        internal = bool(summary["totals"].get("internal_error"))
    _write(args, summary)
    if internal:
        print("corpuslint: a plugin crashed during the run (CL001 findings in the report)", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


def _lint(args: argparse.Namespace) -> dict:
    from corpuslint.plugins import print_load_errors
    from corpuslint.report.collect import ReportLimits, build_report
    from corpuslint.report.compare import load_previous
    from corpuslint.session import open_session

    paths = args.paths or ["."]
    overrides = rule_overrides(args)
    start = Path(paths[0])
    session = open_session(
        start if start.exists() else Path.cwd(),
        config_file=Path(args.config) if args.config else None,
        isolated=args.isolated,
        overrides=overrides,
    )
    print_load_errors(session.manager)
    previous = load_previous(Path(args.compare)) if args.compare else None
    limits = ReportLimits(examples_per_rule=args.examples, worst_documents=args.worst, sources=args.top)
    return build_report(
        session, paths,
        jobs=args.jobs or os.cpu_count() or 1,
        use_cache=not args.no_cache,
        limits=limits,
        baseline=Path(args.baseline) if args.baseline else None,
        compare=previous,
        compare_name=args.compare,
        repetition=args.repetition_scores,
        title=args.title,
        progress=False if args.quiet else None,
    )


def _read_summary(path: Path) -> dict:
    from corpuslint.report.collect import SCHEMA_VERSION

    data = read_json(path)
    if not isinstance(data, dict) or data.get("tool") != "corpuslint" or data.get("version") != SCHEMA_VERSION:
        raise ConfigError(f"{path}: not a corpuslint report summary (version {SCHEMA_VERSION})")
    return data


def _write(args: argparse.Namespace, summary: dict) -> None:
    if args.format == "json":
        text = json.dumps(summary, ensure_ascii=False, indent=1) + "\n"
        target = args.output_file
    else:
        from corpuslint.report import charts
        from corpuslint.report.html import render_html

        note = None
        drawn: dict[str, str] = {}
        if charts.available():
            drawn = charts.draw_all(summary)
        else:
            note = "Charts need matplotlib: pip install 'corpuslint[report]'. The tables hold the same numbers."
            if not args.quiet:
                print(f"corpuslint: {note}", file=sys.stderr)
        text = render_html(summary, drawn, note)
        target = args.output_file or DEFAULT_HTML
    if target is None or target == "-":
        sys.stdout.write(text)
        return
    out = Path(target)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)
    if not args.quiet:
        t = summary["totals"]
        print(f"corpuslint: wrote {out} ({len(text.encode()) / 1e3:,.0f} kB): {t['documents']:,} documents, "
              f"{t['findings']:,} findings", file=sys.stderr)


if __name__ == "__main__":  # python -m corpuslint.report.cli
    sys.exit(main(sys.argv[1:]))
