"""People in SQL."""
from __future__ import annotations

from sqlalchemy import select

from governance_model.model import Person
from governance_model.storage.sql.common import JsonTexts, SqlRepository, json_text, plain_rows
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
        """Everyone, by initials: plain columns, not rows in the identity map."""
        query = select(
            PersonRow.initials, PersonRow.name, PersonRow.role, PersonRow.email, json_text(PersonRow.apprise_urls)
        ).order_by(PersonRow.initials)
        texts = JsonTexts()
        return [
            Person(initials=initials, name=name, role=role, email=email, apprise_urls=list(texts[apprise_urls]))
            for initials, name, role, email, apprise_urls in plain_rows(self.session, query)
        ]


def _person(row: PersonRow) -> Person:
    return Person(
        initials=row.initials,
        name=row.name,
        role=row.role,
        email=row.email,
        apprise_urls=list(row.apprise_urls),
    )
