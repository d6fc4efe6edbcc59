"""Mutants of the example files: each a small, seeded change to a setup, plan or progress-update file
that a person could plausibly make (a wrong type, an impossible date, a duplicate, a stray byte).

Every mutant is built from its own random.Random seeded with (seed, family, number), so one mutant
is rebuilt exactly from those three alone, whatever the count of the run (GOVFLOW_FUZZ_MUTANT)."""
from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
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


# --- Plan tables (CSV, XLSX) --------------------------------------------------------------------------
PLAN_CELL_VALUES: dict[str, str] = {
    **{f"text {name}": value for name, value in TEXTS.items()},
    **{f"when {name}": value for name, value in WHEN_TEXTS.items()},
    "number 0": "0",
    "number -1": "-1",
    "number 2**63": str(2**63),
    "number 10**30": "1" + "0" * 30,
    "number 6A": "6A",
    "number 1.5": "1.5",
    "number 1e3": "1e3",
    "html list": "<ul><li>one</li><li>two</li></ul>",
    "unclosed html": "<ul><li>one",
    "status complete on 2021-02-30": "complete on 2021-02-30",
    "status complete on 9999-12-31": "complete on 9999-12-31",
    "status done on 0001-01-01": "done on 0001-01-01",
    "many lines": "\n".join(f"item {i}" for i in range(40)),
}
COLUMNS = ["No", "Recommendation", "Summary actions", "When (2022)", "Who", "Measure of success"]


class CsvMutator:
    def __init__(self, source: Path):
        self.name = source.name
        self.data = source.read_bytes()
        self.rows = list(csv.reader(io.StringIO(self.data.decode("utf-8"))))

    def mutant(self, family: str, number: int, rng: random.Random) -> Mutant:
        rows = copy.deepcopy(self.rows)
        choice = rng.randrange(12)
        fields: tuple[str, ...] = ()
        if choice <= 4:  # one cell
            r = rng.randrange(1, len(rows))
            c = rng.randrange(len(rows[r]))
            name, value = pick(rng, PLAN_CELL_VALUES)
            rows[r][c] = value
            fields = (rows[0][c],)
            description = f"row {r + 1} column {rows[0][c]!r} ← {name}"
        elif choice == 5:
            header = rng.randrange(len(rows[0]))
            old = rows[0][header]
            rows[0][header] = rng.choice(["", "Number", "When", "Who?", old.upper(), old + " ", "No"])
            fields = (old, rows[0][header])
            description = f"header {old!r} → {rows[0][header]!r}"
        elif choice == 6:
            c = rng.randrange(len(rows[0]))
            fields = (rows[0][c],)
            for row in rows:
                del row[c:c + 1]
            description = f"column {fields[0]!r} removed"
        elif choice == 7:
            extra = rng.choice([["Status", "open"], ["RAG", "Purple"], ["Status", "complete on 2021-02-30"], ["", "stray"]])
            rows[0].append(extra[0])
            for row in rows[1:]:
                row.append(extra[1])
            fields = (extra[0],)
            description = f"extra column {extra[0]!r} with {extra[1]!r}"
        elif choice == 8:
            r = rng.randrange(1, len(rows))
            if rng.random() < 0.5:
                rows[r] = rows[r] + ["extra cell"]
                description = f"row {r + 1} has an extra cell"
            else:
                rows[r] = rows[r][: rng.randrange(len(rows[r]))]
                description = f"row {r + 1} has missing cells"
        elif choice == 9:
            r = rng.randrange(1, len(rows))
            rows.insert(r, list(rows[r]))
            fields = ("No",)
            description = f"row {r + 1} repeated"
        elif choice == 10:
            rows = rows[: rng.randrange(0, 3)]
            description = f"only the first {len(rows)} rows"
        else:
            r = rng.randrange(1, len(rows))
            rows[r][0] = rng.choice(["", "x", "1", "6a"])
            fields = ("No",)
            description = f"row {r + 1} No ← {rows[r][0]!r}"
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator=rng.choice(["\r\n", "\n"])).writerows(rows)
        content = buffer.getvalue().encode("utf-8")
        encoding = rng.randrange(10)
        if encoding == 0:
            content = b"\xef\xbb\xbf" + content
            description += ", with a BOM"
        elif encoding == 1:
            buffer = io.StringIO()
            csv.writer(buffer, delimiter=";").writerows(rows)
            content = buffer.getvalue().encode("utf-8")
            description += ", ';'-delimited"
        return Mutant(family, number, description, {self.name: content}, fields=fields)


XLSX_VALUES: dict[str, object] = {
    "formula =1+1": "=1+1",
    "formula =A1": "=A1",
    "formula =SUM(A1:A3)": "=SUM(A1:A3)",
    "int 2**63": 2**63,
    "int -1": -1,
    "int 0": 0,
    "float 1.5": 1.5,
    "float 1e300": 1e300,
    "bool": True,
    "empty": None,
    "datetime 2022-01-06": dt.datetime(2022, 1, 6, 14, 0),
    "date 1900-01-01": dt.date(1900, 1, 1),
    "date 9999-12-31": dt.date(9999, 12, 31),
    "time": dt.time(14, 30),
    "text 10k": "w" * 10_000,
    "text NUL-free control": "a\x01b",
    "text unicode": "Ωmega 中文 🙂",
    "text 30 February 2022": "30 February 2022",
    "text complete on 2021-02-30": "complete on 2021-02-30",
}


