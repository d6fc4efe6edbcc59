"""Reading ModernGov's web service (mgWebService.asmx) XML: GetMeetings into meetings, GetMeeting
into a meeting's published papers, GetCommittees into the committees a body can be linked to.

Parsed with defusedxml and no DTD allowed: entity expansion (billion laughs) and external entities
are refused, and an HTML error page (it starts with <!DOCTYPE html) is refused with them.

Rules, as the recorded responses (tests/data/committee_systems/moderngov/) show the format:
- whitespace-only elements are empty; counts (" 2") are never trusted, the elements are counted;
- text is unescaped once more after the XML (`&amp;#39;` reaches us as `&#39;`: double-encoded);
- meetingdate is dd/mm/yyyy, UK local time; meetingtime "10.00 am", "2.00 pm", "10:00", "noon";
  a blank or "TBC" time reads as 00:00 that day (the day is what deadlines count from);
- meetingstatus "Confirmed" and "Cancelled" are known; any other word is kept as the status, the
  meeting is not taken as cancelled, and a SourceProblem says so (the meeting is still read);
- a meeting whose date or time cannot be read is left out with a SourceProblem; the rest are read.
"""
from __future__ import annotations

import datetime as dt
import html
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import defusedxml
import defusedxml.ElementTree as SafeElementTree

from governance_model.meeting_sources import PublishedPaper, SourcedMeeting, SourceProblem, SourceReading

from .errors import SourceError

LONDON = ZoneInfo("Europe/London")
KNOWN_STATUSES = {"confirmed": False, "cancelled": True, "canceled": True}
AGENDA_TITLE = "Agenda"  # the paper standing for GetMeeting's agendapublished True
NUMERIC_OR_NAMED_ENTITY = re.compile(r"&(#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
TIME_TBC = re.compile(r"^(tbc|tba|to be confirmed|to be arranged|-+)?$", re.IGNORECASE)
TIME_12H = re.compile(r"^(\d{1,2})(?:[.:](\d{2}))?\s*([ap])\.?\s*m\.?$", re.IGNORECASE)
TIME_24H = re.compile(r"^(\d{1,2})[.:](\d{2})$")
NOON = re.compile(r"^(12(?:[.:]00)?\s*)?(noon|midday)$", re.IGNORECASE)
DATE_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass(frozen=True)
class Committee:
    """One committee as GetCommittees lists it (for `govflow meetings sync --list`)."""

    committee_id: str
    title: str
    category: str = ""


@dataclass(frozen=True)
class MeetingDetails:
    """What GetMeeting adds to a meeting GetMeetings listed: where, and the papers published."""

    meeting_id: str
    location: str = ""
    papers: tuple[PublishedPaper, ...] = ()
    problems: tuple[SourceProblem, ...] = field(default=())


def parse_xml(data: bytes, *, what: str, address: str, root: str) -> ElementTree.Element:
    """The document's root element, which must be `root`; a SourceError for anything that is not
    plain XML of that kind (malformed, truncated, HTML, a DTD, entities, external references)."""
    try:
        element = SafeElementTree.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden:
        raise SourceError(
            f"{address}: the {what} answer declares a DTD (an HTML error page, or XML govflow refuses to expand): "
            "open the address in a browser, and check it with the council's web team"
        ) from None
    except defusedxml.DefusedXmlException as exc:
        raise SourceError(
            f"{address}: the {what} answer holds XML entities or external references, which govflow refuses to "
            f"read ({type(exc).__name__}): check the address with the council's web team"
        ) from None
    except ElementTree.ParseError as exc:
        raise SourceError(f"{address}: the {what} answer is not well-formed XML ({exc})") from None
    if local_name(element.tag) != root:
        raise SourceError(f"{address}: the {what} answer is a <{local_name(element.tag)}> document, not <{root}>")
    return element


def local_name(tag: str) -> str:
    """`{namespace}meeting` → `meeting`: the SOAP form of the answers carries a namespace."""
    return tag.rpartition("}")[2].lower()


def children(element: ElementTree.Element, name: str) -> list[ElementTree.Element]:
    return [child for child in element if local_name(child.tag) == name]


def text_of(element: ElementTree.Element | None, name: str) -> str:
    """The child's text, stripped (whitespace-only is empty), double-encoded entities unescaped."""
    if element is None:
        return ""
    found = children(element, name)
    if not found or found[0].text is None:
        return ""
    return unescape_once_more(found[0].text.strip())


def unescape_once_more(text: str) -> str:
    # Only complete entities (with their ";"): a bare "&para" in a real title must stay as written.
    return NUMERIC_OR_NAMED_ENTITY.sub(lambda m: html.unescape(m.group(0)), text)


def is_true(text: str) -> bool:
    return text.strip().lower() == "true"


def read_date(text: str) -> dt.date:
    """dd/mm/yyyy → a date; ValueError with the reason otherwise."""
    match = DATE_DMY.match(text.strip())
    if not match:
        raise ValueError("not a date written dd/mm/yyyy")
    day, month, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"no such day ({exc})") from None


