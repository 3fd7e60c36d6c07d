"""Generate realistic corpora from the seed documents, with known planted defects.

    python benchmarks/corpus_gen.py OUT --mb 100 [--format files|jsonl.gz|both] [--seed 1]

Documents are built from the seeds' sentences, shuffled and recombined, with a
head (title, byline, date) and planted defects at fixed rates: mojibake, a
pasted-twice paragraph, UI residue lines, a missing date, near-duplicate
documents. ``OUT/manifest.jsonl`` lists what was planted where.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]
UI = ["S'abonner", "Partager", "Lire aussi", "Newsletter", "Commentaires (12)", "Suivez-nous sur Twitter",
      "Share this article", "Read more", "Back to top", "© AFP", "loader", "0"]
RATES = {"mojibake": 0.02, "repeat": 0.03, "residue": 0.30, "no_date": 0.10, "near_dup": 0.01}


def sentences() -> list[str]:
    """The seeds' sentences, each once: no two share a run of 8 words, quotes balanced.

    The seeds hold pasted-twice paragraphs and articles on one story; their sentences as
    they are would plant repeated passages nobody listed, and a sentence cut out of a
    quotation would plant unbalanced quotes.
    """
    out: list[str] = []
    seen: set[tuple[str, ...]] = set()
    for f in sorted(SEEDS.glob("*.txt")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if len(line) <= 120:
                continue
            for s in (s.strip() for s in re.split(r"(?<=[.!?»])\s+", line)):
                words = s.casefold().split()
                grams = {tuple(words[i : i + 8]) for i in range(len(words) - 7)}
                if len(s) <= 40 or grams & seen or s.count("«") != s.count("»") or s.count('"') % 2:
                    continue
                seen |= grams
                out.append(s)
    return out


def documents(n_bytes: int, seed: int = 1) -> Iterator[tuple[str, str, dict[str, bool]]]:
    """Yield (id, text, planted) until about ``n_bytes`` of text."""
    rng = random.Random(seed)
    pool = sentences()
    words = sorted({w for s in pool for w in s.split() if w.isalpha() and len(w) > 3})
    total = 0
    i = 0
    previous: list[str] = []
    while total < n_bytes:
        i += 1
        planted = {k: rng.random() < r for k, r in RATES.items()}
        if planted["near_dup"] and previous:
            paras = list(previous)
            j = rng.randrange(len(paras))
            paras[j] = paras[j].replace(" ", f" {rng.choice(words)} ", 1)
        else:
            # the document's sentences are drawn at once, without replacement: drawn per
            # paragraph, a sentence would often come twice in one document (62% of them
            # held an unplanned repeated passage), which news text rarely does
            sizes = [rng.randint(2, 4) for _ in range(rng.randint(4, 9))]
            drawn = rng.sample(pool, min(sum(sizes), len(pool)))
            paras = []
            for size in sizes:
                sents, drawn = drawn[:size], drawn[size:]
                # vary the words so documents are not identical
                sents = [" ".join(rng.choice(words) if rng.random() < 0.08 and w.isalpha() else w for w in s.split()) for s in sents]
                paras.append(" ".join(sents))
        previous = paras
        body = list(paras)
        if planted["repeat"]:
            k = rng.randrange(len(body))
            body.insert(k + 1, body[k])
        if planted["mojibake"]:
            k = rng.randrange(len(body))
            body[k] = body[k].encode("utf-8").decode("cp1252", errors="replace")
        head = [f"Titre de l'article numéro {i}", "", f"Par Rédaction {rng.randint(1, 99)}"]
        if not planted["no_date"]:
            head.append(f"Publié le {rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2005, 2024)}")
        tail = rng.sample(UI, rng.randint(2, 5)) if planted["residue"] else []
        text = "\n".join(head) + "\n\n" + "\n\n".join(body) + "\n" + ("\n".join(tail) + "\n" if tail else "")
        total += len(text.encode("utf-8"))
        yield f"doc{i:07d}", text, planted


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--mb", type=float, default=10)
    ap.add_argument("--format", choices=("files", "jsonl.gz", "both"), default="both")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    files_dir = a.out / "files"
    jl = None
    if a.format in ("jsonl.gz", "both"):
        jl = gzip.open(a.out / "corpus.jsonl.gz", "wt", encoding="utf-8", compresslevel=3)  # noqa: SIM115 - closed below
    with open(a.out / "manifest.jsonl", "w", encoding="utf-8") as manifest:
        n = 0
        for doc_id, text, planted in documents(int(a.mb * 1024 * 1024), a.seed):
            n += 1
            if a.format in ("files", "both"):
                sub = files_dir / doc_id[-3:]
                sub.mkdir(parents=True, exist_ok=True)
                (sub / f"{doc_id}.txt").write_text(text, encoding="utf-8")
            if jl is not None:
                jl.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
            manifest.write(json.dumps({"id": doc_id, **planted}) + "\n")
    if jl is not None:
        jl.close()
    print(f"{n} documents, {a.mb:g} MB of text in {a.out}")


if __name__ == "__main__":
    main()
