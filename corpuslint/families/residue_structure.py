"""Structural residue detection: page furniture found by its shape, in any language.

Issue #5: phrase lists fail first on sites and languages nobody listed. This
module scores every line of a document from weak, language-independent cues
(length, sentence punctuation, share of function words, capitalization, digits,
separators such as ``|`` and ``›``, repetition, links), finds the article's
core (the densest run of prose), and decides each line from its own score, its
neighbours and its position relative to that core. Consecutive residue lines
become one block. A comment section (a marker such as ``Commentaires (10)``
followed by user names, timestamps and replies) is found separately and
reported as one block.

The analysis is computed once per document and shared by the rules that report
its parts: RES008 (the block after the article), RES009 (blocks before and
inside it) and RES010 (the comment section). The phrase rules' whole-line
matches (RES001, RES003-RES006) and RES002's foreign-script lines are strong
features of the scorer when those rules are active.
"""

from __future__ import annotations

import inspect
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import accumulate
from typing import Any, ClassVar, NamedTuple

import regex

from corpuslint.kinds import BAR_CELLS, CODE_LINE, LANGUAGE_NAMES, code_lines, normalize_line, normalized_lines
from corpuslint.model import Document, Edit, Fix, Severity, Violation
from corpuslint.packs import Pack, PackError
from corpuslint.patterns import compile_regex
from corpuslint.rule import Option, Rule, RuleContext

__all__ = [
    "Analysis",
    "CommentSection",
    "ForeignLanguageLine",
    "LineScore",
    "LineSource",
    "ResidueBlock",
    "StructureVocabulary",
    "TrailingResidue",
    "analyze",
    "compile_structure_packs",
]

#: packs with ``extends = "residue-structure"`` go to RES008, RES009 and RES010
PACK_GROUP = "residue-structure"
PACK_SCHEMA: Mapping[str, type | tuple[type, ...]] = {
    "function-words": list,
    "comment-markers": list,
    "comment-cues": list,
    "byline-prefixes": list,
    "valedictions": list,
}

# -- vocabulary -------------------------------------------------------------------


@dataclass
class StructureVocabulary:
    """What the packs teach the scorer: function words, comment markers and cues, byline prefixes."""

    function_words: dict[str, frozenset[str]] = field(default_factory=dict)  # language -> words
    all_function_words: frozenset[str] = frozenset()
    comment_marker_re: Any = None
    comment_cue_re: Any = None
    byline_re: Any = None
    #: the normalized byline prefixes: a line that starts with none of them is no byline
    byline_starts: tuple[str, ...] = ()
    #: the normalized closing formulas of a letter (``regards``, ``mit freundlichen grüßen``)
    valedictions: frozenset[str] = frozenset()
    key: tuple[str, ...] = ()
    #: language -> its function words that no other pack lists (RES011)
    own_words: dict[str, frozenset[str]] = field(default_factory=dict)
    #: first characters of a line -> whether a comment marker can start with them (filled on use)
    marker_heads: dict[str, bool] = field(default_factory=dict)
    #: normalized line -> ``_byline`` of it (filled on use)
    bylines: dict[str, tuple[int, str]] = field(default_factory=dict)
    #: language -> the comment markers and cues of its packs (with where each comes from)
    comment_items: dict[str, tuple[list[tuple[str, str | None]], list[tuple[str, str | None]]]] = field(default_factory=dict)
    #: language -> this vocabulary with the comment regexes of that language (filled on use)
    by_language: dict[str, StructureVocabulary] = field(default_factory=dict)

    def comments_for(self, lang: str) -> StructureVocabulary:
        """This vocabulary with comment markers and cues of ``lang``, English and the packs of
        any language only; of every pack when ``lang`` has none. One alternation of the
        markers and cues of 40 languages cost RES008 20% on every page that has a comment
        marker (each alternative is tried in turn, and some open with `.{1,40}`)."""
        hit = self.by_language.get(lang)
        if hit is not None:
            return hit
        if lang not in self.comment_items:
            hit = self
        else:
            langs = (lang, "en", "*")
            markers = [x for k in langs for x in self.comment_items.get(k, ([], []))[0]]
            cues = [x for k in langs for x in self.comment_items.get(k, ([], []))[1]]
            hit = replace(
                self,
                comment_marker_re=_compile_alternation([p for p, _ in markers], "comment-markers", [w for _, w in markers]),
                comment_cue_re=_compile_alternation([p for p, _ in cues], "comment-cues", [w for _, w in cues]),
                marker_heads={},
                by_language={},
            )
        self.by_language[lang] = hit
        return hit

    def is_comment_marker(self, text: str) -> bool:
        """``comment_marker_re`` matches ``text``; most lines are ruled out by their first
        characters, through a partial match of those, remembered (issue #5: residue checks
        must stay cheap)."""
        head = text[:_MARKER_HEAD]
        possible = self.marker_heads.get(head)
        if possible is None:
            if len(self.marker_heads) >= _MEMO_MAX:
                self.marker_heads.clear()
            possible = self.marker_heads[head] = self.comment_marker_re.match(head, partial=True) is not None
        return possible and self.comment_marker_re.match(text) is not None


#: characters of a line whose partial match decides whether it can be a comment marker
_MARKER_HEAD = 3
#: entries of a memo of line heads before it is emptied
_MEMO_MAX = 20_000


_VOCAB_CACHE: dict[tuple[str, ...], StructureVocabulary] = {}


def _compile_alternation(items: Sequence[str], what: str, paths: Sequence[str | None]) -> Any:
    """One regex matching a whole line that is any of ``items`` (surrounding spaces allowed).

    Each item of a user's pack is compiled alone first, for an error that names it; the
    built-in packs' items (``paths`` None) are checked by the test suite instead: some 200
    compilations less before the first document of every run.
    """
    if not items:
        return None
    for pat, where in zip(items, paths):
        if where is None:
            continue
        try:
            compile_regex(pat)
        except regex.error as e:
            raise PackError(f"{where}: key '{what}': bad regex {pat!r}: {e}") from None
    body = "|".join(f"(?:{p})" for p in items)
    return compile_regex(rf"^\s*(?:{body})\s*$", regex.IGNORECASE | regex.VERSION0)


def compile_structure_packs(packs: Sequence[Pack]) -> StructureVocabulary:
    """Merge the ``residue-structure`` packs; compiled once per set of packs."""
    key = tuple(str(p.path) for p in packs)
    hit = _VOCAB_CACHE.get(key)
    if hit is not None:
        return hit
    words: dict[str, dict[str, None]] = {}  # language -> words, in the packs' order
    markers: list[str] = []
    marker_where: list[str | None] = []
    cues: list[str] = []
    cue_where: list[str | None] = []
    bylines: list[str] = []
    valedictions: set[str] = set()
    comment_items: dict[str, tuple[list[tuple[str, str | None]], list[tuple[str, str | None]]]] = {}
    for pack in packs:
        lang = pack.language
        for w in pack.get("function-words", []):
            words.setdefault(lang, {})[str(w).casefold()] = None
        where = None if pack.builtin else str(pack.path)
        items = comment_items.setdefault(lang, ([], []))
        for p in pack.get("comment-markers", []):
            markers.append(str(p))
            marker_where.append(where)
            items[0].append((str(p), where))
        for p in pack.get("comment-cues", []):
            cues.append(str(p))
            cue_where.append(where)
            items[1].append((str(p), where))
        for p in pack.get("byline-prefixes", []):
            bylines.append(normalize_line(str(p)))
        valedictions.update(filter(None, map(normalize_line, map(str, pack.get("valedictions", [])))))
    fw = {k: frozenset(v) for k, v in words.items()}
    # for RES011: the words only one language uses, where words are written between spaces
    own = {
        k: frozenset(w for w in v if w.isalpha() and not any(w in o for x, o in fw.items() if x != k))
        for k, v in words.items()
        if sum(len(w) > 1 for w in v) > len(v) / 2
    }
    vocab = StructureVocabulary(
        function_words=fw,
        all_function_words=frozenset().union(*fw.values()) if fw else frozenset(),
        comment_marker_re=_compile_alternation(markers, "comment-markers", marker_where),
        comment_cue_re=_compile_alternation(cues, "comment-cues", cue_where),
        byline_re=compile_regex(
            r"^(?:" + "|".join(sorted(map(regex.escape, bylines), key=len, reverse=True)) + r")\b"
        ) if bylines else None,
        byline_starts=tuple(bylines),
        valedictions=frozenset(valedictions),
        key=key,
        own_words=own,
        comment_items={k: v for k, v in comment_items.items() if v[0] or v[1]},
    )
    _VOCAB_CACHE[key] = vocab
    return vocab


# -- line features ------------------------------------------------------------------

