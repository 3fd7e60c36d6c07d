"""Other calendars than the Gregorian one: conversions, and the date packs that name them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import tomllib

from corpuslint.families import dates
from corpuslint.families.calendars import CALENDARS, solar_hijri_days_in, solar_hijri_to_gregorian
from corpuslint.packs import Pack, PackError
from corpuslint.session import open_session


@pytest.mark.parametrize(
    ("solar", "gregorian"),
    [
        ((1402, 12, 17), dt.date(2024, 3, 7)),
        ((1403, 1, 1), dt.date(2024, 3, 20)),  # Nowruz 1403
        ((1402, 1, 1), dt.date(2023, 3, 21)),  # Nowruz 1402
        ((1402, 12, 29), dt.date(2024, 3, 19)),
        ((1399, 12, 30), dt.date(2021, 3, 20)),  # a leap year's Esfand 30
        ((1357, 11, 22), dt.date(1979, 2, 11)),
        ((1300, 1, 1), dt.date(1921, 3, 21)),
    ],
)
def test_solar_hijri_dates_convert_to_their_gregorian_day(solar: tuple[int, int, int], gregorian: dt.date) -> None:
    assert solar_hijri_to_gregorian(*solar) == gregorian


def test_solar_hijri_months_and_years_are_continuous() -> None:
    """Each day of 1300-1499 is the day after the one before it: no gap or overlap at a month's
    or a year's end, and every year has 365 or 366 days."""
    day = solar_hijri_to_gregorian(1300, 1, 1)
    for year in range(1300, 1500):
        length = sum(solar_hijri_days_in(year, m) for m in range(1, 13))
        assert length in (365, 366)
        for month in range(1, 13):
            for d in range(1, solar_hijri_days_in(year, month) + 1):
                assert solar_hijri_to_gregorian(year, month, d) == day, (year, month, d)
                day += dt.timedelta(days=1)


def test_esfand_has_thirty_days_in_leap_years_only() -> None:
    assert [solar_hijri_days_in(y, 12) for y in (1399, 1400, 1401, 1402, 1403)] == [30, 29, 29, 29, 30]
    assert solar_hijri_days_in(1402, 6) == 31 and solar_hijri_days_in(1402, 7) == 30


def _pack(tmp_path: Path, body: str) -> Pack:
    path = tmp_path / "x.toml"
    path.write_text(body, encoding="utf-8")
    return Pack(path=path, extends="dates", kind=None, language="fa", meta={}, data=tomllib.loads(body))


MONTHS = "months = [" + ", ".join(f'["m{i}"]' for i in range(1, 13)) + "]\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('calendar = "lunar-hijri"\n' + MONTHS, "key 'calendar' must be one of"),
        ('calendar = "solar-hijri"\n', "needs a language and its 'months'"),
        ('calendar = "solar-hijri"\n' + MONTHS + 'formats = ["{day} {month} {yy}"]\n', "writes its year in full"),
    ],
)
def test_a_calendar_pack_that_cannot_be_read_is_a_pack_error(tmp_path: Path, body: str, message: str) -> None:
    dates._VOCAB_CACHE.clear()
    with pytest.raises(PackError, match=message):
        dates.compile_vocabulary([_pack(tmp_path, body)])


def _date(text: str, language: str | None = None) -> object:
    s = open_session(isolated=True, overrides={"select": ["date"], **({"language": language} if language else {})})
    doc = s.document(text, path="x.txt")
    s.engine().lint_document(doc)
    return doc.facts["date"]


def test_a_solar_hijri_date_is_read_in_a_persian_document_only() -> None:
    persian = "بودجه\n۱۷ اسفند ۱۴۰۲\n\nنمایندگان مجلس روز پنجشنبه لایحه بودجه را تصویب کردند."
    assert _date(persian).date == dt.date(2024, 3, 7)  # type: ignore[attr-defined]
    # the same line in an Arabic document: its years are other numbers there
    arabic = "الميزانية\n١٧ اسفند ١٤٠٢\n\nقال الرئيس في كلمة ألقاها اليوم إن الحكومة ستواصل العمل على تنفيذ الخطة."
    assert _date(arabic) is None
    # and in an English one, a number of that size is no year
    assert _date("Council\n17 دی 1402\n\nThe council approved the budget on Tuesday after a long debate.") is None


def test_the_solar_hijri_calendar_is_registered() -> None:
    assert CALENDARS["solar-hijri"].to_gregorian(1403, 1, 1) == dt.date(2024, 3, 20)


def test_a_window_opened_by_a_common_era_year_reads_no_solar_date_outside_persian() -> None:
    s = open_session(isolated=True, overrides={"select": ["date"]})
    vocab = next(ar for ar in s.ruleset.active if ar.code == "DAT001").vocabulary
    text = "۱۷ دی ۱۴۰۲ / 7 January 2024".translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
    assert [(d.year, d.month, d.day) for d in dates.find_dates(text, vocab, "fa")] == [(2024, 1, 7), (2024, 1, 7)]
    assert [(d.year, d.month, d.day) for d in dates.find_dates(text, vocab, "en")] == [(2024, 1, 7)]
