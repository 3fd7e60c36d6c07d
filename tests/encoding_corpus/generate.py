"""Write the labeled encoding corpus from the clean sentences in ``sentences.py``.

    python tests/encoding_corpus/generate.py

Positives are made by the real accidents (UTF-8 bytes decoded with the wrong
charset, once or twice, for a whole line or one word; lossy conversions;
leftover entities and tags; decomposed accents; invisible characters), never
typed by hand. The output is deterministic: re-running it must leave the data
files unchanged (tests/test_encoding_corpus.py checks the set is the one
committed, so edit sentences.py and regenerate, then review the diff).

Files written:
  mojibake.jsonl  {"id", "lang", "kind", "text", "original", "word"?}: ENC003 must flag
  clean.jsonl     {"id", "lang", "kind", "text"}: no default encoding rule may flag
  other.jsonl     {"id", "lang", "kind", "text", "expect": [codes]}: the other rules
  charsets.jsonl  {"file", "lang", "encoding", "text"} and charsets/<file>: raw bytes
"""

from __future__ import annotations

import json
import random
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from sentences import AR, CJK, CS, DE, EL, EN, ES, FA, FR, PL, RU, TRICKY  # noqa: E402

BASE = {"fr": FR, "en": EN, "de": DE, "es": ES, "ru": RU, "el": EL}


def _table(codec: str) -> list[str]:
    """Byte -> character, with undefined bytes kept as the C1/Latin-1 character (MySQL's
    "latin1", browsers and ftfy's "sloppy" codecs do the same)."""
    out = []
    for b in range(256):
        try:
            out.append(bytes([b]).decode(codec))
        except UnicodeDecodeError:
            out.append(chr(b))
    return out


TABLES = {c: _table(c) for c in ("cp1252", "latin-1", "mac_roman", "cp1251", "cp1253", "cp1256")}
#: Arabic-script languages: clean sentences and their cp1256 (and cp1252) mojibake
RTL = {"ar": AR, "fa": FA}


def misread(s: str, codec: str) -> str:
    """UTF-8 bytes of ``s`` read through a single-byte ``codec``: the mojibake."""
    t = TABLES[codec]
    return "".join(t[b] for b in s.encode("utf-8"))


def words_with_non_ascii(s: str) -> list[tuple[int, int]]:
    import re

    return [m.span() for m in re.finditer(r"[^\s.,;:!?«»“”„‚‘()]+", s) if not m.group().isascii()]


def corrupt_word(s: str, rng: random.Random, codec: str) -> tuple[str, str]:
    spans = words_with_non_ascii(s)
    if not spans:  # a pure-ASCII sentence cannot be corrupted
        return s, ""
    a, b = rng.choice(spans)
    return s[:a] + misread(s[a:b], codec) + s[b:], s[a:b]


def escape_json(obj: dict) -> str:
    line = json.dumps(obj, ensure_ascii=False)
    out = []
    for ch in line:
        o = ord(ch)
        invisible = (
            0x80 <= o <= 0xA0 or o == 0xAD or 0x200B <= o <= 0x200F or 0x202A <= o <= 0x202F
            or 0x2060 <= o <= 0x206F or o == 0xFEFF or 0xE000 <= o <= 0xF8FF
            or unicodedata.category(ch) == "Mn"
        )
        out.append(f"\\u{o:04x}" if invisible else ch)
    return "".join(out)


def write_jsonl(name: str, rows: list[dict]) -> None:
    (HERE / name).write_text("".join(escape_json(r) + "\n" for r in rows), encoding="utf-8")


