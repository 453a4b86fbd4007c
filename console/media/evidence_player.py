"""Plays one evidence file on its own named thread: play/pause, accurate seek, frame step, speed.

The evidence timeline shows recordings (MP4 from our recorders) and snapshots (JPEG, shown
as a still). The thread owns the container; the GUI sends commands and paints whatever
the one-slot hand-off holds, so a slow painter never slows the decoder and vice versa.

Seeking is accurate: FFmpeg jumps to the key frame at or before the target, then frames
are decoded and dropped until the one showing the target time. Stepping back is a seek
to the previous frame's time. Playback follows the wall clock times the speed factor;
frames that are already late are decoded (the next ones need them) but not converted.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import av
import numpy as np

from console.media.convert import ndarray_privately
from console.media.frame_slot import Frame, LatestFrameSlot

log = logging.getLogger(__name__)

MIN_SPEED = 0.25
MAX_SPEED = 4.0
STILL_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp"})
MAX_COMMANDS = 32
"""Commands waiting for the thread; beyond this the oldest is dropped and counted."""
IDLE_WAIT_S = 0.5


@dataclass(frozen=True, slots=True)
class PlayerState:
    """What the controls show; a snapshot taken under the player's lock."""

    position_ms: int  # of the frame in the slot
    duration_ms: int  # 0 for a still
    fps: float  # 0 for a still
    playing: bool
    speed: float
    ended: bool
    still: bool
    opened: bool
    error: str  # Chinese, for the operator; empty when fine
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class _Seek:
    ms: int


@dataclass(frozen=True, slots=True)
class _Step:
    frames: int  # +1 or -1


@dataclass(frozen=True, slots=True)
class _Play:
    on: bool


@dataclass(frozen=True, slots=True)
class _Speed:
    factor: float


_Command = _Seek | _Step | _Play | _Speed


