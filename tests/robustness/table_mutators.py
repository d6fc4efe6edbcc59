"""Mutants of the plan tables (CSV, XLSX), the progress-update text and the raw bytes of any example
file; the value families and the Mutant they make are in tests/robustness/mutators.py."""
from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import random
from pathlib import Path

import openpyxl

from tests.robustness.mutators import DATE_TEXTS, TEXTS, WHEN_TEXTS, Mutant, pick

# --- Plan tables (CSV, XLSX) --------------------------------------------------------------------------
PLAN_CELL_VALUES: dict[str, str] = {
    **{f"text {name}": value for name, value in TEXTS.items()},
    **{f"when {name}": value for name, value in WHEN_TEXTS.items()},
    "number 0": "0",
    "number -1": "-1",
    "number 2**63": str(2**63),
    "number 10**30": "1" + "0" * 30,
    "number 6A": "6A",
    "number 1.5": "1.5",
    "number 1e3": "1e3",
    "html list": "<ul><li>one</li><li>two</li></ul>",
    "unclosed html": "<ul><li>one",
    "status complete on 2021-02-30": "complete on 2021-02-30",
    "status complete on 9999-12-31": "complete on 9999-12-31",
    "status done on 0001-01-01": "done on 0001-01-01",
    "many lines": "\n".join(f"item {i}" for i in range(40)),
}
COLUMNS = ["No", "Recommendation", "Summary actions", "When (2022)", "Who", "Measure of success"]


class CsvMutator:
    def __init__(self, source: Path):
        self.name = source.name
        self.data = source.read_bytes()
        self.rows = list(csv.reader(io.StringIO(self.data.decode("utf-8"))))

    def mutant(self, family: str, number: int, rng: random.Random) -> Mutant:
        rows = copy.deepcopy(self.rows)
        choice = rng.randrange(12)
        fields: tuple[str, ...] = ()
        if choice <= 4:  # one cell
            r = rng.randrange(1, len(rows))
            c = rng.randrange(len(rows[r]))
            name, value = pick(rng, PLAN_CELL_VALUES)
            rows[r][c] = value
            fields = (rows[0][c],)
            description = f"row {r + 1} column {rows[0][c]!r} ← {name}"
        elif choice == 5:
            header = rng.randrange(len(rows[0]))
            old = rows[0][header]
            rows[0][header] = rng.choice(["", "Number", "When", "Who?", old.upper(), old + " ", "No"])
            fields = (old, rows[0][header])
            description = f"header {old!r} → {rows[0][header]!r}"
        elif choice == 6:
            c = rng.randrange(len(rows[0]))
            fields = (rows[0][c],)
            for row in rows:
                del row[c:c + 1]
            description = f"column {fields[0]!r} removed"
        elif choice == 7:
            extra = rng.choice([["Status", "open"], ["RAG", "Purple"], ["Status", "complete on 2021-02-30"], ["", "stray"]])
            rows[0].append(extra[0])
            for row in rows[1:]:
                row.append(extra[1])
            fields = (extra[0],)
            description = f"extra column {extra[0]!r} with {extra[1]!r}"
        elif choice == 8:
            r = rng.randrange(1, len(rows))
            if rng.random() < 0.5:
                rows[r] = rows[r] + ["extra cell"]
                description = f"row {r + 1} has an extra cell"
            else:
                rows[r] = rows[r][: rng.randrange(len(rows[r]))]
                description = f"row {r + 1} has missing cells"
        elif choice == 9:
            r = rng.randrange(1, len(rows))
            rows.insert(r, list(rows[r]))
            fields = ("No",)
            description = f"row {r + 1} repeated"
        elif choice == 10:
            rows = rows[: rng.randrange(0, 3)]
            description = f"only the first {len(rows)} rows"
        else:
            r = rng.randrange(1, len(rows))
            rows[r][0] = rng.choice(["", "x", "1", "6a"])
            fields = ("No",)
            description = f"row {r + 1} No ← {rows[r][0]!r}"
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator=rng.choice(["\r\n", "\n"])).writerows(rows)
        content = buffer.getvalue().encode("utf-8")
        encoding = rng.randrange(10)
        if encoding == 0:
            content = b"\xef\xbb\xbf" + content
            description += ", with a BOM"
        elif encoding == 1:
            buffer = io.StringIO()
            csv.writer(buffer, delimiter=";").writerows(rows)
            content = buffer.getvalue().encode("utf-8")
            description += ", ';'-delimited"
        return Mutant(family, number, description, {self.name: content}, fields=fields)


