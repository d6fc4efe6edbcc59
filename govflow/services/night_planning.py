"""Planning the night: load what is stored, bring every route up to date for a day (catching up
missed nights), work out the reminders owed, and save it all with a record of the run and a
summary. The Prefect flow in flows/nightly.py calls these steps one task each; each step is also
usable on its own."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from governance_model.linked_routes import plan_routes
from governance_model.model import (
    ActionPlan,
    Body,
    Condition,
    Decision,
    Document,
    ForecastChange,
    NightlyRun,
    Person,
    StepForecast,
    StepState,
)
from governance_model.ports import AbstractUnitOfWork
from governance_model.publication import EXEMPT_ITEM, Publication
from governance_model.reminders import Reminder, reminders_owed_over
from governance_model.route_planner import MeetingIndex
from governance_model.working_days import WorkingCalendar

MAX_CATCH_UP_NIGHTS = 366


@dataclass
class Snapshot:
    """Everything the night's planning reads, loaded in one go."""

    documents: list[Document]
    bodies: list[Body]
    decisions: list[Decision]
    forecasts: dict[tuple[str, str], StepForecast]
    last_run: NightlyRun | None
    plans: list[ActionPlan] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)


@dataclass
class Movement:
    document_key: str
    step_key: str
    old_state: StepState | None
    new_state: StepState
    night: dt.date


@dataclass
class RouteUpdate:
    """What the nights changed: the forecasts to store, the changes of date and of state."""

    as_of: dt.date
    nights: list[dt.date]
    forecasts: dict[tuple[str, str], StepForecast] = field(default_factory=dict)
    changed: list[StepForecast] = field(default_factory=list)  # differ from what was stored
    reforecast: list[ForecastChange] = field(default_factory=list)
    moved: list[Movement] = field(default_factory=list)

    @property
    def overdue(self) -> list[StepForecast]:
        return sorted(
            (f for f in self.forecasts.values() if f.state is StepState.OVERDUE),
            key=lambda f: (f.date or dt.date.min, f.document_key, f.step_key),
        )

    def summary(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "nights": [n.isoformat() for n in self.nights],
            "documents_moved": sorted({m.document_key for m in self.moved}),
            "steps_moved": len(self.moved),
            "steps_overdue": len(self.overdue),
            "dates_reforecast": len(self.reforecast),
        }


def nights_to_run(last_run: NightlyRun | None, as_of: dt.date) -> list[dt.date]:
    """The nights from the one after the last completed run up to `as_of` (a first run: just `as_of`).

    None if runs have already reached `as_of`: running a night again, or an earlier one, would
    overwrite today's forecasts with an older day's, so it changes nothing instead."""
    if last_run is None:
        return [as_of]
    if as_of <= last_run.as_of:
        return []
    first = max(last_run.as_of + dt.timedelta(days=1), as_of - dt.timedelta(days=MAX_CATCH_UP_NIGHTS - 1))
    return [first + dt.timedelta(days=i) for i in range((as_of - first).days + 1)]


def snapshot_from(uow: AbstractUnitOfWork) -> Snapshot:
    """Read a snapshot through a repository whose unit of work the caller has open."""
    return Snapshot(
        documents=uow.documents.list(),
        bodies=uow.bodies.list(),
        decisions=uow.documents.list_decisions(),
        forecasts={(f.document_key, f.step_key): f for f in uow.documents.list_forecasts()},
        last_run=uow.nightly_runs.last(),
        plans=uow.plans.list(),
        people=uow.people.list(),
        conditions=uow.conditions.list(),
    )


def load_snapshot(uow: AbstractUnitOfWork) -> Snapshot:
    with uow:
        return snapshot_from(uow)


def advance_routes(snapshot: Snapshot, nights: list[dt.date], calendar: WorkingCalendar | None = None) -> RouteUpdate:
    """Plan every route for each night in turn, as if each night had run (pure)."""
    calendar = calendar or WorkingCalendar()
    meetings = MeetingIndex(snapshot.bodies)
    as_of = nights[-1] if nights else (snapshot.last_run.as_of if snapshot.last_run else dt.date.min)
    update = RouteUpdate(as_of=as_of, nights=list(nights))
    current = dict(snapshot.forecasts)
    for night in nights:
        routes = plan_routes(snapshot.documents, meetings, snapshot.decisions, night, calendar, snapshot.conditions)
        for document in snapshot.documents:
            for forecast in routes[document.key].steps:
                key = (forecast.document_key, forecast.step_key)
                before = current.get(key)
                if before == forecast:
                    continue
                if before is None or before.state is not forecast.state:
                    update.moved.append(Movement(forecast.document_key, forecast.step_key, before.state if before else None, forecast.state, night))
                if before is not None and before.date != forecast.date and forecast.state not in (StepState.DONE, StepState.STOPPED):
                    update.reforecast.append(
                        ForecastChange(forecast.document_key, forecast.step_key, before.date, forecast.date, forecast.reason, night)
                    )
                current[key] = forecast
    update.forecasts = current
    update.changed = [f for key, f in current.items() if snapshot.forecasts.get(key) != f]
    return update


