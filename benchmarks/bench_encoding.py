"""Benchmark the encoding family against the read + decode floor (issue #3).

    python benchmarks/bench_encoding.py            # 200 MB corpus, 3 repeats
    python benchmarks/bench_encoding.py --mb 50 --repeats 5

Builds a clean UTF-8 corpus from seeds/*.txt (paragraphs shuffled and mixed,
documents of 1-32 KiB, some lines in other languages) in a temporary folder,
then times, in the same run and on one core:

  floor     read the bytes of every file and decode them as UTF-8
  encoding  the same, through corpuslint's reader (Document), plus every
            encoding rule that is on by default (``select = ENC`` minus the
            style rules that are off by default), through the engine
  rules     the rules alone, through the engine, on documents read beforehand
            (fresh ones each repeat: nothing cached from a previous pass)

It prints MB/s and documents/s (medians over the repeats) and the ratios
encoding / floor and rules / floor (the target is 2x or less). ``--dir`` takes any
folder of .txt files, e.g. the news corpus of bench_speed.py
(/tmp/corpuslint-bench-v2-10mb/files); ``--clean`` keeps only the documents without
an encoding finding (the common case the issue's fast path is about).
Never run by the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Lines in other scripts mixed into some documents, so the corpus is not only French.
EXTRA = [
    "The committee’s decision — announced late — surprised everyone.",
    "Die Größe der Straße überrascht die öffentlichen Behörden.",
    "¿Dónde está la estación de autobuses más cercana?",
    "Правительство объявило о новых мерах поддержки экономики.",
    "Η κυβέρνηση ανακοίνωσε νέα μέτρα στήριξης της οικονομίας.",
    "今天天气很好，我们去公园散步吧。",
    "Prices: €12.50, £9.99 — see https://example.com/caf%C3%A9?id=42 for details.",
]


def build_corpus(folder: Path, mb: int, seed: int) -> tuple[int, int]:
    rng = random.Random(seed)
    paragraphs: list[str] = []
    for f in sorted((ROOT / "seeds").glob("*.txt")):
        paragraphs.extend(p for p in f.read_text(encoding="utf-8").split("\n") if p.strip())
    target = mb * 1024 * 1024
    total = n = 0
    while total < target:
        size = int(rng.choice([1, 2, 4, 8, 8, 16, 32]) * 1024)
        parts: list[str] = []
        length = 0
        while length < size:
            p = rng.choice(paragraphs) if rng.random() > 0.05 else rng.choice(EXTRA)
            parts.append(p)
            length += len(p.encode()) + 1
        data = ("\n".join(parts) + "\n").encode("utf-8")
        (folder / f"{n // 1000:03d}").mkdir(exist_ok=True)
        (folder / f"{n // 1000:03d}" / f"doc{n:06d}.txt").write_bytes(data)
        total += len(data)
        n += 1
    return n, total


def files_of(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.txt"))


def run_floor(paths: list[Path]) -> float:
    t = time.perf_counter()
    for p in paths:
        with open(p, "rb") as fh:
            fh.read().decode("utf-8")
    return time.perf_counter() - t


def run_encoding(paths: list[Path], session, engine) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    from corpuslint.readers import document_from_bytes

    settings = session.settings
    active = session.ruleset.active
    findings = 0
    t = time.perf_counter()
    for p in paths:
        with open(p, "rb") as fh:
            raw = fh.read()
        doc = document_from_bytes(raw, str(p), settings)
        findings += len(engine.lint_document(doc, active)[0])
    return time.perf_counter() - t, findings


def run_rules(paths: list[Path], session, engine) -> float:  # type: ignore[no-untyped-def]
    from corpuslint.readers import document_from_bytes

    settings = session.settings
    active = session.ruleset.active
    docs = []
    for p in paths:
        with open(p, "rb") as fh:
            docs.append(document_from_bytes(fh.read(), str(p), settings))
    t = time.perf_counter()
    for doc in docs:
        engine.lint_document(doc, active)
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=int, default=200, help="corpus size in MiB (default 200)")
    ap.add_argument("--repeats", type=int, default=3, help="timed repeats; medians are reported (default 3)")
    ap.add_argument("--seed", type=int, default=3, help="corpus seed")
    ap.add_argument("--dir", help="build (or reuse) the corpus here instead of a temporary folder")
    ap.add_argument("--all-rules", action="store_true", help="also run the style rules that are off by default")
    ap.add_argument("--clean", action="store_true", help="only the documents without an encoding finding")
    args = ap.parse_args(argv)

    from corpuslint.session import open_session

    tmp = None
    if args.dir:
        folder = Path(args.dir)
        folder.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="corpuslint-bench-")
        folder = Path(tmp.name)
    try:
        if not files_of(folder):
            t = time.perf_counter()
            n, total = build_corpus(folder, args.mb, args.seed)
            print(f"built {n} documents, {total / 2**20:.0f} MiB in {time.perf_counter() - t:.1f}s", file=sys.stderr)
        paths = files_of(folder)
        # The dates plugin annotates every document whatever is selected (engine); leave it out so
        # the figure is the encoding family alone.
        session = open_session(isolated=True, entry_points=False,
                               overrides={"select": ["ENC"], "disable-plugins": ["dates"]})
        if not args.all_rules:
            session.ruleset.active = [a for a in session.ruleset.active if a.rule.enabled_by_default]
        engine = session.engine()
        codes = ",".join(a.code for a in session.ruleset.active)
        if args.clean:
            paths = [p for p in paths if not run_encoding([p], session, engine)[1]]
        size = sum(os.path.getsize(p) for p in paths)
        run_floor(paths)  # warm the page cache
        floors, encs, rules = [], [], []
        findings = 0
        for _ in range(args.repeats):
            floors.append(run_floor(paths))
            dt, findings = run_encoding(paths, session, engine)
            encs.append(dt)
            rules.append(run_rules(paths, session, engine))
        floor, enc, rule = statistics.median(floors), statistics.median(encs), statistics.median(rules)
        mib = size / 2**20
        print(f"corpus: {len(paths)} documents{' (clean)' if args.clean else ''}, {mib:.1f} MiB; rules: {codes}; "
              f"findings: {findings}")
        print(f"{'':10s} {'seconds':>8s} {'MiB/s':>8s} {'docs/s':>9s} {'µs/doc':>8s}   (one core, median of {args.repeats})")
        for name, t in (("floor", floor), ("encoding", enc), ("rules", rule)):
            print(f"{name:10s} {t:8.3f} {mib / t:8.0f} {len(paths) / t:9.0f} {t / len(paths) * 1e6:8.1f}")
        print(f"encoding / floor = {enc / floor:.2f}x, rules / floor = {rule / floor:.2f}x (target: 2x or less)")
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
