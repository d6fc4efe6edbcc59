"""Planning the night: load what is stored, bring every route up to date for a day (catching up
missed nights), work out the reminders owed, and save it all with a record of the run and a
summary. The Prefect flow in flows/nightly.py calls these steps one task each; each step is also
usable on its own."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace

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
    link_document,
)
from governance_model.answer_reminders import confirmation_reminders
from governance_model.owner_answers import AwaitingAnswer
from governance_model.ports import AbstractUnitOfWork
from governance_model.publication import EXEMPT_ITEM, Publication
from governance_model.reminders import Reminder, ReminderSource, caught_up, reminders_owed_over, sort_key
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
    # The re-forecasts recorded so far: a reminder of a step whose date moved says why.
    changes: list[ForecastChange] = field(default_factory=list)
    # The revisions read before anything else: a change committed after this read shows at the
    # save as a revision that moved (see save_night).
    revisions: dict[str, int] = field(default_factory=dict)
    plan_revisions: dict[str, int] = field(default_factory=dict)
    # The "done" answers awaiting a secretary's confirmation: each secretary is reminded of theirs.
    awaiting: list[AwaitingAnswer] = field(default_factory=list)


@dataclass(frozen=True)
class Failure:
    """One document, plan or feed the night could not deal with; the rest of the night went on."""

    kind: str  # "document" | "plan" | "feed"
    key: str
    stage: str  # "planning" | "reminders" | "feeds"
    error: str  # the exception's type and message

    def __str__(self) -> str:
        return f"{self.kind} {self.key}: {self.stage} failed: {self.error}"


def failure(kind: str, key: str, stage: str, error: BaseException) -> Failure:
    return Failure(kind, key, stage, f"{type(error).__name__}: {error}")


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
    failures: list[Failure] = field(default_factory=list)  # left out; their stored forecasts stay
    replanned: list[str] = field(default_factory=list)  # documents and plans changed after the snapshot

    def failed_documents(self, stage: str | None = None) -> set[str]:
        return {f.key for f in self.failures if f.kind == "document" and (stage is None or f.stage == stage)}

    def add_failure(self, found: Failure) -> None:
        if found not in self.failures:
            self.failures.append(found)

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
            "failed": [str(f) for f in self.failures],
            "replanned": list(self.replanned),
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
    revisions, plan_revisions = uow.documents.revisions(), uow.plans.revisions()  # first: see Snapshot
    return Snapshot(
        revisions=revisions,
        plan_revisions=plan_revisions,
        documents=uow.documents.list(),
        bodies=uow.bodies.list(),
        decisions=uow.documents.list_decisions(),
        forecasts={(f.document_key, f.step_key): f for f in uow.documents.list_forecasts()},
        last_run=uow.nightly_runs.last(),
        plans=uow.plans.list(),
        people=uow.people.list(),
        conditions=uow.conditions.list(),
        changes=uow.documents.list_forecast_changes(),
        awaiting=uow.answers.answers(),
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

    def planning_failed(document: Document, error: Exception) -> None:
        update.add_failure(failure("document", document.key, "planning", error))

    for night in nights:
        routes = plan_routes(
            snapshot.documents, meetings, snapshot.decisions, night, calendar, snapshot.conditions, on_error=planning_failed
        )
        for document in snapshot.documents:
            if document.key not in routes:
                continue  # it failed: its stored forecasts stay as they were
            for forecast in routes[document.key].steps:
                key = (forecast.document_key, forecast.step_key)
                before = current.get(key)
                if before == forecast:
                    continue
                if before is None or before.state is not forecast.state:
                    update.moved.append(Movement(forecast.document_key, forecast.step_key, before.state if before else None, forecast.state, night))
                if before is not None and before.date != forecast.date and forecast.state not in (StepState.DONE, StepState.STOPPED):
                    update.reforecast.append(
                        ForecastChange(forecast.document_key, forecast.step_key, before.date, forecast.date, forecast.reason, night, forecast.why)
                    )
                current[key] = forecast
    update.forecasts = current
    update.changed = [f for key, f in current.items() if snapshot.forecasts.get(key) != f]
    return update


def owed_reminders(snapshot: Snapshot, update: RouteUpdate, calendar: WorkingCalendar | None = None) -> list[Reminder]:
    """The reminders owed over the nights run (pure). A caught-up night is judged by the routes as
    they stand on the last night: the reminders it owed are still owed, with their own night, and
    marked caught up on the last night (they go out late, and their digest says so).

    A document that could not be planned owes none (its forecasts are not tonight's); one whose
    reminders cannot be worked out owes none and is added to `update.failures`."""
    if not update.nights:
        return []
    failed = update.failed_documents("planning")

    def reminders_failed(source: ReminderSource, error: Exception) -> None:
        update.add_failure(failure(source.kind, source.key, "reminders", error))

    owed = reminders_owed_over(
        update.nights,
        documents=[d for d in snapshot.documents if d.key not in failed],
        forecasts=update.forecasts,
        bodies=snapshot.bodies,
        plans=snapshot.plans,
        conditions=snapshot.conditions,
        calendar=calendar or WorkingCalendar(),
        on_error=reminders_failed,
        changes=[*snapshot.changes, *update.reforecast],  # tonight's moves are not stored yet
    )
    owed += confirmation_reminders(snapshot.awaiting, snapshot.documents, snapshot.bodies, update.nights)
    return caught_up(sorted(owed, key=sort_key), update.as_of)


@dataclass
class SavedNight:
    """What a save stored: the run, and the update and reminders as stored (re-planned where needed),
    and the records they were planned from (the snapshot, or what the save read again when something
    changed after it): the feeds and reports of the night are made from these, not read again."""

    run: NightlyRun
    update: RouteUpdate
    reminders: list[Reminder]
    records: Snapshot


def save_night(
    uow: AbstractUnitOfWork,
    snapshot: Snapshot,
    update: RouteUpdate,
    reminders: list[Reminder],
    finished_at: dt.datetime,
    calendar: WorkingCalendar | None = None,
) -> SavedNight:
    """Store the night (as save_route_update) without overwriting what changed after its snapshot.

    The documents' and plans' revisions are read again, locked, in the saving transaction: what a
    decision, a step done, a meeting moved or a progress update changed since the snapshot cannot
    change again until the save commits. Those documents (with those that wait for them) and plans
    are re-planned there from what is stored now, and their forecasts and reminders replace the
    night's. On PostgreSQL a change being recorded meanwhile waits for the save, or the save for it;
    on SQLite the save holds the database's one write lock."""
    with uow:
        documents_now = uow.documents.revisions(lock=True)
        plans_now = uow.plans.revisions(lock=True)
        changed = {k for k in documents_now.keys() | snapshot.revisions.keys() if documents_now.get(k) != snapshot.revisions.get(k)}
        changed_plans = {k for k in plans_now.keys() | snapshot.plan_revisions.keys() if plans_now.get(k) != snapshot.plan_revisions.get(k)}
        records = snapshot
        if changed or changed_plans:
            records = snapshot_from(uow)
            update, reminders = replan_changed(
                snapshot, records, update, reminders, changed, changed_plans, calendar or WorkingCalendar()
            )
        run = _store_night(uow, update, finished_at, reminders)
        uow.commit()
    return SavedNight(run, update, reminders, records)


def replan_changed(
    old: Snapshot,
    fresh: Snapshot,
    update: RouteUpdate,
    reminders: list[Reminder],
    changed: set[str],
    changed_plans: set[str],
    calendar: WorkingCalendar,
) -> tuple[RouteUpdate, list[Reminder]]:
    """The night's update and reminders with the changed documents (and those waiting for them,
    however indirectly) and plans planned again from `fresh` (pure)."""
    by_key = {d.key: d for d in fresh.documents}
    links = {d.key: {k for link in d.route.links() if (k := link_document(link)) is not None} for d in fresh.documents}
    affected = {k for k in changed if k in by_key}
    while extra := {k for k, wants in links.items() if k not in affected and wants & affected}:
        affected |= extra
    needed, todo = set(), list(affected)  # and what they wait for, to plan them from
    while todo:
        key = todo.pop()
        if key not in needed and key in by_key:
            needed.add(key)
            todo.extend(links[key])
    part = Snapshot(
        documents=[by_key[k] for k in sorted(needed)],
        bodies=fresh.bodies,
        decisions=[d for d in fresh.decisions if d.document_key in needed],
        forecasts={k: f for k, f in fresh.forecasts.items() if k[0] in needed},
        last_run=fresh.last_run,
        plans=[p for p in fresh.plans if p.key in changed_plans],
        people=fresh.people,
        conditions=fresh.conditions,
    )
    again = advance_routes(part, update.nights, calendar)
    gone = changed - by_key.keys()  # removed since the snapshot
    drop = affected | gone
    merged = RouteUpdate(as_of=update.as_of, nights=list(update.nights))
    merged.forecasts = {k: f for k, f in update.forecasts.items() if k[0] not in drop}
    merged.forecasts.update({k: f for k, f in again.forecasts.items() if k[0] in affected})
    merged.changed = [f for k, f in merged.forecasts.items() if fresh.forecasts.get(k) != f]
    merged.reforecast = [c for c in update.reforecast if c.document_key not in drop]
    merged.reforecast += [c for c in again.reforecast if c.document_key in affected]
    merged.moved = [m for m in update.moved if m.document_key not in drop]
    merged.moved += [m for m in again.moved if m.document_key in affected]
    for found in update.failures:
        if not (found.kind == "document" and found.key in drop) and not (found.kind == "plan" and found.key in changed_plans):
            merged.add_failure(found)
    for found in again.failures:
        if found.key in affected:
            merged.add_failure(found)
    merged.replanned = sorted(affected) + sorted(f"plan {k}" for k in changed_plans if k in {p.key for p in fresh.plans})

    # The reminders the night owed from what changed go; those owed from what is stored now come.
    stale = owed_reminders(
        Snapshot([d for d in old.documents if d.key in drop], old.bodies, [], {}, None,
                 plans=[p for p in old.plans if p.key in changed_plans], conditions=old.conditions),
        replace(update, failures=list(update.failures)), calendar,
    )
    again.forecasts = merged.forecasts
    again.failures = [f for f in merged.failures if f.stage == "planning"]
    fresh_part = Snapshot([by_key[k] for k in sorted(affected)], fresh.bodies, [], {}, None,
                          plans=part.plans, conditions=fresh.conditions, changes=fresh.changes)
    owed = owed_reminders(fresh_part, again, calendar)
    for found in again.failures:
        merged.add_failure(found)
    stale_keys = {r.key for r in stale}
    return merged, sorted([r for r in reminders if r.key not in stale_keys] + owed, key=sort_key)


def _store_night(uow: AbstractUnitOfWork, update: RouteUpdate, finished_at: dt.datetime, reminders: list[Reminder]) -> NightlyRun:
    summary = {**update.summary(), "reminders_owed": len(reminders)}
    run = NightlyRun(as_of=update.as_of, finished_at=finished_at, summary=summary)
    uow.documents.save_forecasts(update.changed)
    uow.documents.add_forecast_changes(update.reforecast)
    uow.outbox.queue(list(reminders))
    uow.nightly_runs.record(run)
    return run


def save_route_update(uow: AbstractUnitOfWork, update: RouteUpdate, finished_at: dt.datetime, reminders: list[Reminder] = ()) -> NightlyRun:
    """Store the changed forecasts, the re-forecast history, the reminders owed (in the outbox) and
    the run, in one transaction: a run that is recorded never loses the reminders it owed."""
    with uow:
        run = _store_night(uow, update, finished_at, list(reminders))
        uow.commit()
    return run


def public_summary(update: RouteUpdate, snapshot: Snapshot) -> dict:
    """`update.summary()` as it may be shown (the flow's result, `govflow nightly`): an exempt
    document moved is named only as the Part II placeholder."""
    publication = Publication(snapshot.bodies, snapshot.documents)
    public = {d.key for d in snapshot.documents if publication.document_is_public(d)}
    public_plans = {p.key for p in snapshot.plans if publication.plan_is_public(p)}
    summary = update.summary()
    summary["documents_moved"] = [k if k in public else EXEMPT_ITEM for k in summary["documents_moved"]]
    summary["replanned"] = [k if k in public else EXEMPT_ITEM for k in summary["replanned"]]
    summary["failed"] = [public_failure(f, publication, public, public_plans) for f in update.failures]
    return summary


def public_failure(
    failure: Failure, publication: Publication, public_documents: set[str], public_plans: set[str] | None = None
) -> str:
    """A failure as it may be shown: an exempt document or body, a plan that is exempt business (not
    among `public_plans`, when given), or an error naming exempt business, only as the Part II placeholder."""
    exempt = (
        (failure.kind == "document" and failure.key not in public_documents)
        or (failure.kind == "plan" and public_plans is not None and failure.key not in public_plans)
        or (failure.kind == "feed" and publication.names_exempt(failure.key))
    )
    if exempt or publication.names_exempt(failure.error):
        return f"{EXEMPT_ITEM}: {failure.stage} failed"
    return str(failure)


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
    if update.failures:
        lines += ["## Failed", "", "Left out tonight (what was stored for them stays); everything else ran.", ""]
        public = {d.key for d in snapshot.documents if publication.document_is_public(d)}
        public_plans = {p.key for p in snapshot.plans if publication.plan_is_public(p)}
        lines += [f"- {public_failure(f, publication, public, public_plans)}" for f in update.failures[:200]]
        lines.append("")
    if update.replanned:
        replanned = sorted({k if k in documents and publication.document_is_public(documents[k]) else EXEMPT_ITEM for k in update.replanned})
        lines += ["## Re-planned at the save", "", "Changed after the night read them: " + ", ".join(replanned), ""]
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
        update = save_night(uow_factory(), snapshot, update, owed_reminders(snapshot, update), finished_at).update
    return update
