"""A one-sheet Excel workbook (.xlsx, Office Open XML SpreadsheetML) written directly: the few parts
a plan export needs — text and whole-number cells, a bold frozen header, wrapped text, a fill per
cell, column widths, landscape printing one page wide with the header repeated — and nothing else.

openpyxl wrote these before, and at national scale its cell and style objects were half the nightly
reports' time (2,250 workbooks: 64 of 122 s under the profiler); this writes the same workbook in
about a tenth of the time. Reading workbooks (the plan importer) still uses openpyxl.

Same input, same bytes: every zip entry is dated `stamp`, and so are the document's properties."""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reports.errors import ReportError

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Characters XML 1.0 cannot hold at all (a workbook with one does not open): refused, as openpyxl did.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EARLIEST = dt.datetime(1980, 1, 1)  # the zip format holds no earlier time


@dataclass(frozen=True)
class Sheet:
    """What to write: the rows (the first is the header, bold), each cell a str (text, "" for an
    empty cell) or an int; `fills` maps (row, column), counted from 0, to an RGB colour "RRGGBB"."""

    title: str
    rows: Sequence[Sequence[str | int]]
    widths: Sequence[float] = ()
    fills: Mapping[tuple[int, int], str] = field(default_factory=dict)


def workbook_bytes(sheet: Sheet, *, title: str = "", subject: str = "", creator: str = "govflow", stamp: dt.datetime = _EARLIEST) -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    stamp = max(stamp.replace(tzinfo=None, microsecond=0), _EARLIEST)
    colours = sorted(set(sheet.fills.values()))
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _ROOT_RELS,
        "docProps/app.xml": _APP,
        "docProps/core.xml": _core(title, subject, creator, stamp),
        "xl/workbook.xml": _workbook(sheet.title),
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
        "xl/styles.xml": _styles(colours),
        "xl/worksheets/sheet1.xml": _worksheet(sheet, {colour: 3 + n for n, colour in enumerate(colours)}),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            entry = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, text.encode("utf-8"))
    return out.getvalue()


def column_letter(number: int) -> str:
    """1 → A, 26 → Z, 27 → AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# Cell styles (cellXfs): 0 the default, 1 the header (bold, wrapped, top), 2 a wrapped cell, 3… a
# wrapped cell with a fill, one per colour used.
_HEADER_STYLE, _WRAPPED_STYLE = 1, 2


def _worksheet(sheet: Sheet, fill_styles: dict[str, int]) -> str:
    width = max((len(row) for row in sheet.rows), default=1) or 1
    out = [
        _XML,
        f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">',
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
        f'<dimension ref="A1:{column_letter(width)}{max(len(sheet.rows), 1)}"/>',
        '<sheetViews><sheetView workbookViewId="0">',
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>',
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>',
        "</sheetView></sheetViews>",
        '<sheetFormatPr defaultRowHeight="15"/>',
    ]
    if sheet.widths:
        out.append("<cols>")
        out += [f'<col min="{n}" max="{n}" width="{w:g}" customWidth="1"/>' for n, w in enumerate(sheet.widths, start=1)]
        out.append("</cols>")
    out.append("<sheetData>")
    for r, row in enumerate(sheet.rows):
        out.append(f'<row r="{r + 1}">')
        for c, value in enumerate(row):
            ref = f"{column_letter(c + 1)}{r + 1}"
            style = _HEADER_STYLE if r == 0 else fill_styles.get(sheet.fills.get((r, c), ""), _WRAPPED_STYLE)
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                raise ReportError(f"cell {ref}: {value!r} is neither text nor a whole number")
            if isinstance(value, int):
                out.append(f'<c r="{ref}" s="{style}"><v>{value}</v></c>')
            elif value == "":
                out.append(f'<c r="{ref}" s="{style}"/>')
            else:
                out.append(f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{_text(value, ref)}</t></is></c>')
        out.append("</row>")
    out += [
        "</sheetData>",
        '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>',
        '<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/>',
        "</worksheet>",
    ]
    return "".join(out)


def _text(value: str, ref: str) -> str:
    bad = _ILLEGAL.search(value)
    if bad is not None:
        raise ReportError(f"cell {ref}: the character U+{ord(bad.group()):04X} cannot be written to a workbook (in {value[:60]!r})")
    return escape(value).replace("\r", "&#13;")  # a CR kept as it is (a parser would read a raw one as LF)


def _styles(colours: list[str]) -> str:
    fills = ['<fill><patternFill patternType="none"/></fill>', '<fill><patternFill patternType="gray125"/></fill>']
    fills += [f'<fill><patternFill patternType="solid"><fgColor rgb="FF{c}"/><bgColor rgb="FF{c}"/></patternFill></fill>' for c in colours]
    wrapped = '<alignment vertical="top" wrapText="1"/>'
    xfs = [
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
        f'<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">{wrapped}</xf>',
        f'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">{wrapped}</xf>',
    ]
    xfs += [
        f'<xf numFmtId="0" fontId="0" fillId="{2 + n}" borderId="0" xfId="0" applyFill="1" applyAlignment="1">{wrapped}</xf>'
        for n in range(len(colours))
    ]
    font = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
    return (
        f'{_XML}<styleSheet xmlns="{_MAIN}">'
        f'<fonts count="2"><font>{font}</font><font><b/>{font}</font></fonts>'
        f'<fills count="{len(fills)}">{"".join(fills)}</fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


def _workbook(title: str) -> str:
    if not title or len(title) > 31 or re.search(r"[\\/?*\[\]:]", title):
        raise ReportError(f"{title!r} cannot be a sheet's name (1 to 31 characters, none of \\ / ? * [ ] :)")
    name = escape(title)
    return (
        f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<bookViews><workbookView/></bookViews>'
        f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>'
        f"<definedNames><definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">'{name}'!$1:$1</definedName></definedNames>"
        "</workbook>"
    )


def _core(title: str, subject: str, creator: str, stamp: dt.datetime) -> str:
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    optional = "".join(f"<dc:{tag}>{_text(value, 'properties')}</dc:{tag}>" for tag, value in (("title", title), ("subject", subject)) if value)
    return (
        f'{_XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"{optional}<dc:creator>{escape(creator)}</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
        "</cp:coreProperties>"
    )


_CONTENT_TYPES = (
    f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="{_PACKAGE_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_PACKAGE_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    f'{_XML}<Relationships xmlns="{_PACKAGE_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_APP = (
    f'{_XML}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>govflow</Application></Properties>"
)
