"""Micro-benchmark: decode plus tile conversion throughput per CPU core, for each conversion."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import av

from console.media.convert import (
    DECIMATE,
    SWSCALE,
    FrameConverter,
    use_single_threaded_opencv,
)

DECODE_ONLY = "decode_only"


def _run_path(
    clips: Sequence[Path], tile_size: tuple[int, int], seconds: float, mode: str | None
) -> dict[str, float]:
    converter = FrameConverter(mode) if mode is not None else None
    width, height = tile_size
    frames = 0
    # Process CPU time, not thread time: OpenCV may run parts of a conversion on its own
    # worker threads, and those cycles belong to the path being measured.
    cpu0, wall0 = time.process_time(), time.perf_counter()
    deadline = wall0 + seconds
    while time.perf_counter() < deadline:
        for clip in clips:
            with av.open(str(clip)) as container:
                stream = container.streams.video[0]
                # One codec thread, as the wall's decoders run: the figure is per core.
                stream.codec_context.thread_count = 1
                for frame in container.decode(stream):
                    if converter is not None:
                        converter.convert(frame, width, height)
                    frames += 1
                    if frames % 16 == 0 and time.perf_counter() >= deadline:
                        break
            if time.perf_counter() >= deadline:
                break
    cpu = max(time.process_time() - cpu0, 1e-9)
    wall = max(time.perf_counter() - wall0, 1e-9)
    return {
        "frames": float(frames),
        "cpu_s": cpu,
        "wall_s": wall,
        "fps_per_core": frames / cpu,
        "fps_wall": frames / wall,
    }


def run_decode_bench(
    clip_paths: Sequence[Path], tile_size: tuple[int, int] = (320, 180), seconds: float = 2.0
) -> dict[str, Any]:
    """Decode the clips as fast as possible for `seconds` per path; returns the figures.

    Paths: decode only (the floor), decode + decimation (plane sub-sampling and one
    OpenCV colour conversion) and decode + swscale (a reused VideoReformatter, bilinear).
    `tiles_at_25fps_per_core` is how many 25 fps tiles one core could feed on that path.
    """
    clips = [Path(p) for p in clip_paths]
    # Measure what the decoders run: they switch OpenCV's worker pool off when they start.
    use_single_threaded_opencv()
    if not clips:
        raise ValueError("the benchmark needs at least one clip")
    width, height = tile_size
    if width <= 0 or height <= 0:
        raise ValueError(f"tile size must be positive, got {width}x{height}")
    results: dict[str, Any] = {
        "tile_size": (width, height),
        "clips": [c.name for c in clips],
        "seconds_per_path": seconds,
    }
    for name, mode in ((DECODE_ONLY, None), (DECIMATE, DECIMATE), (SWSCALE, SWSCALE)):
        figures = _run_path(clips, (width, height), seconds, mode)
        figures["tiles_at_25fps_per_core"] = figures["fps_per_core"] / 25.0
        results[name] = figures
    results["decimate_speedup"] = (
        results[DECIMATE]["fps_per_core"] / results[SWSCALE]["fps_per_core"]
    )
    return results
