"""The intake ring: a Chinese ring-back cadence played on the workstation's sound device."""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable

import av
import numpy as np

from console.media.alsa import PacedPcmOutput

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
TONE_HZ = 450.0  # YD/T 1077 ring-back tone: 450 Hz, 1 s on, 4 s off
ON_S = 1.0
OFF_S = 4.0
CHUNK_S = 0.1
"""Each write is this long, so stop() is obeyed within about a tenth of a second."""
VOLUME = 0.3


class RingProblem(enum.Enum):
    """What went wrong with the sound; the screen words it in the operator's language."""

    NO_DEVICE = "no_device"
    INTERRUPTED = "interrupted"


def cadence(seconds: float = ON_S + OFF_S) -> np.ndarray:
    """One ring period as signed 16-bit mono samples, with 10 ms ramps so it never clicks."""
    on = int(ON_S * SAMPLE_RATE)
    total = int(seconds * SAMPLE_RATE)
    t = np.arange(on) / SAMPLE_RATE
    tone = np.sin(2 * np.pi * TONE_HZ * t) * VOLUME
    ramp = int(0.01 * SAMPLE_RATE)
    envelope = np.ones(on)
    envelope[:ramp] = np.linspace(0, 1, ramp)
    envelope[-ramp:] = np.linspace(1, 0, ramp)
    samples = np.zeros(total)
    samples[: min(on, total)] = (tone * envelope)[:total]
    return (samples * 32767).astype(np.int16)


class RingTone:
    """Plays the cadence on a named thread until stopped; says so when there is no device.

    `on_error` gets the problem (called on the player thread) when the sound device cannot
    be opened or fails; the ring then goes on silently and the screen's visual ring and
    tray message carry the call.
    """

    def __init__(
        self, device: str = "default", on_error: Callable[[RingProblem], None] | None = None
    ) -> None:
        self.device = device
        self.on_error = on_error
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.periods_played = 0

    @property
    def ringing(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.ringing:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="ring-tone", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        try:
            out = PacedPcmOutput(self.device, SAMPLE_RATE, "mono", self._stop)
        except (av.FFmpegError, OSError, ValueError) as exc:
            self._failed(exc, 0)
            return
        try:
            period = cadence()
            chunk = int(CHUNK_S * SAMPLE_RATE)
            while not self._stop.is_set():
                for start in range(0, len(period), chunk):
                    samples = period[start : start + chunk].reshape(1, -1)
                    frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
                    frame.sample_rate = SAMPLE_RATE
                    if self._stop.is_set() or not out.write(frame):
                        break
                else:
                    self.periods_played += 1
        except (av.FFmpegError, OSError) as exc:
            self._failed(exc, out.samples_written)
        finally:
            out.close()

    def _failed(self, exc: Exception, written: int) -> None:
        log.info("ring tone on %s: %s", self.device, exc)
        if self.on_error is None:
            return
        if written == 0:  # ALSA opens lazily: a missing device fails on the first write
            self.on_error(RingProblem.NO_DEVICE)
        else:
            self.on_error(RingProblem.INTERRUPTED)
