"""The working-day calendar counts China's public holidays and the weekend days worked in exchange."""

import datetime

import pytest

from keqiao.common import workdays

D = datetime.date


def test_holidays_and_exchanged_working_days():
    assert not workdays.is_working_day(D(2026, 10, 1))  # 国庆节, a Thursday
    assert workdays.holiday_name(D(2026, 10, 5)) == "国庆节"
    assert workdays.is_working_day(D(2026, 10, 10))  # a Saturday worked in exchange
    assert workdays.is_working_day(D(2026, 9, 20))  # a Sunday worked in exchange
    assert not workdays.is_working_day(D(2026, 2, 16))  # 春节
    assert workdays.is_working_day(D(2026, 2, 14)) and workdays.is_working_day(D(2026, 2, 28))
    assert not workdays.is_working_day(D(2026, 12, 5))  # an ordinary Saturday
    assert workdays.is_working_day(D(2026, 12, 4))  # an ordinary Friday
    assert workdays.holiday_name(D(2026, 12, 4)) == ""


def test_counting_across_national_day():
    # From Wednesday 30 September 2026: 1–7 October are off, Saturday 10 October is worked.
    assert workdays.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert workdays.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert workdays.add_working_days(D(2026, 9, 30), 4) == D(2026, 10, 12)
    assert workdays.working_days_between(D(2026, 9, 30), D(2026, 10, 12)) == 4


def test_counting_across_spring_festival():
    # Friday 13 February 2026: Saturday 14 worked, 15–23 off, back on Tuesday 24.
    assert workdays.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert workdays.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    # 20 working days from 2 February 2026 end on 6 March, not on 2 March as weekdays alone would.
    plain = D(2026, 2, 2)
    assert workdays.add_working_days(plain, 20) == D(2026, 3, 6)
    assert workdays.working_days_between(plain, D(2026, 3, 6)) == 20


def test_2025_and_the_years_covered():
    assert workdays.covers(2025) and workdays.covers(2026)
    assert not workdays.covers(2031)
    assert workdays.is_working_day(D(2025, 9, 28)) and not workdays.is_working_day(D(2025, 10, 8))
    assert workdays.add_working_days(D(2031, 1, 3), 1) == D(2031, 1, 6)  # Mon–Fri without a notice


def test_zero_and_negative():
    assert workdays.add_working_days(D(2026, 10, 1), 0) == D(2026, 10, 1)
    assert workdays.working_days_between(D(2026, 10, 9), D(2026, 10, 1)) == 0
    with pytest.raises(ValueError):
        workdays.add_working_days(D(2026, 10, 1), -1)
