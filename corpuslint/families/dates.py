"""Date family: find the publication date in the head of a document, and judge it.

Month names, weekday names, markers (`Publié le`) and date formats come from the
packs in ``rules/dates/`` (``extends = "dates"``): adding a language or a format is
writing TOML. The date found is stored in ``document.facts["date"]`` (a
:class:`PublicationDate`, or None) by the ``corpuslint_annotate`` hook, so other
rules and plugins can use it. Only the head zone is scanned (issue #6: the date of
an article is in its byline, dateline or caption, and scanning less keeps the
per-document cost low).
"""

from __future__ import annotations

import calendar
import datetime as dt
import inspect
import os
import re
import weakref
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, ClassVar, NamedTuple

import regex

from corpuslint.families.calendars import CALENDARS
from corpuslint.hookspecs import hookimpl
from corpuslint.kinds import LANGUAGE_NAMES
from corpuslint.model import Document, Edit, Fix, LazyFact, Severity, Violation
from corpuslint.packs import Pack, PackError
from corpuslint.patterns import compile_regex
from corpuslint.rule import Option, Rule, RuleContext

__all__ = [
    "DateMatch",
    "DateVocabulary",
    "PublicationDate",
    "find_dates",
    "metadata_date",
    "publication_date",
]

#: how the messages name a pack's language ("*": the numeric formats of every language)
_LANG_NAMES = {**LANGUAGE_NAMES, "*": "numeric"}


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
    #: numeric day/month that the document's language does not settle (03/04/2021 in English)
    ambiguous: bool = False
    #: the date carries a time zone (ISO 8601 ``Z`` or ``+01:00``)
    zoned: bool = False
    #: the date sits in a long line (body text) rather than a byline or dateline
    in_body: bool = False
    #: (start, end) of its day, month and year, from ``start``: what DAT003's fix rewrites (not
    #: a weekday or time around them); None when the fix could not keep what surrounds them
    core: tuple[int, int] | None = None

    @property
    def date(self) -> dt.date | None:
        if self.kind == "full" and not self.problem and self.year and self.month and self.day:
            return dt.date(self.year, self.month, self.day)
        return None


@dataclass(frozen=True)
class PublicationDate:
    """What ``document.facts["date"]`` holds: the document's publication date.

    ``date`` is set only for a full, well-formed date. ``kind`` is ``full``,
    ``partial``, ``relative`` or ``malformed``; ``source`` is ``text`` (then
    ``start``/``end`` locate it) or ``metadata`` (the record's ``date`` field).
    """

    date: dt.date | None
    text: str
    kind: str
    source: str
    start: int | None = None
    end: int | None = None
    ambiguous: bool = False
    marker: str | None = None
    problem: str | None = None


@dataclass
class _Format:
    regex: Any
    language: str
    kind: str
    template: str
    #: the template without its optional parts, for messages
    shape: str = ""
    #: text the format cannot match without (its literal separators and words, case folded)
    literals: tuple[str, ...] = ()
    #: the format holds a month name
    named_month: bool = False
    #: a regex that matches wherever ``regex`` does, cheaply (no month or weekday names): a
    #: window where it finds nothing is not searched with ``regex``; None when there is none
    prefilter: Any = None
    #: the format names a month and its language writes every month in a script other than
    #: Latin (Russian, Greek, Thai...): it runs only in a window holding a letter of such a
    #: script (in a Latin window it could only read a Latin month "in Russian order")
    other_script: bool = False
    #: the calendar of its pack (``calendar = "solar-hijri"``), None for the Gregorian one: it
    #: reads only documents of its language, and its dates are converted (see calendars.py)
    calendar: str | None = None


class _WindowPlan(NamedTuple):
    """What find_dates runs in a window: each distinct regex once, then the formats in order."""

    #: the compiled regexes of the formats that can match there, each once, with its compiled
    #: prefilter (``_Format.prefilter``) or None
    regexes: tuple[tuple[Any, Any], ...]
    #: per format that can match, in ``DateVocabulary.formats`` order: (index of its regex in
    #: ``regexes``, the format, the month table of its language)
    steps: tuple[tuple[int, _Format, dict[str, int]], ...]
    #: (index of a regex, the month name a match of it holds, or None) -> the formats of that
    #: regex, as (index in ``steps``, format), that parse the match at once (their language has
    #: the month, or there is none) and those that read it only if nothing else does; filled on use
    splits: dict[tuple[int, str | None], tuple[tuple[tuple[int, _Format], ...], tuple[tuple[int, _Format], ...]]]


@dataclass
class DateVocabulary:
    formats: list[_Format]
    months: dict[str, dict[str, int]]  # language -> word -> month number
    month_display: dict[str, list[str]]  # language -> canonical month names
    order: dict[str, str]  # language -> "DMY" / "MDY" / "YMD"
    #: language -> the orders its numeric dates are written in (more than one: ambiguous)
    numeric_orders: dict[str, tuple[str, ...]]
    markers: list[tuple[Any, str, str]]  # (regex ending at the date, "published"/"updated", language)
    relative: list[tuple[Any, str]]  # (regex, language)
    languages: frozenset[str] = field(default_factory=frozenset)
    #: language -> years between its era and the Common Era (Thai: the Buddhist era, 543)
    era_offsets: dict[str, int] = field(default_factory=dict)
    #: calendar name -> word -> month number, for the packs of another calendar (their months
    #: are not in ``months``: `دی` is the tenth month of one calendar and no month of the other)
    calendar_months: dict[str, dict[str, int]] = field(default_factory=dict)
    #: calendar name -> its canonical month names, for messages
    calendar_display: dict[str, list[str]] = field(default_factory=dict)
    #: language -> the year hint of its documents (see _year_windows), for the languages with a
    #: pack of another calendar, whose years (Solar Hijri 1403) are not Common Era years
    year_hints: dict[str, Any] = field(default_factory=dict)
    #: matches where any regex of ``relative`` does (their alternation): a line where it finds
    #: nothing is not searched with each; None when a pattern may not be combined (_combinable)
    relative_any: Any = None
    #: language -> the alternation of its own relative patterns and those of ``*`` (a line
    #: without a digit in a document of that language needs no other: see _may_hold_relative)
    relative_own: dict[str, Any] = field(default_factory=dict)
    #: the first three letters of every month name, case folded: a window whose case-folded
    #: text holds none of them holds no month name (it skips the named-month formats)
    month_prefixes: tuple[str, ...] = ()
    #: finds any of ``month_prefixes`` (a ``re`` alternation of literals: faster than testing each)
    month_prefix_re: re.Pattern[str] | None = None
    #: every format's literals (see ``_Format.literals``), each once
    literals: tuple[str, ...] = ()
    #: per marker of ``markers``: the first words of its phrases, case folded; a text whose
    #: case-folded form holds none of them cannot end with the marker
    marker_words: list[tuple[str, ...]] = field(default_factory=list)
    #: (month name present, literals present, languages) -> the plan of a window holding that
    #: (see ``_WindowPlan``); filled as find_dates meets new cases
    window_plans: dict[Any, _WindowPlan] = field(default_factory=dict)
    #: (text before a date, languages) -> what _marker returns for it: a corpus repeats its
    #: bylines (`Publié le `); emptied when it reaches _MARKER_CACHE_SIZE
    marker_cache: dict[tuple[str, frozenset[str] | None], str | None] = field(default_factory=dict)
    #: (line, language or "") -> whether the alternation for it finds something in the line:
    #: pages repeat their menu lines; emptied when it reaches _MARKER_CACHE_SIZE
    relative_cache: dict[tuple[str, str], bool] = field(default_factory=dict)
    #: language -> how it writes a full date, `{day}`, `{month}` and `{year}` (its pack's
    #: `written`, else the first such format): DAT003's suggestion
    written: dict[str, list[str]] = field(default_factory=dict)


_SPACE = r"[^\S\r\n]"  # a space, not a line break: a date does not run over lines
#: the words a clock time ends with (`14 Uhr`, `06.00 uur`, `14h`) and the twelve-hour marks
_HOUR_WORDS = r"Uhr|uur|h"
_CLOCK_TAIL = r"[ap]\.?m\.?|" + _HOUR_WORDS
_TIME = (r"(?:(?:" + _SPACE + r"*(?:à|a|at|um|alle|ore|às|,|-|–)?" + _SPACE + r"*)\d{1,2}(?:[h:.]\d{2})(?::\d{2})?"
         r"(?:" + _SPACE + r"*(?:" + _CLOCK_TAIL + r"))?)")
_ISO_TIME = r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?P<zone>\s?Z|\s?[+-]\d{2}:?\d{2})?)"
# between a marker phrase and its date: a time ("Updated 2:41 PM ET, Tue March 7"), a word; the
# colon and comma may be full-width (`发布时间：2024-03-07`)
_MARKER_TAIL = (_SPACE + r"*[:,：，]?" + _SPACE + r"*(?:\d{1,2}[h:.]\d{2}" + _SPACE + r"*(?:[ap]\.?m\.?)?" + _SPACE
                + r"*(?:[A-Z]{2,4}\b)?" + _SPACE + r"*[,|·–-]?" + _SPACE + r"*)?"
                r"(?:\w+\.?,?" + _SPACE + r"+)?$")


#: the digits of a year (the `{year}` token)
_YEAR = r"(?:1[6-9]|2\d)\d\d"
_DATE_END = r"(?-i:(?![\d\p{Ll}_/]|-(?!\d{1,2}[:h]\d\d)|[.,]\d|:\d))"


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
            out.append(_SPACE + "*" if out and out[-1] == "(?:" else _SPACE + "+")
        else:
            out.append(regex.escape(c))
        i += 1
    return "".join(out)


class _LazyPattern:
    """A regex compiled when first used (``search`` and ``finditer``, all the date rules call).

    The regex module compiles a date format with its month and weekday alternations in
    about 8 ms: eagerly, every run paid a quarter of a second, also a run whose files all
    come from the cache. Templates are checked when the packs load (their text is escaped,
    their tokens known), so compiling cannot fail later.
    """

    __slots__ = ("_compiled", "_flags", "_pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._pattern, self._flags = pattern, flags
        self._compiled: Any = None

    def _get(self) -> Any:
        if self._compiled is None:
            self._compiled = compile_regex(self._pattern, self._flags)
        return self._compiled

    def search(self, *args: Any) -> Any:
        return self._get().search(*args)

    def finditer(self, *args: Any) -> Any:
        return self._get().finditer(*args)


def _compile_before_fork() -> None:
    """Compile every date regex of this process before it forks workers.

    A forked worker inherits what its parent compiled; compiled in the workers, the same
    patterns would cost each of them the quarter second. A run that never forks (one job,
    or every file from the cache) never gets here and compiles only what it uses.
    """
    for vocab in _VOCAB_CACHE.values():
        for rx in ([fmt.regex for fmt in vocab.formats] + [fmt.prefilter for fmt in vocab.formats]
                   + [m[0] for m in vocab.markers]):
            if isinstance(rx, _LazyPattern):
                rx._get()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_compile_before_fork)

_VOCAB_CACHE: dict[tuple[str, ...], DateVocabulary] = {}
#: the vocabulary and options of the current run, for the annotate hook (see corpuslint_annotate)


