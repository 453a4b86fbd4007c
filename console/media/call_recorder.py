"""Records a call's remote video and audio into an MP4 (H.264 + AAC) on its own named thread.

The event loop only hands decoded frames over: `video()` and `audio()` are FrameTap
listeners (see `console.media.peer`) that put the frame into a bounded queue and return.
When the queue is full the frame is dropped and counted; the loop never waits for the
encoder and the queue never grows. Timestamps come from the arrival time on the loop, so a
dropped or late frame shows as a longer frame, never as drift between picture and sound.

One recorder is one file: a call recorded in several segments gets one recorder each. The
MP4 is fragmented at keyframes, so even the part file of a console that died mid-recording
plays up to its last keyframe.
"""

from __future__ import annotations

import contextlib
import fractions
import logging
import os
import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import av
from av.video.stream import VideoStream

from console.media.convert import reformat_privately

log = logging.getLogger(__name__)

VIDEO_CODEC = "libx264"
# ultrafast + zerolatency: the cheapest libx264 settings (no B-frames, no lookahead); the
# recording runs beside the call's own VP8 encoder and decoder on the same cores.
VIDEO_OPTIONS = {"preset": "ultrafast", "tune": "zerolatency", "crf": "26"}
FRAGMENT_FLAGS = "frag_keyframe+empty_moov+default_base_moof"
VIDEO_TICKS = 90_000  # the RTP video clock; fine enough for arrival-time stamps
AUDIO_CODEC = "aac"
AUDIO_RATE = 48_000
AUDIO_BITRATE = 64_000
# About one second of a 30 fps call with 50 audio packets a second.
DEFAULT_QUEUE_ITEMS = 80
FINISH_TIMEOUT_S = 30.0

_END = object()


class NothingRecorded(RuntimeError):
    """The recording ended before a single video frame arrived: there is no file."""


class RecorderFailed(RuntimeError):
    """The writer thread stopped on an error; the file (if any) is incomplete."""


@dataclass(frozen=True, slots=True)
class RecordingResult:
    path: Path
    started_at: float  # time.time() of the first recorded frame
    ended_at: float
    duration_s: float
    width: int
    height: int
    video_frames: int
    audio_frames: int
    dropped_video: int  # frames the full hand-off refused
    dropped_audio: int


class CallRecorder:
    """A call's remote frames into `path` (MP4). start() → feed video()/audio() → finish().

    `video` and `audio` run on the event loop and never block. `finish` blocks until the
    file is complete (run it off the loop); afterwards `path` holds a playable MP4.
    """

    def __init__(
        self,
        path: Path,
        *,
        fps: int = 30,
        audio: bool = True,
        queue_items: int = DEFAULT_QUEUE_ITEMS,
        name: str = "call-recorder",
    ) -> None:
        self.path = Path(path)
        self.fps = fps
        self.with_audio = audio
        self.name = name
        self.dropped_video = 0
        self.dropped_audio = 0
        self.video_frames = 0
        self.audio_frames = 0
        self.first_video_at: float | None = None  # monotonic, on the writer thread
        self._part = self.path.with_name(f".{self.path.stem}.part{self.path.suffix}")
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max(2, queue_items))
        self._accepting = False
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._wall_offset = time.time() - time.monotonic()
        self._last_at = 0.0
        self._size = (0, 0)

    # --- the event loop side -----------------------------------------------------------------

    def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._accepting = True
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    @property
    def queued(self) -> int:
        return self._queue.qsize()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def video(self, frame: av.VideoFrame) -> None:
        """FrameTap listener (loop): hand a decoded picture over, or count it dropped."""
        if not self._accepting:
            return
        try:
            self._queue.put_nowait((True, frame, time.monotonic()))
        except queue.Full:
            self.dropped_video += 1

    def audio(self, frame: av.AudioFrame) -> None:
        """FrameTap listener (loop): hand decoded sound over, or count it dropped."""
        if not self._accepting or not self.with_audio:
            return
        try:
            self._queue.put_nowait((False, frame, time.monotonic()))
        except queue.Full:
            self.dropped_audio += 1

    # --- finishing (blocking: call off the loop) ------------------------------------------

    def finish(self, timeout: float = FINISH_TIMEOUT_S) -> RecordingResult:
        """Stop taking frames, write what is queued, close the file; the result describes it.

        Raises NothingRecorded when no video frame ever arrived (no file is left), and
        RecorderFailed when the writer hit an error.
        """
        self._accepting = False
        thread = self._thread
        if thread is not None:
            deadline = time.monotonic() + timeout
            while thread.is_alive():
                try:
                    self._queue.put(_END, timeout=0.2)
                    break
                except queue.Full:
                    if time.monotonic() > deadline:
                        break
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                raise RecorderFailed(f"{self.name} did not finish within {timeout:.0f} s")
        if self._error is not None:
            with contextlib.suppress(OSError):
                self._part.unlink()
            raise RecorderFailed(f"recording failed: {self._error!r}") from self._error
        if self.first_video_at is None:
            with contextlib.suppress(OSError):
                self._part.unlink()
            raise NothingRecorded("no video frame arrived while recording")
        os.replace(self._part, self.path)
        started = self.first_video_at + self._wall_offset
        ended = self._last_at + self._wall_offset
        return RecordingResult(
            path=self.path,
            started_at=started,
            ended_at=ended,
            duration_s=max(0.0, ended - started),
            width=self._size[0],
            height=self._size[1],
            video_frames=self.video_frames,
            audio_frames=self.audio_frames,
            dropped_video=self.dropped_video,
            dropped_audio=self.dropped_audio,
        )

    def discard(self) -> None:
        """Stop and throw the file away (a refused or failed recording)."""
        with contextlib.suppress(NothingRecorded, RecorderFailed):
            self.finish()
        for p in (self.path, self._part):
            with contextlib.suppress(OSError):
                p.unlink()

    # --- the writer thread ----------------------------------------------------------------------

    def _run(self) -> None:
        writer: _Mp4Writer | None = None
        try:
            while True:
                item = self._queue.get()
                if item is _END:
                    break
                is_video, frame, at = item
                if writer is None:
                    if not is_video:
                        continue  # sound before the first picture has nothing to sit beside
                    writer = _Mp4Writer(self._part, frame, self.fps, self.with_audio)
                    self.first_video_at = at
                    self._size = (writer.width, writer.height)
                offset = at - (self.first_video_at or at)
                if is_video:
                    self._write_video(writer, frame, offset)
                    self.video_frames += 1
                else:
                    writer.audio(frame, offset)
                    self.audio_frames += 1
                self._last_at = max(self._last_at, at)
        except BaseException as exc:  # the error is reported by finish()
            log.exception("%s failed", self.name)
            self._error = exc
            self._accepting = False
            with contextlib.suppress(queue.Empty):
                while True:  # release the frames: nobody will write them
                    self._queue.get_nowait()
        finally:
            if writer is not None:
                try:
                    writer.close()
                except Exception as exc:
                    log.exception("%s could not close the file", self.name)
                    self._error = self._error or exc

    def _write_video(self, writer: _Mp4Writer, frame: av.VideoFrame, offset_s: float) -> None:
        writer.video(frame, offset_s)