def mojibake_cases(rng: random.Random) -> list[dict]:
    rows: list[dict] = []

    def add(lang: str, kind: str, text: str, original: str, word: str | None = None) -> None:
        if text == original:
            return
        row = {"id": f"{lang}-{kind}-{len(rows):04d}", "lang": lang, "kind": kind, "text": text, "original": original}
        if word is not None:
            row["word"] = word
        rows.append(row)

    for lang in ("fr", "en", "de", "es"):
        extra = ["latin-1", "mac_roman", "double", "word", "nbsp_lost"]
        for i, s in enumerate(BASE[lang]):
            add(lang, "cp1252", misread(s, "cp1252"), s)
            if "\xa0" in misread(s, "cp1252") and i % 2:
                # NBSP (byte A0 of à, Ġ, Р...) later turned into a plain space
                add(lang, "nbsp_lost", misread(s, "cp1252").replace("\xa0", " "), s)
            kind = extra[i % len(extra)]
            if kind == "nbsp_lost" and "\xa0" not in misread(s, "cp1252"):
                kind = "word"
            if kind in ("latin-1", "mac_roman"):
                add(lang, kind, misread(s, kind), s)
            elif kind == "double":
                add(lang, kind, misread(misread(s, "cp1252"), "cp1252"), s)
            elif kind == "nbsp_lost":
                add(lang, kind, misread(s, "cp1252").replace("\xa0", " "), s)
            else:
                text, word = corrupt_word(s, rng, "cp1252")
                add(lang, "word", text, s, word)
    for lang, native in (("ru", "cp1251"), ("el", "cp1253")):
        extra = ["latin-1", "double", "word", "word_native", "mac_roman"]
        for i, s in enumerate(BASE[lang]):
            add(lang, "cp1252", misread(s, "cp1252"), s)
            add(lang, native, misread(s, native), s)
            kind = extra[i % len(extra)]
            if kind in ("latin-1", "mac_roman"):
                add(lang, kind, misread(s, kind), s)
            elif kind == "double":
                add(lang, kind, misread(misread(s, "cp1252"), "cp1252"), s)
            else:
                codec = native if kind == "word_native" else "cp1252"
                text, word = corrupt_word(s, rng, codec)
                add(lang, kind, text, s, word)
    for i, (lang, s) in enumerate(CJK):
        add(lang, "cp1252", misread(s, "cp1252"), s)
        add(lang, "latin-1" if i % 2 else "mac_roman", misread(s, "latin-1" if i % 2 else "mac_roman"), s)
    for lang, sents in RTL.items():
        for i, s in enumerate(sents):
            add(lang, "cp1256", misread(s, "cp1256"), s)
            if i % 2:
                add(lang, "cp1252", misread(s, "cp1252"), s)
            else:
                text, word = corrupt_word(s, rng, "cp1256")
                add(lang, "word_native", text, s, word)
    return rows


def clean_cases() -> list[dict]:
    rows: list[dict] = []

    def add(lang: str, kind: str, text: str) -> None:
        rows.append({"id": f"{lang}-{kind}-{len(rows):04d}", "lang": lang, "kind": kind, "text": text})

    for lang, sents in BASE.items():
        for s in sents:
            add(lang, "sentence", s)
    for lang, s in CJK:
        add(lang, "sentence", s)
    for lang, sents in (("pl", PL), ("cs", CS), *RTL.items()):
        for s in sents:
            add(lang, "sentence", s)
    for lang, s in TRICKY:
        add(lang, "tricky", s)
    # Capitals are where legitimate text looks most like mojibake: É», Ü“, Ñ», ΟΣ…
    for lang in ("fr", "de", "es", "el", "ru"):
        for s in BASE[lang]:
            add(lang, "upper", s.upper())
    # Arabic-script sentences in the other digits (Arabic-Indic in Arabic, Latin in Persian) and
    # with the tatweel that stretches a word in a title
    for lang, sents in RTL.items():
        for i, s in enumerate(sents):
            digits = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩") if lang == "ar" else str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")
            add(lang, "digits" if i % 2 else "tatweel", s.translate(digits) if i % 2 else s.replace("ال", "الـ", 1))
    # French typography with no-break spaces before high punctuation and inside guillemets
    for s in FR[::3]:
        add("fr", "nbsp", "«\u00a0" + s.replace(" ?", "\u00a0?").replace(" :", "\u00a0:").replace(" ;", "\u202f;") + "\u00a0»")
    return rows


