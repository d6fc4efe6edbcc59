"""The Finding, Thread and Strand columns of a plan table: which findings, threads and strands of
the plan's strategy each recommendation and action serves, read from its cells and written back."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from governance_model.errors import LoadError
from governance_model.importing.html_cells import Cell
from governance_model.model import Action, Recommendation
from governance_model.strategy import Facet, Serves, StrategyFramework, name_key

# role (the facet's value) → (the name messages use, the header names accepted), as plan_table's
# COLUMNS: compared without case, spacing or parentheses, so "Finding(s)" and "Threads" match.
SERVES_COLUMNS: dict[str, tuple[str, frozenset[str]]] = {
    Facet.FINDING.value: (
        Facet.FINDING.label,
        frozenset({"finding", "findings", "inspection finding", "inspection findings"}),
    ),
    Facet.THREAD.value: (Facet.THREAD.label, frozenset({"thread", "threads"})),
    Facet.STRAND.value: (Facet.STRAND.label, frozenset({"strand", "strands"})),
}

# "2: Equity; Ambition": the values of the recommendation's action number 2 (its position, the "#"
# reports show). Anything else on a line is values of the row.
_LABEL = re.compile(r"(?P<position>\d+)\s*:\s*(?P<values>.*)", re.S)
_VALUE_SEPARATOR = ";"

Fail = Callable[..., LoadError]  # fail(message, role, text): a LoadError naming file, row and column

# "Finding (strategy send-strategy-2021-24)": the export names the strategy in the heading, so a plan
# file loaded on its own (with no setup file saying what it delivers) knows which framework it names.
_HEADER_STRATEGY = re.compile(r"\(\s*strategy\s+(?P<key>[^()]+?)\s*\)", re.I)
FindFramework = Callable[[str], "StrategyFramework | None"]  # a strategy's key → its framework, if held


def header_with_strategy(facet: Facet, strategy_key: str | None) -> str:
    """The heading the export writes: "Finding (strategy KEY)", or "Finding" for no strategy."""
    return f"{facet.label} (strategy {strategy_key})" if strategy_key else facet.label


def strategy_named_in_headers(names: dict[str, str], source: str, row: int) -> tuple[str, str] | None:
    """The strategy key the Finding, Thread and Strand headings name ("Finding (strategy KEY)"), and
    the heading naming it; None when none does. Two headings naming different strategies are an error."""
    named: tuple[str, str] | None = None
    for role in SERVES_COLUMNS:
        written = names.get(role)
        match = _HEADER_STRATEGY.search(written) if written else None
        if match is None:
            continue
        key = match.group("key")
        if named is not None and named[0] != key:
            raise LoadError(
                f"the {named[1]!r} column names strategy {named[0]!r} and this one {key!r}: a plan delivers one strategy",
                file=source, row=row, column=written, text=written,
            )
        named = named or (key, written)
    return named


def split_serves_cell(cell: Cell) -> tuple[list[str], dict[int, list[str]]]:
    """The names a cell gives without a label, and those it gives each labelled action, in order:
    one name per line or list item, or several separated by ";"."""
    unlabelled: list[str] = []
    labelled: dict[int, list[str]] = {}
    for block in cell.blocks:
        label = _LABEL.fullmatch(block.text.strip())
        if label:
            names = labelled.setdefault(int(label.group("position")), [])
            text = label.group("values")
        else:
            names, text = unlabelled, block.text
        names += [name.strip() for name in text.split(_VALUE_SEPARATOR) if name.strip()]
    return unlabelled, labelled


class ServesReader:
    """Reads a plan's Finding, Thread and Strand cells row by row against its strategy's framework.

    Unlabelled names in a numbered row are what the recommendation serves; in a row that continues
    it (no number), what each action of that row serves. "N: names" gives action N of the
    recommendation names of its own. Every name must be in the framework; it is kept as its key."""

    def __init__(self, roles: Sequence[str], framework: StrategyFramework | None, strategy_key: str | None) -> None:
        self.facets = [facet for facet in Facet if facet.value in roles]
        self.framework = framework
        self.strategy_key = strategy_key

    def read_row(
        self,
        cell: Callable[[str], Cell],
        recommendation: Recommendation,
        row_actions: list[Action],
        *,
        numbered: bool,
        fail: Fail,
    ) -> None:
        """Add what this row's cells say to the recommendation and its actions."""
        for facet in self.facets:
            written = cell(facet.value)
            if not written:
                continue
            unlabelled, labelled = split_serves_cell(written)
            keys = self._resolve(facet, unlabelled, fail)
            if keys and numbered:
                recommendation.serves = recommendation.serves.union(Serves.of_facets({facet: keys}))
            elif keys:
                if not row_actions:
                    raise fail(
                        f"there are {facet.plural} here but no action in this row for them to belong to",
                        facet.value,
                        written.text,
                    )
                for action in row_actions:
                    action.serves = action.serves.union(Serves.of_facets({facet: keys}))
            by_position = {action.position: action for action in recommendation.actions}
            for position, names in labelled.items():
                action = by_position.get(position)
                if action is None:
                    count = len(recommendation.actions)
                    raise fail(
                        f"'{position}:' names action {position} of recommendation {recommendation.number}, "
                        f"which has {count} action{'s' if count != 1 else ''} up to this row",
                        facet.value,
                        written.text,
                    )
                own = self._resolve(facet, names, fail)
                action.serves = action.serves.union(Serves.of_facets({facet: own}))

    def _resolve(self, facet: Facet, names: list[str], fail: Fail) -> list[str]:
        if not names:
            return []
        framework = self.framework
        if framework is None:
            if self.strategy_key:
                message = (
                    f"this plan names {facet.plural} of strategy {self.strategy_key}, whose framework is not "
                    f"given: list its findings, threads and strands under `framework:` on that document in "
                    "the setup file"
                )
            else:
                message = (
                    "this plan names findings, threads or strands but delivers no strategy: "
                    "name the strategy with `strategy: KEY` under the plan in the setup file"
                )
            raise fail(message, facet.value, names[0])
        keys = []
        for name in names:
            key = framework.resolve(facet, name)
            if key is None:
                raise fail(unknown_name_message(framework, facet, name, self.strategy_key), facet.value, name)
            keys.append(key)
        return list(dict.fromkeys(keys))


