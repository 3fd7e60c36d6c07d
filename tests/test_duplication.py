"""Duplication family: the labeled set's figures, and the corpus rules DUP101/DUP102 end to end.

Per-document rules have their cases in tests/rule_cases/DUP00*.toml; corpus rules
need several documents, so their cases live here.
"""

from __future__ import annotations

import json
import pickle
import random
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuslint.session import open_session

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).parent / "dup_cases"
sys.path.insert(0, str(CASES))

import evaluate  # noqa: E402

pytest.importorskip("numpy")

# Three unrelated articles (French, German, Russian) and edited copies of the first.
A = """Le conseil municipal a voté mardi soir un budget de transition qui gèle les dépenses de fonctionnement jusqu'à l'été.
Selon la préfecture, plus de deux mille personnes ont défilé dans le centre-ville sans incident notable.
Les syndicats dénoncent une réforme préparée dans l'urgence et réclament l'ouverture de véritables négociations.
Au premier trimestre, les ventes de voitures électriques ont progressé de près de trente pour cent sur un an.
"""
A_NEAR = A.replace("mardi soir", "mercredi soir")  # one word: Jaccard ~0.9
A_NEAR2 = A_NEAR.replace("sans incident notable", "sans aucun incident")
B = """Der Stadtrat hat am Dienstagabend einen Übergangshaushalt beschlossen, der die laufenden Ausgaben bis zum Sommer einfriert.
Nach Angaben der Polizei zogen mehr als zweitausend Menschen friedlich durch die Innenstadt.
Die Gewerkschaften kritisieren eine überhastete Reform und fordern echte Verhandlungen mit den Arbeitgebern.
"""
C = """Городской совет во вторник вечером утвердил переходный бюджет, который замораживает текущие расходы до лета.
По данным полиции, более двух тысяч человек прошли по центру города без серьёзных происшествий.
Профсоюзы называют реформу поспешной и требуют начать настоящие переговоры с работодателями.
"""


def lint(tmp_path: Path, files: dict[str, str], select: list[str], jobs: int = 1, **rules: dict[str, Any]) -> list[tuple[str, str, str]]:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    s = open_session(isolated=True, entry_points=False, overrides={"select": select})
    if rules:
        from corpuslint.registry import build_ruleset

        s.settings.rules.update(rules)
        s.ruleset = build_ruleset(s.settings, s.manager)
    result = s.lint([str(tmp_path)], jobs=jobs)
    prefix = str(tmp_path) + "/"
    return [(Path(f.path).name, f.code, f.message.replace(prefix, "")) for f in result.findings]


# -- the labeled set --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def scored() -> evaluate.Score:
    return evaluate.score(evaluate.load_cases(), evaluate.run())


def test_labeled_set_is_big_and_multilingual() -> None:
    records = evaluate.load_cases()
    assert len(records) >= 200
    assert {r["lang"] for r in records} == {"fr", "en", "de", "es", "it", "ru"}
    assert sum(r["kind"] in evaluate.CLEAN_KINDS for r in records) >= 200


@pytest.mark.parametrize("group", list(evaluate.GROUPS))
def test_recall_of_planted_duplicates(scored: evaluate.Score, group: str) -> None:
    found, expected = scored.recall(evaluate.GROUPS[group])
    assert expected >= 12
    assert found / expected >= 0.95, f"{group}: {found}/{expected}; missed: {scored.missed}"


def test_false_positives_on_clean_documents(scored: evaluate.Score) -> None:
    assert len(scored.clean_flagged) / scored.clean <= 0.005, scored.clean_flagged
    assert not scored.extra, scored.extra


def test_labeled_set_is_what_the_generator_writes() -> None:
    import generate

    lines = (CASES / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x) for x in lines] == generate.build(), "run `python tests/dup_cases/generate.py`"


# -- DUP101 duplicate-document -------------------------------------------------------------------
def test_exact_copies_after_normalization(tmp_path: Path) -> None:
    got = lint(tmp_path, {"a.txt": A, "b.txt": B, "c.txt": A.upper().replace("'", "’"), "d.txt": "  " + A}, ["DUP101"])
    assert got == [("c.txt", "DUP101", "same text as a.txt"), ("d.txt", "DUP101", "same text as a.txt")]


# -- DUP102 near-duplicate-document ---------------------------------------------------------------
def test_near_duplicate_reported_with_similarity(tmp_path: Path) -> None:
    got = lint(tmp_path, {"a.txt": A, "b.txt": B, "c.txt": C, "d.txt": A_NEAR}, ["DUP102"])
    assert got == [("d.txt", "DUP102", "near-duplicate of a.txt (Jaccard similarity 0.86 of word 5-grams)")]


_BODY = A + """Le maire a promis une consultation publique avant toute décision sur la future ligne de tramway du nord.
Les commerçants du centre craignent une baisse de leur chiffre d'affaires pendant les travaux, prévus sur deux ans.
L'opposition réclame un audit indépendant des comptes de la régie des transports avant le vote du budget définitif.
Les associations de cyclistes demandent que la nouvelle ligne s'accompagne d'une piste protégée sur toute sa longueur.
Le budget définitif sera présenté en juin, après l'avis de la chambre régionale des comptes attendu pour le printemps.
"""
_PAGE = "Accueil | Politique | Économie\nBudget : la ville gèle ses dépenses\nPar Claire Martin | 12 mars 2024\n\n" + _BODY + (
    "\nPartager\nFacebook\nTwitter\nNewsletter\nLes plus lus\nMentions légales\n© 2024 Le Journal du Centre\n")
_SYNDICATED = "Régions | Actualité\nLa ville gèle ses dépenses jusqu'à l'été\nAFP | 12 mars 2024 à 18h04\n\n" + _BODY + (
    "\nÀ lire aussi\nLe tramway du nord en débat\nSuivez-nous\nContact\n© AFP 2024 - Tous droits réservés\n")


