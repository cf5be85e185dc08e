"""Evidence-sized stage waits: the shortest bake that detects a stated degradation.

For each traffic stage at exposure ``e`` the canary serves ``e x`` the service's requests and the
stable version the rest. The bake must be long enough that a one-sided comparison of the canary
with the stable version detects the stated degradation with probability ``power`` (90 %) while a
healthy canary fails it with probability ``alpha`` at most. ``alpha`` is the tuned false-rollback
rate (false rollbacks per 100 deploys / 100) shared equally by the stages and metrics
(Bonferroni), so the whole rollout stays within it. At 100 % there is no stable version left: the
new version is compared with the service's known level (one-sample test).

* error ratio, ``p0 -> p1`` (default ``min(2 p0, p0 + 0.005)``: x2 or +0.5 points, whichever is
  the smaller change, so the bake catches both): the two-sample test of
  proportions (Fleiss, *Statistical Methods for Rates and Proportions*, 3rd ed., eq. 4.14, with
  unequal groups ``n_s = n_c (1 - e) / e``)::

      n_c = [(z_a sqrt(p0 q0 (1 + r)) + z_b sqrt(p1 q1 + p0 q0 r)) / (p1 - p0)]^2,  r = e / (1 - e)

* a latency percentile ``p`` up by ``factor`` (default p95 x 1.2): each version's latency is
  log-normal with shape ``sigma`` (the replay's assumption), so the log of a sample percentile
  over ``n`` requests is normal with variance ``s^2 / n``, ``s = sigma sqrt(p (1 - p)) / phi(z_p)``
  (the asymptotic variance of a sample quantile, e.g. Serfling 1980, sec. 2.3.3). Per-pod
  heterogeneity adds ``tau2`` per sample at full traffic, scaling ``1 / e`` with the canary's
  share of pods. With ``V = s^2 / rpm + tau2 x step`` (variance x minutes at full traffic)::

      T = (z_a + z_b)^2 V (1/e + 1/(1 - e)) / ln(factor)^2      (minutes)

The wait is the longest of the metrics' and is rounded up to a whole minute.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

from planner.exceptions import ThresholdsError
from planner.model import Plan, Wait

__all__ = [
    "EvidenceInputs",
    "StageWait",
    "apply_stage_waits",
    "evidence_waits",
    "parse_evidence",
]

_N = NormalDist()
_RANGES = {
    "requests_per_minute": "> 0",
    "error_ratio": "0 <= p < 1",
    "latency_sigma": "> 0",
    "latency_percentile": "between 0 and 1",
    "latency_pod_variance": ">= 0",
    "step_minutes": "> 0",
    "false_rollback_rate": "between 0 and 1",
    "power": "0.5 <= power < 1",
    "error_factor": ">= 1",
    "error_plus": ">= 0",
    "latency_factor": "> 1",
}


@dataclass(frozen=True)
class EvidenceInputs:
    """The service's traffic and noise, the degradation to catch and the error budget.

    Attributes:
        requests_per_minute: the service's typical traffic (healthy median).
        error_ratio: its typical error ratio p0 (None: no error-ratio evidence).
        latency_sigma: log-normal shape of request latency (None: no latency evidence).
        latency_percentile: the percentile watched (0.95).
        latency_pod_variance: tau2, variance of ln(percentile) per step at full traffic beyond
            sampling (per-pod heterogeneity; 0 to ignore).
        step_minutes: the step of ``latency_pod_variance``.
        false_rollback_rate: alpha for the whole rollout (tuned false rollbacks per 100 / 100).
        power: probability of detecting the degradation (0.9).
        error_factor: degradation of the error ratio as a factor (2.0) ...
        error_plus: ... or an absolute increase (0.005), whichever is smaller.
        latency_factor: degradation of the percentile (1.2 = +20 %).
    """

    requests_per_minute: float
    error_ratio: float | None = None
    latency_sigma: float | None = None
    latency_percentile: float = 0.95
    latency_pod_variance: float = 0.0
    step_minutes: float = 1.0
    false_rollback_rate: float = 0.01
    power: float = 0.9
    error_factor: float = 2.0
    error_plus: float = 0.005
    latency_factor: float = 1.2

    def __post_init__(self) -> None:
        checks = (
            ("requests_per_minute", self.requests_per_minute > 0),
            ("error_ratio", self.error_ratio is None or 0 <= self.error_ratio < 1),
            ("latency_sigma", self.latency_sigma is None or self.latency_sigma > 0),
            ("latency_percentile", 0 < self.latency_percentile < 1),
            ("latency_pod_variance", self.latency_pod_variance >= 0),
            ("step_minutes", self.step_minutes > 0),
            ("false_rollback_rate", 0 < self.false_rollback_rate < 1),
            ("power", 0.5 <= self.power < 1),
            ("error_factor", self.error_factor >= 1),
            ("error_plus", self.error_plus >= 0),
            ("latency_factor", self.latency_factor > 1),
        )
        for name, ok in checks:
            if not ok:
                raise ThresholdsError(
                    f"stage_waits.{name}: {getattr(self, name)!r} is out of range ({_RANGES[name]})"
                )
        if self.error_ratio is None and self.latency_sigma is None:
            raise ThresholdsError("stage_waits: give error_ratio and/or latency_sigma")

    def to_dict(self) -> dict[str, Any]:
        """The thresholds-file fields (:func:`parse_evidence` reads them back)."""
        return {
            "requests_per_minute": self.requests_per_minute,
            "error_ratio": self.error_ratio,
            "latency_sigma": self.latency_sigma,
            "latency_percentile": self.latency_percentile,
            "latency_pod_variance": self.latency_pod_variance,
            "step_minutes": self.step_minutes,
            "false_rollback_rate": self.false_rollback_rate,
            "power": self.power,
            "degradation": {
                "error_ratio_factor": self.error_factor,
                "error_ratio_plus": self.error_plus,
                "latency_factor": self.latency_factor,
            },
        }


@dataclass(frozen=True)
class StageWait:
    """The evidence-sized bake of one stage and how it was computed."""

    stage: str
    exposure_percent: float
    minutes: float
    metric: str  # the metric that needs the longest bake
    arithmetic: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "exposure_percent": self.exposure_percent,
            "minutes": self.minutes,
            "metric": self.metric,
            "arithmetic": list(self.arithmetic),
        }


def _z(p: float) -> float:
    return _N.inv_cdf(p)


def _error_minutes(x: EvidenceInputs, e: float, z_a: float, z_b: float) -> tuple[float, str]:
    p0 = float(x.error_ratio or 0.0)
    p1 = min(p0 * x.error_factor, p0 + x.error_plus) if p0 > 0 else x.error_plus
    p1 = min(p1, 0.999999)
    q0, q1 = 1 - p0, 1 - p1
    if e >= 1:
        n = ((z_a * math.sqrt(p0 * q0) + z_b * math.sqrt(p1 * q1)) / (p1 - p0)) ** 2
        how = "one-sample vs the known level"
    else:
        r = e / (1 - e)
        n = (
            (z_a * math.sqrt(p0 * q0 * (1 + r)) + z_b * math.sqrt(p1 * q1 + p0 * q0 * r))
            / (p1 - p0)
        ) ** 2
        how = f"canary vs stable (n_s = n_c x {1 / r:.3g})"
    minutes = n / (e * x.requests_per_minute)
    text = (
        f"error ratio {p0:.4%} -> {p1:.4%}: {how}, n_c = {math.ceil(n):,} canary requests "
        f"= {minutes:.1f} min at {e:.0%} of {x.requests_per_minute:,.0f} req/min"
    )
    return minutes, text


def _latency_minutes(x: EvidenceInputs, e: float, z_a: float, z_b: float) -> tuple[float, str]:
    p, sigma = x.latency_percentile, float(x.latency_sigma or 0.0)
    s = sigma * math.sqrt(p * (1 - p)) / _N.pdf(_z(p))
    v = s * s / x.requests_per_minute + x.latency_pod_variance * x.step_minutes
    spread = 1 / e + (1 / (1 - e) if e < 1 else 0.0)
    delta = math.log(x.latency_factor)
    minutes = (z_a + z_b) ** 2 * v * spread / (delta * delta)
    text = (
        f"p{p * 100:g} x{x.latency_factor:g}: s = {sigma:g} sqrt({p:g} x {1 - p:.3g}) / "
        f"phi(z) = {s:.3f}, V = s^2/rpm + tau2 x step = {v:.3g}, "
        f"T = ({z_a:.2f} + {z_b:.2f})^2 x V x {spread:.3g} / ln({x.latency_factor:g})^2 "
        f"= {minutes:.1f} min"
    )
    return minutes, text


def evidence_waits(
    stages: Sequence[tuple[str, float]], inputs: EvidenceInputs
) -> tuple[StageWait, ...]:
    """The evidence-sized bake of each ``(name, exposure percent)`` stage with traffic (> 0 %)."""
    live = [(n, pct) for n, pct in stages if pct > 0]
    metrics = (inputs.error_ratio is not None) + (inputs.latency_sigma is not None)
    tests = max(1, len(live) * metrics)
    alpha = inputs.false_rollback_rate / tests
    z_a, z_b = _z(1 - alpha), _z(inputs.power)
    head = (
        f"alpha = {inputs.false_rollback_rate:g} / ({len(live)} stages x {metrics} metrics) = "
        f"{alpha:.3g} one-sided (z {z_a:.2f}); power {inputs.power:g} (z {z_b:.2f})"
    )
    out = []
    for name, pct in live:
        e = min(pct / 100.0, 1.0)
        found: list[tuple[float, str, str]] = []
        if inputs.error_ratio is not None:
            m, text = _error_minutes(inputs, e, z_a, z_b)
            found.append((m, "error_ratio", text))
        if inputs.latency_sigma is not None:
            m, text = _latency_minutes(inputs, e, z_a, z_b)
            found.append((m, "latency", text))
        worst = max(found)
        minutes = float(max(1, math.ceil(worst[0] - 1e-9)))
        lines = (head, *(t for _, _, t in found), f"wait = {minutes:g} min ({worst[1]})")
        out.append(StageWait(name, pct, minutes, worst[1], lines))
    return tuple(out)


def parse_evidence(data: Any, where: str) -> EvidenceInputs:
    """Read the ``stage_waits`` block of a thresholds file (see :meth:`EvidenceInputs.to_dict`).

    Raises:
        ThresholdsError: not a mapping, an unknown field, a missing or out-of-range number.
    """
    if not isinstance(data, dict):
        raise ThresholdsError(f"{where}: expected a mapping")
    allowed = {
        "requests_per_minute",
        "error_ratio",
        "latency_sigma",
        "latency_percentile",
        "latency_pod_variance",
        "step_minutes",
        "false_rollback_rate",
        "power",
        "degradation",
    }
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ThresholdsError(f"{where}: unknown field {unknown[0]!r}")
    deg = data.get("degradation") or {}
    if not isinstance(deg, dict):
        raise ThresholdsError(f"{where}.degradation: expected a mapping")

    def num(src: dict[str, Any], key: str, default: float | None, at: str) -> float | None:
        v = src.get(key, default)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise ThresholdsError(f"{at}.{key}: expected a finite number, got {v!r}")
        return float(v)

    def req(src: dict[str, Any], key: str, default: float, at: str) -> float:
        v = num(src, key, default, at)
        assert v is not None
        return v

    if "requests_per_minute" not in data:
        raise ThresholdsError(f"{where}.requests_per_minute: missing")
    return EvidenceInputs(
        requests_per_minute=req(data, "requests_per_minute", 0.0, where),
        error_ratio=num(data, "error_ratio", None, where),
        latency_sigma=num(data, "latency_sigma", None, where),
        latency_percentile=req(data, "latency_percentile", 0.95, where),
        latency_pod_variance=req(data, "latency_pod_variance", 0.0, where),
        step_minutes=req(data, "step_minutes", 1.0, where),
        false_rollback_rate=req(data, "false_rollback_rate", 0.01, where),
        power=req(data, "power", 0.9, where),
        error_factor=req(deg, "error_ratio_factor", 2.0, f"{where}.degradation"),
        error_plus=req(deg, "error_ratio_plus", 0.005, f"{where}.degradation"),
        latency_factor=req(deg, "latency_factor", 1.2, f"{where}.degradation"),
    )


def apply_stage_waits(plan: Plan, inputs: EvidenceInputs) -> Plan:
    """``plan`` with each traffic stage's wait sized by the evidence it must gather.

    The evidence-sized bake replaces the stage's minimum wait when it is longer; a longer
    minimum the plan already holds (an overnight hold for a HIGH-risk change: nightly jobs, the
    morning peak) is kept, since evidence only says how long is *enough* to see the stated
    degradation. The maximum wait is at least the minimum. The stage's note ends with the
    arithmetic, so the plan shows why the bake is that long.
    """
    from dataclasses import replace

    waits = {
        w.stage: w
        for w in evidence_waits([(s.name, s.exposure_percent) for s in plan.stages], inputs)
    }
    stages = []
    for s in plan.stages:
        w = waits.get(s.name)
        if w is None:
            stages.append(s)
            continue
        how = " ".join(f"{line};" for line in w.arithmetic[:-1])
        old = s.wait_minutes
        low = max(w.minutes, old.min)
        kept = "" if low == w.minutes else f"; the plan's longer minimum of {old.min:g} min is kept"
        note = (
            f"Evidence-sized wait: {w.minutes:g} min, the shortest bake that detects the stated "
            f"degradation ({how} {w.arithmetic[-1]}{kept})."
        )
        stages.append(
            replace(s, wait_minutes=Wait(low, max(low, old.max)), note=f"{s.note} {note}".strip())
        )
    return replace(plan, stages=tuple(stages))
