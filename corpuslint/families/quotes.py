"""Quotes family: quotation marks that open and close within a paragraph, and their typography.

Quote pairs per language come from ``rules/quotes/`` (``extends = "quotes"``). Each
paragraph is scanned once per document (:func:`scan_paragraph`) and the rules read
the scan. Apostrophes are never quotes: a straight ``'`` is ignored, ``’`` only
ever closes a ``‘`` that is open, and ``‘`` before a digit or an elided word
(`‘90s`, `‘em`) is a misplaced apostrophe (issue #6).
"""

from __future__ import annotations

import inspect
from bisect import bisect_left
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import ClassVar

import regex

from corpuslint.hookspecs import hookimpl
from corpuslint.kinds import INLINE_CODE, code_lines, in_spans
from corpuslint.model import Document, Edit, Fix, Paragraph, Severity, Violation
from corpuslint.packs import Pack, PackError
from corpuslint.patterns import compile_regex
from corpuslint.rule import Option, Rule, RuleContext

__all__ = ["QuoteScan", "QuoteVocabulary", "scan_paragraph"]

_APOSTROPHE = "’"  # also the closing single quote: closes an open ‘, else ignored
_OPEN_CONTEXT = frozenset("([{<—–-/")
_CLOSE_CONTEXT = frozenset(".,;:!?)]}…")
_DASHES = frozenset("—–-")
_NBSP = frozenset("\u00a0\u202f")
#: closers that also open, in Swedish and Finnish (`”…”`, `»…»`) and Danish and Hungarian
#: (`»…«`): such a mark opens where it closes nothing and is glued to the word (or `…`) after it
_SYMMETRIC = {"”": "”", "»": "«»"}
#: `„` only ever opens, in any language: it is matched even when the guessed language lacks it
_LOW_NINE = (("„", "“"), ("„", "”"))
#: words that start with an apostrophe in English (`‘em`, `rock ‘n’ roll`)
_ELIDED = compile_regex(r"(?:em|cause|til|tis|twas|bout|n|nuff|round)\b", regex.IGNORECASE)
#: an elided word before an apostrophe (French d', qu', jusqu'; Italian dell', un'), not a
#: possessive (the boys'): after it, a quote mark opens
_ELISION = compile_regex(r"(?<!\p{L})(?:\p{L}{1,2}|\p{L}*qu|[dn]ell|dall|sull|all|coll|quest|quell|senz)['’]$",
                         regex.IGNORECASE)
#: a prime then a number before a `"`: seconds of arc or inches (`48°51'30"N`, `6'2"`)
_SECONDS = compile_regex(r"\d['′]\s?\d{1,2}(?:[.,]\d+)?$")
#: style families, for mixed-quote-styles: the opening mark decides
_FAMILY = {
    "«": "« »", "»": "« »", "‹": "« »", "›": "« »",
    "“": "“ ”", "‘": "“ ”",
    "„": "„ “", "‚": "„ “",
    '"': '" "',
}


@dataclass
class QuoteVocabulary:
    #: language -> list of (open, close)
    pairs: dict[str, list[tuple[str, str]]]
    #: language -> [outer pair, inner pair] the language's typography prefers
    preferred: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    #: language -> pairs it also quotes with inside quotations or for terms (Polish, Czech,
    #: Hungarian `»…«`): never "another style" for mixed-quote-styles
    inner: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    #: languages that glue their case suffixes to a closing mark (Turkish `“Destanı”ndaki`):
    #: a letter after a closing mark is no missing space there
    suffixed: frozenset[str] = frozenset()
    #: the links of every pack's `more` key (`Lire la suite`, `Read more`), ending a line before
    #: a `»` or `›` that is their arrow: one pattern, read in documents of any language
    more: regex.Pattern[str] | None = None

    def for_language(self, lang: str) -> list[tuple[str, str]]:
        return self.pairs.get(lang) or self.pairs.get("*") or [("«", "»"), ("“", "”")]


@dataclass
class QuoteScan:
    """Result of scanning one paragraph; positions are offsets in the paragraph."""

    unclosed: list[tuple[int, str]] = field(default_factory=list)  # (offset, char)
    stray: list[tuple[int, str]] = field(default_factory=list)
    crossed: list[tuple[int, str, int, str]] = field(default_factory=list)  # inner open, its char, closer pos, closer
    straight_pairs: list[tuple[int, int]] = field(default_factory=list)
    unclosed_straight: list[int] = field(default_factory=list)
    stray_straight: list[int] = field(default_factory=list)
    #: every matched pair: (open pos, close pos, open char, depth); open pos -1: reopened from the paragraph before
    pairs: list[tuple[int, int, str, int]] = field(default_factory=list)
    #: role of each quote mark: offset -> "open" / "close"
    roles: dict[int, str] = field(default_factory=dict)

    @property
    def balanced(self) -> bool:
        return not (self.unclosed or self.stray or self.crossed or self.unclosed_straight or self.stray_straight)


#: the scan of every paragraph without quote marks (QuoteRule.scans): shared, never changed
_NO_MARKS = QuoteScan()


def _is_letter(c: str | None) -> bool:
    return c is not None and c.isalpha()


def _is_hebrew(c: str | None) -> bool:
    return c is not None and "\u05d0" <= c <= "\u05ea"


#: letters of scripts written without spaces between words (Chinese, Japanese, Thai...) or,
#: in Korean, with particles attached to a quotation (`“안녕”이라고`): a quote mark is glued
#: to them by rule, not by accident
_UNSPACED = compile_regex(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Tibetan}]")


def _spaced_letter(c: str | None) -> bool:
    """A letter of a script that writes spaces between words: an apostrophe stands between
    two of them (won’t, l’été), never between two Chinese characters (`国家‘十三五’规划`)."""
    return c is not None and c.isalpha() and (c < "\u0e00" or not _UNSPACED.match(c))


class _LineBounds:
    """The lines of a paragraph, found once: each mark's line by bisection, where a paragraph
    of one long line and thousands of marks searched back and forth over it for each."""

    __slots__ = ("breaks", "size")

    def __init__(self, s: str) -> None:
        self.breaks = _mark_positions(s, "\n")
        self.size = len(s)

    def of(self, k: int) -> tuple[int, int]:
        """(start, end) of the line holding offset ``k``, without its line break."""
        i = bisect_left(self.breaks, k)
        return (self.breaks[i - 1] + 1 if i else 0), (self.breaks[i] if i < len(self.breaks) else self.size)


#: a character str.isspace() is false for (regex's \s leaves out the separators U+001C-U+001F)
_NON_SPACE = regex.compile(r"[^\s\x1c-\x1f]")


def _stripped_longer(s: str, a: int, z: int, limit: int) -> bool:
    """``len(s[a:z].strip()) > limit``, without copying a long line."""
    if z - a <= limit:
        return False
    m = _NON_SPACE.search(s, a, z)
    if m is None:
        return False
    first = m.start()
    last = z - 1
    while s[last].isspace():
        last -= 1
    return last - first + 1 > limit


