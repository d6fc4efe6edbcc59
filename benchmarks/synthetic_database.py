"""Writes synthetic councils (benchmarks/synthetic_councils.py) into a database:

    python benchmarks/synthetic_database.py sqlite:////tmp/councils.sqlite3 --councils 150

`populate(url, councils, method="core")` inserts with SQLAlchemy Core executemany (fast);
`method="repository"` goes through the unit of work and the repositories as the loader does. Both
read back through the repositories identically (tests/benchmarks checks this).
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic_councils import DEFAULT_COUNCILS, DEFAULT_SEED, RECORDED_UNTIL, Council, generate_councils
from governance_model.model import DecisionOutcome, DocumentKind, MeetingStatus, StepKind
from governance_model.when import When


def write_with_repository(uow_factory: Callable[[], object], councils: Iterable[Council]) -> None:
    """Store each council through the unit of work and repository, one transaction per council."""
    for council in councils:
        uow = uow_factory()
        uow.organisation = organisation_of(council)  # each council in its own partition
        with uow:
            for person in council.people:
                uow.people.save(person)
            for body in council.bodies:
                uow.bodies.save(body)
            for document in council.documents:
                uow.documents.save(document)
            for plan in council.plans:
                uow.plans.save(plan)
            for decision in council.decisions:
                uow.documents.add_decision(decision)
            uow.commit()


def _when_values(value: When | None, prefix: str = "when") -> dict:
    """The When's columns, as `governance_model.storage.when_columns.store_when` writes them."""
    if value is None:
        from governance_model.storage.when_columns import when_columns

        return {column: None for column in when_columns(prefix)}
    return {
        f"{prefix}_kind": value.kind,
        f"{prefix}_start": value.start,
        f"{prefix}_end": value.end,
        f"{prefix}_every": value.every,
        f"{prefix}_depends_on": value.depends_on,
        f"{prefix}_tentative": value.tentative,
        f"{prefix}_text": value.text,
        f"{prefix}_estimated": value.estimated,
        f"{prefix}_duration": value.duration,
        f"{prefix}_anchor": value.anchor,
    }


def write_with_core(engine, councils: Iterable[Council]) -> None:
    """Store councils with SQLAlchemy Core executemany into the repository's tables, one council a
    transaction, each in its own partition (organisation `c017` for council C017). Rows hold exactly
    what the repository would write."""
    from governance_model.organisation import CURRENT_ORGANISATION

    for council in councils:
        writing_for = CURRENT_ORGANISATION.set(organisation_of(council))  # the rows' `organisation`
        try:
            _core_batch(engine, [council])
        finally:
            CURRENT_ORGANISATION.reset(writing_for)


def organisation_of(council: Council) -> str:
    """The council's organisation key: its code in lowercase (C017 → c017)."""
    return council.code.lower()


