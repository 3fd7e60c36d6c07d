"""The date scan's shortcuts find what the plain scan finds.

find_dates parses a match whose month name is not of its format's language only when
no other format reads its span cleanly, and the month and weekday alternations are
grouped by first character (``_alternation``), and a format that starts with a word
character is searched from word boundaries only (``\\b``). The reference below is the plain
scan: every match parsed, then the misread spans dropped, over the plain regexes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from labeled_cases import DATE_PACK_LANGUAGES, load_language_cases

from corpuslint.families import dates
from corpuslint.families.dates import DateMatch, DateVocabulary, _Found, _Match, _parse, _year_windows, find_dates
from corpuslint.packs import builtin_pack_dir, load_packs

LANGUAGES = ("fr", "en", "de", "es", "it")


def _flat_alternation(words: Any) -> str:
    import regex

    return "|".join(regex.escape(w) for w in words) or "(?!)"


def _vocabularies() -> tuple[DateVocabulary, DateVocabulary]:
    packs = load_packs([builtin_pack_dir() / "dates"], builtin=True)
    fast = dates.compile_vocabulary(packs)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dates, "_VOCAB_CACHE", {})
        mp.setattr(dates, "_alternation", _flat_alternation)
        mp.setattr(dates, "_starts_with_word", lambda template, tokens: False)
        flat = dates.compile_vocabulary(packs)
    return fast, flat


FAST, FLAT = _vocabularies()


def _reference_find_dates(text: str, vocab: DateVocabulary, doc_lang: str,
                          languages: frozenset[str] | None = None) -> list[DateMatch]:
    """find_dates as it was: every match of every format parsed, then misread spans dropped."""
    found: list[_Found] = []
    for a, z in _year_windows(text):
        for fmt in vocab.formats:
            if not dates._allowed(fmt.language, languages):
                continue
            if fmt.other_script and dates._OTHER_SCRIPT.search(text[a:z].casefold()) is None:
                continue  # a Russian or Thai format reads no Latin month (by design, not a shortcut)
            ms: list[_Match] = [(m.groupdict(), m.start(), m.end(), m.group(0), m) for m in fmt.regex.finditer(text, a, z)]
            for m in ms:
                d = _parse(m, fmt, vocab, doc_lang, languages)
                if d is not None:
                    found.append(d)
    good_spans = {(d.start, d.end) for d in found if not d.problem}
    found = [d for d in found if not (d.problem and "month name" in d.problem and (d.start, d.end) in good_spans)]
    # the overlaps resolved as they always were (the document's language settles a tie)
    return dates._longest_first(found, text, vocab, languages, 0, doc_lang)


def _check(text: str) -> None:
    for doc_lang in ("fr", "en", "pl", "und"):
        for languages in (None, frozenset({"de"}), frozenset({"en", "fr"})):
            expected = _reference_find_dates(text, FLAT, doc_lang, languages)
            assert find_dates(text, FAST, doc_lang, languages=languages) == expected
            assert find_dates(text, FLAT, doc_lang, languages=languages) == expected


CASE_TEXTS = [c["text"] for c in load_language_cases(Path(__file__).parent / "date_cases", LANGUAGES + DATE_PACK_LANGUAGES)]


@pytest.mark.parametrize("text", CASE_TEXTS)
def test_the_labeled_cases_scan_the_same(text: str) -> None:
    _check(text)


def _names() -> list[str]:
    months = sorted({w for table in FAST.months.values() for w in table})
    return months + [m.upper() for m in months] + [m.title() + "." for m in months]


PIECES = [*_names(), "lundi", "Monday,", "Dienstag", "mardi", "sábado", "1er", "3rd", "7", "14", "31", "02", "13",
          "2022", "1999", "2031", "22", "de", "of", "le", ",", ", ", " ", "  ", "\t", "\n", "\r\n", "\r", "-", "/",
          ".", ":", "à", "14h41", "2:41 PM", "T10:00:00Z", "Publié le", "Mis à jour le", "Updated", "Published",
          "Veröffentlicht am", "Publicado el", "Москва", "東京", "Ελλάδα", "²", "\u0301", "ª", "_", "١٢", "x7", "marseille", "maintenant", "x" * 160]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map(lambda ps: " ".join(ps)),
       st.lists(st.sampled_from(PIECES), max_size=10).map("".join))
def test_generated_heads_scan_the_same(spaced: str, glued: str) -> None:
    _check(spaced)
    _check(glued)
    _check(spaced + "\n" + glued)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text("aAbBéÉ.ßкiıſs ", max_size=5), max_size=8), st.text("aAbBéÉ.ßкKIİiıſsS ", max_size=30))
@example(["ixxxx", "ıab", "ia"], "IAB")  # `I` matches `i` and `ı`: one group, in the words' order
def test_grouped_alternation_matches_like_the_flat_one(words: list[str], text: str) -> None:
    import regex

    words = sorted({w.casefold() for w in words}, key=len, reverse=True)
    for tail in ("", r"\b", "a"):
        grouped = regex.compile("(?:" + dates._alternation(words) + ")" + tail, regex.IGNORECASE)
        flat = regex.compile("(?:" + _flat_alternation(words) + ")" + tail, regex.IGNORECASE)
        for pos in range(len(text) + 1):
            g, f = grouped.match(text, pos), flat.match(text, pos)
            assert (g and g.span()) == (f and f.span())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES + ["0", "5", "١٢", "2022-03-07", "3/4/21", "12.31.99", "19999"]), max_size=14)
       .map("".join))
def test_year_hint_finds_the_years_of_the_plain_pattern(text: str) -> None:
    import regex

    plain = regex.compile(r"(?<!\d)(?:(?:1[6-9]|2\d)\d\d|\d{1,2}[/.-]\d{1,2}[/.-]\d{2})(?!\d)")
    for t in (text, *CASE_TEXTS[:20]):
        assert [m.span() for m in dates._YEAR_HINT.finditer(t)] == [m.span() for m in plain.finditer(t)]


@pytest.mark.parametrize(("template", "expected"), [
    ("[{weekday} ]{day} {month} {year}[ {time}]", True),
    ("{year}-{mm}-{dd}[{iso-time}]", True),
    ("le {day} {month} {year}", True),
    ("({day} {month} {year})", False),
    ("{time} {day}", False),
    ("[{time} ]{day}", False),
    ("[[{weekday} ]{day} ]{day}", True),
    ("[[{weekday} ]]{day}", False),  # unsure: the inner part may be empty
    ("[[{weekday}]{time} ]{day}", False),
    ("[{day}", False),
    ("", False),
])
def test_starts_with_word(template: str, expected: bool) -> None:
    tokens = {"day", "dd", "mm", "n1", "n2", "year", "yy", "weekday", "month"}
    assert dates._starts_with_word(template, tokens) is expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=6).map(" ".join), min_size=1, max_size=8))
def test_cached_markers_are_the_markers(befores: list[str]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dates, "_MARKER_CACHE_SIZE", 3)  # the cache fills and empties
        mp.setattr(FAST, "marker_cache", {})
        for languages in (None, frozenset({"de"}), frozenset({"en", "fr"})):
            for before in befores + befores:
                assert dates._marker(before, FAST, languages) == dates._find_marker(before, FAST, languages)
        assert len(FAST.marker_cache) <= 3


def test_days_in_is_the_calendar_month_length() -> None:
    import calendar

    for year in range(1, 3001):
        for month in range(1, 13):
            assert dates._days_in(year, month) == calendar.monthrange(year, month)[1]


_DAY_YEAR_TEXTS = ["Tuesday, March 3rd 2022", "Updated: Sept. 7.  2022 14:41", "MARCH 31ST\t1999", "mars 1er 2022",
                   "Jan 02 2031, Feb 3º 2022", "May 7 22", "June 40 2022", "march 7\n2022"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map(" ".join))
@example(" / ".join(_DAY_YEAR_TEXTS))
def test_a_prefilter_matches_wherever_its_format_matches(text: str) -> None:
    """find_dates skips a format's regex in a window where its prefilter finds nothing: the
    prefilter must find something inside every match of the regex."""
    with_prefilter = [f for f in FAST.formats if f.prefilter is not None]
    assert with_prefilter  # `{month} {day} {year}` of the English pack
    for fmt in with_prefilter:
        for m in dates._compiled(fmt.regex).finditer(text):
            assert dates._compiled(fmt.prefilter).search(text, m.start(), m.end()), (fmt.template, m.group(0))


@pytest.mark.parametrize("text", _DAY_YEAR_TEXTS)
def test_day_year_dates_scan_the_same(text: str) -> None:
    _check(text)
    _check("Par Jean Dupont · " + text + " · 3 min")


@pytest.mark.parametrize(("template", "expected"), [
    ("[{weekday} ]{month} {day} {year}", True),
    ("{day} {year}", True),
    ("[{weekday} ]{day} {month} {year}[ {time}]", False),
    ("{month} [{day} {year}]", False),
    ("[[{weekday} ]{day}] {day} {year}", True),
    ("{day}[ x] {year}", False),
    ("{day}  {year}", False),
])
def test_required_pieces(template: str, expected: bool) -> None:
    assert dates._required(template, "{day} {year}") is expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=10).map(" ".join))
def test_month_prefix_search_is_the_prefix_test(text: str) -> None:
    """_window_plan looks for a month name's first three letters with one regex: as testing each."""
    assert FAST.month_prefix_re is not None
    for t in (text, text.casefold(), *(name.casefold() for name in _names()[:40])):
        assert (FAST.month_prefix_re.search(t) is not None) == any(p in t for p in FAST.month_prefixes)


