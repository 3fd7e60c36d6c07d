"""Every registered rule on adversarial text: no crash, positions inside the document, fixes that
converge and lose nothing (the product's promises "no crash on any input" and "--fix never loses data").

The texts come from a grammar of pieces that the rules react to (several scripts, French
typography, every quote mark, dates good and broken, mojibake, control, invisible and
private-use characters, entities and tags, mixed line endings, UI phrases, repeated
paragraphs...), so that a few hundred examples reach deep into each family.

``CORPUSLINT_FUZZ_EXAMPLES=3000 pytest tests/test_any_input.py`` digs deeper (not the default).
"""

from __future__ import annotations

import io
import json
import os
import unicodedata
from collections.abc import Sequence
from contextlib import redirect_stdout
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from corpuslint.api import Linter
from corpuslint.fixes import apply_fixes
from corpuslint.model import Document, Finding
from corpuslint.session import Session, open_session

EXAMPLES = int(os.environ.get("CORPUSLINT_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                             HealthCheck.data_too_large])

# -- the grammar -----------------------------------------------------------------------------

WORDS = {
    "latin": ["the", "council", "voted", "Monday", "l'école", "l’école", "été", "Über", "straße", "déjà",
              "naïve", "Ørsted", "São", "Paulo", "garçon", "don't", "it’s", "aujourd’hui", "Ça", "va"],
    "cyrillic": ["Правительство", "объявило", "о", "новых", "мерах", "поддержки", "экономики", "Москва"],
    "cjk": ["中华人民共和国", "记者", "报道", "日本語", "の", "テキスト", "한국어", "문장", "。", "、"],
    "arabic": ["الحكومة", "أعلنت", "عن", "إجراءات", "جديدة", "في", "القاهرة"],
    "hebrew": ["הממשלה", "הודיעה", "על", "צעדים", "חדשים"],
    "thai": ["รัฐบาล", "ประกาศ", "มาตรการ", "ใหม่", "กรุงเทพ"],
    "greek": ["Η", "κυβέρνηση", "ανακοίνωσε", "νέα", "μέτρα", "Αθήνα"],
}
QUOTES = ["“", "”", "„", "‚", "‘", "’", "«", "»", "‹", "›", "「", "」", "『", "』", '"', "'", "`", "´", "«\u00a0",
          "\u00a0»", "«\u202f", "\u202f»", "« ", " »", "‟", "‛", "〝", "〞", "＂"]
DATES = ["31/02/2024", "2024-13-45", "Mar 2714 min", "2024-02-29", "2023-02-29", "12/11/10", "01/02/03",
         "7 mars 2022", "Publié le 07 mars 2022", "le 1er janvier 2000", "March 3, 2021", "3rd of May 1999",
         "Mon, 12 Feb 2024 10:00:00 GMT", "2024-06-01T12:34:56Z", "2024-06-01T25:61:00+99:00",
         "vor 3 Tagen", "il y a 2 heures", "yesterday", "hier", "2 days ago", "Updated: 5 min ago",
         "15 января 2023 года", "2023年5月12日", "١٢ مايو ٢٠٢٣", "0000-00-00", "9999-12-31", "1/1/1",
         "32.13.2020", "29 février 2023", "Feb 30 2020", "31 juin 2021", "12.05.2021", "2021/05/12",
         "May 2021", "2021", "Q3 2021", "mardi 31 avril", "Sunday, 2024-03-03", "19 Oct. 2020 | 14:05",
         "10:00", "12h30", "in 1850", "year 3000", "03/04/2025 à 10h", "1er mai", "31 déc.", "Dec. 32, 2020"]
MOJIBAKE = ["Ã©", "â€™", "Ã", "Â ", "Ã¨", "Ã§a", "cafÃ©", "Ã‰tÃ©", "â€œ", "â€\x9d", "â€”", "Ã¢â‚¬â„¢",
            "ÐŸÑ€Ð°Ð²", "Ã¼ber", "Ã\u00a0", "Ãƒ©", "Â«Â\u00a0", "â€¦", "ï»¿", "Ã¶", "Ð¼Ð¾", "æ—¥æœ¬", "Ã\x83Â©"]
CONTROL = [chr(c) for c in [*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x80, 0x85, 0x8D, 0x9D, 0x9F]]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f", "\u202a", "\u202e",
             "\u2066", "\u2069", "\u180e", "\u2028", "\u2029", "\u034f", "\ufe0f", "\u061c", "\u3164", "\u115f"]
ODD = ["\ufffd", "\ue000", "\uf8ff", "\U000f0000", "\U0010fffd", "?", "??", "d?j?", "\u0301", "\u0308", "\u0327",
       "e\u0301", "A\u030a", "\u0301\u0301", "ﬁ", "Ａ", "ｶ", "\u00a0", "\u202f", "\u2009", "\u3000", "\t", "\u1680",
       "😀", "🇫🇷", "👍🏽", "👨‍👩‍👧", "\U0001f3f4\U000e0067\U000e0062\U000e007f", "\ud7ff", "\U0001d400"]
MARKUP = ["&amp;", "&eacute;", "&#233;", "&#x27;", "&nbsp;", "&amp;amp;", "&amp;eacute;", "&unknown;", "&#0;",
          "&#x110000;", "&#55296;", "&#xD800;", "&#x1F600;", "&#128512;", "&lt;p&gt;", "&#", "&#x;", "&quot;",
          "&;", "AT&T", "R&D", "&#8217;", "&#150;", "&#x80;", "&#13;", "&#10;",
          "<p>", "</div>", "<br/>", "<br>", '<a href="x">', "</a>", "<script>", "<SPAN class='x'>", "<img src=x>",
          "<!-- c -->", "<b>", "</b>", "a < b > c", "<3", "List<String>", "<john@x.com>", "<p", "<<p>>"]
UI = ["Share", "Read more", "Comments (12)", "© Netflix", "Lire aussi :", "Related:", "Advertisement",
      "Subscribe", "Photo: AFP", "Getty Images", "Posted by admin", "12 comments", "Tweet", "Click here",
      "pic.twitter.com/abc", "Follow us on Facebook", "S'abonner", "Partager", "Publicité", "Lire la suite",
      "Watch:", "Sign up for our newsletter", "Cookie settings", "Accept all cookies", "Share on Twitter",
      "1.2K views", "Like · Reply · 3h", "Credit: Reuters", "Image caption", "Tags: politics, news",
      "By John Smith", "Par Jean Dupont", "Source : AFP", "Mis à jour le", "Home > News > World",
      "Previous article", "Next article", "Loading...", "Print", "Email", "Copyright 2024", "All rights reserved",
      ":smile:", ":+1:", ":fr:", ":heart_eyes:", ":::", ":a:b:", "@user", "#hashtag", "https://t.co/xyz",
      "— John (@john) March 3, 2021", "Verdict:", "Q:", "A:", "Rating: 4/5", "Posted in", "Reply"]
PUNCT = ["...", "---", "***", "!!!", "«»", "“”", "—", "–", "-", "•", "·", "|", "/", "\\", ":", ";", ",", ".",
         "?", "!", "¿", "¡", "…", "()", "[]", "{}", "(", ")", "%", "§", "¶", "†", "№", "$", "€", "£", "#", "*"]
NUMBERS = ["12", "3.14", "1,000,000", "+33 1 23 45 67 89", "0", "-1", "1e10", "42%", "٣", "१२", "½", "²",
           "99999999999999999999", "1st", "2nd", "N°5", "(1)", "1.", "a)", "IV", "3:2", "10-12"]
SENTENCES = [
    "Le porte-parole a estimé qu’il fallait passer à autre chose.",
    "« C’est une décision historique », a déclaré le ministre.",
    "The council voted on Monday to approve the budget.",
    "He said: \"we will not give up\" and left.",
    "Sie sagte: „Wir schaffen das.“",
    "Правительство объявило о новых мерах поддержки экономики.",
    "记者报道，中华人民共和国政府今天宣布了新措施。",
    "أعلنت الحكومة عن إجراءات جديدة في القاهرة.",
    "Zoom interdit l’accès à ses services",
    "Publié le 7 mars 2022",
]


def _case_texts() -> list[str]:
    """The texts of the rule cases (tests/rule_cases): lines each rule reacts to, to mix with the rest."""
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    out = []
    for f in sorted((Path(__file__).parent / "rule_cases").glob("*.toml")):
        out.extend(c["text"] for c in tomllib.loads(f.read_text(encoding="utf-8"))["case"] if "text" in c)
    return out


CASE_TEXTS = _case_texts()
CASE_LINES = sorted({ln for t in CASE_TEXTS for ln in t.splitlines() if ln.strip()})
_SCRIPT_WORDS = [w for ws in WORDS.values() for w in ws]
piece = st.one_of(
    st.sampled_from(_SCRIPT_WORDS),
    st.sampled_from(QUOTES),
    st.sampled_from(DATES),
    st.sampled_from(MOJIBAKE),
    st.sampled_from(CONTROL),
    st.sampled_from(INVISIBLE),
    st.sampled_from(ODD),
    st.sampled_from(MARKUP),
    st.sampled_from(UI),
    st.sampled_from(PUNCT),
    st.sampled_from(NUMBERS),
    st.sampled_from(SENTENCES),
    st.text(max_size=6),  # anything at all, now and then
)
SEPARATORS = st.sampled_from([" ", " ", " ", "", "\u00a0", "\u202f", "  ", "\t", ", ", ". ", " : ", " ; "])


@st.composite
def line_strategy(draw: Any) -> str:
    kind = draw(st.integers(0, 19))
    if kind == 0:
        return ""
    if kind == 1:
        return draw(st.sampled_from([" ", "\t", "  \t ", "\u00a0", "\u3000"]))
    if kind == 2:  # a very long line
        unit = draw(st.sampled_from([*SENTENCES, "word ", "a", "é", "Ã©", "« x » ", "“", "—"]))
        return unit * draw(st.integers(20, 300))
    if kind in (3, 4, 5):  # a line of a rule case
        return draw(st.sampled_from(CASE_LINES))
    if kind == 6:  # one piece alone on its line (a UI phrase, a date, a byline...)
        return draw(piece)
    if kind == 7:  # words between a pair of quote marks, spaces inside or not
        op, cl = draw(st.sampled_from(QUOTES)), draw(st.sampled_from(QUOTES))
        inner = " ".join(draw(st.lists(st.sampled_from(_SCRIPT_WORDS), min_size=1, max_size=4)))
        pad = draw(st.sampled_from(["", " ", "\u00a0", "\u202f"]))
        return f"{draw(st.sampled_from(SENTENCES))} {op}{pad}{inner}{pad}{cl}{draw(st.sampled_from(PUNCT))}"
    parts = draw(st.lists(piece, min_size=1, max_size=8))
    seps = draw(st.lists(SEPARATORS, min_size=len(parts), max_size=len(parts)))
    line = "".join(p + s for p, s in zip(parts, seps))
    if draw(st.booleans()):
        line = line.rstrip()
    return line


@st.composite
def texts(draw: Any) -> str:
    lines = draw(st.lists(line_strategy(), max_size=30))
    if draw(st.integers(0, 3)) == 0:  # a rule case's text, with lines of the grammar in it
        case = draw(st.sampled_from(CASE_TEXTS)).splitlines()[:30]
        for ln in lines[:6]:
            case.insert(draw(st.integers(0, len(case))), ln)
        lines = case
    if lines and draw(st.integers(0, 3)) == 0:  # a repeated block
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(i, min(len(lines), i + 5)))
        at = draw(st.integers(0, len(lines)))
        block = lines[i:j] or lines[i : i + 1]
        lines[at:at] = [*([""] if draw(st.booleans()) else []), *block]
    if len(lines) > 40:
        lines = lines[:40]
    endings = draw(st.lists(st.sampled_from(["\n", "\n", "\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\n\r"]),
                            min_size=len(lines), max_size=len(lines)))
    text = "".join(ln + e for ln, e in zip(lines, endings))
    if text and draw(st.booleans()):
        text = text.rstrip("\r\n")
    if draw(st.integers(0, 9)) == 0:
        text = "\ufeff" + text
    return text


