"""Matplotlib figures of plans, traces, replays and tuning results.

Modules:

- ``plan``: Figures of a plan for notebooks and reports.
- ``replay``: Figures of a rollout replay: one run's timeline and the distributions over all runs.
- ``trace``: Figures of traces: a metric over time with its labelled incidents and a threshold.
- ``tuning``: Figures of a tuning run: the Pareto front of blast radius against false rollbacks.
"""

from simulations.notebook.plots.plan import risk_bar, stage_timeline, to_data_uri
from simulations.notebook.plots.replay import distributions_figure, story_figure
from simulations.notebook.plots.trace import trace_figure
from simulations.notebook.plots.tuning import pareto_figure

__all__ = [
    "distributions_figure",
    "pareto_figure",
    "risk_bar",
    "stage_timeline",
    "story_figure",
    "to_data_uri",
    "trace_figure",
]
