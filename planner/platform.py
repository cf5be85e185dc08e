"""Platform commands: deploy a version, restart, check, switch the flag, split traffic.

Kubernetes uses ``kubectl`` on ``deployment/<name>`` in ``<namespace>`` (and a
``<name>-canary`` deployment to split traffic when there is no flag); pm2 uses ``pm2 reload``;
systemd ``systemctl``; ``generic`` checks out the commit and builds, and leaves the restart to
the team's own tooling (a ``#`` comment says so). Every user-supplied name is shell-quoted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planner.profile import ServiceProfile
from planner.shell import join, q
from planner.toolchain import Toolchain

__all__ = ["HEAD_TAG", "Platform"]

# The commit checked out when a command runs (used after ``git revert``).
HEAD_TAG = "$(git rev-parse --short=12 HEAD)"


@dataclass(frozen=True)
class Platform:
    """Commands for one service on one platform."""

    profile: ServiceProfile
    toolchain: Toolchain

    def _kubectl(self, *words: str) -> str:
        return join("kubectl", "-n", self.profile.namespace, *words)

    @property
    def _deployment(self) -> str:
        return f"deployment/{self.profile.deployment_name}"

    @property
    def _canary(self) -> str:
        return f"deployment/{self.profile.deployment_name}-canary"

    def status(self) -> str:
        """Wait for or show the running version."""
        p = self.profile
        if p.platform == "kubernetes":
            return self._kubectl("rollout", "status", self._deployment, "--timeout=10m")
        if p.platform == "pm2":
            return join("pm2", "describe", p.process_name)
        if p.platform == "systemd":
            return join("systemctl", "is-active", p.process_name)
        return f"# check that {_comment(p.service)} is up with your process manager"

    def restart(self) -> str:
        """Restart the running processes (picks up environment and configuration)."""
        p = self.profile
        if p.platform == "kubernetes":
            return self._kubectl("rollout", "restart", self._deployment)
        if p.platform == "pm2":
            return join("pm2", "reload", p.process_name, "--update-env")
        if p.platform == "systemd":
            return join("sudo", "systemctl", "restart", p.process_name)
        return f"# restart {_comment(p.service)} with your process manager"

    def verify(self) -> str:
        """Health check: the profile's health URL, else the platform status."""
        if self.profile.health_url:
            return join(
                "curl",
                "--fail",
                "--silent",
                "--show-error",
                "--max-time",
                "10",
                self.profile.health_url,
            )
        return self.status()

    def deploy(self, tag: str | None) -> tuple[str, ...]:
        """Deploy commit ``tag`` (a SHA or marked placeholder); ``None`` deploys the checkout."""
        p, tc = self.profile, self.toolchain
        if p.platform == "kubernetes":
            image = p.image or p.service
            tag = _image_tag(tag)
            ref = (
                q(f"{p.container_name}={image}:{tag}")
                if tag
                else q(f"{p.container_name}={image}:") + f'"{HEAD_TAG}"'
            )
            built = q(f"{image}:{tag}") if tag else q(f"{image}:") + f'"{HEAD_TAG}"'
            out: list[str] = []
            if tc.has_dockerfile:
                out += [f"docker build -t {built} .", f"docker push {built}"]
            return (
                *out,
                self._kubectl("set", "image", self._deployment) + f" {ref}",
                self.status(),
            )
        out = [join("git", "checkout", "--detach", tag)] if tag else []
        if tc.build:
            out.append(tc.build)
        return (*out, self.restart())

    def flag(self, flag: str, on: bool, percent: float) -> tuple[str, ...]:
        """Switch ``flag`` on for ``percent`` % of users, or off."""
        p = self.profile
        value = "true" if on else "false"
        share = _pct(percent if on else 0)
        mech = p.feature_flag
        if mech.mechanism == "flag_service" and mech.command:
            return (mech.command.format(flag=q(flag), value=value, percent=share),)
        pairs = (f"{flag}={value}", f"{flag}_PERCENT={share}")
        if p.platform == "kubernetes":
            return (self._kubectl("set", "env", self._deployment, *pairs), self.status())
        if p.platform == "pm2":
            return (f"{join(*pairs)} {join('pm2', 'reload', p.process_name, '--update-env')}",)
        if p.platform == "systemd":
            return (join("sudo", "systemctl", "set-environment", *pairs), self.restart())
        return (join("printf", "%s\\n", *pairs) + " >> .env", self.restart())

    def traffic(self, percent: float, tag: str | None) -> tuple[str, ...]:
        """Without a flag: send ``percent`` % of traffic to the new version."""
        p = self.profile
        if p.platform != "kubernetes":
            return (f"# send {_pct(percent)}% of {_comment(p.service)} traffic to the new version",)
        canary = round(p.replicas * percent / 100)
        if percent >= 100:
            return (*self.deploy(tag), self._kubectl("scale", self._canary, "--replicas=0"))
        image = p.image or p.service
        tag = _image_tag(tag)
        ref = (
            q(f"{p.container_name}={image}:{tag}")
            if tag
            else q(f"{p.container_name}={image}:") + f'"{HEAD_TAG}"'
        )
        return (
            self._kubectl("set", "image", self._canary) + f" {ref}",
            self._kubectl("scale", self._canary, f"--replicas={max(canary, 1)}"),
            self._kubectl("scale", self._deployment, f"--replicas={p.replicas - max(canary, 1)}"),
            self._kubectl("rollout", "status", self._canary, "--timeout=10m"),
        )


def _image_tag(tag: str | None) -> str | None:
    """Image tags use the 12-character short SHA, as ``HEAD_TAG`` does."""
    if tag and re.fullmatch(r"[0-9a-f]{40}", tag):
        return tag[:12]
    return tag


def _comment(text: str) -> str:
    """Text safe inside a ``#`` comment: no line break can end the comment early."""
    return re.sub(r"[\r\n\x00-\x1f]+", " ", text)


def _pct(percent: float) -> str:
    return f"{percent:g}"
