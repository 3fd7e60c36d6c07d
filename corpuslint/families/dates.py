"""Date family: find the publication date in the head of a document, and judge it.

Month names, weekday names, markers (`Publié le`) and date formats come from the
packs in ``rules/dates/`` (``extends = "dates"``): adding a language or a format is
writing TOML. The date found is stored in ``document.facts["date"]`` by the
``corpuslint_annotate`` hook, so other rules and plugins can use it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import inspect
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import regex

from corpuslint.hookspecs import hookimpl
from corpuslint.model import Document, Edit, Fix, Severity, Violation
from corpuslint.packs import Pack, PackError
from corpuslint.rule import Option, Rule, RuleContext

__all__ = ["DateMatch", "DateVocabulary", "PublicationDate", "find_dates"]

_LANG_NAMES = {"fr": "French", "en": "English", "de": "German", "es": "Spanish", "it": "Italian",
               "pt": "Portuguese", "nl": "Dutch", "*": "numeric"}


@dataclass(frozen=True)
class DateMatch:
    """A date found in the text."""

    start: int
    end: int
    text: str
    kind: str  # "full", "partial", "relative"
    language: str  # language of the format that matched
    year: int | None = None
    month: int | None = None
    day: int | None = None
    marker: str | None = None  # "published", "updated" or None
    problem: str | None = None  # why the date is malformed, or None
    suggestion: str | None = None

    @property
    def date(self) -> dt.date | None:
        if self.kind == "full" and not self.problem and self.year and self.month and self.day:
            return dt.date(self.year, self.month, self.day)
        return None


@dataclass(frozen=True)
class PublicationDate:
    """What ``document.facts["date"]`` holds."""

    date: dt.date | None
    text: str
    kind: str  # "full", "partial", "relative", "malformed", "metadata"
    source: str  # "text" or "metadata"
    start: int | None = None
    end: int | None = None


@dataclass
class _Format:
    regex: Any
    language: str
    kind: str
    template: str


@dataclass
class DateVocabulary:
    formats: list[_Format]
    months: dict[str, dict[str, int]]  # language -> word -> month number
    month_display: dict[str, list[str]]  # language -> canonical month names
    order: dict[str, str]  # language -> "DMY" / "MDY" / "YMD"
    markers: list[tuple[Any, str]]  # (regex of text before the date, "published"/"updated")
    relative: list[tuple[Any, str]]


_TIME = r"(?:(?:\s*(?:à|a|at|um|alle|às|,|-|–)?\s*)\d{1,2}(?:[h:.]\d{2})(?::\d{2})?(?:\s*(?:[ap]\.?m\.?|Uhr|h))?)"
_ISO_TIME = r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s?Z|\s?[+-]\d{2}:?\d{2})?)"


def _template_regex(template: str, tokens: Mapping[str, str]) -> str:
    out: list[str] = []
    i = 0
    while i < len(template):
        c = template[i]
        if c == "{":
            j = template.index("}", i)
            name = template[i + 1 : j]
            if name not in tokens:
                raise KeyError(name)
            out.append(tokens[name])
            i = j + 1
            continue
        if c == "[":
            out.append("(?:")
        elif c == "]":
            out.append(")?")
        elif c == " ":
            out.append(r"\s*" if out and out[-1] == "(?:" else r"[\s\u00a0\u202f]+")
        else:
            out.append(regex.escape(c))
        i += 1
    return "".join(out)


_VOCAB_CACHE: dict[tuple[str, ...], DateVocabulary] = {}
#: the vocabulary of the current run, for the annotate hook (set when rules compile packs)
_CURRENT: dict[str, Any] = {"vocab": None, "options": {}}


def compile_vocabulary(packs: Sequence[Pack]) -> DateVocabulary:
    key = tuple(str(p.path) for p in packs)
    if key in _VOCAB_CACHE:
        return _VOCAB_CACHE[key]
    months: dict[str, dict[str, int]] = {}
    display: dict[str, list[str]] = {}
    weekdays: dict[str, list[str]] = {}
    suffixes: dict[str, list[str]] = {}
    order: dict[str, str] = {}
    markers: list[tuple[Any, str]] = []
    relative: list[tuple[Any, str]] = []
    templates: list[tuple[str, str, str, Pack]] = []
    for p in packs:
        lang = p.language
        if "months" in p.data:
            ms = p.data["months"]
            if len(ms) != 12 or not all(isinstance(m, list) and m for m in ms):
                raise PackError(f"{p.path}: key 'months' must hold 12 lists of names")
            table = months.setdefault(lang, {})
            for n, names in enumerate(ms, start=1):
                for name in names:
                    table[str(name).casefold().rstrip(".")] = n
            display[lang] = [str(m[0]) for m in ms]
        weekdays.setdefault(lang, []).extend(str(w) for w in p.data.get("weekdays", []))
        suffixes.setdefault(lang, []).extend(str(s) for s in p.data.get("day-suffixes", []))
        if "order" in p.data:
            if p.data["order"] not in ("DMY", "MDY", "YMD"):
                raise PackError(f"{p.path}: key 'order' must be DMY, MDY or YMD")
            order[lang] = p.data["order"]
        for kind in ("published", "updated"):
            for phrase in p.data.get(kind, []):
                pat = regex.escape(str(phrase)).replace(r"\ ", r"[\s\u00a0]+")
                markers.append((regex.compile(pat + r"[\s\u00a0:]*(?:\w+\.?,?\s+)?$", regex.IGNORECASE), kind))
        for pat in p.data.get("relative", []):
            try:
                relative.append((regex.compile(r"(?<!\w)(?:" + str(pat) + r")(?!\w)", regex.IGNORECASE), lang))
            except regex.error as e:
                raise PackError(f"{p.path}: key 'relative': bad regex {pat!r}: {e}") from None
        for t in p.data.get("formats", []):
            templates.append((str(t), lang, "full", p))
        for t in p.data.get("partial-formats", []):
            templates.append((str(t), lang, "partial", p))
    all_months = sorted({w for table in months.values() for w in table}, key=len, reverse=True)
    all_weekdays = sorted({w.casefold() for ws in weekdays.values() for w in ws}, key=len, reverse=True)
    all_suffixes = sorted({s for ss in suffixes.values() for s in ss}, key=len, reverse=True)
    month_alt = "|".join(regex.escape(m) for m in all_months) or "(?!)"
    tokens = {
        "weekday": r"(?:" + ("|".join(regex.escape(w) for w in all_weekdays) or "(?!)") + r")\.?,?",
        "day": r"(?P<day>[0-3]?\d)(?:" + "|".join(regex.escape(s) for s in all_suffixes) + r")?\.?" if all_suffixes else r"(?P<day>[0-3]?\d)\.?",
        "dd": r"(?P<day>[0-3]?\d)",
        "month": r"(?P<month>" + month_alt + r")\.?",
        "mm": r"(?P<mm>[01]?\d)",
        "year": r"(?P<year>\d{4})",
        "yy": r"(?P<yy>\d{2})",
        "time": _TIME,
        "iso-time": _ISO_TIME,
    }
    formats = []
    for t, lang, kind, p in templates:
        try:
            body = _template_regex(t, tokens)
            rx = regex.compile(r"(?<![\w/.:-])" + body + r"(?![\w/-]|\.\d|:\d)", regex.IGNORECASE)
        except (KeyError, ValueError, regex.error) as e:
            raise PackError(f"{p.path}: bad date format {t!r}: {e}") from None
        formats.append(_Format(rx, lang, kind, t))
    vocab = DateVocabulary(formats, months, display, order, markers, relative)
    _VOCAB_CACHE[key] = vocab
    return vocab


def _parse(m: Any, fmt: _Format, vocab: DateVocabulary, doc_lang: str) -> DateMatch:
    gd = m.groupdict()
    year = int(gd["year"]) if gd.get("year") else None
    problem = suggestion = None
    if gd.get("yy"):
        yy = int(gd["yy"])
        year = 2000 + yy if yy < 70 else 1900 + yy
        problem = f"two-digit year '{gd['yy']}'"
    month = None
    lang = fmt.language
    word = gd.get("month")
    if word:
        key = word.casefold().rstrip(".")
        own = vocab.months.get(lang, {})
        if key in own:
            month = own[key]
        else:
            # a month name of another language in this language's order
            for other, table in vocab.months.items():
                if key in table:
                    month = table[key]
                    problem = (
                        f"{_LANG_NAMES.get(other, other)} month name '{word}' in "
                        f"{_LANG_NAMES.get(lang, lang)} order ('{fmt.template}')"
                    )
                    if gd.get("day") and year and other in vocab.month_display:
                        suggestion = f"{int(gd['day'])} {vocab.month_display[other][month - 1].lower()} {year}"
                        if vocab.order.get(other) == "MDY":
                            suggestion = f"{vocab.month_display[other][month - 1]} {int(gd['day'])}, {year}"
                    break
    elif gd.get("mm"):
        month = int(gd["mm"])
    day = int(gd["day"]) if gd.get("day") else None
    if fmt.language == "*" and day is not None and month is not None and gd.get("mm"):
        # numeric dd/mm or mm/dd: the document's language settles the order
        if vocab.order.get(doc_lang) == "MDY" and "{dd}" in fmt.template and fmt.template.index("{dd}") < fmt.template.index("{mm}"):
            day, month = month, day
    if month is not None and not 1 <= month <= 12:
        problem = f"month {month} does not exist"
    elif day is not None and month is not None and year is not None:
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            problem = f"{calendar.month_name[month]} {year} has no day {day}"
    return DateMatch(m.start(), m.end(), m.group(0), fmt.kind, lang, year, month, day, None, problem, suggestion)


def find_dates(text: str, vocab: DateVocabulary, doc_lang: str, base: int = 0) -> list[DateMatch]:
    """Every date in ``text`` (full and partial), longest first where they overlap."""
    found: list[DateMatch] = []
    for fmt in vocab.formats:
        for m in fmt.regex.finditer(text):
            found.append(_parse(m, fmt, vocab, doc_lang))
    # a span matched correctly by a format of the month's own language is not malformed
    good_spans = {(d.start, d.end) for d in found if not d.problem}
    found = [d for d in found if not (d.problem and "month name" in d.problem and (d.start, d.end) in good_spans)]
    found.sort(key=lambda d: (d.start, -(d.end - d.start), d.problem is not None, d.kind != "full"))
    out: list[DateMatch] = []
    last_end = -1
    for d in found:
        if d.start < last_end:
            continue
        before = text[max(0, d.start - 60) : d.start]
        marker = None
        for rx, kind in vocab.markers:
            if rx.search(before):
                marker = kind
                break
        out.append(DateMatch(d.start + base, d.end + base, d.text, d.kind, d.language, d.year, d.month, d.day,
                             marker, d.problem, d.suggestion))
        last_end = d.end
    return out


_EMBED = regex.compile(r"\(@\w{1,30}\)\s*$|pic\.twitter\.com|https?://t\.co/\S+\s*[—–-]?[^\n]*$")


def head_zone(doc: Document, max_lines: int, long_line: int = 150) -> tuple[int, int]:
    """Character span of the head zone: the first ``max_lines`` lines, up to the second long paragraph."""
    lines = doc.lines
    long_seen = 0
    end_line = min(len(lines), max_lines)
    for i, line in enumerate(lines[:max_lines]):
        if len(line) >= long_line:
            long_seen += 1
            if long_seen == 2:
                end_line = i
                break
    end = doc.line_starts[end_line - 1] + len(lines[end_line - 1]) if end_line > 0 else 0
    return 0, end


def scan_head(doc: Document, vocab: DateVocabulary, options: Mapping[str, Any]) -> tuple[list[DateMatch], list[DateMatch]]:
    """(dates, relative dates) of the head zone, leaving out dates of embedded posts."""
    cache_key = f"_date_scan:{options['head-lines']}"
    facts = doc.facts.get(cache_key)
    if facts is not None:
        return facts  # type: ignore[no-any-return]
    _, end = head_zone(doc, options["head-lines"])
    head = doc.text[:end]
    dates = []
    for d in find_dates(head, vocab, doc.language):
        line_end = head.find("\n", d.end)
        tail = head[d.start - 80 if d.start > 80 else 0 : d.end]
        after = head[d.end : line_end if line_end >= 0 else len(head)]
        if _EMBED.search(tail[: len(tail) - len(d.text)]) or (not after.strip() and regex.search(r"\(@\w+\)\s*$", tail[: len(tail) - len(d.text)])):
            continue  # the date of an embedded tweet, not of the article
        dates.append(d)
    relative: list[DateMatch] = []
    if not any(d.kind == "full" for d in dates):
        pos = 0
        for line in head.split("\n"):
            if len(line) <= 120:
                for rx, lang in vocab.relative:
                    m = rx.search(line)
                    if m:
                        relative.append(DateMatch(pos + m.start(), pos + m.end(), m.group(0), "relative", lang))
                        break
            pos += len(line) + 1
    doc.facts[cache_key] = (dates, relative)
    return dates, relative


def publication_date(doc: Document, vocab: DateVocabulary, options: Mapping[str, Any]) -> PublicationDate | None:
    """The document's publication date: metadata first, then the head zone."""
    meta = doc.metadata.get("date")
    if isinstance(meta, str) and meta.strip():
        parsed = None
        try:
            parsed = dt.date.fromisoformat(meta.strip()[:10])
        except ValueError:
            pass
        return PublicationDate(parsed, meta, "metadata", "metadata")
    dates, relative = scan_head(doc, vocab, options)
    full = [d for d in dates if d.kind == "full" and not d.problem]
    if full:
        best = next((d for d in full if d.marker == "published"), None) or next(
            (d for d in full if d.marker != "updated"), full[0]
        )
        return PublicationDate(best.date, best.text, "full", "text", best.start, best.end)
    bad = [d for d in dates if d.problem]
    if bad:
        return PublicationDate(None, bad[0].text, "malformed", "text", bad[0].start, bad[0].end)
    partial = [d for d in dates if d.kind == "partial"]
    if partial:
        return PublicationDate(None, partial[0].text, "partial", "text", partial[0].start, partial[0].end)
    if relative:
        return PublicationDate(None, relative[0].text, "relative", "text", relative[0].start, relative[0].end)
    return None


