"""A body's `source:` in the setup file (issue 16): the three kinds read, and every mistake is named
with the file, line, field and text — an address's password never among them."""
from __future__ import annotations

import pytest

from governance_model.errors import LoadError
from governance_model.importing.setup_yaml import read_setup
from governance_model.meeting_sources import MeetingSource, SourceKind

SETUP = """\
context: 2021-09-01
bodies:
  - code: SSPB
    name: SEND Strategic Partnership Board
    source: SOURCE
    meetings:
      dates:
        - at: 2021-10-06 14:00
"""


def body_with(source: str):
    (body,) = read_setup(SETUP.replace("SOURCE", source), "council.yaml").bodies
    return body


def error_for(source: str) -> LoadError:
    with pytest.raises(LoadError) as caught:
        read_setup(SETUP.replace("SOURCE", source), "council.yaml")
    return caught.value


@pytest.mark.parametrize(
    ("written", "source"),
    [
        ("{moderngov: https://democracy.example.gov.uk, committee: 142}",
         MeetingSource(SourceKind.MODERNGOV, "https://democracy.example.gov.uk", committee="142")),
        ("{cmis: 'https://cmis.example.gov.uk/cmis5/Meetings/tabid/73/ctl/MeetingCalendarPublicNoJava/mid/410/Default.aspx', committee: '17'}",
         MeetingSource(SourceKind.CMIS, "https://cmis.example.gov.uk/cmis5/Meetings/tabid/73/ctl/MeetingCalendarPublicNoJava/mid/410/Default.aspx", committee="17")),
        ("{ics: http://example.nhs.uk/board/meetings.ics, match: Cabinet}",
         MeetingSource(SourceKind.ICS, "http://example.nhs.uk/board/meetings.ics", match="Cabinet")),
        ("{ics: https://example.nhs.uk/meetings.ics}", MeetingSource(SourceKind.ICS, "https://example.nhs.uk/meetings.ics")),
    ],
)
def test_the_three_kinds_of_source_read(written: str, source: MeetingSource) -> None:
    body = body_with(written)
    assert body.source == source
    assert [m.key for m in body.meetings] == ["SSPB-2021-10-06"]  # dates typed by hand still read (the sync matches them)
    assert body.meetings[0].source_id is None


def test_a_body_without_a_source_has_none() -> None:
    (body,) = read_setup(SETUP.replace("    source: SOURCE\n", ""), "council.yaml").bodies
    assert body.source is None


@pytest.mark.parametrize(
    ("written", "field", "message", "text"),
    [
        ("{moderngov: file:///etc/passwd, committee: 142}", "moderngov", "must start with http:// or https://", "file:///etc/passwd"),
        ("{ics: ftp://example.org/m.ics}", "ics", "must start with http:// or https://", "ftp://example.org/m.ics"),
        ("{ics: 'https:///m.ics'}", "ics", "names no site", "https:///m.ics"),
        ("{ics: 'https://example.org/a b.ics'}", "ics", "spaces or control characters", "https://example.org/a b.ics"),
        ("{ics: 'https://example.org:port/m.ics'}", "ics", "not a web address", "https://example.org:port/m.ics"),
        ("{moderngov: https://democracy.example.gov.uk}", "committee", "needs its committee's id there", None),
        ("{moderngov: https://democracy.example.gov.uk, committee: Cabinet}", "committee", "a whole number", "Cabinet"),
        ("{cmis: https://cmis.example.gov.uk, committee: -3}", "committee", "a whole number", "-3"),
        ("{moderngov: https://democracy.example.gov.uk, committee: 142, match: Cabinet}", "match", "'match' is for a calendar", None),
        ("{ics: https://example.org/m.ics, committee: 142}", "committee", "has no committee", "142"),
        ("{ics: https://example.org/m.ics, moderngov: https://example.org}", "source", "names 2 kinds", None),
        ("{committee: 142}", "source", "names no kind", None),
        ("{modern_gov: https://example.org}", "modern_gov", "unknown field in source", "modern_gov"),
        ("https://democracy.example.gov.uk", "source", "'source' must be a mapping", "https://democracy.example.gov.uk"),
        ("{ics: ''}", "ics", "is empty", ""),
    ],
)
def test_a_source_that_cannot_be_used_is_named_with_its_file_line_field_and_text(written, field, message, text) -> None:
    error = error_for(written)
    line = 3 if not written.startswith("{") else 5  # a value on the body's own lines: the body's line, as for its other fields
    assert (error.file, error.row, error.column) == ("council.yaml", line, field)
    assert message in error.message
    assert error.text == text


def test_a_source_on_lines_of_its_own_names_the_line_of_the_field() -> None:
    text = SETUP.replace("    source: SOURCE\n", "    source:\n      moderngov: gopher://democracy.example.gov.uk\n      committee: 142\n")
    with pytest.raises(LoadError) as caught:
        read_setup(text, "council.yaml")
    assert (caught.value.row, caught.value.column) == (6, "moderngov")


@pytest.mark.parametrize(
    "address",
    [
        "https://clerk:Sup3rSecret@democracy.example.gov.uk",
        "https://Sup3rSecret@democracy.example.gov.uk/mgWebService.asmx",
        "ftp://clerk:Sup3rSecret@democracy.example.gov.uk",
        "https://clerk:Sup3rSecret@democracy.example.gov.uk/" + "x" * 10_001,
    ],
)
def test_a_password_in_an_address_is_refused_and_never_echoed(address: str) -> None:
    """Refused, and quoted with "***" where the user part was: the error goes to a terminal and to logs."""
    error = error_for(f"{{moderngov: '{address}', committee: 142}}")
    assert error.column == "moderngov"
    assert "Sup3rSecret" not in str(error) and "Sup3rSecret" not in (error.text or "")
    assert "clerk" not in str(error)
    assert "***@democracy.example.gov.uk" in error.text


def test_an_address_with_a_password_where_a_mapping_belongs_is_not_echoed_either() -> None:
    error = error_for("'https://clerk:Sup3rSecret@democracy.example.gov.uk'")
    assert "Sup3rSecret" not in str(error) and error.text == "https://***@democracy.example.gov.uk"
