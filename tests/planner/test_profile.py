"""The service profile: defaults, parsing, and errors that name the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.paths import ROOT

from planner.exceptions import ProfileError
from planner.profile import MetricLabels, ServiceProfile, load_profile, parse_profile

SAMPLE = ROOT / "data" / "sample" / "service.yaml"


def test_empty_profile_takes_the_documented_defaults() -> None:
    profile = parse_profile({}, "p.yaml")
    assert profile.platform == "generic"
    assert profile.baseline.error_rate == 0.0005
    assert profile.timings.test == 4.0
    assert profile.deployment_name == "app" and profile.process_name == "app"


def test_bundled_sample_is_a_kubernetes_profile() -> None:
    profile = load_profile(SAMPLE)
    assert profile.platform == "kubernetes"
    assert (profile.namespace, profile.deployment_name, profile.container_name) == (
        "web",
        "api",
        "api",
    )
    assert set(profile.promql) == {"error_rate", "latency_p95", "success_rate"}
    assert profile.source == str(SAMPLE)


def test_names_default_to_the_service() -> None:
    profile = ServiceProfile(service="checkout")
    assert (profile.deployment_name, profile.container_name, profile.process_name) == (
        "checkout",
    ) * 3


def test_flag_service_template_is_kept() -> None:
    profile = parse_profile(
        {
            "feature_flag": {
                "mechanism": "flag_service",
                "command": "flagctl set {flag} {value} --pct {percent}",
            }
        }
    )
    assert profile.feature_flag.mechanism == "flag_service"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], r"p\.yaml: expected a mapping, got list"),
        ({"platfrom": "pm2"}, r"p\.yaml: platfrom: unknown field"),  # typo is an error
        (
            {"platform": "nomad"},
            r"platform: 'nomad' is not one of kubernetes, pm2, systemd, generic",
        ),
        (
            {"baseline": {"error_rate": 5}},
            r"baseline\.error_rate: 5\.0 is a ratio and must be 0 to 1",
        ),
        (
            {"baseline": {"latency_p95_ms": "fast"}},
            r"baseline\.latency_p95_ms: 'fast' must be a number",
        ),
        ({"timings": {"build": -1}}, r"timings\.build: -1 must be a number >= 0"),
        ({"timings": {"compile": 1}}, r"timings\.compile: unknown field"),
        ({"replicas": 1}, r"replicas: 1 must be an integer >= 2"),
        ({"service": ""}, r"service: '' must be a non-empty string"),
        ({"namespace": "a\nb"}, r"namespace: 'a\\nb' must be one line"),
        (
            {"feature_flag": {"mechanism": "launchdarkly"}},
            r"feature_flag\.mechanism: 'launchdarkly'",
        ),
        ({"feature_flag": {"mechanism": "flag_service"}}, r"feature_flag\.command: None must be"),
        (
            {"platform": "kubernetes", "namespace": "Web_Team"},
            r"namespace: 'Web_Team' is not a Kubernetes name \(RFC 1123 label",
        ),
        (
            {
                "platform": "kubernetes",
                "service": "api",
                "deployment": "api.v2",
                "container": "a.b",
            },
            r"container: 'a.b' is not a Kubernetes name",
        ),
        (  # the template, not the value, would decide the quoting: "'$(...)'" runs
            {"feature_flag": {"mechanism": "flag_service", "command": 'f "{flag}" {value}'}},
            r"feature_flag\.command: .*field \{flag\} is inside double quotes",
        ),
        (
            {"feature_flag": {"mechanism": "flag_service", "command": "f {flag:>999999} {value}"}},
            r"may not carry a conversion or format",
        ),
        (
            {"feature_flag": {"mechanism": "flag_service", "command": "x {flag} {value} {rm}"}},
            r"feature_flag\.command: .*unknown field \{rm\} \(expected \{flag\}",
        ),
        (
            {"feature_flag": {"command": "x {flag} {value}"}},
            r"only used with mechanism flag_service",
        ),
        ({"promql": {"error_rate": 3}}, r"promql\.error_rate: 3 must be a non-empty string"),
        ({"labels": {"verison": "v"}}, r"labels\.verison: unknown field"),
        ({"labels": {"version": "app-version"}}, r"labels\.version: 'app-version' is not a"),
        ({"labels": {"canary": "same", "stable": "same"}}, r"both are 'same'"),
        ({"mesh": "consul"}, r"mesh: 'consul' is not one of apisix, appmesh"),
    ],
)
def test_bad_profile_names_the_field(data: object, message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        parse_profile(data, "p.yaml")


def test_unreadable_profile_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"missing\.yaml: cannot read"):
        load_profile(tmp_path / "missing.yaml")


def test_label_conventions_and_mesh_are_read() -> None:
    profile = parse_profile(
        {
            "labels": {"version": "track", "canary": "next", "pod_template_hash": "rs_hash"},
            "mesh": "appmesh:v1beta2",
        },
        "p.yaml",
    )
    assert profile.labels == MetricLabels(
        version="track", canary="next", stable="stable", pod_template_hash="rs_hash"
    )
    assert profile.mesh == "appmesh:v1beta2"
    assert parse_profile({}, "p.yaml").labels == MetricLabels()
