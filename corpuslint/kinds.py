"""Data-driven rule kinds: rules whose knowledge lives in TOML packs.

``phrases``: whole lines, line prefixes and regex patterns, with exceptions.
Built-in residue rules are instances of it; a user pack with ``kind = "phrases"``
and its own ``code``/``name``/``category`` defines a new rule of the same kind.
"""

from __future__ import annotations

import bisect
import functools
import inspect
import operator
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import regex

from corpuslint.model import Document, Edit, Fix, Severity, Violation
from corpuslint.packs import Pack, PackError
from corpuslint.patterns import compile_regex
from corpuslint.rule import Option, Rule, RuleContext

__all__ = ["KINDS", "PhraseMatch", "PhraseRule", "normalize_line", "normalized_lines", "rule_from_pack"]

_STRIP = (
    " \t\u00a0\u202f\u2009\u200b•·*-–—>|:.…!?,;›»«‹()[]{}\"'“”„\u3000：！？。，、；｜【】「」『』《》〈〉（）［］〔〕・▶▷►"
    # the Arabic script's question mark, comma and semicolon, Urdu's full stop; the marks of
    # direction (LRM, RLM) and the zero-width non-joiner that right-to-left sites leave at a line's ends
    "؟،؛۔\u200e\u200f\u200c"
)


#: what may follow a prefix written with one of them (``Read more:``, ``Lire aussi :``,
#: ``Advertisement -``): any of them, after spaces
_SEPARATORS = frozenset(":-–—|›»>/：｜】》－＞／")


_WIDE_SEPARATOR = re.compile("[：｜】》－＞／]")


def _unspaced(c: str) -> bool:
    """Whether ``c`` is a letter of a script written without spaces between words (Han, kana,
    Thai, Lao, Myanmar, Khmer): a prefix starting with one is looked up by its first character,
    not its first word, and a prefix ending with one, or followed by one, needs no word
    boundary after it."""
    return (
        "\u3040" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" or "\uff66" <= c <= "\uff9f"
        or "\u0e00" <= c <= "\u0eff" or "\u1000" <= c <= "\u109f" or "\u1780" <= c <= "\u17ff"
        or "\U00020000" <= c <= "\U0003134f"
    )


def _separator_follows(norm: str, k: int) -> bool:
    """Whether a separator (``_SEPARATORS``) comes at ``norm[k:]``, after spaces."""
    return norm[k:].lstrip()[:1] in _SEPARATORS


def _colon_key(norm: str, prefix_index: dict[str, list[str]]) -> list[str]:
    """The prefixes of a line whose first word ends with a separator (``related: ...``)."""
    word = _first_word(norm)
    if word[-1:] not in _SEPARATORS:
        # a full-width separator is written without a space after it (관련기사：...)
        if word.isascii() or (cut := _WIDE_SEPARATOR.search(word)) is None:
            return []
        word = word[: cut.start()]
    return [p for p in prefix_index.get(word.rstrip("".join(_SEPARATORS)), ()) if " " not in p]


#: what may close a sentence after its final mark (``."``, ``.)``, ``.»``)
_CLOSERS = "\"'”’»)]）」』"


def _prose_after_link(line: str, following: str) -> bool:
    """Whether a line that opens with a link prefix (``Lees ook``, ``Leia também``, ``See also``)
    and no separator after it goes on as a sentence of the text rather than as a title: it ends
    with a full stop (``.``, ``।``, ``。``, Urdu's ``۔``; not an ellipsis, and not ``?`` or ``!``, which
    headlines have), or it goes on, without a blank line, on a line that starts in lower case
    (a paragraph wrapped in the middle of its sentence). A title (``Leia também Título de outra
    notícia``, ``Read also Why the markets fell?``) ends without a full stop."""
    s = line.rstrip().rstrip(_CLOSERS)
    if s.endswith((".", "।", "。", "۔")) and not s.endswith(("..", "…")):
        return True
    nxt = following.lstrip()[:1]
    return nxt.islower()


#: lines (not blank) a reference work's `See also` list may hold before its references
_SECTION_ITEMS = 40
#: a topic of that list: at most this many words, no sentence
_TOPIC_WORDS = 12
#: lines of three words or more under a references heading where a citation is looked for
_CITATION_REACH = 4
#: what a citation or a footnote holds: a year, a note's number in brackets, an ISBN, a DOI
_CITATION = re.compile(r"(?<!\d)(?:1[5-9]\d\d|20\d\d)(?!\d)|\[\d{1,3}\]|\bISBN\b|\bdoi\b", re.IGNORECASE)


def _closing_sections(lines: list[str], norms: list[str], i: int, references: frozenset[str]) -> int:
    """The last line of a reference work's closing sections that line ``i`` (a ``section-lines``
    heading such as ``See also``) opens, or -1.

    An encyclopedia article ends with `See also`, a short list of topics (names, not headlines:
    at most ``_TOPIC_WORDS`` words, no sentence punctuation at the end), then a heading of
    ``references`` (`References`, `Notes`, `Bibliographie`) with citations under it (a line of
    three words or more with a year, a note's number in brackets, an ISBN or a DOI, among the
    first ``_CITATION_REACH`` such lines). A news page's `See also` block of headlines is
    followed by the page's footer, not by citations; a table of contents lists the two
    headings with nothing but numbers between them. The span runs from the heading through the
    references heading (the citations are sentences and fields the scorer keeps)."""
    k = i + 1
    items = topics = 0
    while k < len(lines):
        line = lines[k].strip()
        if line:
            if norms[k] in references:
                break
            items += 1
            words = line.split()
            if items > _SECTION_ITEMS or len(words) > _TOPIC_WORDS or line.rstrip(_CLOSERS).endswith(tuple(".!?…:")):
                return -1
            topics += any(map(str.isalpha, line))
        k += 1
    if k == len(lines) or not topics:
        return -1  # no references; or no topic between (`See also`, `7`, `References`: a table of contents)
    seen = 0
    for j in range(k + 1, len(lines)):
        line = lines[j].strip()
        if not line:
            continue
        if norms[j] in references:
            continue  # `Notes` then `References`
        if len(line.split()) < 3:
            continue  # a note's mark (`^`), a link's `[edit]`
        seen += 1
        if seen > _CITATION_REACH:
            break
        if _CITATION.search(line) is not None:
            return k
    return -1


def _first_word(s: str) -> str:
    return s.split(" ", 1)[0]


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


#: spellings of one word that sites mix, folded to one (after ``casefold``), so that one pack
#: entry matches them all: Turkish dotted and dotless i (``İ`` casefolds to ``i`` and a combining
#: dot, ``I`` to ``i``, ``ı`` stays), Greek accents (``ΔΙΑΒΑΣΤΕ`` has none; the final sigma is
#: folded by ``casefold``), Romanian s and t with a cedilla or a comma below, and the Arabic
#: normalization of search engines: alef with hamza or madda -> alef, alef maksura -> ya,
#: ta marbuta -> ha, no tatweel, no short vowels or tanwin; and Persian's and Urdu's: the Arabic
#: kaf and yeh that an Arabic keyboard types (ك ي, and alef maksura) -> the Persian ک ی, and the
#: zero-width non-joiner inside a compound (اشتراک‌گذاری) -> the space sites type instead
#: (اشتراک گذاری); the spelling written without either (اشتراکگذاری) is another line
_FOLD = {
    "ı": "i", "\u0307": "",
    "ά": "α", "έ": "ε", "ή": "η", "ί": "ι", "ό": "ο", "ύ": "υ", "ώ": "ω",
    "ϊ": "ι", "ϋ": "υ", "ΐ": "ι", "ΰ": "υ",
    "ş": "ș", "ţ": "ț",
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ی", "ي": "ی", "ك": "ک", "ة": "ه", "\u0640": "",
    **dict.fromkeys(map(chr, range(0x064B, 0x0653)), ""), "\u0670": "", "\u200c": " ",
}
#: the characters of ``_FOLD``: a line holding none is not folded (most lines); in one that
#: does, each is replaced (a few distinct ones per line: faster than ``str.translate``)
_FOLDABLE = re.compile("[" + "".join(_FOLD) + "]")


