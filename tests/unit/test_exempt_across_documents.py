"""Exempt business named from another document, and a meeting with no date at all (issue 14's review).

A public document's step may wait for another public document's step held at an exempt body (legal
advice at a closed panel, say). The first document's reasons then name that step ("after
pub2/advice"), and its words would name it by title: neither may reach a public page or the digest
of someone outside the exempt business. A TBC meeting with no window is on nobody's date: the public
page of that meeting lists only what is planned onto it."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from governance_model.model import Body, Document, Meeting, Route, Step, StepKind
from governance_model.public_pages import meeting_page
from governance_model.publication import Publication
from governance_model.reason_words import move_words
from governance_model.route_planner import MeetingIndex, bind_meetings
from governance_model.when import When
from govflow.services import route_changes
from govflow.services.report_writing import _routes
from govflow.services.night_planning import advance_routes, load_snapshot, nights_to_run, owed_reminders, save_route_update
from tests.fakes import FakeUnitOfWork

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2022, 1, 3, 3, tzinfo=dt.timezone.utc)
SECRET = "Legal advice on the Smith dispute"


def on(day: dt.date) -> When:
    return When(kind="date", start=day, end=day, text=f"{day.day} {day:%B %Y}")


def meeting(code: str, day: dt.date) -> Meeting:
    return Meeting(f"{code}-{day.isoformat()}", code, dt.datetime.combine(day, dt.time(14), LONDON))


def council() -> tuple[list[Body], list[Document]]:
    sspb = Body("SSPB", "Strategic Partnership Board", secretary="SEC",
                meetings=[meeting("SSPB", dt.date(2022, 3, 1)), meeting("SSPB", dt.date(2022, 5, 4))])
    panel = Body("LG", "Legal panel", secretary="LEG", meetings=[meeting("LG", dt.date(2022, 2, 15))], exempt=True)
    advice = Step("advice", 0, StepKind.DECIDE, SECRET, "LG", None, owner="LEG")
    pub2 = Document("pub2", "Admissions policy", owner="OWN", route=Route([advice]), dated=dt.date(2021, 12, 1))
    sign_off = Step("sign-off", 0, StepKind.DECIDE, "Sign off the strategy", "SSPB", None, owner="CD")
    sign_off.waits_for = ("pub2/advice",)
    pub1 = Document("pub1", "SEND strategy", owner="CD", route=Route([sign_off]), dated=dt.date(2021, 12, 1))
    return [sspb, panel], [pub1, pub2]


def test_another_documents_step_at_an_exempt_body_is_exempt_in_every_documents_text():
    """What every public output and the digests' "why this date" check their texts and words with."""
    bodies, documents = council()
    publication = Publication(bodies, documents)

    assert publication.names_exempt("first SSPB meeting after papers 5 working days after pub2/advice (forecast 2022-03-15)", "pub1")
    assert publication.names_exempt(f"because “{SECRET}” now finishes on 15 March 2022", "pub1")
    assert not publication.names_exempt("first SSPB meeting after 1 March 2022", "pub1")


def test_a_tbc_meeting_with_no_window_lists_only_what_is_planned_onto_it():
    bodies, documents = council()
    bodies[0].meetings.append(Meeting("SSPB-tbc", "SSPB", None))
    undated = Step("note", 1, StepKind.DECIDE, "Note the strategy", "SSPB", None, owner="CD")
    undated.waits_for = ("condition:DfE",)
    documents[0].route.steps.append(undated)
    index = MeetingIndex(bodies)
    for document in documents:
        bind_meetings(document, index)
    uow = FakeUnitOfWork()
    with uow:
        for body in bodies:
            uow.bodies.save(body)
        for document in documents:
            uow.documents.save(document)
        uow.commit()
    snapshot = load_snapshot(uow)
    routes, unplannable = _routes(snapshot.documents, snapshot.bodies, snapshot.decisions, dt.date(2022, 1, 3), None, snapshot.conditions)
    assert not unplannable and routes["pub1"].steps[1].date is None  # the note waits for the DfE: no date
    page = meeting_page("SSPB-tbc", snapshot.bodies, snapshot.documents, routes, [], dt.date(2022, 1, 3))

    assert page is not None and page.agenda.items == () and page.agenda.exempt_items == 0


def test_a_decision_on_one_document_moves_another_and_its_words_do_not_borrow_a_title_of_the_moved_one():
    """Both documents have a step keyed "approve": the move of the second says it follows "a step of
    another document", not the second's own "approve" step."""
    from governance_model.model import Decision, DecisionOutcome

    days = [dt.date(2022, 3, 1), dt.date(2022, 5, 4), dt.date(2022, 7, 6)]
    sspb = Body("SSPB", "Strategic Partnership Board", secretary="SEC", meetings=[meeting("SSPB", d) for d in days])
    d1 = Document("d1", "SEND strategy", owner="CD", dated=dt.date(2021, 12, 1),
                  route=Route([Step("approve", 0, StepKind.DECIDE, "Strategy approved", "SSPB", on(days[0]), owner="CD")]))
    own = Step("approve", 0, StepKind.DECIDE, "Delivery plan's own approval", "SSPB", on(days[0]), owner="CD")
    follows = Step("adopt", 1, StepKind.DECIDE, "Delivery plan adopted", "SSPB", None, owner="CD")
    follows.waits_for = ("d1/approve",)
    d2 = Document("d2", "Delivery plan", owner="CD", dated=dt.date(2021, 12, 1), route=Route([own, follows]))
    uow = FakeUnitOfWork()
    with uow:
        index = MeetingIndex([sspb])
        uow.bodies.save(sspb)
        for document in (d1, d2):
            bind_meetings(document, index)
            uow.documents.save(document)
        uow.commit()
    snapshot = load_snapshot(uow)
    update = advance_routes(snapshot, nights_to_run(snapshot.last_run, dt.date(2022, 2, 1)))
    save_route_update(uow, update, NOW, owed_reminders(snapshot, update))

    result = route_changes.record_decision(
        uow, Decision("d1", "approve", "SSPB", DecisionOutcome.DEFERRED, days[0]),
        actor="clerk", reason="", as_of=days[0], now=NOW,
    )

    moved = [c for c in result.reforecast if (c.document_key, c.step_key) == ("d2", "adopt")]
    assert moved, result.reforecast
    words = move_words(moved[0], {s.key: s.title for s in d2.route.steps})
    assert "Delivery plan's own approval" not in words and "a step of another document" in words, words
