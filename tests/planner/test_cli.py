"""The CLI turns user errors into one line and exit status 2."""

from __future__ import annotations

import pytest

from planner.cli import main


def test_unknown_command_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["no-such-command"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "usage: devops-planner" in capsys.readouterr().out
