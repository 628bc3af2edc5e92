"""China's working-day calendar: public holidays and the weekend days worked in exchange (调休上班), as
data (keqiao/common/data/cn-public-holidays.json, from the State Council's yearly notices).

Periods set in working days (a listing's public notice of 20 working days, for instance) count with it.
A date is a working day when it is a weekday that is not a holiday, or a weekend day the notice makes a
working day. For a year without a notice in the data, Monday to Friday count (`covers(year)` is False):
the year is added to the data file when its notice is published.

Hand-written: the maintained library for this (chinese-calendar) reads its own bundled copy of the
same notices and lags their publication; keeping the dates as reviewed data in the repository lets the
platform add a year the day the notice appears.
"""

import datetime
import functools
import json

from .reference import DATA_DIR

DATA_FILE = DATA_DIR / "cn-public-holidays.json"


@functools.cache
def _calendar() -> tuple[dict[datetime.date, str], dict[datetime.date, str], frozenset[int]]:
    with open(DATA_FILE, encoding="utf-8") as fh:
        data = json.load(fh)

    def dates(section: str) -> dict[datetime.date, str]:
        return {
            datetime.date.fromisoformat(day): name for rows in data[section].values() for day, name in rows
        }

    return dates("holidays"), dates("workdays"), frozenset(int(y) for y in data["holidays"])


def covers(year: int) -> bool:
    """Whether the State Council's arrangement of `year` is in the data."""
    return year in _calendar()[2]


def holiday_name(day: datetime.date) -> str:
    """The holiday a date belongs to ('' for none)."""
    return _calendar()[0].get(day, "")


def is_working_day(day: datetime.date) -> bool:
    holidays, workdays, _years = _calendar()
    if day in workdays:
        return True
    if day in holidays:
        return False
    return day.weekday() < 5


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The `days`-th working day after `start` (`start` itself is not counted); `start` for 0."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while days:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days lie after `start` up to and including `end` (0 when `end` <= `start`)."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day)
    return count
