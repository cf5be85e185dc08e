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
from planner.quoting.shell import join, q
from planner.quoting.template import render_template
from planner.runtime.repository.command import Command
from planner.runtime.toolchain import Toolchain

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

    def _image(self, tag: str | None) -> tuple[str, str]:
        """Quoted ``image:tag`` and ``container=image:tag`` (``None``: the checked-out commit)."""
        p = self.profile
        image = p.image or p.service
        short = _image_tag(tag)
        if short:
            return q(f"{image}:{short}"), q(f"{p.container_name}={image}:{short}")
        return q(f"{image}:") + f'"{HEAD_TAG}"', q(f"{p.container_name}={image}:") + f'"{HEAD_TAG}"'

    def build_image(self, tag: str | None) -> tuple[str, ...]:
        """``docker build`` and ``push`` of the shipped root's Dockerfile (Kubernetes).

        The Dockerfile and build context are the ones the repository's CI or scripts use, else
        the root's own ``Dockerfile`` in its folder; none: nothing is built here.
        """
        image = self.toolchain.image
        if self.profile.platform != "kubernetes" or image is None:
            return ()
        built, _ = self._image(tag)
        build = Command(
            f"docker build -f {q(image.dockerfile)} -t {built} {q(image.context or '.')}",
            image.source,
        )
        return (build.line(), f"docker push {built}")

    def deploy(self, tag: str | None, build: bool = True) -> tuple[str, ...]:
        """Deploy commit ``tag`` (a SHA or marked placeholder); ``None`` deploys the checkout.

        ``build=False`` skips the image build (already built by an earlier stage).
        """
        p, tc = self.profile, self.toolchain
        if p.platform == "kubernetes":
            _, ref = self._image(tag)
            return (
                *(self.build_image(tag) if build else ()),
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
            return (
                render_template(mech.command, {"flag": flag, "value": value, "percent": share}),
            )
        pairs = (f"{flag}={value}", f"{flag}_PERCENT={share}")
        if p.platform == "kubernetes":
            return (self._kubectl("set", "env", self._deployment, *pairs), self.status())
        if p.platform == "pm2":
            return (f"{join(*pairs)} {join('pm2', 'reload', p.process_name, '--update-env')}",)
        if p.platform == "systemd":
            return (join("sudo", "systemctl", "set-environment", *pairs), self.restart())
        return (join("printf", "%s\\n", *pairs) + " >> .env", self.restart())

    def traffic(self, percent: float, tag: str | None, first: bool) -> tuple[str, ...]:
        """Without a flag: send ``percent`` % of traffic to the new version.

        Kubernetes scales a ``<deployment>-canary`` deployment against the stable one (``first``
        builds the image); other platforms deploy instance by instance behind the load balancer.
        """
        p = self.profile
        share = _pct(percent)
        if p.platform != "kubernetes":
            where = "every remaining instance" if percent >= 100 else f"{share}% of the instances"
            return (
                f"# on {where} of {_comment(p.service)}:",
                *self.deploy(tag),
                f"# then send {share}% of traffic to the new version at the load balancer",
            )
        if percent >= 100:
            return (
                *self.deploy(tag, build=first),
                self._kubectl("scale", self._canary, "--replicas=0"),
            )
        canary = max(round(p.replicas * percent / 100), 1)
        _, ref = self._image(tag)
        return (
            *(self.build_image(tag) if first else ()),
            self._kubectl("set", "image", self._canary) + f" {ref}",
            self._kubectl("scale", self._canary, f"--replicas={canary}"),
            self._kubectl("scale", self._deployment, f"--replicas={p.replicas - canary}"),
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
