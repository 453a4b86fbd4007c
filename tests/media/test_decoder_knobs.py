"""CameraDecoder's budget knobs: a frame-rate cap, key frames only, and its own CPU time."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest

from console.media.clips import read_frame_counter
from tests.media.conftest import wait_until
from tests.media.test_decoder import TILE, collect, running


def test_max_fps_caps_the_frames_handed_to_the_tile(scene_clip: Path) -> None:
    with running("cam-cap", scene_clip, target_size=TILE, max_fps=6.25) as decoder:
        collect(decoder, 1)
        time.sleep(2.2)  # a whole rate window at the capped rate
        stats = decoder.stats()
        assert stats.max_fps == 6.25
        assert 4.0 <= stats.fps <= 8.0, stats.fps
        assert stats.frames_skipped_rate >= 2 * stats.frames_delivered
        frames = collect(decoder, 3, timeout=2.0)
        # Every fourth frame of a 25 fps clip: 0.16 s apart in media time.
        gaps = [round(b.pts_s - a.pts_s, 2) for a, b in itertools.pairwise(frames)]
        assert all(g == pytest.approx(0.16, abs=0.01) for g in gaps), gaps
        decoder.set_max_fps(None)
        assert wait_until(lambda: decoder.stats().fps > 18.0, 3.0)
        assert decoder.stats().max_fps is None


def test_cap_counts_every_decoded_frame_flat_out(counter_clip: Path) -> None:
    with running("cam-cap2", counter_clip, target_size=(160, 90), realtime=False) as decoder:
        decoder.set_max_fps(12.5)
        assert wait_until(lambda: decoder.stats().frames_decoded > 200, 5.0)
        stats = decoder.stats()
    delivered, skipped = stats.frames_delivered, stats.frames_skipped_rate
    # Every other frame, give or take the frames decoded before the cap was set.
    assert skipped == pytest.approx(delivered, rel=0.15)
    assert stats.frames_decoded >= delivered + skipped
    with pytest.raises(ValueError):
        decoder.set_max_fps(0)


def test_keyframes_only_shows_only_key_frames_and_resumes(scene_clip: Path) -> None:
    with running("cam-key", scene_clip, target_size=TILE, keyframes_only=True) as decoder:
        frames = collect(decoder, 2, timeout=4.0)
        # The clip has a key frame every second (every 25th frame) and nowhere else.
        assert all(abs(f.pts_s - round(f.pts_s)) < 0.01 for f in frames), [f.pts_s for f in frames]
        assert decoder.stats().keyframes_only
        assert decoder.stats().fps <= 2.0
        decoder.set_keyframes_only(False)
        # Resumes at the next key frame, then every frame again, cleanly.
        assert wait_until(lambda: decoder.stats().fps > 15.0, 4.0)
        later = collect(decoder, 10, timeout=2.0)
        assert any(abs(f.pts_s - round(f.pts_s)) > 0.02 for f in later)
        assert decoder.stats().last_error is None


def test_keyframes_only_delivers_the_key_frame_picture(counter_clip: Path) -> None:
    # The counter clip is one second long: its only key frame is frame 0.
    with running(
        "cam-key2", counter_clip, target_size=(160, 90), realtime=False, keyframes_only=True
    ) as decoder:
        frames = collect(decoder, 5, timeout=5.0)
    assert [read_frame_counter(f.image) for f in frames] == [0] * 5


def test_keyframes_only_really_cuts_decode_cpu(scene_clip: Path) -> None:
    def cpu_per_media_second(keyframes_only: bool) -> float:
        with running(
            f"cam-cpu-{keyframes_only}",
            scene_clip,
            target_size=TILE,
            realtime=False,
            keyframes_only=keyframes_only,
        ) as decoder:
            collect(decoder, 1)
            time.sleep(1.0)
            stats = decoder.stats()
            frame = decoder.slot.peek()
        assert frame is not None and frame.pts_s > 5.0
        assert stats.cpu_s > 0.0 and 0.0 <= stats.deliver_cpu_s <= stats.cpu_s
        return stats.cpu_s / frame.pts_s

    full = cpu_per_media_second(False)
    key = cpu_per_media_second(True)
    # Measured about 0.2-0.3: the codec skips the non-key frames instead of decoding them.
    assert key < 0.6 * full, (key, full)


def test_thread_cpu_is_counted_on_the_decode_thread(scene_clip: Path) -> None:
    with running("cam-cpu", scene_clip, target_size=TILE) as decoder:
        collect(decoder, 10)
        stats = decoder.stats()
    # A paced 640x360 stream costs a few percent of a core, never the whole process.
    assert 0.0 < stats.cpu_s < 0.5
    assert 0.0 < stats.deliver_cpu_s < stats.cpu_s