def _core_batch(engine, councils: list[Council]) -> None:
    from sqlalchemy import insert

    from governance_model.storage import tables as t

    def many(table, rows: list[dict], ids: bool = False) -> list[int]:
        if not rows:
            return []
        # Only the columns this schema has (the tables grow with migrations).
        rows = [{k: v for k, v in row.items() if k in table.c} for row in rows]
        if ids:
            statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            return list(connection.execute(statement, rows).scalars())
        connection.execute(insert(table), rows)
        return []

    with engine.begin() as connection:
        many(t.PersonRow.__table__, [
            {"initials": p.initials, "name": p.name, "role": p.role, "email": p.email, "apprise_urls": list(p.apprise_urls)}
            for c in councils for p in c.people
        ])  # fmt: skip

        bodies = [b for c in councils for b in c.bodies]
        body_ids = many(t.BodyRow.__table__, [
            {"code": b.code, "name": b.name, "secretary": b.secretary, "papers_lead_days": b.papers_lead_days,
             "meeting_rule": b.meeting_rule, "exempt": b.exempt}
            for b in bodies
        ], ids=True)  # fmt: skip
        many(t.MeetingRow.__table__, [
            {"key": m.key, "body_id": body_id, "starts_at": m.starts_at, "status": MeetingStatus(m.status).value,
             "location": m.location, "sequence": m.sequence, **_when_values(m.when)}
            for b, body_id in zip(bodies, body_ids) for m in b.meetings
        ])  # fmt: skip

        documents = [d for c in councils for d in c.documents]
        document_ids = many(t.DocumentRow.__table__, [
            {"key": d.key, "title": d.title, "kind": DocumentKind(d.kind).value, "owner": d.owner, "dated": d.dated,
             "exempt": d.exempt}
            for d in documents
        ], ids=True)  # fmt: skip
        many(t.DocumentVersionRow.__table__, [
            {"document_id": doc_id, "ordinal": ordinal, "number": v.number, "label": v.label, "dated": v.dated}
            for d, doc_id in zip(documents, document_ids) for ordinal, v in enumerate(d.versions)
        ])  # fmt: skip
        steps = [(d.key, doc_id, s) for d, doc_id in zip(documents, document_ids) for s in d.route.steps]
        step_ids = many(t.StepRow.__table__, [
            {"document_id": doc_id, "key": s.key, "position": s.position, "kind": StepKind(s.kind).value,
             "title": s.title, "body_code": s.body_code, "owner": s.owner,
             "waits_for": list(s.waits_for) if s.waits_for is not None else None,
             "meeting_key": s.meeting_key, "done_on": s.done_on, **_when_values(s.when)}
            for _, doc_id, s in steps
        ], ids=True)  # fmt: skip
        step_id = {(doc_key, s.key): sid for (doc_key, _, s), sid in zip(steps, step_ids)}
        many(t.DecisionRow.__table__, [
            {"step_id": step_id[(d.document_key, d.step_key)], "body_code": d.body_code,
             "outcome": DecisionOutcome(d.outcome).value, "decided_on": d.decided_on, "meeting_key": d.meeting_key,
             "minute": d.minute, "back_to": d.back_to, "recorded_by": d.recorded_by}
            for c in councils for d in c.decisions
        ])  # fmt: skip

        plans = [p for c in councils for p in c.plans]
        plan_ids = many(t.ActionPlanRow.__table__, [
            {"key": p.key, "title": p.title, "context_date": p.context_date, "source": p.source} for p in plans
        ], ids=True)  # fmt: skip
        recs = [(plan_id, ordinal, r) for p, plan_id in zip(plans, plan_ids) for ordinal, r in enumerate(p.recommendations)]
        rec_ids = many(t.RecommendationRow.__table__, [
            {"plan_id": plan_id, "ordinal": ordinal, "number": r.number, "text": r.text, "owner": r.owner,
             "note": r.note, "merged_with": list(r.merged_with), "aligned_with": list(r.aligned_with)}
            for plan_id, ordinal, r in recs
        ], ids=True)  # fmt: skip
        many(t.ActionRow.__table__, [
            {"recommendation_id": rec_id, "ordinal": ordinal, "position": a.position, "text": a.text, "owner": a.owner,
             **_when_values(a.when)}
            for (_, _, r), rec_id in zip(recs, rec_ids) for ordinal, a in enumerate(r.actions)
        ])  # fmt: skip
        many(t.MeasureRow.__table__, [
            {"recommendation_id": rec_id, "ordinal": ordinal, "position": m.position, "text": m.text}
            for (_, _, r), rec_id in zip(recs, rec_ids) for ordinal, m in enumerate(r.measures)
        ])  # fmt: skip
        many(t.ProgressUpdateRow.__table__, [
            {"plan_id": plan_id, "recommendation_number": u.recommendation_number, "recorded_on": u.recorded_on,
             "action_position": u.action_position, "author": u.author, "done": list(u.done),
             "difference": list(u.difference), "to_develop": list(u.to_develop), "next_steps": list(u.next_steps)}
            for p, plan_id in zip(plans, plan_ids) for u in p.updates
        ])  # fmt: skip


def populate(
    url: str,
    councils: int = DEFAULT_COUNCILS,
    seed: int = DEFAULT_SEED,
    method: str = "core",
    recorded_until: dt.date = RECORDED_UNTIL,
    migrate_first: bool = True,
) -> dict[str, int]:
    """Migrate the database at `url` and write `councils` synthetic councils into it; returns the
    number of each kind of record written."""
    from governance_model.storage import SqlUnitOfWork, make_engine, make_session_factory, migrate

    engine = make_engine(url)
    try:
        if migrate_first:
            migrate(engine)
        totals: dict[str, int] = {}

        def counted() -> Iterator[Council]:
            for council in generate_councils(councils, seed, recorded_until):
                for name, n in council.counts().items():
                    totals[name] = totals.get(name, 0) + n
                yield council

        if method == "core":
            write_with_core(engine, counted())
        elif method == "repository":
            session_factory = make_session_factory(engine)
            write_with_repository(lambda: SqlUnitOfWork(session_factory), counted())
        else:
            raise ValueError(f"unknown method {method!r}: expected 'core' or 'repository'")
        return totals
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="database URL, e.g. sqlite:////tmp/councils.sqlite3")
    parser.add_argument("--councils", type=int, default=DEFAULT_COUNCILS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--method", choices=["core", "repository"], default="core")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    totals = populate(args.url, args.councils, args.seed, args.method)
    seconds = time.perf_counter() - started
    print(f"wrote {args.councils} councils in {seconds:.1f} s ({args.method}): "
          + ", ".join(f"{n} {name}" for name, n in totals.items()))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