_COMMON_OPTIONS = (
    Option("head-lines", int, 10, "Lines at the top of a document searched for its date (the head zone).", min=1),
)


class DateRule(Rule):
    """Base of the date rules: shares the packs of the ``dates`` group."""

    category = "date"
    pack_group: ClassVar[str | None] = "dates"
    pack_schema: ClassVar = {
        "order": str,
        "months": list,
        "weekdays": list,
        "day-suffixes": list,
        "published": list,
        "updated": list,
        "relative": list,
        "formats": list,
        "partial-formats": list,
    }

    def __init__(self) -> None:
        self.doc = inspect.cleandoc(type(self).__doc__ or "")

    def compile_packs(self, packs: Sequence[Pack]) -> DateVocabulary:
        vocab = compile_vocabulary(packs)
        _CURRENT["vocab"] = vocab
        _CURRENT["options"] = self.defaults()
        return vocab


class MissingDate(DateRule):
    """The document has no publication date: none in its head zone, none in its metadata.

    ## What it does
    Looks for a date in the document's metadata (a `date` field of a record)
    and in its head zone: the first `head-lines` lines, up to the second long
    paragraph. Full dates, partial dates, relative dates (`hier`, `3 hours
    ago`) and malformed dates all count as present (other rules judge them).
    Dates of embedded posts (`— Netflix US (@netflix) June 15, 2017`) do not.

    ## Why it matters
    Undated documents cannot be placed in time: no deduplication by recency, no
    temporal split, no freshness filter. A missing date usually means the
    scraper lost the byline block.

    ## Example
    ```text
    seeds/002.txt: DAT001 [missing-date] no publication date in the first 10 lines or the metadata
    ```

    ## Fix
    Re-extract the date from the source page, or add it to the record's
    metadata. Set `required = false` for corpora that are undated by nature.
    """

    code = "DAT001"
    name = "missing-date"
    severity = Severity.WARNING
    options = (*_COMMON_OPTIONS, Option("required", bool, True, "Report documents without a date."))

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        if not ctx.options["required"] or not doc.text.strip():
            return
        if publication_date(doc, ctx.vocabulary, ctx.options) is None:
            yield Violation(f"no publication date in the first {ctx.options['head-lines']} lines or the metadata")


