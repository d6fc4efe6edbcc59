"""The planner's reasons, and the states of steps, in words for the people who read them (issue 14,
"words, not codes"): board reports, digests and `govflow status` all use this one module, so a
reason reads the same wherever it is shown.

    move_words(change, titles)    "moved to SSPB on 1 March 2022 because “Wider public consultation
                                   on final draft Strategy” now finishes on 28 February 2022 and
                                   SSPB needs the papers 5 working days before"
    reason_words(why, titles)     the "because …" part alone
    state_words(forecast, step, as_of)   "scheduled 6 Jan 2022", "to be confirmed (forecast April
                                   2022)", "opens 1 Nov 2021, closes 31 Dec 2021"

Words name steps by their titles (`titles`: step key → title, and "document/step" for a step of
another document), bodies by their codes, and days as "1 March 2022": never a step key or an ISO
date. A reason stored before reasons had facts (`why` is None) has no words of its own: a move
then says only where it went. Pure.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from governance_model.model import ForecastChange, Step, StepForecast, StepState
from governance_model.publication import EXEMPT_ITEM
from governance_model.reasons import Reason
from governance_model.window_spans import step_span

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

Titles = Mapping[str, str]


def day_words(day: dt.date) -> str:
    """"1 March 2022", whatever the locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def short_day(day: dt.date) -> str:
    """"6 Jan 2022", as the reports, tables and reasons write a day, whatever the locale
    (reminders.format_day is the long form)."""
    return f"{day.day} {_MONTHS[day.month - 1][:3]} {day.year}"


def month_words(day: dt.date) -> str:
    """"April 2022"."""
    return f"{_MONTHS[day.month - 1]} {day.year}"


def step_words(key: str | None, titles: Titles) -> str:
    """A step as people know it: its title in quotes; a condition by its name; never its key."""
    if not key:
        return "an earlier step"
    if key.startswith("condition:"):
        return f"“{key.removeprefix('condition:')}” (not yet met)"
    title = titles.get(key)
    if title:
        return f"“{title}”"
    return "a step of another document" if "/" in key else "an earlier step"


def _steps(keys, titles: Titles) -> str:
    names = [step_words(k, titles) for k in keys or ()]
    if len(names) <= 1:
        return "".join(names) or "an earlier step"
    return ", ".join(names[:-1]) + " and " + names[-1]


def _on(why: Reason, name: str) -> str:
    day = why.day(name)
    return day_words(day) if day else "a day not yet known"


def _papers(why: Reason) -> str:
    lead = why.get("lead") or 0
    if not lead:
        return ""
    return f" and {why.get('body')} needs the papers {lead} working day{'' if lead == 1 else 's'} before its meeting"


def _meeting(why: Reason) -> str:
    if why.get("no_meeting"):
        return f"; there is no {why.get('body')} meeting in the diary yet"
    return ""


