"""The overload governor: caps the decode budget while decoders fall behind, lifts it slowly."""

from __future__ import annotations

import pytest

from console.core.overload import (
    CALM_LOOKS_BEFORE_GROWING,
    GROW_SHARE,
    MIN_CAP_SHARE,
    OVERLOADED_LOOKS,
    SHRINK,
    LoadSample,
    OverloadGovernor,
)

CALM = LoadSample(frames=900, late=0, decoders=36, catching_up=0)
LATE = LoadSample(frames=900, late=180, decoders=36, catching_up=0)


def test_what_counts_as_overloaded() -> None:
    assert not CALM.overloaded
    assert LATE.overloaded
    assert not LoadSample(900, 90, 36, 0).overloaded  # 10 %: still within
    assert LoadSample(900, 91, 36, 0).overloaded
    # One camera catching up is likelier a network burst than a busy workstation.
    assert not LoadSample(900, 0, 36, 1).overloaded
    assert not LoadSample(900, 0, 36, 3).overloaded  # under a tenth of 36
    assert LoadSample(900, 0, 36, 4).overloaded
    assert LoadSample(100, 0, 4, 2).overloaded
    assert not LoadSample(0, 0, 0, 0).overloaded


def overloaded(governor: OverloadGovernor, budget: float, planned: float) -> float:
    """Overload seen for long enough to act on; returns the budget to plan with."""
    for _ in range(OVERLOADED_LOOKS - 1):
        assert governor.update(LATE, budget, planned) == governor.effective(budget)
    return governor.update(LATE, budget, planned)


def test_one_overloaded_look_is_not_enough() -> None:
    governor = OverloadGovernor()
    assert OVERLOADED_LOOKS >= 2
    assert governor.update(LATE, 1.0, 0.9) == 1.0 and governor.cap is None
    assert governor.update(CALM, 1.0, 0.9) == 1.0  # a start-up hiccup: forgotten
    assert governor.update(LATE, 1.0, 0.9) == 1.0 and governor.cap is None


def test_overload_caps_below_what_the_plan_expected_and_keeps_cutting() -> None:
    governor = OverloadGovernor()
    assert governor.update(CALM, 1.0, 0.9) == 1.0 and governor.cap is None
    assert overloaded(governor, 1.0, 0.9) == pytest.approx(0.9 * SHRINK)
    # Still late: cut again from the cap (the new plan spends at most that).
    assert governor.update(LATE, 1.0, 0.7) == pytest.approx(0.7 * SHRINK)
    assert governor.update(LATE, 1.0, 0.7) == pytest.approx(0.7 * SHRINK * SHRINK)
    for _ in range(100):
        governor.update(LATE, 1.0, 0.0)
    # Never below a quarter of what the wall spent when the overload began.
    assert governor.cap == pytest.approx(MIN_CAP_SHARE * 0.9)
    assert governor.overloads == 100 + 2 + OVERLOADED_LOOKS


def test_a_plan_that_spends_more_than_the_budget_is_capped_below_the_budget() -> None:
    governor = OverloadGovernor()
    # The lowest plan can exceed the budget (the planner reports it as overloaded).
    assert overloaded(governor, 1.0, 1.6) == pytest.approx(SHRINK)


def test_the_cap_grows_back_slowly_after_calm_looks_and_lifts() -> None:
    governor = OverloadGovernor()
    overloaded(governor, 1.0, 0.5)
    cap = governor.cap
    assert cap == pytest.approx(0.5 * SHRINK)
    for _ in range(CALM_LOOKS_BEFORE_GROWING - 1):
        assert governor.update(CALM, 1.0, 0.4) == pytest.approx(cap)
    assert governor.update(CALM, 1.0, 0.4) == pytest.approx(cap + GROW_SHARE)
    # Overload again: the calm count starts again.
    overloaded(governor, 1.0, 0.4)
    cap = governor.cap
    assert cap == pytest.approx(0.4 * SHRINK)
    for _ in range(CALM_LOOKS_BEFORE_GROWING - 1):
        assert governor.update(CALM, 1.0, 0.3) == pytest.approx(cap)
    looks = 0
    while governor.cap is not None:
        governor.update(CALM, 1.0, 0.3)
        looks += 1
        assert looks < 100
    # From 0.32 to 1.0 in steps of GROW_SHARE of the budget.
    assert looks == pytest.approx((1.0 - cap) / GROW_SHARE, abs=1.5)
    assert governor.effective(1.0) == 1.0