METADATA = st.fixed_dictionaries({}, optional={
    "date": st.sampled_from([*DATES, "", "2021-04-07", "not a date", "2021-04-07T10:00:00+02:00"]),
    "lang": st.sampled_from(["fr", "en", "de", "ru", "zh", "xx", "", "FR", "fr-CA", "und"]),
    "url": st.sampled_from(["https://example.fr/a", "", "not a url", "http://[::1", "https://x.com/a?b=c#d"]),
    "title": st.sampled_from(["", "Titre", "Share"]),
})


# -- the linters -------------------------------------------------------------------------------

@cache
def linter(language: str | None = None) -> Linter:
    config: dict[str, Any] = {"select": ["ALL"]}
    if language:
        config["language"] = language
    return Linter(config, entry_points=False)


def test_every_rule_is_enabled() -> None:
    lt = linter()
    registered = set(lt.session.ruleset.rules)
    active = {a.code for a in lt.session.ruleset.active}
    assert registered == active, registered - active
    assert len(active) > 45


# -- the properties ------------------------------------------------------------------------------

def _crashes(findings: Sequence[Finding]) -> list[str]:
    return [f"{f.code}: {f.message}" for f in findings if f.code == "CL001" or "crashed" in f.message]


def _check_positions(doc: Document, findings: Sequence[Finding]) -> None:
    lines = doc.lines
    for f in findings:
        if f.line is None:
            assert f.column is None and f.end_line is None, f
            continue
        where = f"{f.code} {f.message!r} at {f.line}:{f.column}-{f.end_line}:{f.end_column}"
        assert 1 <= f.line <= len(lines), where
        assert f.column is not None and 1 <= f.column <= len(lines[f.line - 1]) + 1, where
        if f.end_line is not None:
            assert f.end_column is not None, where
            assert 1 <= f.end_line <= len(lines), where
            assert 1 <= f.end_column <= len(lines[f.end_line - 1]) + 1, where
            assert (f.end_line, f.end_column) >= (f.line, f.column), where
        for (sl, sc), (el, ec), content in f.fix_edits:
            assert isinstance(content, str), where
            assert 1 <= sl <= el <= len(lines) and (el, ec) >= (sl, sc), f"{where}: edit {sl}:{sc}-{el}:{ec}"