def test_syndicated_copy_found_by_its_paragraphs(tmp_path: Path) -> None:
    """The same article under another site's headline, menu and footer: the whole pages are
    less than 0.8 alike, their paragraphs the same; an edited version (paragraphs changed) is not."""
    got = lint(tmp_path, {"a.txt": _PAGE, "b.txt": _SYNDICATED, "c.txt": B}, ["DUP102"])
    assert len(got) == 1 and got[0][:2] == ("b.txt", "DUP102"), got
    assert "of their paragraphs' word 5-grams" in got[0][2] and "with the rest of the pages" in got[0][2]
    edited = _SYNDICATED.replace("budget de transition", "budget provisoire").replace("deux mille", "trois mille").replace(
        "véritables négociations", "négociations sérieuses").replace("trente pour cent", "un quart")
    (tmp_path / "edited").mkdir()
    assert lint(tmp_path / "edited", {"a.txt": _PAGE, "b.txt": edited}, ["DUP102"]) == []


def test_cluster_reports_every_member_after_the_first(tmp_path: Path) -> None:
    got = lint(tmp_path, {"a.txt": A, "b.txt": A_NEAR, "c.txt": B, "d.txt": A_NEAR2}, ["DUP102"])
    assert [(n, c) for n, c, _ in got] == [("b.txt", "DUP102"), ("d.txt", "DUP102")]
    assert all("near-duplicate of a.txt" in m for _, _, m in got)


def test_cluster_member_linked_through_another(tmp_path: Path) -> None:
    # d is close to b but not to a: reported as a near-duplicate of a, through b
    far = A_NEAR.replace("de près de trente pour cent", "de presque trente pour cent")
    got = lint(tmp_path, {"a.txt": A, "b.txt": A_NEAR, "d.txt": far}, ["DUP102"], DUP102={"threshold": 0.85})
    assert got[0] == ("b.txt", "DUP102", "near-duplicate of a.txt (Jaccard similarity 0.86 of word 5-grams)")
    assert got[1][2].startswith("near-duplicate of a.txt through b.txt (Jaccard similarity 0.8")


def test_exact_copies_are_left_to_dup101(tmp_path: Path) -> None:
    got = lint(tmp_path, {"a.txt": A, "b.txt": A, "c.txt": A_NEAR}, ["DUP101", "DUP102"])
    assert got == [("b.txt", "DUP101", "same text as a.txt"),
                   ("c.txt", "DUP102", "near-duplicate of a.txt (Jaccard similarity 0.86 of word 5-grams)")]


def test_below_threshold_is_not_reported(tmp_path: Path) -> None:
    got = lint(tmp_path, {"a.txt": A, "d.txt": A_NEAR}, ["DUP102"], DUP102={"threshold": 0.9})
    assert got == []


def test_short_documents_are_not_compared(tmp_path: Path) -> None:
    files = {"a.txt": "Partager sur Facebook et Twitter aujourd'hui", "b.txt": "Partager sur Facebook et Twitter demain"}
    assert lint(tmp_path, files, ["DUP102"]) == []


