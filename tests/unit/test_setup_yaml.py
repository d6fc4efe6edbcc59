"""The YAML setup format: the Southend example reads as the seed describes it, and every mistake is
reported with the file, the line, the field and the text."""
import datetime as dt
from pathlib import Path

import pytest

from governance_model.errors import LoadError
from governance_model.importing.setup_yaml import read_setup
from governance_model.model import MeetingStatus, StepKind

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "southend" / "setup.yaml"


@pytest.fixture(scope="module")
def southend():
    return read_setup(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))


def test_southend_bodies_and_their_meetings(southend):
    bodies = {b.code: b for b in southend.bodies}
    assert set(bodies) == {"JCB", "SENDOps", "SSPB", "EducationBoard", "Scrutiny", "ImprovementBoard", "Cabinet", "HWBB", "CSIB"}
    jcb = bodies["JCB"]
    assert jcb.meeting_rule == "third Wednesday of every month at 10:00"
    assert jcb.meetings[0].starts_at.isoformat() == "2021-09-15T10:00:00+01:00"
    assert len(jcb.meetings) == 12
    assert [m.key for m in bodies["SSPB"].meetings][:3] == ["SSPB-2021-10-06", "SSPB-2022-01-06", "SSPB-2022-03-01"]
    assert [m.day.isoformat() for m in bodies["HWBB"].meetings] == ["2021-09-06", "2021-12-06", "2022-03-07", "2022-06-06"]
    assert "2022-03-15" in [m.day.isoformat() for m in bodies["Scrutiny"].meetings]
    education = bodies["EducationBoard"].meetings[0]
    assert education.status is MeetingStatus.TENTATIVE
    assert (education.when.start, education.when.end) == (dt.date(2022, 3, 1), dt.date(2022, 3, 31))
    improvement = bodies["ImprovementBoard"].meetings[0]
    assert improvement.starts_at is None and improvement.when.kind == "tbc"


def test_southend_strategy_route_keeps_the_seed_timetable(southend):
    (strategy,) = southend.documents
    assert strategy.title == "SEND Strategy 2021-24"
    assert strategy.current_version.label == "Version 12"
    steps = {s.key: s for s in strategy.route.steps}
    assert len(steps) == 16
    assert steps["share-jcb"].when.text == "15 th September 21"
    assert steps["share-jcb"].deadline == dt.date(2021, 9, 15)
    assert steps["sspb-final"].kind is StepKind.DECIDE and steps["sspb-final"].body_code == "SSPB"
    assert steps["sspb-final"].deadline == dt.date(2022, 3, 1)
    # HWBB (7 March) and Scrutiny (15 March) run side by side; Cabinet waits for both.
    assert steps["hwbb"].waits_for == ("sspb-final",) and steps["scrutiny"].waits_for == ("sspb-final",)
    assert strategy.route.prerequisites(steps["cabinet"]) == ("hwbb", "scrutiny")
    assert strategy.route.prerequisites(steps["share-sendops"]) == ("share-jcb",)
    assert steps["cabinet"].when.kind == "tbc"


def test_southend_names_its_plan_file(southend):
    assert [p.file for p in southend.plans] == ["peer-review-plan.csv"]


BASE = """\
context: 2021-09-01
people:
  - {initials: GB, name: Gary Bloom}
bodies:
  - code: SSPB
    name: SEND Strategic Partnership Board
    meetings:
      dates:
        - at: 2021-10-06 14:00
documents:
  - key: strategy
    title: Strategy
    dated: 2021-09-01
    owner: GB
    route:
      - {key: a, kind: share, body: SSPB, when: 6 th October 21, title: Shared}
"""


def error_for(text: str) -> LoadError:
    with pytest.raises(LoadError) as caught:
        read_setup(text, "council.yaml")
    return caught.value


def test_the_base_setup_reads():
    setup = read_setup(BASE, "council.yaml")
    assert setup.documents[0].route.steps[0].deadline == dt.date(2021, 10, 6)


def test_unknown_body_names_file_line_field_and_code():
    error = error_for(BASE.replace("body: SSPB", "body: SSPBX"))
    assert (error.file, error.row, error.column, error.text) == ("council.yaml", 16, "body", "SSPBX")
    assert "unknown body 'SSPBX'" in str(error) and "council.yaml, row 16" in str(error)


