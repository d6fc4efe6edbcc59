"""Table cells as blocks of text: an HTML cell (the council's own format) or a cell of plain lines
(CSV, Excel) both become the same `Cell`, so one builder reads every format the same way."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Literal

BlockKind = Literal["item", "text", "emphasis"]

_SPACE = re.compile(r"\s+")
_EMPHASIS_TAGS = frozenset({"b", "strong", "i", "em"})
# Tags that end one run of text and start another (outside list items).
_BREAK_TAGS = frozenset({"p", "div", "br", "ul", "ol", "table", "tr", "td", "th", "h1", "h2", "h3", "h4"})


@dataclass(frozen=True)
class Block:
    """One piece of a cell: a list item (`<li>` or a line of a spreadsheet cell), a run of plain
    text, or a run of bold/italic text outside any list (where the plans put their remarks)."""

    text: str
    kind: BlockKind


@dataclass(frozen=True)
class Cell:
    """A cell's blocks, and its text as written with tags removed (kept for dates and messages)."""

    blocks: tuple[Block, ...]
    text: str

    @property
    def items(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == "item"]

    def __bool__(self) -> bool:
        return bool(self.blocks)


EMPTY = Cell((), "")


def _collapse(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


class _CellParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._buffer: list[str] = []
        self._in_item = 0
        self._emphasis = 0

    def _kind(self) -> BlockKind:
        if self._in_item:
            return "item"
        return "emphasis" if self._emphasis else "text"

    def _flush(self) -> None:
        text = _collapse("".join(self._buffer))
        self._buffer.clear()
        if text:
            self.blocks.append(Block(text, self._kind()))

    def handle_starttag(self, tag, attrs):
        if tag == "li":
            self._flush()  # a nested list ends its parent item's own text
            self._in_item += 1
        elif tag in _EMPHASIS_TAGS and not self._in_item:
            if self._emphasis == 0:
                self._flush()
            self._emphasis += 1
        elif tag in _BREAK_TAGS:
            if tag == "br" and self._in_item:
                self._buffer.append(" ")
            else:
                self._flush()

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "li" and self._in_item:
            self._flush()
            self._in_item -= 1
        elif tag in _EMPHASIS_TAGS and not self._in_item and self._emphasis:
            if self._emphasis == 1:
                self._flush()  # while still emphasised, so the run keeps its kind
            self._emphasis -= 1
        elif tag in _BREAK_TAGS and not self._in_item:
            self._flush()

    def handle_data(self, data):
        self._buffer.append(data)

    def close(self):
        super().close()
        self._flush()


def read_html_cell(raw: str) -> Cell:
    """Read a cell of the council's text format: `<ul>/<ol>` lists, `<p>`, `<b>`, `<i>`, entities."""
    raw = raw.strip()
    if not raw:
        return EMPTY
    if "<" not in raw:
        # No markup: one run of text. Keep its inner spacing for date phrases ("Feb/July  March").
        text = html.unescape(raw).strip()
        collapsed = _collapse(text)
        return Cell((Block(collapsed, "text"),) if collapsed else (), text)
    parser = _CellParser()
    parser.feed(raw)
    parser.close()
    blocks = tuple(parser.blocks)
    return Cell(blocks, "\n".join(b.text for b in blocks))


def read_plain_cell(value: str) -> Cell:
    """Read a spreadsheet cell: each non-blank line is one item."""
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    lines = [_collapse(line) for line in text.split("\n")]
    return Cell(tuple(Block(line, "item") for line in lines if line), text)
