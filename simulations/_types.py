"""Type aliases the simulation modules share, defined once.

Arrays are numpy arrays with time on the last axis (see :mod:`simulations.detectors.base`);
``Direction`` and ``Scope`` are the planner's own (:mod:`planner.model`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from planner.model import Direction, Scope

__all__ = ["BoolArray", "Direction", "FloatArray", "IntArray", "MaybeSeries", "Scope"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
# One series per trace, None where the trace does not measure the metric.
MaybeSeries = list[FloatArray | None]
