"""Replay settings: how the response works, how users are counted, how onsets are placed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from simulations.exceptions import ReplayError

__all__ = ["ReplayConfig", "ResponseConfig"]


@dataclass(frozen=True)
class ResponseConfig:
    """What happens after a detector calls for rollback.

    ``mode="automated"``: the rollout controller aborts: traffic goes back to the stable version
    ``abort_traffic_minutes`` after the alarm (0: at once) and the canary is scaled down
    ``abort_scale_down_delay_seconds`` later (Argo's ``abortScaleDownDelaySeconds``, default 30).

    ``mode="human"``: the alarm pages the on-call (a SimPy ``Resource`` of ``on_call`` engineers).
    Acknowledgement takes an exponential time with mean ``ack_minutes`` (``night_ack_minutes``
    when the page lands between ``night_start_hour`` and ``night_end_hour`` UTC). The engineer
    then runs rollback levels from the stage's ``rollback_level`` upwards; a level takes a
    triangular time (0.5x, 1x, 2x the plan's ``estimated_minutes``) and fails with
    ``escalation_probability`` (then the next applicable level runs); the last one succeeds.
    Traffic is restored when a level succeeds. Times are minutes.
    """

    mode: Literal["automated", "human"] = "human"
    abort_traffic_minutes: float = 0.0
    abort_scale_down_delay_seconds: float = 30.0
    on_call: int = 1
    ack_minutes: float = 5.0
    night_ack_minutes: float | None = None
    night_start_hour: int = 22
    night_end_hour: int = 7
    escalation_probability: float = 0.1

    def __post_init__(self) -> None:
        if self.mode not in ("automated", "human"):
            raise ReplayError(f"response.mode: {self.mode!r} is not automated or human")
        for name in ("abort_traffic_minutes", "abort_scale_down_delay_seconds", "ack_minutes"):
            if getattr(self, name) < 0:
                raise ReplayError(f"response.{name}(={getattr(self, name)}) must be >= 0")
        if self.night_ack_minutes is not None and self.night_ack_minutes < 0:
            raise ReplayError(f"response.night_ack_minutes(={self.night_ack_minutes}) must be >= 0")
        if self.on_call < 1:
            raise ReplayError(f"response.on_call(={self.on_call}) must be >= 1")
        if not 0 <= self.escalation_probability <= 1:
            raise ReplayError(
                f"response.escalation_probability(={self.escalation_probability}) must be in 0-1"
            )

    def ack_mean(self, hour: int) -> float:
        """Mean acknowledgement minutes for a page at UTC ``hour`` (0-23)."""
        if self.night_ack_minutes is None:
            return self.ack_minutes
        s, e = self.night_start_hour, self.night_end_hour
        night = s <= hour or hour < e if s > e else s <= hour < e
        return self.night_ack_minutes if night else self.ack_minutes


@dataclass(frozen=True)
class ReplayConfig:
    """One replay set-up.

    Attributes:
        response: the response model.
        onset_minutes: incident onset, minutes after deploy start; None draws one per run
            (a stage with a positive bake uniformly, then a time uniformly within it).
        fixed_bake: use each stage's ``wait_minutes.min`` instead of drawing in [min, max].
        tail_minutes: observation after the last stage's bake ends (detection may come late).
        fleet_history_minutes: stable-only history fed to fleet-scope detectors before the
            deploy, so long windows are full at deploy start; None: the longest burn-rate
            window of a fleet detector, else 60 (0 without fleet detectors).
        requests_per_user: mean requests a user sends during the exposure (users model).
        requests_per_step: traffic when the trace has no request counts.
        latency_sigma: log-normal shape of request latency: the fleet's mixture (see
            :mod:`.measure.latency`) and the canary's sampled percentile (:mod:`.world`).
        pod_variance: per-pod heterogeneity of a latency percentile, the variance of its log
            per step at full traffic; None calibrates it from the trace
            (:func:`simulations.sampling.noise.calibrated_pod_variance`).
    """

    response: ResponseConfig = ResponseConfig()
    onset_minutes: float | None = None
    fixed_bake: bool = False
    tail_minutes: float = 240.0
    fleet_history_minutes: float | None = None
    requests_per_user: float = 10.0
    requests_per_step: float = 1000.0
    latency_sigma: float = 0.5
    pod_variance: float | None = None

    def __post_init__(self) -> None:
        if self.tail_minutes < 0:
            raise ReplayError(f"replay.tail_minutes(={self.tail_minutes}) must be >= 0")
        if self.fleet_history_minutes is not None and self.fleet_history_minutes < 0:
            raise ReplayError(
                f"replay.fleet_history_minutes(={self.fleet_history_minutes}) must be >= 0"
            )
        if self.onset_minutes is not None and self.onset_minutes < 0:
            raise ReplayError(f"replay.onset_minutes(={self.onset_minutes}) must be >= 0")
        for name in ("requests_per_user", "requests_per_step", "latency_sigma"):
            if getattr(self, name) <= 0:
                raise ReplayError(f"replay.{name}(={getattr(self, name)}) must be > 0")
        if self.pod_variance is not None and not self.pod_variance >= 0:
            raise ReplayError(f"replay.pod_variance(={self.pod_variance}) must be >= 0")
