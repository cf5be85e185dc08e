"""Loaders that turn files and servers into canonical :class:`~simulations.traces.model.Trace`
objects."""

from simulations.loaders.bundled import bundled_names, load_bundled
from simulations.loaders.detect import FORMATS, detect_format, load_trace_file
from simulations.loaders.formats.canonical import load_trace, parse_canonical_csv, write_trace
from simulations.loaders.formats.microsoft import load_microsoft, parse_microsoft
from simulations.loaders.formats.nab import load_nab, parse_nab
from simulations.loaders.incidents import load_incidents, write_incidents

__all__ = [
    "FORMATS",
    "bundled_names",
    "detect_format",
    "load_bundled",
    "load_incidents",
    "load_microsoft",
    "load_nab",
    "load_trace",
    "load_trace_file",
    "parse_canonical_csv",
    "parse_microsoft",
    "parse_nab",
    "write_incidents",
    "write_trace",
]
