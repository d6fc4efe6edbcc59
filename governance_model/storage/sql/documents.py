"""Documents, their routes and what happens on them (steps done, decisions, forecasts, re-forecasts) in SQL."""
from __future__ import annotations

import datetime as dt
from operator import attrgetter, itemgetter
from typing import Iterable

from sqlalchemy import ColumnElement, insert, select, update
from sqlalchemy.orm import Session, selectinload

from governance_model.errors import ModelError
from governance_model.reasons import Reason
from governance_model.model import (
    Decision,
    DecisionOutcome,
    Document,
    DocumentKind,
    DocumentVersion,
    ForecastChange,
    Step,
    StepForecast,
    StepKind,
    StepState,
)
from governance_model.repository_rules import (
    check_document,
    latest_forecasts,
    no_step,
    step_order,
    unknown_steps,
)
from governance_model.storage.sql.common import (
    IN_LIST_LIMIT,
    JsonTexts,
    SqlRepository,
    Whens,
    bulk_load,
    json_text,
    plain_rows,
    raise_revisions,
    read_revisions,
    tuple_or_none,
    when_of,
)
from governance_model.storage.sql.frameworks import framework_json, framework_of
from governance_model.storage.sql.owner_answers import expected_dates
from governance_model.storage.tables import (
    DecisionRow,
    DocumentRow,
    DocumentVersionRow,
    ForecastChangeRow,
    StepForecastRow,
    StepRow,
)
from governance_model.storage.when_columns import store_when


