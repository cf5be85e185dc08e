"""The notebook report: papermill run, HTML page, index, failure safety, a browser's view."""

from __future__ import annotations

import ast
import html
import json
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import matplotlib.image
import nbformat
import numpy as np
import papermill
import pytest
from support.paths import PLAN_FIXTURE

from planner.cli import main
from simulations.exceptions import ReportError, ReportExecutionError
from simulations.paths import repo_root
from simulations.reporting.index import scan_reports
from simulations.reporting.run import ReportRequest, ReportResult, run_report

ROOT = repo_root()
NOTEBOOKS = ROOT / "notebooks"
FIXTURE_PLAN = PLAN_FIXTURE


def committed_text(path: Path) -> str:
    """``path`` as committed at HEAD; its working copy outside a git checkout (an sdist)."""
    import subprocess

    rel = path.relative_to(ROOT).as_posix()
    done = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"HEAD:{rel}"], capture_output=True, text=True
    )
    if done.returncode == 0:
        return done.stdout
    inside = subprocess.run(["git", "-C", str(ROOT), "rev-parse"], capture_output=True)
    assert inside.returncode != 0, f"{rel} is not committed: {done.stderr.strip()}"
    return path.read_text(encoding="utf-8")


DAY = date(2026, 1, 6)

# The plan parameters shared by 01 and 04, with their bundled defaults.
PLAN_PARAMETERS = {
    "manifest_path": "data/sample/change-manifest.yaml",
    "repo": "",
    "base": "",
    "head": "HEAD",
    "plan_path": "",
    "service_path": "data/sample/service.yaml",
    "calendar_path": "data/sample/calendar.yaml",
    "start": "",
}
# The replay parameters of 02 and 04.
REPLAY_PARAMETERS = {
    "trace_path": "data/sample/web-service-14d.csv",
    "labels_path": "",
    "metric": "error_ratio",
    "detectors": ["static"],
    "response": "human",
    "runs": 200,
    "seed": 0,
}
# notebook -> its parameters and their defaults, exactly (papermill.inspect_notebook).
EXPECTED_PARAMETERS = {
    "01-explore-plan.ipynb": PLAN_PARAMETERS,
    "02-replay-rollout.ipynb": PLAN_PARAMETERS | REPLAY_PARAMETERS | {"interactive": True},
    "03-tune-thresholds.ipynb": {
        "trace_path": "data/sample/web-service-14d.csv",
        "labels_path": "",
        "split_at": "auto",
        "false_rollback_budget": 1.0,
        "lead_minutes": 15.0,
        "rollback_minutes": 5.0,
        "deploy_every_minutes": 120.0,
        "metric": "error_ratio",
        "threshold": 0.005,
        "sustain_minutes": 10.0,
        "interactive": True,
    },
    "04-rollout-report.ipynb": PLAN_PARAMETERS
    | REPLAY_PARAMETERS
    | {"trace_format": "auto", "split_at": "auto", "false_rollback_budget": 1.0},
}
# Section headings the report page must show, in this order.
SECTIONS = (
    "Rollout report",
    "Verdict",
    "Risk",
    "Failure modes",
    "Rollout stages",
    "Rollback",
    "Replay of past incidents",
    "Rollback thresholds against history",
    "Appendix",
)


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> ReportResult:
    """One report on the fixture plan, run once for the module (a kernel start costs seconds)."""
    out = tmp_path_factory.mktemp("reports")
    parameters = {"plan_path": str(FIXTURE_PLAN), "start": "2026-01-06T10:00"}
    request = ReportRequest(out_dir=out, name="checkout-v2", date=DAY, parameters=parameters)
    return run_report(request)


@pytest.mark.parametrize("name", sorted(EXPECTED_PARAMETERS))
def test_notebook_declares_its_parameters_with_bundled_defaults(name: str) -> None:
    found = papermill.inspect_notebook(str(NOTEBOOKS / name))
    defaults = {k: ast.literal_eval(v["default"]) for k, v in found.items()}
    assert defaults == EXPECTED_PARAMETERS[name]
    for key, value in defaults.items():
        if key.endswith("_path") and value:
            assert (ROOT / value).is_file(), f"{name}: default {key}={value} is not bundled"


