"""Small Markdown helpers shared by the reports: tables whose cells cannot break the table."""
from __future__ import annotations

from collections.abc import Iterable, Sequence


def cell(text: object) -> str:
    """One table cell: no line breaks, pipes escaped, never empty (an empty cell reads as missing)."""
    value = " ".join(str(text if text is not None else "").split())
    return value.replace("\\", "\\\\").replace("|", "\\|") or "—"


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def bullets(items: Iterable[str]) -> str:
    return "\n".join(f"- {' '.join(str(item).split())}" for item in items)
