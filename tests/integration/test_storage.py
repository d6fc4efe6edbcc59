"""What only a real database can show (SQLite and PostgreSQL): times stored in UTC, ids that survive
a re-save, cascades, unique keys enforced by the schema and a migration that matches the tables.
The rules every repository keeps, the fake's included, are in tests/contract.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from governance_model.ports import AbstractUnitOfWork
from governance_model.storage import is_current, make_engine, migrate
from governance_model.storage.tables import (
    ActionPlanRow,
    Base,
    BodyRow,
    DocumentRow,
    DocumentVersionRow,
    GlossaryTermRow,
    MeetingRow,
    PersonRow,
    RecommendationRow,
    StepRow,
)
from tests.storage_examples import decision, peer_review_plan, sspb, strategy

UowFactory = Callable[[], AbstractUnitOfWork]
database = pytest.mark.database


# ---- realistic data, in the shape of the seed papers ---------------------------------------------


# ---- the contract: run on SQLite, PostgreSQL and the in-memory fake -----------------------------


# ---- what only a real database can show ---------------------------------------------------------


@database
def test_meeting_times_are_stored_in_utc(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.bodies.save(sspb())
        uow.commit()
        stored = uow.session.execute(text("SELECT starts_at FROM meetings WHERE key = 'SSPB-2022-06'")).scalar_one()
    if isinstance(stored, str):  # SQLite keeps the UTC wall time as text
        assert stored.startswith("2022-06-15 13:00:00")
    else:
        assert stored == dt.datetime(2022, 6, 15, 13, 0, tzinfo=dt.timezone.utc)


@database
def test_step_ids_survive_a_resave(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.documents.save(strategy())
        uow.commit()
        before = dict(uow.session.execute(select(StepRow.key, StepRow.id)).all())
    document = strategy()
    document.route.steps[0].title = "Share the draft"
    document.route.steps.pop()
    with uow_factory() as uow:
        uow.documents.save(document)
        uow.commit()
        after = dict(uow.session.execute(select(StepRow.key, StepRow.id)).all())
    assert after == {key: id_ for key, id_ in before.items() if key != "publish"}


@database
def test_deleting_a_document_cascades_to_its_children(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.documents.save(strategy())
        uow.documents.add_decision(decision())
        uow.bodies.save(sspb())
        uow.plans.save(peer_review_plan())
        uow.commit()
    with uow_factory() as uow:
        # Plain SQL deletes, so it is the database's ON DELETE CASCADE at work, not the ORM's.
        uow.session.execute(delete(DocumentRow))
        uow.session.execute(delete(BodyRow))
        uow.session.execute(delete(ActionPlanRow))
        uow.commit()
        for table in ("document_versions", "route_steps", "decisions", "meetings", "recommendations",
                      "actions", "measures", "progress_updates"):
            assert uow.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0, table


def _row(table, **values):
    return insert(table).values(**values)


_BODY = dict(name="n", papers_lead_days=5, exempt=False)
_DOCUMENT = dict(title="t", kind="strategy", exempt=False)
_STEP = dict(position=1, kind="share", title="t")
_RECOMMENDATION = dict(ordinal=0, text="t", note="", merged_with=[], aligned_with=[])

UNIQUE_KEYS = {
    "body code": [_row(BodyRow, id=1, code="SSPB", **_BODY), _row(BodyRow, id=2, code="SSPB", **_BODY)],
    "meeting key": [
        _row(BodyRow, id=1, code="A", **_BODY),
        _row(BodyRow, id=2, code="B", **_BODY),
        _row(MeetingRow, body_id=1, key="M1", status="scheduled", location=""),
        _row(MeetingRow, body_id=2, key="M1", status="scheduled", location=""),
    ],
    "meeting source id, within a body": [
        _row(BodyRow, id=1, code="A", **_BODY),
        _row(BodyRow, id=2, code="B", **_BODY),
        _row(MeetingRow, body_id=1, key="M1", status="scheduled", location="", source_id="17355"),
        _row(MeetingRow, body_id=2, key="M2", status="scheduled", location="", source_id="17355"),
        _row(MeetingRow, body_id=1, key="M3", status="scheduled", location=""),
        _row(MeetingRow, body_id=1, key="M4", status="scheduled", location=""),
        _row(MeetingRow, body_id=1, key="M5", status="scheduled", location="", source_id="17355"),
    ],
    "person initials": [
        _row(PersonRow, initials="GB", name="", role="", apprise_urls=[]),
        _row(PersonRow, initials="GB", name="", role="", apprise_urls=[]),
    ],
    "document key": [_row(DocumentRow, id=1, key="d", **_DOCUMENT), _row(DocumentRow, id=2, key="d", **_DOCUMENT)],
    "document version": [
        _row(DocumentRow, id=1, key="d", **_DOCUMENT),
        _row(DocumentVersionRow, document_id=1, ordinal=0, number=12, label=""),
        _row(DocumentVersionRow, document_id=1, ordinal=1, number=12, label=""),
    ],
    "document step key": [
        _row(DocumentRow, id=1, key="d", **_DOCUMENT),
        _row(StepRow, document_id=1, key="s", **_STEP),
        _row(StepRow, document_id=1, key="s", **_STEP),
    ],
    "plan key": [
        _row(ActionPlanRow, id=1, key="p", title="", source=""),
        _row(ActionPlanRow, id=2, key="p", title="", source=""),
    ],
    "plan recommendation number": [
        _row(ActionPlanRow, id=1, key="p", title="", source=""),
        _row(RecommendationRow, plan_id=1, number="6a", **_RECOMMENDATION),
        _row(RecommendationRow, plan_id=1, number="6a", **_RECOMMENDATION),
    ],
    "glossary acronym": [
        _row(GlossaryTermRow, acronym="SEND", meaning=""),
        _row(GlossaryTermRow, acronym="SEND", meaning=""),
    ],
}


@database
@pytest.mark.parametrize("statements", UNIQUE_KEYS.values(), ids=UNIQUE_KEYS.keys())
def test_unique_keys_are_enforced(statements, uow_factory: UowFactory) -> None:
    *allowed, duplicate = statements
    with uow_factory() as uow:
        for statement in allowed:
            uow.session.execute(statement)
        with pytest.raises(IntegrityError):
            uow.session.execute(duplicate)


@database
def test_the_same_natural_key_may_repeat_under_different_parents(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.documents.save(strategy())
        uow.documents.save(dataclasses.replace(strategy(), key="another-strategy"))
        uow.plans.save(peer_review_plan())
        uow.plans.save(dataclasses.replace(peer_review_plan(), key="another-plan"))
        uow.commit()
        assert uow.session.scalar(select(func.count()).select_from(StepRow)) == 12
        assert uow.session.scalar(select(func.count()).select_from(RecommendationRow)) == 10


@database
def test_migration_creates_exactly_the_declared_tables(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert is_current(engine)
        migrate(engine)  # a second run changes nothing
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


@database
def test_an_empty_database_is_not_current_until_migrated(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            Base.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE alembic_version"))
        assert not is_current(engine)
        migrate(engine)
        assert is_current(engine)
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    finally:
        engine.dispose()


@database
def test_upgrading_from_0006_keeps_steps_and_their_decisions_and_reads_old_whens_as_before(database_url: str) -> None:
    # Migration 0007 adds the When columns estimated, duration and anchor with plain ADD COLUMN: a
    # rebuilt route_steps table would have cascaded the delete to its decisions.
    from governance_model.model import Decision, DecisionOutcome
    from governance_model.storage import SqlUnitOfWork, downgrade, make_session_factory
    from governance_model.when import When

    engine = make_engine(database_url)
    try:
        downgrade(engine, "0006")
        with engine.begin() as connection:
            for statement in (
                "INSERT INTO documents (id, key, title, kind, exempt) VALUES (1, 'd', 'D', 'strategy', false)",
                "INSERT INTO route_steps (id, document_id, key, position, kind, title, when_kind, when_start, when_end, "
                "when_tentative, when_text) VALUES (1, 1, 's', 1, 'decide', 'S', 'window', '2022-03-01', '2022-03-31', "
                "true, 'TBC March 22')",
                "INSERT INTO decisions (step_id, body_code, outcome, decided_on, minute) "
                "VALUES (1, 'SSPB', 'approved', '2022-03-07', 'RESOLVED')",
            ):
                connection.execute(text(statement))
        migrate(engine)
        with SqlUnitOfWork(make_session_factory(engine)) as uow:
            (step,) = uow.documents.get("d").route.steps
            assert step.when == When("window", dt.date(2022, 3, 1), dt.date(2022, 3, 31), tentative=True, text="TBC March 22")
            assert (step.when.estimated, step.when.duration, step.when.anchor) == (False, None, None)
            assert uow.documents.list_decisions() == [
                Decision("d", "s", "SSPB", DecisionOutcome.APPROVED, dt.date(2022, 3, 7), minute="RESOLVED")
            ]
    finally:
        engine.dispose()
