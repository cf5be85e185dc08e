"""Tune rollback rules: sweep each family's parameters, keep the Pareto front, recommend a set.

The sweep (:func:`sweep`) judges every candidate rule (:mod:`simulations.tuning.space`) on the
training deploys, vectorised over deploys and steps (one detector call per candidate and batch);
with a ``dask.distributed`` client the candidates are split into chunks run on the cluster. Each
candidate keeps its first alarm per deploy, so rule sets (one rule per metric, combined with OR)
are scored without running a detector again (:func:`combine`).

Every deploy is judged under several seeded noise draws of the canary's measurement
(:mod:`simulations.sampling.noise`). Objective: the least mean blast radius subject to false
rollbacks per 100 healthy deploys within the budget on every cross-validation fold of the
training deploys (:mod:`simulations.tuning.select`: fold-stable, worst fold ranked); when no
rule set qualifies the safest is recommended and flagged. With a replay request the best few
are then replayed through the SimPy replay model and the one with the least mean failed
requests is recommended. The selection is validated out of fold, and the recommendation and
each family's best are backtested beside the defaults on the training set and, separately, on
the test set; :func:`verdict` says whether the recommendation holds out of sample.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from planner.thresholds.file import RuleSet, ThresholdRule, Thresholds
from planner.thresholds.waits import EvidenceInputs, StageWait, evidence_waits
from simulations._types import Direction
from simulations.backtest.deploys import DeployBatch, DeploySampling, build_batches
from simulations.backtest.firing import observed_key, prepare_noisy, rule_first_alarm
from simulations.backtest.replay import ReplayRequest, replay_rule_set
from simulations.backtest.run import BacktestReport, run_backtest, with_defaults
from simulations.backtest.scoring import Outcome, Score, score
from simulations.exceptions import BacktestError
from simulations.sampling.noise import SampleNoise, calibrated_pod_variance, quantile_spread
from simulations.traces.model import CANONICAL_METRICS, Trace
from simulations.traces.series import healthy_values, incident_steps, trace_series
from simulations.tuning._malloc import reuse_freed_memory
from simulations.tuning.select import (
    Judged,
    Validation,
    fold_masks,
    judge,
    pick,
    qualifies,
    validate,
    worst,
)
from simulations.tuning.space import FAMILY_NAMES, candidates, healthy_levels
from simulations.tuning.split import SHIFTED, beyond_training

__all__ = [
    "SAFEST",
    "Candidate",
    "TuneReport",
    "TuneSettings",
    "combine",
    "evidence_inputs",
    "pareto",
    "sweep",
    "tune",
    "verdict",
]


@dataclass(frozen=True)
class TuneSettings:
    """Budget (false rollbacks per 100 healthy deploys), families searched, combos per metric,
    absolute bounds tried per metric."""

    replay: DeploySampling
    budget: float = 1.0
    families: tuple[str, ...] = FAMILY_NAMES
    top_k: int = 4
    levels: int = 8
    replay_finalists: int = 5
    # Rule sets a team runs today (``tune --current``): backtested beside the picks.
    current: tuple[RuleSet, ...] = ()
    folds: int = 4

    def __post_init__(self) -> None:
        if self.folds < 2:
            raise BacktestError(f"tune: folds(={self.folds}) must be >= 2")


@dataclass(frozen=True)
class Candidate:
    """A rule set judged on the training deploys."""

    rule_set: RuleSet
    score: Score
    folds: tuple[Score, ...] = ()  # the same on each cross-validation fold
    qualified: bool = True  # within the budget on every fold (else: the safest, flagged)

    def within(self, budget: float) -> bool:
        """Within ``budget`` on all training deploys and on every fold."""
        fr = self.score.false_rollbacks_per_100
        folds = all(
            f.false_rollbacks_per_100 is None or f.false_rollbacks_per_100 <= budget + 1e-9
            for f in self.folds
        )
        return fr is not None and fr <= budget + 1e-9 and folds

    def row(self) -> dict[str, Any]:
        s = self.score
        ci = s.false_rollbacks_ci95
        return {
            "name": self.rule_set.name,
            "rules": [r.label() for r in self.rule_set.rules],
            "false_rollbacks_per_100_deploys": s.false_rollbacks_per_100,
            "false_rollbacks_per_100_deploys_ci95": None if ci is None else list(ci),
            "blast_radius_mean": s.blast_mean,
            "blast_radius_p95": s.blast_p95,
            "recall": s.recall,
            "recall_ci95": None if s.recall_ci95 is None else list(s.recall_ci95),
            "precision": s.precision,
            "fold_false_rollbacks_per_100_deploys": [f.false_rollbacks_per_100 for f in self.folds],
        }


def evaluate(rules: Sequence[ThresholdRule], batches: Sequence[DeployBatch]) -> list[list[Outcome]]:
    """First alarm per deploy row of each rule on each batch (the vectorised core)."""
    out = []
    for rule in rules:
        per_batch = []
        for batch in batches:
            per_batch.append(Outcome(*rule_first_alarm(rule, batch)))
        out.append(per_batch)
    return out


def _evaluate_remote(
    rules: Sequence[ThresholdRule], batches: Sequence[DeployBatch]
) -> list[list[Outcome]]:
    reuse_freed_memory()
    return evaluate(rules, batches)


def sweep(
    rules: Sequence[ThresholdRule],
    batches: Sequence[DeployBatch],
    client: Any = None,
    threads: int = 0,
) -> list[list[Outcome]]:
    """:func:`evaluate` on local threads (numpy releases the GIL), or on a dask ``client``.

    ``threads`` defaults to the machine's cores (at most 4). What each detector sees is built
    once before the threads start, so they only read shared data.
    """
    if client is None:
        reuse_freed_memory()
        for batch in batches:
            for key in dict.fromkeys(observed_key(r, batch.step_minutes) for r in rules):
                batch.observed(*key, counts=False)
            for rule in {(r.metric, r.relative): r for r in rules if r.scope == "canary"}.values():
                prepare_noisy(rule, batch)
        n = threads or min(4, os.cpu_count() or 1)
        parts = [list(rules[i::n]) for i in range(n) if rules[i::n]]
        with ThreadPoolExecutor(max_workers=len(parts) or 1) as pool:
            results = list(pool.map(lambda part: evaluate(part, batches), parts))
    else:
        n = max(1, 4 * sum(client.nthreads().values()))
        parts = [list(rules[i::n]) for i in range(n) if rules[i::n]]
        shared = client.scatter(list(batches), broadcast=True)
        futures = client.map(_evaluate_remote, parts, batches=shared, pure=False)
        results = client.gather(futures)
    out: list[list[Outcome]] = [[] for _ in rules]
    for i, part in enumerate(results):
        for j, outcome in enumerate(part):
            out[i + j * len(parts)] = outcome
    return out


def combine(parts: Sequence[Sequence[Outcome]]) -> list[Outcome]:
    """The outcome of rules combined with OR: earliest first alarm, judged where any applies."""
    merged = []
    for per_rule in zip(*parts, strict=True):
        big = np.iinfo(np.int64).max
        firsts = np.stack([np.where(o.first >= 0, o.first, big) for o in per_rule])
        first = firsts.min(axis=0)
        evaluated = np.logical_or.reduce([o.evaluated for o in per_rule])
        merged.append(Outcome(np.where(first == big, -1, first), evaluated))
    return merged


def pareto(points: Sequence[tuple[float, float]]) -> list[int]:
    """Indices of the points no other point beats on both coordinates (both minimised)."""
    order = sorted(range(len(points)), key=lambda i: points[i])
    front, best = [], np.inf
    for i in order:
        if points[i][1] < best:
            front.append(i)
            best = points[i][1]
    return front


@dataclass(frozen=True)
class TuneReport:
    """What tuning found, and the backtests of its picks beside the defaults."""

    recommended: Candidate
    family_best: tuple[Candidate, ...]
    front: tuple[Candidate, ...]
    n_candidates: int
    metrics: tuple[str, ...]
    sweep_seconds: float
    budget: float
    train: BacktestReport
    test: BacktestReport | None
    ranked_by: str = "stage-exposure model: mean exposure-minutes"
    cloud: tuple[tuple[str, str, float, float], ...] = ()  # (family, metric, fr/100, blast mean)
    validation: Validation | None = None
    waits: EvidenceInputs | None = None
    stages: tuple[tuple[str, float], ...] = ()  # the rollout's (name, exposure %) for the waits
    # per absolute rule of the pick: (metric, share of held-out healthy samples beyond training's
    # 99th percentile), see simulations.tuning.split.beyond_training
    shift: tuple[tuple[str, float], ...] = ()

    def verdict(self) -> dict[str, Any]:
        """Does the recommendation hold out of sample? (see :func:`verdict`)."""
        return verdict(self)

    def stage_waits(self) -> tuple[StageWait, ...]:
        """Evidence-sized bakes of the rollout's stages (empty without traffic figures)."""
        return () if self.waits is None else evidence_waits(self.stages, self.waits)

    def thresholds(self, source: str) -> Thresholds:
        """The recommended rule set first, then each family's best; with the evidence inputs."""
        return Thresholds(
            (self.recommended.rule_set, *(c.rule_set for c in self.family_best)),
            source,
            stage_waits=self.waits,
        )

    def to_dict(self) -> dict[str, Any]:
        """The ``--report`` document; no wall-clock figure, so same inputs give the same bytes."""
        return {
            "budget_false_rollbacks_per_100_deploys": self.budget,
            "candidates": self.n_candidates,
            "metrics": list(self.metrics),
            "recommended": self.recommended.row()
            | {
                "within_budget": self.recommended.within(self.budget),
                "qualified": self.recommended.qualified,
                "flag": None if self.recommended.qualified else SAFEST,
                "ranked_by": self.ranked_by,
                "scopes": [r.scope for r in self.recommended.rule_set.rules],
            },
            "validation": None if self.validation is None else self.validation.to_dict(self.budget),
            "verdict": self.verdict(),
            "stage_waits": None
            if self.waits is None
            else {
                "inputs": self.waits.to_dict(),
                "stages": [w.to_dict() for w in self.stage_waits()],
            },
            "family_best": [c.row() for c in self.family_best],
            "pareto_front": [c.row() for c in self.front],
            "cloud": {  # every configuration on train: the points behind the front
                "columns": ["family", "metric", "false_rollbacks_per_100_deploys", "blast_mean"],
                "rows": [list(p) for p in self.cloud],
            },
            "train": self.train.to_dict(),
            "test": None if self.test is None else self.test.to_dict(),
        }


