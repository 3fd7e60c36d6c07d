"""The residue family's shortcuts give what the plain computation gives (issues #5 and #9).

``_analyze`` copies the score of a line seen before, in this document or another one
(``_SCORED``): the analysis of a document must not depend on what was analysed before it,
nor on what the analysis does to the scores it hands out. The line scorer's memos and cheap
tests, and RES002's test of a line's script, are compared with the plain computation.
"""

from __future__ import annotations

import dataclasses
import functools
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import corpuslint.families.residue as residue
import corpuslint.families.residue_structure as rs
from corpuslint.kinds import normalize_line
from corpuslint.model import Document
from corpuslint.patterns import compile_regex
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
    """``_dateline`` (a digit looked for first) is the plain search of ``_DATEISH`` in the line
    with its digits of other scripts read as ASCII ones (`১২ মার্চ ২০২৫`)."""
    import unicodedata

    def ascii_digits(t: str) -> str:
        return "".join(str(unicodedata.digit(c)) if c.isdigit() and not c.isascii() and unicodedata.digit(c, None) is not None
                       and unicodedata.category(c) == "Nd" else c for c in t)

    for text in [*_lines(), "নিজস্ব প্রতিবেদক, ঢাকা, ১২ মার্চ ২০২৫", "عام ٢٠٢٠ في القاهرة", "２０２４年３月１５日"]:
        t = text.strip()
        for words in (len(rs._tokens(t)), 10, 11):
            s = rs.LineScore(0, t, len(t), words, 0.0, [], False)
            assert rs._dateline(s) == bool(rs._DATEISH.search(ascii_digits(t)) and words <= 10), t


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
        old = rs._ASCII_TOKEN.findall(t) if t.isascii() else rs._FW_TOKEN.findall(t) if not rs._WIDE.search(t) else _old_cjk_tokens(t)
        assert rs._tokens(t) == old, t
    assert narrow > 5000
    assert all(rs._BEYOND_NARROW.search(c) is None for c in alphabet)
    assert all(rs._BEYOND_NARROW.search(chr(c)) for c in range(0x110000) if chr(c) not in alphabet)


_CJK_SPLIT = compile_regex(r"[\p{Han}\p{Hiragana}\p{Katakana}]|[^\p{Han}\p{Hiragana}\p{Katakana}]+")


def _old_cjk_tokens(text: str) -> list[str]:
    """The words of a line of Chinese or Japanese before ``_CJK_TOKEN``: ``_FW_TOKEN``'s words, cut by ``_CJK_SPLIT``."""
    return [w for run in rs._FW_TOKEN.findall(text) for w in (_CJK_SPLIT.findall(run) if rs._CJK_CHAR.search(run) else (run,))]


_CJK_MIX = st.text(
    st.one_of(
        st.sampled_from(list("中文の日本語カタカナ々〇〡⺀ーゝ・abcÉé'’ ,。0１\u0301\u3099")),
        st.characters(min_codepoint=0x2E80, max_codepoint=0x9FFF),
        st.characters(),
    ),
    max_size=60,
)


@settings(max_examples=500, deadline=None)
@given(_CJK_MIX)
@example("中'a")
@example("ab中'x")
@example("a'b'c中'中")
@example("〇中a々")
@example("中’’a")
def test_cjk_tokens_are_the_split_words(text: str) -> None:
    """``_CJK_TOKEN`` finds the words of ``_FW_TOKEN`` cut at each Chinese or Japanese letter, as the split did."""
    assert rs._CJK_TOKEN.findall(text) == _old_cjk_tokens(text), text


# -- the shortcuts of the line scorer (issue #9) -----------------------------------------------

_LINE_CHARS = st.one_of(
    st.sampled_from(list("aeéèiouyAEÉIOUYßÿµÀàçÇñÑœŒ’'—–…«»“”„.,;:!?()[]@/|›-+~<>©$€£%0123456789 \t")),
    st.characters(max_codepoint=0x2FFF),
    st.characters(),
)
_SOME_LINES = st.text(_LINE_CHARS, max_size=300).map(str.strip)


def _varied_lines() -> list[str]:
    """The test texts' lines, stripped, and lines that start with a digit, a sign or a capital."""
    rnd = random.Random(9)
    lines = [t.strip() for t in _lines()]
    heads = ["12 ", "€ 3", "+5 °C", "−2", "٣ كغ", "２ 個", "1/2 tasse", "L'", "l’", "Aujourd’hui ", "deÉtéAu", "ÀÉ"]
    lines += [rnd.choice(heads) + t for t in lines[:400]]
    return lines + ["", "a", "ab", "abC", "abCde", "aBcDe éÉé", "x" * 1000]


@functools.cache
def _rule_vocabulary() -> rs.StructureVocabulary:
    session = open_session(isolated=True, entry_points=False)
    vocab: rs.StructureVocabulary = next(ar for ar in session.ruleset.active if ar.code == "RES008").vocabulary
    return vocab


