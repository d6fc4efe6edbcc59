"""A plan's Status column: one line per action of the row, "complete on 2022-03-10" or "open"."""
from __future__ import annotations

import datetime as dt
import re

from governance_model.importing.html_cells import Cell
from governance_model.limits import date_in_range, date_range_words

_COMPLETE = re.compile(r"(?:completed?|done)\b(?:\s+on\b)?[\s:]*(?P<day>.*?)[\s.]*", re.I)


def read_statuses(cell: Cell, count: int, fail) -> list[dt.date | None]:
    """Pair the Status cell's lines with the row's actions: "complete on 2022-03-10" (or "complete
    2022-03-10", "done on …") gives the day the action was done; "open", or anything else, leaves it open."""
    lines = [b.text for b in cell.blocks]
    if not lines:
        return [None] * count
    if count == 0:
        raise fail("there is a status here but no action in this row for it to belong to", cell.text)
    days: list[dt.date | None] = []
    for line in lines:
        complete = _COMPLETE.fullmatch(line.strip())
        if not complete:
            days.append(None)  # "open", "overdue", "in progress": not done
            continue
        day = complete.group("day")
        try:
            done_on = dt.date.fromisoformat(day)
        except ValueError as err:
            said = f"{day!r} is not a date" if day else "no day is given"
            raise fail(f"the status says complete but {said}: write \"complete on YYYY-MM-DD\"", line) from err
        if not date_in_range(done_on):
            raise fail(f"the day an action was done must be {date_range_words()}", line)
        days.append(done_on)
    # Fewer lines than actions is only a problem when a completion could belong to more than one
    # action; a single "On track" for the whole row says nothing about any one action.
    if len(lines) > count or (len(lines) < count and any(days)):
        raise fail(
            f"{len(lines)} status line{'s' if len(lines) != 1 else ''} for {count} action{'s' if count != 1 else ''}: "
            "give one line per action (\"complete on YYYY-MM-DD\" or \"open\")",
            cell.text,
        )
    return days + [None] * (count - len(days))


__all__ = ["read_statuses"]
