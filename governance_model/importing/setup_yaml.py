"""The YAML setup format: people, bodies with their meetings, documents with their routes, the plan
files to load, the council's term-dates file and a glossary. Text in, domain objects out; every error
names the file and line."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from governance_model.errors import Error, LoadError
from governance_model.meeting_rules import LONDON, read_meeting_rule
from governance_model.model import (
    Body,
    Document,
    DocumentKind,
    DocumentVersion,
    Glossary,
    Meeting,
    MeetingStatus,
    Person,
    RagTolerances,
    Route,
    Step,
    is_link,
    StepKind,
)
from governance_model.school_terms import SchoolTerms
from governance_model.when import read_when
from governance_model.working_days import is_day_count


@dataclass
class PlanReference:
    """A plan file named by the setup, resolved relative to the setup file by the loader."""

    file: str
    title: str | None = None
    context: dt.date | None = None
    line: int | None = None
    owner: str | None = None  # who overdue actions are escalated to
    reminder_days: tuple[int, ...] | None = None
    rag_tolerances: RagTolerances | None = None


@dataclass(frozen=True)
class TermsReference:
    """The council's term-dates file a setup names (`terms: terms.ics`), relative to the setup file;
    the loader reads it before the setup's Whens, which are read against it."""

    file: str
    line: int


@dataclass
class Setup:
    people: list[Person] = field(default_factory=list)
    bodies: list[Body] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    plans: list[PlanReference] = field(default_factory=list)
    glossary: Glossary = field(default_factory=Glossary)


