"""CameraDecoder against real clips and real (broken) loopback peers."""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from console.core.tile_health import OFFLINE_AFTER_ATTEMPTS, TileHealth
from console.media.clips import read_frame_counter
from console.media.connection_gate import ConnectionGate
from console.media.decoder import (
    CameraDecoder,
    describe_error,
    ffmpeg_source,
    open_options,
    redact_url,
)
from console.media.frame_slot import Frame
from tests.media.conftest import decode_threads, wait_until
from tests.media.peers import SilentServer, UnauthorizedRtspServer

TILE = (320, 180)


@contextmanager
def running(code: str, url: str | Path, **kwargs: Any) -> Iterator[CameraDecoder]:
    kwargs.setdefault("gate", ConnectionGate(4))
    kwargs.setdefault("rng", random.Random(1))
    decoder = CameraDecoder(code, str(url), **kwargs)
    decoder.start()
    try:
        yield decoder
    finally:
        decoder.stop()
        assert decoder.join(2.0), f"{decoder.thread_name} did not stop within 2 s"


def collect(decoder: CameraDecoder, count: int, timeout: float = 5.0) -> list[Frame]:
    frames: list[Frame] = []

    def more() -> bool:
        frame = decoder.slot.take()
        if frame is not None:
            frames.append(frame)
        return len(frames) >= count

    assert wait_until(more, timeout, interval=0.002), f"got {len(frames)} of {count} frames"
    return frames


@pytest.mark.parametrize("pooled", [True, False], ids=["pooled", "own-thread"])
def test_frames_arrive_at_tile_size_with_rising_timestamps(scene_clip: Path, pooled: bool) -> None:
    with running("cam-a", scene_clip, target_size=TILE, pooled=pooled) as decoder:
        frames = collect(decoder, 10)
        assert decoder.pooled is pooled
        assert decoder.thread_name == "decode-cam-a"
        if pooled:
            # A paced file runs on the shared pool's threads, not on one of its own.
            assert "decode-cam-a" not in decode_threads()
            assert any(name.startswith("decode-pool-") for name in decode_threads())
        else:
            assert "decode-cam-a" in decode_threads()
    for frame in frames:
        assert frame.image.shape == (180, 320, 4) and frame.image.dtype == np.uint8
        assert (frame.width, frame.height) == TILE
    assert all(b.pts_s > a.pts_s for a, b in itertools.pairwise(frames))
    assert all(b.seq > a.seq for a, b in itertools.pairwise(frames))
    stats = decoder.stats()
    assert stats.source_size == (640, 360) and stats.codec == "h264"
    assert stats.conversion == "decimate"
    assert not stats.running and stats.last_error is None


def test_file_source_plays_at_its_own_frame_rate(scene_clip: Path) -> None:
    with running("cam-rt", scene_clip, target_size=TILE) as decoder:
        frames = collect(decoder, 2)
        started = frames[0]
        frames = collect(decoder, 25, timeout=4.0)
        elapsed = frames[-1].decoded_at - started.decoded_at
        media = frames[-1].pts_s - started.pts_s
        # Wall time tracks media time; generous bounds for a busy CI machine.
        assert media == pytest.approx(elapsed, abs=0.25)
        assert wait_until(lambda: decoder.stats().fps > 15.0, 3.0)
        stats = decoder.stats()
        assert stats.fps < 35.0
        assert stats.bitrate_kbps > 10.0
        assert stats.health is TileHealth.LIVE


def test_looping_keeps_timestamps_rising_and_matching_the_picture(counter_clip: Path) -> None:
    # 1 s clip, decoded flat out: several loops within the test.
    with running("cam-loop", counter_clip, target_size=(160, 90), realtime=False) as decoder:
        frames = collect(decoder, 60, timeout=8.0)
        assert wait_until(lambda: decoder.stats().frames_decoded > 60, 5.0)
    assert all(b.pts_s > a.pts_s for a, b in itertools.pairwise(frames))
    assert frames[-1].pts_s > 1.5, "the 1 s clip should have looped"
    for frame in frames:
        # The barcode says which frame of the clip this is; pts must agree across loops.
        assert read_frame_counter(frame.image) == round(frame.pts_s * 25) % 25


