"""Working days in England and Wales: weekdays that are not bank holidays (or a council's own closures)."""
from __future__ import annotations

import datetime as dt
from typing import Iterable

import holidays

_ONE_DAY = dt.timedelta(days=1)


def is_day_count(value: object) -> bool:
    """A number of days as settings give it: a whole number, 0 or more (True and False are not)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


class WorkingCalendar:
    """Counts working days. Bank holidays come from the `holidays` package; extra closure days
    (a council's Christmas shutdown, say) can be added."""

    def __init__(self, extra_holidays: Iterable[dt.date] = ()):
        # England and Wales share one list of bank holidays; the package files it under "ENG".
        self._bank_holidays = holidays.country_holidays("GB", subdiv="ENG")
        self._extra = frozenset(extra_holidays)

    def holiday_name(self, day: dt.date) -> str | None:
        """The bank holiday (or "Extra holiday") on `day`, if any."""
        if day in self._extra:
            return "Extra holiday"
        return self._bank_holidays.get(day)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self._extra and day not in self._bank_holidays

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day` (before it when n is negative); n = 0 gives `day`."""
        step = _ONE_DAY if n >= 0 else -_ONE_DAY
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days after `a` up to and including `b`; negative when `b` is before `a`.

        Chosen so that `add_working_days(a, working_days_between(a, b)) == b` whenever `b` is a
        working day."""
        if b < a:
            # Counting back: the working days from b up to (not including) a.
            return -self._count(b - _ONE_DAY, a - _ONE_DAY)
        return self._count(a, b)

    def on_or_before_working_day(self, day: dt.date) -> dt.date:
        """The day a deadline falls due: `day` itself, or the last working day before it."""
        while not self.is_working_day(day):
            day -= _ONE_DAY
        return day

    def on_or_after_working_day(self, day: dt.date) -> dt.date:
        """`day` itself, or the first working day after it."""
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def _count(self, a: dt.date, b: dt.date) -> int:
        """Working days in the half-open span (a, b]."""
        count = 0
        day = a + _ONE_DAY
        while day <= b:
            if self.is_working_day(day):
                count += 1
            day += _ONE_DAY
        return count
