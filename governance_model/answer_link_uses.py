"""What is kept of each answer link used (issue 17): how often its page was posted to, and when its
item was answered through it. The token itself is not kept, only a hash of it (`token_id`)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from governance_model.errors import ModelError

MAX_ANSWER_POSTS = 5  # POSTs one link takes, answered or not: a forwarded link cannot be hammered


@dataclass(frozen=True)
class AnswerLinkUse:
    """One link's uses: whose it is, about which item, how many POSTs, and its answer once given."""

    token_id: str
    initials: str
    item_key: str
    uses: int
    first_used_at: dt.datetime  # aware; read back in UTC
    last_used_at: dt.datetime
    answered_at: dt.datetime | None = None  # when the item was answered Done through it; None: not yet
    answer: str | None = None  # "done"

    @property
    def used_up(self) -> bool:
        return self.uses > MAX_ANSWER_POSTS


def check_link_use(token_id: str, at: dt.datetime) -> None:
    if not token_id or len(token_id) > 64:
        raise ModelError("an answer link's id is 1 to 64 characters (a hash of its token)")
    if at.utcoffset() is None:
        raise ModelError(f"answer link time {at.isoformat()} has no time zone")
