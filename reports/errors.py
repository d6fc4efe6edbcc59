"""The base exception of the reports package, under the root of govflow's one error tree
(governance_model.errors.Error)."""
from __future__ import annotations

from governance_model.errors import Error as RootError


class Error(RootError):
    """Anything the reports package refuses or fails to do."""


class ReportError(Error, ValueError):
    """A report cannot be built from what it was given (a plan judged as another plan, say)."""
