"""Load a 1,000,000-row canonical trace from CSV and from Parquet: time and peak memory.

Targets (issue 3, dev machine): CSV < 3 s, Parquet < 0.5 s, peak RSS < 1 GiB. Each load runs in
a fresh subprocess so its peak RSS is its own (``ru_maxrss`` of the child); the figure reported is
the best of three runs for time and the largest peak RSS. The one-time imports (pandas, pyarrow)
are timed apart and not counted. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROWS = 1_000_000
TARGET_S = {"csv": 3.0, "parquet": 0.5}
TARGET_RSS_MIB = 1024.0
RUNS = 3

CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
import pyarrow.csv, pyarrow.parquet  # one-time imports, reported apart from the load
from simulations.loaders.formats.canonical import load_trace
t_import = time.perf_counter() - t0
t1 = time.perf_counter()
trace = load_trace(sys.argv[1])
elapsed = time.perf_counter() - t1
assert len(trace.frame) == int(sys.argv[2]), len(trace.frame)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "rss_mib": rss, "import_s": t_import}))
"""


MAKE = """
import sys
from pathlib import Path
from simulations.loaders.formats.canonical import write_trace
from simulations.sources.synthetic import WebServiceSpec, generate_web_service
rows, folder = int(sys.argv[1]), Path(sys.argv[2])
trace = generate_web_service(WebServiceSpec(days=rows / 1440), seed=1)
assert len(trace.frame) == rows
write_trace(trace, folder / "bench.csv")
write_trace(trace, folder / "bench.parquet")
"""


def make_files(folder: Path) -> dict[str, Path]:
    """Write a 1,000,000-row synthetic trace (1-minute steps) as CSV and Parquet.

    In a subprocess: a child's ``ru_maxrss`` starts from its parent's peak at fork time on Linux,
    so this parent must never hold the big trace itself.
    """
    subprocess.run([sys.executable, "-c", MAKE, str(ROWS), str(folder)], check=True)
    return {"csv": folder / "bench.csv", "parquet": folder / "bench.parquet"}


def measure(path: Path) -> dict[str, float]:
    """Best time and largest peak RSS of ``RUNS`` loads, each in its own interpreter."""
    results = []
    for _ in range(RUNS):
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(path), str(ROWS)],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(done.stdout))
    return {
        "seconds": min(r["seconds"] for r in results),
        "rss_mib": max(r["rss_mib"] for r in results),
        "import_s": min(r["import_s"] for r in results),
    }


def main() -> int:
    """Print the figures; return 1 if any target is missed."""
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        files = make_files(Path(tmp))
        for kind, path in files.items():
            got = measure(path)
            size = path.stat().st_size / 2**20
            ok_t = got["seconds"] < TARGET_S[kind]
            ok_m = got["rss_mib"] < TARGET_RSS_MIB
            failed |= not (ok_t and ok_m)
            print(
                f"load {kind:<8} {ROWS:,} rows ({size:.0f} MiB): {got['seconds']:.3f} s "
                f"(target < {TARGET_S[kind]} s {'ok' if ok_t else 'MISSED'}), "
                f"peak RSS {got['rss_mib']:.0f} MiB "
                f"(target < {TARGET_RSS_MIB:.0f} MiB {'ok' if ok_m else 'MISSED'}); "
                f"imports {got['import_s']:.2f} s not counted"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
