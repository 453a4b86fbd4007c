"""The one-slot, latest-frame-wins hand-off between a decode thread and the tile that paints it."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True, eq=False)
class Frame:
    """One decoded picture, already at tile size.

    `image` is (height, width, 4) uint8 in B, G, R, A byte order: on little-endian machines
    that is exactly QImage.Format_RGB32, so the tile wraps the buffer without converting.
    """

    image: np.ndarray
    width: int
    height: int
    pts_s: float
    decoded_at: float  # time.monotonic() when conversion finished
    seq: int
    # time.monotonic() when the picture was due: a paced file frame's slot on the clock,
    # or when a live frame's packet arrived. Paint time minus this is the frame's age.
    captured_at: float | None = None


class LatestFrameSlot:
    """Holds at most one frame: the producer never blocks and the consumer never sees a queue.

    A tile paints at display rate and the decoder runs at stream rate; when the tile falls
    behind, an old frame has no value, so it is overwritten and counted as dropped.
    Invariant: produced == consumed + dropped + (1 if a frame is waiting else 0).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._frame: Frame | None = None
        self._unread = False
        self._produced = 0
        self._dropped = 0
        self._consumed = 0

    def put(self, frame: Frame) -> None:
        with self._lock:
            if self._unread:
                self._dropped += 1
            self._frame = frame
            self._unread = True
            self._produced += 1

    def take(self) -> Frame | None:
        """The newest unread frame, or None when nothing new arrived since the last take."""
        with self._lock:
            if not self._unread:
                return None
            self._unread = False
            self._consumed += 1
            return self._frame

    def peek(self) -> Frame | None:
        """The newest frame whether read or not (a tile repainting after a resize needs it)."""
        with self._lock:
            return self._frame

    def clear(self) -> None:
        """Forget the held frame, e.g. when the tile switches to another camera."""
        with self._lock:
            if self._unread:
                self._dropped += 1
            self._frame = None
            self._unread = False

    @property
    def produced(self) -> int:
        with self._lock:
            return self._produced

    @property
    def dropped(self) -> int:
        with self._lock:
            return self._dropped

    @property
    def consumed(self) -> int:
        with self._lock:
            return self._consumed