def compile_vocabulary(packs: Sequence[Pack]) -> DateVocabulary:
    """Compile the date packs once: every regex a document scan needs is built here."""
    key = tuple(str(p.path) for p in packs)
    if key in _VOCAB_CACHE:
        return _VOCAB_CACHE[key]
    months: dict[str, dict[str, int]] = {}
    display: dict[str, list[str]] = {}
    weekdays: dict[str, list[str]] = {}
    suffixes: dict[str, list[str]] = {}
    #: words a date may carry after its year (`7 marca 2024 r.`, `8 Kasım 2024 Cuma`): part of
    #: the year token of every format, so that one shared `{day} {month} {year}` serves them
    after_year: set[str] = set()
    order: dict[str, str] = {}
    numeric_orders: dict[str, tuple[str, ...]] = {}
    #: month names whose case folding is longer (Greek Μαΐου: ΐ folds to three code points),
    #: in lower case: the regex, which ignores case one code point at a time, matches these
    lowered: set[str] = set()
    era_offsets: dict[str, int] = {}
    phrases: dict[tuple[str, str], list[str]] = {}
    relative: list[tuple[Any, str]] = []
    combinable = True
    templates: list[tuple[str, str, str, Pack, str | None]] = []
    calendar_months: dict[str, dict[str, int]] = {}
    calendar_display: dict[str, list[str]] = {}
    calendar_langs: dict[str, set[str]] = {}  # language -> the calendars of its packs
    written: dict[str, list[str]] = {}
    for p in packs:
        lang = p.language
        if "written" in p.data:
            forms = [str(w) for w in p.data["written"]]
            if not forms or any(sorted(regex.findall(r"\{[^}]*\}", w)) != ["{day}", "{month}", "{year}"]
                                or "[" in w for w in forms):
                raise PackError(f"{p.path}: key 'written' must list templates of {{day}}, {{month}} and {{year}} "
                                "once each, without optional parts")
            written[lang] = forms
        cal = p.data.get("calendar")
        if cal is not None:
            if cal not in CALENDARS:
                raise PackError(f"{p.path}: key 'calendar' must be one of {', '.join(sorted(CALENDARS))}")
            if "months" not in p.data or lang == "*":
                raise PackError(f"{p.path}: a pack of the {cal} calendar needs a language and its 'months'")
            for t in [*p.data.get("formats", []), *p.data.get("partial-formats", [])]:
                if "{yy}" in str(t) or "{n1}" in str(t) or "{n2}" in str(t):
                    raise PackError(f"{p.path}: a format of the {cal} calendar writes its year in full and its "
                                    f"month as {{month}} or {{mm}}: {t!r}")
            calendar_langs.setdefault(lang, set()).add(cal)
        if "months" in p.data and cal is not None:
            ms = p.data["months"]
            if len(ms) != 12 or not all(isinstance(m, list) and m for m in ms):
                raise PackError(f"{p.path}: key 'months' must hold 12 lists of names")
            table = calendar_months.setdefault(cal, {})
            for n, names in enumerate(ms, start=1):
                for name in names:
                    table[str(name).casefold().rstrip(".")] = n
            calendar_display[cal] = [str(m[0]) for m in ms]
        elif "months" in p.data:
            ms = p.data["months"]
            if len(ms) != 12 or not all(isinstance(m, list) and m for m in ms):
                raise PackError(f"{p.path}: key 'months' must hold 12 lists of names")
            table = months.setdefault(lang, {})
            for n, names in enumerate(ms, start=1):
                for name in names:
                    table[str(name).casefold().rstrip(".")] = n
                    if str(name).lower() != str(name).casefold():
                        lowered.add(str(name).lower().rstrip("."))
            display[lang] = [str(m[0]) for m in ms]
        weekdays.setdefault(lang, []).extend(str(w) for w in p.data.get("weekdays", []))
        suffixes.setdefault(lang, []).extend(str(s) for s in p.data.get("day-suffixes", []))
        after_year.update(str(w) for w in p.data.get("after-year", []))
        if "order" in p.data:
            if p.data["order"] not in ("DMY", "MDY", "YMD"):
                raise PackError(f"{p.path}: key 'order' must be DMY, MDY or YMD")
            order[lang] = p.data["order"]
        if "numeric-orders" in p.data:
            orders = tuple(str(o) for o in p.data["numeric-orders"])
            if not orders or any(o not in ("DMY", "MDY") for o in orders):
                raise PackError(f"{p.path}: key 'numeric-orders' must list DMY and/or MDY")
            numeric_orders[lang] = orders
        if "era-offset" in p.data:
            offset = p.data["era-offset"]
            if not isinstance(offset, int) or isinstance(offset, bool) or not 0 < offset < 1000:
                raise PackError(f"{p.path}: key 'era-offset' must be a number of years between 1 and 999")
            era_offsets[lang] = offset
        for kind in ("published", "updated"):
            phrases.setdefault((kind, lang), []).extend(str(x) for x in p.data.get(kind, []))
        pats = [str(x) for x in p.data.get("relative", [])]
        for pat in pats:
            try:
                compile_regex(pat)
            except regex.error as e:
                raise PackError(f"{p.path}: key 'relative': bad regex {pat!r}: {e}") from None
        if pats:
            relative.append((compile_regex(r"(?<!\w)(?:" + "|".join(pats) + r")(?!\w)", regex.IGNORECASE), lang))
            combinable = combinable and all(map(_combinable, pats))
        for t in p.data.get("formats", []):
            templates.append((str(t), lang, "full", p, cal))
        for t in p.data.get("partial-formats", []):
            templates.append((str(t), lang, "partial", p, cal))
    for lang, o in order.items():
        if lang not in numeric_orders and o in ("DMY", "MDY"):
            numeric_orders[lang] = (o,)
    markers: list[tuple[Any, str, str]] = []
    first_words: dict[Any, tuple[str, ...]] = {}
    for (kind, lang), words in phrases.items():
        if not words:
            continue
        alts = _by_length({regex.escape(w).replace(r"\ ", _SPACE + "+") for w in words})
        rx = _LazyPattern(r"(?<!\w)(?:" + "|".join(alts) + r")" + _MARKER_TAIL, regex.IGNORECASE)
        first_words[rx] = tuple(sorted({w.split(" ")[0].casefold() for w in words}))
        markers.append((rx, kind, lang))
    # "updated" before "published": "Mis à jour le" must not read as "… le"
    markers.sort(key=lambda m: m[1] != "updated")
    folded_months = {w for table in months.values() for w in table}
    all_months = _by_length(folded_months | lowered)
    all_weekdays = _by_length({w.casefold() for ws in weekdays.values() for w in ws})
    all_suffixes = _by_length({s for ss in suffixes.values() for s in ss})
    suffix_alt = "|".join(regex.escape(s) for s in all_suffixes)
    day_suffix = f"(?:{suffix_alt})?" if suffix_alt else ""
    tokens = {
        "weekday": r"(?:" + _alternation(all_weekdays) + r")\.?,?",
        "day": r"(?P<day>[0-3]?\d)" + day_suffix + r"\.?",
        "dd": r"(?P<day>[0-3]?\d)",
        "month": r"(?P<month>" + _alternation(all_months) + r")\.?",
        "mm": r"(?P<mm>[01]?\d)",
        # day and month in the order of the document's language (03/04/2021)
        "n1": r"(?P<n1>\d{1,2})",
        "n2": r"(?P<n2>\d{1,2})",
        "year": r"(?P<year>" + _YEAR + ")" + _after_year(after_year),
        "yy": r"(?P<yy>\d{2})",
        "time": _TIME,
        "iso-time": _ISO_TIME,
    }
    # a format of a language written in Latin letters reads the month and weekday names of
    # the Latin languages only (`Septembre 14, 2020`: a French month in English order); the
    # other scripts' names, in its alternations, would slow every window down for nothing
    latin_months = [w for w in all_months if _OTHER_SCRIPT.search(w) is None]
    latin_weekdays = [w for w in all_weekdays if _OTHER_SCRIPT.search(w) is None]
    latin_tokens = {**tokens, "weekday": r"(?:" + _alternation(latin_weekdays) + r")\.?,?",
                    "month": r"(?P<month>" + _alternation(latin_months) + r")\.?"}
    # tokens whose every match starts with a word character (see _starts_with_word)
    word_tokens = {"day", "dd", "mm", "n1", "n2", "year", "yy"}
    for name, words in (("weekday", all_weekdays), ("month", all_months)):
        if words and all(regex.match(r"\w", w) for w in words):
            word_tokens.add(name)
    # a format that holds `{day} {year}` outside its optional parts matches the last digit of
    # the day, its suffix and dot, the spaces and the year: this finds them, without the month
    # and weekday names that make its regex slow, in a fraction of the time
    day_year = _LazyPattern(r"\d" + day_suffix + r"\.?" + _SPACE + "+" + _YEAR, regex.IGNORECASE)
    # the tokens of each other calendar: its own months, and its years
    calendar_tokens: dict[str, dict[str, str]] = {}
    calendar_day_year: dict[str, _LazyPattern] = {}
    for cal, table in calendar_months.items():
        year_rx = CALENDARS[cal].year_regex
        calendar_tokens[cal] = {**tokens, "month": r"(?P<month>" + _alternation(_by_length(set(table))) + r")\.?",
                                "year": r"(?P<year>" + year_rx + ")" + _after_year(after_year)}
        calendar_day_year[cal] = _LazyPattern(r"\d" + day_suffix + r"\.?" + _SPACE + "+" + year_rx, regex.IGNORECASE)
    formats = []
    # the same template in several packs (`{day} {month} {year}`) gives the same regex: one
    # pattern object for all, so find_dates runs it once per window and parses its matches per language
    shared: dict[str, _LazyPattern] = {}
    for t, lang, kind, p, cal in templates:
        own = months.get(lang, {}) if cal is None else calendar_months[cal]
        other_script = bool(own) and all(_OTHER_SCRIPT.match(m) for m in own)
        try:
            body = _template_regex(t, calendar_tokens[cal] if cal else tokens if other_script else latin_tokens)
            # the date may be glued to a capital ("March 7, 2022Updated", a scraped layout)
            # or to a time ("07.03.2022-14:41"), not to a digit or a lowercase letter; it follows
            # a hyphen only after a Hebrew prefix letter ("ב-2024-06-03": on 3 June 2024)
            if t.count("[") != t.count("]"):
                raise ValueError("unbalanced [ ]")
            # compiled on first use (about 8 ms each): a run served from the cache needs none
            pattern = r"(?<![\w/.:]|(?<!\p{Hebrew})-)" + body + _DATE_END
            if _starts_with_word(t, word_tokens):
                # the same matches (the lookbehind leaves `\b` true exactly where a word
                # character follows), found a fifth faster: the regex module skips to word starts
                pattern = r"\b" + pattern
            rx = shared.setdefault(pattern, _LazyPattern(pattern, regex.IGNORECASE))
        except (KeyError, ValueError) as e:
            raise PackError(f"{p.path}: bad date format {t!r}: {e}") from None
        shape = regex.sub(r"\[[^\]]*\]", "", t).strip()
        formats.append(_Format(rx, lang, kind, t, shape, _literals(shape), "{month}" in shape,
                               (calendar_day_year[cal] if cal else day_year) if _required(t, "{day} {year}") else None,
                               other_script and "{month}" in shape, cal))
    for f in formats:
        # a language's first format of day, month and year alone, unless its pack says `written`
        if f.kind == "full" and f.calendar is None and f.language in months and f.language not in written and (
                sorted(regex.findall(r"\{[^}]*\}", f.shape)) == ["{day}", "{month}", "{year}"]):
            written[f.language] = [f.shape]
    langs = frozenset(months) | frozenset(order)
    vocab = DateVocabulary(formats, months, display, order, numeric_orders, markers, relative, langs, era_offsets,
                           calendar_months, calendar_display, written=written)
    for lang, cals in calendar_langs.items():
        years = "|".join(CALENDARS[c].year_regex for c in sorted(cals))
        vocab.year_hints[lang] = compile_regex(_YEAR_HINT.pattern.replace("(?:(?:1[6-9]", f"(?:{years}|(?:1[6-9]", 1))
    if relative and combinable:
        vocab.relative_any = compile_regex("|".join(f"(?:{rx.pattern})" for rx, _ in relative), regex.IGNORECASE)
        for lang in {lang for _, lang in relative} - {"*"}:
            own_alt = "|".join(f"(?:{rx.pattern})" for rx, other in relative if other in (lang, "*"))
            vocab.relative_own[lang] = compile_regex(own_alt, regex.IGNORECASE)
    vocab.month_prefixes = tuple(sorted({m[:3] for m in folded_months.union(*calendar_months.values())}))
    vocab.month_prefix_re = re.compile("|".join(map(re.escape, vocab.month_prefixes)) or "(?!)")
    vocab.literals = tuple(sorted({lit for f in formats for lit in f.literals}))
    vocab.marker_words = [first_words[rx] for rx, _kind, _lang in markers]
    _VOCAB_CACHE[key] = vocab
    return vocab


