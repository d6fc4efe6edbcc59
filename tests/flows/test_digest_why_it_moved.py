"""Issue 14, point 4, in the digests: after the SSPB meeting of 1 March 2022 is moved to 8 March, the
nightly (through Prefect, mailing through a real SMTP relay) tells the owner of the step on that
meeting why its date is what it is, in words, with no step key or ISO date; an item whose date never
moved says nothing of the kind."""
from __future__ import annotations

import datetime as dt
import re

from flows.nightly import NightlyParameters, nightly
from governance_model.model import Decision, DecisionOutcome
from govflow.services import route_changes
from govflow.services.night_planning import run_nightly

D = dt.date.fromisoformat
NOW = dt.datetime(2026, 11, 23, 12, tzinfo=dt.timezone.utc)
STRATEGY = "send-strategy-2021-24"
DONE_BY_JANUARY = {  # seed 000's steps before the January SSPB, done on their dates
    "share-sspb": "2021-10-06", "final-feedback": "2021-10-22", "action-planning": "2021-11-30",
    "peer-review": "2021-12-10", "presentation": "2021-12-17", "revise-peer-review": "2021-12-22",
}
NIGHT = D("2022-02-22")  # 10 working days before 8 March 2022: SSPB's first reminder of its final version
CODES = re.compile(r"\d{4}-\d{2}-\d{2}|SSPB-2022|sspb-final|sspb-draft|send-strategy|consultation\b(?! on)")


def test_the_owner_s_digest_says_why_the_step_moved_after_its_meeting_moved(
    prefect_api_url, southend_database, uow_factory, smtp_server, monkeypatch
):
    monkeypatch.setenv("GOVFLOW_SMTP_URL", smtp_server.url())
    for step, day in DONE_BY_JANUARY.items():
        route_changes.mark_step_done(uow_factory(), STRATEGY, step, D(day), actor="GB", reason="", as_of=D(day), now=NOW)
    run_nightly(uow_factory, D("2022-01-06"), NOW)
    route_changes.record_decision(
        uow_factory(),
        Decision(STRATEGY, "sspb-draft", "SSPB", DecisionOutcome.ENDORSED, D("2022-01-06"), minute="RESOLVED that the draft go to consultation"),
        actor="SEC", reason="minutes of 6 January", as_of=D("2022-01-06"), now=NOW,
    )
    route_changes.move_meeting(
        uow_factory(), "SSPB-2022-03-01", dt.datetime(2022, 3, 8, 14, tzinfo=dt.timezone.utc),
        actor="SEC", reason="clash with budget council", as_of=D("2022-01-10"), now=NOW,
    )

    nightly(NightlyParameters(as_of=NIGHT))

    digests = {m.rcpt_tos[0]: m for m in smtp_server.mailbox.received}
    gb = digests["gb@southend.example.org"]
    text, html = gb.part("text/plain"), gb.part("text/html")
    items = {block.split("\n", 1)[0].split(". ", 1)[-1]: block for block in re.split(r"\n\s*\n(?=\d+\. )", text)}

    # The step on the moved meeting: why its date is 8 March, as the secretary would say it.
    moved = "Why this date: moved to SSPB on 8 March 2022 because the SSPB meeting of 1 March 2022 moved to 8 March 2022"
    (final,) = [b for title, b in items.items() if title == "SSSPB final version" and "Due: Tuesday 8 March 2022" in b]
    assert moved in final
    assert moved in html
    why_lines = [line for line in (text + "\n" + html).splitlines() if "Why this date" in line]
    assert len(why_lines) == 2, why_lines  # that item only, in each part
    for line in why_lines:
        assert not CODES.search(line), line

    # The consultation, whose date never moved, and every action, say nothing of the kind.
    consultation = items["Wider public consultation on final draft Strategy"]
    assert "Due: Monday 28 February 2022" in consultation and "Why this date" not in consultation
