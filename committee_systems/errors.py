"""The base exception of the committee_systems package (under the root of govflow's one error
tree, governance_model.errors.Error), and the one error a source that cannot be read raises."""
from __future__ import annotations

from governance_model.errors import Error as RootError


class Error(RootError):
    """Anything the committee_systems package refuses or fails to do."""


class SourceError(Error):
    """A source could not be asked or its answer could not be read as a whole: not http(s), no
    answer in time, an HTTP error, too large, not the XML/HTML/calendar it should be, or hostile.
    The message names the address (without any user:password) and says why; the meetings stored
    from this source are to be left as they were."""


class SourceUnreachable(SourceError):
    """The source did not answer, or answered with a server error (HTTP 5xx), or too slowly: worth
    asking again later (the nightly retries it), unlike an answer that cannot be read."""