def _after_year(words: set[str]) -> str:
    """The optional tail the packs' ``after-year`` words give the year token: a space, then one
    of them, not glued to a letter after it (`2024 r.`, `2024 roku`, `2024 года`, `2024 Cuma`)."""
    if not words:
        return ""
    alts = "|".join(regex.escape(w.casefold()).replace(r"\ ", _SPACE + "+") for w in _by_length({w.casefold() for w in words}))
    return "(?:" + _SPACE + "+(?:" + alts + r")(?!\w))?"


def _required(template: str, piece: str) -> bool:
    """True when ``piece`` (without ``[`` or ``]``) is in ``template`` outside its optional parts."""
    depth = 0
    for i, c in enumerate(template):
        if depth == 0 and template.startswith(piece, i):
            return True
        depth += {"[": 1, "]": -1}.get(c, 0)
    return False


def _starts_with_word(template: str, word_tokens: set[str]) -> bool:
    """True when every match of ``template`` starts with a word character (``\\w``).

    ``word_tokens`` are the tokens whose matches do; an optional part (`[{weekday} ]`)
    must, and so must what follows it. False when unsure.
    """
    i = 0
    while i < len(template):
        c = template[i]
        if c == "{":
            return template[i + 1 : template.find("}", i)] in word_tokens
        if c != "[":
            return regex.match(r"\w", c) is not None
        depth, j = 0, i
        while j < len(template):
            depth += {"[": 1, "]": -1}.get(template[j], 0)
            if depth == 0:
                break
            j += 1
        if j == len(template) or not _starts_with_word(template[i + 1 : j], word_tokens):
            return False
        i = j + 1
    return False


def _combinable(pattern: str) -> bool:
    """True when ``pattern`` matches alike alone and as one alternative of a bigger pattern.

    Its groups must be ``(?:`` ones (no inline flags, which would apply to the other
    alternatives, no named groups, no lookarounds or conditionals), it must hold no
    backreference (the numbers of the groups change) and no backtracking verb (``(*SKIP)``
    acts on the whole search). Conservative: an escaped ``\\(?`` or ``\\1`` is refused too, and a
    refused pattern is only searched on its own.
    """
    return ("(?" not in pattern.replace("(?:", "") and "(*" not in pattern
            and regex.search(r"\\[0-9gk]", pattern) is None)


def _by_length(words: set[str]) -> list[str]:
    """``words`` longest first, words of one length in code point order.

    Not in the set's order, which changes from one process to the next (string hashing is
    salted): the patterns built from them must be the same strings in every run, or the
    pattern store (corpuslint.patterns) never finds them compiled.
    """
    return sorted(sorted(words), key=len, reverse=True)


def _alternation(words: Sequence[str]) -> str:
    """A regex matching what the alternation of ``words`` (case folded, longest first) matches.

    The words are grouped by their first character, and each group's rests by theirs, and so
    on (`m(?:a(?:rs|i)|…)|j(?:…)`, a trie): the regex module tries a month or weekday
    alternation at every word of a window, and rules out a group on one character, not word
    by word; with the names of some forty languages, one character per level, not the ten
    names of a first letter. The same matches, tried in the same order: each group keeps the
    order of its words, a word that ends where others go on comes after them (longest first),
    and no text character matches (ignoring case) the first characters of two groups, as they
    differ in upper case (`i` and `ı`, both matching `I`, share a group, written out in full).
    """
    if not any(words):
        return "(?!)"  # no word to match (as the flat alternation of none, or of "" alone)
    return _trie(words)


def _trie(words: Sequence[str]) -> str:
    """_alternation of ``words``, of which one at least is not empty."""
    groups: dict[str, list[str]] = {}
    for w in words:
        groups.setdefault(w[:1].upper(), []).append(w)
    alts = []
    for group in groups.values():
        if len(group) == 1:
            alts.append(regex.escape(group[0]))
        elif len({w[:1] for w in group}) == 1:
            alts.append(regex.escape(group[0][:1]) + "(?:" + _trie([w[1:] for w in group]) + ")")
        else:
            alts.append("(?:" + "|".join(regex.escape(w) for w in group) + ")")
    return "|".join(alts)


def _literals(shape: str) -> tuple[str, ...]:
    """The literal pieces of a format's required part (`/`, `.`, `de`, `of`), case folded.

    A window of text that lacks one cannot hold the format: find_dates skips it there.
    """
    pieces = regex.sub(r"\{[^}]*\}", " ", shape).split()
    # a piece whose letters case-fold to one letter each (`tháng`, not `İ` nor `ß`): the text
    # the regex matches without regard to case holds it once case folded
    return tuple(p.casefold() for p in pieces if p.isascii() or all(len(c.casefold()) == 1 for c in p))


def _valid(year: int | None, month: int, day: int) -> bool:
    if not 1 <= month <= 12:
        return False
    last = _days_in(year, month) if year else 31
    return 1 <= day <= last


#: days per month (index 1 to 12) in a common year
_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in(year: int, month: int) -> int:
    """The number of days of ``month`` (1 to 12) in ``year``: ``calendar.monthrange(year, month)[1]``."""
    return _MONTH_DAYS[month] + (month == 2 and calendar.isleap(year))


def _numeric_day_month(a: int, b: int, year: int | None, vocab: DateVocabulary, doc_lang: str) -> tuple[int, int, bool]:
    """(day, month, ambiguous) of a numeric ``a/b/year`` in a document of ``doc_lang``.

    The language's order reads it; when that reading is impossible and the other
    one is not (25/12 in English, 12/25 in French), the values settle it.
    """
    orders = vocab.numeric_orders.get(doc_lang, ())
    first = "MDY" if vocab.order.get(doc_lang) == "MDY" else "DMY"
    day, month = (b, a) if first == "MDY" else (a, b)
    if not _valid(year, month, day) and _valid(year, day, month):
        return month, day, False
    if not 1 <= month <= 12 and 1 <= day <= 12:
        day, month = month, day  # keep the reading whose month exists, for the message
    ambiguous = a != b and a <= 12 and b <= 12 and len(set(orders)) != 1
    return day, month, ambiguous


class _Found(NamedTuple):
    """A date a format matched, before find_dates keeps it (the fields of a :class:`DateMatch`)."""

    start: int
    end: int
    text: str
    kind: str
    language: str
    year: int | None
    month: int | None
    day: int | None
    problem: str | None
    suggestion: str | None
    ambiguous: bool
    zoned: bool
    core: tuple[int, int] | None = None


#: a month and a "year" after next year is not a partial date: with no day to tell, the four
#: digits are most often a day and another number run together by a scraper (`on Mar 2714 min`
#: for "Mar 27 · 14 min read"); a full date keeps its year, for DAT004 to report
_LATEST_PARTIAL_YEAR = dt.date.today().year + 1

#: a year of a language's era is told from a Common Era year by its size: minus the era's
#: offset, it is still this late (Thai 2143 and later, which no Common Era date reaches)
_ERA_FLOOR = 1600

#: what find_dates keeps of a regex match: (groupdict, start, end, matched text, the match)
_Match = tuple[dict[str, Any], int, int, str, Any]


#: the start of the problem of a date written with a two-digit year
_TWO_DIGIT_YEAR = "two-digit year"


def _parse(m: _Match, fmt: _Format, vocab: DateVocabulary, doc_lang: str,
           languages: frozenset[str] | None = None) -> _Found | None:
    """The date ``m`` matched with ``fmt``; None when its month name is of a language left out."""
    if fmt.calendar is not None:
        return _parse_calendar(m, fmt, vocab)
    gd, start, end, text, _ = m
    year = int(gd["year"]) if gd.get("year") else None
    offset = vocab.era_offsets.get(doc_lang if fmt.language == "*" else fmt.language)
    if year is not None and offset and year - offset >= _ERA_FLOOR:
        year -= offset  # a year of the language's own era: Thai 2567 is 2024
    if year is not None and year > _LATEST_PARTIAL_YEAR and fmt.kind == "partial":
        return None  # a day and another number run together: `on Mar 2714 min` (Mar 27, 14 min)
    problem = suggestion = None
    core = None
    ambiguous = False
    if gd.get("yy"):
        yy = int(gd["yy"])
        year = 2000 + yy if yy < 70 else 1900 + yy
        problem = f"{_TWO_DIGIT_YEAR} '{gd['yy']}'"
    month = None
    day = int(gd["day"]) if gd.get("day") else None
    lang = fmt.language
    word = gd.get("month")
    if word:
        key = word.casefold().rstrip(".")
        own = vocab.months.get(lang, {})
        if key in own:
            month = own[key]
        else:
            # a month name of another language in this language's order: the document's
            # language first when the name is its own (`abril` is Spanish and Catalan)
            for other in sorted(vocab.months, key=lambda x: x != doc_lang):
                table = vocab.months[other]
                if key in table and _allowed(other, languages):
                    month = table[key]
                    problem = (
                        f"{_LANG_NAMES.get(other, other)} month name '{word}' in "
                        f"{_LANG_NAMES.get(lang, lang)} order ('{fmt.shape}')"
                    )
                    if day and year:
                        suggestion = _written(vocab, other, day, month, year)
                        core = _core(m, fmt)
                    break
            if month is None:
                return None
    elif gd.get("mm"):
        month = int(gd["mm"])
    elif gd.get("n1") and gd.get("n2"):
        day, month, ambiguous = _numeric_day_month(int(gd["n1"]), int(gd["n2"]), year, vocab, doc_lang)
    if month is not None and not 1 <= month <= 12:
        problem = f"month {month} does not exist"
    elif (day is not None and month is not None and year is not None and not problem
          and not 1 <= day <= _days_in(year, month)):
        problem = f"{calendar.month_name[month]} {year} has no day {day}"
    if problem:
        ambiguous = False
    zoned = bool(gd.get("zone"))
    return _Found(start, end, text, fmt.kind, lang, year, month, day, problem, suggestion, ambiguous, zoned, core)