def _directions(traces: Sequence[Trace], metric: str) -> list[Direction]:
    """Which ways the incidents of ``metric`` move it: above and/or below its healthy level."""
    found: set[Direction] = set()
    for t in traces:
        values, healthy = trace_series(t, metric), healthy_values(t, metric)
        if values is None or healthy is None or not np.isfinite(healthy).any():
            continue
        level = float(np.nanmedian(healthy))
        for (s, e), inc in zip(incident_steps(t), t.incidents, strict=True):
            seg = values[s:e]
            if inc.metric not in (None, metric) or not np.isfinite(seg).any():
                continue
            found.add("above" if float(np.nanmedian(seg)) >= level else "below")
    return sorted(found)


def _metrics(traces: Sequence[Trace]) -> list[tuple[str, Direction]]:
    """(metric, direction) pairs of the training incidents' metrics present in the traces.

    The direction is the way the labelled incidents move the metric (a traffic surge and a
    traffic drop are both incidents); without a measurable move, the metric's usual one.
    """
    names: set[str] = set()
    for t in traces:
        for inc in t.incidents:
            if inc.metric:
                names.add(inc.metric)
            else:
                names |= {m.name for m in t.metrics if m.name != "errors"}
    out: list[tuple[str, Direction]] = []
    for name in sorted(names):
        if not any(trace_series(t, name) is not None for t in traces):
            continue
        metric = CANONICAL_METRICS.get(name.partition("{")[0])
        usual: Direction = metric.direction if metric else "above"
        out += [(name, d) for d in _directions(traces, name) or [usual]]
    return out


