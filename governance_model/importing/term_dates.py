"""A council's published school term dates → `SchoolTerms`, from three kinds of file:

- iCalendar (.ics): one VEVENT per term or half term, SUMMARY naming it ("Autumn term", "October
  half term", "Spring term 2025") and DTSTART/DTEND giving its days. All-day events
  (DTSTART;VALUE=DATE) end the day before DTEND, as RFC 5545 says; an event with DTSTART and no DTEND
  or DURATION lasts one day. Read with a minimal line reader (folded lines, escaped text, TZID and
  UTC times), not the icalendar library, which the domain does not import.
- CSV (.csv): a header row with the columns name, start and end (other columns are passed over),
  then a row per term or half term with ISO dates (YYYY-MM-DD). Lines starting with "#" are comments.
- YAML (.yaml/.yml): `terms: [{name: …, start: …, end: …}, …]`, or the shipped table's own form
  (`academic_years: …`, see governance_model/data/term_dates.yaml).

What the names mean, which rows are holidays and what makes a complete year is
`SchoolTerms.from_published`. Errors are `LoadError`s naming the file, the row (a line of the file),
the column (or iCalendar property) and the text. Text in, domain objects out: no file is opened here.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from governance_model.errors import LoadError
from governance_model.importing import fields
from governance_model.importing.fields import Place
from governance_model.importing.safe_yaml import compose_yaml, load_yaml
from governance_model.limits import MAX_DAYS
from governance_model.school_terms import PublishedTerm, SchoolTerms

LONDON = ZoneInfo("Europe/London")
CSV_COLUMNS = ("name", "start", "end")


def is_term_dates_file(name: str, data: bytes) -> bool:
    """Whether a file given to `govflow load` is term dates rather than a setup or a plan: any .ics;
    a .csv whose header (the first row that is not a comment) is exactly name, start, end; a
    .yaml/.yml mapping whose `terms` is a list (a setup names its term file with `terms: FILE`),
    or that holds the shipped table's `academic_years`. A file that cannot be decoded or parsed is
    not: the setup or plan reader then says what is wrong with it."""
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    if suffix == ".ics":
        return True
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    if suffix == ".csv":
        try:
            for record in csv.reader(io.StringIO(text, newline=""), strict=True):
                if record and any(cell.strip() for cell in record) and not record[0].lstrip().startswith("#"):
                    return tuple(cell.strip().lower() for cell in record) == CSV_COLUMNS
        except csv.Error:
            return False
        return False
    if suffix in (".yaml", ".yml"):
        try:
            content = load_yaml(text, name)
        except LoadError:
            return False
        return isinstance(content, dict) and (isinstance(content.get("terms"), list) or "academic_years" in content)
    return False


def read_term_dates_file(name: str, data: bytes) -> SchoolTerms:
    """Read term dates by the file name's extension: .ics, .csv, .yaml or .yml."""
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    readers = {".ics": read_term_dates_ics, ".csv": read_term_dates_csv, ".yaml": read_term_dates_yaml, ".yml": read_term_dates_yaml}
    if suffix not in readers:
        raise LoadError(f"unknown term-dates file type {suffix or '(none)'!r}: use .ics, .csv, .yaml or .yml", file=name)
    return readers[suffix](data, name)


# --- iCalendar


@dataclass(frozen=True)
class _Property:
    line: int  # where the (unfolded) property starts in the file
    name: str  # upper case
    params: dict[str, str]  # names upper case
    value: str


