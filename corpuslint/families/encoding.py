"""Encoding family: charsets, undecodable bytes, mojibake, lost, invisible and broken characters.

Speed (issue #3): the common document is valid UTF-8 without any accident, and
it must not pay for detection it does not need. Every rule first asks a cheap
question of a per-document scan that is computed once and shared
(``_scan``): is the text pure ASCII (a flag CPython keeps, O(1)); does it hold
any rare character at all (one combined pass over the UTF-8 bytes with
literal-prefix searches, about 2 GB/s); does any line hold a pair of
characters that UTF-8 read through a single-byte charset produces. Only then do
the per-line, per-character passes run. See docs/encoding.md for the figures.
"""

from __future__ import annotations

import difflib
import html
import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import lru_cache
from html.entities import html5 as _HTML5_ENTITIES
from typing import Any

from corpuslint.hookspecs import hookimpl
from corpuslint.kinds import INLINE_CODE, code_lines, in_spans
from corpuslint.model import LONE_SURROGATE, Document, Edit, Fix, Violation
from corpuslint.model import clip as _clip
from corpuslint.rule import Option, Rule, RuleContext, rule

# ---------------------------------------------------------------------------
# The shared per-document scan
# ---------------------------------------------------------------------------

#: C0 controls except tab, LF, CR and FF; DEL; C1 controls; soft hyphen; zero-width,
#: directional and invisible format characters; BOM; replacement character;
#: private use (BMP and planes 15-16); noncharacters.
_RARE_CLASS = (
    "\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\xad"
    "\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f"
    "\ue000-\uf8ff\ufdd0-\ufdef\ufeff\ufff9-\ufffb\ufffd\ufffe\uffff"
    "\U000f0000-\U0010ffff"
)
_RARE = re.compile(f"[{_RARE_CLASS}]+")

#: what one bytes.translate deletes from a document's UTF-8 to leave its non-ASCII characters
#: (whole: only single bytes go) and C0 controls: a few percent of a European text, where the
#: character classes below are searched (about 2 GB/s, against ~10x less per byte for a
#: character class over the whole text in CPython's re)
_DELETE_ASCII = bytes([0x09, 0x0A, 0x0C, 0x0D, *range(0x20, 0x7F)])

#: characters where NFC may change text: every character NFC changes, every combining mark,
#: every second character of a canonical pair (tests/test_encoding_corpus.py checks it against
#: the running Python's Unicode tables, code point by code point), in blocks where that is
#: cheaper to write; none of the letters and typography of Western text
_NFC_BMP = (
    "\u0300-\u037f\u0387\u0480-\u11ff\u135d-\u135f\u1700-\u1dff\u1f00-\u1fff\u2000\u2001\u20c0-\u20ff"
    "\u2126\u212a\u212b\u2300-\u233f\u2adc\u2cef-\u2cf1\u2d7f\u2de0-\u2dff\u302a-\u302f\u3099\u309a"
    "\ua66f\ua674-\ua67d\ua69e\ua69f\ua6f0\ua6f1\ua806\ua82c\ua8c4\ua8e0-\ua8f1\ua92b-\ua92d\ua953"
    "\ua9b3\ua9c0\uaab0\uaab2-\uaab4\uaab7\uaab8\uaabe\uaabf\uaac1\uaaf6\uabed\uf900-\ufb7f\ufe20-\ufe2f"
)
_NFC_ASTRAL = (
    "\U000101fd\U000102e0\U00010376-\U0001037a\U00010a0d\U00010a0f\U00010a38-\U00010a3a\U00010a3f"
    "\U00010ae5\U00010ae6\U00010d24-\U00010d27\U00010eab\U00010eac\U00010f46-\U00010f50"
    "\U00010f82-\U00010f85\U00011000-\U00011fff\U00016af0-\U00016af4\U00016b30-\U00016b36"
    "\U00016ff0\U00016ff1\U0001bc9e\U0001d140-\U0001d18b\U0001d1aa-\U0001d1ad\U0001d1bb-\U0001d1c0"
    "\U0001d242-\U0001d244\U0001e000-\U0001e02a\U0001e130-\U0001e136\U0001e2ae\U0001e2ec-\U0001e2ef"
    "\U0001e8d0-\U0001e8d6\U0001e944-\U0001e94a\U0002f800-\U0002fa3f"
)
_NFC_SUSPECT = re.compile(f"[{_NFC_BMP}{_NFC_ASTRAL}]")
# One search for both, on a class without ranges beyond U+FFFF but the one for all of them:
# with several such ranges, CPython's re tests a class range by range (7 µs per document
# here for _NFC_SUSPECT alone, 0.9 µs for this one). A clean document stops there.
_RARE_OR_NFC = re.compile(f"[{_RARE_CLASS[:_RARE_CLASS.index(chr(0xF0000))]}{_NFC_BMP}\U00010000-\U0010ffff]")


class _Scan:
    """What the cheap passes found in one document; computed once, shared by the rules.

    The non-ASCII characters of a European text are a few percent of it: one bytes.translate
    deletes the rest, and the character classes are searched on what is left.
    """

    __slots__ = ("ascii", "chars", "rare", "maybe_nfc", "nonascii", "utf8", "_rare_runs", "_mojibake")

    def __init__(self, doc: Document) -> None:
        text = doc.text
        self.ascii = text.isascii()
        self._rare_runs: list[tuple[int, int]] | None = None
        self._mojibake: list[_Moji] | None = None
        if self.ascii:
            # only C0 controls and DEL can be rare in ASCII
            self.utf8 = text.encode("ascii")
            self.nonascii = self.utf8.translate(None, _DELETE_ASCII)
            self.chars = self.nonascii.decode("ascii")
            self.rare = bool(self.nonascii)
            self.maybe_nfc = False
            return
        self.utf8 = utf8 = _utf8_of(doc)
        kept = utf8.translate(None, _DELETE_ASCII)
        try:  # whole characters (only single bytes were deleted), and the C0 controls
            chars = kept.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            chars = None
        if chars is None or len(chars) + len(utf8) - len(kept) != len(text):
            # a reader's raw bytes that are not the UTF-8 of its text (a plugin that extracts
            # text from PDF or HTML): the scans work on the text's own UTF-8
            self.utf8 = utf8 = text.encode("utf-8", "surrogatepass")
            kept = utf8.translate(None, _DELETE_ASCII)
            chars = kept.decode("utf-8", "surrogatepass")
        self.nonascii, self.chars = kept, chars
        some = _RARE_OR_NFC.search(chars) is not None
        self.rare = some and _RARE.search(chars) is not None
        self.maybe_nfc = some and _NFC_SUSPECT.search(chars) is not None

    def rare_runs(self, text: str) -> list[tuple[int, int]]:
        if self._rare_runs is None:
            self._rare_runs = [m.span() for m in _RARE.finditer(text)] if self.rare else []
        return self._rare_runs


def _utf8_of(doc: Document) -> bytes:
    """The UTF-8 bytes of ``doc.text``: ``doc.raw`` when it is exactly that (the common case)."""
    raw = doc.raw
    if doc.encoding == "utf-8" and doc.record is None and not doc.decode_errors and len(raw) >= len(doc.text):
        return raw
    return doc.text.encode("utf-8", "surrogatepass")


