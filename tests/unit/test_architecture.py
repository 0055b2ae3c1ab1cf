"""The layout's one rule: a package imports only packages below it in the stack, and the explorer
talks to the API only.

The stack, top to bottom (packages on one line are independent of each other)::

    cli
    dashboard                      (its own modules, the API client, ids and settings only)
    api
    casework
    analysis, ingest
    graph, scanner, demo, client
    identifiers
    ids, settings, errors

Data flows from exports through ingest and the scanner into the graph, where the analysis and
casework read it; each step calls the one below it, never the one above. Every import is read,
including those inside functions (the CLI imports lazily).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "sidedeal"
STACK: list[set[str]] = [
    {"cli"},
    {"dashboard"},
    {"api"},
    {"casework"},
    {"analysis", "ingest"},
    {"graph", "scanner", "demo", "client"},
    {"identifiers"},
    {"ids", "settings", "errors"},
]
LAYER = {name: depth for depth, names in enumerate(STACK) for name in names}
DASHBOARD_MAY_IMPORT = {"dashboard", "client", "ids", "settings"}


def top_package(path: Path) -> str:
    relative = path.relative_to(PACKAGE).with_suffix("")
    return relative.parts[0]


def sidedeal_imports(path: Path) -> list[tuple[int, str]]:
    """(line, top-level sidedeal package) of every import in the file."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
            if node.module == "sidedeal":
                names = [f"sidedeal.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "sidedeal" and len(parts) > 1:
                found.append((node.lineno, parts[1]))
    return found


FILES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


def test_every_package_has_a_place_in_the_stack() -> None:
    packages = {top_package(p) for p in FILES}
    assert packages <= set(LAYER), f"place {sorted(packages - set(LAYER))} in STACK"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_only_go_down_the_stack(path: Path) -> None:
    mine = top_package(path)
    for line, other in sidedeal_imports(path):
        if other == mine:
            continue
        where = f"{path.relative_to(PACKAGE)}:{line} imports sidedeal.{other}"
        if mine == "dashboard":
            assert other in DASHBOARD_MAY_IMPORT, f"{where}: the explorer talks to the API only"
            continue
        assert other in LAYER, f"{where}: place sidedeal.{other} in STACK"
        assert LAYER[other] > LAYER[mine], f"{where}, which is not below it in the stack"


def test_the_rule_catches_an_upward_import(tmp_path: Path) -> None:
    """The check itself can fail: an analysis module importing the API is refused."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from sidedeal.api.app import create_app\n")
    assert sidedeal_imports(bad) == [(2, "api")]
    assert LAYER["api"] < LAYER["analysis"]