XLSX_VALUES: dict[str, object] = {
    "formula =1+1": "=1+1",
    "formula =A1": "=A1",
    "formula =SUM(A1:A3)": "=SUM(A1:A3)",
    "int 2**63": 2**63,
    "int -1": -1,
    "int 0": 0,
    "float 1.5": 1.5,
    "float 1e300": 1e300,
    "bool": True,
    "empty": None,
    "datetime 2022-01-06": dt.datetime(2022, 1, 6, 14, 0),
    "date 1900-01-01": dt.date(1900, 1, 1),
    "date 9999-12-31": dt.date(9999, 12, 31),
    "time": dt.time(14, 30),
    "text 10k": "w" * 10_000,
    "text NUL-free control": "a\x01b",
    "text unicode": "Ωmega 中文 🙂",
    "text 30 February 2022": "30 February 2022",
    "text complete on 2021-02-30": "complete on 2021-02-30",
}


class XlsxMutator:
    def __init__(self, source: Path):
        self.name = source.name
        self.data = source.read_bytes()

    def mutant(self, family: str, number: int, rng: random.Random) -> Mutant:
        book = openpyxl.load_workbook(io.BytesIO(self.data))
        sheet = book.worksheets[0]
        choice = rng.randrange(8)
        fields: tuple[str, ...] = ()
        header = [c.value for c in sheet[1]]
        if choice <= 3:
            row = rng.randrange(1, sheet.max_row + 1)
            column = rng.randrange(1, sheet.max_column + 1)
            name, value = pick(rng, XLSX_VALUES)
            sheet.cell(row=row, column=column).value = value
            fields = (str(header[column - 1]),)
            description = f"cell row {row} column {header[column - 1]!r} ← {name}"
        elif choice == 4:
            column = rng.randrange(1, sheet.max_column + 1)
            sheet.delete_cols(column)
            fields = (str(header[column - 1]),)
            description = f"column {header[column - 1]!r} deleted"
        elif choice == 5:
            first = book.create_sheet("Notes", 0)
            first["A1"] = "This workbook's plan is on the next sheet"
            description = "an extra sheet before the plan"
        elif choice == 6:
            row = rng.randrange(2, sheet.max_row + 1)
            sheet.insert_rows(row)
            sheet.cell(row=row, column=rng.randrange(1, sheet.max_column + 1)).value = rng.choice(["stray", "=1+1", 7])
            description = f"a stray row inserted at row {row}"
        else:
            sheet.merge_cells(start_row=2, start_column=1, end_row=3, end_column=2)
            fields = ("No", "Recommendation")
            description = "cells A2:B3 merged"
        out = io.BytesIO()
        try:
            book.save(out)
        except Exception as exc:  # openpyxl cannot write this value: keep the workbook unchanged
            out = io.BytesIO(self.data)
            description += f" (openpyxl refused it: {type(exc).__name__}; file unchanged)"
        return Mutant(family, number, description, {self.name: out.getvalue()}, fields=fields)


