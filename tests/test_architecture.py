"""The domain stays pure: nothing in governance_model/ outside storage/ imports an infrastructure library."""
from __future__ import annotations

import ast
from collections.abc import Container
from pathlib import Path

import pytest

import governance_model

DOMAIN = Path(governance_model.__file__).resolve().parent
FORBIDDEN = frozenset({"sqlalchemy", "alembic", "prefect", "apprise", "icalendar"})
ALLOWED_SUBPACKAGES = ("storage",)  # the only place that may talk to the database


def imported_modules(
    tree: ast.AST, module: str | None = None, *, is_package: bool = False, submodules: Container[str] = ()
) -> list[tuple[int, str]]:
    """Every module an `import` or `from … import` names, anywhere in the file (functions too).

    Seen from `module` (a package when `is_package`), relative imports are resolved too, and
    `from package import name` names package.name when that is one of `submodules`."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module if node.level == 0 else _resolve_relative(node, module, is_package)
            if not base:
                continue
            named = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in submodules]
            found.extend((node.lineno, name) for name in named)
            if len(named) < len(node.names):  # some names are not modules: they come from `base` itself
                found.append((node.lineno, base))
        elif isinstance(node, ast.Call) and _is_dynamic_import(node.func):
            # importlib.import_module("sqlalchemy") / __import__("sqlalchemy") with a literal name.
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.append((node.lineno, node.args[0].value))
    return found


def _resolve_relative(node: ast.ImportFrom, module: str | None, is_package: bool) -> str | None:
    """The absolute module that `from .x import y` (level dots) names, seen from `module`."""
    if module is None:
        return None
    package = module.split(".") if is_package else module.split(".")[:-1]
    if node.level - 1 >= len(package):
        return None
    return ".".join(package[: len(package) - (node.level - 1)] + ([node.module] if node.module else []))


def _is_dynamic_import(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in {"__import__", "import_module"}
    return isinstance(func, ast.Attribute) and func.attr == "import_module"


def forbidden_imports(root: Path) -> list[str]:
    """`file:line imports module` for each forbidden import under `root` outside the allowed subpackages."""
    problems = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] in ALLOWED_SUBPACKAGES:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, module in imported_modules(tree):
            if module.split(".")[0] in FORBIDDEN:
                problems.append(f"{root.name}/{relative.as_posix()}:{line} imports {module}")
    return problems


def test_the_domain_imports_no_infrastructure() -> None:
    assert forbidden_imports(DOMAIN) == []


@pytest.mark.parametrize(
    "source",
    [
        "import sqlalchemy\n",
        "import os, sqlalchemy.orm as orm\n",
        "from alembic import op\n",
        "def send():\n    import apprise\n    return apprise\n",
        "class Feed:\n    def build(self):\n        from icalendar import Calendar\n",
        "try:\n    import prefect\nexcept ImportError:\n    prefect = None\n",
        "import importlib\nimportlib.import_module('sqlalchemy')\n",
    ],
)
def test_the_checker_catches_a_violation(tmp_path: Path, source: str) -> None:
    package = tmp_path / "governance_model"
    (package / "storage").mkdir(parents=True)
    (package / "model.py").write_text("import datetime\nfrom governance_model.when import When\n")
    (package / "storage" / "tables.py").write_text("import sqlalchemy\n")  # allowed here
    (package / "bad.py").write_text(source)
    problems = forbidden_imports(package)
    assert len(problems) == 1
    assert problems[0].startswith("governance_model/bad.py:")


def imports_under(root: Path) -> list[tuple[str, str]]:
    """(file:line, module) for every import in the .py files under `root`."""
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found.extend((f"{path.relative_to(root.parent).as_posix()}:{line}", module) for line, module in imported_modules(tree))
    return found


def test_the_web_app_does_not_import_the_cli_and_calendars_no_web_server() -> None:
    # Entry points stand side by side: the CLI may start the web app, never the reverse. The feed
    # folder logic in calendars/ stays free of any HTTP server or framework.
    project = DOMAIN.parent
    web = [f"{where} imports {m}" for where, m in imports_under(project / "govflow" / "web") if m.startswith("govflow.cli")]
    calendars = [
        f"{where} imports {m}" for where, m in imports_under(project / "calendars")
        if m.split(".")[0] in {"starlette", "uvicorn", "fastapi", "govflow"} or m.startswith("http.server")
    ]
    assert web + calendars == []


# --- Layers and cycles --------------------------------------------------------------------------
# Data flows one way (DESIGN.md): each layer imports only the layers below it.
#   0 domain          governance_model (but not its storage)
#   1 storage         governance_model.storage
#   2 render/deliver  notifications, calendars, reports, committee_systems (fetching and reading what
#                     councils' committee systems publish)
#   3 services        govflow (settings, wiring, clock, errors, the use cases in govflow.services)
#   4 entry points    flows, govflow.cli, govflow.web (and govflow.__main__, which runs the CLI)
# Render/deliver imports the domain only, never storage. Within layer 4, flows never import the CLI
# or the web app, and the web app never imports the CLI.

ROOT = DOMAIN.parent
LAYERED_PACKAGES = (
    "governance_model", "notifications", "calendars", "reports", "committee_systems", "govflow", "flows",
)
LAYER_NAMES = ("domain", "storage", "render/deliver", "services", "entry points")
ENTRY_POINTS = ("flows", "govflow.cli", "govflow.web", "govflow.__main__")

def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def layer_of(module: str) -> int:
    if _within(module, "governance_model.storage"):
        return 1
    if _within(module, "governance_model"):
        return 0
    if any(_within(module, p) for p in ("notifications", "calendars", "reports", "committee_systems")):
        return 2
    if any(_within(module, p) for p in ENTRY_POINTS):
        return 4
    if _within(module, "govflow"):
        return 3
    raise ValueError(f"{module} is in no layer")


def find_modules(root: Path, packages: tuple[str, ...] = LAYERED_PACKAGES) -> dict[str, Path]:
    """Module name → file, for every .py file of the packages under `root`."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def import_graph(root: Path, packages: tuple[str, ...] = LAYERED_PACKAGES) -> dict[str, dict[str, int]]:
    """Module → {module it imports: first line}, for imports between the packages' own modules:
    every import in the file (inside functions too), relative ones resolved."""
    modules = find_modules(root, packages)

    def module_named(name: str) -> str | None:  # `import a.b.f` where f is a function: the module a.b
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, dict[str, int]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        edges: dict[str, int] = {}
        for line, name in imported_modules(tree, module, is_package=path.name == "__init__.py", submodules=modules):
            target = module_named(name)
            if target and target != module:
                edges[target] = min(line, edges.get(target, line))
        graph[module] = edges
    return graph