class EvidencePlayer:
    """One file, one thread named `evidence-player-<name>`, one LatestFrameSlot.

    Frames are BGRA (QImage.Format_RGB32 on little-endian), scaled down to `max_width`.
    Starts paused on the first frame.
    """

    def __init__(self, path: Path, *, name: str = "", max_width: int = 1920) -> None:
        self.path = Path(path)
        self.slot = LatestFrameSlot()
        self._max_width = max_width
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._commands: list[_Command] = []
        self.dropped_commands = 0
        self._state = PlayerState(0, 0, 0.0, False, 1.0, False, False, False, "", 0, 0)
        self._seq = 0
        self.frames_skipped = 0  # decoded but late while playing, so never converted
        self._thread = threading.Thread(
            target=self._run, name=f"evidence-player-{name or self.path.stem}", daemon=True
        )

    # --- control (any thread) -----------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Ask the thread to end; returns at once."""
        self._stop.set()
        self._wake.set()

    def join(self, timeout: float | None = None) -> bool:
        if self._thread.ident is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def close(self, timeout: float = 5.0) -> bool:
        self.stop()
        return self.join(timeout)

    @property
    def thread_name(self) -> str:
        return self._thread.name

    @property
    def state(self) -> PlayerState:
        with self._lock:
            return self._state

    def play(self) -> None:
        self._send(_Play(True))

    def pause(self) -> None:
        self._send(_Play(False))

    def seek(self, ms: int) -> None:
        self._send(_Seek(max(0, int(ms))))

    def step(self, frames: int = 1) -> None:
        """One frame forward (+1) or back (-1); pauses playback."""
        self._send(_Step(1 if frames > 0 else -1))

    def set_speed(self, factor: float) -> None:
        self._send(_Speed(min(MAX_SPEED, max(MIN_SPEED, float(factor)))))

    def _send(self, command: _Command) -> None:
        with self._lock:
            if isinstance(command, _Seek):
                # Only the newest seek matters: a dragged slider sends dozens.
                self._commands = [c for c in self._commands if not isinstance(c, _Seek)]
            self._commands.append(command)
            if len(self._commands) > MAX_COMMANDS:
                del self._commands[0]
                self.dropped_commands += 1
        self._wake.set()

    def _take_commands(self) -> list[_Command]:
        with self._lock:
            taken, self._commands = self._commands, []
        return taken

    def _update(self, **changes: Any) -> None:
        with self._lock:
            self._state = _replace(self._state, **changes)

    # --- the thread -----------------------------------------------------------------------

    def _run(self) -> None:
        try:
            if self.path.suffix.lower() in STILL_SUFFIXES:
                self._run_still()
            else:
                self._run_video()
        except Exception as exc:  # reported to the operator, never a silent black picture
            reason = _reason(self.path, exc)
            log.warning(
                "evidence player for %s: %s", self.path, reason, exc_info=self.path.exists()
            )
            self._update(error=reason, playing=False)

    def _run_still(self) -> None:
        with av.open(str(self.path)) as container:
            frame = next(container.decode(video=0))
            self._update(still=True, opened=True)
            self._deliver(frame, 0.0)
        while not self._stop.is_set():
            self._take_commands()  # nothing moves in a still
            self._wake.wait(IDLE_WAIT_S)
            self._wake.clear()

    def _run_video(self) -> None:
        with av.open(str(self.path)) as container:
            if not container.streams.video:
                raise ValueError("no video stream")
            video = _Video(container)
            self._update(
                duration_ms=video.duration_ms,
                fps=video.fps,
                opened=True,
            )
            current = video.seek(0.0)
            if current is None:
                raise ValueError("no picture")
            self._deliver(current.frame, current.t)
            playing = False
            speed = 1.0
            anchor: tuple[float, float] | None = None  # (monotonic, media seconds)
            pending = None  # the next frame while playing, decoded ahead of its time
            while not self._stop.is_set():
                commands = self._take_commands()
                if commands and pending is not None:
                    video.unread(pending)  # decoded ahead but not shown: still the next one
                    pending = None
                for cmd in commands:
                    if isinstance(cmd, _Play):
                        playing = cmd.on
                        if playing and video.at_end(current.t):
                            current = video.seek(0.0) or current
                            self._deliver(current.frame, current.t)
                        anchor, pending = None, None
                    elif isinstance(cmd, _Speed):
                        speed, anchor = cmd.factor, None
                    elif isinstance(cmd, _Seek):
                        found = video.seek(cmd.ms / 1000.0)
                        if found is not None:
                            current = found
                            self._deliver(current.frame, current.t)
                        anchor, pending = None, None
                    else:
                        playing, anchor, pending = False, None, None
                        nxt = video.next() if cmd.frames > 0 else video.previous(current.t)
                        if nxt is not None:
                            current = nxt
                            self._deliver(current.frame, current.t)
                self._update(playing=playing, speed=speed, ended=video.ended)
                if not playing:
                    if self.state.position_ms != round(current.t * 1000):
                        self._deliver(current.frame, current.t)  # paused on a skipped frame
                    self._wake.wait(IDLE_WAIT_S)
                    self._wake.clear()
                    continue
                if pending is None:
                    pending = video.next()
                    if pending is None:
                        playing = False
                        if self.state.position_ms != round(current.t * 1000):
                            self._deliver(current.frame, current.t)  # the skipped last one
                        self._update(playing=False, ended=True)
                        continue
                if anchor is None:
                    anchor = (time.monotonic(), current.t)
                due = anchor[0] + (pending.t - anchor[1]) / speed
                wait = due - time.monotonic()
                if wait > 0 and self._wake.wait(wait):
                    self._wake.clear()
                    continue  # a command came first; the frame stays pending
                current, pending = pending, None
                if -wait <= video.frame_s / speed:
                    self._deliver(current.frame, current.t)
                else:
                    self.frames_skipped += 1  # late: the next frame is due already

    def _deliver(self, frame: Any, t: float) -> None:
        w, h = frame.width, frame.height
        if w > self._max_width:
            h = max(2, round(h * self._max_width / w) // 2 * 2)
            w = self._max_width
        image = np.ascontiguousarray(ndarray_privately(frame, width=w, height=h, format="bgra"))
        self._seq += 1
        now = time.monotonic()
        self.slot.put(Frame(image, w, h, t, now, self._seq, now))
        self._update(position_ms=round(t * 1000), width=w, height=h)


@dataclass(frozen=True, slots=True)
class _At:
    frame: Any  # av.VideoFrame
    t: float  # seconds from the first frame


class _Video:
    """Decoding with positions measured from the first frame (decode thread only)."""

    def __init__(self, container: Any) -> None:
        self.container = container
        self.stream = container.streams.video[0]
        self.stream.codec_context.thread_count = 1
        rate = self.stream.average_rate or self.stream.guessed_rate or 25
        self.fps = float(rate)
        self.frame_s = 1.0 / self.fps
        self.tb = float(self.stream.time_base)
        self.start_pts = int(self.stream.start_time or 0)
        if self.stream.duration:
            duration_s = self.stream.duration * self.tb
        elif container.duration:
            duration_s = container.duration / 1_000_000
        else:
            duration_s = 0.0
        # The last frame starts one frame before the end: positions run 0..last frame.
        self.duration_ms = max(0, round((duration_s - self.frame_s) * 1000))
        self.ended = False
        self._frames: Iterator[Any] = iter(())

    def _decode(self) -> Iterator[Any]:
        for packet in self.container.demux(self.stream):
            for frame in packet.decode():
                if frame.pts is not None:
                    yield frame

    def _t(self, frame: Any) -> float:
        return (frame.pts - self.start_pts) * self.tb

    def at_end(self, t: float) -> bool:
        return self.ended or t * 1000 >= self.duration_ms

    def next(self) -> _At | None:
        frame = next(self._frames, None)
        if frame is None:
            self.ended = True
            return None
        return _At(frame, self._t(frame))

    def unread(self, at: _At) -> None:
        self._frames = _prepend(at.frame, self._frames)

    def seek(self, target_s: float) -> _At | None:
        """The frame showing `target_s`: the last one starting at or before it (half a frame
        of tolerance for rounding); the last frame of the file for a target past its end."""
        target_s = max(0.0, target_s)
        pts = self.start_pts + int(target_s / self.tb)
        self.container.seek(pts, stream=self.stream, backward=True, any_frame=False)
        self._frames = self._decode()
        self.ended = False
        best: _At | None = None
        for frame in self._frames:
            t = self._t(frame)
            if t > target_s + self.frame_s / 2 and best is not None:
                # One too far: `best` is the target, `frame` must be shown next.
                self._frames = _prepend(frame, self._frames)
                return best
            best = _At(frame, t)
            if abs(t - target_s) <= self.frame_s / 2:
                return best
        self.ended = True
        return best

    def previous(self, t: float) -> _At | None:
        """The last frame starting before `t`, found without trusting the nominal frame
        rate (recordings of calls have variable rates); None before the first frame."""
        back = self.frame_s
        while t > 1e-6:
            start = max(0.0, t - back)
            self.container.seek(
                self.start_pts + int(start / self.tb),
                stream=self.stream,
                backward=True,
                any_frame=False,
            )
            frames = self._decode()
            best: _At | None = None
            for frame in frames:
                ft = self._t(frame)
                if ft >= t - 1e-6:
                    self._frames = _prepend(frame, frames)
                    break
                best = _At(frame, ft)
            else:
                self._frames = iter(())
            if best is not None:
                self.ended = False
                return best
            if start == 0.0:
                break
            back *= 4  # the key frame found lies at or after `t`: look further back
        self.seek(t)  # nothing earlier: stay where we are
        return None


def _prepend(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest


def _replace(state: PlayerState, **changes: Any) -> PlayerState:
    return replace(state, **changes)


def _reason(path: Path, exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError) or not path.exists():
        return f"文件不存在：{path.name}"
    if isinstance(exc, (av.FFmpegError, ValueError, StopIteration)):
        return f"无法解码：{path.name}（文件损坏或格式不支持）"
    return f"播放失败：{path.name}（{type(exc).__name__}）"
