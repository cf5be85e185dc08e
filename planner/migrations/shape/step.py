"""The records of a migration's shape: its schema steps and what each loses.

See :mod:`planner.migrations.shape.classify` for how they are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Kind", "Loss", "SchemaStep", "Shape"]

Kind = Literal["expand", "contract", "rewrite"]
Loss = Literal["none", "columns", "rows", "table", "unknown"]


@dataclass(frozen=True)
class SchemaStep:
    """One schema step of a migration's forward part."""

    kind: Kind
    what: str
    table: str | None = None
    columns: tuple[str, ...] = ()
    loses: Loss = "none"
    removes: tuple[str, ...] = ()
    introduces: tuple[str, ...] = ()  # the new name of a rename, which the new code may need


@dataclass(frozen=True)
class Shape:
    """The steps of one migration file; ``problem`` is set when the file was not understood."""

    steps: tuple[SchemaStep, ...]
    problem: str = ""

    @property
    def kind(self) -> Kind:
        """The strongest kind of the file: contract > rewrite > expand."""
        kinds = {s.kind for s in self.steps}
        if "contract" in kinds:
            return "contract"
        return "rewrite" if "rewrite" in kinds else "expand"

    @property
    def loses_data(self) -> bool:
        """True when the migration's own undo cannot bring some data back."""
        return any(s.loses != "none" for s in self.steps)
