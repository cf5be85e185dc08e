"""Where the exported manifests point: the service, its workload and the Prometheus it uses."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from planner.exceptions import ExportError
from planner.export.names import label_value
from planner.profile import MetricLabels, ServiceProfile

if TYPE_CHECKING:
    from planner.export.queries.burnrate import BurnRate
    from planner.export.queries.compare import Comparison

__all__ = ["ExportTarget", "target_from_profile"]


@dataclass(frozen=True)
class ExportTarget:
    """The service an export is for and the engine settings that are not in the plan.

    Attributes:
        service: service name as it appears in metric labels (any text; escaped where used).
        namespace: Kubernetes namespace of the workload and of the exported objects.
        deployment: the ``apps/v1`` Deployment the Rollout or Canary takes over.
        promql: SLI PromQL templates by monitor metric name, overriding the defaults
            (see :mod:`planner.export.queries.promql` for the placeholders).
        prometheus_address: URL of the Prometheus the engines query.
        interval_minutes: how often engines measure and Prometheus evaluates rules (minutes).
        rate_window_minutes: range of ``rate()`` in the SLI queries (minutes).
        gate_url: URL of the manual-approval gate Flagger calls (Flagger's load tester
            ``/gate/check`` holds until someone opens the gate).
        port: the service port Flagger routes.
        replicas: the Rollout's replica count (None: left to Argo's default of 1; set it).
        selector: pod labels the Rollout selects (default ``app: <deployment>``).
        labels: how the metrics tell the versions apart (the profile's ``labels``).
        mesh: Flagger's mesh or ingress provider (the profile's ``mesh``); None: Flagger's
            default, and no builtin checks.
        comparisons: canary-versus-baseline checks (a thresholds file's ``baseline`` rules).
        burn_rates: error-budget burn-rate alerts (a thresholds file's ``burn_rate`` rules).
    """

    service: str
    namespace: str = "default"
    deployment: str | None = None
    promql: Mapping[str, str] = field(default_factory=dict)
    prometheus_address: str = "http://prometheus.monitoring.svc.cluster.local:9090"
    interval_minutes: float = 1.0
    rate_window_minutes: float = 5.0
    gate_url: str = "http://flagger-loadtester.test/gate/check"
    port: int = 80
    replicas: int | None = None
    selector: Mapping[str, str] | None = None
    labels: MetricLabels = field(default_factory=MetricLabels)
    mesh: str | None = None
    comparisons: tuple[Comparison, ...] = ()
    burn_rates: tuple[BurnRate, ...] = ()

    def __post_init__(self) -> None:
        if not self.service.strip():
            raise ExportError("service: the service name is empty")
        if not self.namespace.strip():
            raise ExportError("namespace: the namespace is empty")
        if not 0 < self.interval_minutes <= 60:
            raise ExportError(
                f"interval_minutes: {self.interval_minutes} must be > 0 and <= 60 minutes"
            )
        if self.rate_window_minutes <= 0:
            raise ExportError(f"rate_window_minutes: {self.rate_window_minutes} must be > 0")
        for name in ("prometheus_address", "gate_url"):
            url = getattr(self, name)
            if not re.fullmatch(r"https?://[^\s/?#]+[^\s]*", url):
                raise ExportError(f"{name}: {url!r} is not an http(s) URL")
        if not 0 < self.port < 65536:
            raise ExportError(f"port: {self.port} is not a TCP port (1-65535)")

    @property
    def deployment_name(self) -> str:
        """The Deployment (defaults to the service name)."""
        return self.deployment or self.service

    @property
    def selector_labels(self) -> Mapping[str, str]:
        """The Rollout's ``selector.matchLabels``."""
        if self.selector is not None:
            return self.selector
        return {"app": label_value(self.deployment_name, "deployment")}


def target_from_profile(profile: ServiceProfile, service: str = "") -> ExportTarget:
    """The export target of a service profile; ``service`` (the plan's) wins over the profile's.

    Raises:
        ExportError: an empty name or an out-of-range setting.
    """
    return ExportTarget(
        service=service or profile.service,
        namespace=profile.namespace,
        deployment=profile.deployment,
        promql=dict(profile.promql),
        replicas=profile.replicas,
        labels=profile.labels,
        mesh=profile.mesh,
    )