class PartialDate(DateRule):
    """The only date of the document lacks its day (`2017-06`, `mars 2022`).

    ## What it does
    Reports a year-month date (`2017-06`, `June 2017`, `mars 2022`) in the head
    zone when the head zone holds no full date.

    ## Why it matters
    A month is often all the scraper kept of a date in a URL or a template
    field; downstream tools that expect a day will invent one (the 1st) or drop
    the document.

    ## Example
    ```text
    seeds/004.txt:1:7: DAT002 [partial-date] partial date '2017-06' (year and month, no day) is the only date
    ```

    ## Fix
    Find the full date in the source, or record the month precision explicitly
    in your metadata.
    """

    code = "DAT002"
    name = "partial-date"
    severity = Severity.WARNING
    options = _COMMON_OPTIONS

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        if doc.metadata.get("date"):
            return
        dates, _ = scan_head(doc, ctx.vocabulary, ctx.options)
        if any(d.kind == "full" for d in dates):
            return
        for d in dates:
            if d.kind == "partial" and not d.problem:
                yield Violation(f"partial date '{d.text}' (year and month, no day) is the only date", d.start, d.end)
                return


class MalformedDate(DateRule):
    """A date that cannot be right: a month name in another language's order, an impossible day.

    ## What it does
    Reports dates in the head zone whose month name belongs to another language
    than the order they are written in (`Septembre 14, 2020`: a French month in
    English order), impossible dates (`31/02/2021`, `2021-13-01`) and
    two-digit years (`07/04/21`).

    ## Why it matters
    Such dates come from broken templates or machine translation; date parsers
    reject them or, worse, read them wrongly.

    ## Example
    ```text
    seeds/001.txt:4:1: DAT003 [malformed-date] malformed date 'Septembre 14, 2020': French month name 'Septembre' in English order ('{month} {day}, {year}'); expected '14 septembre 2020'
    ```

    ## Fix
    Rewrite the date in the document's convention (unsafe fix when the
    repair is known).
    """

    code = "DAT003"
    name = "malformed-date"
    fixable = True
    severity = Severity.WARNING
    options = _COMMON_OPTIONS

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        dates, _ = scan_head(doc, ctx.vocabulary, ctx.options)
        for d in dates:
            if not d.problem:
                continue
            msg = f"malformed date '{d.text}': {d.problem}"
            fix = None
            if d.suggestion:
                msg += f"; expected '{d.suggestion}'"
                fix = Fix(f"Rewrite as '{d.suggestion}'", (Edit(d.start, d.end, d.suggestion),), safe=False)
            yield Violation(msg, d.start, d.end, fix)


