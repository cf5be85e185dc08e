"""The detector families, one record each: a rule or a monitor becomes its family's detector.

Adding a family: its parameters class in :mod:`planner.thresholds.families` (the spec: fields,
defaults, parsing), its detector module here with ``from_rule``, ``from_monitor``,
``single_sample``, ``may_fire`` (and ``block_minutes`` when it evaluates in fixed blocks) and a
``FAMILY`` record, and one line in :data:`REGISTRY`.
"""

from __future__ import annotations

from collections.abc import Sequence

from planner.model import Monitor
from planner.thresholds import FamilyParams, ThresholdRule
from simulations.detectors import argo, baseline, burnrate, flagger, static
from simulations.detectors.base import Detector, Family

__all__ = [
    "ALIASES",
    "LATCHED",
    "NAMES",
    "REGISTRY",
    "build_detector",
    "family_named",
    "family_of",
    "monitor_detectors",
]

# In the order ``tune`` searches and reports them.
REGISTRY: tuple[Family, ...] = (
    static.FAMILY,
    flagger.FAMILY,
    argo.FAMILY,
    burnrate.FAMILY,
    baseline.FAMILY,
)
NAMES = tuple(f.name for f in REGISTRY)
# ``simulate --detector`` has always spelled the burn-rate family ``burnrate``; both work.
ALIASES = {"burnrate": "burn_rate"}
LATCHED = frozenset(f.name for f in REGISTRY if f.latched)
_BY_PARAMS = {f.params: f for f in REGISTRY}
_BY_NAME = {f.name: f for f in REGISTRY}


def family_of(params: FamilyParams) -> Family:
    """The family whose parameters ``params`` are."""
    return _BY_PARAMS[type(params)]


def family_named(name: str) -> Family:
    """The family called ``name`` (or an alias).

    Raises:
        KeyError: no such family.
    """
    return _BY_NAME[ALIASES.get(name, name)]


def build_detector(rule: ThresholdRule, step_minutes: float) -> Detector:
    """The detector of ``rule`` for data sampled every ``step_minutes``."""
    return family_of(rule.params).from_rule(rule, rule.params, step_minutes)


def monitor_detectors(
    metric: str, monitor: Monitor, families: Sequence[str], step_minutes: float
) -> tuple[Detector, ...]:
    """One detector per family name from a plan monitor of ``metric``."""
    return tuple(family_named(f).from_monitor(metric, monitor, step_minutes) for f in families)
