"""Incident files in YAML or CSV: round trip, defaults, and rejections naming the item."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.paths import ROOT

from simulations.exceptions import TraceError
from simulations.loaders.incidents import (
    load_incidents,
    parse_incidents_csv,
    parse_incidents_yaml,
    write_incidents,
)
from simulations.sources.synthetic import SAMPLE_SEED, generate_web_service, sample_spec
from simulations.traces.model import Incident

SAMPLE = ROOT / "data" / "sample" / "web-service-14d.incidents.yaml"


def test_sample_incidents_equal_the_generator_labels() -> None:
    assert load_incidents(SAMPLE) == generate_web_service(sample_spec(), SAMPLE_SEED).incidents


def test_yaml_round_trip(tmp_path: Path) -> None:
    incidents = (
        Incident(
            pd.Timestamp("2026-01-01T00:00Z"),
            pd.Timestamp("2026-01-01T01:00Z"),
            "high",
            "x: y",
            "errors",
        ),
        Incident(pd.Timestamp("2026-01-02T00:00Z"), pd.Timestamp("2026-01-02T00:05Z")),
    )
    assert load_incidents(write_incidents(incidents, tmp_path / "i.yaml")) == incidents


def test_plain_list_unquoted_times_naive_as_utc_and_defaults() -> None:
    text = "- start: 2026-01-01T00:00:00Z\n  end: 2026-01-01 00:30:00\n"
    (inc,) = parse_incidents_yaml(text)
    assert inc.end == pd.Timestamp("2026-01-01T00:30Z")
    assert (inc.severity, inc.cause, inc.metric) == ("unknown", "", None)


def test_csv_incidents_are_sorted(tmp_path: Path) -> None:
    path = tmp_path / "i.csv"
    path.write_text(
        "start,end,severity,cause,metric\n"
        "2026-01-02T00:00:00Z,2026-01-02T01:00:00Z,low,b,\n"
        '2026-01-01T00:00:00Z,2026-01-01T01:00:00Z,critical,"a, with comma",latency_p99_ms\n'
    )
    first, second = load_incidents(path)
    assert (first.cause, first.metric, first.severity) == (
        "a, with comma",
        "latency_p99_ms",
        "critical",
    )
    assert second.metric is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- start: 2026-01-01\n", r"i.yaml: incidents\[0\].end: missing"),
        ("- {start: 2026-01-01, end: 2025-01-01}\n", r"incidents\[0\].end: .* is not after start"),
        ("- {start: soon, end: 2025-01-01}\n", r"incidents\[0\].start: 'soon' is not an ISO 8601"),
        (
            "- {start: 2026-01-01, end: 2026-01-02, severity: dire}\n",
            r"severity: 'dire' is not one of",
        ),
        (
            "- {start: 2026-01-01, end: 2026-01-02, metric: cpu}\n",
            r"metric: column 'cpu' is not a can",
        ),
        ("- {start: 2026-01-01, end: 2026-01-02, owner: me}\n", r"unknown field 'owner'"),
        ("- 3\n", r"incidents\[0\]: expected a mapping, got 3"),
        ("just text\n", r"i.yaml: expected a list of incidents, got str"),
        ("- [unclosed\n", r"i.yaml:2: invalid YAML"),
    ],
)
def test_bad_yaml_incidents_are_rejected(text: str, message: str) -> None:
    with pytest.raises(TraceError, match=message):
        parse_incidents_yaml(text, "i.yaml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("start,end,owner\n", r"i.csv:1: unknown column 'owner'"),
        ("start,severity\n", r"i.csv:1: missing column 'end'"),
        ("start,end\n2026-01-01,2026-01-02,x\n", r"i.csv:2: more fields than the header has"),
        ("start,end\n2026-01-01,\n", r"i.csv:2.end: missing"),
    ],
)
def test_bad_csv_incidents_are_rejected(text: str, message: str) -> None:
    with pytest.raises(TraceError, match=message):
        parse_incidents_csv(text, "i.csv")


def test_empty_yaml_has_no_incidents() -> None:
    assert parse_incidents_yaml("") == () and parse_incidents_yaml("incidents:\n") == ()


def test_unreadable_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(TraceError, match=r"none.yaml: cannot read"):
        load_incidents(tmp_path / "none.yaml")


_field = st.one_of(
    st.sampled_from(
        ["2026-01-01T00:00:00Z", "2026-01-02", "high", "error_ratio", "", "9999-99-99"]
    ),
    st.text(max_size=12),
)


@settings(max_examples=150, deadline=None)
@given(
    text=st.one_of(st.text(max_size=80), st.lists(_field, max_size=10).map(lambda f: ",".join(f)))
)
def test_any_incidents_text_loads_or_raises_trace_error(text: str) -> None:
    for parse in (parse_incidents_yaml, parse_incidents_csv):
        try:
            incidents = parse(
                "start,end,severity\n" + text if parse is parse_incidents_csv else text
            )
        except TraceError:
            continue
        assert all(i.end > i.start for i in incidents)
