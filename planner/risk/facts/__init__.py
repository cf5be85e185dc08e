"""Facts read from the changed lines: security, money, writes, external calls, dependencies,
managed services, advisories.

Modules:

- ``advisories``: Security fixes named by the commits of a change: advisory ids (CVE, GHSA) and the
  words maintainers use for them.
- ``content``: What a file's changed lines add to its path rules: the facts, and how they weigh.
- ``dependencies``: Dependency changes from the changed lines of manifests and lock files.
- ``evidence``: Facts read from the changed lines of one file: what the change does, with file and
  line.
- ``managed``: Managed services and stateful images whose version a change moves, and data
  protection it turns off: the one-way infrastructure changes.
- ``package_lines``: The package lines of dependency manifests and lock files: which package and
  version each changed line names.
- ``signals``: What changed lines can say about a change: the content vocabulary of the risk
  evidence.
- ``vocabulary``: The regexes of the content signals: how Django, Flask, FastAPI, Rails, Spring
  (Java and Kotlin), Go, Node (JS/TS) and Laravel (PHP) code and their settings files spell
  password hashing, tokens, sessions, authorization checks, encryption, money, writes, external
  calls, concurrency and e-mail.
"""

# No re-exports: the modules import each other's package siblings, and an eager import here
# would close a cycle (e.g. risk.rules -> facts.evidence -> facts.content -> risk.rules).
# Import from the modules themselves.
__all__: list[str] = []
