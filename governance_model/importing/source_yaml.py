"""A body's `source:` in the setup file — where its meetings are read from: `{moderngov: URL,
committee: 142}`, `{cmis: URL, committee: 17}` or `{ics: URL, match: Cabinet}` — read into a
MeetingSource, refusing anything but an http or https address, and never quoting a password."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from governance_model.errors import LoadError
from governance_model.importing import fields
from governance_model.importing.fields import Place
from governance_model.meeting_sources import MeetingSource, SourceKind

_KINDS = {kind.value: kind for kind in SourceKind}
_ALLOWED = {*_KINDS, "committee", "match"}
_SHAPE = "{moderngov: https://…, committee: 142}, {cmis: https://…, committee: 17} or {ics: https://….ics, match: words in its titles}"


def read_meeting_source(node: Any, file: str, line: int | None) -> MeetingSource:
    """The MeetingSource a body's `source:` value names; LoadError naming the file, line and field
    otherwise. `line` is where the body's `source:` is, for a value that is not a mapping."""
    if not isinstance(node, dict):
        raise Place(file, line, "source").error(f"'source' must be a mapping: {_SHAPE}", redacted(node) if isinstance(node, str) else node)
    line = getattr(node, "line", None) or line
    unknown = sorted(str(k) for k in node if k not in _ALLOWED)
    if unknown:
        raise Place(file, line, unknown[0]).error(
            f"unknown field in source (allowed: {', '.join(sorted(_ALLOWED))})", unknown[0]
        )
    kinds = [k for k in node if k in _KINDS]
    if len(kinds) != 1:
        told = "names no kind" if not kinds else f"names {len(kinds)} kinds ({', '.join(kinds)})"
        raise Place(file, line, "source").error(f"a source {told}: give one of moderngov, cmis or ics — {_SHAPE}")
    kind = _KINDS[kinds[0]]
    url = source_address(node[kind.value], Place(file, line, kind.value))
    committee = _committee(node.get("committee"), kind, Place(file, line, "committee"))
    match = None
    if node.get("match") is not None:
        if kind is not SourceKind.ICS:
            raise Place(file, line, "match").error(
                f"'match' is for a calendar (ics) holding several bodies' meetings; a {kind.label} source names its committee"
            )
        match = fields.text(node["match"], Place(file, line, "match"), required=True).strip()
    return MeetingSource(kind, url, committee, match)


def _committee(value: Any, kind: SourceKind, place: Place) -> str | None:
    """The committee's id at a ModernGov or CMIS site: a whole number, as the site's addresses give it."""
    if kind is SourceKind.ICS:
        if value is not None:
            raise place.error("a calendar (ics) source has no committee: to take only some of its events, give 'match'", value)
        return None
    if value is None or value == "":
        raise place.error(f"a {kind.label} source needs its committee's id there (committee: 142)")
    text = fields.text(value, place, required=True).strip()
    if isinstance(value, bool) or not text.isascii() or not text.isdigit() or len(text) > 18:
        raise place.error(f"'committee' must be the committee's id at the {kind.label} site, a whole number", value)
    return str(int(text))


def source_address(value: Any, place: Place) -> str:
    """An http or https address with a host and no user name or password in it. An error quotes
    the address without its user part, so a password typed into the file is never echoed."""
    try:
        text = fields.text(value, place, required=True).strip()
    except LoadError as error:  # its text would be the address as typed, password and all
        raise place.error(error.message, redacted(value) if isinstance(value, str) else error.text) from None
    shown = redacted(text)
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in text):
        raise place.error("the address has spaces or control characters in it", shown)
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise place.error("not a web address", shown) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise place.error("the address must start with http:// or https://", shown)
    if not parts.hostname:
        raise place.error("the address names no site (http://site/…)", shown)
    if parts.username is not None or parts.password is not None:
        raise place.error(
            "the address holds a user name or password: govflow reads public pages only, so leave them out", shown
        )
    return text


def redacted(url: str) -> str:
    """`url` with any user name and password replaced by "***", as messages may show it."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(an address that could not be read)"
    if "@" not in parts.netloc:
        return fields.shown(url)
    host = parts.netloc.rsplit("@", 1)[1]
    return fields.shown(urlunsplit((parts.scheme, f"***@{host}", parts.path, parts.query, parts.fragment)))
