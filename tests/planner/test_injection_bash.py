"""Paste the plan's bash blocks into a real ``bash`` with harmless payloads: nothing may run.

Every command word is turned into a no-op by an empty ``PATH`` and bash's
``command_not_found_handle``, which records the arguments it was given; builtins still run.
A payload that ran would create its marker file through a redirection, which bash performs
itself, so an injection is caught whatever command it tries. The hostile strings enter through
every door a user has: the manifest's flag name, file paths and subjects, a profile's command
template, thresholds names, and real git commit subjects and file names.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from support.gitrepo import commit, git, make_repo

from planner.change.model import ChangedFile, ChangeSet
from planner.cli import main
from planner.model import Commit
from planner.plan.build import build_plan
from planner.profile import parse_profile
from planner.quoting.shell import q
from planner.render.markdown import render_markdown
from planner.risk import classify

BASH = shutil.which("bash")
pytestmark = pytest.mark.skipif(BASH is None, reason="needs bash")
SHAS = ("a" * 40, "b" * 40)
FENCE = re.compile(r"^(`{3,})bash\n(.*?)^\1$", re.MULTILINE | re.DOTALL)


def payloads(marker: Path) -> list[str]:
    """Strings that create ``marker`` if a shell ever evaluates them."""
    m = str(marker)
    return [
        f"A$(: > {m})",
        f"A`: > {m}`",
        f"A;: > {m}",
        f"A' ; : > {m}; '",
        f'A" ; : > {m}; "',
        f"A\n: > {m}\n",
        f"A\u2028: > {m}",
        f"A\x1b[31m$(: > {m})",
        f"--hard;: > {m}",
        f"A|: > {m}",
        f"A&&: > {m}",
        f"{{A,: > {m}}}",
    ]


def run_blocks(markdown: str, sandbox: Path) -> list[list[str]]:
    """Run every bash block of ``markdown`` in ``sandbox``; return the argv of each command."""
    blocks = [m.group(2) for m in FENCE.finditer(markdown)]
    assert blocks, "the plan has no bash block"
    log = sandbox / "argv.jsonl"
    prelude = (
        "PATH=/nonexistent\n"
        "command_not_found_handle() {\n"
        '  local a out="$1"; shift\n'
        '  for a in "$@"; do out+=$\'\\x1f\'"$a"; done\n'
        f"  printf '%s\\x1e' \"$out\" >> {q(str(log))}; return 0\n"
        "}\n"
        'sudo() { "$@"; }\n'
    )
    for block in blocks:
        done = subprocess.run(
            [BASH or "bash", "--norc", "--noprofile", "-c", prelude + block],
            cwd=sandbox,
            capture_output=True,
            timeout=30,
            check=False,
        )
        assert b"syntax error" not in done.stderr, (block, done.stderr)
    records = log.read_text(encoding="utf-8").split("\x1e") if log.exists() else []
    return [r.split("\x1f") for r in records if r]


def plan_markdown(changes: ChangeSet, profile_data: dict[str, object]) -> str:
    profile = parse_profile(profile_data)
    return render_markdown(build_plan(changes, classify(changes), profile))


PROFILES: dict[str, dict[str, object]] = {
    "kubernetes": {"platform": "kubernetes", "service": "api", "namespace": "web"},
    "pm2": {"platform": "pm2", "service": "api"},
    "systemd": {"platform": "systemd", "service": "api"},
    "generic": {"platform": "generic", "service": "api"},
    "flag service, command line": {
        "service": "api",
        "feature_flag": {"mechanism": "flag_service", "command": "flagctl set {flag} {value}"},
    },
    "flag service, argument list": {
        "service": "api",
        "feature_flag": {
            "mechanism": "flag_service",
            "command": ["flagctl", "set", "--name={flag}", "{value}", "{percent}"],
        },
    },
}


@pytest.mark.parametrize("platform", list(PROFILES))
def test_hostile_flags_paths_and_subjects_never_run(platform: str, tmp_path: Path) -> None:
    sandbox = tmp_path / "sandbox"
    sandbox.mkdir()
    marker = tmp_path / "PWNED"
    for i, hostile in enumerate(payloads(marker)):
        files = (
            ChangedFile(f"config/{hostile}.yaml", "modified"),
            ChangedFile(f"config/new-{hostile}.yaml", "added"),
            ChangedFile(
                f"migrations/00{i}_{hostile}.sql", "added", content="CREATE TABLE t (i int);"
            ),
            ChangedFile(f"src/{hostile}.js", "deleted"),
            ChangedFile("src/app.js", "modified", behind_flag=True),
        )
        changes = ChangeSet(
            source="manifest",
            files=files,
            commits=tuple(Commit(sha=s, subject=hostile) for s in SHAS),
            feature=hostile,
            service="api",
            feature_flag=hostile,  # past the loader's grammar check: defence in depth
        )
        argv = run_blocks(plan_markdown(changes, PROFILES[platform]), sandbox)
        assert not marker.exists(), (platform, hostile)
        # the hostile text arrives whole, as one argument of some command
        assert any(hostile in word for cmd in argv for word in cmd[1:]), (platform, hostile)


def test_thresholds_names_cannot_add_a_bash_block(tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    thresholds = tmp_path / "t.json"
    name = f"x\n```\n```bash\n: > {marker}\n```"
    rule = {"family": "static", "metric": "error_ratio", "direction": "above", "critical": 0.1}
    thresholds.write_text(json.dumps({"rule_sets": [{"name": name, "rules": [rule]}]}))
    manifest = tmp_path / "m.yaml"
    manifest.write_text("feature: x\nfiles: [{path: src/a.py, change: modified}]\n")
    out = tmp_path / "plan.md"
    argv = ["plan", "--manifest", str(manifest), "--thresholds", str(thresholds), "-o", str(out)]
    assert main(argv) == 2  # the schema rejects a multi-line name ...
    # ... and were it to pass, Markdown keeps it on one line, escaped, outside any block
    from planner.model import Monitor
    from planner.render import markdown as md

    monitor = Monitor("error_ratio\n```bash", "ratio", "above", 0, 0, 0.1, 0.2, 10, name)
    line = md._monitor_line(monitor)
    assert "\n" not in line and "```" not in line and "\\`" in line


def test_real_git_subjects_and_file_names_cannot_forge_commits(tmp_path: Path) -> None:
    """Subjects with U+2028, U+001C, U+0085 and file names with escape codes (real git)."""
    repo = make_repo(tmp_path, {"a.txt": "1\n"})
    marker = tmp_path / "PWNED"
    commit(repo, {"a.txt": "2\n"}, "fix\u2028--hard\u2028x")
    commit(repo, {"b\x1b[31mred.yaml": "x: 1\n", "config/app.yaml": "y: 2\n"}, "two\x1c--force")
    commit(
        repo, {f"config/$(: > {marker}).yaml": "z\n"}, f"three\x85--mixed\n\nbody $(: > {marker})"
    )
    shas = git(repo, "log", "--format=%H", "-3").split()
    out = tmp_path / "plan.md"
    assert main(["plan", "--repo", str(repo), "--base", "HEAD~3", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "\x1b" not in text and "\u2028" not in text and "\x85" not in text
    sandbox = tmp_path / "sandbox"
    sandbox.mkdir()
    argv = run_blocks(text, sandbox)
    assert not marker.exists()
    reverts = [cmd for cmd in argv if cmd[:2] == ["git", "revert"]]
    assert reverts == [["git", "revert", "--no-edit", *shas]]  # newest first, nothing forged
