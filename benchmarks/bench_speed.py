"""Throughput of corpuslint: each family alone and the default set, against the read+decode floor.

    python benchmarks/bench_speed.py [--mb 10] [--repeat 3] [--format files|jsonl.gz] [--jobs 1 2]

Generates (once, cached under /tmp) a corpus from the seeds with benchmarks/corpus_gen.py, then runs
`corpuslint` as a subprocess for each configuration, `--repeat` times, and prints the median wall
time, MB/s and documents/s per core, and peak RSS. The floor is a Python process that reads and
decodes the same bytes (for JSONL: decompress, split lines, parse JSON) measured in the same run.
Run on demand; never part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FAMILIES = {"encoding": "ENC", "duplication": "DUP", "residue": "RES", "date": "DAT", "quotes": "QUO"}

FLOOR = r"""
import gzip, json, os, sys
p = sys.argv[1]
n = b = 0
if p.endswith(".jsonl.gz"):
    with gzip.open(p, "rb") as fh:
        for line in fh:
            t = json.loads(line)["text"]; n += 1; b += len(t.encode())
else:
    for d, _, fs in os.walk(p):
        for f in fs:
            raw = open(os.path.join(d, f), "rb").read(); raw.decode("utf-8"); n += 1; b += len(raw)
print(n, b)
"""


def corpus(mb: float) -> Path:
    out = Path(f"/tmp/corpuslint-bench-{mb:g}mb")
    if not (out / "manifest.jsonl").exists():
        subprocess.run([sys.executable, str(HERE / "corpus_gen.py"), str(out), "--mb", str(mb)], check=True)
    return out


def timed(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of this one child (its workers are counted apart)."""
    import tempfile

    with tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            err.seek(0)
            raise SystemExit(f"{cmd} failed ({code}): {err.read()[-500:].decode(errors='replace')}")
    return wall, usage.ru_maxrss


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--format", choices=("files", "jsonl.gz"), default="files")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--only", nargs="*", help="configurations to run (floor, encoding, ..., all)")
    a = ap.parse_args()
    root = corpus(a.mb)
    target = str(root / "files") if a.format == "files" else str(root / "corpus.jsonl.gz")
    n_docs, n_bytes = (int(x) for x in subprocess.run([sys.executable, "-c", FLOOR, target], capture_output=True,
                                                      text=True, check=True).stdout.split())
    mb = n_bytes / 1e6
    cl = [sys.executable, "-m", "corpuslint", "--isolated", "--no-cache", "--format", "jsonl", "-q"]
    configs: list[tuple[str, list[str], int]] = [("floor (read+decode)", [sys.executable, "-c", FLOOR, target], 1)]
    for fam, prefix in FAMILIES.items():
        configs.append((f"{fam} only", [*cl, "-j1", "--select", prefix, target], 1))
    for j in a.jobs:
        configs.append((f"default rules, --jobs {j}", [*cl, f"-j{j}", target], j))
    if a.only:
        configs = [c for c in configs if any(o in c[0] for o in a.only)]
    print(f"corpus: {target}: {n_docs} documents, {mb:.1f} MB of text; median of {a.repeat} runs; "
          f"{os.cpu_count()} CPUs")
    print(f"{'configuration':<28} {'wall s':>8} {'MB/s':>8} {'MB/s/core':>10} {'docs/s/core':>12} {'peak RSS MB':>12}")
    rows = {}
    for name, cmd, cores in configs:
        walls, peaks = [], []
        for _ in range(a.repeat):
            w, peak = timed(cmd)
            walls.append(w)
            peaks.append(peak)
        w = statistics.median(walls)
        rows[name] = w
        print(f"{name:<28} {w:>8.2f} {mb / w:>8.1f} {mb / w / cores:>10.2f} {n_docs / w / cores:>12.0f} "
              f"{max(peaks) / 1024:>12.0f}")
    if len(a.jobs) >= 2 and all(f"default rules, --jobs {j}" in rows for j in a.jobs[:2]):
        j1, j2 = a.jobs[:2]
        print(f"speed-up --jobs {j2} vs --jobs {j1}: {rows[f'default rules, --jobs {j1}'] / rows[f'default rules, --jobs {j2}']:.2f}x")
    print(json.dumps({k: round(v, 3) for k, v in rows.items()}))


if __name__ == "__main__":
    main()