def read_term_dates_ics(data: bytes | str, source: str) -> SchoolTerms:
    """Each VEVENT is a term, a half term or a holiday (passed over); see the module docstring."""
    lines = _unfold(_decode(data, source))
    if not lines or lines[0][1].strip().upper() != "BEGIN:VCALENDAR":
        raise LoadError("not an iCalendar file: it must start with BEGIN:VCALENDAR", file=source, row=lines[0][0] if lines else 1)
    properties = [_property(number, line, source) for number, line in lines]
    published, event, begun = [], None, 0
    for prop in properties:
        if prop.name == "BEGIN" and prop.value.upper() == "VEVENT":
            if event is not None:
                raise LoadError("BEGIN:VEVENT inside another event", file=source, row=prop.line, text="BEGIN:VEVENT")
            event, begun = {}, prop.line
        elif prop.name == "END" and prop.value.upper() == "VEVENT":
            if event is None:
                raise LoadError("END:VEVENT without BEGIN:VEVENT", file=source, row=prop.line, text="END:VEVENT")
            published.append(_event(event, begun, source))
            event = None
        elif event is not None and prop.name in ("SUMMARY", "DTSTART", "DTEND", "DURATION"):
            if prop.name in event:
                raise LoadError(f"{prop.name} given twice in one event", file=source, row=prop.line, column=prop.name, text=prop.value)
            event[prop.name] = prop
    if event is not None:
        raise LoadError("the last event has no END:VEVENT", file=source, row=begun, text="BEGIN:VEVENT")
    if not published:
        raise LoadError("no events (VEVENT) in the calendar", file=source)
    return SchoolTerms.from_published(published, source)


def _unfold(text: str) -> list[tuple[int, str]]:
    """Content lines, with folded lines (a line starting with a space or tab continues the one
    before it) joined, each with the line it starts on."""
    logical: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line[:1] in (" ", "\t") and logical:
            start, before = logical[-1]
            logical[-1] = (start, before + line[1:])
        elif line.strip():
            logical.append((number, line))
    return logical


# NAME *(";" param) ":" value; a parameter value may be quoted (and then hold ":" or ";").
_PARAM = re.compile(r';([A-Za-z0-9-]+)=("[^"]*"|[^";:]*)')
_NAME = re.compile(r"[A-Za-z0-9-]+")


def _property(number: int, line: str, source: str) -> _Property:
    name = _NAME.match(line)
    if name is None:
        raise LoadError("not an iCalendar content line (NAME:value)", file=source, row=number, text=line)
    at, params = name.end(), {}
    while at < len(line) and line[at] == ";":
        param = _PARAM.match(line, at)
        if param is None:
            raise LoadError("a property parameter is not NAME=value", file=source, row=number, column=name.group().upper(), text=line)
        params[param.group(1).upper()] = param.group(2).strip('"')
        at = param.end()
    if at >= len(line) or line[at] != ":":
        raise LoadError("no ':' between the property and its value", file=source, row=number, column=name.group().upper(), text=line)
    return _Property(number, name.group().upper(), params, line[at + 1 :])


def _event(event: dict[str, _Property], begun: int, source: str) -> PublishedTerm:
    for required in ("SUMMARY", "DTSTART"):
        if required not in event:
            raise LoadError(f"an event has no {required}", file=source, row=begun, column=required, text="BEGIN:VEVENT")
    summary = fields.text(_unescape(event["SUMMARY"].value), Place(source, event["SUMMARY"].line, "SUMMARY")).strip()
    if not summary:
        raise LoadError("an event's SUMMARY is empty", file=source, row=event["SUMMARY"].line, column="SUMMARY", text="")
    start, start_is_date, _ = _ics_day(event["DTSTART"], source)
    if "DTEND" in event and "DURATION" in event:
        raise LoadError("an event gives both DTEND and DURATION", file=source, row=event["DURATION"].line, column="DURATION", text=event["DURATION"].value)
    if "DTEND" in event:
        end, end_is_date, at_midnight = _ics_day(event["DTEND"], source)
        if end_is_date != start_is_date:
            raise LoadError("DTSTART and DTEND must both be dates or both date-times", file=source, row=event["DTEND"].line, column="DTEND", text=event["DTEND"].value)
        # DTEND is the first moment after the event: a date, or midnight, is not part of it.
        last = end - dt.timedelta(days=1) if at_midnight else end
    elif "DURATION" in event:
        last = start + _days(event["DURATION"], source) - dt.timedelta(days=1)
    else:
        last = start  # RFC 5545: a DTSTART date with no end is one day
    if last < start:
        column = "DTEND" if "DTEND" in event else "DURATION"
        raise LoadError(f"the event ends before it starts ({start})", file=source, row=event[column].line, column=column, text=event[column].value)
    return PublishedTerm(summary, start, last, row=begun, columns=("SUMMARY", "DTSTART", "DTEND"))