def test_jsonl_records_batched_reload_and_parallel_jobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from corpuslint.engine import Engine

    calls: list[int] = []
    real = Engine.load_documents

    def counting(self: Engine, refs: Any) -> Any:
        refs = list(refs)
        calls.append(len(refs))
        return real(self, refs)

    monkeypatch.setattr(Engine, "load_documents", counting)
    recs = [{"id": f"r{i}", "text": t} for i, t in enumerate([A, B, A_NEAR, C, A_NEAR2])]
    (tmp_path / "x.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    files = {"y.txt": B + "Kommentare (3)\n"}
    got = lint(tmp_path, files, ["DUP102"], jobs=2, DUP102={"batch-size": 2})
    assert [(n, m.split(" (")[0].split(" through")[0]) for n, _, m in got] == [
        ("x.jsonl", "near-duplicate of x.jsonl:#r0"), ("x.jsonl", "near-duplicate of x.jsonl:#r0"),
        ("y.txt", "near-duplicate of x.jsonl:#r1"),
    ]
    assert len(calls) >= 2 and max(calls) <= 2  # re-read in batches of at most 2 documents


def test_signature_is_small_and_textless() -> None:
    s = open_session(isolated=True, entry_points=False, overrides={"select": ["DUP101", "DUP102"]})
    doc = s.document(A)
    _, sigs, _ = s.engine().lint_document(doc)
    assert isinstance(sigs["DUP102"], bytes) and len(sigs["DUP102"]) == 8 + 6 * 20
    assert isinstance(sigs["DUP101"], int)
    assert b"conseil" not in pickle.dumps(sigs)


def test_lsh_candidate_probability_matches_theory() -> None:
    """Pairs at Jaccard ~0.8 become candidates about 1-(1-0.8^6)^20 = 99.8% of the time."""
    from corpuslint.families import minhash

    rng = random.Random(3)
    vocab = [f"w{i}" for i in range(5000)]
    hits = 0
    for _ in range(200):
        words = [rng.choice(vocab) for _ in range(300)]
        other = list(words)
        for p in rng.sample(range(300), 6):  # ~6 edits x 5 shingles: Jaccard ~0.82
            other[p] = rng.choice(vocab)
        ka = minhash.band_keys(minhash.shingle_hashes(words, 5), 20, 6)
        kb = minhash.band_keys(minhash.shingle_hashes(other, 5), 20, 6)
        hits += any(ka[i : i + 6] == kb[i : i + 6] for i in range(0, 120, 6))
    assert hits >= 195


def test_ngram_hashes_are_the_word_by_word_polynomial() -> None:
    """The doubling in ngram_hashes gives the integers of the plain loop (signatures and the cache depend on it)."""
    np = pytest.importorskip("numpy")
    from corpuslint.families import minhash

    g = np.uint64(minhash._GOLDEN)
    rng = np.random.default_rng(7)
    for n in (1, 2, 3, 5, 9, 10, 17, 64, 601):
        hashes = rng.integers(0, 2**64 - 1, size=n, dtype=np.uint64)
        for size in range(1, 26):
            m = max(n - size + 1, 1)
            want = []
            for i in range(m):
                acc = 0
                for h in hashes[i : i + min(size, n)].tolist():
                    acc = (acc + h) * int(g) % 2**64
                want.append(acc)
            assert minhash.ngram_hashes(hashes, size).tolist() == want, (n, size)
            if n >= 2 * size:
                doubled = minhash.doubled_ngram_hashes(minhash.ngram_hashes(hashes, size), size)
                assert doubled.tolist() == minhash.ngram_hashes(hashes, 2 * size).tolist(), (n, size)



def _band_keys_reference(shingles: Any, bands: int, rows: int) -> bytes:
    """band_keys as first written: the hash functions x shingles outer product, its minimum per row."""
    import numpy as np

    from corpuslint.families import minhash

    a, b, c = minhash._permutations(bands * rows)
    with np.errstate(over="ignore"):
        ph = np.multiply.outer(a, shingles)
        ph += b[:, None]
        mins = (ph.min(axis=1) >> np.uint64(32)).reshape(bands, rows)
        keys = (mins * c[:rows]).sum(axis=1, dtype=np.uint64) + np.arange(bands, dtype=np.uint64)
        return bytes(minhash._mix(keys).astype("<u8").view(np.uint8).reshape(bands, 8)[:, : minhash.KEY_BYTES].tobytes())


def test_band_keys_match_the_outer_product() -> None:
    """The flat, blocked MinHash gives the keys of the plain outer product (signatures and the cache depend on it)."""
    np = pytest.importorskip("numpy")
    from corpuslint.families import minhash

    rng = np.random.default_rng(11)
    block = minhash._block(120)
    for n in (1, 2, 5, 519, block - 1, block, block + 1, 3 * block + 7, minhash._CHUNK + 5):
        shingles = rng.integers(0, 2**64 - 1, size=n, dtype=np.uint64, endpoint=True)
        if n > 3:
            shingles[: n // 3] = shingles[n // 3 : 2 * (n // 3)]  # repeated shingles
        for bands, rows in ((20, 6), (1, 1), (7, 3), (512, 2), (512, 64))[: 5 if n < 6 else 4]:  # 512 x 64: one shingle a block
            assert minhash.band_keys(shingles, bands, rows) == _band_keys_reference(shingles, bands, rows), (n, bands, rows)


# -- RES101 shared-boilerplate-line (residue family) ----------------------------------------------
def test_shared_boilerplate_is_res101_not_a_near_duplicate(tmp_path: Path) -> None:
    bodies = [A, B, C, A.replace("Le conseil", "La mairie").replace("deux mille", "trois mille").replace("syndicats", "élus"),
              "\n".join(B.splitlines()[::-1]) + "\n"]
    footer = "Rejoignez la communauté Clubic\nSuivez-nous pour ne rien rater de l'actu tech !\n"
    files = {f"{i}.txt": body + footer for i, body in enumerate(bodies)}
    got = lint(tmp_path, files, ["RES101", "DUP102"])
    assert {c for _, c, _ in got} == {"RES101"}
    assert len(got) == 5


def test_a_wire_story_on_many_sites_is_no_boilerplate_but_their_templates_are(tmp_path: Path) -> None:
    """The paragraphs of a story copied by six sites are shared by six documents: RES101 called
    them site boilerplate (found in review); DUP101 reports the copies. Each site's own
    template, short lines around a text of its own, stays RES101."""
    story = A.strip()
    files = {}
    for site in range(2):
        menu = f"Accueil | Monde | Sport | Site {site}\nSuivez-nous sur Mastodon et Bluesky {site}\n"
        for k, body in enumerate([B, C, A.replace("Le conseil", "La mairie"), "\n".join(B.splitlines()[::-1]),
                                  "\n".join(C.splitlines()[::-1])]):
            files[f"s{site}-{k}.txt"] = menu + body.strip() + "\n"
        for k in range(3):
            files[f"s{site}-wire{k}.txt"] = f"Dépêche {site}-{k}\n\n" + story + "\n"
    got = lint(tmp_path, files, ["RES101", "DUP101", "DUP102"])
    res101 = {p for p, c, _ in got if c == "RES101"}
    assert res101 == {f"s{site}-{k}.txt" for site in range(2) for k in range(5)}
    assert {p for p, c, _ in got if c in ("DUP101", "DUP102")} >= {f"s{site}-wire{k}.txt" for site in range(2) for k in range(3)} - {"s0-wire0.txt"}


def test_res101_packed_signature_reads_back_and_old_lists_still_work(tmp_path: Path) -> None:
    """RES101 keeps 16 bytes per line in the main process; a cache or shard written before (a
    list of (hash, line, width) tuples) gives the same findings."""
    from corpuslint.families.residue import SharedBoilerplateLine, _lines_of
    from corpuslint.model import Document
    from corpuslint.rule import DocRef, RuleContext

    footer = "Rejoignez la communauté Clubic\nSuivez-nous pour ne rien rater de l'actu tech !\n"
    rule = SharedBoilerplateLine()
    options = {"min-documents": 3, "min-share": 0.0, "min-length": 4, "max-lines": 500}
    packed, lists = [], []
    for i, body in enumerate([A, B, C, A.replace("Le conseil", "La mairie"), B + "\n\n" + C]):
        text = body + footer
        doc = Document(path=f"{i}.txt", raw=text.encode(), text=text)
        sig = rule.collect(doc, RuleContext(document=doc, options=options))
        assert isinstance(sig, bytes) and len(sig) % 16 == 0 and len(sig) > 32
        hashes, at, widths = _lines_of(sig)
        assert all(0 <= h < 2**64 for h in hashes) and list(at) == sorted(at)
        assert [w - 1 for w in widths] == [len(doc.lines[ln - 1]) for ln in at]
        packed.append((DocRef(f"{i}.txt"), sig))
        lists.append((DocRef(f"{i}.txt"), list(zip(hashes, at, widths))))
    found = [(v.ref, v.message, v.line, v.end_line, v.end_column) for v in rule.finalize(packed, options)]
    assert len(found) == 5 and all("shared by 5 documents" in m for _, m, _, _, _ in found)
    assert found == [(v.ref, v.message, v.line, v.end_line, v.end_column) for v in rule.finalize(lists, options)]


# -- keyed phases (the Ray engine's group-by) give the local verdicts -------------------------------
@pytest.mark.parametrize("code", ["DUP101", "DUP102"])
def test_keyed_phases_match_local_finalize(code: str) -> None:
    from corpuslint.discover import Discovered
    from corpuslint.rule import CorpusRule

    s = open_session(isolated=True, entry_points=False, overrides={"select": [code]})
    engine = s.engine()
    path = CASES / "cases.jsonl"
    results = list(engine.iter_results([Discovered(path, "cases.jsonl")]))
    sigs = [x for r in results for x in r.signatures.get(code, [])]
    ar = next(a for a in s.ruleset.active if a.code == code)
    rule = ar.rule
    rule.load_documents = engine.load_documents
    local = list(rule.finalize(sigs, ar.options))
    rule.keyed = True  # this instance only: run the keyed phases through the base class's in-process group-by
    try:
        keyed = list(CorpusRule.finalize(rule, sigs, ar.options))
    finally:
        del rule.keyed
    assert len(local) >= 18
    assert keyed == local


# -- the fast paths give what their definitions give (docs/performance.md) ------------------------
TEXTS = [
    A, B, C, "", "   \n\n", "ASCII only, with: punctuation! (and) 'quotes' -- dashes.\n\nSecond line.",
    "Non\u00a0breaking\u202fspaces « guillemets » l’accès aujourd'hui — tiret… ﬁn Ǆ ß K\r\nCRLF\rCR line",
    "soft\u00adhyphen zero\u200bwidth lʼapostrophe ½ ⑴ ＡＢＣ e\u0301 \ud800 lone surrogate",
    "info\x1fseparator and \x1c others\nkept as characters",
    "repeat " * 40, "Le chat. " * 30 + "\n" + "le chat " * 12,
    "ΣΟΦΊΑ σοφίας ΐ ΰ ŉ İstanbul ſ ẞtraße Ǉ ǈ ǉ ﬀ Ⅻ ㎏ ＤＵＰ",  # casefold to several characters, NFKC changes
    "para\u2029graph line\u2028sep next\x85line ogham\u1680space ideo\u3000graphic\n\u2028\n\x85",  # non-ASCII spaces
    "Привет, мир! 你好，世界。 مرحبا بالعالم ‎שלום‏ عربي\u200f हिन्दी\u200d \U0001F600 emoji\r\n\r\n",
    "tab\tvertical\x0bform\x0cfeed\r\r\n\n " + "x" * 5000 + " «long»",
    "Menu\nHome | News\n\n\u3000\n menu \r\n---\n---\nHOME | news!\r\n\u2028\n\x85\nmenu\rShare: f t\nshare f t",  # repeated lines
]


@pytest.mark.parametrize("text", TEXTS)
def test_fast_normalization_matches_the_definition(text: str) -> None:
    from corpuslint.families import duplication as d

    _check_dup_text(text)
    _check_words(d._fold_styles(text))



def _check_words(text: str) -> None:
    """DUP002's words and offsets (_words, with numpy) are what the one-regex definition (_TOKEN) gives."""
    from corpuslint.families import duplication as d

    words, starts, ends = d._words(text)
    matches = list(d._TOKEN.finditer(text))
    assert words == [m.group().casefold() for m in matches]
    assert list(zip(starts.tolist(), ends.tolist())) == [m.span() for m in matches]


_WORD_PIECES = [
    "word", "Mot", "l'accès", "aujourd’hui", "U.S.A.", "«", "»", "—", "-", "|", "»»", "...", "¿Qué?", "你好，世界。", "мир!",
    "مرحبا", "हिन्दी\u200d", "\U0001F600", "a\U0001F600b", "\U0001D400\U0001D401", "\U00010330", "\ud800", "\x1f",
    "x\x1cy", "½", "™", "٣٤", "\u00ad", "e\u0301", "ＡＢＣ", "＝\u0338", "(1)", "[", "]", "#tag", "@", "$5", "€", "'",
]
_WORD_GAPS = [" ", "  ", "\n", "\r\n", "\r", "\n\n", "\t", "\u00a0", "\u3000", "\u2028", "\x85", "\x0b", ", ", " - ", ""]


def test_words_match_the_definition_on_varied_text() -> None:
    rng = random.Random(9)
    for _ in range(400):
        pieces = [rng.choice(_WORD_PIECES) + rng.choice(_WORD_GAPS) for _ in range(rng.randint(0, 60))]
        if rng.random() < 0.1:
            pieces.append("long" * rng.randint(100, 3000))
        _check_words("".join(pieces))


@given(st.text(st.characters(exclude_categories=()), max_size=300))
@settings(max_examples=300, deadline=None)
def test_words_match_the_definition_on_any_text(text: str) -> None:
    _check_words(text)


def _check_dup_text(text: str) -> None:
    """Every view _DupText builds is what the one-regex definition (_exact_key) gives."""
    import hashlib
    import unicodedata

    from corpuslint.families import duplication as d
    from corpuslint.families import minhash
    from corpuslint.model import Document

    doc = Document(path="t.txt", raw=b"", text=text)
    dup = d._DupText(doc)
    key = d._exact_key(text)
    assert dup.line_keys == [d._exact_key(line) if line.strip() else "" for line in doc.lines]
    assert dup.line_key_bytes == [k.encode("utf-8", "surrogatepass") for k in dup.line_keys]
    seen: set[str] = set()
    repeated = []  # DUP002's skipped lines, by their definition
    for line, start, line_key in zip(doc.lines, doc.line_starts, dup.line_keys):
        if line.strip() and line_key in seen:
            repeated.append((start, start + len(line)))
        elif line_key:
            seen.add(line_key)
    assert d._repeated_line_spans(doc) == repeated
    # _fold's flag (DUP002's quick exit rests on it): NFKC but for spaces, or for gaps (whitespace,
    # punctuation, symbols) turned into gaps one character at a time; and no invisible character
    nfkc = unicodedata.normalize("NFKC", text)

    def gap(c: str) -> bool:
        return c.isspace() or unicodedata.category(c)[0] in "PS"

    spaced = "".join(" " if c.isspace() and not c.isascii() else c for c in text)
    gaps_alone = all(gap(c) and all(map(gap, unicodedata.normalize("NFKC", c)))
                     for c in set(text) if unicodedata.normalize("NFKC", c) != c)
    plain = (unicodedata.is_normalized("NFKC", spaced)
             or gaps_alone and "".join(unicodedata.normalize("NFKC", c) for c in text) == nfkc)
    assert d._fold(text)[1] == (plain and not d._INVISIBLE.search(nfkc.casefold()))
    assert dup.key == key == d.normalize_for_dup(text)
    words = key.split(" ") if key else []
    assert [w for run in dup.word_runs for w in run] == [w.encode("utf-8", "surrogatepass") for w in words]
    assert dup.n_words == len(words)
    assert dup.word_hashes.tolist() == minhash.word_hashes(words).tolist()
    want = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    assert dup.digest == int.from_bytes(want, "big")
    for size in (10, 5, 1, 2, 4, 8, 12, 3, 6) if words else ():  # 10 first, as DUP002 asks before DUP102
        assert dup.ngram_hashes(size).tolist() == minhash.ngram_hashes(minhash.word_hashes(words), size).tolist(), size


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(list(
    " \t\n\r\x0b\x0c\x1c\x1f\u00a0\u2028\u2029\x85\u1680\u3000\u200b\u00ad\ufeff.,;:!?'\"«»’‘ʼ`´—–-…©®°$€+=<>()[]{}/\\|@#%^&*_~"
    "aAzZ09éÉàçÇßẞſKİıΣσςΐŉǅﬁ½⑴ＡｂĲ\u0301\u0308ئ中한\U0001F600\ud800")), st.characters()), max_size=80).map("".join))
