"""The glossary of acronyms in SQL."""
from __future__ import annotations

from sqlalchemy import select

from governance_model.model import Glossary
from governance_model.storage.sql.common import SqlRepository
from governance_model.storage.tables import GlossaryTermRow


class SqlGlossaryRepository(SqlRepository):
    """The acronyms: merged, never removed."""

    def merge(self, glossary: Glossary) -> None:
        """Add new acronyms and update the meaning of known ones; none is removed."""
        self._hold_setup_lock()
        existing = {
            t.acronym: t
            for t in self.session.scalars(
                select(GlossaryTermRow).where(GlossaryTermRow.acronym.in_(list(glossary.terms)))
            )
        }
        for acronym, meaning in glossary.terms.items():
            row = existing.get(acronym)
            if row is None:
                self.session.add(GlossaryTermRow(acronym=acronym, meaning=meaning))
            else:
                row.meaning = meaning
        self.session.flush()

    def get(self) -> Glossary:
        rows = self.session.scalars(select(GlossaryTermRow).order_by(GlossaryTermRow.acronym))
        return Glossary(terms={row.acronym: row.meaning for row in rows})
