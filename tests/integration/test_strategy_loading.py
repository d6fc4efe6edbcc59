"""Loading strategies (issue 15): seed 003's framework and its public question from examples/essex,
the Southend plan tagged to a framework, plan files with Finding/Thread/Strand columns, and every
kind of bad input named by file, line and field with nothing stored."""
from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from governance_model.errors import LoadError
from governance_model.rag import Rag
from governance_model.strategy import LinkKind, Serves, follow_up_plan_key
from govflow.services import file_loading
from govflow.services.night_planning import run_nightly
from govflow.services.report_writing import plan_report
from govflow.services.strategy_reports import render_strategy, strategy_report
from reports.plan_export import plan_csv, plan_xlsx

pytestmark = pytest.mark.database

ROOT = Path(__file__).resolve().parents[2]
ESSEX = ROOT / "examples" / "essex" / "setup.yaml"
SOUTHEND = ROOT / "examples" / "southend" / "setup.yaml"
SOUTHEND_PLAN = "send-peer-review-recommendations-high-level-implementation-plan-draft-1"
NOW = dt.datetime(2022, 2, 3, 22, 0, tzinfo=dt.timezone.utc)


def _essex_uow(uow_factory):
    uow = uow_factory()
    uow.organisation = "essex"
    return uow


def test_seed_003_loads_its_findings_threads_strands_links_and_public_question(uow_factory) -> None:
    summary = file_loading.load_files([ESSEX], uow_factory())
    assert summary.organisation == "essex" and summary.questions == 1
    with _essex_uow(uow_factory) as uow:
        strategy = uow.documents.get("essex-send-strategy-2021")
        questions = uow.questions.list(about="essex-send-strategy-2021")
        follow_ups = uow.plans.get(follow_up_plan_key("PAFScrutiny-2021-11-10"))
    framework = strategy.framework
    assert [f.title for f in framework.findings] == ["Accurate identification of need", "Quality of EHC plans", "Joint commissioning"]
    assert [t.title for t in framework.threads] == ["Equity", "Ambition", "Inclusion"]
    assert [s.title for s in framework.strands] == [
        "Inclusion", "Excellence Sufficiency & Sustainability", "Workforce Development and Wellbeing",
        "Directorate Development", "Performance Infrastructure",
    ]
    assert "Procedures vary across the local area, which delays the identification of children's needs." in framework.threads[0].quotes
    assert framework.findings[0].source.startswith("The 2019 SEND Local Area Inspection (Ofsted/CQC)")
    assert [(link.kind, link.title) for link in framework.links] == [
        (LinkKind.ALIGNS_WITH, "Essex SEND Sufficiency Strategy"),
        (LinkKind.DEPENDS_ON, "SEND Workplan and Strategy Delivery Plan"),
    ]
    (question,) = questions
    assert question.meeting_key == "PAFScrutiny-2021-11-10" and question.asked_by.startswith("Tara Strydom")
    assert "met with Tara Strydom" in question.answer
    # The answer's follow-ups are actions of a plan that delivers the strategy, owned and dated.
    assert follow_ups.title == "Actions from questions at People and Families Policy and Scrutiny Committee on 10 November 2021"
    assert follow_ups.strategy == "essex-send-strategy-2021" and follow_ups.owner == "RH"
    (recommendation,) = follow_ups.recommendations
    assert recommendation.number == "1"
    assert [(a.owner, a.when.text) for a in recommendation.actions] == [("RH", "TBC"), ("RH", "Ongoing"), ("RH", "TBC")]


def test_the_southend_plan_serves_the_strategy_as_its_setup_says(uow_factory) -> None:
    file_loading.load_files([SOUTHEND], uow_factory())
    with uow_factory() as uow:
        plan = uow.plans.get(SOUTHEND_PLAN)
        strategy = uow.documents.get("send-strategy-2021-24")
    assert plan.strategy == "send-strategy-2021-24"
    assert len(strategy.framework.findings) == 5
    assert plan.recommendation("1").serves == Serves(("oversight",), ("accountability",), ("governance",))
    twelve = plan.recommendation("12")
    assert twelve.serves == Serves() and twelve.actions[0].serves == Serves(threads=("co-production",))
    assert twelve.serving(twelve.actions[1]) == Serves()