def _with_warning(rule: ThresholdRule, grids: dict[tuple[str, str], list[float]]) -> ThresholdRule:
    """The rule named by its label, with a ``warning`` one grid level short of ``critical``.

    Only for absolute static and Flagger rules, whose detectors read ``critical`` alone (an Argo
    ``warning`` is its successCondition and changes what it decides).
    """
    named = replace(rule, name=rule.label())
    if rule.relative is not None or rule.family not in ("static", "flagger"):
        return named
    levels = grids.get((rule.metric, rule.direction), [])
    if rule.direction == "above":
        softer = [x for x in levels if x < rule.critical]
        return replace(named, warning=max(softer)) if softer else named
    softer = [x for x in levels if x > rule.critical]
    return replace(named, warning=min(softer)) if softer else named


SAFEST = (
    "no rule set met the false-rollback budget on every cross-validation fold: this is the "
    "safest one found (fewest false rollbacks on its worst fold), not a set within the budget"
)


def _by_replay(
    finalists: Sequence[Judged], train: Sequence[Trace], replay: ReplayRequest
) -> Judged:
    """The finalist with the least mean failed requests in the SimPy replay model."""

    def cost(j: Judged) -> float:
        summary = replay_rule_set(RuleSet("finalist", j.rules), train, replay)
        mean = None if summary is None else summary.get("failed_requests_mean")
        return float("inf") if mean is None else float(mean)

    costs = [cost(j) for j in finalists]
    return finalists[int(np.argmin(costs))]


