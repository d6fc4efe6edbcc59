"""The night's snapshot is read with ORM statements executed by the session, so what a session's
`do_orm_execute` hook adds to them (the criteria that keep a council to its own rows) applies to
every read: no SELECT of the load goes to the database past the session.

SQL only (the fake has no statements): run on every configured database."""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, sessionmaker, with_loader_criteria

from governance_model.model import Condition, Person
from governance_model.storage import SqlUnitOfWork, make_engine, make_session_factory
from governance_model.storage.tables import ActionPlanRow, BodyRow, ConditionRow, DocumentRow, PersonRow
from govflow.services.night_planning import load_snapshot
from tests.storage_examples import (
    decision,
    forecasts_for_strategy,
    hwbb,
    other_document,
    peer_review_plan,
    people,
    run,
    sspb,
    strategy,
)


@pytest.fixture
def stored(database_url: str) -> Iterator[sessionmaker]:
    """A session factory on a database holding two of everything the snapshot reads."""
    engine = make_engine(database_url)
    session_factory = make_session_factory(engine)
    with SqlUnitOfWork(session_factory) as uow:
        for person in people():
            uow.people.save(person)
        uow.bodies.save(sspb())
        uow.bodies.save(hwbb())
        uow.documents.save(strategy())
        uow.documents.save(other_document())
        uow.documents.add_decision(decision())
        uow.documents.save_forecasts(forecasts_for_strategy())
        uow.plans.save(peer_review_plan())
        uow.plans.save(dataclasses.replace(peer_review_plan(), key="second-plan"))
        uow.conditions.save(Condition("DfE guidance", run("2022-01-10").as_of))
        uow.conditions.save(Condition("Cabinet approval", run("2022-01-11").as_of))
        uow.nightly_runs.record(run("2022-02-21"))
        uow.commit()
    yield session_factory
    engine.dispose()


def test_every_select_of_the_snapshot_goes_through_the_session_as_an_orm_statement(stored: sessionmaker) -> None:
    sent: list[str] = []
    through_the_session: list[str] = []

    def on_cursor_execute(connection, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append(statement)

    def on_orm_execute(state: ORMExecuteState) -> None:
        if state.is_select and state.is_orm_statement:
            through_the_session.append(str(state.statement))

    engine = stored.kw["bind"]
    event.listen(engine, "before_cursor_execute", on_cursor_execute)
    event.listen(stored, "do_orm_execute", on_orm_execute)
    try:
        snapshot = load_snapshot(SqlUnitOfWork(stored))
    finally:
        event.remove(engine, "before_cursor_execute", on_cursor_execute)
        event.remove(stored, "do_orm_execute", on_orm_execute)
    assert len(snapshot.documents) == 2 and len(snapshot.plans) == 2 and len(snapshot.bodies) == 2
    assert sent and len(through_the_session) == len(sent)


def test_criteria_a_session_hook_adds_reach_every_part_of_the_snapshot(stored: sessionmaker) -> None:
    whole = load_snapshot(SqlUnitOfWork(stored))
    kept_person = whole.people[0].initials

    def keep_one_of_each(state: ORMExecuteState) -> None:
        if state.is_select:
            state.statement = state.statement.options(
                with_loader_criteria(DocumentRow, DocumentRow.key == strategy().key),
                with_loader_criteria(BodyRow, BodyRow.code == "SSPB"),
                with_loader_criteria(ActionPlanRow, ActionPlanRow.key == "second-plan"),
                with_loader_criteria(PersonRow, PersonRow.initials == kept_person),
                with_loader_criteria(ConditionRow, ConditionRow.name == "DfE guidance"),
            )

    event.listen(stored, "do_orm_execute", keep_one_of_each)
    try:
        part = load_snapshot(SqlUnitOfWork(stored))
    finally:
        event.remove(stored, "do_orm_execute", keep_one_of_each)
    assert [d.key for d in part.documents] == [strategy().key]
    assert part.documents[0] == next(d for d in whole.documents if d.key == strategy().key)
    assert [b.code for b in part.bodies] == ["SSPB"] and part.bodies[0] == sspb()
    assert [p.key for p in part.plans] == ["second-plan"]
    assert part.plans[0] == next(p for p in whole.plans if p.key == "second-plan")
    assert part.people == [Person(**dataclasses.asdict(whole.people[0]))]
    assert [c.name for c in part.conditions] == ["DfE guidance"]
    assert part.decisions == whole.decisions  # the one decision is on the strategy
    assert part.forecasts == whole.forecasts
    assert set(part.revisions) == {strategy().key} and set(part.plan_revisions) == {"second-plan"}
