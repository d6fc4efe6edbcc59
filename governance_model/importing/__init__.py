"""Importers: text in, domain objects out. Action-plan tables (the council's text, CSV, Excel) here;
the setup YAML in `setup_yaml`."""
from governance_model.importing.plan_table import read_plan_csv, read_plan_file, read_plan_text, read_plan_xlsx

__all__ = ["read_plan_text", "read_plan_csv", "read_plan_xlsx", "read_plan_file"]
