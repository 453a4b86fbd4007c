"""The call recorder: a real aiortc loopback call recorded to MP4, and its bounded hand-off."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from console.media import peer
from console.media.call_recorder import CallRecorder, NothingRecorded, RecordingResult

pytestmark = pytest.mark.timeout(60)

FPS = 30


@pytest.fixture(autouse=True)
def loopback_ice() -> Iterator[None]:
    peer.set_ice_interfaces(["lo"])
    yield
    peer.set_ice_interfaces(None)


@dataclass
class Loopback:
    sender_video: peer.GeneratedVideoTrack
    sink: peer.FrameSink
    video_tap: peer.FrameTap
    audio_tap: peer.FrameTap
    audio_count: list[int]


@asynccontextmanager
async def loopback_call(width: int = 640, height: int = 480) -> AsyncIterator[Loopback]:
    """Two real peer connections in this loop: generated video and audio one way."""
    sender, receiver = peer.make_peer_connection([]), peer.make_peer_connection([])
    video, audio = peer.GeneratedVideoTrack(width, height, FPS), peer.GeneratedAudioTrack()
    video_tap, audio_tap = peer.FrameTap(), peer.FrameTap()
    sinks: list[peer.FrameSink] = []
    drains: list[asyncio.Task[int]] = []
    got_video = asyncio.Event()
    audio_count = [0]
    audio_tap.add(lambda _f: audio_count.__setitem__(0, audio_count[0] + 1))

    @receiver.on("track")
    def _on_track(track: Any) -> None:
        if track.kind == "video":
            sink = peer.FrameSink(track, (320, 240), name="test-sink", tap=video_tap)
            sink.start()
            sinks.append(sink)
            got_video.set()
        else:
            drains.append(
                asyncio.get_running_loop().create_task(peer.drain_track(track, audio_tap))
            )

    sender.addTrack(video)
    sender.addTrack(audio)
    try:
        await peer.accept_answer(
            sender, await peer.answer_offer(receiver, await peer.create_offer(sender))
        )
        await asyncio.wait_for(got_video.wait(), 20)
        assert await sinks[0].wait_frames(10, 20) >= 10
        yield Loopback(video, sinks[0], video_tap, audio_tap, audio_count)
    finally:
        for sink in sinks:
            await sink.stop()
        video.stop()
        audio.stop()
        await sender.close()
        await receiver.close()
        for task in drains:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


async def record(call: Loopback, path: Path, frames: int) -> RecordingResult:
    recorder = CallRecorder(path, fps=FPS, name="test-recorder")
    recorder.start()
    call.video_tap.add(recorder.video)
    call.audio_tap.add(recorder.audio)
    start = call.sink.frames_received
    try:
        await call.sink.wait_frames(start + frames, 30)
    finally:
        call.video_tap.remove(recorder.video)
        call.audio_tap.remove(recorder.audio)
    return await asyncio.to_thread(recorder.finish)


def counters(path: Path) -> list[int | None]:
    """The barcode of every frame of the file, read from the luma plane."""
    out: list[int | None] = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            y = frame.to_ndarray(format="gray")
            out.append(peer.read_counter(y))
    return out


def test_records_three_seconds_of_a_real_call(tmp_path: Path) -> None:
    path = tmp_path / "rec" / "call.mp4"

    async def main() -> tuple[RecordingResult, int]:
        async with loopback_call() as call:
            before = call.audio_count[0]
            result = await record(call, path, 3 * FPS)
            return result, call.audio_count[0] - before

    result, audio_seen = asyncio.run(main())
    assert result.path == path and path.is_file()
    assert not list(path.parent.glob(".*part*")), "no part file is left behind"
    assert (result.width, result.height) == (640, 480)
    assert 2.5 <= result.duration_s <= 3.6, result
    assert audio_seen > 50 and result.audio_frames > 50, (audio_seen, result)
    with av.open(str(path)) as container:
        assert container.streams.video and container.streams.audio
        vs = container.streams.video[0]
        assert vs.codec_context.name == "h264"
        assert container.streams.audio[0].codec_context.name == "aac"
        duration = float(container.duration or 0) / av.time_base
        assert 2.5 <= duration <= 3.8, duration
    got = counters(path)
    assert len(got) >= 0.6 * 3 * FPS, len(got)
    read = [v for v in got if v is not None]
    assert len(read) >= 0.9 * len(got), got
    assert read == sorted(read) and len(set(read)) == len(read), read
    # The recording is a contiguous part of what was sent, frames in order.
    assert read[-1] - read[0] + 1 >= 0.9 * len(read)


def test_segments_are_separate_files(tmp_path: Path) -> None:
    async def main() -> list[RecordingResult]:
        async with loopback_call(320, 240) as call:
            first = await record(call, tmp_path / "a.mp4", 20)
            second = await record(call, tmp_path / "b.mp4", 20)
            return [first, second]

    first, second = asyncio.run(main())
    a, b = counters(first.path), counters(second.path)
    assert a and b
    assert max(v for v in a if v is not None) < min(v for v in b if v is not None)


class BlockedRecorder(CallRecorder):
    """A recorder whose encoder hangs until `release` is set (a stalled disk, say)."""

    def __init__(self, path: Path, **kw: Any) -> None:
        super().__init__(path, **kw)
        self.release = threading.Event()
        self.entered = threading.Event()

    def _write_video(self, writer: Any, frame: av.VideoFrame, offset_s: float) -> None:
        self.entered.set()
        self.release.wait(20)
        super()._write_video(writer, frame, offset_s)


def _frame(i: int) -> av.VideoFrame:
    buf = np.full((240 * 3 // 2, 320), 128, np.uint8)
    buf[:240] = 110
    peer.stamp_counter(buf[:240], i)
    return av.VideoFrame.from_ndarray(buf, format="yuv420p")


def test_full_hand_off_drops_and_counts_instead_of_growing(tmp_path: Path) -> None:
    recorder = BlockedRecorder(tmp_path / "blocked.mp4", queue_items=8, audio=False)
    recorder.start()
    try:
        recorder.video(_frame(0))
        assert recorder.entered.wait(10)  # the writer holds frame 0 and is stuck
        for i in range(1, 300):
            recorder.video(_frame(i))
            assert recorder.queued <= 8
        assert recorder.dropped_video == 299 - 8
    finally:
        recorder.release.set()
    result = recorder.finish()
    assert result.video_frames == 9 and result.dropped_video == 291
    got = counters(result.path)
    assert got == list(range(9))


def test_no_picture_means_no_file(tmp_path: Path) -> None:
    recorder = CallRecorder(tmp_path / "empty.mp4")
    recorder.start()
    with pytest.raises(NothingRecorded):
        recorder.finish()
    assert not list(tmp_path.iterdir())


class WatchedRecorder(CallRecorder):
    """Signals once the writer has written `after` pictures."""

    def __init__(self, path: Path, after: int, **kw: Any) -> None:
        super().__init__(path, **kw)
        self.after = after
        self.written = threading.Event()

    def _write_video(self, writer: Any, frame: av.VideoFrame, offset_s: float) -> None:
        super()._write_video(writer, frame, offset_s)
        if self.video_frames + 1 >= self.after:
            self.written.set()


def test_a_recording_cut_short_still_plays_up_to_its_last_keyframe(tmp_path: Path) -> None:
    """The console dying mid-recording leaves the part file: fragments make it playable."""
    recorder = WatchedRecorder(tmp_path / "cut.mp4", after=70, fps=FPS, audio=False)
    recorder.start()
    try:
        for i in range(70):
            recorder.video(_frame(i))
        assert recorder.written.wait(20)
        part = recorder._part
        got = counters(part)  # read while the writer still has the file open
        assert len(got) >= 2 * FPS and got == list(range(len(got))), got
    finally:
        recorder.finish()
