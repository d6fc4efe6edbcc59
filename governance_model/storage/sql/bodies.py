"""Bodies and their meetings in SQL."""
from __future__ import annotations

import datetime as dt
from operator import attrgetter
from typing import Any

from sqlalchemy import ColumnElement, select, type_coerce
from sqlalchemy.orm import Session, joinedload

from governance_model.errors import ModelError
from governance_model.meeting_sources import MeetingSource, PublishedPaper, SourceKind
from governance_model.model import Body, Meeting, MeetingStatus
from governance_model.repository_rules import (
    LONDON,
    check_body,
    check_meeting,
    check_meeting_body,
    check_source_ids,
    kept_source_fields,
    meeting_order,
    no_meeting,
    stored_reminder_days,
)
from governance_model.storage.sql.common import (
    JsonTexts,
    SqlRepository,
    Whens,
    bulk_load,
    json_text,
    plain_rows,
    tuple_or_none,
    when_of,
)
from governance_model.storage.tables import BodyRow, MeetingRow, UtcDateTime
from governance_model.storage.when_columns import store_when


class SqlBodyRepository(SqlRepository):
    """Bodies by code with their meetings; meetings by key."""

    def save(self, body: Body) -> None:
        """Upsert a body by code and its meetings by key; meetings not listed are left alone."""
        check_body(body)
        self._hold_setup_lock()
        row = self.session.scalar(select(BodyRow).where(BodyRow.code == body.code))
        if row is None:
            row = BodyRow(code=body.code)
            self.session.add(row)
        row.name = body.name
        row.secretary = body.secretary
        row.papers_lead_days = body.papers_lead_days
        row.meeting_rule = body.meeting_rule
        row.exempt = body.exempt
        row.papers = body.papers
        row.confirm_done = body.confirm_done
        reminder_days = stored_reminder_days(body.reminder_days, f"body {body.code!r}")
        row.reminder_days = list(reminder_days) if reminder_days is not None else None
        _store_source(row, body.source)
        keys = [m.key for m in body.meetings]
        existing = {
            m.key: m for m in self.session.scalars(select(MeetingRow).where(MeetingRow.key.in_(keys)))
        }
        saved: list[tuple[MeetingRow | None, Meeting]] = []
        for meeting in body.meetings:
            meeting_row = existing.get(meeting.key)
            if meeting_row is not None:
                if meeting_row.body is not row:
                    raise ModelError(
                        f"meeting key {meeting.key!r} already belongs to body {meeting_row.body.code!r}"
                    )
                meeting = kept_source_fields(meeting, _stored_meeting(self.session, meeting_row), body.source is not None)
            saved.append((meeting_row, meeting))
        self._check_source_ids(row, [m for _, m in saved])  # before a new row is added (autoflush)
        for meeting_row, meeting in saved:
            if meeting_row is None:
                meeting_row = MeetingRow(key=meeting.key)
                row.meetings.append(meeting_row)
            _store_meeting(meeting_row, meeting)
        self.session.flush()

    def get(self, code: str) -> Body | None:
        bodies = _load_bodies(self.session, BodyRow.code == code)
        return bodies[0] if bodies else None

    def list(self) -> list[Body]:
        return _load_bodies(self.session)

    def get_meeting(self, key: str) -> Meeting | None:
        meetings = _load_meetings(self.session, MeetingRow.key == key)
        return meetings[0][1] if meetings else None

    def save_meeting(self, meeting: Meeting) -> None:
        """Update a stored meeting by key: its start, window, status, location and sequence.

        The sequence is stored as given: moving a meeting does not bump it; the caller does."""
        check_meeting(meeting)
        row = self.session.scalar(
            select(MeetingRow).where(MeetingRow.key == meeting.key).options(joinedload(MeetingRow.body))
        )
        if row is None:
            raise no_meeting(meeting.key)
        check_meeting_body(meeting, row.body.code)
        self._check_source_ids(row.body, [meeting])
        _store_meeting(row, meeting)
        self.session.flush()

    def _check_source_ids(self, body: BodyRow, changed: list[Meeting]) -> None:
        """Refuse (ModelError, not the unique index's IntegrityError) a save that would give two of
        the body's meetings one id at its source."""
        if body.id is None or not any(m.source_id for m in changed):
            check_source_ids(body.code, changed)
            return
        keys = {m.key for m in changed}
        stored = self.session.execute(
            select(MeetingRow.key, MeetingRow.source_id).where(
                MeetingRow.body_id == body.id, MeetingRow.source_id.is_not(None), MeetingRow.key.not_in(keys)
            )
        )
        others = [Meeting(key=key, body_code=body.code, source_id=source_id) for key, source_id in stored]
        check_source_ids(body.code, [*others, *changed])


_MEETING_STATUSES = {status.value: status for status in MeetingStatus}


