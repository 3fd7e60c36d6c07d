"""Throughput of corpuslint: each family alone and the default set, against the read+decode floor.

    python benchmarks/bench_speed.py [--mb 10] [--repeat 3] [--format files|jsonl.gz] [--jobs 1 2]
                                     [--family-rules default|all] [--cache-files 10000]

Generates (once, cached under /tmp) a corpus from the seeds with benchmarks/corpus_gen.py, then runs
`corpuslint` as a subprocess for each configuration, `--repeat` times, and prints the median wall
time, MB/s and documents/s per core, and peak RSS. The floor is a Python process that reads and
decodes the same bytes (for JSONL: decompress, split lines, parse JSON) measured in the same run.

A family alone runs its default rules (`--family-rules all`: every rule of the family, the
off-by-default ones too, as `--select DUP` does). "startup" is corpuslint on an empty folder
(interpreter, imports, plugins, packs): the "net" columns subtract it, which is what a
bigger corpus would see. `--cache-files N` also measures the result cache: a corpus of N files
linted with the default rules twice (`--jobs` default), the second run over the unchanged corpus.
The configurations run in rounds (one run of each per round), so that a shared machine's drift
moves them alike. Run on demand; never part of the test suite. The machine is shared: compare
runs of one session.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
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

#: the default rules of each family, from the corpuslint being measured (its own subprocess)
DEFAULT_CODES = r"""
import json
from corpuslint.session import open_session
s = open_session(isolated=True)
print(json.dumps([a.code for a in s.ruleset.active]))
"""


def corpus(mb: float) -> Path:
    out = Path(f"/tmp/corpuslint-bench-v2-{mb:g}mb")  # v2: no unplanned repeats
    if not (out / "manifest.jsonl").exists():
        subprocess.run([sys.executable, str(HERE / "corpus_gen.py"), str(out), "--mb", str(mb)], check=True)
    return out


def many_files(n: int) -> Path:
    """A corpus of ``n`` files (about 3.4 KB each), for the cache measurement."""
    out = Path(f"/tmp/corpuslint-bench-v2-files-{n}")
    if not (out / "done").exists():
        sys.path.insert(0, str(HERE))
        from corpus_gen import documents

        shutil.rmtree(out, ignore_errors=True)
        for k, (doc_id, text, _) in enumerate(documents(1 << 40)):
            if k == n:
                break
            sub = out / "files" / doc_id[-3:]
            sub.mkdir(parents=True, exist_ok=True)
            (sub / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        (out / "done").write_text("")
    return out / "files"


#: the children may write and use bytecode caches (__pycache__), as an installed corpuslint
#: does (pip compiles it at install): without them every start compiles corpuslint's modules
#: (about 0.1 s), which a development checkout with PYTHONDONTWRITEBYTECODE=1 would time
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], cwd: str | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of this one child (its workers are counted apart)."""
    with tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, cwd=cwd, env=CHILD_ENV)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            err.seek(0)
            raise SystemExit(f"{cmd} failed ({code}): {err.read()[-500:].decode(errors='replace')}")
    return wall, usage.ru_maxrss


def median_of(cmd: list[str], repeat: int, cwd: str | None = None, before: list[str] | None = None) -> tuple[float, int]:
    walls, peaks = [], []
    for _ in range(repeat):
        if before:
            shutil.rmtree(before[0], ignore_errors=True)
        w, peak = timed(cmd, cwd)
        walls.append(w)
        peaks.append(peak)
    return statistics.median(walls), max(peaks)