def test_a_follow_up_action_is_reminded_like_any_other(uow_factory, tmp_path: Path) -> None:
    setup = tmp_path / "setup.yaml"
    setup.write_text(textwrap.dedent(SMALL) + textwrap.dedent("""
        questions:
          - meeting: Scrutiny-2022-01-18
            about: strategy
            asked:
              - asked_by: A parent
                question: When will parents in the Dengie be met?
                answer: A meeting is being arranged.
                actions:
                  - {text: Meet parents in the Dengie, owner: RH, when: 14 February 2022}
        """), encoding="utf-8")
    file_loading.load_files([setup], uow_factory())
    run_nightly(uow_factory, dt.date(2022, 2, 3), NOW)  # 7 working days before 14 February
    with uow_factory() as uow:
        owed = [(m.recipient, r.item.title) for m in uow.outbox.list() for r in m.reminders]
    assert ("RH", "Meet parents in the Dengie") in owed


SMALL = """
    context: 2022-01-01
    people:
      - {initials: RH, name: Ralph Holloway, email: rh@example.org}
    bodies:
      - code: Scrutiny
        name: People and Families Scrutiny
        secretary: RH
        meetings: {dates: [{at: 2022-01-18 10:30}]}
    documents:
      - key: strategy
        title: SEND Strategy
        owner: RH
        dated: 2022-01-01
        framework:
          findings:
            - {key: identification, title: Accurate identification of need}
            - {key: ehc-plans, title: Quality of EHC plans}
          threads: [{key: equity, title: Equity}]
          strands: [{key: inclusion, title: Inclusion}]
    """


def _load(tmp_path: Path, setup: str, plan: str | None = None, *, name: str = "plan.csv"):
    path = tmp_path / "setup.yaml"
    path.write_text(textwrap.dedent(SMALL) + textwrap.dedent(setup), encoding="utf-8")
    if plan is not None:
        (tmp_path / name).write_text(textwrap.dedent(plan).lstrip(), encoding="utf-8")
    return path


PLAN = """
    No,Recommendation,Summary actions,When (2022),Who,Measure of success,Finding,Strand
    1,Identify need early,"Train staff
    Audit referrals","March 22
    April 22",RH,Fewer late plans,"Accurate identification of need
    2: ehc-plans",Inclusion
    """


def test_a_plan_file_s_columns_and_its_setup_s_serves_add_up_and_export_loads_back(uow_factory, tmp_path: Path) -> None:
    setup = _load(tmp_path, """
        plans:
          - file: plan.csv
            title: Delivery plan
            strategy: strategy
            serves:
              "1.1": {thread: Equity}
        """, PLAN)
    file_loading.load_files([setup], uow_factory())
    with uow_factory() as uow:
        plan = uow.plans.get("delivery-plan")
        framework = uow.documents.get("strategy").framework
    first = plan.recommendation("1")
    assert first.serves == Serves(findings=("identification",), strands=("inclusion",))
    assert [a.serves for a in first.actions] == [Serves(threads=("equity",)), Serves(findings=("ehc-plans",))]
    for name, data in (("again.csv", plan_csv(plan, framework=framework)), ("again.xlsx", plan_xlsx(plan, framework=framework))):
        (tmp_path / name).write_bytes(data)
        again = _load(tmp_path, f"""
            plans:
              - file: {name}
                title: Delivery plan
                strategy: strategy
            """)
        file_loading.load_files([again], uow_factory())
        with uow_factory() as uow:
            assert uow.plans.get("delivery-plan").recommendations == plan.recommendations, name