def test_dup_text_matches_the_definition_on_any_text(text: str) -> None:
    _check_dup_text(text)


def test_fold_char_rests_on_casefold_being_per_character_and_idempotent() -> None:
    """_fold folds the distinct characters one by one, in any order: str.casefold must map each
    character on its own, to characters it leaves unchanged; NFKC and casefold must make no
    information separator (str.split splits there, the definition does not)."""
    import unicodedata

    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        folded = ch.casefold()
        if folded != ch:
            assert all(c.casefold() == c for c in folded), hex(cp)
        if cp > 127 and not 0xD800 <= cp <= 0xDFFF:
            nfkc = unicodedata.normalize("NFKC", ch)
            assert not set(nfkc + nfkc.casefold() + folded) & set("\x1c\x1d\x1e\x1f\r\n"), hex(cp)
    text = "".join(chr(cp) for cp in range(0x80, 0x3000) if not 0xD800 <= cp <= 0xDFFF)
    assert "".join(map(str.casefold, text)) == text.casefold()


def test_first_of_group_matches_numpy_unique() -> None:
    import numpy as np

    from corpuslint.families import duplication as d

    rng = np.random.default_rng(5)
    for size in [1, 2, 3, 17, 100, 1000, 5000]:
        for distinct in [1, 2, 10, size]:
            values = rng.integers(0, distinct, size).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
            _, first, inverse = np.unique(values, return_index=True, return_inverse=True)
            assert d._first_of_group(values).tolist() == first[inverse].tolist()