class SqlDocumentRepository(SqlRepository):
    """Documents with their routes, decisions, step forecasts and re-forecast history."""

    def save(self, document: Document) -> None:
        """Upsert by key; versions and steps become exactly those given (steps keep their ids by key)."""
        check_document(document)
        self._hold_setup_lock()
        row = self.session.scalar(
            select(DocumentRow)
            .where(DocumentRow.key == document.key)
            .options(selectinload(DocumentRow.versions), selectinload(DocumentRow.steps))
        )
        if row is None:
            row = DocumentRow(key=document.key)
            self.session.add(row)
        row.title = document.title
        row.kind = DocumentKind(document.kind).value
        row.owner = document.owner
        row.dated = document.dated
        row.exempt = document.exempt
        row.framework = framework_json(document.framework)
        row.revision = (row.revision or 0) + 1

        versions = {v.number: v for v in row.versions}
        version_rows = []
        for ordinal, version in enumerate(document.versions):
            version_row = versions.get(version.number) or DocumentVersionRow(number=version.number)
            version_row.ordinal = ordinal
            version_row.label = version.label
            version_row.dated = version.dated
            version_rows.append(version_row)
        row.versions = version_rows

        steps = {s.key: s for s in row.steps}
        kept = {s.key for s in document.route.steps}
        dropped = [s for key, s in steps.items() if key not in kept]
        if dropped:
            decided = self.session.scalars(
                select(StepRow.key).join(DecisionRow, DecisionRow.step_id == StepRow.id)
                .where(StepRow.id.in_([s.id for s in dropped]))
                .distinct()
            ).all()
            if decided:
                raise ModelError(
                    f"document {document.key!r}: steps {', '.join(sorted(decided))} have decisions "
                    "recorded and cannot be removed from the route"
                )
        step_rows = []
        for step in document.route.steps:
            step_row = steps.get(step.key) or StepRow(key=step.key)
            step_row.position = step.position
            step_row.kind = StepKind(step.kind).value
            step_row.title = step.title
            step_row.body_code = step.body_code
            step_row.owner = step.owner
            step_row.waits_for = list(step.waits_for) if step.waits_for is not None else None
            step_row.meeting_key = step.meeting_key
            step_row.done_on = step.done_on
            step_row.advisory = bool(step.advisory)
            store_when(step_row, step.when)
            step_rows.append(step_row)
        row.steps = step_rows
        self.session.flush()

    def get(self, key: str) -> Document | None:
        documents = _load_documents(self.session, DocumentRow.key == key)
        return documents[0] if documents else None

    def list(self) -> list[Document]:
        return _load_documents(self.session)

    def set_step_done(self, document_key: str, step_key: str, done_on: dt.date | None) -> None:
        """Record the day a step was done (None: not done after all)."""
        step_id = self._step_id(document_key, step_key)
        if step_id is None:
            raise no_step(document_key, step_key)
        self.session.execute(update(StepRow).where(StepRow.id == step_id).values(done_on=done_on))
        self.touch([document_key])

    def _step_id(self, document_key: str, step_key: str) -> int | None:
        return self.session.scalar(
            select(StepRow.id)
            .join(DocumentRow, StepRow.document_id == DocumentRow.id)
            .where(DocumentRow.key == document_key, StepRow.key == step_key)
        )

    def add_decision(self, decision: Decision) -> None:
        step_id = self._step_id(decision.document_key, decision.step_key)
        if step_id is None:
            raise ModelError(
                f"cannot record a decision on step {decision.step_key!r} of document "
                f"{decision.document_key!r}: no such step"
            )
        self.session.add(
            DecisionRow(
                step_id=step_id,
                body_code=decision.body_code,
                outcome=DecisionOutcome(decision.outcome).value,
                decided_on=decision.decided_on,
                meeting_key=decision.meeting_key,
                minute=decision.minute,
                back_to=decision.back_to,
                recorded_by=decision.recorded_by,
            )
        )
        self.session.flush()
        self.touch([decision.document_key])

    def revisions(self, *, lock: bool = False) -> dict[str, int]:
        """Every document's revision, by key: raised by each stored change that can move its route.
        With `lock`, no other unit of work can change one until this one ends."""
        return read_revisions(self.session, DocumentRow, lock)

    def touch(self, document_keys: Iterable[str] | None = None) -> None:
        """Raise the revision of these documents (all of them without keys): something they are
        planned from changed (a meeting of their bodies, a condition)."""
        if document_keys is None:
            raise_revisions(self.session, DocumentRow)
            return
        keys = sorted(set(document_keys))
        for start in range(0, len(keys), IN_LIST_LIMIT):
            raise_revisions(self.session, DocumentRow, DocumentRow.key.in_(keys[start : start + IN_LIST_LIMIT]))

    @bulk_load
    def list_decisions(self, document_key: str | None = None) -> list[Decision]:
        """Decisions ordered by the day they were taken, then the order they were recorded."""
        query = (
            select(
                DocumentRow.key,
                StepRow.key,
                DecisionRow.body_code,
                DecisionRow.outcome,
                DecisionRow.decided_on,
                DecisionRow.meeting_key,
                DecisionRow.minute,
                DecisionRow.back_to,
                DecisionRow.recorded_by,
            )
            .select_from(DecisionRow)
            .join(StepRow, DecisionRow.step_id == StepRow.id)
            .join(DocumentRow, StepRow.document_id == DocumentRow.id)
            .order_by(DecisionRow.decided_on, DecisionRow.id)
        )
        if document_key is not None:
            query = query.where(DocumentRow.key == document_key)
        outcomes = _OUTCOMES
        return [
            Decision(
                document_key=doc_key,
                step_key=step_key,
                body_code=body_code,
                outcome=outcomes[outcome],
                decided_on=decided_on,
                meeting_key=meeting_key,
                minute=minute,
                back_to=back_to,
                recorded_by=recorded_by,
            )
            for doc_key, step_key, body_code, outcome, decided_on, meeting_key, minute, back_to, recorded_by in (
                plain_rows(self.session, query)
            )
        ]

    def save_forecasts(self, forecasts: Iterable[StepForecast]) -> None:
        """Upsert one forecast per step, by (document key, step key), in bulk.

        A forecast for a step that is in no stored route raises ModelError before anything is
        written. The step ids are found with one query and the rows go in with one executemany
        INSERT … ON CONFLICT (step_id) DO UPDATE."""
        latest = latest_forecasts(forecasts)
        if not latest:
            return
        step_ids = self._step_ids({document_key for document_key, _ in latest})
        missing = [key for key in latest if key not in step_ids]
        if missing:
            raise unknown_steps(missing)
        rows = [
            {
                "step_id": step_ids[key],
                "state": StepState(forecast.state).value,
                "date": forecast.date,
                "meeting_key": forecast.meeting_key,
                "tentative": bool(forecast.tentative),
                "reason": forecast.reason,
                "at_risk": bool(forecast.at_risk),
                "why": forecast.why.to_json() if forecast.why else None,
            }
            for key, forecast in latest.items()
        ]
        self.session.execute(self._upsert(StepForecastRow.__table__, "step_id"), rows)

    def _step_ids(self, document_keys: set[str]) -> dict[tuple[str, str], int]:
        """The ids of the steps of these documents, by (document key, step key), in one query (all
        steps when there are many documents: cheaper than a long IN list, and no bind limits)."""
        query = (
            select(DocumentRow.key, StepRow.key, StepRow.id)
            .select_from(StepRow)
            .join(DocumentRow, StepRow.document_id == DocumentRow.id)
        )
        if len(document_keys) <= IN_LIST_LIMIT:
            query = query.where(DocumentRow.key.in_(sorted(document_keys)))
        return {(document_key, step_key): id_ for document_key, step_key, id_ in plain_rows(self.session, query)}

    @bulk_load
    def list_forecasts(self, document_key: str | None = None) -> list[StepForecast]:
        """The stored forecasts (of one document, or all), by document key, step position and key."""
        query = (
            select(
                DocumentRow.key,
                StepRow.key,
                StepRow.position,
                StepForecastRow.state,
                StepForecastRow.date,
                StepForecastRow.meeting_key,
                StepForecastRow.tentative,
                StepForecastRow.reason,
                StepForecastRow.at_risk,
                StepForecastRow.why,
            )
            .select_from(StepForecastRow)
            .join(StepRow, StepForecastRow.step_id == StepRow.id)
            .join(DocumentRow, StepRow.document_id == DocumentRow.id)
        )
        if document_key is not None:
            query = query.where(DocumentRow.key == document_key)
        states = _STATES
        rows = sorted(plain_rows(self.session, query), key=itemgetter(0, 2, 1))
        return [
            StepForecast(
                document_key=doc_key,
                step_key=step_key,
                state=states[state],
                date=date,
                meeting_key=meeting_key,
                tentative=bool(tentative),
                reason=reason,
                at_risk=bool(at_risk),
                why=Reason.from_json(why),
            )
            for doc_key, step_key, _, state, date, meeting_key, tentative, reason, at_risk, why in rows
        ]

    def add_forecast_changes(self, changes: Iterable[ForecastChange]) -> None:
        """Add re-forecast records, in bulk and in the order given; none is changed or removed."""
        rows = [
            {
                "document_key": change.document_key,
                "step_key": change.step_key,
                "old_date": change.old_date,
                "new_date": change.new_date,
                "reason": change.reason,
                "recorded_on": change.recorded_on,
                "why": change.why.to_json() if change.why else None,
            }
            for change in changes
        ]
        if rows:
            self.session.execute(insert(ForecastChangeRow.__table__), rows)

    @bulk_load
    def list_forecast_changes(self, document_key: str | None = None) -> list[ForecastChange]:
        """Re-forecast records ordered by `recorded_on`, then the order they were added."""
        query = select(
            ForecastChangeRow.document_key,
            ForecastChangeRow.step_key,
            ForecastChangeRow.old_date,
            ForecastChangeRow.new_date,
            ForecastChangeRow.reason,
            ForecastChangeRow.recorded_on,
            ForecastChangeRow.why,
        ).order_by(ForecastChangeRow.recorded_on, ForecastChangeRow.id)
        if document_key is not None:
            query = query.where(ForecastChangeRow.document_key == document_key)
        return [
            ForecastChange(
                document_key=document_key,
                step_key=step_key,
                old_date=old_date,
                new_date=new_date,
                reason=reason,
                recorded_on=recorded_on,
                why=Reason.from_json(why),
            )
            for document_key, step_key, old_date, new_date, reason, recorded_on, why in plain_rows(self.session, query)
        ]


