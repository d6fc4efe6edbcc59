"""Route states in storage (SQLite, PostgreSQL and the in-memory fake): step forecasts, the
re-forecast history, nightly runs, moving a meeting, marking a step done, and the new fields of
decisions and meetings. Plus what only a database can show: the cascade to forecasts, the migration
from 0001, and that the bulk reads and writes send a fixed number of statements however much data
there is.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from sqlalchemy import delete, event, func, select, text

from governance_model.errors import ModelError
from governance_model.model import (
    Action,
    ActionPlan,
    Body,
    Decision,
    DecisionOutcome,
    Document,
    ForecastChange,
    Meeting,
    MeetingStatus,
    NightlyRun,
    Recommendation,
    Route,
    Step,
    StepForecast,
    StepKind,
    StepState,
)
from governance_model.ports import AbstractUnitOfWork
from governance_model.storage import alembic_config, make_engine, migrate
from governance_model.storage.tables import DocumentRow, ForecastChangeRow, StepForecastRow
from governance_model.when import When
from tests.fakes import FakeUnitOfWork
from tests.integration.test_storage import decision, hwbb, peer_review_plan, sspb, strategy

LONDON = ZoneInfo("Europe/London")
UowFactory = Callable[[], AbstractUnitOfWork]
DOC = "send-strategy-2022"
database = pytest.mark.database


def forecasts_for_strategy() -> list[StepForecast]:
    """One forecast per step of the strategy, in route order, in the shape the planner gives."""
    return [
        StepForecast(DOC, "share-jcb", StepState.DONE, dt.date(2021, 9, 15), reason="shared on 15 September"),
        StepForecast(DOC, "feedback", StepState.OVERDUE, dt.date(2021, 11, 30), reason="due by the end of November"),
        StepForecast(DOC, "decide-sspb", StepState.SCHEDULED, dt.date(2022, 3, 7), "SSPB-2022-03",
                     reason="the first SSPB meeting after feedback"),
        StepForecast(DOC, "decide-hwbb", StepState.PLANNED, dt.date(2022, 3, 7), "HWBB-2022-03", tentative=True,
                     reason="HWBB on the same day as SSPB"),
        StepForecast(DOC, "review-scrutiny", StepState.PLANNED, None, reason="waits for a Scrutiny date"),
        StepForecast(DOC, "publish", StepState.PLANNED, None, reason="waits for HWBB and Scrutiny"),
    ]  # fmt: skip


def other_document() -> Document:
    return Document(
        key="another-doc",
        title="Another",
        route=Route([Step("b", 2, StepKind.DECIDE, "Decide"), Step("a", 1, StepKind.SHARE, "Share")]),
    )


def run(as_of: str, hour: int = 2, **summary) -> NightlyRun:
    day = dt.date.fromisoformat(as_of)
    return NightlyRun(day, dt.datetime.combine(day, dt.time(hour, 0), LONDON), summary)


# ---- the contract: run on SQLite, PostgreSQL and the in-memory fake -----------------------------


def new_fields_round_trip(uow_factory: UowFactory) -> None:
    body = sspb()
    body.meetings[2].sequence = 3
    referred = decision(
        DecisionOutcome.REFERRED_BACK, back_to="feedback", recorded_by="LM", minute="Referred back for more feedback."
    )
    with uow_factory() as uow:
        uow.bodies.save(body)
        uow.documents.save(strategy())
        uow.documents.add_decision(referred)
        uow.documents.add_decision(decision(decided_on=dt.date(2022, 6, 15)))
        uow.commit()
    with uow_factory() as uow:
        assert uow.bodies.get("SSPB") == body
        assert uow.bodies.list() == [body]
        assert uow.bodies.get_meeting("SSPB-2022-03") == body.meetings[2]
        assert uow.bodies.get_meeting("SSPB-2022-03").sequence == 3
        assert uow.bodies.get_meeting("SSPB-2022-01").sequence == 0
        assert uow.bodies.get_meeting("SSPB-2022-03-TBC") == body.meetings[1]
        assert uow.bodies.get_meeting("nothing") is None
        assert uow.documents.list_decisions(DOC) == [referred, decision(decided_on=dt.date(2022, 6, 15))]
        stored = uow.documents.list_decisions()[1]
        assert (stored.back_to, stored.recorded_by) == (None, "")


def forecasts_are_upserted_by_step(uow_factory: UowFactory) -> None:
    first = forecasts_for_strategy()
    with uow_factory() as uow:
        uow.documents.save(strategy())
        uow.documents.save(other_document())
        uow.documents.save_forecasts(reversed(first))  # any order in, route order out
        uow.documents.save_forecasts([StepForecast("another-doc", "b", StepState.PLANNED, None)])
        uow.commit()
    with uow_factory() as uow:
        assert uow.documents.list_forecasts(DOC) == first
        assert uow.documents.list_forecasts() == [StepForecast("another-doc", "b", StepState.PLANNED, None)] + first
        assert uow.documents.list_forecasts("nothing") == []

    changed = list(first)
    changed[1] = dataclasses.replace(first[1], state=StepState.DONE, date=dt.date(2021, 12, 2), reason="done late")
    changed[3] = dataclasses.replace(first[3], date=dt.date(2022, 3, 28), meeting_key=None, tentative=False, reason="")
    moved_twice = dataclasses.replace(changed[2], date=dt.date(2022, 3, 28), meeting_key="SSPB-2022-03-TBC")
    with uow_factory() as uow:
        # Only the changed ones are given (as the nightly run does); a step given twice keeps the last.
        uow.documents.save_forecasts([changed[1], changed[3], changed[2], moved_twice])
        uow.documents.save_forecasts([StepForecast("another-doc", "a", StepState.DUE, dt.date(2022, 1, 4))])
        uow.documents.save_forecasts([])
        uow.commit()
    changed[2] = moved_twice
    with uow_factory() as uow:
        assert uow.documents.list_forecasts(DOC) == changed
        assert uow.documents.list_forecasts("another-doc") == [
            StepForecast("another-doc", "a", StepState.DUE, dt.date(2022, 1, 4)),
            StepForecast("another-doc", "b", StepState.PLANNED, None),
        ]
        assert all(type(f.state) is StepState for f in uow.documents.list_forecasts())


def forecasts_for_unknown_steps_are_refused(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.documents.save(strategy())
        uow.documents.save_forecasts(forecasts_for_strategy())
        uow.commit()
    moved = [dataclasses.replace(f, date=dt.date(2023, 1, 1), reason="moved") for f in forecasts_for_strategy()]
    with uow_factory() as uow:
        with pytest.raises(ModelError, match=f"nothing/share-jcb, {DOC}/not-a-step"):
            uow.documents.save_forecasts(
                moved[:3] + [StepForecast("nothing", "share-jcb", StepState.DUE, None)]
                + moved[3:] + [StepForecast(DOC, "not-a-step", StepState.DUE, None)]
            )
        # Refused before anything was written, and nothing is after the rollback either.
        assert uow.documents.list_forecasts() == forecasts_for_strategy()
    with uow_factory() as uow:
        assert uow.documents.list_forecasts() == forecasts_for_strategy()
        with pytest.raises(ModelError, match="no stored route"):
            uow.documents.save_forecasts([StepForecast(DOC, "nope", StepState.DUE, None)])


def forecast_changes_are_appended_in_order(uow_factory: UowFactory) -> None:
    def change(step: str, on: str, old: str | None, new: str | None, reason: str, document: str = DOC) -> ForecastChange:
        day = dt.date.fromisoformat
        return ForecastChange(document, step, old and day(old), new and day(new), reason, day(on))

    march = change("decide-sspb", "2022-01-12", "2022-01-12", "2022-03-07", "January SSPB cancelled")
    late = change("feedback", "2021-12-01", "2021-11-30", None, "feedback not received")
    tbc = change("decide-hwbb", "2022-01-12", "2022-03-07", "2022-03-28", "follows SSPB")
    other = change("b", "2022-01-05", None, "2022-02-01", "first forecast", document="another-doc")
    later = change("decide-sspb", "2022-03-01", "2022-03-07", "2022-03-28", "SSPB moved to 28 March")
    with uow_factory() as uow:
        uow.documents.add_forecast_changes([march, late, tbc])
        uow.documents.add_forecast_changes(iter([other]))
        uow.documents.add_forecast_changes([])
        uow.commit()
    with uow_factory() as uow:
        uow.documents.add_forecast_changes([later, march])  # the same change again is a second record
        uow.commit()
    with uow_factory() as uow:
        assert uow.documents.list_forecast_changes() == [late, other, march, tbc, march, later]
        assert uow.documents.list_forecast_changes(DOC) == [late, march, tbc, march, later]
        assert uow.documents.list_forecast_changes("nothing") == []


def nightly_runs_are_kept_one_per_date(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        assert uow.nightly_runs.last() is None
        uow.nightly_runs.record(run("2022-03-07", steps_moved=3, documents_moved=[DOC]))
        uow.nightly_runs.record(run("2022-03-05", steps_moved=0))
        uow.commit()
    with uow_factory() as uow:
        last = uow.nightly_runs.last()
        assert last == run("2022-03-07", steps_moved=3, documents_moved=[DOC])
        assert last.finished_at.utcoffset() == dt.timedelta(0)  # read back in UTC
        assert uow.nightly_runs.get(dt.date(2022, 3, 5)) == run("2022-03-05", steps_moved=0)
        assert uow.nightly_runs.get(dt.date(2022, 3, 6)) is None
        # A replay of an earlier date, finished later, is not the last run: the latest date is.
        uow.nightly_runs.record(run("2022-03-06", hour=23))
        uow.nightly_runs.record(run("2022-03-07", hour=3, steps_moved=5, nights=["2022-03-07"]))
        uow.commit()
    with uow_factory() as uow:
        assert uow.nightly_runs.last() == run("2022-03-07", hour=3, steps_moved=5, nights=["2022-03-07"])
        assert uow.nightly_runs.get(dt.date(2022, 3, 6)) == run("2022-03-06", hour=23)
        with pytest.raises(ModelError, match="time zone"):
            uow.nightly_runs.record(NightlyRun(dt.date(2022, 3, 8), dt.datetime(2022, 3, 8, 2, 0)))
        with pytest.raises(ModelError, match="not JSON"):
            uow.nightly_runs.record(run("2022-03-08", when=dt.date(2022, 3, 8)))


def saving_a_meeting_moves_it(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.bodies.save(sspb())
        uow.bodies.save(hwbb())
        uow.commit()
    # 7 March 10:00 GMT → 4 April 10:00 BST; 15 June 14:00 BST → 30 October 00:30 BST, the night the
    # clocks go back, which is still 29 October in UTC; the TBC March window becomes a real date.
    to_bst = dataclasses.replace(sspb().meetings[2], starts_at=dt.datetime(2022, 4, 4, 10, 0, tzinfo=LONDON))
    late_night = dataclasses.replace(
        sspb().meetings[3], starts_at=dt.datetime(2022, 10, 30, 0, 30, tzinfo=LONDON), status=MeetingStatus.SCHEDULED
    )
    confirmed = dataclasses.replace(
        sspb().meetings[1], starts_at=dt.datetime(2022, 3, 21, 14, 0, tzinfo=dt.timezone.utc), when=None,
        status=MeetingStatus.SCHEDULED, location="Civic Centre", sequence=1,
    )
    with uow_factory() as uow:
        uow.bodies.save_meeting(to_bst)
        uow.bodies.save_meeting(late_night)
        uow.bodies.save_meeting(confirmed)
        uow.commit()
    with uow_factory() as uow:
        moved = uow.bodies.get_meeting("SSPB-2022-03")
        assert moved == to_bst and moved.sequence == 0  # moving bumps nothing: the caller sets it
        assert moved.starts_at.utcoffset() == dt.timedelta(hours=1) and moved.starts_at.hour == 10
        night = uow.bodies.get_meeting("SSPB-2022-06")
        assert night == late_night and night.day == dt.date(2022, 10, 30)
        assert night.starts_at.astimezone(dt.timezone.utc).date() == dt.date(2022, 10, 29)
        tbc = uow.bodies.get_meeting("SSPB-2022-03-TBC")
        assert tbc == confirmed and tbc.when is None and tbc.sequence == 1
        assert tbc.starts_at.tzinfo == LONDON and tbc.starts_at.hour == 14  # GMT in March
        body = uow.bodies.get("SSPB")
        assert [m.key for m in body.meetings] == ["SSPB-2022-01", "SSPB-2022-03-TBC", "SSPB-2022-03", "SSPB-2022-06"]
        assert body.meetings[0] == sspb().meetings[0]
        assert uow.bodies.get("HWBB") == hwbb()

        with pytest.raises(ModelError, match="no meeting 'SSPB-2030-01'"):
            uow.bodies.save_meeting(Meeting("SSPB-2030-01", "SSPB", dt.datetime(2030, 1, 1, 10, tzinfo=LONDON)))
        with pytest.raises(ModelError, match="belongs to body 'SSPB', not 'HWBB'"):
            uow.bodies.save_meeting(dataclasses.replace(to_bst, body_code="HWBB"))
        with pytest.raises(ModelError, match="time zone"):
            uow.bodies.save_meeting(dataclasses.replace(to_bst, starts_at=dt.datetime(2022, 4, 4, 10, 0)))


def steps_are_marked_done(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.documents.save(strategy())
        uow.commit()
    with uow_factory() as uow:
        before = uow.documents.get(DOC)  # read first: a stale copy must not hide the change
        uow.documents.set_step_done(DOC, "feedback", dt.date(2021, 12, 2))
        uow.documents.set_step_done(DOC, "share-jcb", None)
        assert uow.documents.get(DOC).route.step("feedback").done_on == dt.date(2021, 12, 2)
        assert before.route.step("feedback").done_on is None
        uow.commit()
    expected = strategy()
    expected.route.step("feedback").done_on = dt.date(2021, 12, 2)
    expected.route.step("share-jcb").done_on = None
    with uow_factory() as uow:
        assert uow.documents.get(DOC) == expected
        with pytest.raises(ModelError, match=f"document '{DOC}' has no step 'nope'"):
            uow.documents.set_step_done(DOC, "nope", dt.date(2022, 1, 1))
        with pytest.raises(ModelError, match="document 'nothing' has no step 'feedback'"):
            uow.documents.set_step_done("nothing", "feedback", dt.date(2022, 1, 1))
        uow.documents.set_step_done(DOC, "publish", dt.date(2022, 4, 1))  # left without commit
    with uow_factory() as uow:
        assert uow.documents.get(DOC) == expected
        # Saving the document again afterwards writes what it is given.
        uow.documents.set_step_done(DOC, "publish", dt.date(2022, 4, 1))
        uow.documents.save(strategy())
        uow.commit()
    with uow_factory() as uow:
        assert uow.documents.get(DOC) == strategy()


def a_step_dropped_from_the_route_loses_its_forecast(uow_factory: UowFactory) -> None:
    history = ForecastChange(DOC, "publish", None, dt.date(2022, 4, 1), "first forecast", dt.date(2022, 1, 1))
    with uow_factory() as uow:
        uow.documents.save(strategy())
        uow.documents.save_forecasts(forecasts_for_strategy())
        uow.documents.add_forecast_changes([history])
        uow.commit()
    shorter = strategy()
    shorter.route.steps = [s for s in shorter.route.steps if s.key != "publish"]
    with uow_factory() as uow:
        uow.documents.save(shorter)
        uow.commit()
    with uow_factory() as uow:
        assert uow.documents.list_forecasts() == forecasts_for_strategy()[:-1]
        assert uow.documents.list_forecast_changes() == [history]  # the history stays
        uow.documents.save(strategy())  # the step comes back, without a forecast
        uow.commit()
    with uow_factory() as uow:
        assert uow.documents.list_forecasts() == forecasts_for_strategy()[:-1]
        uow.documents.save_forecasts(forecasts_for_strategy())
        assert uow.documents.list_forecasts() == forecasts_for_strategy()


def rollback_discards_route_states(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.bodies.save(sspb())
        uow.documents.save(strategy())
        uow.commit()
    with pytest.raises(RuntimeError, match="half-way"):
        with uow_factory() as uow:
            uow.documents.save_forecasts(forecasts_for_strategy())
            uow.documents.add_forecast_changes([ForecastChange(DOC, "feedback", None, None, "x", dt.date(2022, 1, 1))])
            uow.nightly_runs.record(run("2022-01-01"))
            uow.bodies.save_meeting(dataclasses.replace(sspb().meetings[2], location="Moved", sequence=4))
            uow.documents.set_step_done(DOC, "feedback", dt.date(2022, 1, 1))
            raise RuntimeError("the night failed half-way")
    with uow_factory() as uow:
        assert uow.documents.list_forecasts() == []
        assert uow.documents.list_forecast_changes() == []
        assert uow.nightly_runs.last() is None
        assert uow.bodies.get("SSPB") == sspb()
        assert uow.documents.get(DOC) == strategy()


CONTRACT = [
    new_fields_round_trip,
    forecasts_are_upserted_by_step,
    forecasts_for_unknown_steps_are_refused,
    forecast_changes_are_appended_in_order,
    nightly_runs_are_kept_one_per_date,
    saving_a_meeting_moves_it,
    steps_are_marked_done,
    a_step_dropped_from_the_route_loses_its_forecast,
    rollback_discards_route_states,
]


@database
@pytest.mark.parametrize("check", CONTRACT, ids=lambda check: check.__name__)
def test_route_storage(check: Callable[[UowFactory], None], uow_factory: UowFactory) -> None:
    check(uow_factory)


@pytest.mark.parametrize("check", CONTRACT, ids=lambda check: check.__name__)
def test_fake_route_storage_keeps_the_same_contract(check: Callable[[UowFactory], None]) -> None:
    uow = FakeUnitOfWork()
    check(lambda: uow)


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
        with engine.begin() as connection:
            config = alembic_config(engine.url)
            config.attributes["connection"] = connection
            command.downgrade(config, "0001")
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
    assert reads == {
        "documents.list": 3, "bodies.list": 2, "plans.list": 5, "documents.list_decisions": 1, "documents.list_forecasts": 1
    }