_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DATE_TIME = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)")


def _ics_day(prop: _Property, source: str) -> tuple[dt.date, bool, bool]:
    """The day a DTSTART or DTEND falls on (in Europe/London for a UTC or TZID time), whether it
    was a date (VALUE=DATE) rather than a date-time, and whether it is the start of that day (a
    date, or a date-time at midnight: as a DTEND, the first moment after the event)."""
    value = prop.value.strip()

    def fail(message: str) -> LoadError:
        return LoadError(message, file=source, row=prop.line, column=prop.name, text=prop.value)

    try:
        if prop.params.get("VALUE", "").upper() == "DATE" or _DATE.fullmatch(value):
            match = _DATE.fullmatch(value)
            if match is None:
                raise fail("a date must be written YYYYMMDD")
            day = dt.date(*(int(g) for g in match.groups()))
            return fields.in_range(day, Place(source, prop.line, prop.name), text=prop.value), True, True
        match = _DATE_TIME.fullmatch(value)
        if match is None:
            raise fail("a date-time must be written YYYYMMDDTHHMMSS (with Z for UTC)")
        *parts, utc = match.groups()
        moment = fields.in_range(dt.datetime(*(int(p) for p in parts)), Place(source, prop.line, prop.name), text=prop.value)
    except ValueError as exc:
        raise fail(f"not a real date: {exc}") from None
    if utc:
        moment = moment.replace(tzinfo=dt.timezone.utc).astimezone(LONDON)
    elif "TZID" in prop.params:
        try:
            zone = ZoneInfo(prop.params["TZID"])
        except (ZoneInfoNotFoundError, ValueError):
            raise fail(f"unknown time zone {prop.params['TZID']!r}") from None
        moment = moment.replace(tzinfo=zone).astimezone(LONDON)
    fields.in_range(moment, Place(source, prop.line, prop.name), text=prop.value)
    return moment.date(), False, moment.time() == dt.time(0, 0)


_DURATION = re.compile(r"P(?:(\d+)W)?(?:(\d+)D)?")


def _days(prop: _Property, source: str) -> dt.timedelta:
    match = _DURATION.fullmatch(prop.value.strip())
    if match is None or not any(match.groups()):
        raise LoadError("a DURATION must be whole days or weeks (P5D, P2W)", file=source, row=prop.line, column="DURATION", text=prop.value)
    weeks, days = (int(g or 0) for g in match.groups())
    if weeks * 7 + days > MAX_DAYS:
        raise LoadError(f"a DURATION may be at most {MAX_DAYS} days", file=source, row=prop.line, column="DURATION", text=prop.value)
    return dt.timedelta(weeks=weeks, days=days)


