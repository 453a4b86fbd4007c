"""The intake ring: a Chinese ring-back cadence played on the workstation's sound device."""

from __future__ import annotations

import enum
import logging
import os
import threading
import time
from collections.abc import Callable

import av
import numpy as np

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
TONE_HZ = 450.0  # YD/T 1077 ring-back tone: 450 Hz, 1 s on, 4 s off
ON_S = 1.0
OFF_S = 4.0
CHUNK_S = 0.1
"""Each write is this long, so stop() is obeyed within about a tenth of a second."""
VOLUME = 0.3
AHEAD_S = 0.2
"""Never write further ahead of the clock than this: a device that does not block (the
null device, a network sink) would otherwise take the whole ring at once."""
SYSTEM_ALSA_CONFIG = "/usr/share/alsa/alsa.conf"


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
        # PyAV's bundled ALSA library looks for its configuration under its own build path;
        # without the system's, it knows no device names at all.
        if os.path.exists(SYSTEM_ALSA_CONFIG):
            os.environ.setdefault("ALSA_CONFIG_PATH", SYSTEM_ALSA_CONFIG)
        written = 0
        try:
            out = av.open(self.device, "w", format="alsa")
        except (av.FFmpegError, OSError, ValueError) as exc:
            self._failed(exc, written)
            return
        try:
            stream = out.add_stream("pcm_s16le", rate=SAMPLE_RATE, layout="mono")
            period = cadence()
            chunk = int(CHUNK_S * SAMPLE_RATE)
            started = time.monotonic()
            while not self._stop.is_set():
                for start in range(0, len(period), chunk):
                    ahead = written / SAMPLE_RATE - (time.monotonic() - started)
                    if ahead > AHEAD_S and self._stop.wait(ahead - AHEAD_S):
                        break
                    if self._stop.is_set():
                        break
                    samples = period[start : start + chunk].reshape(1, -1)
                    frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
                    frame.sample_rate = SAMPLE_RATE
                    frame.pts = written
                    written += samples.shape[1]
                    for packet in stream.encode(frame):
                        out.mux(packet)
                else:
                    self.periods_played += 1
        except (av.FFmpegError, OSError) as exc:
            self._failed(exc, written)
        finally:
            out.close()

    def _failed(self, exc: Exception, written: int) -> None:
        log.info("ring tone on %s: %s", self.device, exc)
        if self.on_error is None:
            return
        if written <= int(CHUNK_S * SAMPLE_RATE):  # ALSA opens lazily: the first write fails
            self.on_error(RingProblem.NO_DEVICE)
        else:
            self.on_error(RingProblem.INTERRUPTED)
