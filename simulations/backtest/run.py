"""Backtest rollback rule sets against labelled incidents, replayed through a staged rollout.

:func:`run_backtest` cuts the traces into incident replays and healthy deploys
(:mod:`simulations.backtest.deploys`), runs every rule set's detectors on them
(:mod:`simulations.detectors.registry`) and scores them (:mod:`simulations.backtest.scoring`).
The rule sets
people copy (``data/thresholds/defaults.yaml``) are always measured beside the user's, on the
same data. The exposure model is :mod:`simulations.backtest.exposure`; the canary is measured as
a sample (:mod:`simulations.sampling.noise`, seeded draws) and every rate has a 95 % interval
(:mod:`simulations.sampling.intervals`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.thresholds.file import RuleSet, Thresholds, load_thresholds
from simulations.backtest.deploys import DeployBatch, DeploySampling, build_batches
from simulations.backtest.firing import observed_key, rule_set_firing
from simulations.backtest.replay import ReplayRequest, replay_rule_set
from simulations.backtest.scoring import (
    Outcome,
    Score,
    first_alarm_rows,
    judge_alarms,
    reset_steps,
    score,
)
from simulations.detectors.registry import LATCHED
from simulations.exceptions import BacktestError
from simulations.paths import BUNDLE
from simulations.traces.model import Trace

__all__ = [
    "DEFAULTS_PATH",
    "BacktestReport",
    "RuleResult",
    "load_defaults",
    "run_backtest",
    "with_defaults",
]

_DATA = BUNDLE if (BUNDLE / "data").is_dir() else Path(__file__).resolve().parents[2]  # a wheel
DEFAULTS_PATH = _DATA / "data" / "thresholds" / "defaults.yaml"


def load_defaults() -> Thresholds:
    """The bundled rule sets people copy (reference plan, Flagger, Argo, SRE burn rate)."""
    return load_thresholds(DEFAULTS_PATH)


def with_defaults(rule_sets: Sequence[RuleSet]) -> list[tuple[RuleSet, str]]:
    """``rule_sets`` (origin ``"file"``) followed by the bundled defaults (``"defaults"``).

    A default with a name already used is dropped when it is the same rule set, else renamed
    ``defaults/<name>``.
    """
    out: list[tuple[RuleSet, str]] = [(rs, "file") for rs in rule_sets]
    for rs in load_defaults().rule_sets:
        same = [mine for mine in rule_sets if mine.name == rs.name]
        if same and same[0].rules == rs.rules:
            continue
        out.append((replace(rs, name=f"defaults/{rs.name}") if same else rs, "defaults"))
    return out


@dataclass(frozen=True)
class RuleResult:
    """One rule set's score, with the missed incidents and false alarms listed."""

    name: str
    origin: str
    rules: tuple[str, ...]
    score: Score
    missed: tuple[dict[str, Any], ...]
    false_alarms: tuple[dict[str, Any], ...]
    not_evaluated: tuple[str, ...]  # traces where no rule of the set has its metric
    rules_not_evaluated: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (rule, traces) per rule
    replay: dict[str, Any] | None = None  # the SimPy replay model's summary, when asked

    def to_dict(self) -> dict[str, Any]:
        s = self.score
        return {
            "name": self.name,
            "origin": self.origin,
            "rules": list(self.rules),
            "precision": s.precision,
            "recall": s.recall,
            "detection_minutes": {"p50": s.detection_p50, "p95": s.detection_p95},
            "reset_minutes": s.reset_minutes,
            "false_rollbacks_per_100_deploys": s.false_rollbacks_per_100,
            "blast_radius": {
                "p50": s.blast_p50,
                "p95": s.blast_p95,
                "mean": s.blast_mean,
                "unit": "exposure-minutes",
            },
            "incident_replays": s.incident_replays,
            "healthy_deploys": s.healthy_deploys,
            "applicable": s.applicable,
            "recall_ci95": _pair(s.recall_ci95),
            "precision_ci95": _pair(s.precision_ci95),
            "false_rollbacks_per_100_deploys_ci95": _pair(s.false_rollbacks_ci95),
            "effective_incidents": round(s.effective_incidents, 2),
            "effective_healthy_deploys": round(s.effective_healthy_deploys, 2),
            "noise_draws": s.draws,
            "missed": list(self.missed),
            "false_alarms": list(self.false_alarms),
            "not_evaluated_on": list(self.not_evaluated),
            "rules_not_evaluated": {rule: list(ts) for rule, ts in self.rules_not_evaluated},
            "replay": self.replay,
        }


def _pair(ci: tuple[float, float] | None) -> list[float] | None:
    """An interval as JSON: ``[low, high]`` rounded to 6 significant digits, or null."""
    return None if ci is None else [float(f"{ci[0]:.6g}"), float(f"{ci[1]:.6g}")]


@dataclass(frozen=True)
class BacktestReport:
    """Every rule set's result on the same replays, and how the replays were cut."""

    results: tuple[RuleResult, ...]
    settings: DeploySampling
    traces: tuple[str, ...]
    incidents: int

    def to_dict(self) -> dict[str, Any]:
        s = self.settings
        return {
            "settings": {
                "lead_minutes": s.lead_minutes,
                "horizon_minutes": s.horizon_minutes,
                "healthy_deploy_every_minutes": s.stride_minutes,
                "rollback_minutes": s.rollout.rollback_minutes,
                "stages": [
                    {"name": n, "exposure_percent": p, "bake_minutes": b}
                    for n, p, b in s.rollout.stages
                ],
                "exposure_model": "simulations.backtest.exposure (vectorised)",
                "noise_model": s.noise.describe(),
                "noise_draws": s.noise.draws,
                "noise_seed": s.noise.seed,
            },
            "traces": list(self.traces),
            "incidents": self.incidents,
            "rules": [r.to_dict() for r in self.results],
        }


