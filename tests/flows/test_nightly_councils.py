"""Issue 13, 2: the nightly runs one night per council. A council whose night fails is run once more
and then reported, while the others run on; the summary rolls the councils up. (The councils here
are the default one and a second name whose night fails before it reads anything: partitions, which
would let it hold data of its own, are another part of the issue.)"""
from __future__ import annotations

import datetime as dt

import flows.council_night as council_night_module
import flows.nightly as nightly_module
from flows.nightly import NightlyParameters, nightly, roll_up
from tests.flows.test_nightly_flow import AS_OF, council_run_id


def test_a_failed_council_is_retried_and_reported_and_the_others_still_run(prefect_api_url, southend_sqlite, monkeypatch):
    attempts = []
    real_night = council_night_module.night

    def night(settings, as_of):
        if settings.organisation == "broken":
            attempts.append(as_of)
            raise RuntimeError("the council's disk is full")
        return real_night(settings, as_of)

    monkeypatch.setattr(nightly_module.wiring, "organisations", lambda settings: ["default", "broken"])
    monkeypatch.setattr(council_night_module, "night", night)
    monkeypatch.setattr(nightly_module, "run_council", nightly_module.run_council.with_options(retry_delay_seconds=0))

    state = nightly(NightlyParameters(as_of=AS_OF), return_state=True)

    assert state.is_failed(), state
    summary = state.result(raise_on_failure=False)
    assert attempts == [AS_OF, AS_OF]  # run once more, then reported
    assert summary["failed"] == ["broken: the night failed and was not finished (RuntimeError: the council's disk is full)"]
    assert "broken" in state.message
    default = summary["councils"]["default"]
    assert default["nights"] == [AS_OF.isoformat()] and default["digests_sent"] >= 1  # the other council's night ran whole
    assert summary["councils"]["broken"] == {"error": "RuntimeError: the council's disk is full"}
    assert summary["nights"] == [AS_OF.isoformat()] and summary["digests_sent"] == default["digests_sent"]
    assert council_run_id(state.state_details.flow_run_id, "default")


def test_on_workers_a_run_of_councils_that_fails_is_reported_and_the_other_runs_still_count(prefect_api_url, southend_sqlite, monkeypatch):
    """On workers the councils go in runs (two here, one council each): a run that cannot be started
    or read (here: it raises) makes its councils failed in the summary; the other run's council is
    rolled up as it ran. The runs are simulated in this process (the real ones: test_nightly_workers)."""
    from flows.council_night import CouncilNightParameters, council_night

    def on_the_workers(organisations, as_of):
        if "broken" in organisations:
            raise RuntimeError("the council-nights deployment could not be started")
        return {c: nightly_module.summary_of(c, council_night(CouncilNightParameters(organisation=c, as_of=as_of), return_state=True))
                for c in organisations}

    monkeypatch.setattr(nightly_module.wiring, "organisations", lambda settings: ["default", "broken"])
    monkeypatch.setattr(nightly_module, "_on_the_workers", on_the_workers)

    state = nightly(NightlyParameters(as_of=AS_OF, children="workers"), return_state=True)

    assert state.is_failed(), state
    summary = state.result(raise_on_failure=False)
    assert summary["failed"] == [
        "broken: the night failed and was not finished (RuntimeError: the council-nights deployment could not be started)"
    ]
    assert summary["councils"]["default"]["nights"] == [AS_OF.isoformat()]


def test_the_summary_rolls_the_councils_up():
    day = dt.date(2022, 3, 11)
    one = {"as_of": "2022-03-11", "nights": ["2022-03-11"], "documents_moved": ["plan-a"], "steps_moved": 2, "steps_overdue": 1,
           "dates_reforecast": 3, "failed": [], "replanned": [], "reminders_owed": 4, "digests_sent": 3, "sends_failed": 0,
           "reports_written": ["a.md"]}
    other = {**one, "nights": ["2022-03-10", "2022-03-11"], "documents_moved": ["plan-a"], "failed": ["document x: planning failed"],
             "reports_written": ["b.md"]}
    busy = {**one, "nights": [], "documents_moved": [], "skipped": "another nightly run for c is running (…): this run did nothing",
            "steps_moved": 0, "steps_overdue": 0, "dates_reforecast": 0, "reminders_owed": 0, "digests_sent": 0, "reports_written": []}

    summary = roll_up(day, {"a": one, "b": other, "c": busy})

    assert summary["nights"] == ["2022-03-10", "2022-03-11"]
    assert summary["documents_moved"] == ["a: plan-a", "b: plan-a"]  # the same key in two councils is two documents
    assert (summary["steps_moved"], summary["reminders_owed"], summary["digests_sent"]) == (4, 8, 6)
    assert summary["failed"] == ["b: document x: planning failed"]
    assert summary["skipped"] == ["c: another nightly run for c is running (…): this run did nothing"]
    assert summary["reports_written"] == ["a.md", "b.md"]
    assert summary["councils"] == {"a": one, "b": other, "c": busy}


def test_a_council_s_night_has_no_heartbeat_of_its_own_and_the_nightly_keeps_its_own(prefect_api_url, southend_sqlite, monkeypatch):
    """Prefect 3.9 ends each flow run by joining its heartbeat thread, which sleeps in whole seconds:
    about a second of waiting per council's night. The councils' nights (subflows, in the nightly's
    process or in a run of councils) run without one; the nightly run itself keeps Prefect's."""
    from prefect.settings import get_current_settings

    seen = {}
    real_night = council_night_module.night

    def night(settings, as_of):
        seen[settings.organisation] = get_current_settings().flows.heartbeat_frequency
        return real_night(settings, as_of)

    @nightly_module.flow
    def parent_frequency():
        return get_current_settings().flows.heartbeat_frequency

    monkeypatch.setattr(council_night_module, "night", night)

    state = nightly(NightlyParameters(as_of=AS_OF), return_state=True)

    assert state.is_completed(), state
    assert seen == {"default": None}
    assert parent_frequency() == get_current_settings().flows.heartbeat_frequency > 0
