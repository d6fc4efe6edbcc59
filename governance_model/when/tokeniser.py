"""Date phrases cut into tokens, and a cursor with which each grammar rule takes the tokens it expects."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from governance_model.when.failures import Unreadable
from governance_model.when.vocabulary import COMPOUNDS, NUMBER_WORDS

_TOKEN = re.compile(
    r"""
      (?P<isodate>\d{4}-\d{2}-\d{2})(?!\d)
    | (?P<numdate>\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2}))(?!\d)
    | (?P<ordinal>\d{1,2})\s?(?:st|nd|rd|th)\b
    | (?P<number>\d+)
    | (?P<dotted>(?:[^\W\d_]\.){2,}(?:[^\W\d_]\b\.?)?)
    | (?P<word>[^\W\d_]+)
    | (?P<dash>[\-\u2010-\u2015\u2212])
    | (?P<mark>[/&])
    | (?P<skip>[\s(),.:;'"\u2018\u2019\u201c\u201d\[\]])
    | (?P<other>.)
    """,
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True)
class Token:
    kind: str  # word, number, ordinal, numdate, isodate, mark
    norm: str  # lower-case word, digits, or "-" for every kind of dash
    start: int  # where it was written, so dependencies can be quoted exactly
    end: int


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "skip":
            continue
        if kind == "other":
            raise Unreadable(f"{match.group()!r} is not part of any date")
        raw = match.group(kind)
        if kind == "dotted":
            kind, norm = "word", raw.replace(".", "").lower()
        elif kind == "dash":
            kind, norm = "mark", "-"
        else:
            norm = raw.lower()
        tokens.append(Token(kind, norm, match.start(), match.end()))
    return _merge_compounds(tokens)


def _merge_compounds(tokens: list[Token]) -> list[Token]:
    merged: list[Token] = []
    i = 0
    while i < len(tokens):
        first = tokens[i]
        for gap in (1, 2):  # "half term" or "half-term"
            if i + gap < len(tokens) and (gap == 1 or tokens[i + 1].norm == "-"):
                second = tokens[i + gap]
                joined = COMPOUNDS.get((first.norm, second.norm))
                if joined:
                    merged.append(Token("word", joined, first.start, second.end))
                    i += gap + 1
                    break
        else:
            merged.append(first)
            i += 1
    return merged


class Cursor:
    """Each grammar rule takes what it expects, in order, and must use all the tokens."""

    def __init__(self, tokens: Sequence[Token]):
        self.tokens = tokens
        self.i = 0

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take_from(self, table: dict[str, Any]) -> Any:
        token = self.peek()
        if token is not None and token.kind == "word" and token.norm in table:
            self.i += 1
            return table[token.norm]
        return None

    def take_phrase(self, phrases: Iterable[tuple[str, ...]]) -> tuple[str, ...] | None:
        for phrase in sorted(phrases, key=len, reverse=True):
            words = self.tokens[self.i : self.i + len(phrase)]
            if len(words) == len(phrase) and all(t.norm == w for t, w in zip(words, phrase)):
                self.i += len(phrase)
                return phrase
        return None

    def take_word(self, *words: str) -> bool:
        token = self.peek()
        if token is not None and token.norm in words:
            self.i += 1
            return True
        return False

    def take_year(self, short: bool = True) -> int | None:
        """A four-digit year, or (after a month or day) a two-digit one meaning 20YY."""
        token = self.peek()
        if token is None or token.kind != "number":
            return None
        if len(token.norm) == 4 and 1900 <= int(token.norm) <= 2199:
            self.i += 1
            return int(token.norm)
        if short and len(token.norm) == 2:
            self.i += 1
            return 2000 + int(token.norm)
        return None

    def take_day(self, ordinal_only: bool = False) -> int | None:
        token = self.peek()
        kinds = ("ordinal",) if ordinal_only else ("ordinal", "number")
        if token is not None and token.kind in kinds and len(token.norm) <= 2 and int(token.norm) > 0:
            self.i += 1
            return int(token.norm)
        return None

    def take_count(self) -> int | None:
        token = self.peek()
        if token is not None and token.kind == "number" and len(token.norm) <= 3 and int(token.norm) > 0:
            self.i += 1
            return int(token.norm)
        return self.take_from(NUMBER_WORDS)

    def take_financial_year(self, separators: tuple[str, ...] = ("/", "-")) -> int | None:
        """'2022/23', '2022-23', '2022/2023' or '22/23': the year it starts."""
        start = self.i
        first = self.take_year(short=True)
        if first is not None and self.take_word(*separators):
            second = self.take_year(short=True)
            if second is not None and second % 100 == (first + 1) % 100:
                return first
        self.i = start
        return None

    def rest(self) -> Sequence[Token]:
        return self.tokens[self.i :]

    def done(self) -> bool:
        return self.i == len(self.tokens)

    def finish(self) -> None:
        if not self.done():
            raise Unreadable()


def split_prefix(tokens: Sequence[Token], phrases) -> Iterable[Sequence[Token]]:
    """Each way `tokens` begins with one of `phrases`: what follows it."""
    for phrase in sorted(phrases, key=len, reverse=True):
        if len(tokens) > len(phrase) and all(t.norm == w for t, w in zip(tokens, phrase)):
            yield tokens[len(phrase) :]


def split_suffix(tokens: Sequence[Token], phrases) -> Iterable[Sequence[Token]]:
    """Each way `tokens` ends with one of `phrases`: what comes before it."""
    for phrase in sorted(phrases, key=len, reverse=True):
        tail = tokens[len(tokens) - len(phrase) :]
        if len(tokens) > len(phrase) and all(t.norm == w for t, w in zip(tail, phrase)):
            yield tokens[: len(tokens) - len(phrase)]


def is_exactly(tokens: Sequence[Token], phrases) -> bool:
    return tuple(t.norm for t in tokens) in phrases
