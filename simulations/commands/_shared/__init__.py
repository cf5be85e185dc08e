"""What the simulation subcommands share (not a public API).

Modules:

- ``options``: Options shared by ``backtest`` and ``tune`` (how incidents and healthy deploys are
  replayed, the canary noise) and the trace ``--format`` options.
- ``progress``: Progress on stderr while a command works, only when stderr is a terminal (tqdm).
- ``text``: Plain-text tables the CLI prints: backtest, tuning and replay results.
"""

__all__: list[str] = []
