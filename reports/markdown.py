"""Small Markdown helpers shared by the reports: tables whose cells cannot break the table."""
from __future__ import annotations

from collections.abc import Iterable, Sequence


def text(value: object) -> str:
    """Words as Markdown shows them: one line, and <, > and & as characters, not HTML."""
    words = " ".join(str(value if value is not None else "").split())
    return words.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell(value: object) -> str:
    """One table cell: no line breaks, pipes escaped, never empty (an empty cell reads as missing)."""
    return text(value).replace("\\", "\\\\").replace("|", "\\|") or "—"


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def bullets(items: Iterable[str]) -> str:
    return "\n".join(f"- {text(item)}" for item in items)
