"""Bodies linked to their meeting source, and meetings' ids there (issue 16): what is stored, what a
setup file loaded again keeps, and the one-meeting-per-source-id rule.

Run against the in-memory fake and every configured database (tests/contract/conftest.py)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest

from governance_model.errors import ModelError
from governance_model.meeting_sources import MeetingSource, SourceKind
from governance_model.ports import AbstractUnitOfWork
from tests.storage_examples import hwbb, sspb

UowFactory = Callable[[], AbstractUnitOfWork]
MODERNGOV = MeetingSource(SourceKind.MODERNGOV, "https://democracy.example.gov.uk", committee="142")
CALENDAR = MeetingSource(SourceKind.ICS, "https://example.nhs.uk/meetings.ics", match="Health and Wellbeing")


def _linked():
    body = dataclasses.replace(sspb(), source=MODERNGOV)
    body.meetings[2] = dataclasses.replace(body.meetings[2], source_id="17355")
    return body


def test_a_body_keeps_its_source_and_its_meetings_their_ids_there(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.bodies.save(_linked())
        uow.bodies.save(dataclasses.replace(hwbb(), source=CALENDAR))
        uow.commit()
    with uow_factory() as uow:
        assert uow.bodies.get("SSPB") == _linked()
        assert uow.bodies.get("HWBB").source == CALENDAR
        meeting = uow.bodies.get_meeting("SSPB-2022-03")
        assert (meeting.source_id, meeting.missing_from_source) == ("17355", False)
        assert uow.bodies.get_meeting("SSPB-2022-01").source_id is None


def test_a_body_saved_without_its_source_is_typed_by_hand_again(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.bodies.save(_linked())
        uow.commit()
    with uow_factory() as uow:
        uow.bodies.save(dataclasses.replace(sspb(), source=None))
        uow.commit()
    with uow_factory() as uow:
        assert uow.bodies.get("SSPB").source is None


def test_a_setup_loaded_again_keeps_the_meetings_matched_and_flagged(uow_factory: UowFactory) -> None:
    """The setup file knows nothing of the source: saving its meetings again (no source ids) keeps
    the ids and the missing flag the sync stored, so the next sync neither duplicates nor forgets."""
    with uow_factory() as uow:
        uow.bodies.save(_linked())
        uow.commit()
    with uow_factory() as uow:
        flagged = dataclasses.replace(uow.bodies.get_meeting("SSPB-2022-03"), missing_from_source=True)
        uow.bodies.save_meeting(flagged)
        uow.commit()
    with uow_factory() as uow:
        uow.bodies.save(sspb())  # no source, no source ids: as a setup file without `source:` reads
        uow.commit()
    with uow_factory() as uow:
        meeting = uow.bodies.get_meeting("SSPB-2022-03")
        assert (meeting.source_id, meeting.missing_from_source) == ("17355", True)
        listed = next(m for m in uow.bodies.get("SSPB").meetings if m.key == "SSPB-2022-03")
        assert listed == meeting


def test_save_meeting_sets_and_clears_the_source_fields(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.bodies.save(sspb())
        uow.commit()
    with uow_factory() as uow:
        matched = dataclasses.replace(uow.bodies.get_meeting("SSPB-2022-06"), source_id="ALLRIS-Sitzung-42", missing_from_source=True)
        uow.bodies.save_meeting(matched)
        uow.commit()
    with uow_factory() as uow:
        assert uow.bodies.get_meeting("SSPB-2022-06") == matched
        uow.bodies.save_meeting(dataclasses.replace(matched, source_id=None, missing_from_source=False))
        uow.commit()
    with uow_factory() as uow:
        assert uow.bodies.get_meeting("SSPB-2022-06").source_id is None


def test_one_source_id_is_one_meeting_of_a_body(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.bodies.save(_linked())
        uow.commit()
    twice = _linked()
    twice.meetings[3] = dataclasses.replace(twice.meetings[3], source_id="17355")
    with uow_factory() as uow, pytest.raises(ModelError, match="same id at the source, '17355'"):
        uow.bodies.save(twice)
    with uow_factory() as uow, pytest.raises(ModelError, match="SSPB-2022-03.*SSPB-2022-06|SSPB-2022-06.*SSPB-2022-03"):
        uow.bodies.save_meeting(dataclasses.replace(uow.bodies.get_meeting("SSPB-2022-06"), source_id="17355"))
    with uow_factory() as uow:  # another body may have a meeting with the same id at its own source
        other = hwbb()
        other.meetings[0] = dataclasses.replace(other.meetings[0], source_id="17355")
        uow.bodies.save(other)
        uow.commit()
    with uow_factory() as uow:
        assert uow.bodies.get_meeting("SSPB-2022-06").source_id is None
        assert [m.source_id for m in uow.bodies.get("HWBB").meetings][0] == "17355"


@pytest.mark.parametrize("source_id", ["", "   ", "x" * 256])
def test_a_source_id_that_cannot_be_one_is_refused(uow_factory: UowFactory, source_id: str) -> None:
    body = sspb()
    body.meetings[0] = dataclasses.replace(body.meetings[0], source_id=source_id)
    with uow_factory() as uow, pytest.raises(ModelError, match="id at the source must be 1 to 255 characters"):
        uow.bodies.save(body)


def test_a_matched_meeting_follows_the_source_when_the_setup_is_loaded_again(uow_factory: UowFactory) -> None:
    """Moved by the source to 10 March, it stays there when the setup file (which says 7 March) is
    loaded again — while the body is linked; unlinked, the file's date is the meeting's again."""
    moved_at = sspb().meetings[2].starts_at + dt.timedelta(days=3)
    with uow_factory() as uow:
        uow.bodies.save(_linked())
        uow.commit()
    with uow_factory() as uow:
        uow.bodies.save_meeting(dataclasses.replace(uow.bodies.get_meeting("SSPB-2022-03"), starts_at=moved_at, sequence=1))
        uow.commit()
    with uow_factory() as uow:
        uow.bodies.save(dataclasses.replace(sspb(), source=MODERNGOV))  # the file: linked, its own dates, no ids
        uow.commit()
    with uow_factory() as uow:
        kept = uow.bodies.get_meeting("SSPB-2022-03")
        assert (kept.starts_at, kept.sequence, kept.source_id) == (moved_at, 1, "17355")
        assert uow.bodies.get_meeting("SSPB-2022-06") == sspb().meetings[3]  # never matched: the file's
    with uow_factory() as uow:
        uow.bodies.save(sspb())  # unlinked
        uow.commit()
    with uow_factory() as uow:
        back = uow.bodies.get_meeting("SSPB-2022-03")
        assert (back.starts_at, back.source_id) == (sspb().meetings[2].starts_at, "17355")
