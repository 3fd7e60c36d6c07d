"""Where the time goes: each active rule's cost per document, in one process.

    python benchmarks/bench_rules.py [PATH] [--mb 5] [--select CODES] [--top 20]

Reads the documents of PATH (default: the generated corpus of benchmarks/bench_speed.py,
``--mb`` MB) first, then lints them once, timing every rule's ``check`` (or ``collect``) and
the shared per-document work apart: lines and paragraphs, the language guess, the
annotate hooks. Work that rules share through the document (a family's scan cached in
``document.facts``) is charged to the first rule that asks for it. Prints µs per
document and MB/s for each, most expensive first. Never run by the tests.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path", nargs="?")
    ap.add_argument("--mb", type=float, default=5)
    ap.add_argument("--select", help="comma-separated codes or prefixes (default: the default rules)")
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=50, help="files linted untimed first (one-time costs)")
    a = ap.parse_args()
    sys.path.insert(0, str(HERE))
    from bench_speed import corpus

    from corpuslint.session import open_session

    path = a.path or str(corpus(a.mb) / "files")
    session = open_session(isolated=True, overrides={"select": a.select.split(",")} if a.select else None)
    engine = session.engine()
    files, _ = session.discover([path])
    # one-time costs first (regexes compiled on first use, numpy imported), untimed, on
    # documents read apart: the per-document caches of the timed ones stay empty
    for f in files[: a.warmup]:
        for doc in engine.read(f):
            engine.lint_document(doc)
    spent: dict[str, float] = defaultdict(float)
    clock = time.perf_counter
    n_docs, size = 0, 0.0
    for f in files:
        for doc in engine.read(f):  # one document at a time, as the engine does (reading untimed)
            n_docs += 1
            size += len(doc.raw) / 1e6
            _lint_timed(engine, session, doc, spent, clock)
    total = sum(spent.values())
    print(f"{n_docs} documents, {size:.1f} MB: {total:.2f} s, {size / total:.2f} MB/s on one core")
    print(f"{'':<22} {'µs/doc':>8} {'MB/s':>8} {'share':>6}")
    for name, s in sorted(spent.items(), key=lambda kv: -kv[1])[: a.top]:
        print(f"{name:<22} {s / n_docs * 1e6:>8.0f} {size / s if s else 0:>8.1f} {s / total:>6.0%}")


def _lint_timed(engine: Any, session: Any, doc: Any, spent: dict[str, float], clock: Any) -> None:
    """Lint ``doc`` as Engine.lint_document does, adding each step's time to ``spent``."""
    from corpuslint.rule import CorpusRule, RuleContext

    t = clock()
    for impl in engine._annotators:
        impl.function(**{k: v for k, v in (("document", doc), ("ruleset", session.ruleset)) if k in impl.argnames})
    spent["(annotate hooks)"] += clock() - t
    t = clock()
    doc.lines, doc.line_starts, doc.paragraphs  # noqa: B018 - computed on first use
    spent["(lines, paragraphs)"] += clock() - t
    t = clock()
    doc.language  # noqa: B018
    spent["(language guess)"] += clock() - t
    for ar in session.ruleset.for_path(doc.path):
        ctx = RuleContext(doc, ar.options, ar.vocabulary)
        t = clock()
        if isinstance(ar.rule, CorpusRule):
            ar.rule.collect(doc, ctx)
        else:
            for v, base in engine._run_rule(ar.rule, doc, ctx):
                engine._finding(doc, ar, v, base)
        spent[ar.code] += clock() - t


if __name__ == "__main__":
    main()
