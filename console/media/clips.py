"""Generated H.264 street-camera clips: the demo wall's cameras and the tests' video sources."""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import av
import cv2
import numpy as np

from console.media.stills import write_jpeg

# Bump whenever the picture or the encoding changes: cached clips carry it in their name.
CLIP_VERSION = 1
PATTERNS = ("scene", "static", "bars", "counter")

# Bits of the frame number drawn as a black/white strip across the top of "counter" clips.
COUNTER_BITS = 16
_COUNTER_BAND = 8  # the strip is 1/8 of the picture height
# A generation killed mid-way leaves a part file; anything older than this is garbage.
_STALE_PART_S = 600.0
_FONT = cv2.FONT_HERSHEY_SIMPLEX


def demo_clip_name(index: int, width: int, height: int, fps: int, seconds: int) -> str:
    return f"cam{index + 1:02d}_{width}x{height}_{fps}fps_{seconds}s_v{CLIP_VERSION}.mp4"


def ensure_demo_clips(
    cache_dir: Path,
    count: int = 12,
    width: int = 640,
    height: int = 360,
    fps: int = 25,
    seconds: int = 8,
) -> list[Path]:
    """Paths of `count` demo camera clips in `cache_dir`, generating any missing or broken.

    Clips are deterministic per index and encoded so looping is cheap (a keyframe every
    second, no B-frames). Generation runs one clip per core.
    """
    _check_size(width, height)
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_parts(cache_dir)
    paths = [cache_dir / demo_clip_name(i, width, height, fps, seconds) for i in range(count)]
    missing = [
        (i, p) for i, p in enumerate(paths) if not clip_is_usable(p, expected_frames=fps * seconds)
    ]
    if missing:
        workers = max(1, min(len(missing), os.cpu_count() or 1))

        def build(item: tuple[int, Path]) -> None:
            index, path = item
            draw = _scene_painter(index, width, height, fps, seconds, label=f"CAM-{index + 1:02d}")
            _write_atomically(path, width, height, fps, fps * seconds, draw)

        # Encoding and drawing release the GIL, so threads use both cores without the
        # start-up cost of worker processes.
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="clipgen") as pool:
            list(pool.map(build, missing))
    return paths


def make_test_clip(
    path: Path,
    width: int = 320,
    height: int = 240,
    fps: int = 25,
    seconds: float = 2.0,
    pattern: str = "scene",
    label: str = "TEST",
    seed: int = 0,
) -> Path:
    """Write a clip for tests.

    Patterns: "scene" (the demo street), "static" (every frame pixel-identical, for frozen
    detection), "bars" (colour bars with a moving box, for colour checks), "counter" (the
    frame number as a barcode, see `read_frame_counter`).
    """
    _check_size(width, height)
    if pattern not in PATTERNS:
        raise ValueError(f"unknown pattern {pattern!r}; choose one of {PATTERNS}")
    frames = max(1, round(fps * seconds))
    if pattern == "scene":
        draw = _scene_painter(seed, width, height, fps, seconds, label=label)
    elif pattern == "static":
        still = _scene_background(seed, width, height)
        _draw_label(still, label)
        draw = _constant(still)
    elif pattern == "bars":
        draw = _bars_painter(width, height)
    else:
        draw = _counter_painter(width, height)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(path, width, height, fps, frames, draw)
    return path


def make_test_still(
    path: Path, width: int = 640, height: int = 360, label: str = "TEST", seed: int = 0
) -> Path:
    """A JPEG of the demo street with a label: a snapshot as the wall would have taken it."""
    _check_size(width, height)
    still = _scene_background(seed, width, height)
    _draw_label(still, label)
    write_jpeg(Path(path), still)
    return Path(path)


def clip_is_usable(path: Path, expected_frames: int | None = None) -> bool:
    """True when the file opens, has a video stream, decodes a first frame and is complete."""
    if not path.is_file():
        return False
    try:
        with av.open(str(path), timeout=5.0) as container:
            if not container.streams.video:
                return False
            stream = container.streams.video[0]
            if expected_frames is not None and stream.frames not in (0, expected_frames):
                return False
            for _frame in container.decode(stream):
                return True
    except (av.FFmpegError, OSError, ValueError):
        return False
    return False