def test_a_body_already_stored_may_be_referred_to():
    setup = read_setup(BASE.replace("body: SSPB", "body: Cabinet"), "council.yaml", known_bodies={"Cabinet"})
    assert setup.documents[0].route.steps[0].body_code == "Cabinet"


def test_unknown_owner():
    error = error_for(BASE.replace("owner: GB", "owner: XY"))
    assert (error.column, error.text) == ("owner", "XY")


def test_unreadable_when_in_a_step_quotes_it():
    error = error_for(BASE.replace("when: 6 th October 21", "when: sometime soonish"))
    assert (error.row, error.column, error.text) == (16, "when", "sometime soonish")
    assert "sometime soonish" in str(error)


def test_meeting_time_must_be_local_date_and_time():
    error = error_for(BASE.replace("at: 2021-10-06 14:00", "at: 2021-10-06"))
    assert error.column == "at" and "time as well as a date" in str(error)
    error = error_for(BASE.replace("at: 2021-10-06 14:00", "at: 2021-02-30 14:00"))
    assert "not a real date" in str(error)


def test_meeting_rule_errors_quote_the_rule():
    text = BASE.replace("      dates:\n        - at: 2021-10-06 14:00", "      rule: every so often\n      from: 2021-09-01\n      until: 2022-08-31")
    error = error_for(text)
    assert error.column == "rule" and "every so often" in str(error)


def test_route_step_waiting_for_a_missing_step():
    error = error_for(BASE.replace("title: Shared}", "title: Shared, waits_for: [zz]}"))
    assert (error.column, error.text) == ("waits_for", "zz")


def test_unknown_field_is_named():
    error = error_for(BASE.replace("    owner: GB", "    ownr: GB"))
    assert error.column == "ownr"


def test_duplicate_body_code():
    text = BASE.replace("bodies:\n", "bodies:\n  - {code: SSPB, name: Again}\n")
    error = error_for(text)
    assert "body 'SSPB' is listed twice" in str(error)


def test_invalid_yaml_names_the_line():
    error = error_for(BASE + "  - {key: b, kind: share\n")
    assert error.file == "council.yaml" and error.row == 18