def test_every_notebook_has_expected_parameters_listed() -> None:
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == sorted(EXPECTED_PARAMETERS)


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_notebook_is_committed_stripped_thin_and_parameterised(path: Path) -> None:
    # what is committed (the working copy may hold outputs JupyterLab saved: the nbstripout
    # filter that `make` installs strips them when they are staged)
    nb = nbformat.reads(committed_text(path), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code), "outputs not stripped"
    assert "widgets" not in nb.metadata, "widget state not stripped"
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0] <= 2, "exactly one parameters cell near the top"
    assert nb.cells[tagged[0]].cell_type == "code"
    for cell in code:
        assert not re.search(r"^\s*(async\s+)?(def|class)\s", cell.source, re.M), cell.source
    assert re.match(r"^\d\d-[a-z0-9-]+\.ipynb$", path.name)


def test_report_folder_holds_notebook_page_and_summary(good: ReportResult) -> None:
    assert good.folder == good.html.parent
    assert good.folder.name == "2026-01-06-checkout-v2"
    assert sorted(p.name for p in good.folder.iterdir()) == [
        "report.html",
        "report.ipynb",
        "summary.json",
    ]
    summary = json.loads((good.folder / "summary.json").read_text())
    # the fixture plan: HIGH overall, complexity 42, one file
    assert {k: summary.pop(k) for k in ("feature", "service", "overall_risk", "complexity")} == {
        "feature": "checkout-v2",
        "service": "checkout",
        "overall_risk": "HIGH",
        "complexity": 42,
    }
    assert summary.pop("files") == 1
    # the sample trace's incidents raise the error ratio well past the plan's 0.5 %: some
    # requests fail before the rollback, and a rollback takes minutes
    assert summary.pop("p95_blast_radius") > 0
    assert 0 < summary.pop("p95_time_to_rollback_minutes") < 24 * 60
    # the verdict figures: shares of runs, the interval around the detected share
    detected, (low, high) = summary.pop("detected_fraction"), summary.pop("detected_fraction_ci95")
    assert 0 <= low <= detected <= high <= 1
    assert 0 <= summary.pop("false_rollback_fraction") <= 1
    assert summary.pop("verdict") in ("ready", "review", "not ready")
    assert summary.pop("tuned_holds") in (True, False)  # the sample trace is split: tested
    assert summary.pop("history") == "sample"
    assert summary == {}
    assert not [p for p in good.folder.parent.iterdir() if p.name.startswith(".")], "temp left"


