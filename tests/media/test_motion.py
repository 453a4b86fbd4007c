"""Motion detection: an object crossing a zone is one alert; stillness and motion elsewhere none."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from console.core.zones import Polygon
from console.media.clips import make_test_clip
from console.media.motion import MotionDetector, MotionWatcher, MotionZone
from tests.media.motion_clips import decoded_frames, make_crossing_clip

FPS = 25
# The box crosses at 75 % of the height: the lane zone lies across its path, the sky zone
# above it and the roadside zone beside the lane, clear of the box.
LANE: Polygon = ((0.3, 0.6), (0.7, 0.6), (0.7, 0.9), (0.3, 0.9))
SKY: Polygon = ((0.0, 0.0), (0.5, 0.0), (0.5, 0.4), (0.0, 0.4))
ROADSIDE: Polygon = ((0.3, 0.3), (0.7, 0.3), (0.7, 0.5), (0.3, 0.5))


@pytest.fixture(scope="module")
def crossing_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_crossing_clip(tmp_path_factory.mktemp("motion") / "crossing.mp4")


def zones() -> list[MotionZone]:
    return [MotionZone(1, LANE, 70), MotionZone(2, SKY, 100), MotionZone(3, ROADSIDE, 100)]


def run(detector: MotionDetector, frames: list[np.ndarray]) -> list[tuple[int, int]]:
    """(frame index, zone id) of every alert."""
    hits = []
    for i, image in enumerate(frames):
        hits += [(i, h.zone_id) for h in detector.analyse(image, i / FPS)]
    return hits


def test_object_crossing_a_zone_is_one_alert(crossing_clip: Path) -> None:
    detector = MotionDetector(zones())
    hits = run(detector, decoded_frames(crossing_clip))
    assert [zone for _, zone in hits] == [1]
    frame, _ = hits[0]
    # The box enters at 1.6 s and needs ~0.5 s to reach the lane zone (0.3 of the width).
    assert 1.6 * FPS < frame < 2.6 * FPS


def test_still_picture_raises_nothing(tmp_path: Path) -> None:
    clip = make_test_clip(tmp_path / "static.mp4", 320, 180, FPS, 3.0, pattern="static")
    detector = MotionDetector([MotionZone(1, LANE, 100), MotionZone(2, SKY, 100)])
    assert run(detector, decoded_frames(clip)) == []


def test_motion_outside_every_zone_raises_nothing(crossing_clip: Path) -> None:
    detector = MotionDetector([MotionZone(2, SKY, 100), MotionZone(3, ROADSIDE, 100)])
    assert run(detector, decoded_frames(crossing_clip)) == []
    assert max(detector.last_scores.values()) == 0.0


def test_warm_up_frames_never_alert(crossing_clip: Path) -> None:
    frames = decoded_frames(crossing_clip)
    # Starting mid-crossing: everything is "new" to the model, but it is still warming up.
    detector = MotionDetector(zones(), warmup_frames=len(frames))
    assert run(detector, frames[45:]) == []


def test_full_size_pictures_are_analysed_small(crossing_clip: Path) -> None:
    import cv2

    big = [cv2.resize(f, (1280, 720)) for f in decoded_frames(crossing_clip)]
    detector = MotionDetector(zones())
    assert [zone for _, zone in run(detector, big)] == [1]


def test_watcher_thread_reports_the_alert_and_stops(crossing_clip: Path) -> None:
    alerts: list[tuple[int, float, tuple[int, ...]]] = []
    fired = threading.Event()

    def on_alert(zone_id: int, score: float, image: np.ndarray) -> None:
        alerts.append((zone_id, score, image.shape))
        fired.set()

    watcher = MotionWatcher("cam-m", crossing_clip.as_uri(), zones(), on_alert, warmup_frames=8)
    names = {watcher._thread.name, watcher.decoder.thread_name}
    assert names == {"motion-cam-m", "decode-motion-cam-m"}
    started = time.process_time()
    watcher.start()
    try:
        assert fired.wait(10.0)
    finally:
        watcher.stop()
        assert watcher.join(10.0)
    cpu = time.process_time() - started
    zone_id, score, shape = alerts[0]
    assert zone_id == 1 and score > 0 and shape == (180, 320, 4)
    stats = watcher.decoder.stats()
    assert stats.target_size == (320, 180)
    print(
        f"motion watcher: {watcher.frames_analysed} frames analysed, "
        f"{watcher.cpu_s / max(1, watcher.frames_analysed) * 1e3:.2f} ms analysis CPU/frame; "
        f"process CPU {cpu:.2f} s for {stats.frames_decoded} decoded frames"
    )
    assert not watcher.is_alive()
