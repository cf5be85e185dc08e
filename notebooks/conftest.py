"""pytest settings for executing the notebooks: ``pytest --cov ... tests --nbval-lax notebooks/``.

When pytest-cov is active, nbval starts coverage inside every notebook kernel, writing to
pytest-cov's own data file; with coverage 7 the two writers corrupt it (pytest ends with
INTERNALERROR "no such table: file") and kernel set-up times out. The notebooks only call the
packages that the tests already measure, so their kernels run without coverage.
"""

from __future__ import annotations

from typing import Any


def _no_kernel_coverage(*_args: Any, **_kwargs: Any) -> None:
    return None


def pytest_configure(config: Any) -> None:
    """Turn nbval's in-kernel coverage set-up and tear-down into no-ops."""
    import nbval.plugin

    nbval.plugin.setup_coverage = _no_kernel_coverage
    nbval.plugin.teardown_coverage = _no_kernel_coverage
