"""Meeting rules generate the sittings a secretary would write in the diary."""
import datetime as dt

import pytest

from governance_model.meeting_rules import LONDON, MeetingRuleError, read_meeting_rule


def days(rule: str, first: str, last: str) -> list[str]:
    return [d.strftime("%Y-%m-%d %H:%M") for d in read_meeting_rule(rule).dates(dt.date.fromisoformat(first), dt.date.fromisoformat(last))]


def test_first_wednesday_of_alternate_months_counts_from_the_first_month():
    assert days("first Wednesday of alternate months at 14:00", "2021-09-01", "2022-03-31") == [
        "2021-09-01 14:00",
        "2021-11-03 14:00",
        "2022-01-05 14:00",
        "2022-03-02 14:00",
    ]


def test_third_tuesday_of_every_month_includes_sendops_21_september_2021():
    assert days("third Tuesday of every month at 14:00", "2021-09-01", "2021-11-30") == [
        "2021-09-21 14:00",
        "2021-10-19 14:00",
        "2021-11-16 14:00",
    ]


def test_last_thursday_of_named_months():
    assert days("last Thursday of March, June, September and December at 18:30", "2022-01-01", "2022-12-31") == [
        "2022-03-31 18:30",
        "2022-06-30 18:30",
        "2022-09-29 18:30",
        "2022-12-29 18:30",
    ]


def test_sittings_are_local_london_time_in_summer_and_winter():
    rule = read_meeting_rule("second Monday of every month at 10:00")
    sittings = rule.dates(dt.date(2022, 1, 1), dt.date(2022, 7, 31))
    assert all(s.tzinfo == LONDON for s in sittings)
    assert sittings[0].utcoffset() == dt.timedelta(0)  # January: GMT
    assert sittings[-1].utcoffset() == dt.timedelta(hours=1)  # July: BST


@pytest.mark.parametrize(
    "rule, complaint",
    [
        ("fifth Monday of every month at 10:00", "'fifth' is not first"),
        ("first Funday of every month at 10:00", "'funday' is not a day"),
        ("first Monday of most months at 10:00", "'most months' is neither"),
        ("first Monday of every month", "no time given"),
        ("first Monday of every month at 25:00", "is not a time"),
        ("whenever the chair says", "expected"),
    ],
)
def test_unreadable_rules_quote_the_rule_and_say_why(rule, complaint):
    with pytest.raises(MeetingRuleError) as caught:
        read_meeting_rule(rule)
    assert repr(rule) in str(caught.value)
    assert complaint in str(caught.value)