def normalize_line(line: str) -> str:
    """Casefolded line without surrounding punctuation and with single spaces; ``’`` -> ``'``;
    variant spellings folded (``_FOLD``)."""
    s = line.strip(_STRIP)
    if not s:
        return ""
    if not s.isascii():
        s = unicodedata.normalize("NFC", s).replace("’", "'").replace("ʼ", "'").casefold()
        found = _FOLDABLE.findall(s)
        if found:
            for c in set(found):
                s = s.replace(c, _FOLD[c])
            if not s.strip(_STRIP):
                return ""
    else:
        s = s.casefold()
    # str.split() splits on the same Unicode white space as the pattern \s+ did, in C; a
    # line without two spaces in a row and without other white space (not printable) is
    # already as it would come out
    if "  " in s or not s.isprintable():
        s = " ".join(s.split())
    return s


#: lines longer than this (characters) are not normalized by ``normalized_lines``: no
#: phrase, counter or shared boilerplate line is that long, and the residue family must
#: not spend its time on the article's paragraphs (issue #5: residue checks must stay cheap)
NORMALIZED_MAX = 400


@dataclass(frozen=True)
class _Entry:
    phrase: str
    message: str | None
    safe: bool
    language: str
    #: a line of ``section-lines``: not flagged where it heads a reference work's closing sections
    section: bool = False
    #: the ``exceptions`` of the entry's pack, as one regex (None: none): a line it finds
    #: something in is not flagged by this entry (the breadcrumb pack's "a sentence inside" must
    #: not exempt a two-sentence cookie banner of another pack)
    exceptions: Any = field(default=None, compare=False)


@dataclass(frozen=True)
class PhraseMatch:
    """One match of a phrase rule: character offsets, the matched text, and whether it is the whole line."""

    start: int
    end: int
    matched: str
    entry: _Entry
    whole_line: bool
    line: int = -1  # 0-based index of the line it is on


def normalized_lines(doc: Document) -> list[str]:
    """``normalize_line`` of every line of ``doc`` up to ``NORMALIZED_MAX`` characters ("" for
    longer ones), computed once per document and shared by the rules (``doc.facts``)."""
    norms: list[str] | None = doc.facts.get("_normalized_lines")
    if norms is None:
        norms = doc.facts["_normalized_lines"] = [
            normalize_line(ln) if ln and len(ln) <= NORMALIZED_MAX else "" for ln in doc.lines
        ]
    return norms


Row = tuple[int, int, int, str, str]


class LineTable:
    """What the phrase rules need of each non-empty line, computed once per document.

    ``rows``: (index, length, characters other than spaces and tabs, ``normalize_line`` or
    "" past ``NORMALIZED_MAX``, ``_line_prefix``), the shortest lines (fewest such
    characters) first, so that a rule reads only the lines short enough for its phrases
    and patterns, and the longer ones whose first characters can start a match.
    """

    __slots__ = ("rows", "widths")

    def __init__(self, doc: Document) -> None:
        norms = normalized_lines(doc)
        # a tab is rare: looking for one is a tenth of the price of counting them; the memo
        # of _line_prefix is read here, without a call per line
        heads = _HEADS
        rows = [
            (
                i,
                len(ln),
                len(ln) - ln.count(" ") - (ln.count("\t") if "\t" in ln else 0),
                norms[i],
                heads.get(ln.lstrip(" \t")[:2]) or _line_prefix(ln),
            )
            for i, ln in enumerate(doc.lines)
            if ln
        ]
        rows.sort(key=_WIDTH)
        self.rows: list[Row] = rows
        self.widths = list(map(_WIDTH, rows))

    def select(self, width: int, prefixes: frozenset[str] | None) -> list[Row]:
        """The rows of at most ``width`` characters (spaces aside), and the longer ones whose
        prefix, or its first character, is in ``prefixes`` (all of them when ``prefixes`` is None)."""
        if prefixes is None:
            return self.rows
        k = bisect.bisect_right(self.widths, width)
        longer = _starting(self.rows[k:], prefixes) if prefixes else []
        return self.rows[:k] + longer if longer else self.rows[:k]

    def starting(self, prefixes: frozenset[str]) -> list[Row]:
        """The rows whose prefix, or its first character, is in ``prefixes``."""
        return _starting(self.rows, prefixes) if prefixes else []


#: a row's characters other than spaces and tabs
_WIDTH = operator.itemgetter(2)


def _starting(rows: list[Row], prefixes: frozenset[str]) -> list[Row]:
    """The rows of ``rows`` whose prefix, or its first character, is in ``prefixes``, in order."""
    return [r for r in rows if r[4] in prefixes or r[4][:1] in prefixes]


def line_table(doc: Document) -> LineTable:
    """The ``LineTable`` of ``doc`` (shared by the phrase rules)."""
    table: LineTable | None = doc.facts.get("_line_table")
    if table is None:
        table = doc.facts["_line_table"] = LineTable(doc)
    return table


def _lower_text(doc: Document) -> str | None:
    """``doc.text.lower()``, or None when the text holds a character that lower case and the
    regex module's IGNORECASE fold apart (``ſ`` is ``s`` to a pattern): a literal searched in
    the lower-cased text could then miss a line a pattern matches."""
    low: str | None = doc.facts.get("_lower_text", "")
    if low == "":
        low = None if _folds_apart(doc) else doc.text.lower()
        if low is not None and "\u03c2" in low:
            # a capital sigma that ends a word lowers to "ς", which IGNORECASE matches with
            # "σ" (the text held no "ς" of its own: _folds_apart); no literal holds "ς"
            low = low.replace("\u03c2", "\u03c3")
        doc.facts["_lower_text"] = low
    return low


def _folds_apart(doc: Document) -> bool:
    """Whether the text holds one of ``_FOLDS_APART`` (computed once per document)."""
    apart: bool | None = doc.facts.get("_folds_apart")
    if apart is None:
        text = doc.text
        apart = doc.facts["_folds_apart"] = not text.isascii() and _FOLDS_APART.search(text) is not None
    return apart


#: the characters whose case fold is one other character than their lower case (``ſ``, ``µ``,
#: ``ς``, Cherokee letters ...): str.lower() and IGNORECASE disagree on them
_FOLDS_APART = re.compile(
    "[\xb5\u017f\u0345\u03c2\u03d0\u03d1\u03d5\u03d6\u03f0\u03f1\u03f5\u13a0-\u13f5\u13f8-\u13fd"
    "\u1c80-\u1c88\u1e9b\u1fbe\uab70-\uabbf]"
)


@functools.lru_cache(maxsize=256)
def _literal_marks(lit: str) -> tuple[str, Any]:
    """The ASCII characters of ``lit`` other than letters (no lower case is one of them but
    themselves), and a regex finding them as they stand in ``lit``, any characters between
    them (None without any)."""
    marks = [(k, ch) for k, ch in enumerate(lit) if ch.isascii() and not ch.isalpha()]
    if not marks:
        return "", None
    parts = [re.escape(marks[0][1])]
    for (k0, _), (k, ch) in zip(marks, marks[1:]):
        parts.append(f".{{{k - k0 - 1}}}{re.escape(ch)}" if k - k0 > 1 else re.escape(ch))
    return "".join(dict.fromkeys(ch for _, ch in marks)), re.compile("".join(parts), re.DOTALL)