#: the tokens a format's written date replaces (see _core)
_CORE_TOKENS = ("{day}", "{month}", "{year}")


def _core(m: _Match, fmt: _Format) -> tuple[int, int] | None:
    """(start, end) of the day, month and year of ``m``, from its start: the span a fix rewrites,
    leaving a weekday, a time or words after the year as written. None when the format's
    required part does not start with one of them and end with its year: text of the format
    itself (`d. 7 ...`, `... 7 d.`, a day's suffix) would stay around the rewritten date."""
    shape = fmt.shape
    if not shape.startswith(_CORE_TOKENS) or not shape.endswith("{year}"):
        return None
    spans = [m[4].span(g) for g in ("day", "month", "year") if m[0].get(g)]
    return min(a for a, _ in spans) - m[1], max(z for _, z in spans) - m[1]


def _written(vocab: DateVocabulary, lang: str, day: int, month: int, year: int) -> str | None:
    """The date as ``lang`` writes it (its first `written` form), None when unknown. A form whose
    month follows an apostrophe (Catalan `d’abril`) is for a month name that starts with a vowel."""
    name = vocab.month_display.get(lang, [])[month - 1 : month]
    for form in vocab.written.get(lang, ()):
        if not name:
            break
        before = form.split("{month}", 1)[0]
        if before.endswith(("'", "’")) and name[0][:1].casefold() not in "aeiouàáèéíòóúh":
            continue
        return form.replace("{day}", str(day)).replace("{month}", name[0]).replace("{year}", str(year))
    return None


def _parse_calendar(m: _Match, fmt: _Format, vocab: DateVocabulary) -> _Found | None:
    """The date ``m`` matched with a format of another calendar, converted to the Gregorian one."""
    gd, start, end, text, _ = m
    assert fmt.calendar is not None
    cal = CALENDARS[fmt.calendar]
    year = int(gd["year"])
    day = int(gd["day"]) if gd.get("day") else None
    word = gd.get("month")
    month = vocab.calendar_months[fmt.calendar].get(word.casefold().rstrip(".")) if word else int(gd["mm"])
    if month is None:
        return None
    problem = None
    if not 1 <= month <= 12:
        problem = f"month {month} does not exist"
    elif day is not None and not 1 <= day <= cal.days_in(year, month):
        problem = f"{vocab.calendar_display[fmt.calendar][month - 1]} {year} has no day {day}"
    else:
        g = cal.to_gregorian(year, month, day or 1)
        # a month alone: the Gregorian month it starts in
        year, month, day = g.year, g.month, (g.day if day is not None else None)
    return _Found(start, end, text, fmt.kind, fmt.language, year, month, day, problem, None, False,
                  bool(gd.get("zone")))


def _allowed(lang: str, languages: frozenset[str] | None) -> bool:
    return languages is None or lang == "*" or lang in languages


#: every date format holds a year: four digits, or two at the end of a numeric date. The
#: `(?=\d)` in front changes no match (each starts with a digit) and lets the regex module
#: skip to the digits: the search runs twice as fast
_YEAR_HINT = compile_regex(r"(?=\d)(?<!\d)(?:(?:1[6-9]|2\d)\d\d|\d{1,2}[/.-]\d{1,2}[/.-]\d{2})(?!\d)")
_TOKEN_END = compile_regex(r"\s|$")


def _line_around(text: str, a: int, z: int, cr: bool) -> tuple[int, int]:
    """(start, end) of the line holding ``text[a:z]``, without its break; with ``cr`` (the text
    holds a carriage return), a lone ``\r`` ends a line too, as in ``Document.lines``."""
    start = text.rfind("\n", 0, a) + 1
    end = text.find("\n", z)
    end = len(text) if end < 0 else end
    if cr:
        start = max(start, text.rfind("\r", start, a) + 1)
        r = text.find("\r", z, end)
        end = end if r < 0 else r
    return start, end


