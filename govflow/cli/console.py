"""What every command shares: the two consoles (results to stdout, errors to stderr), the error a
command raises for what was typed, the date-option parser, and the printing of results that more
than one command shows (what was loaded, the status, the nightly summary)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NoReturn

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from governance_model.errors import Error as RootError
from governance_model.organisation import DEFAULT_ORGANISATION
from govflow.errors import Error
from govflow.services.file_loading import LoadSummary
from govflow.services.status_overview import Status

out = Console()
err = Console(stderr=True)


class CommandError(Error):
    """What was typed cannot be used: a malformed option, a missing argument, options that clash."""


def fail(message: str) -> NoReturn:
    raise CommandError(message)


def print_error(error: RootError) -> None:
    """`error: <message>` on stderr: how every govflow error ends a command (govflow.cli.GovflowCommand)."""
    err.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)


def parse_date(value: str | None, option: str) -> dt.date | None:
    """The date an option gives (YYYY-MM-DD), None when it was not given."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value!r} is not a date in the form YYYY-MM-DD")


def print_load_summary(summary: LoadSummary) -> None:
    parts = [
        f"{summary.people} people",
        f"{summary.bodies} bodies ({summary.meetings} meetings)",
        f"{summary.documents} documents ({summary.steps} route steps)",
        f"{summary.glossary_terms} glossary terms",
    ]
    if summary.questions:
        parts.append(f"{summary.questions} question{'s' if summary.questions != 1 else ''} put at meetings")
    if not summary.only_term_dates:
        into = "" if summary.organisation == DEFAULT_ORGANISATION else f" into council {summary.organisation}"
        out.print(f"loaded{into}: " + ", ".join(parts), highlight=False)
    for terms in summary.term_dates:
        years = ", ".join(terms.academic_years)
        before = "" if terms.loaded_now else ", as loaded before"
        out.print(
            f"term dates: {terms.terms} terms and half terms from {escape(terms.source)} (academic years {years}){before}",
            highlight=False,
            soft_wrap=True,  # file names stay whole, to copy
        )
    for plan in summary.plans:
        out.print(f"plan [bold]{plan.title}[/] ({plan.key}) from {plan.source}", highlight=False)
        out.print(
            f"  {len(plan.numbers)} recommendations: {', '.join(plan.numbers)}; "
            f"{plan.actions} actions; {plan.measures} measures of success",
            highlight=False,
        )
        out.print(f"  owners: {', '.join(plan.owners)}", highlight=False)
        for a, b in plan.merges:
            out.print(f"  recommendations {a} and {b} are to be merged", highlight=False)
        for a, b in plan.alignments:
            out.print(f"  recommendation {a} is aligned to recommendation {b}", highlight=False)


TITLE_WIDTH = 30  # a step's or an action's title in the status tables; the full text is in --json