def unknown_name_message(framework: StrategyFramework, facet: Facet, name: str, strategy_key: str | None) -> str:
    """"'Equality' is not a thread of strategy essex-send-strategy: the threads are Equity, Ambition,
    Inclusion" — with a key in brackets after a title where the key differs (either may be written)."""
    strategy = f"strategy {strategy_key}" if strategy_key else "this plan's strategy"
    entries = framework.entries(facet)
    if not entries:
        return f"{name!r} is not a {facet.value} of {strategy}: its framework has no {facet.plural}"
    known = [
        entry.title if name_key(entry.key) == name_key(entry.title) else f"{entry.title} ({entry.key})"
        for entry in entries
    ]
    return f"{name!r} is not a {facet.value} of {strategy}: the {facet.plural} are {', '.join(known)}"


# ---------------------------------------------------------------------------------------------
# Writing the cells back (reports.plan_export)


def serves_cell(
    facet: Facet, recommendation: Recommendation, framework: StrategyFramework | None = None
) -> str:
    """The cell the reader reads back to what `recommendation` and its actions serve of `facet`:
    the recommendation's names on one line, then "N: names" for each action with names of its own.
    Names are titles when `framework` is given, else keys."""
    lines = []
    own = recommendation.serves.of(facet)
    if own:
        lines.append(_names(facet, own, framework))
    for action in recommendation.actions:
        if action.serves.of(facet):
            lines.append(f"{action.position}: {_names(facet, action.serves.of(facet), framework)}")
    return "\n".join(lines)


def _names(facet: Facet, keys: Sequence[str], framework: StrategyFramework | None) -> str:
    return f"{_VALUE_SEPARATOR} ".join(_name(facet, key, framework) for key in keys)


def _name(facet: Facet, key: str, framework: StrategyFramework | None) -> str:
    """The entry's title when it reads back as this key (a title holding ";" or looking like a
    label would not), else the key."""
    if framework is None:
        return key
    for entry in framework.entries(facet):
        if entry.key == key:
            title = entry.title
            if (
                _VALUE_SEPARATOR not in title
                and "\n" not in title
                and not _LABEL.fullmatch(title.strip())
                and framework.resolve(facet, title) == key
            ):
                return title
    return key


__all__ = ["SERVES_COLUMNS", "ServesReader", "serves_cell", "split_serves_cell", "unknown_name_message"]
