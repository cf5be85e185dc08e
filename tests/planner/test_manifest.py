"""planner.change.manifest: change manifests (YAML/JSON) read into a ChangeSet, with located
errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from support.paths import ROOT

from planner.change.manifest import INTEGRATION_POINTS, load_manifest, parse_manifest
from planner.change.model import CHANGE_KINDS
from planner.exceptions import ManifestError
from planner.model import Commit


def minimal(**over: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "feature": "Checkout v2",
        "files": [{"path": "src/checkout.js", "change": "modified", "added_lines": 3}],
    }
    doc.update(over)
    return doc


def test_bundled_sample_parses() -> None:
    change = load_manifest(ROOT / "data/sample/change-manifest.yaml")
    assert change.source == "manifest"
    assert change.feature == "User authentication (JWT)"
    assert change.service == "api"
    assert change.feature_flag == "FEATURE_AUTH_JWT_ENABLED"
    assert change.integration_points == ("database", "cache", "auth_provider")
    kinds = [f.change for f in change.files]
    # the reference example: 12 files, 5 new, 6 modified, 1 deleted
    assert (len(kinds), kinds.count("added"), kinds.count("modified")) == (12, 5, 6)
    assert kinds.count("deleted") == 1
    assert [f.path for f in change.files if f.behind_flag] == ["src/middleware/auth.js"]
    assert [f.path for f in change.files if not f.integrated] == ["src/utils/jwt.js"]
    migration = next(f for f in change.files if f.path.startswith("migrations/"))
    assert migration.content is not None
    assert migration.content.startswith("-- Refresh tokens")
    assert len(change.commits) == 3


def test_defaults_and_json(tmp_path: Path) -> None:
    path = tmp_path / "change.json"
    path.write_text(json.dumps(minimal()), encoding="utf-8")
    change = load_manifest(path)
    (f,) = change.files
    assert (f.path, f.change, f.added_lines, f.deleted_lines) == (
        "src/checkout.js",
        "modified",
        3,
        0,
    )
    assert (f.integrated, f.behind_flag, f.content, f.old_path) == (True, False, None, None)
    assert (change.service, change.feature_flag, change.integration_points) == ("", None, ())
    assert change.commits == ()


def test_renamed_file_keeps_old_path() -> None:
    doc = minimal(files=[{"path": "b.py", "change": "renamed", "old_path": "a.py"}])
    (f,) = parse_manifest(doc, "m.yaml").files
    assert (f.change, f.old_path) == ("renamed", "a.py")


@pytest.mark.parametrize(
    ("doc", "match"),
    [
        # not a mapping at all
        (["a"], r"^m\.yaml: expected a mapping at the top level, got list$"),
        (None, r"^m\.yaml: expected a mapping at the top level, got nothing$"),
        # required and typed top-level fields
        ({"files": []}, r"^m\.yaml: feature: required$"),
        (minimal(feature=3), r"^m\.yaml: feature: expected a string, got 3$"),
        (minimal(feature="  "), r"^m\.yaml: feature: must not be empty$"),
        (minimal(files="a.py"), r"^m\.yaml: files: expected a list of files, got str$"),
        (minimal(files=[]), r"^m\.yaml: files: the change has no files$"),
        (minimal(owner="x"), r"^m\.yaml: owner: unknown field \(expected one of feature, "),
        # integration points from a fixed list
        (
            minimal(integration_points=["database", "ftp"]),
            r"^m\.yaml: integration_points\[1\]: 'ftp' is not one of payment_api, database, ",
        ),
        (minimal(integration_points="database"), r"integration_points: expected a list, got str"),
        # file fields
        (
            minimal(files=[{"path": "a.py", "change": "edited"}]),
            r"^m\.yaml: files\[0\]\.change: 'edited' is not one of added, modified, deleted, "
            r"renamed$",
        ),
        (minimal(files=[{"change": "added"}]), r"^m\.yaml: files\[0\]\.path: required$"),
        (minimal(files=["a.py"]), r"^m\.yaml: files\[0\]: expected a mapping, got str$"),
        (
            minimal(files=[{"path": "a.py", "change": "added", "added_lines": -1}]),
            r"^m\.yaml: files\[0\]\.added_lines: expected a non-negative integer, got -1$",
        ),
        (
            minimal(files=[{"path": "a.py", "change": "added", "deleted_lines": "3"}]),
            r"files\[0\]\.deleted_lines: expected a non-negative integer, got '3'$",
        ),
        (
            minimal(files=[{"path": "a.py", "change": "added", "added_lines": True}]),
            r"files\[0\]\.added_lines: expected a non-negative integer, got True$",
        ),
        (
            minimal(files=[{"path": "a.py", "change": "added", "integrated": "no"}]),
            r"^m\.yaml: files\[0\]\.integrated: expected true or false, got 'no'$",
        ),
        (
            minimal(files=[{"path": "a.py", "change": "renamed"}]),
            r"^m\.yaml: files\[0\]\.old_path: required when change is 'renamed'$",
        ),
        (
            minimal(files=[{"path": "a.py", "change": "added", "old_path": "b.py"}]),
            r"files\[0\]\.old_path: only allowed when change is 'renamed', not 'added'$",
        ),
        (
            minimal(files=[{"path": "a.py", "change": "added", "size": 3}]),
            r"^m\.yaml: files\[0\]\.size: unknown field",
        ),
        (
            minimal(
                files=[{"path": "a.py", "change": "added"}, {"path": "a.py", "change": "added"}]
            ),
            r"^m\.yaml: files\[1\]\.path: 'a\.py' is listed twice$",
        ),
        # a flag-guarded file needs the flag it is guarded by
        (
            minimal(files=[{"path": "a.py", "change": "added", "behind_flag": True}]),
            r"^m\.yaml: files\[0\]\.behind_flag: true needs a top-level feature_flag$",
        ),
        # paths stay inside the repository and on one line
        (
            minimal(files=[{"path": "/etc/passwd", "change": "modified"}]),
            r"^m\.yaml: files\[0\]\.path: '/etc/passwd' must be relative to the repository root",
        ),
        (
            minimal(files=[{"path": "b.py", "change": "renamed", "old_path": "src/../../x"}]),
            r"^m\.yaml: files\[0\]\.old_path: 'src/\.\./\.\./x' must be relative",
        ),
        (
            minimal(files=[{"path": "a\nb.py", "change": "added"}]),
            r"^m\.yaml: files\[0\]\.path: 'a\\nb\.py' contains a control character$",
        ),
        # commits
        (minimal(commits=[{"sha": "xyz", "subject": "s"}]), r"commits\[0\]\.sha: 'xyz' is not a"),
        (minimal(commits=[{"subject": "s"}]), r"^m\.yaml: commits\[0\]\.sha: required$"),
        (minimal(commits="abc"), r"^m\.yaml: commits: expected a list, got str$"),
    ],
)
def test_errors_name_source_field_and_value(doc: object, match: str) -> None:
    with pytest.raises(ManifestError, match=match):
        parse_manifest(doc, "m.yaml")


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match=r"missing\.yaml: cannot read"):
        load_manifest(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("feature: [unclosed\n", encoding="utf-8")
    with pytest.raises(ManifestError, match=r"bad\.yaml:\d+: invalid YAML"):
        load_manifest(bad)
    evil = tmp_path / "evil.yaml"
    evil.write_text("feature: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(ManifestError, match=r"evil\.yaml:1: invalid YAML"):
        load_manifest(evil)


# --- properties ---------------------------------------------------------------------------

_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20).filter(
    str.strip
)
# path segments: any printable text without "/" (and not "..": paths stay inside the repository)
_segment = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/"),
    min_size=1,
    max_size=12,
).filter(lambda s: s != "..")
# a path of white space only is rejected ("must not be empty"): not a valid manifest
_path = st.lists(_segment, min_size=1, max_size=4).map("/".join).filter(str.strip)
_paths = st.lists(_path, min_size=1, max_size=8, unique=True)


@st.composite
def manifests(draw: st.DrawFn) -> dict[str, Any]:
    files = []
    for path in draw(_paths):
        kind = draw(st.sampled_from(CHANGE_KINDS))
        item: dict[str, Any] = {
            "path": path,
            "change": kind,
            "added_lines": draw(st.integers(0, 10**6)),
            "deleted_lines": draw(st.integers(0, 10**6)),
            "integrated": draw(st.booleans()),
            "behind_flag": draw(st.booleans()),
        }
        if kind == "renamed":
            item["old_path"] = draw(_path)
        if draw(st.booleans()):
            item["content"] = draw(st.text(max_size=50))
        files.append(item)
    return {
        "feature": draw(_text),
        "service": draw(_text),
        "feature_flag": draw(_text),
        "integration_points": draw(st.lists(st.sampled_from(INTEGRATION_POINTS), unique=True)),
        "commits": [
            {"sha": sha, "subject": subject}
            for sha, subject in draw(
                st.lists(st.tuples(st.text("0123456789abcdef", min_size=7, max_size=40), _text))
            )
        ],
        "files": files,
    }


@settings(max_examples=100, deadline=None)
@given(manifests())
def test_valid_manifests_round_trip(doc: dict[str, Any]) -> None:
    change = parse_manifest(doc, "m.yaml")
    assert change.feature == doc["feature"]
    assert change.service == doc["service"]
    assert change.feature_flag == doc["feature_flag"]
    assert change.integration_points == tuple(doc["integration_points"])
    assert change.commits == tuple(Commit(c["sha"], c["subject"]) for c in doc["commits"])
    for f, item in zip(change.files, doc["files"], strict=True):
        assert f.path == item["path"]
        assert f.change == item["change"]
        assert (f.added_lines, f.deleted_lines) == (item["added_lines"], item["deleted_lines"])
        assert (f.integrated, f.behind_flag) == (item["integrated"], item["behind_flag"])
        assert f.old_path == item.get("old_path")
        assert f.content == item.get("content")
    # and the same document through YAML text gives the same change set
    assert parse_manifest(yaml.safe_load(yaml.safe_dump(doc)), "m.yaml") == change


_junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["feature", "files", "path", "change", "old_path", "commits", "x"])
            | st.text(max_size=5),
            inner,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(_junk, manifests().map(lambda d: {**d, "files": [*d["files"], 7]})))
def test_junk_parses_or_raises_manifest_error(doc: object) -> None:
    try:
        parse_manifest(doc, "m.yaml")
    except ManifestError as exc:
        assert str(exc).startswith("m.yaml: ")
