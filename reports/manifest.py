"""The reports folder's record of what each written report was made from (index.json beside the
reports): the digest of its sources, the day it was written for, and each file's SHA-256. The
nightly reads it to leave unchanged reports alone; `govflow serve` reads it to tell whether a file
on disk is the report it would render now."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from reports.errors import ReportError

MANIFEST_NAME = "index.json"
FORMAT = 1


@dataclass(frozen=True)
class WrittenEntry:
    """One report in the folder: <kind>/<key> and the files written for it."""

    source: str  # the digest of what it was made from (report_writing.board_source / plan_source)
    as_of: dt.date  # the day it was written for
    files: dict[str, str]  # suffix → SHA-256 of the bytes written

    def to_json(self) -> dict:
        return {"source": self.source, "as_of": self.as_of.isoformat(), "files": dict(sorted(self.files.items()))}

    @classmethod
    def from_json(cls, value: dict) -> WrittenEntry:
        return cls(str(value["source"]), dt.date.fromisoformat(value["as_of"]), {str(k): str(v) for k, v in value["files"].items()})


def entry_name(kind: str, key: str) -> str:
    return f"{kind}/{key}"


def manifest_path(folder: Path) -> Path:
    return Path(folder) / MANIFEST_NAME


def read_manifest(folder: Path) -> dict[str, WrittenEntry]:
    """The entries of the folder's index.json; none when there is no index yet. A broken index
    raises ReportError (the nightly then writes every report again, see report_writing)."""
    path = manifest_path(folder)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    try:
        data = json.loads(raw)
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}, expected {FORMAT}")
        return {name: WrittenEntry.from_json(value) for name, value in data["reports"].items()}
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ReportError(f"{path}: not a reports index ({error})") from None


def manifest_bytes(entries: dict[str, WrittenEntry]) -> bytes:
    data = {"format": FORMAT, "reports": {name: entries[name].to_json() for name in sorted(entries)}}
    return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
