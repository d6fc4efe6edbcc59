"""Where a body's meetings come from when the council publishes them — its committee system
(ModernGov's web service, a CMIS calendar) or a calendar (.ics) — and what a reading of one says:
the meetings as the source has them, and the ones it could not read. Pure: the readers that turn a
response into a `SourceReading` are in the `committee_systems` package, the sync in the services."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from enum import Enum


class SourceKind(str, Enum):
    """The kinds of source. The value is stable (stored; the setup file's field name)."""

    MODERNGOV = "moderngov"
    CMIS = "cmis"
    ICS = "ics"

    @property
    def label(self) -> str:
        """What the audit and the messages call it: "ModernGov: meeting 17355 moved …"."""
        return {"moderngov": "ModernGov", "cmis": "CMIS", "ics": "Calendar"}[self.value]


@dataclass(frozen=True)
class MeetingSource:
    """Where one body's meetings are read from: the committee system's site (ModernGov, CMIS) with
    the committee's id there, or a calendar's address; `match`, for a calendar holding many bodies'
    meetings, is the text an event's title must hold to be this body's."""

    kind: SourceKind
    url: str  # http or https only
    committee: str | None = None  # ModernGov's committeeid, CMIS's committee id
    match: str | None = None  # a calendar shared by several bodies: the words in this body's event titles

    @property
    def name(self) -> str:
        """How people are told where a change came from, e.g. "ModernGov committee 142"."""
        if self.committee:
            return f"{self.kind.label} committee {self.committee}"
        return f"{self.kind.label} {self.url}"


@dataclass(frozen=True)
class PublishedPaper:
    """A paper the source lists for a meeting: an agenda pack, a report, the minutes."""

    title: str
    url: str
    published_on: dt.date | None = None


@dataclass(frozen=True)
class SourcedMeeting:
    """One meeting as the source has it. `source_id` is the source's own id (ModernGov's meetingid,
    CMIS's meeting id, a calendar event's UID): the meeting's identity there, kept across moves."""

    source_id: str
    starts_at: dt.datetime  # aware, Europe/London
    cancelled: bool = False
    status: str = ""  # as the source writes it ("Confirmed", "Cancelled", "Scheduled")
    location: str = ""
    title: str = ""
    papers: tuple[PublishedPaper, ...] = ()
    address: str = ""  # the meeting's own page at the source, when it has one
    time_known: bool = True  # False: the source gave no time (blank, TBC, all day): starts_at is the day's start

    @property
    def day(self) -> dt.date:
        return self.starts_at.date()


@dataclass(frozen=True)
class SourceProblem:
    """A meeting (or a part of the response) the reader could not read: what, and why, in words."""

    where: str  # "meeting 17355", "event ALLRIS-Sitzung-42", "row 3"
    text: str  # the text it could not read, as sent
    reason: str
    kept: bool = False  # the meeting is still in the reading (a warning: an unknown status, papers not read)
    source_id: str | None = None  # the meeting's id at the source, when the problem is one meeting's


@dataclass
class SourceReading:
    """What one reading of a source gave: the meetings it could read, those it could not, and the
    days it covers (a meeting stored from the source that falls in them and is no longer listed has
    disappeared; one outside them is simply not asked about)."""

    meetings: list[SourcedMeeting] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)
    first_day: dt.date | None = None
    last_day: dt.date | None = None


# The whole pack of a meeting's papers, as committee systems title it ("Agenda", "Agenda frontsheet
# 10/03/2022 Cabinet", "Public reports pack", "Agenda and reports"): the title is that and nothing
# but a date or the committee after it — "Agenda for Change pay award" or "Supplementary agenda -
# item 7" are papers of their own, not the pack.
_PACK = re.compile(
    r"^(?:agenda(?: frontsheet| pack| and reports?| reports pack| document pack)?|(?:public )?reports? pack)"
    r"(?: (?:\d.*|for (?:the )?meeting.*))?$"
)
_WORDS = re.compile(r"[^\w]+")


def _words(text: str) -> str:
    return " ".join(_WORDS.sub(" ", unicodedata.normalize("NFKC", text).casefold()).split())


def is_agenda_pack(paper: PublishedPaper) -> bool:
    """Whether `paper` is the meeting's whole pack of papers (its agenda, or the reports pack)."""
    return bool(_PACK.match(_words(paper.title)))


def papers_for(document_title: str, papers: tuple[PublishedPaper, ...] | list[PublishedPaper]) -> PublishedPaper | None:
    """The published paper that carries a document's papers to a meeting: a report whose title holds
    the document's title as whole words (whatever the case and punctuation: "Care" is not in
    "Careers strategy"), else the meeting's agenda pack; None when neither is published. Minutes
    are not papers for the meeting."""
    wanted = _words(document_title)
    for paper in papers:
        if wanted and f" {wanted} " in f" {_words(paper.title)} " and "minute" not in paper.title.casefold():
            return paper
    return next((paper for paper in papers if is_agenda_pack(paper)), None)
