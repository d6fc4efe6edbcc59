"""Progress-update files (seed 001's shape) → ProgressUpdate records, with the line each came from.

A file holds one or more blocks:

    # Lines starting with "#" are comments.
    Recommendation 11, action 1 update         ← the block heading; ", action N" is optional
    Recommendation 11 - Consider the level …   ← optional: the recommendation as the file states it
    Date: 2022-02-25                           ← optional ("Recorded on:"); else the caller's day
    By: AK                                     ← optional
    Status: complete                           ← optional, action blocks only
    What we have done so far:
    - an item ("- ", "• ", "* " or "– "; a line without a bullet is an item too)
    The difference this makes:
    What we need to develop:
    Next steps:

Text in, domain objects out: no file is opened here and `source` is only the name errors quote.
The stated recommendation text is returned, not checked: only the stored plan knows the real one.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from governance_model.errors import LoadError, WhenError
from governance_model.importing import fields
from governance_model.importing.fields import Place
from governance_model.limits import MAX_INTEGER, date_in_range, date_range_words
from governance_model.model import ProgressUpdate
from governance_model.when import read_when

# Field names of ProgressUpdate → the heading messages use, and the headings accepted (compared
# case-folded, without a trailing colon, with runs of spaces as one and "’" as "'").
SECTIONS: dict[str, tuple[str, frozenset[str]]] = {
    "done": ("What we have done so far", frozenset({
        "what we have done", "what we have done so far", "what we've done", "what we've done so far",
    })),
    "difference": ("The difference this makes", frozenset({
        "the difference this makes", "difference this makes", "the difference this has made", "difference this has made",
    })),
    "to_develop": ("What we need to develop", frozenset({"what we need to develop", "what we still need to develop"})),
    "next_steps": ("Next steps", frozenset({"next steps", "next step"})),
}
HEADINGS = ", ".join(f"'{name}'" for name, _ in SECTIONS.values())

_NUMBER = r"\d+[A-Za-z]?"
_BLOCK = re.compile(rf"recommendation\s+(?P<number>{_NUMBER})\s*(?:,?\s*action\s+(?P<action>\d+)\s*)?update", re.I)
_STATED = re.compile(rf"recommendation\s+(?P<number>{_NUMBER})\s*[-–—:]\s*(?P<text>\S.*)", re.I)
_FIELD = re.compile(r"(?P<name>date|recorded\s+on|by|status)\s*:\s*(?P<value>.*)", re.I)
_BULLET = re.compile(r"(?:[-*–](?=\s|$)|•)\s*(?P<item>.*)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"\b\d{4}\b")
COMPLETE = frozenset({"complete", "completed", "done"})
OPEN = frozenset({"open", "in progress", "ongoing", "not complete", "incomplete"})


@dataclass
class ParsedUpdate:
    """One block of a file: the update it records and where it came from."""

    update: ProgressUpdate
    source: str
    line: int  # the block heading's line
    stated_text: str | None = None  # "Recommendation 1 - <this>", when the file states it
    stated_line: int | None = None


def _normalise_heading(line: str) -> str:
    text = line.strip().rstrip(":").strip().replace("’", "'")
    return re.sub(r"\s+", " ", text).casefold()


def _section(line: str) -> str | None:
    heading = _normalise_heading(line)
    return next((field for field, (_, names) in SECTIONS.items() if heading in names), None)


def _looks_like_heading(line: str) -> bool:
    """A short line ending in a colon, without a bullet: meant as a heading, not as an item."""
    text = line.strip()
    return text.endswith(":") and len(text) <= 60 and not _BULLET.fullmatch(text)


class _Block:
    def __init__(self, source: str, line: int, number: str, action: int | None):
        self.source, self.line, self.number, self.action = source, line, number, action
        self.stated_text: str | None = None
        self.stated_line: int | None = None
        self.recorded_on: dt.date | None = None
        self.author: str | None = None
        self.complete = False
        self.fields_seen: dict[str, int] = {}
        self.sections: dict[str, list[str]] = {}
        self.section_lines: dict[str, int] = {}
        self.current: str | None = None
        self.last_was_item = False

    def error(self, message: str, line: int, text: str | None = None) -> LoadError:
        return LoadError(message, file=self.source, row=line, text=text)

    def add_line(self, raw: str, number: int) -> None:
        line = raw.strip()
        section = _section(line)
        if section is not None:
            if section in self.sections:
                raise self.error(
                    f"'{SECTIONS[section][0]}' appears twice in the block for {self.label} "
                    f"(first at line {self.section_lines[section]})",
                    number, line,
                )
            self.sections[section], self.section_lines[section] = [], number
            self.current, self.last_was_item = section, False
            return
        field = _FIELD.fullmatch(line)
        if field:
            if self.current is not None:
                raise self.error(
                    f"'{field.group('name')}:' must come before the first heading of the block for {self.label}",
                    number, line,
                )
            self.add_field(field.group("name"), field.group("value").strip(), number, line)
            return
        stated = _STATED.fullmatch(line)
        if stated and self.current is None:
            self.add_stated(stated, number)
            return
        if self.current is None:
            raise self.error(
                f"unknown heading or line in the block for {self.label}: expected Date:, By:, Status: "
                f"or one of the headings {HEADINGS}",
                number, line,
            )
        bullet = _BULLET.fullmatch(line)
        if bullet:
            item = bullet.group("item").strip()
            if item:
                self.sections[self.current].append(item)
            self.last_was_item = bool(item)
        elif raw[:1].isspace() and self.last_was_item:
            items = self.sections[self.current]  # an indented line carries on the item above it
            items[-1] = f"{items[-1]} {line}"
        elif _looks_like_heading(line):
            raise self.error(
                f"unknown heading in the block for {self.label}: expected one of {HEADINGS} "
                "(an item that ends in a colon needs a bullet: '- ')",
                number, line,
            )
        else:
            self.sections[self.current].append(line)
            self.last_was_item = True

    def add_field(self, name: str, value: str, number: int, line: str) -> None:
        key = "date" if name.lower().startswith(("date", "recorded")) else name.lower()
        if key in self.fields_seen:
            raise self.error(f"{name}: given twice in the block for {self.label} (first at line {self.fields_seen[key]})", number, line)
        self.fields_seen[key] = number
        if not value:
            raise self.error(f"{name}: has no value", number, line)
        if key == "date":
            self.recorded_on = _read_day(value, self, number)
        elif key == "by":
            self.author = fields.key(value, Place(self.source, number, "By"))
        else:
            status = re.sub(r"\s+", " ", value.rstrip(".")).casefold()
            if self.action is None:
                raise self.error(
                    f"Status: belongs to an action: say which action in the block heading, e.g. "
                    f"'Recommendation {self.number}, action 1 update'",
                    number, line,
                )
            if status in COMPLETE:
                self.complete = True
            elif status not in OPEN:
                raise self.error(f"Status: {value!r} is not 'complete' (or 'open')", number, line)

    def add_stated(self, stated: re.Match, number: int) -> None:
        if stated.group("number").lower() != self.number:
            raise self.error(
                f"this line names recommendation {stated.group('number')}, but the block is for recommendation {self.number}",
                number, stated.group(0),
            )
        if self.stated_text is not None:
            raise self.error(f"recommendation {self.number}'s text is given twice (first at line {self.stated_line})", number, stated.group(0))
        self.stated_text, self.stated_line = stated.group("text").strip(), number

    @property
    def label(self) -> str:
        action = f", action {self.action}" if self.action is not None else ""
        return f"recommendation {self.number}{action} (line {self.line})"

    def finish(self, recorded_on: dt.date | None) -> ParsedUpdate:
        if not any(self.sections.values()) and not self.complete:
            raise self.error(
                f"the block for {self.label} records nothing: give items under {HEADINGS}"
                + (" or 'Status: complete'" if self.action is not None else ""),
                self.line,
            )
        day = self.recorded_on or recorded_on
        if day is None:
            raise self.error(
                f"the block for {self.label} has no date: add a line 'Date: YYYY-MM-DD' or give the day of the updates (--on)",
                self.line,
            )
        for section, items in self.sections.items():
            for item in items:  # an item carried on over many lines is checked whole
                fields.text(item, Place(self.source, self.section_lines[section], SECTIONS[section][0]))
        update = ProgressUpdate(
            recommendation_number=self.number,
            recorded_on=day,
            done=self.sections.get("done", []),
            difference=self.sections.get("difference", []),
            to_develop=self.sections.get("to_develop", []),
            next_steps=self.sections.get("next_steps", []),
            action_position=self.action,
            author=self.author,
            action_complete=self.complete,
        )
        return ParsedUpdate(update, self.source, self.line, self.stated_text, self.stated_line)


def _read_day(value: str, block: _Block, number: int) -> dt.date:
    """"2022-03-10", or a day written with its year ("10 March 2022", "Thursday 10 March 2022")."""
    day = None
    try:
        if _ISO_DATE.fullmatch(value):
            day = dt.date.fromisoformat(value)
        elif _YEAR.search(value):
            reading = read_when(value, dt.date(int(_YEAR.search(value).group(0)), 1, 1))
            if reading.kind == "date" and not reading.tentative and reading.start is not None:
                day = reading.start
    except (ValueError, WhenError):
        pass
    if day is not None:
        if not date_in_range(day):
            raise block.error(f"the date must be {date_range_words()}", number, value)
        return day
    raise block.error(f"{value!r} is not one day: write it as YYYY-MM-DD (or '10 March 2022')", number, value)


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _storable(digits: str | None) -> bool:
    """Whether a recommendation's or action's number fits the columns that store it."""
    return digits is None or (len(digits.lstrip("0")) <= len(str(MAX_INTEGER)) and int(digits) <= MAX_INTEGER)


def _heading_text(line: str) -> str:
    """A line without its Markdown heading marks ("## Next steps" → "Next steps")."""
    return line.lstrip("#").strip()


def read_progress_updates(text: str, source: str, *, recorded_on: dt.date | None) -> list[ParsedUpdate]:
    """Read every block of a progress-update file. `recorded_on` is the day of blocks that state none."""
    blocks: list[_Block] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        fields.text(raw, Place(source, number))  # no line may hold what cannot be stored
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            # A comment, unless it is a Markdown heading of the format ("## Next steps").
            heading = _heading_text(line)
            if not (_BLOCK.fullmatch(heading.rstrip(":").strip()) or _section(heading)):
                continue
            line = raw = heading
        block_heading = _BLOCK.fullmatch(line.rstrip(":").strip())
        if block_heading:
            action = block_heading.group("action")
            if not all(_storable(part) for part in (block_heading.group("number").rstrip(_LETTERS), action)):
                raise LoadError(f"a recommendation or action number may be at most {MAX_INTEGER}", file=source, row=number, text=fields.shown(line))
            blocks.append(_Block(source, number, block_heading.group("number").lower(), int(action) if action else None))
            continue
        if not blocks:
            raise LoadError(
                "text before the first block: a block starts with a line like 'Recommendation 1 update' "
                "(or 'Recommendation 3, action 2 update')",
                file=source, row=number, text=line,
            )
        blocks[-1].add_line(raw, number)
    if not blocks:
        raise LoadError(
            "no progress updates in the file: a block starts with a line like 'Recommendation 1 update'",
            file=source,
        )
    return [block.finish(recorded_on) for block in blocks]
