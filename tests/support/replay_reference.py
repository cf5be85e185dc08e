"""The per-tick SimPy reference replay: the oracle for :mod:`simulations.replay.fast`.

One SimPy event per sample: a ticker process feeds each sample to every detector's own
state machine (written here, sample by sample, independently of the vectorised detectors),
accumulates the blast radius with the exposure the controller process holds at that moment,
and raises the detection. The controller walks the stages one timeout per stage and re-checks
for a detection after any same-time tick. Shared with the fast path are only the random
choices, the sampled counts and the sampled canary and stable latencies
(``draw_run``/``build_world``) and the human response process.

Kept in ``tests/`` (not shipped): it is slow by design and exists to be compared against; the
benchmark imports it by path to measure the speed-up on the same replications.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Generator
from typing import Any

import simpy

from simulations.detectors import (
    ArgoAnalysis,
    BaselineComparison,
    FlaggerAnalysis,
    MultiBurnRate,
    StaticThreshold,
)
from simulations.replay.events import RunState, responder
from simulations.replay.measure.latency import z_of
from simulations.replay.measure.outcome import RunResult, users_affected
from simulations.replay.setup import ERROR_RATIO, SUCCESS_RATE, Setup
from simulations.replay.world import build_world, draw_run, stage_at

NAN = math.nan


class Window:
    """Trailing window of (value, errors, requests) samples."""

    def __init__(self, size: int) -> None:
        self.items: deque[tuple[float, float | None, float | None]] = deque(maxlen=size)

    def push(self, value: float, errors: float | None, requests: float | None) -> None:
        self.items.append((value, errors, requests))

    def value(self) -> float:
        if self.items and self.items[0][1] is not None:
            se = sum(e for _, e, _ in self.items if e is not None)
            sr = sum(r for _, _, r in self.items if r is not None)
            return se / sr if sr > 0 else NAN
        vals = [v for v, _, _ in self.items if not math.isnan(v)]
        return sum(vals) / len(vals) if vals else NAN


def cdf(x: float) -> float:
    """Standard normal CDF, Abramowitz & Stegun 7.1.26, in plain floats."""
    a = abs(x) / math.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    erf = 1.0 - poly * math.exp(-a * a)
    return 0.5 * (1.0 + math.copysign(erf, x)) if x != 0 else 0.5


def mixture_scalar(new: float, old: float, w: float, z: float, sigma: float) -> float:
    """The mixture percentile by bisection on ln(x), one sample at a time."""
    if math.isnan(new) or math.isnan(old):
        return NAN
    mu_new, mu_old = math.log(new) - z * sigma, math.log(old) - z * sigma
    target = cdf(z)
    lo, hi = min(math.log(new), math.log(old)), max(math.log(new), math.log(old))
    for _ in range(48):
        mid = 0.5 * (lo + hi)
        f = w * cdf((mid - mu_new) / sigma) + (1 - w) * cdf((mid - mu_old) / sigma)
        if f < target:
            lo = mid
        else:
            hi = mid
    return math.exp(0.5 * (lo + hi))


def worse(value: float, bound: float, direction: str) -> bool:
    if math.isnan(value):
        return False
    return value > bound if direction == "above" else value < bound


class StaticMachine:
    def __init__(self, det: StaticThreshold, step: float) -> None:
        self.det, self.k = det, round(det.evaluation_interval_minutes / step)
        self.win = Window(1 if det.range_minutes is None else round(det.range_minutes / step))
        self.n, self.held, self.firing = 0, -1, False

    def feed(self, v: float, e: float | None, r: float | None, b: float) -> bool:
        self.win.push(v, e, r)
        self.n += 1
        if self.n % self.k == 0:
            if worse(self.win.value(), self.det.threshold, self.det.direction):
                self.held += 1
                t = self.held * self.det.evaluation_interval_minutes
                self.firing = t >= self.det.for_minutes - 1e-9
            else:
                self.held, self.firing = -1, False
        return self.firing


class FlaggerMachine:
    def __init__(self, det: FlaggerAnalysis, step: float) -> None:
        self.det, self.k = det, round(det.interval_minutes / step)
        self.win, self.n, self.failed = Window(self.k), 0, 0

    def feed(self, v: float, e: float | None, r: float | None, b: float) -> bool:
        self.win.push(v, e, r)
        self.n += 1
        if self.n % self.k == 0:
            x, d = self.win.value(), self.det
            bad = d.threshold_range_max is not None and worse(x, d.threshold_range_max, "above")
            bad = bad or (
                d.threshold_range_min is not None and worse(x, d.threshold_range_min, "below")
            )
            self.failed += bad
        return self.failed >= self.det.threshold


class ArgoMachine:
    def __init__(self, det: ArgoAnalysis, step: float) -> None:
        self.det, self.k = det, round(det.interval_minutes / step)
        self.d = round(det.initial_delay_minutes / step)
        self.win = Window(round((det.query_window_minutes or det.interval_minutes) / step))
        self.n, self.taken = 0, 0
        self.failed = self.inconclusive = self.errors = 0
        self.phase = "Running"
        if self.d == 0:
            self.measure(NAN)

    def measure(self, x: float) -> None:
        if self.phase != "Running" or (self.det.count is not None and self.taken >= self.det.count):
            return
        self.taken += 1
        d = self.det
        inverse = "below" if d.direction == "above" else "above"
        if math.isnan(x):
            self.errors += 1
            if self.errors > d.consecutive_error_limit:
                self.phase = "Error"
            return
        self.errors = 0
        if d.failure_condition is not None and worse(x, d.failure_condition, d.direction):
            outcome = "Failed"
        elif d.success_condition is not None:
            ok = worse(x, d.success_condition, inverse)
            outcome = (
                "Successful"
                if ok
                else ("Inconclusive" if d.failure_condition is not None else "Failed")
            )
        else:
            outcome = "Successful"
        if outcome == "Failed":
            self.failed += 1
            if self.failed > d.failure_limit:
                self.phase = "Failed"
        elif outcome == "Inconclusive":
            self.inconclusive += 1
            if self.inconclusive > d.inconclusive_limit:
                self.phase = "Inconclusive"

    def feed(self, v: float, e: float | None, r: float | None, b: float) -> bool:
        self.win.push(v, e, r)
        self.n += 1
        if self.n >= self.d and (self.n - self.d) % self.k == 0:  # a measurement at n steps
            self.measure(self.win.value())
        return self.phase in ("Failed", "Error")


class BurnMachine:
    def __init__(self, det: MultiBurnRate, step: float) -> None:
        self.det = det
        self.pairs = [
            (
                w.factor * (1 - det.slo),
                Window(round(w.long_minutes / step)),
                Window(round(w.short_minutes / step)),
            )
            for w in det.windows
        ]

    def feed(self, v: float, e: float | None, r: float | None, b: float) -> bool:
        out = False
        for limit, long_, short in self.pairs:
            long_.push(v, e, r)
            short.push(v, e, r)
            out = out or (
                worse(long_.value(), limit, "above") and worse(short.value(), limit, "above")
            )
        return out


class BaselineMachine:
    def __init__(self, det: BaselineComparison, step: float) -> None:
        self.det, self.k = det, round(det.interval_minutes / step)
        self.win, self.base, self.n, self.failed = Window(self.k), Window(self.k), 0, False

    def feed(self, v: float, e: float | None, r: float | None, b: float) -> bool:
        self.win.push(v, e, r)
        self.base.push(b, None, None)
        self.n += 1
        if self.n % self.k == 0 and not self.failed:
            c, s, d = self.win.value(), self.base.value(), self.det
            rel = d.max_increase_percent / 100.0
            if not (math.isnan(c) or math.isnan(s)):
                if d.direction == "above":
                    self.failed = c > s * (1 + rel) and c - s > d.min_absolute_difference
                else:
                    self.failed = c < s * (1 - rel) and s - c > d.min_absolute_difference
        return self.failed


MACHINES: dict[type, Any] = {
    StaticThreshold: StaticMachine,
    FlaggerAnalysis: FlaggerMachine,
    ArgoAnalysis: ArgoMachine,
    MultiBurnRate: BurnMachine,
    BaselineComparison: BaselineMachine,
}


def reference_run(setup: Setup, seed: int, run: int) -> tuple[RunResult, list[Any]]:
    """Replay one run tick by tick; returns its result and event log."""
    draw = draw_run(setup, seed, run)
    world = build_world(setup, (draw,))
    h, step = int(world.horizons[0]), setup.step_minutes
    env = simpy.Environment()
    log: list[Any] = []
    st: dict[str, Any] = {
        "exposure": 0.0,
        "stage": 0,
        "halted": False,
        "detected": None,
        "detector": "",
        "failed": [],
        "canary": [],
        "exposed": [],
        "canary_on": False,
    }
    response = RunState(log=log)  # what the shared responder process writes
    st["response"] = response
    machines = [(det, MACHINES[type(det)](det, step)) for det in setup.detectors]
    lead = world.lead  # column of deploy step 0; columns before it are stable-only history
    hist = lead
    for det, machine in machines:  # fleet detectors see the stable-only history first
        if det.scope == "fleet":
            for j in range(hist):
                r = world.requests[0, j]
                e = world.canary_errors[0, j] + world.stable_errors[0, j]
                v = world.old[det.metric][0, j]
                if det.metric == ERROR_RATIO:
                    machine.feed(e / r if r > 0 else NAN, e, r, v)
                elif det.metric == SUCCESS_RATE:
                    machine.feed(1 - e / r if r > 0 else NAN, None, None, v)
                else:
                    machine.feed(v, None, None, v)

    def sample(det: Any, i: int, exposure: float) -> tuple[float, float | None, float | None]:
        i += lead
        m, old_v = det.metric, world.old[det.metric][0, i]
        if det.scope == "canary":
            r, e = world.canary_requests[0, i], world.canary_errors[0, i]
        else:
            r = world.requests[0, i]
            e = world.canary_errors[0, i] + world.stable_errors[0, i]
        ratio = e / r if r > 0 else NAN
        if m == ERROR_RATIO:
            return ratio, e, r
        if m == SUCCESS_RATE:
            return 1 - ratio, None, None
        new_v = world.new[m][0, i]
        if det.scope == "canary":
            if m in world.canary_latency:  # what the canary measured of its own requests
                new_v = world.canary_latency[m][0, i]
            return (new_v if r > 0 else NAN), None, None
        if m.startswith("latency_"):
            z = z_of(setup.statistics.get(m))
            return mixture_scalar(new_v, old_v, exposure, z, setup.config.latency_sigma), None, None
        return exposure * new_v + (1 - exposure) * old_v, None, None

    def baseline(det: Any, i: int) -> float:
        """The stable version's value: as it measured it (canary latency), else its level."""
        m = det.metric
        if det.scope == "canary" and m in world.stable_latency:
            return float(world.stable_latency[m][0, lead + i])
        return float(world.old[m][0, lead + i])

    def ticker() -> Generator[Any, Any, None]:
        for i in range(h):
            yield env.timeout(step)
            exposure = st["exposure"]
            if exposure > 0:
                st["canary_on"] = True
            for det, machine in machines:
                if det.scope == "canary" and not st["canary_on"]:
                    continue
                v, e, r = sample(det, i, exposure)
                fired = machine.feed(v, e, r, baseline(det, i))
                if fired and st["detected"] is None:
                    st["detected"], st["detector"] = i + 1, det.name
                    log.append((env.now, "detected", ""))
                    env.process(respond(i + 1))
            length = setup.incidents[draw.incident].length if draw.incident >= 0 else 0
            if draw.incident >= 0 and draw.onset <= i < draw.onset + length:
                restored = response.restored
                if restored is not None and restored <= i * step:
                    continue
                frac = 1.0 if restored is None else min(1.0, restored / step - i)
                req, exc = (
                    world.requests[0, lead + i],
                    max(
                        world.new[ERROR_RATIO][0, lead + i] - world.old[ERROR_RATIO][0, lead + i],
                        0.0,
                    ),
                )
                x, c = req * exposure * exc, req * exposure
                if frac < 1.0:
                    x, c = x * frac, c * frac
                st["failed"].append(x)
                st["canary"].append(c)
                st["exposed"].append(exposure * frac)

    def controller() -> Generator[Any, Any, None]:
        for k, (stage, bake) in enumerate(zip(setup.stages, draw.bake, strict=True)):
            if st["detected"] is not None:
                return
            st["stage"], st["exposure"] = k, stage.exposure
            log.append((env.now, "stage", stage.name))
            if bake:
                yield env.timeout(bake * step)
                yield env.timeout(0)  # let a tick at this instant detect first

    def respond(d: int) -> Generator[Any, Any, None]:
        hour = int(setup.hours[min(draw.start + d, setup.n_steps - 1)])
        on_call = simpy.Resource(env, capacity=setup.config.response.on_call)
        yield env.process(
            responder(
                env, setup, draw, setup.stages[st["stage"]].rollback_level, hour, on_call, response
            )
        )

    env.process(controller())
    env.process(ticker())
    env.run()
    return _result(setup, draw, st, world.horizons[0]), log


