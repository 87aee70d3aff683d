"""`voice`: every capability's commands are there, and a missing command module fails loudly."""

from __future__ import annotations

import pytest

from voice import cli


def test_every_command_module_registers_its_commands():
    shown = cli.build_parser().format_help().split()
    for command in ("db", "surveys", "classify", "analyse", "yswd", "stats", "report", "user", "retention"):
        assert command in shown


def test_a_missing_command_module_is_an_import_error(monkeypatch):
    monkeypatch.setattr(cli, "COMMAND_MODULES", [*cli.COMMAND_MODULES, "voice.no_such_capability.cli"])
    with pytest.raises(ModuleNotFoundError, match="voice.no_such_capability"):
        cli.build_parser()
