"""Strategy reports (`govflow report strategy KEY`, and the nightly's strategy/<key>.md|.html|.csv|.xlsx):
what a strategy answers for, finding by finding, read from the database, judged for a day, rendered.

A strategy is a document with a framework (findings, threads, strands). Its report is made from the
document, the plans delivering it, the questions put about it at meetings with the plans of the
actions their answers led to, those meetings' bodies (their day, and whether they are exempt), the
documents its links name, and the conditions contingent actions wait for (`strategy_sources`). The
nightly writes it again when these change (report_writing.write_reports), never for an exempt
document; questions at an exempt body's meetings are never in it (governance_model.strategy_account)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from governance_model.errors import ModelError
from governance_model.model import ActionPlan, Body, Condition, Document
from governance_model.ports import AbstractUnitOfWork
from governance_model.strategy import MeetingQuestion, follow_up_plan_key
from governance_model.strategy_account import StrategyAccount, account_for_strategy

STRATEGY_FORMATS = (".md", ".html", ".csv", ".xlsx")


def strategies(documents: Iterable[Document]) -> list[Document]:
    """The documents with a framework: those a strategy report can be written for."""
    return [d for d in documents if d.framework is not None]


def strategy_report(uow: AbstractUnitOfWork, key: str, as_of: dt.date) -> StrategyAccount:
    """How the strategy `key` answers for itself on `as_of`; a ModelError listing the strategies
    when `key` is not one."""
    with uow:
        documents = uow.documents.list()
        document = next((d for d in documents if d.key == key), None)
        if document is None or document.framework is None:
            known = ", ".join(d.key for d in strategies(documents))
            what = "no document" if document is None else "no strategy framework (findings, threads, strands) for document"
            council = f" in council {uow.organisation!r} (GOVFLOW_ORGANISATION names another)"
            raise ModelError(f"{what} {key!r}{council} (strategies: {known or 'none loaded'})")
        plans, questions = uow.plans.list(), uow.questions.list(about=key)
        bodies, conditions = uow.bodies.list(), uow.conditions.list()
    return strategy_account(document, plans, questions, bodies, documents, conditions, as_of)


def strategy_account(
    document: Document,
    plans: list[ActionPlan],
    questions: list[MeetingQuestion],
    bodies: list[Body],
    documents: list[Document],
    conditions: list[Condition],
    as_of: dt.date,
) -> StrategyAccount:
    return account_for_strategy(document, plans, questions, as_of, bodies=bodies, documents=documents, conditions=conditions)


def strategy_sources(
    document: Document,
    plans: list[ActionPlan],
    questions: list[MeetingQuestion],
    bodies: list[Body],
    documents: list[Document],
    conditions: list[Condition],
) -> tuple[Any, ...]:
    """What `document`'s report is made from (the module docstring), as plain values for a digest;
    not the day, as for a plan's report."""
    mine = [q for q in questions if q.about == document.key]
    meeting_keys = {q.meeting_key for q in mine}
    follow_ups = {follow_up_plan_key(k) for k in meeting_keys}
    linked = {link.document for link in document.framework.links if link.document} if document.framework else set()
    return (
        document,
        tuple(p for p in plans if p.strategy == document.key or p.key in follow_ups),
        tuple(mine),
        tuple((m.key, b.code, b.name, b.exempt, m.day) for b in bodies for m in b.meetings if m.key in meeting_keys),
        tuple((d.key, d.title, d.exempt) for d in documents if d.key in linked),
        tuple(conditions),
        # What is exempt, and so left out or read as the Part II placeholder wherever it is named.
        tuple(sorted((b.code, b.name) for b in bodies if b.exempt)),
        tuple(sorted((d.key, d.title) for d in documents if d.exempt)),
    )


def render_strategy(account: StrategyAccount) -> dict[str, bytes]:
    from reports.strategy import strategy_html, strategy_markdown
    from reports.strategy_export import strategy_csv, strategy_xlsx

    return {
        ".md": strategy_markdown(account).encode(),
        ".html": strategy_html(account).encode(),
        ".csv": strategy_csv(account),
        ".xlsx": strategy_xlsx(account),
    }
