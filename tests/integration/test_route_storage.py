"""Route states on real databases (SQLite and PostgreSQL), what only a database can show: the cascade
to forecasts, the migration from 0001, and that the bulk reads and writes send a fixed number of
statements however much data there is. The rules every repository keeps are in tests/contract.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import delete, event, func, select, text

from governance_model.model import (
    Action,
    Body,
    Decision,
    DecisionOutcome,
    Document,
    ForecastChange,
    Meeting,
    Recommendation,
    Route,
    Step,
    StepForecast,
    StepKind,
    StepState,
)
from governance_model.ports import AbstractUnitOfWork
from governance_model.storage import downgrade, make_engine, migrate
from governance_model.storage.tables import DocumentRow, ForecastChangeRow, StepForecastRow
from governance_model.when import When
from tests.storage_examples import (
    DOC,
    LONDON,
    forecasts_for_strategy,
    other_document,
    peer_review_plan,
    strategy,
)

UowFactory = Callable[[], AbstractUnitOfWork]
database = pytest.mark.database


# ---- the contract: run on SQLite, PostgreSQL and the in-memory fake -----------------------------


# ---- what only a real database can show ---------------------------------------------------------


@database
def test_deleting_a_document_deletes_its_forecasts_but_not_their_history(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.documents.save(strategy())
        uow.documents.save(other_document())
        uow.documents.save_forecasts(forecasts_for_strategy())
        uow.documents.save_forecasts([StepForecast("another-doc", "a", StepState.DUE, None)])
        uow.documents.add_forecast_changes([ForecastChange(DOC, "feedback", None, None, "x", dt.date(2022, 1, 1))])
        uow.commit()
    with uow_factory() as uow:
        uow.session.execute(delete(DocumentRow).where(DocumentRow.key == DOC))  # the database's cascade
        uow.commit()
        assert uow.session.scalar(select(func.count()).select_from(StepForecastRow)) == 1
        assert uow.session.scalar(select(func.count()).select_from(ForecastChangeRow)) == 1
        assert uow.documents.list_forecasts() == [StepForecast("another-doc", "a", StepState.DUE, None)]


@database
def test_upgrading_from_0001_keeps_the_rows_and_fills_in_the_new_columns(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        downgrade(engine, "0001")
        with engine.begin() as connection:
            for statement in (
                "INSERT INTO bodies (id, code, name, papers_lead_days, exempt) VALUES (1, 'SSPB', 'Board', 5, false)",
                "INSERT INTO meetings (key, body_id, status, location) VALUES ('SSPB-2022-03', 1, 'scheduled', '')",
                "INSERT INTO documents (id, key, title, kind, exempt) VALUES (1, 'd', 'D', 'strategy', false)",
                "INSERT INTO route_steps (id, document_id, key, position, kind, title) VALUES (1, 1, 's', 1, 'decide', 'S')",
                "INSERT INTO decisions (step_id, body_code, outcome, decided_on, minute) "
                "VALUES (1, 'SSPB', 'approved', '2022-03-07', 'RESOLVED')",
            ):
                connection.execute(text(statement))
        migrate(engine)
        from governance_model.storage import SqlUnitOfWork, make_session_factory

        with SqlUnitOfWork(make_session_factory(engine)) as uow:
            assert uow.bodies.get_meeting("SSPB-2022-03").sequence == 0
            assert uow.documents.list_decisions() == [
                Decision("d", "s", "SSPB", DecisionOutcome.APPROVED, dt.date(2022, 3, 7), minute="RESOLVED")
            ]
            assert uow.documents.list_forecasts() == [] and uow.nightly_runs.last() is None
    finally:
        engine.dispose()


@contextmanager
def statements_sent(uow: AbstractUnitOfWork) -> Iterator[list[str]]:
    """The SQL statements sent while the block runs (an executemany counts once)."""
    sent: list[str] = []
    engine = uow.session.get_bind()

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _many(uow: AbstractUnitOfWork, n: int) -> list[StepForecast]:
    """n documents of three steps, a body of four meetings each, a plan of two recommendations each,
    and a decision on each document; returns a forecast for every step."""
    forecasts = []
    for i in range(n):
        key = f"doc-{i:03}"
        steps = [Step(f"s{p}", p, StepKind.REVIEW, "Review", when=When("date", dt.date(2022, 3, p), dt.date(2022, 3, p)))
                 for p in (1, 2, 3)]
        uow.documents.save(Document(key, "Doc", route=Route(steps)))
        uow.documents.add_decision(Decision(key, "s1", "B", DecisionOutcome.NOTED, dt.date(2022, 3, 1)))
        uow.bodies.save(Body(f"B{i:03}", "Body", meetings=[
            Meeting(f"B{i:03}-{m}", f"B{i:03}", dt.datetime(2022, m, 1, 10, tzinfo=LONDON)) for m in (1, 2, 3, 4)
        ]))
        plan = peer_review_plan()
        uow.plans.save(dataclasses.replace(plan, key=f"plan-{i:03}", recommendations=[
            Recommendation("1", "r", actions=[Action(1, "a"), Action(2, "b")]), Recommendation("2", "r")
        ]))
        forecasts += [StepForecast(key, s.key, StepState.PLANNED, dt.date(2022, 3, s.position)) for s in steps]
    return forecasts


@database
def test_bulk_reads_and_writes_send_the_same_statements_for_10_or_60_documents(uow_factory: UowFactory) -> None:
    """No N+1: the number of statements does not grow with the data."""
    counts = []
    for n in (10, 60):
        with uow_factory() as uow:
            uow.session.execute(delete(DocumentRow))
            forecasts = _many(uow, n)
            uow.commit()
        with uow_factory() as uow:
            with statements_sent(uow) as sent:
                uow.documents.save_forecasts(forecasts)
            saves = len(sent)
            reads = {}
            for name, read in (
                ("documents.list", uow.documents.list),
                ("bodies.list", uow.bodies.list),
                ("plans.list", uow.plans.list),
                ("documents.list_decisions", uow.documents.list_decisions),
                ("documents.list_forecasts", uow.documents.list_forecasts),
            ):
                with statements_sent(uow) as sent:
                    result = read()
                assert result, name
                reads[name] = len(sent)
            uow.commit()
        counts.append((saves, reads))
    assert counts[0] == counts[1]
    saves, reads = counts[0]
    assert saves == 2  # find the step ids, then one executemany upsert
    # documents.list and plans.list each read the dates owners now expect their items by (issue 17): one
    # statement more, however many there are.
    assert reads == {
        "documents.list": 4, "bodies.list": 2, "plans.list": 6, "documents.list_decisions": 1, "documents.list_forecasts": 1
    }
