"""The report's pure parts: parameter typing, names, summaries, the index, paths."""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.text import Text

from simulations.commands import report as report_command
from simulations.exceptions import ReportError, SimulationError
from simulations.paths import repo_root, resolve
from simulations.reporting.content.summary import SUMMARY_MIME, ReportSummary, parse_summary
from simulations.reporting.index import (
    build_index_html,
    scan_reports,
    trend_figure,
    write_index,
)
from simulations.reporting.params import coerce, default_name, slug
from simulations.reporting.run import ReportRequest

DECLARED = {"runs": 200, "seed": 0, "budget": 1.0, "interactive": True, "trace_path": ""}


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("runs", "1000", 1000),  # int default -> int
        ("budget", "2.5", 2.5),  # float default -> float
        ("budget", "3", 3.0),  # an integer literal for a float parameter stays a float
        ("interactive", "false", False),  # bool words, any case
        ("interactive", "YES", True),
        ("trace_path", "x.csv", "x.csv"),  # str default -> the text as given
    ],
)
def test_coerce_converts_to_the_default_type(name: str, value: str, expected: object) -> None:
    got = coerce(name, value, DECLARED, "nb.ipynb")
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("nope", "1", r"-p nope: nb.ipynb has no such parameter \(it has: budget, interactive"),
        ("runs", "many", r"-p runs: 'many' is not a valid int"),
        ("budget", "1,5", r"-p budget: '1,5' is not a valid float"),
        ("interactive", "maybe", r"-p interactive: 'maybe' is not true or false"),
    ],
)
def test_coerce_rejects_in_one_line(name: str, value: str, message: str) -> None:
    with pytest.raises(ReportError, match=message):
        coerce(name, value, DECLARED, "nb.ipynb")


def test_default_name_comes_from_the_change(tmp_path: Path) -> None:
    manifest = tmp_path / "m.yaml"
    manifest.write_text("feature: Checkout V2 (EU)\nfiles: []\n")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"change": {"feature": "Fast Path"}}))
    assert default_name({"manifest_path": str(manifest)}) == "checkout-v2-eu"
    assert default_name({"plan_path": str(plan), "manifest_path": str(manifest)}) == "fast-path"
    assert default_name({"repo": str(tmp_path / "shop"), "head": "feature/x"}) == "shop-feature-x"
    assert default_name({"manifest_path": str(tmp_path / "missing.yaml")}) == "report"
    assert default_name({}) == "report"


@given(st.text(max_size=80))
def test_any_text_slugs_to_a_valid_report_name(text: str) -> None:
    name = slug(text)
    assert ReportRequest(out_dir=Path(), name=name, date=date(2026, 1, 1)).name == name


def _summary(**changes: object) -> ReportSummary:
    base: dict[str, object] = {
        "feature": "f",
        "service": "s",
        "overall_risk": "MEDIUM",
        "complexity": 7,
        "files": 3,
        "p95_blast_radius": 12.5,
        "p95_time_to_rollback_minutes": None,
    }
    return parse_summary({**base, **changes})


def test_summary_round_trips_and_shows_markdown() -> None:
    s = _summary()
    assert parse_summary(json.dumps(s.to_dict())) == s
    bundle = s._repr_mimebundle_()
    assert bundle[SUMMARY_MIME] == s.to_dict()
    assert "**Overall risk**: MEDIUM" in bundle["text/markdown"]
    assert "time to roll back" not in bundle["text/markdown"]  # not measured: not shown
    assert s.risk_rank == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"overall_risk": "SEVERE"}, r"summary.overall_risk: 'SEVERE' is not one of ZERO"),
        ({"files": "3"}, r"summary.files: expected an integer, got '3'"),
        ({"complexity": True}, r"summary.complexity: expected an integer, got True"),
        ({"p95_blast_radius": "big"}, r"summary.p95_blast_radius: expected a number or null"),
        ({"feature": None}, r"summary.feature: expected a string, got None"),
    ],
)
def test_summary_rejects_a_bad_field(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ReportError, match=message):
        _summary(**changes)


def test_summary_rejects_text_that_is_not_json() -> None:
    with pytest.raises(ReportError, match=r"summary: invalid JSON"):
        parse_summary("{nope")


def _report(folder: Path, summary: ReportSummary | None) -> None:
    folder.mkdir(parents=True)
    (folder / "report.html").write_text("<html></html>")
    if summary is not None:
        (folder / "summary.json").write_text(json.dumps(summary.to_dict()))


def test_index_lists_good_and_failed_reports_newest_first(tmp_path: Path) -> None:
    _report(tmp_path / "2026-01-01-shop", _summary(overall_risk="LOW"))
    _report(tmp_path / "2026-01-02-shop", _summary(overall_risk="HIGH"))
    _report(tmp_path / "2026-01-03-shop.failed", None)
    _report(tmp_path / "2026-01-04-broken", None)  # good name but no summary: not ours
    _report(tmp_path / "notes", None)  # not a report folder
    (tmp_path / ".2026-01-05-shop.abc.tmp").mkdir()  # a run in progress
    entries = scan_reports(tmp_path)
    assert [(e.date, e.name, e.failed) for e in entries] == [
        ("2026-01-03", "shop", True),
        ("2026-01-02", "shop", False),
        ("2026-01-01", "shop", False),
    ]
    page = write_index(tmp_path).read_text(encoding="utf-8")
    assert page.index("2026-01-03") < page.index("2026-01-02") < page.index("2026-01-01")
    assert 'href="2026-01-03-shop.failed/report.ipynb"' in page
    assert "<th>p95 blast radius (failed requests)</th>" in page  # every number has its unit
    assert "data:image/png;base64," in page
    umask = os.umask(0)
    os.umask(umask)
    assert write_index(tmp_path).stat().st_mode & 0o777 == 0o644 & ~umask  # readable by all