def _unescape(text: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


# --- CSV


def read_term_dates_csv(data: bytes | str, source: str) -> SchoolTerms:
    """A header with name, start and end, then one row per term or half term; see the module docstring."""
    text = _decode(data, source)
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for record in reader:
            if record and any(cell.strip() for cell in record) and not record[0].lstrip().startswith("#"):
                rows.append((reader.line_num, record))
    except csv.Error as exc:
        raise LoadError(f"not a readable CSV file: {exc}", file=source, row=reader.line_num) from exc
    if not rows:
        raise LoadError("the file is empty: the first row must be the header name,start,end", file=source, row=1)
    header_row, header = rows[0]
    names = [cell.strip().lower() for cell in header]
    missing = [column for column in CSV_COLUMNS if column not in names]
    if missing:
        raise LoadError(
            f"the header has no {', '.join(missing)} column (it needs name, start and end)",
            file=source,
            row=header_row,
            text=",".join(header),
        )
    index = {column: names.index(column) for column in CSV_COLUMNS}
    published = []
    for number, record in rows[1:]:
        if len(record) < len(header):
            record = record + [""] * (len(header) - len(record))
        if len(record) > len(header) and any(cell.strip() for cell in record[len(header) :]):
            raise LoadError(f"this row has {len(record)} cells, the header {len(header)}", file=source, row=number, text=",".join(record))
        name = fields.text(record[index["name"]], Place(source, number, "name")).strip()
        if not name:
            raise LoadError("a row needs a name (such as 'Autumn term')", file=source, row=number, column="name", text="")
        start = _iso_date(record[index["start"]], source, number, "start")
        end = _iso_date(record[index["end"]], source, number, "end")
        published.append(PublishedTerm(name, start, end, row=number))
    return SchoolTerms.from_published(published, source)


def _iso_date(value: str, source: str, row: int, column: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise LoadError("must be a date written YYYY-MM-DD", file=source, row=row, column=column, text=value) from None
    return fields.in_range(day, Place(source, row, column), text=value)


# --- YAML


def read_term_dates_yaml(data: bytes | str, source: str) -> SchoolTerms:
    """`terms: [{name, start, end}, …]`, or the `academic_years` form of the shipped table."""
    text = _decode(data, source)
    content = load_yaml(text, source)  # refuses duplicate keys, nested aliases, deep nesting
    root = compose_yaml(text, source)
    if isinstance(content, dict) and "academic_years" in content and "terms" not in content:
        return SchoolTerms.from_yaml(text, source)
    if not isinstance(content, dict) or not isinstance(content.get("terms"), list):
        raise LoadError("expected a mapping with a 'terms' list (or 'academic_years')", file=source, row=1, column="terms")
    unknown = sorted(str(key) for key in content if key not in ("terms", "council", "source"))
    if unknown:
        raise LoadError(f"unknown field {unknown[0]!r} (fields: terms, council, source)", file=source, column=unknown[0], text=unknown[0])
    nodes = next(value for key, value in root.value if key.value == "terms").value
    published = []
    for position, (entry, node) in enumerate(zip(content["terms"], nodes)):
        path, row = f"terms[{position}]", node.start_mark.line + 1
        if not isinstance(entry, dict):
            raise LoadError("each term must be a mapping {name, start, end}", file=source, row=row, column=path, text=str(entry))
        extra = sorted(str(key) for key in entry if key not in CSV_COLUMNS)
        if extra:
            raise LoadError(f"unknown field {extra[0]!r} (fields: name, start, end)", file=source, row=row, column=f"{path}.{extra[0]}", text=extra[0])
        name = entry.get("name")
        if isinstance(name, str):
            fields.text(name, Place(source, row, f"{path}.name"))
        if not isinstance(name, str) or not name.strip():
            raise LoadError("a term needs a name (such as 'Autumn term')", file=source, row=row, column=f"{path}.name", text=str(name))
        start = _yaml_date(entry.get("start"), source, row, f"{path}.start")
        end = _yaml_date(entry.get("end"), source, row, f"{path}.end")
        published.append(PublishedTerm(name.strip(), start, end, row=row, columns=(f"{path}.name", f"{path}.start", f"{path}.end")))
    return SchoolTerms.from_published(published, source)


def _yaml_date(value: Any, source: str, row: int, column: str) -> dt.date:
    # YAML turns unquoted ISO dates into dates already; quoted ones arrive as text.
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return fields.in_range(value, Place(source, row, column))
    if isinstance(value, str):
        return _iso_date(value, source, row, column)
    raise LoadError("must be a date written YYYY-MM-DD", file=source, row=row, column=column, text=str(value))


def _decode(data: bytes | str, source: str) -> str:
    """UTF-8, with or without a byte-order mark; nothing else is guessed."""
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise LoadError(f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8", file=source, row=line) from exc