def _function_words() -> list[frozenset[str]]:
    return [*_rule_vocabulary().function_words.values(), frozenset({"l'", "d'", "ya", "kala"}), frozenset()]


def _old_split_hits(text: str, fw: frozenset[str]) -> int:
    """``_prose_line``'s count of function words before ``_Hits``."""
    words = [w.strip(rs._EDGES) for w in text[: rs._FAST_CHARS].casefold().split()[: rs._FAST_WORDS]]
    hits = sum(map(fw.__contains__, words))
    for w in words:
        if "'" in w or "’" in w:
            k = max(w.find("'"), w.find("’")) + 1
            hits += w[:k] in fw
    return hits


def _check_line(text: str, fws: list[frozenset[str]]) -> None:
    for fw in fws:
        words = text[: rs._FAST_CHARS].casefold().split()[: rs._FAST_WORDS]
        assert sum(map(rs._hits(fw).__getitem__, words)) == _old_split_hits(text, fw), text
    if not text:
        return
    cell, quantity = rs._HEADS.get(text[0]) or rs._heads(text[0])
    assert cell or rs._NUMERIC_CELL.match(text) is None, text
    assert quantity or rs._QUANTITY.match(text) is None, text
    p = rs._patterns(text)
    if p is not rs._FULL_PATTERNS:
        assert not text[2:].islower() or p.glued.search(text) is None, text
        # digits counted without looking for one first
        assert len(p.digit.findall(text)) == (len(p.digit.findall(text)) if rs._ANY_DIGIT.search(text) else 0), text


def test_line_shortcuts_on_real_lines() -> None:
    """The memo of function words, the count of ". ", the first characters that rule out
    ``_NUMERIC_CELL`` and ``_QUANTITY``, lines without a capital for ``_GLUED`` and the digits
    of a line of ``_NARROW_CHARS``, as before."""
    fws = _function_words()
    for text in _varied_lines():
        _check_line(text, fws)
    # the narrow pattern's capitals are capitals to str, which tells a line without them
    assert all(c.isupper() for c in rs._NARROW_CHARS if re.fullmatch(rs._UPPER, c))


@settings(max_examples=400, deadline=None)
@given(_SOME_LINES)
def test_line_shortcuts_on_any_text(text: str) -> None:
    _check_line(text, _function_words()[:2] + [frozenset({"l'", "de", "the", "ß"})])


def test_hit_memos_are_emptied_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rs, "_HITS_WORDS", 3)
    fw = frozenset({"le", "la", "l'"})
    split_hits = rs._hits(fw)
    words = ["le", "chat", "de", "l'eau", "la", "(le)", "l’été"]
    for _ in range(2):
        assert [split_hits[w] for w in words] == [_old_split_hits(w, fw) for w in words]
        assert len(split_hits) <= 3
    monkeypatch.setattr(rs, "_HITS_MAX", 2)
    for k in range(5):  # documents in languages without a pack bring their own function words
        other = frozenset({f"w{k}", "le"})
        assert rs._hits(other)["le"] == 1 and rs._hits(other)[f"w{k}"] == 1
        assert len(rs._HITS) <= 2


def test_hit_memos_do_not_keep_long_words() -> None:
    fw = frozenset({"le", "the"})
    split_hits = rs._hits(fw)
    long_word = "東" + "x" * 100_000
    assert split_hits[long_word] == 0 and split_hits["le" + "," * 80] == 1
    assert long_word not in split_hits and "le" + "," * 80 not in split_hits
    assert split_hits["the"] == 1 and "the" in split_hits


def _old_comment_start(scores: list[Any]) -> list[int]:
    """The positions ``_comment_section`` looked at before ``bisect``: once 30% of the prose and 300 characters went by."""
    prose = [s.length if s.intrinsic < -1 else 0 for s in scores]
    total = sum(prose) or 1
    seen, out = 0, []
    for j in range(len(scores)):
        seen += prose[j]
        if not (seen < 0.3 * total or seen < 300):
            out.append(j)
    return out


def _old_author_lines(scores: list[Any], stop: int, bylines: frozenset[int] = frozenset()) -> list[int]:
    """The positions ``_author_box`` looked at before ``bisect``: after half of the prose, under 300 characters,
    not the bylines that gave the names; none in a document without prose."""
    total = sum(s.length for s in scores[:stop] if s.intrinsic < -1.0)
    if not total:
        return []
    seen, out = 0, []
    for j, s in enumerate(scores[:stop]):
        if s.intrinsic < -1.0:
            seen += s.length
        if not (seen < 0.5 * total or s.length >= 300) and j not in bylines:
            out.append(j)
    return out


class _Probe(rs.StructureVocabulary):
    """A vocabulary that records the lines asked about: none is a comment marker, the first
    line names the author (a byline), no other line does."""

    def __init__(self, norms: list[str]) -> None:
        super().__init__(comment_marker_re=re.compile("x"), byline_re=re.compile("x"), byline_starts=("",))
        self.asked: list[str] = []
        self.bylines = _Recorder({n: (-1, "") for n in norms})
        if norms:
            self.bylines[norms[0]] = (-1, "jane doe")

    def is_comment_marker(self, text: str) -> bool:
        self.asked.append(text)
        return False