def read_time(text: str) -> dt.time:
    """"10.00 am", "2.00 pm", "10:00", "12 noon" → a time; blank or TBC → 00:00; ValueError otherwise."""
    cleaned = " ".join(text.split())
    if TIME_TBC.match(cleaned):
        return dt.time(0, 0)
    if NOON.match(cleaned):
        return dt.time(12, 0)
    match = TIME_12H.match(cleaned)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if not 1 <= hour <= 12 or minute > 59:
            raise ValueError("not a time of day")
        hour = hour % 12 + (12 if match.group(3).lower() == "p" else 0)
        return dt.time(hour, minute)
    match = TIME_24H.match(cleaned)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour > 23 or minute > 59:
            raise ValueError("not a time of day")
        return dt.time(hour, minute)
    raise ValueError('not a time written like "10.00 am", "2.00 pm" or "14:00"')


def london(day: dt.date, time: dt.time) -> dt.datetime:
    # fold=0: a time that happens twice (the October change) is the first of the two, BST.
    return dt.datetime.combine(day, time, tzinfo=LONDON)


def meeting_page(site: str, committee_id: str, meeting_id: str) -> str:
    """The meeting's human page on the ModernGov site (agenda, reports, minutes)."""
    if not site:
        return ""
    return f"{site.rstrip('/')}/ieListDocuments.aspx?CId={committee_id}&MId={meeting_id}"


def read_meetings(
    data: bytes,
    *,
    committee: str | None = None,
    site: str = "",
    address: str = "GetMeetings",
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
) -> SourceReading:
    """The meetings of a GetMeetings answer (of `committee` only, when given; of first_day to
    last_day only, when given — ModernGov may answer with more than was asked)."""
    root = parse_xml(data, what="GetMeetings", address=address, root="getmeetings")
    reading = SourceReading(first_day=first_day, last_day=last_day)
    seen: set[str] = set()
    for committee_element in children(root, "committee"):
        committee_id = text_of(committee_element, "committeeid")
        if committee and committee_id and committee_id != str(committee).strip():
            continue  # another committee's meetings: never this body's
        committee_title = text_of(committee_element, "committeetitle")
        for meetings in children(committee_element, "committeemeetings"):
            for position, element in enumerate(children(meetings, "meeting"), start=1):
                meeting = _read_meeting(element, position, committee_id, committee_title, site, reading.problems)
                if meeting is None:
                    continue
                if first_day and meeting.day < first_day or last_day and meeting.day > last_day:
                    continue
                if meeting.source_id in seen:
                    reading.problems.append(SourceProblem(
                        f"meeting {meeting.source_id}", meeting.source_id,
                        "listed twice in one answer: the first listing is kept",
                    ))
                    continue
                seen.add(meeting.source_id)
                reading.meetings.append(meeting)
    return reading


