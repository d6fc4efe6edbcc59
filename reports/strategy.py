"""The strategy report (`govflow report strategy KEY`): finding by finding, thread by thread and
strand by strand, the actions serving each with their RAG and latest update, the gaps, the findings
× strands matrix (in HTML a picture, with its text alternative) and the questions at meetings, as
Markdown and as accessible HTML.

The matrix is a plain SVG from the template, as the timeline is (reports/timeline.py says why no
charting library): a row per finding, a column per strand, each cell the colour of the RAG of the
actions serving both AND the status in words with the number of actions; a cell no action serves is
white with a dashed border and says "No action" ("Gap" is what a whole finding, thread or strand no
action serves is called). The table after it says the same in words. Titles are wrapped, never cut:
the label column, the header and each row grow to hold them whole."""
from __future__ import annotations

from dataclasses import dataclass

from governance_model.reason_words import short_day
from governance_model.strategy import Facet
from governance_model.strategy_account import EntryAccount, MeetingWithQuestions, Rollup, ServingAction, SharedActions, StrategyAccount
from reports.html import render
from reports.markdown import table, text
from reports.plan import update_heading

RULE = (
    "How a finding, thread or strand is judged: each action serving it is judged by the action-plan "
    "RAG rule; it is Complete when all its actions are complete, else it takes its worst action's RAG "
    "(overdue, at risk, no update, on track, on hold). One that no action serves is a gap. An action "
    "serves what its recommendation serves and what it is tagged with itself."
)
ACTION_COLUMNS = ["Plan", "No", "#", "Action", "Who", "When", "RAG", "Why", "Latest update"]
NO_ACTION = "No action"  # a matrix cell no action serves: a gap is a whole entry no action serves


def counted(number: int, noun: str) -> str:
    """"1 thread", "3 threads"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def rollup_words(rollup: Rollup) -> str:
    """"Red – overdue (2 actions)", or the gap in words."""
    if rollup.gap:
        return rollup.words
    return f"{rollup.words} ({counted(len(rollup.actions), 'action')})"


def cell_words(rollup: Rollup) -> str:
    """A matrix cell in words: "Red – overdue (2 actions)", or "No action"."""
    return NO_ACTION if rollup.gap else rollup_words(rollup)


def entry_name(entry: EntryAccount, between: str = " ") -> str:
    """"Finding Joint commissioning" ("Finding: …" with `between` ": "), but "Finding One" for a
    title that already starts with its facet's name."""
    first = entry.title.split(maxsplit=1)[0] if entry.title.split() else ""
    if first.casefold().rstrip(":") == entry.facet.label.casefold():
        return entry.title
    return f"{entry.facet.label}{between}{entry.title}"


def summary_words(account: StrategyAccount) -> str:
    """"3 findings, 1 thread, 2 strands; 1 with no action serving it (a gap):" and the like."""
    sizes = ", ".join(counted(len(account.entries(f)), f.value) for f in Facet)
    gaps = account.gaps
    if not gaps:
        return f"{sizes}; every one has an action serving it."
    if len(gaps) == 1:
        return f"{sizes}; 1 with no action serving it (a gap):"
    return f"{sizes}; {len(gaps)} with no action serving them (gaps):"


def shared_words(shared: SharedActions, entry: EntryAccount) -> str:
    """Why a recommendation with no actions of its own counts here (rag.py's `merged`)."""
    return (
        f"Recommendation {shared.number} of {shared.plan_title} serves this {entry.facet.value} but has no actions "
        f"of its own: it is to be merged with recommendation {shared.partner}, whose actions it shares, so they count here."
    )


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
        lines.append(f"{item.link.kind.words.capitalize()} {item.title}{held}")
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
        summary_words(account) + (f" {text('; '.join(entry_name(g) for g in gaps))}." if gaps else ""),
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
        out += [table(["Finding", *(s.title for s in account.strands)], [(f.title, *(cell_words(c.rollup) for c in row)) for f, row in zip(account.findings, account.matrix)])]
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
    out = ["", f"### {text(entry_name(entry, ': '))}", ""]
    if entry.rollup.gap:
        return out + [f"**Gap**: no action serves this {entry.facet.value}."]
    out += [f"**{entry.rollup.words}** — {text(entry.rollup.reason)}."]
    out += [f"\n{text(shared_words(s, entry))}" for s in entry.shared]
    return out + ["", table(ACTION_COLUMNS, [action_row(a) for a in entry.actions])]


# ---------------------------------------------------------------------------------------------
# HTML, and the matrix picture's layout