def _is_nav_arrow(s: str, k: int, loose: bool, lines: _LineBounds) -> bool:
    """A guillemet used as an arrow in page furniture (`Lire la suite »`, `« Précédent`, `Accueil › Monde › Europe`).

    ``loose``: the document's language does not quote with this mark, so a short line that
    starts or ends with it (`View all newsletters »`, `› Festival de Cannes 2014`) is taken
    as furniture up to twelve words, not three or four, and a `»` or `›` after a space at
    the end of a line of any length is the arrow of a teaser cut short.
    """
    line_start, line_end = lines.of(k)
    ch = s[k]
    if loose and ch in "»›" and s[k - 1 : k].isspace() and _NON_SPACE.search(s, k + 1, line_end) is None:
        return True  # a teaser cut short: "Very easy to miss, compared »" (a language not quoting with it)
    if _stripped_longer(s, line_start, line_end, 80):
        return False
    line = s[line_start:line_end]
    if line.count(f" {ch} ") >= 2 and all(len(part.split()) <= 4 for part in line.split(ch)):
        return True  # breadcrumbs
    before, after = s[line_start:k], s[k + 1 : line_end]
    if (
        ch in "»›" and before[-1:].isspace() and after[:1].isspace() and "«" not in line and "‹" not in line
        and len(before.split()) <= 5 and len(after.split()) <= 6 and line.rstrip()[-1:] not in ".!?…"
    ):
        return True  # one separator between two short parts: `Strona główna » Motoryzacja`, `Message de titi76 » 08 mars 2023, 21:14`
    if after.strip() and before.strip():
        return False
    words = len(after.split()) if after.strip() else len(before.split())
    if after.strip():  # first on its line: "« Précédent"
        return after[:1].isspace() and words <= (12 if loose else 3) and not any(c in after for c in ".,;:!?")
    return (not before or before[-1].isspace()) and words <= (12 if loose else 4)  # last on its line: "Lire la suite »"


def _read_more(s: str, k: int, more: regex.Pattern[str]) -> bool:
    """Whether the `»` or `›` at ``k`` ends its line after a link of ``more`` (`Lire la suite »`)."""
    if s[k] not in "»›":
        return False
    a = s.rfind("\n", 0, k) + 1
    z = s.find("\n", k)
    m = more.search(s, a, len(s) if z < 0 else z)
    return m is not None and m.start(1) == k


def _arrows(preferred: Sequence[tuple[str, str]] | None) -> str:
    """The guillemets a language with these preferred pairs does not quote with: in its
    documents they are more readily page arrows (none when the language has no preference)."""
    return "".join(g for g in "«»‹›" if not any(g in pair for pair in preferred)) if preferred else ""


#: what separates the links of a navigation line
_NAV_SEPARATORS = (" | ", " :: ", " · ", " • ", " / ")


def _nav_line_pair(s: str, a: int, z: int) -> bool:
    """Whether the marks at ``a`` and ``z`` open and close one short line of links
    (`« Previous | Next »`, `« Guide :: Contents :: Concepts »`)."""
    if z - a > 120 or "\n" in s[a:z] or not _blank_to_line_edge(s, a - 1, -1) or not _blank_to_line_edge(s, z + 1, 1):
        return False
    inner = s[a + 1 : z]
    return any(sep in inner for sep in _NAV_SEPARATORS)


def _blank_to_line_edge(s: str, i: int, step: int) -> bool:
    """Whether only blanks lie from ``i`` to the edge of its line, going by ``step`` (-1 back,
    1 on): read up to the first character that is not blank, not the whole line (a line of
    thousands of pairs is read once per pair otherwise)."""
    n = len(s)
    while 0 <= i < n and s[i] != "\n" and s[i].isspace():
        i += step
    return not 0 <= i < n or s[i] == "\n"


@lru_cache(maxsize=64)
def _pair_tables(
    pairs: tuple[tuple[str, str], ...],
) -> tuple[dict[str, set[str]], set[str], str, str, dict[str, Collection[str]]]:
    """(closers of each opening mark, closing marks, every mark, the opening marks ``’`` closes,
    the closers of a mark open on the stack: its own, or for a ``_SYMMETRIC`` mark that opened
    without being an opener of the language, those of ``_SYMMETRIC``) of a language's pairs.

    Built once per pair list, not once per paragraph. Callers must not change them.
    """
    closers_of: dict[str, set[str]] = {}
    for o, c in pairs:
        closers_of.setdefault(o, set()).add(c)
    closers = {c for _, c in pairs}
    marks = "".join(sorted(set(closers_of) | closers | {'"'}))
    closed_by: dict[str, Collection[str]] = {**_SYMMETRIC, **closers_of}
    return (closers_of, closers, marks, "".join(sorted(o for o, cs in closers_of.items() if _APOSTROPHE in cs)),
            closed_by)


#: what UTF-8 read in a wrong charset puts before a continuation byte that reads as a quote mark
#: (`Р»` for `л` in cp1251, `Ã»` for `û`, `Ø«` for `ث`, `Ù„` for `ل` in cp1252): never before a
#: quote mark followed by a letter in real text ...
_MOJI_BEFORE_QUOTE = frozenset("ÃÂÐÑØÙÚÛРС")
#: ... and these (`ç»­` for `续` in Latin-1; cp1256 `ظ„`), before one followed by another
#: character that is neither ASCII nor a space
_MOJI_BEFORE_QUOTE_WEAK = frozenset("åæçèطظعغ")


#: what cp1252 reads a UTF-8 continuation byte as (`›` in `á»›` for `ớ`)
_CP1252_CONTINUATIONS = frozenset(bytes(range(0x80, 0xC0)).decode("cp1252", errors="ignore"))


#: typography that follows a closing quote (`«Está»…`, `«Allá»—`)
_AFTER_CLOSING = frozenset("\u2026\u2013\u2014\u2018\u2019\u201c\u201d\u00a0")

#: what ends a word for ``_in_mojibake``
_WORD_END = frozenset(" \t\n\r\f\v")