def read_frame_counter(image: np.ndarray) -> int | None:
    """The frame number stamped by the "counter" pattern, at any scale; None if unreadable.

    Accepts BGR or BGRA. Samples the middle of each cell of the barcode strip.
    """
    h, w = image.shape[:2]
    band_y = max(0, h // (_COUNTER_BAND * 2))
    cell = w / COUNTER_BITS
    value = 0
    for bit in range(COUNTER_BITS):
        x = min(w - 1, int((bit + 0.5) * cell))
        level = int(image[band_y, x, :3].mean())
        if 80 < level < 175:  # neither black nor white: not our strip
            return None
        if level >= 128:
            value |= 1 << (COUNTER_BITS - 1 - bit)
    return value


# --- drawing -------------------------------------------------------------------------------

Painter = Callable[[int], np.ndarray]


def _check_size(width: int, height: int) -> None:
    # 4:2:0 needs even sizes; the half-size fast path of the decoder prefers multiples of 4.
    if width <= 0 or height <= 0 or width % 2 or height % 2:
        raise ValueError(f"clip size must be positive and even, got {width}x{height}")


def _constant(image: np.ndarray) -> Painter:
    return lambda _i: image


def _palette(index: int) -> np.random.Generator:
    return np.random.default_rng(1000 + index)


def _scene_background(index: int, width: int, height: int) -> np.ndarray:
    """A static street: sky, a row of buildings with windows, pavement and a road."""
    rng = _palette(index)
    img = np.empty((height, width, 3), np.uint8)
    horizon = int(height * 0.45)
    road_top = int(height * 0.62)

    # Sky: vertical gradient whose tint differs per camera (day, dusk, overcast...).
    top = rng.integers(120, 230, 3)
    bottom = np.clip(top + rng.integers(-40, 40, 3), 60, 250)
    t = np.linspace(0.0, 1.0, horizon)[:, None]
    img[:horizon] = (top * (1 - t) + bottom * t).astype(np.uint8)[:, None, :]

    # Pavement and road, with a per-camera tone.
    img[horizon:road_top] = rng.integers(110, 160, 3).astype(np.uint8)
    road = rng.integers(55, 85)
    img[road_top:] = (road, road, road + rng.integers(-5, 6))

    # Buildings standing on the pavement line.
    x = 0
    while x < width:
        bw = int(rng.integers(width // 14, width // 5))
        bh = int(rng.integers(height // 6, horizon - height // 20))
        colour = tuple(int(c) for c in rng.integers(40, 200, 3))
        cv2.rectangle(img, (x, horizon - bh), (x + bw - 2, horizon), colour, -1)
        lit = tuple(min(255, c + 70) for c in colour)
        step_x, step_y = max(6, width // 64), max(6, height // 30)
        for wy in range(horizon - bh + step_y // 2, horizon - step_y, step_y):
            for wx in range(x + step_x // 2, x + bw - step_x, step_x):
                if rng.random() < 0.55:
                    cv2.rectangle(img, (wx, wy), (wx + step_x // 2, wy + step_y // 2), lit, -1)
        x += bw

    # Kerb and lane markings.
    cv2.line(img, (0, road_top), (width, road_top), (200, 200, 200), max(1, height // 120))
    lane_y = (road_top + height) // 2
    dash = max(8, width // 20)
    for dx in range(0, width, dash * 2):
        cv2.line(img, (dx, lane_y), (dx + dash, lane_y), (230, 230, 230), max(1, height // 90))
    return img


def _draw_label(img: np.ndarray, text: str) -> None:
    h = img.shape[0]
    scale = max(0.35, h / 600)
    thick = max(1, round(h / 300))
    (tw, th), base = cv2.getTextSize(text, _FONT, scale, thick)
    cv2.rectangle(img, (4, 4), (12 + tw, 12 + th + base), (0, 0, 0), -1)
    cv2.putText(img, text, (8, 8 + th), _FONT, scale, (255, 255, 255), thick, cv2.LINE_AA)


def _noise_frames(width: int, height: int, seed: int, count: int = 6) -> list[np.ndarray]:
    # Pre-drawn noise, cycled: drawing fresh noise per frame would cost more than encoding.
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 7, (height, width, 3), dtype=np.uint8) for _ in range(count)]


def _scene_painter(
    index: int, width: int, height: int, fps: int, seconds: float, label: str
) -> Painter:
    background = _scene_background(index, width, height)
    # Noise is added as 0..6 on top of a background lowered by 3, so it is zero-mean.
    base = cv2.subtract(background, np.full_like(background, 3))
    noise = _noise_frames(width, height, seed=index)
    rng = _palette(index + 500)
    horizon, road_top = int(height * 0.45), int(height * 0.62)
    frames_total = max(1, round(fps * seconds))

    # Vehicles: (lane y, length, height, colour, laps per clip, start offset, direction).
    # Whole laps per clip make the loop seamless.
    vehicles = []
    for lane in range(4):
        lane_y = road_top + (height - road_top) * (lane * 2 + 1) // 8
        length = int(rng.integers(width // 12, width // 6))
        vh = max(6, (height - road_top) // 6)
        colour = tuple(int(c) for c in rng.integers(30, 255, 3))
        direction = 1 if lane < 2 else -1
        vehicles.append(
            (lane_y, length, vh, colour, int(rng.integers(1, 4)), rng.random(), direction)
        )
    walkers = []
    for _ in range(3):
        colour = tuple(int(c) for c in rng.integers(20, 235, 3))
        y = int(rng.integers(horizon + 4, road_top - 4))
        walkers.append((y, colour, rng.random(), 1 if rng.random() < 0.5 else -1))
    radius = max(3, height // 60)
    small = max(0.3, height / 900)
    thick = max(1, round(height / 360))

    def draw(i: int) -> np.ndarray:
        img = cv2.add(base, noise[i % len(noise)])
        phase = (i % frames_total) / frames_total
        span_x = width * 1.3
        for lane_y, length, vh, colour, laps, offset, direction in vehicles:
            pos = ((offset + direction * laps * phase) % 1.0) * span_x - width * 0.15
            x0 = int(pos)
            cv2.rectangle(img, (x0, lane_y - vh), (x0 + length, lane_y + vh), colour, -1)
            cv2.rectangle(img, (x0 + length // 4, lane_y - vh), (x0 + length * 3 // 4, lane_y),
                          (40, 40, 40), -1)  # fmt: skip
        for y, colour, offset, direction in walkers:
            x = int(((offset + direction * phase) % 1.0) * width)
            cv2.circle(img, (x, y), radius, colour, -1)
        _draw_label(img, label)
        t = i / fps
        stamp = f"2026-01-01 08:{int(t // 60) % 60:02d}:{t % 60:05.2f}"
        cv2.putText(img, stamp, (width // 2, height - 8), _FONT, small, (255, 255, 255), thick)
        cv2.putText(img, f"F{i:06d}", (8, height - 8), _FONT, small, (255, 255, 0), thick)
        return img

    return draw


def _bars_painter(width: int, height: int) -> Painter:
    colours = [
        (255, 255, 255),
        (0, 255, 255),
        (255, 255, 0),
        (0, 255, 0),
        (255, 0, 255),
        (0, 0, 255),
        (255, 0, 0),
        (0, 0, 0),
    ]
    bars = np.empty((height, width, 3), np.uint8)
    for k, colour in enumerate(colours):
        bars[:, k * width // len(colours) : (k + 1) * width // len(colours)] = colour
    box = max(4, height // 8)

    def draw(i: int) -> np.ndarray:
        img = bars.copy()
        x = (i * 4) % max(1, width - box)
        cv2.rectangle(img, (x, height - 2 * box), (x + box, height - box), (128, 128, 128), -1)
        return img

    return draw


def _counter_painter(width: int, height: int) -> Painter:
    band = max(2, height // _COUNTER_BAND)
    base = np.full((height, width, 3), 96, np.uint8)

    def draw(i: int) -> np.ndarray:
        img = base.copy()
        for bit in range(COUNTER_BITS):
            on = (i >> (COUNTER_BITS - 1 - bit)) & 1
            x0, x1 = bit * width // COUNTER_BITS, (bit + 1) * width // COUNTER_BITS
            img[:band, x0:x1] = 255 if on else 0
        x = (i * 3) % max(1, width - band)
        cv2.rectangle(img, (x, height // 2), (x + band, height // 2 + band), (0, 200, 255), -1)
        return img

    return draw


# --- encoding ------------------------------------------------------------------------------


def _encode(path: Path, width: int, height: int, fps: int, frames: int, draw: Painter) -> None:
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream(
            "libx264",
            rate=fps,
            options={
                "preset": "ultrafast",
                "crf": "23",
                # A keyframe every second, never elsewhere: a loop or a resume after a pause
                # waits at most one second for a picture.
                "g": str(fps),
                "keyint_min": str(fps),
                "sc_threshold": "0",
                "bf": "0",
            },
        )
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        # One encoder thread per clip: clips are built in parallel, and single-threaded
        # x264 output is bit-identical from run to run.
        stream.codec_context.thread_count = 1
        for i in range(frames):
            # OpenCV's BGR->I420 is limited-range BT.601, what decoders assume for untagged
            # H.264, and far cheaper than letting PyAV convert bgr24.
            yuv = np.asarray(cv2.cvtColor(draw(i), cv2.COLOR_BGR2YUV_I420), np.uint8)
            frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
            frame.pts = i
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))


def _write_atomically(
    path: Path, width: int, height: int, fps: int, frames: int, draw: Painter
) -> None:
    part = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.part")
    try:
        _encode(part, width, height, fps, frames, draw)
        # A rename within one directory is atomic: readers see the old file or the whole new
        # one, and a killed generation leaves only a .part file behind.
        os.replace(part, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            part.unlink()


def _remove_stale_parts(cache_dir: Path) -> None:
    now = time.time()
    for part in _iter_parts(cache_dir):
        with contextlib.suppress(OSError):
            if now - part.stat().st_mtime > _STALE_PART_S:
                part.unlink()


def _iter_parts(cache_dir: Path) -> Iterator[Path]:
    return cache_dir.glob(".*.part")
