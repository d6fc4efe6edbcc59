"""A plan as CSV or Excel in seed 002's columns plus what it serves, Status and RAG: a table that loads back to the same plan."""
from __future__ import annotations

import csv
import datetime as dt
import io

from governance_model.importing.plan_table import COLUMNS, FORMULA_STARTS, OPTIONAL_COLUMNS, note_links
from governance_model.importing.serves_cells import header_with_strategy, serves_cell
from governance_model.model import Action, ActionPlan, Recommendation
from governance_model.rag import ActionRag, PlanRag, Rag, RecommendationRag
from governance_model.reason_words import short_day
from governance_model.strategy import Facet, StrategyFramework
from reports.errors import ReportError
from reports.xlsx_sheet import Sheet, workbook_bytes

# Seed 002's columns, in its order, headed as the loader names them (and the Southend examples do).
PLAN_COLUMNS = tuple(label for label, _ in COLUMNS.values())
STATUS, RAG = OPTIONAL_COLUMNS["status"][0], "RAG"
SHEET_TITLE = "Plan"

# The zip format cannot hold an earlier time; it is also the stamp when nothing better is given.
_EPOCH = dt.datetime(1980, 1, 1)
_WIDTHS = {  # characters, for the Excel sheet
    "No": 6,
    "Recommendation": 45,
    "Summary actions": 60,
    "When": 18,
    "Who": 8,
    "Measure of success": 50,
    **{facet.label: 30 for facet in Facet},
    STATUS: 24,
    RAG: 60,
}
# Light fills a board secretary knows from RAG tables; the cell always says the status in words too.
RAG_FILLS = {
    Rag.OVERDUE: "FFC7CE",
    Rag.AT_RISK: "FFEB9C",
    Rag.NO_UPDATE: "D9D9D9",
    Rag.ON_TRACK: "C6EFCE",
    Rag.ON_HOLD: "D9D9D9",
    Rag.COMPLETE: "BDD7EE",
}


def plan_table(
    plan: ActionPlan, judged: PlanRag | None = None, framework: StrategyFramework | None = None
) -> tuple[list[str], list[list[str]]]:
    """The header and one row of cell strings per recommendation; inside a cell, one line per item.

    The columns are seed 002's; "When" carries the plan's year as the seed writes it ("When (2022)"),
    or its context day when that is not 1 January ("When (from 2021-09-01)"), so phrases without a
    year read back the same. "Status" (one line per action: "complete on 2022-03-10" or "open") comes
    when the plan is judged, or when any action is done, so an export never loses a completion;
    with `judged` it says what was known on `judged.as_of`, like the RAG beside it. "RAG" comes with
    `judged`: the recommendation's RAG in words and why, then "N. <RAG in words>: <why>" per action.
    "Finding", "Thread" and "Strand" (after the seed's columns) come when the plan delivers a
    strategy or anything in it serves one: the recommendation's names, then "N: names" for each
    action with names of its own; titles from `framework`, else keys (both read back the same).
    """
    verdicts = _verdicts(plan, judged)
    with_status = judged is not None or any(
        plan.completed_on(rec.number, action) for rec in plan.recommendations for action in rec.actions
    )
    header = [*PLAN_COLUMNS]
    header[PLAN_COLUMNS.index("When")] = _when_header(plan.context_date)
    with_serves = plan.strategy is not None or any(
        rec.serves or any(a.serves for a in rec.actions) for rec in plan.recommendations
    )
    if with_serves:
        header += [header_with_strategy(facet, plan.strategy) for facet in Facet]
    if with_status:
        header.append(STATUS)
    if judged is not None:
        header.append(RAG)

    unsaid_merges = _merges_the_notes_do_not_say(plan)
    rows = []
    for rec in plan.recommendations:
        verdict = verdicts.get(rec.number)
        row = [
            rec.number,
            _lines([rec.text, _note(rec, unsaid_merges.get(rec.number, []))]),
            _lines([_alignment_line(rec), *(a.text for a in rec.actions)]),
            _when_cell(rec.actions),
            _who_cell(rec),
            _lines(m.text for m in rec.measures),
        ]
        if with_serves:
            row += [serves_cell(facet, rec, framework) for facet in Facet]
        if with_status:
            row.append(_status_cell(plan, rec, verdict))
        if judged is not None:
            row.append(_rag_cell(verdict))
        rows.append(row)
    return header, rows


def plan_csv(plan: ActionPlan, judged: PlanRag | None = None, framework: StrategyFramework | None = None) -> bytes:
    """The plan table as CSV (RFC 4180: CRLF between rows, cells with line breaks quoted), in UTF-8
    with a byte-order mark so that Excel reads the characters right."""
    header, rows = plan_table(plan, judged, framework)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[_guard(value) for value in row] for row in rows])
    return out.getvalue().encode("utf-8-sig")


