"""The phrase rules' shortcuts give what the plain computations give (issue #5).

``LineTable.select``/``starting`` scan the rows for their first characters instead of an
index built per document; a pattern's required characters are looked for one by one
instead of with a character class; a text is put in lower case for a literal only when the
literal's digits and punctuation stand in it as far apart as in the literal; a pattern ending
with a class of punctuation before ``$`` is not tried on a line whose last character it refuses;
the starts of an optional opening are compared with the line's ``_line_prefix``, not matched.
"""

from __future__ import annotations

import bisect
import random
import re
from pathlib import Path
from typing import Any

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuslint.kinds import (
    LineTable,
    PhraseRule,
    PhraseVocabulary,
    Row,
    _anchored_for,
    _char_of,
    _folds_apart,
    _holds_any,
    _line_prefix,
    _lines_holding,
    _lower_text,
    _optional_opening,
    _pattern_shape,
    mark_lines,
    normalized_lines,
)
from corpuslint.model import Document
from corpuslint.session import open_session

ROOT = Path(__file__).resolve().parent.parent

_SYNTHETIC = [
    "",
    "\n\n\n",
    "  \n\t\n \t \nx\n",
    "Accueil > Monde > Europe\r\nS'abonner\r\n\r\n© AFP\r\n" + "Le conseil municipal a voté. " * 30 + "\r\n",
    "Accueil | Sport\rPhoto : AFP\r" + "Texte long de l'article, avec des virgules. " * 20 + "\r",
    "Главная | Новости\nПодписаться\n" + "Правительство объявило новый план. " * 15 + "\n",
    "首页 | 新闻\n登录\n" + "今天市政府宣布了新的交通计划。" * 30 + "\n",
    "الرئيسية | أخبار\nشارك\n" + "أعلنت الحكومة اليوم عن خطة جديدة. " * 12 + "\n",
    "\t\tTags : a, b\n   12 commentaires\n0\n#un #deux\n" + " " * 500 + "x\n" + "a" * 2000 + "\n",
    "ſtart\nİstanbul › Spor\nKelvin\u212a 12\n\u00b5 mètre\nς τέλος\n",
]


def _texts() -> list[str]:
    paths = sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT / "tests" / "residue_corpus").glob("*.txt"))
    paths += sorted((ROOT / "tests" / "fp_corpus").glob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in paths] + _SYNTHETIC


def _reference_select(table: LineTable, width: int, prefixes: frozenset[str] | None) -> list[Row]:
    """LineTable.select as it was: an index of the rows by their first one and two characters."""
    by_prefix: dict[str, list[int]] = {}
    for k, r in enumerate(table.rows):
        by_prefix.setdefault(r[4], []).append(k)
    for head, positions in [*by_prefix.items()]:
        if len(head) > 1:
            by_prefix.setdefault(head[:1], []).extend(positions)
    k = bisect.bisect_right(table.widths, width)
    if prefixes is None:
        return table.rows
    longer = {j for p in prefixes.intersection(by_prefix) for j in by_prefix[p] if j >= k}
    return table.rows[:k] + [table.rows[j] for j in sorted(longer)] if longer else table.rows[:k]


def test_select_and_starting_are_the_indexed_lookups() -> None:
    session = open_session(isolated=True, entry_points=False)
    sets: list[frozenset[str] | None] = [None, frozenset()]
    for ar in session.ruleset.active:
        if isinstance(ar.rule, PhraseRule):
            vocab = ar.vocabulary
            sets += [vocab.anchored_prefixes, vocab.anchored_heads]
    rng = random.Random(5)
    for text in _texts():
        doc = Document(path="page.txt", raw=text.encode(), text=text)
        table = LineTable(doc)
        norms = normalized_lines(doc)
        reference = [
            (i, len(ln), len(ln) - ln.count(" ") - ln.count("\t"), norms[i], _line_prefix(ln))
            for i, ln in enumerate(doc.lines)
            if ln
        ]
        assert table.rows == sorted(reference, key=lambda r: r[2])
        assert table.widths == [r[2] for r in table.rows]
        heads = sorted({r[4] for r in table.rows} | {r[4][:1] for r in table.rows})
        mine = [frozenset(rng.sample(heads, min(len(heads), n))) for n in (1, 3, 10)]
        for prefixes in [*sets, *mine]:
            for width in (0, 1, 30, 120, 271, 388, 10_000):
                assert table.select(width, prefixes) == _reference_select(table, width, prefixes)
            if prefixes is not None:
                assert table.starting(prefixes) == _reference_select(table, -1, prefixes)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab /|>›»→©(,.\t\u00a0é’Ж中"), max_size=60),
    st.sets(st.sampled_from("/|>›»→©(,.\u00a0Ж"), min_size=1, max_size=5),
)
def test_required_characters_are_a_class_search(line: str, chars: set[str]) -> None:
    klass = re.compile("[" + "".join(re.escape(ch) for ch in sorted(chars)) + "]")
    assert _holds_any(line, tuple(sorted(chars))) == (klass.search(line) is not None)


