"""Rollback rules as data: the thresholds file (YAML or JSON), parsed into frozen records.

A thresholds file holds ``rule_sets``; a rule set is a named list of ``rules`` that roll back
when any one of them reaches its ``critical`` bound (a rule set with no ``rules`` key is itself
one rule). Every rule has a ``family`` (``static``, ``argo``, ``flagger``, ``burn_rate``,
``baseline``), the monitored ``metric``, the ``direction`` that is worse (``above``/``below``),
``critical`` and optional ``warning`` bounds, an optional ``relative`` block (the bounds are
then a ``ratio`` to, or a robust ``zscore`` against, a trailing baseline window), and the
family's own fields under their engine's names (Prometheus ``for``, Argo Rollouts
``failureLimit``, Flagger ``threshold`` ...). The full schema is in ``docs/thresholds.md``.

Durations are strings such as ``"30s"``, ``"10m"``, ``"1h30m"``, ``"3d"`` (or the number 0)
and are kept in minutes. This module is pure: no pandas, no numpy.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from planner.exceptions import ThresholdsError
from planner.io import read_structured
from planner.model import Direction, Scope
from planner.thresholds.durations import format_duration, parse_duration
from planner.thresholds.families import FAMILIES, FamilyParams, parse_params
from planner.thresholds.waits import EvidenceInputs, parse_evidence

__all__ = [
    "FAMILIES",
    "Relative",
    "RuleSet",
    "ThresholdRule",
    "Thresholds",
    "dump_thresholds",
    "format_duration",
    "load_thresholds",
    "parse_duration",
    "parse_thresholds",
]

_COMMON = {"family", "metric", "direction", "scope", "warning", "critical", "relative", "name"}


@dataclass(frozen=True)
class Relative:
    """Bounds relative to a trailing baseline of ``window_minutes`` before each sample.

    ``ratio``: value / baseline median (1.5 means 50 % above). ``zscore``: (value - median) /
    (1.4826 x MAD), the robust z-score.
    """

    method: Literal["ratio", "zscore"]
    window_minutes: float


@dataclass(frozen=True)
class ThresholdRule:
    """One detector configuration. ``warning`` equals ``critical`` when not given."""

    family: str
    metric: str
    direction: Direction
    critical: float
    warning: float
    params: FamilyParams
    scope: Scope = "canary"
    relative: Relative | None = None
    name: str = ""

    def __post_init__(self) -> None:
        # A baseline rule's bounds are allowed worsening fractions whatever the direction.
        worse_up = self.direction == "above" or self.family == "baseline"
        looser = self.warning > self.critical if worse_up else self.warning < self.critical
        if looser and self.family != "burn_rate":
            worse = "above" if worse_up else "below"
            raise ThresholdsError(
                f"rule {self.name or self.metric!r}: warning {self.warning} is looser than "
                f"critical {self.critical} (direction {self.direction}: warning must not be "
                f"{worse} critical)"
            )

    def to_dict(self) -> dict[str, Any]:
        """The rule as thresholds-file fields (engine names, durations as strings)."""
        out: dict[str, Any] = {"family": self.family}
        if self.name:
            out["name"] = self.name
        out |= {"metric": self.metric, "direction": self.direction, "scope": self.scope}
        if self.family != "burn_rate":
            out |= {"warning": self.warning, "critical": self.critical}
        if self.relative is not None:
            out["relative"] = {
                "method": self.relative.method,
                "window": format_duration(self.relative.window_minutes),
            }
        return out | self.params.to_fields()

    def label(self) -> str:
        """A short human label: ``static error_ratio > 0.005 for 10m``."""
        if self.family == "burn_rate":
            return f"burn_rate {self.metric} {self.params.describe()}"
        op = ">" if self.direction == "above" else "<"
        what = self.metric
        if self.relative is not None:
            window = format_duration(self.relative.window_minutes)
            what = (
                f"{what}/median[{window}]"
                if self.relative.method == "ratio"
                else f"z({what})[{window}]"
            )
        return f"{self.family} {what} {op} {self.critical:g} {self.params.describe()}"


@dataclass(frozen=True)
class RuleSet:
    """A named set of rules: the rollout rolls back when any rule's critical bound fires."""

    name: str
    rules: tuple[ThresholdRule, ...]
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The rule set as thresholds-file fields."""
        out: dict[str, Any] = {"name": self.name}
        if self.description:
            out["description"] = self.description
        return out | {"rules": [r.to_dict() for r in self.rules]}


@dataclass(frozen=True)
class Thresholds:
    """A parsed thresholds file; ``source`` is where it came from (a path or a label)."""

    rule_sets: tuple[RuleSet, ...]
    source: str = ""
    stage_waits: EvidenceInputs | None = None  # evidence-sized bakes (planner.thresholds.waits)

    def get(self, name: str) -> RuleSet:
        """The rule set called ``name``; raises :class:`ThresholdsError` if absent."""
        for rs in self.rule_sets:
            if rs.name == name:
                return rs
        names = ", ".join(rs.name for rs in self.rule_sets)
        raise ThresholdsError(f"{self.source}: no rule set {name!r} (has {names})")

    def to_dict(self) -> dict[str, Any]:
        """The thresholds-file document; :func:`parse_thresholds` reads it back unchanged."""
        out: dict[str, Any] = {"version": 1, "rule_sets": [rs.to_dict() for rs in self.rule_sets]}
        if self.stage_waits is not None:
            out["stage_waits"] = self.stage_waits.to_dict()
        return out


def load_thresholds(path: str | Path) -> Thresholds:
    """Read and validate a thresholds file; errors name the file and the field."""
    return parse_thresholds(
        read_structured(path, ThresholdsError, schema="thresholds"), source=str(path)
    )


def dump_thresholds(thresholds: Thresholds, header: str = "") -> str:
    """The YAML text of ``thresholds``, preceded by ``header`` as ``#`` comment lines."""
    import yaml

    comment = "".join(f"# {line}\n" for line in header.splitlines())
    return comment + yaml.safe_dump(thresholds.to_dict(), sort_keys=False, width=100)


