"""The decode micro-benchmark runs and reports both conversion paths."""

from __future__ import annotations

from pathlib import Path

from console.media.bench_decode import run_decode_bench


def test_bench_reports_every_path(scene_clip: Path) -> None:
    result = run_decode_bench([scene_clip], (320, 180), seconds=0.3)
    assert result["tile_size"] == (320, 180)
    for path in ("decode_only", "decimate", "swscale"):
        figures = result[path]
        assert figures["frames"] > 0 and figures["fps_per_core"] > 0
    # Converting can only add work to decoding.
    assert result["decode_only"]["fps_per_core"] > result["swscale"]["fps_per_core"]
    assert result["decimate_speedup"] > 0
