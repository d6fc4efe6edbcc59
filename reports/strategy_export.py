"""The strategy report as CSV or Excel: one row per finding, thread or strand and action serving it
(a row with no action for a gap), then one per question at a meeting and action its answer led to."""
from __future__ import annotations

import csv
import datetime as dt
import io

from governance_model.importing.plan_table import FORMULA_STARTS
from governance_model.rag import Rag
from governance_model.reason_words import short_day
from governance_model.strategy import Facet
from governance_model.strategy_account import Rollup, ServingAction, StrategyAccount, roll_up
from reports.plan_export import RAG_FILLS  # the light fills a board secretary knows from RAG tables
from reports.strategy import meeting_heading, update_words
from reports.xlsx_sheet import Sheet, workbook_bytes

HEADER = [
    "Part", "Key", "Title", "Its RAG", "Why",
    "Plan", "No", "#", "Action", "Who", "When", "Action RAG", "Action why", "Latest update",
]
ITS_RAG, ACTION_RAG = HEADER.index("Its RAG"), HEADER.index("Action RAG")
SHEET_TITLE = "Strategy"
_WIDTHS = [10, 16, 40, 22, 36, 30, 6, 4, 50, 8, 18, 22, 50, 40]


def _action_cells(action: ServingAction | None) -> list[str]:
    if action is None:
        return [""] * 9
    a = action.judged
    return [action.plan_key, a.recommendation, str(a.position), a.text, a.owner or "", a.when_text or "", a.rag.words, a.reason, update_words(action)]


def _rows(account: StrategyAccount) -> list[tuple[list[str], Rag | None, Rag | None]]:
    """Each row's cells, with the RAGs its two RAG cells are coloured by."""
    rows = []

    def add(part: str, key: str, title: str, rollup: Rollup, actions) -> None:
        head = [part, key, title, rollup.words, rollup.reason]
        for action in actions or [None]:
            rows.append((head + _action_cells(action), rollup.rag, action.judged.rag if action else None))

    for facet in Facet:
        for entry in account.entries(facet):
            add(facet.label, entry.key, entry.title, entry.rollup, list(entry.actions))
    for meeting in account.meetings:
        for answered in meeting.questions:
            q = answered.question
            title = f"{meeting_heading(meeting)}: question {q.number} from {q.asked_by}: {q.question}"
            rollup = _follow_up_rollup(answered.follow_ups)
            add("Question", f"{q.meeting_key}#{q.number}", title, rollup, list(answered.follow_ups))
    return rows


def _follow_up_rollup(actions) -> Rollup:
    return roll_up(actions, "no action recorded from its answer")


def strategy_table(account: StrategyAccount) -> tuple[list[str], list[list[str]]]:
    return list(HEADER), [cells for cells, _, _ in _rows(account)]


def strategy_csv(account: StrategyAccount) -> bytes:
    """CSV (CRLF between rows), UTF-8 with a byte-order mark so that Excel reads the characters right;
    a cell a spreadsheet would run as a formula starts with an apostrophe."""
    header, rows = strategy_table(account)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[_guard(v) for v in row] for row in rows])
    return out.getvalue().encode("utf-8-sig")


def strategy_xlsx(account: StrategyAccount, *, stamp: dt.datetime | None = None) -> bytes:
    """One sheet with a bold frozen header and the RAG colours behind the RAG cells (which say the RAG
    in words). The same account gives the same bytes: dated `stamp`, else midnight of its day."""
    cells: list[list[str | int]] = [list(HEADER)]
    fills = {}
    for number, (row, its, action) in enumerate(_rows(account), start=1):
        cells.append([int(v) if i == HEADER.index("#") and v.isdigit() else v for i, v in enumerate(row)])
        if its is not None:
            fills[(number, ITS_RAG)] = RAG_FILLS[its]
        if action is not None:
            fills[(number, ACTION_RAG)] = RAG_FILLS[action]
    return workbook_bytes(
        Sheet(SHEET_TITLE, cells, _WIDTHS, fills),
        title=account.title,
        subject=f"Strategy report as of {short_day(account.as_of)}",
        stamp=stamp or dt.datetime.combine(account.as_of, dt.time()),
    )


def _guard(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value