def test_slow_consumer_makes_drops_not_a_queue(scene_clip: Path) -> None:
    with running("cam-slow", scene_clip, target_size=TILE, realtime=False) as decoder:
        assert wait_until(lambda: decoder.slot.dropped >= 20, 5.0)
        taken = decoder.slot.take()
        assert taken is not None
        stats = decoder.stats()
    slot = decoder.slot
    assert stats.dropped >= 20
    slot.take()  # whatever is left, so that every frame is either consumed or dropped
    assert slot.produced == slot.consumed + slot.dropped


def test_target_size_changes_at_runtime(scene_clip: Path) -> None:
    with running("cam-size", scene_clip, target_size=TILE, realtime=False) as decoder:
        collect(decoder, 1)
        for size in [(160, 90), (161, 91), (480, 270)]:
            decoder.set_target_size(*size)

            def arrived(size: tuple[int, int] = size) -> bool:
                frame = decoder.slot.take()
                return frame is not None and frame.image.shape == (size[1], size[0], 4)

            assert wait_until(arrived, 3.0), size
        assert decoder.stats().conversion == "decimate"  # 480x270 from 640x360 too


def test_zero_size_pauses_a_file_source_and_resumes(scene_clip: Path) -> None:
    with running("cam-pause", scene_clip, target_size=TILE) as decoder:
        collect(decoder, 3)
        decoder.set_target_size(0, 0)
        assert wait_until(lambda: decoder.stats().paused, 1.0)
        decoder.slot.take()
        before = decoder.stats().frames_decoded
        # Give a running decoder ample time to show it is not reading (25 fps -> ~12 frames).
        time.sleep(0.5)
        paused = decoder.stats()
        assert paused.frames_decoded - before <= 1
        assert decoder.slot.take() is None
        assert paused.health is TileHealth.LIVE
        decoder.set_target_size(*TILE)
        collect(decoder, 3, timeout=3.0)
        assert decoder.stats().frames_decoded > paused.frames_decoded


@pytest.mark.parametrize("pooled", [True, False], ids=["pooled", "own-thread"])
def test_stop_joins_quickly_and_leaves_no_thread(scene_clip: Path, pooled: bool) -> None:
    decoder = CameraDecoder(
        "cam-stop", str(scene_clip), target_size=TILE, gate=ConnectionGate(), pooled=pooled
    )
    decoder.start()
    collect(decoder, 2)
    assert decoder.is_alive()
    started = time.monotonic()
    decoder.stop()
    assert decoder.join(2.0)
    assert time.monotonic() - started < 2.0
    assert not decoder.is_alive() and not decoder.stats().running
    # The pool's threads end with its last decoder, and joining it joins them too: an
    # idle console holds none, and a clean close leaves none behind.
    assert not decode_threads()


def test_a_frozen_picture_is_reported(static_clip: Path, scene_clip: Path) -> None:
    with running("cam-frozen", static_clip, target_size=(160, 90), realtime=False) as frozen:
        assert wait_until(lambda: frozen.stats().health is TileHealth.FROZEN, 5.0)
    with running("cam-moving", scene_clip, target_size=(160, 90), realtime=False) as moving:
        assert wait_until(lambda: moving.stats().frames_delivered > 120, 5.0)
        assert moving.stats().health is TileHealth.LIVE


