"""Invariants over any stage layout: the engines' steps are the plan's stages, nothing else."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from support.export_plans import plan_dict, target

from planner.export import build_argo, build_flagger
from planner.model import Plan

# Five stages: strictly increasing whole exposures after any number of 0 % stages, and waits.
LAYOUTS = st.tuples(
    st.integers(0, 4),
    st.lists(st.integers(1, 100), min_size=5, max_size=5, unique=True),
    st.lists(st.sampled_from([0, 0.5, 1, 30, 90, 1440]), min_size=5, max_size=5),
)


def _plan(layout: tuple[int, list[int], list[float]]) -> Plan:
    zeros, weights, waits = layout
    exposures = [0] * zeros + sorted(weights)[: 5 - zeros]
    data: dict[str, Any] = plan_dict()
    for stage, exposure, wait in zip(data["stages"], exposures, waits, strict=True):
        stage["exposure_percent"] = exposure
        stage["wait_minutes"] = {"min": wait, "max": wait * 2}
    return Plan.from_dict(data)


@settings(max_examples=60, deadline=None)
@given(LAYOUTS)
def test_argo_steps_are_the_stages_weights_and_minimum_waits(layout: Any) -> None:
    plan = _plan(layout)
    steps = build_argo(plan, target())[0]["spec"]["strategy"]["canary"]["steps"]
    expected: list[dict[str, Any]] = []
    for s in plan.stages:
        if s.exposure_percent > 0:
            expected.append({"setWeight": int(s.exposure_percent)})
        if s.wait_minutes.min > 0:
            minutes = s.wait_minutes.min
            text = f"{int(minutes)}m" if minutes == int(minutes) else f"{int(minutes * 60)}s"
            expected.append({"pause": {"duration": text}})
    assert steps == expected


@settings(max_examples=60, deadline=None)
@given(LAYOUTS)
def test_flagger_step_weights_are_the_exposed_stages_and_end_at_max_weight(layout: Any) -> None:
    plan = _plan(layout)
    analysis = build_flagger(plan, target())[0]["spec"]["analysis"]
    exposed = [int(s.exposure_percent) for s in plan.stages if s.exposure_percent > 0]
    assert analysis["stepWeights"] == exposed
    assert analysis["maxWeight"] == exposed[-1]
    gated = [h["type"] for h in analysis.get("webhooks", [])]
    # A gate exists exactly when some wait is longer than Flagger's one-interval hold.
    assert bool(gated) == any(s.wait_minutes.min > 1 for s in plan.stages)