def _text_lines(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) of each line of ``text``, any line ending (``\n``, ``\r\n``, ``\r``)."""
    if "\r" not in text:
        pos = 0
        for line in text.split("\n"):
            yield pos, line
            pos += len(line) + 1
        return
    pos = 0
    for m in _LINE_BREAK.finditer(text):
        yield pos, text[pos : m.start()]
        pos = m.end()
    yield pos, text[pos:]


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class _LinesInOrder:
    """The line around spans of ``text`` that come in order (years, dates): each line is
    searched for once, not once per span (a line of a thousand dates, a timeline or a table)."""

    __slots__ = ("cr", "end", "start", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.cr = "\r" in text
        self.start = self.end = -1

    def around(self, a: int, z: int) -> tuple[int, int]:
        """(start, end) of the line holding ``text[a:z]`` (no line break in it), without its break."""
        if a > self.end or self.end < 0:
            self.start, self.end = _line_around(self.text, a, z, self.cr)
        return self.start, self.end


def _year_windows(text: str, before: int = 60, after: int = 40, hint: Any = _YEAR_HINT) -> list[tuple[int, int]]:
    """Spans of ``text`` around its years, where dates can be: the formats run there only.

    Running some thirty format regexes over the windows rather than the whole head
    zone keeps the per-document cost low; a window stops at the line's ends and
    at the end of a word, so no date is cut short.
    """
    spans: list[tuple[int, int]] = []
    lines = _LinesInOrder(text)
    for m in hint.finditer(text):
        line_start, line_end = lines.around(m.start(), m.end())
        a = max(line_start, m.start() - before)
        z = min(line_end, m.end() + after)
        if z < line_end:
            end = _TOKEN_END.search(text, z)
            z = min(line_end, end.start() if end else line_end)
        if spans and a <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], z))
        else:
            spans.append((a, z))
    return spans


#: a letter of a script with month names of its own in the packs: Greek, Cyrillic, Hebrew,
#: Arabic, Devanagari, Bengali, Thai, Georgian, Armenian
_OTHER_SCRIPT = compile_regex(
    r"[\p{Greek}\p{Cyrillic}\p{Hebrew}\p{Arabic}\p{Devanagari}\p{Bengali}\p{Thai}\p{Georgian}\p{Armenian}]")


def _window_plan(vocab: DateVocabulary, folded: str, languages: frozenset[str] | None,
                 calendar_lang: str | None = None) -> _WindowPlan:
    """The plan of a window whose case-folded text is ``folded``: the formats that can match there.

    A format needs its literals, and a month name when it has one; a format of another
    calendar, a document of its language (``calendar_lang``). Cached in the vocabulary per
    (month name present, a letter of another script present, literals present, languages,
    calendar_lang): a handful of cases in a corpus.
    """
    month = vocab.month_prefix_re is None or vocab.month_prefix_re.search(folded) is not None
    other_script = _OTHER_SCRIPT.search(folded) is not None
    key = (month, other_script, tuple(map(folded.__contains__, vocab.literals)), languages, calendar_lang)
    plan = vocab.window_plans.get(key)
    if plan is None:
        fmts = [
            fmt for fmt in vocab.formats
            if _allowed(fmt.language, languages) and (month or not fmt.named_month)
            and (other_script or not fmt.other_script) and all(lit in folded for lit in fmt.literals)
            and (fmt.calendar is None or fmt.language == calendar_lang)
        ]
        # formats of several languages share one regex (compile_vocabulary): run once per window
        index: dict[int, int] = {}
        regexes: list[tuple[Any, Any]] = []
        for fmt in fmts:
            if id(fmt.regex) not in index:
                # formats that share a regex may differ in prefilter: each one's holds for the regex
                index[id(fmt.regex)] = len(regexes)
                regexes.append((_compiled(fmt.regex), None if fmt.prefilter is None else _compiled(fmt.prefilter)))
        plan = vocab.window_plans[key] = _WindowPlan(
            tuple(regexes), tuple((index[id(f.regex)], f, vocab.months.get(f.language, {}) if f.calendar is None
                                   else vocab.calendar_months[f.calendar]) for f in fmts), {})
    return plan


_Steps = tuple[tuple[int, _Format], ...]


def _split(plan: _WindowPlan, i: int, key: str | None) -> tuple[_Steps, _Steps]:
    """The formats of regex ``i`` of ``plan`` that parse a match holding month name ``key`` at
    once, and those that read it only when no other format does (cached in the plan)."""
    got = plan.splits.get((i, key))
    if got is None:
        now: list[tuple[int, _Format]] = []
        later: list[tuple[int, _Format]] = []
        for s, (ri, fmt, own) in enumerate(plan.steps):
            if ri == i:
                (later if key is not None and key not in own else now).append((s, fmt))
        got = plan.splits[(i, key)] = (tuple(now), tuple(later))
    return got


def _compiled(rx: Any) -> Any:
    """The compiled regex of a format (compiled now if it is a ``_LazyPattern``)."""
    return rx._get() if isinstance(rx, _LazyPattern) else rx


_MARKER_CACHE_SIZE = 4096


def _marker(before: str, vocab: DateVocabulary, languages: frozenset[str] | None) -> str | None:
    """The kind of the first marker (``published``, ``updated``) that ``before`` ends with, or None."""
    cache = vocab.marker_cache
    key = (before, languages)
    if key in cache:
        return cache[key]
    if len(cache) >= _MARKER_CACHE_SIZE:
        cache.clear()
    cache[key] = kind = _find_marker(before, vocab, languages)
    return kind


#: a character for which ``str.isdigit`` is true (decimal digits, superscripts, circled digits)
_ANY_DIGIT = compile_regex(r"[\p{Numeric_Type=Decimal}\p{Numeric_Type=Digit}]")


def _may_hold_relative(line: str, vocab: DateVocabulary, doc_lang: str) -> bool:
    """False when no pattern of ``vocab.relative`` that scan_head may keep finds anything in
    ``line`` (cached per line and language).

    In a line without a digit, a match of another language's pattern holds no digit either,
    and scan_head drops it when the document's language has a pack: for such a line the
    alternation of the language's own patterns (and those of ``*``) decides, not the one of
    every language's (which the packs of twenty languages make four times slower).
    """
    if vocab.relative_any is None:
        return True
    own = vocab.relative_own.get(doc_lang) if doc_lang in vocab.languages else None
    if own is None or _ANY_DIGIT.search(line) is not None:
        own, doc_lang = vocab.relative_any, ""
    cache = vocab.relative_cache
    key = (line, doc_lang)
    known = cache.get(key)
    if known is None:
        if len(cache) >= _MARKER_CACHE_SIZE:
            cache.clear()
        known = cache[key] = own.search(line) is not None
    return known


def _find_marker(before: str, vocab: DateVocabulary, languages: frozenset[str] | None) -> str | None:
    """_marker without its cache."""
    folded = before.casefold()
    for (rx, kind, lang), words in zip(vocab.markers, vocab.marker_words, strict=True):
        if _allowed(lang, languages) and any(map(folded.__contains__, words)) and rx.search(before):
            return kind  # type: ignore[no-any-return]
    return None


def _match(m: Any) -> tuple[_Match, str | None]:
    """What find_dates keeps of a regex match, and its month name as a month table key."""
    gd = m.groupdict()
    word = gd.get("month")
    return (gd, m.start(), m.end(), m.group(0), m), word.casefold().rstrip(".") if word else None


def find_dates(
    text: str,
    vocab: DateVocabulary,
    doc_lang: str,
    base: int = 0,
    languages: frozenset[str] | None = None,
    settle: str | None = None,
) -> list[DateMatch]:
    """Every date in ``text`` (full and partial), longest first where they overlap.

    ``languages`` restricts the packs whose formats and markers apply (numeric
    formats always do); None means all. ``settle`` is the language whose reading wins
    where two packs read a month name differently (default ``doc_lang``; see _settling).
    """
    # each date with its place in the order of the formats: (window, format, match); a match
    # whose month name is not of its format's language (`mars` read by the German
    # `{day} {month} {year}`) is parsed in `deferred` below, in the same place
    dated: list[tuple[tuple[int, int, int], _Found]] = []
    deferred: list[tuple[int, int, _Match, _Steps]] = []
    # what each window holds decides which formats can match there: some thirty regexes
    # per window otherwise, most of which cannot match (no month name, no `/`); each regex
    # runs once for all the formats (of several languages) that share it
    # a document in a language with a pack of another calendar: its years too open windows,
    # and that pack's formats run there
    hint = vocab.year_hints.get(doc_lang)
    calendar_lang = None if hint is None else doc_lang
    for w, (a, z) in enumerate(_year_windows(text) if hint is None else _year_windows(text, hint=hint)):
        plan = _window_plan(vocab, text[a:z].casefold(), languages, calendar_lang)
        for i, (rx, pre) in enumerate(plan.regexes):
            if pre is not None and pre.search(text, a, z) is None:
                continue
            for j, found in enumerate(rx.finditer(text, a, z)):
                m, key = _match(found)
                now, later = _split(plan, i, key)
                for s, fmt in now:
                    d = _parse(m, fmt, vocab, doc_lang, languages)
                    if d is not None:
                        dated.append(((w, s, j), d))
                if later:
                    deferred.append((w, j, m, later))
    # a span matched correctly by a format of the month's own language is not malformed. Only
    # a deferred match can read as "month name of another language": it is parsed (None, or
    # that problem) only when no match parsed above reads its span without a problem
    good_spans = {(d.start, d.end) for _, d in dated if not d.problem}
    for w, j, m, later in deferred:
        if (m[1], m[2]) not in good_spans:
            for s, fmt in later:
                d = _parse(m, fmt, vocab, doc_lang, languages)
                if d is not None:
                    dated.append(((w, s, j), d))
    dated.sort(key=_place)
    return _longest_first([d for _, d in dated], text, vocab, languages, base, doc_lang if settle is None else settle)


def _place(item: tuple[tuple[int, int, int], _Found]) -> tuple[int, int, int]:
    return item[0]


def _problem_rank(d: _Found) -> int:
    """0 for a date read without a problem, 1 with one, 2 when the problem is a month name of
    another language: `31. února 2024` is a February without a 31st, not a Czech month in the
    order of the first pack (alphabetically) that shares the format."""
    if d.problem is None:
        return 0
    return 2 if " month name '" in d.problem else 1


def _longest_first(found: list[_Found], text: str, vocab: DateVocabulary, languages: frozenset[str] | None,
                   base: int = 0, doc_lang: str = "") -> list[DateMatch]:
    """The dates of ``found`` that do not overlap, the longest (then the well-formed, then the
    full, then the one read by the document's language) kept where they do, each with the
    marker that precedes it on its line.

    The document's language settles a month name two languages read differently: `listopada`
    is November in Polish and October in Croatian. Otherwise the first pack (by file name) wins."""
    found.sort(key=lambda d: (d.start, -(d.end - d.start), _problem_rank(d), d.kind != "full", d.language != doc_lang))
    out: list[DateMatch] = []
    last_end = -1
    for d in found:
        if d.start < last_end:
            continue
        if d.kind == "partial" and _GLUED_DURATION.match(text, d.end) and text[d.end - 1 : d.end].isdigit():
            continue  # `on Mar 1711 min`: Mar 17 and an 11-minute read, run together
        # the marker is looked for in the 80 characters before the date, on its line
        lo = max(0, d.start - 80)
        lo = text.rfind("\n", lo, d.start) + 1 or lo
        lo = text.rfind("\r", lo, d.start) + 1 or lo
        marker = _marker(text[lo : d.start], vocab, languages)
        out.append(DateMatch(d.start + base, d.end + base, d.text, d.kind, d.language, d.year, d.month, d.day,
                             marker, d.problem, d.suggestion, d.ambiguous, d.zoned, core=d.core))
        last_end = d.end
    return out


#: a reading or playing time right after a partial date's digits: they were a day and a
#: number of minutes run together by a scraper (`Mar 1711 min` for "Mar 17 · 11 min read")
_GLUED_DURATION = compile_regex(r" ?(?:min(?:s|utes?|uten|utos|uti)?|hrs?)\b", regex.IGNORECASE)

_EMBED = compile_regex(r"\(@\w{1,30}\)\s*$|pic\.twitter\.com|https?://t\.co/\S+\s*[—–-]?[^\n]*$")
_EMBED_HANDLE = compile_regex(r"\(@\w+\)\s*$")
#: a match of _EMBED holds one of these, a match of _EMBED_HANDLE the first
_EMBED_LITERALS = ("(@", "pic.twitter.com", "://t.co/")


def _embedded(before: str, text: str, end: int, line_end: int) -> bool:
    """True when a date between ``before`` and ``text[end:line_end]`` (the rest of its line)
    dates an embedded post."""
    if not any(map(before.__contains__, _EMBED_LITERALS)):
        return False  # most dates: no regex to run
    return _EMBED.search(before) is not None or (
        not text[end:line_end].strip() and _EMBED_HANDLE.search(before) is not None)
#: what may stand around a relative date in a dateline: times, separators, bylines
_DATELINE_NOISE = compile_regex(
    r"\d{1,2}(?:[h:.]\d{2})?\s*(?:" + _CLOCK_TAIL + r")?\b|[,|·•–—:()\-/]|\b(?:a las|a la|alle|alle ore|à|a|at|um|ore|às|las|el|le|am|on"
    # the word before a time in the other packs' languages: `eilen klo 14.30`, `gisteren om
    # 14:30`, `i går kl. 9.15`, `wczoraj o 14:30`, `včera v 14:30`, `ieri la ora 14`, `dün saat 14.30`
    r"|klo|kello|om|kl|klockan|o|v|ve|la|ora|saat|lúc|as"
    # and in other scripts: `вчера в 18:02`, `вчора о 18:02`, `χθες στις 18:02`
    r"|в|во|о|об|στις|στη|στο)\b",
    regex.IGNORECASE,
)
_BYLINE = compile_regex(
    r"^\s*(?i:par|by|von|por|di|da|de)\s+\p{Lu}[\p{L}.'’-]*(?:\s+(?:\p{Lu}[\p{L}.'’-]*|de|da|von|van|del|di))*\s*(?:[,|·•–—-]|$)"
)
#: _BYLINE without its ``^``, for ``match(text, line_start, date_start)`` (``^`` does not match
#: at ``pos``; ``$`` matches at ``endpos``): no copy of the line per date
_BYLINE_AT = compile_regex(_BYLINE.pattern[1:])
_WORD = compile_regex(r"\p{L}+")
#: time zones and the like after a date: `14:41 WIB` (Jakarta), `2:41 PM MYT`, `14:41 KST`, `Uhr`, `uur`
_ZONES = compile_regex(r"\b(?:(?:GMT|UTC)(?:[+-]\d{1,2}(?::?\d{2})?)?|BST|CET|CEST|MEZ|MESZ|[ECMP][SD]?T|WIB|WITA|WIT|MYT|PHT|EAT|KST"
                       r"|IST|JST|HKT|SGT|AE[SD]T|AC[SD]T|AWST|NZ[SD]T|WES?T|EES?T|MSK|A[SD]T|HST|AK[SD]T|SAST|WAT|CAT"
                       r"|PKT|ICT|BRT|ART|CLT|COT|PET|TRT|GST|" + _HOUR_WORDS
                       + r")\b|\([^)]*\)")


def _in_dateline(line: str, start: int, end: int, vocab: DateVocabulary, languages: frozenset[str] | None) -> bool:
    """True when the relative date at ``line[start:end]`` dates the document, not an event.

    It must follow a marker (`Mis en ligne il y a 3 heures`), or be all the line
    holds besides a byline and a time (`Par Jean Dupont · hier à 14h41`): in a
    headline or a sentence, `hier` and `3 years ago` tell the story, not its date.
    """
    if _marker(line[:start], vocab, languages) is not None:
        return True
    rest = line[:start] + " " + line[end:]
    m = _BYLINE.match(rest)
    if m:
        rest = rest[m.end() :]
    rest = _DATELINE_NOISE.sub(" ", rest)
    return len(_WORD.findall(rest)) == 0


def _in_sentence(before: str, after: str) -> bool:
    """True when a date sits inside running text: words before it and after it on its line
    (``before`` from the line's start, ``after`` to its end).

    Bylines, places, agencies and times do not count (`Par AFP | 10/10/2022 | 15:46`,
    `Madrid, 7 de marzo de 2023`, `Sputnik Afrique, 1920, 07.04.2021`).
    """
    n = len(before)
    return _in_sentence_at(before + after, 0, n, n, n + len(after))


def _in_sentence_at(text: str, line_start: int, start: int, end: int, line_end: int) -> bool:
    """:func:`_in_sentence` of the date at ``text[start:end]`` on the line
    ``text[line_start:line_end]``, reading the words next to the date first: on a line of a
    thousand dates (a timeline, a table), each date must not read, nor copy, the whole line."""
    m = _BYLINE_AT.match(text, line_start, start)
    first = m.end() if m else line_start  # after the byline
    if not _words_after(text, end, line_end):
        return False
    if _PLACE_BEFORE_DATE.fullmatch(text, first, start) and _DASH_AFTER_DATE.match(text, end):
        return False  # an agency dateline opening the lead: `São Paulo, 22 de outubro de 2023 – O ...`
    if start - first > 2 * _NEAR:
        cut = text.find(" ", start - _NEAR, start)  # whole words only: cut at a space
        if cut > 0 and len(_WORD.findall(_DATELINE_NOISE.sub(" ", text[cut:start]))) >= 2:
            return True
    return len(_WORD.findall(_DATELINE_NOISE.sub(" ", text[first:start]))) >= 2


#: the place of a dateline before its date: capitalized words and the particles of place
#: names (`NEW YORK, `, `São Paulo, `, `Frankfurt am Main, `, `Den Haag (ANP), `)
_PLACE_PARTICLE = r"(?:am|an|der|de|del|della|degli|di|da|do|dos|das|la|le|les|el|sur|upon|on|im|in|bei|van|den|aan|aux)"
_PLACE_BEFORE_DATE = compile_regex(
    r"[ \t]*+\p{Lu}[\p{L}'’.\-]*+(?:[ \t]++(?:\p{Lu}[\p{L}'’.\-]*+|" + _PLACE_PARTICLE + r"\b)){0,4}"
    r"(?:[ \t]*+\([^()\n]{1,20}\))?[ \t]*+,[ \t]*+"
)
#: the dash between a dateline and the lead (` — `, ` -- `, ` - `, Spanish `.–`)
_DASH_AFTER_DATE = compile_regex(r"[^\S\n]*(?:--|—|–|-(?=[^\S\n]))[^\S\n]|\.[—–-][^\S\n]?")
#: characters on each side of a date that _in_sentence reads first
_NEAR = 200
#: an agency's name between a dateline's date and its dash: `5 de marzo de 2024 (EFE) – `
_AGENCY_AFTER_DATE = compile_regex(r"[^\S\n]*\([^()\n]{1,30}\)")


def _opens_lead(text: str, line_start: int, start: int, end: int) -> bool:
    """Whether the date at ``text[start:end]`` is the dateline that opens its (long) line, the
    lead: alone or after a place before it, a dash after it, maybe after an agency
    (`NEW YORK, March 3, 2025 — `, `MADRID, 5 de marzo de 2024 (EFE) – `, `Feb. 23, 2015 -- `)."""
    if text[line_start:start].strip() and not _PLACE_BEFORE_DATE.fullmatch(text, line_start, start):
        return False
    agency = _AGENCY_AFTER_DATE.match(text, end)
    return _DASH_AFTER_DATE.match(text, agency.end() if agency else end) is not None


def _words_after(text: str, end: int, line_end: int) -> bool:
    """Whether words other than times, zones and dateline noise follow a date (ending at
    ``end``) on its line (ending at ``line_end``)."""
    if line_end - end > 2 * _NEAR:
        cut = text.rfind(" ", end, end + _NEAR)
        near = text[end:cut] if cut > end else ""
        # whole words only, and no parenthesis (a time zone may be one: `(UTC+2)`)
        if near and "(" not in near and ")" not in near and _WORD.search(_ZONES.sub(" ", _DATELINE_NOISE.sub(" ", near))):
            return True
    return bool(_WORD.search(_ZONES.sub(" ", _DATELINE_NOISE.sub(" ", text[end:line_end]))))


def head_zone(doc: Document, max_lines: int, long_line: int = 150) -> tuple[int, int]:
    """Character span of the head zone: the first ``max_lines`` lines that count, up to the
    second long paragraph.

    Blank lines and short lines of few words without a digit (a scraped page's menu items and
    buttons, which hold no date) do not count, within ``_HEAD_REACH`` times ``max_lines`` lines in all: on a
    page whose byline comes after thirty menu lines, the date is still in the head zone.
    """
    lines = doc.lines
    long_seen = counted = 0
    limit = min(len(lines), max_lines * _HEAD_REACH)
    end_line = limit
    for i in range(limit):
        line = lines[i]
        if len(line) >= long_line:
            long_seen += 1
            if long_seen == 2:
                end_line = i
                break
        if _counts_in_head(line):
            counted += 1
            if counted == max_lines:
                end_line = i + 1
                break
    end = doc.line_starts[end_line - 1] + len(lines[end_line - 1]) if end_line > 0 else 0
    return 0, end


#: how far past ``head-lines`` lines the head zone may reach over lines that do not count
_HEAD_REACH = 5
_DIGIT = re.compile(r"\d")


def _counts_in_head(line: str) -> bool:
    """A line that counts towards ``head-lines``: one of 40 characters or more (a sentence of
    Chinese or Japanese has no spaces), with a digit, or with four words or more."""
    return len(line) >= 40 or _DIGIT.search(line) is not None or len(line.split(None, 3)) > 3


def _languages(options: Mapping[str, Any]) -> frozenset[str] | None:
    langs = options.get("languages")
    return (frozenset(str(x).lower() for x in langs) or None) if langs else None


def _facts_key(kind: str, vocab: DateVocabulary, options: Mapping[str, Any]) -> str:
    """The ``doc.facts`` key of a cached ``kind`` of date scan: per vocabulary (a pack may
    extend one date rule only), head size and languages."""
    languages = _languages(options)
    return (f"_date_{kind}:{id(vocab)}:{options['head-lines']}:"
            f"{'' if languages is None else ','.join(sorted(languages))}")


#: the decimal digits of full-width forms, Arabic-Indic, Extended Arabic-Indic, Devanagari, Bengali and
#: Thai, and the table that makes them ASCII digits
_OTHER_DIGIT = re.compile("[\uff10-\uff19\u0660-\u0669\u06f0-\u06f9\u0966-\u096f\u09e6-\u09ef\u0e50-\u0e59]")
_ASCII_DIGITS = {first + k: ord("0") + k for first in (0xFF10, 0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50) for k in range(10)}


def scan_head(doc: Document, vocab: DateVocabulary, options: Mapping[str, Any]) -> tuple[list[DateMatch], list[DateMatch]]:
    """(dates, relative dates) of the head zone, leaving out dates of embedded posts.

    Cached in ``doc.facts`` per vocabulary, head size and languages, so the date rules scan once.
    """
    cache_key = _facts_key("scan", vocab, options)
    facts = doc.facts.get(cache_key)
    if facts is not None:
        return facts  # type: ignore[no-any-return]
    languages = _languages(options)
    _, end = head_zone(doc, options["head-lines"])
    head = doc.text[:end]
    dates = _dates_in(doc, 0, end, vocab, languages)
    if not any(d.kind == "full" for d in dates):
        zone = dateline_zone(doc, end)
        if zone is not None:
            # a scraped page's byline under a long menu: only a full date there dates the
            # page, on a line that reads as a dateline (not the article's `Hearings begin 03/04`)
            found = _dates_in(doc, zone[0], zone[1], vocab, languages)
            dates.extend(d for d in found if d.kind == "full"
                         and _reads_as_dateline(doc.text, d, found, strict=d.start >= zone[2]))
    relative: list[DateMatch] = []
    if not any(d.kind == "full" for d in dates):
        for pos, line in _text_lines(head):
            if len(line) <= 120 and _may_hold_relative(line, vocab, doc.language):
                for rx, lang in vocab.relative:
                    if not _allowed(lang, languages):
                        continue
                    m = rx.search(line)
                    if m is None:
                        continue
                    if (lang not in (doc.language, "*") and doc.language in vocab.languages
                            and not any(c.isdigit() for c in m.group(0))):
                        continue  # a bare word of another language: "hier" is "here" in German
                    if _in_dateline(line, m.start(), m.end(), vocab, languages):
                        relative.append(DateMatch(pos + m.start(), pos + m.end(), m.group(0), "relative", lang))
                        break
    doc.facts[cache_key] = (dates, relative)
    return dates, relative


def _dates_in(doc: Document, a: int, z: int, vocab: DateVocabulary,
              languages: frozenset[str] | None) -> list[DateMatch]:
    """The dates of ``doc.text[a:z]`` (offsets in the document), leaving out dates of embedded
    posts and of events named in a sentence."""
    span = doc.text[a:z]
    # digits of other scripts (full-width `２０２４年`, Arabic-Indic `١٥`) read as ASCII digits: one
    # character for one, so every offset holds; each date keeps its text as written
    read = span.translate(_ASCII_DIGITS) if _OTHER_DIGIT.search(span) else span
    dates = []
    lines = _LinesInOrder(span)
    found = find_dates(read, vocab, doc.language, languages=languages, settle=_settling(doc))
    if "0000" in read:
        found = sorted([*found, *_zero_dates(read, found, vocab, languages)], key=lambda d: d.start)
    for d in found:
        if read is not span:
            d = replace(d, text=span[d.start : d.end])
        line_start, line_end = lines.around(d.start, d.end)
        before = span[max(line_start, d.start - 80) : d.start]
        if _embedded(before, span, d.end, line_end):
            continue  # the date of an embedded tweet, not of the article
        if d.marker is None and _in_sentence_at(span, line_start, d.start, d.end, line_end):
            continue  # "Élection présidentielle du 10 avril 2022 : les résultats": an event
        if line_end - line_start >= 150 and not _opens_lead(span, line_start, d.start, d.end):
            d = replace(d, in_body=True)
        if a:
            d = replace(d, start=d.start + a, end=d.end + a)
        dates.append(d)
    return dates


#: a date field's empty value, written out (MySQL's `0000-00-00 00:00:00`): no year of the formats
_ZERO_DATE = compile_regex(r"(?<![\w/.:-])(?:0000-00-00|00([/.])00\1(?:0000|00))(?:[T ]00:00(?::00)?)?(?![\w/:]|[.-]\d)")
_ZERO_PROBLEM = "a zero date (an empty date field's value)"


def _zero_dates(text: str, found: Sequence[DateMatch], vocab: DateVocabulary,
                languages: frozenset[str] | None) -> list[DateMatch]:
    """The zero dates of ``text`` (`0000-00-00`) as malformed dates, outside the dates ``found``."""
    out = []
    for m in _ZERO_DATE.finditer(text):
        if any(d.start < m.end() and m.start() < d.end for d in found):
            continue
        lo = max(0, m.start() - 80)
        lo = max(text.rfind("\n", lo, m.start()) + 1, text.rfind("\r", lo, m.start()) + 1, lo)
        out.append(DateMatch(m.start(), m.end(), m.group(0), "full", "*",
                             marker=_marker(text[lo : m.start()], vocab, languages), problem=_ZERO_PROBLEM))
    return out


#: the dash after an agency dateline that opens the lead paragraph
_DATELINE_DASH = compile_regex(r"[^\S\n]*(?:--|—|–)[^\S\n]")
#: a word that starts in lower case: a dateline's other words are names, markers and times
_LOWER_WORD = compile_regex(r"(?<!\w)\p{Ll}\w*")


def _reads_as_dateline(text: str, d: DateMatch, found: Sequence[DateMatch], strict: bool = False) -> bool:
    """Whether the line of ``d`` reads as a dateline: the date follows a marker (`Published`),
    or, dates, times, a byline and separators apart, at most two words of the line start in
    lower case (`Dan Goodin - Apr 16, 2015 8:02 pm UTC`, `Le Monde | 04.05.2015 à 13h36`), and
    the date is not a field's value (`Hearings begin: 4 March 2031`). ``strict`` (below a long
    line, maybe in the article): at most two words are left, none in lower case (`Friday 25
    December 2015`, `By Jane Doe, 4 March 2024`; not `Photo: Jane Doe, 4 March 2024`)."""
    if d.marker is not None:
        return True
    a, z = _line_around(text, d.start, d.end, "\r" in text)
    if text[a : d.start].rstrip().endswith(":"):
        return False
    if not text[a : d.start].strip() and _DATELINE_DASH.match(text, d.end):
        return True  # an agency dateline opening the lead: `Feb. 23, 2015 -- Life-threatening ...`
    parts, pos = [], a
    for other in found:
        if a <= other.start and other.end <= z:
            parts.append(text[pos : other.start])
            pos = other.end
    rest = " ".join([*parts, text[pos:z]])
    m = _BYLINE.match(rest)
    if m:
        rest = rest[m.end() :]
    rest = _DATELINE_NOISE.sub(" ", rest)
    if strict:
        return not _LOWER_WORD.search(rest) and len(_WORD.findall(rest)) <= 2
    return len(_LOWER_WORD.findall(rest)) <= 2


#: the dateline zone: this many lines above the article's first two long paragraphs, which
#: are looked for this far into the document
_DATELINE_LINES = 12
_DATELINE_REACH = 600


def dateline_zone(doc: Document, head_end: int, long_line: int = 150) -> tuple[int, int, int] | None:
    """Character span of the lines just above the article's body, past the head zone: on a
    scraped page, the byline and its date sit there, under a menu too long for the head zone.

    The body starts at the first two long lines in a row (blank lines between them apart); the
    zone is the ``_DATELINE_LINES`` lines above it that the head zone did not hold, and the
    body's first line. The third offset is where the zone's first long line ends (the zone's end
    when it has none): below it a line may be the article's own (a lead paragraph, then a list,
    a subtitle or a caption), and a date there must stand nearly alone to date the page. None
    when there is no such body, when the head zone reaches it, or when no line is left between.
    """
    lines = doc.lines
    first = doc.position(head_end)[0] if head_end else 0  # the line after the head zone (any line ending)
    previous = -1
    for i in range(min(len(lines), _DATELINE_REACH)):
        line = lines[i]
        if not line.strip():
            continue
        if len(line) >= long_line:
            if previous >= 0:
                # and the body's first line, for an agency dateline that opens it
                # (`Feb. 23, 2015 -- Life-threatening ...`; _reads_as_dateline)
                lo = max(first, previous - _DATELINE_LINES)
                if lo >= previous:
                    return None
                end = doc.line_starts[previous] + len(lines[previous])
                strict = next((doc.line_starts[j] + len(lines[j]) for j in range(lo, previous)
                               if len(lines[j]) >= long_line), end)
                return doc.line_starts[lo], end, strict
            previous = i
        else:
            previous = -1
    return None


def _settling(doc: Document) -> str:
    """The language that settles a month name two packs read differently (`listopada`: November
    in Polish, October in Croatian): the document's when declared (metadata, the `language` key)
    or guessed with confidence; else none, and the first pack by file name reads it. A Croatian
    article is guessed Polish with little confidence (their short words are alike); a Polish one
    is guessed with more."""
    lang, conf = doc.language_guess
    return lang if conf >= 0.5 or lang == doc.default_language else ""


_META_ABSENT = frozenset({"", "none", "null", "nil", "n/a", "na", "nan", "unknown", "-", "undefined"})


def metadata_date(doc: Document, vocab: DateVocabulary, options: Mapping[str, Any]) -> PublicationDate | None:
    """The record's ``date`` metadata as a :class:`PublicationDate` (None when absent); cached per document."""
    if "date" not in doc.metadata:
        return None
    key = f"_date_meta:{id(vocab)}:{','.join(sorted(_languages(options) or ()))}"
    if key not in doc.facts:
        doc.facts[key] = _metadata_date(doc, vocab, options)
    return doc.facts[key]  # type: ignore[no-any-return]


