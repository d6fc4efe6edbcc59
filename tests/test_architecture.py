"""The domain stays pure: nothing in governance_model/ outside storage/ imports an infrastructure library."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import governance_model

DOMAIN = Path(governance_model.__file__).resolve().parent
FORBIDDEN = frozenset({"sqlalchemy", "alembic", "prefect", "apprise", "icalendar"})
ALLOWED_SUBPACKAGES = ("storage",)  # the only place that may talk to the database


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """Every module an `import` or `from … import` names, anywhere in the file (functions too)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and _is_dynamic_import(node.func):
            # importlib.import_module("sqlalchemy") / __import__("sqlalchemy") with a literal name.
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.append((node.lineno, node.args[0].value))
    return found


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
