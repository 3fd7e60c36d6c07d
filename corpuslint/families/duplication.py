"""Duplication family: repeated passages inside a document, duplicate documents across the corpus.

Inside a document (cheap, one pass each; issue #4):

- DUP001 repeated-lines: a line or a block of lines that repeats earlier lines;
- DUP002 repeated-passage: a run of words pasted twice, not aligned on lines;
- DUP003 repetitive-document: the Gopher repetition measures (opt-in).

Across the corpus (collect in the workers, judge in the parent):

- DUP101 duplicate-document: the same text after normalization;
- DUP102 near-duplicate-document: MinHash + LSH candidates, confirmed by their true Jaccard.

Lines shared by many documents (site boilerplate) are RES101, in the residue family.
"""

from __future__ import annotations

import hashlib
import inspect
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain
from typing import Any

from corpuslint.hookspecs import hookimpl
from corpuslint.kinds import code_lines
from corpuslint.model import Document, Edit, Fix, Severity, Violation
from corpuslint.patterns import compile_regex
from corpuslint.rule import CorpusRule, CorpusSignatures, CorpusViolation, DocRef, Option, Rule, RuleContext, rule

__all__ = ["normalize_for_dup", "words_for_dup"]

_PUNCT = compile_regex(r"[\p{P}\p{S}\s]+")
#: punctuation and symbols alone: spacing is collapsed by str.split(), in C
_PUNCT_ONLY = compile_regex(r"[\p{P}\p{S}]+")
_PUNCT_CHAR = compile_regex(r"[\p{P}\p{S}]")
_ASCII_BYTES = bytes(range(128))
#: the ASCII punctuation and symbols (spaces for the fast paths: _ASCII_FOLD, _fold_char)
_ASCII_PUNCT = bytes(c for c in range(128) if _PUNCT_ONLY.fullmatch(chr(c)))
_ASCII_PUNCT_TO_SPACE_STR = str.maketrans(dict.fromkeys(_ASCII_PUNCT.decode("ascii"), " "))
#: bytes.translate table: ASCII letters to lower case (their casefold), ASCII punctuation and symbols to spaces
_ASCII_FOLD = bytes(range(256)).lower().translate(bytes.maketrans(_ASCII_PUNCT, b" " * len(_ASCII_PUNCT)))
#: str.split() also splits at these four information separators, which \s does not match:
#: a text that holds one takes the exact (slower) path
_INFO_SEPARATORS = "\x1c\x1d\x1e\x1f"
_NEWLINE_BYTES = compile_regex(rb"\r\n|\r|\n")  # Document.lines' line breaks
_DIALOGUE = compile_regex(r"^\s*(?:[-–—―•*]|\d+[.)]|[«\"“„])")
#: a word for DUP002: a whitespace-delimited token without its outer punctuation (`l'accès`, `Boero,`)
_TOKEN = compile_regex(r"[^\s\p{P}\p{S}](?:\S*[^\s\p{P}\p{S}])?")
#: quote and dash styles DUP002 folds before comparing words (one character for one: offsets unchanged)
_FOLD_PAIRS = (("’", "'"), ("‘", "'"), ("ʼ", "'"), ("`", "'"), ("´", "'"), ("‐", "-"), ("‑", "-"), ("–", "-"), ("—", "-"))
#: a verse line (poetry, lyrics) is short; a stanza of such lines holds refrains, not accidents
_VERSE_MAX_CHARS = 60
_VERSE_MIN_LINES = 2
_SENTENCE_END = ".!?…。！？।॥؟۔։"


_INVISIBLE = compile_regex(r"\p{Cf}+")  # zero-width spaces and joiners, soft hyphens, BOM


def normalize_for_dup(line: str) -> str:
    """Line key for duplicate detection: case, punctuation, quotes, spacing, invisible characters and Unicode forms ignored."""
    if _has_info_separator(line):
        return _exact_key(line)
    return b" ".join(_fold(line)[0].split()).decode("utf-8", "surrogatepass")


def _has_info_separator(text: str) -> bool:
    """Whether ``text`` holds one of U+001C-U+001F (four substring searches: a tenth of a regex search)."""
    return any(map(text.__contains__, _INFO_SEPARATORS))


def _exact_key(line: str) -> str:
    """The definition of a key, one regex: what the fast paths must give, character for character."""
    if not line.isascii():
        line = _INVISIBLE.sub("", unicodedata.normalize("NFKC", line))
    return _PUNCT.sub(" ", line.casefold()).strip()


def _fold(text: str) -> tuple[bytes, bool]:
    """``text`` in NFKC, without invisible characters, case folded, punctuation, symbols and spaces as
    U+0020, in UTF-8 (surrogatepass): ``bytes.split()`` splits it where ``str.split()`` splits the text.

    Line breaks are kept, so one pass over a document gives every line's key (split it and
    collapse the spacing of each line): the cost of a document, not of a call per line.
    The bool says the text had no invisible character and was already NFKC, or NFKC only
    turned gaps (white space, punctuation, symbols) into gaps, one character at a time (see
    _DupText.plain).

    No regex and no str.casefold run over the text (both look every character up, ~5-20 ns
    each): the few distinct non-ASCII characters (found on the non-ASCII bytes alone) are
    folded one by one (:func:`_fold_char`) and replaced with str.replace, then one
    bytes.translate folds the ASCII letters and punctuation. str.casefold maps each
    character on its own, and what it gives is folded already (tests check both), so this
    is the folding of the whole text.
    """
    plain = True
    if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        nfkc = unicodedata.normalize("NFKC", text)
        plain = _nfkc_keeps_words(text, nfkc)
        text = nfkc
    raw = text.encode("utf-8", "surrogatepass")
    rest = raw.translate(None, _ASCII_BYTES)  # whole multi-byte characters, concatenated
    if rest:
        out = text
        for ch in set(rest.decode("utf-8", "surrogatepass")):
            folded, invisible = _FOLDED.get(ch) or _fold_char(ch)
            plain = plain and not invisible
            if folded is not None:
                out = out.replace(ch, folded)  # mostly one character for one: str.replace's fast path
        if out is not text:
            raw = out.encode("utf-8", "surrogatepass")
    # the ASCII fold last: what _fold_char gives holds no ASCII capital, punctuation or symbol
    return raw.translate(_ASCII_FOLD), plain


#: non-ASCII character -> (what _fold_char makes of it, None when unchanged; whether it folded to an invisible character)
_FOLDED: dict[str, tuple[str | None, bool]] = {}


def _fold_char(ch: str) -> tuple[str | None, bool]:
    """What :func:`_fold` makes of the non-ASCII character ``ch`` (remembered in ``_FOLDED``).

    Its casefold, each character of it then dropped when invisible, a space when punctuation,
    a symbol or a space (casefold maps no character to an invisible one, and leaves those
    unchanged: removing them after it is removing them before, the definition's order).
    """
    out = []
    invisible = False
    for c in ch.casefold():
        if c.isascii():
            c = c.translate(_ASCII_PUNCT_TO_SPACE_STR)
        elif _INVISIBLE.match(c):
            c, invisible = "", True
        elif _PUNCT_CHAR.match(c) or c.isspace():
            c = " "
        out.append(c)
    folded = "".join(out)
    result = (None if folded == ch else folded, invisible)
    if len(_FOLDED) < 65536:  # bounded: a text may hold any of a million characters
        _FOLDED[ch] = result
    return result


def _nfkc_keeps_words(text: str, nfkc: str) -> bool:
    """Whether NFKC (``nfkc``) changed no word of ``text`` as DUP002 cuts and compares them.

    Either the text is NFKC once every non-ASCII space is U+0020 (no-break, thin, ideographic
    spaces ...), or NFKC changed gaps alone (:func:`_is_gap`: ``…`` into ``...``, fullwidth
    ``？`` into ``?``), each into gaps, one character at a time: ``nfkc`` is the text with each
    changed character replaced by its own NFKC. A gap stays a gap, a space in DUP001's words,
    whether DUP002 strips it from a word's ends or keeps it inside. Anything else NFKC changes
    (``™`` into ``TM``, a composition across characters) might change a word.
    """
    rest = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
    spaced: str = text
    gapped: str | None = text
    for ch in set(rest.decode("utf-8", "surrogatepass")):
        if ch.isspace():
            spaced = spaced.replace(ch, " ")
        if gapped is not None:
            folded = unicodedata.normalize("NFKC", ch)
            if folded == ch:
                continue
            gapped = gapped.replace(ch, folded) if _is_gap(ch) and all(map(_is_gap, folded)) else None
    return unicodedata.is_normalized("NFKC", spaced) or gapped == nfkc


def _is_gap(ch: str) -> bool:
    """Whether DUP001 folds the character ``ch`` to a space: whitespace, punctuation or a symbol."""
    return ch.isspace() or _PUNCT_CHAR.match(ch) is not None


