"""Decoded video frame to a tile-sized BGRA array, by plane decimation or by swscale."""

from __future__ import annotations

import sys
import threading
from typing import Any

import av
import cv2
import numpy as np
from av.video.plane import VideoPlane
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


# Every k-th byte of a row is the low byte of each k-byte word on a little-endian machine:
# casting a row viewed as such words down to uint8 picks those samples with a vectorised
# cast instead of numpy's byte-at-a-time strided copy (measured 2026-12-02, 640x360 to a
# 318x178 tile: 86 us per frame instead of 133).
_WORDS = {2: np.uint16, 4: np.uint32, 8: np.uint64} if sys.byteorder == "little" else {}


def _sampled(plane: VideoPlane, k: int) -> np.ndarray:
    """Every k-th sample of every k-th row of a plane, (ceil(h/k), ceil(w/k)) samples.

    Possibly as wider words whose low byte is the sample: copy it with casting="unsafe"
    or `.astype(np.uint8)`, never use the values directly.
    """
    line = plane.line_size
    rows = np.frombuffer(memoryview(plane), np.uint8).reshape(plane.height, line)[::k]
    cols = -(-plane.width // k)
    word = _WORDS.get(k)
    if word is None or line % k or cols * k > line:
        return rows[:, : plane.width : k]
    return rows.view(word)[:, :cols]


def decimation_factor(src_w: int, src_h: int, dst_w: int, dst_h: int) -> int:
    """Largest whole step that keeps the decimated picture at least as large as the target."""
    return max(1, min(src_w // max(1, dst_w), src_h // max(1, dst_h)))


def decimate_to_bgra(frame: av.VideoFrame, width: int, height: int) -> np.ndarray:
    """Every k-th luma and chroma sample, resized if needed, then one OpenCV I420->BGRA.

    Skipping samples is point sampling, so fine detail can alias; in exchange the colour
    conversion runs on k*k fewer pixels and no scaler runs at all when the tile is exactly
    a whole fraction of the source (a 640x360 sub-stream in a 320x180 tile), or within
    CROP_SLACK of one: a 318x178 tile (a 6x6 wall with 2 px gaps) gets the middle of the
    320x180 picture, which measured half the cost of resizing it.

    The result's rows may be longer than the picture (see ROW_ALIGN): the pixels of a row
    are contiguous, the rows are `strides[0]` bytes apart, which is how Qt takes them.
    """
    k = decimation_factor(frame.width, frame.height, width, height)
    # PyAV builds the planes tuple afresh on every access: once per frame, not per plane
    # (measured 2026-12-03: 41 us of a cold 150 us conversion went to three accesses).
    planes = frame.planes
    luma = _sampled(planes[0], k)
    # I420 needs even luma dimensions: the chroma planes are half of them exactly.
    ch, cw = luma.shape[0] // 2, luma.shape[1] // 2
    ih, iw = ch * 2, cw * 2
    even_w, even_h = width + (width & 1), height + (height & 1)
    row = -(-even_w // ROW_ALIGN) * ROW_ALIGN
    i420 = np.empty((even_h * 3 // 2, row), np.uint8)
    # U then V, each half the luma size, packed back to back after the luma rows; only
    # the left part of each (padded) row is filled, the rest is converted and cut off.
    chroma = i420[even_h:].reshape(2, even_h // 2, row // 2)[:, :, : even_w // 2]
    y_plane = i420[:even_h, :even_w]
    u = _sampled(planes[1], k)
    v = _sampled(planes[2], k)
    if _crop_fits(iw, even_w) and _crop_fits(ih, even_h):
        # Centred, on even offsets so the chroma samples stay aligned with the luma.
        x0, y0 = (iw - even_w) // 4 * 2, (ih - even_h) // 4 * 2
        cx, cy, cw, ch = x0 // 2, y0 // 2, even_w // 2, even_h // 2
        np.copyto(y_plane, luma[y0 : y0 + even_h, x0 : x0 + even_w], casting="unsafe")
        np.copyto(chroma[0], u[cy : cy + ch, cx : cx + cw], casting="unsafe")
        np.copyto(chroma[1], v[cy : cy + ch, cx : cx + cw], casting="unsafe")
    else:
        # Resizing the planes before the colour conversion touches 1.5 bytes a pixel
        # instead of 4: measured 25 % cheaper than resizing the BGRA picture.
        luma = luma[:ih, :iw].astype(np.uint8)
        u, v = u[:ch, :cw].astype(np.uint8), v[:ch, :cw].astype(np.uint8)
        cv2.resize(luma, (even_w, even_h), dst=y_plane, interpolation=cv2.INTER_LINEAR)
        half = (even_w // 2, even_h // 2)
        cv2.resize(u, half, dst=chroma[0], interpolation=cv2.INTER_LINEAR)
        cv2.resize(v, half, dst=chroma[1], interpolation=cv2.INTER_LINEAR)
    bgra = cv2.cvtColor(i420, cv2.COLOR_YUV2BGRA_I420)
    return bgra[:height, :width]


# OpenCV's I420->BGRA conversion is vectorised over whole blocks of 128 pixels and does
# the rest of each row one pixel at a time, about six times slower per pixel: measured
# 2026-12-03 on these AVX-512 machines, 318x178 took 192 us and 384x178 took 42 us. So
# rows are padded to a multiple of 128 and the padding is cut off afterwards (a view).
ROW_ALIGN = 128


# Cropping instead of resizing loses at most this share of each edge's pixels.
CROP_SLACK = 0.03


def _crop_fits(have: int, want: int) -> bool:
    return want <= have <= want + max(2, int(have * CROP_SLACK))


_own = threading.local()


def reformat_privately(frame: av.VideoFrame, **options: Any) -> av.VideoFrame:
    """`frame.reformat(...)` through this thread's own swscale context, single-threaded.

    PyAV keeps one reformatter per frame, and a relay or a tap hands one frame to several
    consumers: two threads converting the same frame (a call's display sink and its
    snapshot) deadlocked inside swscale's slice threads, hanging a test run for good.
    """
    reformatter = getattr(_own, "reformatter", None)
    if reformatter is None:
        reformatter = _own.reformatter = VideoReformatter()
    return reformatter.reformat(frame, threads=1, **options)


def ndarray_privately(frame: av.VideoFrame, **options: Any) -> np.ndarray:
    """`frame.to_ndarray(...)` without touching the frame's shared reformatter."""
    return reformat_privately(frame, **options).to_ndarray()


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
        # Measured (2026-11-26, one core, us per frame, swscale / decimate+resize): 640x360
        # to 478x268 307/230, to 479x269 1148/236, to 960x540 544/521, to 959x539 1812/516;
        # 1080p to 479x269 2296/341, to 1280x720 2060/1758. OpenCV's colour conversion and
        # resize win or tie at every size, and swscale falls off a cliff (3-4x) whenever the
        # target width is odd, which a wall's tiles often are.
        return self.mode != SWSCALE and frame.format.name in _DECIMATABLE
