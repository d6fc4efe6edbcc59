"""A strategy's framework — the inspection findings it answers, the threads it answers them through,
the strands it is delivered through, the strategies it aligns with or depends on (seed 003) — what
an action of a plan that delivers it serves of it, and the questions put at a meeting."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import Enum

from governance_model.errors import ModelError


class Facet(str, Enum):
    """The three parts of a framework an action can serve. The value is stable (stored, a column)."""

    FINDING = "finding"
    THREAD = "thread"
    STRAND = "strand"

    @property
    def label(self) -> str:
        """"Finding", "Thread", "Strand": the plan column's heading and what reports call it."""
        return self.value.capitalize()

    @property
    def plural(self) -> str:
        return f"{self.value}s"


@dataclass
class Finding:
    """An inspection finding the strategy answers: an area of significant weakness, with the words
    the inspectors used (`quotes`), where they come from, what has been done so far and what the
    strategy will build on to deliver for it."""

    key: str
    title: str
    source: str = ""  # "2019 SEND Local Area Inspection (Ofsted/CQC)"
    quotes: list[str] = field(default_factory=list)
    improvements: str = ""  # "Improvements made to date"
    to_deliver: list[str] = field(default_factory=list)  # "Strategy will build on to deliver"


@dataclass
class Thread:
    """A golden thread the strategy answers findings through (Equity, Ambition, Inclusion): what the
    inspection found that it addresses, and the inspection's words for it."""

    key: str
    title: str
    addresses: str = ""
    quotes: list[str] = field(default_factory=list)


@dataclass
class Strand:
    """A strand the strategy is delivered through, with the strategies aligned to it."""

    key: str
    title: str
    description: str = ""
    aligned: list[str] = field(default_factory=list)


class LinkKind(str, Enum):
    ALIGNS_WITH = "aligns_with"
    DEPENDS_ON = "depends_on"

    @property
    def words(self) -> str:
        return "aligns with" if self is LinkKind.ALIGNS_WITH else "depends on"


@dataclass
class StrategyLink:
    """Another strategy this one aligns with or depends on: its title as the paper writes it, and
    the key of the document when govflow holds it too."""

    kind: LinkKind
    title: str
    document: str | None = None


_SPACES = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")  # zero-width spaces and joiners, soft hyphens


def name_key(text: str) -> str:
    """How a name written in a cell is compared: case, spacing, a leading bullet, invisible characters
    and how an accent is encoded ("í" as one character or two) do not matter."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return _SPACES.sub(" ", text.strip().lstrip("·•-–* ").strip()).casefold()


@dataclass
class StrategyFramework:
    """What a strategy answers and how: findings, threads, strands and links to other strategies."""

    findings: list[Finding] = field(default_factory=list)
    threads: list[Thread] = field(default_factory=list)
    strands: list[Strand] = field(default_factory=list)
    links: list[StrategyLink] = field(default_factory=list)

    def entries(self, facet: Facet) -> list[Finding] | list[Thread] | list[Strand]:
        return {Facet.FINDING: self.findings, Facet.THREAD: self.threads, Facet.STRAND: self.strands}[facet]

    def title(self, facet: Facet, key: str) -> str:
        for entry in self.entries(facet):
            if entry.key == key:
                return entry.title
        raise ModelError(f"no {facet.value} {key!r} in this strategy's framework")

    def names(self, facet: Facet) -> list[str]:
        """The names a cell may use for `facet`'s entries, as people read them: each title (and its
        key, where that differs), in the framework's order."""
        names: list[str] = []
        for entry in self.entries(facet):
            names.append(entry.title)
            if name_key(entry.key) != name_key(entry.title):
                names.append(entry.key)
        return names

    def resolve(self, facet: Facet, written: str) -> str | None:
        """The key of the entry `written` names (its key or its title, compared by `name_key`), or None."""
        wanted = name_key(written)
        for entry in self.entries(facet):
            if wanted in (name_key(entry.key), name_key(entry.title)):
                return entry.key
        return None

    def validate(self) -> None:
        if not (self.findings or self.threads or self.strands):
            raise ModelError("a framework needs at least one finding, thread or strand")
        for facet in Facet:
            keys = [name_key(entry.key) for entry in self.entries(facet)]
            twice = sorted({k for k in keys if keys.count(k) > 1})
            if twice:
                raise ModelError(f"two {facet.plural} have the key {twice[0]!r}: each needs its own")
            seen: dict[str, str] = {}
            for entry in self.entries(facet):
                for name in dict.fromkeys((name_key(entry.key), name_key(entry.title))):
                    if name in seen and seen[name] != entry.key:
                        raise ModelError(f"two {facet.plural} are called {name!r}: {seen[name]!r} and {entry.key!r}")
                    seen[name] = entry.key


@dataclass(frozen=True)
class Serves:
    """What a recommendation or an action serves of its plan's strategy: keys of findings, threads
    and strands."""

    findings: tuple[str, ...] = ()
    threads: tuple[str, ...] = ()
    strands: tuple[str, ...] = ()

    def of(self, facet: Facet) -> tuple[str, ...]:
        return getattr(self, facet.plural)

    def __bool__(self) -> bool:
        return bool(self.findings or self.threads or self.strands)

    def union(self, other: Serves) -> Serves:
        return Serves(*(tuple(dict.fromkeys(self.of(f) + other.of(f))) for f in Facet))

    @classmethod
    def of_facets(cls, keys: dict[Facet, list[str] | tuple[str, ...]]) -> Serves:
        return cls(*(tuple(dict.fromkeys(keys.get(f, ()))) for f in Facet))

    def as_dict(self) -> dict[str, list[str]]:
        """For storage: only the facets it names."""
        return {f.plural: list(self.of(f)) for f in Facet if self.of(f)}

    @classmethod
    def from_dict(cls, stored: dict[str, list[str]] | None) -> Serves:
        stored = stored or {}
        return cls(*(tuple(stored.get(f.plural, ())) for f in Facet))


@dataclass
class MeetingQuestion:
    """A question put at a meeting (a public question at Scrutiny, seed 003): who asked, what, the
    answer given, and the strategy (a document) it was about. The actions the answer led to are the
    recommendation numbered `number` of the plan `follow_up_plan_key(meeting_key)`, so they are
    reminded, judged and reported like any other action."""

    meeting_key: str
    number: int
    asked_by: str
    question: str
    answer: str = ""
    about: str | None = None  # a document key: the strategy the question was about


def follow_up_plan_key(meeting_key: str) -> str:
    """The key of the plan holding the actions that answers at `meeting_key` led to."""
    return re.sub(r"[^a-z0-9]+", "-", f"questions-{meeting_key}".lower()).strip("-")[:100]
