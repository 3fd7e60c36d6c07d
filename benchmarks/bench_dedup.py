"""Duplication at scale: a synthetic corpus of short documents with planted near-duplicates.

    python benchmarks/bench_dedup.py WORKDIR [--docs 1000000] [--select DUP1] [--split 0]

Writes WORKDIR/corpus.jsonl (one JSON record per document; the planted pairs in
WORKDIR/planted.jsonl), runs ``corpuslint --select DUP1 --format jsonl`` on it under
``/usr/bin/time -v`` (falling back to ``resource.getrusage``), and prints wall time,
peak RSS, the corpus size and the recall of the planted near-duplicate and exact
pairs. ``--split N`` writes N files instead of one, to measure the parallel path
(the engine gives one file to one worker). Never run by the tests: it takes minutes.

The documents are random word sequences drawn from the seed articles' vocabulary
with Zipf-like frequencies, cut into sentences, 30-90 words long: two random
documents share almost no word 5-gram, so every near-duplicate is a planted one.
A near-duplicate is an earlier document with 1-3 word edits, kept only if the
true Jaccard similarity of word 5-grams is at least 0.8; an exact copy may differ
in case and spacing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def vocabulary() -> list[str]:
    words: dict[str, int] = {}
    for f in sorted((ROOT / "seeds").glob("*.txt")):
        for w in re.findall(r"[^\W\d_]{2,}", f.read_text(encoding="utf-8")):
            words[w.lower()] = words.get(w.lower(), 0) + 1
    return sorted(words, key=lambda w: (-words[w], w))


def jaccard(a: str, b: str, n: int = 5) -> float:
    from corpuslint.families.duplication import normalize_for_dup

    def grams(t: str) -> set[tuple[str, ...]]:
        w = normalize_for_dup(t).split()
        return set(zip(*(w[k:] for k in range(n))))

    ga, gb = grams(a), grams(b)
    return len(ga & gb) / len(ga | gb)


def generate(out: Path, n_docs: int, split: int, seed: int = 7, near_rate: float = 0.01, exact_rate: float = 0.005) -> dict[str, int]:
    rng = random.Random(seed)
    vocab = vocabulary()
    cum = list(accumulate(1.0 / (r + 10) for r in range(len(vocab))))  # Zipf-like, flattened head
    names = [f"corpus-{k:02d}.jsonl" for k in range(split)] if split else ["corpus.jsonl"]
    fhs = [open(out / name, "w", encoding="utf-8") for name in names]  # noqa: SIM115 - closed below
    recent: list[tuple[str, str, str]] = []  # (file, id, text) of recent originals
    planted = open(out / "planted.jsonl", "w", encoding="utf-8")  # noqa: SIM115 - closed below
    counts = {"documents": 0, "near": 0, "exact": 0, "bytes": 0}
    for i in range(n_docs):
        doc_id = f"d{i:07d}"
        fname = names[i % len(names)]
        r = rng.random()
        text = None
        if recent and r < near_rate + exact_rate:
            ofile, oid, otext = rng.choice(recent)
            if r < near_rate:
                words = otext.split(" ")
                for _ in range(5):
                    w = list(words)
                    for p in rng.sample(range(len(w)), rng.randint(1, 3)):
                        w[p] = rng.choices(vocab, cum_weights=cum)[0]
                    cand = " ".join(w)
                    if 0.8 <= jaccard(otext, cand) < 1.0:
                        text, kind = cand, "near"
                        break
            else:
                text, kind = otext.upper() if rng.random() < 0.5 else otext.replace(" ", "  ", 2), "exact"
            if text is not None:
                counts[kind] += 1
                planted.write(json.dumps({"kind": kind, "copy": [fname, doc_id], "of": [ofile, oid]}) + "\n")
        if text is None:
            words = rng.choices(vocab, cum_weights=cum, k=rng.randint(30, 90))
            cuts = sorted(rng.sample(range(5, len(words) - 1), len(words) // 15))
            for c in cuts:
                words[c] += "."
            words[0] = words[0].capitalize()
            text = " ".join(words) + "."
            recent.append((fname, doc_id, text))
            if len(recent) > 5000:
                recent.pop(rng.randrange(len(recent)))
        line = json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n"
        counts["bytes"] += len(line.encode("utf-8"))
        fhs[i % len(fhs)].write(line)
        counts["documents"] += 1
    for fh in fhs:
        fh.close()
    planted.close()
    return counts


def run(out: Path, select: str, jobs: int) -> tuple[float, int, Path]:
    result = out / "findings.jsonl"
    inputs = sorted(str(p) for p in out.glob("corpus*.jsonl"))
    cmd = [sys.executable, "-m", "corpuslint", "--isolated", "--no-cache", "--select", select, "--format", "jsonl",
           "--jobs", str(jobs), "-o", str(result), *inputs]
    timev = shutil.which("time") or ("/usr/bin/time" if os.path.exists("/usr/bin/time") else None)
    t0 = time.perf_counter()
    if timev:
        proc = subprocess.run([timev, "-v", *cmd], capture_output=True, text=True)
        wall = time.perf_counter() - t0
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
        peak = int(m.group(1)) * 1024 if m else 0
    else:  # pragma: no cover
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    if proc.returncode not in (0, 1):
        raise SystemExit(f"corpuslint failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return wall, peak, result


def recall(out: Path, result: Path) -> dict[str, tuple[int, int]]:
    found: dict[tuple[str, str], list[tuple[str, str]]] = {}
    with open(result, encoding="utf-8") as fh:
        for line in fh:
            f = json.loads(line)
            found.setdefault((Path(f["path"]).name, f["record"]), []).append((f["code"], f["message"]))
    got = {"near": [0, 0], "exact": [0, 0]}
    with open(out / "planted.jsonl", encoding="utf-8") as fh:
        for line in fh:
            p = json.loads(line)
            code = "DUP102" if p["kind"] == "near" else "DUP101"
            got[p["kind"]][1] += 1
            hits = found.get(tuple(p["copy"]), [])
            if any(c == code for c, _ in hits):
                got[p["kind"]][0] += 1
    reported = sum(len(v) for v in found.values())
    return {"near-duplicate pairs (DUP102)": tuple(got["near"]), "exact copies (DUP101)": tuple(got["exact"]),
            "findings": (reported, reported)}


def signature_bytes(n: int = 20000) -> dict[str, float]:
    """Bytes the parent holds per document for DUP101 + DUP102, as the engine stores them."""
    import tracemalloc

    from corpuslint.engine import SignatureTable
    from corpuslint.rule import DocRef
    from corpuslint.session import open_session

    s = open_session(isolated=True, entry_points=False, overrides={"select": ["DUP101", "DUP102"]})
    eng = s.engine()
    rng = random.Random(1)
    vocab = vocabulary()
    sigs = [eng.lint_document(s.document(" ".join(rng.choices(vocab, k=60))))[1] for _ in range(n)]
    own = sum(sys.getsizeof(v) for d in sigs for v in d.values()) / n
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    table = SignatureTable()  # what the engine keeps per file: references once, a column per rule
    offset = 0
    for k, d in enumerate(sigs):
        table.add(DocRef("corpus.jsonl", f"d{k:07d}", k, offset), d)
        offset += 438
    stored = (tracemalloc.get_traced_memory()[0] - base) / n
    tracemalloc.stop()
    return {"signatures as Python objects (DUP101 int + DUP102 bytes), for comparison": own,
            "stored by the engine (record id, index, offset, packed DUP101 + DUP102 columns)": stored}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("workdir", type=Path)
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--select", default="DUP1")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--split", type=int, default=0, help="write N corpus files instead of one")
    ap.add_argument("--reuse", action="store_true", help="keep an existing corpus in WORKDIR")
    a = ap.parse_args()
    a.workdir.mkdir(parents=True, exist_ok=True)
    if not (a.reuse and list(a.workdir.glob("corpus*.jsonl"))):
        for p in a.workdir.glob("corpus*.jsonl"):
            p.unlink()
        t0 = time.perf_counter()
        counts = generate(a.workdir, a.docs, a.split)
        print(f"generated {counts['documents']:,} documents ({counts['bytes'] / 2**20:,.0f} MiB JSONL), "
              f"{counts['near']:,} near-duplicates and {counts['exact']:,} exact copies planted, "
              f"in {time.perf_counter() - t0:.0f} s")
    size = sum(p.stat().st_size for p in a.workdir.glob("corpus*.jsonl"))
    wall, peak, result = run(a.workdir, a.select, a.jobs)
    print(f"corpuslint --select {a.select} --format jsonl --jobs {a.jobs}: wall {wall:.1f} s, "
          f"peak RSS {peak / 2**20:,.0f} MiB (corpus {size / 2**20:,.0f} MiB, {peak / size:.0%} of it)")
    for name, (got, want) in recall(a.workdir, result).items():
        print(f"  {name}: {got:,}/{want:,}" + (f" recall {got / want:.4f}" if name != "findings" and want else ""))
    for name, value in signature_bytes().items():
        print(f"  bytes/doc, {name}: {value:.0f}")


if __name__ == "__main__":
    main()
