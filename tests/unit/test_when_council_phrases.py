"""Date phrases as councils write them (issue 11): each row of tests/data/when_council_phrases.tsv
is a phrase, the date it is read against, the reading govflow must give, and where the phrase was
found (or "constructed" where research found none)."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from governance_model.errors import WhenError
from governance_model.when import When, read_when

DATA = Path(__file__).resolve().parents[1] / "data" / "when_council_phrases.tsv"


def rows() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8", newline="") as f:
        lines = [line for line in f if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


ROWS = rows()


def expected(row: dict[str, str]) -> When:
    def day(name: str) -> dt.date | None:
        return dt.date.fromisoformat(row[name]) if row[name] else None

    return When(
        kind=row["kind"],
        start=day("start"),
        end=day("end"),
        every=row["every"] or None,
        depends_on=row["depends_on"] or None,
        tentative=row["tentative"] == "true",
        text=row["phrase"],
        estimated=row["estimated"] == "true",
        duration=row["duration"] or None,
        anchor=row["anchor"] or None,
    )


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['family']}: {r['phrase']}@{r['context']}" for r in ROWS])
def test_reads_the_phrase_as_the_table_says(row):
    context = dt.date.fromisoformat(row["context"])
    if row["kind"] == "error":
        with pytest.raises(WhenError) as caught:
            read_when(row["phrase"], context)
        assert repr(row["phrase"]) in str(caught.value)
        assert row["error"] in str(caught.value)
        return
    assert read_when(row["phrase"], context) == expected(row)


def test_the_table_covers_each_family_with_real_wording():
    families = {}
    for row in ROWS:
        families.setdefault(row["family"], set()).add(row["origin"])
        assert row["origin"] in ("verbatim", "adapted", "constructed")
        assert bool(row["source"]) == (row["origin"] != "constructed"), row["phrase"]
        if row["origin"] == "verbatim":
            assert row["phrase"] in row["wording"], row["phrase"]
    assert set(families) == {
        "duration", "week", "part of month/year", "closing deadline", "undecided", "weekday without year",
        "recurrence", "contingent", "school term",
    }  # fmt: skip
    assert all("verbatim" in origins for origins in families.values())