def plan_xlsx(
    plan: ActionPlan,
    judged: PlanRag | None = None,
    framework: StrategyFramework | None = None,
    *,
    stamp: dt.datetime | None = None,
) -> bytes:
    """The plan table as an Excel workbook: one sheet, a bold frozen header, wrapped text, the
    recommendation's RAG colour behind its RAG cell. The same plan gives the same bytes: the
    workbook's created and modified times are `stamp`, else midnight of `judged.as_of`, else 1980-01-01."""
    header, rows = plan_table(plan, judged, framework)
    verdicts = _verdicts(plan, judged)
    cells: list[list[str | int]] = [header]
    fills = {}
    for row_number, (rec, values) in enumerate(zip(plan.recommendations, rows), start=1):
        # The number as a number, so Excel does not flag "number stored as text"; the rest text,
        # never a formula, whatever it starts with.
        cells.append([int(values[0]) if values[0].isdigit() else values[0], *values[1:]])
        verdict = verdicts.get(rec.number)
        if verdict is not None:
            fills[(row_number, len(header) - 1)] = RAG_FILLS[verdict.rag]
    widths = [_WIDTHS.get(name.split(" (")[0], 20) for name in header]
    when = stamp or (dt.datetime.combine(judged.as_of, dt.time()) if judged else _EPOCH)
    return workbook_bytes(
        Sheet(SHEET_TITLE, cells, widths, fills),
        title=plan.title,
        subject=f"RAG as of {short_day(judged.as_of)}" if judged is not None else "",
        stamp=when,
    )


# ---------------------------------------------------------------------------------------------
# Cells


def _lines(items) -> str:
    return "\n".join(item for item in items if item)


def _when_header(context: dt.date | None) -> str:
    if context is None:
        return "When"
    if (context.month, context.day) == (1, 1):
        return f"When ({context.year})"
    return f"When (from {context.isoformat()})"


def _note(rec: Recommendation, unsaid_merges: list[str]) -> str:
    """The recommendation's remarks as one line; the loader reads a line starting with "*" as a remark."""
    note = rec.note
    if unsaid_merges:
        note = f"{note} *merged with recommendation {' & '.join(unsaid_merges)}".strip()
    return note


def _merges_the_notes_do_not_say(plan: ActionPlan) -> dict[str, list[str]]:
    """Merges a plan holds that its notes do not name (the loader reads merges from the notes)."""
    said: set[tuple[str, str]] = set()
    for rec in plan.recommendations:
        merges, _ = note_links(rec.note)
        if merges:
            group = list(dict.fromkeys([*merges, rec.number]))
            said |= {(a, b) for a in group for b in group if a != b}
    unsaid = {}
    for rec in plan.recommendations:
        missing = [n for n in rec.merged_with if (rec.number, n) not in said]
        if missing:
            unsaid[rec.number] = missing
    return unsaid


def _alignment_line(rec: Recommendation) -> str:
    """ "Aligned to recommendation 2", as seed 002 writes it above the actions, for the alignments
    its note does not already name."""
    _, in_note = note_links(rec.note)
    numbers = [n for n in rec.aligned_with if n not in in_note]
    if not numbers:
        return ""
    return f"Aligned to recommendation{'s' if len(numbers) > 1 else ''} {' & '.join(numbers)}"


def _when_cell(actions: list[Action]) -> str:
    """One phrase per line, one line per action. The loader takes all or none, so an action without
    a When among dated ones is written TBC (read back as "no date yet", which is what it is)."""
    if all(a.when is None for a in actions):
        return ""
    return _lines(a.when.text if a.when else "TBC" for a in actions)


def _who_cell(rec: Recommendation) -> str:
    """One name when it covers every action, as the seed writes it; else one name per action."""
    owners = [a.owner or rec.owner for a in rec.actions]
    if all(owner == rec.owner for owner in owners):
        return rec.owner or ""
    return _lines(owner or "" for owner in owners)


def _status_cell(plan: ActionPlan, rec: Recommendation, verdict: RecommendationRag | None) -> str:
    if verdict is not None and verdict.actions:
        by_position = {a.position: a for a in verdict.actions}
        return _lines(by_position[a.position].status for a in rec.actions)
    lines = []
    for action in rec.actions:
        done_on = plan.completed_on(rec.number, action)
        lines.append(f"complete on {done_on.isoformat()}" if done_on else "open")
    return _lines(lines)


def _rag_cell(verdict: RecommendationRag | None) -> str:
    if verdict is None:
        return ""
    return _lines([f"{verdict.rag.words}: {verdict.reason}", *(_action_rag(a) for a in verdict.actions)])


def _action_rag(action: ActionRag) -> str:
    return f"{action.position}. {action.rag.words}: {action.reason}"


def _verdicts(plan: ActionPlan, judged: PlanRag | None) -> dict[str, RecommendationRag]:
    if judged is None:
        return {}
    verdicts = {r.number: r for r in judged.recommendations}
    missing = [rec.number for rec in plan.recommendations if rec.number not in verdicts]
    if missing:
        raise ReportError(
            f"the RAG given is for plan {judged.key!r}, which has no recommendation {', '.join(missing)} "
            f"of plan {plan.key!r}: judge this plan"
        )
    return verdicts


def _guard(value: str) -> str:
    """An apostrophe before a cell that a spreadsheet would run as a formula (the loader drops it)."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


__all__ = ["plan_table", "plan_csv", "plan_xlsx", "PLAN_COLUMNS"]
