"""The digest: everything one person is reminded of on one night, in one message, as a subject, a
plain-text part and an HTML part rendered from the Jinja2 templates in `templates/`.

    digest = build_digest(person, reminders, describe=working_day_describer(calendar))

Items come overdue first, then by deadline. Each names what is due (the document and step, or the
plan and action), the board, the deadline as a date and in words (`describe(deadline, night)`), and
the When as it was written in the papers. An item whose When is a window (a consultation "from 11
July for eight weeks", "One month Jan/Feb 22") also says when it opens and when it closes ("opens
Tuesday 4 January 2022, closes Monday 28 February 2022"); its deadline is the day it closes. A
route step whose date moved says why, in words ("Why this date: moved to SSPB on 8 March 2022
because …", `ReminderItem.why`, stored with the reminder); one whose date never moved says nothing.

A digest is as of the night it goes out for: the latest night among its reminders, or the night of
the run that caught up with them (`Reminder.caught_up_on`). A reminder owed on an earlier night (a
night the nightly missed, or a send that failed) is late, and the digest says so: how many and from
when at the top, and on each item the day each of its late reminders was owed.

With answer links (GOVFLOW_ANSWER_KEY set), each item ends with its signed links: Done, Add an
update, It will be late (a papers item has no Done link), opening pages of `govflow serve` where the
owner answers in one click (notifications.answer_links, govflow.web.answers).

A board secretary's digest lists first the "done" answers owners gave that wait for their
confirmation (section "Answers awaiting your confirmation", governance_model.answer_reminders).

The message ends with the address of the person's own private calendar (`FeedLinks`, when they have
one): the one place a person is told it, so each digest carries theirs and no one else's.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

import jinja2

from governance_model.model import Person
from notifications.answer_links import AnswerLink, DigestLinks
from notifications.errors import Error

if TYPE_CHECKING:
    from governance_model.reminders import Reminder
    from governance_model.working_days import WorkingCalendar

TEMPLATES = Path(__file__).resolve().parent / "templates"

ANSWER = "answer"  # an item that is an owner's answer awaiting the reader's confirmation (governance_model.answer_reminders)
ANSWERS_SECTION = "Answers awaiting your confirmation"

Describe = Callable[[dt.date, dt.date], str]  # (deadline, night) → "in 3 working days", "2 working days overdue"

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(day: dt.date) -> str:
    """"Tuesday 15 March 2022", whatever the locale."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def short_date(day: dt.date) -> str:
    """"15 Mar 2022", whatever the locale."""
    return f"{day.day} {_MONTHS[day.month - 1][:3]} {day.year}"


def working_day_describer(calendar: WorkingCalendar | None = None) -> Describe:
    """The rules' own wording of a deadline, counted in working days (England's bank holidays by
    default): `governance_model.reminders.describe_deadline` with the calendar filled in."""
    from governance_model.reminders import describe_deadline
    from governance_model.working_days import WorkingCalendar

    return partial(_describe_with, describe_deadline, calendar or WorkingCalendar())


def _describe_with(describe_deadline, calendar, deadline: dt.date, night: dt.date) -> str:
    return describe_deadline(deadline, night, calendar)


def describe_rule(rule: str) -> str:
    """Why the reminder is sent, in words: "before-7" → "7 working days' notice"…"""
    if match := re.fullmatch(r"before-(\d+)", rule):
        days = int(match.group(1))
        return "1 working day's notice" if days == 1 else f"{days} working days' notice"
    if rule == "on-the-day":
        return "due today"
    if rule == "opens":
        return "its window opens"
    if rule == "papers-deadline":
        return "papers deadline for the meeting"
    if match := re.fullmatch(r"papers-before-(\d+)", rule):
        return f"{describe_rule(f'before-{match.group(1)}')} of the papers deadline"
    if match := re.fullmatch(r"overdue-(\d+)", rule):
        return "overdue" if match.group(1) == "1" else f"overdue, reminder {match.group(1)}"
    if rule == "awaiting-confirmation":
        return "its owner answered it done: it waits for your confirmation"
    if rule.startswith("escalation"):
        return "escalated to you: overdue and not yet done"
    return rule.replace("-", " ")