_DOCUMENT_KINDS = {kind.value: kind for kind in DocumentKind}


_STEP_KINDS = {kind.value: kind for kind in StepKind}


_OUTCOMES = {outcome.value: outcome for outcome in DecisionOutcome}


_STATES = {state.value: state for state in StepState}


@bulk_load
def _load_documents(session: Session, where: ColumnElement[bool] | None = None) -> list[Document]:
    """The documents (`where` selects them: a condition on DocumentRow) with their versions and
    steps: one SELECT of plain columns per table, each row made into its object once."""
    query = select(
        DocumentRow.id,
        DocumentRow.key,
        DocumentRow.title,
        DocumentRow.kind,
        DocumentRow.owner,
        DocumentRow.dated,
        DocumentRow.exempt,
        json_text(DocumentRow.framework),
    )
    if where is not None:
        query = query.where(where)
    kinds = _DOCUMENT_KINDS
    texts = JsonTexts()
    documents = {
        id_: Document(
            key=key, title=title, kind=kinds[kind], owner=owner, dated=dated, exempt=exempt, framework=framework_of(texts[framework])
        )
        for id_, key, title, kind, owner, dated, exempt, framework in plain_rows(session, query)
    }
    if not documents:
        return []

    versions = select(
        DocumentVersionRow.document_id, DocumentVersionRow.number, DocumentVersionRow.label, DocumentVersionRow.dated
    ).order_by(DocumentVersionRow.document_id, DocumentVersionRow.ordinal)
    steps = select(
        StepRow.document_id,
        StepRow.key,
        StepRow.position,
        StepRow.kind,
        StepRow.title,
        StepRow.body_code,
        StepRow.owner,
        json_text(StepRow.waits_for),
        StepRow.meeting_key,
        StepRow.done_on,
        StepRow.advisory,
        *when_of(StepRow),
    )
    if where is not None:
        versions = versions.join(DocumentRow, DocumentVersionRow.document_id == DocumentRow.id).where(where)
        steps = steps.join(DocumentRow, StepRow.document_id == DocumentRow.id).where(where)
    for document_id, number, label, dated in plain_rows(session, versions):
        document = documents.get(document_id)
        if document is not None:
            document.versions.append(DocumentVersion(number=number, label=label, dated=dated))
    step_kinds, whens, waits = _STEP_KINDS, Whens(), JsonTexts()
    for row in plain_rows(session, steps):
        document_id, key, position, kind, title, body_code, owner, waits_for, meeting_key, done_on, advisory = row[:11]
        document = documents.get(document_id)
        if document is not None:
            document.route.steps.append(
                Step(
                    key=key,
                    position=position,
                    kind=step_kinds[kind],
                    title=title,
                    body_code=body_code,
                    when=whens[row[11:]],
                    owner=owner,
                    waits_for=tuple_or_none(waits[waits_for]),
                    meeting_key=meeting_key,
                    done_on=done_on,
                    advisory=bool(advisory),
                )
            )
    expected = expected_dates(session, "step:")  # what owners said since: kept apart, so a reload keeps it
    for document in documents.values():
        document.route.steps.sort(key=step_order)
        for step in document.route.steps if expected else ():
            step.expected = expected.get(f"step:{document.key}/{step.key}")
    return sorted(documents.values(), key=attrgetter("key"))