_ELLIPSIS_END = compile_regex(r"(?:…|\.\.\.)\s*$")
_SENT_INSIDE = compile_regex(r"\p{Ll}[.!?…](?:[\"”»’'\)\]]|\p{Pf})*\s+[\p{Lu}\"“«]")
_LIST_ITEM = compile_regex(r"^(?:[-–—•*·▪►✓✔+]|\(?\d{1,3}[.)°]|\(?[a-zA-Z][.)]|[ivxIVX]{1,4}[.)])\s+\S")
_DIALOGUE = compile_regex(r"^(?:[—–]\s*\S|-\s+\S|[«“\"]\s*\S.*[»”\"][.!?…]?$)")
# separators of menus, breadcrumbs and footers: a lone | › » ▪ • · ► > / between items
_SEPARATOR = compile_regex(r"(?:(?<=\s)|^)[|›▪•·►▸→⟩»>/\\](?=\s|$)|\s[|]\S|\S[|]\s|\S\s?›\s?\S")
_DASH_SEPARATOR = compile_regex(r"\s[—–]\s?|\s?[—–]\s")
_URLISH = compile_regex(r"https?://|www\.|(?<=\w)\.(?:com|org|net|fr|de|es|it|co\.uk|io|info|tv)\b|@\w{2,}")
_GLUED = compile_regex(r"\p{Ll}{2}\p{Lu}\p{Ll}{2}")
_DIGIT = compile_regex(r"\d")
# the same patterns for a line in ASCII, whose letters and digits are [A-Za-z] and [0-9]:
# the standard library's engine runs them several times faster
_ASCII_GLUED = re.compile(r"[a-z]{2}[A-Z][a-z]{2}")
_ASCII_DIGIT = re.compile(r"[0-9]")
_CJK_CHAR = compile_regex(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
_COPYRIGHT = compile_regex(r"^(?:©|\(c\)\s|copyright\b)|©", regex.IGNORECASE)
# "Tension : 18 V", "Cuisson : 30 min", "Population: 2 300": a field of the article's data
# (possessive: the label's run is not given back a character at a time to look for the colon)
_KEY_VALUE = compile_regex(r"^[\p{L}\p{N}][\p{L}\p{M}\p{N} '’\-/().]{0,30}+(?:\s?:\s+|：\s*)\S")
_NUMERIC_CELL = compile_regex(r"^[\p{Sc}+\-−–~≈<>]?\s?\d[\d\s.,:/%‰°'’\-]*(?:\s?(?:\p{Sc}|%|[a-zA-Z]{1,3}\.?))?$")
# a line that is (mostly) a date or a time: kept in the head zone (it is the dateline); a year
# may be glued to the 年 of Chinese and Japanese or the 년 of Korean (2024年4月18日)
_DATEISH = compile_regex(
    r"\b(?:1[89]\d\d|20\d\d)(?:\b|(?=[年년]))|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{1,2}[:h]\d{2}\b"
)
# function-word tokens: "l'essentiel" gives "l'" and "essentiel"; a word keeps its combining
# marks (the vowel signs of Devanagari in के, में), except in Thai and Lao, written without
# spaces between words: there a mark ends the token, which stays about a syllable long
_FW_TOKEN = compile_regex(r"\p{L}(?:\p{L}|[^\P{M}\u0e00-\u0eff])*(?:['’](?=\p{L}))?")
_ASCII_TOKEN = re.compile(r"[A-Za-z]+(?:'(?=[A-Za-z]))?")  # _FW_TOKEN in a line in ASCII
_TITLE_WORD = re.compile(r"[^\W_]{4,}")
_QUANTITY = compile_regex(r"^\d+(?:[.,/]\d+)?(?:\s?[-–]\s?\d+)?\s*\p{L}{0,6}\.?\s+\p{L}")


class _LinePatterns(NamedTuple):
    """``_FW_TOKEN``, ``_GLUED`` and ``_DIGIT``, or the same for the lines of a narrower alphabet."""

    token: Any
    glued: Any
    digit: Any


_FULL_PATTERNS = _LinePatterns(_FW_TOKEN, _GLUED, _DIGIT)
_ASCII_PATTERNS = _LinePatterns(_ASCII_TOKEN, _ASCII_GLUED, _ASCII_DIGIT)
#: Latin-1, general punctuation and currency signs (most lines of Western European languages):
#: a line of these characters only is matched by the standard library's engine, with the
#: regex module's own classes on them (several times faster than the regex module)
_NARROW_CHARS = "".join(map(chr, [*range(0x100), *range(0x2000, 0x2070), *range(0x20A0, 0x20D0)]))
_BEYOND_NARROW = re.compile("[^\x00-\xff\u2000-\u206f\u20a0-\u20cf]")


def _narrow(prop: str) -> str:
    """The characters of ``_NARROW_CHARS`` that the regex module's ``prop`` matches, as a class of ``re``."""
    return "[" + "".join(map(re.escape, compile_regex(prop).findall(_NARROW_CHARS))) + "]"


_LETTER, _LOWER, _UPPER = _narrow(r"\p{L}"), _narrow(r"\p{Ll}"), _narrow(r"\p{Lu}")
_NARROW_PATTERNS = _LinePatterns(
    re.compile(f"{_LETTER}+(?:['’](?={_LETTER}))?"),
    re.compile(f"{_LOWER}{{2}}{_UPPER}{_LOWER}{{2}}"),
    re.compile(_narrow(r"\d")),
)


def _patterns(text: str) -> _LinePatterns:
    """The patterns for ``text``: of ASCII, of ``_NARROW_CHARS`` or of any character."""
    if text.isascii():
        return _ASCII_PATTERNS
    return _FULL_PATTERNS if _BEYOND_NARROW.search(text) else _NARROW_PATTERNS


@dataclass(slots=True)
class LineScore:
    """Features and score of one non-blank line (0-based index into ``Document.lines``)."""

    index: int
    text: str
    length: int  # characters, a CJK character counting for 2.5
    words: int
    intrinsic: float  # residue-likeness from the line alone: > 0 residue, < 0 prose
    cues: list[str]  # the cues that pushed it towards residue (for messages)
    ends_sentence: bool
    list_item: bool = False
    key_value: bool = False
    numeric: bool = False
    phrase: str | None = None  # category of a phrase rule's whole-line match
    strong: bool = False  # residue on its own evidence (a phrase, separators, a credit...)
    digits: int = 0
    fwr: float = 0.0  # share of function words among the words
    norm: str = ""  # normalized text (``normalize_line``)
    repeats: int = 1  # lines of the document with the same normalized text
    score: float = 0.0  # after context
    residue: bool = False
    zone: str = ""  # "head", "core", "tail"
    protected: str = ""  # why it is never residue (title, dateline, list...)
    code: bool = False  # a line of program code (``kinds.code_lines``)


@dataclass
class Block:
    first: int  # 0-based line index
    last: int  # 0-based line index, inclusive
    zone: str  # "head", "core", "tail"
    lines: list[LineScore]

    @property
    def size(self) -> int:
        return len(self.lines)


@dataclass
class Analysis:
    """The scorer's verdict on a document."""

    scores: list[LineScore]  # non-blank lines, in order
    core: list[tuple[int, int]]  # spans of the article core, as positions in ``scores`` (inclusive)
    blocks: list[Block]
    comment: tuple[int, int] | None  # 0-based line indexes of the comment section, inclusive
    comment_cues: int = 0
    comment_marker: str = ""


@dataclass(frozen=True)
class Params:
    threshold: float = 1.0
    min_core: int = 150


#: cues that make a line residue on its own, wherever it is
_STRONG_CUES = frozenset({
    "link separators", "copyright", "foreign script", "UI text", "counter", "credit or caption", "metadata",
    "social embed", "author box",
})


def _ends_sentence(text: str) -> bool:
    tail = text.rstrip(_CLOSERS)
    if tail and tail[-1] >= "\u2600" and tail[-1] not in _TERMINAL and (m := _EMOJI_TAIL.search(tail)) is not None:
        tail = tail[: m.start()].rstrip(_CLOSERS)  # a sentence, then emoji: "무조건 갈 거예요! ❤️"
    return bool(tail) and tail[-1] in _TERMINAL


_CLOSERS = " \t\"”»’')]*›\u00a0\u202f"
_TERMINAL = frozenset(".!?…。！？؟।۔")  # ۔: the Urdu full stop
#: emoji (pictographs, dingbats, their variation selector and joiner) and spaces ending a line
_EMOJI_TAIL = re.compile("[\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff\ufe0f\u200d\\s]+$")
_SEP_CHAR = re.compile(r"[|›▪•·►▸→⟩»>/\\]")
# from U+2E80 on: CJK and the scripts after it (a line without such a character is no CJK)
_WIDE = re.compile("[\u2e80-\U0010ffff]")


def _score_line(index: int, text: str, fw: frozenset[str], repeated: bool, phrase: str | None) -> LineScore:
    """Features and intrinsic score of a stripped line (residue checks must stay cheap)."""
    p = _patterns(text)
    tokens = _tokens(text, p)
    n = len(text)
    if not text.isascii() and _WIDE.search(text):
        # a Chinese or Japanese character carries about as much as a short word
        n += int(1.5 * len(_CJK_CHAR.findall(text)))
    nw = len(tokens)
    cues: list[str] = []
    r = 0.0
    # length: short lines are weak evidence of residue, long ones strong evidence of prose
    if n < 20:
        r += 1.0
    elif n < 40:
        r += 0.5
    elif n >= 80:
        r -= min(2.0, 0.5 + (n - 80) / 100)
    end = _ends_sentence(text) and not (n < 40 and _ELLIPSIS_END.search(text))
    inside = len(_SENT_INSIDE.findall(text)) if n > 20 and _PUNCT_INSIDE.search(text) else 0
    if end:
        r -= 1.0 + 0.3 * min(inside, 3)
    else:
        r += 0.5 - 0.3 * min(inside, 3)
        if n < 60:
            cues.append("no sentence punctuation")
    if nw:
        # the words of a web page are too many for a memo: a casefold and a look-up, in C, each
        fwr = min(1.0, sum(map(fw.__contains__, map(str.casefold, tokens))) / nw)
        # one or two words say little about function words ("Non", "Oui")
        r -= 2.5 * fwr * min(1.0, nw / 4)
        if nw >= 3 and fwr == 0 and fw:
            r += 0.3
        if nw >= 2 and not end and n < 200:
            initials = [w[0] for w in tokens if len(w) > 3]  # of the longer words
            if initials and sum(map(str.isupper, initials)) >= 0.75 * len(initials):
                r += 0.6
                cues.append("title case")
        if text.isupper() and sum(len(w) for w in tokens) >= 4:
            r += 0.8
            cues.append("all capitals")
    else:
        fwr = 0.0
        r += 1.0
        cues.append("no words")
    # the patterns of the standard library's engine find no digit as fast as a search for one
    digits = len(p.digit.findall(text)) if p is not _FULL_PATTERNS or _ANY_DIGIT.search(text) else 0
    nonspace = n - text.count(" ")
    if nonspace and digits / nonspace >= 0.4:
        r += 1.2
        cues.append("mostly digits")
    table_row = text[0] == "|" and text[-1] == "|" and n > 2
    if table_row or n >= 400:
        seps = 0
    elif "«" in text:
        seps = text.count("|")
    elif _SEP_CHAR.search(text) is None:
        seps = 0
    else:
        seps = len(_SEPARATOR.findall(text))
        if not end and n < 150 and ("—" in text or "–" in text):
            dashes = len(_DASH_SEPARATOR.findall(text))
            if dashes >= 3:
                seps += dashes - 1
    if seps >= 2:
        r += 2.0
        cues.append("link separators")
    elif seps == 1:
        r += 0.6
    if ("." in text or "@" in text) and _URLISH.search(text):
        r += 0.8 if n < 80 else 0.3
        cues.append("link")
    if n < 200:
        # glued words need a capital after two letters: a line in ASCII or ``_NARROW_CHARS`` without
        # one there is spared the pattern (each of their capitals is upper case to ``str``)
        if (p is _FULL_PATTERNS or not text[2:].islower()) and p.glued.search(text):
            r += 0.4
        if ("©" in text or (text[0] in "(cC" and text[:9].casefold().startswith(("(c)", "copyright")))) and _COPYRIGHT.search(text):
            r += 1.5
            cues.append("copyright")
    if repeated:
        r += 0.8
        cues.append("repeated")
    lst = kv = numeric = False
    if n < 120:
        heads = _HEADS.get(text[0]) or _heads(text[0])
        numeric = digits > 0 and heads[0] and _NUMERIC_CELL.match(text) is not None
        lst = (text[0] in _LIST_FIRST or _LIST_MARK.search(text, 0, 7) is not None) and _LIST_ITEM.match(text) is not None
        if lst:
            r -= 1.0
        elif digits and n < 80 and not end and heads[1] and _QUANTITY.match(text):
            lst = True  # "2 tbsp olive oil", "500 g de farine": an item of a list without bullets
        kv = n < 100 and (":" in text or "：" in text) and _KEY_VALUE.match(text) is not None  # confirmed below: digits or other fields
        if kv and digits and seps:
            # slashes in a field with figures are its own (`Brüt / net m²: 135 / 118`), no links
            r -= 2.0 if seps >= 2 else 0.6
            if "link separators" in cues:
                cues.remove("link separators")
        if text[0] in _DIALOGUE_OPENERS and (end or inside) and _DIALOGUE.match(text):
            r -= 1.0
    if not lst and digits >= 12 and text.count("(") >= 3 and _works_list(text):
        lst = True  # `Title (1998), Title (2002), Title (2010)`: an encyclopedia's list of works
        r -= 1.0
    if table_row:
        r -= 0.8
    if phrase:
        r += 3.0
        cues.insert(0, phrase)
    s = LineScore(index, text, n, nw, r, cues, end, lst, kv or table_row, numeric or table_row, phrase)
    s.digits = digits
    s.fwr = fwr
    s.strong = bool(phrase) or (r >= 1.5 and not _STRONG_CUES.isdisjoint(cues))
    return s


_DIALOGUE_OPENERS = frozenset("—–-«“\"")
#: the first characters of the matches of ``_NUMERIC_CELL`` (those of ``_QUANTITY`` are digits)
_CELL_HEAD = compile_regex(r"[\p{Sc}+\-−–~≈<>\s\d]")
#: first character of a line -> (``_NUMERIC_CELL`` can match the line, ``_QUANTITY`` can)
_HEADS: dict[str, tuple[bool, bool]] = {}


def _heads(c: str) -> tuple[bool, bool]:
    """(``_NUMERIC_CELL`` can match a line that starts with ``c``, ``_QUANTITY`` can), remembered:
    two patterns of the regex module fewer for most lines with digits."""
    if len(_HEADS) >= _MEMO_MAX:
        _HEADS.clear()
    found = _HEADS[c] = (_CELL_HEAD.match(c) is not None, _DIGIT.match(c) is not None)
    return found


# cheap tests that spare a line the patterns that cannot match it
_PUNCT_INSIDE = re.compile(r"[.!?…]\s")
_ANY_DIGIT = re.compile(r"\d")
_LIST_FIRST = frozenset("-–—•*·▪►✓✔+")
_LIST_MARK = re.compile(r"[.)°]")

#: from this length (characters), a line that ends a sentence is scored by ``_prose_line``
_FAST_LEN = 150
#: words of a long line whose function words are counted
_FAST_WORDS = 20
#: characters at the start of a long line whose words are looked at
_FAST_CHARS = 160
#: from this length, a line that ends with a sentence is prose: its words are not looked at,
#: the share of function words of running text (``_PROSE_FWR``) is assumed
_PROSE_LEN = 250
_PROSE_FWR = 0.4
#: what ``_prose_line`` takes off the words it counts, so that ``eau,`` and ``(the`` are words
_EDGES = "\"“”‘«»()[]{}.,;:!?…*—–-_/"


class _Hits(dict[str, int]):
    """Word -> the function words of ``fw`` that ``_split_word_hits`` finds in it, filled on use
    (emptied at ``_HITS_WORDS`` entries; words longer than ``_HITS_LONGEST`` characters are
    counted and not kept): a corpus's words repeat from line to line and document to
    document, and each is looked at once."""

    def __init__(self, fw: frozenset[str]) -> None:
        super().__init__()
        self.fw = fw

    def __missing__(self, word: str) -> int:
        hits = _split_word_hits(word, self.fw)
        if len(word) > _HITS_LONGEST:  # no function word is that long: not worth its memory
            return hits
        if len(self) >= _HITS_WORDS:
            self.clear()
        self[word] = hits
        return hits


def _split_word_hits(word: str, fw: frozenset[str]) -> int:
    """Function words in a casefolded word of ``str.split`` (``_prose_line``): the word without
    the punctuation of ``_EDGES`` at its ends, and in ``l'eau`` the part up to the apostrophe,
    as the tokenizer splits it."""
    w = word.strip(_EDGES)
    hits = int(w in fw)
    if "'" in w or "’" in w:
        hits += w[: max(w.find("'"), w.find("’")) + 1] in fw
    return hits


#: function words -> their ``_Hits`` (a document in a language without a pack brings its own
#: function words); at most ``_HITS_MAX`` sets of function words and ``_HITS_WORDS`` words of
#: at most ``_HITS_LONGEST`` characters each (a few MB at most)
_HITS: dict[frozenset[str], _Hits] = {}
_HITS_MAX = 16
_HITS_WORDS = 5_000
_HITS_LONGEST = 64


def _hits(fw: frozenset[str]) -> _Hits:
    """The ``_Hits`` of ``fw``."""
    memo = _HITS.get(fw)
    if memo is None:
        if len(_HITS) >= _HITS_MAX:
            _HITS.clear()
        memo = _HITS[fw] = _Hits(fw)
    return memo


def _wide_ends(text: str) -> bool:
    """A CJK (or later) character near the start or the end: a paragraph of CJK is one throughout."""
    return _WIDE.search(text, 0, 40) is not None or _WIDE.search(text, len(text) - 40) is not None


def _prose_line(index: int, text: str, fw: frozenset[str]) -> LineScore:
    """``_score_line`` for a long line that ends with a sentence, or a very long line: a paragraph.

    The cues of page residue (lists, fields, short links, title case, repetition) do not
    apply to such a line; what is left is how much prose it holds: its length, its
    sentences and its function words, counted on its first words. From ``_PROSE_LEN``
    characters on, the line is prose whatever its words: the share of function words of
    running text is assumed. Most of a corpus's text is in such lines, so they are scored
    with a few string operations instead of a tokenizer (issue #5: residue checks must
    stay cheap).
    """
    n = len(text)
    end = _ends_sentence(text)
    r = -min(2.0, 0.5 + (n - 80) / 100)
    # "?" and "!" are rare (a regex findall was no faster and built a list of every match)
    inside = text.count(". ")
    if n >= _PROSE_LEN:
        fwr = _PROSE_FWR
    else:
        if "?" in text:
            inside += text.count("? ")
        if "!" in text:
            inside += text.count("! ")
        words = text[:_FAST_CHARS].casefold().split()[:_FAST_WORDS]
        hits = sum(map(_hits(fw).__getitem__, words))
        fwr = min(1.0, hits / len(words)) if words else 0.0
        if fwr == 0 and fw and len(words) >= 3:
            r += 0.3
    r -= 2.5 * fwr + 0.3 * min(inside, 3) + (1.0 if end else -0.5)
    nw = text.count(" ") + 1
    cues: list[str] = []
    if text.isupper():
        r += 0.8
        cues.append("all capitals")
    if n < 400 and "«" not in text and _SEP_CHAR.search(text, 0, 100):  # a bar of links shows its separators early
        seps = len(_SEPARATOR.findall(text))
        if seps >= 2:
            r += 2.0
            cues.append("link separators")
        elif seps == 1:
            r += 0.6
    if ("http" in text or "www." in text or "@" in text) and _URLISH.search(text):
        r += 0.3
        cues.append("link")
    if n < 200 and ("©" in text or (text[0] in "(cC" and text[:10].casefold().startswith(("(c)", "copyright")))) and _COPYRIGHT.search(text):
        r += 1.5
        cues.append("copyright")
    s = LineScore(index, text, n, nw, r, cues, end)
    s.fwr = fwr
    s.strong = r >= 1.5 and not _STRONG_CUES.isdisjoint(cues)
    return s


#: what ``_SCORED`` keeps of a line's ``LineScore``: its fields from ``text`` to ``fwr``, the cues as a tuple
_Intrinsic = tuple[str, int, int, float, tuple[str, ...], bool, bool, bool, bool, str | None, bool, int, float]


def _intrinsic(s: LineScore) -> _Intrinsic:
    """The intrinsic features and score of ``s`` (before context), for ``_SCORED``."""
    return (s.text, s.length, s.words, s.intrinsic, tuple(s.cues), s.ends_sentence, s.list_item, s.key_value, s.numeric, s.phrase, s.strong, s.digits, s.fwr)


def _from_intrinsic(f: _Intrinsic, index: int) -> LineScore:
    """A ``LineScore`` of line ``index`` with the intrinsic features and score ``f``."""
    return LineScore(index, f[0], f[1], f[2], f[3], list(f[4]), f[5], f[6], f[7], f[8], f[9], f[10], f[11], f[12])


def _tokens(text: str, p: _LinePatterns | None = None) -> list[str]:
    """Words; in Chinese and Japanese, which have no spaces, every character is one (``p``: the
    line's ``_patterns``, if known)."""
    if p is None:
        p = _patterns(text)
    if p is not _FULL_PATTERNS or not _WIDE.search(text):
        return p.token.findall(text)
    return _CJK_TOKEN.findall(text)


#: (stripped line, repeated, phrase cue, function words) -> the line's ``_score_line``, as it
#: came out (``_intrinsic``), for the lines of every document up to ``_SCORED_LEN`` characters
#: (emptied at ``_SCORED_MAX`` entries: a few MB)
_SCORED: dict[tuple[str, bool, str | None, frozenset[str]], _Intrinsic] = {}
_SCORED_LEN = 400
_SCORED_MAX = 5_000

#: the words of ``_FW_TOKEN``, each cut before and after every Chinese or Japanese letter in it
#: (one word each; the marks and letters after one, or an apostrophe that ends a word after
#: one, are a word too), in one pass
_CJK_TOKEN = compile_regex(
    r"(?=\p{L})[\p{Han}\p{Hiragana}\p{Katakana}]|[^\P{L}\p{Han}\p{Hiragana}\p{Katakana}](?:[^\P{L}\p{Han}\p{Hiragana}\p{Katakana}]|[^\P{M}\u0e00-\u0eff])*(?:['’](?=\p{L}))?"
    r"|(?<=[\p{Han}\p{Hiragana}\p{Katakana}])(?<=\p{L})[^\P{M}\u0e00-\u0eff](?:[^\P{L}\p{Han}\p{Hiragana}\p{Katakana}]|[^\P{M}\u0e00-\u0eff])*(?:['’](?=\p{L}))?"
    r"|(?<=[\p{Han}\p{Hiragana}\p{Katakana}])(?<=\p{L})['’](?=\p{L})"
)


def _adaptive_function_words(texts: Sequence[str], tokens: Sequence[list[str]]) -> set[str]:
    """Lower-case words found in many of the document's long lines: its function words, any language."""
    df: Counter[str] = Counter()
    n = 0
    for t, tok in zip(texts, tokens):
        if len(t) < 100:
            continue
        n += 1
        df.update({w for w in tok if w[0].islower() and len(w) <= 6})
    if n < 3:
        return set()
    need = max(3, 0.3 * n)
    return {w.casefold() for w, c in df.items() if c >= need}


# -- the analysis ------------------------------------------------------------------

def analyze(
    doc: Document,
    vocab: StructureVocabulary | None,
    phrase_lines: Mapping[int, str] | None = None,
    params: Params = Params(),
    kept: frozenset[int] = frozenset(),
) -> Analysis:
    """Score the lines of ``doc`` and group residue lines into blocks (cached per document).

    ``kept``: 0-based indexes of lines that belong to the document whatever their shape (a
    reference work's `See also` and `References` headings and its list of topics, found by
    the phrase rules' ``section-lines``)."""
    vocab = vocab or StructureVocabulary()
    phrase_lines = phrase_lines or {}
    key = (vocab.key, params, tuple(sorted(phrase_lines.items())), kept)
    per_doc = doc.facts.get("_residue_analysis")
    if per_doc is None:
        per_doc = doc.facts["_residue_analysis"] = {}
    hit = per_doc.get(key)
    if hit is None:
        hit = per_doc[key] = _analyze(doc, vocab, phrase_lines, params, kept)
    return hit


#: the least confidence of a language guess for the comment markers and cues of that language alone
_SURE_LANGUAGE = 0.5


def _analyze(
    doc: Document, vocab: StructureVocabulary, phrase_lines: Mapping[int, str], params: Params,
    kept: frozenset[int] = frozenset(),
) -> Analysis:
    lines = doc.lines
    norms = normalized_lines(doc)
    idx = [i for i, ln in enumerate(lines) if ln and not ln.isspace()]
    texts = [lines[i].strip() for i in idx]
    lang = doc.language
    ffw = vocab.function_words.get(lang) if lang != "und" else None
    if not ffw:
        # a language without a pack: the document's own frequent short words
        long = [t for t in texts if len(t) >= 100]
        ffw = frozenset(_adaptive_function_words(long, [_tokens(t) for t in long])) or vocab.all_function_words
    counts = Counter(filter(None, map(norms.__getitem__, idx)))
    scores = []
    # a site repeats its menus and buttons on the page and across its pages: a line scored
    # before is copied from an untouched copy (the analysis changes each line's score afterwards)
    memo = _SCORED
    for i, t in zip(idx, texts):
        phrase = phrase_lines.get(i)
        n = len(t)
        if phrase is None and n >= _FAST_LEN and (n >= _PROSE_LEN or _ends_sentence(t)) and (t.isascii() or not _wide_ends(t)):
            scores.append(_prose_line(i, t, ffw))
            continue
        repeated = n < 80 and counts[norms[i]] > 1
        key = (t, repeated, phrase, ffw)
        twin = memo.get(key)
        if twin is None:
            s = _score_line(i, t, ffw, repeated, phrase)
            scores.append(s)
            if n <= _SCORED_LEN:
                if len(memo) >= _SCORED_MAX:
                    memo.clear()
                memo[key] = _intrinsic(s)
        else:
            scores.append(_from_intrinsic(twin, i))
    for s in scores:
        s.norm = norms[s.index]
        s.repeats = counts[s.norm] if s.norm else 1
        if s.index in kept:
            s.protected = "reference sections"
    for i in code_lines(doc):  # (most documents: none, found by a look at each line's first character)
        j = bisect_left(idx, i)
        if j < len(idx) and idx[j] == i:
            scores[j].code = True
    text = doc.text
    if "|" in text or "\t" in text or "│" in text:
        _bar_tables(scores)
    _confirm_fields(scores)
    # the markers and cues of the document's language; of every language when the guess is
    # unsure (a Slovenian page guessed Czech at 0.39 missed its `Komentarji (3)`)
    sure = doc.language_guess[1] >= _SURE_LANGUAGE
    comment, n_cues, marker = _comment_section(scores, vocab.comments_for(lang if sure else "und"))
    _author_box(scores, vocab, len(scores) if comment is None else comment[0])
    core = _find_core(scores, params, limit=None if comment is None else comment[0])
    _decide(scores, core, params, vocab, comment)
    _announced_links(scores)
    blocks = _blocks(scores, comment)
    comment_span = None if comment is None else (scores[comment[0]].index, scores[comment[1]].index)
    return Analysis(scores, core, blocks, comment_span, n_cues, marker)


#: the longest line that a heading of links (`Read also:`) announces as one of its links
_LINK_LINE = 150


def _announced_links(scores: list[LineScore]) -> None:
    """After the article, the lines a strong heading of links announces (`Read also:`, `Ye bhi
    padhen:`, then the titles of other pages, to the next blank line) are residue, even a title
    that reads as a sentence (`Should you drink water after eating watermelon?`)."""
    n = len(scores)
    for i, s in enumerate(scores):
        if not (s.zone == "tail" and s.residue and s.strong and s.phrase and s.text.endswith((":", "："))):
            continue
        j = i + 1
        while (j < n and scores[j].index == scores[j - 1].index + 1 and scores[j].length <= _LINK_LINE
               and not scores[j].protected and scores[j].zone == "tail"):
            scores[j].residue = True
            j += 1


def _bar_tables(scores: list[LineScore]) -> None:
    """Rows of a table drawn with bars or tabs are no links joined by separators.

    Three adjacent lines at least with the same number of separators, half of them holding
    a digit (`Time | Conditions | Temperature`, `9am | Cloudy | 18 °C`), wherever they stand:
    each row loses the weight its bars gave it and counts as a table row. A page's menus
    joined by bars hold no figures, and stay what they were.
    """
    rows = [j for j, s in enumerate(scores) if "link separators" in s.cues or (s.intrinsic > 0 and BAR_CELLS.search(s.text))]
    if len(rows) < 2:
        return
    for a, b in _column_runs(scores, max(0, rows[0] - 2), min(len(scores), rows[-1] + 3)):
        run = scores[a:b]
        if (any(s.index != run[k].index + 1 for k, s in enumerate(run[1:])) or not all(BAR_CELLS.search(s.text) for s in run)
                or 2 * sum(1 for s in run if s.digits) < len(run)):
            continue
        for s in run:
            if "link separators" in s.cues:
                s.cues.remove("link separators")
                s.intrinsic -= 2.0
            s.intrinsic -= 0.8
            s.key_value = s.numeric = True
            s.strong = bool(s.phrase) or (s.intrinsic >= 1.5 and not _STRONG_CUES.isdisjoint(s.cues))


def _confirm_fields(scores: list[LineScore]) -> None:
    """"Label: value" is a field of the article when it holds a number or stands among other fields."""
    shaped = [s.key_value and not s.strong for s in scores]
    for j, s in enumerate(scores):
        if not s.key_value or s.text.startswith("|"):
            continue
        near = (j > 0 and shaped[j - 1]) or (j + 1 < len(scores) and shaped[j + 1])
        if (s.strong and not (near and s.phrase == "metadata")) or not (s.digits or near):
            s.key_value = False  # (a field a pack calls metadata, `Categoria: Casas`, among fields stays one)
        else:
            s.intrinsic -= 0.8


def _find_core(scores: list[LineScore], params: Params, limit: int | None) -> list[tuple[int, int]]:
    """Spans of dense prose: maximal-sum segments of the line masses (prose > 0, residue < 0)."""
    n = len(scores) if limit is None else limit
    mass = [*map(_mass, scores[:n])]
    spans: list[tuple[int, int]] = []

    def best(lo: int, hi: int) -> tuple[float, int, int]:
        top, a, b = 0.0, -1, -1
        run, start = 0.0, lo
        for j in range(lo, hi):
            if run <= 0:
                run, start = 0.0, j
            run += mass[j]
            if run > top:
                top, a, b = run, start, j
        return top, a, b

    top, a, b = best(0, n)
    if a < 0 or top < params.min_core:
        return []
    spans.append((a, b))
    # other segments (an article cut by an inline block) count when they are large too
    todo = [(0, a), (b + 1, n)]
    while todo:
        lo, hi = todo.pop()
        if hi - lo <= 0:
            continue
        m, x, y = best(lo, hi)
        if x < 0 or m < max(params.min_core, _SECONDARY * top):
            continue
        # a second part of the article, not a teaser: it holds real paragraphs, and the
        # page's furniture (a share bar, "Related", a sign-up box) does not separate it
        gaps = ([scores[lo:x]] if lo > 0 else []) + ([scores[y + 1 : hi]] if hi < n else [])
        if all(len({s.norm for s in g if s.strong}) >= _SEPARATED for g in gaps):
            continue
        # its paragraphs: two, or one when nothing strong (a share bar, a menu) stands between it
        # and the article, only headings and a table of the article's own
        quiet = not any(s.strong for g in gaps for s in g)
        if m >= _SECONDARY_SURE * top or sum(1 for s in scores[x : y + 1] if s.intrinsic <= -3.0) >= (1 if quiet else 2):
            spans.append((x, y))
            todo.extend([(lo, x), (y + 1, hi)])
    spans.sort()
    return _extend_head(scores, _extend_tail(scores, _bridge(scores, spans, n), n))


#: before the core, how far back (lines) a paragraph of the article is looked for
_HEAD_REACH = 80


def _extend_head(scores: list[LineScore], spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The article starts at its first paragraph: code, a list or a table may cut it from the core.

    A paragraph (a long line of prose, or of two sentences or more: a short intro in a
    language without a pack scores weakly) before the core that no strong line (a menu's
    phrase, a share bar, a credit) separates from it belongs to the article; what lies
    between (a recipe's ingredients) is judged as part of the article.
    """
    a, b = spans[0]
    for j in range(a - 1, max(-1, a - 1 - _HEAD_REACH), -1):
        s = scores[j]
        if s.strong:
            break
        if s.length >= 150 and (s.intrinsic <= -3.0 or (_is_sentence(s) and _two_sentences(s.text))):
            a = j
    spans[0] = (a, b)
    return spans


def _two_sentences(text: str) -> bool:
    """Whether a sentence ends inside ``text``: `. ` or a Chinese or Japanese `。` (no space after it)."""
    return ". " in text or "。" in text[:-1]


#: a line that is a sentence of the article: several words, some of them function words, and
#: sentence punctuation at the end ("Insert your plant into the hole.")
_SENTENCE_WORDS = 4
#: after the core, at most this many lines that are not sentences between two sentences
_TAIL_GAP = 6


def _is_sentence(s: LineScore) -> bool:
    return s.ends_sentence and not s.strong and s.words >= _SENTENCE_WORDS and s.fwr > 0


def _extend_tail(scores: list[LineScore], spans: list[tuple[int, int]], n: int) -> list[tuple[int, int]]:
    """The article does not end before its last sentence: page residue after it needs strong evidence.

    A how-to alternates short steps (`Step 2`), one-sentence instructions and captions:
    each sentence weighs less than the short lines around it, so the densest segment
    stops early. The core goes on to the last sentence that no strong line (a phrase
    match, a credit, an author box) and no long run of other lines separate from it.
    Thai and Lao mark no sentence end: a paragraph of theirs that directly follows
    the article (``_unmarked_paragraph``) is one of its sentences too.
    """
    a, b = spans[-1]
    if any("author box" in s.cues for s in scores[a : b + 1]):
        return spans  # the article ended with its author's box; a biography may follow
    gap = 0
    listing = False  # the lines run on from a sentence that ends with a colon: its list
    for j in range(b + 1, n):
        s = scores[j]
        if s.strong:
            break
        after = scores[j + 1].index if j + 1 < n else None
        if j - 1 == b and _runs_on(scores[b], s):
            b, gap, listing = j, 0, False  # the end of a sentence wrapped onto its own line (`surprised.`)
            continue
        if _is_sentence(s) or (gap == 0 and _unmarked_paragraph(s, scores[j - 1].index, after)):
            b, gap, listing = j, 0, False
            continue
        listing = listing and s.index == scores[j - 1].index + 1
        if listing or s.key_value:
            continue  # an item of the list (`six are still active today:` and the six), a field (`Width: 45 cm`)
        listing = _opens_list(s)
        gap += 1
        if gap > _TAIL_GAP:
            break
    spans[-1] = (a, b)
    return spans


def _runs_on(prev: LineScore, s: LineScore) -> bool:
    """Whether ``s`` goes on with the sentence ``prev`` left open on the line just above it
    (text wrapped by hand: a mail, a plain-text book): it starts with a small letter."""
    return s.index == prev.index + 1 and not prev.ends_sentence and s.text[:1].islower()


def _opens_list(s: LineScore) -> bool:
    """A sentence of the article that ends with a colon: the lines right under it are its list."""
    return s.text.endswith(":") and s.words >= _SENTENCE_WORDS and s.fwr > 0


#: a space between two Thai or Lao characters: where their sentences and clauses end
_UNMARKED_BREAK = re.compile("[\u0e00-\u0eff] [\u0e00-\u0eff]")


def _unmarked_paragraph(s: LineScore, before: int, after: int | None) -> bool:
    """A paragraph of Thai or Lao sentences, which end with a space, not a mark: 40 characters
    or more ending in their script, a space between two of their letters, blank lines around
    (``before``, ``after``: the indexes of the lines around; ``None``: the document ends)."""
    tail = s.text.rstrip(_CLOSERS)
    return (len(tail) >= 40 and "\u0e00" <= tail[-1] <= "\u0eff" and before < s.index - 1
            and (after is None or after > s.index + 1) and _UNMARKED_BREAK.search(tail) is not None)


def _bridge(scores: list[LineScore], spans: list[tuple[int, int]], n: int) -> list[tuple[int, int]]:
    """Extend the core over an advertisement or a "read also" line to the paragraphs after it.

    The last paragraph of an article often follows an inline block of one to three
    lines that are residue on their own; such a block costs more than a short paragraph
    brings, so the maximal segment stops before it. An author box does not bridge: what
    follows it is a biography.
    """
    a, b = spans[-1]
    j = b + 1
    while j < n:
        k = j
        while k < n and k - j < 3 and scores[k].strong and "author box" not in scores[k].cues:
            k += 1
        if k == j or k >= n:
            break
        nxt = scores[k]
        if nxt.strong or nxt.intrinsic > -2.0 or not nxt.ends_sentence or nxt.length < 80:
            break
        b = k
        while b + 1 < n and not scores[b + 1].strong and scores[b + 1].intrinsic < _PROSE:
            b += 1
        j = b + 1
    spans[-1] = (a, b)
    return spans


_SECONDARY = 0.1
_SECONDARY_SURE = 0.35
#: different strong lines between two parts of prose that make the second one another text (a
#: teaser, comments); an advertisement repeated between paragraphs is one
_SEPARATED = 3
#: a residue line costs at most this much prose mass, so that a table's short cells
#: between its rows do not cut the core, while a menu (many lines) does
_MASS_CAP = 60.0
#: a line that is residue on its own evidence costs more: it separates a teaser from the article
_MASS_STRONG = 120.0
#: in the core, a gap of at most this many non-prose lines between prose lines is part of the article
_CORE_GAP = 3
_MASS_LIST = 15.0
_PROSE = -0.5
_BETWEEN = -1.0


def _mass(s: LineScore) -> float:
    if s.strong:
        return -_MASS_STRONG
    if s.list_item or s.key_value:
        return -_MASS_LIST  # a list or a table of fields does not cut the article
    if s.intrinsic < 0:
        return -s.intrinsic * 25 + min(s.length, 400) * 0.25
    return -min(s.intrinsic * 30 + 10, _MASS_CAP)


def _decide(
    scores: list[LineScore],
    core: list[tuple[int, int]],
    params: Params,
    vocab: StructureVocabulary,
    comment: tuple[int, int] | None,
) -> None:
    n = len(scores)
    if not core:
        # no article here (a poem, a list, a table, a short note): only lines that are
        # residue on their own are flagged
        for s in scores:
            s.zone = "core"
            s.score = s.intrinsic
            s.residue = s.strong and s.intrinsic >= params.threshold + 1
        return
    first, last = core[0][0], core[-1][1]
    in_core = [False] * n
    for a, b in core:
        in_core[a : b + 1] = [True] * (b + 1 - a)
    for j, s in enumerate(scores):
        s.zone = "head" if j < first else "tail" if j > last else "core"
    _protect_head(scores, first, vocab)
    _play_script(scores, first, last)
    _letter_head(scores, first)
    _attach(scores, first, last)
    _signature(scores, vocab, last, n if comment is None else comment[0])
    _sign_off_after_salutation(scores, last, vocab.valedictions)
    _signatures(scores, last)
    _log_lines(scores, first, last)
    headings = _headings(scores, first, last)
    spread: dict[str, tuple[int, int]] = {}  # repeated lines -> first and last line index
    for s in scores:
        if s.repeats > 1:
            a, _ = spread.get(s.norm, (s.index, s.index))
            spread[s.norm] = (a, s.index)
    _protect_contents(scores, first, last)
    # runs of non-prose lines; inside the article, a table or a list is such a run too
    run_len = [0] * n
    j = 0
    while j < n:
        if scores[j].intrinsic < _PROSE:
            j += 1
            continue
        k = j
        while k < n and scores[k].intrinsic >= _PROSE:
            k += 1
        size = k - j
        if size > _CORE_GAP and scores[j].zone == "core":
            if _structured(scores[j:k]):
                size = 0  # a table or a list of the article: judged like a heading between paragraphs
            else:
                # or one of its paragraphs (blank-line separated) is a table or a list
                a = j
                for b in range(j + 1, k + 1):
                    if b == k or scores[b].index > scores[b - 1].index + 1:
                        if b - a >= 2 and _structured(scores[a:b]):
                            for x in range(a, b):
                                run_len[x] = -1
                        a = b
                # or its lines share a number of columns: a table drawn with | or │
                for a, b in _column_runs(scores, j, k):
                    for x in range(a, b):
                        run_len[x] = -1
        if size > _CORE_GAP and scores[j].zone == "core" and not _evidence(scores[j:k], headings, spread):
            # inside the article, a block needs strong evidence (a phrase, a credit, a
            # foreign script, lines repeated across the page...): short cells, names and
            # headings are weak cues, common in tables, lists and tables of contents of the
            # article itself
            size = 0
        for x in range(j, k):
            if run_len[x] != -1:
                run_len[x] = size
            else:
                run_len[x] = 0
        j = k
    strong_after = 0  # strong residue lines between the end of the core and this line
    # the neighbours' intrinsic scores, clipped to [-3, 3]
    clipped = [-3.0 if r < -3.0 else 3.0 if r > 3.0 else r for r in [s.intrinsic for s in scores]]
    for j, s in enumerate(scores):
        if comment is not None and comment[0] <= j <= comment[1]:
            continue
        if j > last and scores[j - 1].strong:
            strong_after += 1
        prev_r = clipped[j - 1] if j > 0 else 1.5
        next_r = clipped[j + 1] if j + 1 < n else 1.5
        ctx = 0.25 * (prev_r + next_r)
        if in_core[j]:
            ctx -= 1.0
        elif s.zone == "core":
            ctx += _BETWEEN  # between two parts of the article
        elif s.zone != "core":
            ctx += 1.0  # before or after the article
            if prev_r >= 1.0 and next_r >= 1.0:
                ctx += 1.0  # an island of text among page furniture: a teaser, a banner, a bio
            if strong_after >= 2:
                ctx += 2.0  # text cut from the article by page furniture: a bio, a teaser
        if s.zone == "core" and not s.ends_sentence and s.length < 150 and next_r < -1.5:
            ctx -= 1.0  # a heading: short, followed by prose
        s.score = s.intrinsic + ctx
        if s.protected:
            continue
        if s.zone == "core" and run_len[j] <= _CORE_GAP:
            # a short gap between paragraphs: headings, table cells, captions of the
            # article; only lines that are residue on their own count
            s.residue = s.strong and s.score >= params.threshold
            continue
        s.residue = s.score >= params.threshold


#: a block inside the article this long (lines) is not one of its tables or lists
_LONG_GAP = 40


def _headings(scores: list[LineScore], first: int, last: int) -> set[str]:
    """Normalized text of the article's headings: short lines of the core followed by prose."""
    out: set[str] = set()
    for j in range(first, min(last + 1, len(scores) - 1)):  # the document's last line is followed by nothing
        s = scores[j]
        if s.repeats > 1 and not s.strong and not s.ends_sentence and s.length < 150 and scores[j + 1].intrinsic < -1.0:
            out.add(s.norm)
    return out


def _protect_contents(scores: list[LineScore], first: int, last: int) -> None:
    """A table of contents: a run of short lines that the article repeats further down as headings."""
    # short lines of the article -> (last position, number of paragraphs before it): a
    # table of contents announces headings that paragraphs separate, not a widget
    # printed twice
    later: dict[str, tuple[int, int]] = {}
    paragraphs = 0
    for j in range(first, last + 1):
        s = scores[j]
        if s.intrinsic < -1.0:
            paragraphs += 1
        elif s.repeats > 1 and not s.strong and not s.ends_sentence and s.length < 150:
            later[s.norm] = (j, paragraphs)
    if not later:
        return
    n = len(scores)
    j = 0
    while j <= last:
        if scores[j].norm not in later or scores[j].strong:
            j += 1
            continue
        k = j
        while k < n and not scores[k].strong and scores[k].intrinsic >= _PROSE:
            k += 1
        twins = [later[x.norm] for x in scores[j:k] if later.get(x.norm, (-1, 0))[0] >= k]
        hits = len(twins)
        # most of the run's lines come back further down, between paragraphs
        if hits >= 3 and hits >= 0.6 * (k - j) and len({p for _, p in twins}) >= 0.6 * hits:
            a = j  # entries before the first that comes back in the article (repeated elsewhere)
            while a > 0 and scores[a - 1].repeats > 1 and not scores[a - 1].strong and scores[a - 1].intrinsic >= _PROSE:
                a -= 1
            for x in range(a, k):
                scores[x].protected = scores[x].protected or "contents"
            h = a - 1  # its own heading ("Contents", "Sommaire", "Inhalt")
            if h >= 0 and not scores[h].strong and scores[h].words <= 3 and not scores[h].ends_sentence:
                scores[h].protected = scores[h].protected or "contents"
        j = max(k, j + 1)


def _evidence(run: Sequence[LineScore], headings: set[str], far: Mapping[str, tuple[int, int]]) -> bool:
    """Strong evidence that a block inside the article is page residue.

    A block of the page opens or closes with its furniture (`Related articles`, `See
    more`) or is made of it; it repeats what the page prints elsewhere (`Undo`,
    `by Taboola`). A table may hold a cell that looks like a button (`Comment`) and
    repeats its own cells: neither makes it residue.
    """
    if len(run) >= _LONG_GAP:
        return True
    strong = sum(1 for s in run if s.strong)
    if run[0].strong or (len(run) > 1 and run[1].strong) or run[-1].strong or strong >= 0.25 * len(run):
        return True
    if sum(1 for s in run if CODE_LINE.search(s.text)) * 2 >= len(run):
        return False  # a block of code in a tutorial: commands and statements, repeated or not
    lo, hi = run[0].index, run[-1].index
    repeated = 0
    for s in run:
        if s.repeats > 1 and s.norm not in headings and not s.protected and not CODE_LINE.search(s.text):
            a, b = far.get(s.norm, (lo, hi))
            # printed again elsewhere on the page, not a cell repeated in the same table
            if a < lo or b > hi:
                repeated += 1
    return repeated >= 2 or (repeated >= 1 and repeated >= 0.25 * len(run))


#: the year after each title of a list of works
_WORK_YEAR = compile_regex(r"\((?:1[0-9]|20)\d\d\)")
#: the most characters of one title in a list of works
_WORK_CHARS = 80


def _works_list(text: str) -> bool:
    """A line of works, each with its year, separated by commas (`『흰』(2016)`, `Tenet (2020)`).

    Split at the years rather than matched with one pattern: a title may hold a comma, and
    a pattern over items that may hold commas backtracks on a long line that is no list.
    """
    parts = _WORK_YEAR.split(text)
    if len(parts) < 4 or parts[-1].strip(" .。"):
        return False
    for k, part in enumerate(parts[:-1]):
        if k:
            part = part.lstrip()
            if part[:1] not in (",", ";", "、", "，"):
                return False
            part = part[1:]
        if not 0 < len(part.strip()) <= _WORK_CHARS:
            return False
    return True


#: what separates the columns of a table drawn in text: a bar, a tab, or two spaces or more
#: between two cells (`1    Arsenal            28  20`)
_COLUMN_SEP = compile_regex(r"[│┃║|\t]|(?<=\S) {2,}(?=\S)")
_BORDER = compile_regex(r"^[─━═┼╋╬┬┴├┤+\-=|│┃: ]+$")


def _column_runs(scores: list[LineScore], lo: int, hi: int) -> Iterator[tuple[int, int]]:
    """Runs of at least three rows with the same number of column separators, with their borders."""
    cols = [len(_COLUMN_SEP.findall(s.text)) if not _BORDER.match(s.text) else -1 for s in scores[lo:hi]]
    j = 0
    n = len(cols)
    while j < n:
        if cols[j] <= 0:
            j += 1
            continue
        k = j
        rows = 0
        while k < n and (cols[k] == cols[j] or cols[k] == -1):
            rows += cols[k] > 0
            k += 1
        if rows >= 3:
            a = j
            while a > 0 and cols[a - 1] == -1:  # its top border
                a -= 1
            yield lo + a, lo + k
        j = k


#: a record's shape: its punctuation, without letters, digits, blanks and what joins two
#: letters or digits (`Son Heung-min (Spurs) — 14`, `O'Neill (City) — 12`: `()—`)
_SHAPE_DROP = compile_regex(r"[\w\s]+|(?<=\w)[-'’.:](?=\w)")
#: the fewest lines of a run of records (`Salah (Liverpool) — 17`, `Sat 30: Chelsea v Burnley, 15:00`)
_RECORDS_MIN = 3
_DIGIT_RUN = compile_regex(r"\d+")
#: the most function words a run of records has, on average per line (`Atlético de Madrid`)
_RECORDS_FWR = 0.12


def _record_run(scores: list[LineScore], start: int) -> int:
    """The end (exclusive) of a run of records from ``start``, or -1.

    Under a heading, right after the article or a table or a list of it (a match report's
    results, a results page's top scorers and fixtures): at least ``_RECORDS_MIN`` adjacent short lines, each with a digit, that
    share their punctuation (`Name (Club) — 18`) and hold few function words. A list of
    related links is titles: most without a digit, or with punctuation of their own, or
    sentences with their function words (`Five things we learned – 17 March 2024`).
    """
    n = len(scores)
    if start >= n:
        return -1
    def shape_of(text: str) -> str:
        # without punctuation (`Palmeiras 2 x 1 Fluminense`), two runs of digits or more make
        # the shape (a counter, `193 claps`, has one)
        marks = _SHAPE_DROP.sub("", text)
        if marks:
            return marks
        runs = len(_DIGIT_RUN.findall(text))
        return "#" * runs if runs >= 2 else ""

    shape = shape_of(scores[start].text)
    k = start
    while k < n:
        s = scores[k]
        if (s.strong or s.length >= 120 or s.ends_sentence or not s.digits or not shape
                or (k > start and s.index != scores[k - 1].index + 1)
                or shape_of(s.text) != shape):
            break
        k += 1
    if k - start < _RECORDS_MIN:
        return -1
    # names, teams and figures have few function words; titles (`Five things we learned`) do
    return k if sum(s.fwr for s in scores[start:k]) <= _RECORDS_FWR * (k - start) else -1


def _structured(run: Sequence[LineScore]) -> bool:
    """A table or a list: numbers or fields in a pattern that repeats, or list items."""
    if sum(1 for s in run if s.list_item or s.key_value) >= 0.5 * len(run):
        return not any(s.strong for s in run)
    numeric = [s.numeric or (_DATEISH.search(s.text) is not None and s.words <= 3) for s in run]
    share = sum(numeric) / len(run)
    if share < 0.25:
        return False
    for period in range(2, 7):
        if len(run) < 2 * period:
            break
        same = sum(1 for i in range(len(run) - period) if numeric[i] == numeric[i + period])
        if same >= 0.85 * (len(run) - period):
            return True
    return share >= 0.6


#: characters of each of the first paragraphs compared with the candidate titles
_LEDE_CHARS = 300


def _stems(text: str) -> set[str]:
    """Word beginnings (5 letters) of the longer words: 'dénonce' and 'dénoncé' share one."""
    return {w[:5] for w in map(str.casefold, _TITLE_WORD.findall(text))}


#: characters beyond Latin-1 that no stem holds (uncased punctuation and spaces of Latin-script
#: text): ``_fold_for_stems`` replaces them with NUL, which no stem holds either
_UNSTEMMED = "’‘“”–—…€\u202f\u2009"
#: Latin-1 byte -> the byte of its casefold (ß and µ, whose casefold is no Latin-1 character, stay)
_LATIN1_FOLD = bytes(ord(f) if len(f := chr(b).casefold()) == 1 and ord(f) < 256 else b for b in range(256))


def _fold_for_stems(text: str) -> str:
    """``text.casefold()`` with the characters of ``_UNSTEMMED`` as NUL: a stem is in one if it is in the other.

    Text in a Latin-script language is casefolded through a Latin-1 byte table, several
    times faster than ``str.casefold``; other text (or with ß or µ) goes through the latter.
    """
    for c in _UNSTEMMED:
        if c in text:
            text = text.replace(c, "\0")
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:
        return text.casefold()
    if b"\xdf" in raw or b"\xb5" in raw:
        return text.casefold()
    return raw.translate(_LATIN1_FOLD).decode("latin-1")


#: the digits of other scripts as ASCII digits (`১২ মার্চ ২০২৫`, `١٥ مارس ٢٠٢٤`, `２０２４年`)
_OTHER_DIGITS = {
    zero + k: str(k)
    for zero in (0x660, 0x6F0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xE50, 0xED0,
                 0xF20, 0x1040, 0x17E0, 0xFF10)
    for k in range(10)
}


def _dateline(s: LineScore) -> bool:
    """A date or a time in a line of at most 10 words; ``_DATEISH`` needs a digit, looked for first."""
    t = s.text
    if s.words > 10 or _patterns(t).digit.search(t) is None:
        return False
    return _DATEISH.search(t if t.isascii() else t.translate(_OTHER_DIGITS)) is not None


def _protect_head(scores: list[LineScore], first: int, vocab: StructureVocabulary) -> None:
    """The title, dateline and byline before the core belong to the article."""
    lede: str | None = None
    lo = max(0, first - 20)
    # the title shares its words with the first paragraphs (any language, any site)
    best: tuple[float, int, int] = (0.0, 0, 0)
    best_j = -1
    # the datelines among the lines that are not strong (both loops below ask)
    dated = {j: _dateline(s) for j in range(lo, first) if not (s := scores[j]).strong}
    for j in range(lo, first):
        s = scores[j]
        if s.strong or s.words == 0 or s.length > 200 or s.list_item or s.key_value or s.numeric:
            continue
        if s.text.endswith(".") and not s.text.endswith(".."):
            continue  # a caption or a sentence, not a title
        if dated[j]:
            continue  # the dateline
        if "|" in s.text and all(len(part.split()) <= 2 for part in s.text.split("|")):
            continue  # links between bars (`Masuk | Daftar`), not a title (`Fed holds rates | Reuters`)
        words = _stems(s.text)
        if not words:
            continue
        if lede is None:
            # a title's words come back early in the article: its first sentences suffice
            lede = _fold_for_stems(" ".join(x.text[:_LEDE_CHARS] for x in scores[first : first + 6] if x.intrinsic < -1.0))
        shared = sum(map(lede.__contains__, words))
        overlap = shared / len(words)
        rank = (overlap * min(1.0, len(words) / 3) + 0.05 * shared, shared, s.words)
        if overlap >= 0.2 and (len(words) > 1 or overlap == 1.0) and rank > best:
            best, best_j = rank, j
    if best_j >= 0:
        scores[best_j].protected = "title"
    if first > 0 and len(scores) > 1 and best_j != 0:
        # the document's first line, set apart by a blank line and of a title's shape, is its
        # title though its words do not come back (a poem's `Sommarnatt vid sjön`, `ЗАКОН УКРАЇНИ`)
        s0 = scores[0]
        if (s0.index == 0 and scores[1].index > 1 and not s0.strong and s0.repeats <= 1 and s0.words <= 12
                and not s0.digits and _title_like(s0)):
            s0.protected = "title"
    top = -1
    for j in range(first - 1, lo - 1, -1):
        s = scores[j]
        if s.strong:
            # a byline with its date and section between bars (`Por Javier Ortega | 18 de
            # septiembre de 2022 | Cultura`): strong from its separators, not from a phrase
            if (not s.phrase and vocab.byline_re is not None and _dateline(s)
                    and _byline(vocab, s.norm or normalize_line(s.text))[0] >= 0):
                s.protected = s.protected or "byline"
                top = j
            continue
        if dated[j]:
            s.protected = s.protected or "dateline"
            top = j
        elif vocab.byline_re is not None and s.words <= 12 and _byline(vocab, s.norm or normalize_line(s.text))[0] >= 0:
            s.protected = s.protected or "byline"
            top = j
    # the line above the dateline and byline is the title, whatever its words; one word
    # (a compound: `Vinterresan`, `Kesäyö`) when it opens the document; and the line above
    # that one too when it opens the document (a title over its subtitle or `A poem by ...`)
    for j in range(top - 1, max(lo, top - 3) - 1, -1):
        s = scores[j]
        if s.protected == "title":
            break  # found by its words already: the line above it is not the title
        if s.strong or s.protected:
            continue
        if _title_like(s):
            s.protected = "title"
            if (j == 1 and _title_like(scores[0]) and not scores[0].strong and not scores[0].protected
                    and scores[0].repeats <= 1 and scores[0].norm != s.norm):
                scores[0].protected = "title"
        break


def _title_like(s: LineScore) -> bool:
    return ((s.words >= 2 or (s.index == 0 and s.text.isalpha())) and s.length <= 200
            and not s.text.endswith(".") and not _menu_like(s))


def _menu_like(s: LineScore) -> bool:
    """A menu of bare section names (`Cronaca Politica Economia Mondo Cultura Sport`): four
    words or more, each one capitalized, no function word, no digit, no punctuation. A
    heading or title has a function word or a lowercase word in nearly every language;
    one without (`Biden Signs Historic Infrastructure Bill`) shares its words with the
    article, and is protected as its title first. All capitals (`LE NOTAIRE DE SAINT-FLOUR`)
    is a title's style, not a menu's."""
    if s.words < 4 or s.fwr > 0 or s.digits or s.text.isupper():
        return False
    return all(w == "&" or (w[0].isupper() and w.replace("-", "").isalpha()) for w in s.text.split())


#: a speaker's name in capitals opening a line of a play, before a full stop, a colon, a
#: comma or a stage direction in brackets (`MAÎTRE ANSELME. Louison !`, `HAMLET: To be`,
#: `JULIEN, son neveu`, `FAUST (allein).`)
_SPEAKER = re.compile(r"([^\W\d_][^\W\d_'’ -]{0,30}?(?:[ '’-][^\W\d_]{1,20}){0,3})\s?(?:[.:,]|(?=\())")
#: the dialogue lines of a play's body that make it one
_PLAY_LINES = 3


def _speaker(text: str) -> bool:
    m = _SPEAKER.match(text)
    return m is not None and m.group(1).isupper() and len(m.group(1)) >= 2


def _play_script(scores: list[LineScore], first: int, last: int) -> None:
    """A play's front matter and scene headings belong to it: its title and genre, the cast
    list (`PERSONNAGES`, `JULIEN, son neveu`), `SCÈNE PREMIÈRE` and the names of who is on
    stage, all short lines without sentence punctuation. A document is a play when lines of
    its body open with a speaker's name in capitals (`LOUISON. Il n’y a plus de bois`)."""
    speeches = sum(1 for s in scores[first : last + 1] if s.words >= 4 and _speaker(s.text))
    if speeches < _PLAY_LINES:
        return
    title = False
    for s in scores[: last + 1]:
        if s.strong or s.protected:
            title = False
            continue
        if s.text.isupper() or _speaker(s.text):
            s.protected = "play"
            title = s.zone == "head"
        elif title and _title_like(s) and s.words <= 8:
            s.protected = "play"  # the genre under the title (`Comédie en un acte`)
            title = False
        else:
            title = False


#: a line that ends with a signed change in percent, as a stock ticker's quote does
#: (`AAPL 145.32 ▲ 1.2%`, `CAC 40 7 215,42 −0,31 %`)
_QUOTE_CHANGE = re.compile(r"(?:^|\s)[-+\u2212\u25b2\u25bc\u25b3\u25bd\u2191\u2193]\s?\d+(?:[.,]\d+)?\s?%\s*$")


def _attach(scores: list[LineScore], first: int, last: int) -> None:
    """Lists, fields and their headings next to the core are part of the article."""
    # before the core: a recipe's ingredients, a product's specifications, a heading
    kind = "prose"
    credit = False  # past a photo's credit: only a list goes on attaching
    j = first - 1
    while j >= 0 and first - j <= 20:
        s = scores[j]
        if s.strong:
            if s.phrase == "credit or caption" and not credit and kind in ("prose", "heading"):
                credit = True  # between the ingredients and the method: itself residue
                j -= 1
                continue
            break
        if s.words <= 4 and _QUOTE_CHANGE.search(s.text):
            break  # a ticker's quote over the title (`Dow 34,721.12 +0.52%`): no recipe's list
        if credit and not s.list_item:
            if kind == "list" and s.words <= 4 and s.length < 40 and not s.ends_sentence:
                s.protected = "attached"  # the list's heading (`Ingredientes`)
            break
        if s.protected:
            kind = "heading"  # above the title or dateline, only what looks like content attaches
            j -= 1
            continue
        if s.list_item or s.key_value or s.numeric:
            kind = "list"
        elif (s.ends_sentence and s.words >= 3) or (
            s.words >= 2 and scores[j + 1].words >= 4 and _runs_on(s, scores[j + 1])
        ):
            # (or the line below goes on with its sentence: a law's `Eduskunnan päätöksen
            # mukaisesti` over `muutetaan ...`; not a tag over a tag, `AI/ML` over `security`)
            kind = "prose"
        elif s.words <= 12 and s.length < 100 and not _menu_like(s) and (
            kind in ("prose", "list") or (kind == "heading" and (_DIGIT.search(s.text) or s.intrinsic < 0.5))
        ):
            kind = "heading"
        else:
            break
        s.protected = "attached"
        j -= 1
    # after the core: a list it announces, fields, a table, with their headings
    n = len(scores)
    j = last + 1
    intro = scores[last].text.endswith(":")
    structured = False
    label = -2  # the line index of a label (`Contact presse :`) whose lines run on under it
    while j < n:
        s = scores[j]
        nxt = scores[j + 1] if j + 1 < n else None
        if s.strong and not (
            # a field a pack calls page metadata (`Categoria: Casas`) among the fields of a
            # listing, the next line a field too: the listing's own
            s.phrase == "metadata" and s.key_value and nxt is not None and nxt.index == s.index + 1
            and nxt.key_value and not nxt.strong
        ):
            break
        if s.list_item or s.key_value or (intro and s.length < 120):
            structured = True
        elif label >= 0 and s.index == label + 1 and s.length < 120:
            label = s.index  # a line of the label's block: a name, a role, a phone number
            structured = True
        elif (
            s.text.endswith(":") and s.words <= 6 and nxt is not None and nxt.index == s.index + 1
            and not nxt.strong and _fields_to_end(scores, j + 1)
        ):
            label = s.index  # `Contact presse :` over the lines of a press release's contact
        elif (
            s.words <= 12 and s.length < 100 and not s.ends_sentence and nxt is not None
            and (nxt.list_item or nxt.key_value) and (not nxt.strong or (nxt.key_value and nxt.phrase == "metadata"))
        ):
            pass  # the heading of a list, or of fields
        elif s.code or (nxt is not None and nxt.code and nxt.index == s.index + 1 and s.text.endswith((":", "："))):
            structured = True  # a tutorial's code, and the line that introduces it
        elif structured and s.ends_sentence and s.intrinsic < -1.0:
            pass  # the paragraph after the list
        else:
            # a table (rows with the same number of columns), or a heading over one
            head = int(s.words <= 12 and s.length < 100 and not s.ends_sentence)
            runs = [r for r in _column_runs(scores, j + head, min(n, j + head + 200)) if r[0] == j + head]
            end = runs[0][1] if runs else _record_run(scores, j + head) if head else -1
            if end < 0 or any(x.strong for x in scores[j + head : end]):
                break
            for x in scores[j:end]:
                x.protected = "attached"
            structured = True
            j = end
            continue
        s.protected = "attached"
        j += 1


#: a line of a chat or a log: it opens with a time, bare or in brackets, a date before it
#: (`[18:00] <rhea>`, `[20/06/24, 19:04] Lucía:`, `09:12:44 INFO`)
_LOG_STAMP = re.compile(r"[\[(]?(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4},?\s)?\d{1,2}:\d{2}(?::\d{2})?[\])]?\s+\S")
_LOG_FIRST = "[(0123456789"
#: the core's lines that must open with a time for the log to go on around it
_LOG_CORE = 3


def _log_lines(scores: list[LineScore], first: int, last: int) -> None:
    """The lines of a chat or a log around its core are more of its lines.

    A line of a log (``_LOG_STAMP``: `[18:12] <tomasz> thanks, bye`) is short and without
    sentence punctuation more often than not, so the first and last messages fall out of the
    densest run of prose. When most of the core's lines, and ``_LOG_CORE`` at least, open
    with a time, the lines right before and after it that open with one too (none strong,
    none of a blank-line gap longer than one line) are part of the log.
    """
    core = scores[first : last + 1]
    # a stamp opens with a bracket or a digit: the regex is tried on those lines only
    stamped = sum(1 for s in core if s.text[:1] in _LOG_FIRST and _LOG_STAMP.match(s.text))
    if stamped < _LOG_CORE or 2 * stamped < len(core):
        return
    for step, start in ((-1, first - 1), (1, last + 1)):
        prev = scores[start - step]
        j = start
        while 0 <= j < len(scores):
            s = scores[j]
            if s.strong or abs(s.index - prev.index) > 2 or not _LOG_STAMP.match(s.text):
                break
            s.protected = s.protected or "log"
            prev = s
            j += step


#: the most lines of a letter's sign-off after its last sentence: a valediction, a name, a
#: role, a company, an address of two lines, a telephone number
_SIGN_OFF_LINES = 6
#: ... when its first line is no valediction the packs know
_SIGN_OFF_PLAIN = 4
#: the most characters of a salutation (`Dear Marta,`, `Sehr geehrter Herr Lindner,`, `佐藤様`)
_SALUTATION_LEN = 60
_SALUTATION_WORDS = 6


def _quote_depth(text: str) -> tuple[int, str]:
    """(how many `>` quote the line of a plain-text mail, the text they quote)."""
    body = text.lstrip("> ")
    return text[: len(text) - len(body)].count(">"), body


#: what a salutation ends with
_SALUTATION_ENDS = (",", "，", ":", "：", "様")


def _salutation(s: LineScore, nxt: LineScore) -> bool:
    """A letter's opening: a line of a few words ending with a comma (`Dear Marta,`, `Szanowna
    Pani,`), a colon (`Estimado señor:`, `编辑同志：`) or the Japanese honorific `様` (`山本様`),
    right above prose."""
    _, body = _quote_depth(s.text)
    return (0 < len(body) <= _SALUTATION_LEN and s.words <= _SALUTATION_WORDS and not s.strong
            and body.endswith(_SALUTATION_ENDS) and nxt.intrinsic < -1.0)


#: the most lines of a letter's head above its salutation: addresses, place and date, subject
_LETTER_HEAD = 12


def _letter_head(scores: list[LineScore], first: int) -> None:
    """A letter's head belongs to it: the short lines above its salutation, right over the
    body (the recipient's address, the place and date, the subject: `Gemeente Zwolle`,
    `Postbus 10007`, `Onderwerp: bezwaar ...`, `Geachte heer, mevrouw,`), up to a line that
    is residue on its own evidence (a phrase, separators). A letter's head has its date on
    a line of its own (`Deventer, 3 oktober 2023`), not as a field (a forum post's
    `Erstellt am: 11.07.2023` over its `Hallo zusammen,`), and a salutation of two words
    or more (a fan-fiction page's `Notes:` is none)."""
    for j in (first - 1, first):
        if 0 <= j < len(scores) - 1 and scores[j].words >= 2 and _salutation(scores[j], scores[j + 1]):
            break
    else:
        return
    head = []
    for k in range(j, max(-1, j - 1 - _LETTER_HEAD), -1):
        s = scores[k]
        if s.strong or s.words > 12 or s.length >= 100:
            break
        head.append(s)
    if any(_dateline(s) and not s.key_value for s in head):
        for s in head:
            s.protected = s.protected or "letter"


def _sign_off_after_salutation(scores: list[LineScore], last: int, valedictions: frozenset[str] = frozenset()) -> None:
    """A letter's valediction, name and address after its last sentence belong to it.

    A mail or a letter that opens with a salutation (``_salutation``) closes with a sign-off:
    `Best regards,` / `Mit freundlichen Grüßen` and a name, a role, an address, in a few short
    lines that end the document (or the quoted message, `>` at the same depth as its
    salutation). Without such an opening, or with a strong line among them, or more of them,
    the lines after the article are judged as usual.
    """
    n = len(scores)
    tail = [s for s in scores[last + 1 :] if _quote_depth(s.text)[1]]  # `>` alone: a quoted blank
    # a valediction (`Mit freundlichen Grüßen`) may sign for a longer block: a name, a role, a
    # company, an address, a telephone number
    # (the valediction may end the core: `Com os melhores cumprimentos,` reads as prose)
    signed = any(normalize_line(_quote_depth(x.text)[1]) in valedictions for x in [scores[last], *tail[:1]])
    most = _SIGN_OFF_LINES if tail and signed else _SIGN_OFF_PLAIN
    if not tail or len(tail) > most or n - last - 1 > 2 * most:
        return
    depth = _quote_depth(tail[0].text)[0]
    if any(s.strong or s.length >= 100 or _quote_depth(s.text)[0] != depth for s in tail):
        return
    below = None  # the nearest line under ``scores[j]`` that quotes more than a blank
    for j in range(last, -1, -1):
        s = scores[j]
        text = s.text
        # most lines quote nothing: their depth is 0 and their body the line
        d, body = _quote_depth(text) if text[:1] in "> " else (0, text)
        if not body:
            continue
        if d != depth:
            return  # another message: its salutation does not open this one
        if below is not None and body.endswith(_SALUTATION_ENDS) and _salutation(s, below):
            for x in scores[last + 1 :]:
                x.protected = x.protected or "sign-off"
            return
        below = s


#: a signature's name: an academic or legal title before it (`Ing.`, `Mgr.`, `JUDr.`, `Dr.`), or
#: the mark of a signed original after it (`v. r.`, `m.p.`, `gez.`, `(signed)`, `s.r.`)
_SIGNED = compile_regex(
    r"^(?:(?:gez\.|sgd\.|signed|podpisano|potpisano)\s+)?(?:(?:Ing|Mgr|Bc|JUDr|MUDr|PhDr|RNDr|PaedDr|MVDr|ThDr|Dr|Prof|Doc|doc|"
    r"Dipl\.-Ing|Dipl|mgr|inż|dr|hab|prof|dott|avv|Lic|Mag|DI)\.\s*){1,3}\p{Lu}[\p{L}'’\-]+(?:\s+\p{Lu}[\p{L}'’\-]+){0,3}"
    r"(?:,?\s*(?:Ph\.?D\.|CSc\.|MBA|LL\.M\.))?(?:,?\s*(?:v\.\s?r\.|m\.\s?p\.|s\.\s?r\.|v\.\s?z\.|\(podpis\)|\(signed\)))?\s*$"
    r"|^\p{Lu}[\p{L}'’\-]+(?:\s+\p{Lu}[\p{L}'’\-]+){1,3},?\s*(?:v\.\s?r\.|m\.\s?p\.|s\.\s?r\.|\(podpis\)|\(signed\))\s*$"
    r"|^(?:gez\.|sgd\.)\s+\p{Lu}[\p{L}'’\-]+(?:\s+\p{Lu}[\p{L}'’\-]+){0,3}\s*$"
)
#: an agency's tag closing its copy, alone on the last line: `(ANSA).`, `(PAP)`, `(dpa/AFP)`
_AGENCY_TAG = compile_regex(r"^[ \t]*\([ \t]*\p{Lu}[\p{L}/.\-]{1,15}(?:[ \t]*/[ \t]*\p{Lu}[\p{L}.\-]{1,15})?[ \t]*\)\.?[ \t]*$")
#: the word that ends a play or a story, alone on the last line
_THE_END = frozenset([
    "the end", "end", "curtain", "fin", "rideau", "fine", "ende", "vorhang", "telón", "sipario", "pano", "einde", "doek",
    "koniec", "kurtyna", "konec", "конец", "занавес", "кінець", "завіса", "slut", "ridå", "loppu", "vége", "sfârșit",
    "τέλος", "son", "perde", "終", "終わり", "完", "剧终", "劇終", "끝", "hết", "tamat",
])
#: the most lines of the signatures after a text's last paragraph (two names with their roles, a place)
_SIGNED_BLOCK_LINES = 6


#: a year: a signing line dates the signing (a time alone, `[18:12]`, is a chat's)
_YEAR = compile_regex(r"(?<!\d)(?:1[89]\d\d|20\d\d)(?!\d)")


def _signing_date(s: LineScore) -> bool:
    """A short line with a year and at most 10 words, not strong: `Fait le 30 mai 2023.`"""
    return s.words <= 10 and s.length < 80 and not s.strong and s.digits >= 4 and _YEAR.search(s.text) is not None


def _signatures(scores: list[LineScore], last: int) -> None:
    """The signatures under a decree, a contract or a public notice belong to it.

    After the last paragraph, a few short lines (``_SIGNED_BLOCK_LINES``), none strong, that
    end the document: under the place and date of the signing (`Fait le 30 mai 2023.`), or
    among them a name signed the way official texts sign them (``_SIGNED``: `Ing. Jana
    Dvořáková, v. r.`, `gez. Anna Schmidt`), with the roles (`starostka`, `Bürgermeisterin`).
    A page's author box names an author without either.
    """
    tail = scores[last + 1 :]
    if tail and _AGENCY_TAG.match(tail[0].text):
        tail[0].protected = tail[0].protected or "agency"  # a wire story's closing `(ANSA).`
        tail = tail[1:]
    if tail and tail[-1].text.strip(" .*—–-").casefold() in _THE_END:
        tail[-1].protected = tail[-1].protected or "the end"  # a play's `RIDEAU`, a story's `The End`
        tail = tail[:-1]
    # the place and date of the signing above them (`Fait le 30 mai 2023.`, `Helsingissä 15
    # päivänä joulukuuta 2022`): the names under such a line sign the text
    dated = bool(tail) and _signing_date(tail[0])
    names = tail[1:] if dated else tail
    if (not names or len(names) > _SIGNED_BLOCK_LINES
            or any(s.strong or s.length >= 80 or s.digits for s in names)):
        return
    if not dated:
        # the first signature may stand in the article's last lines (its name reads as prose)
        dated = _signing_date(scores[last])
    block = scores[max(0, len(scores) - _SIGNED_BLOCK_LINES) :]
    if not dated and not any(_SIGNED.match(s.text) for s in block if s.length < 80):
        return
    for s in tail:
        s.protected = s.protected or "signature"


#: the most lines a label's block at the end of the document holds (a name, a role, a phone, a mail)
_LABEL_LINES = 5


def _fields_to_end(scores: list[LineScore], k: int) -> bool:
    """Whether the lines from ``scores[k]`` on are one short block that ends the document: at
    most ``_LABEL_LINES`` lines, none strong or long, no blank line between them. The label above
    such a block (`Contact presse :`, `Kontakt dla mediów:`) introduces it as a sentence ending
    with a colon introduces its list; a page's footer goes on, or holds its own strong lines."""
    n = len(scores)
    if n - k > _LABEL_LINES:
        return False
    return all(not s.strong and s.length < 120 and s.index == scores[x - 1].index + 1
               for x, s in enumerate(scores[k:], start=k))


#: after the article, how many lines a letter's closing formula may come (a `P.S.`, a
#: line of thanks that is no sentence)
_SIGN_OFF_REACH = 3
#: lines under the name that sign a letter with it: a title, a company, a telephone number
_SIGNATURE_LINES = 3


def _signature(scores: list[LineScore], vocab: StructureVocabulary, last: int, stop: int) -> None:
    """The end of a letter after the article: a closing formula (``valedictions``: `Regards,`,
    `Cordialement,`, `Mit freundlichen Grüßen`) on a line of its own, the name right under it
    (or after its comma: `Best, Marta`), and up to ``_SIGNATURE_LINES`` short lines under the
    name (a title, a company), the whole a paragraph of its own: a blank line or the end of
    the document after it. A formula with no name under it is no signature (`Thanks` over a
    share bar), nor one whose lines run on into a list (`Thanks`, `Most Popular` and headlines)."""
    if not vocab.valedictions:
        return
    for j in range(last + 1, min(stop, last + 1 + _SIGN_OFF_REACH)):
        s = scores[j]
        if s.strong or s.words > 8:
            return
        norm = s.norm or normalize_line(s.text)
        formula, comma, name = norm.partition(",")
        if formula.strip() not in vocab.valedictions:
            continue
        end = j  # the lines right under the formula, to the next blank line
        while end + 1 < stop and scores[end + 1].index == scores[end].index + 1:
            end += 1
        under = scores[j + 1 : end + 1]
        if comma and name.strip():
            named = _signs(s.text.partition(",")[2].strip())  # `Best regards, Marta Kowalska`
        else:
            named = bool(under) and not under[0].strong and _signs(under[0].text)
            under = under[1:]
        if (named and len(under) <= _SIGNATURE_LINES and (end + 1 == len(scores) or end + 1 < stop)
                and all(not t.strong and t.words <= 8 and t.length <= 80 and not _ends_sentence(t.text.rstrip("."))
                        for t in under)):
            for x in scores[j : end + 1]:
                x.protected = x.protected or "signature"
        return


def _signs(text: str) -> bool:
    """Whether ``text`` is a name that signs a letter: one to four words of letters (a
    hyphen, an apostrophe or an initial's dot inside), each opening with a capital in a
    script that has them (`Marta`, `Jean-Luc O'Neill`, `J. Smith`, `Анна Смирнова`)."""
    words = text.rstrip(".").split()
    return 0 < len(words) <= 4 and all(
        w.replace("-", "").replace("'", "").replace("’", "").replace(".", "").isalpha() and not w[0].islower()
        for w in words
    )


def _byline(vocab: StructureVocabulary, norm: str) -> tuple[int, str]:
    """(end of the byline prefix at the start of a normalized line or -1, the author's name or "").

    The name is the first two or three words after the prefix, up to a comma or a bar.
    Remembered per line: the head's lines are asked about twice per document, and a
    site's bylines repeat across its pages.
    """
    hit = vocab.bylines.get(norm)
    if hit is None:
        if len(vocab.bylines) >= _MEMO_MAX:
            vocab.bylines.clear()
        m = vocab.byline_re.match(norm) if norm.startswith(vocab.byline_starts) else None
        if m is None:
            hit = (-1, "")
        else:
            rest = _NAME_END.split(norm[m.end() :].strip())[0].split()[:3]
            name = " ".join(rest)
            hit = (m.end(), name if len(rest) >= 2 and len(name) >= 6 else "")
        vocab.bylines[norm] = hit
    return hit


def _author_box(scores: list[LineScore], vocab: StructureVocabulary, stop: int) -> None:
    """After the article, a short line naming the author of the byline is an author box."""
    if vocab.byline_re is None:
        return
    n = len(scores)
    names: set[str] = set()
    bylines: set[int] = set()  # the lines that gave the names
    start = next((j for j, s in enumerate(scores) if s.intrinsic < -2.0), n)
    for s in scores[: min(n // 2, start + 3) or 3]:
        if s.words > 12 or s.strong:
            continue
        norm = s.norm or normalize_line(s.text)
        name = _byline(vocab, norm)[1]
        if name:
            names.add(name)
            bylines.add(s.index)
    if not names:
        return
    heads = tuple(names)
    # only after half of the document's prose: the byline itself is at the top. A document
    # without prose (a poem, a list) has no article for a box to follow: its dateline
    # (`Publié le 20 février 2024`, whose "name" is the date) is not its own author box
    seen = list(accumulate([s.length if s.intrinsic < -1.0 else 0 for s in scores[:stop]]))
    if not seen or not seen[-1]:
        return
    found: list[LineScore] = []
    for s in scores[bisect_left(seen, 0.5 * seen[-1]) : stop]:
        if s.length >= 300 or s.index in bylines:
            continue
        low = s.norm or normalize_line(s.text)
        end = _byline(vocab, low)[0]
        if end >= 0:
            low = low[end:].strip()
        # "Jane Doe", "By Jane Doe", "Jane Doe covers city hall for…", "More by Jane Doe"
        if low.startswith(heads) or (s.length < 60 and any(name in low for name in names)):
            found.append(s)
    # an author box is one or two lines; the name on many lines is the credit of the
    # article's own pictures ("Dig a hole in the oasis. (Lucy Akins)")
    if len(found) > 2:
        return
    for s in found:
        s.intrinsic += 2.0
        s.cues.insert(0, "author box")
        s.strong = True


def _comment_section(scores: list[LineScore], vocab: StructureVocabulary) -> tuple[tuple[int, int] | None, int, str]:
    """(positions in ``scores`` of the comment section, number of cues, marker text)."""
    if vocab.comment_marker_re is None or len(scores) < 4:
        return None, 0, ""
    n = len(scores)
    seen = list(accumulate([s.length if s.intrinsic < -1 else 0 for s in scores]))
    # the article happens first: 30% of its prose, 300 characters
    for j in range(bisect_left(seen, max(0.3 * (seen[-1] or 1), 300)), n):
        s = scores[j]
        if s.length > 150 or not vocab.is_comment_marker(s.text):
            continue
        if _ZERO_COUNT.search(s.text):
            continue  # "Commentaires (0)": no comments follow
        window = scores[j + 1 : j + 41]
        if _article_run(window):
            continue  # a count of comments above the article ("11 Comments"), not the section
        explicit, strong, plain = _count_comment_cues(window, vocab)
        # a count in the marker ("Commentaires (10)") makes it certain; a bare
        # "Comments" heading needs clearer signs than names followed by text
        cues = explicit + strong + plain if _DIGIT.search(s.text) else explicit + strong
        if cues >= 2 and n - j - 1 >= 2:
            return (j, n - 1), cues, s.text
    return None, 0, ""


_ZERO_COUNT = compile_regex(r"[(\[]\s*0\s*[)\]]|^\s*0\s")
_NAME_END = compile_regex(r"[,;|·•(]")
_HANDLE = compile_regex(r"^(?=.*\p{L})@?[\p{L}\p{N}_.\-]{2,30}$|^\p{Lu}[\p{L}'’\-]+(?: \p{Lu}[\p{L}'’.\-]*){0,2}$")
# what user names look like and headings do not: digits, _, ., inner capitals, all lower case
_ODD_HANDLE = compile_regex(r"^@|[\d_.]|\p{Ll}\p{Lu}|^\p{Ll}+$|^\p{Lu}{2,5}$")


#: consecutive paragraphs without a user name, a date or a reply between them: an article
_ARTICLE_RUN = 4


def _article_run(window: Sequence[LineScore]) -> bool:
    run = 0
    for s in window:
        run = run + 1 if s.intrinsic < -2.0 and s.length >= 100 else 0
        if run >= _ARTICLE_RUN:
            return True
    return False


def _count_comment_cues(window: Sequence[LineScore], vocab: StructureVocabulary) -> tuple[int, int, int]:
    """(explicit cues, odd user names, plain names) among the lines after a marker."""
    explicit = strong = plain = 0
    for k, s in enumerate(window):
        if k == 4 and not (explicit or strong or plain):
            break  # comments start right after their marker; here comes an article
        if vocab.comment_cue_re is not None and vocab.comment_cue_re.match(s.text):
            explicit += 1
        elif s.length <= 30 and not s.ends_sentence and _HANDLE.match(s.text):
            # a user name followed by what they wrote
            nxt = window[k + 1] if k + 1 < len(window) else None
            if nxt is not None and (nxt.ends_sentence or nxt.length > 40):
                if _ODD_HANDLE.search(s.text):
                    strong += 1
                else:
                    plain += 1
    return explicit, strong, plain


def _blocks(scores: list[LineScore], comment: tuple[int, int] | None) -> list[Block]:
    out: list[Block] = []
    cur: list[LineScore] = []
    stop = len(scores) if comment is None else comment[0]

    def flush() -> None:
        if cur:
            zones = {s.zone for s in cur}
            zone = "tail" if "tail" in zones else "head" if zones == {"head"} else "core"
            out.append(Block(cur[0].index, cur[-1].index, zone, list(cur)))
            cur.clear()

    for s in scores[:stop]:
        if s.residue:
            cur.append(s)
        else:
            flush()
    flush()
    return out


def describe(block: Block) -> str:
    """The main cues of a block, for its message: 'UI text, no sentence punctuation'."""
    counts: dict[str, int] = {}
    for s in block.lines:
        for cue in s.cues[:2]:
            counts[cue] = counts.get(cue, 0) + 1
    # Counter.most_common's order (ties in order of first sight), without a Counter per block
    top = sorted(counts, key=counts.__getitem__, reverse=True)[:3]
    return ", ".join(top) if top else "short lines"


# -- the rules ----------------------------------------------------------------------

#: a source of strong line-level evidence: document -> {0-based line index: cue}
LineSource = Callable[[Document], Mapping[int, str]]
#: a function giving the 0-based lines of a document that belong to it whatever their shape
KeptLines = Callable[[Document], frozenset[int]]

_SCORER_OPTIONS: tuple[Option, ...] = (
    Option(
        "threshold",
        float,
        1.0,
        "Score from which a line is residue; lower finds more and flags more body text.",
        min=-5,
        max=10,
    ),
    Option(
        "min-core",
        int,
        150,
        "Smallest prose mass (about 4 per character of prose) that makes an article core; "
        "without a core nothing is flagged structurally.",
        min=0,
    ),
)


class _StructureRule(Rule):
    """Shared plumbing: packs of the ``residue-structure`` group, options, the cached analysis."""

    category = "residue"
    unit = "document"
    fixable = True
    pack_schema: ClassVar = PACK_SCHEMA
    pack_group: ClassVar = PACK_GROUP
    options = _SCORER_OPTIONS

    def __init__(self, sources: Sequence[LineSource] = (), keeps: Sequence[KeptLines] = ()) -> None:
        self.sources = tuple(sources)
        self.keeps = tuple(keeps)
        self.doc = inspect.cleandoc(type(self).__doc__ or "")

    def compile_packs(self, packs: Sequence[Pack]) -> StructureVocabulary:
        return compile_structure_packs(packs)

    def analysis(self, doc: Document, ctx: RuleContext) -> Analysis:
        # the three structural rules share their sources: their evidence is gathered once
        key = (tuple(map(id, self.sources)), tuple(map(id, self.keeps)))
        cached = doc.facts.get("_residue_evidence")
        if cached is not None and cached[0] == key:
            hits, kept = cached[1], cached[2]
        else:
            hits = {}
            for source in self.sources:
                for i, cue in source(doc).items():
                    hits.setdefault(i, cue)
            kept = frozenset().union(*(keep(doc) for keep in self.keeps))
            doc.facts["_residue_evidence"] = (key, hits, kept)
        params = Params(
            threshold=ctx.options.get("threshold", 1.0),
            min_core=ctx.options.get("min-core", 150),
        )
        return analyze(doc, ctx.vocabulary, hits, params=params, kept=kept)

    def _block_violation(self, doc: Document, first: int, last: int, message: str) -> Violation:
        starts = doc.line_starts
        start = starts[first]
        end = starts[last] + len(doc.lines[last])
        cut = starts[last + 1] if last + 1 < len(starts) else len(doc.text)
        return Violation(message, start, end, Fix("Delete the block", (Edit(start, cut, ""),), safe=False))


def _span(first: int, last: int) -> str:
    return f"line {first + 1}" if first == last else f"lines {first + 1}-{last + 1}"


class TrailingResidue(_StructureRule):
    """A block of page residue after the last paragraph of the article.

    ## What it does
    Scores every line from weak, language-independent cues (length, sentence
    punctuation, share of function words, capitals, digits, separators such as
    `|` or `›`, links, repetition, phrase-pack matches), finds the article's
    core (the densest run of prose) and reports the run of residue lines after
    it as one block: related links, "follow us", share bars, the site's name,
    a login prompt, widget labels, an author box. The article runs to its last
    sentence (steps, instructions and captions of a how-to are not residue;
    in Thai and Lao, which end sentences with a space, a paragraph of its own
    right after the article) unless a strong line (a phrase-pack match, a
    credit, an author box) comes first. A list introduced by the last
    paragraph (`… :`) belongs to the article, and so do the few lines a short
    label ending with a colon puts at the document's end (a press release's
    `Contact presse :`, a name, a phone, a mail) and the end of a letter: a
    closing formula of the packs (`Regards,`, `Mit freundlichen Grüßen`) with
    the name under it and a title or a company under the name, or the
    sign-off (valediction, name, address) of a letter or mail that opens with
    a salutation (`Dear Marta,`, `Estimado señor:`); in a chat or log whose
    core's lines open with a time, the lines around it that open with one too
    are its messages. A comment section is left to `comment-section` (RES010).

    ## Why it matters
    What a page prints after the article has this shape in every language,
    whether or not a pack lists its words; it repeats across the site's pages
    and teaches a model to end every text with `Suivre notre journal`.

    ## Example
    ```text
    seeds/001.txt:24:1: RES008 [trailing-residue] 3 lines of page residue after the article (lines 24-28): no sentence punctuation, UI text, title case
    ```

    ## Fix
    Delete the block (unsafe fix). Raise `threshold` if body text is flagged,
    lower it to find more.
    """

    code = "RES008"
    name = "trailing-residue"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        a = self.analysis(doc, ctx)
        for b in a.blocks:
            if b.zone != "tail":
                continue
            n = b.size
            yield self._block_violation(
                doc, b.first, b.last,
                f"{n} line{'s' if n > 1 else ''} of page residue after the article ({_span(b.first, b.last)}): {describe(b)}",
            )


class ResidueBlock(_StructureRule):
    """Lines of page residue before or inside the article: menus, breadcrumbs, bylines, share bars.

    ## What it does
    Uses the same line scorer as `trailing-residue` (RES008) and reports every
    run of residue lines before the article's core (menus, breadcrumbs such as
    `Accueil > Monde > Europe`, account and share bars, image credits) or
    inside it (an advertisement, a "read also" box), one finding per run.
    Inside the article a block needs strong evidence: a line a phrase rule
    reports or a bar of links at its edge, or lines the page prints elsewhere;
    tables, lists of short items and tables of contents of the article are
    not residue. Headings (a short line followed by prose), dialogue, the
    title and the dateline are not residue either. A single line that a
    phrase rule already reports is not reported again.

    ## Why it matters
    Navigation and widget text is not part of any document; it is the same on
    every page of a site, in whatever language the site is written, and it
    breaks the text where it sits.

    ## Example
    ```text
    page.txt:2:1: RES009 [residue-block] 6 lines of page residue before the article (lines 2-7): no sentence punctuation, title case
    ```

    ## Fix
    Delete the block (unsafe fix). Raise `threshold` if headings are flagged.
    """

    code = "RES009"
    name = "residue-block"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        a = self.analysis(doc, ctx)
        for b in a.blocks:
            if b.zone == "tail":
                continue
            if b.size == 1 and b.lines[0].phrase:
                continue  # already reported, line by line, by its phrase rule
            n = b.size
            where = "before" if b.zone == "head" else "inside"
            yield self._block_violation(
                doc, b.first, b.last,
                f"{n} line{'s' if n > 1 else ''} of page residue {where} the article ({_span(b.first, b.last)}): {describe(b)}",
            )


class CommentSection(_StructureRule):
    """A comment section after the article: user names, dates and replies, as one block.

    ## What it does
    Looks, after the bulk of the article's prose, for a comment-section marker
    (`Commentaires (10)`, `12 comments`, `Réagir`, `Kommentare`,
    `Comentarios`, `Leave a reply`; from the `comment-markers` of the
    `residue-structure` packs) followed within 40 lines by at least
    `min-cues` signs of comments: user-name lines followed by text, `Reply`,
    `Répondre`, `Antworten`, timestamps such as `il y a 3 heures`. Reports
    one finding from the marker to the end of the document. A marker with a
    count of zero (`Commentaires (0)`) starts nothing, nor does a counter
    above an article (four paragraphs in a row follow it).

    ## Why it matters
    Comments are other people's texts, in another register, often another
    language, with user names between them: they are not the article, and as
    forty separate findings they would drown the report.

    ## Example
    ```text
    seeds/000.txt:40:1: RES010 [comment-section] comment section (lines 40-97) after the article: 10 user names, replies or timestamps
    ```

    ## Fix
    Delete the section (unsafe fix), or keep comments in a corpus of their own.
    """

    code = "RES010"
    name = "comment-section"
    severity = Severity.WARNING
    options = (
        *_SCORER_OPTIONS,
        Option("min-cues", int, 2, "Fewest user names, replies or timestamps after the marker.", min=1),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        a = self.analysis(doc, ctx)
        if a.comment is None or a.comment_cues < ctx.options["min-cues"]:
            return
        first, last = a.comment
        yield self._block_violation(
            doc, first, last,
            f"comment section ({_span(first, last)}) after the article: {a.comment_cues} user names, replies or timestamps",
        )


#: characters at the start of a line looked at for the document's own function words
_OWN_WINDOW = 240
# a line that opens with a quotation mark is the article quoting someone, in any language
_QUOTE_OPENERS = "«“„‘\"'‹»"


_TOKEN_EDGES = "\"'“”„‘’«»‹›()[]{}.,;:!?…"
#: an entry of a bibliography: a surname and initials first (`Rahman, M. A.;`, `[3] Smith, J.,`,
#: `Roloff A,`), a year in it: it cites a work in the work's own language
_REFERENCE = compile_regex(
    r"^(?:\[\d{1,3}\]\s*|\d{1,3}\.\s+)?\p{Lu}[\p{L}'’\-]+(?:\s\p{Lu}[\p{L}'’\-]+)?,?\s(?:\p{Lu}\.?\s?-?){1,3}[,;:&(]"
)
_REFERENCE_YEAR = re.compile(r"(?<!\d)(?:1[5-9]|20)\d\d[a-z]?(?!\d)")


def _prose_tokens(tokens: Sequence[str]) -> bool:
    """Whether words of three letters or more are two in five of ``tokens``: not a formula
    (`( A + B ) i j = A i j + B i j`) nor an index of letters (`A B C D ... Z`), whose
    one-letter words read as the stopwords of some language (Polish `a`, `i`, `w`, `z`)."""
    words = sum(1 for t in tokens if len(t) >= 3 and t.strip(_TOKEN_EDGES).isalpha())
    return words * 5 >= len(tokens) * 2


def _holds_three(words: frozenset[str], text: str) -> bool:
    """At least three different ``words`` among the words of ``text``: the words are looked at
    up to the third (a line in the document's language holds them early)."""
    found: set[str] = set()
    for w in text.split():
        if w in words:
            found.add(w)
            if len(found) == 3:
                return True
    return False


class ForeignLanguageLine(Rule):
    """A long line in another language than the document, in the same script: an English tweet in a French article.

    ## What it does
    Guesses the document's language and, for each line of at least
    `min-length` characters and `min-words` words, the line's language from
    its function words (`corpuslint.langid`, checked against the
    `function-words` of the `residue-structure` packs when both languages
    have some). Reports the line when it is clearly in another language
    written in the same script. Short lines, lines made of names (too few
    function words), lines that open with a quotation mark, quotations
    inside a sentence (`Il a écrit « we will never give up » hier.`) and
    lines with fewer than two words in five of three letters or more
    (formulas, letter indexes: their one-letter symbols read as Polish
    `a i w z`), and entries of a bibliography (`Rahman, M. A.; Moser, A. (2020):
    Comparing …`: authors with initials first, a year) are not reported. A line
    in another script is `foreign-script-line` (RES002).

    ## Why it matters
    A whole line in another language inside an article is usually pasted
    from elsewhere: an embedded post, a widget, the page's other language
    version. It skews language identification and per-language statistics.
    The severity is `info`: a bilingual text is legitimate.

    ## Example
    ```text
    seeds/004.txt:7:1: RES011 [foreign-language-line] line in English in a French document
    ```

    ## Fix
    Delete the line if it is an embed (unsafe fix), or keep it if the
    document is bilingual by design.
    """

    code = "RES011"
    name = "foreign-language-line"
    category = "residue"
    severity = Severity.INFO
    unit = "document"
    fixable = True
    pack_schema: ClassVar = PACK_SCHEMA
    pack_group: ClassVar = PACK_GROUP
    options = (
        Option("min-length", int, 60, "Shortest line (characters) whose language is judged.", min=10),
        Option("min-words", int, 8, "Fewest words a line needs before its language is judged.", min=3),
        Option(
            "min-confidence", float, 0.75,
            "Share of the line's function-word hits that must point to the other language.", min=0, max=1,
        ),
    )

    def __init__(self) -> None:
        self.doc = inspect.cleandoc(type(self).__doc__ or "")

    def compile_packs(self, packs: Sequence[Pack]) -> StructureVocabulary:
        return compile_structure_packs(packs)

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        lang, conf = doc.language_guess
        if lang == "und" or conf < 0.5:
            return
        from corpuslint.langid import guess_language, line_script

        vocab: StructureVocabulary = ctx.vocabulary or StructureVocabulary()
        min_len = ctx.options["min-length"]
        min_words = ctx.options["min-words"]
        min_conf = ctx.options["min-confidence"]
        main = doc.script
        starts = doc.line_starts
        own = vocab.own_words.get(lang)
        for i, line in enumerate(doc.lines):
            if len(line) < min_len:
                continue
            text = line.strip()
            if len(text) < min_len or text[0] in _QUOTE_OPENERS:
                continue
            # three function words that only the document's language uses in its first words:
            # the line is (at least partly) in that language, and a quotation inside it is
            # not reported; a look at its first words instead of a language guess
            if own and _holds_three(own, text[:_OWN_WINDOW]):
                continue
            script, _ = line_script(text)
            tokens = text.split()
            if script != main or len(tokens) < min_words or not _prose_tokens(tokens):
                continue
            other, c = guess_language(text, script)
            if other in ("und", lang) or c < min_conf:
                continue
            mine, theirs = vocab.function_words.get(lang), vocab.function_words.get(other)
            if mine and theirs:
                # the packs' longer lists must agree: many more function words of the other language
                tokens = [t.casefold() for t in _FW_TOKEN.findall(text)]
                hits_other = sum(1 for t in tokens if t in theirs and t not in mine)
                hits_mine = sum(1 for t in tokens if t in mine and t not in theirs)
                if hits_other < 3 or hits_other < 2 * hits_mine:
                    continue
            if _REFERENCE.match(text) and _REFERENCE_YEAR.search(text):
                continue  # a bibliography's entry: the cited title keeps its language
            start = starts[i] + (len(line) - len(line.lstrip()))
            end = starts[i] + len(line.rstrip())
            cut = starts[i + 1] if i + 1 < len(starts) else end
            yield Violation(
                f"line in {LANGUAGE_NAMES.get(other, other)} in a {LANGUAGE_NAMES.get(lang, lang)} document",
                start,
                end,
                Fix("Delete the line", (Edit(starts[i], cut, ""),), safe=False),
            )
