"""Reading YAML input files safely: the one YAML loader the setup and term-dates readers share.

PyYAML's SafeLoader still lets a small file do harm or say less than it seems to: a few hundred
bytes of anchors and aliases expand to gigabytes, deep nesting exhausts the stack, a key given twice
silently drops the first value (a whole `people:` list), and an impossible date or a huge number
escapes as a Python exception. This loader refuses each with a LoadError naming the file and line,
and keeps the line each mapping starts on (`Node.line`) for the readers' own messages."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import yaml

from governance_model.errors import LoadError
from governance_model.limits import YAML_NESTING, YAML_VALUES

_MERGE_TAG = "tag:yaml.org,2002:merge"


class Node(dict):
    """A YAML mapping that remembers the line it started on."""

    line: int = 0


class _Refused(Exception):
    """What the loader found wrong, and where; `load_yaml` turns it into a LoadError with the file."""

    def __init__(self, message: str, mark: Any, column: str | None = None, text: str | None = None):
        super().__init__(message)
        self.message, self.line, self.column, self.text = message, mark.line + 1 if mark else None, column, text


class _Loader(yaml.SafeLoader):
    """SafeLoader that bounds nesting and aliases, refuses duplicate keys and keeps mapping lines."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0  # aliases composed so far
        self._open_anchors: list[str] = []  # anchors of the nodes being composed
        self._holds_aliases: set[int] = set()  # ids of nodes with an alias inside

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            target = self.anchors.get(event.anchor)
            if event.anchor in self._open_anchors:
                raise _Refused(f"the alias *{event.anchor} refers to a value that contains it", event.start_mark, text=f"*{event.anchor}")
            if target is not None and id(target) in self._holds_aliases:
                raise _Refused(
                    f"the alias *{event.anchor} refers to a value (line {target.start_mark.line + 1}) that itself "
                    "contains aliases: aliases may not be nested",
                    event.start_mark,
                    text=f"*{event.anchor}",
                )
            self._aliases += 1
            return super().compose_node(parent, index)
        if self._depth >= YAML_NESTING:
            raise _Refused(f"nested more than {YAML_NESTING} levels deep", event.start_mark)
        self._depth += 1
        self._open_anchors.append(event.anchor)
        aliases_before = self._aliases
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
            self._open_anchors.pop()
        if self._aliases > aliases_before:
            self._holds_aliases.add(id(node))
        return node


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Node:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
            continue
        key = loader.construct_object(key_node)
        line = key_node.start_mark.line + 1
        try:
            first = seen.get(key)
        except TypeError:
            continue  # not hashable: SafeLoader says so itself
        if first is not None:
            raise _Refused(
                f"{key!s} is given twice in one mapping (lines {first} and {line}): the second would silently replace the first",
                key_node.start_mark,
                column=str(key),
                text=str(key),
            )
        seen[key] = line
    mapping = Node(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_int(node)
    except ValueError:  # more digits than Python turns into an int: the checkers refuse the text
        return node.value


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except (ValueError, OverflowError) as exc:
        raise _Refused(f"not a real date ({exc})", node.start_mark, text=node.value) from None


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _expanded_values(root: yaml.Node) -> int:
    """How many values the document holds with every alias expanded (aliases are not nested, so
    this is a sum over a tree whose shared parts are counted once per use)."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if isinstance(node, yaml.ScalarNode):
            total = 1
        elif isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(child) for child in node.value)
        else:
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        sizes[id(node)] = total
        return total

    return size(root)


def compose_yaml(text: str, source: str) -> yaml.Node | None:
    """The document's node tree, checked for nesting, aliases and size; None for an empty file.

    A load reads a setup file's text up to three times (is it term dates? which term file does it
    name? the setup itself): the tree is composed once and kept for the next few reads of the same
    text (read-only: constructing from it changes nothing a later read sees)."""
    return _compose(text, source)


@lru_cache(maxsize=4)
def _compose(text: str, source: str) -> yaml.Node | None:
    loader = _Loader(text)
    with _load_errors(source, loader):
        root = loader.get_single_node()
        if root is not None and _expanded_values(root) > YAML_VALUES:
            raise _Refused(f"with its aliases expanded the file holds more than {YAML_VALUES} values", root.start_mark)
        return root


def load_yaml(text: str, source: str) -> Any:
    """The file's content, mappings as `Node`s carrying their line; every problem a LoadError."""
    root = compose_yaml(text, source)
    if root is None:
        return None
    loader = _Loader("")
    with _load_errors(source, loader):
        return loader.construct_document(root)


@contextmanager
def _load_errors(source: str, loader: _Loader) -> Iterator[None]:
    """What composing or constructing refuses, as a LoadError naming `source`; the loader disposed."""
    try:
        yield
    except _Refused as exc:
        raise LoadError(exc.message, file=source, row=exc.line, column=exc.column, text=exc.text) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or exc
        raise LoadError(f"not valid YAML: {problem}", file=source, row=mark.line + 1 if mark else None) from None
    finally:
        loader.dispose()
