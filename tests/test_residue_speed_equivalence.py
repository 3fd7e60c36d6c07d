"""The structural residue scorer's shortcuts give what the plain computation gives (issue #5).

``_analyze`` copies the score of a line seen before, in this document or another one
(``_SCORED``): the analysis of a document must not depend on what was analysed before it,
nor on what the analysis does to the scores it hands out.
"""

from __future__ import annotations

import dataclasses
import random
import re
from pathlib import Path
from typing import Any

import pytest

import corpuslint.families.residue_structure as rs
from corpuslint.kinds import normalize_line
from corpuslint.model import Document
from corpuslint.rule import RuleContext
from corpuslint.session import open_session

ROOT = Path(__file__).resolve().parent.parent

_MENU = "Accueil | Monde | Europe | Sport\nS'abonner\nPartager sur Facebook\nÀ lire aussi\n"
_PARAGRAPH_FR = (
    "Le conseil municipal a voté mardi soir le budget de l'année prochaine, après un débat de plus de "
    "trois heures sur les travaux de la place du marché et sur le prix de l'eau dans les quartiers. "
)
_PARAGRAPH_XX = (
    "Kala mbuto ya wana mbele na nzila ya zamani, kala mbuto ya mama na nzila ya kisiwa kwa wakati wote "
    "na wana wa kijiji kala mbuto ya mvua na nzila ya bahari kwa watu wote wa mji huu. "
)


def _synthetic() -> list[str]:
    """Pages with menus, CR line ends, blank lines, long lines, other scripts, no-pack languages."""
    long_line = (_PARAGRAPH_FR * 12).strip()
    return [
        _MENU + "\n" + "\n\n".join([_PARAGRAPH_FR * 2] * 4) + "\n\n" + _MENU + "© Le Journal 2024\n",
        _MENU.replace("\n", "\r\n") + "\r\n" + (_PARAGRAPH_FR * 3 + "\r\n\r\n") * 3 + "Partager sur Facebook\r\n12 commentaires\r\n",
        _MENU.replace("\n", "\r") + "\r" + (_PARAGRAPH_FR + "\r") * 5,
        "\n\n   \n" + long_line + "\n" + _MENU + long_line + "\n\t\n",
        _MENU + "Главная | Новости | Спорт\n" + "\n".join([_PARAGRAPH_FR * 2] * 4) + "\nПодписаться на рассылку\n",
        "首页 | 新闻 | 体育\n登录\n" + "\n".join(["今天市政府宣布了新的交通计划，市民可以在网上查看详细内容。" * 6] * 4) + "\n分享到微博\n",
        "الرئيسية | أخبار | رياضة\n" + "\n".join(["أعلنت الحكومة اليوم عن خطة جديدة للنقل في المدينة. " * 5] * 4) + "\nشارك\n",
        # languages without a pack: the function words are the document's own, different per page
        _MENU + "\n".join([_PARAGRAPH_XX * 2] * 5) + "\nKala mbuto\nnzila ya mama\n",
        _MENU + "\n".join(["Ona tiki bara mele ona tiki sasa mele ona pula tiki bara mele ona nana. " * 3] * 5)
        + "\nKala mbuto\nnzila ya mama\n",
        "",
        "\n\n\n",
        "S'abonner\n" * 30,
        # a line of Chinese longer than the lines kept for other documents, twice
        "首页 | 新闻\n" + ("今天市政府宣布了新的交通计划，市民可以在网上查看详细内容。" * 15 + "\n") * 2 + "登录\n",
    ]


def _texts() -> list[str]:
    paths = sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT / "tests" / "residue_corpus").glob("*.txt"))
    paths += sorted((ROOT / "tests" / "fp_corpus").glob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in paths] + _synthetic()


@pytest.fixture(scope="module")
def rule() -> Any:
    session = open_session(isolated=True, entry_points=False)
    return next(ar for ar in session.ruleset.active if ar.code == "RES008")


def _run(rule: Any, text: str) -> tuple[Any, ...]:
    doc = Document(path="page.txt", raw=text.encode(), text=text)
    a = rule.rule.analysis(doc, RuleContext(doc, rule.options, rule.vocabulary))
    findings = [(v.start, v.end, v.message) for v in rule.rule.check(doc, RuleContext(doc, rule.options, rule.vocabulary))]
    return [dataclasses.astuple(s) for s in a.scores], a.core, [(b.first, b.last, b.zone) for b in a.blocks], a.comment, a.comment_cues, findings


def test_analysis_does_not_depend_on_earlier_documents(rule: Any) -> None:
    texts = _texts()
    alone = []
    for t in texts:
        rs._SCORED.clear()
        rule.vocabulary.bylines.clear()
        alone.append(_run(rule, t))
    order = list(range(len(texts))) * 2
    random.Random(5).shuffle(order)
    rs._SCORED.clear()
    for k in order:  # each document after others, and after itself
        assert _run(rule, texts[k]) == alone[k], k


def test_memo_is_emptied_when_full(rule: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rs, "_SCORED_MAX", 3)
    texts = _texts()
    rs._SCORED.clear()
    expected = [_run(rule, t) for t in texts]
    assert len(rs._SCORED) <= 3
    rs._SCORED.clear()
    monkeypatch.undo()
    assert [_run(rule, t) for t in texts] == expected


