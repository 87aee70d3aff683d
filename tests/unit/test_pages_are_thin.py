"""Every file in pages/ is thin: `actor = require_page(...)`, then one call into voice.ui (issue 20, item 2).

Allowed: a docstring, imports (after require_page too, with `# noqa: E402`, so a refused visitor never loads
heavy modules), one `actor = require_page(...)` and one call of a name imported from voice.ui. Public pages
(no roles in voice.ui.navigation) have no require_page. Anything else (a function, a loop, a dict of domain
data, a Streamlit call) belongs in a voice.ui module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "pages").glob("*.py"))


def _public_pages() -> set[str]:
    from voice.ui.navigation import PAGES as SPECS

    return {spec.path for spec in SPECS if not spec.roles}


def _imported_from_ui(tree: ast.Module) -> set[str]:
    return {alias.asname or alias.name for node in tree.body if isinstance(node, ast.ImportFrom)
            and (node.module or "").startswith("voice.ui") for alias in node.names}


def _is_require_page(node: ast.stmt) -> bool:
    return (isinstance(node, ast.Assign) and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["actor"]
            and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
            and node.value.func.id == "require_page")


def page_problems(source: str, public: bool) -> list[str]:
    """What makes a page more than a guard and one call (empty: the page is thin)."""
    tree = ast.parse(source)
    body = list(tree.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    problems = []
    guards = [n for n in body if _is_require_page(n)]
    calls = [n for n in body if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call)]
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)) or node in guards or node in calls:
            continue
        problems.append(f"line {node.lineno}: {type(node).__name__} (only imports, the guard and one call)")
    if public:
        if guards:
            problems.append("a public page has no require_page")
    elif len(guards) != 1:
        problems.append(f"needs exactly one `actor = require_page(...)`, found {len(guards)}")
    if len(calls) != 1:
        problems.append(f"needs exactly one call into voice.ui, found {len(calls)}")
    else:
        func = calls[0].value.func
        if not (isinstance(func, ast.Name) and func.id in _imported_from_ui(tree)):
            problems.append(f"line {calls[0].lineno}: the call is not of a name imported from voice.ui")
        if guards and guards[0].lineno > calls[0].lineno:
            problems.append("require_page must come before the call")
        for arg in [*calls[0].value.args, *(k.value for k in calls[0].value.keywords)]:
            if not (isinstance(arg, ast.Name) and arg.id == "actor"):
                problems.append(f"line {calls[0].lineno}: pass only `actor` (data is built in voice.ui)")
    return problems


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_page_is_a_guard_and_one_call(path):
    relative = path.relative_to(ROOT).as_posix()
    assert page_problems(path.read_text(), relative in _public_pages()) == []


def test_every_page_is_in_the_navigation():
    """So the public/staff split above comes from the same list the menu is built from."""
    from voice.ui.navigation import PAGES as SPECS

    assert {p.relative_to(ROOT).as_posix() for p in PAGES} == {spec.path for spec in SPECS}


def test_the_check_finds_a_fat_page():
    fat = ('"""Doc."""\nimport streamlit as st\nfrom voice.ui.guard import require_page\n'
           'from voice.ui.x import run\nactor = require_page("admin")\nNAMES = {"a": "A"}\n'
           'def helper():\n    pass\nst.title("Home")\nrun(actor)\n')
    problems = page_problems(fat, public=False)
    assert any("Assign" in p for p in problems) and any("FunctionDef" in p for p in problems)
    assert any("exactly one call" in p for p in problems)
    thin = ('"""Doc."""\nfrom voice.ui.guard import require_page\nactor = require_page("admin")\n\n'
            'from voice.ui.x import run  # noqa: E402\n\nrun(actor)\n')
    assert page_problems(thin, public=False) == []
    assert page_problems('from voice.ui.survey_flow import run\nrun()\n', public=True) == []
    assert page_problems('from voice.ui.survey_flow import run\nrun()\n', public=False) != []
