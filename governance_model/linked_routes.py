"""Every document's route planned together: a step may wait for another document's step
(`other-document/step`: a delivery plan waiting for its strategy's sign-off) or for a named condition
(`condition:NAME`, met with `govflow condition met`), so documents are planned after what they wait
for, and move when it moves."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from governance_model.model import CONDITION_LINK, Condition, Decision, Document, link_document
from governance_model.route_planner import FINISHED, Finished, MeetingIndex, RoutePlan, plan_route
from governance_model.working_days import WorkingCalendar


def plan_routes(
    documents: Iterable[Document],
    meetings: MeetingIndex,
    decisions: Iterable[Decision],
    as_of: dt.date,
    calendar: WorkingCalendar,
    conditions: Iterable[Condition] = (),
    on_error: Callable[[Document, Exception], None] | None = None,
) -> dict[str, RoutePlan]:
    """Every document's route on `as_of`, each planned after the documents it waits for, so that a
    step waiting for another document's step (or a condition) is forecast from it and moves with it.
    Documents that wait for each other in a circle are planned with those links unknown.

    With `on_error`, a document whose route cannot be planned (a value stored out of all reason: an
    OverflowError) is handed to it and left out of the result; documents waiting for it are planned
    with that link unknown. Without it, the error is raised."""
    documents = list(documents)
    by_key = {d.key: d for d in documents}
    decisions = list(decisions)
    met = {c.name.strip().casefold(): c.met_on for c in conditions if c.met_on <= as_of}
    plans: dict[str, RoutePlan | None] = {}
    visiting: set[str] = set()

    def finished(link: str) -> Finished | None:
        other_key = link_document(link)
        if other_key is None:
            day = met.get(link[len(CONDITION_LINK):].strip().casefold())
            return Finished(day, day, True) if day is not None else None
        if other_key not in by_key:
            return None
        plan = visit(by_key[other_key])
        step = next((s for s in plan.steps if s.step_key == link.split("/", 1)[1]), None) if plan else None
        if step is None or step.date is None:
            return None
        done = step.state in FINISHED
        return Finished(step.date if done else max(step.date, as_of), step.date if done else as_of, done)

    def visit(document: Document) -> RoutePlan | None:
        if document.key in plans:
            return plans[document.key]
        if document.key in visiting:
            return None  # a circle of links: the link stays unknown
        visiting.add(document.key)
        external = {link: f for link in document.route.links() if (f := finished(link)) is not None}
        try:
            plans[document.key] = plan_route(document, meetings, decisions, as_of, calendar, external)
        except Exception as error:  # the caller's on_error decides what a failure means
            if on_error is None:
                raise
            on_error(document, error)
            plans[document.key] = None
        visiting.discard(document.key)
        return plans[document.key]

    for document in documents:
        visit(document)
    return {key: plan for key, plan in plans.items() if plan is not None}
