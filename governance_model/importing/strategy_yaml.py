"""The setup file's strategy parts: a strategy document's `framework:` (findings, threads, strands,
the strategies it aligns with or depends on), what a plan's recommendations and actions serve of it
(`serves:` under a plan), and the `questions:` put at meetings with the actions their answers led
to. Read by setup_yaml's reader, whose places and checks these use; names are checked against the
framework by the loader, which knows the documents already stored."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from governance_model.errors import ModelError
from governance_model.importing import fields
from governance_model.importing.safe_yaml import Node
from governance_model.model import Action, ActionPlan, Recommendation
from governance_model.strategy import (
    Facet,
    Finding,
    LinkKind,
    MeetingQuestion,
    Strand,
    StrategyFramework,
    StrategyLink,
    Thread,
    follow_up_plan_key,
)



class _Reader(Protocol):
    """What these parts use of setup_yaml's reader: its file, context date, places and field checks."""

    source: str
    context: dt.date | None

    def place(self, node: Any, column: str | None = None) -> fields.Place: ...
    def fail(self, node: Any, message: str, column: str | None = None, text: Any = None) -> Exception: ...
    def mapping(self, node: Any, what: str, allowed: set[str], required: set[str] = ..., parent: Any = None) -> Node: ...
    def items(self, node: Node, key: str, what: str) -> list: ...
    def text(self, node: Node, key: str, *, required: bool = False) -> str: ...
    def key(self, node: Node, key: str) -> str: ...
    def when(self, node: Node, key: str, context: dt.date) -> Any: ...
    def person_ref(self, node: Node, key: str) -> str | None: ...

# The facets' fields under `serves:`, singular or plural ("finding: X" or "findings: [X, Y]").
FACET_FIELDS = {name: facet for facet in Facet for name in (facet.value, facet.plural)}
_TARGET = re.compile(r"^(?P<number>\d+[a-z]?)(?:\.(?P<action>\d+))?$")


@dataclass
class ServesEntry:
    """One entry of a plan's `serves:`: recommendation "6a" or its action "6a.2", and the names it
    serves by facet, as written (the loader resolves them against the strategy's framework)."""

    number: str
    action: int | None
    names: dict[Facet, list[str]]
    line: int
    written: str  # the key as written, for messages


@dataclass
class QuestionsAtMeeting:
    """The questions a setup file records at one meeting, and the plan their follow-up actions make."""

    meeting_key: str
    about: str | None
    line: int
    questions: list[MeetingQuestion] = field(default_factory=list)
    follow_ups: ActionPlan | None = None  # None when no answer led to an action


def read_framework(reader: _Reader, document: Node) -> StrategyFramework | None:
    node = document.get("framework")
    if node is None:
        return None
    node = reader.mapping(node, "framework", {"findings", "threads", "strands", "aligns_with", "depends_on"}, parent=document)
    framework = StrategyFramework()
    for raw in reader.items(node, "findings", "findings"):
        raw = reader.mapping(raw, "finding", {"key", "title", "source", "quotes", "improvements", "to_deliver"}, {"key", "title"}, node)
        framework.findings.append(
            Finding(
                key=_entry_key(reader, raw),
                title=_name(reader, raw, "title"),
                source=reader.text(raw, "source"),
                quotes=_texts(reader, raw, "quotes"),
                improvements=reader.text(raw, "improvements"),
                to_deliver=_texts(reader, raw, "to_deliver"),
            )
        )
    for raw in reader.items(node, "threads", "threads"):
        raw = reader.mapping(raw, "thread", {"key", "title", "addresses", "quotes"}, {"key", "title"}, node)
        framework.threads.append(
            Thread(_entry_key(reader, raw), _name(reader, raw, "title"), reader.text(raw, "addresses"), _texts(reader, raw, "quotes"))
        )
    for raw in reader.items(node, "strands", "strands"):
        raw = reader.mapping(raw, "strand", {"key", "title", "description", "aligned"}, {"key", "title"}, node)
        framework.strands.append(
            Strand(_entry_key(reader, raw), _name(reader, raw, "title"), reader.text(raw, "description"), _texts(reader, raw, "aligned"))
        )
    for kind in LinkKind:
        for raw in reader.items(node, kind.value, "strategies (a title, or {title: …, document: KEY})"):
            if isinstance(raw, str):
                framework.links.append(StrategyLink(kind, fields.text(raw, reader.place(node, kind.value), required=True)))
                continue
            raw = reader.mapping(raw, f"strategy it {kind.words}", {"title", "document"}, {"title"}, node)
            document_key = None if raw.get("document") is None else reader.key(raw, "document")
            framework.links.append(StrategyLink(kind, reader.text(raw, "title", required=True), document_key))
    try:
        framework.validate()
    except ModelError as exc:
        raise reader.fail(node, str(exc), "framework") from exc
    return framework


def _entry_key(reader: _Reader, node: Node) -> str:
    key = reader.key(node, "key")
    if ";" in key:
        raise reader.fail(node, "a key may not hold ';' (it separates names in a plan's cells)", "key", key)
    return key