def _in_mojibake(s: str, k: int) -> bool:
    """Whether the quote mark at ``k`` is a byte of mojibake (ENC003 reports it), not a quote."""
    if k == 0:
        return False
    prev, nxt = s[k - 1], s[k + 1 : k + 2]  # "" at the end of the text
    if prev in _MOJI_BEFORE_QUOTE and (nxt.isalpha() or (not nxt.isascii() and not nxt.isspace())):
        return True  # (else the word's repair decides: `pasoÂ»,`, `РњР¦Р”-2` for `МЦД-2`)
    if prev in _MOJI_BEFORE_QUOTE_WEAK and not nxt.isascii() and not nxt.isspace():
        return True
    if "\u00e0" <= prev <= "\u00ff" and nxt in _AFTER_CLOSING and not s[k + 2 : k + 3].isalpha():
        return False  # a closing quote after an accented letter, then an ellipsis or a dash (`«Está»…`)
    if "\u00e0" <= prev <= "\u00ef" and (nxt == "\ufffd" or nxt in _CP1252_CONTINUATIONS or (nxt.isalpha() and not nxt.isascii())):
        return True  # the lead of a 3-byte character read as cp1252 (`á»�` for Vietnamese `ệ`)
    if (prev.isascii() or prev.isspace()) and (nxt.isascii() or nxt.isspace()):
        return False
    # glued to other characters beyond ASCII (`ì„±`, `ê°”ëŠ”`: Korean read as cp1252): a byte
    # of mojibake when ENC003's repair of the word around it consumes the mark (not `«` glued
    # to a repaired word, `«ظ…ط¯طھ` -> `«مدت`)
    from corpuslint.families.encoding import mojibake_repair

    # the word around it, to a blank: a no-break space is a byte of mojibake too (`Р ` is
    # the cp1251 reading of `Р`, D0 A0: `В«Р СѓСЃ` for `«Рус`)
    a = k
    while a > 0 and s[a - 1] not in _WORD_END and k - a < 64:
        a -= 1
    z = k + 1
    while z < len(s) and s[z] not in _WORD_END and z - k < 64:
        z += 1
    word = s[a:z]
    fixed = mojibake_repair(word)
    if fixed is None:
        return False
    mark, at = s[k], k - a
    if fixed.count(mark) < word.count(mark):
        return True
    # the mark is the second byte of a two-byte character (`В«` for `«` in cp1251, `آ«` in
    # cp1256: C2 AB): in the repair, fewer characters stand before it
    pos = -1
    for _ in range(word.count(mark, 0, at) + 1):
        pos = fixed.find(mark, pos + 1)
    return 0 <= pos < at


def _mark_positions(s: str, marks: str) -> list[int]:
    """Offsets of the characters of ``marks`` in ``s``, in order (str.find: a regex character
    class scans a text of non-ASCII letters several times slower)."""
    out: list[int] = []
    find = s.find
    for ch in marks:
        i = find(ch)
        while i != -1:
            out.append(i)
            i = find(ch, i + 1)
    out.sort()
    return out


def scan_paragraph(
    s: str, pairs: Sequence[tuple[str, str]], continued: str | None = None, wrapped: bool = False,
    positions: Sequence[int] | None = None, arrows: str = "",
) -> QuoteScan:
    """Match the quote marks of paragraph ``s``.

    ``continued`` is the opening mark of a quotation the previous paragraph left
    open and this one continues (French `«` or `»`, a dialogue dash, English `“`
    or `"` at the start): it may close here without opening. ``wrapped``: the
    previous line simply runs on (a document without blank lines), so the
    quotation is open from the first character, whatever it is. ``positions``:
    the offsets of the marks to visit, in order, when the caller has them
    (default: every mark of ``pairs`` in ``s``). ``arrows``: the guillemets the
    language does not quote with, read as page arrows more readily.
    """
    closers_of, closers, marks, _, closed_by = _pair_tables(tuple(pairs))
    if positions is None:
        positions = _mark_positions(s, marks)
    res = QuoteScan()
    stack: list[tuple[int, str]] = []
    crossed_pos: set[int] = set()
    straight: list[tuple[int, int]] = []  # (pos, depth)
    n = len(s)
    skip = -1
    lines: _LineBounds | None = None  # built at the first mark that may be an arrow
    if continued is not None:
        lead = len(s) - len(s.lstrip())
        first = s[lead : lead + 1]
        if continued == '"':
            if first != '"' or wrapped:
                straight.append((-1, 0))
        elif wrapped:
            stack.append((-1, continued))
        elif first in _DASHES:
            stack.append((-1, continued))  # "— Non, répondit-elle.": dialogue inside the guillemets
        elif first in closers and first not in closers_of:
            stack.append((-1, continued))  # "» La suite…": the old French reopening mark
            skip = lead
            res.roles[lead] = "open"
    for k in positions:
        ch = s[k]
        if k == skip:
            continue
        prev = s[k - 1] if k else None
        nxt = s[k + 1] if k + 1 < n else None
        if ch == '"':
            prev_open = prev is None or prev.isspace() or prev in _OPEN_CONTEXT or prev in closers_of
            elided = _ELISION.search(s, max(0, k - 12), k) if prev in ("'", "’") else None
            # d'"urgence": opens, unless the elided word is all the quotation holds ("lorsqu'")
            elision = elided is not None and not (straight and straight[-1][0] == elided.start() - 1)
            next_close = nxt is None or nxt.isspace() or nxt in _CLOSE_CONTEXT or nxt in closers
            if prev is not None and prev.isdigit() and not _is_letter(nxt) and not straight:
                continue  # inches: 5' 10"
            if prev is not None and prev.isdigit() and _SECONDS.search(s, max(0, k - 8), k):
                continue  # the seconds of an angle or feet and inches: 48°51'30"N, 6'2"
            if _is_hebrew(prev) and _is_hebrew(nxt) and not _is_letter(s[k + 2] if k + 2 < n else None):
                continue  # Hebrew gershayim before an acronym's last letter: ש"ח, צה"ל, בארה"ב
            if elision or (prev_open and not next_close):
                is_open = True
            elif next_close and not prev_open:
                is_open = False
            else:
                is_open = not straight
            if is_open:
                straight.append((k, len(stack)))
                res.roles[k] = "open"
            elif straight:
                a, depth = straight.pop()
                res.straight_pairs.append((a, k))
                res.pairs.append((a, k, '"', depth))
                res.roles[k] = "close"
            else:
                res.stray_straight.append(k)
                res.roles[k] = "close"
            continue
        if ch == _APOSTROPHE or (ch == "‘" and (_spaced_letter(prev) or (nxt or "").isdigit()
                                                or _ELIDED.match(s, k + 1))):
            # an apostrophe, unless it closes the open ‘ (or ‚ in German); between two
            # letters (won’t, l’été) it is always an apostrophe
            if stack and ch in closers_of.get(stack[-1][1], ()) and not (_spaced_letter(prev) and _spaced_letter(nxt)):
                a, o = stack.pop()
                res.pairs.append((a, k, o, len(stack)))
                res.roles[k] = "close"
            continue
        # a mark that both opens and closes (German “, » and «) closes a quotation open
        # further out when it is shaped like a closer: glued to the word before it
        closing_shape = (prev is not None and not prev.isspace() and prev not in _OPEN_CONTEXT
                         and (nxt is None or nxt.isspace() or nxt in _CLOSE_CONTEXT))
        if stack and ch in closed_by.get(stack[-1][1], ()):
            a, o = stack.pop()
            res.pairs.append((a, k, o, len(stack)))
            res.roles[k] = "close"
        elif ch in closers_of and not (closing_shape and ch in closers
                                       and any(ch in closers_of.get(o, ()) for _, o in stack)):
            stack.append((k, ch))
            res.roles[k] = "open"
        else:  # a closer that does not close the innermost quotation
            res.roles[k] = "close"
            deeper = [i for i, (_, o) in enumerate(stack) if ch in closed_by.get(o, ())]
            if not deeper and ch in _SYMMETRIC and (prev is None or prev.isspace() or prev in _OPEN_CONTEXT) \
                    and ((nxt or " ").isalnum() or nxt == "…"):
                stack.append((k, ch))  # ”Vi har inte…”, »gyári«, ”…och sedan”
                res.roles[k] = "open"
            elif deeper:
                # ch closes an outer quotation while inner ones are open: report the inner
                # ones once and keep them open, so their own closers still match
                i = deeper[-1]
                for pos, o in stack[i + 1 :]:
                    if pos not in crossed_pos:
                        res.crossed.append((pos, o, k, ch))
                        crossed_pos.add(pos)
                a, o = stack.pop(i)
                res.pairs.append((a, k, o, i))
            else:
                if lines is None:
                    lines = _LineBounds(s)
                if not _is_nav_arrow(s, k, ch in arrows, lines):
                    res.stray.append((k, ch))
    # an inner quotation that never closes at all is unclosed rather than crossed
    still_open = {pos for pos, _ in stack}
    res.crossed = [c for c in res.crossed if c[0] not in still_open]
    if stack:
        bounds = lines or _LineBounds(s)
        res.unclosed = [x for x in stack if not (x[0] >= 0 and _is_nav_arrow(s, x[0], x[1] in arrows, bounds))]
    res.unclosed_straight = [p for p, _ in straight]
    return res