def _measured(picks: Sequence[RuleSet], current: Sequence[RuleSet]) -> list[tuple[RuleSet, str]]:
    """The picks, then the rules a team runs today (origin ``current``), then the defaults."""
    out = with_defaults(picks)
    mine = sum(1 for _, origin in out if origin == "file")
    return [*out[:mine], *((rs, "current") for rs in current), *out[mine:]]


def _candidate(
    j: Judged, name: str, qualified: bool, batches: Sequence[DeployBatch], rp: DeploySampling
) -> Candidate:
    """The judged rule set as a candidate, with its full score (percentiles included)."""
    rules = RuleSet(name, j.rules, "tuned by devops-planner tune")
    full = score(batches, j.outcomes, rp.lead_minutes, rp.rollout.rollback_minutes)
    return Candidate(rules, full, j.folds, qualified)


def tune(
    train: Sequence[Trace],
    test: Sequence[Trace],
    settings: TuneSettings,
    client: Any = None,
    replay: ReplayRequest | None = None,
) -> TuneReport:
    """Search rules on ``train``, report train and test separately (see the module docstring).

    Raises:
        BacktestError: an empty training set, a test set without labelled incident, or no
            metric to tune.
    """
    if not train or not any(t.incidents for t in train):
        raise BacktestError("tune: the training set is empty (no trace with a labelled incident)")
    if test and not any(t.incidents for t in test):
        names = ", ".join(t.name for t in test)
        raise BacktestError(f"tune: the test set ({names}) has no labelled incident to test on")
    rp = settings.replay
    batches = build_batches(train, rp)
    singles: list[ThresholdRule] = []
    grids: dict[tuple[str, str], list[float]] = {}
    metrics = _metrics(train)
    for metric, direction in metrics:
        levels = healthy_levels(train, metric, direction, settings.levels)
        grids[(metric, direction)] = levels
        singles += candidates(metric, direction, levels, settings.families)
    if not singles:
        raise BacktestError("tune: no metric of the training incidents is in the traces")
    t0 = time.perf_counter()
    outcomes = sweep(singles, batches, client)
    seconds = time.perf_counter() - t0
    lead, rb = rp.lead_minutes, rp.rollout.rollback_minutes
    k = settings.folds
    masks = fold_masks(batches, k)
    judged = [
        judge((_with_warning(r, grids),), o, batches, masks, lead, rb)
        for r, o in zip(singles, outcomes, strict=True)
    ]
    combos: dict[tuple[int, ...], Judged] = {}

    def best_sets(pool: Sequence[int], folds: Sequence[int]) -> list[Judged]:
        """Rule sets of the ``top_k`` best rules per metric on ``folds``, combined with OR."""
        tops: list[list[int | None]] = []
        for metric, direction in metrics:
            mine = [
                i for i in pool if (singles[i].metric, singles[i].direction) == (metric, direction)
            ]
            ok = [i for i in mine if qualifies(judged[i], folds, settings.budget)] or mine
            ok.sort(key=lambda i: worst(judged[i], folds))
            tops.append([None, *ok[: settings.top_k]])
        out = []
        for chosen in itertools.product(*tops):
            key = tuple(i for i in chosen if i is not None)
            if not key:
                continue
            if key not in combos:
                parts = [judged[i] for i in key]
                merged = combine([j.outcomes for j in parts])
                rules = tuple(r for j in parts for r in j.rules)
                combos[key] = judge(rules, merged, batches, masks, lead, rb)
            out.append(combos[key])
        return out

    every = list(range(k))
    everything = list(range(len(singles)))
    finalists = best_sets(everything, every)
    chosen, met = pick(finalists, every, settings.budget)
    ranked_by = (
        f"stage-exposure model with {rp.noise.draws} noise draws: worst-fold mean exposure-minutes "
        f"among rule sets within the budget on all {k} folds"
    )
    if replay is not None and met:
        top = sorted(
            (j for j in finalists if qualifies(j, every, settings.budget)),
            key=lambda j: worst(j, every),
        )[: settings.replay_finalists]
        if len(top) > 1 and all(r.relative is None for j in top for r in j.rules):
            chosen = _by_replay(top, train, replay)
            ranked_by = (
                f"replay model: mean failed requests of the best {len(top)} by the stage-exposure "
                "model"
            )
        elif len(top) > 1:
            ranked_by += " (not re-ranked by the replay model: relative rules among the finalists)"
    recommended = _candidate(chosen, "tuned", met, batches, rp)
    validation = validate(
        k, settings.budget, lambda folds: pick(best_sets(everything, folds), folds, settings.budget)
    )
    family_best = []
    for f in settings.families:
        mine = [i for i in everything if singles[i].family == f]
        if mine:
            best, ok = pick(best_sets(mine, every), every, settings.budget)
            family_best.append(_candidate(best, f"tuned-{f}", ok, batches, rp))
    points = [(j.score.false_rollbacks_per_100 or 0.0, j.score.blast_mean or 0.0) for j in judged]
    front = tuple(
        _candidate(judged[i], judged[i].rules[0].label(), True, batches, rp) for i in pareto(points)
    )
    picks = [recommended.rule_set, *(c.rule_set for c in family_best)]
    return TuneReport(
        recommended=recommended,
        family_best=tuple(family_best),
        front=front,
        cloud=tuple((r.family, r.metric, x, y) for r, (x, y) in zip(singles, points, strict=True)),
        n_candidates=len(singles),
        metrics=tuple(f"{m} ({d})" for m, d in metrics),
        sweep_seconds=seconds,
        budget=settings.budget,
        train=run_backtest(_measured(picks, settings.current), train, rp, replay),
        test=(run_backtest(_measured(picks, settings.current), test, rp, replay) if test else None),
        ranked_by=ranked_by,
        validation=validation,
        waits=evidence_inputs(train, settings.budget, rp.noise),
        stages=tuple((n, p) for n, p, _ in rp.rollout.stages),
        shift=_shift(recommended, train, test),
    )