class _DupText:
    """One document as the duplication rules see it, computed once and shared by all of them."""

    __slots__ = ("_digest", "_grams", "_hashes", "_key", "_line_keys", "key_bytes", "line_key_bytes", "n_words", "plain", "word_runs")

    def __init__(self, doc: Document) -> None:
        self._key: str | None = None
        self._line_keys: list[str] | None = None
        self._digest: int | None = None
        self._hashes: Any = None
        self._grams: dict[int, Any] = {}
        text = doc.text
        lines = doc.lines
        #: True when DUP002's words map onto these words one to one or more (the text is
        #: NFKC, or NFKC only turns gaps into gaps; with no invisible character, no U+02BC, no
        #: information separator): two equal
        #: runs of DUP002 words are then two equal runs of at least as many of these words
        self.plain = False
        folded_lines = None
        if not _has_info_separator(text):
            folded, self.plain = _fold(text)
            folded_lines = folded.split(b"\n") if "\r" not in text else _NEWLINE_BYTES.split(folded)
        if folded_lines is None or len(folded_lines) != len(lines):
            # the exact path, a line at a time (information separators in the text)
            self.plain = False
            self._line_keys = [_exact_key(line) if line.strip() else "" for line in lines]
            self.line_key_bytes = [k.encode("utf-8", "surrogatepass") for k in self._line_keys]
            key = _exact_key(text)
            self._key = key
            self.key_bytes = key.encode("utf-8", "surrogatepass")
            self.word_runs: list[list[bytes]] = [self.key_bytes.split(b" ")] if key else []
            self.n_words = sum(map(len, self.word_runs))
            return
        self.plain = self.plain and "ʼ" not in text
        # one bytes.split per line, reused for the line keys and the words (all loops in C)
        split_lines = list(map(bytes.split, folded_lines))
        #: the UTF-8 (surrogatepass) of line_keys: as distinct as they are
        self.line_key_bytes = list(map(b" ".join, split_lines))
        #: the normalized text in UTF-8 (surrogatepass)
        self.key_bytes = b" ".join(filter(None, self.line_key_bytes))
        #: the normalized words of the whole text in UTF-8 (what DUP101 and DUP102 compare), in
        #: runs: a line's (the whole text's on the exact path); chained on demand, never listed
        self.word_runs = split_lines
        self.n_words = sum(map(len, split_lines))

    @property
    def line_keys(self) -> list[str]:
        """The normalized key of every line ("" for a blank line)."""
        if self._line_keys is None:  # one decode: a key holds no line break
            self._line_keys = b"\n".join(self.line_key_bytes).decode("utf-8", "surrogatepass").split("\n")
        return self._line_keys

    @property
    def key(self) -> str:
        """The normalized text: ``normalize_for_dup(doc.text)``."""
        if self._key is None:
            self._key = self.key_bytes.decode("utf-8", "surrogatepass")
        return self._key

    @property
    def digest(self) -> int:
        """64-bit hash of the normalized text (DUP101's signature, the head of DUP102's)."""
        if self._digest is None:
            self._digest = _digest64(self.key_bytes)
        return self._digest

    @property
    def word_hashes(self) -> Any:
        """CRC-32 of every word, as a numpy array (DUP102's shingles, DUP002's quick test)."""
        if self._hashes is None:
            from corpuslint.families import minhash

            self._hashes = minhash.crc_hashes(chain.from_iterable(self.word_runs), self.n_words)
        return self._hashes

    def ngram_hashes(self, size: int) -> Any:
        """``minhash.ngram_hashes(self.word_hashes, size)``, remembered: not to be changed in place.

        An even ``size`` is made of two halves (DUP002's 10-grams from DUP102's 5-grams).
        """
        grams = self._grams.get(size)
        if grams is None:
            from corpuslint.families import minhash

            if size % 2 == 0 and self.n_words >= size:
                grams = minhash.doubled_ngram_hashes(self.ngram_hashes(size // 2), size // 2)
            else:
                grams = minhash.ngram_hashes(self.word_hashes, size)
            self._grams[size] = grams
        return grams


# The document the duplication rules are on, and its _DupText: they run one after the other
# on a document. Kept here rather than in document.facts: its words take some 50 KB per
# document, which a worker's batch of documents would otherwise hold until the batch ends.
_current: tuple[Document | None, _DupText | None] = (None, None)


def _dup_text(doc: Document) -> _DupText:
    global _current
    known, dup = _current
    if known is not doc or dup is None:
        dup = _DupText(doc)
        _current = (doc, dup)
    return dup


def words_for_dup(text: str) -> list[str]:
    """The words of a text as the corpus rules compare them (normalized, punctuation dropped)."""
    key = normalize_for_dup(text)
    return key.split(" ") if key else []


def _digest64(key: bytes) -> int:
    """The first 8 bytes of the BLAKE2b of ``key`` (a normalized text in UTF-8, surrogatepass), big-endian."""
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")


def _width(s: str) -> int:
    """Characters, a wide one (Chinese, Japanese, Korean) counting for two: a line of 50 of them
    is a long sentence, no verse."""
    if s.isascii():
        return len(s)
    return len(s) + sum(1 for ch in s if ch >= "\u1100" and unicodedata.east_asian_width(ch) in "WF")


def _verse_lines(lines: Sequence[str]) -> set[int]:
    """Indices of lines in verse-like stanzas.

    A stanza is a run of at least 2 non-blank lines, all short, most of them not
    ending a sentence (prose lines end with a full stop, verse lines mostly do not).
    """
    out: set[int] = set()
    run: list[int] = []
    short = True
    ends = 0
    for i, line in enumerate([*lines, ""]):
        s = line.strip()
        if s:
            run.append(i)
            short = short and _width(s) <= _VERSE_MAX_CHARS
            ends += s.rstrip("»\"”’)] ")[-1:] in _SENTENCE_END
            continue
        if short and len(run) >= _VERSE_MIN_LINES and ends * 2 <= len(run):
            out.update(run)
        run, short, ends = [], True, 0
    return out


def _in_stanza(lines: Sequence[str], i: int, verse: set[int]) -> bool:
    """Whether line ``i`` is a line of verse in a stanza of four lines or more (a song's line
    sung twice): three words or more (or as wide in a script without spaces), no sentence
    end. Two short lines alike (`© Netflix` twice), a button (`シェアする`, `مشاركة`) or a
    sentence (`…が訪れた。`) repeated among short lines are no verse."""
    line = lines[i].strip()
    if i not in verse or line.rstrip("»\"”’)] ")[-1:] in _SENTENCE_END:
        return False
    if len(line.split()) < 3 and _width(line) < 16:
        return False
    a = b = i
    while a > 0 and lines[a - 1].strip():
        a -= 1
    while b + 1 < len(lines) and lines[b + 1].strip():
        b += 1
    return b - a + 1 >= 4


#: the most lines between a line of verse and its refrain in the same run of short lines
_REFRAIN_REACH = 4


def _refrain_nearby(lines: Sequence[str], j: int, i: int) -> bool:
    """Whether line ``i`` repeats line ``j`` inside one run of short lines, a few lines apart,
    under a line that introduces them: a verse quoted in prose (`Vi vaknar, vi vaknar, nu
    lyser dagen klar,` and its last line) in a document that sets no stanza apart with blank
    lines. A paragraph pasted twice is long."""
    if i - j > _REFRAIN_REACH or not all(0 < _width(lines[k].strip()) <= _VERSE_MAX_CHARS for k in range(j, i + 1)):
        return False
    # ... which a line ending with a colon introduces (`... alltid inledde med samma vers:`):
    # a sentence of a text set one to a line, repeated a line later, is no refrain
    a = j
    while a > 0 and 0 < _width(lines[a - 1].strip()) <= _VERSE_MAX_CHARS and j - a < _REFRAIN_REACH:
        a -= 1
    return a > 0 and lines[a - 1].rstrip().endswith((":", "："))


def _doc(cls: type) -> str:
    return inspect.cleandoc(cls.__doc__ or "")


# --------------------------------------------------------------------------- DUP001
@rule(
    "DUP001",
    "repeated-lines",
    category="duplication", fixable=True,
    severity="warning",
    options=[
        Option("min-length", int, 30, "Shortest line (characters, normalized) whose non-adjacent repeat is reported.", min=1),
        Option("adjacent-min-length", int, 2, "Shortest line whose immediate repeat (stutter) is reported.", min=1),
    ],
)
def repeated_lines(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """Lines or paragraphs that repeat earlier ones in the same document.

    ## What it does
    Compares every line with the earlier lines of the document, ignoring case,
    punctuation, quotes, spacing, invisible characters and Unicode forms (each
    line is normalized and hashed once). A repeated line of at least `min-length` characters is
    reported at the repeat, with the line it repeats; a run of consecutive
    repeated lines (a pasted-twice block, or a multi-line paragraph) is one
    finding spanning the block, short lines inside it included. A line
    repeated right after itself (`© Netflix` twice) is reported from
    `adjacent-min-length` characters, except dialogue and list lines
    (`— Oui.`). Refrains are left alone: a repeat between two stanzas of short
    lines (poetry, lyrics) is not reported here (DUP003 judges how much
    repetition a document holds); so are lines quoted with `>` (a mail or
    forum reply quoting the message it answers).

    ## Why it matters
    Duplicated passages skew every count made on the corpus and teach a model
    to repeat itself. Scrapers produce them when a page holds the same block
    twice (teaser and body, mobile and desktop layouts).

    ## Example
    ```text
    seeds/002.txt:5:1: DUP001 [repeated-lines] lines 5-7 repeat lines 2-4
    ```

    ## Fix
    Delete the repeat. The fix is safe for a line of prose that exactly repeats
    the line just before it, unsafe otherwise (a repeat may be deliberate: a
    song's line sung twice, a table's row, a line after a blank line). A line
    of program code, or one without a letter (a reading, `21,5`, given twice),
    is not reported when it repeats the line before it.
    """
    min_len = ctx.options["min-length"]
    adj_min = ctx.options["adjacent-min-length"]
    lines = doc.lines
    dup = _dup_text(doc)
    keyed = [k for k in dup.line_key_bytes if k]
    if len(set(keyed)) == len(keyed):  # every block starts at a line whose key came before: none did
        return
    keys = dup.line_keys
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    after = dict(zip(nonblank, nonblank[1:]))  # next non-blank line
    verse: set[int] | None = None
    code: frozenset[int] | None = None
    first: dict[str, int] = {}
    blocks: list[list[Any]] = []  # [first line, last line, first original, last original, safe]
    cur: list[Any] | None = None
    prev = -1
    for i in nonblank:
        key = keys[i]
        line = lines[i]
        if cur is not None and prev == cur[1]:
            # a block goes on while the next line repeats the line after the original
            q = after.get(cur[3])
            if q is not None and q < cur[0] and keys[q] == key and (key or lines[q].strip() == line.strip()):
                cur[1], cur[3], cur[4] = i, q, False
                prev = i
                continue
        if cur is not None:
            blocks.append(cur)
            cur = None
        if not key:
            prev = i
            continue
        j = first.get(key)
        if j is None:
            first[key] = i
        elif not _quoted(line):  # a reply quoting the message it answers (`> ...`) repeats it on purpose
            adjacent = prev >= 0 and keys[prev] == key and not _DIALOGUE.match(line)
            if adjacent and len(key) >= adj_min:
                if code is None:
                    code = code_lines(doc)
                if i in code or not any(map(str.isalpha, line)):
                    prev = i  # a program's line written twice, a reading repeated (`21,5`): data
                    continue
                if verse is None:
                    verse = _verse_lines(lines)
                # safe: the line itself again, right under it, in prose; a repeat in a
                # song (`Oh, when the saints go marching in`), a table's row or after a blank
                # line may be meant
                exact = (line.strip() == lines[prev].strip() and i == prev + 1 and not _in_stanza(lines, i, verse)
                         and line.count("|") < 2 and "\t" not in line.strip())
                cur = [i, i, prev, prev, exact]
            elif len(key) >= min_len:
                if verse is None:
                    verse = _verse_lines(lines)
                # a refrain between stanzas, or within a verse quoted in prose
                if not (i in verse and j in verse) and not _refrain_nearby(lines, j, i):
                    cur = [i, i, j, j, False]
        prev = i
    if cur is not None:
        blocks.append(cur)
    starts = doc.line_starts
    for a, z, fa, fz, safe in blocks:
        if a == z:
            msg = f"line {a + 1} repeats line {fa + 1}"
        else:
            msg = f"lines {a + 1}-{z + 1} repeat lines {fa + 1}-{fz + 1}"
        start = starts[a]
        end = starts[z] + len(lines[z])
        del_start = starts[a]
        del_end = starts[z + 1] if z + 1 < len(starts) else end
        # the line break before the lines goes with them: for the last line (instead of the one
        # after it), and for a paragraph between blank lines (one blank line is left between its
        # neighbours, not two)
        if a > 0 and (z + 1 >= len(starts) or (not lines[z + 1].strip() and not lines[a - 1].strip())):
            del_start = starts[a] - (2 if doc.text[starts[a] - 2 : starts[a]] == "\r\n" else 1)
        yield Violation(msg, start, end, Fix("Delete the repeated lines", (Edit(del_start, del_end, ""),), safe=safe))


# --------------------------------------------------------------------------- DUP002
@rule(
    "DUP002",
    "repeated-passage",
    category="duplication",
    severity="warning",
    options=[
        Option("min-words", int, 10, "Shortest run of words (a word n-gram) whose repeat is reported.", min=3),
    ],
)
def repeated_passage(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """A sentence or a run of words pasted twice, not aligned on lines.

    ## What it does
    Slides a window of `min-words` words (word n-gram shingles; a word is a
    whitespace-delimited token, compared without case, outer punctuation or
    quote style, so `l’accès` is one word; in Chinese, Japanese, Thai and the
    other scripts written without spaces each character is a word, with the
    vowel and tone marks that follow it, and a run needs twice as many) over the document and reports each
    maximal run of words that repeats an earlier run, at the repeat, with the
    position of the original and the length of the run. Repeats of whole lines
    are DUP001's (and refrains between stanzas are left alone, as are lines
    quoted with `>` in a reply); runs that overlap their original (`na na na
    na ...`), runs made mostly of numbers or of a few words repeated (table
    rows), and runs said three times or more (a tale's refrain, a formula of
    a law: a paste accident doubles a passage) are not reported. Nor is a
    phrase that two sentences share: a run is reported when, at one of its
    two places, it holds whole sentences (8 words of them, or `min-words`)
    or most of a line (a teaser, a pull quote, a caption), and is not the
    same slot of two lines alike (`Dunkirk is currently streaming on ...` /
    `Lady Bird is currently streaming on ...`, citation tails).

    ## Why it matters
    Copy-paste accidents and scrapers that merge a teaser into the body
    duplicate a sentence inside a paragraph, where line-based checks cannot
    see it. The repeat over-weights the passage and teaches a model to loop.

    ## Example
    ```text
    article.txt:3:118: DUP002 [repeated-passage] 16 words repeat the passage at line 3, column 1
    ```

    ## Fix
    Delete the repeated words (no automatic fix: the sentence boundaries around
    the repeat need a human eye).
    """
    n = ctx.options["min-words"]
    dup = _dup_text(doc)
    unspaced = doc.script not in _SPACED_SCRIPTS and _UNSPACED.search(doc.text) is not None
    if dup.plain and not unspaced and not _has_repeated_ngram(dup, n):
        # DUP001's words are coarser than this rule's (see _DupText.plain): when no run of n
        # of them repeats, no run of n words here can. Most documents stop here.
        return
    words, word_starts, word_ends = _words(_fold_styles(doc.text))
    sentence = min(n, _PASTED_SENTENCE)
    if unspaced:
        # Chinese, Japanese, Thai: each character a word, and twice as many of them make a run
        words, word_starts, word_ends = _split_unspaced(doc.text, words, word_starts, word_ends)
        n, sentence = n * _CHARACTERS_PER_WORD, sentence * _CHARACTERS_PER_WORD
    if len(words) < 2 * n:
        return
    runs = _greedy_repeats(words, n)
    if runs is None:  # two different runs of words share a hash: take the reference scan
        runs = _greedy_repeats_reference(words, n)
    spans: list[tuple[int, int]] | None = None  # only for a run the other tests let through
    span_ends: list[int] = []
    grams: Counter[int] | None = None  # how often each run of n words occurs, for a run the other tests let through
    for i, j, length in runs:
        run = words[i : i + length]
        if len(set(run)) < max(3, n // 2) or sum(not w.isdigit() for w in run) < n // 2:
            continue
        if spans is None:
            # whole lines that repeat an earlier line (DUP001's domain, or a refrain) and lines
            # quoted with '>' (a reply quoting the message it answers): skipped
            spans = _repeated_line_spans(doc, quoted=True)
            span_ends = [z for _, z in spans]
        found = zip(word_starts[i : i + length].tolist(), word_ends[i : i + length].tolist())
        if spans and _outside(found, spans, span_ends) < n:
            continue  # just a repeated line
        if not _pasted(doc, word_starts, word_ends, i, j, length, sentence):
            continue  # a phrase two sentences share: `is currently streaming on HBO Go and ...`
        if grams is None:
            grams = _gram_counts(words, n)
        if _said_thrice(words, grams, i, length, n):
            continue  # a formula said three times or more (a tale's refrain, a law's wording), not a paste
        line, col = doc.position(int(word_starts[j]))
        unit = "characters" if unspaced and all(_UNSPACED.match(w) for w in run) else "words"
        yield Violation(f"{length} {unit} repeat the passage at line {line}, column {col}", int(word_starts[i]), int(word_ends[i + length - 1]))


#: characters of a script written without spaces that count as one word of `min-words`
_CHARACTERS_PER_WORD = 2


def _split_unspaced(text: str, words: list[str], starts: Any, ends: Any) -> tuple[list[str], Any, Any]:
    """DUP002's words with each character of an unspaced script a word of its own, with the
    marks that follow it (a Thai vowel or tone mark is part of its consonant's word)."""
    from corpuslint.families import minhash

    np = minhash._np()
    out: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    for w, a, z in zip(words, starts.tolist(), ends.tolist()):
        if _UNSPACED.search(w) is None:
            out.append(w)
            new_starts.append(a)
            new_ends.append(z)
            continue
        for m in _UNIT.finditer(text, a, z):
            if not any(map(str.isalnum, m.group())):
                continue  # the punctuation between two characters: no word
            out.append(m.group().casefold())
            new_starts.append(m.start())
            new_ends.append(m.end())
    return out, np.array(new_starts, dtype=starts.dtype), np.array(new_ends, dtype=ends.dtype)


#: words of whole sentences (or lines) a repeated run must hold to be a paste (fewer when
#: `min-words` is lower): a pasted sentence or teaser holds one; a turn of phrase, a
#: citation's `Te Ara: The Encyclopedia of New Zealand. Retrieved ...` or a template
#: sentence of a list does not
_PASTED_SENTENCE = 8
#: a sentence starts after one of these (a colon opens a quotation or a statement)
_STARTS_AFTER = frozenset(".!?…:\n。！？：।॥؟۔։")
#: what may stand between a sentence's last word and its end mark, or before its first word
_CLOSERS = "\"'”’»)]」』）"
_OPENERS = "\"'“‘«„([¿¡-–—•* \t「『（"


def _pasted(doc: Document, starts: Any, ends: Any, i: int, j: int, length: int, sentence: int) -> bool:
    """Whether the run of ``length`` words at word ``i`` that repeats the one at word ``j``
    looks pasted rather than a turn of phrase, a citation's tail or a list's template
    sentence: it holds whole sentences (``sentence`` words of them) at one of its
    places, or most of a line at one of them (a teaser, a pull quote, a caption) where the
    two places are not the same slot of two lines alike (after each line's first words, up
    to its end: `Dunkirk is currently streaming on ...`, `Lady Bird is currently ...`)."""
    text = doc.text
    if max(_sentence_words(text, starts, ends, i, length), _sentence_words(text, starts, ends, j, length)) >= sentence:
        return True
    slots = [_line_slot(doc, starts, i, length), _line_slot(doc, starts, j, length)]
    if all(head <= _TEMPLATE_HEAD and tail == 0 for head, tail, _ in slots):
        return False
    return any(covered >= _MOST_OF_A_LINE for _, _, covered in slots)


#: a run within this many words of its line's start and ending the line, at both places, is
#: the same slot of two lines alike; a run of at least this share of a line's words is most of it
_TEMPLATE_HEAD = 4
_MOST_OF_A_LINE = 0.8


def _line_slot(doc: Document, starts: Any, i: int, length: int) -> tuple[int, int, float]:
    """(words of its line before the run, words after it, share of the line's words in the
    run) of the run of ``length`` words at word ``i``, on the line where it starts."""
    line = doc.position(int(starts[i]))[0]
    a, z = doc.line_span(line)
    first = int(starts.searchsorted(a))
    last = int(starts.searchsorted(z))  # one past the line's last word
    inside = min(i + length, last) - i
    return i - first, max(0, last - (i + length)), inside / max(1, last - first)


def _sentence_words(text: str, starts: Any, ends: Any, i: int, length: int) -> int:
    """How many of the ``length`` words from word ``i`` belong to sentences (or lines) that
    start and end inside the run: a word starts one after an end mark or a line break, ends
    one before an end mark or a line break (quotes and brackets between them allowed)."""
    total = 0
    begun = None  # index of the first word of the sentence being read, if it began in the run
    for k in range(i, i + length):
        a, z = int(starts[k]), int(ends[k])
        if begun is None and _starts_sentence(text, a):
            begun = k
        if begun is not None and _ends_sentence(text, z):
            total += k - begun + 1
            begun = None
    return total


def _starts_sentence(text: str, a: int) -> bool:
    p = a - 1
    while p >= 0 and text[p] in _OPENERS:
        p -= 1
    return (p < 0 or text[p] in _STARTS_AFTER
            or (text[p] in _CLOSERS and p > 0 and text[p - 1] in _SENTENCE_END))


def _ends_sentence(text: str, z: int) -> bool:
    n = len(text)
    q = z
    while q < n and text[q] in _CLOSERS:
        q += 1
    if q < n and text[q] in _SENTENCE_END:
        return True
    while q < n and text[q] in " \t":
        q += 1
    return q >= n or text[q] in "\r\n"


def _greedy_repeats_reference(words: list[str], n: int) -> list[tuple[int, int, int]]:
    """The repeats DUP002 judges: (start, start of the original, length in words), in order.

    A left-to-right scan: at each position, the run of ``n`` words is looked up among the
    runs of the positions visited so far; a repeat (not overlapping its original) is
    extended as far as it goes and the scan jumps past it.
    """
    out = []
    total = len(words)
    first: dict[tuple[str, ...], int] = {}
    i = 0
    while i <= total - n:
        gram = tuple(words[i : i + n])
        j = first.get(gram)
        if j is None:
            first[gram] = i
            i += 1
            continue
        if i - j < n:  # overlaps its original: a periodic run (`ha ha ha ...`), not a paste
            i += 1
            continue
        length = n
        while i + length < total and j + length < i and words[i + length] == words[j + length]:
            length += 1
        out.append((i, j, length))
        i += length
    return out


def _greedy_repeats(words: list[str], n: int) -> list[tuple[int, int, int]] | None:
    """What :func:`_greedy_repeats_reference` returns, with numpy doing most of the work.

    The runs of ``n`` words are hashed and grouped at once (_first_of_group); the scan then
    visits only the positions whose run occurred before. Its original is the earliest
    position of the group the scan visited (not inside a repeat it jumped over). None when
    two different runs share a hash (never seen; the caller then takes the reference scan).
    """
    from corpuslint.families import minhash

    np = minhash._np()
    m = len(words) - n + 1
    if m < 2:
        return []
    # Python's str hash is enough: it only has to agree within this process
    ids = np.fromiter(map(hash, words), dtype=np.int64, count=len(words)).view(np.uint64)
    grams = minhash.ngram_hashes(ids, n)
    earliest = _first_of_group(grams)
    later = np.flatnonzero(earliest != np.arange(m))
    if not later.size:
        return []
    earliest_at = earliest.tolist()
    out: list[tuple[int, int, int]] = []
    skipped: list[tuple[int, int]] = []  # positions the scan jumped over: [start, end)
    resume = 0  # the scan's next position
    total = len(words)
    for i in later.tolist():
        if i < resume:
            continue
        j = earliest_at[i]
        if skipped and _inside(j, skipped):
            j = _earliest_visited(np.flatnonzero(grams == grams[i]).tolist(), i, skipped)
            if j is None:
                continue  # the first visited of its group: the reference records it here
        if words[j : j + n] != words[i : i + n]:
            return None
        if i - j < n:
            continue
        length = n
        while i + length < total and j + length < i and words[i + length] == words[j + length]:
            length += 1
        out.append((i, j, length))
        skipped.append((i, i + length))
        resume = i + length
    return out


def _first_of_group(values: Any) -> Any:
    """Per position of the numpy array ``values``, the first position holding the same value.

    ``np.unique``'s first index of each position's group, from an unstable argsort (a
    group's first position is its smallest), four times faster than the stable one.
    """
    from corpuslint.families import minhash

    np = minhash._np()
    order = values.argsort()
    ordered = values[order]
    heads = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    first = np.empty_like(order)
    first[order] = np.repeat(np.minimum.reduceat(order, heads), np.diff(heads, append=order.size))
    return first


def _inside(k: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= k < z for a, z in spans)


def _earliest_visited(positions: list[int], before: int, skipped: list[tuple[int, int]]) -> int | None:
    for k in positions:
        if k >= before:
            return None
        if not _inside(k, skipped):
            return k
    return None


def _has_repeated_ngram(dup: _DupText, n: int) -> bool:
    """Whether a run of ``n`` words occurs twice in ``dup.word_runs`` (or two runs share a 64-bit hash)."""
    if dup.n_words <= n:
        return False
    from corpuslint.families import minhash

    # sorted (a copy: nothing shared is reordered), then equal neighbours: three times faster
    # than np.unique on a document's words; a collision only costs the slow path
    grams = minhash._np().sort(dup.ngram_hashes(n))
    return bool((grams[1:] == grams[:-1]).any())


#: a character's class for DUP002's words, by code point below 0x10000: 0 a word character,
#: 1 a space (\s: not the information separators U+001C-U+001F), 2 punctuation or a symbol
_CLASSES: list[Any] = []
_SPACE_CHAR = compile_regex(r"\s")


def _char_classes(points: Any) -> Any:
    """The class (see _CLASSES) of every code point of the numpy array ``points``."""
    from corpuslint.families import minhash

    np = minhash._np()
    if not _CLASSES:
        bmp = "".join(map(chr, range(0x10000)))
        table = np.zeros(0x10000, dtype=np.uint8)
        table[[m.start() for m in _PUNCT_CHAR.finditer(bmp)]] = 2
        table[[m.start() for m in _SPACE_CHAR.finditer(bmp)]] = 1
        _CLASSES.append(table)
    classes = _CLASSES[0].take(points, mode="clip")  # take: twice as fast as indexing
    if not points.size or points.max() < 0x10000:
        return classes
    astral = points >= 0x10000
    odd, where = np.unique(points[astral], return_inverse=True)
    own = [2 if _PUNCT_CHAR.match(c) else 1 if _SPACE_CHAR.match(c) else 0 for c in map(chr, odd.tolist())]
    classes[astral] = np.array(own, dtype=np.uint8)[where]
    return classes


def _words(text: str) -> tuple[list[str], Any, Any]:
    """DUP002's words of ``text`` (``_TOKEN.findall(text)``, casefolded), their starts and ends (numpy arrays).

    A token runs from the first to the last word character of a whitespace-delimited chunk:
    among the characters that are no punctuation or symbol, a run of word characters. Found
    on the code points at once, with numpy.
    """
    from corpuslint.families import minhash

    np = minhash._np()
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    classes = _char_classes(points)
    kept = np.flatnonzero(classes != 2)
    kept_classes = classes[kept]
    # the runs of one class among the kept characters, alternately words and spaces
    bounds = np.concatenate(([0], np.flatnonzero(kept_classes[1:] != kept_classes[:-1]) + 1, [kept.size]))
    first_word = 0 if kept.size and kept_classes[0] == 0 else 1
    starts = kept[bounds[first_word:-1:2]]
    if not starts.size:
        return [], starts, starts
    ends = kept[bounds[first_word + 1 :: 2] - 1] + 1
    # the tokens, one a line: the character before a later token (a space or a mark) becomes a line break
    edge = np.zeros(points.size + 1, dtype=np.int8)
    edge[starts] = 1
    edge[ends] = -1
    keep = np.cumsum(edge[:-1], dtype=np.int8).view(bool)
    breaks = starts[1:] - 1
    keep[breaks] = True
    out = points.copy()
    out[breaks] = 10
    joined = out[keep].tobytes().decode("utf-32-le", "surrogatepass")
    return joined.casefold().split("\n"), starts, ends  # one casefold: a word holds no line break


def _fold_styles(text: str) -> str:
    """``text`` with one quote style and one dash (DUP002's comparison), offsets unchanged.

    A str.replace per character present is a fast C scan, where str.translate with a
    table looks every character up in a dict.
    """
    for old, new in _FOLD_PAIRS:
        if old in text:
            text = text.replace(old, new)
    return text


def _repeated_line_spans(doc: Document, quoted: bool = False) -> list[tuple[int, int]]:
    """Character spans of the lines whose normalized text appeared earlier as a whole line (and,
    with ``quoted``, of the lines quoted with '>')."""
    keys = _dup_text(doc).line_key_bytes  # a blank line's key is empty: never a repeat
    first = dict(zip(reversed(keys), range(len(keys) - 1, -1, -1)))  # each key's first line
    first.pop(b"", None)
    starts = doc.line_starts
    lines = doc.lines
    return [(starts[i], starts[i] + len(lines[i])) for i, key in enumerate(keys)
            if first.get(key, i) != i or (quoted and _quoted(lines[i]))]


def _quoted(line: str) -> bool:
    """A line quoted the way mail and forum replies quote the message they answer: `> text`."""
    return line.lstrip().startswith(">")


def _gram_counts(words: list[str], n: int) -> Counter[int]:
    """How often each run of ``n`` words occurs in ``words``, keyed by the run's hash: one pass
    (counting a run's occurrences from its first word's positions took a repetitive page of
    600 KB 150 s, each frequent word's positions read once per run)."""
    return Counter(hash(tuple(words[k : k + n])) for k in range(len(words) - n + 1))


def _said_thrice(words: list[str], grams: Mapping[int, int], i: int, length: int, n: int) -> bool:
    """Whether the run of ``length`` words at ``i`` is a formula: all but fewer than ``n`` of its words
    lie in runs of ``n`` words that occur three times or more in ``words`` (``grams``: ``_gram_counts``)."""
    covered = i  # the run's words before this position are covered or counted in ``uncovered``
    uncovered = 0
    for k in range(i, i + length - n + 1):
        if uncovered + max(0, k - covered) >= n:
            return False  # n words outside every formula: a paste, reported
        if grams.get(hash(tuple(words[k : k + n])), 0) >= 3:
            uncovered += max(0, k - covered)
            covered = k + n
    return uncovered + max(0, i + length - covered) < n


def _outside(found: Iterable[tuple[int, int]], spans: list[tuple[int, int]], ends: list[int]) -> int:
    """How many of the words (start, end) lie in none of ``spans`` (sorted by position, disjoint; ``ends`` their ends).

    A word lies in the first span that ends at or after it, if in any: one bisection per word
    of a run, where DUP002 scanned every word of the document.
    """
    count = 0
    for start, end in found:
        k = bisect_left(ends, end)
        count += k == len(spans) or spans[k][0] > start
    return count


# --------------------------------------------------------------------------- DUP003
# Thresholds of Rae et al. 2021, "Scaling Language Models: Methods, Analysis &
# Insights from Training Gopher", Table A1 (arXiv:2112.11446); the same defaults as
# datatrove's src/datatrove/pipeline/filters/gopher_repetition_filter.py.
GOPHER_TOP_NGRAM = {2: 0.20, 3: 0.18, 4: 0.16}
GOPHER_DUP_NGRAM = {5: 0.15, 6: 0.14, 7: 0.13, 8: 0.12, 9: 0.11, 10: 0.10}

_REPETITION_OPTIONS = [
    Option("min-words", int, 50, "Shortest document (words) measured (Gopher's word-count filter starts at 50).", min=1),
    Option("dup-line-frac", float, 0.30, "Largest fraction of (non-blank) lines that repeat an earlier line.", min=0, max=1),
    Option("dup-para-frac", float, 0.30, "Largest fraction of paragraphs that repeat an earlier paragraph.", min=0, max=1),
    Option("dup-line-char-frac", float, 0.20, "Largest fraction of characters in repeated lines.", min=0, max=1),
    Option("dup-para-char-frac", float, 0.20, "Largest fraction of characters in repeated paragraphs.", min=0, max=1),
    *(Option(f"top-{n}gram-char-frac", float, v, f"Largest fraction of word characters covered by the most frequent {n}-gram.", min=0, max=1)
      for n, v in GOPHER_TOP_NGRAM.items()),
    *(Option(f"dup-{n}gram-char-frac", float, v, f"Largest fraction of word characters covered by repeated {n}-grams.", min=0, max=1)
      for n, v in GOPHER_DUP_NGRAM.items()),
]


@rule(
    "DUP003",
    "repetitive-document",
    category="duplication",
    severity="warning",
    enabled_by_default=False,
    options=_REPETITION_OPTIONS,
)
def repetitive_document(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """A document whose repetition scores exceed the Gopher quality thresholds.

    ## What it does
    Computes the repetition measures of the Gopher quality filters (Rae et
    al. 2021, Table A1): the fraction of lines and of paragraphs that repeat
    an earlier one, the fraction of characters in those repeats, the fraction
    of word characters covered by the most frequent 2-, 3- and 4-gram, and by
    all repeated 5- to 10-grams. Reports the document once, naming every
    measure above its threshold. Documents under `min-words` words are not
    measured. Lines and paragraphs are compared normalized like DUP001, blank
    lines are not lines, words are compared without case or punctuation, and
    numbers are not words (a table of figures is not repetitive prose).
    Off by default: it is a filtering policy for pre-training data, and the
    repeats it counts are usually reported one by one by DUP001 and DUP002.

    ## Why it matters
    Highly repetitive documents (spam, auto-generated pages, lyrics with a long
    refrain, scraper loops) carry little text for their size and push a model
    toward degenerate repetition; Gopher dropped them from MassiveText.

    ## Example
    ```text
    spam.txt: DUP003 [repetitive-document] repetitive text (Gopher thresholds): dup-line-frac 0.43 > 0.30, dup-line-char-frac 0.45 > 0.20
    ```

    ## Fix
    Remove the document from the corpus, or delete the repeats. Set a threshold
    to 1 to switch a measure off.
    """
    o = ctx.options
    scores = repetition_scores(doc.text, o["min-words"], o)
    if scores is None:
        return
    over = [f"{name} {value:.2f} > {o[name]:.2f}" for name, value in scores.items() if value > o[name]]
    if over:
        yield Violation("repetitive text (Gopher thresholds): " + ", ".join(over))


def repetition_scores(text: str, min_words: int = 50, thresholds: Mapping[str, float] | None = None) -> dict[str, float] | None:
    """The Gopher repetition measures of a text, by option name; None under ``min_words`` words.

    The duplicated 5..10-gram measures stop early once one is below the smallest
    threshold: coverage can only shrink as n grows.
    """
    # numbers are not words: a table of figures is not repetitive prose (Gopher counts them)
    words = [w for w in normalize_for_dup(text).split() if not w.isdigit()]
    if len(words) < min_words:
        return None
    out: dict[str, float] = {}
    lines = [ln.strip() for ln in text.splitlines()]
    line_keys: list[str] = []
    line_chars: list[int] = []
    paras: list[tuple[str, int]] = []
    block: list[str] = []
    block_chars = 0
    for ln in [*lines, ""]:
        if ln:
            key = normalize_for_dup(ln)
            line_keys.append(key)
            line_chars.append(len(ln))
            block.append(key)
            block_chars += len(ln)
        elif block:
            paras.append(("\n".join(block), block_chars))
            block, block_chars = [], 0
    for kind, items in (("line", list(zip(line_keys, line_chars))), ("para", paras)):
        seen: set[str] = set()
        dup = dup_chars = total_chars = 0
        for key, chars in items:
            total_chars += chars
            if key in seen:
                dup += 1
                dup_chars += chars
            else:
                seen.add(key)
        out[f"dup-{kind}-frac"] = dup / len(items) if items else 0.0
        out[f"dup-{kind}-char-frac"] = dup_chars / total_chars if total_chars else 0.0
    ids_of: dict[str, int] = {}
    ids = [ids_of.setdefault(w, len(ids_of)) for w in words]
    vocab = list(ids_of)
    lengths = [len(w) for w in words]
    total = sum(lengths)
    for n in GOPHER_TOP_NGRAM:
        grams = Counter(zip(*(ids[k:] for k in range(n))))
        gram, count = grams.most_common(1)[0] if grams else ((), 0)
        width = sum(len(vocab[g]) for g in gram)
        out[f"top-{n}gram-char-frac"] = count * width / total if count > 1 else 0.0
    floor = min((thresholds or {}).get(f"dup-{n}gram-char-frac", v) for n, v in GOPHER_DUP_NGRAM.items())
    frac = 1.0
    for n in GOPHER_DUP_NGRAM:
        if frac <= floor:
            out[f"dup-{n}gram-char-frac"] = frac  # an upper bound, below every threshold
            continue
        starts = list(zip(*(ids[k:] for k in range(n))))
        counts = Counter(starts)
        covered = [0] * (len(ids) + 1)  # difference array over word positions
        for p, g in enumerate(starts):
            if counts[g] > 1:
                covered[p] += 1
                covered[p + n] -= 1
        depth = chars = 0
        for p, width in enumerate(lengths):
            depth += covered[p]
            if depth:
                chars += width
        frac = chars / total
        out[f"dup-{n}gram-char-frac"] = frac
    return out


# --------------------------------------------------------------------------- DUP101
def _display(ref: DocRef) -> str:
    return ref.path if ref.record is None else f"{ref.path}:#{ref.record}"


class DuplicateDocument(CorpusRule):
    """A document whose text is the same as an earlier document's.

    ## What it does
    Hashes each document's text after folding case and collapsing punctuation
    and spacing, and reports every document after the first with the same
    hash, naming the first (in path order). Documents shorter than `min-length`
    characters are ignored. The parent process keeps one 64-bit hash per
    document, never the text.

    ## Why it matters
    Exact duplicates are the commonest corpus defect: the same article under
    two URLs, a file copied twice. They over-weight their content in every
    statistic and model trained on the corpus.

    ## Example
    ```text
    news/b.txt: DUP101 [duplicate-document] same text as news/a.txt
    ```

    ## Fix
    Remove all but one copy. No automatic fix: which copy to keep is a choice.
    """

    code = "DUP101"
    name = "duplicate-document"
    category = "duplication"
    severity = Severity.WARNING
    options = (Option("min-length", int, 50, "Shortest document (characters) compared.", min=0),)

    def __init__(self) -> None:
        self.doc = _doc(type(self))

    def collect(self, doc: Document, ctx: RuleContext) -> Any:
        if len(doc.text) < ctx.options["min-length"]:
            return None
        dup = _dup_text(doc)
        shortest = ctx.options["min-length"] // 2
        # a character takes at most 4 bytes of UTF-8: a long key is not decoded to be measured
        if len(dup.key_bytes) < 4 * shortest and len(dup.key) < shortest:
            return None
        return dup.digest

    def finalize(self, signatures: Sequence[tuple[DocRef, Any]], options: Mapping[str, Any]) -> Iterator[CorpusViolation]:
        """Every document after the first of its hash, in document order (np.unique: 8 bytes per
        document in the parent, where a dict of the first of each hash took over 100)."""
        from corpuslint.families import minhash

        np = minhash._np()
        n = len(signatures)
        hashes = np.fromiter((0 if h is None else h for h in _values(signatures)), dtype=np.uint64, count=n)
        present = np.fromiter((h is not None for h in _values(signatures)), dtype=bool, count=n)
        docs = np.flatnonzero(present)
        if docs.size < 2:
            return
        _, first, inverse = np.unique(hashes[docs], return_index=True, return_inverse=True)
        original = docs[first[inverse.reshape(-1)]]
        copy = original != docs
        for k, j in zip(docs[copy].tolist(), original[copy].tolist()):
            yield CorpusViolation(signatures[k][0], f"same text as {_display(signatures[j][0])}",
                                  span_digest=f"{int(hashes[k]):016x}")

    # keyed phases: the same verdicts through a group-by on the hash (the Ray engine's shuffle);
    # tests/test_duplication.py checks they agree with finalize
    keyed = True

    def shuffle_keys(self, ref: DocRef, signature: Any) -> Iterable[tuple[Any, Any]]:
        return () if signature is None else [(signature, None)]

    def reduce_group(self, key: Any, items: list[tuple[DocRef, Any]], options: Mapping[str, Any]) -> Iterable[Any]:
        return [(ref, items[0][0], key) for ref, _ in items[1:]]

    def finalize_partials(self, partials: list[Any], options: Mapping[str, Any]) -> Iterator[CorpusViolation]:
        for ref, orig, h in sorted(partials, key=lambda p: _order(p[0])):
            yield CorpusViolation(ref, f"same text as {_display(orig)}", span_digest=f"{h:016x}")


# --------------------------------------------------------------------------- DUP102
class NearDuplicateDocument(CorpusRule):
    """A document that is almost the same text as an earlier document.

    ## What it does
    Compares documents by their word `shingle-size`-grams (normalized like
    DUP101; in Chinese, Japanese, Thai and the other scripts written without
    spaces, each character is a word, with its vowel and tone marks, and the
    message says `character 5-grams`). Each worker turns a document into a MinHash signature of
    `bands` x `rows` hash functions and sends only one 48-bit key per band;
    documents sharing a band key are candidates (LSH banding: a pair of
    Jaccard similarity s becomes a candidate with probability
    1 - (1 - s^rows)^bands, 99.8% at s = 0.8 with the defaults). The parent
    then re-reads the candidate documents only, in batches of `batch-size`,
    and keeps the pairs whose true Jaccard similarity of shingle sets is at
    least `threshold`, or whose paragraphs alone (lines of 80 characters or
    more, at least 50 shingles each) are 0.9 alike (or `threshold`, if higher)
    while the whole texts are at least 0.5 alike: a syndicated copy under another page's headline, menu
    and footer (the message then says so). Confirmed pairs are joined into clusters (union-find);
    every member after the first (in path order) is reported, naming the
    first and the similarity. Exact copies (same normalized text) are left to
    DUP101; documents under `min-words` words are not compared. Needs numpy
    (see docs/duplication.md).

    ## Why it matters
    Near-duplicates are the same article syndicated with a new headline, a
    page crawled twice with a different date or comment count, a template
    filled twice. Exact hashing misses them, and they over-weight their text
    just as much as exact copies do (Lee et al. 2022, "Deduplicating Training
    Data Makes Language Models Better").

    ## Example
    ```text
    corpus.jsonl:#doc0042: DUP102 [near-duplicate-document] near-duplicate of corpus.jsonl:#doc0007 (Jaccard similarity 0.87 of word 5-grams)
    ```

    ## Fix
    Keep one document of each cluster. No automatic fix: which version to
    keep (the longest, the latest) is a choice.
    """

    code = "DUP102"
    name = "near-duplicate-document"
    category = "duplication"
    severity = Severity.WARNING
    options = (
        Option("threshold", float, 0.8, "Smallest Jaccard similarity of the shingle sets reported.", min=0.05, max=1),
        Option("shingle-size", int, 5, "Words per shingle (datatrove and Lee et al. use 5).", min=1, max=32),
        Option("bands", int, 20, "LSH bands (the number of hash functions is bands x rows).", min=1, max=512),
        Option("rows", int, 6, "MinHash rows per band.", min=1, max=64),
        Option("min-words", int, 20, "Shortest document (words) compared.", min=1),
        Option("batch-size", int, 20000, "Candidate documents re-read per pass over the corpus (bounds memory).", min=2),
    )

    def __init__(self) -> None:
        self.doc = _doc(type(self))
        #: figures of the last finalize (candidates, confirmed pairs, passes): for benchmarks
        self.stats: dict[str, int] = {}

    def collect(self, doc: Document, ctx: RuleContext) -> Any:
        from corpuslint.families import minhash

        o = ctx.options
        dup = _dup_text(doc)
        if doc.script in _SPACED_SCRIPTS or _UNSPACED.search(doc.text) is None:
            if dup.n_words < o["min-words"]:
                return None
            grams = dup.ngram_hashes(o["shingle-size"])
        else:
            # Chinese, Japanese, Thai: a character is a word (a "word" between spaces or
            # punctuation is a whole clause, and one changed character would change it)
            units = _units(dup.key)
            if len(units) < o["min-words"]:
                return None
            encoded = "\n".join(units).encode("utf-8", "surrogatepass").split(b"\n")
            grams = minhash.ngram_hashes(minhash.crc_hashes(encoded, len(units)), o["shingle-size"])
        exact = dup.digest.to_bytes(8, "little")
        return exact + minhash.band_keys(minhash.mixed(grams), o["bands"], o["rows"])

    def finalize(self, signatures: Sequence[tuple[DocRef, Any]], options: Mapping[str, Any]) -> Iterator[CorpusViolation]:
        """In one process: each band column sorted with numpy, one column at a time."""
        from corpuslint.families import minhash

        np = minhash._np()
        bands, kb = options["bands"], minhash.KEY_BYTES
        width = 8 + kb * bands
        # one n x width byte matrix: a view of the engine's packed signatures (no copy)
        matrix, valid = _bytes_matrix(signatures, width)
        index = np.flatnonzero(valid)
        self.stats = {"documents": len(signatures), "compared": int(index.size)}
        if index.size < 2:
            return
        # exact copies are DUP101's: keep the first of each normalized text
        _, firsts = np.unique(_little_endian(matrix[index, :8]), return_index=True)
        reps = index[np.sort(firsts)]  # positions in ``signatures``
        del index, firsts
        self.stats["distinct"] = int(reps.size)

        def column(j: int) -> Any:  # band j of every distinct document
            lo = 8 + j * kb
            return _little_endian(matrix[reps, lo : lo + kb])

        pairs = reps[minhash.lsh_candidate_pairs(column, len(reps), bands)].tolist()
        candidates = [(signatures[a][0], signatures[b][0], matrix[a, :8].tobytes(), matrix[b, :8].tobytes()) for a, b in pairs]
        yield from self._judge(candidates, options)

    # -- keyed phases: the same verdicts through a group-by (the Ray engine shuffles instead of gathering).
    keyed = True

    def shuffle_keys(self, ref: DocRef, signature: Any) -> Iterable[tuple[Any, Any]]:
        if not isinstance(signature, bytes) or len(signature) < 8 + 6 or (len(signature) - 8) % 6:
            return
        from corpuslint.families.minhash import KEY_BYTES

        exact = signature[:8]
        yield ("text", exact), exact
        for j in range((len(signature) - 8) // KEY_BYTES):
            yield ("band", j, signature[8 + j * KEY_BYTES : 8 + (j + 1) * KEY_BYTES]), exact

    def reduce_group(self, key: Any, items: list[tuple[DocRef, Any]], options: Mapping[str, Any]) -> Iterable[Any]:
        if key[0] == "text":  # exact copies: every later member is an alias of the first
            return [("copy", ref, items[0][0]) for ref, _ in items[1:]]
        seen: set[bytes] = set()
        members = []
        for ref, exact in items:  # one member per distinct text (a copy's original is in the same bucket)
            if exact not in seen:
                seen.add(exact)
                members.append((ref, exact))
        out = []
        for k in range(1, len(members)):  # star (first, m) and chain (previous, m), like lsh_candidate_pairs
            for other in {0, k - 1}:
                out.append(("pair", members[other][0], members[k][0], members[other][1], members[k][1]))
        return out

    def finalize_partials(self, partials: list[Any], options: Mapping[str, Any]) -> Iterator[CorpusViolation]:
        alias = {p[1]: p[2] for p in partials if p[0] == "copy"}
        seen: set[tuple[DocRef, DocRef]] = set()
        candidates = []
        for p in sorted((p for p in partials if p[0] == "pair"), key=lambda p: (_order(p[1]), _order(p[2]))):
            _, a, b, ea, eb = p
            if a in alias or b in alias or (a, b) in seen:
                continue
            seen.add((a, b))
            candidates.append((a, b, ea, eb))
        self.stats = {"candidates": len(candidates)}
        yield from self._judge(candidates, options)

    # -- shared: confirm on the texts, cluster, report ---------------------------------------------
    def _judge(self, candidates: list[tuple[DocRef, DocRef, bytes, bytes]], options: Mapping[str, Any]) -> Iterator[CorpusViolation]:
        """Candidate pairs (earlier, later, their exact hashes) -> confirmed, clustered, reported."""
        self.stats["candidates"] = len(candidates)
        refs = sorted({r for a, b, _, _ in candidates for r in (a, b)}, key=_order)
        pos = {r: k for k, r in enumerate(refs)}
        digest = {r: e for a, b, ea, eb in candidates for r, e in ((a, ea), (b, eb))}
        pairs = sorted((pos[a], pos[b]) for a, b, _, _ in candidates)
        edges = self._confirm(pairs, refs, options)
        self.stats["confirmed"] = len(edges)
        yield from self._report(edges, refs, digest, options["shingle-size"])

    def _confirm(
        self, pairs: list[tuple[int, int]], refs: list[DocRef], options: Mapping[str, Any]
    ) -> list[tuple[int, int, float, str, float | None]]:
        """The candidate pairs whose true Jaccard similarity reaches the threshold, or that of
        their paragraphs (see ``_paragraph_shingles``), re-reading texts in batches, with what
        their shingles were n-grams of (see _unit_name) and, for a pair reported for its
        paragraphs, the whole texts' similarity."""
        self.stats["passes"] = 0
        if not pairs:
            return []
        if self.load_documents is None:
            raise RuntimeError("DUP102 needs the engine to re-read candidate documents (load_documents)")
        size, threshold, limit = options["shingle-size"], options["threshold"], options["batch-size"]
        out: list[tuple[int, int, float, str, float | None]] = []
        for batch in _batches(pairs, limit):
            self.stats["passes"] += 1
            wanted = sorted({k for pair in batch for k in pair})
            docs = self.load_documents([refs[k] for k in wanted])
            # each document's shingles as a sorted array (8 bytes each; a Python set of them
            # takes ten times that, 50 KB for a 3 KB article: 3,538 candidates of the 100 MB
            # benchmark corpus peaked at 320 MB)
            shingles = {}
            paragraphs: dict[int, Any] = {}
            characters: dict[int, bool] = {}
            for k in wanted:
                d = docs.pop(refs[k], None)
                if d is not None:
                    shingles[k], characters[k] = _shingles(d.text, size)
                    paragraphs[k] = _paragraph_shingles(d.text, size, shingles[k])
            del docs
            for a, b in batch:
                sa, sb = shingles.get(a), shingles.get(b)
                if sa is None or sb is None:
                    continue  # the file changed or vanished since the document pass
                inter = _common(sa, sb)
                sim = inter / (len(sa) + len(sb) - inter)
                if sim >= threshold:
                    out.append((a, b, sim, _unit_name(characters[a], characters[b]), None))
                elif sim >= _PARAGRAPHS_WHOLE and (pa := paragraphs[a]) is not None and (pb := paragraphs[b]) is not None:
                    inter = _common(pa, pb)
                    psim = inter / (len(pa) + len(pb) - inter)
                    if psim >= max(threshold, _PARAGRAPHS_ALIKE):
                        out.append((a, b, psim, _unit_name(characters[a], characters[b]), sim))
        return out

    def _report(
        self, edges: list[tuple[int, int, float, str, float | None]], refs: list[DocRef], digest: Mapping[DocRef, bytes],
        size: int,
    ) -> Iterator[CorpusViolation]:
        from corpuslint.families.minhash import UnionFind

        uf = UnionFind()
        best: dict[int, tuple[float, int]] = {}  # member -> (similarity, earlier neighbour)
        direct: dict[tuple[int, int], tuple[float, str, float | None]] = {}
        for a, b, sim, unit, whole in edges:
            uf.union(a, b)
            direct[(a, b)] = sim, unit, whole
            if sim > best.get(b, (-1.0, 0))[0]:
                best[b] = (sim, a)
        for k in sorted({k for a, b, *_ in edges for k in (a, b)}):
            root = uf.find(k)
            if root == k:
                continue
            first = _display(refs[root])
            if (root, k) in direct:
                sim, unit, whole = direct[(root, k)]
                if whole is None:
                    msg = f"near-duplicate of {first} (Jaccard similarity {sim:.2f} of {unit} {size}-grams)"
                else:
                    msg = (f"near-duplicate of {first} (Jaccard similarity {sim:.2f} of their paragraphs' {unit} "
                           f"{size}-grams, {whole:.2f} with the rest of the pages)")
            else:
                sim, other = best.get(k) or max((s, a if b == k else b) for a, b, s, *_ in edges if k in (a, b))
                via = _display(refs[other])
                msg = f"near-duplicate of {first} through {via} (Jaccard similarity {sim:.2f} with {via})"
            yield CorpusViolation(refs[k], msg, span_digest=digest[refs[k]].hex())


#: a line this long is a paragraph of the page's text, not its menu, headline, byline or footer
#: (half as long in a script written without spaces)
_PARAGRAPH_CHARS = 80
#: the fewest shingles of paragraphs compared on their own
_PARAGRAPH_SHINGLES = 50
#: the smallest similarity of two whole texts whose paragraphs are compared on their own, and
#: the smallest similarity of their paragraphs that makes them near-duplicates (a syndicated
#: copy has the same paragraphs; an edited version changes them too)
_PARAGRAPHS_WHOLE = 0.5
_PARAGRAPHS_ALIKE = 0.9


def _paragraph_shingles(text: str, size: int, whole: Any) -> Any:
    """``_shingles`` of the paragraphs of ``text`` alone (its lines of ``_PARAGRAPH_CHARS`` or
    more): ``whole`` when every line is one, None when they give fewer than ``_PARAGRAPH_SHINGLES``."""
    lines = text.splitlines()
    kept = [x for x in lines if len(x) >= _PARAGRAPH_CHARS or (len(x) >= _PARAGRAPH_CHARS // 2 and _UNSPACED.search(x))]
    if len(kept) == sum(1 for x in lines if x.strip()):
        return whole if len(whole) >= _PARAGRAPH_SHINGLES else None
    found = _shingles("\n".join(kept), size)[0] if kept else None
    return found if found is not None and len(found) >= _PARAGRAPH_SHINGLES else None


def _values(signatures: Sequence[tuple[DocRef, Any]]) -> Iterable[Any]:
    """The signatures alone: without building a DocRef each from the engine's view."""
    if isinstance(signatures, CorpusSignatures):
        return signatures.signatures()
    return (sig for _, sig in signatures)


def _bytes_matrix(signatures: Sequence[tuple[DocRef, Any]], width: int) -> tuple[Any, Any]:
    """(n x ``width`` uint8 array, mask): the signatures that are ``bytes`` of that width."""
    if isinstance(signatures, CorpusSignatures):
        return signatures.bytes_matrix(width)
    from corpuslint.families import minhash

    np = minhash._np()
    matrix = np.zeros((len(signatures), width), dtype=np.uint8)
    valid = np.zeros(len(signatures), dtype=bool)
    for k, (_, sig) in enumerate(signatures):
        if isinstance(sig, (bytes, bytearray)) and len(sig) == width:
            matrix[k] = np.frombuffer(bytes(sig), dtype=np.uint8)
            valid[k] = True
    return matrix, valid


def _little_endian(block: Any) -> Any:
    """Rows of up to 8 bytes (an n x w uint8 array) as uint64: ``int.from_bytes(row, "little")``."""
    from corpuslint.families import minhash

    np = minhash._np()
    padded = np.zeros((block.shape[0], 8), dtype=np.uint8)
    padded[:, : block.shape[1]] = block
    return padded.view(np.dtype("<u8")).reshape(-1).astype(np.uint64)


def _order(ref: DocRef) -> tuple[Any, ...]:
    """The engine's document order (path, record position, record id): the first of a cluster is the earliest."""
    return (ref.path, -1 if ref.index is None else ref.index, ref.record or "")


def _batches(pairs: list[tuple[int, int]], limit: int) -> Iterable[list[tuple[int, int]]]:
    """Consecutive groups of pairs touching at most ``limit`` documents each."""
    batch: list[tuple[int, int]] = []
    docs: set[int] = set()
    for a, b in pairs:
        new = (a not in docs) + (b not in docs)
        if batch and len(docs) + new > limit:
            yield batch
            batch, docs = [], set()
        batch.append((a, b))
        docs.update((a, b))
    if batch:
        yield batch


def _shingle_array(text: str, size: int) -> Any:
    """``_shingle_set`` as a sorted numpy array of int64 (Python's hashes are 64-bit)."""
    return _sorted_array(_shingle_set(text, size))


def _shingles(text: str, size: int) -> tuple[Any, bool]:
    """(``_shingle_array(text, size)``, whether most of its units are characters of an
    unspaced script: Chinese, Japanese, Thai text is compared by character n-grams)."""
    key = normalize_for_dup(text)
    units = _units(key)
    characters = _UNSPACED.search(key) is not None and 2 * sum(1 for u in units if _UNSPACED.match(u)) > len(units)
    return _sorted_array(_grams(units, size)), characters


def _unit_name(a: bool, b: bool) -> str:
    """What the n-grams of two documents were made of, from whether each one's were characters."""
    return "character" if a and b else "word" if not (a or b) else "word and character"


def _sorted_array(found: set[int]) -> Any:
    """A set of hashes as a sorted numpy array of int64."""
    from corpuslint.families import minhash

    np = minhash._np()
    out = np.fromiter(found, dtype=np.int64, count=len(found))
    out.sort()
    return out


def _common(a: Any, b: Any) -> int:
    """How many values two sorted arrays of distinct values share."""
    if len(a) > len(b):
        a, b = b, a
    at = b.searchsorted(a)
    at[at == len(b)] = 0  # past the end: not in b (compared with b[0], which is smaller)
    return int((b[at] == a).sum())


#: a letter of a script written without spaces between words (Thai, Lao, Myanmar, Khmer, kana,
#: Han): near-duplicate detection counts its characters as words
_UNSPACED = compile_regex(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
#: the scripts of ``Document.script`` that put spaces between words (a document in one of them
#: is not searched for the others' characters: most documents, at no cost)
_SPACED_SCRIPTS = frozenset(["Latin", "Cyrillic", "Greek", "Arabic", "Hebrew", "Hangul", "Devanagari", "Georgian", "Armenian"])
#: a unit of the shingles: a character of an unspaced script with the marks that follow it
#: (Thai vowels and tone marks: ที่ is one unit, ไม่ and ไม้ differ), or a run of other non-spaces
_UNIT = compile_regex(_UNSPACED.pattern + r"\p{M}*|[^\s" + _UNSPACED.pattern[1:-1] + r"]+")


def _units(key: str) -> list[str]:
    """The words of a normalized text for DUP102, each character of an unspaced script one word."""
    return _UNIT.findall(key) if _UNSPACED.search(key) is not None else key.split()


def _shingle_set(text: str, size: int) -> set[int]:
    """The set of word ``size``-grams of a text (as hashes of the word tuples, this process only)."""
    return _grams(_units(normalize_for_dup(text)), size)


def _grams(words: list[str], size: int) -> set[int]:
    """The hashes of the ``size``-grams of ``words`` (one of them all when fewer)."""
    if len(words) < size:
        return {hash(tuple(words))}
    return {hash(g) for g in zip(*(words[k:] for k in range(size)))}


@hookimpl
def corpuslint_rules() -> list[Rule]:
    return [repeated_lines, repeated_passage, repetitive_document, DuplicateDocument(), NearDuplicateDocument()]
