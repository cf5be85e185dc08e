"""Atomic writes: whole files only, with ordinary permissions."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from planner.exceptions import PlannerError
from planner.io import (
    atomic_write,
    atomic_write_text,
    one_line,
    parse_json_text,
    parse_yaml_text,
    read_structured,
    write_all,
)


def test_new_file_is_world_readable_not_mkstemps_0600(tmp_path: Path) -> None:
    target = atomic_write_text(tmp_path / "plan.md", "x\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["plan.md"]  # no temporary left behind


def test_a_parquet_trace_is_written_whole_and_world_readable(tmp_path: Path) -> None:
    # writers that take a path (to_parquet) share the text writer's guarantees
    from simulations.loaders.bundled import load_bundled
    from simulations.loaders.writer import write_trace

    target = write_trace(load_bundled("outbound-01"), tmp_path / "t.parquet")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["t.parquet"]


def test_a_failed_writer_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "t.parquet"
    target.write_bytes(b"old")

    def fail(tmp: str) -> None:
        Path(tmp).write_bytes(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left") as info:
        atomic_write(target, fail)
    assert str(target) in str(info.value)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.parquet"]


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


# --- the one loading policy (issue 18) ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("day: 2026-02-30\n", {"day": "2026-02-30"}),  # a date stays text: the loader checks it
        ("at: 2026-12-18T17:00:00Z\n", {"at": "2026-12-18T17:00:00Z"}),
        ("at: !!timestamp 2020-01-01\n", {"at": "2020-01-01"}),
        ("n: 1_000\n", {"n": 1000}),
        (
            "base: &b {a: 1, b: 2}\nx: {<<: *b, b: 3}\n",
            {"base": {"a": 1, "b": 2}, "x": {"a": 1, "b": 3}},
        ),
    ],
)
def test_yaml_policy_keeps_what_is_meant(text: str, expected: object) -> None:
    assert parse_yaml_text(text, "f.yaml") == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", "f.yaml:3: invalid YAML: duplicate key 'a' (first on line 1)"),
        ("a: " + "9" * 31 + "\n", "a number of 31 digits (at most 30)"),
        ("a: .inf\n", "f.yaml: a: inf is not a finite number"),
        ("a: [1, .nan]\n", "f.yaml: a[1]: nan is not a finite number"),
        ("a: -.inf\n", "f.yaml: a: -inf is not a finite number"),
        ("[" * 65 + "]" * 65, "f.yaml:1: nested deeper than 64 levels"),
        ("? [a]\n: 1\n", "a key must be a plain value"),
        ("a: !!python/object:os.system x\n", "invalid YAML"),
    ],
)
def test_yaml_policy_rejects_in_one_line(text: str, message: str) -> None:
    with pytest.raises(PlannerError) as info:
        parse_yaml_text(text, "f.yaml")
    assert message in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1, "a": 2}', "f.json: invalid JSON: duplicate key 'a'"),
        ('{"a": NaN}', "NaN is not a number JSON allows"),
        ('{"a": -Infinity}', "-Infinity is not a number JSON allows"),
        ('{"a": 1e400}', "f.json: a: inf is not a finite number"),
        ('{"a": ' + "1" * 31 + "}", "a number of 31 digits"),
        ("[" * 65 + "]" * 65, "nested deeper than 64 levels"),
        ("[" * 100_000 + "]" * 100_000, "nested deeper than 64 levels"),
    ],
)
def test_json_policy_rejects_in_one_line(text: str, message: str) -> None:
    with pytest.raises(PlannerError) as info:
        parse_json_text(text, "f.json")
    assert message in str(info.value) and "\n" not in str(info.value)


def test_yaml_aliases_cannot_expand_without_bound() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    with pytest.raises(PlannerError, match=r"more than 1,000,000 values"):
        parse_yaml_text("\n".join(lines), "lol.yaml")


def test_file_size_is_checked_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: 1\n" * 100)
    monkeypatch.setenv("DEVOPS_PLANNER_MAX_INPUT_BYTES", "100")
    with pytest.raises(
        PlannerError, match=r"big.yaml: the file = 500 bytes, over the limit of 100"
    ):
        read_structured(path)
    monkeypatch.setenv("DEVOPS_PLANNER_MAX_INPUT_BYTES", "1000")
    path.write_text("a: 1\n")
    assert read_structured(path) == {"a": 1}


def test_non_utf8_names_line_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_bytes(b"a: 1\nb: caf\xe9\n")
    with pytest.raises(PlannerError, match=r"m.yaml:2: byte 0xe9 is not UTF-8"):
        read_structured(path)


def test_one_line_escapes_breaks_and_control_characters() -> None:
    assert one_line("a\nb\x1b[31m\u2028c\td") == "a\\nb\\x1b[31m\\u2028c d"
    assert one_line("x" * 300, 20) == "x" * 17 + "..."


def test_write_all_writes_everything_or_restores_everything(tmp_path: Path) -> None:
    kept = tmp_path / "kept.txt"
    kept.write_text("old\n")
    blocked = tmp_path / "new" / "deeper" / "blocked.txt"
    blocked.mkdir(parents=True)  # a folder where the last file should go
    outputs = [(kept, "new\n"), (tmp_path / "new" / "a.txt", "a\n"), (blocked, "b\n")]
    with pytest.raises(IsADirectoryError) as info:
        write_all(outputs)
    assert info.value.filename == str(blocked)
    assert kept.read_text() == "old\n"  # restored
    assert not (tmp_path / "new" / "a.txt").exists()  # removed again
    blocked.rmdir()
    assert write_all(outputs) == [kept, tmp_path / "new" / "a.txt", blocked]
    assert blocked.read_text() == "b\n"


def test_write_all_removes_folders_it_created(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("a file where a folder is needed\n")
    outputs = [(tmp_path / "out" / "sub" / "a.txt", "a\n"), (tmp_path / "f" / "b.txt", "b\n")]
    with pytest.raises(NotADirectoryError):
        write_all(outputs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f"]
