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
from governance_model.importing import fields
from governance_model.importing.fields import Place
from governance_model.importing.safe_yaml import Node as _Node
from governance_model.importing.safe_yaml import compose_yaml, load_yaml
from governance_model.importing.source_yaml import read_meeting_source
from governance_model.limits import MAX_DAYS
from governance_model.meeting_rules import LONDON, read_meeting_rule
from governance_model.organisation import check_organisation
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
from governance_model.importing.strategy_yaml import QuestionsAtMeeting, ServesEntry, read_framework, read_questions, read_serves
from governance_model.school_terms import SchoolTerms
from governance_model.when import read_when


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
    strategy: str | None = None  # the key of the strategy document the plan delivers
    serves: list[ServesEntry] = field(default_factory=list)  # what its recommendations and actions serve


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
    questions: list[QuestionsAtMeeting] = field(default_factory=list)


_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}):(\d{2}))?$")


class _Reader:
    def __init__(self, source: str, known_bodies: set[str], known_people: set[str], terms: SchoolTerms | None = None):
        self.source = source
        self.terms = terms  # the school terms Whens are read against (None: the shipped table)
        self.known_bodies = set(known_bodies)
        self.known_people = set(known_people)
        self.context: dt.date | None = None

    def place(self, node: Any, column: str | None = None) -> Place:
        return Place(self.source, getattr(node, "line", None), column)

    def fail(self, node: Any, message: str, column: str | None = None, text: Any = None) -> LoadError:
        return self.place(node, column).error(message, text)

    def mapping(self, node: Any, what: str, allowed: set[str], required: set[str] = frozenset(), parent: Any = None) -> _Node:
        if not isinstance(node, dict):
            raise self.fail(parent, f"each {what} must be a mapping of fields", text=node)
        unknown = sorted(str(k) for k in set(node) - allowed)
        if unknown:
            raise self.fail(node, f"unknown field in {what} (allowed: {', '.join(sorted(allowed))})", unknown[0], unknown[0])
        for key in sorted(required):
            if node.get(key) in (None, ""):
                raise self.fail(node, f"{what} has no {key!r}", key)
        return node

    def items(self, node: _Node, key: str, what: str) -> list:
        """The list under `key` (none: empty); anything else is an error."""
        value = node.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(node, f"{key!r} must be a list of {what}", key, value)
        return value

    def text(self, node: _Node, key: str, *, required: bool = False) -> str:
        return fields.text(node.get(key), self.place(node, key), required=required)

    def key(self, node: _Node, key: str) -> str:
        return fields.key(node.get(key), self.place(node, key))

    def date(self, node: _Node, key: str) -> dt.date | None:
        value = node.get(key)
        return None if value is None else fields.date(value, self.place(node, key))

    def when(self, node: _Node, key: str, context: dt.date):
        if node.get(key) is None:
            return None
        text = self.text(node, key, required=True)
        try:
            return read_when(text, context, self.terms)
        except Error as exc:
            raise self.fail(node, str(exc), key, text) from exc

    def person_ref(self, node: _Node, key: str) -> str | None:
        if node.get(key) is None:
            return None
        value = self.key(node, key)
        if value not in self.known_people:
            raise self.fail(node, f"unknown person {value!r} (add them under 'people')", key, value)
        return value

    def body_ref(self, node: _Node, key: str) -> str | None:
        if node.get(key) is None:
            return None
        value = self.key(node, key)
        if value not in self.known_bodies:
            raise self.fail(node, f"unknown body {value!r} (add it under 'bodies')", key, value)
        return value

    # ---- sections

    def person(self, node: Any, parent: _Node) -> Person:
        node = self.mapping(node, "person", {"initials", "name", "role", "email", "apprise"}, {"initials"}, parent)
        urls = node.get("apprise") or []
        if isinstance(urls, str):
            urls = [urls]
        if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
            raise self.fail(node, "'apprise' must be a URL or a list of URLs", "apprise")
        for url in urls:
            try:
                fields.text(url, self.place(node, "apprise"), required=True)
            except LoadError as exc:  # never quote the URL: it may hold a password
                raise self.fail(node, exc.message, "apprise") from None
        email = node.get("email")
        return Person(
            initials=self.key(node, "initials"),
            name=self.text(node, "name"),
            role=self.text(node, "role"),
            email=None if email is None else fields.email(email, self.place(node, "email")),
            apprise_urls=list(urls),
        )

    def body(self, node: Any, parent: _Node) -> Body:
        node = self.mapping(
            node, "body", {"code", "name", "secretary", "papers", "papers_lead_days", "meetings", "exempt", "reminder_days", "source", "confirm_done"},
            {"code", "name"}, parent,
        )
        code = self.key(node, "code")
        body = Body(
            code=code,
            name=self.text(node, "name", required=True),
            secretary=self.person_ref(node, "secretary"),
            papers_lead_days=self.papers_lead_days(node),
            exempt=fields.flag(node.get("exempt", False), self.place(node, "exempt")),
            reminder_days=self.reminder_days(node),
            papers=node.get("papers") is not False,
            source=None if node.get("source") is None else read_meeting_source(node["source"], self.source, node.line),
            confirm_done=fields.flag(node.get("confirm_done", False), self.place(node, "confirm_done")),
        )
        if body.confirm_done and body.secretary is None:
            raise self.fail(node, "'confirm_done: true' needs the body's secretary, who confirms what owners answer as done", "confirm_done", True)
        meetings = node.get("meetings") or _Node()
        meetings = self.mapping(meetings, f"meetings of {code}", {"rule", "from", "until", "dates"}, parent=node)
        if meetings.get("rule"):
            body.meeting_rule = self.text(meetings, "rule", required=True)
            if meetings.get("from") is None or meetings.get("until") is None:
                raise self.fail(meetings, "a meeting rule needs 'from' and 'until' dates (YYYY-MM-DD)", "from", meetings.get("from"))
            first, last = self.date(meetings, "from"), self.date(meetings, "until")
            try:
                rule = read_meeting_rule(body.meeting_rule)
            except Error as exc:
                raise self.fail(meetings, str(exc), "rule", body.meeting_rule) from exc
            for starts_at in rule.dates(first, last):
                key = fields.key(f"{code}-{starts_at.date().isoformat()}", self.place(meetings, "rule"))
                body.meetings.append(Meeting(key=key, body_code=code, starts_at=starts_at))
        elif meetings.get("from") is not None:
            self.date(meetings, "from")
        explicit: set[str] = set()
        for entry in self.items(meetings, "dates", "meetings"):
            meeting = self.meeting(code, entry, meetings)
            if meeting.key in explicit:
                raise self.fail(entry if isinstance(entry, dict) else meetings, f"two meetings of {code} have the key {meeting.key!r}; give one of them its own 'key'", "key", meeting.key)
            explicit.add(meeting.key)
            # An explicit entry overrides the sitting the rule generated for the same day.
            body.meetings = [m for m in body.meetings if m.key != meeting.key] + [meeting]
        body.meetings.sort(key=lambda m: (m.day or dt.date.max, m.key))
        return body

    def papers_lead_days(self, node: _Node) -> int:
        """The body's papers lead time: `papers: false` (a conference, a workshop, a consultation
        event: a gathering that takes no papers) is none, so its meetings have no papers deadline."""
        lead = fields.day_count(node.get("papers_lead_days", 5), self.place(node, "papers_lead_days"))
        if node.get("papers") is None:
            return lead
        if not fields.flag(node["papers"], self.place(node, "papers")):
            if node.get("papers_lead_days") not in (None, 0):
                raise self.fail(
                    node,
                    "a body with 'papers: false' takes no papers, so it has no papers lead time: leave out 'papers_lead_days'",
                    "papers_lead_days",
                    node["papers_lead_days"],
                )
            return 0
        if lead == 0:
            raise self.fail(
                node, "a body with 'papers: true' needs a papers lead time of at least 1 working day", "papers_lead_days", node.get("papers_lead_days")
            )
        return lead

    def meeting(self, code: str, entry: Any, parent: _Node) -> Meeting:
        if isinstance(entry, (str, dt.date)):
            entry_node = _Node(at=entry)
            entry_node.line = parent.line
            entry = entry_node
        node = self.mapping(entry, f"meeting of {code}", {"at", "when", "key", "status", "location"}, parent=parent)
        status_text = self.text(node, "status") if node.get("status") is not None else "scheduled"
        try:
            status = MeetingStatus(status_text)
        except ValueError:
            allowed = ", ".join(s.value for s in MeetingStatus)
            raise self.fail(node, f"meeting status must be one of {allowed}", "status", status_text) from None
        starts_at, when = None, None
        if node.get("at") is not None:
            starts_at = self.local_datetime(node, node["at"])
        elif node.get("when") is not None:
            context = self.date(parent, "from") or self.context
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
        if node.get("key") is not None:
            key = self.key(node, "key")
        else:
            key = fields.key(f"{code}-{day.isoformat()}" if day else f"{code}-tbc", self.place(node, "key"))
        return Meeting(key=key, body_code=code, starts_at=starts_at, when=when, status=status, location=self.text(node, "location"))

    def local_datetime(self, node: _Node, value: Any) -> dt.datetime:
        place = self.place(node, "at")
        if isinstance(value, dt.datetime):
            naive = value.replace(tzinfo=None)
            return fields.in_range(naive, place, text=value).replace(tzinfo=LONDON)
        if isinstance(value, dt.date):
            raise place.error("a meeting needs a time as well as a date (YYYY-MM-DD HH:MM)", value)
        match = _DATETIME.match(fields.text(value, place).strip())
        if not match or match.group(2) is None:
            raise place.error("expected a local date and time, YYYY-MM-DD HH:MM (Europe/London)", value)
        try:
            day = dt.date.fromisoformat(match.group(1))
            fields.in_range(day, place, text=value)
            return dt.datetime.combine(day, dt.time(int(match.group(2)), int(match.group(3))), tzinfo=LONDON)
        except ValueError as exc:
            raise place.error(f"not a real date and time ({exc})", value) from exc

    def document(self, node: Any, parent: _Node) -> Document:
        node = self.mapping(
            node, "document", {"key", "title", "kind", "owner", "dated", "versions", "route", "exempt", "framework"}, {"key", "title", "dated"}, parent
        )
        key = self.key(node, "key")
        dated = fields.date(node["dated"], self.place(node, "dated"), what="a date YYYY-MM-DD: phrases without a year take it from here")
        try:
            kind = DocumentKind(self.text(node, "kind") if node.get("kind") is not None else "strategy")
        except ValueError:
            allowed = ", ".join(k.value for k in DocumentKind)
            raise self.fail(node, f"document kind must be one of {allowed}", "kind", node.get("kind")) from None
        versions = []
        for v in self.items(node, "versions", "versions"):
            v = self.mapping(v, "version", {"number", "label", "dated"}, {"number"}, node)
            number = fields.whole_number(v["number"], self.place(v, "number"))
            label = self.text(v, "label") or f"Version {number}"
            versions.append(DocumentVersion(number=number, label=label, dated=self.date(v, "dated")))
        raw_steps = self.items(node, "route", "route steps")
        steps = [self.step(s, i, dated, node) for i, s in enumerate(raw_steps, start=1)]
        document = Document(
            key=key,
            title=self.text(node, "title", required=True),
            kind=kind,
            owner=self.person_ref(node, "owner"),
            versions=versions,
            route=Route(steps),
            dated=dated,
            exempt=fields.flag(node.get("exempt", False), self.place(node, "exempt")),
            framework=read_framework(self, node),
        )
        if document.framework is not None and kind is not DocumentKind.STRATEGY:
            raise self.fail(node, f"only a strategy has a framework of findings, threads and strands; {key!r} is a {kind.value}", "framework")
        keys = [s.key for s in steps]
        for raw, step in zip(raw_steps, steps):
            if keys.count(step.key) > 1:
                raise self.fail(raw, f"step key {step.key!r} appears twice in the route of {key!r}", "key", step.key)
            for waited in step.waits_for or ():
                if waited == step.key:
                    raise self.fail(raw, f"step {step.key!r} waits for itself", "waits_for", waited)
                if waited not in keys and not is_link(waited):
                    raise self.fail(
                        raw,
                        f"step {step.key!r} waits for {waited!r}, which is not a step of {key!r} "
                        "(another document's step is written document/step; a condition, condition:NAME)",
                        "waits_for",
                        waited,
                    )
        self.check_no_circle(document.route, dict(zip(keys, raw_steps)), key)
        return document

    def check_no_circle(self, route: Route, raw: dict[str, Any], document: str) -> None:
        """Steps that wait for each other in a circle would never start: refuse them, naming the circle."""
        waits = {s.key: [k for k in route.prerequisites(s) if not is_link(k)] for s in route.steps}
        finished: set[str] = set()
        for start in waits:
            if start in finished:
                continue
            path: list[str] = []
            stack = [(start, iter(waits[start]))]
            on_path = {start}
            path.append(start)
            while stack:
                current, following = stack[-1]
                nxt = next(following, None)
                if nxt is None:
                    stack.pop()
                    on_path.discard(current)
                    path.pop()
                    finished.add(current)
                elif nxt in on_path:
                    circle = path[path.index(nxt):] + [nxt]
                    raise self.fail(
                        raw[circle[0]],
                        f"steps of {document!r} wait for each other in a circle ({' waits for '.join(circle)}), so none could start",
                        "waits_for",
                        nxt,
                    )
                elif nxt not in finished:
                    stack.append((nxt, iter(waits[nxt])))
                    on_path.add(nxt)
                    path.append(nxt)

    def step(self, node: Any, position: int, context: dt.date, parent: _Node) -> Step:
        node = self.mapping(node, "route step", {"key", "kind", "title", "body", "when", "owner", "waits_for", "meeting", "done", "advisory"}, {"key", "kind", "title"}, parent)
        try:
            kind = StepKind(self.text(node, "kind"))
        except ValueError:
            allowed = ", ".join(k.value for k in StepKind)
            raise self.fail(node, f"step kind must be one of {allowed}", "kind", node["kind"]) from None
        done = node.get("done")
        if done is not None:
            done = fields.date(done, self.place(node, "done"), what="the date the step was done, YYYY-MM-DD")
        waits = node.get("waits_for")
        if waits is not None:
            place = self.place(node, "waits_for")
            waits = tuple(fields.key(w, place) for w in (waits if isinstance(waits, list) else [waits]))
        advisory = node.get("advisory", False)
        if not isinstance(advisory, bool):
            raise self.fail(node, "'advisory' must be true (an input that informs but never holds up what follows) or false", "advisory", advisory)
        return Step(
            key=self.key(node, "key"),
            position=position,
            kind=kind,
            title=self.text(node, "title", required=True),
            body_code=self.body_ref(node, "body"),
            when=self.when(node, "when", context),
            owner=self.person_ref(node, "owner"),
            waits_for=waits,
            meeting_key=None if node.get("meeting") is None else self.key(node, "meeting"),
            done_on=done,
            advisory=advisory,
        )

    def reminder_days(self, node: _Node) -> tuple[int, ...] | None:
        days = node.get("reminder_days")
        if days is None:
            return None
        if not isinstance(days, list) or not days or not all(fields.is_day_count(d) for d in days):
            raise self.fail(
                node,
                f"reminder_days must be a list of whole numbers of working days from 0 to {MAX_DAYS}, e.g. [14, 7, 2, 0]",
                "reminder_days",
                days,
            )
        return tuple(sorted(set(days), reverse=True))

    def plan(self, node: Any, parent: _Node) -> PlanReference:
        if isinstance(node, str):
            return PlanReference(file=fields.text(node, self.place(parent, "plans"), required=True), line=parent.line)
        node = self.mapping(node, "plan", {"file", "title", "context", "owner", "reminder_days", "rag", "strategy", "serves"}, {"file"}, parent)
        return PlanReference(
            file=self.text(node, "file", required=True),
            title=self.text(node, "title", required=True) if node.get("title") is not None else None,
            context=self.date(node, "context"),
            line=node.line,
            owner=self.person_ref(node, "owner"),
            reminder_days=self.reminder_days(node),
            rag_tolerances=self.rag_tolerances(node),
            strategy=None if node.get("strategy") is None else self.key(node, "strategy"),
            serves=read_serves(self, node),
        )

    def rag_tolerances(self, plan: _Node) -> RagTolerances | None:
        node = plan.get("rag")
        if node is None:
            return None
        if not isinstance(node, dict):
            raise self.fail(plan, "'rag' must be a mapping, e.g. {at_risk_within_days: 14, stale_after_days: 30}", "rag", node)
        node = self.mapping(node, "plan's rag", {"at_risk_within_days", "stale_after_days"}, parent=plan)
        defaults = RagTolerances()
        values = {}
        for key in ("at_risk_within_days", "stale_after_days"):
            values[key] = fields.day_count(node.get(key, getattr(defaults, key)), self.place(node, key))
        return RagTolerances(**values)

    def glossary(self, root: _Node) -> Glossary:
        node = root.get("glossary")
        if node is None:
            return Glossary()
        if not isinstance(node, dict):
            raise self.fail(root, "glossary must map each acronym to its meaning", "glossary", node)
        return Glossary({fields.key(k, self.place(node, "glossary")): fields.text(v, self.place(node, str(k)), required=True) for k, v in node.items()})


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
    data = load_yaml(text, source)
    if data is None:
        data = _Node()
    reader = _Reader(source, set(known_bodies), set(known_people), terms)
    root = reader.mapping(
        data, "setup file", {"organisation", "context", "terms", "people", "bodies", "documents", "plans", "glossary", "questions"}
    )
    if "terms" in root and not (isinstance(root["terms"], str) and root["terms"].strip()):
        raise reader.fail(root, _TERMS_FIELD, "terms", root["terms"])
    reader.context = reader.date(root, "context")
    setup = Setup()
    setup.people = [reader.person(p, root) for p in reader.items(root, "people", "people")]
    reader.known_people |= {p.initials for p in setup.people}
    raw_bodies = reader.items(root, "bodies", "bodies")
    reader.known_bodies |= {str(b.get("code")) for b in raw_bodies if isinstance(b, dict)}
    setup.bodies = [reader.body(b, root) for b in raw_bodies]
    setup.documents = [reader.document(d, root) for d in reader.items(root, "documents", "documents")]
    setup.plans = [reader.plan(p, root) for p in reader.items(root, "plans", "plan files")]
    setup.glossary = reader.glossary(root)
    setup.questions = read_questions(reader, root, {m.key: m.day for b in setup.bodies for m in b.meetings if m.day})
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
    found = _root_text(text, source, "terms", _TERMS_FIELD)
    return TermsReference(*found) if found else None


_ORGANISATION_FIELD = "'organisation' must be the council's key: lowercase letters, digits and dashes (up to 60), e.g. southend"


def read_organisation(text: str, source: str) -> tuple[str, int] | None:
    """The council a setup file is for (`organisation:`) and the line it is named on; None when it
    names none (everything then goes into the council the command works in)."""
    found = _root_text(text, source, "organisation", _ORGANISATION_FIELD)
    if found is None:
        return None
    try:
        return check_organisation(found[0]), found[1]
    except ValueError:
        raise LoadError(_ORGANISATION_FIELD, file=source, row=found[1], column="organisation", text=found[0]) from None


def _root_text(text: str, source: str, field: str, rule: str) -> tuple[str, int] | None:
    """A top-level field's text and line, read before the file is (None if absent or not YAML)."""
    try:
        root = compose_yaml(text, source)
    except LoadError:
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == field:
            line = key.start_mark.line + 1
            if not isinstance(value, yaml.ScalarNode) or value.tag != "tag:yaml.org,2002:str" or not value.value.strip():
                shown = value.value if isinstance(value, yaml.ScalarNode) else "(a list or mapping)"
                raise LoadError(rule, file=source, row=line, column=field, text=shown)
            return value.value.strip(), line
    return None
    return None
