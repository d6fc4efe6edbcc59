""""Why this date" for a route step's reminder (issue 14, "words, not codes"): the move that put the
step on the date it is reminded of, in the words of `governance_model.reason_words`.

Which move: the step's latest re-forecast (`ForecastChange`), when its new date is the step's date
now. That is the move the owner needs explained: every reminder of this date (reminder keys carry
the deadline, so a moved date is a new set of reminders) says why it is this date and not the one
the owner had planned for, for as long as the date stands. A step whose date never moved, or whose
latest move took it to another date than the one it now has (it moved back by a way the history
does not show), says nothing: there is nothing to explain, or nothing true to say.

Exempt business never shows here, even to the people an exempt step belongs to (a digest is an
email, forwarded and printed): a move whose reason or words name anything exempt
(`Publication.names_exempt`), or of a step that is not public, says only where it went, followed by
the Part II placeholder. Pure.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from governance_model.model import Document, ForecastChange, Step, StepForecast
from governance_model.publication import Publication
from governance_model.reason_words import move_words
from governance_model.reasons import Reason

_EXEMPT = Reason("exempt")


def latest_changes(changes: Iterable[ForecastChange]) -> dict[tuple[str, str], ForecastChange]:
    """Each step's latest re-forecast, from `changes` in the order they were recorded."""
    latest: dict[tuple[str, str], ForecastChange] = {}
    for change in changes:
        key = (change.document_key, change.step_key)
        kept = latest.get(key)
        if kept is None or change.recorded_on >= kept.recorded_on:
            latest[key] = change
    return latest


def all_titles(documents: Iterable[Document]) -> dict[str, str]:
    """Every step's title by "document/step", as `reason_words` names a step of another document."""
    return {f"{d.key}/{s.key}": s.title for d in documents for s in d.route.steps}


def why_this_date(
    document: Document,
    step: Step,
    forecast: StepForecast,
    latest: Mapping[tuple[str, str], ForecastChange],
    titles: Mapping[str, str],
    publication: Publication,
) -> str:
    """"moved to SSPB on 8 March 2022 because the SSPB meeting of 1 March 2022 moved to 8 March
    2022", or "" when the step's date did not move (see the module docstring)."""
    change = latest.get((document.key, step.key))
    if change is None or change.new_date != forecast.date or forecast.date is None:
        return ""
    own = {**titles, **{s.key: s.title for s in document.route.steps}}
    words = move_words(change, own)
    if (
        not publication.step_is_public(document, step)
        or publication.names_exempt(change.reason, document.key)
        or publication.names_exempt(words, document.key)
    ):
        words = move_words(replace(change, why=_EXEMPT), own)
    return words