def test_cached_publication_date_is_the_computed_one() -> None:
    from corpuslint.model import Document

    options = {"head-lines": 10, "languages": []}
    for i, text in enumerate([*CASE_TEXTS, "", "Publié le 4 octobre 2005\nMis à jour le 3 octobre 2005"]):
        for metadata in ({}, {"date": "2021-03-04"}, {"date": "mars 2022"}):
            doc = Document(f"{i}.txt", text.encode(), text, metadata=metadata)
            first = dates.publication_date(doc, FAST, options)
            assert dates.publication_date(doc, FAST, options) is first
            assert first == dates._publication_date(Document(f"{i}.txt", text.encode(), text, metadata=metadata),
                                                    FAST, options)


_EMBED_PIECES = ["(@netflix)", "(@", "@x)", "pic.twitter.com/AbC", "pic.twitter", "https://t.co/xyz", "http://t.co/",
                 "t.co/a", "— Netflix US", " ", "  \t", "\u00a0", "—", "Publié le", "(@a_b)", ")", "\r"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_EMBED_PIECES + PIECES[-20:]), max_size=8).map("".join),
       st.sampled_from(["", " ", "\t", " · 3 min", "x"]))
def test_embedded_is_the_plain_regex_test(before: str, after: str) -> None:
    plain = bool(dates._EMBED.search(before)) or bool(not after.strip() and dates._EMBED_HANDLE.search(before))
    text = "Jane Doe (@jane) 12 March 2024" + after  # the rest of the line comes after the date
    assert dates._embedded(before, text, len(text) - len(after), len(text)) is plain


