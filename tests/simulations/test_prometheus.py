"""Traces from a real Prometheus server: exact round trips (chunked), auth, and clear errors."""

from __future__ import annotations

import http.server
import itertools
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
from support.paths import ROOT
from support.prom import (
    PromServer,
    format_openmetrics,
    free_port,
    require_binaries,
    start_prometheus,
)

from planner.cli import main
from simulations.exceptions import PrometheusError, TraceError
from simulations.loaders.formats.canonical import load_trace
from simulations.loaders.prometheus.client import (
    PrometheusAuth,
    chunk_ranges,
    parse_prom_duration,
    parse_prom_time,
    prometheus_trace,
    query_range,
    series_name,
)

SAMPLE = ROOT / "data" / "sample" / "web-service-14d.csv"
MINUTE = pd.Timedelta(minutes=1)
PASSWORD = "s3cret"
# bcrypt (cost 4) of PASSWORD, made once with crypt.crypt(PASSWORD, mksalt(METHOD_BLOWFISH, 16))
BCRYPT = "$2b$04$6I9tHn5N3B0OlQV1dGwuBu596bwxBoyRfYQy57o0xT9SiLwSa8GcG"

pytestmark = pytest.mark.prometheus


def pods() -> tuple[pd.Series, pd.Series]:
    """Two hours of per-pod latency; pod b has NaN samples."""
    idx = pd.date_range("2026-03-02T00:00:00Z", periods=120, freq=MINUTE)
    a = pd.Series(np.linspace(100.0, 219.0, 120), index=idx)
    b = pd.Series(np.arange(120, dtype=float) / 3.0, index=idx)
    b.iloc[[5, 6, 50]] = np.nan
    return a, b


def families() -> dict[str, list[tuple[dict[str, str], pd.Series]]]:
    sample = load_trace(SAMPLE).frame
    out = {f"devops_{c}": [({"job": "web"}, sample[c])] for c in sample.columns}
    a, b = pods()
    out["devops_latency_by_pod"] = [({"pod": "a"}, a), ({"pod": "b"}, b)]
    return out


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PromServer]:
    with start_prometheus(tmp_path_factory.mktemp("prom"), format_openmetrics(families())) as s:
        yield s


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PromServer]:
    a, _ = pods()
    text = format_openmetrics({"devops_latency_p95_ms": [({}, a)]})
    web = f"basic_auth_users:\n  alice: {BCRYPT}\n"
    with start_prometheus(tmp_path_factory.mktemp("promauth"), text, web_config=web) as s:
        yield s


def test_sample_round_trips_exactly_through_chunked_queries(server: PromServer) -> None:
    expected = load_trace(SAMPLE)
    start, end = expected.frame.index[0], expected.frame.index[-1]
    assert len(chunk_ranges(start, end, MINUTE)) == 3  # 20,160 points: over the 11,000 limit
    queries = {c: f"devops_{c}" for c in expected.frame.columns}
    got = prometheus_trace(server.url, queries, start, end, MINUTE)
    pd.testing.assert_frame_equal(got.frame, expected.frame, check_exact=True, check_freq=False)
    assert got.step == MINUTE and got.repairs.gaps_filled_with_nan == 0


def test_several_series_become_labelled_columns_and_nan_survives(server: PromServer) -> None:
    a, b = pods()
    frame = query_range(server.url, "devops_latency_by_pod", a.index[0], a.index[-1], MINUTE)
    assert list(frame.columns) == [
        'devops_latency_by_pod{pod="a"}',
        'devops_latency_by_pod{pod="b"}',
    ]
    np.testing.assert_array_equal(frame.iloc[:, 0].to_numpy(), a.to_numpy())
    np.testing.assert_array_equal(frame.iloc[:, 1].to_numpy(), b.to_numpy())  # NaN == NaN here
    trace = prometheus_trace(
        server.url, {"latency_p95_ms": "devops_latency_by_pod"}, a.index[0], a.index[-1], MINUTE
    )
    assert [m.name for m in trace.metrics] == ['latency_p95_ms{pod="a"}', 'latency_p95_ms{pod="b"}']
    assert all(m.kind == "latency" for m in trace.metrics)


