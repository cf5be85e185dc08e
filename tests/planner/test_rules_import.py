"""``import-rules``: the engines' own documentation examples become thresholds rules.

Every expected number comes from the example's own text (Flagger: "minimum req success rate
... percentage (0-100)" min 99 is a ratio of 0.99; "maximum req duration P99 milliseconds" max
500 is 500 ms; the prometheus-operator tutorial's latency template is in seconds, so max 0.5 is
500 ms), not from running the importer. Fixtures name their source in their first lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.paths import FIXTURES

from planner.profile import MetricLabels
from planner.rules_import import import_rules, recognise_sli
from planner.rules_import.sli import QueryNotMapped
from planner.thresholds import (
    ArgoParams,
    BurnRateParams,
    FlaggerParams,
    StaticParams,
    ThresholdRule,
)

DOCS = FIXTURES / "rules_import"


def _rules(engine: str, *names: str) -> tuple[dict[str, tuple[ThresholdRule, ...]], list[str]]:
    result = import_rules(engine, [str(DOCS / n) for n in names])
    assert result.thresholds is not None, [str(n) for n in result.notes]
    sets = {rs.name: rs.rules for rs in result.thresholds.rule_sets}
    return sets, [str(n) for n in result.notes]


def _one(rules: tuple[ThresholdRule, ...], name: str) -> ThresholdRule:
    (rule,) = [r for r in rules if r.name == name]
    return rule


def test_argo_background_analysis_example() -> None:
    sets, notes = _rules("argo-rollouts", "argo-background-analysis.yaml")
    assert notes == []
    rule = _one(sets["guestbook"], "success-rate")
    # successCondition result[0] >= 0.95, interval 5m, failureLimit 3 (the page's own text)
    assert (rule.family, rule.metric, rule.direction) == ("argo", "success_rate", "below")
    assert (rule.warning, rule.critical) == (0.95, 0.95)
    assert rule.params == ArgoParams(interval_minutes=5.0, failure_limit=3)
    # destination_service=~"guestbook-svc..." selects both versions: a service-wide measure
    assert rule.scope == "fleet"


def test_argo_multiple_templates_and_inline_analysis() -> None:
    sets, _ = _rules("argo-rollouts", "argo-multiple-templates.yaml")
    rules = sets["guestbook"]
    error = _one(rules, "error-rate")
    # the documented error-rate template: successCondition result[0] <= 0.95 on a 5xx ratio
    assert (error.metric, error.direction, error.critical) == ("error_ratio", "above", 0.95)
    inline = [r for r in rules if r.name == "success-rate" and isinstance(r.params, ArgoParams)]
    once = [r for r in inline if r.params.count == 1]  # type: ignore[union-attr]
    # "since no interval is specified, the analysis will perform a single measurement"
    assert len(once) == 1


def test_argo_failure_condition_and_inconclusive_examples() -> None:
    sets, notes = _rules("argo-rollouts", "argo-failure-conditions.yaml")
    rule = _one(sets["conditions"], "success-rate")
    # successCondition >= 0.90 (warning), failureCondition < 0.50 (critical)
    assert (rule.direction, rule.warning, rule.critical) == ("below", 0.9, 0.5)
    (note,) = notes
    assert "total-errors" in note and "not a ratio" in note


def test_argo_job_metrics_are_skipped_and_nothing_left_is_an_empty_result() -> None:
    result = import_rules("argo-rollouts", [str(DOCS / "argo-job-templates.yaml")])
    assert result.thresholds is None
    notes = [str(n) for n in result.notes]
    assert len(notes) == 2
    assert all("provider job is not Prometheus" in n for n in notes)


def test_flagger_istio_tutorial_builtin_checks() -> None:
    sets, notes = _rules("flagger", "flagger-istio-builtins.yaml")
    assert notes == []
    rules = sets["podinfo"]
    success = _one(rules, "request-success-rate")
    assert (success.metric, success.direction, success.critical) == ("success_rate", "below", 0.99)
    duration = _one(rules, "request-duration")
    assert (duration.metric, duration.direction, duration.critical) == (
        "latency_p99_ms",
        "above",
        500.0,
    )
    # analysis: interval 1m, threshold 5, maxWeight 50, stepWeight 10; builtins watch the canary
    assert success.params == FlaggerParams(
        interval_minutes=1.0, threshold=5, step_weight=10.0, max_weight=50.0
    )
    assert {r.scope for r in rules} == {"canary"}


def test_flagger_prometheus_operator_tutorial_templates() -> None:
    sets, notes = _rules("flagger", "flagger-prometheus-operator.yaml")
    assert notes == []
    rules = sets["podinfo"]
    error = _one(rules, "error-rate")
    # 100 - success percentage = error percentage; max 1 (%) is an error ratio of 0.01
    assert (error.metric, error.direction, error.critical) == ("error_ratio", "above", 0.01)
    latency = _one(rules, "latency")
    # P99 of a seconds histogram; max 0.5 s is 500 ms
    assert (latency.metric, latency.critical) == ("latency_p99_ms", 500.0)
    assert error.params == FlaggerParams(interval_minutes=0.5, threshold=2)
    # job="{{ target }}-canary": the canary's own series
    assert {r.scope for r in rules} == {"canary"}


def test_flagger_metrics_page_maps_what_it_can_and_says_why_not() -> None:
    sets, notes = _rules("flagger", "flagger-metrics-docs.yaml")
    mine = sets["podinfo"]
    # "my metric": Linkerd P99 in ms with min 10 and max 1000: one rule per side
    assert sorted((r.direction, r.critical) for r in mine) == [("above", 1000.0), ("below", 10.0)]
    assert {r.metric for r in mine} == {"latency_p99_ms"}
    joined = "\n".join(notes)
    assert "404s percentage:" in joined and "does not split server errors" in joined
    assert "provider datadog is not Prometheus" in joined
    assert "grpc_server_handled_total by grpc_server_started_total" in joined
    assert len(notes) == 3


def test_prometheus_rule_file_modelled_on_the_loki_mixin() -> None:
    sets, notes = _rules("prometheus-rules", "prometheus-loki-mixin.yaml")
    (rule,) = sets["loki_alerts"]
    # 100 * 5xx / all > 10 (percent) for 15m, severity critical
    assert (rule.family, rule.metric, rule.direction, rule.critical) == (
        "static",
        "error_ratio",
        "above",
        0.1,
    )
    assert rule.params == StaticParams(for_minutes=15.0, evaluation_interval_minutes=1.0)
    assert rule.scope == "fleet"
    joined = "\n".join(notes)
    assert "LokiRequestLatency" in joined and "not a recording rule of the input files" in joined
    assert "LokiRequestPanics" in joined and "LokiTooManyCompactorsRunning" in joined


def test_a_file_of_another_engine_is_named_and_skipped() -> None:
    files = [str(DOCS / "flagger-istio-builtins.yaml"), str(DOCS / "argo-background-analysis.yaml")]
    result = import_rules("argo-rollouts", files)
    assert result.thresholds is not None
    (note,) = [str(n) for n in result.notes]
    assert note.startswith(files[0]) and "holds no argo-rollouts resource (found Canary)" in note


def test_unreadable_and_invalid_files_are_notes(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("groups: [unclosed\n", encoding="utf-8")
    result = import_rules("prometheus-rules", [str(bad), str(tmp_path / "missing.yaml")])
    assert result.thresholds is None
    notes = [str(n) for n in result.notes]
    assert notes[0].startswith(str(bad)) and "not YAML at line" in notes[0]
    assert "cannot read the file" in notes[1]


@pytest.mark.parametrize(
    ("query", "metric", "factor"),
    [
        # Prometheus histogram in seconds, our default template's x1000
        (
            "1000 * histogram_quantile(0.95, sum by (le) "
            "(rate(http_request_duration_seconds_bucket[5m])))",
            "latency_p95_ms",
            1.0,
        ),
        # the same without the factor: seconds, so 0.001 of a millisecond value
        (
            "histogram_quantile(0.99, sum by (le) (rate(x_seconds_bucket[1m])))",
            "latency_p99_ms",
            0.001,
        ),
        # Linkerd's success percentage (classification!="failure") x100
        (
            'sum(rate(response_total{classification!="failure"}[1m])) '
            "/ sum(rate(response_total[1m])) * 100",
            "success_rate",
            100.0,
        ),
        # gRPC: the codes other than OK are the failures
        (
            'sum(rate(grpc_server_handled_total{grpc_code!="OK"}[1m])) '
            "/ sum(rate(grpc_server_handled_total[1m]))",
            "error_ratio",
            1.0,
        ),
    ],
)
def test_recognised_queries(query: str, metric: str, factor: float) -> None:
    sli = recognise_sli(query)
    assert (sli.metric, sli.factor) == (metric, factor)


@pytest.mark.parametrize(
    ("query", "why"),
    [
        ('sum(rate(x{code="500"}[1m])) / sum(rate(x[1m]))', "only some server errors"),
        ('sum(rate(x{code=~"4.."}[1m])) / sum(rate(x[1m]))', "does not split server errors"),
        ("avg(up)", "not a ratio"),
        ("sum(rate(x[1m]", "not valid PromQL"),
        ("histogram_quantile(0.9, sum by (le) (rate(x_seconds_bucket[1m])))", "quantile 0.9"),
    ],
)
def test_unrecognised_queries_say_why(query: str, why: str) -> None:
    with pytest.raises(QueryNotMapped, match=why):
        recognise_sli(query)


def test_the_profile_version_label_decides_the_prometheus_scope(tmp_path: Path) -> None:
    rules: Any = {
        "groups": [
            {
                "name": "g",
                "rules": [
                    {
                        "alert": "CanaryErrors",
                        "expr": 'sum(rate(req_total{track="next",code=~"5.."}[1m])) '
                        '/ sum(rate(req_total{track="next"}[1m])) > 0.02',
                        "for": "5m",
                    }
                ],
            }
        ]
    }
    import yaml

    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(rules), encoding="utf-8")
    default = import_rules("prometheus-rules", [str(path)])
    custom = import_rules(
        "prometheus-rules", [str(path)], MetricLabels(version="track", canary="next")
    )
    assert default.thresholds is not None and custom.thresholds is not None
    assert default.thresholds.rule_sets[0].rules[0].scope == "fleet"
    assert custom.thresholds.rule_sets[0].rules[0].scope == "canary"


def test_sloth_style_burn_rate_alerts_become_one_burn_rate_rule() -> None:
    sets, notes = _rules("prometheus-rules", "prometheus-sloth-burn-rate.yaml")
    assert notes == []
    (rule,) = sets["sloth-slo-alerts-myservice-requests-availability"]
    assert (rule.family, rule.metric, rule.scope) == ("burn_rate", "error_ratio", "fleet")
    params = rule.params
    assert isinstance(params, BurnRateParams)
    assert params.slo == pytest.approx(0.999)
    # The SRE Workbook's table: page 14.4x 1h/5m and 6x 6h/30m, ticket 3x 1d/2h and 1x 3d/6h
    assert [(w.long_minutes, w.short_minutes, w.factor, w.severity) for w in params.windows] == [
        (60, 5, 14.4, "critical"),
        (360, 30, 6, "critical"),
        (1440, 120, 3, "warning"),
        (4320, 360, 1, "warning"),
    ]
