"""The plan document: frozen records and their stable JSON form.

This module is the contract between the planner, the simulations, the exporters and the
notebooks. ``Plan.to_dict()`` gives the JSON document (``schema_version`` first);
``Plan.from_dict()`` reads one back and rejects another schema version or a malformed field with
a :class:`~planner.exceptions.PlanError` naming the field.

Units: monitor values are in the monitor's ``unit``: ``"ratio"`` is a fraction (0.005 is 0.5 %),
``"ms"`` milliseconds, ``"per_hour"`` events per hour. ``direction`` says which way is worse:
``"above"`` (worse when the value rises: error rate, latency) or ``"below"`` (success rate,
traffic). Durations are minutes. Exposure is a percentage of users/traffic, 0 to 100.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, cast

from planner.exceptions import PlanError

__all__ = [
    "LEVELS",
    "SCHEMA_VERSION",
    "Change",
    "Commit",
    "DatabaseMigration",
    "DatabaseRecovery",
    "DatabaseRollback",
    "DecisionRow",
    "DeferredMigrations",
    "Direction",
    "ExpectedDuration",
    "Fact",
    "FailureMode",
    "FileRisk",
    "Hazard",
    "Monitor",
    "Plan",
    "Risk",
    "Rollback",
    "RollbackFiles",
    "RollbackLevel",
    "ScheduledStage",
    "Scope",
    "Stage",
    "Step",
    "Triggers",
    "Wait",
    "omit_unset_scopes",
]

SCHEMA_VERSION = "1.0"
LEVELS = ("ZERO", "LOW", "MEDIUM", "HIGH")
RiskLevel = Literal["ZERO", "LOW", "MEDIUM", "HIGH"]
Severity = Literal["CRITICAL", "HIGH", "MODERATE"]
Direction = Literal["above", "below"]
Scope = Literal["canary", "fleet"]  # what a monitor watches: the new version, or the fleet


@dataclass(frozen=True)
class Commit:
    sha: str
    subject: str


@dataclass(frozen=True)
class Change:
    """What is being shipped. ``source`` is ``"git"`` or ``"manifest"``."""

    source: str
    repo: str | None = None
    base: str | None = None
    head: str | None = None
    commits: tuple[Commit, ...] = ()
    feature: str = ""
    service: str = ""
    feature_flag: str | None = None
    integration_points: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fact:
    """What the changed lines of one file (or a commit) show the change does.

    ``kind`` names the fact (``password_hashing``, ``hash_upgrade``, ``authz_removed``,
    ``payment_call``, ``bulk_write``, ``dependency``, ``managed_upgrade``, ``security_fix`` ...;
    the table is in ``docs/risk-rules.md``), ``category`` the file category it adds, ``level``
    the level it gives. ``path`` is the file (``commit <sha>`` for a commit), ``lines`` its line
    numbers at head (at base for removed lines), ``text`` the matched words and ``detail`` what
    else the evidence says (``"argon2 newly used (bcrypt before)"``).
    """

    kind: str
    category: str
    level: RiskLevel
    path: str
    lines: tuple[int, ...] = ()
    text: str = ""
    detail: str = ""

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise PlanError(f"fact {self.kind!r}.level: {self.level!r} is not one of {LEVELS}")


@dataclass(frozen=True)
class FileRisk:
    """One changed file: ``change`` is added, modified, deleted or renamed."""

    path: str
    change: str
    level: RiskLevel
    reasons: tuple[str, ...]
    old_path: str | None = None
    added_lines: int = 0
    deleted_lines: int = 0
    # What the file is, from the rule that matched: test, docs, types, flagged_off, new_file,
    # api_route, middleware, controller, config, dependency, lockfile, ci, infrastructure,
    # migration, migration_destructive, auth, payments, data_write, source.
    categories: tuple[str, ...] = ()
    # What the changed lines show (password hashers, authorization checks, writes, ...).
    facts: tuple[Fact, ...] = ()

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise PlanError(
                f"risk.files[{self.path!r}].level: {self.level!r} is not one of {LEVELS}"
            )


@dataclass(frozen=True)
class Risk:
    overall: RiskLevel
    complexity: int
    files: tuple[FileRisk, ...]
    complexity_explained: str = ""
    # Facts of the change as a whole: security fixes named by its commits.
    facts: tuple[Fact, ...] = ()


@dataclass(frozen=True)
class FailureMode:
    """What breaks (``scenario``), how bad, the trigger that catches it, how it shows in
    metrics or logs (``detection``), which rollback level is still safe (``rollback``) and the
    files and lines it comes from (``evidence``). ``generic`` marks a per-category template
    used because the changed lines showed nothing specific."""

    scenario: str
    severity: Severity
    trigger: str
    detection: str = ""
    rollback: str = ""
    evidence: tuple[str, ...] = ()
    generic: bool = False


@dataclass(frozen=True)
class Wait:
    """Minutes to bake a stage before the next one: ``min <= max``."""

    min: float
    max: float

    def __post_init__(self) -> None:
        if not 0 <= self.min <= self.max:
            raise PlanError(
                f"wait_minutes: need 0 <= min <= max, got min={self.min} max={self.max}"
            )


@dataclass(frozen=True)
class Monitor:
    """A watched metric. Breaching ``critical`` for ``for_minutes`` is a rollback trigger."""

    metric: str
    unit: str
    direction: Direction
    baseline: float
    target: float
    warning: float
    critical: float
    for_minutes: float
    source: str = "default"
    # Whose traffic is judged: "canary" (the new version's own series) or "fleet" (the whole
    # service); None (the defaults) leaves it to the reader: exports watch the canary, the
    # replay uses each family's own default. Written to JSON only when set.
    scope: Scope | None = None

    def __post_init__(self) -> None:
        if self.direction not in ("above", "below"):
            raise PlanError(
                f"monitor {self.metric}: direction {self.direction!r} is not above/below"
            )
        looser = (
            self.warning > self.critical
            if self.direction == "above"
            else self.warning < self.critical
        )
        if looser:
            raise PlanError(
                f"monitor {self.metric}: warning {self.warning} is beyond critical {self.critical}"
            )
        if self.for_minutes < 0:
            raise PlanError(f"monitor {self.metric}: for_minutes {self.for_minutes} must be >= 0")
        if self.scope not in (None, "canary", "fleet"):
            raise PlanError(f"monitor {self.metric}: scope {self.scope!r} is not canary or fleet")


@dataclass(frozen=True)
class Stage:
    """One of the five rollout stages. ``exposure_percent`` is 0 to 100."""

    name: str
    risk: str
    exposure_percent: float
    wait_minutes: Wait
    deploy: tuple[str, ...]
    commands: tuple[str, ...]
    monitors: tuple[Monitor, ...]
    success_criteria: tuple[str, ...]
    rollback_level: int | None
    note: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.exposure_percent <= 100:
            raise PlanError(
                f"stages[{self.name}].exposure_percent: {self.exposure_percent} is outside 0-100"
            )


@dataclass(frozen=True)
class DecisionRow:
    """``actions`` maps stage name to ``"Immediate"``, ``"Evaluate"`` or ``"-"``."""

    condition: str
    actions: Mapping[str, str]
    action: str


@dataclass(frozen=True)
class Step:
    action: str
    command: str | None = None


@dataclass(frozen=True)
class RollbackLevel:
    level: int
    name: str
    applicable: bool
    target_minutes: float
    estimated_minutes: float | None
    steps: tuple[Step, ...]
    reason: str = ""
    estimate_explained: str = ""
    over_target: bool = False


@dataclass(frozen=True)
class Triggers:
    immediate: tuple[str, ...]
    evaluate: tuple[str, ...]


@dataclass(frozen=True)
class RollbackFiles:
    delete: tuple[str, ...]
    restore: tuple[str, ...]
    revert: tuple[str, ...]


@dataclass(frozen=True)
class Hazard:
    """A one-way effect a rollback does not undo: what it is, what must happen before rolling
    back, whether rolling forward is the safer fix, and the evidence (file:lines)."""

    effect: str
    before_rollback: str
    roll_forward: bool = False
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class DatabaseMigration:
    """One migration file of the change (``rollback.database.files``): its tool, engine,
    ``kind`` (``expand``, ``contract`` or ``rewrite``), what each of its forward steps does, and
    why it was not understood (``""`` when it was)."""

    path: str
    tool: str
    engine: str
    kind: str
    steps: tuple[str, ...]
    problem: str


@dataclass(frozen=True)
class DeferredMigrations:
    """Contract or rewrite migrations held back from Stage 1 (``rollback.database.deferred``):
    ``when`` they run (``after_full``: after Full 100 % and its bake; ``later_release``: not in
    this release), why, the commands that back up and apply them, and their own undo."""

    files: tuple[str, ...]
    when: Literal["after_full", "later_release"]
    reason: str
    commands: tuple[Step, ...]
    undo: tuple[Step, ...]

    @property
    def later_release(self) -> bool:
        """True when the migrations ship in a later release, not after this one's Full bake."""
        return self.when == "later_release"