def test_report_page_has_sections_images_and_no_errors_or_code(good: ReportResult) -> None:
    page = good.html.read_text(encoding="utf-8")
    headings = re.findall(r"<h[12][^>]*>(.*?)<", page)
    assert [h for h in headings if h in SECTIONS] == list(SECTIONS)
    # risk bars, stage timeline, replayed run, distributions, Pareto front
    assert page.count("data:image/png;base64,") >= 5
    text = html.unescape(re.sub(r"<[^>]+>", "", page))  # what a reader sees
    assert "src/payments/charge.py" in text and "git revert --no-edit abc" in text
    # the footer says where the page came from: notebook and injected parameters
    assert re.search(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d UTC by devops-planner report", text)
    assert f"plan_path = '{FIXTURE_PLAN}'" in text
    assert "Traceback" not in page
    # numbers a board member can read: no NaN/None, no four-decimal minutes, requests or ms
    shown = re.sub(r"<(style|script)\b.*?</\1>", "", page, flags=re.S)
    assert not re.search(r"\b(NaN|None|nan)\b", html.unescape(re.sub(r"<[^>]+>", "", shown)))
    cells = [c.strip() for c in re.findall(r"<td>([^<]*)</td>", page)]
    assert not [c for c in cells if re.fullmatch(r"-?\d*[1-9]\d*\.\d{4,}", c)]
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in page
    assert "from simulations" not in page, "code cells must be hidden"
    assert not re.search(r"<script[^>]+src=", page), "the page must not load scripts"
    nb = nbformat.read(good.notebook, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]


def test_report_without_a_calendar_shows_the_stage_table_once(tmp_path: Path) -> None:
    parameters = {"plan_path": str(FIXTURE_PLAN), "calendar_path": "", "runs": 20}
    request = ReportRequest(out_dir=tmp_path, name="no-calendar", date=DAY, parameters=parameters)
    page = run_report(request).html.read_text(encoding="utf-8")
    assert page.count("wait min (min)") == 1
    assert "latest end" not in page  # no schedule table without a calendar


def test_index_lists_the_report_with_a_trend_plot(good: ReportResult) -> None:
    page = good.index.read_text(encoding="utf-8")
    assert 'href="2026-01-06-checkout-v2/report.html"' in page
    assert "data:image/png;base64," in page
    assert [e.name for e in scan_reports(good.index.parent)] == ["checkout-v2"]


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-headless-shell")


@pytest.mark.chromium
def test_report_page_renders_in_headless_chromium(good: ReportResult, tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is required under CI (installed by .ci/run)")
        pytest.skip("chromium not installed")
    png = tmp_path / "page.png"
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={png}",
            "--window-size=1280,2000",
            good.html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pixels = matplotlib.image.imread(png)[..., :3]
    assert pixels.shape[:2] == (2000, 1280)
    non_white = np.any(pixels < 0.9, axis=-1).mean()
    colours = len(np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0))
    # A blank or unstyled error page is one or two colours and almost all white; the report has
    # text, tables and the risk colours of its figures.
    assert non_white > 0.03, f"only {non_white:.1%} of the page is not white"
    assert colours > 50, f"only {colours} distinct colours"
    orange = np.all(np.abs(pixels - np.array([0xD5, 0x5E, 0x00]) / 255) < 0.05, axis=-1).sum()
    assert orange > 100, "the HIGH-risk colour of the figures is not on the page"


def test_failed_report_is_kept_beside_the_good_one(good: ReportResult, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    shutil.copytree(good.folder.parent, out)
    before = {p.name: p.read_bytes() for p in (out / good.folder.name).iterdir()}
    bad = tmp_path / "bad-plan.json"
    bad.write_text(json.dumps({"schema_version": "0.1"}))
    parameters = {"plan_path": str(bad)}
    request = ReportRequest(out_dir=out, name="checkout-v2", date=DAY, parameters=parameters)
    with pytest.raises(
        ReportExecutionError,
        match=r"failed: In \[\d+\]: PlanError: \S*bad-plan.json: schema_version: '0.1'",
    ) as caught:
        run_report(request)
    after = {p.name: p.read_bytes() for p in (out / good.folder.name).iterdir()}
    assert after == before
    failed = out / "2026-01-06-checkout-v2.failed"
    nb = nbformat.read(failed / "report.ipynb", as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert [e.ename for e in errors] == ["PlanError"]
    # the one line names the cell as the failed page and Jupyter show it: its In [n] prompt
    (bad_cell,) = [
        c for c in nb.cells if any(o.output_type == "error" for o in c.get("outputs", []))
    ]
    assert f"In [{bad_cell.execution_count}]: PlanError" in str(caught.value)
    # the same facts by name, for a caller that handles the failure (papermill's fields)
    assert caught.value.exec_count == bad_cell.execution_count
    assert caught.value.ename == "PlanError"
    assert "schema_version" in caught.value.evalue
    assert caught.value.failed_notebook == failed / "report.ipynb"
    assert "PlanError" in (failed / "report.html").read_text(encoding="utf-8")
    assert "FAILED" in (out / "index.html").read_text(encoding="utf-8")
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "temp folder left behind"


def test_cli_report_prints_the_page_and_clears_a_stale_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports"
    (out / "2026-01-07-checkout-v2.failed").mkdir(parents=True)
    status = main(["report", "--plan", str(FIXTURE_PLAN), "-o", str(out), "--date", "2026-01-07"])
    assert status == 0
    printed = capsys.readouterr().out.strip()
    assert printed == str(out / "2026-01-07-checkout-v2" / "report.html")
    assert Path(printed).is_file()
    assert not (out / "2026-01-07-checkout-v2.failed").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        # a parameter the notebook does not declare
        (["-p", "no_such", "1"], r"-p no_such: 04-rollout-report.ipynb has no such parameter"),
        # a report name that is not a slug after cleaning is impossible; a bad date is argparse's
        (["--date", "2026-13-01"], r"invalid fromisoformat value"),
    ],
)
def test_cli_report_rejects_bad_input_in_one_line(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "-o", str(tmp_path), *argv]) == 2
    err = capsys.readouterr().err
    assert re.search(message, err), err
    assert not list(tmp_path.iterdir()), "no output on bad input"


