"""The intake ring: its cadence on an ALSA device, a prompt stop, and a missing device reported."""

from __future__ import annotations

import threading
import time

import numpy as np

from console.media.ring_tone import ON_S, SAMPLE_RATE, RingProblem, RingTone, cadence


def test_the_cadence_is_one_second_of_450_hz_then_silence() -> None:
    samples = cadence()
    on = int(ON_S * SAMPLE_RATE)
    assert len(samples) == 5 * SAMPLE_RATE
    assert not samples[on:].any()
    spectrum = np.abs(np.fft.rfft(samples[:on].astype(float)))
    assert abs(np.argmax(spectrum) * SAMPLE_RATE / on - 450) < 2
    # Soft edges: no click at the start of the tone.
    assert abs(int(samples[0])) < 100 and abs(int(samples[on - 1])) < 100


def test_rings_on_the_null_device_in_real_time_and_stops_at_once() -> None:
    """ALSA's null device takes the samples without a sound card (none on these machines)."""
    problems: list[RingProblem] = []
    ring = RingTone("null", on_error=problems.append)
    ring.start()
    assert ring.ringing
    time.sleep(0.5)  # measuring real-time pacing needs real time to pass
    assert ring.periods_played == 0  # paced by the clock, not written ahead all at once
    began = time.monotonic()
    ring.stop()
    assert time.monotonic() - began < 1.0
    assert not ring.ringing
    assert problems == []
    assert "ring-tone" not in {t.name for t in threading.enumerate()}


def test_a_missing_device_is_reported_not_raised() -> None:
    reported = threading.Event()
    problems: list[RingProblem] = []

    def on_error(problem: RingProblem) -> None:
        problems.append(problem)
        reported.set()

    ring = RingTone("hw:97,0", on_error=on_error)
    ring.start()
    assert reported.wait(10)
    ring.stop()
    assert problems == [RingProblem.NO_DEVICE]
