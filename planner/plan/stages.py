"""The five rollout stages, with waits that scale with the overall risk.

Infrastructure (0 %) -> Integration (0 %) -> Canary (10 %) -> Partial (50 %) -> Full (100 %).
Waits in minutes (min, max) per overall risk, from the reference (:data:`REFERENCE_WAITS`:
canary 2-4 h, partial 4-8 h, 24 h of watching at full rollout): ZERO deploys with no soak; LOW
waits an hour dormant and soaks briefly; MEDIUM is the reference with full rollout watched
4-8 h; HIGH is the reference with 50 % held overnight (12-16 h). :data:`DEFAULT_STAGES` is the
reference's traffic stages at their minimum waits, the rollout the simulations assume when no
plan is given.
``Stage.note`` says why a stage is shortened, collapsed or skipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from planner.model import Monitor, Stage, Wait
from planner.plan.context import PlanContext, listing
from planner.plan.infra import infra_plan
from planner.plan.monitors import default_monitors, fmt_value

__all__ = [
    "DEFAULT_STAGES",
    "EXPOSURE",
    "REFERENCE_WAITS",
    "STAGE_NAMES",
    "WAITS",
    "build_stages",
]

STAGE_NAMES = ("Infrastructure", "Integration", "Canary", "Partial", "Full")
EXPOSURE = {
    "Infrastructure": 0.0,
    "Integration": 0.0,
    "Canary": 10.0,
    "Partial": 50.0,
    "Full": 100.0,
}
STAGE_RISK = {
    "Infrastructure": "ZERO",
    "Integration": "LOW",
    "Canary": "MEDIUM",
    "Partial": "MEDIUM",
    "Full": "HIGH",
}

# The reference plan's waits (min, max minutes) before any risk adjustment.
REFERENCE_WAITS: dict[str, tuple[float, float]] = {
    "Infrastructure": (0, 0),
    "Integration": (60, 60),
    "Canary": (120, 240),
    "Partial": (240, 480),
    "Full": (1440, 1440),
}
WAITS: dict[str, dict[str, tuple[float, float]]] = {
    "ZERO": {s: (0, 0) for s in STAGE_NAMES},
    "LOW": {
        "Infrastructure": (0, 0),
        "Integration": (60, 60),
        "Canary": (30, 60),
        "Partial": (60, 120),
        "Full": (120, 240),
    },
    "MEDIUM": {**REFERENCE_WAITS, "Full": (240, 480)},
    "HIGH": {**REFERENCE_WAITS, "Partial": (720, 960)},
}
# The reference's traffic stages (exposure > 0) as (name, exposure percent, minimum wait).
DEFAULT_STAGES: tuple[tuple[str, float, float], ...] = tuple(
    (name, EXPOSURE[name], float(REFERENCE_WAITS[name][0]))
    for name in STAGE_NAMES
    if EXPOSURE[name] > 0
)

_NOTES: dict[tuple[str, str], str] = {
    (
        "LOW",
        "Canary",
    ): "Shortened: LOW-risk change (new files not yet integrated, types): 30-60 min, not 2-4 h.",
    ("LOW", "Partial"): "Shortened: LOW-risk change: 1-2 h at 50% instead of 4-8 h.",
    ("LOW", "Full"): "Shortened: no MEDIUM or HIGH file: watch 2-4 h instead of 24 h.",
    ("MEDIUM", "Full"): "Shortened: no HIGH-risk file: watch 4-8 h at 100% instead of 24 h.",
    (
        "HIGH",
        "Partial",
    ): "Held overnight at 50% (HIGH risk): 12-16 h, so nightly jobs and the morning peak run.",
    ("HIGH", "Full"): "HIGH risk: 24 h of continuous monitoring at 100%.",
}
_CORE = ("error_rate", "latency_p95", "success_rate")


def build_stages(
    ctx: PlanContext, monitors: Mapping[str, Sequence[Monitor]] | None = None
) -> tuple[Stage, ...]:
    """The five stages for ``ctx``.

    Stage monitors are the baseline-relative defaults; ``monitors`` (stage name -> monitors)
    replaces them for the stages it names.
    """
    stages = (
        _infrastructure(ctx),
        _integration(ctx),
        *(_exposure(ctx, n) for n in STAGE_NAMES[2:]),
    )
    if not monitors:
        return stages
    out = []
    for stage in stages:
        if stage.name in monitors:
            stage = _replace_monitors(stage, tuple(monitors[stage.name]))
        out.append(stage)
    return tuple(out)


def _replace_monitors(stage: Stage, monitors: tuple[Monitor, ...]) -> Stage:
    from dataclasses import replace

    return replace(stage, monitors=monitors)


def _wait(ctx: PlanContext, name: str) -> Wait:
    lo, hi = WAITS[ctx.overall][name]
    return Wait(float(lo), float(hi))


def _zero_note(ctx: PlanContext, name: str) -> str:
    if ctx.overall == "ZERO" and name != "Infrastructure":
        return (
            "Skipped: a ZERO-risk change (tests, docs, code behind a flag that stays off) has no "
            "new behaviour to expose gradually; everything ships in Stage 1."
        )
    return ""


def _infrastructure(ctx: PlanContext) -> Stage:
    deploy: list[str] = []
    commands: list[str] = []
    db = ctx.database
    if db is not None and db.upgrade:
        held = {p for d in db.deferred for p in d.files}
        early = [m.path for m in db.migrations if m.path not in held]
        only = ", expand only" if held else ""
        deploy.append(f"Database migrations ({db.tool}){only}: {listing(early)}")
        commands.append(db.upgrade)
    for d in db.deferred if db is not None else ():
        where = "in a later release" if d.later_release else "after Full 100 % and its bake"
        deploy.append(f"Held back ({where}): {listing(list(d.files))}")
    for label, cats in (
        ("Tests", ("test",)),
        ("Documentation", ("docs",)),
        ("Infrastructure", ("infrastructure", "ci")),
    ):
        files = [f.path for f in ctx.with_category(*cats)]
        if files:
            deploy.append(f"{label}: {listing(files)}")
    for unit in infra_plan(ctx):
        deploy.append(f"Apply {unit.label}: {listing(list(unit.files))}")
        deploy += [f"Cannot be undone by a rollback: {w}" for w in unit.irreversible]
        commands += [c.line() for c in (*unit.check, *unit.apply, *unit.verify)]
    tc = ctx.toolchain
    others = [r.folder or "." for r in tc.other_roots]
    if others:
        deploy.append(
            f"Also changed, shipped with their own plans: {listing(others)} (this plan deploys "
            f"`{tc.root.folder if tc.root and tc.root.folder else '.'}`)"
        )
    note = ""
    if not tc.ships_code:
        deploy.append(
            "No application build or deploy: the change touches no code root (documentation, "
            "CI or infrastructure only); only the steps above ship"
        )
        level: int | None = 3
    elif ctx.flag:
        deploy.append(f"Code: all files with `{ctx.flag}=false` (dormant)")
        commands += [
            *ctx.platform.flag(ctx.flag, on=False, percent=0),
            *ctx.platform.deploy(ctx.head_ref),
        ]
        level = None
    elif ctx.overall == "ZERO":
        deploy.append("Code: every changed file (nothing with new runtime behaviour)")
        commands += ctx.platform.deploy(ctx.head_ref)
        level = 3
    else:
        if not commands:
            deploy.append("Nothing ships ahead of the code (no migration, no feature flag)")
        note = (
            "No feature flag: only prerequisites ship here (the code goes out in Canary); "
            "the old code must keep working with them."
        )
        level = 3
    if db is not None and db.deferred:
        note = (
            f"{note} Contract and rewrite migrations never run here while the old code is live "
            "(see Full and the database section)."
        ).strip()
    criteria = (
        "Deployment completes without errors",
        _starts(ctx.platform.status()),
        "No new errors in logs (feature dormant)" if ctx.flag else "No new errors in logs",
    )
    return Stage(
        "Infrastructure",
        "ZERO",
        0.0,
        _wait(ctx, "Infrastructure"),
        tuple(deploy),
        tuple(commands),
        (),
        criteria,
        level,
        note,
    )


def _starts(status: str) -> str:
    if status.startswith("#"):
        return "Application starts successfully"
    return f"Application starts successfully (`{status}`)"


def _integration(ctx: PlanContext) -> Stage:
    err = default_monitors(ctx.profile.baseline)["error_rate"]
    monitors = (err,)
    criteria = (
        f"No increase in error rate (baseline: {fmt_value(err.baseline, err.unit)})",
        "Memory and CPU stable after the wait (no leak)",
        "All existing functionality working",
    )
    deploy: tuple[str, ...]
    if ctx.flag:
        deploy = (
            f"All code deployed, `{ctx.flag}` still false",
            "New files on production but not used",
        )
        commands: tuple[str, ...] = (ctx.platform.status(),)
        note = _zero_note(ctx, "Integration")
        wait = _wait(ctx, "Integration")
        level: int | None = 1
    else:
        deploy = ("Nothing: without a feature flag there is no dormant state",)
        commands = ()
        note = _zero_note(ctx, "Integration") or (
            "Collapsed: without a feature flag the code is live as soon as it is deployed, so "
            "there is no dormant period at 0% exposure; Canary is the first exposure."
        )
        wait = Wait(0.0, 0.0)
        level = 3
    return Stage("Integration", "LOW", 0.0, wait, deploy, commands, monitors, criteria, level, note)


def _exposure(ctx: PlanContext, name: str) -> Stage:
    pct = EXPOSURE[name]
    wait = _wait(ctx, name)
    commands: tuple[str, ...]
    if ctx.overall == "ZERO":
        deploy: tuple[str, ...] = ("Nothing: everything shipped in Stage 1",)
        commands = ()
    elif not ctx.toolchain.ships_code:
        deploy = ("Nothing to expose: the change touches no application code (applied in Stage 1)",)
        commands = ()
    elif ctx.flag:
        deploy = (f"Enable `{ctx.flag}=true` for {pct:g}% of users",)
        commands = ctx.platform.flag(ctx.flag, on=True, percent=pct)
    else:
        deploy = (f"New version to {pct:g}% of traffic",)
        commands = ctx.platform.traffic(pct, ctx.head_ref, first=name == "Canary")
    if name == "Full":
        deploy = (*deploy, *_held_back(ctx))
    defaults = default_monitors(ctx.profile.baseline)
    monitors = tuple(defaults[m] for m in _CORE)
    note = _zero_note(ctx, name) or _NOTES.get((ctx.overall, name), "")
    return Stage(
        name,
        STAGE_RISK[name],
        pct,
        wait,
        deploy,
        commands,
        monitors,
        _criteria(ctx, name, wait),
        ctx.first_level,
        note,
    )


def _held_back(ctx: PlanContext) -> tuple[str, ...]:
    """Held-back database migrations: run only once the Full bake is over (no old code live)."""
    out: list[str] = []
    for d in ctx.database.deferred if ctx.database is not None else ():
        if d.later_release:
            out.append(
                f"Not in this release: ship {listing(list(d.files))} in a later release, after "
                "this one is baked at 100%"
            )
            continue
        run = " then ".join(f"`{s.command}`" for s in d.commands if s.command)
        out.append(f"After the bake above, with no old code live: {listing(list(d.files))} ({run})")
    return tuple(out)


def _criteria(ctx: PlanContext, name: str, wait: Wait) -> tuple[str, ...]:
    lat = ctx.monitors["latency_p95"]
    hours = f"{wait.min / 60:g} h" if wait.min else "the stage"
    if name == "Canary":
        return (
            f"No critical alerts for {hours}",
            "Error rate stable or decreased",
            f"Latency p95 within 10% of baseline (<{fmt_value(lat.baseline * 1.1, lat.unit)})",
            "Zero security incidents",
        )
    if name == "Partial":
        out = ["Metrics stable at 50% scale", "No degradation compared to canary"]
        if {"database", "cache"} & {
            p.lower() for p in ctx.changes.integration_points
        } or ctx.database:
            out.append("Database connection pool and cache hit rate stable")
        return tuple(out)
    out = [f"All monitors within target for {hours}", "No rollback trigger fired"]
    if ctx.flag:
        out.append(f"Stable for 1 week: remove `{ctx.flag}` and its dead code path")
    return tuple(out)
