"""Action plans, their recommendations, actions, measures and progress updates in SQL."""
from __future__ import annotations

from operator import attrgetter

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, selectinload

from governance_model.errors import ModelError
from governance_model.model import Action, ActionPlan, Measure, ProgressUpdate, RagTolerances, Recommendation
from governance_model.strategy import Serves
from governance_model.repository_rules import check_plan, check_update, stored_reminder_days, updates_to_add
from governance_model.storage.sql.common import (
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
from governance_model.storage.sql.owner_answers import expected_dates
from governance_model.storage.tables import (
    ActionPlanRow,
    ActionRow,
    MeasureRow,
    ProgressUpdateRow,
    RecommendationRow,
)
from governance_model.storage.when_columns import store_when


class SqlPlanRepository(SqlRepository):
    """Action plans by key; progress updates are only ever added."""

    def save(self, plan: ActionPlan) -> None:
        """Upsert by key; recommendations, actions and measures become exactly those given.

        Progress updates are only ever added: those in `plan.updates` that are not stored yet are
        added, and stored ones missing from `plan.updates` stay.
        """
        check_plan(plan)
        self._hold_setup_lock()
        row = self.session.scalar(
            select(ActionPlanRow).where(ActionPlanRow.key == plan.key).options(*_PLAN_LOADS)
        )
        if row is None:
            row = ActionPlanRow(key=plan.key)
            self.session.add(row)
        row.title = plan.title
        row.context_date = plan.context_date
        row.source = plan.source
        row.owner = plan.owner
        row.strategy = plan.strategy
        reminder_days = stored_reminder_days(plan.reminder_days, f"plan {plan.key!r}")
        row.reminder_days = list(reminder_days) if reminder_days is not None else None
        tolerances = plan.rag_tolerances
        row.rag_at_risk_within_days = tolerances.at_risk_within_days if tolerances else None
        row.rag_stale_after_days = tolerances.stale_after_days if tolerances else None
        row.revision = (row.revision or 0) + 1

        recommendations = {r.number: r for r in row.recommendations}
        rec_rows = []
        for ordinal, rec in enumerate(plan.recommendations):
            rec_row = recommendations.get(rec.number) or RecommendationRow(number=rec.number)
            rec_row.ordinal = ordinal
            rec_row.text = rec.text
            rec_row.owner = rec.owner
            rec_row.note = rec.note
            rec_row.merged_with = list(rec.merged_with)
            rec_row.aligned_with = list(rec.aligned_with)
            rec_row.serves = rec.serves.as_dict() or None
            _replace_actions(rec_row, rec.actions)
            _replace_measures(rec_row, rec.measures)
            rec_rows.append(rec_row)
        row.recommendations = rec_rows

        stored = [_update(u) for u in row.updates]
        for update in updates_to_add(stored, plan.updates):
            row.updates.append(_update_row(update))
        row.revision = (row.revision or 0) + 1
        self.session.flush()

    def revisions(self, *, lock: bool = False) -> dict[str, int]:
        """Every plan's revision, by key: raised by a save and by each progress update.
        With `lock`, no other unit of work can change one until this one ends."""
        return read_revisions(self.session, ActionPlanRow, lock)

    def touch(self) -> None:
        """Raise every plan's revision: something they are reminded from changed (a condition met)."""
        raise_revisions(self.session, ActionPlanRow)

    def add_update(self, plan_key: str, update: ProgressUpdate) -> None:
        """Add one dated progress record to a plan; nothing is ever overwritten."""
        row = self.session.scalar(
            select(ActionPlanRow)
            .where(ActionPlanRow.key == plan_key)
            .options(selectinload(ActionPlanRow.recommendations).selectinload(RecommendationRow.actions))
        )
        if row is None:
            raise ModelError(f"no action plan {plan_key!r}")
        check_update(plan_key, update, {r.number: r for r in row.recommendations})
        row.updates.append(_update_row(update))
        self.session.flush()

    def get(self, key: str) -> ActionPlan | None:
        plans = _load_plans(self.session, ActionPlanRow.key == key)
        return plans[0] if plans else None

    def list(self) -> list[ActionPlan]:
        return _load_plans(self.session)


_PLAN_LOADS = (
    selectinload(ActionPlanRow.recommendations).selectinload(RecommendationRow.actions),
    selectinload(ActionPlanRow.recommendations).selectinload(RecommendationRow.measures),
    selectinload(ActionPlanRow.updates),
)


@bulk_load
def _load_plans(session: Session, where: ColumnElement[bool] | None = None) -> list[ActionPlan]:
    """The plans (`where` selects them: a condition on ActionPlanRow) with their recommendations,
    actions, measures and updates: one SELECT of plain columns per table."""
    texts = JsonTexts()
    query = select(
        ActionPlanRow.id,
        ActionPlanRow.key,
        ActionPlanRow.title,
        ActionPlanRow.context_date,
        ActionPlanRow.source,
        ActionPlanRow.owner,
        json_text(ActionPlanRow.reminder_days),
        ActionPlanRow.rag_at_risk_within_days,
        ActionPlanRow.rag_stale_after_days,
        ActionPlanRow.strategy,
    )
    if where is not None:
        query = query.where(where)
    plans = {
        id_: ActionPlan(
            key=key,
            title=title,
            context_date=context_date,
            source=source,
            owner=owner,
            reminder_days=tuple_or_none(texts[reminder_days]),
            rag_tolerances=_tolerances(at_risk, stale),
            strategy=strategy,
        )
        for id_, key, title, context_date, source, owner, reminder_days, at_risk, stale, strategy in plain_rows(session, query)
    }
    if not plans:
        return []

    recommendations_query = select(
        RecommendationRow.id,
        RecommendationRow.plan_id,
        RecommendationRow.number,
        RecommendationRow.text,
        RecommendationRow.owner,
        RecommendationRow.note,
        json_text(RecommendationRow.merged_with),
        json_text(RecommendationRow.aligned_with),
        json_text(RecommendationRow.serves),
    ).order_by(RecommendationRow.plan_id, RecommendationRow.ordinal)
    actions = select(
        ActionRow.recommendation_id,
        ActionRow.position,
        ActionRow.text,
        ActionRow.owner,
        ActionRow.done_on,
        json_text(ActionRow.serves),
        *when_of(ActionRow),
    ).order_by(ActionRow.recommendation_id, ActionRow.ordinal)
    measures = select(MeasureRow.recommendation_id, MeasureRow.position, MeasureRow.text).order_by(
        MeasureRow.recommendation_id, MeasureRow.ordinal
    )
    updates = select(
        ProgressUpdateRow.plan_id,
        ProgressUpdateRow.recommendation_number,
        ProgressUpdateRow.recorded_on,
        json_text(ProgressUpdateRow.done),
        json_text(ProgressUpdateRow.difference),
        json_text(ProgressUpdateRow.to_develop),
        json_text(ProgressUpdateRow.next_steps),
        ProgressUpdateRow.action_position,
        ProgressUpdateRow.author,
        ProgressUpdateRow.action_complete,
    ).order_by(ProgressUpdateRow.recorded_on, ProgressUpdateRow.id)
    if where is not None:
        recommendations_query = recommendations_query.join(
            ActionPlanRow, RecommendationRow.plan_id == ActionPlanRow.id
        ).where(where)
        actions = (
            actions.join(RecommendationRow, ActionRow.recommendation_id == RecommendationRow.id)
            .join(ActionPlanRow, RecommendationRow.plan_id == ActionPlanRow.id)
            .where(where)
        )
        measures = (
            measures.join(RecommendationRow, MeasureRow.recommendation_id == RecommendationRow.id)
            .join(ActionPlanRow, RecommendationRow.plan_id == ActionPlanRow.id)
            .where(where)
        )
        updates = updates.join(ActionPlanRow, ProgressUpdateRow.plan_id == ActionPlanRow.id).where(where)

    recommendations: dict[int, Recommendation] = {}
    for id_, plan_id, number, text, owner, note, merged_with, aligned_with, serves in plain_rows(session, recommendations_query):
        plan = plans.get(plan_id)
        if plan is not None:
            recommendation = Recommendation(
                number=number,
                text=text,
                owner=owner,
                note=note,
                merged_with=list(texts[merged_with]),
                aligned_with=list(texts[aligned_with]),
                serves=Serves.from_dict(texts[serves]),
            )
            plan.recommendations.append(recommendation)
            recommendations[id_] = recommendation
    whens = Whens()
    for row in plain_rows(session, actions):
        recommendation_id, position, text, owner, done_on, serves = row[:6]
        recommendation = recommendations.get(recommendation_id)
        if recommendation is not None:
            recommendation.actions.append(
                Action(position=position, text=text, when=whens[row[6:]], owner=owner, done_on=done_on, serves=Serves.from_dict(texts[serves]))
            )
    for recommendation_id, position, text in plain_rows(session, measures):
        recommendation = recommendations.get(recommendation_id)
        if recommendation is not None:
            recommendation.measures.append(Measure(position=position, text=text))
    for plan_id, number, recorded_on, done, difference, to_develop, next_steps, action_position, author, complete in (
        plain_rows(session, updates)
    ):
        plan = plans.get(plan_id)
        if plan is not None:
            plan.updates.append(
                ProgressUpdate(
                    recommendation_number=number,
                    recorded_on=recorded_on,
                    done=list(texts[done]),
                    difference=list(texts[difference]),
                    to_develop=list(texts[to_develop]),
                    next_steps=list(texts[next_steps]),
                    action_position=action_position,
                    author=author,
                    action_complete=bool(complete),
                )
            )
    expected = expected_dates(session, "action:")  # what owners said since: kept apart, so a reload keeps it
    for plan in plans.values():
        if any(update.action_complete for update in plan.updates):  # otherwise every done_on stays as stored
            plan.apply_completions()
        for rec in plan.recommendations if expected else ():
            for action in rec.actions:
                action.expected = expected.get(f"action:{plan.key}/{rec.number}/{action.position}")
    return sorted(plans.values(), key=attrgetter("key"))


def _tolerances(at_risk_within_days: int | None, stale_after_days: int | None) -> RagTolerances | None:
    if at_risk_within_days is None and stale_after_days is None:
        return None
    defaults = RagTolerances()
    return RagTolerances(
        at_risk_within_days=defaults.at_risk_within_days if at_risk_within_days is None else at_risk_within_days,
        stale_after_days=defaults.stale_after_days if stale_after_days is None else stale_after_days,
    )


def _replace_actions(rec_row: RecommendationRow, actions: list[Action]) -> None:
    # Rows are reused by place in the list, so ids stay put when only the words change.
    old = sorted(rec_row.actions, key=lambda a: a.ordinal)
    rows = []
    for ordinal, action in enumerate(actions):
        action_row = old[ordinal] if ordinal < len(old) else ActionRow()
        action_row.ordinal = ordinal
        action_row.position = action.position
        action_row.text = action.text
        action_row.owner = action.owner
        action_row.done_on = action.done_on
        action_row.serves = action.serves.as_dict() or None
        store_when(action_row, action.when)
        rows.append(action_row)
    rec_row.actions = rows


def _replace_measures(rec_row: RecommendationRow, measures: list[Measure]) -> None:
    old = sorted(rec_row.measures, key=lambda m: m.ordinal)
    rows = []
    for ordinal, measure in enumerate(measures):
        measure_row = old[ordinal] if ordinal < len(old) else MeasureRow()
        measure_row.ordinal = ordinal
        measure_row.position = measure.position
        measure_row.text = measure.text
        rows.append(measure_row)
    rec_row.measures = rows


def _update_row(update: ProgressUpdate) -> ProgressUpdateRow:
    return ProgressUpdateRow(
        recommendation_number=update.recommendation_number,
        recorded_on=update.recorded_on,
        action_position=update.action_position,
        author=update.author,
        action_complete=update.action_complete,
        done=list(update.done),
        difference=list(update.difference),
        to_develop=list(update.to_develop),
        next_steps=list(update.next_steps),
    )


def _update(row: ProgressUpdateRow) -> ProgressUpdate:
    return ProgressUpdate(
        recommendation_number=row.recommendation_number,
        recorded_on=row.recorded_on,
        done=list(row.done),
        difference=list(row.difference),
        to_develop=list(row.to_develop),
        next_steps=list(row.next_steps),
        action_position=row.action_position,
        author=row.author,
        action_complete=bool(row.action_complete),
    )
