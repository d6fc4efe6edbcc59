"""`read_when_list`: a table cell holding several date phrases written one after another."""
from __future__ import annotations

import datetime as dt
import re
from typing import Iterable

from governance_model.errors import WhenError
from governance_model.school_terms import SchoolTerms
from governance_model.when.grammar import read_when
from governance_model.when.value import When

_MAX_WORDS_PER_PHRASE = 9


def read_when_list(
    text: str, context: dt.date, expected: int | None = None, terms: SchoolTerms | None = None
) -> list[When]:
    """Read a table cell holding several phrases written one after another ("Jan Jan Wef Feb
    onwards"). Lines split first; within a line, the split into readable phrases with `expected`
    phrases if there is one, else the fewest phrases."""
    words = [(m.start(), m.end(), text.count("\n", 0, m.start())) for m in re.finditer(r"\S+", text)]
    if not words:
        raise WhenError(text, "there are no words to read")
    n = len(words)
    readings: dict[tuple[int, int], When | None] = {}

    def reading(i: int, k: int) -> When | None:
        if (i, k) not in readings:
            try:
                readings[i, k] = read_when(text[words[i][0] : words[k - 1][1]], context, terms)
            except WhenError:
                readings[i, k] = None
        return readings[i, k]

    def segments_from(i: int) -> Iterable[int]:
        """Ends of the phrases that could start at word i: longest first, never across a line."""
        last = i + 1
        while last < n and last - i < _MAX_WORDS_PER_PHRASE and words[last][2] == words[i][2]:
            last += 1
        return range(last, i, -1)

    # splits[i]: for each number of phrases, one way to read words[i:], preferring long first phrases.
    splits: list[dict[int, list[int]]] = [{} for _ in range(n + 1)]
    splits[n] = {0: []}
    for i in range(n - 1, -1, -1):
        for k in segments_from(i):
            if splits[k] and reading(i, k) is not None:
                for count, ends in splits[k].items():
                    splits[i].setdefault(count + 1, [k, *ends])

    if not splits[0]:
        raise WhenError(text, f"no reading for {_unreadable_part(text, words, splits, reading, segments_from)!r}")
    count = expected if expected in splits[0] else min(splits[0])
    result, start = [], 0
    for end in splits[0][count]:
        result.append(reading(start, end))
        start = end
    return result


def _unreadable_part(text, words, splits, reading, segments_from) -> str:
    """The words between the longest readable beginning and the earliest readable ending."""
    reachable = {0}
    for i in range(len(words)):
        if i in reachable:
            reachable.update(k for k in segments_from(i) if reading(i, k) is not None)
    first = max(i for i in reachable if i < len(words))
    last = next((j for j in range(first + 1, len(words)) if splits[j]), len(words))
    return text[words[first][0] : words[last - 1][1]]
