"""Issue 17: the signed answer links in a digest: genuine ones read back, anything changed, expired or
for another council refused; the digest's items carry them only when a key is set."""
from __future__ import annotations

import base64
import datetime as dt
import json

import pytest

from governance_model.model import Person
from governance_model.reminders import Reminder, ReminderItem
from govflow.errors import SettingsError
from govflow.settings import Settings
from notifications.answer_links import AnswerClaim, AnswerSigner, DigestLinks, LinkRefused, token_id
from notifications.digest import build_digest

KEY = "k" * 40
D = dt.date.fromisoformat
CLAIM = AnswerClaim("default", "GB", "step:send-strategy-2021-24/share-sspb", D("2022-03-01"), D("2022-03-24"))


def read(token: str, *, key: str = KEY, organisation: str = "default", today: str = "2022-03-10") -> AnswerClaim:
    return AnswerSigner(key).read(token, organisation=organisation, today=D(today))


def test_a_genuine_link_reads_back_as_signed_and_is_url_safe() -> None:
    token = AnswerSigner(KEY).sign(CLAIM)
    assert read(token) == CLAIM
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
    assert KEY not in token and len(token_id(token)) == 64


def test_a_link_works_up_to_its_last_day_and_is_gone_after() -> None:
    token = AnswerSigner(KEY).sign(CLAIM)
    assert read(token, today="2022-03-24") == CLAIM
    with pytest.raises(LinkRefused) as refused:
        read(token, today="2022-03-25")
    assert refused.value.status == 410 and "expired" in str(refused.value)


def test_the_expiry_is_the_setting_s_days_after_the_night() -> None:
    assert AnswerSigner(KEY, days=14).expiry(D("2022-03-10")) == D("2022-03-24")
    (done, *_), = [AnswerSigner(KEY, days=3).links("default", "GB", "step:a/b", D("2022-03-11"), D("2022-03-10"), "https://x.example")]
    token = done.url.split("/answer/")[1].split("?")[0]
    assert read(token).expires_on == D("2022-03-13")


@pytest.mark.parametrize("change", ["person", "item", "payload bit", "signature bit", "cut", "other key", "dots", "not ascii"])
def test_a_changed_link_is_refused(change: str) -> None:
    token = AnswerSigner(KEY).sign(CLAIM)
    payload, signature = token.split(".")
    fields = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))

    def repack(values) -> str:
        return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).rstrip(b"=").decode()

    forged = {
        "person": f"{repack([fields[0], 'BM', *fields[2:]])}.{signature}",
        "item": f"{repack([*fields[:2], 'step:other/step', *fields[3:]])}.{signature}",
        "payload bit": f"{payload[:-1]}{'A' if payload[-1] != 'A' else 'B'}.{signature}",
        "signature bit": f"{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}",
        "cut": token[:-5],
        "other key": AnswerSigner("o" * 40).sign(CLAIM),
        "dots": f"{payload}.{signature}.{signature}",
        "not ascii": f"{payload}.{signature[:-1]}é",
    }[change]
    with pytest.raises(LinkRefused) as refused:
        read(forged)
    assert refused.value.status == 403


def test_a_link_of_another_council_is_refused_here() -> None:
    token = AnswerSigner(KEY).sign(AnswerClaim("essex", *list(CLAIM.__dict__.values())[1:]))
    with pytest.raises(LinkRefused) as refused:
        read(token)
    assert refused.value.status == 403 and "another council" in str(refused.value)


def test_a_form_token_is_bound_to_its_link_and_its_cookie() -> None:
    signer = AnswerSigner(KEY)
    token, other = signer.sign(CLAIM), signer.sign(AnswerClaim("default", "GB", "step:a/b", D("2022-03-01"), D("2022-03-24")))
    nonce = "n" * 32
    form = signer.form_token(token, nonce)
    assert signer.form_token_matches(token, form, nonce)
    assert not signer.form_token_matches(token, form, "m" * 32)  # another browser's cookie
    assert not signer.form_token_matches(token, form, None)  # no cookie: posted from another site
    assert not signer.form_token_matches(other, form, nonce)  # made for another link
    assert not AnswerSigner("o" * 40).form_token_matches(token, form, nonce)


def test_the_key_is_a_secret_setting_and_a_short_one_is_refused() -> None:
    settings = Settings(answer_key=KEY)
    assert KEY not in repr(settings) and settings.answer_link_days == 14
    assert Settings().answer_key is None
    with pytest.raises(SettingsError, match="GOVFLOW_ANSWER_KEY"):
        Settings(answer_key="short")
    with pytest.raises(SettingsError, match="GOVFLOW_ANSWER_LINK_DAYS"):
        Settings(answer_link_days=0)


def _reminder(kind: str, key: str) -> Reminder:
    item = ReminderItem(kind=kind, key=key, title=f"{kind} item", context="SEND Strategy", body_code="SSPB",
                        deadline=D("2022-03-14"), when_text="14 March 22")
    return Reminder("GB", item, "before-2", D("2022-03-10"))


def test_every_digest_item_carries_its_own_links_in_both_parts_and_papers_have_no_done_or_late() -> None:
    links = DigestLinks(AnswerSigner(KEY), "default", "https://govflow.example.org/southend")
    reminders = [_reminder("step", "step:doc/share"), _reminder("action", "action:plan/1/2"), _reminder("papers", "papers:SSPB-1/doc/decide")]
    digest = build_digest(Person("GB", "Gill Brown"), reminders, answer_links=links)

    by_kind = {item.kind: item for item in digest.items}
    assert [link.label for link in by_kind["step"].answers] == ["Done", "Add an update", "It will be late"]
    assert [link.label for link in by_kind["papers"].answers] == ["Add an update"]  # its date is the meeting's papers deadline
    for item in digest.items:
        for link in item.answers:
            assert link.url.startswith("https://govflow.example.org/southend/answer/") and link.url.endswith(f"?do={link.answer}")
            token = link.url.split("/answer/")[1].split("?")[0]
            claim = AnswerSigner(KEY).read(token, organisation="default", today=D("2022-03-10"))
            assert (claim.initials, claim.item_key, claim.deadline, claim.expires_on) == ("GB", item.key, D("2022-03-14"), D("2022-03-24"))
            assert link.url in digest.text and f'href="{link.url}"' in digest.html and link.url in digest.html_for_text


def test_without_a_key_a_digest_has_no_links() -> None:
    digest = build_digest(Person("GB"), [_reminder("step", "step:doc/share")])
    assert digest.items[0].answers == () and "/answer/" not in digest.text + digest.html and digest.html_for_text == ""


def test_the_server_log_never_shows_a_link_s_token() -> None:
    import logging

    from govflow.web.app import RedactFeedTokens

    token = AnswerSigner(KEY).sign(CLAIM)
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", f"/southend/answer/{token}?do=done", "1.1", 200), None)
    RedactFeedTokens().filter(record)
    assert token not in record.getMessage() and "/southend/answer/<redacted " in record.getMessage()