def test_lower_case_keeps_length_digits_and_punctuation() -> None:
    """What ``_lines_holding`` relies on, for every code point: one character of lower case
    for one (but ``İ``), and no lower case is an ASCII digit or punctuation but itself."""
    for code in range(0x110000):
        ch = chr(code)
        low = ch.lower()
        if code == 0x130:
            continue
        assert len(low) == 1, hex(code)
        if low.isascii() and not low.isalpha():
            assert low == ch, hex(code)
    assert "ΑΣ ΑΣ".lower() == "ας ας"  # the one rule of context: still one character


def _reference_lines_holding(doc: Document, literals: tuple[str, ...]) -> list[int] | None:
    """_lines_holding as it was: the text put in lower case for any literal with a letter, unless
    no case of the literal stands in it (IGNORECASE)."""
    found: set[int] = set()
    for lit in literals:
        if lit.upper() == lit:
            text = doc.text
        else:
            if "\u0130" in doc.text:
                return None
            if any(ch not in doc.text for ch in lit if ch.isascii() and not ch.isalpha()):
                continue
            low = _lower_text(doc)
            if low is None:
                if regex.search(regex.escape(lit), doc.text, regex.IGNORECASE) is None:
                    continue
                return None
            text = low
        mark_lines(text, lit, doc.line_starts, found)
    return sorted(found)


_LITERALS = ["pic.twitter.com/", "(@", "ab", "a.b", "x/y-z", "1920,", ".com", "é'a", "σ.", "@", "中文", "..", "k.s"]
_PIECES = [
    "pic.twitter.com/abc", "PIC.TWITTER.COM/X", "pic.twitter.com", "pIc.tWiTtEr.cOm/", "pic twitter com/", "(@user)",
    "AB", "A.B", "a b", "X/Y-Z", "x/y z", "1920,", ".COM", "É'A", "Σ.", "ς.", "中文", "..", "K.S", "\u212a.\u017f",
    "İ", "ſ", "µ", "ß", "\u13a0", " ", "\n", "\r\n", "\r", "\t", "/", ".", ",", "(", "@", "text", "Ж",
]


def test_lines_holding_is_the_lowered_search() -> None:
    rng = random.Random(7)
    texts = _texts()
    plain = [p for p in _PIECES if p not in ("İ", "ſ", "µ", "\u13a0")]  # most texts: no character folding apart
    for k in range(4000):
        texts.append("".join(rng.choice(_PIECES if k % 4 == 0 else plain) for _ in range(rng.randrange(0, 30))))
    for text in texts:
        literals = tuple(rng.sample(_LITERALS, rng.randrange(1, 4)))
        doc = Document(path="page.txt", raw=text.encode(), text=text)
        mine = _lines_holding(doc, literals)
        reference = _reference_lines_holding(Document(path="page.txt", raw=text.encode(), text=text), literals)
        # None (every line searched) where the text folds apart from lower case, and a case of
        # a literal may stand in it
        assert mine == reference or (mine is None and _folds_apart(doc)), (text, literals)


def test_ignorecase_matches_ascii_punctuation_and_digits_as_they_are() -> None:
    """What ``_Anchored.last`` and the required characters rely on, for every code point."""
    marks = "".join(chr(i) for i in range(128) if not chr(i).isalpha())
    everything = "".join(map(chr, range(0x110000)))
    klass = "[" + "".join(regex.escape(ch) for ch in marks) + "]"
    assert "".join(regex.findall(klass, everything, regex.IGNORECASE | regex.MULTILINE)) == marks


def test_last_character_refused_means_no_match() -> None:
    session = open_session(isolated=True, entry_points=False)
    patterns = [
        a for ar in session.ruleset.active if isinstance(ar.rule, PhraseRule) for a in ar.vocabulary.anchored
    ]
    assert any(a.last is not None for a in patterns)
    made = [
        r"^[ \t]*(?:photo|bild)[ \t]*:[ \t]*[^\n.!?]{1,20}$",
        r"^[^\n]{1,30}[)\]]$",
        r"^[^\n]{1,30}\d+$",
        r"^[^\n]{1,30}[^,;]$",
        r"^[^\n]{0,30}\.$",
        r"^(?:ab){e<=1}$",
    ]
    flags = regex.MULTILINE | regex.IGNORECASE
    shapes = [(a.regex.pattern, a.last) for a in patterns] + [(p, _pattern_shape(p)[5]) for p in made]
    assert _pattern_shape(made[-1])[5] is None  # a fuzzy constraint ends with "}": not read
    lines = [ln for text in _texts() for ln in text.splitlines() if ln]
    lines += ["Photo : AFP.", "Photo : AFP", "Bild: dpa!", "(Photo: X)", "(Photo: X) ", "abc 12", "abc,", "x.", "x", "ab", "a"]
    checked = 0
    for pattern, last in shapes:
        if last is None:
            continue
        compiled = regex.compile(pattern, flags)
        negated, chars = last
        for line in lines:
            if (line[-1] in chars) is negated:
                m = compiled.match(line)
                assert m is None or m.end() == m.start(), (pattern, line)
                checked += 1
    assert checked > 1000