class QuoteRule(Rule):
    category = "quotes"
    unit = "document"
    pack_group: ClassVar[str | None] = "quotes"
    pack_schema: ClassVar = {"pairs": list, "preferred": list, "inner": list, "suffixes": bool, "more": list}

    def __init__(self) -> None:
        self.doc = inspect.cleandoc(type(self).__doc__ or "")

    def compile_packs(self, packs: Sequence[Pack]) -> QuoteVocabulary:
        pairs: dict[str, list[tuple[str, str]]] = {}
        preferred: dict[str, list[tuple[str, str]]] = {}
        inner: dict[str, list[tuple[str, str]]] = {}
        for p in packs:
            for key, table in (("pairs", pairs), ("preferred", preferred), ("inner", inner)):
                for item in p.data.get(key, []):
                    if not (isinstance(item, list) and len(item) == 2
                            and all(isinstance(x, str) and len(x) == 1 for x in item)):
                        raise PackError(f"{p.path}: key '{key}' items must be [open, close] single characters, got {item!r}")
                    table.setdefault(p.language, []).append((item[0], item[1]))
        suffixed = frozenset(p.language for p in packs if p.data.get("suffixes"))
        links = sorted({str(x) for p in packs for x in p.data.get("more", [])}, key=lambda x: (-len(x), x))
        # the link after a sentence's end, a separator or nothing on its line, then the arrow
        more = compile_regex(r"(?:^|[.!?…:)\]|·•]\s)\s*(?:" + "|".join(map(regex.escape, links))
                             + r")[ \t\u00a0\u202f]+([»›])[ \t]*$", regex.IGNORECASE | regex.MULTILINE) if links else None
        return QuoteVocabulary(pairs, preferred, inner, suffixed, more)

    def scans(self, doc: Document, vocab: QuoteVocabulary) -> list[tuple[Paragraph, QuoteScan]]:
        """Scan every paragraph once per document (shared by the quote rules)."""
        cached = doc.facts.get("_quote_scans")
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        pairs = tuple(vocab.for_language(doc.language))
        if "„" in doc.text and all(o != "„" for o, _ in pairs):
            pairs += _LOW_NINE
        closers_of, _, marks, closed_by_apostrophe, _ = _pair_tables(pairs)
        arrows = _arrows(vocab.preferred.get(doc.language))
        text = doc.text
        if not any(o in text for o in closed_by_apostrophe):
            # a ’ only ever closes an open ‘: without one in the document, every ’ is an apostrophe
            marks = marks.replace(_APOSTROPHE, "")
        marks_at = _mark_positions(text, marks)
        if marks_at and not text.isascii():
            marks_at = [k for k in marks_at if not _in_mojibake(text, k)]
        code = (code_lines(doc) | _assignment_blocks(doc)) if marks_at else frozenset()
        if code:  # a program's string literals are no quotations (`Checker(lang="uk")`)
            marks_at = [k for k in marks_at if doc.position(k)[0] - 1 not in code]
        if marks_at and "`" in text:  # nor those of Markdown inline code (`print(" hello ")`)
            spans = [m.span() for m in _INLINE_CODE.finditer(text)]
            if spans:
                marks_at = [k for k in marks_at if not in_spans(spans, k)]
        if marks_at and ('  "' in text or '\t"' in text or '| "' in text or '|"' in text):
            marks_at = [k for k in marks_at if not _ditto(text, k)]
        # fewer than six marks of code in the whole document: no paragraph of it is code
        maybe_code = sum(map(text.count, _CODE_MARKS)) >= 6

        def positions(para: Paragraph) -> list[int]:
            """Offsets in ``para`` of the marks to visit."""
            j = bisect_left(marks_at, para.start)
            k = bisect_left(marks_at, para.end, j)
            return [p - para.start for p in marks_at[j:k]] if para.start else marks_at[j:k]

        out = []
        paras = _blockquote_split(doc.paragraphs) if ">" in text else doc.paragraphs
        # without blank lines, every line is a paragraph: a quotation may simply run on
        # to the next line (wrapped text), which then closes it without reopening
        line_mode = all(b.start_line == a.end_line + 1 for a, b in zip(paras, paras[1:]))
        continued: str | None = None
        wrapped = False
        j, n_marks = 0, len(marks_at)  # marks_at[j:k]: the marks of the paragraph
        for i, para in enumerate(paras):
            while j < n_marks and marks_at[j] < para.start:
                j += 1
            k = j
            while k < n_marks and marks_at[k] < para.end:
                k += 1
            if k == j and continued is None:
                # no mark, no quotation running in: nothing opens, closes or runs on
                out.append((para, _NO_MARKS))
                continue
            at = [p - para.start for p in marks_at[j:k]]
            j = k
            if maybe_code and _code_like(para.text):
                # a snippet of program code or markup (a tutorial's): its quotes are string
                # literals and attribute values, not quotations
                out.append((para, _NO_MARKS))
                continued, wrapped = None, False
                continue
            scan = scan_paragraph(para.text, pairs, continued, wrapped, at, arrows)
            if (scan.stray or scan.unclosed) and vocab.more is not None:
                # `… mardi soir. Lire la suite »`: the arrow of a link ending the line, no quote
                # (it opens in German and Danish, where `»…«` quotes)
                scan.stray = [(k, ch) for k, ch in scan.stray if not _read_more(para.text, k, vocab.more)]
                scan.unclosed = [(k, ch) for k, ch in scan.unclosed if k < 0 or not _read_more(para.text, k, vocab.more)]
            nxt = _first_visible(paras[i + 1].text) if i + 1 < len(paras) else ""
            continued, wrapped = None, False
            # a quotation running over paragraphs reopens at the next paragraph's start:
            # « (or the old French », or a dialogue dash inside guillemets), “, "
            if nxt and scan.unclosed_straight and nxt == '"' and not scan.unclosed:
                scan.unclosed_straight = scan.unclosed_straight[:-1]
                continued = '"'
            elif nxt and scan.unclosed and not scan.unclosed_straight:
                pos, o = scan.unclosed[-1]
                if nxt == o or nxt in closers_of.get(o, ()) or (nxt in _DASHES and o in "«»‹›„“"):
                    scan.unclosed = scan.unclosed[:-1]
                    continued = o
            if continued is None and nxt and line_mode and bool(scan.unclosed) != bool(scan.unclosed_straight):
                o = scan.unclosed[-1][1] if scan.unclosed else '"'
                trial = scan_paragraph(paras[i + 1].text, pairs, o, True, positions(paras[i + 1]), arrows)
                if any(p[0] == -1 for p in trial.pairs):
                    if scan.unclosed:
                        scan.unclosed = scan.unclosed[:-1]
                    else:
                        scan.unclosed_straight = scan.unclosed_straight[:-1]
                    continued, wrapped = o, True
            out.append((para, scan))
        doc.facts["_quote_scans"] = out
        return out


