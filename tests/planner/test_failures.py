"""planner.plan.failures and planner.plan.rollback.hazards: modes and hazards from the change's
facts."""

from __future__ import annotations

from planner.change.model import ChangedFile, ChangeSet
from planner.model import Commit, Plan
from planner.plan.build import build_plan
from planner.plan.catalogue import CATALOGUE
from planner.plan.rollback.hazards import HAZARDS
from planner.risk.classify import classify
from planner.risk.facts.evidence import LABELS

HASHERS = 'PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]\n'
BULK = "def purge(db):\n    db.execute('DELETE FROM sessions')\n"


def plan_of(*files: ChangedFile, commits: tuple[Commit, ...] = ()) -> Plan:
    change = ChangeSet("manifest", files, commits=commits)
    return build_plan(change, classify(change))


def test_a_fact_gives_a_specific_mode_and_the_category_template_is_dropped() -> None:
    plan = plan_of(
        ChangedFile("src/auth/hashers.py", "modified", content=HASHERS),
        ChangedFile("src/auth/login.py", "modified"),  # no text: only the template explains it
    )
    specific = [m for m in plan.failure_modes if not m.generic]
    generic = [m for m in plan.failure_modes if m.generic]
    hashing = next(m for m in specific if "Password hashing" in m.scenario)
    assert hashing.evidence == ("src/auth/hashers.py:1",)
    assert hashing.detection and hashing.rollback
    # the template names only the file no fact explains
    (auth,) = [m for m in generic if m.scenario.startswith("Authentication change")]
    assert "src/auth/login.py" in auth.scenario and "hashers.py" not in auth.scenario


def test_a_forward_fix_is_not_a_rollback_trigger_but_a_hazard() -> None:
    plan = plan_of(
        ChangedFile("src/app/settings.py", "modified", content=HASHERS),
        commits=(Commit("f" * 40, "fix: CVE-2024-0001 in login"),),
    )
    triggers = plan.rollback.triggers.immediate + plan.rollback.triggers.evaluate
    assert not any("Roll forward" in t for t in triggers)
    hazards = plan.rollback.hazards
    assert [h.roll_forward for h in hazards] == sorted(
        (h.roll_forward for h in hazards), reverse=True
    )
    effects = " ".join(h.effect for h in hazards)
    assert "re-opens `CVE-2024-0001`" in effects
    assert plan.risk.overall == "HIGH"


def test_a_bulk_write_is_critical_with_a_restore_hazard() -> None:
    plan = plan_of(ChangedFile("app/jobs/purge.py", "modified", content=BULK))
    mode = next(m for m in plan.failure_modes if "bulk write" in m.scenario)
    assert mode.severity == "CRITICAL"
    assert mode.evidence == ("app/jobs/purge.py:2",)
    (hazard,) = plan.rollback.hazards
    assert "stay changed after a rollback" in hazard.effect and not hazard.roll_forward


def test_docs_only_change_has_no_modes_and_no_hazards() -> None:
    plan = plan_of(ChangedFile("docs/a.md", "modified", content=HASHERS))
    assert plan.failure_modes == () and plan.rollback.hazards == ()


def test_every_fact_kind_has_a_failure_mode() -> None:
    assert set(HAZARDS) <= set(CATALOGUE)
    assert set(LABELS) <= set(CATALOGUE)  # every kind the risk side can emit
    for kind, mode in CATALOGUE.items():
        filled = mode.scenario.format(what="`x`", where="a.py:1", error=">1%", latency=">1s")
        assert "{" not in filled, kind
        assert ": " in mode.trigger, kind  # "condition: action", as the rollback triggers read
