"""PacedDecodeFloor: real clips decoded at their own rate, in both layouts, live RTSP streams
as sent, and bad clips named."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

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


def test_live_streams_are_decoded_as_their_server_sends_them(
    scene_clip: Path, start_rtsp: Any
) -> None:
    # A real RTSP server: each stream gets a thread of its own (its reads block), no pacing
    # by us, and the end of a stream is an error, since the benchmark sizes clips to last.
    server = start_rtsp({"a": scene_clip, "b": scene_clip})
    urls = [server.url("a"), server.url("b")]
    with pytest.raises(ValueError, match="cannot share a pool"):
        PacedDecodeFloor(urls, pooled=True)
    floor = PacedDecodeFloor(urls)
    floor.start()
    try:
        assert wait_until(lambda: floor.frames >= 10, 10.0)
        assert {t.name for t in threading.enumerate()} >= {"floor-0", "floor-1"}
        # The 2 s clip ends: both streams say so.
        assert wait_until(lambda: len(floor.errors) == 2, 15.0), floor.errors
    finally:
        assert floor.stop() == []
    # 2 s at 25 fps each, all decoded (a frame or two may sit in the decoder at the end).
    assert 2 * 46 <= floor.frames <= 2 * 50, floor.frames
    assert all("the stream ended" in e for e in floor.errors), floor.errors
