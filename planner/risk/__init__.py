"""Risk: every changed file rated ZERO/LOW/MEDIUM/HIGH by ordered rules, with evidence.

Modules:

- ``advisories``: Security fixes named by the commits of a change (CVE, GHSA ids).
- ``classify``: Risk classification: every changed file gets a level and reasons; the change gets
  an overall
- ``content``: What a file's changed lines add to its path rules: the facts, and how they weigh.
- ``defaults``: The ordered default risk rules (documented, in this order, in ``docs/risk-
  rules.md``).
- ``dependencies``: Dependency changes by semver distance and package kind.
- ``evidence``: Facts read from the changed lines of one file, with file and line.
- ``managed``: Managed services and stateful images a change moves, and data protection it
  turns off.
- ``migrations``: Recognising schema migrations and the destructive statements in them.
- ``package_lines``: Which package and version each changed line of a manifest or lock file names.
- ``patterns``: The path and content vocabulary of the default risk rules.
- ``policy``: Risk policies: user rules that extend or override the default risk rules.
- ``rules``: Risk rules: what makes a changed file ZERO, LOW, MEDIUM or HIGH risk.
- ``signals``: What changed lines can say about a change: kinds, levels and keywords.
- ``vocabulary``: The regexes of the content signals, per stack.
"""

from planner.risk.classify import classify, classify_file
from planner.risk.defaults import DEFAULT_RULES
from planner.risk.policy import Policy, load_policy, parse_policy
from planner.risk.rules import RiskRule

__all__ = [
    "DEFAULT_RULES",
    "Policy",
    "RiskRule",
    "classify",
    "classify_file",
    "load_policy",
    "parse_policy",
]