def _lines_holding(doc: Document, literals: tuple[str, ...]) -> list[int] | None:
    """0-based indexes of the lines that hold one of ``literals`` (lower case), ignoring case;
    None when lower case changes the text's length (offsets would not map to lines)."""
    found: set[int] = set()
    text = doc.text
    for lit in literals:
        marks, skeleton = _literal_marks(lit)
        # without a letter there is no case to ignore
        if lit.upper() == lit:
            if not all(ch in text for ch in marks):
                continue
            hay = text
        else:
            # "İ" is the one character whose lower case is longer: offsets would move
            if "\u0130" in text:
                return None
            # every other lower case is one character, and no lower case is an ASCII digit or
            # punctuation: a text without the literal's ones as they are, and as far apart,
            # does not hold it, and need not be put in lower case (nor searched for a character
            # that folds apart: IGNORECASE too matches those ones only as they are)
            if not all(ch in text for ch in marks):
                continue
            if skeleton is not None and skeleton.search(text) is None:
                continue
            low = _lower_text(doc)
            if low is None:
                return None
            hay = low
        mark_lines(hay, lit, doc.line_starts, found)
    return sorted(found)


def mark_lines(hay: str, lit: str, line_starts: list[int], found: set[int]) -> None:
    """Add to ``found`` the 0-based lines (``line_starts``: their offsets) of ``hay`` holding ``lit``."""
    i = hay.find(lit)
    while i != -1:
        line = bisect.bisect_right(line_starts, i) - 1
        found.add(line)
        nxt = line_starts[line + 1] if line + 1 < len(line_starts) else len(hay)
        i = hay.find(lit, nxt)


@dataclass(frozen=True)
class _Anchored:
    """A pattern anchored at a line start, with what a line needs before it is tried."""

    regex: Any
    entry: _Entry
    width: int | None  # most characters other than spaces and tabs of a line it matches
    prefixes: frozenset[str] | None  # first characters (``_line_prefix``) of a line it matches
    required: tuple[str, ...] | None  # characters one of which a line it matches holds, or None
    #: for a pattern opening with an optional group: (the first characters, as
    #: ``_line_prefix`` writes them, of the lines it matches without the group, the
    #: characters one of which the group holds)
    opening: tuple[frozenset[str], tuple[str, ...]] | None = None
    #: for a pattern ending with ``X$`` (``X`` one character, or a repeat of one at least
    #: once, of a class of ASCII characters other than letters): (``X`` negated, its characters)
    last: tuple[bool, frozenset[str]] | None = None

    def may_end(self, line: str) -> bool:
        """False when the last character of ``line`` cannot end a match (it must end the line)."""
        if self.last is None or not line:
            return True
        negated, chars = self.last
        return (line[-1] in chars) is not negated

    def may_open(self, line: str, head: str) -> bool:
        """False when the optional group can neither be skipped nor taken at the start of
        ``line``, whose ``_line_prefix`` is ``head``."""
        if self.opening is None:
            return True
        starts, chars = self.opening
        # a head not in ASCII may come from "İ", which IGNORECASE takes for "i": tried
        return _holds_any(line, chars) or head in starts or head[:1] in starts or not head.isascii()


def _holds_any(line: str, chars: tuple[str, ...]) -> bool:
    """Whether ``line`` holds one of ``chars`` (a search for each is several times faster
    than one for a character class)."""
    for ch in chars:  # noqa: SIM110 - any() over a generator costs more than the searches
        if ch in line:
            return True
    return False


@dataclass
class PhraseVocabulary:
    exact: dict[str, _Entry]
    prefix_index: dict[str, list[str]]  # first word -> prefixes starting with it, longest first
    prefix_entries: dict[str, _Entry]
    pattern_re: Any  # the patterns that are not anchored at a line start: regex over the whole text, or None
    pattern_entries: list[tuple[Any, _Entry]]
    #: anchored patterns (``^...``), matched at the start of each line; ``bounded`` ones also
    #: end with ``$`` and match a known number of characters other than spaces and tabs at
    #: most, so longer lines (the article's paragraphs) skip them
    anchored: tuple[_Anchored, ...] = ()
    #: the widest line (characters other than spaces) a bounded pattern can match, and the
    #: first characters (``_line_prefix``) of the other anchored patterns (None: any)
    widest: int = 0
    anchored_prefixes: frozenset[str] | None = None
    #: the first characters of all anchored patterns, bounded or not (None: one starts anywhere)
    anchored_heads: frozenset[str] | None = None
    #: substrings (lower case) one of which a line must hold for ``pattern_re`` to match in
    #: it (only those lines are searched); None when a pattern has no such literal
    literals: tuple[str, ...] | None = None
    #: prefixes written with a separator after them (``Related:``, ``Advertisement -``): a
    #: line matches them only where such a separator follows (``Related to each other: ...``
    #: is a sentence)
    separated: frozenset[str] = frozenset()
    #: prefixes that introduce the title of another page (``Lees ook``, ``Leia também``,
    #: ``See also``), written without a separator: a line where no separator follows them
    #: matches only if the rest reads as a title, not as the end of a sentence (``Lees ook de
    #: brief die de minister stuurde.`` is prose; see ``_prose_after_link``)
    linking: frozenset[str] = frozenset()
    #: the headings of a reference work's notes (``references``, ``bibliographie``): under one,
    #: citations; before it, a ``section-lines`` heading (``see also``) and its list of topics
    #: belong to the document (see ``_closing_sections``)
    references: frozenset[str] = frozenset()
    #: first character -> the prefixes starting with a letter of a script written without
    #: spaces (Chinese, Japanese, Thai), longest first: a line of such a script is looked up
    #: by its first character (its "first word" is most often the whole line)
    unspaced_index: dict[str, list[str]] = field(default_factory=dict)
    #: prefixes ending with such a letter: no word boundary is needed after them
    unbounded: frozenset[str] = frozenset()
    #: the exceptions of packs that hold no entry of their own: a line they find something in
    #: is not flagged by any entry (None: none)
    silenced: Any = None
    #: line head (``_line_prefix``) -> the anchored patterns a line with that head can
    #: match, in order, and their gate (see ``_gate``); filled on first use of each head
    #: (see ``anchored_for``)
    by_head: dict[str, tuple[tuple[_Anchored, ...], tuple[int, tuple[str, ...] | None] | None]] = field(
        default_factory=dict
    )
    #: line -> what ``first_anchored`` found in it (``()``: nothing), for the lines that come
    #: back: a site prints its menus and credits on every page
    anchored_hits: dict[str, tuple[()] | tuple[_Entry, int, int]] = field(default_factory=dict)
    #: the first characters that a pattern names (its own, or its optional opening's starts),
    #: and what ``anchored_for`` gives the other heads, ASCII (True) or not
    named_heads: frozenset[str] | None = None
    unnamed: dict[bool, tuple[tuple[_Anchored, ...], tuple[int, tuple[str, ...] | None] | None]] = field(
        default_factory=dict
    )

    def first_anchored(self, line: str, nonblank: int, head: str) -> tuple[()] | tuple[_Entry, int, int]:
        """(entry, start, end) of the first anchored pattern with a non-empty match at the start
        of ``line`` that its pack's exceptions let through, as an alternation of them would find
        it, or ``()``; ``nonblank`` and
        ``head`` are the line's characters other than spaces and tabs and its ``_line_prefix``."""
        # the by_head lookup inline: this runs on every short line, for each phrase rule
        candidates, gate = self.by_head.get(head) or self.anchored_for(head)
        if not candidates:
            return ()
        hit = self.anchored_hits.get(line)
        if hit is None:
            hit = ()
            # a line too wide for all of them, or without any character one of them needs,
            # is not looked at pattern by pattern
            if gate is None or (nonblank <= gate[0] and (gate[1] is None or _holds_any(line, gate[1]))):
                # only the patterns whose first characters and width fit the line are tried
                for a in candidates:
                    if (
                        (a.width is None or nonblank <= a.width)
                        and (a.required is None or _holds_any(line, a.required))
                        and (a.last is None or a.may_end(line))
                        and (a.opening is None or a.may_open(line, head))
                    ):
                        m = a.regex.match(line)
                        if m is not None and m.end() > m.start():
                            exc = a.entry.exceptions
                            if exc is not None and exc.search(line):
                                continue  # its own pack's exception: another pack may still match
                            hit = (a.entry, m.start(), m.end())
                            break
            if len(line) <= NORMALIZED_MAX:  # the article's paragraphs do not come back
                if len(self.anchored_hits) >= _MEMO_MAX:
                    self.anchored_hits.clear()
                self.anchored_hits[line] = hit
        return hit

    def anchored_for(self, head: str) -> tuple[tuple[_Anchored, ...], tuple[int, tuple[str, ...] | None] | None]:
        """The anchored patterns whose first characters admit a line starting with ``head``, and their gate."""
        found = self.by_head.get(head)
        if found is None:
            first = head[:1]
            named = self.named_heads
            if named is None:
                named = self.named_heads = frozenset().union(
                    *(a.prefixes for a in self.anchored if a.prefixes is not None),
                    *(a.opening[0] for a in self.anchored if a.opening is not None),
                )
            if head in named or first in named:
                found = _anchored_for(self.anchored, head)
            else:
                # a head no pattern names (most of them: a page in another script has a new
                # one on every other line): what it gets depends only on whether it is ASCII
                found = self.unnamed.get(head.isascii())
                if found is None:
                    found = self.unnamed[head.isascii()] = _anchored_for(self.anchored, head)
            if len(self.by_head) >= _MEMO_MAX:
                self.by_head.clear()
            self.by_head[head] = found
        return found


