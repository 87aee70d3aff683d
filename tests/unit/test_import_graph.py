"""No import cycles in src/voice, between modules or between packages (issue 20, item 4).

Every import counts, at module level and inside functions (a function-level import hides a cycle from
Python, not from the next engineer). `from voice.x import y` is an import of voice.x.y when y is a
module. A module imports its own package's __init__ implicitly; that edge is not counted (Python
runs a package's __init__ first, whatever it imports). Imports under `if TYPE_CHECKING:` are for the type
checker only (an annotation naming a class of a sibling module) and never run: they are not counted.

Packages: voice.surveys, voice.stats, ... and each top-level module on its own. The command-line front
ends (`cli.py`, `*_cli.py`, `__main__.py`, kept beside the code they drive) are one layer above every package: `voice
stats --measures` reads the plan, `voice surveys publish` publishes under the app's start-up lock. So
they count as the `voice.cli` layer, and no other module may import one (voice.cli loads them by name).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
ROOT_PACKAGE = "voice"

# Package-level edges allowed although they close a cycle: (importer, imported) -> why. Keep empty if you can.
ALLOWED_PACKAGE_EDGES: dict[tuple[str, str], str] = {}


def module_names() -> dict[str, Path]:
    names = {}
    for path in sorted((SRC / ROOT_PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if "migrations" in parts:  # Alembic's scripts, run by Alembic and imported by nobody
            continue
        names[".".join(parts)] = path
    return names


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _is_type_checking_block(node: ast.AST) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(module: str, path: Path, known: set[str]) -> set[str]:
    """The voice modules `module` imports anywhere in its file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    type_only = {id(n) for block in ast.walk(tree) if _is_type_checking_block(block)
                 for stmt in block.body for n in ast.walk(stmt)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(module, path.name == "__init__.py", node)
            targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in known else source
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:  # `import voice.x.y` names a module; a missing one its package
                target = target.rpartition(".")[0]
            if target.startswith(ROOT_PACKAGE) and target != module:
                found.add(target)
    return found


def module_graph() -> dict[str, set[str]]:
    names = module_names()
    known = set(names)
    return {m: {t for t in imports_of(m, p, known) if not m.startswith(t + ".")} for m, p in names.items()}


CLI_LAYER = f"{ROOT_PACKAGE}.cli"


def is_command_module(module: str) -> bool:
    last = module.rpartition(".")[2]
    return last in ("cli", "__main__") or last.endswith("_cli")


def package_of(module: str) -> str:
    """voice.surveys.loader -> voice.surveys; voice.paging (a top-level module) -> voice.paging;
    a command module (voice.stats.cli, voice.db_cli) -> voice.cli."""
    if is_command_module(module):
        return CLI_LAYER
    return ".".join(module.split(".")[:2])


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    packages: dict[str, set[str]] = {}
    for module, targets in graph.items():
        source = package_of(module)
        edges = packages.setdefault(source, set())
        for target in targets:
            if package_of(target) != source and package_of(target) != ROOT_PACKAGE:
                edges.add(package_of(target))
    return packages


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a path [a, b, ..., a], or None. Depth-first, in sorted order so a failure is stable."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def _who_imports(graph: dict[str, set[str]], source: str, target: str) -> list[str]:
    return sorted(f"{m} -> {t}" for m, ts in graph.items() for t in ts
                  if package_of(m) == source and package_of(t) == target)


def test_no_import_cycle_between_modules():
    cycle = find_cycle(module_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_no_import_cycle_between_packages():
    graph = module_graph()
    packages = package_graph(graph)
    for source, target in ALLOWED_PACKAGE_EDGES:
        packages[source].discard(target)
    cycle = find_cycle(packages)
    assert cycle is None, "package cycle: " + " -> ".join(cycle) + "\n" + "\n".join(
        line for a, b in zip(cycle, cycle[1:]) for line in _who_imports(graph, a, b))


def test_only_command_modules_import_command_modules():
    """So the command layer stays on top: a service never reaches into a CLI module for a helper."""
    graph = module_graph()
    wrong = sorted(f"{m} -> {t}" for m, targets in graph.items() for t in targets
                   if is_command_module(t) and not is_command_module(m))
    assert wrong == []


def test_allowed_package_edges_are_still_needed():
    packages = package_graph(module_graph())
    stale = [edge for edge in ALLOWED_PACKAGE_EDGES if edge[1] not in packages.get(edge[0], set())]
    assert stale == []


def test_the_graph_sees_function_level_and_relative_imports(tmp_path):
    (tmp_path / "voice" / "pkg").mkdir(parents=True)
    (tmp_path / "voice" / "pkg" / "__init__.py").write_text("")
    (tmp_path / "voice" / "pkg" / "a.py").write_text("def f():\n    from . import b\n")
    (tmp_path / "voice" / "pkg" / "b.py").write_text("from voice.pkg.a import f\n")
    known = {"voice", "voice.pkg", "voice.pkg.a", "voice.pkg.b"}
    assert imports_of("voice.pkg.a", tmp_path / "voice" / "pkg" / "a.py", known) == {"voice.pkg.b"}
    assert imports_of("voice.pkg.b", tmp_path / "voice" / "pkg" / "b.py", known) == {"voice.pkg.a"}
    assert find_cycle({"voice.pkg.a": {"voice.pkg.b"}, "voice.pkg.b": {"voice.pkg.a"}}) == [
        "voice.pkg.a", "voice.pkg.b", "voice.pkg.a"]
    assert find_cycle({"x": {"y"}, "y": set()}) is None


def test_imports_for_the_type_checker_only_are_not_counted(tmp_path):
    (tmp_path / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from voice.pkg import b\n"
                                   "else:\n    from voice.pkg import a\n")
    known = {"voice", "voice.pkg", "voice.pkg.a", "voice.pkg.b"}
    assert imports_of("voice.pkg.c", tmp_path / "c.py", known) == {"voice.pkg.a"}
