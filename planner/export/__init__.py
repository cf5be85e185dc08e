"""Export a plan to the engines that run rollouts: Argo Rollouts, Flagger, Prometheus rules."""

from planner.export.argo import build_argo
from planner.export.flagger import build_flagger
from planner.export.prometheus import build_rules
from planner.export.render import TARGETS, dump_yaml, export_files
from planner.export.target import ExportTarget, target_from_profile

__all__ = [
    "TARGETS",
    "ExportTarget",
    "build_argo",
    "build_flagger",
    "build_rules",
    "dump_yaml",
    "export_files",
    "target_from_profile",
]