#: an ISO week (`2024-W10`, `2024W10`, `2024-W10-2`: with its weekday it names a day)
_ISO_WEEK = re.compile(r"\d{4}-?W\d{2}")
#: the time of an ISO date and time (`2024-03-05T25:61:00`: hours and minutes read)
_ISO_CLOCK = re.compile(r"\d{4}-\d{2}-\d{2}[T ](\d{2}):(\d{2})")


def _metadata_date(doc: Document, vocab: DateVocabulary, options: Mapping[str, Any]) -> PublicationDate | None:
    value = doc.metadata.get("date")
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return PublicationDate(value.date(), value.isoformat(), "full", "metadata")
    if isinstance(value, dt.date):
        return PublicationDate(value, value.isoformat(), "full", "metadata")
    if isinstance(value, int) and 1000 <= value <= 2199:
        return PublicationDate(None, str(value), "partial", "metadata")  # a year alone
    if isinstance(value, int) and 10000101 <= value <= 21991231:
        # a date written as a number, YYYYMMDD (`20230516`): as epoch seconds it would be a day
        # of 1970 (those seconds are 1970-04-26 to 1970-09-12, when no web page was written)
        try:
            day = dt.date(value // 10000, value // 100 % 100, value % 100)
        except ValueError:
            return PublicationDate(None, str(value), "malformed", "metadata", problem="not a valid YYYYMMDD date")
        return PublicationDate(day, str(value), "full", "metadata")
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 1e11 else value  # epoch milliseconds or seconds
        try:
            day = dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc).date()
        except (OverflowError, OSError, ValueError):
            return PublicationDate(None, str(value), "malformed", "metadata", problem="not a valid timestamp")
        return PublicationDate(day, str(value), "full", "metadata")
    if not isinstance(value, str):
        return PublicationDate(None, repr(value), "malformed", "metadata", problem="not a date")
    s = value.strip()
    if s.casefold() in _META_ABSENT:
        return None
    if _ISO_WEEK.fullmatch(s):
        return PublicationDate(None, s, "partial", "metadata")  # a week (`2024-W10`), no day
    try:
        return PublicationDate(dt.datetime.fromisoformat(s).date(), s, "full", "metadata")
    except ValueError:
        pass
    bad_time = _ISO_CLOCK.match(s)
    if bad_time and (int(bad_time[1]) > 24 or int(bad_time[2]) > 59):
        return PublicationDate(None, s, "malformed", "metadata", problem="not a valid time of day")
    if len(s) == 4 and s.isdigit():
        return PublicationDate(None, s, "partial", "metadata")  # a year alone
    if _ZERO_DATE.fullmatch(s):
        return PublicationDate(None, s, "malformed", "metadata", problem=_ZERO_PROBLEM)
    for d in find_dates(s, vocab, doc.language, languages=_languages(options), settle=_settling(doc)):
        if d.kind == "full":
            if d.problem:
                return PublicationDate(None, s, "malformed", "metadata", problem=d.problem)
            return PublicationDate(d.date, s, "full", "metadata", ambiguous=d.ambiguous)
        if d.kind == "partial":
            return PublicationDate(None, s, "partial", "metadata")
    return PublicationDate(None, s, "malformed", "metadata", problem="not a date corpuslint can read")