def _scan(doc: Document) -> _Scan:
    s = doc.facts.get("_encoding_scan")
    if s is None:
        s = doc.facts["_encoding_scan"] = _Scan(doc)
    return s  # type: ignore[no-any-return]


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of the line (without terminator) around ``start``..``end``."""
    a = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    b = len(text)
    for sep in ("\n", "\r"):
        k = text.find(sep, end)
        if k != -1 and k < b:
            b = k
    return a, b


# ---------------------------------------------------------------------------
# ENC001, ENC002: charset and undecodable bytes
# ---------------------------------------------------------------------------


@rule(
    "ENC001",
    "non-utf8-encoding",
    category="encoding", fixable=True,
    severity="warning",
    sees_binary=False,
    options=[
        Option("fix-min-confidence", float, 0.8, "Offer the (unsafe) re-encoding fix only above this detection confidence.", min=0, max=1),
    ],
)
def non_utf8_encoding(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """The file is not UTF-8: it was decoded with a charset guessed from its bytes.

    ## What it does
    Reports a document whose bytes are not valid UTF-8 and that was decoded with
    another charset, naming it (`cp1252`, `iso8859-15`, `cp1251`, `koi8-r`,
    `cp1253`, `cp1250`, `utf-16` with its byte order and whether it has a
    byte-order mark, ...) with a confidence. Legacy charsets are detected with
    chardet; the confidence is chardet's guess checked against the decoded text
    (see docs/encoding.md). A file that is UTF-8 except for a few bytes is
    reported by `invalid-utf8-bytes` instead, at each bad run.

    ## Why it matters
    Most tools read text as UTF-8. A legacy charset read as UTF-8 turns every
    accented letter into garbage or an error; a wrong guess turns it into
    mojibake. A corpus should have one encoding, and it should be UTF-8.

    ## Example
    ```text
    news/old.txt: ENC001 [non-utf8-encoding] file is not UTF-8: decoded as cp1252 (confidence 0.97)
    ```

    ## Fix
    Re-encode the file to UTF-8 (`--fix --unsafe-fixes` does it when the
    detection confidence is at least `fix-min-confidence`). The fix is unsafe: a
    wrong guess would write the wrong characters.
    """
    enc = doc.encoding
    if enc is None or enc == "utf-8" or doc.decode_errors:
        return
    fix = None
    if doc.confidence >= ctx.options["fix-min-confidence"]:
        fix = Fix(f"Re-encode from {enc} to UTF-8", (), safe=False, encoding="utf-8")
    what = enc
    if enc in ("utf-16", "utf-32"):
        what = f"{enc} with a byte-order mark"
    elif enc.startswith(("utf-16-", "utf-32-")):
        what = f"{enc} without a byte-order mark"
    yield Violation(f"file is not UTF-8: decoded as {what} (confidence {doc.confidence:.2f})", fix=fix)


@rule("ENC002", "invalid-utf8-bytes", category="encoding", severity="error")
def invalid_utf8_bytes(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """Bytes that are not valid in the file's encoding, located one run at a time.

    ## What it does
    Reports each run of bytes that could not be decoded: typically a UTF-8 file
    with a few Latin-1 or cp1252 bytes pasted in. The message gives the bytes,
    their byte offset and what they would read as in the legacy charset of
    the text around them (cp1251 in Russian, cp1250 in Polish or Czech, cp1253
    in Greek..., cp1252 when nothing says otherwise); the position
    (line:column) is where the replacement characters stand in the text.

    ## Why it matters
    A decoder either fails on these bytes or replaces them with U+FFFD, and the
    characters they stood for are lost. Mixed files come from concatenating
    sources in different charsets.

    ## Example
    ```text
    mixed.txt:12:8: ENC002 [invalid-utf8-bytes] undecodable byte 0xE9 at byte offset 1043 (file is otherwise utf-8; 'é' in cp1252)
    ```

    In a record's text (JSON Lines), a lone surrogate (`\\ud800` in the JSON:
    half of a UTF-16 pair, the other half lost) is reported too: it has no
    UTF-8 encoding, and a strict encoder or a tokenizer fails on it.

    ## Fix
    Find the source of the pasted text and re-decode it with its charset
    (often cp1252). corpuslint never rewrites a file that did not decode
    losslessly; a lone surrogate is left to you (drop it, or find the pair's
    other half in the source).
    """
    if doc.record is not None and not doc.text.isascii():
        scan = _scan(doc)
        if LONE_SURROGATE.search(scan.chars):
            for m in LONE_SURROGATE.finditer(doc.text):
                yield Violation(f"lone surrogate U+{ord(m.group()):04X} (half of a UTF-16 pair, the other half lost): "
                                "not valid Unicode, no UTF-8 encoding", m.start(), m.end())
    legacy = _legacy_charset(doc.text) if doc.decode_errors else "cp1252"
    for run in doc.decode_errors[:1000]:
        bad = doc.raw[run.start : run.end]
        shown = " ".join(f"0x{b:02X}" for b in bad[:8]) + (" ..." if len(bad) > 8 else "")
        noun = "byte" if len(bad) == 1 else "bytes"
        hint = ""
        as_legacy = bad[:8].decode(legacy, errors="replace")
        if "\ufffd" not in as_legacy and as_legacy.isprintable():
            hint = f"; '{as_legacy}' in {legacy}"
        yield Violation(
            f"undecodable {noun} {shown} at byte offset {run.start} (file is otherwise {doc.encoding}{hint})",
            run.offset,
            run.offset + (run.end - run.start),
        )


#: the legacy charset of the text around bytes pasted from it: the Windows code page of its
#: script, and for Latin text of its letters (Central European, Turkish, Baltic)
_LEGACY_BY_LETTERS = (
    ("cp1251", re.compile("[\u0400-\u04ff]")),
    ("cp1253", re.compile("[\u0370-\u03ff]")),
    ("cp1256", re.compile("[\u0600-\u06ff]")),
    ("cp1255", re.compile("[\u0590-\u05ff]")),
    ("cp1254", re.compile("[\u011e\u011f\u0130\u0131\u015e\u015f]")),
    ("cp1257", re.compile("[\u0101\u0113\u012b\u016b\u0117\u012f\u0173\u0137\u013c\u0146\u0123]")),
    ("cp1250", re.compile("[\u0104\u0105\u0106\u0107\u0118\u0119\u0141\u0142\u0143\u0144\u015a\u015b\u0179-\u017c"
                          "\u010c\u010d\u010e\u010f\u011a\u011b\u0147\u0148\u0158\u0159\u016e\u016f\u0150\u0151\u0170\u0171"
                          "\u0102\u0103\u0218-\u021b]")),
)


def _legacy_charset(text: str) -> str:
    """The charset whose bytes a mostly UTF-8 text most likely had pasted in: cp1251 for
    Russian, cp1250 for Polish or Czech, ... cp1252 when nothing says otherwise."""
    counts = [(len(rx.findall(text, 0, 200_000)), name) for name, rx in _LEGACY_BY_LETTERS]
    n, name = max(counts)
    return name if n >= 3 else "cp1252"


# ---------------------------------------------------------------------------
# ENC003: mojibake
# ---------------------------------------------------------------------------
#
# UTF-8 turns each non-ASCII character into a lead byte (C2-F4) and one to three
# continuation bytes (80-BF). Read through a single-byte charset, every byte
# becomes a character: 'é' (C3 A9) becomes 'Ã©' in cp1252, '√©' in Mac Roman;
# 'п' (D0 BF) becomes 'Ð¿' in cp1252, 'Рї' in cp1251. For each charset we match
# runs of (lead, continuation...) characters, decode them back, and keep a
# repair only when it makes the word *less strange*: we count anomalies that
# mojibake produces and real words avoid (a C1 control; a symbol glued to a
# letter; a lowercase letter followed by a capital; letters of two scripts side
# by side; punctuation between two letters) and require the repaired word to have
# fewer, with every repaired character in a block real text uses. Clean words
# that happen to match (German 'Fuß“' -> U+07D3 NKo, French '«CAFÉ»' -> U+027B
# IPA, Ukrainian 'Він' -> '³н') fail one of the two tests. The corpus in
# tests/encoding_corpus/ measures it (docs/encoding.md).

_MOJI_CODECS = ("cp1252", "latin-1", "mac_roman", "cp1251", "cp1253", "cp1256")
_MOJI_LABEL = {"latin-1": "Latin-1", "mac_roman": "Mac Roman"}


class _Codec:
    def __init__(self, name: str) -> None:
        self.name = name
        table = []
        for b in range(256):
            try:
                table.append(bytes([b]).decode(name))
            except UnicodeDecodeError:  # undefined byte: kept as the C1/Latin-1 character ("sloppy")
                table.append(chr(b))
        self.encode_map = {ord(table[b]): b for b in range(0x80, 0x100)}
        cls = lambda lo, hi: "[" + "".join(re.escape(table[b]) for b in range(lo, hi + 1)) + "]"  # noqa: E731
        self.leads = "".join(table[b] for b in range(0xC2, 0xF5))
        self.conts = "".join(table[b] for b in range(0x80, 0xC0))
        cont = cls(0x80, 0xBF)
        seq = f"{cls(0xC2, 0xDF)}{cont}|{cls(0xE0, 0xEF)}{cont}{{2}}|{cls(0xF0, 0xF4)}{cont}{{3}}"
        self.runs = re.compile(f"(?:{seq})+")
        self.label = _MOJI_LABEL.get(name, name)

    def decode(self, s: str) -> str | None:
        """The text whose UTF-8 bytes, read with this charset, gave ``s``; None if there is none."""
        m = self.encode_map
        try:
            return bytes(m[ord(c)] if ord(c) >= 0x80 else ord(c) for c in s).decode("utf-8")
        except (KeyError, UnicodeDecodeError):
            return None


@lru_cache(maxsize=1)
def _codecs() -> tuple[_Codec, ...]:
    return tuple(_Codec(n) for n in _MOJI_CODECS)


@lru_cache(maxsize=1)
def _moji_gate() -> Any:
    """One pass over the text for what any charset's mojibake starts with.

    A two-byte lead followed by a continuation that decodes to a plausible
    character (per lead, so 'l’é' in French, Mac Roman D5 8E = Armenian, does not
    wake the slow path), or a three- or four-byte lead followed by two
    continuations, or 'Ã'/'Â' before a space (a lost no-break space).
    """
    pairs: dict[str, set[str]] = {}
    leads3: set[str] = set()
    conts: set[str] = set()
    for c in _codecs():
        conts.update(c.conts)
        for b in range(0xC2, 0xE0):
            lead = c.leads[b - 0xC2]
            for k in range(0x80, 0xC0):
                ch = bytes([b, k]).decode("utf-8")
                if _plausible(ch) and not (0x80 <= ord(ch) < 0xA0):
                    pairs.setdefault(lead, set()).add(c.conts[k - 0x80])
        leads3.update(ch for ch in c.leads[0xE0 - 0xC2 :] if ord(ch) >= 0x80)
    cls = lambda cs: "[" + "".join(re.escape(ch) for ch in sorted(cs)) + "]"  # noqa: E731
    branches = [re.escape(lead) + cls(cs) for lead, cs in sorted(pairs.items()) if ord(lead) >= 0x80]
    # not a no-break space second: 'café\xa0»' (French typography) would match E9 A0 BB
    branches.append(cls(leads3) + cls(conts - {"\u00a0"}) + cls(conts))
    branches.append("[\u00c2\u00c3] ")
    return re.compile("|".join(branches))


def _script(o: int) -> str:
    if o < 0x250 or 0x1E00 <= o < 0x1F00:
        return "Latn"
    if 0x370 <= o < 0x400 or 0x1F00 <= o < 0x2000:
        return "Grek"
    if 0x400 <= o < 0x530:
        return "Cyrl"
    if 0x3040 <= o < 0x3100 or 0x3400 <= o < 0xA000 or 0xF900 <= o < 0xFB00 or 0x20000 <= o < 0x30000:
        return "Hani"
    if 0xAC00 <= o < 0xD7B0 or 0x1100 <= o < 0x1200 or 0x3130 <= o < 0x3190:
        return "Hang"
    # scripts whose block straddles a multiple of 128: Persian ی ک گ (U+06xx, the upper half)
    # next to ت م (the lower) is one script, not two
    if 0x600 <= o < 0x700 or 0x750 <= o < 0x780 or 0x8A0 <= o < 0x900:
        return "Arab"
    if 0x530 <= o < 0x590:
        return "Armn"
    return f"b{o >> 7}"


#: spacing marks that only mojibake puts next to letters
_ODD_SYMBOLS = frozenset("¤¦¨¬¯´¸ˆ˜†‡‰◊√∂∆≈∞≠≤≥∑∏∫Ω")
#: capitals that start UTF-8 sequences of common letters when read as cp1252/cp1253
_MOJI_LEADS = frozenset("ÂÃÎÏÐÑÅÄΞΟ")
_CP1252_CONTS = frozenset(bytes(range(0x80, 0xC0)).decode("cp1252", errors="ignore")) - {"\u00a0"}
_MACROMAN_CONTS = frozenset(bytes(range(0x80, 0xC0)).decode("mac_roman"))
_CP1251_CONT_LETTERS = frozenset(c for c in bytes(range(0x80, 0xC0)).decode("cp1251", errors="ignore") if c.isalpha())
#: what cp1256 reads the second byte of an Arabic letter's UTF-8 as (`ط§` for `ا`, `غŒ` for
#: `ی`) where real text never has it after a letter: its symbols. Not its letters (Persian `عکس`
#: is ع then ک), nor the typography that follows a word (`فقط»`, `محیط‌زیست`, `فقط،`)
#: Nor the marks that follow a word in real text (`الموضوع¹`, `شركة©`, `20°`): those count
#: only inside a run of pairs (`ط¹ط²` for `عز`) or where no clean word ends (`غ³` for `۳`),
#: see `_CP1256_PAIR`.
_CP1256_TRAILING = frozenset("\u00b9\u00b2\u00b3\u00a9\u00ae\u2122\u00b7\u00bc\u00bd\u00be\u00b0")
_CP1256_SYMBOLS = frozenset(
    c for c in bytes(range(0x80, 0xC0)).decode("cp1256")
    if unicodedata.category(c)[0] in "SN"
    or c in "\u00a7\u00b5\u00b6\u00b7\u00ad\u0192\u0152\u0153\u02c6\u201a\u201e\u2020\u2021\u2030\u2039\u203a"
) - _CP1256_TRAILING
#: the leads of those pairs: cp1256's reading of D8 and D9 (nearly every Arabic letter) and of
#: DA and DB (Persian and Urdu ک گ چ ی...)
_CP1256_LEADS = "طظعغ"
#: Arabic-script letters that are not what cp1256 reads a continuation byte as: one of them
#: before `ع¹` means a clean word ends there (`الموضوع¹`); mojibake has a pair's second half
_CP1256_WORD_LETTERS = "".join(
    sorted(
        {chr(o) for o in (*range(0x621, 0x64B), *range(0x671, 0x6D4)) if unicodedata.category(chr(o)) == "Lo"}
        - set(bytes(range(0x80, 0xC0)).decode("cp1256"))
        - set(_CP1256_LEADS)
    )
)
_CP1256_PAIR = re.compile(
    f"[{_CP1256_LEADS}](?:[{''.join(sorted(_CP1256_SYMBOLS))}]"
    f"|[{''.join(sorted(_CP1256_TRAILING))}](?=[{_CP1256_LEADS}]))"
    f"|(?<![{_CP1256_WORD_LETTERS}])[{_CP1256_LEADS}][{''.join(sorted(_CP1256_TRAILING))}]"
)
#: a chunk made of nothing but such leads and what cp1256 reads a continuation byte as, two
#: pairs or more (`ظپظٹ` for `في`, `ط«ظ…` for `ثم`): no word of Arabic or Persian is
_CP1256_ONLY_PAIRS = re.compile(
    f"(?:[{_CP1256_LEADS}][{re.escape(bytes(range(0x80, 0xC0)).decode('cp1256'))}]){{2,}}")
#: zero-width non-joiner and joiner: part of Persian, Urdu and Indic spelling (`جمع‌آوری`)
_JOINERS = frozenset("\u200c\u200d")
#: punctuation that may stand between two letters of a real word
_INNER_PUNCT = frozenset("'’‘ʼ-‐‑.,:/&_")


def _anomalies(s: str) -> int:
    """How strange ``s`` looks as a word; mojibake scores high, real words 0 or 1."""
    n = 0
    cat = unicodedata.category
    prev = ""
    prev_cat = ""
    prev_script = ""
    prev2 = ""
    for k, ch in enumerate(s):
        o = ord(ch)
        if 0x80 <= o <= 0x9F:
            n += 2
            prev, prev_cat, prev_script, prev2 = ch, "Cc", "", prev
            continue
        c = cat(ch)
        script = _script(o) if c[0] == "L" else ""
        if prev:
            if c[0] == "L" and prev_cat[0] == "L":
                if script != prev_script or prev_cat == "Ll" and c == "Lu" and (o >= 0x80 or ord(prev) >= 0x80):
                    n += 1
            elif (c[0] == "L" and prev_cat[0] in "SC" and not (prev == "°" and ch in "CFK") and prev not in _JOINERS) or (
                c[0] in "SC" and prev_cat[0] == "L" and ch not in "©®™" and ch not in _JOINERS
            ):
                n += 1  # a symbol, a format character (soft hyphen) glued to a letter (not 30°C, Acme™)
            elif (c == "No" and prev_cat[0] == "L") or (c[0] == "L" and prev_cat == "No"):
                n += 1  # '¼', '½', '²' glued to a letter: 'MÃ¼nchen', 'Ð½'
            elif c == "No" and prev_cat[0] == "P" and prev2 and cat(prev2)[0] == "L":
                n += 1  # a letter, a mark, a superscript: 'ká»³' for Vietnamese 'kỳ' (E1 BB B3)
            elif prev2 == "\u00e1" and prev in "\u00b8\u00b9\u00ba\u00bb\u00bc\u00bd" and ch in _CP1252_CONTS:
                n += 2  # E1 B8-BD and a continuation: Vietnamese 'thá»©' (ứ), 'tá»«' (từ), 'sá»\xad' (ử)
            if prev == "\u00c8" and ch in "\u0161\u2122\u203a\u02dc" and (prev2.islower() or s[k + 1 : k + 2].isalpha()):
                # C8 98-9B read as cp1252, inside a word: Romanian 'Èšara' (Țara), 'È™i' (și),
                # 'anunÈ›at' (ț), 'È˜tefan' (Ș); not Italian 'È™' (a trademark after È)
                n += 2
            if prev in _MOJI_LEADS and (ch in _CP1252_CONTS or ch == "\u00a0" and prev in "ÃÂ"):
                n += 1  # 'Ãœ', 'ÎŸ', 'Ξ—', 'Ã\xa0': nearly only ever UTF-8 read as cp1252/cp1253
            elif prev in "РС" and ch in _CP1251_CONT_LETTERS:
                n += 1  # 'Рѕ', 'Сѓ', 'РІ': UTF-8 Cyrillic read as cp1251
            elif prev in _CP1256_LEADS and ch in _CP1256_SYMBOLS:
                n += 1  # 'ط§', 'غŒ', 'ظ…': UTF-8 Arabic or Persian read as cp1256
            elif prev in "РС" and not prev2 and ch in "’‚„…†‡€‰‹›‘“•–—™":
                n += 1  # 'Р’' for 'В'
            elif prev == "‚" and ch == "Ä" or c[0] == "L" and prev in "‚„":
                n += 1  # '‚Äô' (Mac Roman); a low opening quote after a letter
            elif prev in "–—" and ch in _MACROMAN_CONTS:
                n += 1  # '—Å', '–∏': UTF-8 Cyrillic read as Mac Roman
            elif prev in "Œœ" and o >= 0x80 and c[0] == "L":
                n += 1  # 'Œü': UTF-8 Greek read as Mac Roman
            elif prev in "ΞΟ" and ch in "ΆΈΉΊΌΎΏ΅΄":
                n += 1  # 'ΞΏ' for 'ο': UTF-8 Greek read as cp1253
            if prev2 and c == "Ll" and prev_cat == "Lu" and unicodedata.category(prev2) == "Lu" and (o >= 0x80 or ord(prev) >= 0x80):
                n += 1  # 'ТАл': capitals then a lowercase letter
            if (
                c[0] == "L" and prev_cat[0] == "P" and prev2 and unicodedata.category(prev2)[0] == "L"
                and prev not in _INNER_PUNCT and not (prev == "·" and prev2 in "lL" and ch in "lL")
            ):
                n += 1  # punctuation inside a word ('Ð¿Ñ€', 'Р·Р°'), except l·l (Catalan)
            if ch in _ODD_SYMBOLS or prev in _ODD_SYMBOLS:
                n += 1  # these symbols stand alone in real text, never glued to another character
        if c[0] == "M":
            n += 1  # a combining mark: rare in NFC text, and 'd̩cision' is not a repair
        prev2, prev, prev_cat, prev_script = prev, ch, c, script
    return n


_CYRILLIC_OK = frozenset(
    [0x490, 0x491, 0x492, 0x493, 0x49A, 0x49B, 0x4A2, 0x4A3, 0x4AE, 0x4AF, 0x4B0, 0x4B1, 0x4BA, 0x4BB, 0x4D8, 0x4D9, 0x4E8, 0x4E9]
)
_LATIN_B_OK = frozenset([0x192, 0x1A0, 0x1A1, 0x1AF, 0x1B0, *range(0x1CD, 0x1DD), 0x218, 0x219, 0x21A, 0x21B, 0x259])


@lru_cache(maxsize=1)
def _table_chars() -> frozenset[str]:
    """Characters of the charsets themselves: what a first round of double mojibake gives."""
    return frozenset("".join(c.leads + c.conts for c in _codecs()))


def _plausible(ch: str) -> bool:
    """Whether a repaired character belongs to a block real text uses."""
    o = ord(ch)
    return ch in _table_chars() or (
        0x80 <= o < 0x180
        or o in _LATIN_B_OK
        or 0x300 <= o < 0x370
        or 0x370 <= o < 0x3D0
        or 0x400 <= o < 0x460
        or o in _CYRILLIC_OK
        or 0x5D0 <= o <= 0x5EA
        or 0x600 <= o < 0x700
        or 0x900 <= o < 0x980
        or 0xE00 <= o < 0xE80
        or 0x1E00 <= o < 0x1F00
        or 0x2010 <= o < 0x205F
        or 0x20A0 <= o < 0x20C0
        or 0x2100 <= o < 0x2150
        or 0x2190 <= o < 0x2300
        or 0x2460 <= o < 0x2500
        or 0x25A0 <= o < 0x27C0
        or 0x3000 <= o < 0x3100
        or 0x3400 <= o < 0x4DC0
        or 0x4E00 <= o < 0xA000
        or 0xAC00 <= o < 0xD7A4
        or 0xFF00 <= o < 0xFFF0
        or 0x1F000 <= o < 0x1FB00
        or o in (0x200D, 0xFE0F)
    )


class _Moji:
    """One flagged span: text[start:end] should read ``good``."""

    __slots__ = ("start", "end", "bad", "good", "codec", "safe", "rounds")

    def __init__(self, start: int, end: int, bad: str, good: str, codec: str, safe: bool, rounds: int) -> None:
        self.start, self.end, self.bad, self.good = start, end, bad, good
        self.codec, self.safe, self.rounds = codec, safe, rounds


def _repair_chunk(chunk: str) -> tuple[str, str, int, bool] | None:
    """Best repair of a whitespace-delimited chunk: (repaired, codec, rounds, unambiguous).

    Words are cached: broken text repeats them (``Ã©tÃ©``, ``lâ€™``), and trying five charsets
    up to three rounds each costs some 60 µs a word. Longer chunks (a script without spaces)
    are not: the cache would hold thousands of them."""
    return _repair_word(chunk) if len(chunk) <= 64 else _repair(chunk)


def mojibake_repair(chunk: str) -> str | None:
    """What ENC003 would repair this whitespace-delimited chunk to, or None (for the quote
    rules: a quote mark the repair consumes, `„` in `ì„±`, is a byte of mojibake). A repair
    that only deletes a capital `В` before a mark is none (``_real_cyrillic_capital``)."""
    rep = _repair_chunk(chunk)
    if rep is None or rep[0] == _LOST_SPACE_AFTER_V.sub("", chunk) or (
        rep[1] in ("cp1252", "latin-1") and _capital_before_typography(chunk, chunk, 0)
    ):
        return None
    return rep[0]


#: the Russian capital `В` glued to a mark: a space lost (`В«Правде»`), though `В«` is also
#: the cp1251 reading of `«` (C2 AB)
_LOST_SPACE_AFTER_V = re.compile("\u0412(?=[«»“”„])")


@lru_cache(maxsize=8192)
def _repair_word(chunk: str) -> tuple[str, str, int, bool] | None:
    return _repair(chunk)


def _repair(chunk: str) -> tuple[str, str, int, bool] | None:
    base = _anomalies(chunk)
    only_pairs = _CP1256_ONLY_PAIRS.fullmatch(chunk) is not None
    if base == 0:
        if not only_pairs:
            return None
        base = 1
    results: list[tuple[int, int, int, str, str, int]] = []
    for prio, c in enumerate(_codecs()):
        if c.name == "cp1256" and not only_pairs and _CP1256_PAIR.search(chunk) is None:
            continue  # a clean Arabic-script word next to mojibake: cp1256 would "repair" it too
        fixed = _apply_codec(chunk, c)
        if fixed is None:
            continue
        score = _anomalies(fixed)
        rounds = 1
        while score and rounds < 3:  # mojibake of mojibake: 'Ã¢â‚¬â„¢' -> 'â€™' -> '’'
            if c.name == "cp1251" and any(_cyrillic_word(w) for w in fixed.split("\u00a0") if w):
                break  # 'Рівне' after one round is a word, not 'гвне' broken once more
            again = _apply_codec(fixed, c)
            if again is None:
                break
            s2 = _anomalies(again)
            if s2 >= score:
                break
            fixed, score, rounds = again, s2, rounds + 1
        if score < base:
            results.append((score, len(fixed), prio, fixed, c.name, rounds))
    if not results:
        return None
    # fewest anomalies; then the charset that explains the most characters
    results.sort()
    score, _, _, best, name, rounds = results[0]
    unambiguous = score == 0 and all(r[3] == best for r in results if r[0] == 0)
    return best, name, rounds, unambiguous


def _apply_codec(chunk: str, c: _Codec) -> str | None:
    out: list[str] = []
    pos = 0
    changed = False
    for m in c.runs.finditer(chunk):
        dec = c.decode(m.group())
        if dec is None or not all(_plausible(ch) for ch in dec):
            continue
        out.append(chunk[pos : m.start()])
        out.append(dec)
        pos = m.end()
        changed = True
    if not changed:
        return None
    out.append(chunk[pos:])
    return "".join(out)


_CHUNK = re.compile(r"[^ \t\n\r\f\v\u2000-\u200a\u3000]+")
_WORDCH = re.compile(r"[^\W_]", re.UNICODE)


#: `â€` that no cp1252 continuation follows: `”` whose last byte (9D) was dropped
_LOST_9D = re.compile(
    "\u00e2\u20ac(?![" + re.escape("".join(sorted(_CP1252_CONTS | {"\u00a0"} | set(map(chr, range(0x80, 0xA0)))))) + "])"
)


def _mojibake_in_line(line: str, base: int) -> list[_Moji]:
    found: list[_Moji] = []
    chunks = [(m.start(), m.end()) for m in _CHUNK.finditer(line)]
    lost_nbsp: list[int] = []
    codecs = _codecs()
    for a, b in chunks:
        chunk = line[a:b]
        if chunk.isascii() or not (
            chunk[-1] in "\u00c3\u00c2" or any(c.runs.search(chunk) for c in codecs) or "\u00e2\u20ac" in chunk
        ):
            continue
        extra = 0
        # 'à' is C3 A0: its no-break space is often turned into a plain space later
        if (
            chunk[-1] in "\u00c3\u00c2" and len(chunk) > 1 and b < len(line) and line[b] == " "
            and (chunk[-2].islower() or _anomalies(chunk))
        ):
            lost_nbsp.append(len(found))
            chunk += "\u00a0"
            extra = 1
        lost_9d = "\u00e2\u20ac" in chunk and _LOST_9D.search(chunk) is not None
        rep = _repair_chunk(_LOST_9D.sub("\u00e2\u20ac\x9d", chunk) if lost_9d else chunk)
        if rep is None:
            continue
        fixed, codec, rounds, unambiguous = rep
        if lost_9d:
            # `”` is E2 80 9D; cp1252 has no 9D, and a decoder that drops it leaves `â€`
            # (`Texas,â€ said`): sure only after the line's opening quote
            unambiguous = unambiguous and ("\u00e2\u20ac\u0153" in line[:a] or "\u201c" in line[:a])
        # the changed part, widened to whole words
        i = 0
        while i < len(chunk) and i < len(fixed) and chunk[i] == fixed[i]:
            i += 1
        j = 0
        while j < len(chunk) - i and j < len(fixed) - i and chunk[-1 - j] == fixed[-1 - j]:
            j += 1
        while i > 0 and _WORDCH.match(chunk[i - 1]):
            i -= 1
        while j > 0 and _WORDCH.match(chunk[len(chunk) - j]):
            j -= 1
        bad = chunk[i : len(chunk) - j]
        good = fixed[i : len(fixed) - j]
        if codec == "mac_roman" and len({_script(ord(ch)) for ch in good if ch.isalpha()}) > 1:
            continue  # `S–Ö` (an index range) read as Mac Roman is `SЅ`: two scripts, no repair
        if codec == "cp1251" and rounds == 1 and _cyrillic_word(bad):
            continue  # `Рівне`, `Рёрих`: real words whose first pair reads as cp1251 mojibake
        end = a + i + len(bad)
        if codec in ("cp1252", "latin-1") and _capital_before_typography(bad, line, a + i):
            continue  # `Ä–Ö`, `”Å”`, `Å°-området`, `»Ä«`: a letter between marks, no `ą` or `ń`
        if (len(bad) >= 2 and bad[-2] in "\u00c3\u00c4\u00c5" and bad[-1] in "\u2026\u00bb\u201d\u2019\u201c\u2014\u2013"
                and not line[end : end + 1].isalpha()
                and (_capitals(bad[:-2]) if len(bad) > 2 else line[a + i - 1 : a + i] in "\u00ab\u201c\u201e\"'")):
            # a word in capitals ending with Ã Ä Å before an ellipsis, a quote or a dash
            # (Portuguese `IRMÃ…`, Swedish `PÅ…`, `«Å»`), not `Å` `ą` `Ż` broken
            continue
        safe = unambiguous and not extra
        if extra and bad.endswith("\u00a0"):
            bad = bad[:-1] + " "
        found.append(_Moji(base + a + i, base + a + i + len(bad), bad, good, codec, safe, rounds))
    # A lone 'Ã' followed by two spaces, or by one in a line that has other mojibake,
    # is 'à' whose no-break space became a space ("Ã  la" for "à la").
    for a, b in chunks:
        if line[a:b] == "\u00c3" and b < len(line) and line[b] == " " and (line[b : b + 2] == "  " or found):
            found.append(_Moji(base + a, base + b + 1, "Ã ", "à", "cp1252", False, 1))
    found.sort(key=lambda m: m.start)
    if any(m.codec == "cp1251" for m in found):
        found = _real_cyrillic_capital(found)
    return _merge_moji(found, line, base)


#: the continuations the gate takes after `Ä` and `Å` though clean text puts them next to a
#: capital letter: typography (`… – — ‘ ’ “ ” „ « » ° · ™`, the no-break space)
_TYPOGRAPHY = "\u2026\u2013\u2014\u2018\u2019\u201c\u201d\u201e\u00ab\u00bb\u00b0\u00b7\u2122\u00a0"
_CAPITAL_TYPO = re.compile("[\u00c4\u00c5][" + "".join(re.escape(c) for c in sorted(set(_TYPOGRAPHY) | set(
    bytes(range(0x80, 0xC0)).decode("cp1252", errors="ignore")))) + "]")


def _capital_before_typography(bad: str, line: str, at: int) -> bool:
    """Whether every lead of ``bad`` (at ``at`` in ``line``) is a capital Ä or Å before a
    mark or a symbol, with no small letter touching the pair on either side: a letter in an
    index range, in quotes, before a degree sign or a trademark (`Ä•`, `Å›`). Polish `chwalÄ…` (ą), `MieszkaÅ„cy` (ń) and Turkish
    `Ä°stanbul` (İ) have one."""
    pairs = list(_CAPITAL_TYPO.finditer(bad))
    if not pairs or any(ch in "\u00c2\u00c3\u00d0\u00d1\u00ce\u00cf\u00d8\u00d9" for ch in bad):
        return False
    for m in pairs:
        before = line[at + m.start() - 1 : at + m.start()]
        after = line[at + m.end() : at + m.end() + 1]
        if before.islower() or after.islower():
            return False
    rest = _CAPITAL_TYPO.sub(" ", bad)  # what is left must be text: no other mojibake (`ordonanÈ›Äƒ`)
    return not any(ch in "\u00c4\u00c5" for ch in rest) and not any(_anomalies(w) for w in rest.split())


def _capitals(word: str) -> bool:
    """A word in capitals that holds no mojibake lead of its own (`IRM`, not `Ã‘Æ`)."""
    return word.isalpha() and word.isupper() and not any(ch in "\u00c2\u00c3\u00c4\u00c5" for ch in word)


#: the basic Cyrillic letters cp1251 reads the leads of UTF-8 sequences as: `Р С Т У`
#: (D0-D3), `В Г` (C2 C3), `в` (E2); what follows a lead reads as a symbol or a rarer letter
#: (`і ё µ Ѕ ‚`), never as a basic letter
_CP1251_LEADS = frozenset("РСТУВГв")


def _cyrillic_word(bad: str) -> bool:
    """Whether ``bad`` is Cyrillic text, not cp1251 mojibake: it holds a basic letter that is
    no lead (`к`, `н`, `е` in `Рівне`, `Рік`), or a lead with no continuation after it (`Рёв`),
    and no lead stands after a small letter (`съРІет` is `съвет` with one letter broken: a
    capital inside a word is no Cyrillic spelling)."""
    def pair(k: int) -> bool:  # a lead and a continuation at ``k``
        nxt = bad[k + 1 : k + 2]
        return bad[k] in _CP1251_LEADS and bool(nxt) and not nxt.isascii() and not "\u0410" <= nxt <= "\u044f"

    if any(bad[k - 1].islower() and pair(k) for k in range(1, len(bad))):
        return False
    return any("\u0410" <= ch <= "\u044f" and not pair(k) for k, ch in enumerate(bad))


def _real_cyrillic_capital(found: list[_Moji]) -> list[_Moji]:
    """Drop a cp1251 "repair" that only deletes the capital `В` before a mark (`В«Правде»`,
    Russian with a lost space, would become `«Правде»`: `В«` is also C2 AB read as cp1251),
    unless the line holds cp1251 mojibake of letters too."""
    def lone_capital(m: _Moji) -> bool:
        return m.bad.startswith("В") and m.good == m.bad[1:] and not any(map(str.isalpha, m.good))

    if any(m.codec == "cp1251" and not lone_capital(m) and any(map(str.isalpha, m.good)) for m in found):
        return found
    return [m for m in found if not (m.codec == "cp1251" and lone_capital(m))]


def _merge_moji(found: list[_Moji], line: str, base: int) -> list[_Moji]:
    """Join flagged words separated only by spaces and punctuation (a whole corrupted phrase)."""
    out: list[_Moji] = []
    for m in found:
        if out:
            p = out[-1]
            gap = line[p.end - base : m.start - base]
            if m.start >= p.end and not any(ch.isalnum() for ch in gap) and len(gap) <= 3 and p.codec == m.codec and p.safe == m.safe:
                out[-1] = _Moji(p.start, m.end, p.bad + gap + m.bad, p.good + gap + m.good, p.codec,
                                p.safe and m.safe, max(p.rounds, m.rounds))
                continue
        out.append(m)
    return out


# The gate on UTF-8 bytes: what each charset's mojibake starts with, followed by
# the UTF-8 of one of that charset's continuation characters. cp1252/Latin-1
# leads are U+00C2-U+00F4 (C3 xx): of the two-byte ones only those that start
# the mojibake of real text (Â Ã for Latin-1, Ä Å Latin Extended-A, Ì Í
# combining marks, Î Ï Greek, Ð Ñ Cyrillic, × Hebrew, Ø Ù Arabic), the
# three- and four-byte ones with two continuations; cp1251's are В Г Р С в
# (D0 xx); cp1253's Β Γ Ξ Ο β (CE xx); Mac Roman's √ – — ‚ „ ‰ (E2 xx), ¬
# (C2 AC), Œ œ (C5 92/93). The gate runs first on the non-ASCII bytes (where
# characters that were apart may touch: a hit there is only a maybe), then on
# the document to find the lines.
_CONT1252 = rb"(?:\xc2[\x80-\xbf]|[\xc5\xc6\xcb][\x80-\xbf]|\xe2[\x80\x82\x84][\x80-\xbf])"
# the same without the typography of clean text (no-break space, « », quotes, dashes,
# ellipsis), which sits next to accented letters once the ASCII is deleted
_CONT1252_STRICT = (
    rb"(?:\xc2[\x80-\x9f\xa1\xa2\xa4-\xa6\xa8\xaa\xac\xad\xaf\xb1\xb4-\xb6\xb8-\xba\xbc-\xbf]|[\xc5\xc6\xcb][\x80-\xbf]"
    rb"|\xe2\x80[\x80-\x92\x95-\x97\x9a\x9b\x9f-\xa5\xa7-\xbf]|\xe2\x82[\x80-\xab\xad-\xbf]|\xe2\x84[\x80-\xa1\xa3-\xbf])"
)
_MACCONT = rb"(?:[\xc2\xc3\xce\xcf][\x80-\xbf]|\xe2\x80[\xa0\xa2]|\xe2\x84\xa2|\xe2[\x88\x89][\x80-\xbf])"
#: the UTF-8 of each character cp1256 reads a continuation byte as, longest first, escaped
_CP1256_CONT_UTF8: list[bytes] = sorted(
    (re.escape(ch.encode()) for ch in bytes(range(0x80, 0xC0)).decode("cp1256")), key=len, reverse=True)
_MOJI_BYTES = (
    # (Ä Å take any continuation: `Ä…` `Ä™` `Å„` are Polish ą ę ń, `Ä“` `Å‘` Latvian ē and
    # Hungarian ő; a word in capitals ending with Ä or Å before a quote or a dash is rare;
    # È before ™ › š ˜ is Romanian ș ț Ț Ș)
    re.compile(rb"\xc3[\x82-\x85\x8e-\x91]" + _CONT1252 + rb"|\xc3[\x8c\x8d\x97-\x99]" + _CONT1252_STRICT
               + rb"|\xc3\x88(?:\xe2\x84\xa2|\xe2\x80\xba|\xc5[\xa1\xa0]|\xcb\x9c)"),
    re.compile(rb"\xc3\xa2" + _CONT1252 + _CONT1252),
    # (and a guillemet second when a strict continuation follows it: Vietnamese `ỳ`, E1 BB B3,
    # is `á»³`; clean text's `é »` has no superscript or symbol glued after the guillemet)
    re.compile(rb"\xc3[\xa0\xa1\xa3-\xaf]" + _CONT1252_STRICT + _CONT1252 + rb"|\xc3[\xb0-\xb4]" + _CONT1252 + b"{3}"
               + rb"|\xc3[\xa0\xa1\xa3-\xaf]\xc2[\xab\xbb](?:\xc2[\x80-\x9f\xa1-\xaa\xac-\xba\xbc-\xbf]|[\xc5\xc6\xcb][\x80-\xbf])"),
    re.compile(rb"\xd0[\x92\x93\xa0\xa1\xb2](?:\xc2|\xd0[\x80-\x8f]|\xd1[\x90-\x9f]|\xd2[\x90\x91]|\xe2[\x80\x84])"),
    re.compile(rb"\xce[\x92\x93\x9e\x9f\xb2](?:\xc2|\xce[\x84-\x8f]|\xe2[\x80\x84])"),
    re.compile(
        rb"\xe2(?:\x80\x9a\xc3\x84|\x80[\x93\x94]" + _MACCONT + rb"\xe2\x80[\x93\x94]|\x88\x9a" + _MACCONT
        + rb"|\x80[\x9e\xb0]" + _MACCONT + _MACCONT + rb")"
    ),
    re.compile(rb"\xc2\xac[\xc2\xc3]"),
    re.compile(rb"\xc5[\x92\x93][\xc2\xc3\xce\xcf\xe2]"),
    # cp1256: ط ظ ع غ (D8 B7-BA: the leads of nearly every Arabic and Persian letter) and
    # what it reads their second byte as, twice in a row (`ط§ظ„`, `ع©غŒ`): one such pair is
    # a real word (`فقط،`, `عکس`)
    # (written out twice, not as a group repeated: a pattern that starts with a literal byte is
    # searched by the regex engine's fast scan, 0.1 µs per document instead of 2)
    re.compile(rb"\xd8[\xb7-\xba](?:" + b"|".join(_CP1256_CONT_UTF8) + rb")\xd8[\xb7-\xba](?:" + b"|".join(_CP1256_CONT_UTF8) + rb")"),
)
_LOST_NBSP = re.compile(rb"\xc3[\x82\x83] ")
#: Characters the leads of _MOJI_BYTES can be, where a prefilter needs them (tests/
#: test_encoding_corpus.py checks them against the byte patterns, character by character).
_LEADS_1 = "\u00c2-\u00c5\u00c8\u00cc-\u00d1\u00d7-\u00d9"
_LEADS_3A, _LEADS_3B = "\u00e0\u00e1\u00e3-\u00ef", "\u00f0-\u00f4"
_LEADS_MAC = "\u201a\u2013\u2014\u221a\u201e\u2030"


def _chars_of(pattern: bytes) -> str:
    """Every character a one-character byte alternation matches, as a character class body
    (the alternations here only match 2-byte characters and 3-byte ones that start with E2)."""
    every = "\n".join(map(chr, [*range(0x80, 0x800), *range(0x2000, 0x3000)])).encode("utf-8")
    found = re.findall(b"(?<=\n)(?:" + pattern + b")(?=\n)", b"\n" + every + b"\n")
    return "".join(re.escape(ch.decode("utf-8")) for ch in found)


@lru_cache(maxsize=1)
def _moji_patterns_finder() -> Callable[[bytes, str], list[Any]]:
    """``find(nonascii, chars)``: the patterns of _MOJI_BYTES found in a document's non-ASCII
    bytes (``chars``: the same as characters), each searched only if a test on the characters
    that any of its matches implies passes first.

    The leads of the Latin patterns are accented letters (é, à, ô are C3 xx, like them):
    searched in bytes, each C3 of a French text is a candidate the pattern has to try (5 µs
    per document). As characters, each search starts from a character class, and from what
    is rare where it can (a continuation that is not typography, the lead of a pair).
    """
    cont, strict, mac = _chars_of(_CONT1252), _chars_of(_CONT1252_STRICT), _chars_of(_MACCONT)
    pair_1 = re.compile(f"[{_LEADS_1}][{cont}]").search
    pair_2 = re.compile(f"\u00e2[{cont}]{{2}}").search
    # pattern 3's alternatives apart (an alternation or a lookbehind first has no character
    # class to scan for); the first one's lead is checked on the character before the match
    strict_cont = re.compile(f"[{strict}][{cont}]").finditer
    pair_3b = re.compile(f"[{_LEADS_3B}][{cont}]{{3}}").search
    after_guillemet = _chars_of(rb"\xc2[\x80-\x9f\xa1-\xaa\xac-\xba\xbc-\xbf]|[\xc5\xc6\xcb][\x80-\xbf]")
    guillemet_cont = re.compile(f"[«»][{after_guillemet}]").finditer
    lead_3a = re.compile(f"[{_LEADS_3A}]").match
    pair_mac = re.compile(f"[{_LEADS_MAC}][{mac}]").search
    p1, p2, p3, p4, p5, p6, p7, p8, p9 = _MOJI_BYTES

    def pair_3(text: str) -> bool:
        for m in strict_cont(text):
            k = m.start()
            if k and lead_3a(text, k - 1):
                return True
        if pair_3b(text) is not None:
            return True
        # the guillemet and what follows it first: a French text's « » are many, each glued to
        # an accented letter once the ASCII is deleted, and almost never followed by a symbol
        for m in guillemet_cont(text):
            k = m.start()
            if k and lead_3a(text, k - 1):
                return True
        return False

    def find(nonascii: bytes, chars: str) -> list[Any]:
        found = []
        if pair_1(chars) is not None and p1.search(nonascii):
            found.append(p1)
        if pair_2(chars) is not None and p2.search(nonascii):
            found.append(p2)
        if pair_3(chars) and p3.search(nonascii):
            found.append(p3)
        if p4.search(nonascii):
            found.append(p4)
        if p5.search(nonascii):
            found.append(p5)
        if pair_mac(chars) is not None and p6.search(nonascii):
            found.append(p6)
        if p7.search(nonascii):
            found.append(p7)
        if p8.search(nonascii):
            found.append(p8)
        if p9.search(nonascii):
            found.append(p9)
        return found

    return find


def _gate_lines(doc: Document, scan: _Scan) -> list[tuple[int, int]]:
    """(start, end) character offsets of the lines that may hold mojibake."""
    nonascii = scan.nonascii
    pats = _moji_patterns_finder()(nonascii, scan.chars)
    raw = scan.utf8
    if ("\u00c2" in scan.chars or "\u00c3" in scan.chars) and _LOST_NBSP.search(raw):
        pats.append(_LOST_NBSP)
    if not pats:
        return []
    text = doc.text
    if b"\r" in raw:  # lone CRs end lines too: use the character gate
        out: list[tuple[int, int]] = []
        pos = 0
        gate = _moji_gate()
        while True:
            m = gate.search(text, pos)
            if m is None:
                return out
            a, b = _line_bounds(text, m.start(), m.start())
            out.append((a, b))
            pos = b + 1
    hits: set[int] = set()
    for pat in pats:
        pos = 0
        while True:
            m = pat.search(raw, pos)
            if m is None:
                break
            lineno = raw.count(b"\n", 0, m.start())
            hits.add(lineno)
            nxt = raw.find(b"\n", m.end())
            if nxt == -1:
                break
            pos = nxt + 1
    if not hits:
        return []
    starts = doc.line_starts
    lines = doc.lines
    return [(starts[i], starts[i] + len(lines[i])) for i in sorted(hits)]


def _mojibake_spans(doc: Document) -> list[_Moji]:
    scan = _scan(doc)
    if scan._mojibake is not None:
        return scan._mojibake
    found: list[_Moji] = []
    if not scan.ascii:
        text = doc.text
        for a, b in _gate_lines(doc, scan):
            line = text[a:b]
            spans = _mojibake_in_line(line, a)
            # ftfy, a decade of curated heuristics, catches what the word-level repair
            # misses (box-drawing, symbols, long corrupted phrases); its repair is kept
            # only if it makes the text less strange, which guards against eagerness
            found.extend(spans if spans else [
                m for m in _ftfy_spans(line, a)
                if not (m.codec in ("cp1252", "latin-1") and _capital_before_typography(m.bad, text, m.start))
            ])
    scan._mojibake = found
    return found


@lru_cache(maxsize=1)
def _ftfy() -> Any:
    try:
        import ftfy
    except ImportError:  # pragma: no cover - ftfy is a dependency; stay useful without it
        return None
    cfg = ftfy.TextFixerConfig(
        unescape_html=False, remove_terminal_escapes=False, fix_latin_ligatures=False, fix_character_width=False,
        uncurl_quotes=False, fix_line_breaks=False, fix_surrogates=False, remove_control_chars=False,
        normalization=None, explain=True,
    )
    return ftfy, cfg


def _ftfy_spans(line: str, base: int) -> list[_Moji]:
    got = _ftfy()
    if got is None:
        return []
    ftfy, cfg = got
    fixed, plan = ftfy.fix_and_explain(line, cfg)
    if fixed == line or not plan or _anomalies(fixed) >= _anomalies(line):
        return []
    codec = next((arg for step, arg in plan if step == "encode"), "cp1252")
    codec = {"sloppy-windows-1252": "cp1252", "sloppy-windows-1251": "cp1251", "macroman": "mac_roman"}.get(codec, codec)
    rounds = sum(1 for step, _ in plan if step == "decode") or 1
    out: list[_Moji] = []
    sm = difflib.SequenceMatcher(None, line, fixed, autojunk=False)
    ops = [op for op in sm.get_opcodes()]
    merged: list[list[int]] = []
    for tag, a0, a1, b0, b1 in ops:
        if tag == "equal":
            continue
        if merged and a0 - merged[-1][1] <= 2 and not line[merged[-1][1]:a0].isspace():
            merged[-1][1], merged[-1][3] = a1, b1
        else:
            merged.append([a0, a1, b0, b1])
    for a0, a1, b0, b1 in merged:
        while a0 > 0 and b0 > 0 and line[a0 - 1] == fixed[b0 - 1] and _WORDCH.match(line[a0 - 1]):
            a0, b0 = a0 - 1, b0 - 1
        while a1 < len(line) and b1 < len(fixed) and line[a1] == fixed[b1] and _WORDCH.match(line[a1]):
            a1, b1 = a1 + 1, b1 + 1
        out.append(_Moji(base + a0, base + a1, line[a0:a1], fixed[b0:b1], codec, False, rounds))
    return out


@rule("ENC003", "mojibake", category="encoding", fixable=True, severity="error")
def mojibake(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """UTF-8 text that was decoded with the wrong charset (`Ã©` for `é`, `â€™` for `’`).

    ## What it does
    Finds words that are UTF-8 bytes read through cp1252, Latin-1, Mac Roman,
    cp1251, cp1253 or cp1256, once or twice over (`Ã¢â‚¬â„¢`), in Latin, Cyrillic
    (`Ð¿Ñ€Ð¸`, `РїСЂРё`), Greek (`Î•Î»`), Arabic and Persian (`ط§ظ„ظٹظˆظ…`,
    `Ø§Ù„ÙŠÙˆÙ…`) and CJK text, also a single word in
    an otherwise clean line, and reports each span with its repair and the
    charset that broke it. A repair is kept only when it makes the word less
    strange (no C1 control, no symbol glued to a letter, no capital after a
    lowercase letter, one script): Portuguese `São`, `MAÇÃ`, German `„Fuß“`
    and Ukrainian `Він` are left alone.

    ## Why it matters
    Mojibake is invisible to statistics and poisons them: every `é` becomes two
    rare characters, words stop matching, and a model learns the garbage.

    ## Example
    ```text
    a.txt:3:14: ENC003 [mojibake] mojibake 'dÃ©cision' should read 'décision' (UTF-8 read as cp1252)
    ```

    ## Fix
    Safe when the repair is unambiguous (one charset explains the span, the
    result has no anomaly left, and re-breaking it gives the flagged text back
    byte for byte): `--fix` replaces the span with its repair. Repairs that
    guess a lost no-break space (`Ã ` for `à`) are unsafe.
    """
    for m in _mojibake_spans(doc):
        how = f"UTF-8 read as {_MOJI_LABEL.get(m.codec, m.codec)}" + (" twice" if m.rounds == 2 else "") + (
            f" {m.rounds} times" if m.rounds > 2 else "")
        yield Violation(
            f"mojibake '{_clip(m.bad)}' should read '{_clip(m.good)}' ({how})",
            m.start,
            m.end,
            Fix(f"Replace with '{_clip(m.good)}'", (Edit(m.start, m.end, m.good),), safe=m.safe),
        )


# ---------------------------------------------------------------------------
# ENC004, ENC009: characters lost by a lossy conversion
# ---------------------------------------------------------------------------


@rule("ENC004", "replacement-character", category="encoding", severity="error")
def replacement_character(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """U+FFFD replacement characters: text already lost by an earlier conversion.

    ## What it does
    Reports runs of U+FFFD (`�`) in text that decoded cleanly: a previous tool
    met bytes it could not decode and replaced them. (Bytes this file itself
    fails to decode are `invalid-utf8-bytes`.)

    ## Why it matters
    The original characters are gone: `d�cision`, `pr�sident`. The text cannot
    be repaired from itself, only re-fetched from its source.

    ## Example
    ```text
    a.txt:5:2: ENC004 [replacement-character] 1 replacement character (U+FFFD) in 'd�cision': the original text is lost
    ```

    ## Fix
    Re-extract the document from its source with the right charset. There is
    no automatic fix.
    """
    scan = _scan(doc)
    if scan.ascii or not scan.rare or "\ufffd" not in doc.text:
        return
    own = {e.offset for e in doc.decode_errors}
    text = doc.text
    for m in re.finditer("\ufffd+", text):
        if m.start() in own:
            continue
        word = _word_around(text, m.start(), m.end())
        n = m.end() - m.start()
        yield Violation(
            f"{n} replacement character{'s' if n > 1 else ''} (U+FFFD) in '{word}': the original text is lost",
            m.start(),
            m.end(),
        )


def _word_around(text: str, start: int, end: int) -> str:
    s, e = start, end
    while s > 0 and start - s < 20 and not text[s - 1].isspace():
        s -= 1
    while e < len(text) and e - end < 20 and not text[e].isspace():
        e += 1
    return text[s:e]


# A '?' that stands for a lost letter sits between two letters (d?cision, pr??sident,
# Z?rich). Not: 'Quoi?' (end of word), 'Quoi?Non' (a missing space: capital after
# a lowercase letter), URLs and code ('?id=', 'a?b:c'), which the chunk test skips.
_LOSSY_Q = re.compile(r"[^\W\d_]\?+[^\W\d_]|(?<!\S)\?[^\W\d_]\?(?![^\W\d_])")
_NOT_PROSE = re.compile(r"://|www\.|[=&/\\:;(){}\[\]<>|`$#@%+*^~]")
# Chinese and Japanese letters (kana, CJK ideographs): no space separates their words, nor a
# question mark from the next sentence ('好吗?我'). A text that puts half-width punctuation
# after them ('暖和了,想') writes its question marks half-width too
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_QUESTION = re.compile(f"[{_CJK}]\\?[{_CJK}]")
_CJK_HALF_WIDTH = re.compile(f"[{_CJK}][,!;:]")


def _lossy_candidates(text: str) -> Iterator[Any]:
    """Matches of ``_LOSSY_Q`` near each '?' (found with str.find, not a character-class scan)."""
    i = text.find("?")
    n = len(text)
    while i != -1:
        a = max(0, i - 2)
        m = _LOSSY_Q.search(text, a, min(n, i + 4))
        if m is not None and m.start() <= i:
            yield m
            i = text.find("?", max(m.end(), i + 1))
        else:
            i = text.find("?", i + 1)


@rule("ENC009", "lost-character-question-mark", category="encoding", severity="warning")
def lost_character_question_mark(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """A `?` inside a word, where a lossy conversion replaced a character it could not encode.

    ## What it does
    Reports words with question marks between letters (`d?cision`,
    `pr??sident`, `M?nchen`): what an encoder with `errors="replace"` leaves
    of characters its target charset (often ASCII or Latin-1) lacks. Question
    marks at the end of a word (`Quoi?`), before a capital (`Quoi?Non`, a
    missing space) and in URLs, query strings or code (`?id=`, `a?b:c`) are
    not reported, nor one between two Chinese or Japanese letters in a text
    that writes its punctuation half-width after them (`好吗?我`, `暖和了,想`):
    a question mark, as these scripts put no space after it.

    ## Why it matters
    Like U+FFFD, the characters are gone, but a `?` does not even look like an
    error: counts, spell-checkers and models take `d?cision` for a word.

    ## Example
    ```text
    a.txt:2:4: ENC009 [lost-character-question-mark] 'd?cision': '?' inside a word, a character lost by a lossy conversion
    ```

    ## Fix
    Re-extract the document from its source with an encoding that keeps every
    character (UTF-8). There is no automatic fix.
    """
    text = doc.text
    if "?" not in text:
        return
    done = -1
    half_width: bool | None = None  # the text's punctuation after CJK letters is half-width
    for m in _lossy_candidates(text):
        if m.start() < done:
            continue
        a, b = m.start(), m.end()
        while a > 0 and not text[a - 1].isspace():
            a -= 1
        while b < len(text) and not text[b].isspace():
            b += 1
        done = b
        chunk = text[a:b]
        if _NOT_PROSE.search(chunk):
            continue
        hits = [h for h in _LOSSY_Q.finditer(chunk) if not (h.group()[0].islower() and h.group()[-1].isupper())]
        if hits and any(_CJK_QUESTION.fullmatch(h.group()) for h in hits):
            if half_width is None:
                half_width = _CJK_HALF_WIDTH.search(text) is not None
            if half_width:
                hits = [h for h in hits if not _CJK_QUESTION.fullmatch(h.group())]
        if len(chunk) > 40:  # a script without spaces: show the few characters around
            a, chunk = a + max(0, m.start() - a - 8), text[max(a, m.start() - 8) : m.end() + 8]
        if not hits:
            continue
        core = chunk.strip(".,;:!\"'«»“”()")
        start = a + chunk.find(core) if core else a
        yield Violation(
            f"'{_clip(core)}': '?' inside a word, a character lost by a lossy conversion",
            start,
            start + len(core),
        )


# ---------------------------------------------------------------------------
# ENC005, ENC006: binary files, byte-order mark
# ---------------------------------------------------------------------------


@rule("ENC005", "binary-file", category="encoding", severity="error", sees_binary=True)
def binary_file(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """The file is binary (NUL bytes or a known binary signature), not text.

    ## What it does
    Reports a file whose first bytes contain NUL bytes (and are not UTF-16) or
    start with the signature of a binary format (PDF, ZIP, PNG, gzip, ...).

    ## Why it matters
    A binary file in a text corpus is either a mistake or a document that was
    never extracted: either way its "text" is garbage.

    ## Example
    ```text
    corpus/scan.txt: ENC005 [binary-file] binary content (NUL bytes or a binary signature): not a text document
    ```

    ## Fix
    Extract the text with the right tool, or exclude the file.
    """
    if doc.binary:
        yield Violation("binary content (NUL bytes or a binary signature): not a text document")


@rule("ENC006", "byte-order-mark", category="encoding", fixable=True, severity="warning")
def byte_order_mark(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """A UTF-8 byte-order mark (U+FEFF) at the start of the file.

    ## What it does
    Reports a BOM at the very start of a UTF-8 document. (A U+FEFF elsewhere is
    an invisible character, reported by `invisible-character`; the BOM of a
    UTF-16 file is part of its encoding, reported by `non-utf8-encoding`.)

    ## Why it matters
    UTF-8 needs no byte-order mark. Tools that do not expect it keep it as a
    zero-width character glued to the first word, so the first line never
    matches what it should.

    ## Example
    ```text
    a.txt:1:1: ENC006 [byte-order-mark] file starts with a UTF-8 byte-order mark
    ```

    ## Fix
    `--fix` removes it (safe).
    """
    if doc.text.startswith("\ufeff") and doc.encoding == "utf-8":
        yield Violation("file starts with a UTF-8 byte-order mark", 0, 1, Fix("Remove the byte-order mark", (Edit(0, 1, ""),)))


# ---------------------------------------------------------------------------
# ENC007, ENC008, ENC010: control, invisible and private-use characters
# ---------------------------------------------------------------------------

_CONTROL_CHARS = frozenset([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0)])
_INVISIBLE_NAMES = {
    "\u00ad": "SOFT HYPHEN",
    "\u061c": "ARABIC LETTER MARK",
    "\u180e": "MONGOLIAN VOWEL SEPARATOR",
    "\u200b": "ZERO WIDTH SPACE",
    "\u200c": "ZERO WIDTH NON-JOINER",
    "\u200d": "ZERO WIDTH JOINER",
    "\u200e": "LEFT-TO-RIGHT MARK",
    "\u200f": "RIGHT-TO-LEFT MARK",
    "\u2028": "LINE SEPARATOR",
    "\u2029": "PARAGRAPH SEPARATOR",
    "\u2060": "WORD JOINER",
    "\ufeff": "ZERO WIDTH NO-BREAK SPACE (BOM)",
}
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _kind(ch: str) -> str:
    o = ord(ch)
    if o in _CONTROL_CHARS:
        return "control"
    if 0xE000 <= o <= 0xF8FF or o >= 0xF0000:
        return "private"
    if 0xFDD0 <= o <= 0xFDEF or o in (0xFFFE, 0xFFFF):
        return "nonchar"
    if o == 0xFFFD:
        return "fffd"
    return "invisible"  # format characters, separators, U+FFF9-U+FFFB


def _runs_of(doc: Document, kinds: tuple[str, ...]) -> Iterator[tuple[int, int]]:
    """Maximal runs of characters of the given kinds, from the shared rare-character scan."""
    scan = _scan(doc)
    if not scan.rare:
        return
    text = doc.text
    for a, b in scan.rare_runs(text):
        i = a
        while i < b:
            if _kind(text[i]) not in kinds:
                i += 1
                continue
            j = i + 1
            while j < b and _kind(text[j]) in kinds:
                j += 1
            yield i, j
            i = j


@rule("ENC007", "control-character", category="encoding", fixable=True, severity="warning")
def control_character(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """C0 and C1 control characters other than tab, line feed, carriage return and form feed.

    ## What it does
    Reports control characters (U+0000–U+001F except tab, newline, CR and form
    feed, which is kept as a page break; U+007F; U+0080–U+009F) in the text.
    C1 controls inside a mojibake span are left to `mojibake`.

    ## Why it matters
    Controls are invisible, break tokenizers and JSON exports, and C1 controls
    usually mean cp1252 text was decoded as Latin-1 (`\\x92` for `’`).

    ## Example
    ```text
    a.txt:4:10: ENC007 [control-character] control character U+0007 in the text
    ```

    ## Fix
    `--fix` deletes C0 controls, and replaces a C1 control by the cp1252
    character of the same byte (`\\x92` becomes `’`, what browsers do), or
    deletes it when cp1252 has none (safe). Controls that separate what is
    around them are replaced, not deleted: a vertical tab (a word processor's
    manual line break) and the file, group and record separators by a line
    break, the unit separator by a tab; a backspace overstrike (`N\\bN`, how
    `man` pages are saved) is deleted with the character it strikes over. The
    fix is unsafe for a control next to a symbol or a letter of another script: it is
    more likely a byte of mojibake (`æ—¥ã€\\x81æ–°`) than a stray control.
    """
    if not _scan(doc).rare:  # the common case: no generator started for nothing
        return
    text = doc.text
    spans = None
    for a, b in _runs_of(doc, ("control",)):
        if spans is None:
            spans = [(m.start, m.end) for m in _mojibake_spans(doc)] if any(0x80 <= ord(c) <= 0x9F for c in text[a:b]) else []
        if any(s <= a and b <= e for s, e in spans):
            continue
        run = text[a:b]
        chars = ", ".join(sorted({f"U+{ord(c):04X}" for c in run}))
        if run == "\b" and a > 0 and b < len(text) and (text[a - 1] == text[b] or text[a - 1] == "_"):
            # a terminal's overstrike (`N\bN` bold, `_\bN` underlined, as `man` pages are
            # saved): the character it strikes over goes with it
            yield Violation(f"control character {chars} in the text", a, b,
                            Fix("Delete the overstrike", (Edit(a - 1, b, ""),)))
            continue
        # safe among Latin text (`don\x92t`, `l\x92été`); next to symbols or other scripts a C1 control
        # is more likely a byte of mojibake (`æ—¥ã€\x81æ–°`, `ΣΟ\x85ν`), which the fix would lose
        safe = all(ch.isascii() or (ch.isalpha() and ord(ch) < 0x250) for ch in text[max(0, a - 1) : a] + text[b : b + 1])
        repl = "".join(_c1_as_cp1252(c) or _SEPARATES.get(c, "") for c in run)
        if repl.strip(" \t\n") == "" and (not text[a - 1 : a].strip() or not text[b : b + 1].strip()):
            repl = ""  # a separator next to a blank or a line end separates nothing more
        if repl and "\n" in repl and "\r\n" in text:
            repl = repl.replace("\n", "\r\n")
        shown = repl.replace("\r\n", "\n").replace("\n", "a line break").replace("\t", "a tab")
        title = (f"Replace with {shown}" if repl.strip() == "" else f"Replace with '{repl}' (cp1252)") if repl else (
            "Delete the control characters")
        yield Violation(f"control character {chars} in the text", a, b, Fix(title, (Edit(a, b, repl),), safe=safe))


#: controls that separate what is around them: a word processor's manual line break (VT),
#: the file, group, record and unit separators of a data dump (`Paris\x1f12\x1eLyon`)
_SEPARATES = {"\x0b": "\n", "\x1c": "\n", "\x1d": "\n", "\x1e": "\n", "\x1f": "\t"}


def _c1_as_cp1252(c: str) -> str:
    o = ord(c)
    if 0x80 <= o <= 0x9F:
        try:
            return bytes([o]).decode("cp1252")
        except UnicodeDecodeError:
            return ""
    return ""


@rule("ENC008", "invisible-character", category="encoding", fixable=True, severity="warning")
def invisible_character(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """Zero-width, soft-hyphen, separator and bidirectional control characters hidden in the text.

    ## What it does
    Reports U+200B zero width space, U+2060 word joiner and the other
    invisible format characters, U+FEFF inside the text, soft hyphens,
    left-to-right/right-to-left marks, bidi embeddings, overrides and isolates
    (U+202A–U+202E, U+2066–U+2069) and the Unicode line and paragraph
    separators. Zero-width (non-)joiners are reported only between Latin,
    Cyrillic or Greek letters: in emoji sequences and in scripts such as
    Persian or Devanagari they are legitimate; directional marks are not
    reported in text that holds Hebrew or Arabic letters. A BOM at the start
    of the file is `byte-order-mark`; private-use characters are
    `private-use-character`.

    ## Why it matters
    They make identical words compare different, break search and
    deduplication, and bidi overrides can make text display differently from
    what it says (the "Trojan Source" attack).

    ## Example
    ```text
    a.txt:2:7: ENC008 [invisible-character] invisible character ZERO WIDTH SPACE
    ```

    ## Fix
    `--fix` deletes them (safe); a line or paragraph separator becomes a newline.
    """
    if not _scan(doc).rare:  # the common case: no generator started for nothing
        return
    text = doc.text
    rtl = None
    for a, b in _runs_of(doc, ("invisible",)):
        if a == 0 and text.startswith("\ufeff"):
            a += 1
            if a == b:
                continue
        run = text[a:b]
        if run == "\u00ad" * len(run) and any(m.start <= a and b <= m.end for m in _mojibake_spans(doc)):
            continue  # a byte of mojibake (`dÃ­a`, `ط­`): mojibake reports it, and its repair needs it
        if run == "\u200b" * len(run) and (_UNSPACED.match(text[a - 1 : a]) or _UNSPACED.match(text[b : b + 1])):
            continue  # the word break of Thai, Lao, Khmer, Myanmar or Tibetan text
        safe = not (run[0] == "\u00ad" and _MOJI_LEAD_BEFORE.search(text, max(0, a - 2), a))
        if set(run) <= {"\u200c", "\u200d"}:
            before = text[a - 1] if a else " "
            after = text[b] if b < len(text) else " "
            if not (_is_lcg(before) and _is_lcg(after)):
                continue
        if set(run) <= {"\u200e", "\u200f", "\u061c"}:
            if rtl is None:
                rtl = bool(re.search("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]", text))
            if rtl:
                continue
        names = ", ".join(sorted({_INVISIBLE_NAMES.get(c, f"U+{ord(c):04X} (bidi control)" if c in _BIDI else f"U+{ord(c):04X}")
                                  for c in run}))
        repl = "\n" if set(run) & {"\u2028", "\u2029"} else ""
        if repl and "\r\n" in text:
            repl = "\r\n"  # the file's own line break, not a second kind of them
        yield Violation(f"invisible character {names}", a, b,
                        Fix("Delete the invisible characters" if not repl else "Replace with a newline",
                            (Edit(a, b, repl),), safe=safe))


#: a letter of a script written without spaces, where U+200B marks the word breaks
_UNSPACED = re.compile("[\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff]")
#: what stands before a soft hyphen that is the byte AD of a UTF-8 sequence read as cp1252
#: or Latin-1 (`Ã­` for `í`, `á»­` for `ử`, `Ă­` through iso8859-2): mojibake, not a
#: hyphenation point, and deleting it makes the text beyond repair
_MOJI_LEAD_BEFORE = re.compile("[\u00c2-\u00df\u0102\u0104\u0106\u010c\u0139\u013d\u0143\u0147\u0154\u0158]$|[\u00e0-\u00ef][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]$")


def _is_lcg(ch: str) -> bool:
    o = ord(ch)
    return ch == " " or (ch.isalpha() and (o < 0x250 or 0x370 <= o < 0x530 or 0x1E00 <= o < 0x2000))


@rule("ENC010", "private-use-character", category="encoding", fixable=True, severity="warning")
def private_use_character(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """Private-use code points and noncharacters, which have no meaning outside one system.

    ## What it does
    Reports characters of the private-use areas (U+E000–U+F8FF, planes 15 and
    16) and noncharacters (U+FDD0–U+FDEF, U+FFFE, U+FFFF) in the text.

    ## Why it matters
    A private-use character means something only to the font or program that
    made it: icon-font glyphs scraped from a web page (Font Awesome's
    U+F09A), the Apple logo U+F8FF, or a legacy converter's private mapping
    of a character it did not know. Elsewhere it renders as a box and carries
    no text.

    ## Example
    ```text
    a.txt:7:1: ENC010 [private-use-character] private-use character U+F09A: no standard meaning (an icon font or a private mapping)
    ```

    ## Fix
    `--fix --unsafe-fixes` deletes them. The fix is unsafe: if the character
    was a private mapping of a real letter, deleting it loses that letter.
    """
    if not _scan(doc).rare:
        return
    for a, b in _runs_of(doc, ("private", "nonchar")):
        run = doc.text[a:b]
        chars = ", ".join(sorted({f"U+{ord(c):04X}" for c in run}))
        what = "noncharacter" if all(_kind(c) == "nonchar" for c in run) else "private-use character"
        yield Violation(f"{what} {chars}: no standard meaning (an icon font or a private mapping)", a, b,
                        Fix("Delete the private-use characters", (Edit(a, b, ""),), safe=False))


# ---------------------------------------------------------------------------
# ENC011: Unicode normalization
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _nfc_suspects() -> Any:
    """Characters that NFC can change: combining marks, composing jamo, singletons."""
    ranges = []
    for cp in range(0x300, 0x30000):
        if 0xD800 <= cp < 0xE000 or 0x3400 <= cp < 0xA000 or 0xAC00 <= cp < 0xD7A4 or 0x20000 <= cp < 0x2F800:
            continue
        ch = chr(cp)
        if unicodedata.combining(ch) or unicodedata.normalize("NFC", ch) != ch or unicodedata.category(ch) == "Mc":
            ranges.append(cp)
    ranges.extend(range(0x1161, 0x1176))  # Hangul vowel jamo
    ranges.extend(range(0x11A8, 0x11C3))  # Hangul trailing jamo
    ranges.extend(range(0x3099, 0x309B))  # kana voicing marks
    cls = []
    start = prev = ranges[0] if ranges else 0
    for cp in sorted(set(ranges))[1:] + [-1]:
        if cp != prev + 1:
            cls.append(re.escape(chr(start)) + ("-" + re.escape(chr(prev)) if prev > start else ""))
            start = cp
        prev = cp
    return re.compile(f".?[{''.join(cls)}]+", re.DOTALL)


@rule("ENC011", "not-nfc-normalized", category="encoding", fixable=True, severity="warning")
def not_nfc_normalized(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """Text not in Unicode normalization form C (decomposed accents: `e` + U+0301 for `é`).

    ## What it does
    Reports, once per document, text that changes under NFC: letters written
    as a base and combining marks (`e` + U+0301 instead of `é`, as macOS file
    names and some PDF extractors write them), marks in non-canonical order,
    and singletons such as U+212B ANGSTROM SIGN or U+037E GREEK QUESTION
    MARK. The message gives the number of spans and the first one.

    ## Why it matters
    `é` and `e` + U+0301 look the same and compare different: search, counts,
    deduplication and tokenizers see two words. NFC is what the web and most
    corpora use.

    ## Example
    ```text
    a.txt:3:5: ENC011 [not-nfc-normalized] 12 spans are not in NFC (first: 'de\u0301cision' should be 'décision')
    ```

    ## Fix
    `--fix` normalizes every span to NFC (safe: canonical equivalents look
    and mean the same). Spans with CJK compatibility ideographs, which NFC
    maps to unified ones that a font may draw differently, get an unsafe fix.
    """
    scan = _scan(doc)
    if scan.ascii or not scan.maybe_nfc:
        return
    text = doc.text
    if unicodedata.is_normalized("NFC", text):
        return
    edits = []
    first = None
    unsafe = False
    for m in _nfc_suspects().finditer(text):
        seg = m.group()
        if seg[:1] in "\n\r" and len(seg) > 1:
            seg = seg[1:]
        a = m.end() - len(seg)
        norm = unicodedata.normalize("NFC", seg)
        if norm == seg:
            continue
        while len(seg) > 1 and norm and seg[0] == norm[0] and unicodedata.normalize("NFC", seg[1:]) == norm[1:]:
            seg, norm, a = seg[1:], norm[1:], a + 1  # the preceding character did not take part
        if any(0xF900 <= ord(c) < 0xFB00 or 0x2F800 <= ord(c) < 0x2FA20 for c in seg):
            unsafe = True
        edits.append(Edit(a, m.end(), norm))
        if first is None:
            first = (a, m.end(), seg, norm)
    if first is None:
        return
    n = len(edits)
    shown = "".join(c if unicodedata.combining(c) == 0 else f"\\u{ord(c):04x}" for c in first[2])
    yield Violation(
        f"{n} span{'s are' if n > 1 else ' is'} not in NFC (first: '{shown}' should be '{first[3]}')",
        first[0],
        first[1],
        Fix("Normalize to NFC", tuple(edits), safe=not unsafe),
    )


# ---------------------------------------------------------------------------
# ENC012, ENC013: HTML leftovers in plain text
# ---------------------------------------------------------------------------

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


@rule("ENC012", "html-entity", category="encoding", fixable=True, severity="warning")
def html_entity(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """HTML or XML character references left in plain text (`&eacute;`, `&#233;`, `&nbsp;`, `&amp;`).

    ## What it does
    Reports named references that HTML5 defines (`&amp;`, `&nbsp;`,
    `&eacute;`, `&rsquo;` ...) and numeric ones (`&#233;`, `&#xE9;`), with
    the character they stand for. Only complete references (with the final
    `;`) are reported: `AT&T`, `R&D`, `x&y;` and `Q&A` are text.

    ## Why it matters
    The text was extracted from HTML without unescaping, or escaped twice:
    `caf&eacute;` is not a word, and `&amp;` inflates counts of a character
    that is not there.

    ## Example
    ```text
    a.txt:1:9: ENC012 [html-entity] HTML character reference '&eacute;' in plain text: 'é'
    ```

    ## Fix
    `--fix` replaces each reference by its character (safe). A text escaped
    twice (`&amp;eacute;`) is unescaped one level per pass, until it is
    clean. References to control characters get no fix. References in
    program code (Markdown code spans and fenced blocks, indented code) are
    the program's and are not reported.
    """
    text = doc.text
    if "&" not in text:
        return
    spans: list[tuple[int, int]] | None = None
    code: frozenset[int] | None = None
    for m in _ENTITY.finditer(text):
        ref = m.group()
        if ref[1] != "#" and ref[1:] not in _HTML5_ENTITIES:
            continue
        if spans is None:
            spans, code = _code_spans(text), code_lines(doc)
        if in_spans(spans, m.start()) or (code and doc.position(m.start())[0] - 1 in code):
            continue  # Markdown or indented code: `&amp;` is what the program writes
        char = html.unescape(ref)
        if char == ref:
            continue
        bad = not char or any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\t\n" or c == "\ufffd" for c in char)
        shown = {"\u00a0": "no-break space", " ": "space", "\n": "newline", "\t": "tab"}.get(char, char)
        if bad:
            shown = "a control character" if not char else f"U+{ord(char[0]):04X}"
        yield Violation(
            f"HTML character reference '{ref}' in plain text: '{shown}'",
            m.start(),
            m.end(),
            None if bad else Fix(f"Replace with '{shown}'", (Edit(m.start(), m.end(), char),)),
        )


_HTML_TAGS = frozenset(
    ["a", "abbr", "address", "area", "article", "aside", "audio", "b", "base", "bdi", "bdo", "blockquote", "body", "br", "button", "canvas", "caption", "center", "cite", "code", "col", "colgroup", "data", "dd", "del", "details", "dfn", "dialog", "div", "dl", "dt", "em", "embed", "fieldset", "figcaption", "figure", "font", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html", "i", "iframe", "img", "input", "ins", "kbd", "label", "legend", "li", "link", "main", "mark", "meta", "meter", "nav", "noscript", "object", "ol", "optgroup", "option", "output", "p", "param", "picture", "pre", "progress", "q", "s", "samp", "script", "section", "select", "small", "source", "span", "strike", "strong", "style", "sub", "summary", "sup", "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead", "time", "title", "tr", "track", "tt", "u", "ul", "var", "video", "wbr"]
)
_BLOCK_TAGS = frozenset(["address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"])
_TAG = re.compile(
    r"<!--.{0,300}?-->"
    r"|<(/?)([A-Za-z][A-Za-z0-9]{0,9})((?:\s+[A-Za-z_:][-\w:.]*(?:\s*=\s*(?:\"[^\"<>]{0,300}\"|'[^'<>]{0,300}'|[^\s\"'<>=`]{1,300}))?){0,20})\s*(/?)>",
    re.DOTALL,
)


#: Markdown code: a fenced block (```` ``` ```` or ``~~~`` lines) or an inline span (`` `<h1>` ``,
#: ``` ``a `&lt;` b`` ```: opened and closed by runs of as many backticks)
_CODE_SPAN = re.compile(r"^[ \t]*(```|~~~)[^\n]*\n.*?^[ \t]*\1[ \t]*$|" + INLINE_CODE, re.MULTILINE | re.DOTALL)


def _code_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _CODE_SPAN.finditer(text)]


@rule("ENC013", "markup-tag", category="encoding", fixable=True, severity="warning")
def markup_tag(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """HTML tags or comments left in plain text (`<br>`, `</p>`, `<div class="x">`, `<!-- -->`).

    ## What it does
    Reports tags of known HTML elements (opening, closing or self-closing,
    with well-formed attributes) and HTML comments. Comparisons and code
    (`a < b > c`, `if (a<b)`, `List<String>`, `Option<A>`), Markdown code
    (`` `<h1>` ``, fenced blocks), e-mail addresses
    (`<john@x.com>`), `<3` and `<Enter>` are not tags and are not reported:
    the element name must be an HTML one, written all lowercase or all
    capitals, and a capital single-letter name glued to a word is a generic.

    ## Why it matters
    Markup in extracted text is residue of a careless HTML-to-text step:
    `<br>` glues lines, `</p>` is noise in every n-gram, and scripts or
    comments can carry whole paragraphs of non-text.

    ## Example
    ```text
    a.txt:4:18: ENC013 [markup-tag] HTML tag '<br>' in plain text
    ```

    ## Fix
    `--fix --unsafe-fixes` deletes the tag (a block tag between two words is
    replaced by a space). Unsafe: the text may be about HTML.
    """
    text = doc.text
    if "<" not in text:
        return
    code = _code_spans(text) if "`" in text else []
    for m in _TAG.finditer(text):
        if code and in_spans(code, m.start()):
            continue  # Markdown code: `<h1>` in a tutorial is what it is about
        tag = m.group()
        name = m.group(2)
        if name is not None:
            if name.lower() not in _HTML_TAGS or not (name.islower() or name.isupper() or name[-1].isdigit()):
                continue
            if len(name) == 1 and name.isupper() and not m.group(1) and not m.group(3):
                continue  # a type parameter (Option<A>) or a placeholder (<A>)
        what = "HTML comment" if name is None else "HTML tag"
        a, b = m.start(), m.end()
        repl = ""
        if name is not None and name.lower() in _BLOCK_TAGS:
            before = text[a - 1] if a else " "
            after = text[b] if b < len(text) else " "
            if not before.isspace() and not after.isspace():
                repl = " "
        yield Violation(f"{what} '{_clip(tag, 40)}' in plain text", a, b,
                        Fix("Delete the tag" if not repl else "Replace the tag with a space", (Edit(a, b, repl),), safe=False))


# ---------------------------------------------------------------------------
# ENC014-ENC016: line endings and whitespace (style, off by default)
# ---------------------------------------------------------------------------

_ENDING = re.compile(r"\r\n|\r|\n")
_ENDING_NAMES = {"\n": "LF", "\r\n": "CRLF", "\r": "CR"}


def _dominant_ending(text: str) -> tuple[str, dict[str, int]]:
    """(the ending to write: the most frequent, LF or CRLF in place of a lone CR; each one's count)."""
    crlf = text.count("\r\n")
    counts = {"\n": text.count("\n") - crlf, "\r\n": crlf, "\r": text.count("\r") - crlf}
    best = max(counts, key=lambda k: (counts[k], k == "\n", k == "\r\n"))
    if best == "\r":  # lone CR (classic Mac OS) is not a standard line ending
        best = "\n" if counts["\n"] >= counts["\r\n"] else "\r\n"
    return best, counts


@rule("ENC014", "mixed-line-endings", category="encoding", fixable=True, severity="info", enabled_by_default=False)
def mixed_line_endings(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """Line endings that mix CRLF and LF, or use a lone CR.

    ## What it does
    Reports, once per document, a text whose lines end in more than one way
    (CRLF and LF), or with lone carriage returns (classic Mac OS), with the
    count of each and the first line that differs from the dominant ending.
    Off by default (a style rule): enable it with `extend-select = ["ENC014"]`.

    ## Why it matters
    Mixed endings come from concatenating files from different systems. Tools
    that split on `\\n` keep stray `\\r` at line ends; tools that do not know
    lone CRs see one huge line.

    ## Example
    ```text
    a.txt:7:12: ENC014 [mixed-line-endings] mixed line endings: 120 LF, 3 CRLF (first CRLF here); dominant LF
    ```

    ## Fix
    `--fix` rewrites every ending to the dominant one (LF when lone CRs
    dominate) (safe).
    """
    text = doc.text
    if "\r" not in text:
        return
    best, counts = _dominant_ending(text)
    kinds = [k for k in ("\n", "\r\n", "\r") if counts[k]]
    if kinds == [best]:
        return
    edits = []
    first = None
    for m in _ENDING.finditer(text):
        if m.group() != best:
            edits.append(Edit(m.start(), m.end(), best))
            if first is None:
                first = m
    assert first is not None
    summary = ", ".join(f"{counts[k]} {_ENDING_NAMES[k]}" for k in sorted(kinds, key=lambda k: -counts[k]))
    what = "mixed line endings" if len(kinds) > 1 else "non-standard line endings"
    # lone CRs may be the most frequent: said so, with the ending the fix writes instead
    most = max(kinds, key=counts.__getitem__)
    dominant = _ENDING_NAMES[best] if counts[most] == counts[best] else f"CR (the fix writes {_ENDING_NAMES[best]})"
    yield Violation(
        f"{what}: {summary} (first {_ENDING_NAMES[first.group()]} here); dominant {dominant}",
        first.start(),
        first.start(),
        Fix(f"Use {_ENDING_NAMES[best]} everywhere", tuple(edits)),
    )


_TRAILING = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+(?=\r\n|\r|\n|\Z)")
_TRAILING_CHARS = " \t\u00a0" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"


@rule("ENC015", "trailing-whitespace", category="encoding", fixable=True, severity="info", enabled_by_default=False)
def trailing_whitespace(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """Spaces, tabs or no-break spaces at the end of a line.

    ## What it does
    Reports whitespace (space, tab, no-break and other Unicode spaces) before
    a line ending or at the end of the text. Off by default (a style rule).

    ## Why it matters
    Trailing whitespace is invisible noise: two copies of a line differ only
    by it, and it inflates token counts.

    ## Example
    ```text
    a.txt:3:41: ENC015 [trailing-whitespace] trailing whitespace (2 characters)
    ```

    ## Fix
    `--fix` deletes it (safe).
    """
    # line by line: the regex (_TRAILING) tried a match at every space of the text
    starts = doc.line_starts
    for i, line in enumerate(doc.lines):
        if not line or line[-1] not in _TRAILING_CHARS:
            continue
        end = starts[i] + len(line)
        start = starts[i] + len(line.rstrip(_TRAILING_CHARS))
        n = end - start
        yield Violation(f"trailing whitespace ({n} character{'s' if n > 1 else ''})", start, end,
                        Fix("Delete the trailing whitespace", (Edit(start, end, ""),)))


@rule("ENC016", "missing-final-newline", category="encoding", fixable=True, severity="info", enabled_by_default=False)
def missing_final_newline(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """The text does not end with a line ending.

    ## What it does
    Reports a non-empty document whose last character is not a line ending.
    Off by default (a style rule).

    ## Why it matters
    POSIX tools count lines by their endings: `wc -l` and `cat a b` glue the
    last line of one file to the first line of the next.

    ## Example
    ```text
    a.txt:12:30: ENC016 [missing-final-newline] no line ending at the end of the text
    ```

    ## Fix
    `--fix` appends the document's dominant line ending (safe).
    """
    text = doc.text
    if not text or text[-1] in "\n\r":
        return
    best = _dominant_ending(text)[0] if "\r" in text else "\n"
    n = len(text)
    yield Violation("no line ending at the end of the text", n, n, Fix(f"Append {_ENDING_NAMES[best]}", (Edit(n, n, best),)))


@hookimpl
def corpuslint_rules() -> list[Rule]:
    return [
        non_utf8_encoding,
        invalid_utf8_bytes,
        mojibake,
        replacement_character,
        binary_file,
        byte_order_mark,
        control_character,
        invisible_character,
        lost_character_question_mark,
        private_use_character,
        not_nfc_normalized,
        html_entity,
        markup_tag,
        mixed_line_endings,
        trailing_whitespace,
        missing_final_newline,
    ]
