"""The reading of one date phrase (`When`) and its JSON form."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

WhenKind = Literal["date", "window", "recurring", "tbc", "contingent", "ongoing"]


@dataclass(frozen=True)
class When:
    """The reading of one date phrase. `text` is always the original words, unchanged."""

    kind: WhenKind
    start: dt.date | None
    end: dt.date | None
    every: str | None = None  # ISO 8601 duration of a recurring When, e.g. "P3M"
    depends_on: str | None = None  # what a contingent When waits for ("DfE", "cabinet")
    tentative: bool = False
    text: str = ""

    @property
    def deadline(self) -> dt.date | None:
        """The day reminders count to: the last day of the When."""
        return self.end

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "every": self.every,
            "depends_on": self.depends_on,
            "tentative": self.tentative,
            "text": self.text,
        }

    @classmethod
    def from_json(cls, data: dict) -> "When":
        return cls(
            kind=data["kind"],
            start=dt.date.fromisoformat(data["start"]) if data.get("start") else None,
            end=dt.date.fromisoformat(data["end"]) if data.get("end") else None,
            every=data.get("every"),
            depends_on=data.get("depends_on"),
            tentative=bool(data.get("tentative", False)),
            text=data.get("text", ""),
        )
