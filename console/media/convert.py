"""Decoded video frame to a tile-sized BGRA array, by plane decimation or by swscale."""

from __future__ import annotations

import av
import cv2
import numpy as np
from av.video.reformatter import VideoReformatter

DECIMATE = "decimate"
SWSCALE = "swscale"
AUTO = "auto"
CONVERSIONS = (AUTO, DECIMATE, SWSCALE)

# The decimation path reads raw planes and assumes limited-range BT.601 4:2:0, which is
# what OpenCV's I420 conversion implements; anything else goes through swscale.
_DECIMATABLE = frozenset({"yuv420p"})


def use_single_threaded_opencv() -> None:
    """Stop OpenCV from splitting one conversion over its own worker pool (process-wide).

    With one decode thread per camera the cores are already busy; OpenCV's pool then only
    spins: a 1080p -> 480x270 decimation measured 780 frames per CPU-second with the pool
    and 1340 without. Called when a decoder starts.
    """
    if cv2.getNumThreads() != 1:
        cv2.setNumThreads(1)


def _plane(frame: av.VideoFrame, index: int) -> np.ndarray:
    plane = frame.planes[index]
    rows = np.frombuffer(memoryview(plane), np.uint8).reshape(plane.height, plane.line_size)
    return rows[:, : plane.width]


def decimation_factor(src_w: int, src_h: int, dst_w: int, dst_h: int) -> int:
    """Largest whole step that keeps the decimated picture at least as large as the target."""
    return max(1, min(src_w // max(1, dst_w), src_h // max(1, dst_h)))


def decimate_to_bgra(frame: av.VideoFrame, width: int, height: int) -> np.ndarray:
    """Every k-th luma and chroma sample, one OpenCV I420->BGRA, then a resize if needed.

    Skipping samples is point sampling, so fine detail can alias; in exchange the colour
    conversion runs on k*k fewer pixels and no scaler runs at all when the tile is exactly
    a whole fraction of the source (a 640x360 sub-stream in a 320x180 tile).
    """
    k = decimation_factor(frame.width, frame.height, width, height)
    luma = _plane(frame, 0)[::k, ::k]
    # I420 needs even luma dimensions: the chroma planes are half of them exactly.
    ch, cw = luma.shape[0] // 2, luma.shape[1] // 2
    ih, iw = ch * 2, cw * 2
    i420 = np.empty((ih * 3 // 2, iw), np.uint8)
    i420[:ih] = luma[:ih, :iw]
    # U then V, each (ch, cw), packed back to back after the luma rows.
    chroma = i420[ih:].reshape(2, ch, cw)
    chroma[0] = _plane(frame, 1)[::k, ::k][:ch, :cw]
    chroma[1] = _plane(frame, 2)[::k, ::k][:ch, :cw]
    bgra = cv2.cvtColor(i420, cv2.COLOR_YUV2BGRA_I420)
    if (iw, ih) != (width, height):
        bgra = cv2.resize(bgra, (width, height), interpolation=cv2.INTER_LINEAR)
    return bgra


class FrameConverter:
    """Picks a conversion per frame and keeps swscale's context between frames.

    `frame.to_ndarray(width=..., height=...)` builds a new scaler for every frame, which
    measured about twice as slow as reusing one `VideoReformatter`.
    """

    def __init__(self, mode: str = AUTO, interpolation: str = "BILINEAR") -> None:
        if mode not in CONVERSIONS:
            raise ValueError(f"unknown conversion {mode!r}; choose one of {CONVERSIONS}")
        self.mode = mode
        self.interpolation = interpolation
        self.last_path: str | None = None
        self._reformatter = VideoReformatter()

    def convert(self, frame: av.VideoFrame, width: int, height: int) -> np.ndarray:
        if width <= 0 or height <= 0:
            raise ValueError(f"target size must be positive, got {width}x{height}")
        if self._use_decimation(frame, width, height):
            self.last_path = DECIMATE
            return decimate_to_bgra(frame, width, height)
        self.last_path = SWSCALE
        # threads=1: PyAV's default (0) lets swscale start slice threads per call, which
        # only adds contention when every camera already has its own thread.
        out = self._reformatter.reformat(
            frame, width, height, "bgra", interpolation=self.interpolation, threads=1
        ).to_ndarray()
        # Line padding would make the rows non-contiguous; Qt wants one stride per image.
        return np.ascontiguousarray(out)

    def _use_decimation(self, frame: av.VideoFrame, width: int, height: int) -> bool:
        if self.mode == SWSCALE or frame.format.name not in _DECIMATABLE:
            return False
        if self.mode == DECIMATE:
            return True
        # Measured on 640x360 clips: decimating wins whenever k >= 2, even with a leftover
        # resize, and at an exact size match; for a mild shrink (k == 1) or an upscale,
        # OpenCV would resize the full picture and swscale is as fast or faster.
        k = decimation_factor(frame.width, frame.height, width, height)
        exact = frame.width == width * k and frame.height == height * k
        return exact or k >= 2