def test_missing_file_reconnects_then_goes_offline_without_raising(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.mp4"
    with running(
        "cam-missing", missing, target_size=TILE, backoff_base_s=0.01, backoff_cap_s=0.02
    ) as decoder:
        assert wait_until(lambda: decoder.stats().failed_attempts >= 1, 3.0)
        assert wait_until(lambda: decoder.stats().failed_attempts >= OFFLINE_AFTER_ATTEMPTS, 3.0)
        stats = decoder.stats()
        assert stats.health is TileHealth.OFFLINE
        assert stats.running and decoder.is_alive()
        assert stats.last_error == f"File not found: {missing}."
        assert stats.reconnects >= OFFLINE_AFTER_ATTEMPTS - 1


def test_closed_port_is_reconnecting_with_a_plain_error(closed_port: int) -> None:
    url = f"rtsp://admin:s3cret@127.0.0.1:{closed_port}/main"
    with running("cam-refused", url, target_size=TILE) as decoder:
        assert wait_until(lambda: decoder.stats().failed_attempts >= 1, 3.0)
        stats = decoder.stats()
        assert stats.health is TileHealth.RECONNECTING
        assert stats.last_error == (
            f"Connection refused by 127.0.0.1:{closed_port}: nothing is listening there."
        )
        assert "s3cret" not in stats.source and "admin:***@" in stats.source


def test_silent_camera_times_out(silent_server: SilentServer) -> None:
    with running(
        "cam-silent", silent_server.url(), target_size=TILE, open_timeout_s=0.4
    ) as decoder:
        assert wait_until(lambda: decoder.stats().failed_attempts >= 1, 3.0)
        stats = decoder.stats()
        assert stats.health is TileHealth.RECONNECTING
        assert stats.last_error is not None
        assert stats.last_error.startswith(f"No answer from 127.0.0.1:{silent_server.port}")


def test_wrong_password_is_denied_and_not_retried(
    unauthorized_rtsp: UnauthorizedRtspServer,
) -> None:
    url = unauthorized_rtsp.url(userinfo="admin:wrong")
    with running("cam-denied", url, target_size=TILE, backoff_base_s=0.01) as decoder:
        assert wait_until(lambda: decoder.stats().health is TileHealth.DENIED, 3.0)
        requests = unauthorized_rtsp.requests
        time.sleep(0.3)  # a retrying decoder would have come back by now
        stats = decoder.stats()
        assert stats.connects == 1 and unauthorized_rtsp.requests == requests
        assert stats.last_error is not None and "401" in stats.last_error
        assert "wrong" not in stats.last_error


def test_gate_caps_concurrent_connection_attempts(closed_port: int) -> None:
    gate = ConnectionGate(4)
    url = f"rtsp://127.0.0.1:{closed_port}/x"
    decoders = [
        CameraDecoder(f"gate-{i}", url, target_size=TILE, gate=gate, backoff_base_s=0.01)
        for i in range(20)
    ]
    for decoder in decoders:
        decoder.start()
    try:
        assert wait_until(lambda: gate.granted >= 60, 5.0)
    finally:
        for decoder in decoders:
            decoder.stop()
        assert all(d.join(2.0) for d in decoders)
    assert 1 <= gate.max_active <= 4
    assert gate.active == 0


def test_gate_holds_slow_connections_to_the_cap(silent_server: SilentServer) -> None:
    # Silent peers keep each attempt inside av.open for the whole open timeout, so without
    # the gate all 20 would be connecting at once.
    gate = ConnectionGate(4)
    decoders = [
        CameraDecoder(
            f"slow-{i}", silent_server.url(), target_size=TILE, gate=gate, open_timeout_s=0.3
        )
        for i in range(20)
    ]
    for decoder in decoders:
        decoder.start()
    try:
        assert wait_until(lambda: gate.waiting >= 10, 3.0)
        assert wait_until(lambda: gate.granted >= 8, 3.0)
    finally:
        for decoder in decoders:
            decoder.stop()
        assert all(d.join(2.0) for d in decoders)
    assert gate.max_active == 4
    assert gate.active == 0 and gate.waiting == 0


def test_error_texts_and_options() -> None:
    assert redact_url("rtsp://u:p@h:554/s") == "rtsp://u:***@h:554/s"
    assert redact_url("rtsp://h/s") == "rtsp://h/s"
    assert open_options("rtsp://h/s", 2.5)["timeout"] == "2500000"
    assert open_options("rtsp://h/s", 2.5)["rtsp_transport"] == "tcp"
    assert open_options("/clips/a.mp4", 2.5) == {}
    text = describe_error(ValueError("boom at rtsp://u:p@h/s"), "rtsp://u:p@h/s")
    assert "u:p@" not in text and "boom" in text


def test_bad_target_sizes_are_refused(scene_clip: Path) -> None:
    decoder = CameraDecoder("cam-x", str(scene_clip))
    with pytest.raises(ValueError):
        decoder.set_target_size(320, 0)
    with pytest.raises(ValueError):
        decoder.set_target_size(-1, -1)
    assert decoder.join(0.1)  # never started: nothing to wait for


def test_file_uri_with_escaped_characters_plays(tmp_path: Path, scene_clip: Path) -> None:
    # The workspace hands clips over as Path.as_uri(): percent-encoded, file:// scheme.
    folder = tmp_path / "demo clips 100%"
    folder.mkdir()
    clip = folder / "cam 01.mp4"
    clip.write_bytes(scene_clip.read_bytes())
    with running("cam-uri", clip.resolve().as_uri(), target_size=TILE) as decoder:
        assert not decoder.live
        collect(decoder, 3)
    assert ffmpeg_source(clip.as_uri()) == str(clip)
    assert ffmpeg_source("rtsp://h/s") == "rtsp://h/s"
