"""Working days in England and Wales: weekends and bank holidays, deadlines that fall on them."""
from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from governance_model.working_days import WorkingCalendar

D = dt.date
calendar = WorkingCalendar()


def test_bank_holidays_and_weekends_are_not_working_days():
    assert calendar.is_working_day(D(2021, 12, 24))  # Christmas Eve, a Friday
    assert not calendar.is_working_day(D(2021, 12, 25))  # Saturday
    assert not calendar.is_working_day(D(2021, 12, 27))  # Christmas Day (substitute)
    assert not calendar.is_working_day(D(2021, 12, 28))  # Boxing Day (substitute)
    assert not calendar.is_working_day(D(2022, 1, 3))  # New Year's Day (substitute)
    assert not calendar.is_working_day(D(2022, 6, 3))  # Platinum Jubilee
    assert not calendar.is_working_day(D(2022, 9, 19))  # State funeral
    assert calendar.is_working_day(D(2022, 3, 17))  # St Patrick's Day: Northern Ireland only
    assert calendar.holiday_name(D(2022, 4, 15)) == "Good Friday"


def test_deadline_on_a_bank_holiday_falls_due_the_working_day_before():
    assert calendar.on_or_before_working_day(D(2021, 12, 27)) == D(2021, 12, 24)
    # Easter Monday: Good Friday is a holiday too, so Thursday.
    assert calendar.on_or_before_working_day(D(2022, 4, 18)) == D(2022, 4, 14)
    assert calendar.on_or_before_working_day(D(2022, 4, 13)) == D(2022, 4, 13)
    assert calendar.on_or_after_working_day(D(2021, 12, 25)) == D(2021, 12, 29)


def test_add_working_days_across_christmas_2021():
    assert calendar.add_working_days(D(2021, 12, 23), 1) == D(2021, 12, 24)
    assert calendar.add_working_days(D(2021, 12, 24), 1) == D(2021, 12, 29)
    assert calendar.add_working_days(D(2021, 12, 24), 3) == D(2021, 12, 31)
    assert calendar.add_working_days(D(2021, 12, 24), 4) == D(2022, 1, 4)
    assert calendar.add_working_days(D(2022, 1, 4), -2) == D(2021, 12, 30)
    assert calendar.add_working_days(D(2021, 12, 29), -1) == D(2021, 12, 24)
    assert calendar.add_working_days(D(2021, 12, 25), 0) == D(2021, 12, 25)


def test_working_days_between_counts_after_the_first_up_to_the_second():
    assert calendar.working_days_between(D(2021, 12, 24), D(2022, 1, 4)) == 4
    assert calendar.working_days_between(D(2022, 1, 4), D(2021, 12, 24)) == -4
    assert calendar.working_days_between(D(2021, 12, 24), D(2021, 12, 28)) == 0
    assert calendar.working_days_between(D(2022, 4, 11), D(2022, 4, 11)) == 0


def test_extra_holidays_are_closures_too():
    shutdown = WorkingCalendar(extra_holidays=[D(2021, 12, 29), D(2021, 12, 30), D(2021, 12, 31)])
    assert shutdown.add_working_days(D(2021, 12, 24), 1) == D(2022, 1, 4)
    assert shutdown.on_or_before_working_day(D(2022, 1, 3)) == D(2021, 12, 24)
    assert shutdown.holiday_name(D(2021, 12, 30)) == "Extra holiday"


@settings(max_examples=60, deadline=None)
@given(start=st.dates(D(2019, 1, 1), D(2028, 12, 31)), n=st.integers(-30, 30))
def test_adding_then_counting_working_days_round_trips(start, n):
    end = calendar.add_working_days(start, n)
    assert calendar.is_working_day(end) or n == 0
    assert calendar.working_days_between(start, end) == n