def test_greedy_repeats_match_the_reference_scan() -> None:
    import random

    from corpuslint.families import duplication as d

    rng = random.Random(4)
    for _ in range(300):
        vocab = [f"w{k}" for k in range(rng.randint(2, 12))]
        words = [rng.choice(vocab) for _ in range(rng.randint(0, 120))]
        if words and rng.random() < 0.5:  # pasted passages
            a = rng.randrange(len(words))
            words[a:a] = words[max(0, a - rng.randint(3, 30)) : a] * rng.randint(1, 3)
        n = rng.randint(2, 10)
        assert d._greedy_repeats(words, n) == d._greedy_repeats_reference(words, n)


def test_dup002_quick_exit_never_hides_a_repeat() -> None:
    """When DUP001's words have no repeated run of n, DUP002's words have none either (for 'plain' texts)."""
    import random

    from corpuslint.families import duplication as d
    from corpuslint.model import Document

    rng = random.Random(9)
    # NFKC-stable pieces (the texts the quick exit applies to), and a few that are not
    pieces = ["l’été", "l'été", "L'ÉTÉ", "fin", "ß", "ss", "«", "»", "—", "-", "a-b", "3.5", "«oui»", "x\u00a0y",
              "é", "“quote”", "‐", "’", "`tick`", "word", "Word", "WORD", "lʼa"]
    # NFKC changes these gaps into gaps, one character at a time: the quick exit still applies
    pieces += ["…", "wait…what", "？", "（note）", "a：b", "\u3000", "＞", "x～y", "″", "‥", "«…»"]
    # and these it changes otherwise (letters, digits, a composition, a combining mark after a space)
    odd = ["ﬁn", "K", "e\u0301", "Ǆ", "´", "soft\u00adhyphen", "＝\u0338", "<\u0338", "¨", "⑴", "™", "½", "ª"]
    ends = ["…", "？", "）", "™", "½", "⑴", "´", "ª", "¹", "＝\u0338"]
    tested = 0
    for _ in range(1500):
        n = rng.randint(3, 6)
        words = [rng.choice(pieces if rng.random() < 0.97 else odd) for _ in range(rng.randint(2 * n, 40))]
        seps = [rng.choice([" ", " ", "\n", "\u00a0", ", "]) for _ in words]
        a = rng.randrange(len(words))  # a pasted run, in another spelling (case, quotes, spacing)
        pasted = [w.upper() if rng.random() < 0.3 else w.replace("’", "'") for w in words[a : a + n + 2]]
        # marks at a word's ends: the same word for DUP002, which strips them
        pasted = [w + rng.choice(ends) if rng.random() < 0.2 else w for w in pasted]
        text = "".join(w + s for w, s in zip(words, seps)) + " ".join(pasted)
        doc = Document(path="t.txt", raw=b"", text=text)
        dup = d._DupText(doc)
        mine = d._words(d._fold_styles(text))[0]
        if dup.plain and d._greedy_repeats_reference(mine, n):
            assert d._has_repeated_ngram(dup, n), text
            tested += 1
    assert tested > 50


