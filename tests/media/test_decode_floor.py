"""PacedDecodeFloor: real clips decoded at their own rate, in both layouts, and bad clips named."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from console.media.decode_floor import PacedDecodeFloor
from tests.media.conftest import wait_until


@pytest.mark.parametrize("pooled", [True, False], ids=["pooled", "thread-each"])
def test_the_floor_decodes_every_clip_at_its_frame_rate(scene_clip: Path, pooled: bool) -> None:
    floor = PacedDecodeFloor([scene_clip] * 4, pooled=pooled)
    floor.start()
    try:
        assert wait_until(lambda: floor.frames >= 8, 5.0)
        began, first = time.monotonic(), floor.frames
        assert wait_until(lambda: floor.frames >= first + 100, 10.0)
        took = time.monotonic() - began
    finally:
        assert floor.stop() == []
    # Four 25 fps clips: 100 frames take about a second. Never much faster (that would
    # be decoding unpaced); a busy machine may be slower, which the wait above allows.
    assert took >= 0.6, took
    assert floor.errors == []
    assert not [t.name for t in threading.enumerate() if t.name.startswith("floor-")]


def test_a_clip_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video at all" * 100)
    floor = PacedDecodeFloor([broken])
    floor.start()
    try:
        assert wait_until(lambda: floor.errors, 5.0)
    finally:
        assert floor.stop() == []
    assert "broken.mp4" in floor.errors[0]
