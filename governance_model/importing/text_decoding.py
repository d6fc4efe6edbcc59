"""Bytes of a text input file → text: UTF-8 with or without a byte-order mark, nothing guessed, and
no character that cannot be stored; each error names the line (or the CSV row) it is on."""
from __future__ import annotations

import csv
import io

from governance_model.errors import LoadError
from governance_model.importing import fields
from governance_model.limits import FORBIDDEN_CHARACTERS

_BOM = b"\xef\xbb\xbf"


def decode_text(data: bytes, source: str, *, row_of=None) -> str:
    """UTF-8, with or without a byte-order mark. Nothing else is guessed: cp1252 and UTF-8 share
    most bytes, and a wrong guess would put the wrong characters into people's names."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        offset = err.start + (len(_BOM) if data.startswith(_BOM) else 0)
        line = data.count(b"\n", 0, offset) + 1
        line_start = data.rfind(b"\n", 0, offset) + 1
        shown = data[max(line_start, offset - 60) : offset + 1].decode("utf-8", errors="replace")
        hint = (
            "it looks like UTF-16 ('Unicode text'); save it as UTF-8"
            if data[:2] in (b"\xff\xfe", b"\xfe\xff")
            else "save it as UTF-8"
        )
        raise LoadError(
            f"not UTF-8 text: byte 0x{data[offset]:02x} at byte offset {offset} (line {line}); {hint}",
            file=source,
            row=row_of(data[:offset]) if row_of else line,
            text=shown,
        ) from err
    bad = next((i for i, c in enumerate(text) if c in FORBIDDEN_CHARACTERS), None)
    if bad is not None:
        prefix = text[:bad].encode("utf-8")
        raise LoadError(
            f"the file holds the character U+{ord(text[bad]):04X}, which cannot be stored",
            file=source,
            row=row_of(prefix) if row_of else text.count("\n", 0, bad) + 1,
            text=fields.shown(text[text.rfind("\n", 0, bad) + 1 : bad]),
        )
    return text


def csv_row_of(prefix: bytes) -> int:
    """The CSV row (not line: a quoted cell may span lines) that the end of `prefix` falls in."""
    text = prefix.decode("utf-8-sig", errors="replace")
    try:
        return sum(1 for _ in csv.reader(io.StringIO(text + "x", newline="")))
    except csv.Error:
        return text.count("\n") + 1
