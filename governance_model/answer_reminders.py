"""The secretary's reminder of a "done" awaiting their confirmation (issue 17): one per answer, owed on
the first night on or after the day it was answered, to the secretary of the body that asked for
confirmation; its digest lists it under "Answers awaiting your confirmation". Its key names the
answer, so the outbox sends it once. Pure."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from governance_model.model import Body, Document
from governance_model.owner_answers import AWAITING, CONFIRMATION_RULE, AwaitingAnswer, ItemRef, answer_words
from governance_model.reminders import Reminder, ReminderItem


def confirmation_reminders(
    answers: Iterable[AwaitingAnswer], documents: Iterable[Document], bodies: Iterable[Body], nights: Iterable[dt.date]
) -> list[Reminder]:
    """The reminders owed over `nights` for the answers still awaiting confirmation."""
    nights = sorted(nights)
    if not nights:
        return []
    by_code = {b.code: b for b in bodies}
    by_key = {d.key: d for d in documents}
    owed = []
    for answer in answers:
        body = by_code.get(answer.body_code)
        ref = ItemRef.parse(answer.item_key)
        document = by_key.get(ref.parent)
        step = next((s for s in document.route.steps if s.key == ref.step_key), None) if document else None
        night = max(answer.answered_on, nights[0])
        if answer.status != AWAITING or body is None or not body.secretary or step is None or night > nights[-1]:
            continue
        item = ReminderItem(
            kind="answer",
            key=f"answer:{answer.id}",
            title=step.title,
            context=f"{document.title}: {answer_words(answer)}",
            body_code=body.code,
            deadline=answer.answered_on,
            when_text=step.when.shown if step.when else "",
        )
        owed.append(Reminder(body.secretary, item, CONFIRMATION_RULE, night))
    return owed
