"""ALSA output through PyAV: the system's configuration, and paced writes of PCM audio."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import av

SYSTEM_ALSA_CONFIG = "/usr/share/alsa/alsa.conf"
AHEAD_S = 0.2
"""Never write further ahead of the clock than this: a device that does not block (the
null device, a network sink) would otherwise take a whole stream at once."""


def use_system_config() -> None:
    """PyAV's bundled ALSA library looks for its configuration under its own build path;
    without the system's it knows no device names at all (not even "default")."""
    if os.path.exists(SYSTEM_ALSA_CONFIG):
        os.environ.setdefault("ALSA_CONFIG_PATH", SYSTEM_ALSA_CONFIG)


class PacedPcmOutput:
    """One ALSA playback device written with s16 frames, never far ahead of real time.

    Opening is lazy in ALSA: a missing device fails on the first write, as an
    av.FFmpegError or OSError from `write`.
    """

    def __init__(self, device: str, rate: int, layout: str, stop: threading.Event) -> None:
        use_system_config()
        self.rate = rate
        self._stop = stop
        self._out: Any = av.open(device, "w", format="alsa")
        self._stream: Any = self._out.add_stream("pcm_s16le", rate=rate, layout=layout)
        self.samples_written = 0
        self._started = time.monotonic()

    def write(self, frame: Any) -> bool:
        """Play one frame; False when stopped while waiting for the clock."""
        ahead = self.samples_written / self.rate - (time.monotonic() - self._started)
        if ahead > AHEAD_S and self._stop.wait(ahead - AHEAD_S):
            return False
        if ahead < -AHEAD_S:
            # Starved (no audio for a while): restart the clock rather than rush to catch up.
            self._started = time.monotonic() - self.samples_written / self.rate
        frame.pts = self.samples_written
        for packet in self._stream.encode(frame):
            self._out.mux(packet)
        self.samples_written += frame.samples  # counted once the device took it
        return True

    def close(self) -> None:
        self._out.close()
