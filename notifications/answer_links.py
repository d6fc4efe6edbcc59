"""The signed links in each digest item (issue 17): Done, Add an update, It will be late.

    signer = AnswerSigner(key, days=14)
    token = signer.sign(AnswerClaim("default", "GB", "step:DOC/STEP", deadline, expires_on))
    claim = signer.read(token, organisation="default", today=today)   # or raises LinkRefused

A token names one council, one person (the digest's recipient: answering records it as theirs), one
item (its reminder key), the item's deadline when the digest went out, and the last day the link
works (`days` after the night the digest goes out for). It is the claim as compact JSON, base64url,
a dot, and the HMAC-SHA256 of that text under the key (GOVFLOW_ANSWER_KEY), base64url: URL-safe, and
read only after the signature is checked in constant time. The key is never stored in the
database; only a hash of a token is (`token_id`), to count its uses.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass

from notifications.errors import Error

ANSWERS = ("done", "update", "late")  # the `do=` of each link, in the order a digest shows them
LABELS = {"done": "Done", "update": "Add an update", "late": "It will be late"}
_CONTEXT = b"govflow-answer-link-v1."  # what a signature is for: never a valid signature of anything else
_CSRF_CONTEXT = b"govflow-answer-form-v1."
MAX_TOKEN_CHARS = 1024  # far more than any real item key makes; longer is refused unread


class LinkRefused(Error):
    """A link that cannot be used: its `status` (403 forged or not for here, 410 expired) and why, in words."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class AnswerClaim:
    """What a link's token says: whose answer, about which item, until when."""

    organisation: str
    initials: str
    item_key: str  # "step:DOC/STEP", "action:PLAN/REC/POS", "papers:MEETING/DOC/STEP"
    deadline: dt.date  # the item's deadline in the digest that carried the link
    expires_on: dt.date  # the last day the link works


@dataclass(frozen=True)
class AnswerLink:
    """One link of a digest item, as the message shows it."""

    answer: str  # "done" | "update" | "late"
    label: str  # "Done"
    url: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def token_id(token: str) -> str:
    """What the database keeps of a token to count its uses: a hash that cannot be used as a link."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class AnswerSigner:
    """Signs and reads answer-link tokens with one key."""

    def __init__(self, key: str, days: int = 14) -> None:
        if not key:
            raise ValueError("an answer-link key cannot be empty")
        if days < 1:
            raise ValueError("answer links must work for at least one day")
        self._key = key.encode("utf-8")
        self.days = days

    def __repr__(self) -> str:
        return f"AnswerSigner(days={self.days})"  # never the key

    def expiry(self, night: dt.date) -> dt.date:
        """The last day a link sent for `night` works."""
        return night + dt.timedelta(days=self.days)

    def sign(self, claim: AnswerClaim) -> str:
        body = json.dumps(
            [claim.organisation, claim.initials, claim.item_key, claim.deadline.isoformat(), claim.expires_on.isoformat()],
            separators=(",", ":"), ensure_ascii=False,
        )
        payload = _b64(body.encode("utf-8"))
        return f"{payload}.{self._signature(payload)}"

    def _signature(self, payload: str) -> str:
        return _b64(hmac.new(self._key, _CONTEXT + payload.encode("ascii"), hashlib.sha256).digest())

    def read(self, token: str, *, organisation: str, today: dt.date) -> AnswerClaim:
        """The claim of a genuine token for this council that has not expired on `today`; LinkRefused otherwise."""
        forged = LinkRefused(403, "This link is not one govflow sent: it may have been cut short or changed.")
        if len(token) > MAX_TOKEN_CHARS or token.count(".") != 1:
            raise forged
        payload, signature = token.split(".")
        try:
            genuine = hmac.compare_digest(self._signature(payload).encode("ascii"), signature.encode("ascii"))
        except (UnicodeEncodeError, ValueError):  # not ASCII: not ours
            raise forged from None
        if not genuine:
            raise forged
        try:
            council, initials, item_key, deadline, expires_on = json.loads(_unb64(payload).decode("utf-8"))
            claim = AnswerClaim(council, initials, item_key, dt.date.fromisoformat(deadline), dt.date.fromisoformat(expires_on))
        except (ValueError, TypeError) as error:  # signed by us but unreadable: a bug, said as a refusal
            raise LinkRefused(403, f"This link cannot be read ({type(error).__name__}).") from None
        if claim.organisation != organisation:
            raise LinkRefused(403, "This link belongs to another council's govflow: open it from the email it came in.")
        if today > claim.expires_on:
            raise LinkRefused(410, f"This link expired after {claim.expires_on.isoformat()}. The next reminder brings new links.")
        return claim

    def links(self, organisation: str, initials: str, item_key: str, deadline: dt.date, night: dt.date, public_url: str) -> tuple[AnswerLink, ...]:
        """The three links of one digest item, under `public_url` (a council's own address)."""
        token = self.sign(AnswerClaim(organisation, initials, item_key, deadline, self.expiry(night)))
        base = f"{public_url.rstrip('/')}/answer/{token}"
        return tuple(AnswerLink(answer, LABELS[answer], f"{base}?do={answer}") for answer in ANSWERS)

    # --- the form's CSRF token ------------------------------------------------------------------

    def form_token(self, token: str, nonce: str) -> str:
        """The CSRF token of a page reached by `token`: its nonce and the HMAC of both (see govflow.web.answers)."""
        mac = hmac.new(self._key, _CSRF_CONTEXT + token_id(token).encode("ascii") + b"." + nonce.encode("ascii"), hashlib.sha256)
        return f"{nonce}.{_b64(mac.digest())}"

    def form_token_matches(self, token: str, form_token: str, cookie_nonce: str | None) -> bool:
        """Whether a POSTed form token was made for `token` and carries the nonce of the cookie set with the page."""
        nonce, _, _ = form_token.partition(".")
        if not nonce or not cookie_nonce or not nonce.isascii() or not form_token.isascii():
            return False
        same_nonce = hmac.compare_digest(nonce.encode("ascii"), cookie_nonce.encode("ascii", "replace"))
        return same_nonce and hmac.compare_digest(self.form_token(token, nonce).encode("ascii"), form_token.encode("ascii"))


@dataclass(frozen=True)
class DigestLinks:
    """What a digest needs to put answer links in its items: the signer, the council and its address."""

    signer: AnswerSigner
    organisation: str
    public_url: str

    def for_item(self, initials: str, kind: str, item_key: str, deadline: dt.date, night: dt.date) -> tuple[AnswerLink, ...]:
        """The links of one item. A papers item has no Done link: its papers are in when the committee
        system publishes them (or its step is done), which no owner's click can say; nor a late link: its
        date is the meeting's papers deadline, which no owner's date moves. An owner's answer
        awaiting the reader's confirmation (kind "answer", in a secretary's digest) has one: to confirm it."""
        links = self.signer.links(self.organisation, initials, item_key, deadline, night, self.public_url)
        if kind == "answer":  # an owner's "done" awaiting the secretary: one link, to confirm it
            return tuple(AnswerLink("done", "Confirm it is done", link.url) for link in links if link.answer == "done")
        return tuple(link for link in links if not (kind == "papers" and link.answer in ("done", "late")))
