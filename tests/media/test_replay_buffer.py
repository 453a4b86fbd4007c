"""The replay buffer: bounded GOPs from a keyframe, remux without re-encoding, full-res stills."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import av
import pytest

from console.media.clips import make_test_clip, read_frame_counter
from console.media.decoder import CameraDecoder
from console.media.replay_buffer import ReplayBuffer
from tests.media.conftest import wait_until


@pytest.fixture(scope="module")
def counter_640(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """640x360, 25 fps, 3 s, a keyframe every second; the frame number drawn as a barcode."""
    path = tmp_path_factory.mktemp("replay") / "counter640.mp4"
    return make_test_clip(path, 640, 360, 25, 3.0, pattern="counter")


def feed_file(buffer: ReplayBuffer, path: Path, times: int = 1) -> list[bytes]:
    """Demux the file `times` times into the buffer (each pass a new stream, like a
    reconnect); returns the packet payloads fed."""
    fed: list[bytes] = []
    for _ in range(times):
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            for packet in container.demux(stream):
                if packet.size:
                    buffer.feed(packet, stream)
                    fed.append(bytes(packet))
    return fed


def read_packets(path: Path) -> tuple[str, list[bytes], list[int]]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        packets = [p for p in container.demux(stream) if p.size]
        pts = [-1 if p.pts is None else p.pts for p in packets]
        return stream.codec_context.name, [bytes(p) for p in packets], pts


def counters(path: Path) -> list[int | None]:
    with av.open(str(path)) as container:
        return [read_frame_counter(f.to_ndarray(format="bgr24")) for f in container.decode(video=0)]


def test_remux_keeps_every_packet_as_it_was(counter_640: Path, tmp_path: Path) -> None:
    buffer = ReplayBuffer(seconds=30)
    fed = feed_file(buffer, counter_640)
    info = buffer.write_mp4(tmp_path / "clip.mp4")
    codec, packets, pts = read_packets(info.path)
    assert codec == "h264"
    assert packets == fed  # byte for byte: remuxed, not re-encoded
    assert pts == sorted(pts) and pts[0] == 0
    assert (info.width, info.height, info.frames) == (640, 360, 75)
    assert info.duration_s == pytest.approx(3.0, abs=0.05)
    assert counters(info.path) == list(range(75))


def test_bounded_by_time_and_starting_at_a_keyframe(counter_640: Path, tmp_path: Path) -> None:
    buffer = ReplayBuffer(seconds=2.0)
    feed_file(buffer, counter_640, times=3)  # 9 s of video; each pass restarts its clock
    # Whole GOPs of one second: at least 2 s kept, less than 2 s plus one GOP.
    assert 2.0 <= buffer.covered_seconds() < 3.0
    assert buffer.dropped_gops >= 6
    info = buffer.write_mp4(tmp_path / "tail.mp4")
    _, _, pts = read_packets(info.path)
    assert pts == sorted(pts)  # the restarts did not run the clock backwards
    seen = counters(info.path)
    # Starts at a keyframe (frame 0, 25 or 50 of the clip) and runs on without a gap.
    assert seen[0] is not None and seen[0] % 25 == 0
    assert seen == list(range(seen[0], seen[0] + len(seen)))


def test_bounded_by_bytes(counter_640: Path) -> None:
    whole = ReplayBuffer(seconds=30)
    feed_file(whole, counter_640)
    budget = whole.size_bytes // 2
    small = ReplayBuffer(seconds=30, max_bytes=budget)
    feed_file(small, counter_640)
    assert 0 < small.size_bytes <= budget
    assert small.covered_seconds() < whole.covered_seconds()


def test_packets_before_the_first_keyframe_are_skipped(counter_640: Path) -> None:
    buffer = ReplayBuffer()
    with av.open(str(counter_640)) as container:
        stream = container.streams.video[0]
        packets = [p for p in container.demux(stream) if p.size]
        for packet in packets[5:30]:  # joins mid-GOP: 20 frames, then a keyframe
            buffer.feed(packet, stream)
    assert buffer.skipped_before_keyframe == 20
    assert buffer.covered_seconds() == pytest.approx(0.2, abs=0.01)


def test_latest_picture_is_full_resolution(counter_640: Path) -> None:
    buffer = ReplayBuffer()
    with av.open(str(counter_640)) as container:
        stream = container.streams.video[0]
        packets = [p for p in container.demux(stream) if p.size]
        for packet in packets[:40]:
            buffer.feed(packet, stream)
    picture = buffer.latest_picture()
    assert picture is not None
    image, _wall = picture
    assert image.shape == (360, 640, 3)
    assert read_frame_counter(image) == 39


def test_rtsp_stream_is_buffered_and_remuxed(
    start_rtsp: Callable[..., object], counter_640: Path, tmp_path: Path
) -> None:
    server = start_rtsp({"cam": counter_640})
    buffer = ReplayBuffer(seconds=30)
    decoder = CameraDecoder("replay-rtsp", server.url("cam"), target_size=(160, 90))  # type: ignore[attr-defined]
    decoder.add_packet_listener(buffer.feed)
    decoder.start()
    try:
        assert wait_until(lambda: buffer.covered_seconds() >= 1.5, timeout=10.0)
    finally:
        decoder.stop()
        assert decoder.join(10.0)
    info = buffer.write_mp4(tmp_path / "rtsp.mp4")
    codec, packets, pts = read_packets(info.path)
    assert codec == "h264" and (info.width, info.height) == (640, 360)
    assert pts == sorted(pts)
    seen = counters(info.path)
    first = seen[0]
    assert first is not None and len(seen) == len(packets) >= 37
    assert seen == list(range(first, first + len(seen)))
    picture = buffer.latest_picture()
    assert picture is not None and picture[0].shape == (360, 640, 3)
    assert read_frame_counter(picture[0]) == seen[-1]