LABEL_WIDTH, CELL_WIDTH, CELL_HEIGHT, HEADER_HEIGHT = 280, 150, 46, 60  # the least each takes
LEGEND_HEIGHT = 40
LEGEND_CHAR_WIDTH = 7  # about the width of a character at 12 px Arial
# About the widest a character is (bold Arial): a finding's label at 13 px, a strand's title at 12 px.
LABEL_CHAR_WIDTH, HEADER_CHAR_WIDTH = 8.0, 7.4
LABEL_LINE, HEADER_LINE = 16, 15  # the height of a line of each
LABEL_PAD, CELL_PAD = 16, 12  # room left and right of a finding's label, and of a strand's title
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
    height: float
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
    header_height: int
    columns: tuple[tuple[float, tuple[str, ...], str], ...]  # (centre x, title lines, whole title)
    rows: tuple[tuple[float, tuple[str, ...], str], ...]  # (first line's baseline y, title lines, whole title)
    cells: tuple[PlacedCell, ...]
    legend_y: float
    legend: tuple[tuple[float, str, str, str], ...]  # (x, fill, ink, words)
    cell_width: float
    label_width: float


def wrap(title: str, width: int) -> tuple[str, ...]:
    """`title` in lines of at most `width` characters, broken between words and never cut (a word
    longer than `width` has a line to itself: the layout makes room for the longest word)."""
    out: list[str] = []
    for word in title.split():
        if out and len(out[-1]) + 1 + len(word) <= width:
            out[-1] += f" {word}"
        else:
            out.append(word)
    return tuple(out)


def _longest_word(titles) -> int:
    return max((len(w) for t in titles for w in t.split()), default=0)


def matrix_layout(account: StrategyAccount) -> MatrixFigure:
    """Where each cell, label and legend entry of the findings × strands picture goes: the label
    column is wide enough for the longest word, each column for its longest word, and the header and
    each row tall enough for their titles' lines."""
    label_width = max(LABEL_WIDTH, _longest_word(f.title for f in account.findings) * LABEL_CHAR_WIDTH + LABEL_PAD)
    cell_width = max(CELL_WIDTH, _longest_word(s.title for s in account.strands) * HEADER_CHAR_WIDTH + CELL_PAD)
    label_chars = int((label_width - LABEL_PAD) / LABEL_CHAR_WIDTH)
    header_chars = int((cell_width - CELL_PAD) / HEADER_CHAR_WIDTH)
    headers = [wrap(s.title, header_chars) for s in account.strands]
    header_height = max(HEADER_HEIGHT, max(map(len, headers), default=1) * HEADER_LINE + 15)
    columns = tuple((label_width + (i + 0.5) * cell_width, lines, s.title) for i, (s, lines) in enumerate(zip(account.strands, headers)))
    rows, cells, top = [], [], float(header_height)
    for finding, row in zip(account.findings, account.matrix):
        lines = wrap(finding.title, label_chars)
        height = max(CELL_HEIGHT, len(lines) * LABEL_LINE + 14)
        rows.append((top + height / 2 - (len(lines) - 1) * LABEL_LINE / 2 + 4, lines, finding.title))
        for c, (strand, cell) in enumerate(zip(account.strands, row)):
            rollup = cell.rollup
            fill, ink = FILLS[rollup.rag.value] if rollup.rag is not None else ("#ffffff", "#0b0c0c")
            count = "" if rollup.gap else counted(len(rollup.actions), "action")
            label = rollup.rag.label if rollup.rag is not None else NO_ACTION
            words = f"{finding.title} × {strand.title}: {cell_words(rollup)}"
            cells.append(PlacedCell(label_width + c * cell_width, top, height, fill, ink, label, count, rollup.gap, words))
        top += height
    width = max(label_width + len(account.strands) * cell_width + 8, 760)
    keys = [(*FILLS[v], w) for v, w in (("overdue", "Overdue"), ("at_risk", "At risk"), ("no_update", "No update / on hold"), ("on_track", "On track"), ("complete", "Complete"))]
    legend, x = [], 8.0
    for fill, ink, words in keys + [("#ffffff", "#0b0c0c", NO_ACTION)]:
        legend.append((x, fill, ink, words))
        x += 21 + len(words) * LEGEND_CHAR_WIDTH + 24  # the swatch, its words (12 px), a gap
    return MatrixFigure(
        int(width), int(top + 12 + LEGEND_HEIGHT), header_height, columns, tuple(rows), tuple(cells),
        top + 12 + LEGEND_HEIGHT / 2, tuple(legend), cell_width, label_width,
    )


def strategy_html(account: StrategyAccount) -> str:
    return render(
        "strategy.html.j2",
        account=account,
        rule=RULE,
        facets=list(Facet),
        figure=matrix_layout(account) if account.findings and account.strands else None,
        rollup_words=rollup_words,
        cell_words=cell_words,
        counted=counted,
        summary_words=summary_words,
        entry_name=entry_name,
        shared_words=shared_words,
        update_words=update_words,
        update_heading=update_heading,
        link_words=link_words(account),
        meeting_heading=meeting_heading,
        matrix_rows=list(zip(account.findings, account.matrix)),
    )
