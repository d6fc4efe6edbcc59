"""The action-plan report (seed 002's plan with status, RAG and the latest update per
recommendation) as Markdown and as accessible HTML."""
from __future__ import annotations

from governance_model.model import ActionPlan, ProgressUpdate
from governance_model.rag import PlanRag
from governance_model.reason_words import short_day
from reports.html import render
from reports.markdown import bullets, table, text

RULE = (
    "RAG rule: Complete when recorded done; On hold while a contingent action's condition is not "
    "recorded; No update when there is no date or an ongoing action has never been updated; Overdue "
    "when the deadline has passed (a recurring action: its latest occurrence had no update); At risk "
    "when the deadline is within {at_risk} days and there has been no update for {stale} days; else "
    "On track. A recommendation takes its worst action's RAG; the plan its worst recommendation's."
)

SECTIONS = (
    ("done", "What we have done so far"),
    ("difference", "The difference this makes"),
    ("to_develop", "What we need to develop"),
    ("next_steps", "Next steps"),
)


def rule_text(judged: PlanRag) -> str:
    return RULE.format(at_risk=judged.tolerances.at_risk_within_days, stale=judged.tolerances.stale_after_days)


def update_heading(update: ProgressUpdate) -> str:
    about = f"action {update.action_position}" if update.action_position is not None else f"recommendation {update.recommendation_number}"
    by = f" by {update.author}" if update.author else ""
    done = "; records the action complete" if update.action_complete else ""
    return f"Latest update on {about}, recorded {short_day(update.recorded_on)}{by}{done}"


def plan_markdown(plan: ActionPlan, judged: PlanRag) -> str:
    out = [
        f"# {text(plan.title)}",
        "",
        f"Action-plan report as of {short_day(judged.as_of)}.  ",
        f"**Overall: {judged.rag.words}** — {text(judged.reason)}.",
        "",
        rule_text(judged),
        "",
        "## Summary",
        "",
        table(
            ["No", "Recommendation", "Who", "RAG", "Why", "Latest update"],
            [
                (r.number, r.text, r.owner or "—", r.rag.words, r.reason, short_day(r.latest_update.recorded_on) if r.latest_update else "none")
                for r in judged.recommendations
            ],
        ),
    ]
    measures = {rec.number: rec.measures for rec in plan.recommendations}
    for rec in judged.recommendations:
        out += ["", f"## Recommendation {text(rec.number)}: {text(rec.text)}", "", f"**{rec.rag.words}** — {text(rec.reason)}."]
        if rec.actions:
            out += [
                "",
                table(
                    ["#", "Action", "When", "Who", "Status", "RAG", "Why"],
                    [(a.position, a.text, a.when_text or "—", a.owner or "—", a.status, a.rag.words, a.reason) for a in rec.actions],
                ),
            ]
        if measures.get(rec.number):
            out += ["", "Measures of success:", "", bullets(m.text for m in measures[rec.number])]
        update = rec.latest_update
        if update is None:
            out += ["", "No progress update recorded."]
        else:
            out += ["", f"{text(update_heading(update))}:"]
            for field, heading in SECTIONS:
                items = getattr(update, field)
                if items:
                    out += ["", f"*{heading}:*", "", bullets(items)]
    return "\n".join(out) + "\n"


def plan_html(plan: ActionPlan, judged: PlanRag) -> str:
    measures = {rec.number: rec.measures for rec in plan.recommendations}
    return render(
        "plan.html.j2",
        plan=plan,
        judged=judged,
        rule=rule_text(judged),
        measures=measures,
        sections=SECTIONS,
        update_heading=update_heading,
    )