_RELATIVE_PIECES = ["il y a 3 heures", "Il Y A une heure", "hier", "HIER à 14h41", "vor 2 Tagen", "gestern", "heute",
                    "3 hours ago", "an hour ago", "yesterday", "hace 2 días", "ayer", "2 ore fa", "l'altro ieri",
                    "aujourd’hui", "avant-hier", "Posted", "Mis en ligne", "·", "|", "x", "hierx", "_hier"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_RELATIVE_PIECES + PIECES[-30:]), max_size=8).map(" ".join))
def test_relative_alternation_matches_where_a_relative_pattern_does(line: str) -> None:
    assert FAST.relative_any is not None
    for text in (line, line.replace(" ", "")):
        expected = any(rx.search(text) for rx, _ in FAST.relative)
        assert (FAST.relative_any.search(text) is not None) is expected, text


@pytest.mark.parametrize(("pattern", "expected"), [
    ("hier", True), (r"vor \d+\s*(?:Tagen?|Wochen?)", True), ("aujourd['’]hui", True),
    ("(?i)hier", False), (r"(a)\1", False), ("(?P<n>a)", False), ("(?=a)a", False), ("(?<!x)a", False),
    (r"a(*SKIP)(*FAIL)|b", False), (r"(a)\g<1>", False), (r"\(?x", False),
])
def test_combinable(pattern: str, expected: bool) -> None:
    assert dates._combinable(pattern) is expected