def _shift(
    pick: Candidate, train: Sequence[Trace], test: Sequence[Trace]
) -> tuple[tuple[str, float], ...]:
    """How far the held-out part moved on each metric an absolute rule of ``pick`` watches (a
    canary-versus-stable rule compares with the stable version, which moves with it)."""
    if not test:
        return ()
    out: dict[str, float] = {}
    for rule in pick.rule_set.rules:
        if rule.family != "baseline" and rule.metric not in out:
            share = beyond_training(train, test, rule.metric, rule.direction)
            if share is not None:
                out[rule.metric] = share
    return tuple(out.items())


def verdict(report: TuneReport) -> dict[str, Any]:
    """Whether the recommendation holds out of sample, with intervals.

    Judged on the test set when there is one, else on the out-of-fold validation: ``holds``
    when the false-rollback rate is within the budget and so is the upper end of its 95 %
    interval; ``unconfirmed`` when the rate is within the budget but the interval is too wide to
    confirm it (too few independent deploys); ``does-not-hold`` when the rate is over the
    budget; ``not-tested`` without healthy deploys out of sample. ``holds`` is true, false or
    null (unconfirmed, not tested). A ``does-not-hold`` on the test set says when the held-out
    part moved beyond the training's range (:func:`simulations.tuning.split.beyond_training`
    over :data:`~simulations.tuning.split.SHIFTED` on a metric the pick watches).
    """
    budget = report.budget
    val = report.validation
    test = None
    if report.test is not None:
        test = next((r for r in report.test.results if r.name == "tuned"), None)
    if test is not None:
        where = "test"
        fr = test.score.false_rollbacks_per_100
        ci = test.score.false_rollbacks_ci95
        recall, recall_ci = test.score.recall, test.score.recall_ci95
    elif val is not None:
        where = "validation"
        fr, ci = val.false_rollbacks_per_100, val.false_rollbacks_ci95
        recall, recall_ci = val.recall, val.recall_ci95
    else:
        where, fr, ci, recall, recall_ci = "none", None, None, None, None
    if fr is None or ci is None:
        status, reason = "not-tested", "no healthy deploy out of sample to judge it on"
    elif fr > budget + 1e-9:
        status = "does-not-hold"
        reason = (
            f"{fr:.1f} false rollbacks per 100 deploys on the {where} set "
            f"(95 % CI {ci[0]:.1f}-{ci[1]:.1f}) exceed the budget of {budget:g}"
        )
    elif ci[1] <= budget + 1e-9:
        status = "holds"
        reason = (
            f"{fr:.1f} false rollbacks per 100 deploys on the {where} set, 95 % CI "
            f"{ci[0]:.1f}-{ci[1]:.1f}, within the budget of {budget:g}"
        )
    else:
        status = "unconfirmed"
        reason = (
            f"{fr:.1f} false rollbacks per 100 deploys on the {where} set is within the budget of "
            f"{budget:g}, but its 95 % CI reaches {ci[1]:.1f}: too few independent deploys to "
            "confirm it"
        )
    moved = [(m, s) for m, s in report.shift if s > SHIFTED]
    if status == "does-not-hold" and where == "test" and moved:
        beyond = ", ".join(
            f"{s:.0%} of its healthy {m} samples lie beyond the training's 99th percentile"
            for m, s in moved
        )
        reason += (
            f"; the held-out history moved where training never was: {beyond} (about 1 % if the "
            "level held), so no fixed threshold tuned on training can hold there; a "
            "canary-versus-stable rule (family baseline) moves with the level"
        )
    if not report.recommended.qualified:
        reason += "; " + SAFEST
    return {
        "status": status,
        "holds": {"holds": True, "does-not-hold": False}.get(status),
        "judged_on": where,
        "budget_false_rollbacks_per_100_deploys": budget,
        "false_rollbacks_per_100_deploys": fr,
        "false_rollbacks_per_100_deploys_ci95": None if ci is None else list(ci),
        "recall": recall,
        "recall_ci95": None if recall_ci is None else list(recall_ci),
        "qualified_in_training": report.recommended.qualified,
        "reason": reason,
    }


