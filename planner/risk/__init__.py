"""Risk: every changed file rated ZERO/LOW/MEDIUM/HIGH by ordered rules, with evidence.

Modules:

- ``classify``: Risk classification: every changed file gets a level and reasons; the change gets
  an overall level and a complexity score.
- ``defaults``: The ordered default risk rules (documented, in this order, in ``docs/risk-
  rules.md``).
- ``migrations``: Recognising schema migrations and the destructive statements in them.
- ``patterns``: The path and content vocabulary of the default risk rules.
- ``policy``: Risk policies: user rules that extend or override the default risk rules.
- ``rules``: Risk rules: what makes a changed file ZERO, LOW, MEDIUM or HIGH risk.
- ``facts/``: Facts read from the changed lines: security, money, writes, external calls,
  dependencies, managed services, advisories.
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
