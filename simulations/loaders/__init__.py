"""Loaders that turn files and servers into canonical :class:`~simulations.trace.Trace` objects."""