@dataclass(frozen=True)
class DatabaseRecovery:
    """The disaster-recovery procedure (``rollback.database.recovery``), never part of Level 3:
    when it applies, what it loses, its steps."""

    when: str
    loses: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class DatabaseRollback:
    """How to apply, back up and undo the change's migrations (``rollback.database``).

    ``upgrade`` runs in Stage 1 (expand migrations only); ``steps`` are the routine undo of what
    it ran (Level 3, back to ``target``); ``backup_steps`` snapshot the tables (``tables``) that
    the ``deferred`` migrations drop or rewrite; ``recovery`` is present only when an undo cannot
    bring data back. ``migrations`` lists the paths of ``files``.
    """

    tool: str
    migrations: tuple[str, ...]
    destructive: bool
    tables: tuple[str, ...]
    target: str | None
    upgrade: str | None
    backup: Step | None
    restore: Step | None
    steps: tuple[Step, ...]
    warnings: tuple[str, ...]
    files: tuple[DatabaseMigration, ...]
    backup_steps: tuple[Step, ...]
    deferred: tuple[DeferredMigrations, ...]
    recovery: DatabaseRecovery | None
    not_understood: tuple[str, ...]

    @property
    def label(self) -> str:
        """The tool's name for people: ``plain SQL`` when no migration tool was recognised."""
        return "plain SQL" if self.tool == "sql" else self.tool