def shorten(text: str, width: int = TITLE_WIDTH) -> str:
    """`text` on one line, cut at a word before `width` characters with "…" when longer."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[: width - 1].rsplit(" ", 1)[0] if " " in text[: width - 1] else text[: width - 1]
    return cut.rstrip(" ,;:–-") + "…"


def _day(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "none"


def _status_table(*columns: tuple[str, int, int]) -> Table:
    """A table that fits an 80-column terminal: no borders, one line per row. Each column is
    (name, min width, max width); a cell longer than its column ends in "…"."""
    table = Table(box=None, pad_edge=False, header_style="bold underline", collapse_padding=True)
    for name, least, most in columns:
        table.add_column(name, overflow="ellipsis", no_wrap=True, min_width=least or None, max_width=most or None)
    return table


def print_status(result: Status) -> None:
    """Where everything stands, for an 80-column terminal: one line per step, titles shortened
    (`govflow status --json` has them in full), dates and states in words."""
    out.print(f"[bold]Status as of {result.as_of:%A} {_day(result.as_of)}[/]", highlight=False)
    for doc in result.documents:
        out.print()
        out.print(f"[bold]{escape(doc.title)}[/] ({doc.key})", highlight=False, soft_wrap=True)
        table = _status_table(("step", 0, TITLE_WIDTH), ("body", 0, 12), ("where it stands", 37, 0))
        for step in doc.steps:
            style = {"overdue": "red", "due": "bold", "done": "dim", "stopped": "dim"}.get(step.state, "")
            state = f"{step.words}, at risk" if step.at_risk else step.words
            table.add_row(shorten(step.title), step.body_code or "", state, style=style)
        out.print(table)
        for step in doc.steps:
            if step.at_risk:
                out.print(f"  at risk: {shorten(step.title)} ({_day(step.deadline)}): {step.at_risk}", highlight=False)
        if doc.stopped:
            out.print("  stopped: rejected", highlight=False)
        else:
            current = next((s.title for s in doc.steps if s.key == doc.current_step), None)
            out.print(f"  current step: {shorten(current, 62) if current else 'none'}", highlight=False)
            out.print(f"  next deadline: {_day(doc.next_deadline)}; overdue steps: {len(doc.overdue)}", highlight=False)
    for item in result.part_two:
        out.print(f"Part II: {item}", highlight=False)
    for plan in result.plans:
        out.print()
        out.print(f"[bold]{escape(plan.title)}[/] ({plan.key})", highlight=False)
        if not plan.due and not plan.overdue:
            out.print(f"  RAG: {plan.rag} — {plan.rag_reason}", highlight=False)
            out.print("  actions due: 0; overdue: 0", highlight=False)
            continue
        table = _status_table(("rec", 0, 4), ("action", 0, TITLE_WIDTH), ("who", 0, 6), ("deadline", 11, 0), ("state", 7, 0))
        for state, actions in (("overdue", plan.overdue), ("due", plan.due)):
            for a in actions:
                deadline = f"{a.due.day} {a.due:%b %Y}" if a.due else ""
                table.add_row(a.recommendation, shorten(a.text), a.owner or "", deadline, state, style="red" if state == "overdue" else "")
        out.print(table)
        out.print(f"  RAG: {plan.rag} — {plan.rag_reason} (`govflow report plan {plan.key}` says why)", highlight=False)
        out.print(f"  actions due: {len(plan.due)}; overdue: {len(plan.overdue)}", highlight=False)


def print_nightly_summary(summary: dict) -> None:
    nights = summary["nights"]
    if not nights:
        out.print(f"nightly runs have already reached {summary['as_of']}: nothing changed", highlight=False)
        if summary.get("digests_sent") or summary.get("sends_failed"):
            out.print(f"  digests sent that were waiting: {summary['digests_sent']}; sends failed: {summary['sends_failed']}", highlight=False)
        return
    ran = f"{nights[0]}" if len(nights) == 1 else f"{len(nights)} nights, {nights[0]} to {nights[-1]} (caught up)"
    out.print(f"nightly run for {summary['as_of']}: ran {ran}", highlight=False)
    print_meetings_synced(summary.get("meetings_synced") or [])
    moved = summary["documents_moved"]
    out.print(f"  documents moved: {len(moved)}{' (' + ', '.join(moved) + ')' if moved else ''}", highlight=False)
    out.print(
        f"  steps moved: {summary['steps_moved']}; steps overdue: {summary['steps_overdue']}; "
        f"dates re-forecast: {summary['dates_reforecast']}",
        highlight=False,
    )
    if "digests_sent" in summary:
        out.print(
            f"  reminders owed: {summary['reminders_owed']}; digests sent: {summary['digests_sent']}; "
            f"sends failed: {summary['sends_failed']}",
            highlight=False,
        )
    for failed in summary.get("failed", []):
        out.print(f"  failed, left out tonight: {failed}", highlight=False, soft_wrap=True)
    if summary.get("replanned"):
        out.print(f"  changed during the run, planned again: {', '.join(summary['replanned'])}", highlight=False)
    if summary.get("reports_written"):
        folder = Path(summary["reports_written"][0]).parent.parent
        out.print(f"  reports written: {len(summary['reports_written'])} files in {folder}", highlight=False, soft_wrap=True)


def print_meetings_synced(synced: list[dict]) -> None:
    """What the night's sync of each linked body did: its changes in words, or why it could not be read."""
    for line in synced:
        if "source" not in line:  # an exempt body: only counted
            out.print(f"  meetings synced: {line['body']} ({line['changes']} change(s))", highlight=False, soft_wrap=True)
            continue
        if line.get("failure"):
            out.print(f"  meetings of {line['body']} not synced ({line['source']}): {line['failure']}", highlight=False, soft_wrap=True, markup=False)
            continue
        out.print(f"  meetings of {line['body']} synced from {line['source']}: {len(line['changes'])} change(s)", highlight=False, markup=False)
        for words in [*line["changes"], *line.get("refused", []), *line.get("problems", [])]:
            out.print(f"    {words}", highlight=False, soft_wrap=True, markup=False)
