"""People in SQL."""
from __future__ import annotations

from sqlalchemy import select

from governance_model.model import Person
from governance_model.storage.sql.common import SqlRepository
from governance_model.storage.tables import PersonRow


class SqlPersonRepository(SqlRepository):
    """People by initials."""

    def save(self, person: Person) -> None:
        self._hold_setup_lock()
        row = self.session.scalar(select(PersonRow).where(PersonRow.initials == person.initials))
        if row is None:
            row = PersonRow(initials=person.initials)
            self.session.add(row)
        row.name = person.name
        row.role = person.role
        row.email = person.email
        row.apprise_urls = list(person.apprise_urls)
        self.session.flush()

    def get(self, initials: str) -> Person | None:
        row = self.session.scalar(select(PersonRow).where(PersonRow.initials == initials))
        return _person(row) if row is not None else None

    def list(self) -> list[Person]:
        return [_person(row) for row in self.session.scalars(select(PersonRow).order_by(PersonRow.initials))]


def _person(row: PersonRow) -> Person:
    return Person(
        initials=row.initials,
        name=row.name,
        role=row.role,
        email=row.email,
        apprise_urls=list(row.apprise_urls),
    )