def _anchored_for(
    anchored: tuple[_Anchored, ...], head: str
) -> tuple[tuple[_Anchored, ...], tuple[int, tuple[str, ...] | None] | None]:
    """The patterns of ``anchored`` whose first characters admit a line starting with ``head``, and their gate."""
    first = head[:1]
    candidates = tuple(a for a in anchored if a.prefixes is None or head in a.prefixes or first in a.prefixes)
    return candidates, _gate(candidates, head)


def _gate(candidates: tuple[_Anchored, ...], head: str) -> tuple[int, tuple[str, ...] | None] | None:
    """(widest, characters) such that each of ``candidates`` refuses a line starting with
    ``head`` wider than ``widest`` (characters other than spaces and tabs), and, unless
    ``characters`` is None, one holding none of them (by its required characters or its optional
    opening); None when neither refuses any line."""
    widest = 0
    chars: set[str] | None = set()
    for a in candidates:
        widest = _UNBOUNDED if a.width is None else max(widest, a.width)
        if chars is None:
            continue
        if a.required is not None:
            chars.update(a.required)
        elif a.opening is not None and not a.may_open("", head):  # the head alone does not open it
            chars.update(a.opening[1])
        else:
            chars = None
    if widest >= _UNBOUNDED and chars is None:
        return None
    return widest, None if chars is None else tuple(sorted(chars))


def _pattern_shape(
    pattern: str,
) -> tuple[
    bool, int | None, str | None, frozenset[str] | None, tuple[str, ...] | None, tuple[bool, frozenset[str]] | None
]:
    """(anchored at a line start, most non-blank characters of a match that must reach the
    line's end, a literal the pattern requires, the first two characters an anchored
    match can start with (see ``_line_prefix``), characters one of which a line it matches holds,
    what the last character of a line it matches is (see ``_Anchored.last``)).

    Read with the standard library's parser (a character property such as ``\\p{Lu}``
    stands for one unknown character, ``\\w``); a pattern it cannot read is matched over the
    whole text.
    """
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    if _REGEX_ONLY.search(pattern):  # read otherwise by the standard library: no shortcut
        return False, None, None, None, None, None
    try:
        # a property is one character the shape cannot list: \w (unknown first characters,
        # no literal, one character wide), in or out of a class
        tree = list(_parser.parse(_PROPERTY.sub(r"\\w", _for_shape(pattern))))
    except Exception:  # noqa: BLE001 - syntax of the regex module only: no shortcut
        return False, None, None, None, None, None
    anchored = bool(tree) and tree[0] == (c.AT, c.AT_BEGINNING)
    prefixes = None
    if anchored:
        rest = tree[1:]
        while rest and rest[0][0] is c.MAX_REPEAT and rest[0][1][0] == 0 and len(rest[0][1][2]) == 1 and _blank(rest[0][1][2][0], c):
            rest = rest[1:]  # the line is compared without its leading spaces
        try:
            found = _prefixes(rest, 2, c)
        except RecursionError:
            found = None
        if found is not None and "" not in found:
            prefixes = frozenset(found)
    bound = None
    last = None
    if anchored and tree[-1] == (c.AT, c.AT_END):
        width = _width(tree, c)
        if width < _UNBOUNDED:
            bound = width
        last = _last_chars(tree[-2], c) if len(tree) > 2 else None
    best = ""
    run: list[str] = []
    for op, av in [*tree, (None, None)]:
        if op is c.LITERAL:
            run.append(chr(av))
            continue
        if len(run) > len(best):
            best = "".join(run)
        run = []
    # what every match holds: one of the characters of an item, if none of them has a case
    # ("(" or "[", "©", ","): a line without any of them is not tried
    chars = _required_chars(tree[1:], c) if anchored else None
    required = tuple(sorted(chars)) if chars else None
    literal = best.lower() if len(best) >= 2 and not _FOLDS_APART.search(best) else None
    return anchored, bound, literal, prefixes, required, last


def _optional_opening(pattern: str) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """For ``^[ \\t]*(?:X)?Y...`` (IGNORECASE): the starts of the lines ``Y`` can open (its
    first one or two characters, letters and punctuation in ASCII, lower case), and the characters
    without case one of which ``X`` holds; None for another pattern. A line that holds none
    of those characters and does not start so is not tried: the agency names of a credit
    line, after an optional photographer and a slash.
    """
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    if _PROPERTY.search(pattern) or _REGEX_ONLY.search(pattern):
        return None  # a character property would be read as a letter
    try:
        tree = list(_parser.parse(_for_shape(pattern)))
    except Exception:  # noqa: BLE001 - syntax of the regex module only
        return None
    if not tree or tree[0] != (c.AT, c.AT_BEGINNING):
        return None
    rest = tree[1:]
    while rest and rest[0][0] is c.MAX_REPEAT and rest[0][1][0] == 0 and len(rest[0][1][2]) == 1 and _blank(rest[0][1][2][0], c):
        rest = rest[1:]
    if not rest or rest[0][0] not in (c.MAX_REPEAT, c.MIN_REPEAT) or rest[0][1][:2] != (0, 1):
        return None
    chars = _required_chars(rest[0][1][2], c)
    try:
        starts = _prefixes(rest[1:], 2, c)
    except RecursionError:
        return None
    # "0" and " " stand for any digit and space in _prefixes: only letters and punctuation
    if not chars or not starts or "" in starts or not all(
        ch.isascii() and (ch.isalpha() or not ch.isalnum()) and ch != " " for p in starts for ch in p
    ):
        return None
    # a line starts with one of them, ignoring case, when its _line_prefix or that prefix's
    # first character is one (IGNORECASE and _char_of agree on them, for every character
    # but "İ", which _char_of does not make ASCII)
    return frozenset(starts), tuple(sorted(chars))