@dataclass(frozen=True)
class Rollback:
    triggers: Triggers
    levels: tuple[RollbackLevel, ...]
    files: RollbackFiles
    database: DatabaseRollback | None
    post_rollback: tuple[str, ...]
    hazards: tuple[Hazard, ...] = ()


@dataclass(frozen=True)
class ScheduledStage:
    """A stage placed on the calendar. Times are ISO 8601 with offsets.

    ``start``/``end`` use every stage's minimum wait; ``latest_start``/``latest_end`` the
    maximum waits. ``held_until`` (equal to ``start``) is set when the stage was ready earlier
    (at the previous stage's ``end``) but waited for a window; ``reason`` says why.
    """

    stage: str
    start: str
    end: str
    held_until: str | None = None
    reason: str = ""
    latest_start: str | None = None
    latest_end: str | None = None


@dataclass(frozen=True)
class ExpectedDuration:
    """How long the scheduled rollout takes: first stage start to last stage end.

    Minutes of elapsed time (nights, weekends and holds included); ``earliest`` uses every
    stage's minimum wait, ``latest`` the maximum. Times are ISO 8601 with offsets.
    """

    start: str
    earliest_end: str
    latest_end: str
    earliest_minutes: float
    latest_minutes: float


@dataclass(frozen=True)
class Plan:
    change: Change
    risk: Risk
    failure_modes: tuple[FailureMode, ...]
    stages: tuple[Stage, ...]
    decision_matrix: tuple[DecisionRow, ...]
    rollback: Rollback
    checklist: tuple[str, ...] = ()
    windows: Mapping[str, str] = field(default_factory=dict)
    on_call: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    schedule: tuple[ScheduledStage, ...] = ()
    expected_duration: ExpectedDuration | None = None
    thresholds_source: str = "default"
    schema_version: str = SCHEMA_VERSION

    def __post_init__(self) -> None:
        if not self.stages:
            raise PlanError("stages: a plan needs at least one stage")

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON document, ``schema_version`` first."""
        body = omit_unset_scopes(_plain(dataclasses.asdict(self)))
        version = body.pop("schema_version")
        return {"schema_version": version, **body}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Plan:
        """Read a plan document; raise :class:`PlanError` naming the first bad field."""
        if not isinstance(data, Mapping):
            raise PlanError("plan: expected a JSON object at the top level")
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise PlanError(
                f"schema_version: {version!r} is not supported "
                f"(this planner reads {SCHEMA_VERSION!r})"
            )
        return _build(cls, data, "plan")


def omit_unset_scopes(body: dict[str, Any]) -> dict[str, Any]:
    """A plan document without the ``scope`` key of monitors that have none (the defaults), so
    plans without tuned monitors keep their bytes. Changes ``body`` in place and returns it."""
    for stage in body["stages"]:
        for mon in stage["monitors"]:
            if mon.get("scope", "") is None:
                del mon["scope"]
    return body


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


T = TypeVar("T")


def _build(cls: type[T], data: Any, where: str) -> T:
    """Build dataclass ``cls`` from plain data, recursing by field type, with located errors."""
    if not isinstance(data, Mapping):
        raise PlanError(f"{where}: expected an object, got {type(data).__name__}")
    hints = _field_types(cls)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cast(Any, cls)):
        if f.name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise PlanError(f"{where}.{f.name}: missing")
            continue
        kwargs[f.name] = _convert(hints[f.name], data[f.name], f"{where}.{f.name}")
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise PlanError(f"{where}: {exc}") from None


def _field_types(cls: type[Any]) -> dict[str, Any]:
    import typing

    return typing.get_type_hints(cls)


def _convert(tp: Any, value: Any, where: str) -> Any:
    import types
    import typing

    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _convert(inner[0], value, where)
    if dataclasses.is_dataclass(tp):
        return _build(cast(type[Any], tp), value, where)
    if origin is tuple:
        if not isinstance(value, Sequence) or isinstance(value, str):
            raise PlanError(f"{where}: expected a list, got {type(value).__name__}")
        return tuple(_convert(args[0], v, f"{where}[{i}]") for i, v in enumerate(value))
    if origin is typing.Literal:
        if value not in args:
            raise PlanError(f"{where}: {value!r} is not one of {', '.join(map(str, args))}")
        return value
    if origin in (Mapping, dict) or tp is Mapping:
        if not isinstance(value, Mapping):
            raise PlanError(f"{where}: expected an object, got {type(value).__name__}")
        if args:
            return {str(k): _convert(args[1], v, f"{where}.{k}") for k, v in value.items()}
        return dict(value)
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise PlanError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise PlanError(f"{where}: expected an integer, got {value!r}")
        return value
    if tp is str:
        if not isinstance(value, str):
            raise PlanError(f"{where}: expected a string, got {value!r}")
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise PlanError(f"{where}: expected true or false, got {value!r}")
        return value
    return value
