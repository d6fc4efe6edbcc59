"""Action-plan tables → ActionPlan. Three formats (the council's tab-separated text with HTML lists,
as seed 002; CSV; Excel) only turn their bytes into rows of cells; one builder reads those rows, so
the formats cannot disagree about what a plan says. Bytes in, domain objects out: no file is opened
here, and `source` is only the name that error messages quote."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from governance_model.errors import LoadError, WhenError
from governance_model.importing import fields
from governance_model.importing.fields import Place
from governance_model.importing.html_cells import EMPTY, Block, Cell, read_html_cell, read_plain_cell
from governance_model.importing.serves_cells import SERVES_COLUMNS, FindFramework, ServesReader, strategy_named_in_headers
from governance_model.importing.status_cells import read_statuses
from governance_model.importing.text_decoding import csv_row_of, decode_text
from governance_model.importing.workbook_rows import workbook_rows
from governance_model.limits import KEY_LENGTH, MAX_INTEGER
from governance_model.model import Action, ActionPlan, Glossary, Measure, Recommendation
from governance_model.school_terms import SchoolTerms
from governance_model.strategy import StrategyFramework
from governance_model.when import When, read_when_list

# role → (the name messages use, the header names accepted, compared without case, spacing or
# parentheses: "When (2022)" and "Recommendation (verbatim)" match).
COLUMNS: dict[str, tuple[str, frozenset[str]]] = {
    "no": ("No", frozenset({"no", "no.", "number", "ref"})),
    "recommendation": ("Recommendation", frozenset({"recommendation", "recommendations"})),
    "actions": ("Summary actions", frozenset({"summary actions", "summary action", "actions"})),
    "when": ("When", frozenset({"when"})),
    "who": ("Who", frozenset({"who", "owner", "lead"})),
    "measures": ("Measure of success", frozenset({"measure of success", "measures of success"})),
}
# Columns a plan may have but need not. "Status" holds one line per action ("complete on
# 2022-03-10" or "open"); Finding, Thread and Strand what each serves of the plan's strategy
# (serves_cells). "RAG" (as the export writes it) is worked out on a day, not stored, so like any
# other column not named here it is left unread.
OPTIONAL_COLUMNS: dict[str, tuple[str, frozenset[str]]] = {
    "status": ("Status", frozenset({"status", "action status"})),
    **SERVES_COLUMNS,
}

_PARENTHESES = re.compile(r"\([^)]*\)")
_YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")
_CONTEXT_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")  # "When (from 2021-09-01)": a context day, not just a year
_NUMBER = re.compile(r"(\d+)\s*([A-Za-z]?)\.?")
_NUMBERS = r"\d+[a-z]?(?:\s*(?:,|&|\band\b)\s*\d+[a-z]?)*"
_ALIGNED_LINE = re.compile(rf"\*?\s*aligned\s+(?:to|with)\s+recommendations?\s+(?P<numbers>{_NUMBERS})\s*\.?", re.I)
_ALIGNED = re.compile(rf"\baligned\s+(?:to|with)\s+recommendations?\s+(?P<numbers>{_NUMBERS})", re.I)
_MERGE = re.compile(rf"\bmerg(?:e|ed|ing)\s+(?:with\s+)?(?:recommendations?\s+)?(?P<numbers>{_NUMBERS})", re.I)
_SEPARATOR = re.compile(r"\s*(?:,|&|\band\b)\s*", re.I)
_SECTION = re.compile(r"#{1,6}\s+(?P<heading>\S.*)")
_BOM = b"\xef\xbb\xbf"
# A spreadsheet runs a CSV cell starting with one of these as a formula; the export puts an
# apostrophe before such a cell and the CSV reader takes it off again.
FORMULA_STARTS = ("=", "+", "-", "@")


# ---------------------------------------------------------------------------------------------
# The formats: bytes → header and rows of cells


@dataclass
class TableRow:
    number: int  # the line of the text file, the row of the CSV or sheet
    cells: list[Cell]


def read_plan_text(
    data: bytes,
    source: str,
    *,
    context: dt.date | None = None,
    terms: SchoolTerms | None = None,
    people: Collection[str] | None = None,
    framework: StrategyFramework | None = None,
    strategy_key: str | None = None,
    find_framework: FindFramework | None = None,
) -> tuple[ActionPlan, Glossary]:
    """Read the council's own format (seed 002): a title line, a tab-separated table whose cells
    hold HTML lists, and an optional `## Glossary` section of "ACRONYM meaning" lines. `people`:
    the initials a Who cell may name (None: any)."""
    text = decode_text(data, source)
    title: str | None = None
    header: TableRow | None = None
    rows: list[TableRow] = []
    glossary = Glossary()
    section: str | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        heading = _SECTION.fullmatch(line)
        if heading:
            section = heading.group("heading").strip().lower()
            continue
        if section is not None:
            if section == "glossary":
                _add_term(glossary, line, number, source)
            continue  # the prose of other sections is not part of the plan
        if header is None:
            if "\t" in line:
                header = TableRow(number, [read_html_cell(c) for c in line.split("\t")])
            elif title is None:
                title = fields.text(line.strip(), Place(source, number, "title"))
            continue
        rows.append(TableRow(number, [read_html_cell(c) for c in line.split("\t")]))
    if header is None:
        raise LoadError(
            "no table found: expected a tab-separated header row "
            f"({' | '.join(label for label, _ in COLUMNS.values())})",
            file=source,
        )
    plan = build_plan(
        header, rows, source=source, title=title or _stem(source), context=context, terms=terms, people=people,
        framework=framework, strategy_key=strategy_key, find_framework=find_framework,
    )
    return plan, glossary


def read_plan_csv(
    data: bytes,
    source: str,
    *,
    context: dt.date | None = None,
    title: str | None = None,
    terms: SchoolTerms | None = None,
    people: Collection[str] | None = None,
    framework: StrategyFramework | None = None,
    strategy_key: str | None = None,
    find_framework: FindFramework | None = None,
) -> ActionPlan:
    """Read a UTF-8 CSV plan: row 1 is the header; inside a cell each line is one list item."""
    text = decode_text(data, source, row_of=csv_row_of)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
    except csv.Error as err:
        raise LoadError(f"not a readable CSV file: {err}", file=source, row=len(records) + 1) from err
    records = [[_unguard(value) for value in record] for record in records]
    return _build_from_strings(
        records, source=source, title=title, context=context, terms=terms, people=people,
        framework=framework, strategy_key=strategy_key, find_framework=find_framework,
    )


def read_plan_xlsx(
    data: bytes,
    source: str,
    *,
    context: dt.date | None = None,
    title: str | None = None,
    terms: SchoolTerms | None = None,
    max_rows: int | None = None,
    people: Collection[str] | None = None,
    framework: StrategyFramework | None = None,
    strategy_key: str | None = None,
    find_framework: FindFramework | None = None,
) -> ActionPlan:
    """Read the first sheet of an Excel workbook: row 1 is the header; each line of a cell is one item."""
    records = workbook_rows(data, source, max_rows=max_rows)
    return _build_from_strings(
        records, source=source, title=title, context=context, terms=terms, people=people,
        framework=framework, strategy_key=strategy_key, find_framework=find_framework,
    )


def read_plan_file(
    name: str,
    data: bytes,
    *,
    context: dt.date | None = None,
    terms: SchoolTerms | None = None,
    max_rows: int | None = None,
    people: Collection[str] | None = None,
    framework: StrategyFramework | None = None,
    strategy_key: str | None = None,
    find_framework: FindFramework | None = None,
) -> tuple[ActionPlan, Glossary]:
    """Read a plan by its file name's extension: .txt/.tsv (the council's format), .csv or .xlsx.
    `terms`: the school terms its Whens are read against (the shipped table if None); `max_rows`:
    the most rows a sheet may have (a text file's lines are the caller's to count); `people`: the
    initials a Who cell may name (None: any); `framework`: that of the strategy the plan delivers
    (the document `strategy_key`), which its Finding, Thread and Strand cells must name from."""
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    common = dict(context=context, terms=terms, people=people, framework=framework, strategy_key=strategy_key, find_framework=find_framework)
    if suffix in (".txt", ".tsv"):
        return read_plan_text(data, name, **common)
    if suffix == ".csv":
        return read_plan_csv(data, name, **common), Glossary()
    if suffix == ".xlsx":
        return read_plan_xlsx(data, name, max_rows=max_rows, **common), Glossary()
    raise LoadError(f"unknown plan file type {suffix or '(none)'!r}: use .txt, .tsv, .csv or .xlsx", file=name)


def _build_from_strings(
    records: list[list[str]],
    *,
    source: str,
    title: str | None,
    context: dt.date | None,
    terms: SchoolTerms | None,
    people: Collection[str] | None,
    framework: StrategyFramework | None,
    strategy_key: str | None,
    find_framework: FindFramework | None = None,
) -> ActionPlan:
    if not records:
        raise LoadError("the file is empty: row 1 must be the header", file=source, row=1)
    header = TableRow(1, [read_plain_cell(value) for value in records[0]])
    rows = [TableRow(number, [read_plain_cell(v) for v in values]) for number, values in enumerate(records[1:], start=2)]
    return build_plan(
        header, rows, source=source, title=title or _stem(source), context=context, terms=terms, people=people,
        framework=framework, strategy_key=strategy_key, find_framework=find_framework,
    )


def _unguard(value: str) -> str:
    """Drop the apostrophe the export puts before a cell that starts with = + - or @, so that a
    spreadsheet opening the CSV shows the text instead of running it as a formula."""
    return value[1:] if value[:1] == "'" and value[1:2] in FORMULA_STARTS else value


def _stem(source: str) -> str:
    return PurePosixPath(source.replace("\\", "/")).stem or source


def _add_term(glossary: Glossary, line: str, number: int, source: str) -> None:
    parts = line.strip().split(None, 1)
    if len(parts) < 2:
        raise LoadError("a glossary line needs an acronym and its meaning", file=source, row=number, text=line)
    acronym = fields.key(parts[0].rstrip(":"), Place(source, number, "glossary"))
    # "|" is a leftover cell border of the table the glossary was copied from.
    meaning = re.sub(r"\s*\|\s*", " ", parts[1]).strip().lstrip("-–:= ").strip()
    if not meaning:
        raise LoadError("a glossary line needs an acronym and its meaning", file=source, row=number, text=line)
    known = glossary.terms.get(acronym)
    if known is not None and known != meaning:
        raise LoadError(
            f"{acronym} is already in the glossary as {known!r}", file=source, row=number, text=line
        )
    glossary.terms[acronym] = meaning


# ---------------------------------------------------------------------------------------------
# The one builder: header and rows of cells → ActionPlan


@dataclass
class _Columns:
    index: dict[str, int]
    names: dict[str, str]  # the headers as written, for messages ("When (2022)")
    context: dt.date | None  # from the When header: "When (2022)" → 1 January 2022


def _normalise_header(text: str) -> str:
    return " ".join(_PARENTHESES.sub(" ", text).lower().split()).strip(" .:")


def _read_header(header: TableRow, source: str) -> _Columns:
    written = [" ".join(b.text for b in cell.blocks) for cell in header.cells]
    index: dict[str, int] = {}
    for position, name in enumerate(written):
        key = _normalise_header(name)
        for role, (label, accepted) in (COLUMNS | OPTIONAL_COLUMNS).items():
            if key in accepted:
                if role in index:
                    raise LoadError(
                        f"two columns are headed {label!r}", file=source, row=header.number, column=name
                    )
                index[role] = position
    missing = [label for role, (label, _) in COLUMNS.items() if role not in index]
    if missing:
        names = ", ".join(repr(label) for label in missing)
        raise LoadError(
            f"missing column{'s' if len(missing) > 1 else ''} {names}; the header row has: "
            + " | ".join(name for name in written if name),
            file=source,
            row=header.number,
            column=missing[0],
        )
    names = {role: written[i] for role, i in index.items()}
    return _Columns(index, names, _header_context(names["when"], source, header.number))


def _header_context(when_header: str, source: str, row: int) -> dt.date | None:
    """The day phrases without a year are read against: a day written in the When header ("When
    (from 2021-09-01)", as the export writes a plan whose context is not 1 January), else 1 January
    of a year written there ("When (2022)", as the council writes it), else none."""
    day = _CONTEXT_DATE.search(when_header)
    place = Place(source, row, when_header)
    if day:
        try:
            return fields.in_range(dt.date.fromisoformat(day.group(0)), place, text=when_header)
        except ValueError as err:
            raise LoadError(
                f"{day.group(0)!r} in the When heading is not a date (write it as YYYY-MM-DD)",
                file=source,
                row=row,
                column=when_header,
                text=when_header,
            ) from err
    year = _YEAR.search(when_header)
    return fields.in_range(dt.date(int(year.group(1)), 1, 1), place, text=when_header) if year else None


@dataclass
class _Origin:
    """Where a recommendation came from, for messages about its merges and alignments."""

    row: int
    note_text: str
    actions_text: str
    merges: list[str] = field(default_factory=list)
    alignments: list[tuple[str, str]] = field(default_factory=list)  # (number, column role)


def build_plan(
    header: TableRow,
    rows: Iterable[TableRow],
    *,
    source: str,
    title: str,
    context: dt.date | None,
    terms: SchoolTerms | None = None,
    people: Collection[str] | None = None,
    framework: StrategyFramework | None = None,
    strategy_key: str | None = None,
    find_framework: FindFramework | None = None,
) -> ActionPlan:
    """Read the rows of a plan table into an ActionPlan: numbered recommendations in file order,
    their actions paired with the When and Who cells, their measures, merges and alignments, and
    what each serves of the strategy `strategy_key` whose framework is `framework`.
    `people`: the initials a Who cell may name (None: any)."""
    columns = _read_header(header, source)
    if columns.context is not None:
        context = columns.context
    elif context is None:
        raise LoadError(
            "the When column gives no year (head it like 'When (2022)') and no context date was given",
            file=source,
            row=header.number,
            column=columns.names["when"],
        )
    named = strategy_named_in_headers(columns.names, source, header.number)
    if named is not None and named[0] != strategy_key:
        key, heading = named
        if strategy_key is not None:
            raise LoadError(
                f"the {heading!r} column names strategy {key!r}, but the setup file says the plan delivers {strategy_key!r}",
                file=source, row=header.number, column=heading, text=heading,
            )
        if framework is None:  # a framework given with no key is the one the heading names
            framework = find_framework(key) if find_framework else None
        if framework is None:
            raise LoadError(
                f"the {heading!r} column names strategy {key!r}, but no document {key!r} with a framework is loaded or stored",
                file=source, row=header.number, column=heading, text=heading,
            )
        strategy_key = key
    plan = ActionPlan(key=plan_key(title), title=title, context_date=context, source=source, strategy=strategy_key)
    origins: dict[str, _Origin] = {}
    current: Recommendation | None = None
    serves = ServesReader(list(columns.index), framework, strategy_key)

    for row in rows:
        if not any(row.cells):
            continue  # blank rows separate groups of recommendations in the council's table

        def cell(role: str, row: TableRow = row) -> Cell:
            position = columns.index.get(role, len(row.cells))  # an optional column may be absent
            return row.cells[position] if position < len(row.cells) else EMPTY

        def fail(message: str, role: str | None = None, text: str | None = None, row: TableRow = row) -> LoadError:
            column = columns.names[role] if role else None
            return LoadError(message, file=source, row=row.number, column=column, text=text)

        _check_extra_cells(row, len(header.cells), fail)
        for role, position in columns.index.items():
            if position < len(row.cells):  # length and characters, as every stored text is checked
                fields.text(row.cells[position].text, Place(source, row.number, columns.names[role]))

        number_cell = cell("no")
        if not number_cell:
            if current is None:
                raise fail("a row without a number continues the recommendation above, but there is none", "no")
            if cell("recommendation"):
                raise fail(
                    "a row without a number continues the recommendation above and cannot have "
                    "recommendation text of its own",
                    "recommendation",
                    cell("recommendation").text,
                )
            recommendation = current
            origin = origins[recommendation.number]
        else:
            number = _read_number(number_cell.text, fail)
            if number in origins:
                raise fail(
                    f"recommendation {number} appears twice (first on row {origins[number].row})", "no", number
                )
            text, note = _read_recommendation(cell("recommendation"))
            if not text:
                raise fail(f"recommendation {number} has no text", "recommendation")
            recommendation = Recommendation(number=number, text=text, note=note)
            origin = _Origin(row.number, note, "")
            origin.merges = _numbers_in(_MERGE, note)
            origin.alignments = [(n, "recommendation") for n in _numbers_in(_ALIGNED, note)]
            origins[number] = origin
            plan.recommendations.append(recommendation)
            current = recommendation

        aligned, action_texts = _read_actions(cell("actions"), lambda m, t: fail(m, "actions", t))
        if aligned:
            origin.actions_text = cell("actions").text
            origin.alignments += [(n, "actions") for n in aligned]
        whens = _read_whens(cell("when"), len(action_texts), context, terms, lambda m, t: fail(m, "when", t))
        lead, owners = _read_owners(cell("who"), len(action_texts), lambda m, t: fail(m, "who", t))
        unknown = [o for o in owners if o is not None and people is not None and o not in people]
        if unknown:
            raise fail(
                f"unknown person {unknown[0]!r}: add them under 'people' in a setup file loaded with this plan "
                "or before (their reminders would have nowhere to go)",
                "who",
                unknown[0],
            )
        done_days = read_statuses(cell("status"), len(action_texts), lambda m, t: fail(m, "status", t))
        if recommendation.owner is None:
            recommendation.owner = lead
        elif lead is None:  # a continuation row without a Who keeps the recommendation's owner
            owners = [recommendation.owner] * len(action_texts)
        start = len(recommendation.actions) + 1
        row_actions = [
            Action(position=start + i, text=text, when=when, owner=owner, done_on=done_on)
            for i, (text, when, owner, done_on) in enumerate(zip(action_texts, whens, owners, done_days))
        ]
        recommendation.actions += row_actions
        serves.read_row(cell, recommendation, row_actions, numbered=bool(number_cell), fail=fail)
        start = len(recommendation.measures) + 1
        measures = _list_items(cell("measures"), lambda m, t: fail(m, "measures", t))
        recommendation.measures += [Measure(position=start + i, text=t) for i, t in enumerate(measures)]

    _link(plan, origins, columns, source)
    return plan


def _check_extra_cells(row: TableRow, width: int, fail) -> None:
    for position, extra in enumerate(row.cells[width:], start=width + 1):
        if extra:
            raise fail(f"cell {position} is beyond the last column of the header", text=extra.text)


def _read_number(text: str, fail) -> str:
    match = _NUMBER.fullmatch(text.strip())
    if not match:
        raise fail("not a recommendation number (like 6 or 6a)", "no", text)
    digits = match.group(1).lstrip("0") or "0"
    if len(digits) > len(str(MAX_INTEGER)) or int(digits) > MAX_INTEGER:
        raise fail(f"a recommendation number may be at most {MAX_INTEGER}", "no", fields.shown(text))
    return f"{int(digits)}{match.group(2).lower()}"


def _read_recommendation(cell: Cell) -> tuple[str, str]:
    """The recommendation's words, and its remarks: starred text standing on its own (bold or
    italic in the council's format, a line or a trailing "*…" in a spreadsheet cell)."""
    pieces: list[tuple[str, bool]] = []
    for block in cell.blocks:
        if block.kind == "item":
            for piece in re.split(r"\s+(?=\*)", block.text):
                pieces.append((piece, piece.startswith("*")))
        else:
            pieces.append((block.text, block.kind == "emphasis" and block.text.startswith("*")))
    words = [text for text, remark in pieces if not remark]
    remarks = [text for text, remark in pieces if remark]
    if not words and remarks:
        # Recommendation 6a is itself starred ("*Reduce the number…"): the star points at the remark
        # after it, so the first starred piece is the text, without its star.
        words, remarks = [remarks[0].lstrip("*").strip()], remarks[1:]
    return " ".join(words), " ".join(remarks)


def _read_actions(cell: Cell, fail) -> tuple[list[str], list[str]]:
    """The numbers an "Aligned to recommendation 2" line names, and the actions (every other item)."""
    aligned: list[str] = []
    kept: list[Block] = []
    for block in cell.blocks:
        match = _ALIGNED_LINE.fullmatch(block.text)
        if match:
            aligned += _split_numbers(match.group("numbers"))
        else:
            kept.append(block)
    return aligned, _list_items(Cell(tuple(kept), cell.text), fail)


def _list_items(cell: Cell, fail) -> list[str]:
    items = [b.text for b in cell.blocks if b.kind == "item"]
    others = [b.text for b in cell.blocks if b.kind != "item"]
    if items and others:
        raise fail("text outside the list: each action or measure must be a list item", others[0])
    return items or others


def _read_whens(cell: Cell, count: int, context: dt.date, terms: SchoolTerms | None, fail) -> list[When | None]:
    """Pair the When cell's phrases with the row's actions, in order."""
    if not cell:
        return [None] * count
    if count == 0:
        raise fail("there is a date here but no action in this row for it to belong to", cell.text)
    try:
        # The reader splits at line breaks first (one phrase per line or list item), then between
        # the phrases of a line ("Jan Jan Wef Feb onwards"), aiming for one phrase per action.
        whens = read_when_list(cell.text, context, expected=count, terms=terms)
    except WhenError as err:
        where = f"the date {err.text!r}" if err.text.strip() != cell.text.strip() else "the date"
        raise fail(f"cannot read {where}: {err.reason}", cell.text) from err
    if len(whens) != count:
        raise fail(f"{len(whens)} date{'s' if len(whens) != 1 else ''} for {count} actions", cell.text)
    return list(whens)


def _read_owners(cell: Cell, count: int, fail) -> tuple[str | None, list[str | None]]:
    """One owner for every action of the row, or one per action when the cell names as many."""
    names = [b.text for b in cell.blocks]
    if not names:
        return None, [None] * count
    for name in names:  # initials are keys: as long as a key may be
        if len(name) > KEY_LENGTH:
            raise fail(f"an owner's initials may be at most {KEY_LENGTH} characters", fields.shown(name))
    if len(names) == 1:
        return names[0], names * count
    if len(names) == count:
        return names[0], list(names)
    raise fail(f"{len(names)} owners for {count} actions: give one owner, or one per action", cell.text)


def note_links(note: str) -> tuple[list[str], list[str]]:
    """The recommendations a remark names as merged ("*intention is to merge 4&6") and as aligned
    ("*aligned to recommendation 2"), as the builder reads them; the export uses it to know which
    links a note already carries."""
    return _numbers_in(_MERGE, note), _numbers_in(_ALIGNED, note)


def _numbers_in(pattern: re.Pattern, text: str) -> list[str]:
    return [n for match in pattern.finditer(text) for n in _split_numbers(match.group("numbers"))]


def _split_numbers(text: str) -> list[str]:
    return [n.strip().lower() for n in _SEPARATOR.split(text) if n.strip()]


def _link(plan: ActionPlan, origins: dict[str, _Origin], columns: _Columns, source: str) -> None:
    """Record merges on every recommendation of a merge, and alignments on the one that names them."""
    by_number = {r.number: r for r in plan.recommendations}
    for recommendation in plan.recommendations:
        origin = origins[recommendation.number]

        def unknown(number: str, role: str, text: str) -> LoadError:
            return LoadError(
                f"recommendation {recommendation.number} refers to recommendation {number}, "
                "which is not in the plan",
                file=source,
                row=origin.row,
                column=columns.names[role],
                text=text,
            )

        if origin.merges:
            group = list(dict.fromkeys(origin.merges + [recommendation.number]))
            for number in group:
                if number not in by_number:
                    raise unknown(number, "recommendation", origin.note_text)
            for number in group:
                merged = by_number[number].merged_with
                merged += [other for other in group if other != number and other not in merged]
        for number, role in origin.alignments:
            if number not in by_number:
                raise unknown(number, role, origin.actions_text if role == "actions" else origin.note_text)
            if number != recommendation.number and number not in recommendation.aligned_with:
                recommendation.aligned_with.append(number)


def plan_key(title: str) -> str:
    """The plan's key: its title in lower case with hyphens, cut at a word to at most 100 characters."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "plan"
    if len(slug) > 100:
        slug = slug[:101].rsplit("-", 1)[0]
    return slug


__all__ = [
    "read_plan_text", "read_plan_csv", "read_plan_xlsx", "read_plan_file", "build_plan", "plan_key", "note_links",
]