@pytest.mark.parametrize("text", [
    "one ＝\u0338 two ＝\u0338 three ＝\u0338 four ＝\u0338 five six seven eight, " * 2,  # composes across characters
    "brand™ a b c d e f g h i, brand a b c d e f g h i",  # a symbol into letters
    "word´ a b c d e f g h i, word a b c d e f g h i",  # a symbol into a space and a combining mark
    "x℃ a b c d e f g h i, x a b c d e f g h i",  # a symbol into a symbol and a letter
    "wait…what a b c d e f g h i, wait…what a b c d e f g h i",  # gaps into gaps: plain, and not hidden
    "（a） b？ c… d： e～ f‥ g″ h i j\u3000" * 2,
])
def test_dup002_quick_exit_on_texts_nfkc_changes(text: str) -> None:
    """Each text repeats a run of 10 DUP002 words: the quick exit must not skip it."""
    from corpuslint.families import duplication as d
    from corpuslint.model import Document

    dup = d._DupText(Document(path="t.txt", raw=b"", text=text))
    mine = d._words(d._fold_styles(text))[0]
    assert d._greedy_repeats_reference(mine, 10)
    assert not dup.plain or d._has_repeated_ngram(dup, 10)


def test_casefold_keeps_gaps_and_words_apart() -> None:
    """DUP002's quick exit maps each of its words onto DUP001 words: casefold must turn a gap
    (whitespace, punctuation, symbol) into gaps alone, and anything else into at least one non-gap."""
    from corpuslint.families.duplication import _is_gap

    for cp in range(sys.maxunicode + 1):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        folded = ch.casefold()
        assert all(map(_is_gap, folded)) if _is_gap(ch) else not all(map(_is_gap, folded)), hex(cp)


@given(st.sets(st.integers(min_value=-(2**63), max_value=2**63 - 1), min_size=1, max_size=60),
       st.sets(st.integers(min_value=-(2**63), max_value=2**63 - 1), min_size=1, max_size=60),
       st.sets(st.integers(min_value=-5, max_value=5), max_size=11))
def test_shared_shingles_counted_on_sorted_arrays_as_on_sets(a: set[int], b: set[int], both: set[int]) -> None:
    """DUP102's confirmation counts shared shingles on sorted arrays (a tenth of a set's memory)."""
    import numpy as np

    from corpuslint.families.duplication import _common

    a, b = a | both, b | both
    arrays = [np.array(sorted(x), dtype=np.int64) for x in (a, b)]
    assert _common(*arrays) == _common(*reversed(arrays)) == len(a & b)


def test_shingle_array_holds_the_shingle_set() -> None:
    from corpuslint.families.duplication import _shingle_array, _shingle_set

    for text in ["", "un mot", "le chat dort sur le tapis et le chat dort encore " * 5, "Раз два три четыре пять шесть"]:
        arr = _shingle_array(text, 5)
        assert list(arr) == sorted(_shingle_set(text, 5))


def _in_spans_reference(found: list[tuple[int, int]], spans: list[tuple[int, int]]) -> list[bool]:
    """DUP002's former scan: for each word (start, end), whether it lies inside one of ``spans``."""
    out = []
    k = 0
    for start, end in found:
        while k < len(spans) and spans[k][1] < end:
            k += 1
        out.append(k < len(spans) and spans[k][0] <= start)
    return out


def test_words_outside_repeated_lines_as_the_linear_scan() -> None:
    """_outside (a bisection per word of a run) counts what the scan over every word counted."""
    import random

    from corpuslint.families.duplication import _outside

    rng = random.Random(11)
    for _ in range(500):
        cuts = sorted(rng.sample(range(200), rng.randint(0, 30)))
        spans = [(a, z) for a, z in zip(cuts[::2], cuts[1::2]) if a < z]  # lines: sorted, disjoint
        found, pos = [], 0
        while pos < 200:  # words: sorted, disjoint, inside or across span boundaries
            pos += rng.randint(0, 4)
            end = pos + rng.randint(1, 8)
            found.append((pos, end))
            pos = end
        ends = [z for _, z in spans]
        covered = _in_spans_reference(found, spans)
        for _ in range(5):
            i = rng.randrange(len(found))
            length = rng.randint(0, len(found) - i)
            assert _outside(found[i : i + length], spans, ends) == sum(not c for c in covered[i : i + length])


@pytest.mark.parametrize("unit", ["a", "é", "€", "\U0001F600", "a\ud800", "ﬁ"])
def test_dup101_measures_short_keys_as_characters(unit: str) -> None:
    """DUP101 skips a text whose key is under min-length // 2 characters (decoded only when it may be)."""
    from corpuslint.families.duplication import DuplicateDocument, normalize_for_dup
    from corpuslint.model import Document
    from corpuslint.rule import RuleContext

    rule = DuplicateDocument()
    for min_length in (0, 1, 2, 7, 50):
        for repeat in range(0, 60):
            text = (unit * repeat + " ") * 3  # at least min-length characters of text, a key of any length
            doc = Document(path="t.txt", raw=b"", text=text)
            got = rule.collect(doc, RuleContext(doc, {"min-length": min_length}))
            skipped = len(text) < min_length or len(normalize_for_dup(text)) < min_length // 2
            assert (got is None) == skipped, (unit, min_length, repeat)


def test_fold_char_gives_what_the_ascii_fold_leaves_alone() -> None:
    """_fold applies the ASCII fold (_ASCII_FOLD) after replacing the non-ASCII characters: what they
    fold to must hold no ASCII capital, punctuation or symbol (it would be folded again)."""
    from corpuslint.families import duplication as d

    for cp in range(0x80, sys.maxunicode + 1):
        folded = d._fold_char(chr(cp))[0]
        if folded:
            raw = folded.encode("utf-8", "surrogatepass")
            assert raw.translate(d._ASCII_FOLD) == raw, hex(cp)


# Chinese, Japanese and Thai write no spaces between words: DUP102 counts their characters as words
ZH = ("北京市政府周二宣布，将在未来五年内投资五百亿元用于改善城市公共交通系统。该计划包括新建三条地铁线路，延长现有的两条线路，"
      "并在市中心增设一千个公共自行车站点。市长在新闻发布会上表示，这是北京历史上规模最大的交通投资计划之一，目标是到二零三零年"
      "使公共交通出行比例达到百分之七十。专家认为，这一计划将有效缓解交通拥堵，减少空气污染。")