def cache_runs(n_files: int, repeat: int, cl: list[str]) -> dict[str, float]:
    """Median wall of a first run (empty cache) and of a second run over the unchanged corpus."""
    target = str(many_files(n_files))
    with tempfile.TemporaryDirectory() as cwd:
        cmd = [*[c for c in cl if c != "--no-cache"], target]
        cache = os.path.join(cwd, ".corpuslint_cache")
        first, _ = median_of(cmd, repeat, cwd, before=[cache])
        timed(cmd, cwd)  # make sure the cache is full
        second, _ = median_of(cmd, repeat, cwd)
    return {"first": first, "second": second}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--format", choices=("files", "jsonl.gz"), default="files")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--family-rules", choices=("default", "all"), default="default")
    ap.add_argument("--cache-files", type=int, default=0, help="also measure the cache on a corpus of N files")
    ap.add_argument("--only", nargs="*", help="configurations to run (floor, startup, encoding, ..., default)")
    a = ap.parse_args()
    root = corpus(a.mb)
    target = str(root / "files") if a.format == "files" else str(root / "corpus.jsonl.gz")
    n_docs, n_bytes = (int(x) for x in subprocess.run([sys.executable, "-c", FLOOR, target], capture_output=True,
                                                      text=True, check=True).stdout.split())
    mb = n_bytes / 1e6
    active = json.loads(subprocess.run([sys.executable, "-c", DEFAULT_CODES], capture_output=True, text=True,
                                       check=True).stdout)
    cl = [sys.executable, "-m", "corpuslint", "--isolated", "--no-cache", "--format", "jsonl", "-q"]
    empty = tempfile.mkdtemp()
    configs: list[tuple[str, list[str], int]] = [
        ("floor (read+decode)", [sys.executable, "-c", FLOOR, target], 1),
        ("floor startup (empty)", [sys.executable, "-c", FLOOR, empty], 1),  # its interpreter and imports
        ("startup (empty folder)", [*cl, "-j1", empty], 1),
    ]
    for fam, prefix in FAMILIES.items():
        codes = prefix if a.family_rules == "all" else ",".join(c for c in active if c.startswith(prefix))
        configs.append((f"{fam} only", [*cl, "-j1", "--select", codes, target], 1))
    for j in a.jobs:
        configs.append((f"default rules, --jobs {j}", [*cl, f"-j{j}", target], j))
    if a.only:
        configs = [c for c in configs if any(o in c[0] for o in a.only)]
    print(f"corpus: {target}: {n_docs} documents, {mb:.1f} MB of text; median of {a.repeat} runs; "
          f"{os.cpu_count()} CPUs; family runs: {a.family_rules} rules")
    print(f"{'configuration':<28} {'wall s':>7} {'MB/s/core':>10} {'net MB/s/core':>14} {'docs/s/core':>12} "
          f"{'peak RSS MB':>12}")
    # the configurations run in rounds, one run of each per round: a shared machine that slows
    # down or speeds up halfway moves every configuration's median alike (the ratios hold)
    walls: dict[str, list[float]] = {name: [] for name, _, _ in configs}
    peaks: dict[str, int] = {name: 0 for name, _, _ in configs}
    for _ in range(a.repeat):
        for name, cmd, _ in configs:
            w, peak = timed(cmd)
            walls[name].append(w)
            peaks[name] = max(peaks[name], peak)
    rows: dict[str, float] = {}
    def median_of(prefix: str) -> float:
        return next((statistics.median(v) for k, v in walls.items() if k.startswith(prefix)), 0.0)

    startup, floor_startup = median_of("startup"), median_of("floor startup")
    for name, _, cores in configs:
        w, peak = statistics.median(walls[name]), peaks[name]
        rows[name] = w
        net = w - (floor_startup if name.startswith("floor (") else startup)
        if name.startswith(("startup", "floor startup")):
            net = w
        net_rate = f"{mb / net / cores:>14.2f}" if net > 0 and not name.startswith("startup") else f"{'':>14}"
        print(f"{name:<28} {w:>7.2f} {mb / w / cores:>10.2f} {net_rate} {n_docs / w / cores:>12.0f} "
              f"{peak / 1024:>12.0f}")
    floor = rows.get("floor (read+decode)")
    enc = rows.get("encoding only")
    if floor and enc:
        # net of both startups: the floor's interpreter start is 20-30% of its time on 10 MB
        print(f"encoding vs read+decode: {enc / floor:.1f}x the floor's time; net of corpuslint's startup: "
              f"{(enc - startup) / floor:.1f}x; net of both startups: {(enc - startup) / (floor - floor_startup):.1f}x")
    j1, j2 = (f"default rules, --jobs {j}" for j in (a.jobs + a.jobs)[:2])
    if j1 in rows and j2 in rows and j1 != j2:
        per_round = statistics.median(x / y for x, y in zip(walls[j1], walls[j2]))
        print(f"speed-up {j2} vs {j1}: {rows[j1] / rows[j2]:.2f}x (net of startup: "
              f"{(rows[j1] - startup) / (rows[j2] - startup):.2f}x; median of the rounds' ratios: {per_round:.2f}x)")
    if a.cache_files:
        c = cache_runs(a.cache_files, a.repeat, [*cl])
        rows.update({f"cache: first run, {a.cache_files} files": c["first"],
                     f"cache: second run, {a.cache_files} files": c["second"]})
        print(f"cache, {a.cache_files} files, default rules and jobs: first run {c['first']:.2f} s, second run "
              f"{c['second']:.2f} s ({c['second'] / c['first']:.1%} of the first)")
    print(json.dumps({k: round(v, 3) for k, v in rows.items()}))


if __name__ == "__main__":
    main()
