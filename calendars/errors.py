"""The base exception of the calendars package, under the root of govflow's one error tree
(governance_model.errors.Error)."""
from __future__ import annotations

from governance_model.errors import Error as RootError


class Error(RootError):
    """Anything the calendars package refuses or fails to do."""


class ServeError(Error):
    """The feed server cannot start: the address cannot be listened on (the port is taken, say)."""
