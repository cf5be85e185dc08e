"""Tune rollback rules: sweep each family's parameters, keep the Pareto front, recommend a set.

The sweep (:func:`sweep`) judges every candidate rule (:mod:`simulations.tuning.space`) on the
training deploys, vectorised over deploys and steps (one detector call per candidate and batch);
with a ``dask.distributed`` client the candidates are split into chunks run on the cluster. Each
candidate keeps its first alarm per deploy, so rule sets (one rule per metric, combined with OR)
are scored without running a detector again (:func:`combine`).

Objective: the least expected (mean) blast radius subject to false rollbacks per 100 healthy
deploys at or under the budget, measured with the stage-exposure model; with a replay request
the best few rule sets are then replayed through the SimPy replay model and the one with the
least mean failed requests is recommended. The recommendation and each family's best are then
backtested beside the defaults on the training set and, separately, on the test set.
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
from simulations._types import Direction
from simulations.backtest.deploys import DeployBatch, DeploySampling, build_batches
from simulations.backtest.firing import observed_key, rule_first_alarm
from simulations.backtest.replay import ReplayRequest, replay_rule_set
from simulations.backtest.run import BacktestReport, run_backtest, with_defaults
from simulations.backtest.scoring import Outcome, Score, score
from simulations.exceptions import BacktestError
from simulations.traces.model import CANONICAL_METRICS, Trace
from simulations.traces.series import healthy_values, incident_steps, trace_series
from simulations.tuning._malloc import reuse_freed_memory
from simulations.tuning.space import FAMILY_NAMES, candidates, healthy_levels

__all__ = ["Candidate", "TuneReport", "TuneSettings", "combine", "pareto", "sweep", "tune"]


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


@dataclass(frozen=True)
class Candidate:
    """A rule set judged on the training deploys."""

    rule_set: RuleSet
    score: Score

    def within(self, budget: float) -> bool:
        fr = self.score.false_rollbacks_per_100
        return fr is not None and fr <= budget + 1e-9

    def row(self) -> dict[str, Any]:
        s = self.score
        return {
            "name": self.rule_set.name,
            "rules": [r.label() for r in self.rule_set.rules],
            "false_rollbacks_per_100_deploys": s.false_rollbacks_per_100,
            "blast_radius_mean": s.blast_mean,
            "blast_radius_p95": s.blast_p95,
            "recall": s.recall,
            "precision": s.precision,
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

    def thresholds(self, source: str) -> Thresholds:
        """The recommended rule set first, then each family's best."""
        return Thresholds(
            (self.recommended.rule_set, *(c.rule_set for c in self.family_best)), source
        )

    def to_dict(self) -> dict[str, Any]:
        """The ``--report`` document; no wall-clock figure, so same inputs give the same bytes."""
        return {
            "budget_false_rollbacks_per_100_deploys": self.budget,
            "candidates": self.n_candidates,
            "metrics": list(self.metrics),
            "recommended": self.recommended.row()
            | {"within_budget": self.recommended.within(self.budget), "ranked_by": self.ranked_by},
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


def _ranked(cands: Sequence[Candidate], budget: float) -> list[Candidate]:
    """Candidates within the budget by mean blast radius (ties: precision); if none is, the one
    with the fewest false rollbacks."""
    ok = [c for c in cands if c.within(budget)]
    pool = ok or sorted(cands, key=lambda c: c.score.false_rollbacks_per_100 or 0.0)[:1]
    return sorted(pool, key=lambda c: (c.score.blast_mean or 0.0, -(c.score.precision or 0.0)))


def _best(cands: Sequence[Candidate], budget: float) -> Candidate:
    return _ranked(cands, budget)[0]


def _by_replay(
    finalists: Sequence[Candidate], train: Sequence[Trace], replay: ReplayRequest
) -> Candidate:
    """The finalist with the least mean failed requests in the SimPy replay model."""

    def cost(c: Candidate) -> float:
        summary = replay_rule_set(c.rule_set, train, replay)
        mean = None if summary is None else summary.get("failed_requests_mean")
        return float("inf") if mean is None else float(mean)

    costs = [cost(c) for c in finalists]
    return finalists[int(np.argmin(costs))]


def _measured(picks: Sequence[RuleSet], current: Sequence[RuleSet]) -> list[tuple[RuleSet, str]]:
    """The picks, then the rules a team runs today (origin ``current``), then the defaults."""
    out = with_defaults(picks)
    mine = sum(1 for _, origin in out if origin == "file")
    return [*out[:mine], *((rs, "current") for rs in current), *out[mine:]]


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
    judged = [
        (r, o, Candidate(RuleSet(r.label(), (r,)), score(batches, o, lead, rb)))
        for r, o in zip(singles, outcomes, strict=True)
    ]

    def best_set(
        pool: Sequence[tuple[ThresholdRule, list[Outcome], Candidate]], name: str
    ) -> list[Candidate]:
        tops = []
        for metric, direction in metrics:
            mine = [j for j in pool if (j[0].metric, j[0].direction) == (metric, direction)]
            ok = [j for j in mine if j[2].within(settings.budget)] or mine
            ok.sort(key=lambda j: (j[2].score.blast_mean or 0.0, -(j[2].score.precision or 0.0)))
            tops.append([None, *ok[: settings.top_k]])
        combos = []
        for pick in itertools.product(*tops):
            chosen = [j for j in pick if j is not None]
            if not chosen:
                continue
            rules = tuple(_with_warning(j[0], grids) for j in chosen)
            s = score(batches, combine([j[1] for j in chosen]), lead, rb)
            combos.append(Candidate(RuleSet(name, rules, "tuned by devops-planner tune"), s))
        return combos

    ranked_by = "stage-exposure model: mean exposure-minutes"
    finalists = _ranked(best_set(judged, "tuned"), settings.budget)
    recommended = finalists[0]
    top = finalists[: settings.replay_finalists]
    replayable = all(r.relative is None for c in top for r in c.rule_set.rules)
    if replay is not None and len(top) > 1 and replayable:
        recommended = _by_replay(top, train, replay)
        ranked_by = (
            f"replay model: mean failed requests of the best {len(top)} by the stage-exposure model"
        )
    elif replay is not None and len(top) > 1:
        ranked_by += " (not re-ranked by the replay model: relative rules among the finalists)"
    family_best = tuple(
        _best(best_set([j for j in judged if j[0].family == f], f"tuned-{f}"), settings.budget)
        for f in settings.families
        if any(j[0].family == f for j in judged)
    )
    points = [
        (c.score.false_rollbacks_per_100 or 0.0, c.score.blast_mean or 0.0) for _, _, c in judged
    ]
    front = tuple(judged[i][2] for i in pareto(points))
    picks = [recommended.rule_set, *(c.rule_set for c in family_best)]
    return TuneReport(
        recommended=recommended,
        family_best=family_best,
        front=front,
        cloud=tuple(
            (r.family, r.metric, x, y) for (r, _, _), (x, y) in zip(judged, points, strict=True)
        ),
        n_candidates=len(singles),
        metrics=tuple(f"{m} ({d})" for m, d in metrics),
        sweep_seconds=seconds,
        budget=settings.budget,
        train=run_backtest(_measured(picks, settings.current), train, rp, replay),
        test=(run_backtest(_measured(picks, settings.current), test, rp, replay) if test else None),
        ranked_by=ranked_by,
    )