_INLINE_CODE = compile_regex(INLINE_CODE)
#: a line assigning a value (`csv_line = name + " ; " + value`): code in an indented block
_ASSIGNMENT = compile_regex(r"^[\p{L}_][\w.\[\]\"']*\s*[-+*/%|&]?=(?!=)\s*\S")


def _assignment_blocks(doc: Document) -> frozenset[int]:
    """0-based lines of the runs of indented lines (four spaces or a tab) that follow a blank
    line, half of which assign a value: Markdown code blocks ``code_lines`` does not read as code."""
    lines = doc.lines
    out: set[int] = set()
    run: list[int] = []
    for i, line in enumerate([*lines, ""]):
        if line.startswith(("    ", "\t")) and line.strip() and (run or i == 0 or not lines[i - 1].strip()):
            run.append(i)
            continue
        if run and 2 * sum(1 for k in run if _ASSIGNMENT.match(lines[k].strip())) >= len(run):
            out.update(run)
        run = []
    return frozenset(out)


def _ditto(s: str, k: int) -> bool:
    """Whether the mark at ``k`` stands alone in a table column, two blanks or a tab on each
    side (`Eraser          "     $0.25`), or alone in a cell between bars (`| "        |`):
    a ditto mark, no quote."""
    if s[k] != '"':
        return False
    before, after = s[max(0, k - 2) : k], s[k + 1 : k + 3]
    if (before == "  " or before[-1:] == "\t") and (after == "  " or after[:1] == "\t"):
        return True
    a, z = k - 1, k + 1
    while a >= 0 and s[a] in " \t":
        a -= 1
    while z < len(s) and s[z] in " \t":
        z += 1
    return a >= 0 and z < len(s) and s[a] in "|\u2502" and s[z] in "|\u2502"


#: what program code and markup are made of, and prose seldom holds
_CODE_MARKS = "{};=<>"


def _code_like(s: str) -> bool:
    """A paragraph of code or markup: six or more of { } ; = < >, one in 30 characters or more
    (`if (!target) { throw new Error("missing"); }`, `<link rel="stylesheet" href="a.css">`)."""
    n = sum(map(s.count, _CODE_MARKS))
    return n >= 6 and n * 30 >= len(s)


def _first_visible(s: str) -> str:
    """``s.lstrip()[:1]`` without copying ``s``, past the `>` of a Markdown blockquote."""
    head = s[:1]
    if head == ">" or (head.isspace() and s.lstrip()[:1] == ">"):
        return s.lstrip(" \t\r\n>")[:1]
    return s.lstrip()[:1] if head.isspace() else head


#: a blank line of a Markdown blockquote (`>`, `> >`): it ends a paragraph of the quoted text
_BLOCKQUOTE_BLANK = compile_regex(r"^[ \t]*>(?:[ \t]*>)*[ \t]*$", regex.MULTILINE)


def _blockquote_split(paras: Sequence[Paragraph]) -> list[Paragraph]:
    """The paragraphs, those of a Markdown blockquote split at its blank lines (`>`), so a
    quotation over its paragraphs reopens at each one as it does without `> `."""
    out: list[Paragraph] = []
    for para in paras:
        s = para.text
        cuts = [m.span() for m in _BLOCKQUOTE_BLANK.finditer(s)] if ">" in s else []
        if not cuts:
            out.append(replace(para, index=len(out)) if para.index != len(out) else para)
            continue
        a = 0
        for x, z in [*cuts, (len(s) + 1, len(s))]:
            end = x - 1  # before the line break that ends the part
            if s[a:end].strip():
                out.append(Paragraph(len(out), para.start_line + s.count("\n", 0, a),
                                     para.start_line + s.count("\n", 0, end), para.start + a, para.start + end,
                                     s[a:end]))
            a = z + 1
    return out


class UnbalancedQuotes(QuoteRule):
    """A quotation mark that is never closed, or closes nothing, within its paragraph.

    ## What it does
    Matches the quote pairs of the document's language (French `« »` and
    `‹ ›`, English `“ ”` and `‘ ’`, German `„ “`, `‚ ‘` and `» «`, straight
    `"`; Swedish and Finnish `”…”` and `»…»`, Danish and Hungarian `»…«`, and
    `„` in any language) paragraph by paragraph and reports, at its column, an opening mark
    never closed and a closing mark that closes nothing; an odd number of
    straight `"` always leaves one of these. A straight `"` opens or closes by
    the spaces around it. Marks that cross (`« … “ … » … ”`) are reported by
    crossed-quotes (QUO003). A quotation continued over paragraphs (each paragraph
    reopening with `«`, `»`, `“` or `"`, or a dialogue dash inside guillemets) is
    not reported. Apostrophes (`l’Ukraine`, `aujourd'hui`, `rock 'n' roll`,
    `James' book`), inch marks (`5' 10"`), the gershayim of a Hebrew acronym
    typed as `"` (`ש"ח`, `צה"ל`) and guillemets used as arrows in page
    furniture (`Lire la suite »`; in a language that does not quote with the
    mark, any short line it starts or ends: `View all newsletters »`) are not
    quotes. A `’` between two Chinese or Japanese characters closes a quotation
    (`国家‘十三五’规划`): those scripts have no apostrophe. A paragraph of program
    code or markup (six or more of `{ } ; = < >`, one in 30 characters or more)
    holds string literals and attribute values, not quotations: no quote rule
    reads it.

    ## Why it matters
    An unbalanced quote attributes words to the wrong speaker and breaks any
    tool that segments quotations; it usually means text was cut or glued by
    the scraper.

    ## Example
    ```text
    seeds/001.txt:14:348: QUO001 [unbalanced-quotes] closing " has no opening quote in this paragraph
    ```

    ## Fix
    Restore the missing mark or delete the stray one. No automatic fix: where
    the quotation ends is a matter of meaning.
    """

    code = "QUO001"
    name = "unbalanced-quotes"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        for para, scan in self.scans(doc, ctx.vocabulary):
            if not (scan.unclosed or scan.unclosed_straight or scan.stray or scan.stray_straight):
                continue
            b = para.start
            found = []
            for pos, ch in scan.unclosed:
                if pos < 0:
                    found.append((0, f"quotation continued from the previous paragraph ({ch}) is never closed"))
                else:
                    found.append((pos, f"opening {ch} is never closed in this paragraph"))
            for pos in scan.unclosed_straight:
                if pos < 0:
                    found.append((0, 'quotation continued from the previous paragraph (") is never closed'))
                else:
                    found.append((pos, 'opening " is never closed in this paragraph'))
            for pos, ch in scan.stray:
                found.append((pos, f"closing {ch} has no opening quote in this paragraph"))
            for pos in scan.stray_straight:
                found.append((pos, 'closing " has no opening quote in this paragraph'))
            for pos, msg in sorted(found):
                yield Violation(msg, b + pos, b + pos + 1)