def _skeleton(s: str) -> str:
    """The letters and digits of ``s``: what a safe fix may only change inside its own finding."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", s) if ch.isalnum())


def _check_pass(text: str, findings: Sequence[Finding], unsafe: bool) -> str:
    """One fix pass the way Engine.fix_document makes it, checked edit by edit; the new text."""
    fixable = [f for f in findings if f.fix and (f.fix.safe or unsafe)]
    n = len(text)
    starts = Document(path="t", raw=b"", text=text).line_starts
    for f in fixable:
        assert f.fix is not None
        edits = sorted(f.fix.edits, key=lambda e: (e.start, e.end))
        for e in edits:
            assert 0 <= e.start <= e.end <= n, f"{f.code}: edit {e} outside a text of {n} characters"
        for a, b in zip(edits, edits[1:]):
            assert a.end <= b.start and not (a.start == a.end == b.start == b.end), f"{f.code}: overlapping edits {a} {b}"
        if unsafe or f.line is None:
            continue
        # letters and digits change only within the lines of the finding (line breaks included)
        lo = starts[f.line - 1]
        lo -= len(text[max(lo - 2, 0) : lo]) - len(text[max(lo - 2, 0) : lo].rstrip("\r\n"))  # the break before it
        end_line = f.end_line or f.line
        hi = starts[end_line] if end_line < len(starts) else n
        for e in edits:
            if _skeleton(text[e.start : e.end]) == _skeleton(e.content):
                continue
            if f.code == "DUP001":  # a repeated line goes: its words stay where it was first
                assert _skeleton(text[e.start : e.end]) in _skeleton(text[: e.start]), f"{f.code}: {f.message}"
            assert lo <= e.start and e.end <= hi, (
                f"{f.code} ({f.message}) on lines {f.line}-{end_line} edits {text[e.start:e.end]!r} -> {e.content!r}")
    new, _, _ = apply_fixes(text, [f.fix for f in fixable if f.fix])
    return new


def _lint_and_fix(lt: Linter, text: str, metadata: dict[str, Any], unsafe: bool = False) -> str:
    doc = lt.document(text, metadata)
    findings, _, crashed = lt._engine.lint_document(doc)
    assert not _crashes(findings), _crashes(findings)
    assert not crashed
    _check_positions(doc, findings)
    engine = lt.session.engine(fix=True, unsafe_fixes=unsafe)
    outcome = engine.fix_document(doc, findings)
    assert not outcome.crashed, _crashes(outcome.findings)
    assert isinstance(outcome.document.text, str)
    # the same passes, made here one by one and checked
    current, found = doc.text, findings
    for _ in range(8):
        if doc.decode_errors or not any(f.fix and (f.fix.safe or unsafe) for f in found):
            break
        new = _check_pass(current, found, unsafe)
        if new == current:
            break
        try:
            new.encode(doc.encoding or "utf-8")
        except UnicodeEncodeError:
            break
        current = new
        step = Document(path=doc.path, raw=new.encode(doc.encoding or "utf-8"), text=new, encoding=doc.encoding,
                        metadata=doc.metadata, default_language=doc.default_language)
        found, _, _ = lt._engine.lint_document(step)
        assert not _crashes(found), _crashes(found)
        _check_positions(step, found)
    assert current == outcome.document.text
    return outcome.document.text


@FUZZ
@given(texts(), METADATA)
@example("", {})
def test_all_rules_any_text(text: str, metadata: dict[str, Any]) -> None:
    lt = linter()
    fixed = _lint_and_fix(lt, text, metadata)
    # --fix converges: fixing the fixed text again changes nothing (docs/encoding.md "Fixes")
    again = lt.fix_text(fixed, metadata)
    assert again == fixed, f"a second --fix changed the text: {fixed!r} -> {again!r}"
    _lint_and_fix(lt, text, metadata, unsafe=True)


@FUZZ
@given(texts(), st.sampled_from(["fr", "en", "de", "es", "it", "ru", "ar", "he", "th", "zh", "el", "xx"]))
def test_all_rules_any_text_language(text: str, language: str) -> None:
    """With a ``language`` setting (the language assumed when the guess is unsure)."""
    lt = linter(language)
    fixed = _lint_and_fix(lt, text, {})
    assert lt.fix_text(fixed) == fixed


@st.composite
def raw_bytes(draw: Any) -> bytes:
    """A text as a file may hold it: another charset, a BOM, a few bytes broken, or just bytes."""
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return draw(st.binary(max_size=200))
    text = draw(texts())
    codec = draw(st.sampled_from(["utf-8", "cp1252", "latin-1", "cp1251", "mac_roman", "utf-16", "utf-16-le",
                                  "utf-16-be", "utf-8-sig", "gb18030", "shift_jis"]))
    raw = text.encode(codec, errors="replace")
    if kind == 1 and raw:  # a few bytes broken
        for _ in range(draw(st.integers(1, 4))):
            i = draw(st.integers(0, len(raw) - 1))
            raw = raw[:i] + bytes([draw(st.integers(0, 255))]) + raw[i + 1 :]
    if kind == 2:  # cut anywhere
        raw = raw[: draw(st.integers(0, len(raw)))]
    return raw


@FUZZ
@given(raw_bytes())
def test_all_rules_any_bytes(raw: bytes) -> None:
    lt = linter()
    doc = lt.document(raw)
    findings, _, crashed = lt._engine.lint_document(doc)
    assert not _crashes(findings) and not crashed, _crashes(findings)
    _check_positions(doc, findings)
    for unsafe in (False, True):
        outcome = lt.session.engine(fix=True, unsafe_fixes=unsafe).fix_document(doc, findings)
        assert not outcome.crashed, _crashes(outcome.findings)
        if doc.decode_errors:  # a text that did not decode losslessly is never rewritten
            assert outcome.document is doc


@settings(max_examples=max(EXAMPLES // 4, 20), deadline=None)
@given(st.lists(texts(), min_size=2, max_size=6))
def test_corpus_rules_any_texts(docs: list[str]) -> None:
    lt = linter()
    docs = docs + docs[:1]  # one exact duplicate at least
    findings = lt.lint_records([{"id": i, "text": t} for i, t in enumerate(docs)])
    assert not _crashes(findings), _crashes(findings)


# -- JSONL records -------------------------------------------------------------------------------

ODD_VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=10**20, max_value=10**40),
                       st.floats(allow_nan=False), st.text(max_size=5), st.lists(st.integers(), max_size=2),
                       st.dictionaries(st.text(max_size=2), st.integers(), max_size=2))


@st.composite
def jsonl_line(draw: Any) -> bytes:
    kind = draw(st.integers(0, 9))
    if kind <= 4:  # a record with a text
        rec: dict[str, Any] = {}
        rec["id"] = draw(st.one_of(st.sampled_from(["a", "a", "b", "", "1", "x y"]), ODD_VALUES))
        rec["text"] = draw(texts())
        for key in draw(st.lists(st.sampled_from(["date", "lang", "language", "url", "title", "source",
                                                  "crawl_date"]), max_size=3, unique=True)):
            rec[key] = draw(st.one_of(METADATA.map(lambda m: next(iter(m.values()), "")), ODD_VALUES))
        line = json.dumps(rec, ensure_ascii=draw(st.booleans()))
        if draw(st.integers(0, 5)) == 0:  # an escaped lone surrogate: valid JSON, not valid UTF-8 text
            line = line.replace('"text": "', '"text": "\\ud800', 1)
        return line.encode("utf-8", errors="surrogatepass")
    if kind == 5:  # a record whose text is not a string, or that has none
        rec = {"id": draw(ODD_VALUES)}
        if draw(st.booleans()):
            rec["text"] = draw(ODD_VALUES.filter(lambda v: not isinstance(v, str)))
        return json.dumps(rec).encode()
    if kind == 6:  # JSON that is not an object
        return draw(st.sampled_from([b"null", b"42", b'"text"', b"[1, 2]", b"[]", b"{}", b"true", b"NaN",
                                     b'{"text": NaN}', b'{"text": "a", "text": 3}', b"[" * 200 + b"]" * 200,
                                     b'{"text": "x", "id": ' + b"[" * 5000 + b"]" * 5000 + b"}",
                                     b"[" * 100000, b'{"text": "\\udc80\\ud800"}']))
    if kind == 7:  # not JSON at all
        return draw(st.sampled_from([b'{"id": "x", "text": "unterminated', b"\xff\xfe\x00", b"\xc3\x28",
                                     b'{"text": "caf\xe9"}', b"plain text", b"{", b"}", b"\x00\x00",
                                     b'\xef\xbb\xbf{"text": "bom"}', b"\t", b"   "]))
    if kind == 8:
        return b""
    return draw(st.binary(max_size=20))


@settings(max_examples=max(EXAMPLES // 4, 20), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(st.lists(jsonl_line(), max_size=8), st.sampled_from([b"\n", b"\r\n"]),
       st.sampled_from(["text", "json", "jsonl", "github"]))
# a lone surrogate (a JSON escape) on a line with a finding: the fingerprint could not hash it
@example([b'{"id": "a", "text": "\\ud800\xef\xbb\xbf"}'], b"\n", "text")
# arrays nested deeper than json.loads can recurse: a RecursionError, not a JSONDecodeError
@example([b'{"text": "x", "id": ' + b"[" * 5000 + b"]" * 5000 + b"}", b"[" * 100000], b"\n", "json")
def test_jsonl_any_records(tmp_path: Path, lines: list[bytes], newline: bytes, fmt: str) -> None:
    from corpuslint.cli import main

    path = tmp_path / "c.jsonl"
    data = newline.join(lines)
    path.write_bytes(data)
    session = records_session()
    result = session.lint([str(path)])
    assert not _crashes(result.findings), _crashes(result.findings)
    assert not result.internal_error
    # the report prints whatever the records hold (to a strict UTF-8 stream)
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with redirect_stdout(out):
        code = main(["--isolated", "--no-cache", "--select", "ALL", "--format", fmt, str(path)])
    assert code in (0, 1), code
    # --fix rewrites the text of fixed records only: every other line stays byte for byte
    result = session.lint([str(path)], fix=True)
    assert not _crashes(result.findings), _crashes(result.findings)
    after = path.read_bytes().split(b"\n")
    before = data.split(b"\n")
    assert len(after) == len(before)
    for old, new in zip(before, after):
        if old == new:
            continue
        a, b = json.loads(old), json.loads(new)  # only a record that parsed is rewritten
        assert isinstance(a, dict) and isinstance(b, dict)
        assert {k: v for k, v in a.items() if k != "text"} == {k: v for k, v in b.items() if k != "text"}
        assert isinstance(b["text"], str)


@cache
def records_session() -> Session:
    return open_session(isolated=True, overrides={"select": ["ALL"]}, entry_points=False)


def test_file_name_that_did_not_decode(tmp_path: Path, monkeypatch: Any) -> None:
    """A file name of bytes that are not UTF-8 (a surrogate escape in Python): the cache key hashed
    it with a strict encode, and the text report could not print it; now ``caf\\udce9.txt``."""
    from corpuslint.cli import main

    name = os.fsdecode(b"caf\xe9.txt")
    try:
        (tmp_path / name).write_text("Share\nThe council voted.\n", encoding="utf-8")
    except (OSError, UnicodeEncodeError):  # pragma: no cover - a file system of Unicode names
        import pytest

        pytest.skip("file names must be Unicode here")
    monkeypatch.chdir(tmp_path)
    for fmt in ("text", "json"):
        out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
        with redirect_stdout(out):
            code = main(["--isolated", "--format", fmt, "."])  # with the cache
            out.flush()
            printed = out.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]
        assert code == 1
        assert "caf\\udce9.txt" in printed and "CL001" not in printed


def test_odd_record_ids(tmp_path: Path) -> None:
    """Ids are strings or integers of any size: an integer of 5000 digits is one that str() refuses
    (its record number names it), '²' a digit that int() refuses (sort keys read numeric ids)."""
    findings = linter().lint_records([{"id": "²", "text": "Share\n"}, {"id": 10**5000, "text": "Share\n"},
                                      {"id": "١٢", "text": "Share\n"}, {"id": "3", "text": "Share\n"}])
    assert [f.record for f in findings if f.code == "RES001"] == ["²", "2", "١٢", "3"]
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "²", "text": "Share"}\n{"id": "1", "text": "Share"}\n', encoding="utf-8")
    found = [replace(f, record_index=None) for f in records_session().lint([str(path)]).findings if f.code == "RES001"]
    assert [f.record for f in sorted(found, key=lambda f: f.sort_key)] == ["1", "²"]


def test_a_malformed_fix_is_not_applied() -> None:
    """apply_fixes splices edits as they come: edits of one fix that overlap (QUO007 made such a
    fix of blank quotes) or fall outside the text would drop or repeat text; it skips that fix."""
    from corpuslint.model import Edit, Fix

    text = 'a " " b'
    overlapping = Fix("Use “ ”", (Edit(2, 4, "“"), Edit(3, 5, "”")))
    outside = Fix("Append", (Edit(7, 9, "!"),))
    fine = Fix("Upper", (Edit(0, 1, "A"),))
    assert apply_fixes(text, [overlapping, outside, fine]) == ('A " " b', 1, None)