class XlsxMutator:
    def __init__(self, source: Path):
        self.name = source.name
        self.data = source.read_bytes()

    def mutant(self, family: str, number: int, rng: random.Random) -> Mutant:
        book = openpyxl.load_workbook(io.BytesIO(self.data))
        sheet = book.worksheets[0]
        choice = rng.randrange(8)
        fields: tuple[str, ...] = ()
        header = [c.value for c in sheet[1]]
        if choice <= 3:
            row = rng.randrange(1, sheet.max_row + 1)
            column = rng.randrange(1, sheet.max_column + 1)
            name, value = pick(rng, XLSX_VALUES)
            sheet.cell(row=row, column=column).value = value
            fields = (str(header[column - 1]),)
            description = f"cell row {row} column {header[column - 1]!r} ← {name}"
        elif choice == 4:
            column = rng.randrange(1, sheet.max_column + 1)
            sheet.delete_cols(column)
            fields = (str(header[column - 1]),)
            description = f"column {header[column - 1]!r} deleted"
        elif choice == 5:
            first = book.create_sheet("Notes", 0)
            first["A1"] = "This workbook's plan is on the next sheet"
            description = "an extra sheet before the plan"
        elif choice == 6:
            row = rng.randrange(2, sheet.max_row + 1)
            sheet.insert_rows(row)
            sheet.cell(row=row, column=rng.randrange(1, sheet.max_column + 1)).value = rng.choice(["stray", "=1+1", 7])
            description = f"a stray row inserted at row {row}"
        else:
            sheet.merge_cells(start_row=2, start_column=1, end_row=3, end_column=2)
            fields = ("No", "Recommendation")
            description = "cells A2:B3 merged"
        out = io.BytesIO()
        try:
            book.save(out)
        except Exception as exc:  # openpyxl cannot write this value: keep the workbook unchanged
            out = io.BytesIO(self.data)
            description += f" (openpyxl refused it: {type(exc).__name__}; file unchanged)"
        return Mutant(family, number, description, {self.name: out.getvalue()}, fields=fields)


# --- Progress-update text -----------------------------------------------------------------------------
class UpdatesMutator:
    def __init__(self, source: Path):
        self.name = source.name
        self.lines = source.read_text(encoding="utf-8").split("\n")

    def mutant(self, family: str, number: int, rng: random.Random) -> Mutant:
        lines = list(self.lines)
        heads = [i for i, line in enumerate(lines) if line.startswith("Recommendation ") and line.endswith(" update")]
        dates = [i for i, line in enumerate(lines) if line.startswith("Date: ")]
        items = [i for i, line in enumerate(lines) if line.startswith("- ")]
        choice = rng.randrange(12)
        fields: tuple[str, ...] = ()
        if choice == 0:
            i = rng.choice(dates)
            name, value = pick(rng, DATE_TEXTS)
            lines[i] = f"Date: {value}"
            fields = ("Date",)
            description = f"line {i + 1} Date ← {name}"
        elif choice == 1:
            i = rng.choice(heads)
            number_text = rng.choice(["0", "-1", "99", str(2**63), "6A", "abc", "1" + "0" * 30, "1.5", ""])
            lines[i] = f"Recommendation {number_text} update"
            fields = ("Recommendation",)
            description = f"line {i + 1} recommendation number ← {number_text!r}"
        elif choice == 2:
            i = rng.choice(heads)
            action = rng.choice(["0", "-1", "99", str(2**63), "two", ""])
            lines[i] = lines[i].split(",")[0].removesuffix(" update") + f", action {action} update"
            fields = ("action",)
            description = f"line {i + 1} action number ← {action!r}"
        elif choice == 3:
            i = rng.choice([j for j, line in enumerate(lines) if line.startswith("By: ")])
            lines[i] = "By: " + rng.choice(["ZZ", "", "x" * 300, "G\x00B", "gb"])
            fields = ("By",)
            description = f"line {i + 1} By ← {lines[i][4:][:20]!r}"
        elif choice == 4:
            i = rng.choice([j for j, line in enumerate(lines) if line.startswith("Status: ")] or heads)
            lines[i] = "Status: " + rng.choice(["done", "COMPLETE", "", "complete on 2021-02-30", "maybe", "complete\x00"])
            fields = ("Status",)
            description = f"line {i + 1} {lines[i]!r}"
        elif choice == 5:
            i = rng.choice(items)
            name, value = pick(rng, TEXTS)
            lines[i] = "- " + value
            description = f"line {i + 1} item ← {name}"
        elif choice == 6:
            i = rng.randrange(len(lines))
            del lines[i]
            description = f"line {i + 1} deleted ({self.lines[i][:40]!r})"
        elif choice == 7:
            i = rng.randrange(len(lines))
            lines.insert(i, lines[i])
            description = f"line {i + 1} repeated ({lines[i][:40]!r})"
        elif choice == 8:
            start = rng.choice(heads)
            end = next((h for h in heads if h > start), len(lines))
            lines[end:end] = lines[start:end]
            description = f"block at line {start + 1} repeated"
        elif choice == 9:
            i = rng.choice([j for j, line in enumerate(lines) if line.startswith("Recommendation ") and " - " in line])
            lines[i] = lines[i].split(" - ")[0] + " - " + rng.choice(["Something else entirely", "", "x" * 10_000])
            fields = ("Recommendation",)
            description = f"line {i + 1} recommendation text changed"
        elif choice == 10:
            i = rng.choice([j for j, line in enumerate(lines) if line.endswith(":") and not line.startswith("#")])
            lines[i] = rng.choice(["What we did:", "WHAT WE HAVE DONE SO FAR:", "Next steps", ":"])
            description = f"line {i + 1} heading ← {lines[i]!r}"
        else:
            kept = rng.choice([[], ["# only comments"], ["Recommendation 1 update"], ["What we have done so far:", "- x"]])
            lines = kept
            description = f"file is only {kept!r}"
        content = "\n".join(lines).encode("utf-8")
        return Mutant(family, number, description, {self.name: content}, command="update", fields=fields)


