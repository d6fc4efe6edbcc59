"""Where everything stands on a day: each document's current step, next deadline and overdue steps;
each plan's due and overdue actions and its RAG (`govflow status`)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from governance_model.linked_routes import plan_routes
from governance_model.ports import AbstractUnitOfWork
from governance_model.rag import judge_plan
from governance_model.route_planner import MeetingIndex
from governance_model.status import DocumentStatus, PlanStatus, document_status, plan_status
from governance_model.working_days import WorkingCalendar


@dataclass
class Status:
    as_of: dt.date
    documents: list[DocumentStatus]
    plans: list[PlanStatus]


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
    plan_statuses = []
    for plan in plans:
        judged = judge_plan(plan, as_of, conditions, calendar)
        plan_statuses.append(replace(plan_status(plan, as_of), rag=judged.rag.words, rag_reason=judged.reason))
    return Status(
        as_of=as_of,
        documents=[document_status(d, routes[d.key]) for d in documents],
        plans=plan_statuses,
    )

