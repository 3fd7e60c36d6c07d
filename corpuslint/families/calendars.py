"""Calendars other than the Gregorian one that date packs can name (``calendar = "..."``).

A pack of such a calendar lists its months and formats; the date rules read its dates and
convert them to the Gregorian calendar, so that every other check (a date in the future, a
publication date) works on one calendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Calendar:
    """How to read the dates of one calendar."""

    name: str
    #: the digits of a year of this calendar that a document of today may hold (the `{year}` token)
    year_regex: str
    #: (year, month, day) of this calendar -> the Gregorian date
    to_gregorian: Callable[[int, int, int], dt.date]
    #: (year, month) -> the number of days of that month
    days_in: Callable[[int, int], int]


def _solar_hijri_day_number(year: int, month: int, day: int) -> int:
    """Days since 1 January of year 1 (proleptic Gregorian, day 1) of a Solar Hijri date.

    The arithmetic 33-year cycle of the Iranian calendar (leap years 1, 5, 9, 13, 17, 22,
    26, 30 of each cycle, counted from 475): it agrees with the official, astronomical
    calendar on every year from 1244 to 1473 SH (1865-2094).
    """
    jy = year + 1595
    days = (-355668 + 365 * jy + (jy // 33) * 8 + ((jy % 33) + 3) // 4 + day
            + ((month - 1) * 31 if month < 7 else (month - 7) * 30 + 186))
    # `days` counts from 1 March of year -1 in the proleptic Gregorian calendar's arithmetic
    # of the reference algorithm; date.toordinal counts from 1 January of year 1
    return days + _SOLAR_EPOCH_SHIFT


#: the shift between the day count above and ``date.toordinal`` (1 Farvardin 1403 = 20 March 2024)
_SOLAR_EPOCH_SHIFT = dt.date(2024, 3, 20).toordinal() - (
    -355668 + 365 * (1403 + 1595) + ((1403 + 1595) // 33) * 8 + (((1403 + 1595) % 33) + 3) // 4 + 1
)


def solar_hijri_to_gregorian(year: int, month: int, day: int) -> dt.date:
    """The Gregorian date of a Solar Hijri (Iranian, Afghan) date: 17 Esfand 1402 is 7 March 2024."""
    return dt.date.fromordinal(_solar_hijri_day_number(year, month, day))


def solar_hijri_days_in(year: int, month: int) -> int:
    """31 days in the first six months, 30 in the next five, 29 or 30 in Esfand."""
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return _solar_hijri_day_number(year + 1, 1, 1) - _solar_hijri_day_number(year, 12, 1)


CALENDARS: dict[str, Calendar] = {
    "solar-hijri": Calendar(
        "solar-hijri",
        # 1300 SH is 1921: older dates are history, not a document's publication
        year_regex=r"1[34]\d\d",
        to_gregorian=solar_hijri_to_gregorian,
        days_in=solar_hijri_days_in,
    ),
}