def _lines() -> list[str]:
    """Lines of the test texts, with dates and digits of other scripts, CR ends and spaces."""
    extra = [
        "", " ", "\r", "Publié le 3 octobre 2020 à 18h30", "12/05/2024", "٢٠٢٤/٠٥/١٢", "२०२४", "２０２４年５月", "Mis à jour 10:45\r",
        "Par Jean Dupont", "par  jean dupont, envoyé spécial", "By Jane Doe | Reuters", "Von Max Mustermann\r",
        "1999", "19999", "x2020", "Le 1er mai", "Titre de l'article numéro 1005", "Publicado el 3 de mayo de 2021",
    ]
    return [ln for t in _texts() for ln in t.splitlines()] + extra


def test_dateline_is_the_date_pattern(rule: Any) -> None:
    """``_dateline`` (a digit looked for first) is the plain search of ``_DATEISH``."""
    for text in _lines():
        t = text.strip()
        for words in (len(rs._tokens(t)), 10, 11):
            s = rs.LineScore(0, t, len(t), words, 0.0, [], False)
            assert rs._dateline(s) == bool(rs._DATEISH.search(t) and words <= 10), t


def test_byline_is_the_prefix_match(rule: Any) -> None:
    """``_byline`` (remembered per line) gives the plain match's end and the name after it, asked twice."""
    vocab = rule.vocabulary
    vocab.bylines.clear()
    for _ in range(2):
        for text in _lines():
            norm = normalize_line(text)
            m = vocab.byline_re.match(norm) if norm.startswith(vocab.byline_starts) else None
            if m is None:
                assert rs._byline(vocab, norm) == (-1, ""), norm
                continue
            rest = rs._NAME_END.split(norm[m.end() :].strip())[0].split()[:3]
            name = " ".join(rest) if len(rest) >= 2 and len(" ".join(rest)) >= 6 else ""
            assert rs._byline(vocab, norm) == (m.end(), name), norm


def test_fold_for_stems_is_casefold_for_stems() -> None:
    """``_fold_for_stems`` is ``str.casefold`` with ``_UNSTEMMED`` as NUL, characters no stem holds."""
    banned = set(rs._UNSTEMMED) | {"\0"}
    word = re.compile(r"[^\W_]")  # the characters of _TITLE_WORD, whose casefold makes the stems
    for c in map(chr, range(0x110000)):
        folded = c.casefold()
        if (folded != c or c in banned) and word.match(c):
            assert banned.isdisjoint(folded), hex(ord(c))
    assert all(c.casefold() == c for c in banned)
    nul = {ord(c): "\0" for c in rs._UNSTEMMED}
    texts = _lines() + [
        "L’Été — « Straße » à 5 €", "Maße µm", "ΣΑΣ Ünïcode ™ ‰", "İstanbul ﬁn Kelvin \u212a", "œuvre Œil “quoted” ‘x’",
        "首页 新闻", "\0 NUL\u202fnarrow\u2009thin…", " ".join(_texts()[:3])[:1800],
    ]
    for text in texts:
        assert rs._fold_for_stems(text) == text.casefold().translate(nul), text
        lede = text.casefold()
        for w in rs._stems(text.upper()) | rs._stems(text):
            assert (w in rs._fold_for_stems(text)) == (w in lede), (w, text)


def test_narrow_patterns_match_as_the_regex_module() -> None:
    """On a line of ``_NARROW_CHARS``, the standard library's patterns find what the regex module's find."""
    rnd = random.Random(8)
    alphabet = rs._NARROW_CHARS
    latin = "aeéèiouyAEÉIOUYßÿµªºÀàçÇñÑœ’'—–… .,0123456789"
    texts = [t.strip() for t in _lines()]
    texts += ["".join(rnd.choice(alphabet) for _ in range(rnd.randrange(1, 40))) for _ in range(3000)]
    texts += ["".join(rnd.choice(latin) for _ in range(rnd.randrange(1, 40))) for _ in range(3000)]
    texts += ["l’étéÀvenir d'Été", "deÉtéAu", "ßßÀßß", "µµÞµµ", "l’", "l'a", "aujourd’hui 12 h 30"]
    narrow = 0
    for t in texts:
        p = rs._patterns(t)
        if p is rs._NARROW_PATTERNS:
            narrow += 1
            assert p.token.findall(t) == rs._FW_TOKEN.findall(t), t
            assert p.digit.findall(t) == rs._DIGIT.findall(t), t
            assert [m.span() for m in p.glued.finditer(t)] == [m.span() for m in rs._GLUED.finditer(t)], t
        else:
            assert p is (rs._ASCII_PATTERNS if t.isascii() else rs._FULL_PATTERNS)
            assert rs._BEYOND_NARROW.search(t) or t.isascii(), t
        # the words of a line, as before the narrow patterns
        old = (
            rs._ASCII_TOKEN.findall(t) if t.isascii()
            else rs._FW_TOKEN.findall(t) if not rs._WIDE.search(t)
            else [w for run in rs._FW_TOKEN.findall(t) for w in (rs._CJK_SPLIT.findall(run) if rs._CJK_CHAR.search(run) else (run,))]
        )
        assert rs._tokens(t) == old, t
    assert narrow > 5000
    assert all(rs._BEYOND_NARROW.search(c) is None for c in alphabet)
    assert all(rs._BEYOND_NARROW.search(chr(c)) for c in range(0x110000) if chr(c) not in alphabet)
