"""The answer pages (issue 17): `/answer/<token>` opened from a digest's Done / Add an update / It
will be late link. GET shows the item and the form (`?do=done|update|late`; for late, `&when=…` shows
how the date reads, with a button to confirm it) and never changes anything; POST gives the answer
(govflow.services.link_answers) and changes data only with a valid CSRF token.

CSRF: a double-submit cookie bound to the link. Each page sets a random nonce in a cookie
(HttpOnly, SameSite=Lax) and puts `<nonce>.<HMAC(key, hash of the link's token, nonce)>` in its
forms; a POST is taken only when the form's token was made for this link with this key and carries
the cookie's nonce. So a form posted from another site (no cookie), or a token from another link's
page, is refused, and nothing is kept on the server for it.

Every POST to a genuine link counts as one of its uses, refused or not, up to MAX_ANSWER_POSTS
(then 429). A forged, cut or changed link, one for another council or for someone the item is no
longer for is refused (403), an expired one or one whose item is gone 410; each with a page that says
so and changes nothing. A link whose item was answered Done through it says when. An exempt item's
page shows no title or detail: the Part II wording and its due date only. Pages carry no script,
are never cached, send no Referer (the token is in the address) and may not be framed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
from urllib.parse import parse_qsl
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from governance_model.answer_link_uses import MAX_ANSWER_POSTS
from governance_model.errors import Error as RootError
from governance_model.errors import WhenError
from governance_model.publication import EXEMPT_ITEM
from govflow.services import link_answers
from govflow.services.expected_dates import expect_late
from govflow.services.link_answers import AlreadyAnswered, LinkedItem, TooManyAnswers
from govflow.web.reports import ReportRoutes
from notifications.answer_links import LABELS, AnswerClaim, AnswerSigner, LinkRefused, token_id

log = logging.getLogger(__name__)

COOKIE = "govflow_answer_nonce"
MAX_CHARS = 2000  # one field of a form: a note, one part of an update
MAX_FORM_BYTES = 16 * 1024
HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}
_ANSWER_PATH = re.compile(r"(/answer/)([^/?\s\"]+)")
_NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def redact_answer_path(text: str) -> str:
    """`text` with any answer-link token replaced by a short, irreversible tag (for the logs)."""
    return _ANSWER_PATH.sub(lambda m: f"{m.group(1)}<redacted {hashlib.sha256(m.group(2).encode()).hexdigest()[:8]}>", text)


class AnswerRoutes:
    """The answer pages over the database, day, council and answer-link signer of `reports` (no
    signer: links are off)."""

    def __init__(self, reports: ReportRoutes) -> None:
        self.reports = reports
        self.signer: AnswerSigner | None = reports.answer_signer
        self.organisation = reports.organisation
        self.now: Callable[[], dt.datetime] = reports.now

    def routes(self) -> list[BaseRoute]:
        return [Route("/answer/{token}", self.answer, methods=["GET", "POST"])]

    async def answer(self, request: Request) -> Response:
        token = request.path_params["token"]
        if request.method == "POST":
            form = await _small_form(request)
            if form is None:
                return self._page(413, "Too much to record", "The answer is longer than a form of this page can hold. Nothing was changed.", problem=True)
            return await run_in_threadpool(self.post, token, form, request.cookies.get(COOKIE))
        query = request.query_params
        nonce = request.cookies.get(COOKIE)
        return await run_in_threadpool(
            self.get, token, query.get("do", ""), query.get("when"), query.get("note", ""), nonce if nonce and _NONCE.fullmatch(nonce) else None,
            request.url.scheme == "https",
        )

    # --- GET: show, never change ----------------------------------------------------------------

    def get(self, token: str, do: str, when: str | None, note: str, nonce: str | None, https: bool) -> Response:
        try:
            claim, item = self._open(token)
            use = link_answers.link_use(self.reports.uow_factory(), token_id(token))
            if use is not None and use.answered_at is not None:
                return self._page(200, "Already answered", f"This item was already answered through this link on {_day(use.answered_at)}: nothing more can be changed through it.", item=item, who=claim.initials)
        except LinkRefused as refused:
            return self._refused(refused)
        nonce = nonce or secrets.token_urlsafe(24)
        form = do if do in item.answers else (item.answers[0] if item.answers else "")
        context = {"form": form, "csrf": self.signer.form_token(token, nonce), "note": note[:MAX_CHARS], "when_text": ""}  # type: ignore[union-attr]
        message, problem = "", False
        if item.done_on is not None:
            message = f"This item was done on {_day(item.done_on)}: nothing of it is chased any more."
        if form == "late" and when is not None:
            context["when_text"] = when[:200]
            try:
                reading = link_answers.read_new_date(self.reports.uow_factory(), when[:200], self.reports.today())
                # Every check the answer will meet, nothing kept: a date it would refuse is said now.
                expect_late(self.reports.uow_factory(), item.key, reading.text, actor=claim.initials, as_of=self.reports.today(), now=self.now(), dry_run=True)
                context.update(reading=reading, reading_words=_reading_words(reading))
            except WhenError as error:
                message, problem = f"That date cannot be used: {error.reason}. Write it another way.", True
            except RootError as error:
                why = "it cannot be recorded for this Part II item" if item.exempt else str(error)
                message, problem = f"That date cannot be used: {why}. Write it another way.", True
        response = self._page(200, "Answer a reminder", message, item=item, who=claim.initials, problem=problem, **context)
        response.set_cookie(COOKIE, nonce, httponly=True, samesite="lax", secure=https, path="/")
        return response

    # --- POST: answer ---------------------------------------------------------------------------

    def post(self, token: str, form: dict[str, str], cookie_nonce: str | None) -> Response:
        try:
            claim, item = self._open(token)
        except LinkRefused as refused:
            return self._refused(refused)
        signer = self.signer
        assert signer is not None
        now, today = self.now(), self.reports.today()
        use = link_answers.count_use(self.reports.uow_factory(), token_id(token), claim, now)
        if use.used_up:
            return self._page(429, "This link has been used up", f"A link takes {MAX_ANSWER_POSTS} answers at most: nothing was changed. Answer from your next reminder, or tell the board's secretary.", problem=True)
        if not signer.form_token_matches(token, str(form.get("csrf") or ""), cookie_nonce):
            return self._page(403, "This form cannot be used", "The form did not come from this link's page, or its page is too old: open the link from your email again. Nothing was changed.", problem=True)
        answer = str(form.get("answer") or "")
        fields = {name: str(form.get(name) or "") for name in ("note", "when", *(n for n, _ in link_answers.UPDATE_PARTS))}
        if any(len(value) > MAX_CHARS for value in fields.values()):
            return self._page(413, "Too much to record", f"Each box holds {MAX_CHARS} characters at most. Nothing was changed.", problem=True)
        try:
            link_answers.check_open(use, item, answer)
            said = self._give(answer, item, claim, token, fields, today, now)
        except AlreadyAnswered as error:
            return self._page(200, "Already answered", str(error), item=item, who=claim.initials)
        except TooManyAnswers as error:
            return self._page(429, "This link has been used up", str(error), problem=True)
        except WhenError as error:
            return self._page(400, "That date cannot be used", f"{error.reason}. Nothing was changed: go back and write it another way.", item=item, who=claim.initials, problem=True)
        except RootError as error:
            if item.exempt:  # the reason may name what a Part II item is: said to its people elsewhere, not here
                log.warning("an answer through %s's link to a Part II item was refused", claim.initials)
                why = "This answer cannot be recorded for this Part II item. Nothing was changed: tell the board's secretary."
            else:
                log.warning("an answer through %s's link was refused: %s", claim.initials, error)
                why = f"{error}. Nothing was changed."
            return self._page(400, "This answer cannot be recorded", why, item=item, who=claim.initials, problem=True)
        log.info("%s answered %s through their link: %s", claim.initials, answer, claim.item_key)
        return self._page(200, "Thank you: recorded", f"Recorded as {claim.initials}'s answer, via {claim.initials}'s link: {said if not item.exempt else LABELS[answer]}.", item=item, who=claim.initials)

    def _give(self, answer: str, item: LinkedItem, claim: AnswerClaim, token: str, fields: dict[str, str], today: dt.date, now: dt.datetime) -> str:
        uow_factory = self.reports.uow_factory
        if answer == "done":
            return link_answers.answer_done(uow_factory, item, claim, token_id(token), fields["note"], as_of=today, now=now)
        if answer == "update":
            parts = {name: fields[name].splitlines() for name, _ in link_answers.UPDATE_PARTS}
            return link_answers.answer_update(uow_factory, item, claim, parts, as_of=today, now=now)
        reading = link_answers.read_new_date(uow_factory(), fields["when"], today)
        note = link_answers.reason_words(claim.initials, "expected late", fields["note"])
        expect_late(uow_factory(), item.key, reading.text, note, actor=claim.initials, as_of=today, now=now)
        return f"expected by {_day(reading.deadline)}"

    # --- shared ---------------------------------------------------------------------------------

    def _open(self, token: str) -> tuple[AnswerClaim, LinkedItem]:
        if self.signer is None:
            raise LinkRefused(404, "Answer links are off on this server (no GOVFLOW_ANSWER_KEY is set): tell the board's secretary instead.")
        claim = self.signer.read(token, organisation=self.organisation, today=self.reports.today())
        return claim, link_answers.find_item(self.reports.uow_factory(), claim)

    def _refused(self, refused: LinkRefused) -> Response:
        titles = {410: "This link no longer works", 404: "Answer links are off"}
        return self._page(refused.status, titles.get(refused.status, "This link cannot be used"), f"{refused} Nothing was changed.", problem=True)

    def _page(self, status: int, heading: str, message: str, *, item: LinkedItem | None = None, who: str = "", problem: bool = False, **context) -> Response:
        from reports.html import render

        others = [(a, LABELS[a]) for a in item.answers if a != context.get("form")] if item is not None and "form" in context else []
        html = render(
            "answer.html.j2", heading=heading, message=message, problem=problem, item=item, who=who, exempt_item=EXEMPT_ITEM,
            today=self.reports.today(), parts=link_answers.UPDATE_PARTS, max_chars=MAX_CHARS, others=others,
            **{"form": "", "csrf": "", "note": "", "when_text": "", "reading": None, "reading_words": "", **context},
        )
        return Response(html.encode("utf-8"), status, dict(HEADERS))


async def _small_form(request: Request) -> dict[str, str] | None:
    """The fields of a posted form (URL-encoded, as the pages send it; the first of a repeated
    name), read up to MAX_FORM_BYTES; None when the body is longer."""
    body = bytearray()
    async for piece in request.stream():
        body += piece
        if len(body) > MAX_FORM_BYTES:
            return None
    try:
        fields = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=20) if body else []
    except ValueError:  # more fields than any page's form has
        return None
    form: dict[str, str] = {}
    for name, value in fields:
        form.setdefault(name, value)
    return form


def _day(value: dt.date | dt.datetime) -> str:
    from governance_model.reminders import format_day

    return format_day(value.date() if isinstance(value, dt.datetime) else value)


def _reading_words(reading) -> str:
    """"a window: 1 March 2022 to 31 March 2022", "one day: 14 March 2022"."""
    if reading.start is not None and reading.start != reading.end:
        return f"between {_day(reading.start)} and {_day(reading.end)}"
    return f"by {_day(reading.end)}"