class ImplausibleDate(DateRule):
    """A publication date in the future, or before the corpus could exist.

    ## What it does
    Reports the publication date when it is after `reference-date` (default:
    today) or before the year `floor` (default 1990).

    ## Why it matters
    Future dates and dates before the web are template defaults
    (`1970-01-01`), parsing errors (day and month swapped) or dates of the event
    rather than of the article.

    ## Example
    ```text
    a.txt:3:1: DAT004 [implausible-date] publication date 2031-05-04 is after the reference date 2026-11-25
    ```

    ## Fix
    Correct the date from the source.
    """

    code = "DAT004"
    name = "implausible-date"
    severity = Severity.WARNING
    options = (
        *_COMMON_OPTIONS,
        Option("reference-date", str, "", "Latest plausible date (YYYY-MM-DD); empty means today."),
        Option("floor", int, 1990, "Earliest plausible year.", min=0),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        pub = publication_date(doc, ctx.vocabulary, ctx.options)
        if pub is None or pub.date is None:
            return
        ref_s = ctx.options["reference-date"]
        try:
            ref = dt.date.fromisoformat(ref_s) if ref_s else dt.date.today()
        except ValueError:
            ref = dt.date.today()
        if pub.date > ref:
            yield Violation(f"publication date {pub.date.isoformat()} is after the reference date {ref.isoformat()}",
                            pub.start, pub.end)
        elif pub.date.year < ctx.options["floor"]:
            yield Violation(f"publication date {pub.date.isoformat()} is before {ctx.options['floor']}", pub.start, pub.end)


class RelativeDate(DateRule):
    """The only date is relative (`il y a 3 heures`, `yesterday`): it needs the crawl date.

    ## What it does
    Reports a relative date in the head zone (`hier`, `il y a 3 heures`,
    `vor 2 Tagen`, `3 hours ago`) when there is no absolute date and no
    `date` in the metadata to resolve it against.

    ## Why it matters
    "Yesterday" means nothing without the day the page was fetched; once the
    crawl date is lost, so is the publication date.

    ## Example
    ```text
    a.txt:3:1: DAT005 [relative-date] relative date 'il y a 3 heures' cannot be resolved without the crawl date
    ```

    ## Fix
    Resolve it against the crawl date at scraping time and write the absolute date.
    """

    code = "DAT005"
    name = "relative-date"
    severity = Severity.INFO
    options = _COMMON_OPTIONS

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        if doc.metadata.get("date") or doc.metadata.get("crawl_date"):
            return
        dates, relative = scan_head(doc, ctx.vocabulary, ctx.options)
        if dates or not relative:
            return
        d = relative[0]
        yield Violation(f"relative date '{d.text}' cannot be resolved without the crawl date", d.start, d.end)


@hookimpl
def corpuslint_rules() -> list[Rule]:
    return [MissingDate(), PartialDate(), MalformedDate(), ImplausibleDate(), RelativeDate()]


@hookimpl
def corpuslint_annotate(document: Document) -> None:
    vocab = _CURRENT["vocab"]
    if vocab is None or document.binary:
        return
    document.facts["date"] = publication_date(document, vocab, _CURRENT["options"])
