"""The storage layer on real databases (SQLite and PostgreSQL): exact round trips, all-or-nothing
units of work, upserts, unique keys, cascades and a migration that matches the tables.

The `contract` checks also run against the in-memory FakeUnitOfWork, so the fake that unit tests
rely on behaves like the real thing.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from governance_model.errors import ModelError
from governance_model.model import (
    Action,
    ActionPlan,
    Body,
    Decision,
    DecisionOutcome,
    Document,
    DocumentKind,
    DocumentVersion,
    Glossary,
    Measure,
    Meeting,
    MeetingStatus,
    Person,
    ProgressUpdate,
    Recommendation,
    Route,
    Step,
    StepKind,
)
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
from governance_model.when import When
from tests.fakes import FakeUnitOfWork

LONDON = ZoneInfo("Europe/London")
UowFactory = Callable[[], AbstractUnitOfWork]
database = pytest.mark.database


# ---- realistic data, in the shape of the seed papers ---------------------------------------------


def sspb() -> Body:
    """The partnership board: a cancelled January sitting, a TBC March window, GMT and BST meetings."""
    return Body(
        code="SSPB",
        name="SEND Strategic Partnership Board",
        secretary="LM",
        papers_lead_days=7,
        meeting_rule="6 times a year",
        meetings=[
            Meeting(
                key="SSPB-2022-01",
                body_code="SSPB",
                starts_at=dt.datetime(2022, 1, 12, 14, 0, tzinfo=LONDON),
                status=MeetingStatus.CANCELLED,
                location="Civic Centre, Committee Room 2",
            ),
            Meeting(
                key="SSPB-2022-03-TBC",
                body_code="SSPB",
                when=When("window", dt.date(2022, 3, 1), dt.date(2022, 3, 31), tentative=True, text="TBC March 22"),
                status=MeetingStatus.TENTATIVE,
            ),
            Meeting(
                key="SSPB-2022-03",
                body_code="SSPB",
                starts_at=dt.datetime(2022, 3, 7, 10, 0, tzinfo=LONDON),  # GMT, UTC+0
                location="Microsoft Teams",
            ),
            Meeting(
                key="SSPB-2022-06",
                body_code="SSPB",
                starts_at=dt.datetime(2022, 6, 15, 14, 0, tzinfo=LONDON),  # BST, UTC+1
                status=MeetingStatus.HELD,
                location="Civic Centre, Council Chamber",
            ),
        ],
    )


def hwbb() -> Body:
    return Body(
        code="HWBB",
        name="Health and Wellbeing Board",
        meetings=[
            Meeting(key="HWBB-2022-03", body_code="HWBB", starts_at=dt.datetime(2022, 3, 7, 18, 30, tzinfo=LONDON))
        ],
        exempt=True,
    )


def people() -> list[Person]:
    return [
        Person(
            initials="GB",
            name="G. Brown",
            role="Head of SEND",
            email="gb@southend.example",
            apprise_urls=["mailto://gb@southend.example", "msteams://team/tokenA/tokenB/tokenC"],
        ),
        Person(initials="LM", name="L. Moore", role="Board secretary"),
    ]


def strategy() -> Document:
    """Version 12 of the SEND Strategy, HWBB sign-off and Scrutiny running side by side."""
    return Document(
        key="send-strategy-2022",
        title="SEND Strategy 2022–2025",
        kind=DocumentKind.STRATEGY,
        owner="GB",
        versions=[
            DocumentVersion(11, "Version 11", dt.date(2021, 11, 30)),
            DocumentVersion(12, "Version 12", dt.date(2022, 1, 20)),
        ],
        dated=dt.date(2021, 9, 1),
        route=Route(
            steps=[
                Step(
                    key="share-jcb",
                    position=1,
                    kind=StepKind.SHARE,
                    title="Share draft with JCB",
                    body_code="JCB",
                    when=When("date", dt.date(2021, 9, 15), dt.date(2021, 9, 15), text="15 th September 21"),
                    owner="GB",
                    waits_for=(),
                    done_on=dt.date(2021, 9, 15),
                ),
                Step(
                    key="feedback",
                    position=2,
                    kind=StepKind.FEEDBACK,
                    title="Feedback from partners",
                    when=When("window", dt.date(2021, 10, 1), dt.date(2021, 11, 30), text="October/November 21"),
                    owner="GB",
                ),
                Step(
                    key="decide-sspb",
                    position=3,
                    kind=StepKind.DECIDE,
                    title="SSPB sign-off",
                    body_code="SSPB",
                    when=When("window", dt.date(2022, 3, 1), dt.date(2022, 3, 31), tentative=True, text="TBC March 22"),
                    meeting_key="SSPB-2022-03",
                ),
                Step(
                    key="decide-hwbb",
                    position=4,
                    kind=StepKind.DECIDE,
                    title="HWBB sign-off",
                    body_code="HWBB",
                    when=When("date", dt.date(2022, 3, 7), dt.date(2022, 3, 7), text="7 March"),
                    waits_for=("decide-sspb",),
                ),
                Step(
                    key="review-scrutiny",
                    position=5,
                    kind=StepKind.REVIEW,
                    title="People Scrutiny Committee",
                    body_code="Scrutiny",
                    when=When("date", dt.date(2022, 3, 15), dt.date(2022, 3, 15), text="15 March"),
                    waits_for=("decide-sspb",),
                ),
                Step(
                    key="publish",
                    position=6,
                    kind=StepKind.PUBLISH,
                    title="Publish on the Local Offer",
                    waits_for=("decide-hwbb", "review-scrutiny"),
                ),
            ]
        ),
    )


def peer_review_plan() -> ActionPlan:
    """The peer-review implementation plan: 6a, merges and alignments, recurring and contingent Whens."""
    return ActionPlan(
        key="peer-review-2022",
        title="SEND Peer Review Implementation Plan",
        context_date=dt.date(2022, 1, 1),
        source="002_peer_review_plan.docx",
        recommendations=[
            Recommendation(
                number="1",
                text="Co-produce the SEND strategy with parents and carers",
                owner="GB",
                actions=[
                    Action(1, "Workshops with the parent carer forum", When("window", dt.date(2022, 1, 1), dt.date(2022, 2, 28), text="One month Jan/Feb 22"), "GB"),
                    Action(2, "Report progress to SSPB", When("recurring", dt.date(2022, 1, 1), None, every="P3M", text="Quarterly wef Jan 2022"), "LM"),
                ],
                measures=[Measure(1, "Parents say they were heard"), Measure(2, "Strategy signed off by SSPB")],
            ),
            Recommendation(
                number="3",
                text="Improve the timeliness of EHC plans",
                owner="BM",
                aligned_with=["1", "6"],
                actions=[
                    Action(1, "Apply for the capital grant", When("contingent", None, None, depends_on="DfE", text="DfE contingent"), "BM"),
                    Action(2, "Keep the dashboard current", When("ongoing", None, None, text="Ongoing")),
                    Action(3, "Recruit two EHC coordinators"),
                ],
            ),
            Recommendation(number="6", text="Develop the local offer", owner="GB"),
            Recommendation(
                number="6a",
                text="Publish the local offer in community languages",
                note="*Not a PR team recommendation, added by the board",
                merged_with=["6"],
                actions=[Action(1, "Translate the top ten pages", When("window", dt.date(2022, 3, 1), dt.date(2022, 3, 31), tentative=True, text="TBC March 22"), "GB")],
                measures=[Measure(1, "Pages available in five languages")],
            ),
            Recommendation(number="7", text="Strengthen transitions to adulthood"),
        ],
        updates=[
            ProgressUpdate(
                recommendation_number="1",
                recorded_on=dt.date(2022, 2, 1),
                done=["Two workshops held", "Survey sent to 400 families"],
                difference=["Parents shaped the priorities"],
                to_develop=["Reach fathers and working parents"],
                next_steps=["Evening session in March"],
                action_position=1,
                author="GB",
            ),
            ProgressUpdate(recommendation_number="3", recorded_on=dt.date(2022, 3, 1), done=["Grant bid drafted"]),
        ],
    )


def decision(outcome: DecisionOutcome = DecisionOutcome.APPROVED, **changes) -> Decision:
    made = Decision(
        document_key="send-strategy-2022",
        step_key="decide-sspb",
        body_code="SSPB",
        outcome=outcome,
        decided_on=dt.date(2022, 3, 7),
        meeting_key="SSPB-2022-03",
        minute="RESOLVED that the SEND Strategy be approved.",
    )
    return dataclasses.replace(made, **changes)


# ---- the contract: run on SQLite, PostgreSQL and the in-memory fake -----------------------------


def body_round_trip(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.bodies.save(sspb())
        uow.bodies.save(hwbb())
        uow.commit()
    with uow_factory() as uow:
        body = uow.bodies.get("SSPB")
        assert body == sspb()
        assert [b.code for b in uow.bodies.list()] == ["HWBB", "SSPB"]
        assert uow.bodies.list()[0] == hwbb()
        assert uow.bodies.get("JCB") is None
    bst, gmt = body.meetings[3].starts_at, body.meetings[2].starts_at
    assert bst.tzinfo == LONDON and bst.utcoffset() == dt.timedelta(hours=1) and bst.hour == 14
    assert gmt.tzinfo == LONDON and gmt.utcoffset() == dt.timedelta(0) and gmt.hour == 10


def person_round_trip(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        for person in reversed(people()):
            uow.people.save(person)
        uow.commit()
    with uow_factory() as uow:
        assert uow.people.get("GB") == people()[0]
        assert uow.people.list() == people()
        assert uow.people.get("XX") is None
        changed = dataclasses.replace(people()[1], email="lm@southend.example", apprise_urls=["mailto://lm@x.example"])
        uow.people.save(changed)
        uow.commit()
    with uow_factory() as uow:
        assert uow.people.get("LM") == changed
        assert len(uow.people.list()) == 2


def document_round_trip(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.documents.save(strategy())
        uow.commit()
    with uow_factory() as uow:
        document = uow.documents.get("send-strategy-2022")
        assert document == strategy()
        assert uow.documents.list() == [strategy()]
        assert uow.documents.get("nothing") is None
    route = document.route
    assert route.step("share-jcb").waits_for == ()
    assert route.step("feedback").waits_for is None
    assert route.prerequisites(route.step("publish")) == ("decide-hwbb", "review-scrutiny")
    assert document.current_version.label == "Version 12"


def steps_come_back_in_position_order(uow_factory: UowFactory) -> None:
    shuffled = strategy()
    shuffled.route.steps.reverse()
    with uow_factory() as uow:
        uow.documents.save(shuffled)
        uow.commit()
    with uow_factory() as uow:
        assert uow.documents.get(shuffled.key) == strategy()


def plan_round_trip(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.plans.save(peer_review_plan())
        uow.commit()
    with uow_factory() as uow:
        plan = uow.plans.get("peer-review-2022")
        assert plan == peer_review_plan()
        assert uow.plans.list() == [peer_review_plan()]
        assert uow.plans.get("nothing") is None
    assert plan.recommendation("6a").merged_with == ["6"]
    assert plan.recommendation("1").actions[1].when.every == "P3M"
    assert plan.recommendation("3").actions[0].when.depends_on == "DfE"
    assert plan.recommendation("3").actions[2].when is None


def decisions_are_listed_by_day(uow_factory: UowFactory) -> None:
    deferred = decision(DecisionOutcome.DEFERRED, decided_on=dt.date(2022, 1, 12), minute="Deferred to March.")
    noted = decision(DecisionOutcome.NOTED, step_key="decide-hwbb", body_code="HWBB", meeting_key=None)
    other = Document(key="other", title="Other", route=Route([Step("s", 1, StepKind.DECIDE, "Decide")]))
    with uow_factory() as uow:
        uow.documents.save(strategy())
        uow.documents.save(other)
        uow.documents.add_decision(decision())
        uow.documents.add_decision(noted)
        uow.documents.add_decision(deferred)
        uow.documents.add_decision(Decision("other", "s", "SSPB", DecisionOutcome.REJECTED, dt.date(2022, 1, 1)))
        uow.commit()
    with uow_factory() as uow:
        assert uow.documents.list_decisions("send-strategy-2022") == [deferred, decision(), noted]
        assert len(uow.documents.list_decisions()) == 4
        assert uow.documents.list_decisions("nothing") == []
        with pytest.raises(ModelError, match="no such step"):
            uow.documents.add_decision(decision(step_key="not-a-step"))
        with pytest.raises(ModelError, match="no such step"):
            uow.documents.add_decision(decision(document_key="nothing"))


def glossary_is_merged(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.glossary.merge(Glossary({"SEND": "Special Educational Needs and Disabilities", "EHC": "Education"}))
        uow.commit()
    with uow_factory() as uow:
        uow.glossary.merge(Glossary({"EHC": "Education, Health and Care", "JCB": "Joint Commissioning Board"}))
        uow.commit()
    with uow_factory() as uow:
        assert uow.glossary.get() == Glossary(
            {
                "EHC": "Education, Health and Care",
                "JCB": "Joint Commissioning Board",
                "SEND": "Special Educational Needs and Disabilities",
            }
        )


def audit_events_are_kept(uow_factory: UowFactory) -> None:
    at = dt.datetime(2022, 6, 15, 2, 0, tzinfo=LONDON)
    with uow_factory() as uow:
        first = uow.audit.add(
            occurred_at=at, actor="nightly", kind="step.moved", subject="send-strategy-2022",
            reason="approved at SSPB", details={"from": "decide-sspb", "to": ["decide-hwbb", "review-scrutiny"]},
        )
        uow.audit.add(occurred_at=at - dt.timedelta(days=1), actor="LM", kind="meeting.moved", subject="SSPB-2022-06")
        uow.commit()
    assert first.id is not None and first.occurred_at == at and first.occurred_at.utcoffset() == dt.timedelta(0)
    with uow_factory() as uow:
        events = uow.audit.list()
        assert [e.kind for e in events] == ["meeting.moved", "step.moved"]
        assert events[1] == first
        assert uow.audit.list(subject="send-strategy-2022") == [first]
        assert uow.audit.list(kind="meeting.moved", actor="LM")[0].details == {}
        assert uow.audit.list(since=at) == [first]
        assert [e.kind for e in uow.audit.list(until=at)] == ["meeting.moved"]
        with pytest.raises(ModelError, match="time zone"):
            uow.audit.add(occurred_at=dt.datetime(2022, 1, 1), actor="x", kind="y", subject="z")


def rollback_leaves_everything_unchanged(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.people.save(people()[0])
        uow.commit()
    with pytest.raises(RuntimeError, match="half-way"):
        with uow_factory() as uow:
            uow.bodies.save(sspb())
            uow.documents.save(strategy())
            uow.plans.save(peer_review_plan())
            uow.people.save(dataclasses.replace(people()[0], name="Changed"))
            uow.glossary.merge(Glossary({"SEND": "x"}))
            uow.audit.add(occurred_at=dt.datetime(2022, 1, 1, tzinfo=LONDON), actor="a", kind="k", subject="s")
            raise RuntimeError("the load failed half-way")
    with uow_factory() as uow:
        uow.plans.save(peer_review_plan())  # and leave without commit
    with uow_factory() as uow:
        assert uow.bodies.list() == []
        assert uow.documents.list() == []
        assert uow.plans.list() == []
        assert uow.people.list() == [people()[0]]
        assert uow.glossary.get() == Glossary()
        assert uow.audit.list() == []


def upsert_replaces_children(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.bodies.save(sspb())
        uow.documents.save(strategy())
        uow.plans.save(peer_review_plan())
        uow.commit()

    moved = Meeting("SSPB-2022-03", "SSPB", dt.datetime(2022, 3, 28, 10, 0, tzinfo=LONDON), location="Teams")
    added = Meeting("SSPB-2022-09", "SSPB", dt.datetime(2022, 9, 21, 14, 0, tzinfo=LONDON))
    body = dataclasses.replace(sspb(), name="SEND Partnership Board", meetings=[moved, added])

    document = strategy()
    document.title = "SEND Strategy (revised)"
    document.versions = [DocumentVersion(12, "Version 12 (final)", dt.date(2022, 2, 1)), DocumentVersion(13, "Version 13")]
    steps = document.route.steps
    steps[2].when = None
    steps[2].done_on = dt.date(2022, 3, 7)
    document.route.steps = [steps[0], steps[2], Step("consult", 7, StepKind.CONSULT, "Public consultation", waits_for=())]

    plan = peer_review_plan()
    plan.title = "Implementation Plan (refreshed)"
    plan.recommendations = [
        dataclasses.replace(
            plan.recommendations[0],
            text="Co-produce, with parents",
            actions=[Action(5, "One workshop", When("date", dt.date(2022, 5, 4), dt.date(2022, 5, 4), text="4 May"))],
            measures=[],
        ),
        Recommendation(number="8", text="A new recommendation", merged_with=["1"]),
    ]

    with uow_factory() as uow:
        uow.bodies.save(body)
        uow.documents.save(document)
        uow.plans.save(plan)
        uow.commit()
    with uow_factory() as uow:
        stored = uow.bodies.get("SSPB")
        assert stored.name == "SEND Partnership Board"
        assert [m.key for m in stored.meetings] == ["SSPB-2022-01", "SSPB-2022-03-TBC", "SSPB-2022-03", "SSPB-2022-06", "SSPB-2022-09"]
        assert [m for m in stored.meetings if m.key == "SSPB-2022-03"] == [moved]
        assert uow.documents.get(document.key) == document
        assert uow.plans.get(plan.key) == plan


def progress_updates_survive_a_plan_resave(uow_factory: UowFactory) -> None:
    later = ProgressUpdate(recommendation_number="6a", recorded_on=dt.date(2022, 2, 15), next_steps=["Commission translations"])
    with uow_factory() as uow:
        uow.plans.save(peer_review_plan())
        uow.plans.add_update("peer-review-2022", later)
        uow.commit()
    with uow_factory() as uow:
        uow.plans.save(dataclasses.replace(peer_review_plan(), updates=[], recommendations=[]))
        uow.commit()
    with uow_factory() as uow:
        uow.plans.save(peer_review_plan())  # the same updates again: nothing is doubled
        uow.commit()
    with uow_factory() as uow:
        first, second = peer_review_plan().updates
        assert uow.plans.get("peer-review-2022").updates == [first, later, second]
        with pytest.raises(ModelError, match="no action plan"):
            uow.plans.add_update("nothing", later)
        with pytest.raises(ModelError, match="no recommendation '99'"):
            uow.plans.add_update("peer-review-2022", dataclasses.replace(later, recommendation_number="99"))


def repeated_keys_are_refused(uow_factory: UowFactory) -> None:
    body = sspb()
    body.meetings.append(body.meetings[0])
    plan = peer_review_plan()
    plan.recommendations.append(Recommendation(number="6a", text="again"))
    document = strategy()
    document.versions.append(DocumentVersion(12, "Version 12 again"))
    route_twice = strategy()
    route_twice.route.steps.append(route_twice.route.steps[0])
    naive = dataclasses.replace(sspb(), meetings=[Meeting("m", "SSPB", dt.datetime(2022, 3, 7, 10, 0))])
    elsewhere = dataclasses.replace(hwbb(), meetings=[dataclasses.replace(sspb().meetings[0], body_code="HWBB")])
    with uow_factory() as uow:
        with pytest.raises(ModelError, match="SSPB-2022-01"):
            uow.bodies.save(body)
        with pytest.raises(ModelError, match="'6a'"):
            uow.plans.save(plan)
        with pytest.raises(ModelError, match="'12'"):
            uow.documents.save(document)
        with pytest.raises(ModelError, match="share-jcb"):
            uow.documents.save(route_twice)
        with pytest.raises(ModelError, match="time zone"):
            uow.bodies.save(naive)
        uow.bodies.save(sspb())
        with pytest.raises(ModelError, match="already belongs to body 'SSPB'"):
            uow.bodies.save(elsewhere)


def decided_steps_cannot_be_dropped(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.documents.save(strategy())
        uow.documents.add_decision(decision())
        uow.commit()
    shorter = strategy()
    shorter.route.steps = [s for s in shorter.route.steps if s.key != "decide-sspb"]
    for step in shorter.route.steps:
        step.waits_for = None if step.waits_for else step.waits_for
    with uow_factory() as uow:
        with pytest.raises(ModelError, match="decide-sspb have decisions recorded"):
            uow.documents.save(shorter)


CONTRACT = [
    body_round_trip,
    person_round_trip,
    document_round_trip,
    steps_come_back_in_position_order,
    plan_round_trip,
    decisions_are_listed_by_day,
    glossary_is_merged,
    audit_events_are_kept,
    rollback_leaves_everything_unchanged,
    upsert_replaces_children,
    progress_updates_survive_a_plan_resave,
    repeated_keys_are_refused,
    decided_steps_cannot_be_dropped,
]


@database
@pytest.mark.parametrize("check", CONTRACT, ids=lambda check: check.__name__)
def test_storage(check: Callable[[UowFactory], None], uow_factory: UowFactory) -> None:
    check(uow_factory)


@pytest.mark.parametrize("check", CONTRACT, ids=lambda check: check.__name__)
def test_fake_storage_keeps_the_same_contract(check: Callable[[UowFactory], None]) -> None:
    uow = FakeUnitOfWork()
    check(lambda: uow)


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
