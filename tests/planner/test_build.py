"""build_plan: five stages whose waits scale with risk, failure modes, matrix, checklist."""

from __future__ import annotations

import dataclasses
import json
import shlex

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.change.model import ChangedFile, ChangeSet
from planner.model import LEVELS, Commit, FileRisk, Monitor, Plan, Risk
from planner.plan.build import build_plan
from planner.profile import parse_profile

SHA1, SHA2 = "1" * 40, "2" * 40


def change(
    flag: str | None = "FEATURE_X",
    files: tuple[ChangedFile, ...] = (ChangedFile("src/app.py", "modified", 3, 1),),
    points: tuple[str, ...] = (),
) -> ChangeSet:
    return ChangeSet(
        "git",
        files,
        repo="/srv/app",
        base="b" * 40,
        head=SHA2,
        commits=(Commit(SHA1, "first"), Commit(SHA2, "second")),
        feature="x",
        service="app",
        feature_flag=flag,
        integration_points=points,
        repo_files=("pyproject.toml", "uv.lock", "tests/conftest.py", *(f.path for f in files)),
    )


def risk(
    level: str, files: tuple[ChangedFile, ...] | None = None, cats: tuple[str, ...] = ("source",)
) -> Risk:
    files = files or (ChangedFile("src/app.py", "modified"),)
    return Risk(
        level,  # type: ignore[arg-type]
        5,
        tuple(
            FileRisk(f.path, f.change, level, (f"rule for {f.path}",), categories=cats)
            for f in files
        ),  # type: ignore[arg-type]
    )


K8S = parse_profile({"platform": "kubernetes", "namespace": "shop", "service": "app"})


def waits(plan: Plan) -> dict[str, tuple[float, float]]:
    return {s.name: (s.wait_minutes.min, s.wait_minutes.max) for s in plan.stages}


def test_five_stages_in_reference_order_with_exposures() -> None:
    plan = build_plan(change(), risk("MEDIUM"), K8S)
    assert [(s.name, s.exposure_percent) for s in plan.stages] == [
        ("Infrastructure", 0),
        ("Integration", 0),
        ("Canary", 10),
        ("Partial", 50),
        ("Full", 100),
    ]


@pytest.mark.parametrize(
    ("level", "canary", "partial", "full"),
    [
        ("ZERO", (0, 0), (0, 0), (0, 0)),  # deploy, no soak
        ("LOW", (30, 60), (60, 120), (120, 240)),  # short
        ("MEDIUM", (120, 240), (240, 480), (240, 480)),  # reference canary 2-4 h, partial 4-8 h
        ("HIGH", (120, 240), (720, 960), (1440, 1440)),  # overnight at 50 %, 24 h at 100 %
    ],
)
def test_waits_scale_with_overall_risk(
    level: str, canary: tuple[int, int], partial: tuple[int, int], full: tuple[int, int]
) -> None:
    w = waits(build_plan(change(), risk(level), K8S))
    assert (w["Canary"], w["Partial"], w["Full"]) == (canary, partial, full)
    assert w["Infrastructure"] == (0, 0)


def test_zero_risk_change_says_why_stages_are_skipped() -> None:
    plan = build_plan(change(flag=None), risk("ZERO", cats=("docs",)), K8S)
    assert all(s.wait_minutes.max == 0 for s in plan.stages)
    assert all(s.note.startswith("Skipped: a ZERO-risk change") for s in plan.stages[1:])
    assert plan.stages[0].commands  # everything ships in Stage 1
    assert all(not s.commands for s in plan.stages[1:])


def test_shortened_and_overnight_stages_have_notes() -> None:
    low = build_plan(change(), risk("LOW"), K8S)
    high = build_plan(change(), risk("HIGH"), K8S)
    assert low.stages[2].note.startswith("Shortened")
    assert "overnight" in high.stages[3].note


def test_without_a_flag_integration_collapses_and_level_3_is_first_response() -> None:
    plan = build_plan(change(flag=None), risk("MEDIUM"), K8S)
    integration = plan.stages[1]
    assert integration.wait_minutes.max == 0 and integration.note.startswith("Collapsed")
    assert {s.rollback_level for s in plan.stages[2:]} == {3}
    assert plan.decision_matrix[0].action == "Level 3"
    level1 = plan.rollback.levels[0]
    assert not level1.applicable and level1.estimated_minutes is None
    assert "No feature flag" in level1.reason
    # traffic is split with a canary deployment instead of the flag
    assert "kubectl -n shop scale deployment/app-canary --replicas=1" in plan.stages[2].commands
    assert "kubectl -n shop scale deployment/app --replicas=5" in plan.stages[3].commands