def layer_violations(graph: dict[str, dict[str, int]]) -> list[str]:
    """`module:line imports target (layer → higher layer)` for every import against the layers."""
    problems = []
    for module, edges in sorted(graph.items()):
        for target, line in sorted(edges.items()):
            source_layer, target_layer = layer_of(module), layer_of(target)
            if target_layer > source_layer or (source_layer, target_layer) == (2, 1):  # render/deliver takes records, not sessions
                why = f"{LAYER_NAMES[source_layer]} imports {LAYER_NAMES[target_layer]}"
            elif _within(module, "flows") and any(_within(target, p) for p in ("govflow.cli", "govflow.web")):
                why = "a flow imports the CLI or the web app"
            elif _within(module, "govflow.web") and _within(target, "govflow.cli"):
                why = "the web app imports the CLI"
            else:
                continue
            problems.append(f"{module}:{line} imports {target} ({why})")
    return problems


def import_cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The modules that import each other in a circle: each strongly connected component of more
    than one module (Tarjan's algorithm), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []

    def visit(module: str) -> None:
        # Iterative, so a deep import chain cannot hit the recursion limit.
        work = [(module, iter(sorted(graph.get(module, ()))))]
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        while work:
            current, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph.get(target, ())))))
                    break
                if target in on_stack:
                    low[current] = min(low[current], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[current])
                if low[current] == index[current]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == current:
                            break
                    if len(component) > 1:
                        cycles.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(cycles)


def test_every_module_imports_only_the_layers_below_it() -> None:
    assert layer_violations(import_graph(ROOT)) == []


