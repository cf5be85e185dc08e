"""Report speed: the scheduled report end to end, and each notebook alone, on the sample data.

Targets (2-core dev machine): ``devops-planner report`` on the bundled sample (papermill run of
``04-rollout-report.ipynb``, HTML page, summary, index) in under 60 s, and every notebook in
under 60 s, so ``make test`` (which executes them all) stays far inside CI's 90 minutes.
Exits 1 when a target is missed.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import papermill

from simulations.paths import notebooks_dir
from simulations.reporting.run import ReportRequest, run_report

TARGET_S = 60.0
# Sliders are for JupyterLab; the papermill runs measure the computation.
NO_SLIDERS = {"02-replay-rollout.ipynb", "03-tune-thresholds.ipynb"}


def main() -> int:
    missed = 0
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        result = run_report(ReportRequest(out_dir=Path(tmp) / "reports", name="bench"))
        seconds = time.perf_counter() - t0
        size = result.html.stat().st_size / 1024
        print(f"report (04 + HTML + index): {seconds:6.1f} s  page {size:,.0f} KiB")
        missed += seconds > TARGET_S
        for notebook in sorted(notebooks_dir().glob("*.ipynb")):
            params = {"interactive": False} if notebook.name in NO_SLIDERS else {}
            t0 = time.perf_counter()
            papermill.execute_notebook(
                str(notebook),
                str(Path(tmp) / notebook.name),
                parameters=params,
                kernel_name="python3",
                cwd=str(notebook.parent),
                progress_bar=False,
            )
            seconds = time.perf_counter() - t0
            print(f"{notebook.name:28s} {seconds:6.1f} s")
            missed += seconds > TARGET_S
    print(f"target: each under {TARGET_S:.0f} s: {'MISSED' if missed else 'met'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