def _name(reader: _Reader, node: Node, key: str) -> str:
    name = reader.text(node, key, required=True)
    if ";" in name or "\n" in name:
        raise reader.fail(node, "a name may not hold ';' or a line break (they separate names in a plan's cells)", key, name)
    return name


def _texts(reader: _Reader, node: Node, key: str) -> list[str]:
    """A text or a list of texts."""
    value = node.get(key)
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [fields.text(v, reader.place(node, key), required=True) for v in values]


def read_serves(reader: _Reader, plan: Node) -> list[ServesEntry]:
    """A plan's `serves:`: {"1": {finding: …, thread: […], strand: …}, "6a.2": {…}} — a recommendation
    by its number, one of its actions as number.position."""
    node = plan.get("serves")
    if node is None:
        return []
    if not isinstance(node, dict):
        raise reader.fail(plan, "'serves' must map recommendation numbers (\"6a\", or \"6a.2\" for its action 2) to what they serve", "serves", node)
    entries = []
    for written, raw in node.items():
        if isinstance(written, (float, bool)) or not isinstance(written, (str, int)):
            raise reader.fail(
                node, f"write each key under 'serves' in quotes, e.g. \"1.10\": YAML reads {written!r} unquoted as something else", "serves", written
            )
        target = _TARGET.match(str(written).strip().lower())
        if target is None:
            raise reader.fail(node, "under 'serves', write a recommendation's number (\"6a\") or one of its actions (\"6a.2\")", "serves", written)
        raw = reader.mapping(raw, f"what {written} serves", set(FACET_FIELDS), parent=node)
        names: dict[Facet, list[str]] = {}
        for name, value in raw.items():
            values = value if isinstance(value, list) else [value]
            facet = FACET_FIELDS[name]
            names.setdefault(facet, []).extend(fields.text(v, reader.place(raw, name), required=True) for v in values)
        if not any(names.values()):
            raise reader.fail(raw if isinstance(raw, Node) else node, f"{written} serves nothing: name a finding, thread or strand", "serves", written)
        action = target.group("action")
        entries.append(ServesEntry(target.group("number"), int(action) if action else None, names, raw.line or node.line, str(written)))
    return entries


def read_questions(reader: _Reader, root: Node, meeting_days: dict[str, dt.date]) -> list[QuestionsAtMeeting]:
    """The `questions:` section. `meeting_days`: the meetings of this file's bodies and their days,
    which a follow-up action's When is read against (else the file's `context`)."""
    groups: list[QuestionsAtMeeting] = []
    seen: dict[str, int] = {}
    for raw in reader.items(root, "questions", "meetings with the questions put at them"):
        raw = reader.mapping(raw, "meeting's questions", {"meeting", "about", "asked"}, {"meeting", "asked"}, root)
        meeting_key = reader.key(raw, "meeting")
        if meeting_key in seen:
            raise reader.fail(raw, f"the questions at {meeting_key!r} are listed twice (also from line {seen[meeting_key]})", "meeting", meeting_key)
        seen[meeting_key] = raw.line
        about = None if raw.get("about") is None else reader.key(raw, "about")
        context = meeting_days.get(meeting_key) or reader.context
        group = QuestionsAtMeeting(meeting_key, about, raw.line)
        recommendations = []
        for number, asked in enumerate(reader.items(raw, "asked", "questions"), start=1):
            asked = reader.mapping(asked, "question", {"asked_by", "question", "answer", "actions"}, {"asked_by", "question"}, raw)
            question = MeetingQuestion(
                meeting_key, number, reader.text(asked, "asked_by", required=True), reader.text(asked, "question", required=True),
                reader.text(asked, "answer"), about,
            )
            group.questions.append(question)
            actions = [_follow_up(reader, a, i, context, asked) for i, a in enumerate(reader.items(asked, "actions", "actions"), start=1)]
            if actions:
                recommendations.append(Recommendation(str(number), question.question, note=f"Asked by {question.asked_by}", actions=actions))
        if not group.questions:
            raise reader.fail(raw, f"no questions listed under 'asked' for {meeting_key!r}", "asked")
        if recommendations:
            group.follow_ups = ActionPlan(
                key=follow_up_plan_key(meeting_key),
                title=f"Actions from questions at {meeting_key}",  # the loader names the body and the day
                context_date=context,
                source=reader.source,
                strategy=about,
                recommendations=recommendations,
            )
        groups.append(group)
    return groups


def _follow_up(reader: _Reader, node: Any, position: int, context: dt.date | None, parent: Node) -> Action:
    node = reader.mapping(node, "action an answer led to", {"text", "owner", "when"}, {"text", "owner", "when"}, parent)
    if context is None:
        raise reader.fail(
            node, "a follow-up action's 'when' is read against its meeting's day: list the meeting under its body in this file, or give 'context' at the top of the file", "when", node.get("when")
        )
    return Action(position, reader.text(node, "text", required=True), reader.when(node, "when", context), reader.person_ref(node, "owner"))
