"""Loading setup, plan and term-dates files, all or nothing: every file is read and checked before
anything is stored, in one transaction. Takes a unit of work so tests can run it on SQLite,
PostgreSQL or the in-memory fake.

The council's term dates (a file `is_term_dates_file` recognises, or the one a setup names with
`terms:`) are read first, and every When of the setup and plan files loaded with them is read
against them; they are stored, replacing any loaded before, and later loads read against the stored
ones. A year they do not cover comes from the shipped table, marked estimated (`terms_for_reading`).

Every file is held to `FileLimits` (GOVFLOW_MAX_FILE_BYTES, GOVFLOW_MAX_ROWS) before it is read,
whatever its format; a plan's owners must be people loaded with it or before."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from governance_model.errors import LoadError
from governance_model.importing.plan_table import plan_key, read_plan_file
from governance_model.importing.setup_yaml import PlanReference, read_organisation, read_setup, read_terms_reference
from governance_model.importing.strategy_yaml import QuestionsAtMeeting
from governance_model.importing.term_dates import is_term_dates_file, read_term_dates_file
from governance_model.model import ActionPlan, Body, Document, DocumentKind, Glossary, Person, link_document, recommendation_sort_key
from governance_model.organisation import DEFAULT_ORGANISATION
from governance_model.ports import AbstractUnitOfWork
from governance_model.route_planner import MeetingIndex, bind_meetings
from governance_model.school_terms import SchoolTerms, terms_for_reading
from govflow.services.strategy_loading import (
    FindDocument,
    apply_serves,
    check_links,
    check_questions,
    check_stored_plans_still_serve,
    delivered_strategy,
)
from govflow.settings import Settings, variable

SETUP_SUFFIXES = {".yaml", ".yml"}
PLAN_SUFFIXES = {".txt", ".tsv", ".csv", ".xlsx"}


@dataclass(frozen=True)
class FileLimits:
    """The most one input file may hold: bytes, and rows (lines of a text file, rows of a sheet)."""

    max_bytes: int = Settings.model_fields["max_file_bytes"].default
    max_rows: int = Settings.model_fields["max_rows"].default

    @classmethod
    def of(cls, settings: Settings) -> FileLimits:
        return cls(settings.max_file_bytes, settings.max_rows)


DEFAULT_LIMITS = FileLimits()


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
class TermDatesSummary:
    """Term dates a load read its Whens against: loaded from `source` now, or stored by an earlier load."""

    source: str
    academic_years: list[str]  # "2024/25"
    terms: int  # terms and half terms: six a year
    loaded_now: bool = True


@dataclass
class LoadSummary:
    people: int = 0
    bodies: int = 0
    meetings: int = 0
    documents: int = 0
    steps: int = 0
    glossary_terms: int = 0
    questions: int = 0  # questions put at meetings
    plans: list[PlanSummary] = field(default_factory=list)
    term_dates: list[TermDatesSummary] = field(default_factory=list)  # one per term file loaded, else the stored ones
    organisation: str = DEFAULT_ORGANISATION  # the council it went into

    @property
    def only_term_dates(self) -> bool:
        """Whether the load held term dates and nothing else."""
        counts = (self.people, self.bodies, self.meetings, self.documents, self.steps, self.glossary_terms, self.questions)
        return not any(counts) and not self.plans and any(t.loaded_now for t in self.term_dates)


def read_bytes(path: Path, limits: FileLimits = DEFAULT_LIMITS) -> bytes:
    """The file's bytes, refused when it is larger than `limits` allow or (text) has more lines."""
    try:
        with path.open("rb") as file:
            data = file.read(limits.max_bytes + 1)  # never more than the limit into memory
    except OSError as exc:
        raise LoadError(f"cannot read the file: {exc.strerror}", file=str(path)) from exc
    if len(data) > limits.max_bytes:
        raise LoadError(
            f"the file is larger than {limits.max_bytes} bytes (the limit {variable('max_file_bytes')} sets)", file=str(path)
        )
    if path.suffix.lower() != ".xlsx":  # a workbook's rows are counted as it is read
        lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
        if lines > limits.max_rows:
            raise LoadError(
                f"the file has more than {limits.max_rows} lines (the limit {variable('max_rows')} sets)",
                file=str(path),
                row=limits.max_rows + 1,
            )
    return data


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
    document_sources: dict[str, str] = field(default_factory=dict)  # document key → the setup file it is in
    questions: list[tuple[QuestionsAtMeeting, str]] = field(default_factory=list)  # with the setup file each is in


@dataclass
class _File:
    path: Path
    data: bytes

    @property
    def source(self) -> str:
        return str(self.path)


