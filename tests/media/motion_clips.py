"""Generated clips for motion tests: a textured still street crossed by one box, or nothing."""

from __future__ import annotations

from pathlib import Path

import av
import cv2
import numpy as np


def make_crossing_clip(
    path: Path,
    width: int = 320,
    height: int = 180,
    fps: int = 25,
    seconds: float = 4.0,
    box: int = 36,
    lane_y: float = 0.75,
    enter_s: float = 1.6,
    cross_s: float = 1.6,
) -> Path:
    """A still textured background; from `enter_s` a white box crosses left to right at
    `lane_y` (fraction of the height) in `cross_s` seconds, then the picture is still again."""
    rng = np.random.default_rng(7)
    background = cv2.GaussianBlur(
        rng.integers(40, 200, (height, width, 3), dtype=np.uint8), (9, 9), 0
    )
    frames = round(fps * seconds)
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream(
            "libx264",
            rate=fps,
            options={"preset": "ultrafast", "g": str(fps), "keyint_min": str(fps), "bf": "0"},
        )
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.thread_count = 1
        for i in range(frames):
            img = background.copy()
            t = i / fps
            if enter_s <= t <= enter_s + cross_s:
                x = int((t - enter_s) / cross_s * (width + box)) - box
                y = int(lane_y * height) - box // 2
                cv2.rectangle(img, (x, y), (x + box, y + box), (255, 255, 255), -1)
            yuv = np.asarray(cv2.cvtColor(img, cv2.COLOR_BGR2YUV_I420), np.uint8)
            frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
            frame.pts = i
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


def decoded_frames(path: Path) -> list[np.ndarray]:
    """Every frame of a clip as BGR."""
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="bgr24") for f in container.decode(video=0)]
