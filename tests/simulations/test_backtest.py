"""Backtests on hand-built traces whose right answers follow from the rules' definitions."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from planner.change.model import ChangedFile, ChangeSet
from planner.model import Commit, FileRisk, Plan, Risk
from planner.plan.build import build_plan
from planner.profile import parse_profile
from planner.thresholds import RuleSet, parse_thresholds
from simulations.backtest.deploys import DeploySampling, build_batches
from simulations.backtest.exposure import DEFAULT_ROLLOUT, Rollout, latency_mixture_quantile
from simulations.backtest.firing import rule_first_alarm
from simulations.backtest.run import run_backtest, with_defaults
from simulations.detectors.base import first_alarms
from simulations.detectors.registry import build_detector, family_of
from simulations.exceptions import BacktestError
from simulations.sampling.noise import NO_NOISE
from simulations.traces.model import CANONICAL_METRICS, Incident, Trace

T0 = pd.Timestamp("2026-01-05T00:00:00Z")
# Two 30-minute stages: a deploy is one hour, healthy deploys start every hour.
SHORT = Rollout((("Canary", 10.0, 30.0), ("Full", 100.0, 30.0)), rollback_minutes=5.0)


def _at(minute: int) -> pd.Timestamp:
    return T0 + pd.Timedelta(minutes=minute)


def _trace(
    ratio: np.ndarray, incidents: tuple[tuple[int, int], ...] = (), name: str = "toy"
) -> Trace:
    index = pd.date_range(T0, periods=ratio.size, freq="1min", name="timestamp")
    frame = pd.DataFrame({"error_ratio": ratio}, index=index)
    labelled = tuple(Incident(_at(s), _at(e), metric="error_ratio") for s, e in incidents)
    return Trace(
        frame, (CANONICAL_METRICS["error_ratio"],), pd.Timedelta(minutes=1), labelled, name
    )


def _rules(**rule: Any) -> RuleSet:
    base = {"name": "r", "family": "static", "metric": "error_ratio", "scope": "canary"}
    return parse_thresholds({"rule_sets": [base | rule]}).rule_sets[0]


def _one(rule_set: RuleSet, traces: list[Trace], rollout: Rollout = SHORT, **kw: Any) -> Any:
    settings = DeploySampling(rollout, stride_minutes=rollout.duration_minutes, **kw)
    return run_backtest([(rule_set, "file")], traces, settings).results[0]


def test_step_of_two_percent_fires_eleven_minutes_after_onset() -> None:
    # 2 % errors from minute 100 to 160. Threshold 0.5 % for 10m, evaluated every minute:
    # sample 100 is seen at minute 101 (pending), the alert fires 10 minutes later at 111,
    # i.e. at minute 110 + one evaluation interval.
    ratio = np.full(600, 0.001)
    ratio[100:160] = 0.02
    result = _one(
        _rules(critical=0.005, **{"for": "10m"}), [_trace(ratio, ((100, 160),))], DEFAULT_ROLLOUT
    )
    s = result.score
    assert s.detection_p50 == s.detection_p95 == 11.0
    assert s.recall == 1.0 and s.precision == 1.0
    assert result.missed == () and result.false_alarms == ()


def test_blast_radius_is_exposure_times_minutes_to_restore() -> None:
    # Canary-scope detection after 11 minutes, traffic back 5 minutes later: 16 minutes at the
    # stage's exposure: 10 % in Canary (1.6), 50 % in Partial (8), 100 % in Full (16).
    ratio = np.full(2000, 0.001)
    ratio[1000:1100] = 0.02
    result = _one(
        _rules(critical=0.005, **{"for": "10m"}), [_trace(ratio, ((1000, 1100),))], DEFAULT_ROLLOUT
    )
    assert result.score.incident_replays == 3
    assert result.score.blast_p50 == pytest.approx(8.0)
    assert result.score.blast_mean == pytest.approx((1.6 + 8.0 + 16.0) / 3)


def test_fleet_scope_misses_the_canary_stage_where_the_mix_stays_under_the_bound() -> None:
    # Fleet error ratio at 10 % exposure: 0.1 x 2 % + 0.9 x 0.1 % = 0.29 % < 0.5 %: missed.
    # At 50 %: 1.05 % and at 100 %: 2 %: caught.
    ratio = np.full(2000, 0.001)
    ratio[1000:1100] = 0.02
    result = _one(
        _rules(critical=0.005, scope="fleet", **{"for": "10m"}),
        [_trace(ratio, ((1000, 1100),))],
        DEFAULT_ROLLOUT,
    )
    assert result.score.recall == pytest.approx(2 / 3)
    (missed,) = result.missed
    assert missed["missed_in_stages"] == ["Canary"]
    assert missed["start"] == _at(1000).isoformat()
    # Missed in Canary: the whole 100-minute incident at 10 % exposure.
    assert result.score.blast_p95 > 9.9


def test_a_healthy_trace_gives_no_false_alarm_for_a_generous_threshold() -> None:
    rng = np.random.default_rng(7)
    ratio = np.clip(rng.normal(0.001, 0.0003, 3000), 0, None)
    ratio[2800:2830] = 0.05  # one labelled incident so the backtest has something to find
    result = _one(_rules(critical=0.01, **{"for": "2m"}), [_trace(ratio, ((2800, 2830),))])
    assert result.score.healthy_deploys > 40
    assert result.score.false_rollbacks_per_100 == 0.0
    assert result.false_alarms == ()


def test_precision_recall_and_false_rollbacks_on_a_hand_labelled_toy() -> None:
    # One day at 1 min; 1-hour deploys every hour (24 starts). A 2 % incident at 300-340
    # (caught), a 0.3 % one at 900-940 (under the 0.5 % bound: missed) and an unlabelled 1 %
    # spike at 1200-1215 (a false rollback). Healthy deploys overlapping an incident, its 15-min
    # lead or 60-min horizon are dropped: starts 240, 300, 360 and 840, 900, 960, leaving 18.
    ratio = np.full(1440, 0.001)
    ratio[300:340] = 0.02
    ratio[900:940] = 0.003
    ratio[1200:1215] = 0.01
    result = _one(
        _rules(critical=0.005, **{"for": "5m"}), [_trace(ratio, ((300, 340), (900, 940)))]
    )
    s = result.score
    assert s.incident_replays == 4  # two incidents x two stages
    assert s.recall == 0.5  # the big one in both stages, the small one in neither
    assert s.precision == pytest.approx(2 / 3)  # two catches, one false alarm
    assert s.healthy_deploys == 18
    assert s.false_rollbacks_per_100 == pytest.approx(100 / 18)
    assert s.detection_p50 == 6.0  # for 5m: breach seen at +1, fires 5 minutes later
    (false,) = result.false_alarms
    assert false["kind"] == "healthy-deploy"
    assert false["deploy_start"] == _at(1200).isoformat()
    assert false["alarm"] == _at(1206).isoformat()
    assert [m["start"] for m in result.missed] == [_at(900).isoformat()]


def test_alarm_within_the_lead_counts_and_earlier_is_a_false_alarm() -> None:
    # Errors rise at minute 490; the incident is labelled from 500. The Full-stage replay starts
    # 30 minutes before the onset (at 470) and, with for 0s, alarms at 491: 9 minutes early. The
    # Canary replay starts at the onset and alarms at 501 (+1).
    ratio = np.full(1000, 0.001)
    ratio[490:560] = 0.02
    trace = _trace(ratio, ((500, 560),))
    caught = _one(_rules(critical=0.005), [trace], lead_minutes=15.0)
    assert caught.score.recall == 1.0
    assert caught.score.detection_p50 == pytest.approx((-9.0 + 1.0) / 2)
    # With lead 5m the alarm at 491 is earlier than 495: a false alarm before the incident.
    early = _one(_rules(critical=0.005), [trace], lead_minutes=5.0)
    assert early.score.recall == 0.5
    assert [f["kind"] for f in early.false_alarms] == ["before-incident"]
    assert early.missed[0]["missed_in_stages"] == ["Full"]
    # That rollback restored traffic at 496, before the onset: nothing served. The Canary
    # replay served 6 minutes (501 + 5 - 500) at 10 %: 0.6. Mean 0.3.
    assert early.score.blast_mean == pytest.approx(0.3)


def test_traffic_drop_is_caught_with_direction_below() -> None:
    index = pd.date_range(T0, periods=1500, freq="1min", name="timestamp")
    requests = np.full(1500, 1000.0)
    requests[700:760] = 300.0
    frame = pd.DataFrame({"requests": requests}, index=index)
    trace = Trace(
        frame,
        (CANONICAL_METRICS["requests"],),
        pd.Timedelta(minutes=1),
        (Incident(_at(700), _at(760), metric="requests"),),
        "drop",
    )
    # A ratio to the trailing hour's median works at any exposure: 0.3 < 0.5 in every stage.
    rule = _rules(
        metric="requests",
        direction="below",
        critical=0.5,
        relative={"method": "ratio", "window": "1h"},
        **{"for": "3m"},
    )
    result = _one(rule, [trace])
    assert result.score.recall == 1.0
    assert result.score.detection_p50 == 4.0
    assert result.score.false_rollbacks_per_100 == 0.0


def test_defaults_are_measured_beside_the_users_rules() -> None:
    names = [
        rs.name for rs, origin in with_defaults([_rules(critical=0.01)]) if origin == "defaults"
    ]
    assert names == [
        "reference-plan",
        "flagger-default",
        "flagger-docs-threshold-10",
        "argo-canonical",
        "sre-burn-rate",
    ]


def test_a_default_name_taken_by_the_user_is_renamed_unless_identical() -> None:
    from simulations.backtest.run import load_defaults

    mine = _rules(critical=0.01)
    clash = RuleSet("reference-plan", mine.rules)
    names = [rs.name for rs, _ in with_defaults([clash])]
    assert names[:3] == ["reference-plan", "defaults/reference-plan", "flagger-default"]
    same = load_defaults().get("reference-plan")
    assert [rs.name for rs, _ in with_defaults([same])].count("reference-plan") == 1


def test_a_rule_on_a_missing_metric_is_reported_not_evaluated() -> None:
    ratio = np.full(600, 0.001)
    ratio[300:330] = 0.02
    result = _one(_rules(metric="latency_p99_ms", critical=500), [_trace(ratio, ((300, 330),))])
    assert result.not_evaluated == ("toy",)
    assert result.rules_not_evaluated == (("static latency_p99_ms > 500 for 0s", ("toy",)),)
    # It cannot watch the trace: "not applicable" there, not a recall of 0 (issue 15).
    assert not result.score.applicable
    assert result.score.incident_replays == 0 and result.score.recall is None
    assert result.missed == () and result.score.blast_p50 is None
    assert result.to_dict()["applicable"] is False


def test_labels_outside_the_trace_are_rejected() -> None:
    trace = _trace(np.full(100, 0.001), ((90, 130),))
    with pytest.raises(BacktestError, match=r"incident .* lies outside the trace"):
        build_batches([trace], DeploySampling(SHORT))


def test_no_labelled_incident_is_an_error() -> None:
    with pytest.raises(BacktestError, match=r"no labelled incident"):
        run_backtest(
            [(_rules(critical=0.01), "file")], [_trace(np.full(100, 0.001))], DeploySampling(SHORT)
        )


@pytest.mark.parametrize("share", [0.0, 0.1, 0.5, 1.0])
def test_fleet_latency_is_the_quantile_of_the_mixture(share: float) -> None:
    # With both versions at the same p95 the mixture's p95 is that value; with share 0 or 1 it
    # is the stable's or the new version's; in between it lies between them.
    same = latency_mixture_quantile(np.array([200.0]), np.array([200.0]), np.array([share]), 0.95)
    assert same[0] == pytest.approx(200.0, rel=1e-6)
    mixed = latency_mixture_quantile(np.array([1000.0]), np.array([200.0]), np.array([share]), 0.95)
    if share in (0.0, 1.0):
        assert mixed[0] == pytest.approx(200.0 if share == 0 else 1000.0, rel=1e-6)
    else:
        assert 200.0 < mixed[0] < 1000.0
        # Not the average of percentiles: 10 % of slow traffic already lifts p95 well past it.
        assert mixed[0] != pytest.approx(share * 1000 + (1 - share) * 200, rel=0.01)


def test_fleet_scope_latency_equals_the_trace_where_both_versions_agree() -> None:
    from simulations.backtest.exposure import in_scope

    new = np.array([[200.0, 900.0, np.nan, 300.0]])
    old = np.array([[200.0, 200.0, 250.0, np.nan]])
    seen = in_scope("latency_p95_ms", "fleet", new, old, np.array([0.5, 0.5, 0.5, 0.5]))
    assert seen[0, 0] == 200.0  # same on both sides: no mixing needed
    assert 200.0 < seen[0, 1] < 900.0
    assert np.isnan(seen[0, 2]) and np.isnan(seen[0, 3])  # no data on either side: no data
    canary = in_scope("latency_p95_ms", "canary", new, old, np.array([0.5] * 4))
    assert canary[0, 1] == 900.0  # the canary sees the new version alone


@pytest.mark.parametrize(
    "rule",
    [
        {"family": "flagger", "critical": 0.004, "interval": "5m", "threshold": 2},
        {"family": "argo", "critical": 0.004, "interval": "5m", "failureLimit": 1},
        {"family": "argo", "critical": 0.004, "interval": "5m", "initialDelay": "5m"},
        {"family": "baseline", "critical": 0.5, "interval": "5m"},
        {"family": "static", "critical": 0.004, "for": "5m"},
    ],
    ids=["flagger", "argo", "argo-delayed", "baseline", "static"],
)
def test_judging_in_blocks_equals_judging_every_step(rule: dict[str, Any]) -> None:
    # The family's block_minutes lets the backtest judge a latched rule that evaluates every
    # interval over the last interval on interval-long blocks; the first alarm must be the one
    # the detector gives step by step on the same samples.
    rng = np.random.default_rng(7)
    ratio = np.clip(0.002 + 0.0015 * rng.standard_normal(2000), 0, None)
    ratio[900:960] = 0.02
    trace = _trace(ratio, ((900, 960),))
    rules = _rules(**rule)
    (r,) = rules.rules
    blocks = family_of(r.params).block_minutes(r.params)
    assert (blocks is None) == (rule["family"] == "static" or "initialDelay" in rule)
    settings = DeploySampling(SHORT, stride_minutes=20.0, noise=NO_NOISE)
    firsts, steps = [], []
    for batch in build_batches([trace], settings):
        firsts.append(rule_first_alarm(r, batch)[0])
        obs, _ = batch.observed(r.metric, r.scope, "", 0)
        step = first_alarms(build_detector(r, batch.step_minutes), obs)
        steps.append(np.where(step < batch.length, step, -1))
    first, step = np.concatenate(firsts), np.concatenate(steps)
    assert (first >= 0).any() and (first < 0).any()  # the comparison is not vacuous
    assert np.array_equal(first, step)


def _planned(level: str) -> Plan:
    """The planner's plan for a one-file change at overall risk ``level`` (no flag: all stages)."""
    files = (ChangedFile("src/app.py", "modified", 3, 1),)
    change = ChangeSet(
        "git",
        files,
        repo="/srv/app",
        base="b" * 40,
        head="2" * 40,
        commits=(Commit("2" * 40, "change"),),
        service="app",
        repo_files=("pyproject.toml", "src/app.py"),
    )
    risk = Risk(
        level,  # type: ignore[arg-type]
        5,
        (FileRisk("src/app.py", "modified", level, ("rule",), categories=("source",)),),  # type: ignore[arg-type]
    )
    profile = parse_profile({"platform": "kubernetes", "namespace": "shop", "service": "app"})
    return build_plan(change, risk, profile)


def test_the_default_rollout_is_the_planners_reference_stages() -> None:
    # The backtest's default rollout is the planner's traffic stages at their minimum waits
    # before the risk adjustments: the canary's and partial's of a MEDIUM plan (the reference's
    # 2 h and 4 h) and the full rollout's 24 h watch of a HIGH plan.
    medium = Rollout.from_plan(_planned("MEDIUM")).stages
    high = Rollout.from_plan(_planned("HIGH")).stages
    assert [(n, p) for n, p, _ in DEFAULT_ROLLOUT.stages] == [(n, p) for n, p, _ in medium]
    assert [(n, p) for n, p, _ in high] == [(n, p) for n, p, _ in medium]
    canary, partial, full = (bake for _, _, bake in DEFAULT_ROLLOUT.stages)
    assert (canary, partial) == (medium[0][2], medium[1][2]) == (120.0, 240.0)
    assert full == high[2][2] == 1440.0