@pytest.mark.parametrize(
    "name",
    [
        "Checkout",  # upper case
        "-x",  # starts with a dash
        "a/b",  # a path separator
        "x.failed",  # the failure suffix
    ],
)
def test_report_request_rejects_a_name_that_is_not_a_slug(name: str, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match=r"report name: .* must be lower-case"):
        ReportRequest(out_dir=tmp_path, name=name)


def test_report_opens_with_provenance_and_verdict_and_keeps_yaml_for_the_appendix(
    good: ReportResult,
) -> None:
    page = good.html.read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    verdict_at = text.index("Verdict")
    # provenance before the verdict: the sample history is named as such, and the change
    assert text.index("Sample history.") < verdict_at
    assert text.index(f"from the plan {FIXTURE_PLAN}") < verdict_at
    # the verdict table answers the board's questions before any section
    for question in (
        "past incidents detected",
        "false rollbacks",
        "p95 blast radius",
        "p95 time to roll back",
        "tuned thresholds hold out of sample",
    ):
        assert text.index(question, verdict_at) < text.index("Failure modes"), question
    # the thresholds YAML comes after every section, in the appendix
    assert text.index("Appendix") < text.index("rule_sets:")


def test_report_on_your_own_trace_splits_inside_it_and_says_it_is_not_the_sample(
    tmp_path: Path,
) -> None:
    # a history that is not the sample's fortnight: the sample trace moved 40 days later,
    # with its incidents; the old default split (2026-03-09) lies outside it
    import pandas as pd
    import yaml

    frame = pd.read_csv(ROOT / "data" / "sample" / "web-service-14d.csv")
    frame["timestamp"] = (pd.to_datetime(frame["timestamp"]) + pd.Timedelta(days=40)).map(
        lambda t: t.isoformat()
    )
    trace = tmp_path / "own.csv"
    frame.to_csv(trace, index=False)
    labels = yaml.safe_load((ROOT / "data/sample/web-service-14d.incidents.yaml").read_text())
    for inc in labels["incidents"]:
        for key in ("start", "end"):
            inc[key] = (pd.Timestamp(inc[key]) + pd.Timedelta(days=40)).isoformat()
    (tmp_path / "own.incidents.yaml").write_text(yaml.safe_dump(labels))
    parameters = {"plan_path": str(FIXTURE_PLAN), "trace_path": str(trace), "runs": 20}
    request = ReportRequest(out_dir=tmp_path / "out", name="own", date=DAY, parameters=parameters)
    result = run_report(request)
    text = html.unescape(re.sub(r"<[^>]+>", "", result.html.read_text(encoding="utf-8")))
    assert "Sample history." not in text
    assert "2026-04-17T11:00:00+00:00" in text  # the sample's auto split, 40 days on
    assert "chosen to fit this history" in text
    assert result.summary.history == str(trace)
