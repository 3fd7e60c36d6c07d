"""Encoding family: charsets, undecodable bytes, mojibake, lost and invisible characters."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import regex

from corpuslint.hookspecs import hookimpl
from corpuslint.model import Document, Edit, Fix, Violation
from corpuslint.rule import Option, Rule, RuleContext, rule


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
    another charset (`cp1252`, `latin-1`, `cp1251`, `utf-16`, ...), naming the
    charset and chardet's confidence. A file that is UTF-8 except for a few bytes
    is reported by `invalid-utf8-bytes` instead, at each bad run.

    ## Why it matters
    Most tools read text as UTF-8. A legacy charset read as UTF-8 turns every
    accented letter into garbage or an error; a wrong guess turns it into
    mojibake. A corpus should have one encoding, and it should be UTF-8.

    ## Example
    ```text
    news/old.txt: ENC001 [non-utf8-encoding] file is not UTF-8: decoded as cp1252 (confidence 0.87)
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
    yield Violation(f"file is not UTF-8: decoded as {enc} (confidence {doc.confidence:.2f})", fix=fix)


@rule("ENC002", "invalid-utf8-bytes", category="encoding", severity="error")
def invalid_utf8_bytes(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """Bytes that are not valid in the file's encoding, located one run at a time.

    ## What it does
    Reports each run of bytes that could not be decoded: typically a UTF-8 file
    with a few Latin-1 or cp1252 bytes pasted in. The message gives the bytes
    and their offset; the position is where the replacement characters stand.

    ## Why it matters
    A decoder either fails on these bytes or replaces them with U+FFFD, and the
    characters they stood for are lost. Mixed files come from concatenating
    sources in different charsets.

    ## Example
    ```text
    mixed.txt:12:8: ENC002 [invalid-utf8-bytes] undecodable byte 0xE9 at byte offset 1043 (file is otherwise utf-8)
    ```

    ## Fix
    Find the source of the pasted text and re-decode it with its charset
    (often cp1252). corpuslint never rewrites a file that did not decode
    losslessly.
    """
    for run in doc.decode_errors[:1000]:
        bad = doc.raw[run.start : run.end]
        shown = " ".join(f"0x{b:02X}" for b in bad[:8]) + (" ..." if len(bad) > 8 else "")
        noun = "byte" if len(bad) == 1 else "bytes"
        yield Violation(
            f"undecodable {noun} {shown} at byte offset {run.start} (file is otherwise {doc.encoding})",
            run.offset,
            run.offset + (run.end - run.start),
        )


# Mojibake: UTF-8 bytes read as cp1252/latin-1 give a lead character (Â Ã Ä ... ô)
# followed by a continuation character (bytes 0x80-0xBF). Only lines with such a
# pair go through ftfy, so clean text costs one regex pass.
def _mojibake_prefilter() -> Any:
    leads = set()
    conts = set()
    for codec in ("cp1252", "latin-1", "cp1251", "mac_roman"):
        for b in range(0xC2, 0xF5):
            ch = bytes([b]).decode(codec, errors="ignore")
            leads.update(ch)
        for b in range(0x80, 0xC0):
            ch = bytes([b]).decode(codec, errors="ignore")
            conts.update(ch)
    for b in range(0x80, 0xA0):  # undefined cp1252 bytes surface as C1 controls
        conts.add(chr(b))
    cls = lambda cs: "[" + "".join(regex.escape(c) for c in sorted(cs)) + "]"  # noqa: E731
    return regex.compile(cls(leads) + cls(conts))


_MOJIBAKE_PAIR = _mojibake_prefilter()


@lru_cache(maxsize=1)
def _ftfy() -> Any:
    import ftfy  # imported on first use: only documents with suspect pairs need it

    cfg = ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=False,
        remove_control_chars=False,
        normalization=None,
        explain=True,
    )
    return ftfy, cfg


def _remojibake(fixed: str, plan: list[tuple[str, str]]) -> str | None:
    """Apply the inverse of ftfy's plan to ``fixed``; None if it cannot be inverted."""
    text: Any = fixed
    try:
        for step, arg in reversed(plan):
            if step == "decode":
                text = text.encode(arg)
            elif step == "encode":
                codec = {"sloppy-windows-1252": "cp1252"}.get(arg, arg)
                text = text.decode(codec)
            else:
                return None
    except (UnicodeError, LookupError):
        return None
    return text if isinstance(text, str) else None