@pytest.mark.parametrize(
    "setup, plan, row, column, text, message",
    [
        (
            'plans:\n  - file: plan.csv\n    title: P\n    strategy: strategy\n    serves:\n      "1": {thread: Equality}\n',
            PLAN, 6, "serves", "Equality", "'Equality' is not a thread of strategy strategy: the threads are Equity",
        ),
        ('plans:\n  - file: plan.csv\n    title: P\n    serves:\n      "1": {thread: Equity}\n', PLAN, 2, "serves", None, "the plan names none"),
        ('plans:\n  - file: plan.csv\n    title: P\n    strategy: nothing\n', PLAN, 2, "strategy", "nothing", "no such document"),
        ('plans:\n  - file: plan.csv\n    title: P\n    strategy: strategy\n    serves:\n      "9": {thread: Equity}\n', PLAN, 6, "serves", "9", "no recommendation 9 (it has 1)"),
        ('plans:\n  - file: plan.csv\n    title: P\n    strategy: strategy\n    serves:\n      "1.5": {thread: Equity}\n', PLAN, 6, "serves", "1.5", "has 2 actions, so no action 5"),
        (
            'plans:\n  - file: plan.csv\n    title: P\n    strategy: strategy\n',
            PLAN.replace("Accurate identification of need", "Identity"), 2, "Finding", "Identity",
            "'Identity' is not a finding of strategy strategy: the findings are Accurate identification of need (identification), Quality of EHC plans (ehc-plans)",
        ),
        (
            "questions:\n  - meeting: Scrutiny-2022-02-01\n    asked: [{asked_by: A, question: Why}]\n",
            None, 2, "meeting", "Scrutiny-2022-02-01", "no meeting 'Scrutiny-2022-02-01' is loaded or stored",
        ),
        (
            "questions:\n  - meeting: Scrutiny-2022-01-18\n    about: other\n    asked: [{asked_by: A, question: Why}]\n",
            None, 2, "about", "other", "no such document",
        ),
        (
            "questions:\n  - meeting: Scrutiny-2022-01-18\n    asked:\n      - {asked_by: A, question: Why, actions: [{text: Do it, owner: ZZ, when: March 22}]}\n",
            None, None, "owner", "ZZ", "unknown person 'ZZ'",
        ),
    ],
)
def test_bad_strategy_input_is_named_and_nothing_is_stored(uow_factory, tmp_path: Path, setup, plan, row, column, text, message) -> None:
    path = _load(tmp_path, setup, plan)
    with pytest.raises(LoadError) as caught:
        file_loading.load_files([path], uow_factory())
    error = caught.value
    assert message in error.message
    assert error.column == column and (text is None or error.text == text)
    offset = len(textwrap.dedent(SMALL).splitlines())  # the lines before the part under test
    if row is not None:
        expected_file = str(tmp_path / "plan.csv") if column == "Finding" else str(path)
        assert error.file == expected_file
        assert error.row == (row if column == "Finding" else offset + row)
    with uow_factory() as uow:
        assert uow.documents.list() == [] and uow.plans.list() == [] and uow.questions.list() == []


def test_a_framework_belongs_to_a_strategy_only(uow_factory, tmp_path: Path) -> None:
    path = tmp_path / "setup.yaml"
    text = textwrap.dedent(SMALL).replace("owner: RH\n    dated", "kind: report\n    owner: RH\n    dated")
    assert "kind: report" in text
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError, match="only a strategy has a framework"):
        file_loading.load_files([path], uow_factory())


# ---- the reports the examples give (acceptance of issue 15)


def test_seed_003_s_report_shows_its_three_findings_threads_and_five_strands_all_gaps_until_a_plan_serves_them(uow_factory) -> None:
    file_loading.load_files([ESSEX], uow_factory())
    account = strategy_report(_essex_uow(uow_factory), "essex-send-strategy-2021", dt.date(2022, 1, 20))
    assert (len(account.findings), len(account.threads), len(account.strands)) == (3, 3, 5)
    # The paper has no delivery plan: nothing serves any finding, and the report says so.
    assert all(entry.rollup.gap for entry in account.findings + account.threads + account.strands)
    markdown = render_strategy(account)[".md"].decode()
    for title in ("Accurate identification of need", "Quality of EHC plans", "Joint commissioning", "Equity", "Ambition",
                  "Performance Infrastructure", "Workforce Development and Wellbeing"):
        assert title in markdown
    assert "Gap" in markdown
    # The public question at PAF Scrutiny is listed under its meeting, with the actions it led to.
    (meeting,) = account.meetings
    assert meeting.meeting_key == "PAFScrutiny-2021-11-10" and meeting.day == dt.date(2021, 11, 10)
    (answered,) = meeting.questions
    assert [a.judged.owner for a in answered.follow_ups] == ["RH", "RH", "RH"]
    assert "Dengie" in markdown and "Tara Strydom" in markdown