ZH_OTHER = ("上海市教育局周三公布了新学年的招生政策，今年全市中小学将新增学位两万个。教育局负责人介绍，新增学位主要集中在浦东新区和闵行区"
            "等人口导入较多的区域。同时，今年还将继续推进义务教育阶段的课后服务，确保每所学校都能提供至少两小时的课后托管。")
JA = ("東京都は火曜日、今後五年間で公共交通機関の改善に五千億円を投資すると発表した。計画には三つの新しい地下鉄路線の建設と、"
      "既存の二つの路線の延長が含まれている。知事は記者会見で、これは都の歴史の中で最大規模の交通投資の一つだと述べた。")
TH = ("รัฐบาลประกาศเมื่อวันอังคารว่าจะลงทุนห้าแสนล้านบาทในช่วงห้าปีข้างหน้าเพื่อปรับปรุงระบบขนส่งสาธารณะในกรุงเทพมหานคร "
      "แผนดังกล่าวรวมถึงการสร้างรถไฟฟ้าสายใหม่สามสายและการขยายเส้นทางเดิมอีกสองสาย นายกรัฐมนตรีกล่าวว่านี่เป็นการลงทุนด้านคมนาคมครั้งใหญ่ที่สุด")


def test_near_duplicates_in_scripts_without_spaces(tmp_path: Path) -> None:
    files = {
        "zh1.txt": ZH, "zh2.txt": ZH.replace("五百亿元", "五百二十亿元").replace("一千个", "一千二百个"), "zh3.txt": ZH_OTHER,
        "ja1.txt": JA, "ja2.txt": JA.replace("五千億円", "六千億円"),
        "th1.txt": TH, "th2.txt": TH.replace("ห้าแสนล้านบาท", "หกแสนล้านบาท"),
    }
    got = [(n, c, m.split(" (")[0]) for n, c, m in lint(tmp_path, files, ["DUP102"])]
    assert got == [
        ("ja2.txt", "DUP102", "near-duplicate of ja1.txt"),
        ("th2.txt", "DUP102", "near-duplicate of th1.txt"),
        ("zh2.txt", "DUP102", "near-duplicate of zh1.txt"),
    ]


def test_characters_of_unspaced_scripts_are_the_units_of_the_shingles() -> None:
    from corpuslint.families.duplication import _units, normalize_for_dup

    assert _units(normalize_for_dup("北京，2024 年 plan B。")) == ["北", "京", "2024", "年", "plan", "b"]
    assert _units("plain latin words") == ["plain", "latin", "words"]


ZH_PASTE = ("北京市政府周二宣布，将在未来五年内投资五百亿元用于改善城市公共交通系统。"
            "该计划包括新建三条地铁线路，延长现有的两条线路，并在市中心增设一千个公共自行车站点。"
            "市长在新闻发布会上表示，这是北京历史上规模最大的交通投资计划之一。"
            "该计划包括新建三条地铁线路，延长现有的两条线路，并在市中心增设一千个公共自行车站点。"
            "专家认为，这一计划将有效缓解交通拥堵。")
# a long name said in two sentences is no paste
ZH_NAME = ("中华人民共和国国家发展和改革委员会周二发布了新的能源政策，要求各地加快建设充电设施。"
           "据介绍，该政策由中华人民共和国国家发展和改革委员会会同有关部门制定，将于明年一月起实施。"
           "专家认为，这一政策将推动新能源汽车的普及。")


def test_a_sentence_pasted_twice_in_chinese(tmp_path: Path) -> None:
    got = lint(tmp_path, {"paste.txt": ZH_PASTE, "name.txt": ZH_NAME}, ["DUP002"])
    assert got == [("paste.txt", "DUP002", "39 characters repeat the passage at line 1, column 37")]


def test_a_sentence_pasted_twice_in_hindi_ends_with_a_danda(tmp_path: Path) -> None:
    text = ("दिल्ली सरकार ने मंगलवार को नई मेट्रो लाइन का उद्घाटन किया। यह लाइन शहर के पूर्वी हिस्से को हवाई अड्डे से जोड़ेगी "
            "और रोज़ाना लाखों यात्रियों को लाभ देगी। मुख्यमंत्री ने इसे ऐतिहासिक दिन बताया। यह लाइन शहर के पूर्वी हिस्से को हवाई "
            "अड्डे से जोड़ेगी और रोज़ाना लाखों यात्रियों को लाभ देगी। विशेषज्ञों ने इसका स्वागत किया।")
    assert lint(tmp_path, {"hi.txt": text}, ["DUP002"]) == [("hi.txt", "DUP002", "18 words repeat the passage at line 1, column 60")]


# -- Thai: a consonant and the vowel and tone marks that follow it are one unit ------------------
TH_P1 = ("กรมอุตุนิยมวิทยาประกาศเตือนประชาชนในภาคเหนือและภาคตะวันออกเฉียงเหนือให้ระวังอันตรายจากฝนตกหนักถึงหนักมาก "
         "ซึ่งอาจทำให้เกิดน้ำท่วมฉับพลันและน้ำป่าไหลหลาก โดยเฉพาะพื้นที่ลาดเชิงเขาและพื้นที่ใกล้ทางน้ำไหลผ่าน")
# ends with a vowel mark (ที: ท + U+0E35); holds a long name twice (ป้องกันและบรรเทาสาธารณภัย)
TH_P2 = ("อธิบดีกรมป้องกันและบรรเทาสาธารณภัยกล่าวว่า ได้สั่งการให้ศูนย์ป้องกันและบรรเทาสาธารณภัยทุกเขตเตรียมเครื่องจักรกล"
         "และเจ้าหน้าที่ไว้ให้พร้อม เพื่อเข้าช่วยเหลือผู้ประสบภัยได้ทันที")