def test_relative_dates_scan_the_same_without_the_alternation() -> None:
    from dataclasses import replace

    from corpuslint.model import Document

    plain = replace(FAST, relative_any=None, marker_cache={}, window_plans={})
    options: dict[str, Any] = {"head-lines": 10, "languages": []}
    texts = [*CASE_TEXTS, *(f"Titre\nPar Jean Dupont · {p}\n\nCorps" for p in _RELATIVE_PIECES),
             "\n".join(_RELATIVE_PIECES), "\r\n".join(_RELATIVE_PIECES), "x" * 130 + " hier\nhier"]
    for text in texts:
        for languages in ([], ["de"], ["en", "fr"]):
            options["languages"] = languages
            for lang in ("fr", "de", "und"):
                a = Document("a.txt", text.encode(), text, default_language=lang)
                b = Document("a.txt", text.encode(), text, default_language=lang)
                assert dates.scan_head(a, FAST, options) == dates.scan_head(b, plain, options)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_RELATIVE_PIECES + PIECES[-30:]), max_size=5).map(" ".join), min_size=1,
                max_size=8))
def test_cached_relative_lines_are_the_searched_ones(lines: list[str]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dates, "_MARKER_CACHE_SIZE", 3)  # the cache fills and empties
        mp.setattr(FAST, "relative_cache", {})
        for line in lines + lines:
            assert dates._may_hold_relative(line, FAST, "und") is (FAST.relative_any.search(line) is not None)
            own = FAST.relative_any if any(c.isdigit() for c in line) else FAST.relative_own["fr"]
            assert dates._may_hold_relative(line, FAST, "fr") is (own.search(line) is not None)
        assert len(FAST.relative_cache) <= 3


def test_any_digit_holds_every_character_isdigit_takes() -> None:
    """_may_hold_relative's test for a digit is at least str.isdigit (scan_head's)."""
    missed = [c for c in map(chr, range(0x110000)) if c.isdigit() and dates._ANY_DIGIT.match(c) is None]
    assert missed == []


_RELATIVE_LINES = [
    "hier à 14h41", "Par Jean Dupont · hier à 14h41", "gestern", "vor 2 Tagen", "wczoraj o 14:30", "Posted 3 hours ago",
    "il y a 3 heures", "Mis en ligne il y a 3 heures", "ayer", "hace 2 días", "ieri", "eilen klo 14.30", "gisteren om 14:30",
    "i går kl. 9.15", "dün saat 14.30", "včera v 14:30", "вчера в 14:30", "2 часа назад", "Today 7:30AM", "hoy",
    "hier", "Heute", "today", "² days ago", "٣ hours ago", "3 godziny temu", "Yesterday, said the mayor",
]


@pytest.mark.parametrize("lang", ["fr", "en", "de", "pl", "fi", "ru", "und"])
def test_relative_prefilter_per_language_keeps_what_the_full_one_keeps(lang: str) -> None:
    """A line without a digit is searched with the document language's relative patterns only:
    scan_head keeps the same relative dates as with the alternation of every language."""
    from corpuslint.model import Document

    options = {"head-lines": 10, "languages": []}
    for line in _RELATIVE_LINES:
        text = f"Titre de l'article du jour\n{line}\n"
        got = []
        for own in (FAST.relative_own, {}):
            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(FAST, "relative_own", own)
                mp.setattr(FAST, "relative_cache", {})
                doc = Document(path="x.txt", raw=text.encode(), text=text, default_language=lang)
                mp.setattr(Document, "language", property(lambda self: lang))
                got.append(dates.scan_head(doc, FAST, options)[1])
        assert got[0] == got[1], (lang, line)