def test_flag_stages_switch_the_flag_by_percentage() -> None:
    plan = build_plan(change(), risk("HIGH"), K8S)
    assert plan.stages[0].rollback_level is None  # flag off: code not active
    assert (
        plan.stages[0].commands[0]
        == "kubectl -n shop set env deployment/app FEATURE_X=false FEATURE_X_PERCENT=0"
    )
    assert (
        plan.stages[2].commands[0]
        == "kubectl -n shop set env deployment/app FEATURE_X=true FEATURE_X_PERCENT=10"
    )
    assert (
        "kubectl -n shop set image deployment/app app=app:222222222222" in plan.stages[0].commands
    )


@pytest.mark.parametrize(
    ("profile", "command"),
    [
        (
            {"platform": "pm2", "process": "api"},
            "FEATURE_X=true FEATURE_X_PERCENT=10 pm2 reload api --update-env",
        ),
        (
            {"platform": "systemd", "process": "api"},
            "sudo systemctl set-environment FEATURE_X=true FEATURE_X_PERCENT=10",
        ),
        ({"platform": "generic"}, "printf '%s\\n' FEATURE_X=true FEATURE_X_PERCENT=10 >> .env"),
        (
            {
                "feature_flag": {
                    "mechanism": "flag_service",
                    "command": "flagctl set {flag} {value} --percent {percent}",
                }
            },
            "flagctl set FEATURE_X true --percent 10",
        ),
    ],
)
def test_canary_flag_command_per_platform(profile: dict[str, object], command: str) -> None:
    plan = build_plan(change(), risk("MEDIUM"), parse_profile(profile))
    assert plan.stages[2].commands[0] == command


def test_default_monitors_are_the_reference_thresholds() -> None:
    canary = build_plan(change(), risk("MEDIUM"), K8S).stages[2]
    got = {
        m.metric: (m.baseline, m.target, m.warning, m.critical, m.for_minutes)
        for m in canary.monitors
    }
    assert got == {
        "error_rate": (0.0005, 0.001, 0.0015, 0.005, 10),
        "latency_p95": (150, 200, 300, 500, 10),
        "success_rate": (0.9995, 0.999, 0.998, 0.995, 10),
    }


def test_thresholds_follow_the_profile_baseline() -> None:
    profile = parse_profile({"baseline": {"error_rate": 0.001, "latency_p95_ms": 300}})
    canary = build_plan(change(), risk("MEDIUM"), profile).stages[2]
    by = {m.metric: m for m in canary.monitors}
    assert (by["error_rate"].critical, by["latency_p95"].critical) == (0.01, 1000)


def test_injected_monitors_replace_defaults_and_set_the_matrix() -> None:
    tuned = Monitor("error_rate", "ratio", "above", 0.0005, 0.001, 0.002, 0.003, 5, source="tuned")
    plan = build_plan(
        change(), risk("MEDIUM"), K8S, monitors={"Canary": (tuned,)}, thresholds_source="tune.yaml"
    )
    assert plan.stages[2].monitors == (tuned,)
    assert plan.stages[3].monitors[0].critical == 0.005  # other stages keep the defaults
    assert plan.decision_matrix[0].condition == "Error rate >0.3%"
    assert plan.thresholds_source == "tune.yaml"


def test_failure_modes_from_integration_points_and_files() -> None:
    files = (ChangedFile("src/payments/charge.py", "modified"),)
    plan = build_plan(
        change(files=files, points=("payment_api", "email")),
        risk("HIGH", files, ("payments",)),
        K8S,
    )
    severities = [(m.severity, m.scenario.split(" ")[0]) for m in plan.failure_modes]
    assert severities[0][0] == "CRITICAL" and severities[-1] == ("MODERATE", "Email")
    assert any(
        "Immediate rollback" in m.trigger for m in plan.failure_modes if m.severity == "CRITICAL"
    )
    assert "Payment succeeded but order failed" in plan.rollback.triggers.immediate


def test_checklist_names_the_test_command_and_security_review() -> None:
    files = (ChangedFile("src/auth/login.py", "modified"),)
    plan = build_plan(change(files=files), risk("HIGH", files, ("auth",)), K8S)
    assert plan.checklist[0] == (
        "All tests passing (unit, integration, E2E): `uv run pytest  # from tests/conftest.py`"
    )
    assert "Security review complete (no CRITICAL issues)" in plan.checklist


