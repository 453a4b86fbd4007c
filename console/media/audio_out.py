"""Plays the caller's voice on the workstation: a bounded hand-off to one ALSA writer thread."""

from __future__ import annotations

import collections
import enum
import logging
import threading
from collections.abc import Callable
from typing import Any

import av

from console.media.alsa import PacedPcmOutput

log = logging.getLogger(__name__)

RATE = 48_000
QUEUE_FRAMES = 15
"""About 300 ms of 20 ms Opus frames: more than that is latency nobody wants in a call."""


class PlaybackProblem(enum.Enum):
    NO_DEVICE = "no_device"
    FAILED = "failed"


class AudioPlayer:
    """`push` (on the event loop) hands frames over; a named thread resamples and plays.

    When the writer falls behind, the oldest frame goes: a call wants the newest voice.
    `muted` drops frames at the door (the call is on hold). `on_problem` is called once,
    on the writer thread, when the device cannot be opened or fails.
    """

    def __init__(
        self,
        device: str = "default",
        on_problem: Callable[[PlaybackProblem], None] | None = None,
        name: str = "audio-out",
    ) -> None:
        self.device = device
        self.on_problem = on_problem
        self.name = name
        self.muted = False
        self.frames_played = 0
        self.frames_dropped = 0
        self.problem: PlaybackProblem | None = None
        self._queue: collections.deque[Any] = collections.deque(maxlen=QUEUE_FRAMES)
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def push(self, frame: Any) -> None:
        if self.muted or self.problem is not None:
            return
        with self._lock:
            if len(self._queue) == self._queue.maxlen:
                self.frames_dropped += 1
            self._queue.append(frame)
        self._ready.set()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        self._ready.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _next(self) -> Any:
        while not self._stop.is_set():
            with self._lock:
                if self._queue:
                    return self._queue.popleft()
                self._ready.clear()
            self._ready.wait(0.5)
        return None

    def _run(self) -> None:
        try:
            out = PacedPcmOutput(self.device, RATE, "mono", self._stop)
        except (av.FFmpegError, OSError, ValueError) as exc:
            self._failed(PlaybackProblem.NO_DEVICE, exc)
            return
        resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
        try:
            while (frame := self._next()) is not None:
                for ready in resampler.resample(frame):
                    if not out.write(ready):
                        return
                self.frames_played += 1
        except (av.FFmpegError, OSError, ValueError) as exc:
            self._failed(
                PlaybackProblem.NO_DEVICE if out.samples_written == 0 else PlaybackProblem.FAILED,
                exc,
            )
        finally:
            out.close()

    def _failed(self, problem: PlaybackProblem, exc: Exception) -> None:
        log.info("audio playback on %s: %s", self.device, exc)
        self.problem = problem
        if self.on_problem is not None:
            self.on_problem(problem)
