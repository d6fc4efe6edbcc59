"""Transcribe seed 002 (the Southend peer-review plan) into examples/southend/peer-review-plan.csv
and .xlsx: the same table, with each list item of a cell on its own line.

    python scripts/make_plan_spreadsheets.py [path/to/002_44384d6b394e2d75.txt]

The seed is read from tests/data/seeds/ by default (a byte-for-byte copy of the project's shared
seed; see the README there). The cells are converted here with plain regular expressions, not with
govflow's importer, so that the tests comparing the spreadsheets with the seed check two independent
readings. The outputs are byte-for-byte reproducible (fixed timestamps inside the workbook), so
running this again changes nothing.
"""
from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "data" / "seeds" / "002_44384d6b394e2d75.txt"
OUT = ROOT / "examples" / "southend"
HEADER = ["No", "Recommendation", "Summary actions", "When (2022)", "Who", "Measure of success"]
FIXED_TIME = dt.datetime(2022, 1, 1)


def lines_of(cell: str) -> str:
    """An HTML cell as text: each <li> and <p> on its own line, and so each starred <b>/<i> remark."""
    cell = re.sub(r"<(b|i)>\s*(\*.*?)</\1>", r"\n\2\n", cell)
    cell = re.sub(r"</?(li|p|ul|ol)\b[^>]*>", "\n", cell)
    cell = html.unescape(re.sub(r"<[^>]+>", "", cell))
    lines = (" ".join(line.split()) for line in cell.split("\n"))
    return "\n".join(line for line in lines if line)


def read_seed(text: str) -> list[list[str]]:
    """The table rows of the seed (header first), blank lines and the glossary left out."""
    rows: list[list[str]] = []
    for line in text.split("\n"):
        if line.startswith("## "):
            break
        if "\t" not in line:
            continue
        cells = line.split("\t")
        if not rows:
            rows.append(HEADER)  # the seed says "Recommendation (verbatim)"; the example says it plainly
            continue
        number, recommendation, actions, when, who, measures = cells
        rows.append([number.strip(), lines_of(recommendation), lines_of(actions), when.strip(), who.strip(), lines_of(measures)])
    return rows


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEF", (6, 50, 60, 22, 8, 50)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    workbook.properties.creator = "govflow scripts/make_plan_spreadsheets.py"
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    saved = io.BytesIO()
    workbook.save(saved)
    return _reproducible_zip(saved.getvalue())


def _reproducible_zip(data: bytes) -> bytes:
    """The same archive with fixed entry times and core-property dates (openpyxl stamps 'now')."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + stamp.encode() + rb"\g<2>", content
                )
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, content)
    return out.getvalue()


def main(argv: list[str]) -> int:
    seed = Path(argv[1]) if len(argv) > 1 else SEED
    rows = read_seed(seed.read_bytes().decode("utf-8"))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "peer-review-plan.csv").write_bytes(csv_bytes(rows))
    (OUT / "peer-review-plan.xlsx").write_bytes(xlsx_bytes(rows))
    print(f"wrote {len(rows) - 1} rows to {OUT / 'peer-review-plan.csv'} and {OUT / 'peer-review-plan.xlsx'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
