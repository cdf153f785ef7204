"""The import graph: no circle inside the core, and plugins use only the author API.

Every import counts, including function-local ones (a circle hidden in a function is still a
circle a reader must hold in their head); only ``if TYPE_CHECKING:`` blocks are left out.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "llm_core"

# The plugin-author API: what a provider package outside this repository may import.
AUTHOR_MODULES = {
    "llm_core",
    "llm_core.adapter",
    "llm_core.errors",
    "llm_core.flow",
    "llm_core.http",
    "llm_core.layers",
    "llm_core.openai",
    "llm_core.progress",
    "llm_core.testing",
    "llm_core.embeddings",
    "llm_core.tools",
}
FIRST_PARTY = [
    *sorted((ROOT / "plugins").glob("llm_*/src/llm_core_*")),
    *sorted((ROOT / "examples").glob("*/src/*")),
]


def module_name(path: Path, base: Path) -> str:
    parts = list(path.relative_to(base).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, name: str) -> list[tuple[str, list[str]]]:
    """(module, names) for every import outside ``if TYPE_CHECKING:``, relative ones resolved."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[str, list[str]]] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                found.extend((alias.name, []) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                found.append((base, [alias.name for alias in child.names]))
            visit(child)

    visit(tree)
    return found


def core_graph() -> dict[str, set[str]]:
    modules = {module_name(p, ROOT): p for p in CORE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for target, names in imports_of(path, name):
            for candidate in [f"{target}.{n}" for n in names] + [target]:
                if candidate in modules and candidate != name:
                    graph[name].add(candidate)
                    break
    return graph


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm: the groups of modules that reach each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            groups.append(group)

    for node in graph:
        if node not in index:
            visit(node)
    return groups


def is_package_reexport(group: set[str]) -> bool:
    """A package and the submodules its ``__init__`` re-exports are one unit, not a circle."""
    heads = [m for m in group if any(o.startswith(m + ".") for o in group)]
    return len(heads) == 1 and all(m == heads[0] or m.startswith(heads[0] + ".") for m in group)


def test_the_core_has_no_import_circle() -> None:
    circles = [
        sorted(g)
        for g in strongly_connected(core_graph())
        if len(g) > 1 and not is_package_reexport(g)
    ]
    assert circles == []


def test_no_hook_implementation_reaches_back_into_the_plugin_manager() -> None:
    graph = core_graph()
    reaching = sorted(
        name
        for name, targets in graph.items()
        if name.startswith(("llm_core.resilience", "llm_core.providers", "llm_core.layers"))
        and "llm_core.plugins" in targets
    )
    assert reaching == []


@pytest.mark.parametrize("package", FIRST_PARTY, ids=lambda p: p.name)
def test_first_party_plugins_use_only_the_author_api(package: Path) -> None:
    wrong = []
    for path in package.rglob("*.py"):
        name = module_name(path, package.parent)
        for target, names in imports_of(path, name):
            if target != "llm_core" and not target.startswith("llm_core."):
                continue
            if target not in AUTHOR_MODULES:
                wrong.append(f"{path.name}: {target}")
                continue
            public = set(getattr(importlib.import_module(target), "__all__", []))
            wrong += [
                f"{path.name}: {target}.{n}"
                for n in names
                if n not in public and f"{target}.{n}" not in AUTHOR_MODULES
            ]
    assert wrong == []


@pytest.mark.parametrize("module", sorted(AUTHOR_MODULES))
def test_every_author_module_declares_its_surface(module: str) -> None:
    imported = importlib.import_module(module)
    assert imported.__all__ == sorted(imported.__all__)
    for name in imported.__all__:
        assert hasattr(imported, name), f"{module}.{name}"
