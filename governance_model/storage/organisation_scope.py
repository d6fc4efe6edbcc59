"""One council per unit of work: every statement a unit of work's session runs reads, changes and
deletes its own council's rows only, and every row it inserts is its council's.

The rows carry their council in `organisation` (tables.OrganisationOwned). Reading is scoped with
SQLAlchemy's `with_loader_criteria` on that mixin, added to each ORM statement the session runs (the
`do_orm_execute` event; common.rows_of and plain_rows run through the session too). Writing takes
the council from the connection the session began on (`after_begin` puts it in Connection.info,
which the column default reads). A Core statement on a bare Table is not scoped: the repositories
use the mapped classes, or name the council themselves (`organisation_of`).

The hooks are listeners of one Session class, `CouncilSession`, registered once when this module is
imported; every session factory makes that class's sessions (`database.make_session_factory`), and
a unit of work refuses any other session. They were once added to each factory as it was made,
unless SQLAlchemy's event registry said it already had them: that registry knows a factory by its
id(), and a new factory at the address of a collected one was taken for it, so now and then a unit
of work read every council's rows (1 read in 20 in the three-council night)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from governance_model.storage.tables import CONNECTION_KEY, OrganisationOwned

SESSION_KEY = "govflow.organisation"  # in Session.info: the council of the unit of work that opened it


def organisation_of(session: Session) -> str | None:
    return session.info.get(SESSION_KEY)


def criteria(organisation: str) -> Any:
    """The option that keeps a statement to one council's rows, every table it touches."""
    return with_loader_criteria(OrganisationOwned, lambda cls: cls.organisation == organisation, include_aliases=True)


def _scope_statement(state: ORMExecuteState) -> None:
    organisation = organisation_of(state.session)
    if organisation is not None and (state.is_select or state.is_update or state.is_delete):
        state.statement = state.statement.options(criteria(organisation))


def _council_of_the_connection(session: Session, transaction: Any, connection: Any) -> None:
    """Rows this session inserts are its council's: the column default reads the connection's info."""
    organisation = organisation_of(session)
    if organisation is None:
        connection.info.pop(CONNECTION_KEY, None)
    else:
        connection.info[CONNECTION_KEY] = organisation


class CouncilSession(Session):
    """A session whose statements keep to the council its unit of work names (in `info`)."""


event.listen(CouncilSession, "do_orm_execute", _scope_statement)
event.listen(CouncilSession, "after_begin", _council_of_the_connection)