TH_P3 = ("ทั้งนี้ ในช่วงสัปดาห์ที่ผ่านมา มีรายงานน้ำท่วมในจังหวัดเชียงราย น่าน และแพร่ ส่งผลกระทบต่อบ้านเรือนประชาชนกว่าสามพันหลังคาเรือน "
         "และพื้นที่การเกษตรเสียหายหลายพันไร่ เจ้าหน้าที่ได้อพยพผู้สูงอายุและเด็กไปยังศูนย์พักพิงชั่วคราวแล้ว")
TH_P4 = "ประชาชนที่ต้องการความช่วยเหลือสามารถติดต่อสายด่วนของกรมได้ตลอดยี่สิบสี่ชั่วโมง"


def _spans(tmp_path: Path, files: dict[str, str], select: list[str]) -> list[tuple[str, int, int, int, int, str]]:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    s = open_session(isolated=True, entry_points=False, overrides={"select": select})
    return [(Path(f.path).name, f.line, f.column, f.end_line, f.end_column, f.message) for f in s.lint([str(tmp_path)]).findings]


def test_thai_units_keep_their_marks() -> None:
    from corpuslint.families.duplication import _split_unspaced, _units, _words, normalize_for_dup

    text = "ไปที่ตลาด ไม่ใช่ไม้"
    words, starts, ends = _split_unspaced(text, *_words(text))
    assert words == ["ไ", "ป", "ที่", "ต", "ล", "า", "ด", "ไ", "ม่", "ใ", "ช่", "ไ", "ม้"]
    assert [text[a:z] for a, z in zip(starts.tolist(), ends.tolist())] == words
    assert _units(normalize_for_dup(text)) == words
    assert len(TH_P2) > 170 and sum(map(len, _units(normalize_for_dup(TH_P2)))) == len(TH_P2.replace(" ", ""))


def test_a_thai_paragraph_pasted_twice(tmp_path: Path) -> None:
    pasted = "\n".join([TH_P1, TH_P2, TH_P3 + " " + TH_P2, TH_P4]) + "\n"
    assert len(pasted) > 800
    column = len(TH_P3) + 2
    n = len(_units_of(TH_P2))
    assert _spans(tmp_path, {"th.txt": pasted}, ["DUP002"]) == [
        ("th.txt", 3, column, 3, column + len(TH_P2), f"{n} characters repeat the passage at line 2, column 1")
    ]


def test_a_thai_paragraph_pasted_after_a_label_is_found(tmp_path: Path) -> None:
    # the paragraph ends with a mark: its line's end is found after it (a short label before
    # the copy makes it the same slot of two lines unless it is a whole sentence)
    pasted = "\n".join([TH_P1, TH_P2, TH_P3, "ข่าว: " + TH_P2, TH_P4]) + "\n"
    assert _spans(tmp_path, {"th.txt": pasted}, ["DUP002"]) == [
        ("th.txt", 4, 7, 4, 7 + len(TH_P2), f"{len(_units_of(TH_P2))} characters repeat the passage at line 2, column 1")
    ]


def test_thai_text_without_a_paste_is_clean(tmp_path: Path) -> None:
    clean = "\n".join([TH_P1, TH_P2, TH_P3, TH_P4]) + "\n"
    assert len(clean) > 600
    assert _spans(tmp_path, {"th.txt": clean}, ["DUP001", "DUP002", "DUP003"]) == []


def _units_of(text: str) -> list[str]:
    from corpuslint.families.duplication import _units, normalize_for_dup

    return _units(normalize_for_dup(text))


# -- DUP102 says what its n-grams were made of ----------------------------------------------------
def test_near_duplicate_message_names_character_ngrams_for_unspaced_scripts(tmp_path: Path) -> None:
    files = {
        "zh1.txt": ZH, "zh2.txt": ZH.replace("五百亿元", "五百二十亿元"),
        "a.txt": A, "d.txt": A_NEAR,
        "th1.txt": TH, "th2.txt": TH.replace("ห้าแสนล้านบาท", "หกแสนล้านบาท"),
    }
    got = {n: m for n, _, m in lint(tmp_path, files, ["DUP102"])}
    assert set(got) == {"d.txt", "th2.txt", "zh2.txt"}
    assert got["d.txt"] == "near-duplicate of a.txt (Jaccard similarity 0.86 of word 5-grams)"
    for name in ("th2.txt", "zh2.txt"):
        assert got[name].startswith(f"near-duplicate of {name[:2]}1.txt (Jaccard similarity 0.")
        assert got[name].endswith(" of character 5-grams)")


def test_shingles_are_characters_when_most_units_are() -> None:
    from corpuslint.families.duplication import _shingle_array, _shingles, _unit_name

    for text, characters in [(ZH, True), (JA, True), (TH, True), (A, False), (A + " 日本", False), ("東京タワー Tokyo Tower", True), ("東京 Tokyo Tower", False)]:
        arr, got = _shingles(text, 5)
        assert got is characters, text[:20]
        assert list(arr) == list(_shingle_array(text, 5))
    assert [_unit_name(True, True), _unit_name(False, False), _unit_name(True, False)] == [
        "character", "word", "word and character"]


def test_said_thrice_counts_runs_in_one_pass_with_the_same_answers() -> None:
    """`_said_thrice` reads run counts from `_gram_counts` (one pass) and answers what the
    definition answers: counting each run's occurrences from its first word's positions took
    a repetitive page of 600 KB 150 s (found in review)."""
    import random

    from corpuslint.families.duplication import _gram_counts, _said_thrice

    def reference(words: list[str], i: int, length: int, n: int) -> bool:
        covered, uncovered = i, 0
        for k in range(i, i + length - n + 1):
            if uncovered + max(0, k - covered) >= n:
                return False
            gram = words[k : k + n]
            if sum(words[p : p + n] == gram for p in range(len(words) - n + 1)) >= 3:
                uncovered += max(0, k - covered)
                covered = k + n
        return uncovered + max(0, i + length - covered) < n

    rng = random.Random(7)
    for _ in range(300):
        words = [rng.choice("abcd") for _ in range(rng.randint(8, 60))]
        n = rng.randint(2, 5)
        grams = _gram_counts(words, n)
        i = rng.randint(0, len(words) - n)
        length = rng.randint(n, len(words) - i)
        assert _said_thrice(words, grams, i, length, n) == reference(words, i, length, n)