def _store_meeting(row: MeetingRow, meeting: Meeting) -> None:
    row.starts_at = meeting.starts_at
    row.status = MeetingStatus(meeting.status).value
    row.location = meeting.location
    row.sequence = meeting.sequence
    row.source_id = meeting.source_id
    row.missing_from_source = meeting.missing_from_source
    row.papers = [
        {"title": p.title, "url": p.url, "published_on": p.published_on.isoformat() if p.published_on else None} for p in meeting.papers
    ] or None
    store_when(row, meeting.when)


def _stored_meeting(session: Session, row: MeetingRow) -> Meeting | None:
    """The meeting as stored, for a body save to keep what follows the source; None when it has no
    source id (nothing to keep)."""
    if row.source_id is None:
        return None
    (meeting,) = (m for _, m in _load_meetings(session, MeetingRow.id == row.id))
    return meeting


def _papers_of(stored: list[dict[str, Any]] | None) -> tuple[PublishedPaper, ...]:
    return tuple(
        PublishedPaper(p["title"], p["url"], dt.date.fromisoformat(p["published_on"]) if p.get("published_on") else None)
        for p in stored or ()
    )


def _store_source(row: BodyRow, source: MeetingSource | None) -> None:
    row.source_kind = SourceKind(source.kind).value if source else None
    row.source_url = source.url if source else None
    row.source_committee = source.committee if source else None
    row.source_match = source.match if source else None


def _source_of(kind: str | None, url: str | None, committee: str | None, match: str | None) -> MeetingSource | None:
    if kind is None or url is None:
        return None
    return MeetingSource(SourceKind(kind), url, committee, match)


def _load_meetings(session: Session, where: ColumnElement[bool] | None = None) -> list[tuple[int, Meeting]]:
    """(body id, meeting) pairs; `where` is a condition on MeetingRow or BodyRow."""
    query = select(
        MeetingRow.body_id,
        BodyRow.code,
        MeetingRow.key,
        type_coerce(MeetingRow.starts_at, UtcDateTime.impl),  # as stored: _InLondon converts each once
        MeetingRow.status,
        MeetingRow.location,
        MeetingRow.sequence,
        MeetingRow.source_id,
        MeetingRow.missing_from_source,
        json_text(MeetingRow.papers),
        *when_of(MeetingRow),
    ).select_from(MeetingRow).join(BodyRow, MeetingRow.body_id == BodyRow.id)
    if where is not None:
        query = query.where(where)
    statuses, whens, in_london, texts = _MEETING_STATUSES, Whens(), _InLondon(), JsonTexts()
    meetings = []
    for row in plain_rows(session, query):
        body_id, body_code, key, starts_at, status, location, sequence, source_id, missing, papers = row[:10]
        meeting = Meeting(
            key=key,
            body_code=body_code,
            starts_at=in_london[starts_at],
            when=whens[row[10:]],
            status=statuses[status],
            location=location,
            sequence=sequence,
            source_id=source_id,
            missing_from_source=bool(missing),
            papers=_papers_of(texts[papers]),
        )
        meetings.append((body_id, meeting))
    return meetings


class _InLondon(dict[Any, Any]):
    """Each distinct start as stored, read as UtcDateTime reads it and put in London time, once;
    NULL stays None."""

    def __init__(self) -> None:
        super().__init__({None: None})

    def __missing__(self, stored: dt.datetime) -> dt.datetime:
        value = self[stored] = _UTC.process_result_value(stored, None).astimezone(LONDON)
        return value


_UTC = UtcDateTime()


@bulk_load
def _load_bodies(session: Session, where: ColumnElement[bool] | None = None) -> list[Body]:
    query = select(
        BodyRow.id,
        BodyRow.code,
        BodyRow.name,
        BodyRow.secretary,
        BodyRow.papers_lead_days,
        BodyRow.meeting_rule,
        BodyRow.exempt,
        json_text(BodyRow.reminder_days),
        BodyRow.papers,
        BodyRow.confirm_done,
        BodyRow.source_kind,
        BodyRow.source_url,
        BodyRow.source_committee,
        BodyRow.source_match,
    )
    if where is not None:
        query = query.where(where)
    texts = JsonTexts()
    bodies = {
        id_: Body(
            code=code,
            name=name,
            secretary=secretary,
            papers_lead_days=papers_lead_days,
            meeting_rule=meeting_rule,
            exempt=exempt,
            reminder_days=tuple_or_none(texts[reminder_days]),
            papers=papers,
            confirm_done=bool(confirm_done),
            source=_source_of(*source),
        )
        for id_, code, name, secretary, papers_lead_days, meeting_rule, exempt, reminder_days, papers, confirm_done, *source in plain_rows(
            session, query
        )
    }
    if not bodies:
        return []
    for body_id, meeting in _load_meetings(session, where):
        body = bodies.get(body_id)  # None: added by another transaction since the first SELECT
        if body is not None:
            body.meetings.append(meeting)
    for body in bodies.values():
        body.meetings.sort(key=meeting_order)
    return sorted(bodies.values(), key=attrgetter("code"))
