"""Rollback rules as data: the thresholds file, its detector families and how they become monitors.

Modules:

- ``apply``: A thresholds file's rules as the plan's stage monitors (and so its rollback triggers).
- ``durations``: The one duration grammar: Prometheus's (``90s``, ``10m``, ``1h30m``, ``3d``,
  ``1w``).
- ``families``: The family-specific fields of a threshold rule, under each engine's own names and
  defaults.
- ``file``: Rollback rules as data: the thresholds file (YAML or JSON), parsed into frozen records.
- ``waits``: Evidence-sized stage waits: the shortest bake that detects a stated degradation.
"""

from planner.thresholds.apply import (
    PLAN_METRIC,
    apply_thresholds,
    monitors_from_thresholds,
    rule_set_source,
    tuned_stage_monitors,
)
from planner.thresholds.durations import duration_seconds, format_duration, parse_duration
from planner.thresholds.families import (
    FAMILIES,
    PARAMS,
    SRE_WINDOWS,
    ArgoParams,
    BaselineParams,
    BurnRateParams,
    BurnWindow,
    FamilyParams,
    FlaggerParams,
    StaticParams,
    parse_params,
)
from planner.thresholds.file import (
    Relative,
    RuleSet,
    ThresholdRule,
    Thresholds,
    dump_thresholds,
    load_thresholds,
    parse_thresholds,
)
from planner.thresholds.waits import (
    EvidenceInputs,
    StageWait,
    apply_stage_waits,
    evidence_waits,
    parse_evidence,
)

__all__ = [
    "FAMILIES",
    "PARAMS",
    "PLAN_METRIC",
    "SRE_WINDOWS",
    "ArgoParams",
    "BaselineParams",
    "BurnRateParams",
    "BurnWindow",
    "EvidenceInputs",
    "FamilyParams",
    "FlaggerParams",
    "Relative",
    "RuleSet",
    "StageWait",
    "StaticParams",
    "ThresholdRule",
    "Thresholds",
    "apply_stage_waits",
    "apply_thresholds",
    "dump_thresholds",
    "duration_seconds",
    "evidence_waits",
    "format_duration",
    "load_thresholds",
    "monitors_from_thresholds",
    "parse_duration",
    "parse_evidence",
    "parse_params",
    "parse_thresholds",
    "rule_set_source",
    "tuned_stage_monitors",
]
