"""File formats of traces: canonical CSV/Parquet, the Microsoft and NAB benchmark layouts.

Modules:

- ``canonical``: The canonical trace file: CSV or Parquet with a ``timestamp`` column and canonical
  metrics.
- ``microsoft``: The Microsoft cloud-monitoring layout: ``TimeStamp,Value,Label`` CSV with point
  labels.
- ``nab``: The Numenta Anomaly Benchmark layout: ``timestamp,value`` CSV plus label files.
"""

from simulations.loaders.formats.canonical import (
    format_csv,
    load_trace,
    parse_canonical_csv,
    parse_canonical_parquet,
    parse_canonical_table,
    write_trace,
)
from simulations.loaders.formats.microsoft import load_microsoft, parse_microsoft
from simulations.loaders.formats.nab import (
    NabLabels,
    guess_nab_metric,
    load_nab,
    nab_incidents,
    parse_nab,
    parse_nab_labels,
)

__all__ = [
    "NabLabels",
    "format_csv",
    "guess_nab_metric",
    "load_microsoft",
    "load_nab",
    "load_trace",
    "nab_incidents",
    "parse_canonical_csv",
    "parse_canonical_parquet",
    "parse_canonical_table",
    "parse_microsoft",
    "parse_nab",
    "parse_nab_labels",
    "write_trace",
]
