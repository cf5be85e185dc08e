"""The thresholds file: schema, defaults, round trip, every error message, plan monitors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.paths import ROOT

from planner.exceptions import ThresholdsError
from planner.model import Monitor
from planner.thresholds import (
    ArgoParams,
    BurnRateParams,
    FlaggerParams,
    StaticParams,
    dump_thresholds,
    format_duration,
    load_thresholds,
    monitors_from_thresholds,
    parse_duration,
    parse_thresholds,
)

DEFAULTS = ROOT / "data" / "thresholds" / "defaults.yaml"


def _one(**rule: Any) -> dict[str, Any]:
    return {"rule_sets": [{"name": "r", **rule}]}


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("90s", 1.5),  # seconds
        ("10m", 10.0),
        ("1h30m", 90.0),  # Go-style compound
        ("3d", 4320.0),
        ("500ms", 500 / 60000),
        (0, 0.0),  # the bare number zero is allowed
    ],
)
def test_parse_duration(text: Any, minutes: float) -> None:
    assert parse_duration(text, "x") == pytest.approx(minutes)


@pytest.mark.parametrize("bad", ["10", "ten minutes", "", "5 m", "-5m", 5, None, True])
def test_bad_duration_names_the_field(bad: Any) -> None:
    with pytest.raises(ThresholdsError, match=r"where\.for: .* is not a duration"):
        parse_duration(bad, "where.for")


@pytest.mark.parametrize("minutes", [0.0, 0.5, 1.0, 90.0, 1440.0, 61.0])
def test_format_duration_round_trips(minutes: float) -> None:
    assert parse_duration(format_duration(minutes), "x") == pytest.approx(minutes)


def test_defaults_file_holds_the_documented_numbers() -> None:
    t = load_thresholds(DEFAULTS)
    names = [rs.name for rs in t.rule_sets]
    assert names == [
        "reference-plan",
        "flagger-default",
        "flagger-docs-threshold-10",
        "argo-canonical",
        "sre-burn-rate",
    ]
    err, lat = t.get("reference-plan").rules
    assert (err.metric, err.warning, err.critical) == ("error_ratio", 0.002, 0.005)
    assert err.params == StaticParams(for_minutes=10.0)
    assert (lat.metric, lat.critical) == ("latency_p95_ms", 500.0)
    ok, p99 = t.get("flagger-default").rules
    assert (ok.metric, ok.direction, ok.critical) == ("success_rate", "below", 0.99)
    assert ok.params == FlaggerParams(interval_minutes=1.0, threshold=1)
    assert (p99.metric, p99.critical) == ("latency_p99_ms", 500.0)
    assert t.get("flagger-docs-threshold-10").rules[0].params == FlaggerParams(1.0, 10)
    (argo,) = t.get("argo-canonical").rules
    assert argo.critical == 0.95
    assert argo.params == ArgoParams(interval_minutes=5.0, failure_limit=3)
    (burn,) = t.get("sre-burn-rate").rules
    assert isinstance(burn.params, BurnRateParams)
    assert burn.params.slo == 0.999
    assert [(w.long_minutes, w.short_minutes, w.factor) for w in burn.params.windows] == [
        (60.0, 5.0, 14.4),
        (360.0, 30.0, 6.0),
    ]


def test_dump_then_parse_gives_the_same_rules() -> None:
    import yaml

    t = load_thresholds(DEFAULTS)
    text = dump_thresholds(t, "a header\non two lines")
    assert text.startswith("# a header\n# on two lines\n")
    again = parse_thresholds(yaml.safe_load(text), t.source)
    assert again == t


def test_family_defaults_are_the_engines() -> None:
    t = parse_thresholds(
        {
            "rule_sets": [
                {"name": "a", "family": "argo", "metric": "error_ratio", "critical": 0.01},
                {"name": "f", "family": "flagger", "metric": "error_ratio", "critical": 0.01},
                {"name": "s", "family": "static", "metric": "error_ratio", "critical": 0.01},
            ]
        }
    )
    # Argo: failureLimit 0, inconclusiveLimit 0, consecutiveErrorLimit 4; Flagger: 1m, 1.
    assert t.get("a").rules[0].params == ArgoParams(1.0, None, 0.0, 0, 0, 4)
    assert t.get("f").rules[0].params == FlaggerParams(1.0, 1)
    assert t.get("s").rules[0].params == StaticParams(0.0, 1.0)
    assert t.get("s").rules[0].warning == 0.01  # warning defaults to critical


def test_relative_rule_and_rules_list() -> None:
    t = parse_thresholds(
        {
            "rule_sets": [
                {
                    "name": "rel",
                    "rules": [
                        {
                            "family": "static",
                            "metric": "latency_p95_ms",
                            "critical": 2.0,
                            "warning": 1.5,
                            "relative": {"method": "ratio", "window": "2h"},
                            "for": "5m",
                        },
                        {
                            "family": "static",
                            "metric": "requests",
                            "direction": "below",
                            "critical": -5,
                            "warning": -3,
                            "relative": {"method": "zscore"},
                        },
                    ],
                }
            ]
        }
    )
    a, b = t.get("rel").rules
    assert a.relative is not None and a.relative.window_minutes == 120.0
    assert b.relative is not None and (b.relative.method, b.relative.window_minutes) == (
        "zscore",
        60.0,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], r"expected a mapping with 'rule_sets'"),
        ({"rule_sets": []}, r"rule_sets: expected a non-empty list"),
        ({"rule_sets": [], "extra": 1}, r"unknown top-level field 'extra'"),
        (_one(family="nagios", metric="x", critical=1), r"family: 'nagios' is not one of"),
        (
            _one(family="static", metric="x", critical=1, threshold=3),
            r"unknown field 'threshold' for family static",
        ),
        (
            _one(family="flagger", metric="x", critical=1, failureLimit=3),
            r"unknown field 'failureLimit' for family flagger",
        ),
        (
            _one(family="static", metric="e", critical=0.005, warning=0.01),
            r"warning 0.01 is looser than critical 0.005 \(direction above",
        ),
        (
            _one(family="flagger", metric="s", direction="below", critical=0.99, warning=0.98),
            r"warning 0.98 is looser than critical 0.99 \(direction below",
        ),
        (_one(family="static", metric="e", critical=1, **{"for": "10"}), r"\.for: '10' is not"),
        (
            _one(family="argo", metric="e", critical=1, interval="0s"),
            r"\.interval: '0s' must be longer than 0",
        ),
        (_one(family="static", metric="e"), r"\.critical: expected a finite number, got None"),
        (_one(family="static", metric="e", critical="high"), r"expected a finite number, got 'h"),
        (_one(family="static", metric="e", critical=float("nan")), r"finite number, got nan"),
        (_one(family="static", metric="e", critical=1, warning=float("-inf")), r"got -inf"),
        (
            _one(family="baseline", metric="e", critical=0.1, min_absolute_difference=float("nan")),
            r"min_absolute_difference: expected a number >= 0, got nan",
        ),
        (
            _one(
                family="burn_rate",
                metric="e",
                windows=[{"long": "1h", "short": "5m", "factor": float("inf")}],
            ),
            r"factor: expected a number > 0, got inf",
        ),
        (_one(family="static", critical=1), r"\.metric: expected a metric name"),
        (_one(family="static", metric="e", critical=1, direction="up"), r"'up' is not above"),
        (_one(family="static", metric="e", critical=1, scope="pod"), r"'pod' is not canary"),
        (
            _one(family="argo", metric="e", critical=1, failureLimit=-1),
            r"failureLimit: expected an integer >= 0, got -1",
        ),
        (
            _one(family="flagger", metric="e", critical=1, threshold=0),
            r"threshold: expected an integer >= 1, got 0",
        ),
        (
            _one(family="flagger", metric="e", critical=1, stepWeights=[20, 10]),
            r"stepWeights: weights must not decrease",
        ),
        (_one(family="burn_rate", metric="error_ratio", slo=99.9), r"slo: expected a fraction"),
        (
            _one(
                family="burn_rate",
                metric="error_ratio",
                windows=[{"long": "5m", "short": "1h", "factor": 2}],
            ),
            r"need 0 < short <= long",
        ),
        (
            _one(family="burn_rate", metric="error_ratio", critical=14.4),
            r"burn_rate rules set 'factor' per window",
        ),
        (
            _one(family="baseline", metric="e", critical=0.1, relative={"method": "ratio"}),
            r"a baseline rule is already relative",
        ),
        (
            _one(family="static", metric="e", critical=2, relative={"method": "mean"}),
            r"relative\.method: 'mean' is not ratio or zscore",
        ),
        (
            {"rule_sets": [{"name": "a", "family": "static", "metric": "e", "critical": 1}] * 2},
            r"rule set name 'a' appears twice",
        ),
        ({"rule_sets": [{"name": "a", "rules": []}]}, r"\.rules: expected a non-empty list"),
        ({"rule_sets": [{"family": "static"}]}, r"\.name: expected a non-empty string"),
    ],
)
def test_errors_name_field_value_and_rule(data: Any, message: str) -> None:
    with pytest.raises(ThresholdsError, match=message):
        parse_thresholds(data, "t.yaml")


def test_load_reports_the_file_on_bad_yaml(tmp_path: Path) -> None:
    bad = tmp_path / "t.yaml"
    bad.write_text("rule_sets: [\n", encoding="utf-8")
    with pytest.raises(ThresholdsError, match=r"t\.yaml:\d+: invalid YAML"):
        load_thresholds(bad)


def test_unknown_rule_set_name() -> None:
    with pytest.raises(ThresholdsError, match=r"no rule set 'x' \(has reference-plan"):
        load_thresholds(DEFAULTS).get("x")


def test_monitors_replace_defaults_and_record_the_source() -> None:
    default_err = Monitor("error_rate", "ratio", "above", 0.0005, 0.001, 0.0015, 0.005, 10.0)
    default_cpu = Monitor("cpu", "ratio", "above", 0.3, 0.5, 0.7, 0.9, 5.0)
    t = parse_thresholds(
        {
            "rule_sets": [
                {
                    "name": "tuned",
                    "rules": [
                        {
                            "family": "static",
                            "metric": "error_ratio",
                            "warning": 0.004,
                            "critical": 0.008,
                            "for": "3m",
                        },
                        {
                            "family": "flagger",
                            "metric": "latency_p95_ms",
                            "critical": 400,
                            "interval": "2m",
                            "threshold": 3,
                        },
                        {
                            "family": "argo",
                            "metric": "success_rate",
                            "direction": "below",
                            "critical": 0.97,
                            "interval": "5m",
                            "failureLimit": 1,
                            "initialDelay": "1m",
                        },
                        {"family": "burn_rate", "metric": "error_ratio"},
                    ],
                }
            ]
        },
        "tuned.yaml",
    )
    monitors = monitors_from_thresholds(t, (default_err, default_cpu))
    by_metric = {m.metric: m for m in monitors}
    assert by_metric["cpu"] == default_cpu  # not covered: kept as it was
    err = by_metric["error_rate"]  # trace name error_ratio -> plan name error_rate
    assert (err.warning, err.critical, err.for_minutes) == (0.004, 0.008, 3.0)
    assert (err.baseline, err.target, err.unit) == (0.0005, 0.001, "ratio")  # from the default
    assert err.source == "tuned.yaml#tuned"
    assert by_metric["latency_p95"].for_minutes == 6.0  # Flagger: interval x threshold
    assert by_metric["success_rate"].for_minutes == 11.0  # Argo: 1m + 5m x (1 + 1)
    assert len(monitors) == 4  # the burn-rate rule has no absolute bound


def test_plan_uses_tuned_thresholds_and_records_the_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from planner.cli import main

    tuned = tmp_path / "tuned.yaml"
    tuned.write_text(
        "rule_sets:\n- name: tuned\n  rules:\n"
        "  - {family: static, metric: error_ratio, warning: 0.003, critical: 0.008, for: 4m}\n",
        encoding="utf-8",
    )
    manifest = str(DEFAULTS.parents[1] / "sample" / "change-manifest.yaml")
    out = tmp_path / "plan.json"
    argv = ["plan", "--manifest", manifest, "--thresholds", str(tuned), "--format", "json"]
    assert main([*argv, "-o", str(out)]) == 0
    plan = json.loads(out.read_text(encoding="utf-8"))
    assert plan["thresholds_source"] == f"{tuned}#tuned"
    canary = next(s for s in plan["stages"] if s["name"] == "Canary")
    err = next(m for m in canary["monitors"] if m["metric"] == "error_rate")
    assert (err["critical"], err["warning"], err["for_minutes"]) == (0.008, 0.003, 4.0)
    assert err["source"] == f"{tuned}#tuned"
    tuned.write_text("rule_sets: [{name: t, family: nagios}]\n", encoding="utf-8")
    assert main([*argv, "-o", str(out)]) == 2
    assert "family: 'nagios' is not one of" in capsys.readouterr().err


_KEYS = st.sampled_from(
    [
        "rule_sets",
        "name",
        "rules",
        "family",
        "metric",
        "direction",
        "scope",
        "warning",
        "critical",
        "relative",
        "method",
        "window",
        "for",
        "evaluation_interval",
        "interval",
        "count",
        "initialDelay",
        "failureLimit",
        "inconclusiveLimit",
        "consecutiveErrorLimit",
        "threshold",
        "stepWeight",
        "maxWeight",
        "stepWeights",
        "slo",
        "windows",
        "long",
        "short",
        "factor",
        "severity",
        "min_absolute_difference",
        "version",
    ]
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [
            "static",
            "argo",
            "flagger",
            "burn_rate",
            "baseline",
            "above",
            "below",
            "canary",
            "fleet",
            "ratio",
            "zscore",
            "10m",
            "1h30m",
            "0s",
            "x",
            "",
        ]
    ),
)
_DOCS = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=6),
    max_leaves=25,
)


_RULES = st.lists(
    st.tuples(
        st.sampled_from(["static", "argo", "flagger", "burn_rate", "baseline"]),
        st.dictionaries(_KEYS, _DOCS, max_size=8),
    ).map(lambda fr: {**fr[1], "name": "n", "family": fr[0], "metric": "error_ratio"}),
    min_size=1,
    max_size=2,
)


@settings(max_examples=400, deadline=None)
@given(doc=_DOCS | _RULES.map(lambda rules: {"rule_sets": rules}))
def test_any_document_parses_or_raises_thresholds_error(doc: Any) -> None:
    # Whatever the YAML holds, the parser answers with rules or its own one-line error.
    import math

    try:
        t = parse_thresholds(doc, "fuzz.yaml")
    except ThresholdsError as exc:
        assert "\n" not in str(exc)
        return
    for rs in t.rule_sets:
        for rule in rs.rules:
            assert math.isfinite(rule.critical) and math.isfinite(rule.warning)