def _last_chars(item: Any, c: Any) -> tuple[bool, frozenset[str]] | None:
    """(negated, characters) of ``item`` when it is one character, or a repeat of one at least
    once, of ASCII characters other than letters (IGNORECASE matches them as they are), and
    not a fuzzy constraint's ``}``; else None."""
    op, av = item
    if op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1 and len(av[2]) == 1:
        op, av = av[2][0]
    if op in (c.LITERAL, c.NOT_LITERAL):
        codes = [av]
        negated = op is c.NOT_LITERAL
    elif op is c.IN:
        negated = bool(av) and av[0] == (c.NEGATE, None)
        members = av[1:] if negated else av
        if not members or any(x is not c.LITERAL for x, _ in members):
            return None
        codes = [v for _, v in members]
    else:
        return None
    chars = frozenset(map(chr, codes))
    if not all(ch.isascii() and not ch.isalpha() for ch in chars) or (op is c.LITERAL and chars == {"}"}):
        return None
    return None if negated and chars == {"\n"} else (negated, chars)  # a line holds no line break


def _required_chars(items: Any, c: Any) -> set[str] | None:
    """Characters without case one of which every match of ``items`` holds (the first such item)."""
    for op, av in items:
        chars = _chars((op, av), c) if op in (c.LITERAL, c.IN) else None
        if op is c.BRANCH and all(len(alt) == 1 and alt[0][0] is c.LITERAL for alt in av[1]):
            chars = {chr(alt[0][1]) for alt in av[1]}
        elif op is c.SUBPATTERN:
            chars = _required_chars(av[-1], c)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
            chars = _required_chars(av[2], c)
        if chars and all(ch.lower() == ch.upper() and ch not in "0 " for ch in chars):
            return chars
    return None


def _line_prefix(line: str) -> str:
    """The first two characters of a line as ``_prefixes`` writes them: lower case, digits as ``0``."""
    raw = line.lstrip(" \t")[:2]
    head = _HEADS.get(raw)
    if head is None:
        head = "".join(map(_char_of, raw))
        if len(_HEADS) >= _MEMO_MAX:
            _HEADS.clear()
        _HEADS[raw] = head
    return head


#: first two characters of a line -> ``_line_prefix`` (a few hundred of them in a corpus)
_HEADS: dict[str, str] = {}
#: entries of a memo of lines before it is emptied
_MEMO_MAX = 20_000


def _prefixes(items: Any, k: int, c: Any) -> set[str] | None:
    """The strings of up to ``k`` characters a match of ``items`` can start with (lower case,
    digits as ``0``), or None when they cannot be listed (any character, a large class)."""
    if k == 0 or not items:
        return {""}
    op, av = items[0]
    rest = items[1:]
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return _prefixes(rest, k, c)
    if op in (c.LITERAL, c.IN):
        chars = _chars((op, av), c)
        if chars is None:
            return None
        tails = _prefixes(rest, k - 1, c)
        if tails is None or len(chars) * len(tails) > 4096:
            return chars  # only the first character is known
        return {ch + t for ch in chars for t in tails}
    if op is c.SUBPATTERN:
        return _prefixes([*av[-1], *rest], k, c)
    if op is c.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            got = _prefixes([*alt, *rest], k, c)
            if got is None:
                return None
            out |= got
        return out
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):
        lo, hi, sub = av
        if hi == 0:
            return _prefixes(rest, k, c)
        once = _prefixes([*sub], 1, c)
        if once is None or "" in once:
            return None  # a repeat that can match nothing: not listed
        more = [*sub, (op, (max(lo - 1, 0), hi - 1, sub)), *rest]
        got = _prefixes(more, k, c)
        if got is None:
            return None
        if lo == 0:
            skip = _prefixes(rest, k, c)
            if skip is None:
                return None
            got |= skip
        return got
    return None


def _char(code: int) -> str:
    return _char_of(chr(code))


def _char_of(ch: str) -> str:
    """A character as line heads and pattern prefixes are compared: case folded as the
    regex module's IGNORECASE folds one character (``ſ`` is ``s``, the Kelvin sign ``k``),
    digits as ``0``, spaces as `` ``."""
    if ch.isdigit():
        return "0"
    if ch.isspace():
        return " "
    folded = ch.casefold()
    return folded if len(folded) == 1 else ch.lower()


def _chars(item: Any, c: Any) -> set[str] | None:
    """The characters (lower case, digits as ``0``) one LITERAL or IN item matches, if few."""
    op, av = item
    if op is c.LITERAL:
        return {_char(av)}
    out: set[str] = set()
    for x, v in av:
        if x is c.LITERAL:
            out.add(_char(v))
        elif x is c.RANGE and v[1] - v[0] < 64:
            out |= {_char(i) for i in range(v[0], v[1] + 1)}
        elif x is c.CATEGORY and v is c.CATEGORY_DIGIT:
            out.add("0")
        elif x is c.CATEGORY and v is c.CATEGORY_SPACE:
            out.add(" ")
        else:
            return None  # a negated class, a large range, letters or spaces
    return out


def _for_shape(pattern: str) -> str:
    """``pattern`` as its shape is read: a possessive run of leading blanks (``^[ \\t]*+``, which
    never gives its blanks back: a line of a thousand spaces is not tried a thousand ways)
    matches the lines the greedy one does where what follows cannot start with a blank."""
    return "^[ \\t]*" + pattern[8:] if pattern.startswith("^[ \\t]*+") else pattern


_PROPERTY = compile_regex(r"\\[pP]\{[^}]*\}")
#: syntax of the regex module that the standard library's parser reads as something else
#: (without an error): fuzzy constraints (``(?:word){e<=1}``: literal braces to it) and POSIX
#: classes (``[[:digit:]]``: a set of those characters, then "]"); a brace holding any of
#: e, i, d, s as a word of its own counts (a literal ``{name}`` too: only a shortcut is lost)
_REGEX_ONLY = compile_regex(r"\{[^{}]*(?<![A-Za-z])[eids](?![A-Za-z])[^{}]*\}|\[:\^?[A-Za-z_]+:\]")
_UNBOUNDED = 1 << 30


def _width(items: Any, c: Any) -> int:
    """Most characters other than spaces and tabs that ``items`` (a parsed pattern) can match."""
    total = 0
    for op, av in items:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        if op in (c.LITERAL, c.NOT_LITERAL, c.IN, c.ANY, c.CATEGORY):
            total += 0 if _blank((op, av), c) else 1
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            lo, hi, sub = av
            if len(sub) == 1 and _blank(sub[0], c):
                continue
            w = _width(sub, c)
            if w and hi >= c.MAXREPEAT:
                return _UNBOUNDED
            total += hi * w
        elif op is c.SUBPATTERN:
            total += _width(av[-1], c)
        elif op is getattr(c, "ATOMIC_GROUP", None):
            total += _width(av, c)
        elif op is c.BRANCH:
            total += max(_width(alt, c) for alt in av[1])
        else:
            return _UNBOUNDED
        if total >= _UNBOUNDED:
            return _UNBOUNDED
    return total


def _blank(item: Any, c: Any) -> bool:
    """An item that matches only a space or a tab (``[ \\t]``, `` ``): not counted by ``_width``."""
    op, av = item
    if op is c.LITERAL:
        return av in (32, 9)
    return op is c.IN and all(x in ((c.LITERAL, 32), (c.LITERAL, 9)) for x in av)


