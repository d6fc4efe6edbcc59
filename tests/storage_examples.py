"""Realistic storage examples in the shape of the seed papers, for the contract and database tests."""
from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from governance_model.model import (
    Action,
    ActionPlan,
    Body,
    Decision,
    DecisionOutcome,
    Document,
    DocumentKind,
    DocumentVersion,
    Measure,
    Meeting,
    MeetingStatus,
    NightlyRun,
    Person,
    ProgressUpdate,
    Recommendation,
    Route,
    Step,
    StepForecast,
    StepKind,
    StepState,
)
from governance_model.when import When

LONDON = ZoneInfo("Europe/London")


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


DOC = "send-strategy-2022"


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
