"""Generated clips: cached by parameters, rebuilt when broken, readable by the decoder."""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path

import av
import numpy as np
import pytest

from console.media.clips import (
    CLIP_VERSION,
    clip_is_usable,
    ensure_demo_clips,
    make_test_clip,
    read_frame_counter,
)


def first_frame(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            return frame.to_ndarray(format="bgr24")
    raise AssertionError("no frame")


def test_demo_clips_are_generated_once_and_cached(tmp_path: Path) -> None:
    paths = ensure_demo_clips(tmp_path, count=3, width=160, height=90, fps=10, seconds=1)
    assert [p.name for p in paths] == [
        f"cam{i:02d}_160x90_10fps_1s_v{CLIP_VERSION}.mp4" for i in (1, 2, 3)
    ]
    for path in paths:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            assert (stream.width, stream.height, stream.frames) == (160, 90, 10)
            assert stream.codec_context.name == "h264"
    stamps = [p.stat().st_mtime_ns for p in paths]
    assert ensure_demo_clips(tmp_path, count=3, width=160, height=90, fps=10, seconds=1) == paths
    assert [p.stat().st_mtime_ns for p in paths] == stamps
    assert not list(tmp_path.glob(".*.part"))


def test_clips_differ_per_camera_and_repeat_per_index(tmp_path: Path) -> None:
    a = ensure_demo_clips(tmp_path / "a", count=2, width=160, height=90, fps=10, seconds=1)
    b = ensure_demo_clips(tmp_path / "b", count=2, width=160, height=90, fps=10, seconds=1)
    assert np.array_equal(first_frame(a[0]), first_frame(b[0]))
    assert not np.array_equal(first_frame(a[0]), first_frame(a[1]))


def test_a_broken_cached_clip_is_regenerated(tmp_path: Path) -> None:
    (path,) = ensure_demo_clips(tmp_path, count=1, width=160, height=90, fps=10, seconds=1)
    size = path.stat().st_size
    path.write_bytes(path.read_bytes()[: size // 2])  # as if the disk filled up mid-write
    assert not clip_is_usable(path)
    (again,) = ensure_demo_clips(tmp_path, count=1, width=160, height=90, fps=10, seconds=1)
    assert again == path and clip_is_usable(path, expected_frames=10)


def test_stale_part_files_are_removed_but_fresh_ones_kept(tmp_path: Path) -> None:
    stale = tmp_path / ".cam01_x.mp4.123-deadbeef.part"
    fresh = tmp_path / ".cam01_x.mp4.456-cafebabe.part"
    stale.write_bytes(b"half a clip")
    fresh.write_bytes(b"being written")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    ensure_demo_clips(tmp_path, count=1, width=160, height=90, fps=10, seconds=1)
    assert not stale.exists() and fresh.exists()


def test_clips_in_the_demo_format_are_usable(tmp_path: Path) -> None:
    # How long the demo's twelve take is `console bench startup`'s first_run_s on an empty
    # cache; a wall-clock bound here failed on a slower CI machine.
    paths = ensure_demo_clips(tmp_path, count=2, width=640, height=360, fps=25, seconds=8)
    assert len(paths) == 2 and all(clip_is_usable(p, 200) for p in paths)


def test_static_pattern_frames_differ_only_by_compression_wobble(tmp_path: Path) -> None:
    path = make_test_clip(tmp_path / "still.mp4", 160, 90, 10, 1.0, pattern="static")
    with av.open(str(path)) as container:
        frames = [f.to_ndarray(format="gray").astype(int) for f in container.decode(video=0)]
    assert len(frames) == 10
    # The input is one picture; x264 still nudges a few pixels a little with every frame.
    assert all(np.abs(b - a).mean() < 0.5 for a, b in itertools.pairwise(frames))


def test_counter_pattern_reads_back_at_any_scale(tmp_path: Path) -> None:
    path = make_test_clip(tmp_path / "count.mp4", 320, 240, 25, 1.0, pattern="counter")
    with av.open(str(path)) as container:
        for index, frame in enumerate(container.decode(video=0)):
            assert read_frame_counter(frame.to_ndarray(format="bgr24")) == index
            small = frame.to_ndarray(format="bgra", width=160, height=90)
            assert read_frame_counter(small) == index


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="even"):
        make_test_clip(tmp_path / "odd.mp4", 161, 90)
    with pytest.raises(ValueError, match="pattern"):
        make_test_clip(tmp_path / "x.mp4", pattern="plaid")
    assert not clip_is_usable(tmp_path / "missing.mp4")
