"""Throughput of the residue family, per core: ``python benchmarks/bench_residue.py [PATH ...]``.

Lints every document of the given files or folders (default: ``seeds/``,
``tests/residue_corpus/`` and ``tests/fp_corpus/``; ``--news`` for the news-like
corpus of ``benchmarks/corpus_gen.py``, generated once under /tmp) with the residue
rules only (all packs loaded, compiled once), in one process, repeating the set until
at least ``--mb`` megabytes were checked, and prints MB/s twice: with the document's
shared views (lines, script, language guess), which the residue rules are the first to
ask for here but which any other family would compute as well, and without them (the
rules' own cost). Reading and decoding are done once, before the clock starts. CPU time
of this process; ``--repeat`` runs and their median. Run on demand, never in the test
suite (issue #5: residue checks must stay cheap).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpuslint.model import Document  # noqa: E402
from corpuslint.session import open_session  # noqa: E402

DEFAULT = ["seeds", "tests/residue_corpus", "tests/fp_corpus"]


def fresh(doc: Document) -> Document:
    """A copy without cached views, so each pass pays for lines, scripts and languages."""
    return Document(path=doc.path, raw=doc.raw, text=doc.text, encoding=doc.encoding, metadata=doc.metadata)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", default=DEFAULT)
    ap.add_argument("--mb", type=float, default=20.0, help="megabytes to check in total (default 20)")
    ap.add_argument("--select", default="residue", help="rule selector (default: the residue category)")
    ap.add_argument("--per-rule", action="store_true", help="also time each rule alone (one pass)")
    ap.add_argument("--news", action="store_true", help="the news-like corpus of corpus_gen.py (10 MB) instead of PATHs")
    ap.add_argument("--repeat", type=int, default=1, help="timed runs; the median is printed (default 1)")
    a = ap.parse_args(argv)
    if a.news:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from bench_speed import corpus

        a.paths = [str(corpus(10) / "files")]
    # only the residue family: the other plugins (their annotators too) would be timed as well
    others = ["encoding", "duplication", "dates", "quotes"]
    session = open_session(
        isolated=True, entry_points=False, overrides={"select": [a.select], "disable-plugins": others}
    )
    files, _ = session.discover([str(ROOT / p) if not Path(p).is_absolute() else p for p in a.paths])
    engine = session.engine()
    docs = [d for f in files for d in engine.read(f)]
    size = sum(len(d.text.encode()) for d in docs)
    if not size:
        print("no documents", file=sys.stderr)
        return 2
    codes = ", ".join(ar.code for ar in session.ruleset.active)
    packs = sum(1 for p in session.ruleset.packs if "residue" in p.path.parts)
    with_views, rules_only = [], []
    for _ in range(a.repeat):
        for views, rates in ((True, with_views), (False, rules_only)):
            done = 0
            dt = 0.0
            while done < a.mb * 1e6:
                copies = [fresh(d) for d in docs]
                if not views:
                    for d in copies:  # computed before the clock: not the rules' cost
                        d.lines, d.line_starts, d.script, d.language_guess  # noqa: B018
                t0 = time.process_time()
                for d in copies:
                    engine.lint_document(d)
                dt += time.process_time() - t0
                done += size
            rates.append(done / 1e6 / dt)
    print(f"rules: {codes}")
    print(f"residue packs: {packs}; documents: {len(docs)} ({size / 1e6:.2f} MB per pass)")
    runs = f"median of {a.repeat} runs of {a.mb:g} MB" if a.repeat > 1 else f"{a.mb:g} MB"
    print(f"{runs}, CPU time: {statistics.median(with_views):.2f} MB/s per core with the shared views, "
          f"{statistics.median(rules_only):.2f} MB/s per core for the rules alone")
    if a.per_rule:
        from corpuslint.rule import CorpusRule, RuleContext

        for ar in session.ruleset.active:
            copies = [fresh(d) for d in docs]
            for d in copies:  # shared views (lines, script, language) are not the rule's cost
                d.lines, d.line_starts, d.script, d.language_guess  # noqa: B018
            t1 = time.process_time()
            for d in copies:
                ctx = RuleContext(d, ar.options, ar.vocabulary)
                if isinstance(ar.rule, CorpusRule):
                    ar.rule.collect(d, ctx)
                else:
                    for _ in engine._run_rule(ar.rule, d, ctx):
                        pass
            print(f"  {ar.code} {ar.rule.name:28} {size / 1e6 / (time.process_time() - t1):8.2f} MB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