def _result(setup: Setup, draw: Any, st: dict[str, Any], horizon: int) -> RunResult:
    response: RunState = st["response"]
    step = setup.step_minutes
    has = draw.incident >= 0
    onset = draw.onset * step if has else NAN
    d = st["detected"]
    det_min = d * step if d is not None else NAN
    restored = NAN if response.restored is None else response.restored
    recovered = NAN if response.recovered is None else response.recovered
    failed = math.fsum(x for x in st["failed"] if x != 0)
    users = users_affected(failed, math.fsum(st["canary"]), setup.config.requests_per_user)
    return RunResult(
        run=draw.run,
        incident=setup.incidents[draw.incident].name if has else "",
        onset_stage=setup.stages[stage_at(draw, draw.onset)].name if has else "",
        onset_minutes=onset,
        detected=d is not None,
        detector=st["detector"],
        detection_minutes=det_min,
        detection_stage=setup.stages[st["stage"]].name if d is not None else "",
        time_to_detect_minutes=det_min - onset,
        time_to_rollback_minutes=restored - det_min,
        time_to_recover_minutes=recovered - onset,
        levels=",".join(str(x) for x in response.levels),
        failed_requests=failed if has else 0.0,
        users=users if has else 0.0,
        exposure_minutes=math.fsum(st["exposed"]) * step if has else 0.0,
        false_rollback=d is not None and (not has or det_min <= onset),
        deploy_start=draw.start,
    )
