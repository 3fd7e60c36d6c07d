"""Build the labeled duplication set: tests/dup_cases/cases.jsonl (run from the repository root).

    python tests/dup_cases/generate.py

One JSON record per document: ``id``, ``lang``, ``kind``, ``text`` and ``expect``,
the duplication findings the document must get (``[]`` for a clean document).
Deterministic: the same code writes the same file. Kinds:

- clean documents: ``article`` and look-alikes that repeat legitimately
  (``headings``, ``list``, ``table``, ``dialogue``, ``poem``, ``comments``);
- inside a document: ``dup-line``, ``dup-line-norm``, ``dup-block``, ``dup-para``,
  ``stutter`` (DUP001), ``passage``, ``passage-norm`` (DUP002), ``spam`` (DUP003);
- across the corpus: ``exact-copy`` (DUP101), ``near-copy`` and ``near-chain``
  (DUP102, with the true Jaccard similarity in ``jaccard``), ``related`` (shares
  sentences with an article but is no near-duplicate: must not be reported).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from sentences import DIALOGUE, HEADINGS, LIST_ITEMS, NAMES, REFRAIN, SENTENCES, UI, VERSES  # noqa: E402

OUT = HERE / "cases.jsonl"
BY = {"fr": "Par", "en": "By", "de": "Von", "es": "Por", "it": "Di", "ru": "Автор:"}
SHINGLE = 5


def jaccard(a: str, b: str, n: int = SHINGLE) -> float:
    """True Jaccard similarity of word n-gram sets, normalized as corpuslint's DUP102 does."""
    from corpuslint.families.duplication import normalize_for_dup

    def grams(t: str) -> set[tuple[str, ...]]:
        w = normalize_for_dup(t).split()
        return set(zip(*(w[k:] for k in range(n))))

    ga, gb = grams(a), grams(b)
    return len(ga & gb) / len(ga | gb)


