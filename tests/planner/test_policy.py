"""planner.risk.policy: user rules that extend or override the default risk rules."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from planner.change.model import ChangedFile, ChangeSet
from planner.exceptions import PolicyError
from planner.risk.classify import classify
from planner.risk.policy import glob_to_regex, load_policy, parse_policy


def rate(policy: dict[str, Any], path: str, content: str | None = None) -> tuple:
    change = ChangeSet("manifest", (ChangedFile(path, "modified", content=content),))
    (f,) = classify(change, parse_policy(policy, "policy.yaml")).files
    return f.level, f.categories, f.reasons


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        # no slash: the file name at any depth
        ("*.py", "a/b/c.py", True),
        ("*.py", "c.pyc", False),
        # a slash anchors at the repository root; * stays inside one folder
        ("src/*.py", "src/a.py", True),
        ("src/*.py", "src/x/a.py", False),
        ("src/*.py", "lib/src/a.py", False),
        # ** spans any number of folders, including none
        ("src/**/*.py", "src/a.py", True),
        ("src/**/*.py", "src/x/y/a.py", True),
        ("src/legacy/**", "src/legacy/pay/x.js", True),
        ("**/migrations/*.sql", "db/migrations/1.sql", True),
        # ? is one character, [..] a class, [!..] a negated class
        ("v?.md", "docs/v1.md", True),
        ("v?.md", "docs/v10.md", False),
        ("[!a]b.txt", "cb.txt", True),
        ("[!a]b.txt", "ab.txt", False),
        # regex characters in a glob are literal
        ("a+b.(x)", "a+b.(x)", True),
        ("a+b.(x)", "aab.(x)", False),
    ],
)
def test_glob_to_regex(glob: str, path: str, matches: bool) -> None:
    assert bool(re.fullmatch(glob_to_regex(glob), path)) is matches


def test_user_rule_extends_the_defaults_and_comes_first() -> None:
    policy = {
        "rules": [
            {
                "name": "legacy",
                "level": "HIGH",
                "category": "legacy",
                "paths": ["src/legacy/**"],
                "reason": "legacy code has no tests",
            }
        ]
    }
    level, categories, reasons = rate(policy, "src/legacy/routes/orders.js")
    assert level == "HIGH"
    assert categories == ("legacy", "api_route")
    assert reasons[0] == (
        "legacy: legacy code has no tests; policy path matches src/legacy/routes/orders.js"
    )
    # a path the rule does not name is untouched
    assert rate(policy, "src/routes/orders.js")[0] == "MEDIUM"


def test_final_user_rule_overrides_the_defaults() -> None:
    policy = {
        "rules": [
            {
                "name": "vendored",
                "level": "ZERO",
                "paths": ["vendor/**"],
                "reason": "vendored copy, not loaded in production",
                "final": True,
            }
        ]
    }
    level, categories, _ = rate(policy, "vendor/passport/auth.js")
    assert (level, categories) == ("ZERO", ("policy",))


def test_content_rule_with_paths_needs_both() -> None:
    policy = {
        "rules": [
            {
                "name": "no-eval",
                "level": "HIGH",
                "paths": ["*.js"],
                "content": ["(?i)\\beval\\("],
                "reason": "eval runs arbitrary code",
            }
        ]
    }
    level, _, reasons = rate(policy, "src/lib/x.js", "const a = 1;\nreturn EVAL(input);\n")
    assert level == "HIGH"
    assert reasons[0] == (
        "no-eval: eval runs arbitrary code; policy path matches src/lib/x.js; 'EVAL(' at line 2"
    )
    # right content, wrong path; right path, no content: neither matches
    assert rate(policy, "src/lib/x.py", "eval(x)\n")[0] == "MEDIUM"
    assert rate(policy, "src/lib/x.js", None)[0] == "MEDIUM"


def test_disable_and_replace_default_rules() -> None:
    # docs disabled: a Markdown file is just another file
    level, categories, _ = rate({"disable": ["docs"]}, "docs/guide.md")
    assert (level, categories) == ("LOW", ("source",))
    # a user rule named like a default replaces it
    policy = {"rules": [{"name": "config", "level": "LOW", "paths": ["config/**"], "reason": "r"}]}
    assert rate(policy, "config/features.yml")[:2] == ("LOW", ("policy",))


def test_load_policy_from_yaml(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(
        "rules:\n"
        "  - name: payments-svc\n"
        "    level: HIGH\n"
        "    category: payments\n"
        "    paths: ['services/ledger-sync/**']\n"
        "    reason: moves money between accounts\n"
        "disable: [other]\n",
        encoding="utf-8",
    )
    policy = load_policy(path)
    assert [r.name for r in policy.rules] == ["payments-svc"]
    assert policy.disable == frozenset({"other"})
    assert policy.source == str(path)
    assert load_policy(_write(tmp_path, "empty.yaml", "")).rules == ()


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rule(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"name": "r", "level": "HIGH", "paths": ["a/**"], "reason": "why"}
    base.update(over)
    return {"rules": [{"name": "ok", "level": "LOW", "paths": ["b"], "reason": "x"}, base]}


@pytest.mark.parametrize(
    ("doc", "match"),
    [
        # the top level
        (["x"], r"^policy\.yaml: expected a mapping at the top level$"),
        ({"rulez": []}, r"^policy\.yaml: rulez: unknown field \(expected rules, disable\)$"),
        ({"rules": {"a": 1}}, r"^policy\.yaml: rules: expected a list, got dict$"),
        # disable names must be default rules
        (
            {"disable": ["auth", "nope"]},
            r"^policy\.yaml: disable\[1\]: 'nope' is not a default rule \(one of test, docs, ",
        ),
        ({"disable": [3]}, r"^policy\.yaml: disable\[0\]: expected a string, got 3$"),
        # rule fields: level, regex, glob, name, reason, final, unknown field
        (rule(level="SEVERE"), r"^policy\.yaml: rules\[1\]\.level: 'SEVERE' is not one of ZERO,"),
        (
            rule(content=["ok", "("]),
            r"^policy\.yaml: rules\[1\]\.content\[1\]: bad regex '\(': missing \), unterminated",
        ),
        (rule(paths=["src/[abc"]), r"^policy\.yaml: rules\[1\]\.paths\[0\]: bad glob 'src/\[abc'"),
        (rule(paths=[""]), r"rules\[1\]\.paths\[0\]: bad glob '': empty glob$"),
        (rule(name="bad name!"), r"rules\[1\]\.name: 'bad name!' is not a rule name"),
        (rule(reason=""), r"^policy\.yaml: rules\[1\]\.reason: expected a non-empty string"),
        (rule(final="yes"), r"rules\[1\]\.final: expected true or false, got 'yes'$"),
        (rule(glob="x"), r"^policy\.yaml: rules\[1\]\.glob: unknown field \(expected one of "),
        (rule(paths=None), r"^policy\.yaml: rules\[1\]: needs paths or content \(or both\)$"),
        (rule(paths="a/**"), r"^policy\.yaml: rules\[1\]\.paths: expected a list, got str$"),
        (rule(name="ok"), r"^policy\.yaml: rules\[1\]\.name: 'ok' is used twice$"),
        ({"rules": ["x"]}, r"^policy\.yaml: rules\[0\]: expected a mapping, got str$"),
    ],
)
def test_policy_errors_name_the_field(doc: object, match: str) -> None:
    with pytest.raises(PolicyError, match=match):
        parse_policy(doc, "policy.yaml")


def test_unreadable_policy(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"nope\.yaml: cannot read"):
        load_policy(tmp_path / "nope.yaml")
    with pytest.raises(PolicyError, match=r"bad\.yaml:\d+: invalid YAML"):
        load_policy(_write(tmp_path, "bad.yaml", "rules:\n  - [unclosed\n"))