def owed_reminders(snapshot: Snapshot, update: RouteUpdate, calendar: WorkingCalendar | None = None) -> list[Reminder]:
    """The reminders owed over the nights run (pure). A caught-up night is judged by the routes as
    they stand on the last night: the reminders it owed are still owed, with their own night."""
    if not update.nights:
        return []
    return reminders_owed_over(
        update.nights,
        documents=snapshot.documents,
        forecasts=update.forecasts,
        bodies=snapshot.bodies,
        plans=snapshot.plans,
        conditions=snapshot.conditions,
        calendar=calendar or WorkingCalendar(),
    )


def save_route_update(uow: AbstractUnitOfWork, update: RouteUpdate, finished_at: dt.datetime, reminders: list[Reminder] = ()) -> NightlyRun:
    """Store the changed forecasts, the re-forecast history, the reminders owed (in the outbox) and
    the run, in one transaction: a run that is recorded never loses the reminders it owed."""
    summary = {**update.summary(), "reminders_owed": len(reminders)}
    run = NightlyRun(as_of=update.as_of, finished_at=finished_at, summary=summary)
    with uow:
        uow.documents.save_forecasts(update.changed)
        uow.documents.add_forecast_changes(update.reforecast)
        uow.outbox.queue(list(reminders))
        uow.nightly_runs.record(run)
        uow.commit()
    return run


def public_summary(update: RouteUpdate, snapshot: Snapshot) -> dict:
    """`update.summary()` as it may be shown (the flow's result, `govflow nightly`): an exempt
    document moved is named only as the Part II placeholder."""
    publication = Publication(snapshot.bodies, snapshot.documents)
    public = {d.key for d in snapshot.documents if publication.document_is_public(d)}
    summary = update.summary()
    summary["documents_moved"] = [k if k in public else EXEMPT_ITEM for k in summary["documents_moved"]]
    return summary


def summary_markdown(update: RouteUpdate, snapshot: Snapshot) -> str:
    """The night in words, for the Prefect UI (public: governance_model.publication decides what of
    the exempt business shows, which is the Part II placeholder alone)."""
    publication = Publication(snapshot.bodies, snapshot.documents)
    documents = {d.key: d for d in snapshot.documents}

    def shown(document_key: str, step_key: str) -> bool:
        document = documents.get(document_key)
        step = next((s for s in document.route.steps if s.key == step_key), None) if document else None
        return step is not None and publication.step_is_public(document, step)

    def why(document_key: str, reason: str) -> str:
        return publication.public_text(reason, document_key)

    hidden = f"| {EXEMPT_ITEM} | — | — | — |"
    lines = [f"# govflow nightly run for {update.as_of:%A %d %B %Y}", ""]
    if not update.nights:
        lines.append(f"Nightly runs have already reached {update.as_of:%d %B %Y}: nothing changed.")
        return "\n".join(lines) + "\n"
    if len(update.nights) > 1:
        lines.append(f"Caught up {len(update.nights)} nights, {update.nights[0].isoformat()} to {update.nights[-1].isoformat()}.")
        lines.append("")
    moved = sorted({m.document_key for m in update.moved})
    lines += [
        f"- documents moved: {len(moved)}",
        f"- steps overdue: {len(update.overdue)}",
        f"- dates re-forecast: {len(update.reforecast)}",
        "",
    ]
    if update.overdue:
        lines += ["## Overdue", "", "| document | step | date | why |", "| --- | --- | --- | --- |"]
        lines += [
            f"| {f.document_key} | {f.step_key} | {f.date} | {why(f.document_key, f.reason)} |" if shown(f.document_key, f.step_key) else hidden
            for f in update.overdue[:200]
        ]
        lines.append("")
    if update.reforecast:
        lines += ["## Re-forecast", "", "| document | step | was | now | why |", "| --- | --- | --- | --- | --- |"]
        lines += [
            f"| {c.document_key} | {c.step_key} | {c.old_date} | {c.new_date} | {why(c.document_key, c.reason)} |"
            if shown(c.document_key, c.step_key)
            else hidden + " — |"
            for c in update.reforecast[:200]
        ]
        lines.append("")
    return "\n".join(lines)


def run_nightly(uow_factory: Callable[[], AbstractUnitOfWork], as_of: dt.date, finished_at: dt.datetime) -> RouteUpdate:
    """The whole night without Prefect and without sending: what the flow does up to the outbox."""
    snapshot = load_snapshot(uow_factory())
    nights = nights_to_run(snapshot.last_run, as_of)
    update = advance_routes(snapshot, nights)
    if nights:
        save_route_update(uow_factory(), update, finished_at, owed_reminders(snapshot, update))
    return update