def _pub(d: DateMatch, kind: str | None = None) -> PublicationDate:
    return PublicationDate(d.date, d.text, kind or d.kind, "text", d.start, d.end, d.ambiguous, d.marker, d.problem)


def publication_date(doc: Document, vocab: DateVocabulary, options: Mapping[str, Any]) -> PublicationDate | None:
    """The document's publication date: a full date in the metadata, else the head zone's.

    In the head zone, a date marked as published (`Publié le`) wins, then an
    unmarked one in a byline or dateline, then an updated one, then one in body
    text. Without a full date: a malformed, then a partial, then a relative one.
    Cached in ``doc.facts`` as scan_head is (several rules and the ``date`` fact ask).
    """
    key = _facts_key("pub", vocab, options)
    if key not in doc.facts:
        doc.facts[key] = _publication_date(doc, vocab, options)
    return doc.facts[key]  # type: ignore[no-any-return]


def _publication_date(doc: Document, vocab: DateVocabulary, options: Mapping[str, Any]) -> PublicationDate | None:
    """publication_date without its cache."""
    meta = metadata_date(doc, vocab, options)
    if meta is not None and meta.date is not None:
        return meta
    dates, relative = scan_head(doc, vocab, options)
    full = [d for d in dates if d.kind == "full" and not d.problem]
    if full:
        text = doc.text

        def rank(d: DateMatch) -> float:
            if d.marker == "published":
                return 0
            if d.marker is None and not d.in_body:
                start = text.rfind("\n", 0, d.start) + 1
                if _BYLINE.match(text, start, d.start):
                    return 0.5  # in a byline: `Von Max Muster | 07.03.2024, 14:41 Uhr`
                if _TEASER_DATE.search(text, start, d.start) and not text[d.end : d.end + 40].split("\n", 1)[0].strip():
                    return 1.5  # ends another article's teaser: `Bahnstreik: Was Pendler wissen müssen – 05.03.2024`
                return 1
            return 2 if d.marker == "updated" else 3

        return _pub(min(full, key=rank))
    if meta is not None:
        return meta
    bad = [d for d in dates if d.problem]
    if bad:
        return _pub(bad[0], "malformed")
    partial = [d for d in dates if d.kind == "partial"]
    if partial:
        return _pub(partial[0])
    if relative:
        return _pub(relative[0])
    return None


#: a headline of three words or more and a dash before a date that ends its line: a teaser
#: of another article in a sidebar (`Wetter: Sturmtief bringt Orkanböen – 04.03.2024`)
_TEASER_DATE = compile_regex(r"\p{L}+\W+\p{L}+\W+\p{L}+[^\n]*\s[–—-]\s*$")


def _below_publication(doc: Document, d: DateMatch, pub: PublicationDate | None) -> bool:
    """True when ``d`` is an unmarked date on a line below the document's well-formed
    publication date: a timestamp of the text itself (a chat export's `[20/06/24, 19:04]`, a
    log's `05/06/2024 09:12`) in the text's own convention. Once the document is dated, how such
    a date writes its year or orders its day and month dates nothing."""
    return (pub is not None and pub.date is not None and pub.source == "text" and pub.end is not None
            and d.marker is None and d.start >= pub.end and "\n" in doc.text[pub.end : d.start])


_COMMON_OPTIONS = (
    Option("head-lines", int, 10, "Lines at the top of a document searched for its date (the head zone); blank "
           "lines and short lines without a digit do not count.", min=1),
    Option("languages", list, [], "Language packs whose formats apply (e.g. `[\"fr\", \"en\"]`); "
           "empty: all. Numeric and ISO formats always apply."),
)


class DateRule(Rule):
    """Base of the date rules: shares the packs of the ``dates`` group."""

    category = "date"
    pack_group: ClassVar[str | None] = "dates"
    pack_schema: ClassVar = {
        "order": str,
        "numeric-orders": list,
        "era-offset": int,
        "calendar": str,
        "months": list,
        "weekdays": list,
        "day-suffixes": list,
        "after-year": list,
        "published": list,
        "updated": list,
        "relative": list,
        "formats": list,
        "partial-formats": list,
        "written": list,
    }
    options: tuple[Option, ...] = _COMMON_OPTIONS

    def __init__(self) -> None:
        self.doc = inspect.cleandoc(type(self).__doc__ or "")

    def compile_packs(self, packs: Sequence[Pack]) -> DateVocabulary:
        vocab = compile_vocabulary(packs)
        return vocab


