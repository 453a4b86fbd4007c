"""The mediator's outgoing picture: the camera, or a shared screen or document page instead.

`ShareableVideoTrack` is one track whose `recv` returns either the camera's frames or, while
sharing, the picture last pushed to it (a screen grab, a rendered page), re-sent at a low
steady rate so the encoder always has frames. Switching never renegotiates: the peer
connections keep the same track and only its pictures change. Pushes replace each other
(latest wins, nothing queues); scaling to at most 1280×720 runs on the track's own worker
thread, never on the caller's.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import av
import numpy as np
from aiortc import MediaStreamTrack
from aiortc.contrib.media import MediaStreamError

log = logging.getLogger(__name__)

MAX_SIZE = (1280, 720)
"""A document page or a screen at this size reads well and encodes at a modest bitrate."""
SHARE_FPS = 5.0
"""A still picture needs few frames; enough that a viewer joining late decodes soon."""
CHANNELS = {"rgb24": 3, "bgr24": 3, "rgba": 4, "bgra": 4}
"""Pixel formats `push` takes, with their channel count (Qt's RGB32 in memory is bgra)."""


def fit_size(width: int, height: int, bound: tuple[int, int] = MAX_SIZE) -> tuple[int, int]:
    """The picture's size shrunk (never enlarged) to fit `bound`, aspect kept, both even."""
    scale = min(1.0, bound[0] / width, bound[1] / height)
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


@dataclass(frozen=True, slots=True)
class _Picture:
    i420: np.ndarray
    epoch: int


class ShareableVideoTrack(MediaStreamTrack):
    """The camera's frames, or while sharing the latest pushed picture at `fps`.

    The camera is read all the time, also while sharing: a live capture queues what nobody
    reads, and its frames give every sent frame a timestamp on one continuous clock. Until
    the first picture of a share arrives the camera is still sent. Stopping stops the camera.
    """

    kind = "video"

    def __init__(
        self,
        camera: MediaStreamTrack,
        *,
        fps: float = SHARE_FPS,
        max_size: tuple[int, int] = MAX_SIZE,
    ) -> None:
        super().__init__()
        self.camera = camera
        self.interval_s = 1.0 / fps
        self.max_size = max_size
        self.frames_sent = 0
        self.frames_shared = 0
        """Frames sent that showed a pushed picture (re-sends included)."""
        self.pictures_pushed = 0
        self.pictures_scaled = 0
        self.pictures_dropped = 0
        """Pushed pictures replaced by a newer one before they were sent."""
        self.last_sent_kind = ""
        """'camera' or 'share': what the last frame sent showed."""
        self.last_sent_size = (0, 0)
        # Written by any thread under the lock; read by recv on the event loop.
        self._lock = threading.Lock()
        self._sharing = False
        self._epoch = 0
        """Bumped by every switch: a picture scaled for an earlier share is never sent."""
        self._pushed: tuple[np.ndarray, str] | None = None
        # Only recv touches these.
        self._picture: _Picture | None = None
        self._due = 0.0
        self._pool: ThreadPoolExecutor | None = None

    @property
    def sharing(self) -> bool:
        return self._sharing

    def share(self) -> None:
        """Send pushed pictures from now on (a fresh share: no earlier picture is re-sent)."""
        with self._lock:
            self._sharing = True
            self._pushed = None
            self._epoch += 1

    def show_camera(self) -> None:
        """Send the camera again (the shared picture is dropped)."""
        with self._lock:
            self._sharing = False
            self._pushed = None
            self._epoch += 1

    def push(self, image: np.ndarray, pixel_format: str = "rgb24") -> None:
        """The picture to share now: H×W×3 uint8 RGB (`rgb24`, the default) or `bgr24`,
        H×W×4 `bgra` or `rgba`. Cheap from any thread; the track keeps the array (pass one
        nobody writes to any more). Ignored while not sharing (a timer's late tick)."""
        wanted = CHANNELS.get(pixel_format)
        if wanted is None:
            raise ValueError(f"unsupported pixel format {pixel_format!r}")
        if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != wanted:
            raise ValueError(f"{pixel_format} needs an H×W×{wanted} uint8 array")
        if image.shape[0] < 2 or image.shape[1] < 2:
            raise ValueError("the picture is too small")
        with self._lock:
            if not self._sharing:
                return
            if self._pushed is not None:
                self.pictures_dropped += 1
            self._pushed = (image, pixel_format)
            self.pictures_pushed += 1

    async def recv(self) -> av.VideoFrame:
        while True:
            # Checked on every turn: a stop while waiting must not start a new scaling.
            if self.readyState != "live":
                raise MediaStreamError
            frame: Any = await self.camera.recv()
            with self._lock:
                sharing, epoch = self._sharing, self._epoch
            if not sharing:
                self._picture = None
                return self._sent(frame, "camera")
            now = time.monotonic()
            if self._picture is not None and self._picture.epoch != epoch:
                self._picture = None
            if self._picture is not None and now < self._due:
                continue  # between two share frames: this camera frame goes nowhere
            with self._lock:
                pushed = self._pushed if self._epoch == epoch else None
                self._pushed = None if pushed is not None else self._pushed
            if pushed is not None:
                self._picture = _Picture(await self._scale(*pushed), epoch)
                self.pictures_scaled += 1
            if self._picture is None:
                return self._sent(frame, "camera")  # sharing, but nothing pushed yet
            self._due = now + self.interval_s
            out = av.VideoFrame.from_ndarray(self._picture.i420, format="yuv420p")
            out.pts, out.time_base = frame.pts, frame.time_base
            self.frames_shared += 1
            return self._sent(out, "share")

    def _sent(self, frame: av.VideoFrame, kind: str) -> av.VideoFrame:
        self.frames_sent += 1
        self.last_sent_kind = kind
        self.last_sent_size = (frame.width, frame.height)
        return frame

    async def _scale(self, image: np.ndarray, pixel_format: str) -> np.ndarray:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="share-scale")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._to_i420, image, pixel_format)

    def _to_i420(self, image: np.ndarray, pixel_format: str) -> np.ndarray:
        height, width = image.shape[:2]
        w, h = fit_size(width, height, self.max_size)
        source = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format=pixel_format)
        # AREA keeps the small text of a shrunk document page legible.
        scaled = source.reformat(width=w, height=h, format="yuv420p", interpolation="AREA")
        return scaled.to_ndarray()

    def stop(self) -> None:
        super().stop()
        self.camera.stop()
        with self._lock:
            self._pushed = None
        self._picture = None
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=True)  # at most one scaling is in flight
