"""The family-specific fields of a threshold rule, under each engine's own names and defaults.

=========== ======================================================= ==============================
family      fields (default)                                        source of names and defaults
=========== ======================================================= ==============================
static      ``for`` (0s), ``evaluation_interval`` (1m)              Prometheus alerting rules
argo        ``interval`` (1m), ``count`` (unbounded),               Argo Rollouts AnalysisTemplate
            ``initialDelay`` (0s), ``failureLimit`` (0),
            ``inconclusiveLimit`` (0), ``consecutiveErrorLimit`` (4)
flagger     ``interval`` (1m), ``threshold`` (1), ``stepWeight``,    Flagger Canary ``analysis``
            ``maxWeight``, ``stepWeights``
burn_rate   ``slo`` (0.999), ``windows`` (1h/5m x14.4, 6h/30m x6)    Google SRE Workbook ch. 5
baseline    ``interval`` (1m), ``min_absolute_difference`` (0)      Keptn-style canary vs baseline
=========== ======================================================= ==============================

Argo evaluates a measurement every ``interval``; it runs once when ``interval`` is omitted, which
cannot catch anything in a backtest, so here the default is 1m.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from planner.exceptions import ThresholdsError
from planner.thresholds.durations import format_duration, parse_duration

__all__ = [
    "FAMILIES",
    "PARAMS",
    "SRE_WINDOWS",
    "ArgoParams",
    "BaselineParams",
    "BurnRateParams",
    "BurnWindow",
    "FamilyParams",
    "FlaggerParams",
    "StaticParams",
    "parse_params",
]


@dataclass(frozen=True)
class StaticParams:
    """Prometheus alerting rule: breach for ``for_minutes``, evaluated every interval."""

    family: ClassVar[str] = "static"
    fields: ClassVar[frozenset[str]] = frozenset({"for", "evaluation_interval"})

    for_minutes: float = 0.0
    evaluation_interval_minutes: float = 1.0

    @classmethod
    def from_fields(cls, data: Mapping[str, Any], where: str) -> StaticParams:
        return cls(
            _duration(data, "for", 0.0, where),
            _duration(data, "evaluation_interval", 1.0, where, positive=True),
        )

    def sustain_minutes(self) -> float | None:
        """How long a breach lasts before the rule fires (Prometheus ``for``)."""
        return self.for_minutes

    def describe(self) -> str:
        return f"for {format_duration(self.for_minutes)}"

    def to_fields(self) -> dict[str, Any]:
        return {
            "for": format_duration(self.for_minutes),
            "evaluation_interval": format_duration(self.evaluation_interval_minutes),
        }


@dataclass(frozen=True)
class ArgoParams:
    """Argo Rollouts analysis metric: measure every ``interval``; fail past ``failureLimit``."""

    family: ClassVar[str] = "argo"
    fields: ClassVar[frozenset[str]] = frozenset(
        {
            "interval",
            "count",
            "initialDelay",
            "failureLimit",
            "inconclusiveLimit",
            "consecutiveErrorLimit",
        }
    )

    interval_minutes: float = 1.0
    count: int | None = None
    initial_delay_minutes: float = 0.0
    failure_limit: int = 0
    inconclusive_limit: int = 0
    consecutive_error_limit: int = 4

    @classmethod
    def from_fields(cls, data: Mapping[str, Any], where: str) -> ArgoParams:
        return cls(
            interval_minutes=_duration(data, "interval", 1.0, where, positive=True),
            count=_count(data, "count", 1, where, 1) if "count" in data else None,
            initial_delay_minutes=_duration(data, "initialDelay", 0.0, where),
            failure_limit=_count(data, "failureLimit", 0, where),
            inconclusive_limit=_count(data, "inconclusiveLimit", 0, where),
            consecutive_error_limit=_count(data, "consecutiveErrorLimit", 4, where),
        )

    def sustain_minutes(self) -> float | None:
        """``initialDelay + interval x (failureLimit + 1)``: the first failing verdict."""
        return self.initial_delay_minutes + self.interval_minutes * (self.failure_limit + 1)

    def describe(self) -> str:
        return f"every {format_duration(self.interval_minutes)} failureLimit {self.failure_limit}"

    def to_fields(self) -> dict[str, Any]:
        out: dict[str, Any] = {"interval": format_duration(self.interval_minutes)}
        if self.count is not None:
            out["count"] = self.count
        out["initialDelay"] = format_duration(self.initial_delay_minutes)
        out["failureLimit"] = self.failure_limit
        out["inconclusiveLimit"] = self.inconclusive_limit
        out["consecutiveErrorLimit"] = self.consecutive_error_limit
        return out


@dataclass(frozen=True)
class FlaggerParams:
    """Flagger analysis: a check every ``interval``; roll back after ``threshold`` failures."""

    family: ClassVar[str] = "flagger"
    fields: ClassVar[frozenset[str]] = frozenset(
        {"interval", "threshold", "stepWeight", "maxWeight", "stepWeights"}
    )

    interval_minutes: float = 1.0
    threshold: int = 1
    step_weight: float | None = None
    max_weight: float | None = None
    step_weights: tuple[float, ...] = ()

    @classmethod
    def from_fields(cls, data: Mapping[str, Any], where: str) -> FlaggerParams:
        return cls(
            interval_minutes=_duration(data, "interval", 1.0, where, positive=True),
            threshold=_count(data, "threshold", 1, where, 1),
            step_weight=_weight(data.get("stepWeight"), f"{where}.stepWeight"),
            max_weight=_weight(data.get("maxWeight"), f"{where}.maxWeight"),
            step_weights=_weights(data.get("stepWeights", []), f"{where}.stepWeights"),
        )

    def sustain_minutes(self) -> float | None:
        """``interval x threshold``: that many failed checks roll back."""
        return self.interval_minutes * self.threshold

    def describe(self) -> str:
        return f"every {format_duration(self.interval_minutes)} threshold {self.threshold}"

    def to_fields(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "interval": format_duration(self.interval_minutes),
            "threshold": self.threshold,
        }
        if self.step_weight is not None:
            out["stepWeight"] = self.step_weight
        if self.max_weight is not None:
            out["maxWeight"] = self.max_weight
        if self.step_weights:
            out["stepWeights"] = list(self.step_weights)
        return out


@dataclass(frozen=True)
class BurnWindow:
    """Fire when the burn rate over both ``long`` and ``short`` windows exceeds ``factor``."""

    long_minutes: float
    short_minutes: float
    factor: float
    severity: Literal["critical", "warning"] = "critical"

    def __post_init__(self) -> None:
        if not (self.factor > 0 and self.long_minutes > 0 and self.short_minutes > 0):
            raise ValueError(f"burn window {self}: factor and windows must be > 0")


# The SRE Workbook's page pairs: 14.4x over 1h and 5m, 6x over 6h and 30m.
SRE_WINDOWS = (BurnWindow(60.0, 5.0, 14.4), BurnWindow(360.0, 30.0, 6.0))


@dataclass(frozen=True)
class BurnRateParams:
    """Multi-window, multi-burn-rate alert on an error-ratio SLO (burn rate = ratio/(1-slo))."""

    family: ClassVar[str] = "burn_rate"
    fields: ClassVar[frozenset[str]] = frozenset({"slo", "windows"})

    slo: float = 0.999
    windows: tuple[BurnWindow, ...] = SRE_WINDOWS

    @classmethod
    def from_fields(cls, data: Mapping[str, Any], where: str) -> BurnRateParams:
        return _burn_rate(data, where)

    def sustain_minutes(self) -> float | None:
        """None: a burn rate has no absolute bound that a plan monitor could carry."""
        return None

    def describe(self) -> str:
        pairs = ", ".join(
            f"{format_duration(w.long_minutes)}/{format_duration(w.short_minutes)}x{w.factor:g}"
            for w in self.windows
        )
        return f"slo {self.slo:g} {pairs}"

    def to_fields(self) -> dict[str, Any]:
        return {
            "slo": self.slo,
            "windows": [
                {
                    "long": format_duration(w.long_minutes),
                    "short": format_duration(w.short_minutes),
                    "factor": w.factor,
                    "severity": w.severity,
                }
                for w in self.windows
            ],
        }


@dataclass(frozen=True)
class BaselineParams:
    """Canary vs baseline: bounds are the relative increase over the baseline (0.1 = +10 %)."""

    family: ClassVar[str] = "baseline"
    fields: ClassVar[frozenset[str]] = frozenset({"interval", "min_absolute_difference"})

    interval_minutes: float = 1.0
    min_absolute_difference: float = 0.0

    @classmethod
    def from_fields(cls, data: Mapping[str, Any], where: str) -> BaselineParams:
        diff = data.get("min_absolute_difference", 0.0)
        if isinstance(diff, bool) or not isinstance(diff, int | float) or not 0 <= diff < math.inf:
            raise ThresholdsError(
                f"{where}.min_absolute_difference: expected a number >= 0, got {diff!r}"
            )
        return cls(_duration(data, "interval", 1.0, where, positive=True), float(diff))

    def sustain_minutes(self) -> float | None:
        """None: the bound is relative to the baseline, not an absolute monitor bound."""
        return None

    def describe(self) -> str:
        return f"vs baseline every {format_duration(self.interval_minutes)}"

    def to_fields(self) -> dict[str, Any]:
        return {
            "interval": format_duration(self.interval_minutes),
            "min_absolute_difference": self.min_absolute_difference,
        }


FamilyParams = StaticParams | ArgoParams | FlaggerParams | BurnRateParams | BaselineParams

# The one registry of families: thresholds-file name -> its parameters (spec, defaults, parsing).
# The simulation model of each family is registered beside it in simulations.detectors.registry.
PARAMS: dict[str, type[FamilyParams]] = {
    c.family: c for c in (StaticParams, ArgoParams, FlaggerParams, BurnRateParams, BaselineParams)
}
FAMILIES: dict[str, frozenset[str]] = {name: c.fields for name, c in PARAMS.items()}


def parse_params(family: str, data: Mapping[str, Any], where: str) -> FamilyParams:
    """The family's fields of one rule, defaults filled in, validated.

    Raises:
        ThresholdsError: a bad duration, a negative count, an SLO outside (0, 1).
    """
    return PARAMS[family].from_fields(data, where)


def _duration(
    data: Mapping[str, Any], key: str, default: float, where: str, positive: bool = False
) -> float:
    if key not in data:
        return default
    minutes = parse_duration(data[key], f"{where}.{key}")
    if positive and minutes <= 0:
        raise ThresholdsError(f"{where}.{key}: {data[key]!r} must be longer than 0")
    return minutes


def _count(data: Mapping[str, Any], key: str, default: int, where: str, least: int = 0) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ThresholdsError(f"{where}.{key}: expected an integer >= {least}, got {value!r}")
    return value


def _weight(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 100:
        raise ThresholdsError(f"{where}: expected a percentage in (0, 100], got {value!r}")
    return float(value)


def _weights(value: Any, where: str) -> tuple[float, ...]:
    if not isinstance(value, list):
        raise ThresholdsError(f"{where}: expected a list of percentages, got {value!r}")
    out = tuple(_weight(v, f"{where}[{i}]") or 0.0 for i, v in enumerate(value))
    if list(out) != sorted(out):
        raise ThresholdsError(f"{where}: weights must not decrease, got {list(out)}")
    return out


def _burn_rate(data: Mapping[str, Any], where: str) -> BurnRateParams:
    slo = data.get("slo", 0.999)
    if isinstance(slo, bool) or not isinstance(slo, int | float) or not 0 < slo < 1:
        raise ThresholdsError(f"{where}.slo: expected a fraction in (0, 1), got {slo!r}")
    if "windows" not in data:
        return BurnRateParams(float(slo))
    raw = data["windows"]
    if not isinstance(raw, list) or not raw:
        raise ThresholdsError(f"{where}.windows: expected a non-empty list of long/short/factor")
    windows = []
    for i, w in enumerate(raw):
        at = f"{where}.windows[{i}]"
        if not isinstance(w, Mapping):
            raise ThresholdsError(f"{at}: expected a mapping with long, short, factor")
        unknown = sorted(set(w) - {"long", "short", "factor", "severity"})
        if unknown:
            raise ThresholdsError(f"{at}: unknown field {unknown[0]!r}")
        long = parse_duration(w.get("long"), f"{at}.long")
        short = parse_duration(w.get("short"), f"{at}.short")
        if not 0 < short <= long:
            raise ThresholdsError(f"{at}: need 0 < short <= long, got short={short}m long={long}m")
        factor = w.get("factor")
        if isinstance(factor, bool) or not isinstance(factor, int | float) or not 0 < factor < 1e9:
            raise ThresholdsError(f"{at}.factor: expected a number > 0, got {factor!r}")
        severity = w.get("severity", "critical")
        if severity not in ("critical", "warning"):
            raise ThresholdsError(f"{at}.severity: {severity!r} is not critical or warning")
        windows.append(BurnWindow(long, short, float(factor), severity))
    return BurnRateParams(float(slo), tuple(windows))
