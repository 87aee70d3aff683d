"""The suite's guards for optional tools (tests/conftest.py): skip on a developer's machine, fail in CI."""

from __future__ import annotations

import pytest

import tests.conftest as support

ABSENT_MODULE = "voice_no_such_module_for_this_test"
ABSENT_TOOL = "voice-no-such-program-for-this-test"


@pytest.mark.parametrize("check", [lambda: support.need_module(ABSENT_MODULE),
                                   lambda: support.need_tool(ABSENT_TOOL),
                                   lambda: support.need_path(support.REPO_DIR / "no-such-file", "install it")],
                         ids=["module", "tool", "path"])
def test_a_missing_tool_skips_locally_and_fails_in_ci(check, monkeypatch):
    monkeypatch.setattr(support, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception):
        check()
    monkeypatch.setattr(support, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        check()


def test_has_tool_is_false_locally_and_fails_in_ci(monkeypatch):
    monkeypatch.setattr(support, "IN_CI", False)
    assert support.has_tool(ABSENT_TOOL) is False
    monkeypatch.setattr(support, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        support.has_tool(ABSENT_TOOL)


def test_what_is_there_is_returned():
    assert support.need_module("json").dumps([]) == "[]"
    assert support.need_tool("sh")
    assert support.need_path(support.REPO_DIR / "pyproject.toml", "").name == "pyproject.toml"