class _Node(dict):
    """A YAML mapping that remembers the line it started on."""

    line: int = 0


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings are `_Node`s carrying their line number."""


def _construct_node(loader: _LineLoader, node: yaml.MappingNode) -> _Node:
    mapping = _Node(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_node)


_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}):(\d{2}))?$")


class _Reader:
    def __init__(self, source: str, known_bodies: set[str], known_people: set[str], terms: SchoolTerms | None = None):
        self.source = source
        self.terms = terms  # the school terms Whens are read against (None: the shipped table)
        self.known_bodies = set(known_bodies)
        self.known_people = set(known_people)
        self.context: dt.date | None = None

    def fail(self, node: Any, message: str, column: str | None = None, text: Any = None) -> LoadError:
        line = getattr(node, "line", None)
        return LoadError(message, file=self.source, row=line, column=column, text=None if text is None else str(text))

    def mapping(self, node: Any, what: str, allowed: set[str], required: set[str] = frozenset()) -> _Node:
        if not isinstance(node, dict):
            raise LoadError(f"each {what} must be a mapping of fields", file=self.source, text=str(node))
        unknown = sorted(set(node) - allowed)
        if unknown:
            raise self.fail(node, f"unknown field in {what} (allowed: {', '.join(sorted(allowed))})", unknown[0], unknown[0])
        for key in sorted(required):
            if node.get(key) in (None, ""):
                raise self.fail(node, f"{what} has no {key!r}", key)
        return node

    def when(self, node: _Node, key: str, context: dt.date):
        text = node.get(key)
        if text is None:
            return None
        try:
            return read_when(str(text), context, self.terms)
        except Error as exc:
            raise self.fail(node, str(exc), key, text) from exc

    def person_ref(self, node: _Node, key: str) -> str | None:
        value = node.get(key)
        if value is None:
            return None
        value = str(value)
        if value not in self.known_people:
            raise self.fail(node, f"unknown person {value!r} (add them under 'people')", key, value)
        return value

    def body_ref(self, node: _Node, key: str) -> str | None:
        value = node.get(key)
        if value is None:
            return None
        value = str(value)
        if value not in self.known_bodies:
            raise self.fail(node, f"unknown body {value!r} (add it under 'bodies')", key, value)
        return value

    # ---- sections

    def person(self, node: Any) -> Person:
        node = self.mapping(node, "person", {"initials", "name", "role", "email", "apprise"}, {"initials"})
        urls = node.get("apprise") or []
        if isinstance(urls, str):
            urls = [urls]
        return Person(
            initials=str(node["initials"]),
            name=str(node.get("name") or ""),
            role=str(node.get("role") or ""),
            email=node.get("email"),
            apprise_urls=[str(u) for u in urls],
        )

    def body(self, node: Any) -> Body:
        node = self.mapping(
            node, "body", {"code", "name", "secretary", "papers_lead_days", "meetings", "exempt", "reminder_days"}, {"code", "name"}
        )
        code = str(node["code"])
        lead = node.get("papers_lead_days", 5)
        if not isinstance(lead, int) or lead < 0:
            raise self.fail(node, "papers_lead_days must be a whole number of working days", "papers_lead_days", lead)
        body = Body(
            code=code,
            name=str(node["name"]),
            secretary=self.person_ref(node, "secretary"),
            papers_lead_days=lead,
            exempt=bool(node.get("exempt", False)),
            reminder_days=self.reminder_days(node),
        )
        meetings = node.get("meetings") or {}
        meetings = self.mapping(meetings, f"meetings of {code}", {"rule", "from", "until", "dates"})
        if meetings.get("rule"):
            body.meeting_rule = str(meetings["rule"])
            first, last = meetings.get("from"), meetings.get("until")
            if not isinstance(first, dt.date) or not isinstance(last, dt.date):
                raise self.fail(meetings, "a meeting rule needs 'from' and 'until' dates (YYYY-MM-DD)", "from", first)
            try:
                rule = read_meeting_rule(body.meeting_rule)
            except Error as exc:
                raise self.fail(meetings, str(exc), "rule", body.meeting_rule) from exc
            for starts_at in rule.dates(first, last):
                body.meetings.append(Meeting(key=f"{code}-{starts_at.date().isoformat()}", body_code=code, starts_at=starts_at))
        explicit: set[str] = set()
        for entry in meetings.get("dates") or []:
            meeting = self.meeting(code, entry, meetings)
            if meeting.key in explicit:
                raise self.fail(entry if isinstance(entry, dict) else meetings, f"two meetings of {code} have the key {meeting.key!r}; give one of them its own 'key'", "key", meeting.key)
            explicit.add(meeting.key)
            # An explicit entry overrides the sitting the rule generated for the same day.
            body.meetings = [m for m in body.meetings if m.key != meeting.key] + [meeting]
        body.meetings.sort(key=lambda m: (m.day or dt.date.max, m.key))
        return body

    def meeting(self, code: str, entry: Any, parent: _Node) -> Meeting:
        if isinstance(entry, (str, dt.date)):
            entry_node = _Node(at=entry)
            entry_node.line = parent.line
            entry = entry_node
        node = self.mapping(entry, f"meeting of {code}", {"at", "when", "key", "status", "location"})
        status_text = str(node.get("status", "scheduled"))
        try:
            status = MeetingStatus(status_text)
        except ValueError:
            allowed = ", ".join(s.value for s in MeetingStatus)
            raise self.fail(node, f"meeting status must be one of {allowed}", "status", status_text) from None
        starts_at, when = None, None
        if node.get("at") is not None:
            starts_at = self.local_datetime(node, node["at"])
        elif node.get("when") is not None:
            context = parent.get("from") or self.context
            if context is None:
                raise self.fail(node, "a meeting 'when' needs a date to read it against: give 'from' under meetings or 'context' at the top of the file", "when", node["when"])
            when = self.when(node, "when", context)
            if when.start is None and when.kind != "tbc":
                raise self.fail(node, "a meeting window must be a date or span", "when", node["when"])
            if when.tentative and status is MeetingStatus.SCHEDULED:
                status = MeetingStatus.TENTATIVE
        else:
            raise self.fail(node, "a meeting needs 'at' (YYYY-MM-DD HH:MM) or 'when' (e.g. 'TBC March 22')", "at")
        day = starts_at.date() if starts_at else (when.start if when and when.start else None)
        key = str(node.get("key") or (f"{code}-{day.isoformat()}" if day else f"{code}-tbc"))
        return Meeting(key=key, body_code=code, starts_at=starts_at, when=when, status=status, location=str(node.get("location") or ""))

    def local_datetime(self, node: _Node, value: Any) -> dt.datetime:
        if isinstance(value, dt.datetime):
            naive = value.replace(tzinfo=None)
            return naive.replace(tzinfo=LONDON)
        if isinstance(value, dt.date):
            raise self.fail(node, "a meeting needs a time as well as a date (YYYY-MM-DD HH:MM)", "at", value)
        match = _DATETIME.match(str(value).strip())
        if not match or match.group(2) is None:
            raise self.fail(node, "expected a local date and time, YYYY-MM-DD HH:MM (Europe/London)", "at", value)
        try:
            day = dt.date.fromisoformat(match.group(1))
            return dt.datetime.combine(day, dt.time(int(match.group(2)), int(match.group(3))), tzinfo=LONDON)
        except ValueError as exc:
            raise self.fail(node, f"not a real date and time ({exc})", "at", value) from exc

    def document(self, node: Any) -> Document:
        node = self.mapping(
            node, "document", {"key", "title", "kind", "owner", "dated", "versions", "route", "exempt"}, {"key", "title", "dated"}
        )
        key = str(node["key"])
        dated = node["dated"]
        if not isinstance(dated, dt.date) or isinstance(dated, dt.datetime):
            raise self.fail(node, "'dated' must be a date YYYY-MM-DD: phrases without a year take it from here", "dated", dated)
        try:
            kind = DocumentKind(str(node.get("kind", "strategy")))
        except ValueError:
            allowed = ", ".join(k.value for k in DocumentKind)
            raise self.fail(node, f"document kind must be one of {allowed}", "kind", node.get("kind")) from None
        versions = []
        for v in node.get("versions") or []:
            v = self.mapping(v, "version", {"number", "label", "dated"}, {"number"})
            versions.append(DocumentVersion(number=int(v["number"]), label=str(v.get("label") or f"Version {v['number']}"), dated=v.get("dated")))
        steps = [self.step(s, i, dated) for i, s in enumerate(node.get("route") or [], start=1)]
        document = Document(
            key=key,
            title=str(node["title"]),
            kind=kind,
            owner=self.person_ref(node, "owner"),
            versions=versions,
            route=Route(steps),
            dated=dated,
            exempt=bool(node.get("exempt", False)),
        )
        keys = [s.key for s in steps]
        for raw, step in zip(node.get("route") or [], steps):
            if keys.count(step.key) > 1:
                raise self.fail(raw, f"step key {step.key!r} appears twice in the route of {key!r}", "key", step.key)
            for waited in step.waits_for or ():
                if waited not in keys and not is_link(waited):
                    raise self.fail(
                        raw,
                        f"step {step.key!r} waits for {waited!r}, which is not a step of {key!r} "
                        "(another document's step is written document/step; a condition, condition:NAME)",
                        "waits_for",
                        waited,
                    )
        return document

    def step(self, node: Any, position: int, context: dt.date) -> Step:
        node = self.mapping(node, "route step", {"key", "kind", "title", "body", "when", "owner", "waits_for", "meeting", "done", "advisory"}, {"key", "kind", "title"})
        try:
            kind = StepKind(str(node["kind"]))
        except ValueError:
            allowed = ", ".join(k.value for k in StepKind)
            raise self.fail(node, f"step kind must be one of {allowed}", "kind", node["kind"]) from None
        done = node.get("done")
        if done is not None and (not isinstance(done, dt.date) or isinstance(done, dt.datetime)):
            raise self.fail(node, "'done' must be the date the step was done, YYYY-MM-DD", "done", done)
        waits = node.get("waits_for")
        if isinstance(waits, str):
            waits = [waits]
        advisory = node.get("advisory", False)
        if not isinstance(advisory, bool):
            raise self.fail(node, "'advisory' must be true (an input that informs but never holds up what follows) or false", "advisory", advisory)
        return Step(
            key=str(node["key"]),
            position=position,
            kind=kind,
            title=str(node["title"]),
            body_code=self.body_ref(node, "body"),
            when=self.when(node, "when", context),
            owner=self.person_ref(node, "owner"),
            waits_for=None if waits is None else tuple(str(w) for w in waits),
            meeting_key=node.get("meeting"),
            done_on=done,
            advisory=advisory,
        )

    def reminder_days(self, node: _Node) -> tuple[int, ...] | None:
        days = node.get("reminder_days")
        if days is None:
            return None
        if not isinstance(days, list) or not days or not all(is_day_count(d) for d in days):
            raise self.fail(node, "reminder_days must be a list of whole numbers of working days, e.g. [14, 7, 2, 0]", "reminder_days", days)
        return tuple(sorted(set(days), reverse=True))

    def plan(self, node: Any) -> PlanReference:
        if isinstance(node, str):
            return PlanReference(file=node)
        node = self.mapping(node, "plan", {"file", "title", "context", "owner", "reminder_days", "rag"}, {"file"})
        context = node.get("context")
        if context is not None and not isinstance(context, dt.date):
            raise self.fail(node, "'context' must be a date YYYY-MM-DD", "context", context)
        return PlanReference(
            file=str(node["file"]),
            title=node.get("title"),
            context=context,
            line=node.line,
            owner=self.person_ref(node, "owner"),
            reminder_days=self.reminder_days(node),
            rag_tolerances=self.rag_tolerances(node),
        )

    def rag_tolerances(self, plan: _Node) -> RagTolerances | None:
        node = plan.get("rag")
        if node is None:
            return None
        if not isinstance(node, dict):
            raise self.fail(plan, "'rag' must be a mapping, e.g. {at_risk_within_days: 14, stale_after_days: 30}", "rag", node)
        node = self.mapping(node, "plan's rag", {"at_risk_within_days", "stale_after_days"})
        defaults = RagTolerances()
        values = {}
        for key in ("at_risk_within_days", "stale_after_days"):
            value = node.get(key, getattr(defaults, key))
            if not is_day_count(value):
                raise self.fail(node if hasattr(node, "line") else plan, f"rag {key} must be a whole number of days, 0 or more", key, value)
            values[key] = value
        return RagTolerances(**values)


def read_setup(
    text: str,
    source: str,
    *,
    known_bodies: set[str] = frozenset(),
    known_people: set[str] = frozenset(),
    terms: SchoolTerms | None = None,
) -> Setup:
    """Read a setup file. `known_*` are codes already stored, which the file may refer to; `terms`
    the school terms its Whens are read against (the shipped table if None). The term-dates file
    it may name (`terms:`) is the loader's to read first: see `read_terms_reference`."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise LoadError(f"not valid YAML: {getattr(exc, 'problem', exc)}", file=source, row=mark.line + 1 if mark else None) from exc
    if data is None:
        data = _Node()
    reader = _Reader(source, set(known_bodies), set(known_people), terms)
    root = reader.mapping(data, "setup file", {"context", "terms", "people", "bodies", "documents", "plans", "glossary"})
    if "terms" in root and not (isinstance(root["terms"], str) and root["terms"].strip()):
        raise reader.fail(root, _TERMS_FIELD, "terms", root["terms"])
    if root.get("context") is not None:
        if not isinstance(root["context"], dt.date):
            raise reader.fail(root, "'context' must be a date YYYY-MM-DD", "context", root["context"])
        reader.context = root["context"]
    setup = Setup()
    setup.people = [reader.person(p) for p in root.get("people") or []]
    reader.known_people |= {p.initials for p in setup.people}
    raw_bodies = root.get("bodies") or []
    reader.known_bodies |= {str(b.get("code")) for b in raw_bodies if isinstance(b, dict)}
    setup.bodies = [reader.body(b) for b in raw_bodies]
    setup.documents = [reader.document(d) for d in root.get("documents") or []]
    setup.plans = [reader.plan(p) for p in root.get("plans") or []]
    glossary = root.get("glossary") or {}
    if not isinstance(glossary, dict):
        raise LoadError("glossary must map each acronym to its meaning", file=source)
    setup.glossary = Glossary({str(k): str(v) for k, v in glossary.items()})
    for kind, items, key in (("person", setup.people, "initials"), ("body", setup.bodies, "code"), ("document", setup.documents, "key")):
        seen: set[str] = set()
        for item in items:
            value = getattr(item, key)
            if value in seen:
                raise LoadError(f"{kind} {value!r} is listed twice", file=source, column=key, text=value)
            seen.add(value)
    return setup


_TERMS_FIELD = "'terms' must name the council's term-dates file (.ics, .csv or .yaml), relative to this file"


def read_terms_reference(text: str, source: str) -> TermsReference | None:
    """The term-dates file a setup names with `terms:`, and the line it is named on; None when it
    names none (or is not valid YAML, which `read_setup` then reports)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "terms":
            line = key.start_mark.line + 1
            if not isinstance(value, yaml.ScalarNode) or value.tag != "tag:yaml.org,2002:str" or not value.value.strip():
                shown = value.value if isinstance(value, yaml.ScalarNode) else "(a list or mapping)"
                raise LoadError(_TERMS_FIELD, file=source, row=line, column="terms", text=shown)
            return TermsReference(value.value.strip(), line)
    return None
