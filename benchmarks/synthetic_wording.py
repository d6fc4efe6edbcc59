"""The words synthetic councils are made of (benchmarks/synthetic_councils.py): bodies, people,
document titles, route templates, recommendations, actions, date phrases and minutes."""
from __future__ import annotations

from governance_model.model import DecisionOutcome, DocumentKind, StepKind

MONTH_NAMES = ["", "January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December"]  # fmt: skip
MONTH_ABBR = ["", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# code, name, papers lead (working days); the first eight sit on most routes.
BODIES = [
    ("JCB", "Joint Commissioning Board", 5),
    ("SENDOps", "SEND Operations Board", 3),
    ("SSPB", "SEND Strategic Partnership Board", 5),
    ("Scrutiny", "People Scrutiny Committee", 10),
    ("Cabinet", "Cabinet", 10),
    ("HWBB", "Health and Wellbeing Board", 5),
    ("CSIB", "Children's Services Improvement Board", 5),
    ("EducationBoard", "Education Board", 5),
    ("ImprovementBoard", "SEND Improvement Board", 5),
    ("SchoolsForum", "Schools Forum", 7),
    ("CYPPB", "Children and Young People's Partnership Board", 5),
    ("HOSC", "Health Overview and Scrutiny Committee", 10),
    ("ICB", "Integrated Care Board", 7),
    ("SCP", "Safeguarding Children Partnership", 5),
    ("CorporateParenting", "Corporate Parenting Panel", 5),
    ("Audit", "Audit and Governance Committee", 10),
    ("FullCouncil", "Full Council", 10),
    ("PCF", "Parent Carer Forum", 3),
    ("HighNeeds", "High Needs Block Working Group", 3),
    ("CLT", "Corporate Leadership Team", 2),
]
SHARE_BODIES = ["JCB", "SENDOps", "SSPB", "CSIB", "EducationBoard", "PCF", "CLT", "HighNeeds", "CYPPB", "SCP"]
REVIEW_BODIES = ["Scrutiny", "HOSC", "ImprovementBoard", "SSPB", "Audit", "CorporateParenting"]
DECIDE_BODIES = ["SSPB", "Cabinet", "HWBB", "Scrutiny", "FullCouncil", "ICB", "SchoolsForum", "CSIB"]
LOCATIONS = ["Civic Centre, Committee Room 1", "Civic Centre, Council Chamber", "Town Hall, Room 4",
             "Microsoft Teams", "Civic Centre, Committee Room 3", ""]  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday"]
ORDINALS = ["first", "second", "third", "fourth", "last"]
TIMES = ["09:30", "10:00", "13:30", "14:00", "18:30"]

FIRST_NAMES = ["Gary", "Beth", "Lucy", "Claire", "Amir", "Priya", "David", "Helen", "Sam", "Rachel", "Tom",
               "Fatima", "Neil", "Joanne", "Kwame", "Sarah", "Mark", "Aisha", "Paul", "Emma", "Ian", "Grace",
               "Owen", "Nadia", "Rob", "Wendy"]  # fmt: skip
LAST_NAMES = ["Bloom", "Morris", "Lane", "McCarthy", "Patel", "Okafor", "Hughes", "Shaw", "Turner", "Ahmed",
              "Wright", "Doyle", "Evans", "Khan", "Baker", "Reid", "Foster", "Grant", "Young", "Clarke",
              "Mensah", "Price", "Walsh", "Bennett"]  # fmt: skip
ROLES = ["Head of SEND", "Director of Children's Services", "Designated Clinical Officer", "Inclusion Lead",
         "Principal Educational Psychologist", "Commissioning Manager", "Service Manager, Children with Disabilities",
         "Participation Officer", "Finance Business Partner", "Head of Early Help"]  # fmt: skip

DOCUMENT_TITLES = {
    DocumentKind.STRATEGY: ["SEND Strategy 2022-25", "Inclusion Strategy", "Preparing for Adulthood Strategy",
                            "Autism Strategy", "Early Help Strategy", "Sufficiency Strategy",
                            "Emotional Wellbeing and Mental Health Strategy", "Joint Commissioning Strategy"],
    DocumentKind.ACTION_PLAN: ["Peer Review Implementation Plan", "Written Statement of Action",
                               "Accelerated Progress Plan", "Local Offer Improvement Plan", "Transport Action Plan"],
    DocumentKind.REPORT: ["Report to Board: SEND Strategy progress", "Annual SEND Report", "High Needs Block Update",
                          "Area Inspection Readiness Report", "Annual Report of the Partnership",
                          "EHCP Timeliness Report", "Tribunal Trends Report"],
    DocumentKind.POLICY: ["Home to School Transport Policy", "Personal Budgets Policy", "Exclusions Policy",
                          "Short Breaks Statement"],
}  # fmt: skip
DOCUMENT_KINDS = [DocumentKind.STRATEGY] * 3 + [DocumentKind.ACTION_PLAN] * 2 + [DocumentKind.REPORT] * 4 + [DocumentKind.POLICY]

# A route template: (kind, where, waits_for as positions or None for "the step before", title).
# `where` picks the body: "share", "review", "decide", "maybe-share" (60% at a body), None (no body).
ROUTES = {
    "strategy": [
        (StepKind.SHARE, "share", None, "Version {v} of the {title} shared with {body}"),
        (StepKind.FEEDBACK, "maybe-share", None, "Members of {body} invited to give final feedback on Version {v}"),
        (StepKind.REVIEW, None, (0,), "Peer review undertaken and outcome shared"),
        (StepKind.REVISE, None, (1, 2), "{title} updated to reflect feedback and the peer review"),
        (StepKind.CONSULT, "maybe-share", None, "Wider public consultation on the final draft {title}"),
        (StepKind.DECIDE, "decide", None, "Sign off of the {title} at {body}"),
        (StepKind.DECIDE, "decide", (4,), "{title} to {body} for approval"),
        (StepKind.PUBLISH, "maybe-decide", (5, 6), "{title} published on the Local Offer"),
    ],
    "report": [
        (StepKind.SHARE, "share", None, "{title} shared with {body}"),
        (StepKind.REVIEW, "review", None, "{title} reviewed at {body}"),
        (StepKind.FEEDBACK, None, (0,), "Partners' feedback on the {title}"),
        (StepKind.REVISE, None, (1, 2), "{title} revised"),
        (StepKind.DECIDE, "decide", None, "{title} to {body} for decision"),
        (StepKind.DECIDE, "decide", (3,), "{title} to {body} for endorsement"),
        (StepKind.SHARE, "share", (4, 5), "{title} shared with {body} for information"),
        (StepKind.PUBLISH, None, None, "{title} published"),
    ],
    "policy": [
        (StepKind.WORKSHOP, "maybe-share", None, "Co-production workshop on the {title}"),
        (StepKind.SHARE, "share", None, "Draft {title} shared with {body}"),
        (StepKind.CONSULT, "maybe-share", None, "Consultation on the draft {title}"),
        (StepKind.REVISE, None, None, "{title} revised after consultation"),
        (StepKind.REVIEW, "review", None, "{title} reviewed at {body}"),
        (StepKind.DECIDE, "decide", None, "{title} to {body} for approval"),
        (StepKind.DECIDE, "decide", (3,), "{title} to {body} for sign off"),
        (StepKind.PUBLISH, None, (5, 6), "{title} published"),
    ],
}
ROUTE_FOR_KIND = {
    DocumentKind.STRATEGY: "strategy",
    DocumentKind.ACTION_PLAN: "policy",
    DocumentKind.REPORT: "report",
    DocumentKind.POLICY: "policy",
}

RECOMMENDATIONS = [
    "Enable the Portfolio Holder to regularly sample casework as part of performance monitoring",
    "Consider developing training on cross-party scrutiny and challenge of SEND",
    "Use the feedback from the peer challenge to refresh the draft SEND Strategy",
    "Increase the pace of support and challenge to schools to embed the graduated response",
    "Develop clear timescales and outcome measures for the joint commissioning roadmap",
    "Ensure there is a clear system wide understanding of the graduated response",
    "Reduce the number of refusals to assess at the initial stages of EHC needs assessment",
    "Review and rewrite the threshold of need document and ensure everyone understands the pathway",
    "Introduce specific training for staff working in SEND on neurodiversity",
    "Carry out an audit of children and young people where neurodiversity is a possibility",
    "Strengthen co-production with parent carers at every level of the partnership",
    "Improve the timeliness and quality of Education, Health and Care Plans",
    "Develop the Local Offer so that families can find what they need",
    "Improve transitions into adulthood for young people with SEND",
    "Make sure the voice of children and young people shapes commissioning",
]
ACTIONS = [
    "Establish access to files and samples", "Portfolio Holder undertakes first review of case files",
    "Needs analysis undertaken with all elected members", "Incremental training programme devised",
    "Training delivery confirmed", "Current content fully reviewed", "Co-production from student voice commissioned",
    "Parent groups consulted", "Format and scope of revised strategy confirmed", "Cabinet sign off new strategy",
    "Shared Expectations guidance simplified and promoted", "Schools engaged in the wider inclusion project",
    "Build on the new continuum of need when published by the DfE", "Review of data and process mapping for panel",
    "Clear guidelines produced for pre-panel evidence gathering", "Roadmap reviewed and revised with timelines",
    "Roadmap signed off by the partnership board", "Progress of roadmap tracked by SENDOps",
    "Orientation events run for parents", "Publish new pathway document on the Local Offer site",
    "Audit workshop takes place with parents", "Guidelines developed with parents",
]  # fmt: skip
MEASURES = [
    "Portfolio Holder reports back to CSIB on a quarterly basis", "Feedback on training confirms members' needs met",
    "New strategy formally published", "Schools' graduated offer published on their websites",
    "Number of instances of missing evidence reduces over time", "Revised roadmap in place",
    "Feedback from parents indicates the pathway is clear and understood", "All relevant staff complete training by July",
    "Percentage of EHCPs issued within 20 weeks rises", "Fewer complaints received by councillors",
]  # fmt: skip
# Action When phrases as the plans write them (seed 002), read against "When (2022)"; weights by repetition.
ACTION_WHENS = (
    ["Jan", "Feb", "March", "April", "May", "June", "July", "Sept"] * 4
    + ["Feb/July", "April/July", "March/April", "Sept/Oct"] * 2
    + ["Quarterly wef Jan 2022", "6 times a year", "Monthly", "Termly", "Annually"]
    + ["DfE contingent", "cabinet contingent", "Wef Feb onwards", "Feb onwards", "From March", "Ongoing"]
    + ["TBC", "Summer term", "Autumn term", "End of March", "By July", "Oct half term"]
)
UPDATE_DONE = [
    "Revised the membership of SEND specific meetings to widen multi-agency representation",
    "Strengthened reporting from key area leads to the Health and Wellbeing Board",
    "Co-produced the area partnership's draft self-evaluation",
    "Created a Headteachers SEND Forum",
]
UPDATE_DIFFERENCE = [
    "Clearer functions for reporting and tracking progress across meetings",
    "Board members have clearer oversight of the delivery of SEND services",
    "Schools are more engaged with the shaping of services",
]
UPDATE_DEVELOP = ["Senior leadership teams need to get better at quality assurance"]
UPDATE_NEXT = ["The strategic action plan will be reviewed in light of the self-evaluation"]

MINUTES = {
    DecisionOutcome.APPROVED: "RESOLVED that the {title} be approved.",
    DecisionOutcome.APPROVED_WITH_AMENDMENTS: "RESOLVED that the {title} be approved subject to the amendments set out in the minute.",
    DecisionOutcome.ENDORSED: "RESOLVED that the {title} be endorsed.",
    DecisionOutcome.NOTED: "RESOLVED that the {title} be noted.",
    DecisionOutcome.DEFERRED: "RESOLVED that consideration of the {title} be deferred to the next meeting.",
    DecisionOutcome.REFERRED_BACK: "RESOLVED that the {title} be referred back to officers for revision.",
    DecisionOutcome.REJECTED: "RESOLVED that the {title} be not approved.",
}