def test_char_of_is_ignorecase_for_ascii_letters_and_punctuation() -> None:
    """What ``_Anchored.may_open`` relies on, for every code point: a character is one of the
    ASCII letters or punctuation of an opening's starts, ignoring case, when ``_char_of`` of it
    is, or when ``_char_of`` of it is not ASCII (``İ``, which may_open lets through)."""
    everything = "".join(map(chr, range(0x110000)))
    by_char: dict[str, list[str]] = {}
    for ch in everything:
        by_char.setdefault(_char_of(ch), []).append(ch)
    for code in range(128):
        x = chr(code)
        if x.isdigit() or x.isspace() or x.isupper():
            continue  # the starts are in lower case; "0" and " " stand for any digit and space
        found = regex.findall(regex.escape(x), everything, regex.IGNORECASE)
        assert [ch for ch in found if _char_of(ch).isascii()] == by_char.get(x, []), x
    assert regex.match("i", "\u0130", regex.IGNORECASE) and not _char_of("\u0130").isascii()  # the one exception


def test_opening_starts_are_the_start_regex() -> None:
    """``may_open`` as it was: a regex of the starts matched at the start of the line."""
    session = open_session(isolated=True, entry_points=False)
    patterns = [a.regex.pattern for ar in session.ruleset.active if isinstance(ar.rule, PhraseRule) for a in ar.vocabulary.anchored]
    patterns += [r"^[ \t]*(?:[^\n/]{1,20}/)?(?:a|Bc|k-|\.x)[^\n]*$"]
    lines = [ln for text in _texts() for ln in text.splitlines() if ln]
    lines += ["AFP", " \tafp", "ap", "A", "a", "ſx", "\u212a-", "K-", ".X", "bC", "ẞ", "İx", "Ꭰx", "İmago", "İx", "0x", "\u00a0a", "", " "]
    tried = 0
    for pattern in patterns:
        opening = _optional_opening(pattern)
        if opening is None:
            continue
        starts, _ = opening
        start = regex.compile(r"^[ \t]*(?:" + "|".join(map(regex.escape, sorted(starts))) + ")", regex.IGNORECASE)
        for line in lines:
            head = _line_prefix(line)
            if start.match(line) is not None:
                assert head in starts or head[:1] in starts or not head.isascii(), (pattern, line)
            elif head.isascii():
                assert head not in starts and head[:1] not in starts, (pattern, line)
            tried += 1
    assert tried > 1000


def _plain_first_anchored(vocab: PhraseVocabulary, line: str) -> tuple[()] | tuple[Any, int, int]:
    """What ``first_anchored`` means: the first anchored pattern with a non-empty match that its
    pack's exceptions let through, every pattern tried."""
    for a in vocab.anchored:
        m = a.regex.match(line)
        if m is not None and m.end() > m.start():
            if a.entry.exceptions is not None and a.entry.exceptions.search(line):
                continue
            return (a.entry, m.start(), m.end())
    return ()


_LINE_PIECES = [
    "Accueil", " > ", " › ", " / ", " | ", "Monde", "Photo", "photo", " : ", "AFP", "Reuters", "John Doe", "©", "(c) ",
    "Copyright 2024", "(Photo: X)", ", 1920", "12", " commentaires", "Tags", ": ", "a, b", "#un ", "#deux", " ", "\t",
    ".", "!", "?", ")", "»", "”", "Ж", "中", "İ", "ſ", "\u00a0", "vous êtes ici", "we use cookies", "x" * 130, "y" * 300,
]


def _first_anchored_lines() -> list[str]:
    rng = random.Random(11)
    lines = [ln for text in _texts() for ln in re.split("\r\n|\r|\n", text) if ln]
    lines += ["".join(rng.choice(_LINE_PIECES) for _ in range(rng.randrange(1, 9))) for _ in range(6000)]
    return lines