def test_index_trend_text_is_as_large_as_the_report_figures(tmp_path: Path) -> None:
    # the trend plot is read in a browser at 1 image pixel per screen pixel: its smallest text
    # must be at least 10 px high, like the report's figures (8 pt at notebook.DPI 100 = 11 px)
    _report(tmp_path / "2026-01-01-shop", _summary(overall_risk="LOW"))
    _report(tmp_path / "2026-01-02-cart", _summary(overall_risk="HIGH"))
    entries = scan_reports(tmp_path)
    fig = trend_figure(entries)
    fig.canvas.draw()  # ticks and legend exist only once drawn
    sizes = {t.get_fontsize() for t in fig.findobj(Text) if t.get_text()}
    page = build_index_html(entries)
    uri = re.search(r'src="data:image/png;base64,([^"]+)"', page)
    assert uri is not None
    png = base64.b64decode(uri.group(1))
    width = int.from_bytes(png[16:20], "big")  # the PNG header's IHDR width
    dpi = width / fig.get_figwidth()
    assert min(float(s) for s in sizes) * dpi / 72 >= 10, (sizes, dpi)


def test_index_of_an_empty_folder_says_so(tmp_path: Path) -> None:
    page = build_index_html(scan_reports(tmp_path / "missing"))
    assert "no reports yet" in page and "<img" not in page


def test_index_escapes_names(tmp_path: Path) -> None:
    # a report name is a slug, but a summary's text comes from the change: never raw HTML
    _report(tmp_path / "2026-01-01-x", _summary(feature="<script>alert(1)</script>"))
    page = build_index_html(scan_reports(tmp_path))
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_resolve_finds_repo_files_from_anywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = repo_root()
    assert resolve("/abs/path") == Path("/abs/path")
    monkeypatch.chdir(root / "notebooks")  # how Jupyter and nbval run a notebook
    assert resolve("data/sample/service.yaml") == root / "data" / "sample" / "service.yaml"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.yaml").write_text("x: 1\n")
    assert resolve("mine.yaml") == tmp_path / "mine.yaml"  # the working directory first
    assert resolve("data/sample/service.yaml").is_file()


def test_resolve_rejects_an_empty_path() -> None:
    with pytest.raises(SimulationError, match=r"path: an empty path cannot be resolved"):
        resolve("")


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    report_command.add_arguments(parser)
    return parser.parse_args(argv)


NOTEBOOK_DEFAULTS = {
    "manifest_path": "data/sample/change-manifest.yaml",
    "repo": "",
    "base": "",
    "head": "HEAD",
    "plan_path": "",
    "service_path": "data/sample/service.yaml",
    "trace_path": "data/sample/web-service-14d.csv",
    "runs": 200,
}


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        # the bundled sample: nothing overridden
        ((), {}),
        # a git range replaces the sample manifest; the sample service profile is dropped
        (
            ("--repo", "app", "--base", "v1", "--head", "main"),
            {
                "repo": "{tmp}/app",
                "base": "v1",
                "head": "main",
                "manifest_path": "",
                "service_path": "",
            },
        ),
        # an own manifest with an own service profile keeps both
        (
            ("--manifest", "m.yaml", "--service", "s.yaml"),
            {"manifest_path": "{tmp}/m.yaml", "service_path": "{tmp}/s.yaml"},
        ),
        # -p is typed by the default
        (("-p", "runs", "50"), {"runs": 50}),
    ],
)
def test_report_options_become_notebook_parameters(
    argv: tuple[str, ...],
    expected: dict[str, object],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Paths are taken from the working directory and must exist.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app").mkdir()
    (tmp_path / "m.yaml").write_text("")
    (tmp_path / "s.yaml").write_text("")
    got = report_command.report_parameters(_args(*argv), NOTEBOOK_DEFAULTS, "04.ipynb")
    tmp = str(tmp_path.resolve())
    assert got == {
        k: v.replace("{tmp}", tmp) if isinstance(v, str) else v for k, v in expected.items()
    }


def test_report_option_paths_are_taken_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "h.csv").write_text("")
    got = report_command.report_parameters(_args("--trace", "h.csv"), NOTEBOOK_DEFAULTS, "04")
    assert got == {"trace_path": str(tmp_path.resolve() / "h.csv")}


def test_missing_input_file_is_rejected_before_any_kernel_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ReportError, match=r"--manifest: gone\.yaml: no such file or folder"):
        report_command.report_parameters(_args("--manifest", "gone.yaml"), NOTEBOOK_DEFAULTS, "04")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--repo", ".", "--manifest", "m.yaml"), r"--repo and --manifest: give one change"),
        (("--labels", "l.yaml"), r"--labels: 04 has no labels_path parameter"),
        (("-p", "runs", "many"), r"-p runs: 'many' is not a valid int"),
    ],
)
def test_report_options_rejected_in_one_line(argv: tuple[str, ...], message: str) -> None:
    with pytest.raises(ReportError, match=message):
        report_command.report_parameters(_args(*argv), NOTEBOOK_DEFAULTS, "04")