def test_southend_s_rag_by_finding_agrees_with_the_action_level_rag_of_its_plan(uow_factory) -> None:
    file_loading.load_files([SOUTHEND], uow_factory())
    as_of = dt.date(2022, 3, 1)
    account = strategy_report(uow_factory(), "send-strategy-2021-24", as_of)
    plan = plan_report(uow_factory(), SOUTHEND_PLAN, as_of)
    action_rag = {(a.recommendation, a.position): a.rag for r in plan.judged.recommendations for a in r.actions}
    by_finding = {e.key: e for e in account.findings}
    for finding in by_finding.values():
        serving = {
            (rec.number, action.position)
            for rec in plan.plan.recommendations
            for action in rec.actions
            if finding.key in rec.serving(action).findings
        }
        shown = {(a.judged.recommendation, a.judged.position): a.judged.rag for a in finding.rollup.actions}
        assert set(shown) == serving, finding.key
        assert shown == {k: action_rag[k] for k in serving}, finding.key  # the same RAG, action by action
        if serving:
            rags = set(shown.values())
            expected = Rag.COMPLETE if rags == {Rag.COMPLETE} else max(rags, key=lambda r: r.severity)
            assert finding.rollup.rag is expected, finding.key
    # On 1 March 2022 recommendation 1's January actions are overdue, so oversight is red; nothing serves adulthood.
    assert by_finding["oversight"].rollup.rag is Rag.OVERDUE
    assert by_finding["adulthood"].rollup.gap


def test_an_exported_plan_loaded_on_its_own_knows_its_strategy_from_its_headings(uow_factory, tmp_path: Path) -> None:
    file_loading.load_files([SOUTHEND], uow_factory())
    with uow_factory() as uow:
        plan = uow.plans.get(SOUTHEND_PLAN)
        framework = uow.documents.get("send-strategy-2021-24").framework
    export = tmp_path / "edited.csv"
    export.write_bytes(plan_csv(plan, framework=framework))
    assert "Finding (strategy send-strategy-2021-24)" in export.read_bytes().decode("utf-8-sig").splitlines()[0]

    (summary,) = file_loading.load_files([export], uow_factory()).plans  # no setup file says what it delivers
    with uow_factory() as uow:
        loaded = uow.plans.get(summary.key)
    assert loaded.strategy == "send-strategy-2021-24"
    assert loaded.recommendations == plan.recommendations

    # A heading naming a strategy that is not held, or another than the setup file's, is refused.
    other = tmp_path / "other.csv"
    other.write_bytes(export.read_bytes().replace(b"strategy send-strategy-2021-24", b"strategy old-strategy"))
    with pytest.raises(LoadError, match="names strategy 'old-strategy', but no document 'old-strategy' with a framework") as caught:
        file_loading.load_files([other], uow_factory())
    assert (caught.value.row, caught.value.column) == (1, "Finding (strategy old-strategy)")
    setup = _load(tmp_path, "plans:\n  - {file: other.csv, title: P, strategy: strategy}\n")
    with pytest.raises(LoadError, match="names strategy 'old-strategy', but the setup file says the plan delivers 'strategy'"):
        file_loading.load_files([setup], uow_factory())


