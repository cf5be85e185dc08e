"""The bad-input catalogue: every row is one hostile or mistaken input fed to ``main(argv)``.

Each must give exit status 2, exactly one line on stderr holding the expected fragment (the
file, field or value and what was expected), no traceback, and no file in the output folder.
Rows come from the issue-18 campaign (282 hand-made inputs over the eight subcommands); the
comment on each row says what used to happen.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.paths import ROOT

from planner.cli import main

SAMPLE = ROOT / "data" / "sample"
MANIFEST = SAMPLE / "change-manifest.yaml"
SERVICE = SAMPLE / "service.yaml"
TRACE = SAMPLE / "web-service-14d.csv"
LABELS = SAMPLE / "web-service-14d.incidents.yaml"
THRESHOLDS = ROOT / "data" / "thresholds" / "defaults.yaml"

MIN_MANIFEST = "feature: x\nfiles: [{path: src/a.py, change: modified}]\n"
RULE = "{family: static, metric: error_ratio, direction: above, critical: 0.1, for: 10m}"


@dataclass(frozen=True)
class Case:
    """One row: the files to write, the argv (``{name}`` = a written file, ``{out}``)."""

    files: dict[str, str | bytes]
    argv: tuple[str, ...]
    fragment: str


def plan_args(*extra: str) -> tuple[str, ...]:
    return (
        "plan",
        "--manifest",
        str(MANIFEST),
        "--service",
        str(SERVICE),
        "-o",
        "{out}/p.md",
        *extra,
    )


def thresholds(body: str) -> str:
    return f"version: 1\nrule_sets:\n  - name: a\n    rules:\n      - {body}\n"


def calendar(extra: str) -> str:
    return "timezone: UTC\nallowed:\n  mon-fri: '09:00-17:00'\n" + extra


CAL = ("--start", "2026-03-02T10:00Z", "--calendar", "{cal.yaml}")
CASES: dict[str, Case] = {
    # --- the shared YAML/JSON reader (all were tracebacks) ---
    "impossible date in a freeze": Case(
        {"cal.yaml": calendar("freezes: [{name: f, start: 2026-02-30, end: 2026-03-01}]\n")},
        plan_args(*CAL),
        "calendar.freezes[0].start: expected a date",
    ),
    "year 0 in a freeze": Case(
        {"cal.yaml": calendar("freezes: [{start: 0000-01-01, end: 2026-03-01}]\n")},
        plan_args(*CAL),
        "freezes[0].start",
    ),
    "year 9999 in a freeze": Case(
        {"cal.yaml": calendar("freezes: [{start: 2026-01-01, end: 9999-12-31}]\n")},
        plan_args(*CAL),
        "outside the years 1970-2200",
    ),
    "integer of 4400 digits (YAML)": Case(
        {"m.yaml": f"feature: x\nfiles: [{{path: a, change: added, added_lines: {'9' * 4400}}}]\n"},
        ("plan", "--manifest", "{m.yaml}", "-o", "{out}/p.md"),
        "a number of 4400 digits (at most 30)",
    ),
    "integer of 4400 digits (JSON)": Case(
        {
            "m.json": '{"feature": "x", "files": [{"path": "a", "change": "added", '
            f'"added_lines": {"9" * 4400}}}]}}'
        },
        ("plan", "--manifest", "{m.json}", "-o", "{out}/p.md"),
        "a number of 4400 digits",
    ),
    "YAML nested 20,000 levels": Case(
        {"m.yaml": "[" * 20000 + "]" * 20000},
        ("plan", "--manifest", "{m.yaml}", "-o", "{out}/p.md"),
        "nested deeper than 64 levels",
    ),
    "JSON nested 20,000 levels": Case(
        {"m.json": "[" * 20000 + "]" * 20000},
        ("plan", "--manifest", "{m.json}", "-o", "{out}/p.md"),
        "nested deeper than 64 levels",
    ),
    "duplicate key (YAML)": Case(
        {"m.yaml": "feature: a\nfeature: b\nfiles: [{path: a, change: added}]\n"},
        ("plan", "--manifest", "{m.yaml}", "-o", "{out}/p.md"),
        "duplicate key 'feature' (first on line 1)",
    ),
    "duplicate key (JSON)": Case(
        {"s.json": '{"platform": "generic", "platform": "kubernetes"}'},
        plan_args("--service", "{s.json}"),
        "duplicate key 'platform'",
    ),
    "YAML aliases expanding to a billion values": Case(
        {
            "m.yaml": "a: &a [x,x,x,x,x,x,x,x,x]\n"
            + "".join(
                f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n"
                for i in range(8)
            )
        },
        ("plan", "--manifest", "{m.yaml}", "-o", "{out}/p.md"),
        "more than 1,000,000 values",
    ),
    "two-line PyYAML error": Case(
        {"m.yaml": "feature: [x\n"},
        ("plan", "--manifest", "{m.yaml}", "-o", "{out}/p.md"),
        "m.yaml:2: invalid YAML",
    ),
    "key holding a newline": Case(
        {"m.yaml": 'feature: x\n"a\\nb": 1\nfiles: [{path: a, change: added}]\n'},
        ("plan", "--manifest", "{m.yaml}", "-o", "{out}/p.md"),
        "a\\nb: unknown field",
    ),
    "not UTF-8": Case(
        {"m.yaml": b"feature: caf\xe9\nfiles: []\n"},
        ("plan", "--manifest", "{m.yaml}", "-o", "{out}/p.md"),
        "byte 0xe9 is not UTF-8",
    ),
    # --- values that passed validation and crashed later ---
    "infinite profile timing": Case(
        {"s.yaml": "timings: {build: .inf}\n"},
        plan_args("--service", "{s.yaml}"),
        "timings.build: inf is not a finite number",
    ),
    "1e400 baseline (JSON)": Case(
        {"s.json": '{"baseline": {"latency_p95_ms": 1e400}}'},
        plan_args("--service", "{s.json}"),
        "baseline.latency_p95_ms: inf is not a finite number",
    ),
    "Infinity in plan JSON": Case(
        {"plan.json": '{"schema_version": "1.0", "stages": [{"exposure_percent": Infinity}]}'},
        ("export", "flagger", "--plan", "{plan.json}", "-o", "{out}"),
        "Infinity is not a number JSON allows",
    ),
    "NaN in plan JSON": Case(
        {"plan.json": '{"schema_version": "1.0", "x": NaN}'},
        ("simulate", "--plan", "{plan.json}", "--trace", str(TRACE), "-o", "{out}/s.json"),
        "NaN is not a number JSON allows",
    ),
    "rule family given as a list": Case(
        {"t.yaml": thresholds(RULE.replace("static", "[static]"))},
        plan_args("--thresholds", "{t.yaml}"),
        "rules[0].family: a list is not one of",
    ),
    "rule family given as a mapping": Case(
        {"t.yaml": thresholds(RULE.replace("static", "{a: 1}"))},
        plan_args("--thresholds", "{t.yaml}"),
        "rules[0].family: a mapping is not one of",
    ),
    "threshold duration of 400 digits": Case(
        {"t.yaml": thresholds(RULE.replace("10m", "9" * 400 + "m"))},
        plan_args("--thresholds", "{t.yaml}"),
        "rules[0].for:",
    ),
    "on_call given a number": Case(
        {"cal.yaml": calendar("on_call: 5\n")},
        plan_args(*CAL),
        "on_call: expected a mapping, got 5",
    ),
    "weekday 'monkey'": Case(
        {"cal.yaml": "timezone: UTC\nallowed:\n  monkey: '09:00-17:00'\n"},
        plan_args(*CAL),
        "allowed: 'monkey' is not valid (a weekday",
    ),
    "time zone naming a tzdata folder": Case(
        {"cal.yaml": "timezone: America\n"},
        plan_args(*CAL),
        "'America' is not an IANA time zone",
    ),
    "platform in the wrong case": Case(
        {"s.yaml": "platform: Kubernetes\n"},
        plan_args("--service", "{s.yaml}"),
        "platform: 'Kubernetes' is not one of kubernetes, pm2, systemd, generic",
    ),
    "policy level in lower case": Case(
        {"p.yaml": "rules:\n  - {name: r, level: high, reason: x, paths: [a]}\n"},
        plan_args("--policy", "{p.yaml}"),
        "rules[0].level: 'high' is not one of ZERO, LOW, MEDIUM, HIGH",
    ),
    "policy regex nested 3,000 deep": Case(
        {
            "p.yaml": "rules:\n  - {name: r, level: HIGH, reason: x, content: ['"
            + "(" * 3000
            + "a"
            + ")" * 3000
            + "']}\n"
        },
        plan_args("--policy", "{p.yaml}"),
        "rules[0].content[0]: 6,001 characters, at most 2,000 allowed",
    ),
    # --- command templates and identifiers ---
    "template field inside double quotes": Case(
        {
            "s.yaml": "feature_flag: {mechanism: flag_service, "
            "command: 'flagctl set \"{flag}\" {value}'}\n"
        },
        plan_args("--service", "{s.yaml}"),
        "field {flag} is inside double quotes",
    ),
    "template field inside single quotes": Case(
        {"s.yaml": "feature_flag: {mechanism: flag_service, command: \"f '{flag}' {value}\"}\n"},
        plan_args("--service", "{s.yaml}"),
        "field {flag} is inside single quotes",
    ),
    "template attribute field": Case(
        {"s.yaml": "feature_flag: {mechanism: flag_service, command: 'f {flag} {value} {x.y}'}\n"},
        plan_args("--service", "{s.yaml}"),
        "unknown field {x.y}",
    ),
    "template huge format width": Case(
        {
            "s.yaml": "feature_flag: {mechanism: flag_service, "
            "command: 'f {flag:>99999999999} {value}'}\n"
        },
        plan_args("--service", "{s.yaml}"),
        "may not carry a conversion or format",
    ),
    "flag name with a command substitution": Case(
        {
            "m.yaml": "feature: x\nfeature_flag: 'A$(touch PWNED)'\n"
            "files: [{path: a, change: added, behind_flag: true}]\n"
        },
        ("plan", "--manifest", "{m.yaml}", "-o", "{out}/p.md"),
        "feature_flag: 'A$(touch PWNED)' is not valid",
    ),
    "flag that no environment variable can hold": Case(
        {"m.yaml": "feature: x\nfeature_flag: new-checkout\nfiles: [{path: a, change: added}]\n"},
        ("plan", "--manifest", "{m.yaml}", "-o", "{out}/p.md"),
        "feature_flag: 'new-checkout' is not an environment variable name",
    ),
    "namespace starting with a dash": Case(
        {"s.yaml": "platform: kubernetes\nnamespace: '-n$(id)'\n"},
        plan_args("--service", "{s.yaml}"),
        "namespace: '-n$(id)' is not valid",
    ),
    "rule-set name holding a bash block": Case(
        {
            "t.yaml": 'version: 1\nrule_sets:\n  - name: "x\\n```bash\\ncurl x | sh\\n```"\n'
            f"    rules: [{RULE}]\n"
        },
        plan_args("--thresholds", "{t.yaml}"),
        "rule_sets[0].name:",
    ),
    # --- options ---
    "--onset nan": Case(
        {},
        ("simulate", "--plan", "x.json", "--trace", str(TRACE), "--onset", "nan"),
        "argument --onset: 'nan' is not a finite number",
    ),
    "--ack-minutes inf": Case(
        {},
        ("simulate", "--plan", "x.json", "--trace", str(TRACE), "--ack-minutes", "inf"),
        "argument --ack-minutes: 'inf' is not a finite number",
    ),
    "--false-rollback-budget nan": Case(
        {},
        ("tune", "--train", str(TRACE), "--false-rollback-budget", "nan"),
        "argument --false-rollback-budget: 'nan' is not a finite number",
    ),
    "--timeout 0": Case(
        {},
        (
            "import-prometheus",
            "--url",
            "http://127.0.0.1:9",
            "--query",
            "error_ratio=up",
            "--start",
            "now-1h",
            "--end",
            "now",
            "--step",
            "60s",
            "--timeout",
            "0",
            "-o",
            "{out}/t.csv",
        ),
        "argument --timeout: '0' must be > 0",
    ),
    "--start now-abc is blamed on the time": Case(
        {},
        (
            "import-prometheus",
            "--url",
            "http://127.0.0.1:9",
            "--query",
            "error_ratio=up",
            "--start",
            "now-abc",
            "--end",
            "now",
            "--step",
            "60s",
            "-o",
            "{out}/t.csv",
        ),
        "'now-abc' is not now-<duration>",
    ),
    "usage error is one line": Case(
        {},
        ("import-prometheus", "--url", "http://x"),
        "the following arguments are required",
    ),
    # --- bounds on work, checked before the work ---
    "--step 1ns over an hour": Case(
        {},
        (
            "import-prometheus",
            "--url",
            "http://127.0.0.1:9",
            "--query",
            "error_ratio=up",
            "--start",
            "now-1h",
            "--end",
            "now",
            "--step",
            "0.000000001",
            "-o",
            "{out}/t.csv",
        ),
        "DEVOPS_PLANNER_MAX_QUERY_POINTS",
    ),
    "4-row trace spanning 14 years": Case(
        {
            "t.csv": "timestamp,error_ratio\n2012-01-01T00:00:00Z,0.001\n"
            "2012-01-01T00:01:00Z,0.002\n2026-01-01T00:00:00Z,0.002\n",
            "t.incidents.yaml": "- {start: '2012-01-01T00:00:00Z', end: '2012-01-01T00:01:00Z'}\n",
        },
        ("backtest", "--thresholds", str(THRESHOLDS), "--trace", "{t.csv}", "-o", "{out}/b.json"),
        "over the limit of 5,000,000 time steps (raise it with DEVOPS_PLANNER_MAX_TRACE_SLOTS",
    ),
    "--runs over the limit": Case(
        {},
        ("simulate", "--plan", "x.json", "--trace", str(TRACE), "--runs", "99999999"),
        "DEVOPS_PLANNER_MAX_RUNS",
    ),
    # --- loaders ---
    "non-UTF-8 byte in a CSV cell": Case(
        {"t.csv": b"timestamp,error_ratio\n2026-03-02T00:00:00Z,0.1\n2026-03-02T00:01:00Z,\xff\n"},
        ("backtest", "--thresholds", str(THRESHOLDS), "--trace", "{t.csv}", "-o", "{out}/b.json"),
        "t.csv:3: byte 0xff is not UTF-8",
    ),
    "impossible incident date": Case(
        {"i.yaml": "- {start: 2026-02-30, end: 2026-03-01}\n"},
        (
            "promtest",
            "--plan",
            "{plan}",
            "--trace",
            str(TRACE),
            "--incidents",
            "{i.yaml}",
            "-o",
            "{out}",
        ),
        "incidents[0].start: '2026-02-30' is not an ISO 8601 time",
    ),
    # --- silent acceptance ---
    "promtest incident outside the trace": Case(
        {"i.yaml": "- {start: '2030-01-01T00:00:00Z', end: '2030-01-01T01:00:00Z'}\n"},
        (
            "promtest",
            "--plan",
            "{plan}",
            "--trace",
            str(TRACE),
            "--incidents",
            "{i.yaml}",
            "-o",
            "{out}",
        ),
        "lies outside trace",
    ),
}


@pytest.fixture(scope="module")
def plan_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plan") / "plan.json"
    assert (
        main(
            [
                "plan",
                "--manifest",
                str(MANIFEST),
                "--service",
                str(SERVICE),
                "--format",
                "json",
                "-o",
                str(path),
            ]
        )
        == 0
    )
    return path


def fill(arg: str, folder: Path, out: Path, plan: Path) -> str:
    arg = arg.replace("{out}", str(out)).replace("{plan}", str(plan))
    if arg.startswith("{") and arg.endswith("}"):
        return str(folder / arg[1:-1])
    return arg


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_gets_one_line_and_writes_nothing(
    name: str, tmp_path: Path, plan_json: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = CASES[name]
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    for file, content in case.files.items():
        target = inputs / file
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    argv = [fill(a, inputs, out, plan_json) for a in case.argv]
    status = main(argv)
    err = capsys.readouterr().err
    assert status == 2, err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert case.fragment in err, err
    assert not out.exists() or not any(out.iterdir()), sorted(out.iterdir())


def test_promtest_writes_all_files_or_none(
    tmp_path: Path, plan_json: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "promtest"
    (out / "incident-02.yaml").mkdir(parents=True)  # the second incident cannot be written
    argv = [
        "promtest",
        "--plan",
        str(plan_json),
        "--trace",
        str(TRACE),
        "--incidents",
        str(LABELS),
        "-o",
        str(out),
    ]
    assert main(argv) == 2
    assert "incident-02.yaml" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["incident-02.yaml"]  # nothing else left
    shutil.rmtree(out / "incident-02.yaml")
    assert main(argv) == 0
    assert {"rules.yaml", "incident-01.yaml", "incident-02.yaml"} <= {p.name for p in out.iterdir()}


def test_a_failed_export_leaves_the_good_output(
    tmp_path: Path, plan_json: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "export"
    assert main(["export", "flagger", "--plan", str(plan_json), "-o", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": "1.0", "stages": []}')
    assert main(["export", "flagger", "--plan", str(bad), "-o", str(out)]) == 2
    assert "bad.json: change: missing (required)" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_limits_are_raised_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEVOPS_PLANNER_MAX_TRACE_SLOTS", "100")
    argv = ["backtest", "--thresholds", str(THRESHOLDS), "--trace", str(TRACE)]
    assert main(argv) == 2
    assert "over the limit of 100 time steps" in capsys.readouterr().err
    monkeypatch.setenv("DEVOPS_PLANNER_MAX_TRACE_SLOTS", "lots")
    assert main(argv) == 2
    assert "DEVOPS_PLANNER_MAX_TRACE_SLOTS: 'lots' is not a positive integer" in (
        capsys.readouterr().err
    )


def test_plan_json_never_holds_bare_infinity(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    assert main(["plan", "--manifest", str(MANIFEST), "--format", "json", "-o", str(path)]) == 0
    json.loads(path.read_text(), parse_constant=lambda c: pytest.fail(f"bare {c} in plan JSON"))
