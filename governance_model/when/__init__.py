"""When: a date as people write it in council papers, and the reader that understands it.

value (When) ← failures ← vocabulary ← phrases ← tokeniser ← spans ← days, periods, weeks,
school_breaks, clock ← points ← durations ← grammar (read_when) ← cells (read_when_list): each module
imports only those before it.

A reading has a kind (date, window, recurring, tbc, contingent, ongoing, relative), its first and
last day, the step of a recurrence, the length of a period and what a relative one is counted from
(duration, anchor), what it waits for (depends_on), whether the paper was tentative, whether school
terms were estimated by rule (estimated), and the words as written. See `When`.
"""
from governance_model.when.cells import read_when_list
from governance_model.when.grammar import read_when
from governance_model.when.value import When, add_duration

__all__ = ["When", "add_duration", "read_when", "read_when_list"]
