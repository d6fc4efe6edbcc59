"""A When stored flat, as ten nullable columns `<prefix>_kind … <prefix>_anchor` of a table in
tables.py, so deadlines can be queried with plain SQL: the column names, and writing and reading them."""
from __future__ import annotations

from typing import Any

from governance_model.when import When

# The suffixes of the ten columns that hold one When; `kind` NULL means there is no When. The last
# three came with migration 0007 (NULL in rows written before it: not estimated, no length).
WHEN_FIELDS = ("kind", "start", "end", "every", "depends_on", "tentative", "text", "estimated", "duration", "anchor")


def when_columns(prefix: str = "when") -> tuple[str, ...]:
    """The column names holding a When stored under `prefix` (e.g. `when_kind`, `when_end`…)."""
    return tuple(f"{prefix}_{name}" for name in WHEN_FIELDS)


def store_when(row: Any, when: When | None, prefix: str = "when") -> None:
    """Write `when` into the ten `<prefix>_…` columns of `row` (all NULL when there is none)."""
    values = (
        (
            when.kind, when.start, when.end, when.every, when.depends_on, when.tentative, when.text,
            when.estimated, when.duration, when.anchor,
        )  # fmt: skip
        if when is not None
        else (None,) * len(WHEN_FIELDS)
    )
    for column, value in zip(when_columns(prefix), values):
        setattr(row, column, value)


def load_when(row: Any, prefix: str = "when") -> When | None:
    """Read the When held in the `<prefix>_…` columns of `row`; None when `<prefix>_kind` is NULL."""
    return when_from_values(*(getattr(row, c) for c in when_columns(prefix)))


def when_from_values(
    kind: Any,
    start: Any,
    end: Any,
    every: Any,
    depends_on: Any,
    tentative: Any,
    text: Any,
    estimated: Any,
    duration: Any,
    anchor: Any,
) -> When | None:
    """The When held in the ten column values, in `WHEN_FIELDS` order (from a plain SELECT)."""
    if kind is None:
        return None
    return When(
        kind=kind,
        start=start,
        end=end,
        every=every,
        depends_on=depends_on,
        tentative=bool(tentative),
        text=text or "",
        estimated=bool(estimated),
        duration=duration,
        anchor=anchor,
    )