class Gen:
    def __init__(self, lang: str, seed: int) -> None:
        self.lang = lang
        self.rng = random.Random(seed)
        self.pool = SENTENCES[lang]
        self.records: list[dict[str, Any]] = []
        self.tail: list[dict[str, Any]] = []  # corpus copies: after every original
        self.count: dict[str, int] = {}

    def add(self, kind: str, text: str, expect: list[dict[str, Any]], tail: bool = False, **extra: Any) -> str:
        k = self.count[kind] = self.count.get(kind, 0) + 1
        rid = f"{self.lang}-{kind}-{k:02d}"
        rec = {"id": rid, "lang": self.lang, "kind": kind, "text": text, "expect": expect, **extra}
        (self.tail if tail else self.records).append(rec)
        return rid

    # -- building blocks ------------------------------------------------------------
    def head(self, avoid: Any = ()) -> list[str]:
        """Title, byline, date; the title comes from a sentence not in ``avoid`` (the body)."""
        r = self.rng
        text = " ".join(avoid) if not isinstance(avoid, str) else avoid
        title = r.choice([s for s in self.pool if s not in text]).split(",")[0].rstrip(".")
        words = title.split()
        title = " ".join(words[: r.randint(5, 8)])
        return [title, "", f"{BY[self.lang]} {r.choice(NAMES)}", f"{r.randint(1, 28):02d}.{r.randint(1, 12):02d}.{r.randint(2010, 2024)}", ""]

    def paragraphs(self, n_sent: int, per_para: tuple[int, int] = (1, 3)) -> list[list[str]]:
        sents = self.rng.sample(self.pool, n_sent)
        out = []
        while sents:
            k = min(len(sents), self.rng.randint(*per_para))
            out.append(sents[:k])
            sents = sents[k:]
        return out

    @staticmethod
    def render(head: list[str], paras: list[str]) -> str:
        return "\n".join(head) + "\n" + "\n\n".join(paras) + "\n"

    def article(self, n_sent: int | None = None) -> str:
        paras = [" ".join(p) for p in self.paragraphs(n_sent or self.rng.randint(7, 11))]
        return self.render(self.head(paras), paras)

    # -- clean documents ---------------------------------------------------------------
    def clean(self, n: int) -> list[str]:
        ids = [self.add("article", self.article(), []) for _ in range(n)]
        lang, r = self.lang, self.rng
        h = HEADINGS[lang]
        paras = [" ".join(p) for p in self.paragraphs(8, (1, 1))]
        body = [paras[0], h[2], paras[1], paras[2], h[0], paras[3], h[2], paras[4], h[1], *paras[5:]]
        self.add("headings", self.render(self.head(paras), body), [])
        items = LIST_ITEMS[lang]
        s = r.sample(self.pool, 2)
        lst = [s[0], "", items[0], items[1], items[2], "", s[1], "", items[1], items[3], items[0]]
        self.add("list", "\n".join(lst) + "\n", [])
        rows = ["Region | 2021 | 2022 | 2023", "A | 0 | 0 | 0", "B | 0 | 0 | 0", "C | 12 | 14 | 15", "D | 0 | 0 | 0",
                "E | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0", "F | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0"]
        s = r.sample(self.pool, 2)
        self.add("table", s[0] + "\n\n" + "\n".join(rows) + "\n\n" + s[1] + "\n", [])
        d = DIALOGUE[lang]
        dia = [d[2], d[0], d[0], d[3], d[1], d[2], d[0], d[4]]
        self.add("dialogue", r.choice(self.pool) + "\n\n" + "\n".join(dia) + "\n", [])
        v, ref = VERSES[lang], REFRAIN[lang]
        s = r.sample(self.pool, 3)
        poem = [f"{s[0]} {s[1]}", "", v[0], v[1], v[2], "", *ref, "", v[3], v[4], v[5], "", *ref, "", s[2]]
        self.add("poem", "\n".join(poem) + "\n", [])
        users = ["SPH", "gothax", "fredolabecane"]
        s = r.sample(self.pool, 4)
        com = [s[0], "", "Commentaires (4)", users[0], "", s[1], "", users[1], "", s[2], "", users[0], "", s[3]]
        self.add("comments", "\n".join(com) + "\n", [])
        return ids

    # -- repeats inside a document ---------------------------------------------------------
    def inside(self, n: int) -> None:
        for _ in range(n):
            self._dup_line(norm=False)
            self._dup_line(norm=True)
            self._dup_block()
            self._dup_para()
            self._passage(norm=False)
            self._passage(norm=True)
        self._stutter()
        for _ in range(2):
            self._spam()

    def _norm_variant(self, s: str) -> str:
        r = self.rng
        how = r.choice(["upper", "quotes", "spaces", "punct", "lower"])
        if how == "upper":
            return s.upper()
        if how == "lower":
            return s.lower()
        if how == "quotes":
            return "« " + s.rstrip(".") + " »" if "'" not in s else s.replace("'", "’")
        if how == "spaces":
            return "  " + s.replace(" ", "  ", 3).replace(",", " ,") + "  "
        return s.rstrip(".") + " !"

    def _body(self, n_sent: int) -> tuple[list[str], list[str]]:
        paras = [" ".join(p) for p in self.paragraphs(n_sent)]
        return self.head(paras), paras

    @staticmethod
    def _line_of_para(head: list[str], k: int) -> int:
        return len(head) + 1 + 2 * k  # paragraphs are separated by one blank line

    def _dup_line(self, norm: bool) -> None:
        r = self.rng
        head, paras = self._body(r.randint(7, 10))
        i = r.randrange(len(paras) - 2)
        j = r.randrange(i + 2, len(paras) + 1)
        paras.insert(j, self._norm_variant(paras[i]) if norm else paras[i])
        line = self._line_of_para(head, j)
        self.add("dup-line-norm" if norm else "dup-line", self.render(head, paras),
                 [{"code": "DUP001", "line": line, "end_line": line}])

    def _dup_block(self) -> None:
        r = self.rng
        lines = r.sample(self.pool, r.randint(5, 8))
        k = r.randint(2, 3)
        a = r.randrange(0, len(lines) - k)
        block = lines[a : a + k]
        at = r.randint(a + k, len(lines))
        out = lines[:at] + block + lines[at:]
        self.add("dup-block", "\n".join(out) + "\n", [{"code": "DUP001", "line": at + 1, "end_line": at + k}])

    def _dup_para(self) -> None:
        r = self.rng
        paras = self.paragraphs(r.randint(8, 11), (2, 3))
        head = self.head([s for p in paras for s in p])
        i = r.randrange(len(paras) - 1)
        while len(paras[i]) < 2:
            i = r.randrange(len(paras) - 1)
        j = r.randrange(i + 1, len(paras) + 1)
        paras.insert(j, list(paras[i]))
        text = self.render(head, ["\n".join(p) for p in paras])
        start = len(head) + 1 + sum(len(p) + 1 for p in paras[:j])
        self.add("dup-para", text, [{"code": "DUP001", "line": start, "end_line": start + len(paras[j]) - 1}])

    def _passage(self, norm: bool) -> None:
        r = self.rng
        paras = self.paragraphs(r.randint(8, 11), (2, 3))
        head = self.head([s for p in paras for s in p])
        i = r.randrange(len(paras) - 1)
        j = r.randrange(i + 1, len(paras))
        while len(paras[j]) < 2:
            j = r.randrange(i + 1, len(paras)) if i + 1 < len(paras) - 1 else len(paras) - 1
            if len(paras[j]) < 2:
                paras[j].append(r.choice([s for s in self.pool if all(s not in p for p in paras)]))
        # a passage is at least DUP002's min-words (10) words long: shorter repeats are out of its scope
        s = max(paras[i], key=lambda x: (len(x.split()) >= 10, r.random()))
        copy = self._norm_variant(s) if norm else s
        paras[j].insert(r.randint(1, len(paras[j]) - 1), copy.strip())
        line = self._line_of_para(head, j)
        self.add("passage-norm" if norm else "passage", self.render(head, [" ".join(p) for p in paras]),
                 [{"code": "DUP002", "line": line}])

    def _stutter(self) -> None:
        head, paras = self._body(7)
        credit = "© " + self.rng.choice(["AFP", "Reuters", "DPA", "EFE", "ANSA", "ТАСС"])
        head = head[:-1] + [credit, credit, ""]
        line = len(head) - 1
        self.add("stutter", self.render(head, paras), [{"code": "DUP001", "line": line, "end_line": line}])

    def _spam(self) -> None:
        r = self.rng
        s = r.sample(self.pool, 4)
        lines = [*s[:3], *s[:3], *s[:3], *s[:3], s[3]]
        self.add("spam", "\n".join(lines) + "\n", [{"code": "DUP003"}, {"code": "DUP001", "line": 4, "end_line": 6},
                                                    {"code": "DUP001", "line": 7, "end_line": 12}])

    # -- across the corpus -------------------------------------------------------------------
    def corpus(self, originals: list[str]) -> None:
        r = self.rng
        by_id = {rec["id"]: rec for rec in self.records}
        picks = r.sample(originals, 3 + 6 + 1 + 3 + 3)
        for oid in picks[:3]:
            t = by_id[oid]["text"]
            how = r.choice(["case", "spaces", "same"])
            copy = t.upper() if how == "case" else t.replace(" ", "  ").replace("\n", " \n") if how == "spaces" else t
            self.add("exact-copy", copy, [{"code": "DUP101", "of": oid}], tail=True)
        for oid in picks[3:9]:
            copy, sim = self._near(by_id[oid]["text"])
            self.add("near-copy", copy, [{"code": "DUP102", "of": oid}], tail=True, jaccard=round(sim, 3))
        oid = picks[9]
        first, sim1 = self._near(by_id[oid]["text"])
        second, _ = self._near(first)
        sim2 = jaccard(by_id[oid]["text"], second)
        self.add("near-chain", first, [{"code": "DUP102", "of": oid}], tail=True, jaccard=round(sim1, 3))
        self.add("near-chain", second, [{"code": "DUP102", "of": oid}], tail=True, jaccard=round(sim2, 3))
        for oid in picks[13:]:
            # heavily edited: similar enough to be an LSH candidate, too different to be reported
            copy, sim = self._near(by_id[oid]["text"], 0.55, 0.76, edits=(4, 12))
            self.add("related", copy, [], tail=True, jaccard=round(sim, 3))
        for oid in picks[10:13]:
            t = by_id[oid]["text"]
            body = t.split("\n", 5)[5].strip("\n")
            paras = body.split("\n\n")
            unused = [x for x in self.pool if x not in t]
            fresh = r.sample(unused, min(len(unused), len(paras)))
            half = [p if k % 2 == 0 else fresh[k % len(fresh)] for k, p in enumerate(paras)]
            text = self.render(self.head(t + " ".join(fresh)), half)
            self.add("related", text, [], tail=True, jaccard=round(jaccard(t, text), 3))

    def _near(self, text: str, low: float = 0.80, high: float = 0.97, edits: tuple[int, int] = (1, 3)) -> tuple[str, float]:
        """An edited copy whose true Jaccard similarity with ``text`` is in [low, high]."""
        r = self.rng
        for _ in range(500):
            lines = text.split("\n")
            how = r.sample(["date", "words", "ui", "drop", "typo"], r.randint(1, 3))
            if "date" in how:
                lines[3] = f"{r.randint(1, 28):02d}.{r.randint(1, 12):02d}.{r.randint(2010, 2024)}"
                lines[2] = f"{BY[self.lang]} {r.choice(NAMES)}"
            body = [k for k, ln in enumerate(lines) if len(ln) > 80]
            if "words" in how:
                for _ in range(r.randint(*edits)):
                    k = r.choice(body)
                    w = lines[k].split(" ")
                    p = r.randrange(len(w))
                    w[p] = r.choice(r.choice(self.pool).split(" "))
                    lines[k] = " ".join(w)
            if "typo" in how:
                k = r.choice(body)
                p = r.randrange(len(lines[k]) - 1)
                lines[k] = lines[k][:p] + lines[k][p + 1] + lines[k][p] + lines[k][p + 2 :]
            if "drop" in how and len(body) > 5:
                k = r.choice(body)
                parts = lines[k].split(". ")
                if len(parts) > 1:
                    parts.pop(r.randrange(len(parts)))
                    lines[k] = ". ".join(parts)
            if "ui" in how:
                lines.insert(len(lines) - 1, r.choice(UI))
            copy = "\n".join(lines)
            sim = jaccard(text, copy)
            if low <= sim <= high:
                return copy, sim
        raise RuntimeError("no near copy in range")


def build() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n, lang in enumerate(("fr", "en", "de", "es", "it", "ru")):
        g = Gen(lang, seed=1000 + n)
        originals = g.clean(30)
        g.inside(3)
        g.corpus(originals)
        out.extend(g.records)
        out.extend(g.tail)
    return out


def main() -> None:
    recs = build()
    with open(OUT, "w", encoding="utf-8") as fh:
        for rec in recs:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    kinds: dict[str, int] = {}
    for rec in recs:
        kinds[rec["kind"]] = kinds.get(rec["kind"], 0) + 1
    print(f"{len(recs)} documents in {OUT.name}: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))


if __name__ == "__main__":
    main()
