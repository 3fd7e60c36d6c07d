"""A small generated corpus with known defects, for the report tests and the docs screenshot.

Three kinds of sources: a JSONL file of web pages (``url`` and ``lang`` fields,
three sites), a folder of plain-text articles per site, and a folder of books.
Planted, at fixed rates: site boilerplate lines, UI residue, mojibake, a pasted
paragraph, missing dates, exact and near duplicates.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

EN = [
    "The city council approved the new budget after a long debate on Tuesday evening.",
    "Researchers found that the river had risen faster than any model had predicted.",
    "Local farmers say the dry spring has cut their harvest by almost a third this year.",
    "The museum will reopen its east wing once the restoration work is finished in autumn.",
    "Several schools reported that attendance dropped sharply during the winter months.",
    "The company announced that it would move its headquarters closer to the harbour.",
    "A spokesperson declined to comment on the details of the agreement signed last week.",
    "Volunteers cleaned more than four kilometres of beach over the long weekend.",
    "The report recommends that the railway line be extended to the northern suburbs.",
    "Critics argue that the plan does little to address the shortage of affordable housing.",
    "The festival drew a record crowd despite the rain that fell on the opening night.",
    "Engineers are still trying to understand why the bridge sensors failed in March.",
]
DE = [
    "Der Stadtrat hat den neuen Haushalt nach einer langen Debatte am Dienstag beschlossen.",
    "Die Forscher stellten fest, dass der Fluss schneller gestiegen ist als erwartet.",
    "Die Landwirte sagen, dass der trockene Frühling ihre Ernte um fast ein Drittel verringert hat.",
    "Das Museum wird seinen Ostflügel wieder öffnen, sobald die Arbeiten im Herbst beendet sind.",
    "Mehrere Schulen meldeten, dass die Anwesenheit in den Wintermonaten stark gesunken ist.",
    "Das Unternehmen kündigte an, dass es seinen Sitz näher an den Hafen verlegen wird.",
    "Ein Sprecher wollte sich zu den Einzelheiten der Vereinbarung nicht äußern.",
    "Die Freiwilligen haben am langen Wochenende mehr als vier Kilometer Strand gereinigt.",
]
SITES = {
    "news.example.fr": ("fr", ["Rejoignez la communauté Example Actu et recevez nos alertes", "S'abonner"]),
    "blog.example.com": ("en", ["Subscribe to the Example Blog newsletter for weekly updates", "Share this article"]),
    "forum.example.de": ("de", ["Melden Sie sich an, um im Example Forum mitzudiskutieren", "Teilen"]),
}
MONTHS = {"fr": "mars", "en": "March", "de": "März"}


def _french() -> list[str]:
    import re

    out: list[str] = []
    for f in sorted(SEEDS.glob("*.txt")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if len(line) > 120:
                out.extend(s.strip() for s in re.split(r"(?<=[.!?»])\s+", line) if 60 < len(s.strip()) < 400)
    return out


def _vary(rng: random.Random, sentence: str, vocab: list[str]) -> str:
    """The sentence with a few words swapped: documents share sentences, not whole paragraphs."""
    words = sentence.split(" ")
    for _ in range(2):
        k = rng.randrange(len(words))
        if words[k].isalpha():
            words[k] = rng.choice(vocab)
    return " ".join(words)


def _article(rng: random.Random, lang: str, pool: dict[str, list[str]], n: int, site: str | None) -> str:
    sents = pool[lang]
    vocab = sorted({w for s in sents for w in s.split() if w.isalpha() and len(w) > 3})
    paras = [" ".join(_vary(rng, s, vocab) for s in rng.sample(sents, min(len(sents), rng.randint(2, 3))))
             for _ in range(rng.randint(3, 6))]
    if rng.random() < 0.05:  # a paragraph pasted twice
        k = rng.randrange(len(paras))
        paras.insert(k + 1, paras[k])
    if rng.random() < 0.04:  # mojibake
        k = rng.randrange(len(paras))
        paras[k] = paras[k].replace("é", "Ã©").replace("ä", "Ã¤").replace("'", "â€™") + " Ã©tÃ©"
    head = [f"Article {n}: {sents[n % len(sents)][:50]}"]
    if rng.random() > 0.12:
        head.append(f"{rng.randint(1, 28)} {MONTHS[lang]} {rng.randint(2015, 2024)}")
    lines = [*head, "", *("\n\n".join(paras).split("\n"))]
    if site is not None:
        boiler, ui = SITES[site][1]
        if rng.random() < 0.7:
            lines += ["", boiler]
        if rng.random() < 0.3:
            lines.insert(1, ui)
    return "\n".join(lines) + "\n"


def make_corpus(root: Path, n_docs: int = 300, seed: int = 7) -> Path:
    """Write about ``n_docs`` documents under ``root``; returns ``root``."""
    rng = random.Random(seed)
    pool = {"fr": _french() or EN, "en": EN, "de": DE}
    root.mkdir(parents=True, exist_ok=True)
    sites = list(SITES)
    n_web = n_docs * 6 // 10
    n_files = n_docs * 3 // 10
    n_books = n_docs - n_web - n_files
    previous: list[str] = []
    with open(root / "web.jsonl", "w", encoding="utf-8") as fh:
        for i in range(n_web):
            site = sites[i % len(sites)]
            lang = SITES[site][0]
            r = rng.random()
            if previous and r < 0.03:
                text = rng.choice(previous)  # an exact duplicate
            elif previous and r < 0.06:
                words = rng.choice(previous).split(" ")
                words[len(words) // 2] = "modifié"
                text = " ".join(words)  # a near duplicate
            else:
                text = _article(rng, lang, pool, i, site)
                previous.append(text)
            rec = {"id": f"w{i:05d}", "text": text, "url": f"https://www.{site}/a/{i}", "lang": lang}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    for i in range(n_files):
        site = ("news", "blog")[i % 2]
        folder = root / "articles" / site
        folder.mkdir(parents=True, exist_ok=True)
        lang = "fr" if site == "news" else "en"
        text = _article(rng, lang, pool, 10_000 + i, "news.example.fr" if site == "news" else "blog.example.com")
        (folder / f"a{i:05d}.txt").write_text(text, encoding="utf-8")
    books = root / "books"
    books.mkdir(exist_ok=True)
    for i in range(n_books):
        lang = ("en", "de", "fr")[i % 3]
        text = _article(rng, lang, pool, 20_000 + i, None)
        (books / f"b{i:04d}.txt").write_text(text, encoding="utf-8")
    return root
