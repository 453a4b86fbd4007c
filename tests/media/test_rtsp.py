"""CameraDecoder against a real RTSP server (GStreamer) on loopback."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from console.core.tile_health import TileHealth
from console.media.clips import make_test_clip
from console.media.connection_gate import ConnectionGate
from console.media.decoder import CameraDecoder
from console.media.frame_slot import Frame
from tests.media.conftest import RtspServer, wait_until

StartRtsp = Callable[..., RtspServer]


@pytest.fixture(scope="module")
def live_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Long enough that the stream does not end during a test; keyframe every second.
    path = tmp_path_factory.mktemp("rtsp") / "live.mp4"
    return make_test_clip(path, 640, 360, 25, 8.0, pattern="scene", label="RTSP-01")


@pytest.fixture(scope="module")
def short_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rtsp") / "short.mp4"
    return make_test_clip(path, 320, 180, 25, 1.0, pattern="counter")


def decoder_for(url: str, **kwargs: object) -> CameraDecoder:
    return CameraDecoder(
        "rtsp-cam",
        url,
        target_size=(320, 180),
        gate=ConnectionGate(4),
        rng=random.Random(5),
        backoff_base_s=0.05,
        backoff_cap_s=0.2,
        **kwargs,  # type: ignore[arg-type]
    )


def test_rtsp_camera_shows_a_picture_quickly(start_rtsp: StartRtsp, live_clip: Path) -> None:
    server = start_rtsp({"cam": live_clip})
    decoder = decoder_for(server.url("cam"))
    decoder.start()
    try:
        taken: list[Frame] = []

        def a_picture() -> bool:
            frame = decoder.slot.take()
            if frame is not None:
                taken.append(frame)
            return bool(taken)

        assert wait_until(a_picture, 5.0)
        # The tiny probe keeps the first keyframe: the picture is the clip's first frame,
        # not one from the next GOP a second later (a wall-clock bound would be flaky).
        assert taken[0].pts_s < 0.5, taken[0].pts_s
        assert wait_until(lambda: decoder.stats().fps > 15.0, 3.0)
        stats = decoder.stats()
        assert stats.health is TileHealth.LIVE and stats.connected
        assert stats.source_size == (640, 360) and stats.conversion == "decimate"
        assert stats.bitrate_kbps > 10.0 and stats.last_error is None
    finally:
        decoder.stop()
        assert decoder.join(3.0)


def test_paused_rtsp_keeps_reading_and_resumes_at_a_keyframe(
    start_rtsp: StartRtsp, live_clip: Path
) -> None:
    server = start_rtsp({"cam": live_clip})
    decoder = decoder_for(server.url("cam"))
    decoder.start()
    try:
        assert wait_until(lambda: decoder.stats().frames_delivered >= 5, 5.0)
        decoder.set_target_size(0, 0)
        assert wait_until(lambda: decoder.stats().paused, 1.0)
        delivered = decoder.stats().frames_delivered
        time.sleep(0.6)  # a running decoder would deliver ~15 frames meanwhile
        paused = decoder.stats()
        assert paused.frames_delivered - delivered <= 1
        # Still connected and still receiving: the camera must not time us out.
        assert paused.connected and paused.bitrate_kbps > 10.0
        assert paused.health is TileHealth.LIVE
        decoder.set_target_size(320, 180)
        assert wait_until(lambda: decoder.stats().frames_delivered > delivered + 3, 3.0)
        assert decoder.stats().connects == 1
    finally:
        decoder.stop()
        assert decoder.join(3.0)


def test_stream_end_and_server_restart_are_survived(
    start_rtsp: StartRtsp, short_clip: Path
) -> None:
    server = start_rtsp({"cam": short_clip})
    decoder = decoder_for(server.url("cam"))
    decoder.start()
    try:
        # The 1 s clip ends; the decoder reconnects and gets it again from the start.
        assert wait_until(lambda: decoder.stats().connects >= 2, 6.0)
        assert "ended the stream" in (decoder.stats().last_error or "")
        port = server.port
        server.stop()
        assert wait_until(lambda: decoder.stats().health is TileHealth.RECONNECTING, 5.0)
        assert wait_until(lambda: "Connection refused" in (decoder.stats().last_error or ""), 5.0)
        delivered = decoder.stats().frames_delivered
        start_rtsp({"cam": short_clip}, port=port)  # the camera comes back on its address
        assert wait_until(lambda: decoder.stats().frames_delivered > delivered + 3, 8.0)
    finally:
        decoder.stop()
        assert decoder.join(3.0)