class MissingDate(DateRule):
    """The document has no publication date: none in its head zone, none in its metadata.

    ## What it does
    Looks for a date in the document's metadata (a `date` field of a record)
    and in its head zone: the first `head-lines` lines, up to the second long
    paragraph. Blank lines and short lines without a digit (a scraped page's
    menu, `Home`, `Sign in`) do not count, so a byline after thirty menu lines
    is still read (up to five times `head-lines` lines in all). When the head
    zone holds no full date, the twelve lines above the article's body (its
    first two long paragraphs in a row) and its first line are read too, for a
    full date on a line that reads as a dateline (a marker, or a byline, the
    date and a time): a scraped page's byline sits there, under a menu longer
    than the head zone. Full dates, partial dates, relative dates in a dateline (`hier
    à 14h41`, `Posted 3 hours ago`) and malformed dates all count as present
    (other rules judge them). Dates of embedded posts (`— Netflix US (@netflix)
    June 15, 2017`) do not.

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
    Reports a year-month date (`2017-06`, `June 2017`, `mars 2022`, `marzo de
    2022`) in the head zone, or in the `date` metadata, when there is no full
    date.

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

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        meta = metadata_date(doc, ctx.vocabulary, ctx.options)
        if meta is not None and meta.date is not None:
            return
        dates, _ = scan_head(doc, ctx.vocabulary, ctx.options)
        if any(d.kind == "full" for d in dates):
            return
        if meta is not None and meta.kind == "partial":
            what = ("a year alone" if meta.text.isdigit() else "a week, no day" if _ISO_WEEK.fullmatch(meta.text)
                    else "year and month, no day")  # `2024`, 2024, `2024-W10`
            yield Violation(f"partial date '{meta.text}' in the metadata ({what}) is the only date")
            return
        for d in dates:
            if d.kind == "partial" and not d.problem:
                yield Violation(f"partial date '{d.text}' (year and month, no day) is the only date", d.start, d.end)
                return


class MalformedDate(DateRule):
    """A date that cannot be right: a month name in another language's order, an impossible day.

    ## What it does
    Reports dates in the head zone (and a `date` metadata field) whose month
    name belongs to another language than the order they are written in
    (`Septembre 14, 2020`: a French month in English order), impossible dates
    (`31/02/2021`, `2021-13-01`, the zero date of an empty field `0000-00-00`)
    and two-digit years (`07/04/21`). The
    unmarked dates on the lines below a well-formed publication date are the
    text's own timestamps (a chat export's `[20/06/24, 19:04]`): their
    two-digit years are its convention, not a defect.

    ## Why it matters
    Such dates come from broken templates or machine translation; date parsers
    reject them or, worse, read them wrongly.

    ## Example
    ```text
    seeds/001.txt:4:1: DAT003 [malformed-date] malformed date 'Septembre 14, 2020': French month name 'Septembre' in English order ('{month} {day}, {year}'); expected '14 septembre 2020'
    ```

    ## Fix
    Rewrite the date in the document's convention (unsafe fix when the
    repair is known: it rewrites the day, month and year as the month's
    language writes them, `14. März 2024`, and keeps a weekday or time
    around them; no fix when the format has words of its own around them).
    """

    code = "DAT003"
    name = "malformed-date"
    fixable = True
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        meta = metadata_date(doc, ctx.vocabulary, ctx.options)
        if meta is not None and meta.problem:
            yield Violation(f"malformed date '{meta.text}' in the metadata: {meta.problem}")
        dates, _ = scan_head(doc, ctx.vocabulary, ctx.options)
        pub = publication_date(doc, ctx.vocabulary, ctx.options)
        for d in dates:
            if not d.problem:
                continue
            if d.problem.startswith(_TWO_DIGIT_YEAR) and _below_publication(doc, d, pub):
                continue  # a chat export's timestamps under its dated title: the text's convention
            msg = f"malformed date '{d.text}': {d.problem}"
            fix = None
            if d.suggestion:
                msg += f"; expected '{d.suggestion}'"
                if d.core is not None:  # the date alone: its weekday and time stay
                    a, z = d.start + d.core[0], d.start + d.core[1]
                    fix = Fix(f"Rewrite '{doc.text[a:z]}' as '{d.suggestion}'", (Edit(a, z, d.suggestion),), safe=False)
            yield Violation(msg, d.start, d.end, fix)


class ImplausibleDate(DateRule):
    """A publication date in the future, or before the corpus could exist.

    ## What it does
    Reports the publication date (metadata or head zone) when it is after
    `reference-date` (default: today) or before the year `floor` (default 1990).

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
        where = " (metadata)" if pub.source == "metadata" else ""
        if pub.date > ref:
            yield Violation(f"publication date {pub.date.isoformat()}{where} is after the reference date {ref.isoformat()}",
                            pub.start, pub.end)
        elif pub.date.year < ctx.options["floor"]:
            yield Violation(f"publication date {pub.date.isoformat()}{where} is before {ctx.options['floor']}",
                            pub.start, pub.end)


class RelativeDate(DateRule):
    """The only date is relative (`il y a 3 heures`, `yesterday`): it needs the crawl date.

    ## What it does
    Reports a relative date in a dateline of the head zone (`hier à 14h41`,
    `Mis en ligne il y a 3 heures`, `vor 2 Tagen`, `Posted 3 hours ago`) when
    there is no absolute date and no `date` or `crawl_date` in the metadata to
    resolve it against. A relative phrase in a headline or a sentence (`le
    drame survenu il y a 3 ans`) is not a date of the document.

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

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        if doc.metadata.get("crawl_date") or metadata_date(doc, ctx.vocabulary, ctx.options) is not None:
            return
        dates, relative = scan_head(doc, ctx.vocabulary, ctx.options)
        if dates or not relative:
            return
        d = relative[0]
        yield Violation(f"relative date '{d.text}' cannot be resolved without the crawl date", d.start, d.end)


class AmbiguousDate(DateRule):
    """A numeric date whose day and month can be read both ways (`03/04/2021` in English).

    ## What it does
    Reports numeric dates in the head zone (and a `date` metadata field) where
    both numbers are 12 or less and differ, and the document's language does
    not settle the order: English (written `MDY` in the US and `DMY` in the UK,
    see `numeric-orders` in its pack) or a language without a date pack.
    French, German, Spanish and Italian documents write `DMY`, ISO dates
    (`2021-04-03`) and dotted dates (`03.04.2021`) are never ambiguous, and
    neither is `25/12/2021`. The publication date is read in the language's
    first order (`MDY` for English, `DMY` otherwise). Unmarked dates on the
    lines below a well-formed publication date (the timestamps of a chat
    export or a log) are left alone: the document is already dated.

    ## Why it matters
    Read the wrong way, every date from the 1st to the 12th of a month moves by
    months, silently: temporal splits and recency filters go wrong without any
    error.

    ## Example
    ```text
    a.txt:2:11: DAT006 [ambiguous-date] ambiguous date '03/04/2021': 4 March or 3 April (the document's language does not settle the order)
    ```

    ## Fix
    Write the date as ISO 8601 (`2021-03-04`) or with the month's name when you
    extract it from the source.
    """

    code = "DAT006"
    name = "ambiguous-date"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        meta = metadata_date(doc, ctx.vocabulary, ctx.options)
        if meta is not None and meta.ambiguous:
            yield Violation(f"ambiguous date '{meta.text}' in the metadata: day and month can be read both ways")
        dates, _ = scan_head(doc, ctx.vocabulary, ctx.options)
        pub = publication_date(doc, ctx.vocabulary, ctx.options)
        for d in dates:
            if d.ambiguous and d.day and d.month and not _below_publication(doc, d, pub):
                one = f"{d.day} {calendar.month_name[d.month]}"
                other = f"{d.month} {calendar.month_name[d.day]}"
                yield Violation(
                    f"ambiguous date '{d.text}': {one} or {other} (the document's language does not settle the order)",
                    d.start, d.end)


class ConflictingDates(DateRule):
    """The head zone gives two different publication dates, or an update before the publication.

    ## What it does
    Compares the dates the head zone marks as published (`Publié le`,
    `Published`, `Veröffentlicht am`, `Publicado el`, `Pubblicato il`) and
    reports a second one on another day, and an updated date (`Mis à jour le`,
    `Updated`) earlier than the publication date. An update after the
    publication is the normal case and is not reported. Dates with a time zone
    may differ by one day (`2022-03-07T23:30:00Z` and `8 mars 2022 à 00h30`).

    ## Why it matters
    Two publication dates mean two pages glued together, or a template that
    mixes the page's date with a related article's: whichever date is kept, half
    the time it is wrong.

    ## Example
    ```text
    a.txt:4:11: DAT007 [conflicting-dates] publication date 2022-03-09 ('9 mars 2022') conflicts with 2022-03-07 on line 2
    ```

    ## Fix
    Check the source page and keep the date of this article; drop the block that
    belongs to another page.
    """

    code = "DAT007"
    name = "conflicting-dates"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        dates, _ = scan_head(doc, ctx.vocabulary, ctx.options)
        published = [d for d in dates if d.marker == "published" and d.date is not None]
        if not published:
            return
        first = published[0]
        assert first.date is not None

        def differ(a: DateMatch, b: DateMatch) -> int:
            assert a.date is not None and b.date is not None
            gap = (a.date - b.date).days
            if (a.zoned or b.zoned) and abs(gap) <= 1:
                return 0
            return gap

        line_of = doc.position(first.start)[0]
        for d in published[1:]:
            if differ(d, first):
                assert d.date is not None
                yield Violation(f"publication date {d.date.isoformat()} ('{d.text}') conflicts with "
                                f"{first.date.isoformat()} on line {line_of}", d.start, d.end)
        for d in dates:
            if d.marker == "updated" and d.date is not None and differ(d, first) < 0:
                yield Violation(f"update date {d.date.isoformat()} ('{d.text}') is before the publication date "
                                f"{first.date.isoformat()} on line {line_of}", d.start, d.end)


@hookimpl
def corpuslint_rules() -> list[Rule]:
    return [MissingDate(), PartialDate(), MalformedDate(), ImplausibleDate(), RelativeDate(), AmbiguousDate(),
            ConflictingDates()]


@lru_cache(maxsize=1)
def _builtin_vocabulary() -> DateVocabulary:
    from corpuslint.packs import builtin_pack_dir, load_packs

    return compile_vocabulary(load_packs([builtin_pack_dir() / "dates"], builtin=True))


#: (rule set, its active list, (vocabulary, options)) of the last annotate call: the hook runs
#: once per document, and the choice below depends on the run alone
_fact_source: tuple[Any, Any, tuple[DateVocabulary, Mapping[str, Any]]] | None = None


def _date_fact_source(ruleset: Any) -> tuple[DateVocabulary, Mapping[str, Any]]:
    """The vocabulary and options the ``date`` fact is computed with, for this rule set."""
    global _fact_source
    if _fact_source is not None and _fact_source[0] is ruleset and _fact_source[1] is ruleset.active:
        return _fact_source[2]
    # the fact follows missing-date (DAT001), the rule that decides whether a document has a
    # date at all; else any active date rule; else the built-in packs with default options
    active = [a for a in ruleset.active if isinstance(a.rule, DateRule)]
    chosen = next((a for a in active if a.code == "DAT001"), active[0] if active else None)
    if chosen is not None:
        source = (chosen.vocabulary, chosen.options)
    else:
        source = (_builtin_vocabulary(), {o.name: o.default for o in _COMMON_OPTIONS})
    _fact_source = (ruleset, ruleset.active, source)
    return source


@hookimpl
def corpuslint_annotate(document: Document, ruleset: Any) -> None:
    if document.binary:
        return
    # computed when first read: free for runs that never look at it (its vocabulary too: a
    # run without date rules would compile the built-in date packs for nothing). The fact
    # holds the document weakly: a document that held itself (facts -> fact -> document)
    # would wait for the cyclic garbage collector, with its lines, paragraphs and scans
    ref = weakref.ref(document)
    document.facts["date"] = LazyFact(lambda: publication_date(_alive(ref), *_date_fact_source(ruleset)))


def _alive(ref: weakref.ref[Document]) -> Document:
    document = ref()
    if document is None:  # only the document's own facts hold this: it is alive when they are read
        raise ReferenceError("the document of this date fact is gone")
    return document