def test_grid_outside_the_data_is_nan(server: PromServer) -> None:
    a, _ = pods()
    start = a.index[0] - pd.Timedelta(hours=1)
    frame = query_range(server.url, 'devops_latency_by_pod{pod="a"}', start, a.index[-1], MINUTE)
    assert len(frame) == 180
    assert frame.iloc[:60, 0].isna().all() and frame.iloc[60:, 0].notna().all()


def test_cli_writes_a_canonical_trace(server: PromServer, tmp_path: Path) -> None:
    a, _ = pods()
    out = tmp_path / "t.parquet"
    status = main(
        [
            "import-prometheus",
            "--url", server.url,
            "--query", 'devops_latency_by_pod{pod="a"}',
            "--metric-kind", "latency",
            "--start", a.index[0].isoformat(),
            "--end", str(a.index[-1].value // 10**9),
            "--step", "1m",
            "-o", str(out),
        ]
    )  # fmt: skip
    assert status == 0
    assert load_trace(out).frame["latency_p95_ms"].tolist() == a.tolist()


def test_cli_needs_a_column_name(
    server: PromServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "import-prometheus",
        "--url",
        server.url,
        "--query",
        "up",
        "--start",
        "0",
        "--end",
        "60",
    ]
    assert main([*args, "--step", "60", "-o", str(tmp_path / "x.csv")]) == 2
    assert "name its column (COLUMN=PROMQL" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_bad_promql_is_reported_on_one_line(server: PromServer) -> None:
    t = pd.Timestamp("2026-03-02T00:00:00Z")
    with pytest.raises(PrometheusError, match=r"HTTP 400: bad_data: .*parse error") as info:
        query_range(server.url, "sum(", t, t + MINUTE, MINUTE)
    assert "\n" not in str(info.value)


def test_an_answer_over_the_byte_limit_is_refused_on_one_line(
    server: PromServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the real server's answer for an hour of one series is about 2 kB; the cap is 1 kB
    t = pd.Timestamp("2026-03-02T00:00:00Z")
    assert not query_range(server.url, "devops_requests", t, t + 60 * MINUTE, MINUTE).empty
    monkeypatch.setenv("DEVOPS_PLANNER_MAX_ANSWER_BYTES", "1000")
    with pytest.raises(PrometheusError, match=r"the answer over the limit of 1,000 bytes") as info:
        query_range(server.url, "devops_requests", t, t + 60 * MINUTE, MINUTE)
    assert "DEVOPS_PLANNER_MAX_ANSWER_BYTES" in str(info.value)
    assert "\n" not in str(info.value)


def test_query_without_series_is_rejected(server: PromServer) -> None:
    t = pd.Timestamp("2026-03-02T00:00:00Z")
    with pytest.raises(PrometheusError, match=r"query 'devops_nothing' for requests returned no"):
        prometheus_trace(server.url, {"requests": "devops_nothing"}, t, t + MINUTE, MINUTE)


def test_unknown_column_is_rejected(server: PromServer) -> None:
    t = pd.Timestamp("2026-03-02T00:00:00Z")
    with pytest.raises(TraceError, match="column 'cpu' is not a canonical metric"):
        prometheus_trace(server.url, {"cpu": "devops_requests"}, t, t + MINUTE, MINUTE)


def test_basic_auth(auth_server: PromServer) -> None:
    a, _ = pods()
    good = PrometheusAuth(username="alice", password=PASSWORD)
    frame = query_range(
        auth_server.url, "devops_latency_p95_ms", a.index[0], a.index[-1], MINUTE, auth=good
    )
    assert frame.iloc[:, 0].tolist() == a.tolist()
    bad = PrometheusAuth(username="alice", password="wrong")
    with pytest.raises(PrometheusError, match=r"HTTP 401 Unauthorized"):
        query_range(
            auth_server.url, "devops_latency_p95_ms", a.index[0], a.index[-1], MINUTE, auth=bad
        )


def test_connection_refused_is_one_line() -> None:
    t = pd.Timestamp("2026-03-02T00:00:00Z")
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(
        PrometheusError, match=r"^http://127\.0\.0\.1:\d+/api/v1/query_range: connection refused$"
    ):
        query_range(url, "up", t, t, MINUTE)


def test_timeout_is_reported() -> None:
    t = pd.Timestamp("2026-03-02T00:00:00Z")
    with socket.socket() as silent:  # accepts connections (backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(PrometheusError, match=r"no answer within 0\.3 s"):
            query_range(url, "up", t, t, MINUTE, timeout=0.3)


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every POST with a fixed status/body and remembers the Authorization header."""

    seen: ClassVar[list[str | None]] = []
    status = 200
    body = b'{"status":"success","data":{"resultType":"matrix","result":[]}}'

    def do_POST(self) -> None:
        type(self).seen.append(self.headers.get("Authorization"))
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(type(self).body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[str, type[_Recorder]]]:
    handler = type("Handler", (_Recorder,), {"seen": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    httpd.shutdown()
    httpd.server_close()


def test_bearer_token_is_sent(recorder: tuple[str, type[_Recorder]]) -> None:
    url, handler = recorder
    t = pd.Timestamp("2026-03-02T00:00:00Z")
    query_range(url, "up", t, t + MINUTE, MINUTE, auth=PrometheusAuth(bearer_token="tok"))
    assert handler.seen == ["Bearer tok"]


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (
            502,
            b"<html>\n<b>Bad Gateway</b>\n</html>",
            r"HTTP 502 Bad Gateway: <html> <b>Bad Gateway",
        ),
        (200, b"not json", r"the answer is not JSON"),
        (
            200,
            b'{"status":"success","data":{"resultType":"vector","result":[]}}',
            "expected resultType matrix, got 'vector'",
        ),
        (
            200,
            b'{"status":"error","errorType":"timeout","error":"query timed out"}',
            r"timeout: query timed out",
        ),
        (
            200,
            b'{"status":"success","data":{"resultType":"matrix","result":[{"values":[[1]]}]}}',
            "malformed series",
        ),
        (  # an answer nested deep (200,000 in the campaign) was a RecursionError traceback
            200,
            b'{"status":"success","data":' + b"[" * 5_000 + b"]" * 5_000 + b"}",
            r"the answer is not JSON|nested deeper than 64 levels",
        ),
        (  # a sample at an absurd time was dropped with a numpy warning, exit 0
            200,
            b'{"status":"success","data":{"resultType":"matrix","result":'
            b'[{"metric":{},"values":[[1e300,"1"]]}]}}',
            r"timestamp 1e\+300 is not a Unix time in 1970-2200",
        ),
    ],
)
def test_bad_answers_are_reported(
    recorder: tuple[str, type[_Recorder]], status: int, body: bytes, message: str
) -> None:
    url, handler = recorder
    handler.status, handler.body = status, body
    t = pd.Timestamp("2026-03-02T00:00:00Z")
    with pytest.raises(PrometheusError, match=message):
        query_range(url, "up", t, t + MINUTE, MINUTE)


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        (1, 1),  # start == end: one evaluation
        (10_000, 1),  # exactly one full chunk
        (10_001, 2),  # one more point spills over
        (20_160, 3),  # the 14-day sample at 1 minute
    ],
)
def test_chunks_cover_the_grid_without_overlap(points: int, expected: int) -> None:
    start = pd.Timestamp("2026-01-01T00:00:00Z")
    end = start + (points - 1) * MINUTE
    chunks = chunk_ranges(start, end, MINUTE)
    assert len(chunks) == expected
    assert chunks[0][0] == start and chunks[-1][1] == end
    sizes = [(b - a) // MINUTE + 1 for a, b in chunks]
    assert sum(sizes) == points and max(sizes) <= 10_000
    assert all(b2 == a1 + MINUTE for (_, a1), (b2, _) in itertools.pairwise(chunks))


def test_end_before_start_is_rejected() -> None:
    t = pd.Timestamp("2026-01-01T00:00:00Z")
    with pytest.raises(PrometheusError, match="end 2025-12-31T23:59:00"):
        chunk_ranges(t, t - MINUTE, MINUTE)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("60", 60), ("30s", 30), ("5m", 300), ("1h30m", 5400), ("1.5", 1.5), ("250ms", 0.25)],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_prom_duration(text) == pd.Timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["0", "-5", "5x", "", "m", "nan"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(PrometheusError, match="is not a positive duration"):
        parse_prom_duration(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1772409600", "2026-03-02T00:00:00Z"),
        ("2026-03-02T01:00:00+01:00", "2026-03-02T00:00:00Z"),
        ("2026-03-02 00:00:00", "2026-03-02T00:00:00Z"),
    ],
)
def test_times(text: str, expected: str) -> None:
    assert parse_prom_time(text) == pd.Timestamp(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", "2026-03-02T12:00:00Z"),
        ("now-1h30m", "2026-03-02T10:30:00Z"),
        ("now-14d", "2026-02-16T12:00:00Z"),
    ],
)
def test_relative_times(text: str, expected: str) -> None:
    assert parse_prom_time(text, now=pd.Timestamp("2026-03-02T12:00:00Z")) == pd.Timestamp(expected)


def test_now_is_the_clock_in_utc() -> None:
    before = pd.Timestamp.now(tz="UTC").floor("s")
    assert before <= parse_prom_time("now") <= pd.Timestamp.now(tz="UTC")


@pytest.mark.parametrize("text", ["yesterday", "", "1e300", "today", "now+1h"])
def test_bad_times(text: str) -> None:
    with pytest.raises(PrometheusError, match="is not RFC 3339 or Unix seconds"):
        parse_prom_time(text)


def test_series_names_are_sorted_and_quoted() -> None:
    assert series_name({"b": "2", "__name__": "up", "a": 'x"y'}) == 'up{a="x\\"y",b="2"}'
    assert series_name({}) == ""


def test_auth_must_be_one_kind() -> None:
    with pytest.raises(PrometheusError, match="not both"):
        PrometheusAuth(bearer_token="t", username="u", password="p")
    with pytest.raises(PrometheusError, match="needs both a user name and a password"):
        PrometheusAuth(username="u")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--step", "soon"], "step: 'soon' is not a positive duration"),
        (["--start", "later"], "time: 'later' is not RFC 3339 or Unix seconds"),
        (["-o", "out.json"], "expected a .csv or .parquet file"),
        (["--user", "bob"], "basic auth needs both --user and --password-file"),
        (["--bearer-token-file", "missing.tok"], "--bearer-token-file missing.tok: cannot read"),
        (["--query", "requests=a", "--query", "requests=b"], "column 'requests' is given twice"),
        ([], "connection refused"),
    ],
)
def test_cli_errors_are_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    base = {
        "--url": f"http://127.0.0.1:{free_port()}",
        "--start": "2026-03-02T00:00:00Z",
        "--end": "2026-03-02T01:00:00Z",
        "--step": "60s",
        "-o": str(tmp_path / "out.csv"),
    }
    queries = [] if "--query" in extra else ["--query", "requests=sum(rate(x_total[1m]))"]
    for key, value in zip(extra[::2], extra[1::2], strict=True):
        if key == "--query":
            queries += [key, value]
        else:
            base[key] = value
    args = [arg for pair in base.items() for arg in pair]
    assert main(["import-prometheus", *args, *queries]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(
    ("ci", "outcome"),
    [
        ("", pytest.skip.Exception),  # locally: skipped with the reason
        ("true", pytest.fail.Exception),  # under CI: a missing binary fails
    ],
)
def test_missing_binaries_skip_locally_and_fail_under_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ci: str, outcome: type[BaseException]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no prometheus, no promtool
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match=r"prometheus/promtool not installed"):
        require_binaries()
