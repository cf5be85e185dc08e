"""The service profile: where and how the service runs, its baseline metrics and timings.

Read from YAML or JSON with :func:`load_profile`; every field has a default (see
``docs/service-profile.md``), so an empty profile is valid. Units: ``error_rate`` and
``success_rate`` are ratios (0.0005 is 0.05 %), latency milliseconds, traffic requests per hour,
every timing minutes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, cast

from planner.exceptions import ProfileError
from planner.io import read_structured, shown

__all__ = [
    "FLAG_MECHANISMS",
    "MESH_PROVIDERS",
    "PLATFORMS",
    "Baseline",
    "FlagMechanism",
    "MetricLabels",
    "ServiceProfile",
    "Timings",
    "check_flag_name",
    "load_profile",
    "parse_profile",
]

PlatformName = Literal["kubernetes", "pm2", "systemd", "generic"]
PLATFORMS: tuple[str, ...] = ("kubernetes", "pm2", "systemd", "generic")
FLAG_MECHANISMS: tuple[str, ...] = ("env", "flag_service")
DATABASES: tuple[str, ...] = ("postgresql", "mysql")
_TEMPLATE_KEYS = frozenset({"flag", "value", "percent"})
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")


@dataclass(frozen=True)
class FlagMechanism:
    """How the feature flag is switched.

    ``env``: an environment variable ``name`` (``true``/``false``) and ``<name>_PERCENT`` for the
    share of users. ``flag_service``: ``command`` is a template with ``{flag}``, ``{value}``
    (``true``/``false``) and ``{percent}`` (0-100), filled with shell-quoted values.
    """

    mechanism: Literal["env", "flag_service"] = "env"
    name: str | None = None
    command: str | None = None


@dataclass(frozen=True)
class Baseline:
    """Normal behaviour before the change: ratios, milliseconds, requests per hour."""

    error_rate: float = 0.0005
    latency_p95_ms: float = 150.0
    success_rate: float = 0.9995
    requests_per_hour: float = 1000.0


@dataclass(frozen=True)
class Timings:
    """Minutes each rollback step takes; the rollback estimates add these up."""

    build: float = 3.0
    test: float = 4.0
    deploy: float = 4.0
    restart: float = 2.0
    verify: float = 1.0
    flag_toggle: float = 1.0
    config_reload: float = 5.0
    migrate: float = 2.0


# Flagger's mesh and ingress providers (fluxcd/flagger pkg/metrics/observers/factory.go); a
# provider may carry a suffix after ':' (appmesh:v1beta2, gloo:v1, gatewayapi:v1).
MESH_PROVIDERS: tuple[str, ...] = (
    "apisix",
    "appmesh",
    "contour",
    "gatewayapi",
    "gloo",
    "istio",
    "knative",
    "kubernetes",
    "kuma",
    "linkerd",
    "nginx",
    "osm",
    "skipper",
    "traefik",
)
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


@dataclass(frozen=True)
class MetricLabels:
    """How the service's request metrics tell the versions apart during a rollout.

    ``version`` is the series label naming the version that served a request, ``canary`` and
    ``stable`` its values on the new and the stable version (the exported Rollout sets them as
    pod labels through ``canaryMetadata``/``stableMetadata``). ``pod_template_hash`` is the
    label carrying Argo Rollouts' ``rollouts-pod-template-hash`` pod label, ``pod`` the label
    with the pod's name (Flagger's canary pods are ``<deployment>-<hash>-<id>``).
    """

    version: str = "version"
    canary: str = "canary"
    stable: str = "stable"
    pod_template_hash: str = "rollouts_pod_template_hash"
    pod: str = "pod"


@dataclass(frozen=True)
class ServiceProfile:
    """Everything the planner needs to know about the running service."""

    service: str = "app"
    platform: PlatformName = "generic"
    namespace: str = "default"
    deployment: str | None = None
    container: str | None = None
    image: str | None = None
    process: str | None = None
    replicas: int = 10
    feature_flag: FlagMechanism = field(default_factory=FlagMechanism)
    baseline: Baseline = field(default_factory=Baseline)
    timings: Timings = field(default_factory=Timings)
    promql: Mapping[str, str] = field(default_factory=dict)
    labels: MetricLabels = field(default_factory=MetricLabels)
    mesh: str | None = None
    health_url: str | None = None
    # None: not declared; the repository's configuration names it (planner.migrations.tools.engine)
    database: Literal["postgresql", "mysql"] | None = None
    # The raw ``calendar:`` section, parsed by planner.schedule.calendar when the plan is scheduled.
    calendar: Mapping[str, Any] | None = None
    source: str = "default"

    @property
    def deployment_name(self) -> str:
        """The Kubernetes deployment (defaults to the service name)."""
        return self.deployment or self.service

    @property
    def container_name(self) -> str:
        """The container in the deployment (defaults to the deployment name)."""
        return self.container or self.deployment_name

    @property
    def process_name(self) -> str:
        """The pm2 process or systemd unit (defaults to the service name)."""
        return self.process or self.service


def load_profile(path: str | Path) -> ServiceProfile:
    """Read a service profile file (YAML or JSON).

    Raises:
        ProfileError: unreadable file or a bad field; the message names the file and field.
    """
    data = read_structured(path, ProfileError, schema="service-profile")
    return parse_profile({} if data is None else data, str(path))


def parse_profile(data: Any, source: str = "<profile>") -> ServiceProfile:
    """Build a :class:`ServiceProfile` from plain data.

    Raises:
        ProfileError: unknown key, wrong type or value; names ``source`` and the field.
    """
    where = source
    top = _mapping(data, where, "")
    _no_unknown(top, {f.name for f in fields(ServiceProfile)} - {"source"}, where, "")
    kwargs: dict[str, Any] = {"source": source}
    for key in ("service", "namespace", "deployment", "container", "image", "process"):
        if key in top:
            kwargs[key] = _name(top[key], where, key, optional=key not in ("service", "namespace"))
    if "health_url" in top:
        kwargs["health_url"] = _string(top["health_url"], where, "health_url", optional=True)
    if "platform" in top:
        kwargs["platform"] = _choice(top["platform"], PLATFORMS, where, "platform")
    if "database" in top:
        kwargs["database"] = _choice(top["database"], DATABASES, where, "database")
    if "replicas" in top:
        replicas = top["replicas"]
        if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 2:
            raise ProfileError(f"{where}: replicas: {replicas!r} must be an integer >= 2")
        kwargs["replicas"] = replicas
    if "feature_flag" in top:
        kwargs["feature_flag"] = _flag(top["feature_flag"], where)
    if "baseline" in top:
        kwargs["baseline"] = _baseline(top["baseline"], where)
    if "timings" in top:
        kwargs["timings"] = _numbers(Timings, top["timings"], where, "timings")
    if "promql" in top:
        promql = _mapping(top["promql"], where, "promql")
        for sli, template in promql.items():
            _string(template, where, f"promql.{sli}")
        kwargs["promql"] = {str(k): str(v) for k, v in promql.items()}
    if "labels" in top:
        kwargs["labels"] = _labels(top["labels"], where)
    if "mesh" in top:
        kwargs["mesh"] = _mesh(top["mesh"], where)
    if "calendar" in top:
        kwargs["calendar"] = _mapping(top["calendar"], where, "calendar")
    profile = ServiceProfile(**kwargs)
    if profile.platform == "kubernetes":  # the names kubectl takes, in Kubernetes' own grammar
        _dns(profile.namespace, _DNS_LABEL, 63, where, "namespace")
        _dns(profile.deployment_name, _DNS_SUBDOMAIN, 253, where, "deployment")
        _dns(profile.container_name, _DNS_LABEL, 63, where, "container")
    return profile


def _dns(name: str, grammar: re.Pattern[str], most: int, where: str, key: str) -> None:
    if len(name) > most or not grammar.fullmatch(name):
        kind = "label" if grammar is _DNS_LABEL else "subdomain"
        raise ProfileError(
            f"{where}: {key}: {shown(name)} is not a Kubernetes name (RFC 1123 {kind}: lower-case "
            f"letters, digits and '-'{', ' + repr('.') if kind == 'subdomain' else ''}, at most "
            f"{most} characters, starting and ending with a letter or digit)"
        )


def _flag(value: Any, where: str) -> FlagMechanism:
    data = _mapping(value, where, "feature_flag")
    _no_unknown(data, {"mechanism", "name", "command"}, where, "feature_flag.")
    mechanism = _choice(
        data.get("mechanism", "env"), FLAG_MECHANISMS, where, "feature_flag.mechanism"
    )
    name = data.get("name")
    if name is not None:
        name = _name(name, where, "feature_flag.name")
    command = data.get("command")
    if mechanism == "flag_service":
        command = _command(command, where)
    elif command is not None:
        raise ProfileError(f"{where}: feature_flag.command: only used with mechanism flag_service")
    return FlagMechanism(mechanism=cast(Any, mechanism), name=name, command=command)


def _labels(value: Any, where: str) -> MetricLabels:
    data = _mapping(value, where, "labels")
    _no_unknown(data, {f.name for f in fields(MetricLabels)}, where, "labels.")
    out: dict[str, str] = {}
    for key, v in data.items():
        text = _name(v, where, f"labels.{key}")
        if key in ("version", "pod_template_hash", "pod") and not _LABEL_NAME.fullmatch(text):
            raise ProfileError(
                f"{where}: labels.{key}: {text!r} is not a Prometheus label name "
                "([a-zA-Z_][a-zA-Z0-9_]*)"
            )
        out[key] = text
    labels = MetricLabels(**out)
    if labels.canary == labels.stable:
        raise ProfileError(
            f"{where}: labels.canary and labels.stable: both are {labels.canary!r}; the versions "
            "need different values"
        )
    return labels


def _mesh(value: Any, where: str) -> str:
    text = _name(value, where, "mesh")
    if text.split(":", 1)[0] not in MESH_PROVIDERS:
        raise ProfileError(
            f"{where}: mesh: {text!r} is not one of {', '.join(MESH_PROVIDERS)} "
            "(optionally with a ':<version>' suffix)"
        )
    return text


def check_flag_name(flag: str | None, profile: ServiceProfile | None, source: str) -> None:
    """The change's flag must be an environment variable name when the mechanism is ``env``.

    Raises:
        ProfileError: ``FLAG=true`` would not set the variable (``new-checkout``, ``a.b``).
    """
    mech = (profile or ServiceProfile()).feature_flag
    name = flag or mech.name
    if name and mech.mechanism == "env" and not _ENV_NAME.fullmatch(name):
        raise ProfileError(
            f"{source}: feature_flag: {shown(name)} is not an environment variable name "
            "([A-Za-z_][A-Za-z0-9_]*) as feature_flag.mechanism env needs; rename it or use "
            "mechanism flag_service"
        )


def _command(value: Any, where: str) -> str:
    """A checked flag-service template (a command line, or a list of arguments)."""
    from planner.quoting.template import TemplateError, check_template  # runtime imports us

    key = "feature_flag.command"
    if isinstance(value, list) and value and all(isinstance(w, str) for w in value):
        template: str | list[str] = value
    else:
        template = _name(value, where, key)
    try:
        text = check_template(template, _TEMPLATE_KEYS)
    except TemplateError as exc:
        raise ProfileError(f"{where}: {key}: {shown(template)}: {exc}") from None
    if "{flag}" not in text or "{value}" not in text:
        raise ProfileError(
            f"{where}: {key}: {shown(template)} must use {{flag}} and {{value}} "
            f"(and optionally {{percent}}), nothing else"
        )
    return text


def _baseline(value: Any, where: str) -> Baseline:
    base = cast(Baseline, _numbers(Baseline, value, where, "baseline"))
    for ratio in ("error_rate", "success_rate"):
        v = getattr(base, ratio)
        if not 0 <= v <= 1:
            raise ProfileError(f"{where}: baseline.{ratio}: {v} is a ratio and must be 0 to 1")
    return base


def _numbers(cls: type[Any], value: Any, where: str, key: str) -> Any:
    data = _mapping(value, where, key)
    names = {f.name for f in fields(cls)}
    _no_unknown(data, names, where, f"{key}.")
    out: dict[str, float] = {}
    for name, v in data.items():
        if isinstance(v, bool) or not isinstance(v, int | float) or v < 0 or v != v:
            raise ProfileError(f"{where}: {key}.{name}: {v!r} must be a number >= 0")
        out[name] = float(v)
    return cls(**out)


def _mapping(value: Any, where: str, key: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        label = f"{key}: " if key else ""
        raise ProfileError(f"{where}: {label}expected a mapping, got {type(value).__name__}")
    return value


def _no_unknown(data: Mapping[str, Any], allowed: set[str], where: str, prefix: str) -> None:
    for key in data:
        if key not in allowed:
            expected = ", ".join(sorted(allowed))
            raise ProfileError(
                f"{where}: {prefix}{key}: unknown field (expected one of {expected})"
            )


def _string(value: Any, where: str, key: str, optional: bool = False) -> str:
    if value is None and optional:
        return cast(str, None)
    if not isinstance(value, str) or not value.strip():
        raise ProfileError(f"{where}: {key}: {value!r} must be a non-empty string")
    return value


def _name(value: Any, where: str, key: str, optional: bool = False) -> str:
    text = _string(value, where, key, optional)
    if text is not None and ("\n" in text or "\x00" in text):
        raise ProfileError(f"{where}: {key}: {text!r} must be one line")
    return text


def _choice(value: Any, choices: tuple[str, ...], where: str, key: str) -> str:
    if value not in choices:
        raise ProfileError(f"{where}: {key}: {value!r} is not one of {', '.join(choices)}")
    return cast(str, value)