def _body_words(why: Reason, titles: Titles) -> str:  # noqa: C901 - one branch per kind, on purpose
    kind, body = why.kind, why.get("body")
    if kind == "done":
        return f"it was done on {_on(why, 'day')}"
    if kind == "decided":
        return f"{body} {str(why.get('outcome', 'decided')).replace('_', ' ')} it on {_on(why, 'day')}"
    if kind == "rejected":
        return f"{body} rejected the document on {_on(why, 'day')}"
    if kind == "waits_undated":
        steps = why.get("steps") or ()
        return f"it waits for {_steps(steps, titles)}, which {'has' if len(steps) <= 1 else 'have'} no date yet"
    if kind == "anchor_missing":
        return f"its date, “{why.get('when')}”, is counted from something the route does not have"
    if kind == "anchor_undated":
        return f"its date, “{why.get('when')}”, is counted from {step_words(why.get('step'), titles)}, which has no date yet"
    if kind == "counted_from":
        return f"its date is “{why.get('when')}”, counted from {step_words(why.get('step'), titles)} on {_on(why, 'day')}"
    if kind == "in_time_for":
        at = f" at {body}" if body else ""
        lead = why.get("lead") or 0
        papers = f", with the papers {lead} working day{'' if lead == 1 else 's'} before" if lead else ""
        return f"it must be done in time for {step_words(why.get('step'), titles)}{at} on {_on(why, 'day')}{papers}"
    if kind == "followers_undated":
        return "it has no date of its own, and what follows it has no date yet"
    if kind == "after":
        return f"it follows {step_words(why.get('step'), titles)}" if why.get("step") else "it was re-opened"
    if kind == "own_date":
        return f"the route gives it “{why.get('when')}”"
    if kind == "slipped":
        planned = f", later than the planned “{why.get('when')}”" if why.get("when") else ""
        return f"{step_words(why.get('step'), titles)} now finishes on {_on(why, 'day')}{planned}"
    if kind == "deferred":
        return f"{body} deferred it on {_on(why, 'day')}{_meeting(why)}"
    if kind == "meeting_cancelled":
        return f"the {body} meeting of {_on(why, 'cancelled_on')} was cancelled{_meeting(why)}"
    if kind == "meeting_not_fixed":
        return f"the {body} meeting it is on is not yet fixed (“{why.get('when')}”)"
    if kind == "to_be_confirmed":
        return f"its {body} date is to be confirmed"
    if kind == "first_meeting_after":
        return f"{step_words(why.get('step'), titles)} now finishes on {_on(why, 'day')}{_papers(why)}{_meeting(why)}"
    if kind == "first_meeting_from":
        written = f" (the route says “{why.get('when')}”)" if why.get("when") else ""
        return f"it cannot be taken before {_on(why, 'day')}{written}, and {body} meets next on {_on(why, 'meeting_on')}{_meeting(why)}"
    if kind == "too_soon":
        return (
            f"the {body} meeting of {_on(why, 'was')} comes too soon: {step_words(why.get('step'), titles)} "
            f"finishes on {_on(why, 'day')}{_papers(why)}{_meeting(why)}"
        )
    if kind == "expected_late":
        note = f": {why.get('note')}" if why.get("note") else ""
        meets = f", and {body} meets next on {_on(why, 'meeting_on')}" if body and why.get("meeting_on") else _meeting(why)
        return f"expected late by {why.get('by')}{note}; now expected by {_on(why, 'day')} (“{why.get('when')}”){meets}"
    if kind == "on_meeting":
        return f"it is on the {body} meeting of {_on(why, 'day')}"
    if kind == "amendments":
        return f"{body} asked for amendments on {_on(why, 'day')}"
    if kind == "referred_back":
        return f"{body} referred it back on {_on(why, 'day')}"
    if kind == "exempt":
        return EXEMPT_ITEM
    if kind.startswith("change_"):
        return _change_words(why, titles)
    return "it was re-planned"


def _change_words(why: Reason, titles: Titles) -> str:
    """A change a person made, as the cause of a move."""
    kind = why.kind
    if kind == "change_decision":
        outcome = str(why.get("outcome", "decided")).replace("_", " ")
        return f"{why.get('body')} {outcome} {step_words(why.get('step'), titles)} on {_on(why, 'day')}"
    if kind == "change_expected_late":
        note = f": {why.get('note')}" if why.get("note") else ""
        return f"expected late by {why.get('by')}{note} ({step_words(why.get('step'), titles)} now expected by {_on(why, 'day')})"
    if kind == "change_step_done":
        return f"{step_words(why.get('step'), titles)} was done on {_on(why, 'day')}"
    meeting = f"the {why.get('body')} meeting of {_on(why, 'was')}" if why.day("was") else f"the {why.get('body')} meeting"
    if kind == "change_meeting_moved":
        return f"{meeting} moved to {_on(why, 'to')}"
    if kind == "change_meeting_cancelled":
        return f"{meeting} was cancelled"
    if kind == "change_meeting_confirmed":
        return f"{meeting} was confirmed for {_on(why, 'to')}"
    if kind == "change_meeting_added":
        return f"a {why.get('body')} meeting on {_on(why, 'to')} was added"
    return "a change was recorded"