@pytest.mark.parametrize(
    "framework, column, message",
    [
        (["findings: [{key: f1, title: Alpha}, {key: f1, title: Beta}]"], "framework", "two findings have the key 'f1'"),
        (["findings: []"], "framework", "needs at least one finding, thread or strand"),
        (["findings: [{key: f1, title: Alpha}]", "aligns_with: [{title: Sufficiency, document: nosuch}]"], "aligns_with", "is no document loaded or stored"),
        (["findings: [{key: f1, title: Alpha}]", "depends_on: [{title: Itself, document: strategy}]"], "depends_on", "is this strategy itself"),
    ],
)
def test_a_framework_that_cannot_be_told_apart_or_links_to_nothing_is_refused(uow_factory, tmp_path: Path, framework, column, message) -> None:
    text = textwrap.dedent(SMALL)
    text = text[: text.index("    framework:")] + "    framework:\n" + "".join(f"      {line}\n" for line in framework)
    (tmp_path / "setup.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(LoadError, match=message) as caught:
        file_loading.load_files([tmp_path / "setup.yaml"], uow_factory())
    assert caught.value.column == column


@pytest.mark.parametrize(
    "serves, message",
    [
        ('    serves:\n      1.10: {thread: Equity}\n', "in quotes"),
        ('    serves:\n      "1": {}\n', "serves nothing"),
    ],
)
def test_a_serves_key_yaml_would_misread_or_that_names_nothing_is_refused(uow_factory, tmp_path: Path, serves, message) -> None:
    setup = _load(tmp_path, "plans:\n  - file: plan.csv\n    title: P\n    strategy: strategy\n" + serves, PLAN)
    with pytest.raises(LoadError, match=message):
        file_loading.load_files([setup], uow_factory())


def test_names_match_whatever_invisible_characters_they_carry(uow_factory, tmp_path: Path) -> None:
    plan = PLAN.replace("Accurate identification of need", "Accurate\u200b identification of\u00a0need")
    setup = _load(tmp_path, "plans:\n  - file: plan.csv\n    title: P\n    strategy: strategy\n", plan)
    file_loading.load_files([setup], uow_factory())
    with uow_factory() as uow:
        assert uow.plans.get("p").recommendation("1").serves.findings == ("identification",)


def test_questions_listed_again_without_their_actions_leave_no_old_actions_behind(uow_factory, tmp_path: Path) -> None:
    asked = """
        questions:
          - meeting: Scrutiny-2022-01-18
            about: strategy
            asked:
              - asked_by: A parent
                question: When will parents be met
                answer: {answer}
        {actions}"""
    first = asked.format(answer="Soon.", actions="        actions: [{text: Meet parents, owner: RH, when: 14 February 2022}]")
    path = _load(tmp_path, first)
    file_loading.load_files([path], uow_factory())
    key = follow_up_plan_key("Scrutiny-2022-01-18")
    with uow_factory() as uow:
        assert [a.text for a in uow.plans.get(key).recommendation("1").actions] == ["Meet parents"]
    path = _load(tmp_path, asked.format(answer="No action is needed.", actions=""))
    file_loading.load_files([path], uow_factory())
    with uow_factory() as uow:
        assert uow.plans.get(key).recommendations == []
        assert [q.answer for q in uow.questions.list()] == ["No action is needed."]


def test_a_strategy_loaded_again_keeps_what_a_stored_plan_serves(uow_factory, tmp_path: Path) -> None:
    setup = _load(tmp_path, "plans:\n  - file: plan.csv\n    title: P\n    strategy: strategy\n", PLAN)
    file_loading.load_files([setup], uow_factory())
    trimmed = tmp_path / "trimmed.yaml"
    trimmed.write_text(textwrap.dedent(SMALL).replace("        - {key: ehc-plans, title: Quality of EHC plans}\n", ""), encoding="utf-8")
    assert "ehc-plans" not in trimmed.read_text()
    with pytest.raises(LoadError, match="plan 'p' \\(recommendation 1\\) serves finding 'ehc-plans' of 'strategy', which this file no longer lists"):
        file_loading.load_files([trimmed], uow_factory())
    with uow_factory() as uow:
        assert [f.key for f in uow.documents.get("strategy").framework.findings] == ["identification", "ehc-plans"]
