"""One call at the top of every notebook: display settings shared by JupyterLab and papermill.

:func:`setup` makes IPython show a :class:`matplotlib.figure.Figure` (our plots are built without
``pyplot``) as a PNG rendered with Agg, so the figure is stored in the notebook and embedded in
the report page whatever the backend, and lets pandas show whole cells (commands, reasons).
Outside IPython it only sets the pandas options.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

__all__ = ["figure_png", "setup"]

DPI = 100


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes at :data:`DPI` dots per inch."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def setup() -> None:
    """Configure pandas display and, inside IPython, the PNG formatter for figures."""
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.max_rows", 200)
    pd.set_option("display.precision", 4)
    shell = _ipython()
    if shell is not None:
        formatter = shell.display_formatter.formatters["image/png"]
        formatter.for_type(Figure, figure_png)


def _ipython() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing to configure
        return None
    return get_ipython()
