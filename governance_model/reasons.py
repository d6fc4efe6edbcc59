"""Why a step sits on its date, as facts: the planner's reason in a form a program can read and
`governance_model.reason_words` can put into words for people (issue 14, "words, not codes").

The planner also keeps its reason as one line of text (`StepForecast.reason`: step keys, ISO
dates), which the audit, the nightly's Prefect artifact and the tests read. A `Reason` is the same
thing as a kind and its facts, so the words people read ("moved to SSPB on 1 March 2022 because
“Wider public consultation” now finishes on 28 February 2022") are a rendering of it, never a
rewriting of the text.

Facts are plain values only (str, int, bool, tuples of str): a day is kept as its ISO text, so a
reason stored as JSON and read back is equal to the one the planner made, and a re-plan that
changes nothing stores nothing.

Kinds (the facts each has are in `governance_model.reason_words`, which renders every one):
done, decided, rejected, waits_undated, anchor_missing, anchor_undated, counted_from, in_time_for,
followers_undated, after, own_date, slipped, deferred, meeting_cancelled, meeting_not_fixed,
to_be_confirmed, first_meeting_after, first_meeting_from, too_soon, on_meeting, expected_late (its
owner said it will be late: by, note, when, day, was); the re-openings
(`cause`) amendments and referred_back; and the changes people make (`change_*`), which name the
planner's reason as `then`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Union

Fact = Union[str, int, bool, tuple[str, ...]]


@dataclass(frozen=True)
class Reason:
    """One reason: its kind, its facts, what re-opened the step first (`cause`) and, for a change a
    person made, the planner's own reason that follows from it (`then`)."""

    kind: str
    facts: tuple[tuple[str, Fact], ...] = ()
    cause: Reason | None = None
    then: Reason | None = None

    @classmethod
    def of(cls, kind: str, cause: Reason | None = None, then: Reason | None = None, **facts: Any) -> Reason:
        """A reason from keyword facts: days become ISO text, lists tuples; None facts are left out."""
        return cls(kind, tuple(sorted((k, _plain(v)) for k, v in facts.items() if v is not None)), cause, then)

    def get(self, name: str, default: Any = None) -> Any:
        return next((v for k, v in self.facts if k == name), default)

    def day(self, name: str) -> dt.date | None:
        value = self.get(name)
        return dt.date.fromisoformat(value) if isinstance(value, str) and value else None

    def with_facts(self, **facts: Any) -> Reason:
        """A copy with more facts (or some replaced)."""
        merged = dict(self.facts) | {k: _plain(v) for k, v in facts.items() if v is not None}
        return Reason(self.kind, tuple(sorted(merged.items())), self.cause, self.then)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind}
        data.update({k: list(v) if isinstance(v, tuple) else v for k, v in self.facts})
        if self.cause is not None:
            data["cause"] = self.cause.to_json()
        if self.then is not None:
            data["then"] = self.then.to_json()
        return data

    @classmethod
    def from_json(cls, data: Any) -> Reason | None:
        """The reason stored as `to_json` wrote it; None for a row stored before reasons had facts
        (or anything that is not one)."""
        if not isinstance(data, dict) or not isinstance(data.get("kind"), str):
            return None
        facts = {k: v for k, v in data.items() if k not in ("kind", "cause", "then")}
        return cls.of(data["kind"], cls.from_json(data.get("cause")), cls.from_json(data.get("then")), **facts)


def _plain(value: Any) -> Fact:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(str(v) for v in value)
    if isinstance(value, (bool, int, str)):
        return value
    return str(value)
