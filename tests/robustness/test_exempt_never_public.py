"""Whatever the setup, exempt business never reaches a public output (issue 12, defect 1).

Hypothesis builds councils with public and exempt bodies and documents. Everything exempt carries
the marker "Xqz" (exempt bodies' codes, names and so their meeting keys; exempt documents' keys,
titles and step titles; the keys and titles of public documents' steps at exempt bodies; the
minutes of decisions taken at exempt bodies; the plans that are exempt business — the follow-ups
of questions at an exempt body's meeting, and the plans delivering an exempt document, issue 15),
and nothing public does. Routes cross public and exempt bodies and may wait for other documents'
steps; exempt bodies decide, and move their meetings. Then every public output is made, and none
may hold the marker: the Report to Board of each public body (Markdown, HTML, the Prefect
artifact's Markdown, the files' names, the reports folder's index, and as `govflow serve` renders
it on request), every plan report in the reports folder and as served, every public feed and the private
feeds of people outside the exempt business, the reminder digests to those people, the nightly's
summary artifact and its summary, and the status (as printed and as JSON).
In-memory storage (tests/fakes.py), so a hundred councils take seconds.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendars.feeds import build_feeds
from governance_model.model import (
    Action,
    ActionPlan,
    Body,
    Decision,
    DecisionOutcome,
    Document,
    Meeting,
    Person,
    Recommendation,
    Route,
    Step,
    StepKind,
)
from governance_model.route_planner import MeetingIndex, bind_meetings
from governance_model.strategy import follow_up_plan_key
from governance_model.when import When
from govflow.cli.console import out, print_status
from govflow.services import report_writing, route_changes, status_overview
from govflow.services.night_planning import (
    advance_routes,
    load_snapshot,
    nights_to_run,
    owed_reminders,
    public_summary,
    save_route_update,
    summary_markdown,
)
from notifications.digest import build_digest
from tests.fakes import FakeUnitOfWork

LONDON = ZoneInfo("Europe/London")
MARKER = "xqz"  # compared without regard to case
NOW = dt.datetime(2022, 1, 3, 3, tzinfo=dt.timezone.utc)
FIRST_NIGHT, CHANGE_DAY, LAST_NIGHT = dt.date(2022, 1, 3), dt.date(2022, 1, 10), dt.date(2022, 2, 4)
MEETING_DAYS = [dt.date(2022, 1, 5) + dt.timedelta(weeks=w) for w in range(0, 12, 2)]  # Wednesdays
INSIDE, OUTSIDE = ["AA", "BB", "CC"], ["OA", "OB"]  # who exempt business, and public business, is given to
PEOPLE = INSIDE + OUTSIDE
WORDS = st.text(alphabet="abcdefghijklmnoprstuvw ", min_size=1, max_size=10).map(str.strip).filter(bool)


def when_on(day: dt.date) -> When:
    text = f"{day.day} {day:%B %Y}"
    return When(kind="date", start=day, end=day, text=text)


@st.composite
def councils(draw) -> dict:
    bodies = []
    for i in range(draw(st.integers(2, 4))):
        exempt = i == 0 or draw(st.booleans())  # at least one exempt body
        code = f"XQZ{i}" if exempt else f"PB{i}"
        days = draw(st.lists(st.sampled_from(MEETING_DAYS), min_size=1, max_size=4, unique=True))
        meetings = [Meeting(f"{code}-{d.isoformat()}", code, dt.datetime.combine(d, dt.time(14), LONDON)) for d in sorted(days)]
        name = f"{draw(WORDS)} Xqz panel {i}" if exempt else f"{draw(WORDS)} board {i}"
        secretary = draw(st.sampled_from(INSIDE if exempt else PEOPLE))
        bodies.append(Body(code, name, secretary=secretary, meetings=meetings, exempt=exempt,
                           papers_lead_days=draw(st.integers(0, 5))))
    exempt_bodies = {b.code for b in bodies if b.exempt}
    documents = []
    for d in range(draw(st.integers(2, 4))):
        exempt = d == 0 or draw(st.booleans())  # at least one exempt document
        key = f"xqz-doc-{d}" if exempt else f"doc-{d}"
        steps = []
        for position in range(draw(st.integers(1, 4))):
            body = draw(st.one_of(st.none(), st.sampled_from([b.code for b in bodies])))
            hidden = exempt or body in exempt_bodies
            step_key = f"xqz-s{position}" if body in exempt_bodies else f"s{position}"
            title = f"{draw(WORDS)}{' Xqz' if hidden else ''} step {position}"
            when = when_on(draw(st.sampled_from(MEETING_DAYS))) if draw(st.booleans()) else None
            if body is None and when is None:
                when = when_on(draw(st.sampled_from(MEETING_DAYS)) - dt.timedelta(days=2))
            owner = draw(st.one_of(st.none(), st.sampled_from(INSIDE if hidden else PEOPLE)))
            steps.append(Step(step_key, position, draw(st.sampled_from(list(StepKind))), title, body, when, owner=owner))
        title = f"{draw(WORDS)}{' Xqz' if exempt else ''} document {d}"
        owner = draw(st.sampled_from(INSIDE if exempt else OUTSIDE))
        documents.append(Document(key, title, owner=owner, route=Route(steps), exempt=exempt,
                                  dated=dt.date(2021, 12, 1)))
    # A public document's step may wait for another document's step (often an exempt one).
    for document in documents[1:]:
        if draw(st.booleans()):
            other = draw(st.sampled_from([o for o in documents if o is not document]))
            step = draw(st.sampled_from(document.route.steps))
            step.waits_for = (f"{other.key}/{draw(st.sampled_from(other.route.steps)).key}",)
    decisions = []
    for _ in range(draw(st.integers(0, 4))):
        document = draw(st.sampled_from(documents))
        step = draw(st.sampled_from(document.route.steps))
        body = step.body_code if step.body_code in exempt_bodies else draw(st.sampled_from(sorted(exempt_bodies)))
        outcome = draw(st.sampled_from(list(DecisionOutcome)))
        decisions.append(Decision(document.key, step.key, body, outcome, draw(st.sampled_from(MEETING_DAYS[:2])),
                                  minute=f"RESOLVED that {draw(WORDS)} Xqz"))
    moves = draw(st.lists(st.sampled_from([m.key for b in bodies if b.exempt for m in b.meetings]), max_size=2, unique=True))
    # Plans: the follow-ups of questions at a meeting (an exempt body's are exempt business, whatever
    # strategy they are about), plans delivering a document (an exempt one's are exempt business).
    plans = []
    for body in bodies:
        for meeting in body.meetings[: draw(st.integers(0, 1))]:
            about = draw(st.one_of(st.none(), st.sampled_from([d.key for d in documents])))
            exempt = body.exempt or next(d for d in documents if d.key == about).exempt if about else body.exempt
            plans.append(draw(plans_of(follow_up_plan_key(meeting.key), f"Actions from questions at {body.name}", about, exempt)))
    for document in documents:
        if draw(st.booleans()):
            key = f"{document.key}-delivery"  # an exempt document's key carries the marker
            plans.append(draw(plans_of(key, f"Delivery of {document.title}", document.key, document.exempt)))
    return {"bodies": bodies, "documents": documents, "decisions": decisions, "moves": moves, "plans": plans}


@st.composite
def plans_of(draw, key: str, title: str, strategy: str | None, exempt: bool) -> ActionPlan:
    """A plan with a recommendation or two (a question, as its follow-ups' are) and their dated actions;
    an exempt one's questions and actions carry the marker and are owned by the people inside."""
    marker = " Xqz" if exempt else ""
    recommendations = []
    for number in range(1, draw(st.integers(1, 2)) + 1):
        actions = [
            Action(position, f"{draw(WORDS)}{marker} action", when_on(draw(st.sampled_from(MEETING_DAYS))),
                   owner=draw(st.sampled_from(INSIDE if exempt else OUTSIDE)))
            for position in range(1, draw(st.integers(1, 2)) + 1)
        ]
        recommendations.append(Recommendation(str(number), f"{draw(WORDS)}{marker} question?", actions=actions))
    owner = draw(st.sampled_from(INSIDE if exempt else OUTSIDE))
    return ActionPlan(key, title, dt.date(2021, 12, 1), owner=owner, strategy=strategy, recommendations=recommendations)


def outsiders(bodies: list[Body], documents: list[Document], plans: list[ActionPlan] = ()) -> list[str]:
    """The people who are neither owner nor secretary of anything exempt (as the issue puts it): of
    an exempt body, an exempt document, or a step of either; nor own a plan that is exempt business
    (its questions carry the marker) or an action of one."""
    exempt_bodies = {b.code for b in bodies if b.exempt}
    secretaries = {b.code: b.secretary for b in bodies}
    inside = {b.secretary for b in bodies if b.exempt}
    for document in documents:
        for step in document.route.steps:
            if document.exempt or step.body_code in exempt_bodies:
                inside |= {document.owner, step.owner, secretaries.get(step.body_code)}
    for plan in plans:
        if any(MARKER in r.text.casefold() for r in plan.recommendations):
            inside |= {plan.owner, *(a.owner for r in plan.recommendations for a in r.actions)}
    return [p for p in PEOPLE if p not in inside]


def stored(council: dict) -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    with uow:
        for initials in PEOPLE:
            uow.people.save(Person(initials, f"Person {initials}", email=f"{initials.lower()}@council.example.org"))
        for body in council["bodies"]:
            uow.bodies.save(body)
        meetings = MeetingIndex(council["bodies"])
        for document in council["documents"]:
            bind_meetings(document, meetings)
            uow.documents.save(document)
        for plan in council["plans"]:
            uow.plans.save(plan)
        uow.commit()
    return uow


def run_night(uow: FakeUnitOfWork, as_of: dt.date):
    snapshot = load_snapshot(uow)
    update = advance_routes(snapshot, nights_to_run(snapshot.last_run, as_of))
    reminders = owed_reminders(snapshot, update)
    save_route_update(uow, update, NOW, reminders)
    return snapshot, update, reminders


def public_outputs(uow: FakeUnitOfWork, council: dict, tmp: Path) -> dict[str, str]:
    """Every public output of the council after its changes and a night's run, by name."""
    run_night(uow, FIRST_NIGHT)
    who = {"actor": "clerk", "reason": "", "as_of": CHANGE_DAY, "now": NOW}
    for decision in council["decisions"]:
        route_changes.record_decision(uow, decision, **who)
    for key in council["moves"]:
        with uow:
            meeting = uow.bodies.get_meeting(key)
        route_changes.move_meeting(uow, key, meeting.starts_at + dt.timedelta(days=7), **who)
    snapshot, update, reminders = run_night(uow, LAST_NIGHT)

    outputs: dict[str, str] = {}
    written = report_writing.write_reports(lambda: uow, tmp, LAST_NIGHT, forecasts=update.forecasts)
    for report in written:
        outputs[f"report {report.key} artifact"] = report.markdown
        outputs[f"report {report.key} files"] = " ".join(str(p.relative_to(tmp)) for p in report.files)
        if report.kind in ("board", "plan"):
            for path in report.files:
                if path.suffix != ".xlsx":  # the workbook holds what the CSV holds, compressed
                    outputs[str(path.relative_to(tmp))] = path.read_text(encoding="utf-8")
    outputs["files left in the reports folder"] = " ".join(str(p.relative_to(tmp)) for p in tmp.rglob("*"))
    outputs["reports folder index"] = (tmp / "index.json").read_text(encoding="utf-8")
    for body in snapshot.bodies:  # every Report to Board as `govflow serve` renders it on request
        served = report_writing.public_report(uow, "board", body.code, LAST_NIGHT)
        if served is not None:
            outputs[f"served report {body.code}"] = b"\n".join(served.render().values()).decode("utf-8")
    for plan in snapshot.plans:  # every plan's report as `govflow serve` renders it (/reports/plan, /plans)
        served = report_writing.public_report(uow, "plan", plan.key, LAST_NIGHT)
        if served is not None:
            files = served.render()
            outputs[f"served plan {plan.key}"] = plan.key + b"\n".join(v for k, v in files.items() if k != ".xlsx").decode("utf-8")
    outputs["nightly summary artifact"] = summary_markdown(update, snapshot)
    outputs["nightly result"] = json.dumps(public_summary(update, snapshot))

    everyone = outsiders(snapshot.bodies, snapshot.documents, snapshot.plans)
    feeds = build_feeds(bodies=snapshot.bodies, documents=snapshot.documents, forecasts=update.forecasts,
                        plans=snapshot.plans, people=snapshot.people, tokens={p: f"token-{p}" for p in PEOPLE})
    for feed in feeds:
        if feed.public or feed.key in everyone:
            outputs[f"feed {feed.path}"] = json.dumps([feed.title, feed.description, [dataclasses.asdict(e) for e in feed.events]], default=str)
    people = {p.initials: p for p in snapshot.people}
    for initials in everyone:
        mine = [r for r in reminders if r.recipient == initials]
        if mine:
            digest = build_digest(people[initials], mine)
            outputs[f"digest to {initials}"] = "\n".join((digest.subject, digest.text, digest.html))

    status = status_overview.status(uow, LAST_NIGHT)
    outputs["status json"] = json.dumps(dataclasses.asdict(status), default=str)
    with out.capture() as printed:
        print_status(status)
    outputs["status printed"] = printed.get()
    return outputs


@settings(max_examples=50, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(council=councils())
def test_no_exempt_title_key_body_or_minute_reaches_a_public_output(council, tmp_path_factory) -> None:
    tmp = tmp_path_factory.mktemp("reports")
    outputs = public_outputs(stored(council), council, tmp)

    leaks = {name: text for name, text in outputs.items() if MARKER in text.casefold()}
    assert not leaks, f"exempt business in: {', '.join(sorted(leaks))}\n{next(iter(leaks.values()))[:2000]}"