#: the keys of a phrase pack that hold entries (what ``exceptions`` of the same pack apply to)
_ENTRY_KEYS = ("lines", "safe-lines", "section-lines", "prefixes", "link-prefixes", "patterns")
#: a line this wide that holds two sentences is prose, whatever its first two words (`Join our
#: volunteers at the park on Saturday. Gloves will be provided.`): a loose prefix (one written
#: without its separator) of one or two words does not make it UI text; a short line (`Don't
#: have an account? Sign up`) or a longer prefix (`Този сайт използва`, `This post may contain
#: affiliate`, the first words of banners) still does
_PROSE_WIDTH = 60
_SENTENCE_BREAK = compile_regex(r"[.!?…][ \t]+\p{Lu}")


def _ui_first_sentence(line: str, exact: Mapping[str, Any]) -> bool:
    """Whether a line is one sentence, or opens with a sentence that is a whole UI line of the
    packs (`Subscribe to our newsletter. You can unsubscribe at any time.`): not prose then."""
    m = _SENTENCE_BREAK.search(line)
    if m is None:
        return True
    entry = exact.get(normalize_line(line[: m.start()]))
    return entry is not None and not entry.section


class PhraseRule(Rule):
    """A rule matching lines against phrase lists and patterns from packs."""

    unit = "document"
    fixable = True
    pack_schema: ClassVar = {
        "lines": list,
        "prefixes": list,
        "link-prefixes": list,
        "section-lines": list,
        "reference-headings": list,
        "patterns": list,
        "exceptions": list,
        "safe-lines": list,
    }
    default_message = "{match}"
    #: the vocabulary compiled for the current run (set by ``compile_packs``)
    compiled: PhraseVocabulary | None = None

    def __init__(self, **attrs: Any) -> None:
        for k, v in attrs.items():
            setattr(self, k, v)
        if not self.doc:
            self.doc = inspect.cleandoc(type(self).__doc__ or "")
        self.options = (
            Option("max-length", int, 120, "Longest line (characters) compared with whole-line phrases and prefixes.", min=1),
            *self.options,
        )

    def compile_packs(self, packs: Sequence[Pack]) -> PhraseVocabulary:
        exact: dict[str, _Entry] = {}
        prefixes: dict[str, _Entry] = {}
        separated: set[str] = set()
        loose: set[str] = set()
        linking: set[str] = set()
        plain: set[str] = set()
        references: set[str] = set()
        patterns: list[tuple[str, _Entry]] = []
        #: the exceptions of packs that hold nothing else: a user's pack that silences lines
        #: whatever entry would flag them (a pack's own exceptions hold for its own entries)
        silencing: list[str] = []
        for pack in packs:
            msg = pack.meta.get("message")
            exceptions: list[str] = []
            for i, pat in enumerate(pack.get("exceptions", [])):
                if not pack.builtin:
                    _check_regex(pat, f"{pack.path}: key 'exceptions' item {i + 1}")
                exceptions.append(str(pat))
            exc = compile_regex("|".join(f"(?:{p})" for p in exceptions), regex.IGNORECASE) if exceptions else None
            if exceptions and not any(pack.get(k) for k in _ENTRY_KEYS):
                silencing.extend(exceptions)
            safe = {normalize_line(s) for s in pack.get("safe-lines", [])}
            for phrase in [*pack.get("lines", []), *pack.get("safe-lines", [])]:
                n = normalize_line(str(phrase))
                if n:
                    exact[n] = _Entry(str(phrase), msg, n in safe, pack.language, exceptions=exc)
            for phrase in pack.get("section-lines", []):
                n = normalize_line(str(phrase))
                if n and n not in exact:
                    exact[n] = _Entry(str(phrase), msg, False, pack.language, section=True, exceptions=exc)
            references.update(filter(None, map(normalize_line, map(str, pack.get("reference-headings", [])))))
            for key in ("prefixes", "link-prefixes"):
                for phrase in pack.get(key, []):
                    n = normalize_line(str(phrase))
                    if n:
                        prefixes[n] = _Entry(str(phrase), msg, False, pack.language, exceptions=exc)
                        if str(phrase).rstrip()[-1:] in _SEPARATORS:
                            separated.add(n)
                        else:
                            loose.add(n)
                            (linking if key == "link-prefixes" else plain).add(n)
            # a user's patterns are compiled here, for an error naming the item; the built-in
            # packs' are compiled on first use (a test compiles them all)
            for i, pat in enumerate(pack.get("patterns", [])):
                if not pack.builtin:
                    _check_regex(pat, f"{pack.path}: key 'patterns' item {i + 1}")
                patterns.append((str(pat), _Entry(str(pat), msg, False, pack.language, exceptions=exc)))
        # prefixes indexed by their first word: one dict lookup per line instead of a
        # regex of hundreds of alternatives (issue #5: residue checks must stay cheap)
        prefix_index: dict[str, list[str]] = {}
        unspaced_index: dict[str, list[str]] = {}
        for p in sorted(prefixes, key=len, reverse=True):
            if _unspaced(p[0]):
                unspaced_index.setdefault(p[0], []).append(p)
            else:
                prefix_index.setdefault(_first_word(p), []).append(p)
        # anchored patterns are matched at the start of each line, and only on lines short
        # enough for them; the others in one pass over the text, when the text holds a
        # literal they require (issue #5: residue checks must stay cheap)
        flags = regex.MULTILINE | regex.IGNORECASE
        anchored: list[_Anchored] = []
        floating: list[str] = []
        literals: list[str | None] = []
        starts: set[str] | None = set()  # first characters of the unbounded anchored patterns
        widest = 0
        singles = [_LazyRegex(p, flags) for p, _ in patterns]
        for single, (p, entry) in zip(singles, patterns):
            is_anchored, width, literal, firsts, required, last = _pattern_shape(p)
            if is_anchored:
                opening = _optional_opening(p) if firsts is None else None
                anchored.append(_Anchored(single, entry, width, firsts, required, opening, last))
                if width is not None:
                    widest = max(widest, width)
                else:
                    starts = None if starts is None or firsts is None else starts | firsts
            else:
                floating.append(p)
                literals.append(literal)
        vocab = PhraseVocabulary(
            exact, prefix_index, prefixes,
            compile_regex("|".join(f"(?:{p})" for p in floating), flags) if floating else None,
            list(zip(singles, [e for _, e in patterns])),
            anchored=tuple(anchored), widest=widest,
            anchored_prefixes=None if starts is None else frozenset(starts),
            anchored_heads=None if any(a.prefixes is None for a in anchored) else frozenset().union(
                *(a.prefixes for a in anchored if a.prefixes is not None)
            ),
            literals=None if None in literals else tuple(dict.fromkeys(x for x in literals if x is not None)),
            separated=frozenset(separated - loose),
            linking=frozenset(linking - plain),
            references=frozenset(references),
            unspaced_index=unspaced_index,
            unbounded=frozenset(p for p in prefixes if _unspaced(p[-1])),
            silenced=compile_regex("|".join(f"(?:{p})" for p in silencing), regex.IGNORECASE) if silencing else None,
        )
        self.compiled = vocab
        return vocab

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        for m in self.matches(doc, ctx.vocabulary, ctx.options["max-length"]):
            yield self._violation(doc, m.start, m.end, m.matched, m.entry, whole_line=m.whole_line)

    def matches(self, doc: Document, vocab: PhraseVocabulary | None = None, max_len: int | None = None) -> list[PhraseMatch]:
        """The rule's matches in ``doc``, computed once per document and shared with other rules.

        Without ``vocab``, the vocabulary this rule compiled for the run is used (none if
        the rule is not active); without ``max_len``, the last value used on this
        document or the option's default.
        """
        vocab = vocab if vocab is not None else self.compiled
        if vocab is None:
            return []
        per_doc = doc.facts.get("_phrase_matches")
        if per_doc is None:
            per_doc = doc.facts["_phrase_matches"] = {}
        cached = per_doc.get(id(self))
        if cached is not None and (max_len is None or cached[0] == max_len):
            return cached[1]
        if max_len is None:
            max_len = next(o.default for o in self.options if o.name == "max-length")
        out = self._find(doc, vocab, max_len)
        per_doc[id(self)] = (max_len, out)
        return out

    def whole_lines(self, doc: Document) -> list[int]:
        """0-based indexes of the lines this rule matches as a whole (for the residue scorer)."""
        return [m.line for m in self.matches(doc) if m.whole_line]

    def _find(self, doc: Document, vocab: PhraseVocabulary, max_len: int) -> list[PhraseMatch]:
        out: list[PhraseMatch] = []
        starts = doc.line_starts
        lines = doc.lines
        flagged: set[int] = set()
        kept: set[int] = set()  # a reference work's closing sections (see ``_closing_sections``)
        headings: set[int] = set()  # the ``section-lines`` that head them
        exact, prefix_index, separated = vocab.exact, vocab.prefix_index, vocab.separated
        linking = vocab.linking
        unspaced_index, unbounded = vocab.unspaced_index, vocab.unbounded
        lookup = bool(exact or prefix_index or unspaced_index)
        anchored = vocab.anchored
        first_anchored = vocab.first_anchored
        # the lines short enough for the phrases and bounded patterns, and the longer ones
        # an anchored pattern can start (issue #5: the article's paragraphs cost nothing)
        table = line_table(doc)
        if not lookup and vocab.anchored_heads is not None:
            # no phrases: only the lines that an anchored pattern can start are looked at
            rows = table.starting(vocab.anchored_heads)
        else:
            rows = table.select(max(max_len, vocab.widest), vocab.anchored_prefixes if anchored else frozenset())
        silenced = vocab.silenced
        # a line an exceptions-only pack silences is skipped, looked for only once something
        # matched it (the silencing patterns are long, and most lines match nothing)
        for i, n, nonblank, norm, head in rows:
            line = lines[i]
            if lookup and n <= max_len:
                if n > NORMALIZED_MAX:
                    norm = normalize_line(line)
                if norm:
                    entry = exact.get(norm)
                    if entry is None and (prefix_index or unspaced_index):
                        c = norm[0]
                        if c >= "\u0e00" and _unspaced(c):
                            candidates = unspaced_index.get(c, ())
                        else:
                            candidates = prefix_index.get(_first_word(norm), ()) or _colon_key(norm, prefix_index)
                        for p in candidates:
                            if norm.startswith(p) and (
                                len(norm) == len(p) or not _is_word_char(norm[len(p)]) or p in unbounded
                                or _unspaced(norm[len(p)])
                            ) and (p not in separated or len(norm) == len(p) or _separator_follows(norm, len(p))) and (
                                p in separated or n < _PROSE_WIDTH or p.count(" ") >= 2
                                or _ui_first_sentence(line, exact)
                            ) and (
                                p not in linking or len(norm) == len(p) or _separator_follows(norm, len(p))
                                or not _prose_after_link(line, lines[i + 1] if i + 1 < len(lines) else "")
                            ):
                                entry = vocab.prefix_entries[p]
                                break
                    if entry is not None and silenced is not None and silenced.search(line):
                        continue
                    if entry is not None and entry.section and vocab.references:
                        end = _closing_sections(lines, normalized_lines(doc), i, vocab.references)
                        if end > i:
                            # its headings and topics; not a bracket or a note's mark between them
                            kept.update(x for x in range(i, end + 1) if any(map(str.isalpha, lines[x])))
                            headings.add(i)
                            continue
                    if entry is not None and (entry.exceptions is None or not entry.exceptions.search(line)):
                        flagged.add(i)
                        start = starts[i]
                        out.append(PhraseMatch(start, start + n, line.strip(), entry, True, i))
                        continue
            if not anchored:
                continue
            hit = first_anchored(line, nonblank, head)
            if not hit or (silenced is not None and silenced.search(line)):
                continue
            found, a, b = hit
            flagged.add(i)
            start = starts[i]
            whole = a <= n - len(line.lstrip()) and b >= len(line.rstrip())
            out.append(PhraseMatch(start + a, start + b, line[a:b].strip(), found, whole, i))
        if vocab.pattern_re is not None:
            text = doc.text
            holding = None if vocab.literals is None else _lines_holding(doc, vocab.literals)
            if holding is None:
                spans: Any = [(0, len(text))]
            else:
                # only the lines holding a literal the patterns require are searched
                spans = [(starts[i], starts[i] + len(lines[i])) for i in holding]
            for m in (m for a, b in spans for m in vocab.pattern_re.finditer(text, a, b)):
                if m.end() == m.start():
                    continue
                line_idx = doc.position(m.start())[0] - 1
                if line_idx in flagged:
                    continue
                line = lines[line_idx]
                if silenced is not None and silenced.search(line):
                    continue
                entry = _entry_of(m, vocab.pattern_entries, doc.text)
                if entry.exceptions is not None and entry.exceptions.search(line):
                    continue
                line_start = starts[line_idx]
                end = min(m.end(), line_start + len(line))
                whole = m.start() <= line_start + (len(line) - len(line.lstrip())) and end >= line_start + len(line.rstrip())
                out.append(PhraseMatch(m.start(), end, m.group(0).strip(), entry, whole, line_idx))
        out.sort(key=lambda m: m.start)
        if any(BAR_CELLS.search(m.matched) for m in out):
            out = [m for m in out if not BAR_CELLS.search(m.matched) or not _in_bar_table(lines, m.line)]
        if kept:
            doc.facts.setdefault("_closing_sections", {})[id(self)] = (frozenset(kept), frozenset(headings))
            out = [m for m in out if m.line not in kept]
        return out

    def kept_lines(self, doc: Document) -> frozenset[int]:
        """0-based indexes of the lines of a reference work's closing sections that this rule's
        ``section-lines`` found (``See also``, its topics, the ``References`` heading): part of
        the document, whatever their shape (for the structural rules)."""
        self.matches(doc)
        return doc.facts.get("_closing_sections", {}).get(id(self), (frozenset(),))[0]

    def section_headings(self, doc: Document) -> frozenset[int]:
        """0-based indexes of the ``section-lines`` lines (``See also``) that head such sections:
        not reported, and yet the page's lines where a web page prints them (``[``, ``edit``,
        ``]`` around them, a note's ``^``) stand next to a line of its interface."""
        self.matches(doc)
        return doc.facts.get("_closing_sections", {}).get(id(self), (frozenset(), frozenset()))[1]

    def _violation(self, doc: Document, start: int, end: int, matched: str, entry: _Entry, whole_line: bool) -> Violation:
        template = entry.message or self.default_message
        message = template.replace("{match}", _short(matched))
        if whole_line:
            # delete the whole line with its line break
            lineno = doc.position(start)[0]
            line_start, line_end = doc.line_span(lineno)
            if lineno < len(doc.line_starts):
                line_end = doc.line_starts[lineno]
            fix = Fix("Delete the line", (Edit(line_start, line_end, ""),), safe=entry.safe)
        else:
            fix = Fix(f"Delete '{_short(matched)}'", (Edit(start, end, ""),), safe=False)
        return Violation(message, start, end, fix)