def _read_meeting(
    element: ElementTree.Element, position: int, committee_id: str, committee_title: str, site: str,
    problems: list[SourceProblem],
) -> SourcedMeeting | None:
    meeting_id = text_of(element, "meetingid")
    if not meeting_id:
        problems.append(SourceProblem(f"meeting number {position} in the list", "", "it has no meetingid"))
        return None
    where = f"meeting {meeting_id}"
    date_text, time_text = text_of(element, "meetingdate"), text_of(element, "meetingtime")
    try:
        day = read_date(date_text)
    except ValueError as exc:
        problems.append(SourceProblem(where, date_text, f"its date cannot be read: {exc}", source_id=meeting_id))
        return None
    try:
        time = read_time(time_text)
    except ValueError as exc:
        problems.append(SourceProblem(where, time_text, f"its time cannot be read: {exc}", source_id=meeting_id))
        return None
    status = text_of(element, "meetingstatus")
    cancelled = KNOWN_STATUSES.get(status.lower(), False)
    if status and status.lower() not in KNOWN_STATUSES:
        problems.append(SourceProblem(
            where, status,
            "a status govflow does not know (Confirmed, Cancelled): the meeting is read as not cancelled",
            kept=True, source_id=meeting_id,
        ))
    return SourcedMeeting(
        source_id=meeting_id,
        starts_at=london(day, time),
        time_known=not TIME_TBC.match(" ".join(time_text.split())),  # blank or TBC: the day only
        cancelled=cancelled,
        status=status,
        location=text_of(element, "meetinglocation"),
        title=committee_title,
        address=meeting_page(site, committee_id, meeting_id),
    )


def read_meeting_details(data: bytes, *, site: str = "", committee: str | None = None,
                         address: str = "GetMeeting") -> MeetingDetails:
    """A GetMeeting answer's location and published papers: every public linked document of its
    agenda items (title, address, publication date), and — when agendapublished is True — the
    agenda itself, as a paper titled "Agenda" at the meeting's page. Restricted documents are left
    out (the public cannot open them)."""
    root = parse_xml(data, what="GetMeeting", address=address, root="meeting")
    meeting_id = text_of(root, "meetingid")
    where = f"meeting {meeting_id}" if meeting_id else "the meeting"
    papers: list[PublishedPaper] = []
    problems: list[SourceProblem] = []
    if is_true(text_of(root, "agendapublished")) and site and committee:
        papers.append(PublishedPaper(AGENDA_TITLE, meeting_page(site, str(committee), meeting_id)))
    for items in children(root, "agendaitems"):
        for item in children(items, "agendaitem"):
            for documents in children(item, "linkeddocuments"):
                for document in children(documents, "linkeddoc"):
                    paper = _read_paper(document, where, problems)
                    if paper is not None and paper not in papers:
                        papers.append(paper)
    return MeetingDetails(meeting_id, text_of(root, "meetinglocation"), tuple(papers), tuple(problems))


def _read_paper(document: ElementTree.Element, where: str, problems: list[SourceProblem]) -> PublishedPaper | None:
    if is_true(text_of(document, "isrestricted")):
        return None
    title, url = text_of(document, "title"), _text_raw(document, "url")
    if not url.lower().startswith(("http://", "https://")):
        problems.append(SourceProblem(where, url, f"the paper {title!r} has no http(s) address: left out"))
        return None
    published = text_of(document, "publicationdate")
    published_on = None
    if published:
        try:
            published_on = read_date(published)
        except ValueError as exc:
            problems.append(SourceProblem(where, published, f"the paper {title!r} has a publication date that cannot be read ({exc}): kept without it"))
    return PublishedPaper(title=title, url=url, published_on=published_on)


def _text_raw(element: ElementTree.Element, name: str) -> str:
    # Addresses are not unescaped again: "&amp;" in a query string is meant as written.
    found = children(element, name)
    return (found[0].text or "").strip() if found else ""


def read_committees(data: bytes, *, address: str = "GetCommittees") -> list[Committee]:
    """The committees a GetCommittees answer lists, expired and deleted ones left out."""
    root = parse_xml(data, what="GetCommittees", address=address, root="committees")
    committees = []
    for element in children(root, "committee"):
        if is_true(text_of(element, "committeeexpired")) or is_true(text_of(element, "committeedeleted")):
            continue
        committee_id = text_of(element, "committeeid")
        if committee_id:
            committees.append(Committee(committee_id, text_of(element, "committeetitle"), text_of(element, "committeecategory")))
    return committees
