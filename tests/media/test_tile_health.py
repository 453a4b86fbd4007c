"""Tile health rules and reconnect backoff."""

from __future__ import annotations

import random
import statistics

import pytest

from console.core.tile_health import (
    FROZEN_AFTER_FRAMES,
    OFFLINE_AFTER_ATTEMPTS,
    OFFLINE_AFTER_S,
    STALE_AFTER_S,
    TileHealth,
    backoff_delay,
    classify,
)

RECONNECTING, OFFLINE = TileHealth.RECONNECTING, TileHealth.OFFLINE
HEALTHY = dict(
    connected=True,
    had_frame=True,
    seconds_without_frame=0.04,
    identical_frames=0,
    auth_failed=False,
    attempts=0,
)


def health(**changes: object) -> TileHealth:
    return classify(**{**HEALTHY, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, TileHealth.LIVE),
        ({"connected": False, "had_frame": False}, TileHealth.CONNECTING),
        ({"had_frame": False, "seconds_without_frame": 0.5}, TileHealth.CONNECTING),
        ({"seconds_without_frame": STALE_AFTER_S}, TileHealth.STALE),
        ({"identical_frames": FROZEN_AFTER_FRAMES}, TileHealth.FROZEN),
        ({"connected": False, "attempts": 1, "seconds_without_frame": 1.0}, RECONNECTING),
        ({"connected": False, "attempts": OFFLINE_AFTER_ATTEMPTS}, TileHealth.OFFLINE),
        ({"connected": False, "attempts": 1, "seconds_without_frame": OFFLINE_AFTER_S}, OFFLINE),
        ({"auth_failed": True, "connected": False, "attempts": 9}, TileHealth.DENIED),
    ],
)
def test_every_state_is_reachable(changes: dict[str, object], expected: TileHealth) -> None:
    assert health(**changes) is expected


def test_all_states_covered_by_the_table() -> None:
    reached = {
        health(),
        health(connected=False, had_frame=False),
        health(seconds_without_frame=STALE_AFTER_S),
        health(identical_frames=FROZEN_AFTER_FRAMES),
        health(connected=False, attempts=1),
        health(connected=False, attempts=OFFLINE_AFTER_ATTEMPTS),
        health(auth_failed=True),
    }
    assert reached == set(TileHealth)


def test_stale_outranks_frozen_and_auth_outranks_everything() -> None:
    assert health(seconds_without_frame=60.0, identical_frames=999) is TileHealth.STALE
    assert health(auth_failed=True, seconds_without_frame=60.0) is TileHealth.DENIED


def test_values_are_lowercase_names() -> None:
    assert all(h.value == h.name.lower() for h in TileHealth)


def test_backoff_is_bounded_by_cap_and_never_negative() -> None:
    rng = random.Random(7)
    delays = [backoff_delay(a, base=0.5, cap=30.0, rng=rng) for a in range(1, 2000)]
    assert all(0.0 <= d <= 30.0 for d in delays)


def test_backoff_grows_with_attempts() -> None:
    rng = random.Random(11)

    def mean_delay(attempt: int) -> float:
        return statistics.fmean(backoff_delay(attempt, rng=rng) for _ in range(4000))

    means = [mean_delay(a) for a in (1, 2, 3, 4, 5)]
    assert means == sorted(means)
    # Full jitter: the mean is half the ceiling, base * 2**(attempt-1) / 2.
    assert means[0] == pytest.approx(0.25, rel=0.1)
    assert means[4] == pytest.approx(4.0, rel=0.1)
    assert mean_delay(50) == pytest.approx(15.0, rel=0.1)


def test_backoff_is_reproducible_with_a_seeded_rng() -> None:
    first = [backoff_delay(a, rng=random.Random(3)) for a in range(1, 8)]
    again = [backoff_delay(a, rng=random.Random(3)) for a in range(1, 8)]
    assert first == again


def test_backoff_survives_absurd_attempt_numbers() -> None:
    assert 0.0 <= backoff_delay(10**6, cap=5.0) <= 5.0
    assert 0.0 <= backoff_delay(0) <= 0.5
