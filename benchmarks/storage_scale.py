"""How long the storage layer takes to load and save a national-scale night, on SQLite by default.

    .venv/bin/python benchmarks/storage_scale.py                    # a fresh SQLite file in a temp dir
    .venv/bin/python benchmarks/storage_scale.py postgresql+psycopg://postgres@127.0.0.1:5432/test

6,250 documents × 8 steps (so 50,000 step forecasts), 3,000 bodies × 10 meetings, 20,000 decisions
and 2,250 plans × 60 actions. The tables are filled with plain bulk inserts (fast, and not what is
measured); then each repository read and the forecast saves are timed. A PostgreSQL run works in a
schema of its own and drops it afterwards.
"""
from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import insert, make_url, text
from sqlalchemy.pool import NullPool

from governance_model.model import StepForecast, StepState
from governance_model.storage import SqlUnitOfWork, make_engine, make_session_factory, migrate
from governance_model.storage.tables import (
    ActionPlanRow,
    ActionRow,
    BodyRow,
    DecisionRow,
    DocumentRow,
    DocumentVersionRow,
    MeasureRow,
    MeetingRow,
    ProgressUpdateRow,
    RecommendationRow,
    StepRow,
)

DOCUMENTS, STEPS = 6_250, 8  # 50,000 steps, so 50,000 forecasts
BODIES, MEETINGS = 3_000, 10
DECISIONS = 20_000
PLANS, RECOMMENDATIONS, ACTIONS_PER_RECOMMENDATION = 2_250, 10, 6
UTC = dt.timezone.utc
WHEN = dict(when_kind="window", when_start=dt.date(2022, 3, 1), when_end=dt.date(2022, 3, 31),
            when_every=None, when_depends_on=None, when_tentative=True, when_text="TBC March 22")


def seed(session_factory) -> None:
    with session_factory() as session, session.begin():
        run = session.connection().execute
        run(insert(BodyRow.__table__), [
            dict(id=b, code=f"B{b:05}", name=f"Body {b}", secretary="LM", papers_lead_days=5, meeting_rule=None, exempt=False)
            for b in range(1, BODIES + 1)
        ])
        start = dt.datetime(2022, 1, 3, 10, 0, tzinfo=UTC)
        run(insert(MeetingRow.__table__), [
            dict(id=(b - 1) * MEETINGS + m + 1, key=f"B{b:05}-{m:02}", body_id=b,
                 starts_at=None if m == 9 else start + dt.timedelta(days=30 * m + b % 7),
                 status="scheduled", location="Civic Centre",
                 **(WHEN if m == 9 else dict.fromkeys(WHEN)))
            for b in range(1, BODIES + 1) for m in range(MEETINGS)
        ])
        run(insert(DocumentRow.__table__), [
            dict(id=d, key=f"doc-{d:05}", title=f"Strategy {d}", kind="strategy", owner="GB",
                 dated=dt.date(2021, 9, 1), exempt=False)
            for d in range(1, DOCUMENTS + 1)
        ])
        run(insert(DocumentVersionRow.__table__), [
            dict(document_id=d, ordinal=v, number=11 + v, label=f"Version {11 + v}", dated=dt.date(2022, 1, 1))
            for d in range(1, DOCUMENTS + 1) for v in range(2)
        ])
        run(insert(StepRow.__table__), [
            dict(id=(d - 1) * STEPS + s + 1, document_id=d, key=f"step-{s}", position=s + 1, kind="review",
                 title=f"Step {s}", body_code=f"B{d % BODIES + 1:05}", owner="GB",
                 waits_for=None if s else [], meeting_key=f"B{d % BODIES + 1:05}-{s:02}", done_on=None, **WHEN)
            for d in range(1, DOCUMENTS + 1) for s in range(STEPS)
        ])
        run(insert(DecisionRow.__table__), [
            dict(step_id=i % (DOCUMENTS * STEPS) + 1, body_code="B00001", outcome="approved",
                 decided_on=dt.date(2022, 3, 7), meeting_key="B00001-02", minute="RESOLVED that it be approved.")
            for i in range(DECISIONS)
        ])
        run(insert(ActionPlanRow.__table__), [
            dict(id=p, key=f"plan-{p:05}", title=f"Plan {p}", context_date=dt.date(2022, 1, 1), source="seed")
            for p in range(1, PLANS + 1)
        ])
        run(insert(RecommendationRow.__table__), [
            dict(id=(p - 1) * RECOMMENDATIONS + r + 1, plan_id=p, ordinal=r, number=str(r + 1), text="Do better",
                 owner="GB", note="", merged_with=[], aligned_with=["1"])
            for p in range(1, PLANS + 1) for r in range(RECOMMENDATIONS)
        ])
        recommendations = range(1, PLANS * RECOMMENDATIONS + 1)
        run(insert(ActionRow.__table__), [
            dict(recommendation_id=r, ordinal=a, position=a + 1, text="An action", owner="BM", **WHEN)
            for r in recommendations for a in range(ACTIONS_PER_RECOMMENDATION)
        ])
        run(insert(MeasureRow.__table__), [
            dict(recommendation_id=r, ordinal=m, position=m + 1, text="A measure")
            for r in recommendations for m in range(2)
        ])
        run(insert(ProgressUpdateRow.__table__), [
            dict(plan_id=p, recommendation_number="1", recorded_on=dt.date(2022, 2, 1), action_position=1,
                 author="GB", done=["a"], difference=[], to_develop=[], next_steps=["b"])
            for p in range(1, PLANS + 1) for _ in range(2)
        ])


