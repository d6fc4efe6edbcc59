"""An Excel workbook's first sheet as rows of cell text, for the plan reader: row 1 of the list is
row 1 of the sheet. Formulas without a saved value are refused rather than read as empty."""
from __future__ import annotations

import datetime as dt
import io

from governance_model.errors import LoadError
from governance_model.importing import fields


def workbook_rows(data: bytes, source: str, *, max_rows: int | None = None) -> list[list[str]]:
    """Each row of the first sheet as the text of its cells; at most `max_rows` rows."""
    from openpyxl import load_workbook  # imported here: only this format needs it
    from openpyxl.utils import get_column_letter

    try:
        # Read twice, streaming: the values Excel saved, and the cells themselves (to tell a formula
        # without a saved value, which openpyxl reads as empty, from a cell left empty).
        values = load_workbook(io.BytesIO(data), data_only=True, read_only=True)
        formulas = load_workbook(io.BytesIO(data), data_only=False, read_only=True)
    except Exception as err:  # openpyxl raises zip, XML and key errors for a file that is not xlsx
        raise LoadError(f"not an Excel workbook (.xlsx): {err}", file=source) from err
    if not values.worksheets:
        raise LoadError("the workbook has no sheets", file=source)
    records: list[list[str]] = []
    try:
        # min_row=1: openpyxl would otherwise start at the first row with data, and numbers would shift.
        rows = zip(
            values.worksheets[0].iter_rows(min_row=1, values_only=True),
            formulas.worksheets[0].iter_rows(min_row=1),
        )
        for number, (row_values, row_cells) in enumerate(rows, start=1):
            if max_rows is not None and number > max_rows:
                raise LoadError(f"the sheet has more than {max_rows} rows", file=source, row=number)
            for position, (value, cell) in enumerate(zip(row_values, row_cells), start=1):
                if value is None and getattr(cell, "data_type", None) == "f":
                    raise LoadError(
                        "the cell holds a formula but the workbook has no saved value for it: open the workbook in "
                        "a spreadsheet and save it again, or paste the values in place of the formulas",
                        file=source, row=number, column=get_column_letter(position), text=fields.shown(cell.value),
                    )
            records.append([_spreadsheet_text(value) for value in row_values])
    except LoadError:
        raise
    except Exception as err:  # a damaged sheet inside a readable zip
        raise LoadError(f"cannot read the first sheet of the workbook: {err}", file=source) from err
    finally:
        values.close()
        formulas.close()
    while records and not any(records[-1]):
        records.pop()  # a sheet's formatting can reach past its last row of text
    return records


def _spreadsheet_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)
