"""What the notebooks (and the report) call; the only place that draws figures and widgets.

Modules:

- ``display``: One call at the top of every notebook: display settings shared by JupyterLab and
  papermill.
- ``inputs``: The inputs a notebook names by its parameters, read into the packages' records.
- ``markdown``: Short Markdown passages about a plan, for notebook and report sections.
- ``replay``: A replay as notebooks show it: the Monte Carlo runs, and one run told step by step.
- ``tables``: Tables of a plan and of a tuning run for notebooks and reports, with readable column
  names.
- ``tuning``: Notebook parameters of a backtest/tuning run, read and run through the tuning
  package.
- ``verdict``: The verdict a report opens with: do the plan's rules catch this service's past
  incidents?
- ``widgets``: Sliders for exploring rollback rules and rollouts in JupyterLab; optional everywhere
  else.
- ``plots/``: Matplotlib figures of plans, traces, replays and tuning results.
"""

from simulations.notebook.inputs import PlanInputs, load_plan
from simulations.notebook.replay import ReplayInputs, run_replay
from simulations.notebook.tuning import TuningInputs, run_tuning

__all__ = [
    "PlanInputs",
    "ReplayInputs",
    "TuningInputs",
    "load_plan",
    "run_replay",
    "run_tuning",
]
