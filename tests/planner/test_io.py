"""Atomic writes: whole files only, with ordinary permissions."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from planner.exceptions import PlannerError
from planner.io import atomic_write_text, read_structured


def test_new_file_is_world_readable_not_mkstemps_0600(tmp_path: Path) -> None:
    target = atomic_write_text(tmp_path / "plan.md", "x\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["plan.md"]  # no temporary left behind


def test_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "plan.md"
    target.write_text("old\n")
    target.chmod(0o600)
    atomic_write_text(target, "new\n")
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_writing_onto_a_folder_names_the_folder_not_the_temporary(tmp_path: Path) -> None:
    # `plan -o out` where out is a folder: the one-line error must name what the user typed.
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(IsADirectoryError, match="Is a directory") as info:
        atomic_write_text(folder, "x\n")
    assert info.value.filename == str(folder)
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert list(folder.iterdir()) == []


def test_writing_under_a_file_says_it_is_not_a_folder(tmp_path: Path) -> None:
    # `export ... -o plan.json` (a file, not a folder): "File exists" would not say what is wrong
    (tmp_path / "plan.json").write_text("{}")
    with pytest.raises(NotADirectoryError, match="Not a directory") as info:
        atomic_write_text(tmp_path / "plan.json" / "flagger.yaml", "x\n")
    assert info.value.filename == str(tmp_path / "plan.json")


def test_invalid_yaml_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: 1\nb: [\n")
    with pytest.raises(PlannerError, match=r"bad\.yaml:\d+: invalid YAML"):
        read_structured(bad)