def reason_words(why: Reason | None, titles: Titles = {}) -> str:  # noqa: B006 - read only
    """Why a step sits where it does, as a clause that can follow "because"; "" when not known."""
    if why is None:
        return ""
    words = _body_words(why, titles)
    if why.cause is not None:
        words = f"{_body_words(why.cause, titles)}, and {words}"
    if why.get("risk") == "undated":
        words += f"; at risk: it waits for {_steps(why.get('steps'), titles)}, which has no date yet"
    elif why.get("risk") == "late":
        words += f"; at risk: {step_words(why.get('step'), titles)} is forecast to finish on {_on(why, 'ready')}, after this meeting"
    if why.then is not None and (why.then.kind not in _SAID_BY_THE_CHANGE or why.then.get("risk")):
        words += f"; so {reason_words(why.then, titles)}"
    return words


# The planner's reasons that only repeat the change a person made ("the meeting moved; so it is on
# the meeting"): after a change, they add nothing.
_SAID_BY_THE_CHANGE = frozenset({"expected_late", "on_meeting", "deferred", "decided", "done", "rejected", "referred_back", "amendments", "exempt"})


def risk_words(forecast: StepForecast, titles: Titles = {}) -> str:  # noqa: B006 - read only
    """Why a step kept on its date may not be ready for it ("" when it is not at risk)."""
    if not forecast.at_risk:
        return ""
    why = forecast.why
    if why is not None and why.get("risk") == "undated":
        return f"it waits for {_steps(why.get('steps'), titles)}, which has no date yet"
    if why is not None and why.get("risk") == "late":
        return f"{step_words(why.get('step'), titles)} is forecast to finish on {_on(why, 'ready')}, after this meeting"
    return "what it waits for may not be ready in time"


def _where(why: Reason | None) -> str:
    """The body a step moved to, from the planner's facts: " to SSPB" or ""."""
    while why is not None and why.kind.startswith("change_"):
        why = why.then
    return f" {why.get('body')}" if why is not None and why.get("body") and why.kind not in ("in_time_for", "rejected") else ""


def move_words(change: ForecastChange, titles: Titles = {}) -> str:  # noqa: B006 - read only
    """A date that moved, as a person would write it: "moved to SSPB on 1 March 2022 because …"."""
    where, new = _where(change.why), change.new_date
    place = f"{where.strip()} on {day_words(new)}" if new and where else (day_words(new) if new else "")
    if new is None:
        target = "lost its date"
    elif change.old_date is None:
        target = f"has a date again: {place}"
    elif new < change.old_date:
        target = f"moved forward to {place}"
    else:
        target = f"moved to {place}"
    if change.why is not None and change.why.kind == "exempt":
        return f"{target} ({EXEMPT_ITEM})"
    because = reason_words(change.why, titles)
    return f"{target} because {because}" if because else target


def state_words(forecast: StepForecast, step: Step | None, as_of: dt.date) -> str:
    """Where a step stands, in words that never contradict themselves: a date the route leaves to be
    confirmed is "to be confirmed (forecast April 2022)", not "scheduled"; a window that has not
    opened yet "opens …", not "due"."""
    state, date = forecast.state, forecast.date
    if state is StepState.DONE:
        return f"done {short_day(date)}" if date else "done"
    if state is StepState.STOPPED:
        return "stopped (the document was rejected)"
    if state is StepState.SKIPPED:
        return "skipped"
    when = step.when if step is not None else None
    to_confirm = when is not None and (when.kind == "tbc" or when.tentative)
    if date is None:
        return "to be confirmed" if to_confirm or when is None else "no date yet"
    if state is StepState.OVERDUE:
        return f"overdue since {short_day(date)}"
    if to_confirm and forecast.tentative:
        return f"to be confirmed (forecast {month_words(date)})"
    span = step_span(step, date) if step is not None else None
    if state is StepState.DUE and span is not None and span.opens > as_of:
        return f"opens {short_day(span.opens)}, closes {short_day(span.closes)}"
    if state is StepState.DUE:
        return f"due {short_day(date)}"
    if state is StepState.SCHEDULED and not forecast.tentative:
        return f"scheduled {short_day(date)}"
    return f"forecast {short_day(date)}"


def standing_words(forecast: StepForecast, step: Step | None, as_of: dt.date, titles: Titles = {}) -> str:  # noqa: B006 - read only
    """Where a step stands and, when it is at risk, why: "scheduled 1 Mar 2022 — at risk: …". What
    the board report's timetable, the timeline and the pages say of a step."""
    risk = risk_words(forecast, titles)
    return state_words(forecast, step, as_of) + (f" — at risk: {risk}" if risk else "")