# --- Raw bytes of any example file --------------------------------------------------------------------
class ByteMutator:
    """Byte-level damage to a file: truncation, flipped bytes, invalid UTF-8, NUL, other encodings."""

    def __init__(self, sources: list[tuple[Path, str, dict[str, bytes]]]):
        self.sources = [(path.name, path.read_bytes(), command, extra) for path, command, extra in sources]

    def mutant(self, family: str, number: int, rng: random.Random) -> Mutant:
        name, data, command, extra = rng.choice(self.sources)
        choice = rng.randrange(8)
        position = rng.randrange(len(data))
        if choice == 0:
            content, description = data[:position], f"{name} truncated at byte {position}"
        elif choice == 1:
            flips = rng.randrange(1, 4)
            content = bytearray(data)
            for _ in range(flips):
                at = rng.randrange(len(content))
                content[at] ^= 1 << rng.randrange(8)
            content, description = bytes(content), f"{name} with {flips} flipped bits"
        elif choice == 2:
            bad = rng.choice([b"\xff\xfe", b"\xc3\x28", b"\x80", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80"])
            content, description = data[:position] + bad + data[position:], f"{name} with invalid UTF-8 {bad!r} at byte {position}"
        elif choice == 3:
            content, description = data[:position] + b"\x00" + data[position:], f"{name} with NUL at byte {position}"
        elif choice == 4 and not name.endswith(".xlsx"):
            content, description = data.decode("utf-8").encode(rng.choice(["utf-16", "utf-32"])), f"{name} in UTF-16/32"
        elif choice == 5 and not name.endswith(".xlsx"):
            content, description = data.replace(b"\n", b"\r"), f"{name} with CR line ends"
        elif choice == 6:
            content, description = b"", f"{name} empty"
        else:
            content, description = data[:position] + bytes([rng.randrange(256)]) * rng.randrange(1, 20) + data[position:], f"{name} with random bytes at {position}"
        whole_file = name.endswith(".xlsx") or not content
        return Mutant(family, number, description, {name: content, **extra}, command=command, whole_file=whole_file)


# --- The families -------------------------------------------------------------------------------------
def _families() -> dict[str, object]:
    plan_csv = (SOUTHEND / "peer-review-plan.csv").read_bytes()
    return {
        "southend-setup": SetupMutator(SOUTHEND / "setup.yaml", {"peer-review-plan.csv": plan_csv}),
        "plymouth-setup": SetupMutator(PLYMOUTH / "setup.yaml", {}),
        "plan-csv": CsvMutator(SOUTHEND / "peer-review-plan.csv"),
        "plan-xlsx": XlsxMutator(SOUTHEND / "peer-review-plan.xlsx"),
        "progress-updates": UpdatesMutator(SOUTHEND / "progress-updates.txt"),
        "bytes": ByteMutator([
            (PLYMOUTH / "setup.yaml", "load", {}),
            (SOUTHEND / "peer-review-plan.csv", "load", {}),
            (SOUTHEND / "peer-review-plan.xlsx", "load", {}),
            (SOUTHEND / "progress-updates.txt", "update", {}),
            (SOUTHEND / "setup.yaml", "load", {"peer-review-plan.csv": plan_csv}),
        ]),
    }


_MUTATORS: dict[str, object] = {}


def make_mutant(seed: int, family: str, number: int) -> Mutant:
    """Mutant `number` of `family` for `seed`: the same three always give the same mutant."""
    if not _MUTATORS:
        _MUTATORS.update(_families())
    rng = random.Random(f"{seed}:{family}:{number}")
    return _MUTATORS[family].mutant(family, number, rng)


FAMILIES = ("southend-setup", "plymouth-setup", "plan-csv", "plan-xlsx", "progress-updates", "bytes")
