"""Each kind of test lives in its own folder, read from the files themselves (nothing is imported):

- tests/unit: plain Python against src/voice, fast; never Streamlit, never a browser.
- tests/app: the real pages in Streamlit's AppTest (in this process, no browser).
- tests/e2e: the running app driven in Chromium through Playwright.
"""

from __future__ import annotations

import ast
import tomllib
from importlib.metadata import version
from pathlib import Path

from packaging.requirements import Requirement

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent


def _files(folder: str = "") -> list[Path]:
    return sorted((TESTS / folder).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    """Every module the file imports (at any depth: inside functions too), as dotted names."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def _uses(path: Path, package: str) -> bool:
    return any(name == package or name.startswith(package + ".") for name in _imports(path))


def _where(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in paths]


def test_the_folders_hold_tests():
    assert _files("unit") and _files("app") and _files("e2e")


def test_unit_tests_import_neither_streamlit_nor_playwright():
    wrong = [p for p in _files("unit") if _uses(p, "streamlit") or _uses(p, "playwright")]
    assert not wrong, f"move these to tests/app (AppTest) or tests/e2e (browser): {_where(wrong)}"


def test_apptest_only_under_tests_app():
    wrong = [p for p in _files() if _uses(p, "streamlit.testing") and not p.is_relative_to(TESTS / "app")]
    assert not wrong, f"AppTest tests belong in tests/app: {_where(wrong)}"


def test_playwright_only_under_tests_e2e():
    wrong = [p for p in _files() if _uses(p, "playwright") and not p.is_relative_to(TESTS / "e2e")]
    assert not wrong, f"browser tests belong in tests/e2e: {_where(wrong)}"


def test_the_layout_check_sees_imports_inside_functions(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from streamlit.testing.v1 import AppTest\n    import playwright.sync_api\n")
    assert _uses(probe, "streamlit") and _uses(probe, "streamlit.testing") and _uses(probe, "playwright")
    assert not _uses(probe, "stream")


def test_installed_streamlit_is_inside_the_tested_range():
    """The suite runs on a Streamlit that pyproject.toml allows: the cap means 'tested up to here'."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    streamlit = next(Requirement(r) for r in project["dependencies"] if Requirement(r).name == "streamlit")
    assert any(spec.operator == "<" for spec in streamlit.specifier), "streamlit needs an upper bound"
    assert streamlit.specifier.contains(version("streamlit")), (
        f"streamlit {version('streamlit')} is outside {streamlit.specifier}: run the suite on it, then move the cap")
