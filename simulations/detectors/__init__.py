"""Rollback detectors, one module per family, all vectorised over (runs x) steps."""

from simulations.detectors.argo import ArgoAnalysis
from simulations.detectors.base import (
    Detector,
    Observed,
    alarm_minutes,
    first_alarm,
    first_alarms,
)
from simulations.detectors.baseline import BaselineComparison
from simulations.detectors.burnrate import BurnWindow, MultiBurnRate
from simulations.detectors.flagger import FlaggerAnalysis
from simulations.detectors.static import StaticThreshold

__all__ = [
    "ArgoAnalysis",
    "BaselineComparison",
    "BurnWindow",
    "Detector",
    "FlaggerAnalysis",
    "MultiBurnRate",
    "Observed",
    "StaticThreshold",
    "alarm_minutes",
    "first_alarm",
    "first_alarms",
]
