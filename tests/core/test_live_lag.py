"""The live-lag rule: real-time arrival is live, a growing backlog triggers catch-up."""

from __future__ import annotations

import pytest

from console.core.live_lag import (
    CATCH_UP_AFTER_S,
    CAUGHT_UP_BELOW_S,
    RESET_AFTER_S,
    CatchUpNotice,
    LiveLag,
)


def test_packets_arriving_in_real_time_are_live() -> None:
    lag = LiveLag()
    for i in range(1000):
        behind = lag.update(100.0 + i * 0.04 + (0.01 if i % 3 else 0.0), 5.0 + i * 0.04)
        assert behind <= 0.011
    assert not lag.catching_up


def test_a_start_up_burst_is_not_lag() -> None:
    lag = LiveLag()
    # Two seconds of cached GOP delivered in 50 ms, then real time.
    for i in range(50):
        assert lag.update(10.0 + i * 0.001, i * 0.04) == pytest.approx(0.0)
    for i in range(50, 200):
        assert lag.update(10.049 + (i - 49) * 0.04, i * 0.04) == pytest.approx(0.0, abs=1e-9)
    assert not lag.catching_up


def test_a_reader_falling_behind_catches_up_then_returns_to_every_frame() -> None:
    lag = LiveLag()
    lag.update(0.0, 0.0)
    # The reader takes 0.06 s per 0.04 s of video: half a second behind after 1 s of video.
    wall, media = 0.0, 0.0
    while not lag.catching_up:
        wall, media = wall + 0.06, media + 0.04
        lag.update(wall, media)
    assert wall - media > CATCH_UP_AFTER_S
    # Catching up, it reads the backlog far faster than real time.
    states = []
    while lag.catching_up:
        wall, media = wall + 0.004, media + 0.04
        states.append(lag.update(wall, media))
    assert states[-1] < CAUGHT_UP_BELOW_S
    assert all(s >= CAUGHT_UP_BELOW_S for s in states[:-1])


def test_hysteresis_keeps_a_reader_near_the_limit_from_flapping() -> None:
    lag = LiveLag()
    lag.update(0.0, 0.0)
    lag.update(1.5, 0.0)
    assert lag.catching_up
    lag.update(1.5 + 0.04, 0.8)  # 0.74 s behind: still above the release point
    assert lag.catching_up
    lag.update(1.5 + 0.08, 1.4)  # 0.18 s behind
    assert not lag.catching_up
    lag.update(1.5 + 0.12, 0.8)  # 0.82 s behind: below the start point
    assert not lag.catching_up


def test_slow_camera_clock_drift_is_not_lag() -> None:
    lag = LiveLag()
    # A camera clock 200 ppm slow, over 24 hours, one packet a second.
    for second in range(0, 24 * 3600, 1):
        lag.update(float(second), second * (1 - 200e-6))
    assert not lag.catching_up


def test_a_timestamp_restart_redefines_live() -> None:
    lag = LiveLag()
    for i in range(100):
        lag.update(i * 0.04, 3600.0 + i * 0.04)
    # The camera rebooted: media time starts again at zero.
    assert lag.update(4.0, 0.0) == 0.0
    assert lag.update(4.04, 0.04) == pytest.approx(0.0)
    assert not lag.catching_up
    assert RESET_AFTER_S > CATCH_UP_AFTER_S


def test_reset_forgets_the_previous_connection() -> None:
    lag = LiveLag()
    lag.update(0.0, 0.0)
    lag.update(2.0, 0.0)
    assert lag.catching_up
    lag.reset()
    assert not lag.catching_up
    assert lag.update(50.0, 7.0) == 0.0


def test_catch_up_notice_outlasts_a_short_catch_up() -> None:
    notice = CatchUpNotice(shown_s=3.0)
    assert not notice.update(0, False, 10.0)
    # A catch-up shorter than a status refresh still shows, for three seconds after it.
    assert notice.update(12, False, 10.5)
    assert notice.update(12, False, 13.4)
    assert not notice.update(12, False, 13.6)
    # While the decoder says it is catching up, it shows whatever the counts say.
    assert notice.update(12, True, 20.0)
    # A reopened camera counts from zero again: no notice until it skips again.
    assert not notice.update(0, False, 30.0)
    assert notice.update(3, False, 31.0)