@rule("ENC003", "mojibake", category="encoding", fixable=True, severity="error")
def mojibake(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """UTF-8 text that was decoded with the wrong charset (`Ã©` for `é`, `â€™` for `’`).

    ## What it does
    Finds sequences that are UTF-8 bytes read as cp1252, Latin-1 or another
    single-byte charset (also twice over: `Ã¢â‚¬â„¢`), in Latin, Cyrillic
    (`Ð¿Ñ€Ð¸`), Greek and CJK text, and reports each with its repair. Detection
    and repair use ftfy, on lines that contain a suspect character pair only.

    ## Why it matters
    Mojibake is invisible to statistics and poisons them: every `é` becomes two
    rare characters, words stop matching, and a model learns the garbage.

    ## Example
    ```text
    a.txt:3:14: ENC003 [mojibake] mojibake 'dÃ©cision' should read 'décision'
    ```

    ## Fix
    Safe when the repair round-trips (re-breaking the repaired text gives the
    flagged text back byte for byte): `--fix` replaces the span with its repair.
    """
    text = doc.text
    starts = doc.line_starts
    lines = doc.lines
    seen_lines: set[int] = set()
    for m in _MOJIBAKE_PAIR.finditer(text):
        i = doc.position(m.start())[0] - 1
        if i in seen_lines:
            continue
        seen_lines.add(i)
        line = lines[i]
        ftfy, cfg = _ftfy()
        fixed, plan = ftfy.fix_and_explain(line, cfg)
        if fixed == line or not plan:
            continue
        safe = _remojibake(fixed, plan) == line
        sm = difflib.SequenceMatcher(None, line, fixed, autojunk=False)
        for tag, a0, a1, b0, b1 in _merge_opcodes(sm.get_opcodes(), line):
            if tag == "equal":
                continue
            a0, a1, b0, b1 = _widen(line, fixed, a0, a1, b0, b1)
            bad, good = line[a0:a1], fixed[b0:b1]
            start = starts[i] + a0
            yield Violation(
                f"mojibake '{bad}' should read '{good}'",
                start,
                starts[i] + a1,
                Fix(f"Replace with '{good}'", (Edit(start, starts[i] + a1, good),), safe=safe),
            )


def _merge_opcodes(ops: list[tuple[str, int, int, int, int]], line: str) -> list[tuple[str, int, int, int, int]]:
    """Join changes separated by at most two unchanged non-space characters into one span."""
    out: list[tuple[str, int, int, int, int]] = []
    for op in ops:
        if op[0] != "equal" and out and out[-1][0] != "equal":
            p = out.pop()
            out.append(("replace", p[1], op[2], p[3], op[4]))
            continue
        if (
            op[0] != "equal"
            and len(out) >= 2
            and out[-1][0] == "equal"
            and out[-1][2] - out[-1][1] <= 2
            and not any(c.isspace() for c in line[out[-1][1] : out[-1][2]])
        ):
            out.pop()
            p = out.pop()
            out.append(("replace", p[1], op[2], p[3], op[4]))
            continue
        out.append(op)
    return out


_WORDCH = regex.compile(r"[\p{L}\p{M}\p{N}]")


def _widen(a: str, b: str, a0: int, a1: int, b0: int, b1: int) -> tuple[int, int, int, int]:
    """Extend a changed span to whole words so the message reads naturally."""
    while a0 > 0 and b0 > 0 and a[a0 - 1] == b[b0 - 1] and _WORDCH.match(a[a0 - 1]):
        a0 -= 1
        b0 -= 1
    while a1 < len(a) and b1 < len(b) and a[a1] == b[b1] and _WORDCH.match(a[a1]):
        a1 += 1
        b1 += 1
    return a0, a1, b0, b1


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
    a.txt:5:2: ENC004 [replacement-character] 1 replacement character (U+FFFD) in 'd�cision': the original character is lost
    ```

    ## Fix
    Re-extract the document from its source with the right charset. There is
    no automatic fix.
    """
    if "\ufffd" not in doc.text:
        return
    own = {e.offset for e in doc.decode_errors}
    for m in regex.finditer("\ufffd+", doc.text):
        if m.start() in own:
            continue
        word = _word_around(doc.text, m.start(), m.end())
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
    an invisible character, reported by `invisible-character`.)

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


_CONTROL = regex.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\x80-\x9f]+")
_INVISIBLE = regex.compile(r"[\u200b\u2060\ufeff\u00ad\u202a-\u202e\u2066-\u2069\u200e\u200f]+|(?<=[\p{Latin}\p{Cyrillic}\p{Greek} ])[\u200c\u200d]+(?=[\p{Latin}\p{Cyrillic}\p{Greek} ])")
_NAMES = {
    "\u200b": "ZERO WIDTH SPACE",
    "\u200c": "ZERO WIDTH NON-JOINER",
    "\u200d": "ZERO WIDTH JOINER",
    "\u2060": "WORD JOINER",
    "\ufeff": "ZERO WIDTH NO-BREAK SPACE (BOM)",
    "\u00ad": "SOFT HYPHEN",
    "\u200e": "LEFT-TO-RIGHT MARK",
    "\u200f": "RIGHT-TO-LEFT MARK",
}


@rule("ENC007", "control-character", category="encoding", fixable=True, severity="warning")
def control_character(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """C0 and C1 control characters other than tab, line feed, carriage return and form feed.

    ## What it does
    Reports control characters (U+0000–U+001F except tab, newline, CR and form
    feed; U+007F; U+0080–U+009F) in the text.

    ## Why it matters
    Controls are invisible, break tokenizers and JSON exports, and C1 controls
    usually mean cp1252 text was decoded as Latin-1.

    ## Example
    ```text
    a.txt:4:10: ENC007 [control-character] control character U+0007 in the text
    ```

    ## Fix
    `--fix` deletes them (safe).
    """
    for m in _CONTROL.finditer(doc.text):
        if m.start() == 0 and doc.text.startswith("\ufeff"):
            continue
        chars = ", ".join(sorted({f"U+{ord(c):04X}" for c in m.group(0)}))
        yield Violation(f"control character {chars} in the text", m.start(), m.end(),
                        Fix("Delete the control characters", (Edit(m.start(), m.end(), ""),)))


@rule("ENC008", "invisible-character", category="encoding", fixable=True, severity="warning")
def invisible_character(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """Zero-width, soft-hyphen and bidirectional control characters hidden in the text.

    ## What it does
    Reports U+200B zero width space, U+2060 word joiner, U+FEFF inside the
    text, soft hyphens, left-to-right/right-to-left marks and bidi overrides
    and isolates (U+202A–U+202E, U+2066–U+2069). Zero-width (non-)joiners are
    reported only between Latin, Cyrillic or Greek letters: in emoji sequences
    and in scripts such as Persian or Devanagari they are legitimate.

    ## Why it matters
    They make identical words compare different, break search and
    deduplication, and bidi overrides can make text display differently from
    what it says.

    ## Example
    ```text
    a.txt:2:7: ENC008 [invisible-character] invisible character ZERO WIDTH SPACE
    ```

    ## Fix
    `--fix` deletes them (safe).
    """
    text = doc.text
    for m in _INVISIBLE.finditer(text):
        if m.start() == 0 and m.group(0).startswith("\ufeff"):
            if len(m.group(0)) == 1:
                continue
        names = ", ".join(sorted({_NAMES.get(c, f"U+{ord(c):04X} (bidi control)") for c in m.group(0)}))
        yield Violation(f"invisible character {names}", m.start(), m.end(),
                        Fix("Delete the invisible characters", (Edit(m.start(), m.end(), ""),)))


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
    ]

