"""Mutants of the example files: each a small, seeded change to a setup, plan or progress-update file
that a person could plausibly make (a wrong type, an impossible date, a duplicate, a stray byte).

Every mutant is built from its own random.Random seeded with (seed, family, number), so one mutant
is rebuilt exactly from those three alone, whatever the count of the run (GOVFLOW_FUZZ_MUTANT)."""
from __future__ import annotations

import copy
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SOUTHEND = EXAMPLES / "southend"
PLYMOUTH = EXAMPLES / "plymouth"
PLAN_KEY = "send-peer-review-recommendations-high-level-implementation-plan-draft-1"  # Southend's plan


@dataclass
class Mutant:
    """One mutated input: the files to write (the first is the one given to the command) and how a
    person would load it (`load FILE` or `update PLAN --file FILE`)."""

    family: str
    number: int
    description: str
    files: dict[str, bytes]
    command: str = "load"  # or "update"
    fields: tuple[str, ...] = ()  # fields the mutation touched: an error naming one names the place
    documents: tuple[str, ...] = ()  # what a successful load must have stored (keys, initials, codes)
    people: tuple[str, ...] = ()
    bodies: tuple[str, ...] = ()
    whole_file: bool = False  # the damage leaves no row or field to name (an empty file, a broken zip)

    @property
    def main(self) -> str:
        return next(iter(self.files))

    def args(self, folder: Path) -> list[str]:
        path = str(folder / self.main)
        if self.command == "update":
            return ["update", PLAN_KEY, "--file", path]
        return ["load", path]

    def shown(self, limit: int = 3000) -> str:
        """The mutated file as text to print (bytes shown escaped), cut at `limit` characters."""
        data = self.files[self.main]
        if self.main.endswith(".xlsx"):
            return f"<xlsx workbook, {len(data)} bytes>"
        text = data.decode("utf-8", errors="backslashreplace")
        return text if len(text) <= limit else text[:limit] + f"\n… ({len(text) - limit} more characters)"


# --- Value families -----------------------------------------------------------------------------------
LONG = {"200 chars": "x" * 200, "300 chars": "y" * 300, "10k chars": "z" * 10_000}
TEXTS = {
    "empty": "",
    "blank": "   ",
    "NUL inside": "GB\x00evil",
    "control chars": "a\x01\x07\x1b[31mb\x7f",
    "newline inside": "first\nsecond",
    "unicode": "Ωmega élan 中文 🙂 \u202eRTL",
    "formula": "=1+1",
    "formula HYPERLINK": '=HYPERLINK("http://example.org","x")',
    "leading plus": "+44",
    "trailing space": "GB ",
    "upper-cased": "GB".upper(),
    **LONG,
}
SCALARS: dict[str, object] = {
    "zero": 0,
    "negative": -1,
    "2**63": 2**63,
    "-2**63-1": -(2**63) - 1,
    "10**30": 10**30,
    "float": 1.5,
    "nan": float("nan"),
    "inf": float("inf"),
    "true": True,
    "false": False,
    "null": None,
    "empty list": [],
    "list of two": ["a", "b"],
    "mapping": {"a": 1},
    "date 0001-01-01": dt.date(1, 1, 1),
    "date 9999-12-31": dt.date(9999, 12, 31),
    "datetime": dt.datetime(2022, 3, 27, 1, 30),
    **{f"text {name}": value for name, value in TEXTS.items()},
}
DATE_TEXTS = {
    "impossible 2021-02-30": "2021-02-30",
    "month 13": "2022-13-01",
    "year 0001": "0001-01-01",
    "year 9999": "9999-12-31",
    "year 99999": "99999-01-01",
    "not a date": "someday",
    "slashes": "30/02/2022",
    "empty": "",
}
WHEN_TEXTS = {
    "30 February 2022": "30 February 2022",
    "year 0001": "1 January 0001",
    "year 9999": "31 December 9999",
    "huge year": "March 99999999999999999999",
    "every 0 weeks": "every 0 weeks",
    "every 10**20 days": "every 100000000000000000000 days",
    "100000 weeks after Cabinet": "100000 weeks after Cabinet",
    "gibberish": "wibble wobble",
    "TBC": "TBC",
    "w/c a Tuesday": "w/c 25 October 2022",
    "long": "March 22 " + "x" * 300,
    "NUL": "March\x0022",
}


def pick(rng: random.Random, table: dict[str, object]) -> tuple[str, object]:
    name = rng.choice(sorted(table))
    return name, table[name]


