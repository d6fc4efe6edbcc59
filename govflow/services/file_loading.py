"""Loading setup and plan files, all or nothing: every file is read and checked before anything is
stored, in one transaction. Takes a unit of work so tests can run it on SQLite, PostgreSQL or the
in-memory fake."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from governance_model.errors import LoadError
from governance_model.importing.plan_table import plan_key, read_plan_file
from governance_model.importing.setup_yaml import read_setup
from governance_model.model import ActionPlan, Body, Document, Glossary, Person, link_document, recommendation_sort_key
from governance_model.ports import AbstractUnitOfWork
from governance_model.route_planner import MeetingIndex, bind_meetings

SETUP_SUFFIXES = {".yaml", ".yml"}
PLAN_SUFFIXES = {".txt", ".tsv", ".csv", ".xlsx"}


@dataclass
class PlanSummary:
    key: str
    title: str
    source: str
    numbers: list[str]
    actions: int
    measures: int
    owners: list[str]
    merges: list[tuple[str, str]]
    alignments: list[tuple[str, str]]


@dataclass
class LoadSummary:
    people: int = 0
    bodies: int = 0
    meetings: int = 0
    documents: int = 0
    steps: int = 0
    glossary_terms: int = 0
    plans: list[PlanSummary] = field(default_factory=list)


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read the file: {exc.strerror}", file=str(path)) from exc


def decode_utf8(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LoadError(
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start} cannot be decoded; save the file as UTF-8",
            file=source,
            row=line,
        ) from exc


@dataclass
class _Parsed:
    people: list[Person] = field(default_factory=list)
    bodies: list[Body] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    plans: list[ActionPlan] = field(default_factory=list)
    glossary: Glossary = field(default_factory=Glossary)


def _parse(paths: Iterable[Path], known_bodies: set[str], known_people: set[str]) -> _Parsed:
    parsed = _Parsed()
    plan_sources: dict[str, str] = {}

    def add_plan(plan: ActionPlan, source: str) -> None:
        if plan.key in plan_sources:
            raise LoadError(f"plan {plan.key!r} is loaded twice in one go (also from {plan_sources[plan.key]})", file=source)
        plan_sources[plan.key] = source
        parsed.plans.append(plan)

    for path in paths:
        source = str(path)
        suffix = path.suffix.lower()
        if suffix in SETUP_SUFFIXES:
            text = decode_utf8(read_bytes(path), source)
            setup = read_setup(
                text,
                source,
                known_bodies=known_bodies | {b.code for b in parsed.bodies},
                known_people=known_people | {p.initials for p in parsed.people},
            )
            parsed.people += setup.people
            parsed.bodies += setup.bodies
            parsed.documents += setup.documents
            parsed.glossary.terms.update(setup.glossary.terms)
            for ref in setup.plans:
                plan_path = (path.parent / ref.file)
                if not plan_path.exists():
                    raise LoadError(f"plan file {ref.file!r} not found (looked in {plan_path.parent})", file=source, row=ref.line, column="file", text=ref.file)
                plan, glossary = read_plan_file(str(plan_path), read_bytes(plan_path), context=ref.context)
                if ref.title:
                    plan.title, plan.key = ref.title, plan_key(ref.title)
                plan.owner, plan.reminder_days, plan.rag_tolerances = ref.owner, ref.reminder_days, ref.rag_tolerances
                parsed.glossary.terms.update(glossary.terms)
                add_plan(plan, str(plan_path))
        elif suffix in PLAN_SUFFIXES:
            plan, glossary = read_plan_file(source, read_bytes(path))
            parsed.glossary.terms.update(glossary.terms)
            add_plan(plan, source)
        else:
            raise LoadError(
                f"unknown kind of file {suffix or '(no extension)'}: expected a setup (.yaml) or a plan (.txt, .tsv, .csv, .xlsx)",
                file=source,
            )
    return parsed


def load_files(paths: Iterable[Path], uow: AbstractUnitOfWork) -> LoadSummary:
    """Read every file, check it all, then store it in one transaction: all of it or none of it."""
    paths = [Path(p) for p in paths]
    with uow:
        stored_bodies = {b.code: b for b in uow.bodies.list()}
        known_people = {p.initials for p in uow.people.list()}
        parsed = _parse(paths, set(stored_bodies), known_people)
        meetings = MeetingIndex({**stored_bodies, **{b.code: b for b in parsed.bodies}}.values())
        for document in parsed.documents:
            bind_meetings(document, meetings)
        _check_links(parsed.documents, uow)
        for person in parsed.people:
            uow.people.save(person)
        for body in parsed.bodies:
            uow.bodies.save(body)
        for document in parsed.documents:
            uow.documents.save(document)
        for plan in parsed.plans:
            uow.plans.save(plan)
        if parsed.glossary.terms:
            uow.glossary.merge(parsed.glossary)
        uow.commit()
    return LoadSummary(
        people=len(parsed.people),
        bodies=len(parsed.bodies),
        meetings=sum(len(b.meetings) for b in parsed.bodies),
        documents=len(parsed.documents),
        steps=sum(len(d.route.steps) for d in parsed.documents),
        glossary_terms=len(parsed.glossary.terms),
        plans=[summarise_plan(p) for p in parsed.plans],
    )


def _check_links(documents: list[Document], uow: AbstractUnitOfWork) -> None:
    """A step that waits for another document's step must name one that is loaded or stored."""
    loaded = {d.key: d for d in documents}
    for document in documents:
        for link in document.route.links():
            other_key = link_document(link)
            if other_key is None:
                continue  # a condition: met (or not) whenever `govflow condition met` says so
            other = loaded.get(other_key) or uow.documents.get(other_key)
            step_key = link.split("/", 1)[1]
            if other is None or step_key not in {s.key for s in other.route.steps}:
                known = f"it has steps {', '.join(s.key for s in other.route.steps)}" if other else "no such document is loaded"
                raise LoadError(f"document {document.key!r} waits for {link!r}, but {known}", column="waits_for", text=link)


def summarise_plan(plan: ActionPlan) -> PlanSummary:
    merges, alignments = [], []
    for rec in plan.recommendations:
        merges += [(rec.number, other) for other in rec.merged_with if recommendation_sort_key(rec.number) < recommendation_sort_key(other)]
        alignments += [(rec.number, other) for other in rec.aligned_with]
    return PlanSummary(
        key=plan.key,
        title=plan.title,
        source=plan.source,
        numbers=[r.number for r in plan.recommendations],
        actions=sum(len(r.actions) for r in plan.recommendations),
        measures=sum(len(r.measures) for r in plan.recommendations),
        owners=plan.owners,
        merges=merges,
        alignments=alignments,
    )
