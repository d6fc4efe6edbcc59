"""Importers: text in, domain objects out. Action-plan tables (the council's text, CSV, Excel) here;
the setup YAML in `setup_yaml`; a council's school term dates (.ics, CSV, YAML) in `term_dates`."""
from governance_model.importing.plan_table import read_plan_csv, read_plan_file, read_plan_text, read_plan_xlsx
from governance_model.importing.term_dates import read_term_dates_file

__all__ = ["read_plan_text", "read_plan_csv", "read_plan_xlsx", "read_plan_file", "read_term_dates_file"]