class SpaceInsideQuotes(QuoteRule):
    """Spaces just inside straight quotes: `" urgence nationale "`.

    ## What it does
    In paragraphs whose quotes balance, reports a pair of straight double
    quotes with a space after the opening mark and before the closing one:
    French guillemet spacing copied onto straight quotes, or quotes converted
    from `« … »` by a careless tool.

    ## Why it matters
    The quoted text does not attach to its marks, so quote matching, tokenizers
    and readers see two stray marks instead of a quotation.

    ## Example
    ```text
    seeds/001.txt:8:98: QUO002 [space-inside-quotes] spaces inside the quotes of '" partenaire technique de confiance "'
    ```

    ## Fix
    `--fix` removes the inner spaces (safe). Consider converting to the
    language's own marks (`« partenaire technique de confiance »`).
    """

    code = "QUO002"
    name = "space-inside-quotes"
    fixable = True
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        for para, scan in self.scans(doc, ctx.vocabulary):
            if not scan.straight_pairs or not scan.balanced:
                continue
            s = para.text
            for a, z in scan.straight_pairs:
                if a < 0 or z - a < 3 or not (s[a + 1].isspace() and s[z - 1].isspace()):
                    continue
                inner = s[a + 1 : z]
                stripped = inner.strip()
                if not stripped:
                    continue
                lead = len(inner) - len(inner.lstrip())
                trail = len(inner) - len(inner.rstrip())
                b = para.start
                shown = " ".join(s[a : z + 1].split())
                yield Violation(
                    f"spaces inside the quotes of '{shown}'",
                    b + a,
                    b + z + 1,
                    Fix(
                        "Remove the spaces inside the quotes",
                        (Edit(b + a + 1, b + a + 1 + lead, ""), Edit(b + z - trail, b + z, "")),
                    ),
                )


class CrossedQuotes(QuoteRule):
    """Quotations that cross instead of nesting: `« il faut “ partir » maintenant ”`.

    ## What it does
    Reports an inner quotation still open when the quotation around it closes:
    the marks balance in number but not in order. Nested quotations (`« … “ …
    ” … »`) are fine.

    ## Why it matters
    Crossed marks make the extent of each quotation undecidable; they come from
    text spliced in the middle of a quotation or from a closing mark of the
    wrong kind.

    ## Example
    ```text
    a.txt:1:20: QUO003 [crossed-quotes] “ opened here is still open when » closes the quotation around it
    ```

    ## Fix
    Close the inner quotation before the outer one, or use the right closing
    mark. No automatic fix.
    """

    code = "QUO003"
    name = "crossed-quotes"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        for para, scan in self.scans(doc, ctx.vocabulary):
            for pos, ch, _kpos, closer in scan.crossed:
                if pos < 0:
                    continue
                yield Violation(f"{ch} opened here is still open when {closer} closes the quotation around it",
                                para.start + pos, para.start + pos + 1)


class MisattachedQuote(QuoteRule):
    """A quote mark glued to the word on its wrong side: `d'" urgence`, `word"word`, `dit“oui”`.

    ## What it does
    Reports a quote mark attached to a word on the side where it does not
    belong:

    - an opening straight quote after an elision (`d'`, `l’`, `qu'`) but
      separated by a space from the words it quotes: `d'" urgence nationale "`;
    - a straight `"` between two letters (`le"projet"`), which could open or
      close;
    - an opening mark glued to the word before it (`il a dit“oui”`,
      `sagte„Nein“`) or a closing mark glued to the word after it
      (`“oui”dit-il`), for marks that only open or only close in the
      document's language. Chinese, Japanese and Thai, written without
      spaces between words, and Korean, whose particles attach to a
      quotation (`“안녕”이라고`), are left alone: `在其“和平号”空间站上`;
      so are closing marks in languages whose quote pack says they glue
      their case suffixes to one (`suffixes = true`: Turkish
      `“Keşanlı Ali Destanı”ndaki`).

    Apostrophes and `‘ ’` are left alone; a pair spaced on both inner sides in a
    paragraph whose quotes balance is space-inside-quotes (QUO002), and
    `« word »` spacing is the business of missing-no-break-space (QUO006).

    ## Why it matters
    Which words a quotation holds is read from the side each mark is attached
    to; a mark on the wrong side flips opening and closing for any tool that
    matches quotes, and usually shows a space lost or moved by the scraper.

    ## Example
    ```text
    seeds/001.txt:6:263: QUO004 [misattached-quote] opening " after d' is separated from the words it quotes by a space
    ```

    ## Fix
    `--fix` removes the space after an opening quote that follows an elision,
    and inserts the missing space outside a glued typographic mark (both
    safe). After a closing mark glued to a lowercase run of letters alone,
    which may be a case suffix (`“Marmaray”ın` in a text too short to be
    guessed Turkish), the space is an unsafe fix. A straight quote between
    two letters is not fixed: which side takes the space is a matter of meaning.
    """

    code = "QUO004"
    name = "misattached-quote"
    fixable = True
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        pairs = ctx.vocabulary.for_language(doc.language)
        openers = {o for o, _ in pairs}
        closers = {c for _, c in pairs}
        only_open = openers - closers - {"‘", "’", "‚"}
        only_close = closers - openers - {"‘", "’", "‚"}
        if doc.language in _WITHOUT_SPACES:
            # Chinese and Japanese put no space around a quotation, not even next to a Latin
            # word (`Activision《使命召唤9》`): only straight quotes between letters are checked
            only_open = only_close = set()
        suffixed = doc.language in ctx.vocabulary.suffixed
        if suffixed:
            only_close = set()
        for para, scan in self.scans(doc, ctx.vocabulary):
            if not scan.roles:
                continue
            s, b = para.text, para.start
            n = len(s)
            # spaces inside both marks of a pair in a balanced paragraph: space-inside-quotes
            spaced = {a for a, z in scan.straight_pairs if scan.balanced and a >= 0 and s[z - 1].isspace()}
            for k, role in sorted(scan.roles.items()):
                ch = s[k]
                prev = s[k - 1] if k else ""
                nxt = s[k + 1] if k + 1 < n else ""
                if ch == '"':
                    if _latin_letter(prev) and _latin_letter(nxt) and not (suffixed and role == "close" and nxt.islower()):
                        yield Violation('straight " between two letters: a space is missing on one side', b + k, b + k + 1)
                    elif (role == "open" and prev in ("'", "’") and _ELISION.search(s, max(0, k - 12), k)
                          and nxt.isspace() and nxt not in _NBSP and k not in spaced):
                        j = k + 1
                        while j < n and s[j].isspace() and s[j] != "\n":
                            j += 1
                        if j < n and s[j].isalnum():
                            yield Violation(
                                f"opening \" after {s[k - 2]}{prev} is separated from the words it quotes by a space",
                                b + k, b + k + 1, Fix("Remove the space after the opening quote", (Edit(b + k + 1, b + j, ""),)))
                elif role == "open" and ch in only_open and prev.isalnum() and not _UNSPACED.match(prev):
                    yield Violation(f"opening {ch} is glued to the word before it", b + k, b + k + 1,
                                    Fix(f"Insert a space before {ch}", (Edit(b + k, b + k, " "),)))
                elif role == "close" and ch in only_close and nxt.isalpha() and not _UNSPACED.match(nxt):
                    # a short lowercase run of letters may be a case suffix glued to the mark
                    # (Turkish `“Marmaray”ın`, `Destanı”ndaki` in a text not guessed Turkish): unsafe
                    safe = _GLUED_SUFFIX.match(s, k + 1) is None
                    yield Violation(f"closing {ch} is glued to the word after it", b + k, b + k + 1,
                                    Fix(f"Insert a space after {ch}", (Edit(b + k + 1, b + k + 1, " "),), safe=safe))


