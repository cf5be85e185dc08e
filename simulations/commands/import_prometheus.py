"""``devops-planner import-prometheus``: Prometheus range queries -> a canonical trace file."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from planner.cli import ExitStatus
from planner.commands.argtypes import finite_number

HELP = "query a Prometheus server over a time range and write a canonical trace (CSV/Parquet)"

# The column a query fills when only --metric-kind names it.
KIND_COLUMNS = {
    "error_ratio": "error_ratio",
    "error_count": "errors",
    "request_count": "requests",
    "request_rate": "request_rate",
    "latency": "latency_p95_ms",
    "saturation": "saturation",
}
_NAMED = re.compile(r"([a-z][a-z0-9_]*)=(?!=)(.+)", re.DOTALL)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``import-prometheus``."""
    parser.add_argument("--url", required=True, help="server base URL, e.g. http://host:9090")
    parser.add_argument(
        "--query",
        required=True,
        action="append",
        metavar="[COLUMN=]PROMQL",
        help="PromQL; prefix COLUMN= (a canonical column such as error_ratio) to name it; "
        "repeat for several columns",
    )
    parser.add_argument("--start", required=True, help="RFC 3339, Unix seconds or now-14d")
    parser.add_argument("--end", required=True, help="RFC 3339, Unix seconds or now")
    parser.add_argument("--step", required=True, help="evaluation step: 60s, 5m, 1h or seconds")
    parser.add_argument(
        "--metric-kind",
        choices=sorted(KIND_COLUMNS),
        help="names an unprefixed query's column: "
        + ", ".join(f"{k} -> {v}" for k, v in KIND_COLUMNS.items()),
    )
    parser.add_argument("--bearer-token-file", type=Path, help="file holding a bearer token")
    parser.add_argument("--user", help="basic-auth user name (with --password-file)")
    parser.add_argument("--password-file", type=Path, help="file holding the basic-auth password")
    parser.add_argument(
        "--timeout",
        type=finite_number(0, 3600, above=True),
        default=30.0,
        help="seconds per request",
    )
    parser.add_argument("-o", "--output", required=True, type=Path, help=".csv or .parquet")


def _columns(queries: list[str], kind: str | None) -> dict[str, str]:
    from simulations.exceptions import PrometheusError
    from simulations.traces.model import CANONICAL_METRICS

    out: dict[str, str] = {}
    for q in queries:
        match = _NAMED.fullmatch(q.strip())
        if match and match.group(1) in CANONICAL_METRICS:
            name, promql = match.group(1), match.group(2)
        elif kind is not None:
            name, promql = KIND_COLUMNS[kind], q
        else:
            raise PrometheusError(
                f"--query {q!r}: name its column (COLUMN=PROMQL with COLUMN one of "
                f"{', '.join(CANONICAL_METRICS)}) or give --metric-kind"
            )
        if name in out:
            raise PrometheusError(f"--query: column {name!r} is given twice")
        out[name] = promql
    return out


def _secret(path: Path, what: str) -> str:
    from simulations.exceptions import PrometheusError

    try:
        return path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise PrometheusError(f"{what} {path}: cannot read: {reason}") from None


def run(args: argparse.Namespace) -> int:
    """Query, repair and write the trace; print what was written and the repair report."""
    from simulations.exceptions import PrometheusError
    from simulations.loaders.formats.canonical import write_trace
    from simulations.loaders.prometheus.client import (
        PrometheusAuth,
        parse_prom_duration,
        parse_prom_time,
        prometheus_trace,
    )

    if args.output.suffix.lower() not in (".csv", ".parquet"):
        raise PrometheusError(f"-o {args.output}: expected a .csv or .parquet file")
    queries = _columns(args.query, args.metric_kind)
    auth = None
    if args.bearer_token_file is not None:
        auth = PrometheusAuth(bearer_token=_secret(args.bearer_token_file, "--bearer-token-file"))
    elif args.user is not None or args.password_file is not None:
        if args.user is None or args.password_file is None:
            raise PrometheusError("basic auth needs both --user and --password-file")
        auth = PrometheusAuth(
            username=args.user, password=_secret(args.password_file, "--password-file")
        )
    trace = prometheus_trace(
        args.url,
        queries,
        parse_prom_time(args.start),
        parse_prom_time(args.end),
        parse_prom_duration(args.step),
        auth=auth,
        timeout=args.timeout,
    )
    written = write_trace(trace, args.output)
    print(
        f"wrote {written}: {len(trace.frame)} steps of {trace.step}, "
        f"columns {', '.join(trace.frame.columns)}"
    )
    print(trace.repairs.describe())
    return ExitStatus.OK
