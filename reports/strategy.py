"""The strategy report (`govflow report strategy KEY`): finding by finding, thread by thread and
strand by strand, the actions serving each with their RAG and latest update, the gaps, the findings
× strands matrix (in HTML a picture, with its text alternative) and the questions at meetings, as
Markdown and as accessible HTML.

The matrix is a plain SVG from the template, as the timeline is (reports/timeline.py says why no
charting library): a row per finding, a column per strand, each cell the colour of the RAG of the
actions serving both AND the status in words with the number of actions; a cell no action serves is
white with a dashed border and says so. The table after it says the same in words."""
from __future__ import annotations

from dataclasses import dataclass

from governance_model.reason_words import short_day
from governance_model.strategy import Facet
from governance_model.strategy_account import EntryAccount, MeetingWithQuestions, Rollup, ServingAction, StrategyAccount
from reports.html import render
from reports.markdown import table, text
from reports.plan import update_heading
from reports.timeline import shorten

RULE = (
    "How a finding, thread or strand is judged: each action serving it is judged by the action-plan "
    "RAG rule; it is Complete when all its actions are complete, else it takes its worst action's RAG "
    "(overdue, at risk, no update, on track, on hold). One that no action serves is a gap. An action "
    "serves what its recommendation serves and what it is tagged with itself."
)
ACTION_COLUMNS = ["Plan", "No", "#", "Action", "Who", "When", "RAG", "Why", "Latest update"]


def rollup_words(rollup: Rollup) -> str:
    """"Red – overdue (2 actions)", or the gap in words."""
    if rollup.gap:
        return rollup.words
    count = len(rollup.actions)
    return f"{rollup.words} ({count} action{'s' if count != 1 else ''})"


def update_words(action: ServingAction) -> str:
    update = action.latest_update
    if update is None:
        return "none"
    first = next((items[0] for items in (update.done, update.next_steps, update.difference, update.to_develop) if items), "")
    return f"{short_day(update.recorded_on)}: {first}" if first else short_day(update.recorded_on)


def action_row(action: ServingAction) -> tuple:
    a = action.judged
    return (action.plan_title, a.recommendation, a.position, a.text, a.owner or "—", a.when_text or "—", a.rag.words, a.reason, update_words(action))


def link_words(account: StrategyAccount) -> list[str]:
    lines = []
    for item in account.links:
        held = f" (held in govflow as “{item.held_title}”)" if item.held_title else ""
        lines.append(f"{item.link.kind.words.capitalize()} {item.link.title}{held}")
    return lines


def meeting_heading(meeting: MeetingWithQuestions) -> str:
    where = meeting.body_name or meeting.body_code or meeting.meeting_key
    return f"{where}, {short_day(meeting.day)}" if meeting.day else where


# ---------------------------------------------------------------------------------------------
# Markdown


def strategy_markdown(account: StrategyAccount) -> str:
    gaps = account.gaps
    out = [
        f"# {text(account.title)}: how the strategy answers for itself",
        "",
        f"Strategy report as of {short_day(account.as_of)}.",
        "",
        RULE,
        "",
        "## Summary",
        "",
        f"{len(account.findings)} findings, {len(account.threads)} threads, {len(account.strands)} strands; "
        + (f"{len(gaps)} with no action serving them (gaps): {text('; '.join(f'{g.facet.label} {g.title}' for g in gaps))}." if gaps else "every one has an action serving it."),
        "",
    ]
    if account.plans:
        out += [table(["Plan delivering it", "RAG", "Why"], [(p.title, p.rag.words, p.reason) for p in account.plans])]
    else:
        out += ["No action plan delivers this strategy yet."]
    for facet in Facet:
        entries = account.entries(facet)
        out += ["", f"## {facet.label}s", ""]
        if not entries:
            out += [f"The strategy names no {facet.plural}."]
            continue
        out += [table([facet.label, "RAG", "Why"], [(e.title, e.rollup.words, e.rollup.reason) for e in entries])]
        for entry in entries:
            out += _entry_markdown(entry)
    if account.findings and account.strands:
        out += ["", "## Findings × strands", "", "Each cell: the RAG of the actions serving both the finding and the strand.", ""]
        out += [table(["Finding", *(s.title for s in account.strands)], [(f.title, *(rollup_words(c.rollup) for c in row)) for f, row in zip(account.findings, account.matrix)])]
    if account.meetings:
        out += ["", "## Questions at meetings"]
        for meeting in account.meetings:
            out += ["", f"### {text(meeting_heading(meeting))}"]
            for answered in meeting.questions:
                q = answered.question
                out += ["", f"**Question {q.number}, from {text(q.asked_by)}:** {text(q.question)}", ""]
                out += [f"*Answer:* {text(q.answer)}" if q.answer else "*No answer recorded.*"]
                if answered.follow_ups:
                    out += ["", "Actions the answer led to:", "", table(ACTION_COLUMNS, [action_row(a) for a in answered.follow_ups])]
    if account.links:
        out += ["", "## Other strategies", ""] + [f"- {text(line)}" for line in link_words(account)]
    return "\n".join(out) + "\n"