def test_a_line_of_many_dates_is_read_in_linear_time() -> None:
    """Each date of a line reads the words next to it first, not the whole line (a line of
    thousands of dates took minutes: every date scanned the rest of the line). Counted in
    characters handed to the dateline regex, not timed."""
    from corpuslint.api import lint_text
    from corpuslint.families import dates

    line = "le 12 mars 2024, " * 400
    seen = [0]
    real = dates._DATELINE_NOISE

    class Counting:
        def sub(self, repl: str, text: str) -> str:
            seen[0] += len(text)
            return real.sub(repl, text)  # type: ignore[no-any-return]

    dates._DATELINE_NOISE = Counting()  # type: ignore[assignment]
    try:
        lint_text(line)
    finally:
        dates._DATELINE_NOISE = real
    assert seen[0] > 0  # the dates were judged
    # a reading of the whole line per date hands it 400 * 6,800 / 2 characters on each side
    assert seen[0] < 100 * len(line), seen[0]


def test_in_sentence_reads_near_words_like_the_whole_line() -> None:
    from corpuslint.families.dates import _in_sentence

    far = " ".join(["12 mars 2024,"] * 60)
    assert _in_sentence("Le conseil a voté " + far + " ", " puis la séance a été levée")
    assert not _in_sentence("", " " + far)  # nothing before: a dateline
    assert _in_sentence("Selon le texte publié " + "x " * 300, " " + far + " et la suite")
    assert not _in_sentence("Par Jean Dupont, ", ", 15:46 (UTC+2)" + " " * 500)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["Par Jean Dupont", "by", "By Ann Lee,", "de", "Madrid,", "le", "12:30", "|", "x",
                                 "conseil", "(UTC+2)", "a", "à 14h", " " * 250, "mots " * 60, "—"]), max_size=10).map(" ".join),
       st.lists(st.sampled_from(["le", "conseil", "(UTC)", "12:30", "|", " " * 250, "mots " * 60, "x", "GMT", ""]),
                max_size=10).map(" ".join))
def test_in_sentence_near_words_first_is_the_whole_line_reading(before: str, after: str) -> None:
    """Reading the 200 characters next to the date first gives the answer a reading of the
    whole line gives (the plain definition, written out here)."""
    b = before
    m = dates._BYLINE.match(b)
    if m:
        b = b[m.end():]
    words_after = dates._WORD.findall(dates._ZONES.sub(" ", dates._DATELINE_NOISE.sub(" ", after)))
    plain = bool(words_after) and len(dates._WORD.findall(dates._DATELINE_NOISE.sub(" ", b))) >= 2
    assert dates._in_sentence(before, after) is plain


@pytest.mark.parametrize(("doc_lang", "month"), [("pl", 11), ("hr", 10), ("cs", 10), ("und", 10)])
def test_the_documents_language_settles_a_month_name_two_packs_read_differently(doc_lang: str, month: int) -> None:
    """`listopada` is November in Polish and October in Croatian; in a document of neither
    language the first pack by file name (Croatian) reads it."""
    (d,) = find_dates("Opublikowano 7 listopada 2024", FAST, doc_lang)
    assert (d.year, d.month, d.day, d.problem) == (2024, month, 7, None)


def test_a_numeric_date_field_is_yyyymmdd_or_epoch_seconds() -> None:
    """`"date": 20230516` is 16 May 2023, not 1970-08-23 read as epoch seconds (found in
    review: DAT004 "before 1990"); a year alone is partial; larger numbers stay timestamps."""
    from corpuslint.session import open_session

    s = open_session(isolated=True, entry_points=False)
    text = "The city council approved the new budget on Tuesday after a long debate about public transport."

    def codes(date: object) -> list[str]:
        doc = s.document(text, metadata={"date": date, "lang": "en"})
        return sorted(f.code for f in s.engine().lint_document(doc)[0] if f.code.startswith("DAT"))

    assert codes(20230516) == []
    assert codes(1684195200) == []  # 2023-05-16 in epoch seconds
    assert codes(1684195200000) == []  # ... and milliseconds
    assert codes(2023) == ["DAT002"]
    assert codes(20231340) == ["DAT003"]
    assert codes("20230516") == []
