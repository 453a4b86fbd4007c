"""Privacy masks painted into pictures: live tiles, snapshots and exported clips.

A mask is a solid fill, never a blur: a blur of a face or a window can be undone or
recognised, a fill cannot. Polygons come in 0..1 of the picture (console.core.zones).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from console.core.zones import Polygon
from console.media.convert import ndarray_privately
from console.media.replay_buffer import ClipInfo, Segment, remux_segment

MASK_BGR = (0, 0, 0)
# Encoding of masked exports: evidence quality, not streaming quality.
EXPORT_CRF = "20"
EXPORT_PRESET = "veryfast"


def pixel_polygons(polygons: Sequence[Polygon], width: int, height: int) -> list[np.ndarray]:
    """The polygons in pixels of a width x height picture, as OpenCV wants them."""
    out = []
    for polygon in polygons:
        pts = np.array([(round(x * width), round(y * height)) for x, y in polygon], dtype=np.int32)
        out.append(pts.reshape(-1, 1, 2))
    return out


def mask_image(image: np.ndarray, polygons: Sequence[Polygon]) -> np.ndarray:
    """Paint the masks into a BGR or BGRA picture of any size, in place when it is writable."""
    if not polygons:
        return image
    if not image.flags.writeable:
        image = image.copy()
    h, w = image.shape[:2]
    colour = (*MASK_BGR, 255) if image.shape[2] == 4 else MASK_BGR
    cv2.fillPoly(image, pixel_polygons(polygons, w, h), colour)
    return image


class MaskPainter:
    """A decoder frame filter painting fixed masks into tile-size BGRA images.

    Pixel polygons are cached per image size (tiles change size rarely, frames come 25
    times a second). Runs on the decode thread; `cost_us` is the running mean per frame.
    """

    def __init__(self, polygons: Sequence[Polygon]) -> None:
        self.polygons: tuple[Polygon, ...] = tuple(polygons)
        self._lock = threading.Lock()
        self._cache: dict[tuple[int, int], list[np.ndarray]] = {}
        self._frames = 0
        self._total_s = 0.0

    def __call__(self, image: np.ndarray) -> np.ndarray:
        began = time.perf_counter()
        if not self.polygons:
            return image
        if not image.flags.writeable:
            image = image.copy()
        h, w = image.shape[:2]
        pixels = self._cache.get((w, h))
        if pixels is None:
            pixels = pixel_polygons(self.polygons, w, h)
            self._cache = {(w, h): pixels}  # one size at a time: a tile has one size
        colour = (*MASK_BGR, 255) if image.shape[2] == 4 else MASK_BGR
        cv2.fillPoly(image, pixels, colour)
        with self._lock:
            self._frames += 1
            self._total_s += time.perf_counter() - began
        return image

    @property
    def cost_us(self) -> float:
        with self._lock:
            return self._total_s / self._frames * 1e6 if self._frames else 0.0


def export_masked_mp4(segment: Segment, path: Path, polygons: Sequence[Polygon]) -> ClipInfo:
    """The segment as an MP4 file with the masks burnt into every frame.

    Without masks the packets are remuxed as they are. With masks every frame is decoded,
    painted and encoded again (H.264 yuv420p): a remux would carry the unmasked picture.
    Timestamps are kept, so the clip plays at the camera's own pace.
    """
    if not polygons:
        return remux_segment(segment, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    packets = segment.packets
    origin = packets[0].dts
    decoder = segment.decoder()
    time_base = segment.time_base
    fps = Fraction(1) / (segment.frame_ticks * time_base)
    frames = 0
    width = height = 0
    with av.open(str(path), "w", format="mp4") as out:
        stream: av.video.stream.VideoStream | None = None
        pixels: list[np.ndarray] = []

        def encode(frame: av.VideoFrame) -> None:
            nonlocal stream, pixels, frames, width, height
            if stream is None:
                width, height = frame.width - frame.width % 2, frame.height - frame.height % 2
                stream = out.add_stream(
                    "libx264",
                    rate=fps,
                    options={"preset": EXPORT_PRESET, "crf": EXPORT_CRF, "bf": "0"},
                )
                stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
                stream.time_base = time_base
                stream.codec_context.time_base = time_base
                # One thread: exports run beside a wall of decode threads.
                stream.codec_context.thread_count = 1
                pixels = pixel_polygons(polygons, width, height)
            bgr = np.ascontiguousarray(
                ndarray_privately(frame, format="bgr24")[:height, :width], np.uint8
            )
            cv2.fillPoly(bgr, pixels, MASK_BGR)
            # OpenCV's BGR->I420 is limited-range BT.601, what players assume for H.264.
            yuv = np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2YUV_I420), np.uint8)
            masked = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
            masked.pts = frame.pts
            masked.time_base = time_base
            out.mux(stream.encode(masked))
            frames += 1

        for i, p in enumerate(packets):
            nxt = packets[i + 1].dts if i + 1 < len(packets) else p.dts + segment.frame_ticks
            for frame in decoder.decode(segment.av_packet(p, origin, max(1, nxt - p.dts))):
                encode(frame)
        for frame in decoder.decode(None):
            encode(frame)
        if stream is not None:
            out.mux(stream.encode(None))
    if frames == 0:
        raise ValueError("nothing in the segment could be decoded")
    return ClipInfo(
        path=path,
        started_at=segment.started_at,
        ended_at=segment.ended_at,
        duration_s=segment.duration_s,
        frames=frames,
        codec="h264",
        width=width,
        height=height,
    )