def evidence_inputs(
    traces: Sequence[Trace], budget: float, noise: SampleNoise
) -> EvidenceInputs | None:
    """The traffic and noise figures the evidence-sized waits need, from the healthy history.

    Requests per minute and error ratio are medians of the healthy samples; the latency shape is
    the noise model's; the pod variance is calibrated as the noise model does. None without a
    ``requests`` column (the traffic is then unknown). The false-rollback rate is the budget
    (per deploy), at least 0.1 per 100.
    """
    with_requests = [t for t in traces if "requests" in t.frame.columns]
    if not with_requests:
        return None
    t = max(with_requests, key=lambda x: len(x.frame))
    step = t.step.total_seconds() / 60.0
    req = healthy_values(t, "requests")
    if req is None or not np.isfinite(req).any():
        return None
    rpm = float(np.nanmedian(req)) / step
    if not rpm > 0:
        return None
    er = healthy_values(t, "error_ratio")
    p0 = float(np.nanmedian(er)) if er is not None and np.isfinite(er).any() else None
    lat = next(
        (m for m in ("latency_p95_ms", "latency_p99_ms", "latency_p50_ms") if m in t.frame.columns),
        None,
    )
    sigma = tau2 = None
    pct = 0.95
    if lat is not None:
        pct = {"latency_p50_ms": 0.5, "latency_p95_ms": 0.95, "latency_p99_ms": 0.99}[lat]
        sigma = noise.latency_sigma
        values = healthy_values(t, lat)
        tau2 = noise.pod_variance
        if tau2 is None and values is not None:
            s2 = quantile_spread(sigma, pct) ** 2
            tau2 = calibrated_pod_variance(values, s2, rpm * step)
    if p0 is None and sigma is None:
        return None  # neither an error ratio nor a latency to size the bakes by
    return EvidenceInputs(
        requests_per_minute=round(rpm, 3),
        error_ratio=None if p0 is None else float(f"{p0:.6g}"),
        latency_sigma=sigma,
        latency_percentile=pct,
        latency_pod_variance=float(f"{(tau2 or 0.0):.6g}"),
        step_minutes=step,
        false_rollback_rate=max(budget, 0.1) / 100.0,
    )