#: a lowercase word of letters alone, up to 12 (Turkish and Azerbaijani case suffixes: `ın`, `nun`,
#: `ndaki`, `ndakilerden`), not a compound's first part (`»ajoute-t-elle`)
_GLUED_SUFFIX = compile_regex(r"\p{Ll}{1,12}(?![\p{L}\p{M}\p{N}_'’-])")

#: languages written without spaces between words, nor around quotation marks
_WITHOUT_SPACES = frozenset(["zh", "ja", "th", "lo", "km", "my"])


def _latin_letter(c: str) -> bool:
    return c.isalpha() and c <= "\u024f"


class MixedQuoteStyles(QuoteRule):
    """One document quotes in two styles: `« … »` in one place, `" … "` or `“ … ”` in another.

    ## What it does
    Counts the outermost quotations of the document by style (guillemets
    `« » ‹ ›`, English `“ ” ‘ ’`, German low `„ “ ‚ ‘`, straight `"`) and reports
    the first quotation of a minority style when there are two or more. Nested
    quotations (`« … "…" … »`) do not count: the inner style is meant to differ.

    ## Why it matters
    Mixed styles usually mean text assembled from several sources or a partial
    conversion; quote-aware tools and style-sensitive training data suffer.

    ## Example
    ```text
    a.txt:5:12: QUO005 [mixed-quote-styles] quotation in " " style in a document quoted mostly in « » style (4 « », 1 " ")
    ```

    ## Fix
    Convert the minority quotations to the document's style (see
    straight-quotes, QUO007, for straight quotes). No automatic fix.
    """

    code = "QUO005"
    name = "mixed-quote-styles"
    severity = Severity.INFO

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        counts: Counter[str] = Counter()
        first: dict[str, int] = {}
        arrows = _arrows(ctx.vocabulary.preferred.get(doc.language))
        inner = {o for o, _ in ctx.vocabulary.inner.get(doc.language, ())}
        labels: dict[str, Counter[str]] = {}
        for para, scan in self.scans(doc, ctx.vocabulary):
            if not scan.pairs:
                continue
            crossed = {c[0] for c in scan.crossed}
            for a, z, o, depth in scan.pairs:
                if depth or a < 0 or a in crossed or o in inner:
                    continue
                if o in arrows and _nav_line_pair(para.text, a, z):
                    continue  # `« Previous | Next »`: page furniture, not a quotation
                fam = _FAMILY.get(o)
                if fam is None:
                    continue
                counts[fam] += 1
                first.setdefault(fam, para.start + a)
                labels.setdefault(fam, Counter())[f"{o} {para.text[z]}"] += 1  # as written: `„ ”` in Polish
        if len(counts) < 2:
            return
        label = {f: c.most_common(1)[0][0] for f, c in labels.items()}  # each style's commonest pair
        ranked = sorted(counts, key=lambda f: (-counts[f], first[f]))
        main = ranked[0]
        minority = min(ranked[1:], key=lambda f: first[f])
        detail = ", ".join(f"{counts[f]} {label[f]}" for f in ranked)
        pos = first[minority]
        yield Violation(f"quotation in {label[minority]} style in a document quoted mostly in {label[main]} style ({detail})",
                        pos, pos + 1)


_FR_HIGH = frozenset(";!?")
_FR_PUNCT = compile_regex(r"[;:!?]")


class MissingNoBreakSpace(QuoteRule):
    """French typography: no no-break space inside `« »` or before `: ; ! ?`.

    ## What it does
    In French documents only, reports a guillemet `«` not followed, or `»` not
    preceded, by a no-break space (U+00A0 or the narrow U+202F), and `: ; ! ?`
    not preceded by one (a plain space, or none: `Attention!`). Times
    (`14:41`), URLs, `?!` runs and emoji shortcodes (`:roll_eyes:`) are left
    alone. Off by default: many French corpora are typed without them.

    ## Why it matters
    A plain space lets a line break strand the mark at the start of a line
    (`»` alone on a line); a missing space is a house-style defect for
    publishing and for models meant to write French typography.

    ## Example
    ```text
    a.txt:1:18: QUO006 [missing-no-break-space] no no-break space before '!' (French typography)
    ```

    ## Fix
    `--fix` replaces the plain space with a no-break space, or inserts one
    (safe): the narrow U+202F (`space = "narrow"`, the default) or U+00A0
    (`space = "regular"`) before `; ! ?` and inside guillemets, U+00A0 before
    `:`.
    """

    code = "QUO006"
    name = "missing-no-break-space"
    fixable = True
    severity = Severity.INFO
    enabled_by_default = False
    options = (
        Option("space", str, "narrow", "No-break space inserted before ; ! ? and inside « »: narrow (U+202F) "
               "or regular (U+00A0).", choices=("narrow", "regular")),
    )

    _SHORTCODE = compile_regex(r":[a-z0-9_+-]+:", regex.IGNORECASE)

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        if doc.language != "fr":
            return
        thin = "\u202f" if ctx.options["space"] == "narrow" else "\u00a0"
        text = doc.text

        def skipped(k: int) -> bool:
            # inside a URL, an e-mail address or an emoji shortcode (:roll_eyes:)
            a = k
            while a > 0 and not text[a - 1].isspace():
                a -= 1
            z = k
            while z < len(text) and not text[z].isspace():
                z += 1
            token = text[a:z]
            return "://" in token or "www." in token or "@" in token or bool(self._SHORTCODE.search(token))

        for para, scan in self.scans(doc, ctx.vocabulary):
            s, b = para.text, para.start
            for k, role in scan.roles.items():
                ch = s[k]
                if ch == "«" and role == "open" and k + 1 < len(s) and s[k + 1] not in _NBSP and s[k + 1] != "\n":
                    yield self._finding(b, k + 1, s, "after «", thin, forward=True)
                elif ch == "»" and role == "close" and k > 0 and s[k - 1] not in _NBSP and s[k - 1] != "\n":
                    more = ctx.vocabulary.more
                    if (more is not None and _read_more(s, k, more)) or s.find("«", 0, k) < 0:
                        continue  # a page's arrow (`Lire la suite »`, `Accueil » Actualités`), no quotation mark
                    yield self._finding(b, k, s, "before »", thin, forward=False)
            for mk in _FR_PUNCT.finditer(s):
                k, ch = mk.start(), mk.group()
                if k == 0 or skipped(b + k):
                    continue
                prev = s[k - 1]
                if prev in _NBSP or prev == "\n" or prev in _FR_HIGH or prev in ".…:(":
                    continue
                nxt = s[k + 1] if k + 1 < len(s) else ""
                if ch == ":" and prev.isdigit() and nxt.isdigit():
                    continue  # 14:41, 3:1
                if ch in ";:" and nxt in ")(-pPdD/" and not nxt.isspace():
                    continue  # ;) :-) :D
                if prev.isspace() and k >= 2 and s[k - 2].isspace():
                    continue
                yield self._finding(b, k, s, f"before '{ch}'", "\u00a0" if ch == ":" else thin, forward=False)

    @staticmethod
    def _finding(b: int, k: int, s: str, where: str, space: str, forward: bool) -> Violation:
        # k: where the space belongs (after « it is k; before a mark it is k, the mark's offset)
        if forward:
            mark = k - 1
            if s[k] == " ":
                edit = Edit(b + k, b + k + 1, space)
            else:
                edit = Edit(b + k, b + k, space)
        else:
            mark = k
            if s[k - 1] == " ":
                edit = Edit(b + k - 1, b + k, space)
            else:
                edit = Edit(b + k, b + k, space)
        name = "narrow no-break space" if space == "\u202f" else "no-break space"
        return Violation(f"no no-break space {where} (French typography)", b + mark, b + mark + 1,
                         Fix(f"Use a {name}", (edit,)))


