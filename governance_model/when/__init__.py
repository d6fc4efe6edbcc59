"""When: a date as people write it in council papers, and the reader that understands it.

value (When) ← failures ← vocabulary ← phrases ← tokeniser ← spans ← days, periods, school_breaks
← points ← grammar (read_when) ← cells (read_when_list): each module imports only those before it.
"""
from governance_model.when.cells import read_when_list
from governance_model.when.grammar import read_when
from governance_model.when.value import When

__all__ = ["When", "read_when", "read_when_list"]