def other_cases(rng: random.Random) -> list[dict]:
    rows: list[dict] = []

    def add(lang: str, kind: str, text: str, expect: list[str]) -> None:
        rows.append({"id": f"{lang}-{kind}-{len(rows):04d}", "lang": lang, "kind": kind, "text": text, "expect": expect})

    import re

    inside = re.compile(r"[A-Za-z]\?+[A-Za-z]")
    for lang in ("fr", "de", "es"):
        for s in BASE[lang][::3]:
            lossy = s.encode("ascii", errors="replace").decode("ascii")
            # a '?' is detectable when the lost character stood between two letters
            add(lang, "lossy_question", lossy, ["ENC009"] if inside.search(lossy) else [])
            if not s.isascii():
                add(lang, "lossy_fffd", "".join(c if c.isascii() else "\ufffd" for c in s), ["ENC004"])
    for lang in ("fr", "de", "es", "el", "ru"):
        for s in BASE[lang][1::4]:
            nfd = unicodedata.normalize("NFD", s)
            if nfd != s:
                add(lang, "nfd", nfd, ["ENC011"])
    entities = ["&eacute;", "&#233;", "&#xE9;", "&nbsp;", "&amp;", "&rsquo;", "&quot;", "&laquo;"]
    for i, s in enumerate(FR[::4]):
        e = entities[i % len(entities)]
        if e in ("&eacute;", "&#233;", "&#xE9;") and "é" in s:
            add("fr", "entity", s.replace("é", e, 1), ["ENC012"])
        else:
            k = s.index(" ", 5)
            add("fr", "entity", s[:k] + " " + e + s[k:], ["ENC012"])
    tags = ["<br>", "</p>", "<br/>", '<p class="lead">', "<b>", "</div>", "<BR>", '<a href="/x">']
    for i, s in enumerate(EN[::4]):
        k = s.index(" ", 8)
        add("en", "tag", s[:k] + tags[i % len(tags)] + s[k:], ["ENC013"])
    for i, s in enumerate(DE[::5]):
        w = max(((m.start(), m.end()) for m in re.finditer(r"\w{4,}", s)), key=lambda x: x[1] - x[0])
        mid = (w[0] + w[1]) // 2
        add("de", "zero_width", s[:mid] + ["\u200b", "\u2060", "\ufeff", "\u200d"][i % 4] + s[mid:], ["ENC008"])
    for i, s in enumerate(ES[::5]):
        k = s.index(" ", 4)
        add("es", "control", s[:k] + ["\x07", "\x92", "\x1b", "\x0b"][i % 4] + s[k:], ["ENC007"])
    for s in RU[::9]:
        add("ru", "bidi", s[:6] + "\u202e" + s[6:], ["ENC008"])
        add("ru", "private_use", s[:10] + "\ue000" + s[10:], ["ENC010"])
    return rows


def charset_cases() -> list[dict]:
    rows: list[dict] = []
    folder = HERE / "charsets"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.txt"):
        old.unlink()
    plan = {
        "fr": ("cp1252", "iso8859-1", "iso8859-15", "utf-16", "utf-16-le", "utf-16-be"),
        "de": ("cp1252", "iso8859-1", "iso8859-15", "utf-16", "utf-16-le"),
        "es": ("cp1252", "iso8859-1", "iso8859-15", "utf-16-be"),
        "en": ("cp1252", "utf-16"),
        "ru": ("cp1251", "koi8-r", "utf-16", "utf-16-le"),
        "el": ("cp1253", "iso8859-7", "utf-16"),
        "pl": ("cp1250", "iso8859-2"),
        "cs": ("cp1250", "iso8859-2"),
    }
    source = {**BASE, "pl": PL, "cs": CS}
    for lang, encs in plan.items():
        for enc in encs:
            usable = []
            for s in source[lang]:
                s2 = s.replace("’", "'") if enc.startswith("iso8859") else s
                try:
                    s2.encode(enc)
                except UnicodeEncodeError:
                    continue
                usable.append(s2)
            for k in range(4):
                picked = usable[k::4][:6] or usable[:6]
                text = "\n".join(picked) + "\n"
                name = f"{lang}.{enc}.{k}.txt"
                raw = text.encode(enc)
                while len(raw) < 200:  # the target is files of 200 bytes or more
                    text = text + text
                    raw = text.encode(enc)
                (folder / name).write_bytes(raw)
                rows.append({"file": name, "lang": lang, "encoding": enc, "text": text})
    return rows


def main() -> None:
    rng = random.Random(20240603)
    write_jsonl("mojibake.jsonl", mojibake_cases(rng))
    write_jsonl("clean.jsonl", clean_cases())
    write_jsonl("other.jsonl", other_cases(rng))
    write_jsonl("charsets.jsonl", charset_cases())


if __name__ == "__main__":
    main()