class _Mp4Writer:
    """The container and its encoders; used by one writer thread only."""

    def __init__(self, path: Path, first: av.VideoFrame, fps: int, audio: bool) -> None:
        # 4:2:0 wants even sizes; a browser may send odd ones.
        self.width, self.height = first.width & ~1, first.height & ~1
        # Fragmented at each keyframe: if the console dies mid-recording, the part file
        # still plays up to the last keyframe (2 s at most) instead of not at all.
        # flush_packets: each fragment reaches the file at once, not when a 32 kB buffer fills.
        options = {"movflags": FRAGMENT_FLAGS, "flush_packets": "1"}
        self._container = av.open(str(path), "w", format="mp4", options=options)
        tb = fractions.Fraction(1, VIDEO_TICKS)
        vs = cast(
            VideoStream,
            self._container.add_stream(VIDEO_CODEC, rate=fps, options=dict(VIDEO_OPTIONS)),
        )
        vs.width, vs.height = self.width, self.height
        vs.pix_fmt = "yuv420p"
        vs.time_base = tb
        vs.codec_context.time_base = tb
        vs.codec_context.gop_size = fps * 2  # a keyframe every 2 s: seekable evidence
        # One thread: the call's own codecs need the other cores more than we do.
        vs.codec_context.thread_count = 1
        self._video = vs
        self._last_pts = -1
        self._audio: Any = None
        self._next_sample = 0
        if audio:
            aus: Any = self._container.add_stream(AUDIO_CODEC, rate=AUDIO_RATE)
            aus.layout = "mono"
            aus.bit_rate = AUDIO_BITRATE
            self._audio = aus
            self._resampler = av.AudioResampler(format="fltp", layout="mono", rate=AUDIO_RATE)

    def video(self, frame: av.VideoFrame, offset_s: float) -> None:
        pts = max(self._last_pts + 1, round(offset_s * VIDEO_TICKS))
        self._last_pts = pts
        if (frame.width, frame.height) != (self.width, self.height) or (
            frame.format.name != "yuv420p"
        ):
            frame = reformat_privately(
                frame, width=self.width, height=self.height, format="yuv420p"
            )
        # The frame is shared with the display sink, which took its own timestamp on the loop.
        frame.pts = pts
        frame.time_base = self._video.codec_context.time_base
        frame.pict_type = av.video.frame.PictureType.NONE
        self._container.mux(self._video.encode(frame))

    def audio(self, frame: av.AudioFrame, offset_s: float) -> None:
        if self._audio is None:
            return
        # Contiguous sample counts, except that a gap (lost packets, a drop) longer than
        # 100 ms moves the sound forward to its arrival time so it stays with the picture.
        arrived = round(offset_s * AUDIO_RATE) - frame.samples
        if arrived > self._next_sample + AUDIO_RATE // 10:
            self._next_sample = arrived
        for out in self._resampler.resample(frame):
            out.pts = self._next_sample
            out.time_base = fractions.Fraction(1, AUDIO_RATE)
            self._next_sample += out.samples
            self._container.mux(self._audio.encode(out))

    def close(self) -> None:
        try:
            self._container.mux(self._video.encode(None))
            if self._audio is not None:
                for out in self._resampler.resample(None):
                    out.pts = self._next_sample
                    self._next_sample += out.samples
                    self._container.mux(self._audio.encode(out))
                self._container.mux(self._audio.encode(None))
        finally:
            self._container.close()