def test_no_modules_import_each_other_in_a_circle() -> None:
    cycles = import_cycles(import_graph(ROOT))
    assert cycles == [], "import cycles: " + "; ".join(" ⇄ ".join(c) for c in cycles)


def _write_packages(root: Path, files: dict[str, str]) -> None:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    for package in LAYERED_PACKAGES:  # every layer present, as in the real tree
        (root / package).mkdir(exist_ok=True)
        (root / package / "__init__.py").touch()


SOUND = {
    "governance_model/model.py": "import datetime\n",
    "governance_model/storage/__init__.py": "",
    "governance_model/storage/repository.py": "from governance_model.model import datetime\n",
    "reports/board.py": "from governance_model import model\n",
    "govflow/services/__init__.py": "",
    "govflow/services/writing.py": "from reports.board import x\nfrom governance_model.storage import repository\n",
    "govflow/cli/__init__.py": "from govflow.cli import console\nfrom . import commands\n",
    "govflow/cli/console.py": "import rich\n",
    "govflow/cli/commands.py": "from .console import out\nfrom flows import nightly\n",
    "flows/nightly.py": "from govflow.services import writing\n",
}


def test_the_checker_passes_a_sound_tree(tmp_path: Path) -> None:
    _write_packages(tmp_path, SOUND)
    graph = import_graph(tmp_path)
    assert graph["govflow.cli"] == {"govflow.cli.console": 1, "govflow.cli.commands": 2}  # relative resolved
    assert graph["govflow.cli.commands"] == {"govflow.cli.console": 1, "flows.nightly": 2}
    assert layer_violations(graph) == [] and import_cycles(graph) == []


@pytest.mark.parametrize(
    ("module", "source", "complaint"),
    [
        ("notifications/outbox.py", "from govflow.services import writing\n", "notifications.outbox:1 imports govflow.services.writing (render/deliver imports services)"),
        ("reports/plan.py", "def f():\n    from governance_model.storage import repository\n", "reports.plan:2 imports governance_model.storage.repository (render/deliver imports storage)"),
        ("governance_model/when.py", "import reports.board\n", "governance_model.when:1 imports reports.board (domain imports render/deliver)"),
        ("govflow/wiring.py", "from .cli import console\n", "govflow.wiring:1 imports govflow.cli.console (services imports entry points)"),
        ("flows/deployment.py", "from govflow.cli.console import out\n", "flows.deployment:1 imports govflow.cli.console (a flow imports the CLI or the web app)"),
        ("govflow/web/app.py", "from govflow.cli import console\n", "govflow.web.app:1 imports govflow.cli.console (the web app imports the CLI)"),
    ],
)
def test_the_checker_catches_an_upward_import(tmp_path: Path, module: str, source: str, complaint: str) -> None:
    _write_packages(tmp_path, {**SOUND, module: source})
    assert layer_violations(import_graph(tmp_path)) == [complaint]


def test_the_checker_catches_a_cycle_and_names_its_modules(tmp_path: Path) -> None:
    planted = {
        "reports/a.py": "from . import b\n",
        "reports/b.py": "def later():\n    import reports.c\n",
        "reports/c.py": "from reports.a import something\n",
        "govflow/cli/console.py": "def helpers():\n    from govflow.cli import commands\n",  # the CLI's old pattern
    }
    _write_packages(tmp_path, {**SOUND, **planted})
    assert import_cycles(import_graph(tmp_path)) == [
        ["govflow.cli.commands", "govflow.cli.console"],
        ["reports.a", "reports.b", "reports.c"],
    ]


def test_one_error_tree() -> None:
    """Every exception govflow's packages define derives from the one root, governance_model.errors.Error,
    so the CLI's one handler (and the web app's) turns each into a message (private control-flow
    exceptions that never leave their module aside)."""
    import importlib
    import inspect

    from governance_model.errors import Error

    outside = []
    for name in find_modules(ROOT):
        if ".migrations." in name or name.endswith("__main__"):  # revisions run under Alembic; __main__ runs the CLI
            continue
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == name and issubclass(cls, BaseException) and not cls.__name__.startswith("_"):
                if not issubclass(cls, Error):
                    outside.append(f"{name}.{cls.__name__}")
    assert outside == []
