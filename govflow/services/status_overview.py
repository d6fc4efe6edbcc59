"""Where everything stands on a day: each document's current step, next deadline and overdue steps;
each plan's due and overdue actions and its RAG (`govflow status`).

The status is public (governance_model.publication): an exempt document, or a plan that is exempt
business (it delivers an exempt strategy, or follows up questions at an exempt body's meeting), is
only counted, as a Part II item; of a public document, the steps at exempt bodies are left out, and a reason that
names anything exempt reads as the Part II placeholder."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from governance_model.linked_routes import plan_routes
from governance_model.ports import AbstractUnitOfWork
from governance_model.publication import EXEMPT_ITEM, Publication
from governance_model.rag import judge_plan
from governance_model.route_planner import MeetingIndex
from governance_model.status import DocumentStatus, PlanStatus, document_status, plan_status
from governance_model.working_days import WorkingCalendar


@dataclass
class Status:
    as_of: dt.date
    documents: list[DocumentStatus]
    plans: list[PlanStatus]
    exempt_items: int = 0  # exempt documents and plans, not shown: "exempt item – not for publication"

    @property
    def part_two(self) -> tuple[str, ...]:
        return (EXEMPT_ITEM,) * self.exempt_items


def status(uow: AbstractUnitOfWork, as_of: dt.date) -> Status:
    """Each document's current step, next deadline and overdue steps; each plan's due and overdue actions."""
    with uow:
        documents = uow.documents.list()
        bodies = uow.bodies.list()
        decisions = uow.documents.list_decisions()
        plans = uow.plans.list()
        conditions = uow.conditions.list()
    meetings, calendar = MeetingIndex(bodies), WorkingCalendar()
    routes = plan_routes(documents, meetings, decisions, as_of, calendar, conditions)
    publication = Publication(bodies, documents)
    public_plans = [p for p in plans if publication.plan_is_public(p)]
    plan_statuses = []
    for plan in public_plans:
        judged = judge_plan(plan, as_of, conditions, calendar)
        plan_statuses.append(replace(plan_status(plan, as_of), rag=judged.rag.words, rag_reason=judged.reason))
    public = [d for d in documents if publication.document_is_public(d)]
    return Status(
        as_of=as_of,
        documents=[document_status(*publication.public_view(d, routes[d.key])) for d in public],
        plans=plan_statuses,
        exempt_items=len(documents) - len(public) + len(plans) - len(public_plans),
    )