# --- YAML setup files ---------------------------------------------------------------------------------
def _paths(node: object, prefix: tuple = ()) -> list[tuple]:
    """Every path (keys and indices) to a node of a parsed YAML tree, the root excluded."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append(prefix + (key,))
            found.extend(_paths(value, prefix + (key,)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.append(prefix + (index,))
            found.extend(_paths(value, prefix + (index,)))
    return found


def _parent(tree: object, path: tuple) -> object:
    for part in path[:-1]:
        tree = tree[part]
    return tree


def _label(path: tuple) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p)) for i, p in enumerate(path))


def _field_names(path: tuple) -> tuple[str, ...]:
    return tuple(str(p) for p in path if isinstance(p, str))


def _dump(tree: object) -> bytes:
    return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False, width=4096).encode("utf-8")


class SetupMutator:
    """Structure-aware mutations of a setup file: on the parsed tree (then written back as YAML), or
    on its text where YAML itself is the point (duplicate keys, anchors, tags, nesting)."""

    def __init__(self, source: Path, extra_files: dict[str, bytes]):
        self.name = source.name
        self.text = source.read_text(encoding="utf-8")
        if "\nplans:" in self.text:
            # The plan has mutants of its own (CsvMutator); loading it with every setup mutant would
            # double their cost. Some setup mutants name a plan file again (`_plans`).
            start = self.text.index("\nplans:")
            end = self.text.index("\n", self.text.index("\n  - file:", start) + 1)
            while self.text[end + 1:end + 3] == "  ":
                end = self.text.index("\n", end + 1)
            self.text = self.text[:start] + self.text[end:]
        self.tree = yaml.safe_load(self.text)
        self.extra = extra_files

    def mutant(self, family: str, number: int, rng: random.Random) -> Mutant:
        operations: list[tuple[Callable, int]] = [
            (self._replace_value, 30),
            (self._drop, 8),
            (self._duplicate_item, 6),
            (self._unknown_field, 4),
            (self._domain, 30),
            (self._text, 16),
            (self._plans, 5),
        ]
        operation = rng.choices([op for op, _ in operations], weights=[w for _, w in operations])[0]
        tree = copy.deepcopy(self.tree)
        result = operation(tree, rng)
        description, content, fields = result
        files = {self.name: content, **self.extra}
        mutant = Mutant(family, number, description, files, fields=fields)
        if isinstance(content, bytes):
            self._expect(mutant, content)
        return mutant

    def _expect(self, mutant: Mutant, content: bytes) -> None:
        """What a successful load of this mutant must have stored: the keys it names."""
        try:
            tree = yaml.safe_load(content)
        except Exception:  # the mutant is not YAML: a load of it cannot succeed anyway
            return
        if not isinstance(tree, dict):
            return

        def keys(section: str, name: str) -> tuple[str, ...]:
            items = tree.get(section)
            if not isinstance(items, list):
                return ()
            return tuple(i[name] for i in items if isinstance(i, dict) and isinstance(i.get(name), str) and i[name].strip())

        mutant.documents = keys("documents", "key")
        mutant.people = keys("people", "initials")
        mutant.bodies = keys("bodies", "code")

    def _replace_value(self, tree, rng):
        path = rng.choice(_paths(tree))
        name, value = pick(rng, SCALARS)
        _parent(tree, path)[path[-1]] = value
        return f"{_label(path)} ← {name} ({value!r:.40})", _dump(tree), _field_names(path)

    def _drop(self, tree, rng):
        path = rng.choice(_paths(tree))
        del _parent(tree, path)[path[-1]]
        return f"drop {_label(path)}", _dump(tree), _field_names(path)

    def _duplicate_item(self, tree, rng):
        lists = [p for p in _paths(tree) if isinstance(_get(tree, p), list) and _get(tree, p)]
        path = rng.choice(lists)
        items = _get(tree, path)
        index = rng.randrange(len(items))
        items.insert(index, copy.deepcopy(items[index]))
        return f"duplicate {_label(path + (index,))}", _dump(tree), _field_names(path)

    def _unknown_field(self, tree, rng):
        mappings = [()] + [p for p in _paths(tree) if isinstance(_get(tree, p), dict)]
        path = rng.choice(mappings)
        name = rng.choice(["colour", "initals", "waits-for", "Key", "x" * 300])
        _get(tree, path)[name] = "surprise"
        return f"unknown field {name[:20]!r} at {_label(path) or 'top level'}", _dump(tree), (name,) + _field_names(path)

    def _domain(self, tree, rng):
        """Mutations that keep the YAML well formed but break a rule of the setup."""
        steps = [(d, i) for d, doc in enumerate(tree.get("documents", [])) for i, _ in enumerate(doc.get("route", []))]
        d, i = rng.choice(steps)
        route = tree["documents"][d]["route"]
        step = route[i]
        where = f"documents[{d}].route[{i}]"
        choice = rng.randrange(16)
        if choice == 0:
            step["waits_for"] = [step["key"]]
            return f"{where} waits for itself", _dump(tree), ("waits_for",)
        if choice == 1 and i > 0:
            route[i - 1]["waits_for"] = [step["key"]]
            step["waits_for"] = [route[i - 1]["key"]]
            return f"{where} and the step before wait for each other", _dump(tree), ("waits_for",)
        if choice == 2:
            step["waits_for"] = rng.choice([["no-such-step"], ["other-doc/no-step"], ["condition:"], ["/"], "share-jcb", [None], [[]]])
            return f"{where}.waits_for ← {step['waits_for']!r}", _dump(tree), ("waits_for",)
        if choice == 3:
            step["owner"] = rng.choice(["ZZ", "", "gb", None, 7])
            return f"{where}.owner ← unknown {step['owner']!r}", _dump(tree), ("owner",)
        if choice == 4:
            step["body"] = rng.choice(["NoSuchBoard", "", "sspb", 12])
            return f"{where}.body ← unknown {step['body']!r}", _dump(tree), ("body",)
        if choice == 5:
            name, when = pick(rng, WHEN_TEXTS)
            step["when"] = when
            return f"{where}.when ← {name}", _dump(tree), ("when",)
        if choice == 6:
            name, value = pick(rng, {**DATE_TEXTS, "date 0001": dt.date(1, 1, 1), "date 9999": dt.date(9999, 12, 31)})
            step["done"] = value
            return f"{where}.done ← {name}", _dump(tree), ("done",)
        if choice == 7:
            step["kind"] = rng.choice(["approve", "", "DECIDE", None])
            return f"{where}.kind ← {step['kind']!r}", _dump(tree), ("kind",)
        if choice == 8:
            route[i]["key"] = route[(i + 1) % len(route)]["key"]
            return f"{where}.key duplicates another step's key", _dump(tree), ("key",)
        bodies = [b for b in tree.get("bodies", []) if isinstance(b, dict)]
        body = rng.choice(bodies)
        bwhere = f"body {body.get('code')}"
        if choice == 9:
            body["secretary"] = rng.choice(["NOBODY", "", None])
            return f"{bwhere}.secretary ← {body['secretary']!r}", _dump(tree), ("secretary",)
        if choice == 10:
            meetings = body.setdefault("meetings", {})
            meetings.setdefault("dates", [])
            at = rng.choice(["2021-02-30 14:00", "0001-01-01 00:00", "9999-12-31 23:59", "2022-03-27 01:30", "2022-01-06 25:00", "2022-01-06"])
            meetings["dates"].append({"at": at})
            return f"{bwhere} meeting at {at!r}", _dump(tree), ("at", "dates", "meetings")
        if choice == 11:
            meetings = body.setdefault("meetings", {})
            meetings["rule"] = rng.choice(["first Wednesday of every month at 14:00", "fifth Sunday of every month at 25:00", "every day", "first Wednesday of every month at 14:00" + " " * 5000])
            meetings["from"], meetings["until"] = rng.choice([
                (dt.date(1900, 1, 1), dt.date(2199, 12, 31)),
                (dt.date(1, 1, 1), dt.date(9999, 12, 31)),
                (dt.date(2022, 8, 31), dt.date(2021, 9, 1)),
                ("2021-02-30", "2022-01-01"),
            ])
            return f"{bwhere} meetings {meetings['rule'][:50]!r} from {meetings['from']} until {meetings['until']}", _dump(tree), ("rule", "from", "until", "meetings")
        if choice == 12:
            body["papers_lead_days"] = rng.choice([-1, 0, 2**63, 10**6, "five", 1.5, None])
            return f"{bwhere}.papers_lead_days ← {body['papers_lead_days']!r}", _dump(tree), ("papers_lead_days",)
        if choice == 13:
            body["reminder_days"] = rng.choice([[], [-1], [2**63], ["two"], 5, [14, 14], [1.5]])
            return f"{bwhere}.reminder_days ← {body['reminder_days']!r}", _dump(tree), ("reminder_days",)
        if choice == 14:
            tree["context"] = rng.choice([dt.date(1, 1, 1), dt.date(9999, 12, 31), "2021-02-30", "next year", 2021, None])
            return f"context ← {tree['context']!r}", _dump(tree), ("context",)
        people = tree.get("people", [])
        if people:
            person = rng.choice(people)
            person["email"] = rng.choice(["not-an-email", "", "a@b", "x" * 300 + "@example.org", "gb@\x00.org", None])
            return f"person {person.get('initials')}.email ← {person['email']!r:.40}", _dump(tree), ("email",)
        return "unchanged", _dump(tree), ()

    def _plans(self, tree, rng):
        """A plan file named by the setup: the example's, or one that is not there or not a plan."""
        entry = rng.choice([
            {"file": "peer-review-plan.csv", "title": "SEND Peer Review Recommendations, high level implementation plan DRAFT 1", "owner": "GB"},
            {"file": "peer-review-plan.csv", "title": "x" * 300},
            {"file": "peer-review-plan.csv", "owner": "NOBODY"},
            {"file": "peer-review-plan.csv", "reminder_days": [-3]},
            {"file": "peer-review-plan.csv", "context": "2021-02-30"},
            {"file": "no-such-plan.csv"},
            {"file": "."},
            {"file": "setup.yaml"},
            {"file": None},
            {"title": "no file"},
        ])
        tree["plans"] = [entry]
        return f"plans ← [{entry!r:.80}]", _dump(tree), tuple(entry) + ("plans",)

    def _text(self, tree, rng):
        """Mutations of the YAML text itself."""
        text = self.text
        choice = rng.randrange(14)
        if choice == 0:
            return "duplicate top-level key 'context'", ("context: 2030-01-01\n" + text).encode(), ("context",)
        if choice == 1:
            key = rng.choice(["people", "bodies", "documents", "glossary"])
            return f"duplicate top-level key {key!r} (empty second)", (text + f"\n{key}: []\n").encode(), (key,)
        if choice == 2:
            depth = rng.choice([50, 200, 3000])
            return f"glossary value nested {depth} lists deep", (text + "\n  DEEP: " + "[" * depth + "]" * depth + "\n").encode(), ("glossary", "DEEP")
        if choice == 3:
            depth = rng.choice([50, 1000])
            nested = "".join("{a: " for _ in range(depth)) + "1" + "}" * depth
            return f"a person's name nested {depth} mappings deep", text.replace("name: Gary Bloom", f"name: {nested}", 1).encode(), ("name",)
        if choice == 4:
            # An anchor and an alias: the second person is the first again (initials listed twice).
            changed = text.replace("  - initials: GB\n", "  - &first\n    initials: GB\n", 1)
            changed = changed.replace("  - {initials: BM,", "  - *first\n  - {initials: BM,", 1)
            return "alias repeats the first person", changed.encode(), ("initials", "people")
        if choice == 5:
            changed = text.replace("name: Gary Bloom", "name: &n Gary Bloom", 1).replace("role: Head of SEND, SBC", "role: *n", 1)
            return "a role that is an alias of a name (harmless alias)", changed.encode(), ("role",)
        if choice == 6:
            tag = rng.choice(["!!python/name:builtins.int", "!!binary aGVsbG8=", "!!set {a, b}", "!!timestamp 2021-02-30", "!custom x", "!!float nan"])
            return f"tag {tag!r} as a person's name", text.replace("name: Gary Bloom", f"name: {tag}", 1).encode(), ("name",)
        if choice == 7:
            return "tab indentation", text.replace("  - initials: GB", "\t- initials: GB", 1).encode(), ()
        if choice == 8:
            top = rng.choice(["- a\n- b\n", "just text\n", "", "# only a comment\n", "~\n", "42\n", "---\n---\n"])
            return f"top level is {top!r}", top.encode(), ()
        if choice == 9:
            return "two YAML documents", (text + "\n---\ncontext: 2022-01-01\n").encode(), ()
        if choice == 10:
            return "unclosed quote", text.replace("name: Gary Bloom", 'name: "Gary Bloom', 1).encode(), ("name",)
        if choice == 11:
            value = rng.choice(["no", "on", "0o17", "1:30", "0x1F", "1e3", ".inf", "2021-02-30", "2021-09-01T25:00:00"])
            return f"YAML 1.1 surprise {value!r} as initials", text.replace("initials: GB", f"initials: {value}", 1).encode(), ("initials",)
        if choice == 12:
            return "merge key <<: into a body", text.replace("  - code: JCB\n", "  - <<: {papers_lead_days: 9, exempt: maybe}\n    code: JCB\n", 1).encode(), ("exempt", "papers_lead_days")
        return "duplicate key inside a mapping (initials twice)", text.replace("  - initials: GB\n", "  - initials: GB\n    initials: XX\n", 1).encode(), ("initials",)


def _get(tree: object, path: tuple) -> object:
    for part in path:
        tree = tree[part]
    return tree


def alias_bomb(levels: int = 9) -> bytes:
    """A 'billion laughs' setup file: about 1 KB of YAML that expands to 9**levels names."""
    lines = ["context: 2021-09-01", 'lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        aliases = ", ".join([f"*l{level - 1}"] * 9)
        lines.append(f"lol{level}: &l{level} [{aliases}]")
    lines += ["people:", f"  - {{initials: GB, name: *l{levels - 1}, role: x, email: gb@example.org}}"]
    return ("\n".join(lines) + "\n").encode()