def run_backtest(
    rule_sets: Sequence[tuple[RuleSet, str]],
    traces: Sequence[Trace],
    settings: DeploySampling,
    replay: ReplayRequest | None = None,
) -> BacktestReport:
    """Score each (rule set, origin) on incident replays and healthy deploys of ``traces``.

    With ``replay``, each rule set is also replayed through the SimPy replay model
    (:mod:`simulations.backtest.replay`) and its summary attached.

    Raises:
        BacktestError: no trace, no labelled incident, or an incident outside its trace.
    """
    if not traces:
        raise BacktestError("backtest: no trace given")
    if not any(t.incidents for t in traces):
        raise BacktestError("backtest: the traces have no labelled incident (give --labels)")
    batches = build_batches(traces, settings)
    results = tuple(_judge(rs, origin, batches, settings) for rs, origin in rule_sets)
    if replay is not None:
        results = tuple(
            replace(r, replay=replay_rule_set(rs, traces, replay))
            for r, (rs, _) in zip(results, rule_sets, strict=True)
        )
    return BacktestReport(
        results, settings, tuple(t.name for t in traces), sum(len(t.incidents) for t in traces)
    )


def _judge(
    rule_set: RuleSet, origin: str, batches: Sequence[DeployBatch], settings: DeploySampling
) -> RuleResult:
    latched = any(r.family in LATCHED for r in rule_set.rules)
    outcomes, missed, false_alarms, skipped = [], [], [], set()
    per_rule: dict[str, set[str]] = {r.label(): set() for r in rule_set.rules}
    for batch in batches:
        for rule in rule_set.rules:
            _, has = batch.observed(*observed_key(rule, batch.step_minutes))
            per_rule[rule.label()] |= {batch.traces[t].name for t in batch.trace_id[~has]}
        fired, evaluated = rule_set_firing(rule_set, batch)
        first = first_alarm_rows(fired)
        out = Outcome(first, evaluated, None if latched else reset_steps(fired, batch))
        outcomes.append(out)
        skipped |= {batch.traces[t].name for t in batch.expanded.trace_id[~evaluated]}
        missed += _missed(batch, out, settings)
        false_alarms += _false_alarms(batch, out, settings)
    return RuleResult(
        name=rule_set.name,
        origin=origin,
        rules=tuple(r.label() for r in rule_set.rules),
        score=score(batches, outcomes, settings.lead_minutes, settings.rollout.rollback_minutes),
        missed=tuple(missed),
        false_alarms=tuple(sorted(false_alarms, key=lambda d: (d["trace"], d["alarm"]))),
        not_evaluated=tuple(sorted(skipped)),
        rules_not_evaluated=tuple((k, tuple(sorted(v))) for k, v in per_rule.items() if v),
    )


def _stage_name(settings: DeploySampling, stage: int) -> str:
    return settings.rollout.stages[stage][0]


def _missed(batch0: DeployBatch, out: Outcome, settings: DeploySampling) -> list[dict[str, Any]]:
    """Incidents missed in some replay (a stage's replay missed in most noise draws)."""
    batch = batch0.expanded
    caught, _ = judge_alarms(batch, out.first, settings.lead_minutes)
    miss = (batch.incident_id >= 0) & out.evaluated & ~caught
    k = batch0.reps
    share = miss.reshape(-1, k).mean(axis=1)  # per deploy row: share of draws that miss
    by_incident: dict[int, list[str]] = {}
    for r in np.flatnonzero(share > 0.5):
        by_incident.setdefault(int(batch0.incident_id[r]), []).append(
            _stage_name(settings, int(batch0.stage[r]))
        )
    batch = batch0
    index = batch.incidents()
    rows = []
    for gid, stages in sorted(by_incident.items()):
        t, i = index[gid]
        inc = batch.traces[t].incidents[i]
        rows.append(
            {
                "trace": batch.traces[t].name,
                "start": inc.start.isoformat(),
                "end": inc.end.isoformat(),
                "metric": inc.metric,
                "cause": inc.cause,
                "missed_in_stages": stages,
            }
        )
    return rows


def _false_alarms(
    batch0: DeployBatch, out: Outcome, settings: DeploySampling
) -> list[dict[str, Any]]:
    """False alarms per deploy: the earliest draw's alarm and the share of draws that fire."""
    batch = batch0.expanded
    caught, delay = judge_alarms(batch, out.first, settings.lead_minutes)
    false = (out.first >= 0) & out.evaluated & ~caught
    k = batch0.reps
    share = false.reshape(-1, k).mean(axis=1)
    first_alarm = np.where(false, out.first, np.iinfo(np.int64).max).reshape(-1, k)
    pick = np.argmin(first_alarm, axis=1) + np.arange(share.size) * k  # earliest false draw
    starts = np.asarray(settings.rollout.stage_starts())
    rows = []
    for r in pick[share > 0]:
        trace = batch.traces[int(batch.trace_id[r])]
        deploy_start = trace.frame.index[int(batch.start[r])]
        minute = (int(out.first[r]) + 1) * batch.step_minutes
        if batch.incident_id[r] < 0:
            kind = "healthy-deploy"
        else:
            kind = "before-incident" if delay[r] < 0 else "after-incident"
        stage = int(np.searchsorted(starts, minute - batch.step_minutes, side="right") - 1)
        rows.append(
            {
                "trace": trace.name,
                "alarm": (deploy_start + pd.Timedelta(minutes=minute)).isoformat(),
                "deploy_start": deploy_start.isoformat(),
                "stage": _stage_name(settings, max(stage, 0)),
                "kind": kind,
                "share_of_draws": round(float(share[r // k]), 4),
            }
        )
    return rows