def test_the_readme_example_is_a_valid_setup():
    readme = (EXAMPLE.parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    setup = read_setup(block, "README.md")
    assert [b.code for b in setup.bodies] == ["SSPB"]
    assert [m.key for m in setup.bodies[0].meetings][:3] == ["SSPB-2021-09-01", "SSPB-2021-10-06", "SSPB-2021-11-03"]
    assert setup.documents[0].route.step("sign-off").done_on == dt.date(2022, 3, 1)


def test_reminder_days_per_body_and_plan(southend):
    sspb = next(b for b in southend.bodies if b.code == "SSPB")
    assert sspb.reminder_days == (10, 5, 2, 0)
    assert next(b for b in southend.bodies if b.code == "JCB").reminder_days is None
    (plan,) = southend.plans
    assert plan.owner == "GB"


def test_reminder_days_must_be_working_day_counts():
    error = error_for(BASE.replace("    name: SEND Strategic Partnership Board\n", "    name: SEND Strategic Partnership Board\n    reminder_days: [7, soon]\n"))
    assert error.column == "reminder_days" and "whole numbers" in str(error)


GATHERINGS = BASE.replace("documents:\n", """\
  - code: SENDConf
    name: Annual SEND Conference
    papers: false
    meetings:
      dates:
        - at: 2021-11-18 09:30
documents:
""") + """\
      - {key: conference, kind: workshop, body: SENDConf, when: 18 November 21, title: Presented at the SEND conference}
      - {key: parents, kind: consult, when: 25 November 21, title: Parents' consultation event}
"""


def test_a_gathering_takes_no_papers_and_an_event_needs_no_body():
    """Issue 14, point 10: a conference is a body marked `papers: false`; a consultation event is a
    step with its own date and no body."""
    setup = read_setup(GATHERINGS, "council.yaml")
    sspb, conference = setup.bodies
    assert (sspb.papers, sspb.papers_lead_days) == (True, 5)
    assert (conference.papers, conference.papers_lead_days) == (False, 0)
    steps = setup.documents[0].route.steps
    assert [(s.key, s.body_code, s.deadline) for s in steps[1:]] == [
        ("conference", "SENDConf", dt.date(2021, 11, 18)),
        ("parents", None, dt.date(2021, 11, 25)),
    ]


def test_a_gathering_with_a_papers_lead_time_is_refused():
    error = error_for(GATHERINGS.replace("    papers: false\n", "    papers: false\n    papers_lead_days: 5\n"))
    assert (error.file, error.row, error.column, error.text) == ("council.yaml", 10, "papers_lead_days", "5")  # the body's line
    assert "papers: false" in str(error) and "leave out 'papers_lead_days'" in str(error)
    error = error_for(GATHERINGS.replace("    papers: false\n", "    papers: true\n    papers_lead_days: 0\n"))
    assert error.column == "papers_lead_days" and "at least 1 working day" in str(error)
    error = error_for(GATHERINGS.replace("papers: false", "papers: none"))
    assert (error.row, error.column, error.text) == (10, "papers", "none") and "true or false" in str(error)


# --- the council's term-dates file, and reading Whens against it

ONE_STEP = """\
context: 2024-09-01
terms: terms/bromley.yaml
documents:
  - key: local-offer
    title: Local Offer refresh
    dated: 2024-09-01
    route:
      - {key: share, kind: share, when: October half term, title: Shared in the half term}
"""


def test_a_setup_names_its_term_file_and_its_whens_read_against_the_terms_given():
    from governance_model.importing.setup_yaml import TermsReference, read_terms_reference
    from governance_model.importing.term_dates import read_term_dates_file

    assert read_terms_reference(ONE_STEP, "setup.yaml") == TermsReference("terms/bromley.yaml", 2)
    shipped = read_setup(ONE_STEP, "setup.yaml").documents[0].route.steps[0].when
    assert (shipped.start, shipped.end) == (dt.date(2024, 10, 28), dt.date(2024, 11, 1))
    bromley_file = Path(__file__).resolve().parents[1] / "data" / "terms" / "bromley-2024-25.yaml"
    bromley = read_term_dates_file(bromley_file.name, bromley_file.read_bytes())
    council = read_setup(ONE_STEP, "setup.yaml", terms=bromley).documents[0].route.steps[0].when
    assert (council.start, council.end, council.estimated) == (dt.date(2024, 10, 21), dt.date(2024, 11, 1), False)


@pytest.mark.parametrize("value", ["[a.ics, b.ics]", "2024", '""', ""])
def test_a_term_file_reference_must_be_one_file_name(value):
    from governance_model.importing.setup_yaml import read_terms_reference

    text = f"people: []\nterms: {value}\n"
    with pytest.raises(LoadError) as caught:
        read_terms_reference(text, "setup.yaml")
    assert (caught.value.file, caught.value.row, caught.value.column) == ("setup.yaml", 2, "terms")
    assert "term-dates file" in str(caught.value)
    with pytest.raises(LoadError, match="term-dates file"):
        read_setup(text, "setup.yaml")
    assert read_terms_reference("people: []\n", "setup.yaml") is None


def test_a_body_may_ask_its_secretary_to_confirm_what_owners_answer_as_done():
    """Issue 17: `confirm_done: true` keeps an owner's "done" for the secretary to confirm; it needs one."""
    assert read_setup(BASE, "council.yaml").bodies[0].confirm_done is False
    asking = BASE.replace("    name: SEND Strategic Partnership Board\n", "    name: SEND Strategic Partnership Board\n    confirm_done: true\n")
    error = error_for(asking)
    assert error.column == "confirm_done" and "needs the body's secretary" in str(error)
    setup = read_setup(asking.replace("    confirm_done: true\n", "    confirm_done: true\n    secretary: GB\n"), "council.yaml")
    assert setup.bodies[0].confirm_done is True
    assert "must be true or false" in str(error_for(asking.replace("confirm_done: true", "confirm_done: yes please")))