class _Recorder(dict[str, tuple[int, str]]):
    """``vocab.bylines``, recording the lines ``_byline`` is asked about."""

    def __init__(self, items: dict[str, tuple[int, str]]) -> None:
        super().__init__(items)
        self.asked: list[str] = []

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.append(key)
        return super().get(key, default)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 700), st.floats(-6, 4, allow_nan=False)), max_size=40))
@example([(299, -2.0), (10, 0.0), (10, 0.0), (10, 0.0), (1, -2.0), (10, 0.0)])  # 300 characters exactly
@example([(100, -2.0), (10, 0.0), (100, -2.0), (10, 0.0)])  # half of the prose exactly
def test_prose_thresholds_by_bisect(lines: list[tuple[int, float]]) -> None:
    """``_comment_section`` and ``_author_box`` look at the lines after the same share of the
    prose as with the running sums they had before ``bisect``."""
    scores = [rs.LineScore(j, f"l{j}", n, 3, r, [], False, norm=f"l{j}") for j, (n, r) in enumerate(lines)]
    norms = [s.norm for s in scores]
    probe = _Probe(norms)
    rs._comment_section(scores, probe)
    assert probe.asked == ([] if len(scores) < 4 else [norms[j] for j in _old_comment_start(scores) if scores[j].length <= 150])
    for stop in (len(scores), len(scores) // 2):
        probe = _Probe(norms)
        rs._author_box(scores, probe, stop)
        start = next((j for j, s in enumerate(scores) if s.intrinsic < -2.0), len(scores))
        names = norms[: min(len(scores) // 2, start + 3) or 3]
        # the first line names the author (``_Probe``): it is the byline, not its own author box
        assert probe.bylines.asked == names + [norms[j] for j in _old_author_lines(scores, stop, frozenset({0}))]


@settings(max_examples=400, deadline=None)
@given(st.text(st.one_of(st.sampled_from([chr(b) for b in range(256)] + list("’‘“”–—…€•™ŒœŠšŸŽžƒˆ˜‰‹›→▪")), st.characters()), max_size=60))
def test_latin_only_is_the_pattern(text: str) -> None:
    """RES002's ``_latin_only`` (the Windows-1252 codec first) is the plain search of ``_NOT_LATIN``."""
    assert residue._latin_only(text) == (residue._NOT_LATIN.search(text) is None), text


def test_latin_only_on_lines_and_characters() -> None:
    for text in [*_lines(), *(bytes([b]).decode("cp1252", "replace") for b in range(256)), "Marque™ déposée", "™"]:
        assert residue._latin_only(text) == (residue._NOT_LATIN.search(text) is None), text


_WORDS = st.sampled_from(["et", "est", "dans", "avec", "the", "and", "de", "la", "Et", "dans,", "", "x"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_WORDS, st.sampled_from([" ", "  ", "\t", "\u00a0", "\n", "’", ""])), max_size=40))
def test_holds_three_is_the_intersection(parts: list[tuple[str, str]]) -> None:
    """RES011's ``_holds_three`` (words looked at up to the third) is the plain intersection of the line's words."""
    text = "".join(w + sep for w, sep in parts)
    for own in (frozenset({"et", "est", "dans", "avec"}), frozenset({"x"}), frozenset()):
        assert rs._holds_three(own, text) == (len(own.intersection(text.split())) >= 3), text


def test_holds_three_on_lines() -> None:
    own = _rule_vocabulary().own_words
    for text in _lines():
        for words in own.values():
            window = text.strip()[: rs._OWN_WINDOW]
            assert rs._holds_three(words, window) == (len(words.intersection(window.split())) >= 3), text


def _old_describe(block: rs.Block) -> str:
    """``describe`` as it was: a ``Counter`` updated line by line, its ``most_common``."""
    c: Counter[str] = Counter()
    for s in block.lines:
        c.update(s.cues[:2])
    top = [k for k, _ in c.most_common(3)]
    return ", ".join(top) if top else "short lines"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["UI text", "title case", "no words", "link", "repeated", "counter"]), max_size=4), max_size=12))
def test_describe_counts_as_line_by_line(cues: list[list[str]]) -> None:
    """``describe`` ranks the cues (ties in order of first sight) as the count line by line did."""
    lines = [rs.LineScore(j, "x", 1, 1, 0.0, c, False) for j, c in enumerate(cues)]
    block = rs.Block(0, max(0, len(lines) - 1), "tail", lines)
    assert rs.describe(block) == _old_describe(block)


def test_describe_on_real_blocks(rule: Any) -> None:
    for text in _texts():
        doc = Document(path="page.txt", raw=text.encode(), text=text)
        for b in rule.rule.analysis(doc, RuleContext(doc, rule.options, rule.vocabulary)).blocks:
            assert rs.describe(b) == _old_describe(b)