def test_first_anchored_is_the_first_pattern_matching() -> None:
    """The width, characters and head shortcuts (``_gate``, the per-pattern checks) leave out
    no pattern that matches: every line gets what trying every pattern in order gives."""
    session = open_session(isolated=True, entry_points=False)
    vocabs = [ar.vocabulary for ar in session.ruleset.active if isinstance(ar.rule, PhraseRule) and ar.vocabulary.anchored]
    assert any(g is not None and g[1] for v in vocabs for g in (v.anchored_for(h)[1] for h in ("ho", "ac", "12")))
    lines = _first_anchored_lines()
    heads = {_line_prefix(line) for line in lines} | {"", "İ", "ſt", "\u212a-", "af", "a", "ph", "(p", "0 "}
    for vocab in vocabs:
        # the heads no pattern names share what one of them gets, ASCII or not
        assert [vocab.anchored_for(h) for h in sorted(heads)] == [_anchored_for(vocab.anchored, h) for h in sorted(heads)]
        vocab.anchored_hits.clear()
        for line in lines:
            nonblank = len(line) - line.count(" ") - line.count("\t")
            want = _plain_first_anchored(vocab, line)
            assert vocab.first_anchored(line, nonblank, _line_prefix(line)) == want, line
            assert vocab.first_anchored(line, nonblank, _line_prefix(line)) == want, line  # from the memo


def test_a_word_final_capital_sigma_is_found_by_a_literal_with_sigma() -> None:
    # "ΤΟΣ".lower() is "τος": a literal "οσ" (IGNORECASE matches Σ, σ and ς alike) must still
    # see the line
    text = "Αρχή\nΤΟΣ ΝΕΟ\nΟΣΟ ΠΙΟ"
    doc = Document(path="page.txt", raw=text.encode(), text=text)
    want = sorted({text.count("\n", 0, m.start()) for m in regex.finditer("οσ", text, regex.IGNORECASE)})
    assert want == [1, 2]
    assert _lines_holding(doc, ("οσ",)) == want


def test_patterns_of_the_regex_module_only_are_matched_without_shortcuts(tmp_path: Path) -> None:
    """A fuzzy constraint or a POSIX class reads as something else to the standard library's
    parser, which the shortcuts use: such a pattern is tried on every line, and no warning leaks."""
    import warnings

    from corpuslint.api import Linter

    (tmp_path / "fuzzy.toml").write_text(
        'kind = "phrases"\ncode = "SITE009"\nname = "fuzzy-prompt"\ncategory = "residue"\nseverity = "info"\n'
        'message = "prompt {match}"\npatterns = ["^(?:subscribe now){e<=1}$", "^[[:digit:]]+ replies$"]\n',
        encoding="utf-8",
    )
    text = "Title of the article\n\nThe article itself, a sentence long enough to be prose.\n\nsubscribe nw\n12 replies\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = Linter({"rule-paths": [str(tmp_path)], "select": ["SITE009"]}).lint_text(text)
    assert [(f.code, f.line) for f in found] == [("SITE009", 5), ("SITE009", 6)]


def test_possessive_leading_blanks_match_what_greedy_ones_do() -> None:
    """The packs' patterns start with ``^[ \\t]*+``: a run of blanks that never gives a blank
    back (a line of 20,000 spaces and `Read more` took a minute in RES004's agency pattern,
    which tried every split of the blanks). On a line without indentation they match what the
    greedy ``^[ \\t]*`` matches, and an indented line matches as it does without its
    indentation (the greedy run let a breadcrumb's first item of one letter borrow a blank to
    reach two: `  a > bb` matched, `a > bb` did not). Checked on the rule cases' lines."""
    import tomllib

    from corpuslint.packs import builtin_pack_dir, load_packs

    lines: set[str] = set()
    for f in (Path(__file__).parent / "rule_cases").glob("RES*.toml"):
        for case in tomllib.loads(f.read_text(encoding="utf-8")).get("case", []):
            lines.update(case.get("text", "").splitlines())
    lines |= {"/AFP", "a > bb", "# a", "12 comments", "Photo: AFP", "© Netflix"}
    seen = 0
    for pack in load_packs([builtin_pack_dir()], builtin=True):
        for pattern in pack.data.get("patterns", []):
            if not pattern.startswith("^[ \\t]*+"):
                continue
            seen += 1
            possessive = regex.compile(pattern, regex.IGNORECASE | regex.MULTILINE)
            greedy = regex.compile(pattern.replace("^[ \\t]*+", "^[ \\t]*", 1), regex.IGNORECASE | regex.MULTILINE)
            for line in lines:
                line = line.lstrip(" \t")
                m1, m2 = possessive.match(line), greedy.match(line)
                assert (m1 and m1.span()) == (m2 and m2.span()), (pattern, line)
                for indent in (" ", "   ", "\t", " \t "):
                    m3 = possessive.match(indent + line)
                    assert (m3 and m3.end() - len(indent)) == (m1 and m1.end()), (pattern, indent + line)
    assert seen >= 20