#: a line of code: a shell or REPL prompt, a comment of SQL or C, an import, an option flag,
#: a call, an operator, a statement's end (`$ hg -R bob config --edit --local`, `-- period >
#: '2020-08-01'`, `[extensions] evolve =`, `from kobzar import Checker`)
CODE_LINE = re.compile(
    r"^(?:\$|>>>|%|PS>)\s+\S|^(?:--|//|/\*)\s|^(?:from\s+[\w.]+\s+)?import\s+[\w.]+|[{};=]\s*$"
    r"|\s--?[a-zA-Z][\w-]*(?:[ =]|$)|\w\([^()\n]*\)|::|=>|->|==|!=|:="
)
#: what a line of code opens with: an indentation, a fence, a prompt (`$`, `>>>`; a `PS>`
#: session is found when something else opens the look, as prose lines often start with P)
_CODE_FIRST = frozenset(" \t`$>")
#: a line of a shell session or a REPL, indented or not
_PROMPT = re.compile(r"[ \t]*(?:\$|>>>|PS>)[ \t]+\S")


#: a Markdown code span on one line (`` `<h1>` ``, ``` ``a `&lt;` b`` ```): a run of backticks,
#: what it holds, a run of as many (a pattern to compile, or to join to others)
INLINE_CODE = r"(?<!`)(?P<ticks>`+)(?!`)[^\n]+?(?<!`)(?P=ticks)(?!`)"