@dataclass(frozen=True)
class DigestItem:
    """One thing owed, as the message shows it."""

    kind: str  # "step" | "action" | "papers" | "answer"
    key: str
    title: str  # the step or action
    context: str  # the document or plan (and recommendation)
    body_code: str | None
    deadline: dt.date
    deadline_long: str  # "Tuesday 15 March 2022"
    deadline_words: str  # "in 3 working days", "2 working days overdue"
    when_text: str  # as written in the papers
    overdue: bool
    rule: str
    rule_words: str  # every reason it is reminded of tonight: "it opens; 14 working days' notice"
    opens: dt.date | None = None  # the day its window opens; None: not a window
    window_words: str = ""  # "opens Tuesday 4 January 2022, closes Monday 28 February 2022"; "" if none
    # Its reminders owed on earlier nights and not sent then: "owed Tuesday 4 January 2022 (7 working
    # days' notice)"; "" when none is late.
    late_words: str = ""
    # Why its date is what it is, when it moved: "moved to SSPB on 8 March 2022 because …"; "" if not.
    why_words: str = ""
    # Done / Add an update / It will be late, each a signed link to a page of `govflow serve`
    # (notifications.answer_links); () when the links are off (no GOVFLOW_ANSWER_KEY).
    answers: tuple[AnswerLink, ...] = ()


@dataclass(frozen=True)
class FeedLinks:
    """The address of one person's private calendar feed, both ways a calendar program takes it."""

    webcal: str  # webcal://…/feeds/person/<token>.ics: Outlook, Apple and Thunderbird subscribe on a click
    https: str  # the same over http(s)://, to paste into Google Calendar or any other program


@dataclass(frozen=True)
class Digest:
    """One message for one person: subject, plain text, HTML, and the reminders it covers."""

    recipient: str  # the person's initials
    recipient_name: str
    email: str | None
    night: dt.date
    subject: str
    text: str
    html: str
    items: tuple[DigestItem, ...]
    reminder_keys: tuple[str, ...]  # every reminder shown: the outbox marks exactly these sent
    key: str = ""  # the outbox message it renders ("message-12"); names the .eml file
    # The HTML an email's text part is converted from: `html` with each answer link's address
    # written out (a conversion to text keeps no address); "" when it is `html` itself.
    html_for_text: str = ""

    def message_id(self, domain: str) -> str:
        """The Message-ID of this digest's email, `<message-12.3f9a…@govflow.council.example.org>`:
        the outbox message it renders and a fingerprint of the reminders it shows. A resend of
        the same digest (after a crash between the relay's answer and the outbox's record of it)
        carries the same one, so relays and mail clients drop or thread the repeat; a different
        digest (another message, or more reminders joined) carries another."""
        shown = "\n".join([self.recipient, *sorted(set(self.reminder_keys))])
        fingerprint = hashlib.sha256(shown.encode()).hexdigest()[:16]
        local = re.sub(r"[^A-Za-z0-9-]+", "-", self.key or f"digest-{self.night.isoformat()}").strip("-")
        host = re.sub(r"[^A-Za-z0-9.-]+", "-", domain.lower()).strip(".-") or "localhost"
        return f"<{local}.{fingerprint}@govflow.{host}>"

    @property
    def overdue(self) -> int:
        return sum(item.overdue for item in self.items)

    @property
    def next_due(self) -> dt.date | None:
        upcoming = [item.deadline for item in self.items if not item.overdue]
        return min(upcoming) if upcoming else None


class EmptyDigest(Error):
    """A digest needs at least one reminder."""


