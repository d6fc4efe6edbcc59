"""Every field of a When survives storage on each table that holds one (meetings, route steps,
actions), including those issue 11 added: estimated, duration and anchor (migration 0007).

Run against the in-memory fake and every configured database (tests/contract/conftest.py)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from governance_model.model import Action, Meeting, MeetingStatus
from governance_model.ports import AbstractUnitOfWork
from governance_model.when import When
from tests.storage_examples import peer_review_plan, sspb, strategy

UowFactory = Callable[[], AbstractUnitOfWork]

ESTIMATED = When("window", dt.date(2011, 10, 24), dt.date(2011, 10, 28), tentative=True, text="October half term TBC", estimated=True)
PERIOD = When("window", dt.date(2019, 7, 11), dt.date(2019, 9, 5), text="eight-week consultation from 11 July 2019", duration="P8W")
RELATIVE = When("relative", None, None, text="two weeks before the meeting", duration="-P2W", anchor="meeting")
WAITING = When("window", dt.date(2022, 3, 1), dt.date(2022, 3, 31), depends_on="Cabinet approval", text="March 2022 (subject to Cabinet approval)")


def test_every_when_field_round_trips(uow_factory: UowFactory) -> None:
    body = sspb()
    body.meetings.append(Meeting(key="SSPB-half-term", body_code="SSPB", when=ESTIMATED, status=MeetingStatus.TENTATIVE))
    document = strategy()
    steps = document.route.steps
    steps[0] = dataclasses.replace(steps[0], when=PERIOD)
    steps[1] = dataclasses.replace(steps[1], when=RELATIVE)
    plan = peer_review_plan()
    actions = plan.recommendations[0].actions
    actions.append(Action(3, "Consult on the draft", WAITING, "GB"))
    actions.append(Action(4, "Report back", RELATIVE, "LM"))
    with uow_factory() as uow:
        uow.bodies.save(body)
        uow.documents.save(document)
        uow.plans.save(plan)
        uow.commit()
    with uow_factory() as uow:
        meeting = next(m for m in uow.bodies.get("SSPB").meetings if m.key == "SSPB-half-term")
        stored_steps = uow.documents.get(document.key).route.steps
        stored_actions = uow.plans.get(plan.key).recommendations[0].actions
    assert meeting.when == ESTIMATED and meeting.when.estimated
    assert [s.when for s in stored_steps[:2]] == [PERIOD, RELATIVE]
    assert [a.when for a in stored_actions[2:]] == [WAITING, RELATIVE]
    assert stored_steps == document.route.steps