def parse_thresholds(data: Any, source: str = "thresholds") -> Thresholds:
    """Validate plain data (as loaded from YAML/JSON) into :class:`Thresholds`.

    Raises:
        ThresholdsError: unknown family or field, missing or mistyped field, a warning looser
            than its critical, a bad duration, duplicate rule-set names, no rule sets.
    """
    if not isinstance(data, Mapping):
        raise ThresholdsError(f"{source}: expected a mapping with 'rule_sets' at the top level")
    unknown = sorted(set(data) - {"rule_sets", "version", "description", "stage_waits"})
    if unknown:
        raise ThresholdsError(f"{source}: unknown top-level field {unknown[0]!r}")
    raw = data.get("rule_sets")
    if not isinstance(raw, list) or not raw:
        raise ThresholdsError(f"{source}: rule_sets: expected a non-empty list")
    sets = tuple(_rule_set(item, f"{source}: rule_sets[{i}]") for i, item in enumerate(raw))
    seen: set[str] = set()
    for rs in sets:
        if rs.name in seen:
            raise ThresholdsError(f"{source}: rule set name {rs.name!r} appears twice")
        seen.add(rs.name)
    waits = data.get("stage_waits")
    evidence = None if waits is None else parse_evidence(waits, f"{source}: stage_waits")
    return Thresholds(sets, source, evidence)


def _rule_set(data: Any, where: str) -> RuleSet:
    if not isinstance(data, Mapping):
        raise ThresholdsError(f"{where}: expected a mapping")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ThresholdsError(f"{where}.name: expected a non-empty string, got {name!r}")
    where = f"{where} ({name})"
    description = str(data.get("description", ""))
    if "rules" not in data:  # shorthand: the rule set is one rule
        body = {k: v for k, v in data.items() if k not in ("name", "description")}
        return RuleSet(name, (_rule(body, where, name),), description)
    extra = sorted(set(data) - {"name", "description", "rules"})
    if extra:
        raise ThresholdsError(f"{where}: unknown field {extra[0]!r} beside 'rules'")
    rules = data["rules"]
    if not isinstance(rules, list) or not rules:
        raise ThresholdsError(f"{where}.rules: expected a non-empty list")
    return RuleSet(
        name,
        tuple(_rule(r, f"{where}.rules[{i}]", "") for i, r in enumerate(rules)),
        description,
    )


def _rule(data: Any, where: str, default_name: str) -> ThresholdRule:
    if not isinstance(data, Mapping):
        raise ThresholdsError(f"{where}: expected a mapping")
    family = data.get("family")
    if not isinstance(family, str) or family not in FAMILIES:  # a list is unhashable
        raise ThresholdsError(
            f"{where}.family: {family!r} is not one of {', '.join(sorted(FAMILIES))}"
        )
    allowed = _COMMON | FAMILIES[family]
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ThresholdsError(
            f"{where}: unknown field {unknown[0]!r} for family {family} "
            f"(allowed: {', '.join(sorted(allowed))})"
        )
    metric = data.get("metric")
    if not isinstance(metric, str) or not metric:
        raise ThresholdsError(f"{where}.metric: expected a metric name, got {metric!r}")
    direction = data.get("direction", "above")
    if direction not in ("above", "below"):
        raise ThresholdsError(f"{where}.direction: {direction!r} is not above or below")
    scope = data.get("scope", "canary")
    if scope not in ("canary", "fleet"):
        raise ThresholdsError(f"{where}.scope: {scope!r} is not canary or fleet")
    params = parse_params(family, data, where)
    if family == "burn_rate":
        critical = warning = 0.0  # the factors live in the windows
        if "critical" in data or "warning" in data:
            raise ThresholdsError(f"{where}: burn_rate rules set 'factor' per window, not bounds")
    else:
        critical = _number(data, "critical", where)
        warning = _number(data, "warning", where) if "warning" in data else critical
    if "relative" in data and family in ("burn_rate", "baseline"):
        raise ThresholdsError(
            f"{where}.relative: a {family} rule is already relative; use absolute bounds"
        )
    try:
        return ThresholdRule(
            family=family,
            metric=metric,
            direction=direction,
            critical=critical,
            warning=warning,
            params=params,
            scope=scope,
            relative=_relative(data.get("relative"), f"{where}.relative"),
            name=str(data.get("name", default_name)),
        )
    except ThresholdsError as exc:
        raise ThresholdsError(f"{where}: {exc}") from None


def _number(data: Mapping[str, Any], key: str, where: str) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ThresholdsError(f"{where}.{key}: expected a finite number, got {value!r}")
    return float(value)


def _relative(data: Any, where: str) -> Relative | None:
    if data is None:
        return None
    if not isinstance(data, Mapping):
        raise ThresholdsError(f"{where}: expected a mapping with method and window")
    unknown = sorted(set(data) - {"method", "window"})
    if unknown:
        raise ThresholdsError(f"{where}: unknown field {unknown[0]!r} (allowed: method, window)")
    method = data.get("method")
    if method not in ("ratio", "zscore"):
        raise ThresholdsError(f"{where}.method: {method!r} is not ratio or zscore")
    window = parse_duration(data.get("window", "1h"), f"{where}.window")
    if window <= 0:
        raise ThresholdsError(f"{where}.window: must be longer than 0")
    return Relative(method, window)