# --- Progress-update text -----------------------------------------------------------------------------
class UpdatesMutator:
    def __init__(self, source: Path):
        self.name = source.name
        self.lines = source.read_text(encoding="utf-8").split("\n")

    def mutant(self, family: str, number: int, rng: random.Random) -> Mutant:
        lines = list(self.lines)
        heads = [i for i, line in enumerate(lines) if line.startswith("Recommendation ") and line.endswith(" update")]
        dates = [i for i, line in enumerate(lines) if line.startswith("Date: ")]
        items = [i for i, line in enumerate(lines) if line.startswith("- ")]
        choice = rng.randrange(12)
        fields: tuple[str, ...] = ()
        if choice == 0:
            i = rng.choice(dates)
            name, value = pick(rng, DATE_TEXTS)
            lines[i] = f"Date: {value}"
            fields = ("Date",)
            description = f"line {i + 1} Date ← {name}"
        elif choice == 1:
            i = rng.choice(heads)
            number_text = rng.choice(["0", "-1", "99", str(2**63), "6A", "abc", "1" + "0" * 30, "1.5", ""])
            lines[i] = f"Recommendation {number_text} update"
            fields = ("Recommendation",)
            description = f"line {i + 1} recommendation number ← {number_text!r}"
        elif choice == 2:
            i = rng.choice(heads)
            action = rng.choice(["0", "-1", "99", str(2**63), "two", ""])
            lines[i] = lines[i].split(",")[0].removesuffix(" update") + f", action {action} update"
            fields = ("action",)
            description = f"line {i + 1} action number ← {action!r}"
        elif choice == 3:
            i = rng.choice([j for j, line in enumerate(lines) if line.startswith("By: ")])
            lines[i] = "By: " + rng.choice(["ZZ", "", "x" * 300, "G\x00B", "gb"])
            fields = ("By",)
            description = f"line {i + 1} By ← {lines[i][4:][:20]!r}"
        elif choice == 4:
            i = rng.choice([j for j, line in enumerate(lines) if line.startswith("Status: ")] or heads)
            lines[i] = "Status: " + rng.choice(["done", "COMPLETE", "", "complete on 2021-02-30", "maybe", "complete\x00"])
            fields = ("Status",)
            description = f"line {i + 1} {lines[i]!r}"
        elif choice == 5:
            i = rng.choice(items)
            name, value = pick(rng, TEXTS)
            lines[i] = "- " + value
            description = f"line {i + 1} item ← {name}"
        elif choice == 6:
            i = rng.randrange(len(lines))
            del lines[i]
            description = f"line {i + 1} deleted ({self.lines[i][:40]!r})"
        elif choice == 7:
            i = rng.randrange(len(lines))
            lines.insert(i, lines[i])
            description = f"line {i + 1} repeated ({lines[i][:40]!r})"
        elif choice == 8:
            start = rng.choice(heads)
            end = next((h for h in heads if h > start), len(lines))
            lines[end:end] = lines[start:end]
            description = f"block at line {start + 1} repeated"
        elif choice == 9:
            i = rng.choice([j for j, line in enumerate(lines) if line.startswith("Recommendation ") and " - " in line])
            lines[i] = lines[i].split(" - ")[0] + " - " + rng.choice(["Something else entirely", "", "x" * 10_000])
            fields = ("Recommendation",)
            description = f"line {i + 1} recommendation text changed"
        elif choice == 10:
            i = rng.choice([j for j, line in enumerate(lines) if line.endswith(":") and not line.startswith("#")])
            lines[i] = rng.choice(["What we did:", "WHAT WE HAVE DONE SO FAR:", "Next steps", ":"])
            description = f"line {i + 1} heading ← {lines[i]!r}"
        else:
            kept = rng.choice([[], ["# only comments"], ["Recommendation 1 update"], ["What we have done so far:", "- x"]])
            lines = kept
            description = f"file is only {kept!r}"
        content = "\n".join(lines).encode("utf-8")
        return Mutant(family, number, description, {self.name: content}, command="update", fields=fields)


# --- Raw bytes of any example file --------------------------------------------------------------------
class ByteMutator:
    """Byte-level damage to a file: truncation, flipped bytes, invalid UTF-8, NUL, other encodings."""

    def __init__(self, sources: list[tuple[Path, str, dict[str, bytes]]]):
        self.sources = [(path.name, path.read_bytes(), command, extra) for path, command, extra in sources]

    def mutant(self, family: str, number: int, rng: random.Random) -> Mutant:
        name, data, command, extra = rng.choice(self.sources)
        choice = rng.randrange(8)
        position = rng.randrange(len(data))
        if choice == 0:
            content, description = data[:position], f"{name} truncated at byte {position}"
        elif choice == 1:
            flips = rng.randrange(1, 4)
            content = bytearray(data)
            for _ in range(flips):
                at = rng.randrange(len(content))
                content[at] ^= 1 << rng.randrange(8)
            content, description = bytes(content), f"{name} with {flips} flipped bits"
        elif choice == 2:
            bad = rng.choice([b"\xff\xfe", b"\xc3\x28", b"\x80", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80"])
            content, description = data[:position] + bad + data[position:], f"{name} with invalid UTF-8 {bad!r} at byte {position}"
        elif choice == 3:
            content, description = data[:position] + b"\x00" + data[position:], f"{name} with NUL at byte {position}"
        elif choice == 4 and not name.endswith(".xlsx"):
            content, description = data.decode("utf-8").encode(rng.choice(["utf-16", "utf-32"])), f"{name} in UTF-16/32"
        elif choice == 5 and not name.endswith(".xlsx"):
            content, description = data.replace(b"\n", b"\r"), f"{name} with CR line ends"
        elif choice == 6:
            content, description = b"", f"{name} empty"
        else:
            content, description = data[:position] + bytes([rng.randrange(256)]) * rng.randrange(1, 20) + data[position:], f"{name} with random bytes at {position}"
        whole_file = name.endswith(".xlsx") or not content
        return Mutant(family, number, description, {name: content, **extra}, command=command, whole_file=whole_file)