class StraightQuotes(QuoteRule):
    """Straight quotes `"…"` in a language whose typography uses curly quotes or guillemets.

    ## What it does
    In documents of a language with a `preferred` pair in its quote pack
    (French, English, German, Spanish, Italian, Russian), reports each pair of
    straight double quotes in a paragraph whose quotes balance. Off by default.

    ## Why it matters
    Straight quotes are a typewriter fallback: they do not say which side
    opens, so quote matching has to guess from spacing, and text meant to be
    published or to teach a model typography should use the language's marks.

    ## Example
    ```text
    a.txt:1:42: QUO007 [straight-quotes] straight quotes in a French document: "informations mensongères" (use “ ”)
    ```

    ## Fix
    `--fix` (safe) converts the pair to the language's marks: the outer pair
    for a top-level quotation, the inner one inside another quotation. French
    guillemets get the no-break space the document already uses inside its
    guillemets (U+00A0 when it has none).
    """

    code = "QUO007"
    name = "straight-quotes"
    fixable = True
    severity = Severity.INFO
    enabled_by_default = False

    _NAMES: ClassVar[Mapping[str, str]] = {"fr": "French", "en": "English", "de": "German", "es": "Spanish",
                                           "it": "Italian", "ru": "Russian"}

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        lang = doc.language
        preferred = ctx.vocabulary.preferred.get(lang)
        if not preferred:
            return
        scans = self.scans(doc, ctx.vocabulary)
        space = _guillemet_space(doc.text)
        for para, scan in scans:
            if not scan.balanced:
                continue
            s, b = para.text, para.start
            for a, z, o, depth in scan.pairs:
                if o != '"' or a < 0:
                    continue
                op, cl = preferred[min(depth, len(preferred) - 1)]
                inner = s[a + 1 : z]
                lead = len(inner) - len(inner.lstrip())
                # blank quotes ('" "'): the opening edit takes the blank, the two edits must not overlap
                trail = len(inner) - len(inner.rstrip()) if lead < len(inner) else 0
                pad = space if op == "«" and lang == "fr" else ""
                shown = " ".join(s[a : z + 1].split())
                if len(shown) > 60:
                    shown = shown[:28] + " … " + shown[-28:]
                yield Violation(
                    f"straight quotes in a {self._NAMES.get(lang, lang)} document: {shown} (use {op} {cl})",
                    b + a, b + z + 1,
                    Fix(f"Use {op} {cl}", (Edit(b + a, b + a + 1 + lead, op + pad), Edit(b + z - trail, b + z + 1, pad + cl))),
                )


def _guillemet_space(text: str) -> str:
    """The space a document puts inside its guillemets: U+202F, U+00A0 (default) or none."""
    after = Counter(text[i + 1] if i + 1 < len(text) else "" for i in _find_all(text, "«"))
    if not after:
        return "\u00a0"
    c, _ = after.most_common(1)[0]
    if c in _NBSP:
        return c
    if c == " ":
        return "\u00a0"
    return ""


def _find_all(text: str, ch: str) -> Iterator[int]:
    i = text.find(ch)
    while i != -1:
        yield i
        i = text.find(ch, i + 1)


_APOS = compile_regex(r"(?<=\p{L})['’](?=\p{L})")


class InconsistentApostrophes(QuoteRule):
    """A document writes its apostrophes both ways: `l'été` and `l’hiver`.

    ## What it does
    Counts apostrophes between two letters, straight `'` and typographic `’`,
    and when both occur reports the first apostrophe of the minority style
    (ties go to `’`). Quote marks are not counted. Off by default.

    ## Why it matters
    Mixed apostrophes split one word into two vocabulary entries
    (`aujourd'hui` and `aujourd’hui`) for tokenizers, deduplication and search,
    and show text pasted together from several sources.

    ## Example
    ```text
    a.txt:3:7: QUO008 [inconsistent-apostrophes] apostrophe ' in a document that mostly uses ’ (14 ’, 3 ')
    ```

    ## Fix
    `--fix` rewrites every minority apostrophe in the majority style (safe).
    """

    code = "QUO008"
    name = "inconsistent-apostrophes"
    fixable = True
    severity = Severity.INFO
    enabled_by_default = False

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        found: dict[str, list[int]] = {"'": [], "’": []}
        for m in _APOS.finditer(doc.text):
            found[m.group(0)].append(m.start())
        if not found["'"] or not found["’"]:
            return
        major = "'" if len(found["'"]) > len(found["’"]) else "’"
        minor = "’" if major == "'" else "'"
        where = found[minor]
        edits = tuple(Edit(k, k + 1, major) for k in where)
        yield Violation(
            f"apostrophe {minor} in a document that mostly uses {major} ({len(found[major])} {major}, {len(where)} {minor})",
            where[0], where[0] + 1,
            Fix(f"Write every apostrophe as {major}", edits),
        )


@hookimpl
def corpuslint_rules() -> list[Rule]:
    return [UnbalancedQuotes(), SpaceInsideQuotes(), CrossedQuotes(), MisattachedQuote(), MixedQuoteStyles(),
            MissingNoBreakSpace(), StraightQuotes(), InconsistentApostrophes()]
