"""What may be published: the one rule every public output asks (reports, status, feeds, digests,
the nightly's Prefect artifacts).

Exempt business (`Body.exempt`, `Document.exempt`: a Part II item, not for publication) never
reaches the public:

- a step is public when neither its document nor the body it sits at is exempt;
- an exempt step may be shown to the people it belongs to, and no one else: the document's owner,
  the step's owner and the secretary of the body it sits at (they owe it, or run the meeting that
  takes it, and are reminded of it);
- a text built from the routes (why a date moved, why a step is at risk, a line of progress) is
  public only when it names nothing exempt: no exempt body (code, name or meeting), no exempt
  document (key, title or step title), and for a public document none of its own steps that sit at
  an exempt body. Otherwise the public sees only `EXEMPT_ITEM`, as councils print a Part II item:
  no title, no detail;
- an action plan is exempt business too when the strategy it delivers (`ActionPlan.strategy`) is an
  exempt document, or when it holds the follow-ups of questions put at a meeting of an exempt body
  (its key is `follow_up_plan_key` of that meeting's): its recommendations are the questions asked
  there, and its framework columns the exempt strategy's findings. Such a plan is in no public
  output at all (its actions are reminded to, and shown in the private feeds of, their owners).

A text is checked for the names themselves (whole words, as written), so a name that is also an
ordinary word hides more than it must, never less.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from governance_model.model import ActionPlan, Body, Document, ForecastChange, Step
from governance_model.reasons import Reason
from governance_model.strategy import follow_up_plan_key

if TYPE_CHECKING:
    from governance_model.route_planner import RoutePlan

EXEMPT_ITEM = "exempt item – not for publication"
_EXEMPT = Reason("exempt")  # a reason that names something exempt, as the public sees it: no facts


class Publication:
    """What the public may see of these bodies and documents, and what each person may see."""

    def __init__(self, bodies: Iterable[Body], documents: Iterable[Document]):
        bodies = list(bodies)
        self.exempt_bodies = frozenset(b.code for b in bodies if b.exempt)
        self._secretaries = {b.code: b.secretary for b in bodies if b.secretary}
        self._documents = {d.key: d for d in documents}
        self._exempt_documents = frozenset(key for key, d in self._documents.items() if d.exempt)
        self._exempt_follow_ups = frozenset(follow_up_plan_key(m.key) for b in bodies if b.exempt for m in b.meetings)
        secret = set()
        for body in bodies:
            if body.exempt:
                secret |= {body.code, body.name, *(m.key for m in body.meetings)}
        for document in self._documents.values():
            if document.exempt:
                secret |= {document.key, document.title, *(s.title for s in document.route.steps)}
            else:  # a public document's steps at exempt bodies, as any other document's text names them
                hidden = [s for s in document.route.steps if s.body_code in self.exempt_bodies]
                secret |= {w for s in hidden for w in (f"{document.key}/{s.key}", s.title)}
        self._secret = frozenset(w for w in secret if w and w.strip())
        self._patterns: dict[str | None, re.Pattern[str] | None] = {}

    # ---- bodies, documents, steps ------------------------------------------------------------

    def body_is_public(self, code: str | None) -> bool:
        return code not in self.exempt_bodies

    def document_is_public(self, document: Document) -> bool:
        return not document.exempt

    def step_is_public(self, document: Document, step: Step) -> bool:
        return not document.exempt and step.body_code not in self.exempt_bodies

    def public_steps(self, document: Document) -> list[Step]:
        """The steps of `document` the public may see (none of an exempt document)."""
        return [s for s in document.route.steps if self.step_is_public(document, s)]

    def plan_is_public(self, plan: ActionPlan) -> bool:
        """Whether the public may see `plan`: not when it delivers an exempt strategy, nor when it
        holds the follow-ups of questions put at an exempt body's meeting. (Only the strategy it
        delivers need be among the documents given, and the exempt bodies among the bodies.)"""
        return plan.strategy not in self._exempt_documents and plan.key not in self._exempt_follow_ups

    def insiders(self, document: Document, step: Step) -> frozenset[str]:
        """The people an exempt step belongs to (initials): the document's and the step's owners and
        the secretary of the body it sits at."""
        secretary = self._secretaries.get(step.body_code) if step.body_code else None
        return frozenset(p for p in (document.owner, step.owner, secretary) if p)

    def may_see(self, initials: str | None, document: Document, step: Step) -> bool:
        """Whether the person (None: the public) may see `step` of `document`."""
        return self.step_is_public(document, step) or (initials is not None and initials in self.insiders(document, step))

    def public_view(self, document: Document, route: RoutePlan) -> tuple[Document, RoutePlan]:
        """A public document as the public sees it: its public steps only, each forecast with a
        reason that names nothing exempt (copies: nothing passed in is changed)."""
        shown = self.public_steps(document)
        keys = {s.key for s in shown}
        steps = tuple(
            f if not self.names_exempt(f.reason, document.key) else replace(f, reason=EXEMPT_ITEM, why=_EXEMPT)
            for f in route.steps
            if f.step_key in keys
        )
        return replace(document, route=replace(document.route, steps=shown)), replace(route, steps=steps)

    def public_changes(self, document: Document, changes: Iterable[ForecastChange]) -> list[ForecastChange]:
        """The moves of `document`'s public steps, each with a reason that names nothing exempt."""
        keys = {s.key for s in self.public_steps(document)}
        return [
            c if not self.names_exempt(c.reason, document.key) else replace(c, reason=EXEMPT_ITEM, why=_EXEMPT)
            for c in changes
            if c.document_key == document.key and c.step_key in keys
        ]

    # ---- texts -------------------------------------------------------------------------------

    def names_exempt(self, text: str, document_key: str | None = None) -> bool:
        """Whether `text` names anything exempt (for `document_key`'s texts, its own hidden steps too)."""
        pattern = self._pattern(document_key)
        return bool(text) and pattern is not None and pattern.search(text) is not None

    def public_text(self, text: str, document_key: str | None = None) -> str:
        """`text` if it names nothing exempt, else the Part II placeholder."""
        return EXEMPT_ITEM if self.names_exempt(text, document_key) else text

    def _pattern(self, document_key: str | None) -> re.Pattern[str] | None:
        if document_key not in self._patterns:
            words = set(self._secret)
            document = self._documents.get(document_key) if document_key else None
            if document is not None and not document.exempt:
                hidden = [s for s in document.route.steps if not self.step_is_public(document, s)]
                words |= {w for s in hidden for w in (s.key, s.title) if w and w.strip()}
            self._patterns[document_key] = _whole_words(words)
        return self._patterns[document_key]


def _whole_words(words: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern matching any of `words` not inside a longer word (letters and digits)."""
    ordered = sorted(set(words), key=len, reverse=True)
    if not ordered:
        return None
    alternatives = "|".join(re.escape(w) for w in ordered)
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])")
