"""The application's errors: settings that cannot be used, and what a use case refuses. Every one
derives from governance_model.errors.Error, the root of the one error tree, so the CLI's single
handler turns each into a clear message."""
from __future__ import annotations

from governance_model.errors import Error as RootError


class Error(RootError):
    """Anything the application (settings, wiring, the services) refuses or cannot do."""


class SettingsError(Error):
    """A GOVFLOW_ setting that cannot be used. The message names the variable and never shows a password."""

    def __init__(self, variable: str, problem: str):
        self.variable = variable
        self.problem = problem
        super().__init__(f"{variable}: {problem}")


class ServeError(Error):
    """The web server cannot start: the address cannot be listened on (the port is taken, say)."""


class DatabaseError(Error):
    """The database answered but cannot be used as it is: it has no govflow tables yet (never
    `govflow init`-ed), or another command held it longer than govflow waits. Never shows a password."""

