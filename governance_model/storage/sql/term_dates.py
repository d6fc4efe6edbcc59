"""The council's own school term dates in SQL: one row per term or half term, replaced whole."""
from __future__ import annotations

from sqlalchemy import delete, select

from governance_model.repository_rules import term_years_to_store
from governance_model.school_terms import AcademicYear, SchoolTerms
from governance_model.storage.sql.common import SqlRepository, rows_of
from governance_model.storage.tables import TermDateRow

_KINDS = (("term", "terms"), ("half_term", "half_terms"))


class SqlTermDateRepository(SqlRepository):
    """The term dates a council loaded; saving replaces what was stored."""

    def save(self, terms: SchoolTerms, source: str) -> None:
        self._hold_setup_lock()
        years = term_years_to_store(terms, source)
        self.session.execute(delete(TermDateRow))
        self.session.add_all(
            TermDateRow(academic_year=year.starting, kind=kind, name=name, first_day=first, last_day=last, source=source)
            for year in years
            for kind, field in _KINDS
            for name, (first, last) in getattr(year, field).items()
        )
        self.session.flush()

    def get(self) -> SchoolTerms | None:
        query = select(
            TermDateRow.academic_year, TermDateRow.kind, TermDateRow.name, TermDateRow.first_day, TermDateRow.last_day, TermDateRow.source
        ).order_by(TermDateRow.academic_year, TermDateRow.first_day)
        rows = rows_of(self.session, query)
        if not rows:
            return None
        spans: dict[int, dict[str, dict]] = {}
        for academic_year, kind, name, first, last, _ in rows:
            spans.setdefault(academic_year, {"term": {}, "half_term": {}})[kind][name] = (first, last)
        years = {
            starting: AcademicYear(starting, terms=by_kind["term"], half_terms=by_kind["half_term"])
            for starting, by_kind in spans.items()
        }
        return SchoolTerms(years, rows[0].source)