def _term_files(files: list[_File], limits: FileLimits) -> tuple[list[_File], list[_File]]:
    """The term-dates files (given, or named by a setup's `terms:`, each once) and the other files."""
    terms: list[_File] = []
    others: list[_File] = []
    seen: set[Path] = set()
    for file in files:
        if not is_term_dates_file(file.source, file.data):
            others.append(file)
        elif file.path.resolve() not in seen:
            seen.add(file.path.resolve())
            terms.append(file)
    for setup in others:
        if setup.path.suffix.lower() not in SETUP_SUFFIXES:
            continue
        reference = read_terms_reference(decode_utf8(setup.data, setup.source), setup.source)
        if reference is None:
            continue
        path = setup.path.parent / reference.file
        if not path.is_file():
            raise LoadError(
                f"term-dates file {reference.file!r} not found (looked in {path.parent})",
                file=setup.source,
                row=reference.line,
                column="terms",
                text=reference.file,
            )
        if path.resolve() not in seen:
            seen.add(path.resolve())
            terms.append(_File(path, read_bytes(path, limits)))
    return terms, others


def _parse(
    files: Iterable[_File],
    known_bodies: set[str],
    known_people: set[str],
    terms: SchoolTerms,
    limits: FileLimits,
    stored_document: FindDocument = lambda key: None,
) -> _Parsed:
    """Every setup file first (in the order given), then the plans they name and the plan files
    given, read knowing everyone the setups list: a plan's owners must be known people, and what
    it serves must be in the framework of the strategy it delivers (loaded now or stored)."""
    parsed = _Parsed()
    plan_sources: dict[str, str] = {}
    plan_files: list[tuple[Path, bytes, PlanReference | None, str | None]] = []

    for file in files:
        path, source = file.path, file.source
        suffix = path.suffix.lower()
        if suffix in SETUP_SUFFIXES:
            text = decode_utf8(file.data, source)
            setup = read_setup(
                text,
                source,
                known_bodies=known_bodies | {b.code for b in parsed.bodies},
                known_people=known_people | {p.initials for p in parsed.people},
                terms=terms,
            )
            parsed.people += setup.people
            parsed.bodies += setup.bodies
            parsed.documents += setup.documents
            parsed.document_sources.update((d.key, source) for d in setup.documents)
            parsed.glossary.terms.update(setup.glossary.terms)
            parsed.questions += [(group, source) for group in setup.questions]
            for ref in setup.plans:
                plan_path = (path.parent / ref.file)
                if not plan_path.exists():
                    raise LoadError(f"plan file {ref.file!r} not found (looked in {plan_path.parent})", file=source, row=ref.line, column="file", text=ref.file)
                plan_files.append((plan_path, read_bytes(plan_path, limits), ref, source))
        elif suffix in PLAN_SUFFIXES:
            plan_files.append((path, file.data, None, None))
        else:
            raise LoadError(
                f"unknown kind of file {suffix or '(no extension)'}: expected a setup (.yaml), a plan (.txt, .tsv, .csv,"
                " .xlsx) or term dates (.ics, or a .csv or .yaml of terms)",
                file=source,
            )

    people = known_people | {p.initials for p in parsed.people}
    loaded = {d.key: d for d in parsed.documents}

    def find(key: str) -> Document | None:
        return loaded.get(key) or stored_document(key)

    for path, data, ref, setup_source in plan_files:
        strategy = delivered_strategy(ref, setup_source, find) if ref is not None else None
        plan, glossary = read_plan_file(
            str(path), data, context=ref.context if ref else None, terms=terms, max_rows=limits.max_rows, people=people,
            framework=strategy.framework if strategy else None, strategy_key=strategy.key if strategy else None,
            find_framework=lambda key: getattr(find(key), "framework", None),
        )
        if ref is not None:
            if ref.title:
                plan.title, plan.key = ref.title, plan_key(ref.title)
            plan.owner, plan.reminder_days, plan.rag_tolerances = ref.owner, ref.reminder_days, ref.rag_tolerances
            if strategy is not None:
                plan.strategy = strategy.key
                apply_serves(plan, ref, strategy, setup_source)
        parsed.glossary.terms.update(glossary.terms)
        if plan.key in plan_sources:
            raise LoadError(f"plan {plan.key!r} is loaded twice in one go (also from {plan_sources[plan.key]})", file=str(path))
        plan_sources[plan.key] = str(path)
        parsed.plans.append(plan)
    for group, source in parsed.questions:
        if group.follow_ups is not None:
            if group.follow_ups.key in plan_sources:
                raise LoadError(
                    f"plan {group.follow_ups.key!r} is loaded twice in one go (also from {plan_sources[group.follow_ups.key]})",
                    file=source, row=group.line, column="meeting", text=group.meeting_key,
                )
            plan_sources[group.follow_ups.key] = source
            parsed.plans.append(group.follow_ups)
    return parsed