def test_checklist_rehearses_every_database_rollback_step_in_order() -> None:
    # Two rails migrations: rehearsing only the first undo leaves the older one untried.
    files = (
        ChangedFile("db/migrate/20240101000000_add_a.rb", "added", content="add_column :u, :a"),
        ChangedFile("db/migrate/20240202000000_add_b.rb", "added", content="add_column :u, :b"),
    )
    cs = dataclasses.replace(change(files=files), repo_files=("Gemfile", *(f.path for f in files)))
    plan = build_plan(cs, risk("MEDIUM", files, ("migration",)), K8S)
    [item] = [c for c in plan.checklist if c.startswith("Database rollback rehearsed")]
    assert item == (
        "Database rollback rehearsed: `bin/rails db:migrate:down VERSION=20240202000000 && "
        "bin/rails db:migrate:down VERSION=20240101000000`"
    )


def test_level_3_names_a_database_undo_it_cannot_spell_out() -> None:
    # The Django predecessor is unknown: Level 3 must still say to migrate back first, before
    # the revert removes the migration file, rather than skip the database silently.
    files = (ChangedFile("shop/migrations/0003_discount.py", "added"),)
    cs = dataclasses.replace(change(files=files), repo_files=("manage.py", files[0].path))
    plan = build_plan(cs, risk("MEDIUM", files, ("migration",)), K8S)
    level3 = plan.rollback.levels[2]
    actions = [s.action for s in level3.steps]
    first_revert = next(i for i, a in enumerate(actions) if a.startswith("Revert the"))
    assert any("showmigrations shop" in a for a in actions[:first_revert])


def test_windows_relax_for_zero_risk() -> None:
    assert (
        build_plan(change(), risk("HIGH"), K8S).windows["preferred"]
        == "Tuesday-Thursday, 10am-2pm EST"
    )
    assert build_plan(change(), risk("ZERO"), K8S).windows["avoid"] == "Holidays"


def test_plan_round_trips_through_json() -> None:
    plan = build_plan(change(), risk("HIGH"), K8S)
    assert Plan.from_dict(json.loads(json.dumps(plan.to_dict()))) == plan


def test_profile_defaults_take_the_change_service_name() -> None:
    plan = build_plan(change(), risk("LOW"))
    assert plan.change.service == "app"
    assert plan.stages[0].commands[-1] == "# restart app with your process manager"


@given(
    level=st.sampled_from(LEVELS),
    flag=st.one_of(st.none(), st.from_regex(r"[A-Z][A-Z0-9_]{0,15}", fullmatch=True)),
    platform=st.sampled_from(["kubernetes", "pm2", "systemd", "generic"]),
)
def test_rollout_invariants(level: str, flag: str | None, platform: str) -> None:
    plan = build_plan(change(flag=flag), risk(level), parse_profile({"platform": platform}))
    exposures = [s.exposure_percent for s in plan.stages]
    assert exposures == sorted(exposures) and exposures[-1] == 100  # the last stage carries 100 %
    assert all(s.wait_minutes.min <= s.wait_minutes.max for s in plan.stages)
    assert plan.rollback.levels[0].applicable == bool(flag)
    for stage in plan.stages:
        for command in stage.commands:
            shlex.split(command)  # every command parses as shell words


def test_without_a_flag_the_canary_builds_the_image_it_deploys() -> None:
    cs = dataclasses.replace(change(flag=None), repo_files=("go.mod", "Dockerfile"))
    plan = build_plan(cs, risk("MEDIUM"), K8S)
    canary, full = plan.stages[2].commands, plan.stages[4].commands
    assert canary[:3] == (
        "docker build -f Dockerfile -t app:222222222222 .  # from Dockerfile",
        "docker push app:222222222222",
        "kubectl -n shop set image deployment/app-canary app=app:222222222222",
    )
    assert not any(c.startswith("docker") for c in full)  # built once, in Canary
    assert full[-1] == "kubectl -n shop scale deployment/app-canary --replicas=0"


def test_without_a_flag_other_platforms_deploy_instance_by_instance() -> None:
    plan = build_plan(
        change(flag=None), risk("MEDIUM"), parse_profile({"platform": "pm2", "process": "api"})
    )
    canary = plan.stages[2].commands
    assert canary[0] == "# on 10% of the instances of app:"
    assert f"git checkout --detach {SHA2}" in canary and "pm2 reload api --update-env" in canary