def forecasts(moved: bool) -> list[StepForecast]:
    return [
        StepForecast(f"doc-{d:05}", f"step-{s}", StepState.SCHEDULED, dt.date(2022, 3, 7 + (s if moved else 0)),
                     f"B{d % BODIES + 1:05}-{s:02}", tentative=moved, reason="the next SSPB meeting")
        for d in range(1, DOCUMENTS + 1) for s in range(STEPS)
    ]


@contextmanager
def timed(label: str, results: dict[str, float]):
    started = time.perf_counter()
    yield
    results[label] = time.perf_counter() - started


def measure(url: str) -> dict[str, float]:
    migrate(url)
    engine = make_engine(url)
    session_factory = make_session_factory(engine)
    results: dict[str, float] = {}
    try:
        with timed("seed (bulk inserts, not the repository)", results):
            seed(session_factory)
        uow = SqlUnitOfWork(session_factory)
        with uow:
            with timed("documents.list", results):
                documents = uow.documents.list()
            with timed("bodies.list", results):
                bodies = uow.bodies.list()
            with timed("documents.list_decisions", results):
                decisions = uow.documents.list_decisions()
            with timed("plans.list", results):
                plans = uow.plans.list()
        assert len(documents) == DOCUMENTS and sum(len(d.route.steps) for d in documents) == DOCUMENTS * STEPS
        assert len(bodies) == BODIES and sum(len(b.meetings) for b in bodies) == BODIES * MEETINGS
        assert len(decisions) == DECISIONS
        assert sum(len(r.actions) for p in plans for r in p.recommendations) == PLANS * RECOMMENDATIONS * ACTIONS_PER_RECOMMENDATION
        first, second = forecasts(moved=False), forecasts(moved=True)
        with uow:
            with timed(f"documents.save_forecasts, {len(first):,} new (+ commit)", results):
                uow.documents.save_forecasts(first)
                uow.commit()
        with uow:
            with timed(f"documents.save_forecasts, {len(second):,} changed (+ commit)", results):
                uow.documents.save_forecasts(second)
                uow.commit()
        with uow:
            with timed("documents.list_forecasts", results):
                stored = uow.documents.list_forecasts()
        assert len(stored) == len(second) and set(stored) == set(second)
    finally:
        engine.dispose()
    return results


def main() -> None:
    target = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    if target == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            results = measure(f"sqlite:///{Path(folder) / 'scale.sqlite3'}")
    else:
        server = make_url(target)
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        admin = make_engine(server, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            results = measure(server.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False))
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()
    for label, seconds in results.items():
        print(f"{label:45} {seconds:7.2f} s")
    reads = sum(results[k] for k in ("documents.list", "bodies.list", "plans.list"))
    print(f"{'documents.list + bodies.list + plans.list':45} {reads:7.2f} s")


if __name__ == "__main__":
    main()