def build_digest(
    person: Person,
    reminders: Iterable[Reminder],
    describe: Describe | None = None,
    *,
    key: str = "",
    app_name: str = "govflow",
    feed: FeedLinks | None = None,
    answer_links: DigestLinks | None = None,
) -> Digest:
    """The digest of `reminders` (all for `person`) as of the latest night among them; `feed`,
    the address of the person's own calendar, goes at its foot; with `answer_links`, each item
    carries its signed Done / Add an update / It will be late links, for `person`.

    An item reminded of more than once (a failed send joined by the next night's reminder) shows
    once, with its latest reminder."""
    reminders = list(reminders)
    if not reminders:
        raise EmptyDigest(f"no reminders for {person.initials}: nothing to send")
    strangers = sorted({r.recipient for r in reminders if r.recipient != person.initials})
    if strangers:
        raise Error(f"a digest for {person.initials} cannot hold reminders for {', '.join(strangers)}")
    describe = describe or working_day_describer()
    night = max(r.goes_out_on for r in reminders)
    late = sorted({(r.night, r.rule, r.item.key, r.key) for r in reminders if r.night < night})

    latest: dict[str, Reminder] = {}
    for reminder in sorted(reminders, key=lambda r: r.night):
        latest[reminder.item.key] = reminder
    # An item reminded of twice on its latest night (the day a window opens can also be a
    # before-N day) shows once, with both reasons.
    rules: dict[str, list[str]] = {}
    for reminder in sorted(reminders, key=lambda r: (r.rule != "opens", r.rule)):
        if reminder.night == latest[reminder.item.key].night and reminder.rule not in rules.setdefault(reminder.item.key, []):
            rules[reminder.item.key].append(reminder.rule)
    def answers(item) -> tuple[AnswerLink, ...]:
        if answer_links is None:
            return ()
        return answer_links.for_item(person.initials, item.kind, item.key, item.deadline, night)

    items = sorted(
        (
            _item(reminder, night, describe, rules[reminder.item.key], late_words(late, reminder.item.key), answers(reminder.item))
            for reminder in latest.values()
        ),
        key=lambda i: (not i.overdue, i.deadline, i.context, i.title, i.key),
    )
    awaiting = [i for i in items if i.kind == ANSWER]
    overdue = [i for i in items if i.overdue]
    upcoming = [i for i in items if not i.overdue and i.kind != ANSWER]
    subject = _subject(app_name, person.initials, items, overdue, upcoming, len(late), len(awaiting))
    context = {
        "app_name": app_name,
        "person": person,
        "greeting_name": person.name or person.initials,
        "night_long": long_date(night),
        "subject": subject,
        "items": items,
        "count": len(items),
        "sections": [
            (title, group) for title, group in ((ANSWERS_SECTION, awaiting), ("Overdue", overdue), ("Coming up", upcoming)) if group
        ],
        "late_count": len(late),
        "late_since": long_date(late[0][0]) if late else "",
        "feed": feed,
        "spell_out_links": False,
    }
    return Digest(
        recipient=person.initials,
        recipient_name=person.name,
        email=person.email,
        night=night,
        subject=subject,
        text=_render("digest.txt.j2", context),
        html=_render("digest.html.j2", context),
        items=tuple(items),
        reminder_keys=tuple(r.key for r in reminders),
        key=key,
        html_for_text=_render("digest.html.j2", {**context, "spell_out_links": True}) if answer_links is not None else "",
    )


def late_words(late: list[tuple[dt.date, str, str, str]], item_key: str) -> str:
    """The late reminders (night, rule, item key, key) of one item in words: "owed Tuesday 4 January
    2022 (7 working days' notice) and Friday 7 January 2022 (2 working days' notice)"."""
    owed = list(dict.fromkeys(f"{long_date(night)} ({describe_rule(rule)})" for night, rule, key, _ in late if key == item_key))
    if not owed:
        return ""
    return "owed " + (owed[0] if len(owed) == 1 else ", ".join(owed[:-1]) + " and " + owed[-1])


def _item(
    reminder: Reminder, night: dt.date, describe: Describe, rules: list[str], late: str = "", answers: tuple[AnswerLink, ...] = ()
) -> DigestItem:
    item = reminder.item
    return DigestItem(
        kind=item.kind,
        key=item.key,
        title=item.title,
        context=item.context,
        body_code=item.body_code,
        deadline=item.deadline,
        deadline_long=long_date(item.deadline),
        deadline_words=describe(item.deadline, night),
        when_text=item.when_text,
        overdue=item.deadline < night and item.kind != ANSWER,  # an answer's day is when it came, not a deadline
        rule=reminder.rule,
        rule_words="; ".join(describe_rule(rule) for rule in rules),
        opens=item.opens,
        window_words=window_words(item.opens, item.deadline, night) if item.opens is not None else "",
        late_words=late,
        why_words=item.why,
        answers=answers,
    )


def window_words(opens: dt.date, closes: dt.date, night: dt.date) -> str:
    """"opens Tuesday 4 January 2022, closes Monday 28 February 2022" (as of `night`: "opened" once
    it has, "closed" once it has)."""
    return (
        f"{'opens' if opens >= night else 'opened'} {long_date(opens)}, "
        f"{'closes' if closes >= night else 'closed'} {long_date(closes)}"
    )


def _subject(app_name: str, initials: str, items, overdue, upcoming, late: int = 0, answers: int = 0) -> str:
    """"govflow: 3 items for GB — 1 overdue, next due 15 Mar 2022" (", 2 reminders late" when some
    were owed on earlier nights; "1 answer to confirm" first for a secretary)."""
    count = f"{len(items)} item{'s' if len(items) != 1 else ''}"
    details = [f"{answers} answer{'s' if answers != 1 else ''} to confirm"] if answers else []
    if overdue:
        details.append(f"{len(overdue)} overdue")
    if upcoming:
        details.append(f"next due {short_date(min(i.deadline for i in upcoming))}")
    if late:
        details.append(f"{late} reminder{'s' if late != 1 else ''} late")
    return f"{app_name}: {count} for {initials} — {', '.join(details)}"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        # Escape everything in the HTML templates: titles and When texts come from the papers.
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _render(template: str, context: dict) -> str:
    return _environment().get_template(template).render(**context)