def _entry_markdown(entry: EntryAccount) -> list[str]:
    out = ["", f"### {entry.facet.label}: {text(entry.title)}", ""]
    if entry.rollup.gap:
        return out + [f"**Gap**: no action serves this {entry.facet.value}."]
    out += [f"**{entry.rollup.words}** — {text(entry.rollup.reason)}.", "", table(ACTION_COLUMNS, [action_row(a) for a in entry.actions])]
    return out


# ---------------------------------------------------------------------------------------------
# HTML, and the matrix picture's layout

LABEL_WIDTH, CELL_WIDTH, CELL_HEIGHT, HEADER_HEIGHT = 280, 150, 46, 60
LEGEND_HEIGHT = 40
LEGEND_CHAR_WIDTH = 7  # about the width of a character at 12 px Arial
HEADER_CHARS, HEADER_LINES = 20, 3  # a strand's title over its column, wrapped (the table has it whole)
# Fill and text colour per RAG: the report's own colours (base.html.j2), text that reads on them.
FILLS = {
    "overdue": ("#a8071a", "#ffffff"),
    "at_risk": ("#f47738", "#0b0c0c"),
    "no_update": ("#505a5f", "#ffffff"),
    "on_hold": ("#505a5f", "#ffffff"),
    "on_track": ("#00703c", "#ffffff"),
    "complete": ("#1d70b8", "#ffffff"),
}


@dataclass(frozen=True)
class PlacedCell:
    x: float
    y: float
    fill: str
    ink: str
    label: str  # the status in words ("On track", "No action")
    count: str  # "2 actions", or ""
    gap: bool
    words: str  # the whole cell in words, for its <title>


@dataclass(frozen=True)
class MatrixFigure:
    width: int
    height: int
    columns: tuple[tuple[float, tuple[str, ...], str], ...]  # (centre x, title lines, whole title)
    rows: tuple[tuple[float, str, str], ...]  # (centre y, label, whole title)
    cells: tuple[PlacedCell, ...]
    legend_y: float
    legend: tuple[tuple[float, str, str, str], ...]  # (x, fill, ink, words)
    cell_width, cell_height, label_width = CELL_WIDTH, CELL_HEIGHT, LABEL_WIDTH


def wrap(title: str, width: int = HEADER_CHARS, lines: int = HEADER_LINES) -> tuple[str, ...]:
    """`title` in lines of at most about `width` characters, at most `lines` of them (the last shortened)."""
    out: list[str] = []
    for word in title.split():
        if out and len(out[-1]) + 1 + len(word) <= width:
            out[-1] += f" {word}"
        else:
            out.append(word)
    if len(out) > lines:
        out = out[: lines - 1] + [shorten(" ".join(out[lines - 1 :]), width)]
    return tuple(shorten(line, width) for line in out)


def matrix_layout(account: StrategyAccount) -> MatrixFigure:
    """Where each cell, label and legend entry of the findings × strands picture goes."""
    columns = tuple((LABEL_WIDTH + (i + 0.5) * CELL_WIDTH, wrap(s.title), s.title) for i, s in enumerate(account.strands))
    rows, cells = [], []
    for r, (finding, row) in enumerate(zip(account.findings, account.matrix)):
        top = HEADER_HEIGHT + r * CELL_HEIGHT
        rows.append((top + CELL_HEIGHT / 2, shorten(finding.title, 38), finding.title))
        for c, (strand, cell) in enumerate(zip(account.strands, row)):
            rollup = cell.rollup
            fill, ink = FILLS[rollup.rag.value] if rollup.rag is not None else ("#ffffff", "#0b0c0c")
            count = "" if rollup.gap else f"{len(rollup.actions)} action{'s' if len(rollup.actions) != 1 else ''}"
            label = rollup.rag.label if rollup.rag is not None else "No action"
            words = f"{finding.title} × {strand.title}: {rollup_words(rollup)}"
            cells.append(PlacedCell(LABEL_WIDTH + c * CELL_WIDTH, top, fill, ink, label, count, rollup.gap, words))
    bottom = HEADER_HEIGHT + len(account.findings) * CELL_HEIGHT
    width = max(LABEL_WIDTH + len(account.strands) * CELL_WIDTH + 8, 760)
    keys = [(*FILLS[v], w) for v, w in (("overdue", "Overdue"), ("at_risk", "At risk"), ("no_update", "No update / on hold"), ("on_track", "On track"), ("complete", "Complete"))]
    legend, x = [], 8.0
    for fill, ink, words in keys + [("#ffffff", "#0b0c0c", "No action (gap)")]:
        legend.append((x, fill, ink, words))
        x += 21 + len(words) * LEGEND_CHAR_WIDTH + 24  # the swatch, its words (12 px), a gap
    return MatrixFigure(int(width), int(bottom + 12 + LEGEND_HEIGHT), columns, tuple(rows), tuple(cells), bottom + 12 + LEGEND_HEIGHT / 2, tuple(legend))


def strategy_html(account: StrategyAccount) -> str:
    return render(
        "strategy.html.j2",
        account=account,
        rule=RULE,
        facets=list(Facet),
        figure=matrix_layout(account) if account.findings and account.strands else None,
        rollup_words=rollup_words,
        update_words=update_words,
        update_heading=update_heading,
        link_words=link_words(account),
        meeting_heading=meeting_heading,
        matrix_rows=list(zip(account.findings, account.matrix)),
    )