def load_files(paths: Iterable[Path], uow: AbstractUnitOfWork, limits: FileLimits = DEFAULT_LIMITS) -> LoadSummary:
    """Read every file, check it all, then store it in one transaction: all of it or none of it.
    Term-dates files are read first, and the setup and plan files against them (or, when the call
    has none, against the term dates stored by an earlier load). `limits`: the most a file may hold."""
    files = [_File(Path(p), read_bytes(Path(p), limits)) for p in paths]
    uow.organisation = _organisation_named(files, uow.organisation)
    term_files, others = _term_files(files, limits)
    loaded = [read_term_dates_file(f.source, f.data) for f in term_files]
    new_terms = SchoolTerms.joined(loaded) if loaded else None
    with uow:
        council = new_terms or uow.term_dates.get()
        stored_bodies = {b.code: b for b in uow.bodies.list()}
        known_people = {p.initials for p in uow.people.list()}
        parsed = _parse(others, set(stored_bodies), known_people, terms_for_reading(council), limits, uow.documents.get)
        all_bodies = {**stored_bodies, **{b.code: b for b in parsed.bodies}}
        meetings = MeetingIndex(all_bodies.values())
        documents_now = {d.key: d for d in parsed.documents}
        meetings_by_key = {m.key: (b, m) for b in all_bodies.values() for m in b.meetings}
        def held(key: str) -> Document | None:
            return documents_now.get(key) or uow.documents.get(key)

        for group, source in parsed.questions:
            check_questions([group], source, meetings_by_key, held, uow.plans.get)
            if group.follow_ups is not None and not group.follow_ups.recommendations and group.follow_ups not in parsed.plans:
                parsed.plans.append(group.follow_ups)  # emptied: the actions of an earlier load go
        strategies = [d for d in parsed.documents if d.kind is DocumentKind.STRATEGY]
        check_links(parsed.documents, parsed.document_sources, held)
        if strategies:
            check_stored_plans_still_serve(strategies, parsed.document_sources, uow.plans.list(), {p.key for p in parsed.plans})
        for document in parsed.documents:
            bind_meetings(document, meetings)
        _check_links(parsed.documents, uow, parsed.document_sources)
        if new_terms is not None:
            uow.term_dates.save(new_terms, new_terms.source)
        for person in parsed.people:
            uow.people.save(person)
        for body in parsed.bodies:
            uow.bodies.save(body)
        for document in parsed.documents:
            uow.documents.save(document)
        _touch_routes_planned_from(uow, parsed, stored_bodies, new_terms is not None)
        for plan in parsed.plans:
            uow.plans.save(plan)
        for group, _ in parsed.questions:
            uow.questions.save_for_meeting(group.meeting_key, group.questions)
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
        questions=sum(len(group.questions) for group, _ in parsed.questions),
        plans=[summarise_plan(p) for p in parsed.plans],
        term_dates=[summarise_terms(t) for t in loaded] if loaded else [summarise_terms(council, loaded_now=False)] if council else [],
        organisation=uow.organisation,
    )


def _organisation_named(files: list[_File], working_in: str) -> str:
    """The council the load goes into: the one its setup files name (`organisation:`), else the one
    the command works in. Files naming two councils, or one other than a council named by
    GOVFLOW_ORGANISATION, are refused."""
    named: tuple[str, str] | None = None  # (key, file)
    for file in files:
        if file.path.suffix.lower() not in SETUP_SUFFIXES:
            continue
        found = read_organisation(decode_utf8(file.data, file.source), file.source)
        if found is None:
            continue
        key, line = found
        if named is not None and key != named[0]:
            raise LoadError(
                f"one load is for one council: this file is for {key!r}, {named[1]} is for {named[0]!r}",
                file=file.source, row=line, column="organisation", text=key,
            )
        if working_in not in (DEFAULT_ORGANISATION, key):
            raise LoadError(
                f"this file is for the council {key!r}, but GOVFLOW_ORGANISATION is {working_in!r}",
                file=file.source, row=line, column="organisation", text=key,
            )
        named = (key, file.source)
    return named[0] if named else working_in


def summarise_terms(terms: SchoolTerms, *, loaded_now: bool = True) -> TermDatesSummary:
    years = terms.years()
    return TermDatesSummary(
        source=terms.source,
        academic_years=[year.label for year in years],
        terms=sum(len(year.terms) + len(year.half_terms) for year in years),
        loaded_now=loaded_now,
    )


def _touch_routes_planned_from(uow: AbstractUnitOfWork, parsed: _Parsed, stored_bodies: dict[str, Body], new_terms: bool) -> None:
    """Raise the revision of the stored routes this load changes the ground under: those with a step
    at a body whose meetings, lead time or reminders changed (all of them for new term dates, which
    every When is read against). A nightly run that read them before this commits plans them again
    at its save (night_planning.save_night) instead of storing forecasts from the old values."""
    if new_terms:
        uow.documents.touch()
        return
    changed = {b.code for b in parsed.bodies if stored_bodies.get(b.code) is not None and stored_bodies[b.code] != b}
    if changed:
        saved = {d.key for d in parsed.documents}  # saving them raised theirs
        uow.documents.touch(
            d.key for d in uow.documents.list() if d.key not in saved and any(s.body_code in changed for s in d.route.steps)
        )


def _check_links(documents: list[Document], uow: AbstractUnitOfWork, sources: dict[str, str]) -> None:
    """A step that waits for another document's step must name one that is loaded or stored; the
    error names the setup file the waiting document is in (`sources`, by document key)."""
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
                raise LoadError(
                    f"document {document.key!r} waits for {link!r}, but {known}", file=sources.get(document.key), column="waits_for", text=link
                )


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