def in_spans(spans: Sequence[tuple[int, int]], i: int) -> bool:
    """Whether offset ``i`` lies inside one of ``spans`` (sorted, not overlapping)."""
    k = bisect.bisect_right(spans, (i, 1 << 62)) - 1
    return k >= 0 and spans[k][0] <= i < spans[k][1]


#: the English names of the languages the packs are written for, as messages name them
LANGUAGE_NAMES: dict[str, str] = {
    "fr": "French", "en": "English", "de": "German", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch", "pl": "Polish", "ru": "Russian", "uk": "Ukrainian", "sv": "Swedish", "da": "Danish",
    "nb": "Norwegian", "fi": "Finnish", "cs": "Czech", "ro": "Romanian", "hu": "Hungarian", "tr": "Turkish",
    "ca": "Catalan", "vi": "Vietnamese", "id": "Indonesian", "ms": "Malay", "hr": "Croatian", "sr": "Serbian",
    "sr-Latn": "Serbian", "sl": "Slovenian", "sk": "Slovak", "et": "Estonian", "lv": "Latvian",
    "lt": "Lithuanian", "eu": "Basque", "gl": "Galician", "sq": "Albanian", "tl": "Tagalog", "sw": "Swahili",
    "af": "Afrikaans", "is": "Icelandic", "cy": "Welsh", "bg": "Bulgarian", "mk": "Macedonian", "el": "Greek",
    "ar": "Arabic", "he": "Hebrew", "hi": "Hindi", "bn": "Bengali", "fa": "Persian", "ur": "Urdu",
    "ta": "Tamil", "th": "Thai", "ko": "Korean",
}


def code_lines(doc: Document) -> frozenset[int]:
    """0-based indexes of the lines of program code in ``doc`` (computed once per document).

    The lines of a fenced block (```` ``` ````), a run of indented lines (four spaces or a
    tab) half of which read as code (``CODE_LINE``), and the lines of a shell or REPL
    session (`$ pip install kobzar`). Their words are the program's: not the document's
    language, script or quotations.
    """
    found = doc.facts.get("_code_lines")
    if found is not None:
        return found  # type: ignore[no-any-return]
    text = doc.text
    out: set[int] = set()
    lines = doc.lines
    # a look at each line's first character (a substring search of the text for `    `, `$ `
    # and the others cost 16 µs on a page of 5 KB: fast search skips little on spaces)
    if not _CODE_FIRST.isdisjoint({line[:1] for line in lines}):
        fences = [i for i, line in enumerate(lines) if line.lstrip().startswith("```")] if "```" in text else []
        for a, b in zip(fences[::2], fences[1::2]):  # a fence never closed fences nothing
            out.update(range(a, b + 1))
        run: list[int] = []
        for i, line in enumerate([*lines, ""]):
            if i in out:
                continue
            if line.startswith(("    ", "\t")) and line.strip():
                run.append(i)
                continue
            if run and 2 * sum(1 for k in run if CODE_LINE.search(lines[k].strip())) >= len(run):
                out.update(run)
            run = []
            if line[:1] in "$>P \t" and _PROMPT.match(line):
                out.add(i)
        out.discard(len(lines))
    found = doc.facts["_code_lines"] = frozenset(out)
    return found


#: what sets a table's cells apart on a line of text: a bar or a tab
BAR_CELLS = compile_regex(r"[|│\t]")
#: the fewest rows (its header included) of a table drawn with bars
_TABLE_ROWS = 3


def _bars(line: str) -> int:
    return line.count("|") + line.count("│") + line.count("\t")


def _in_bar_table(lines: Sequence[str], i: int) -> bool:
    """Whether line ``i`` is a row of a table drawn with bars or tabs: ``_TABLE_ROWS`` adjacent
    lines at least with as many bars, half of them holding a digit (`9am | Cloudy | 18 °C`).
    A page's menus joined by bars hold no figures (`About | Contact | Careers`)."""
    count = _bars(lines[i])
    lo = hi = i
    while lo > 0 and _bars(lines[lo - 1]) == count:
        lo -= 1
    while hi + 1 < len(lines) and _bars(lines[hi + 1]) == count:
        hi += 1
    rows = lines[lo : hi + 1]
    if len(rows) < _TABLE_ROWS:
        return False
    return 2 * sum(1 for r in rows if any(map(str.isdigit, r))) >= len(rows)


def _check_regex(pattern: Any, where: str) -> None:
    try:
        compile_regex(str(pattern))
    except regex.error as e:
        raise PackError(f"{where}: bad regex {pattern!r}: {e}") from None


class _LazyRegex:
    """A pattern compiled when first used: a run tries only some of the packs' patterns (those
    of the lines it meets), and compiling them all took a third of the time before the first
    document."""

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: Any = None

    def match(self, text: str, pos: int = 0) -> Any:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = compile_regex(self.pattern, self.flags)
        return compiled.match(text, pos)


def _entry_of(m: Any, entries: list[tuple[Any, _Entry]], text: str) -> _Entry:
    for single, entry in entries:
        m2 = single.match(text, m.start())
        if m2 is not None and m2.end() == m.end():
            return entry
    return entries[0][1]


def _short(s: str, n: int = 60) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


KINDS: dict[str, type[PhraseRule]] = {"phrases": PhraseRule}


def rule_from_pack(pack: Pack) -> Rule:
    """A new rule defined by a pack with ``kind``, ``code``, ``name`` and ``category``."""
    kind = KINDS.get(pack.kind or "")
    if kind is None:
        raise PackError(f"{pack.path}: key 'kind': unknown kind '{pack.kind}' (known: {', '.join(KINDS)})")
    missing = [k for k in ("code", "name", "category") if k not in pack.meta]
    if missing:
        raise PackError(f"{pack.path}: a pack with 'kind' must set {', '.join(repr(m) for m in missing)}")
    from corpuslint.packs import validate_pack

    validate_pack(pack, kind.pack_schema, f"kind '{pack.kind}'")
    try:
        severity = Severity.parse(pack.meta.get("severity", "warning"))
    except ValueError as e:
        raise PackError(f"{pack.path}: key 'severity': {e}") from None
    doc = pack.meta.get("doc") or (
        f"{pack.meta.get('description', pack.meta['name'])}\n\n## What it does\nFlags lines matching the phrases "
        f"and patterns of `{pack.path.name}`.\n\n## Why it matters\n{pack.meta.get('description', 'Defined by a rule pack.')}"
        f"\n\n## Example\nSee `{pack.path.name}`.\n\n## Fix\nDelete or rewrite the flagged text."
    )
    r = kind(
        code=pack.meta["code"],
        name=pack.meta["name"],
        category=pack.meta["category"],
        severity=severity,
        enabled_by_default=pack.meta.get("enabled", True),
        doc=doc,
    )
    if pack.meta.get("message"):
        r.default_message = pack.meta["message"]
    try:
        r.validate()
    except ValueError as e:
        raise PackError(f"{pack.path}: {e}") from None
    return r
