"""One camera's decoding: open, read, decode, scale to tile size, hand off, reconnect."""

from __future__ import annotations

import collections
import contextlib
import logging
import math
import random
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit
from urllib.request import url2pathname

import av
import cv2
import numpy as np
from av.container import InputContainer

from console.core.live_lag import LiveLag
from console.core.tile_health import (
    BACKOFF_BASE_S,
    BACKOFF_CAP_S,
    TileHealth,
    backoff_delay,
    classify,
)
from console.media.connection_gate import POLL_S as GATE_POLL_S
from console.media.connection_gate import ConnectionGate, shared_gate
from console.media.convert import AUTO, FrameConverter, use_single_threaded_opencv
from console.media.decode_turns import DecodeTurns, shared_turns
from console.media.frame_slot import Frame, LatestFrameSlot
from console.media.paced_pool import Job, PacedPool, Wait, shared_pool

log = logging.getLogger(__name__)

# Rolling window for the fps and bitrate shown on a tile.
RATE_WINDOW_S = 2.0
# A live source that delivers packets but no picture for this long is reopened.
STALL_REOPEN_S = 10.0
# A file source more than this far behind its own clock stops catching up and re-anchors.
RESYNC_AFTER_S = 1.0
# Late file frames are decoded (later frames need them) but not converted.
SKIP_LATE_AFTER_S = 0.2
# How often a paused file source looks at its target size again.
PAUSE_POLL_S = 0.05
# Frozen-picture check: frames are compared as 32x18 area-averaged thumbnails. Not
# exact equality: x264 keeps refining a still picture by a level or two per frame and
# every keyframe re-encodes it, so an encoded still never repeats bit for bit. Measured at
# tile sizes 160x90..480x270: a still clip's thumbnails move by at most 2 levels between
# frames, the demo street by 30 or more.
FREEZE_THUMB_SIZE = (32, 18)
FREEZE_TOLERANCE = 3
# Only every n-th delivered frame is compared (with the one compared before it); a frozen
# picture is still reported after the same number of frames, give or take n. Each check is
# a handful of small numpy and OpenCV calls, every one of which releases and retakes the
# GIL: on a 36-tile wall that hand-off churn cost more than the arithmetic.
FREEZE_CHECK_EVERY = 5


# Called on the decode thread with every video packet read, paused or not (the replay
# buffer keeps them). Must be quick and must not keep the thread: copy what it needs.
PacketListener = Callable[[av.Packet, av.video.stream.VideoStream], None]
# Called on the decode thread with each tile-size BGRA image before the tile gets it
# (privacy masks are painted here); returns the image to hand on (may be the same array).
FrameFilter = Callable[[np.ndarray], np.ndarray]


class StreamProblem(Exception):
    """A source problem described in words an operator understands."""


@dataclass(frozen=True, slots=True)
class DecoderStats:
    camera_code: str
    source: str  # the URL with any password hidden
    health: TileHealth
    running: bool
    connected: bool
    paused: bool
    fps: float  # frames handed to the tile per second, over the last RATE_WINDOW_S
    bitrate_kbps: float  # received video bitrate over the same window
    last_frame_age_s: float | None
    frames_decoded: int
    frames_delivered: int
    frames_skipped_late: int
    dropped: int  # overwritten in the slot before the tile took them
    connects: int  # connection attempts made, successful or not
    reconnects: int  # connection attempts after the first
    failed_attempts: int  # consecutive failures since the last good frame
    source_size: tuple[int, int] | None
    target_size: tuple[int, int]
    codec: str | None
    conversion: str | None
    last_error: str | None
    max_fps: float | None = None  # the cap on frames handed to the tile; None: no cap
    keyframes_only: bool = False
    frames_skipped_rate: int = 0  # decoded but not shown because of the cap or key frames
    # CPU time of the decode thread itself (time.thread_time), all of it and the part spent
    # converting and handing off; the rest is reading and decoding.
    cpu_s: float = 0.0
    deliver_cpu_s: float = 0.0
    # How far a live stream's reading is behind the camera; while catching up, only key
    # frames are decoded (the skipped ones count in frames_skipped_late).
    behind_s: float = 0.0
    catching_up: bool = False


def is_live_url(url: str) -> bool:
    """Network streams run at their own pace; files are paced and looped by us."""
    scheme = urlsplit(url).scheme.lower()
    return scheme not in ("", "file") and len(scheme) > 1  # "c:" is a Windows drive


def is_paced_file(url: str) -> bool:
    """A file we pace ourselves, whose reads never wait: a device node's reads do."""
    return not is_live_url(url) and not ffmpeg_source(url).startswith("/dev/")


def redact_url(url: str) -> str:
    """The URL with its password replaced, safe for logs, tooltips and error texts."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username}:***@{host}" if parts.username else f"***@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def ffmpeg_source(url: str) -> str:
    """What to hand to av.open: file:// URIs become plain paths.

    FFmpeg's file protocol only strips "file:"; it does not undo percent-encoding, so a
    `Path.as_uri()` of a directory with a space in its name would not be found.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() == "file":
        return url2pathname(parts.path) if parts.path else url
    return url


def open_options(url: str, read_timeout_s: float) -> dict[str, str]:
    """FFmpeg options for opening `url`.

    RTSP: interleaved TCP (UDP loses packets behind NATs and firewalls), low-delay decoding,
    and the socket timeout, which FFmpeg 5+ calls `timeout`, in microseconds (`stimeout` is
    gone and silently ignored). A tiny `probesize` because the SDP already describes the
    stream: measured against gst-rtsp-server on loopback, open took 1.13 s with default
    probing and 0.05 s with this. `fflags=nobuffer` is left out on purpose: it throws away
    the packets read while probing, which hold the first keyframe, so the first picture
    waited for the next keyframe (1.05 s here, a whole GOP on a camera); without it the
    first frame came at 0.05 s and steady latency was the same 45 ms.
    """
    scheme = urlsplit(url).scheme.lower()
    micros = str(int(read_timeout_s * 1_000_000))
    if scheme in ("rtsp", "rtsps"):
        return {
            "rtsp_transport": "tcp",
            "flags": "low_delay",
            "probesize": "32",
            "timeout": micros,
        }
    if is_live_url(url):
        # The generic protocol read/write timeout (http, tcp, rtmp...), also microseconds.
        return {"flags": "low_delay", "rw_timeout": micros}
    return {}


def is_auth_error(exc: BaseException) -> bool:
    if isinstance(exc, av.error.HTTPUnauthorizedError | av.error.HTTPForbiddenError):
        return True
    return isinstance(exc, av.FFmpegError) and "401" in str(getattr(exc, "strerror", ""))


def describe_error(exc: BaseException, url: str, waited_s: float | None = None) -> str:
    """A plain-words sentence for a failure, never containing the password."""
    shown = redact_url(url)
    parts = urlsplit(url)
    where = parts.hostname or shown
    if parts.port:
        where = f"{where}:{parts.port}"
    if isinstance(exc, StreamProblem):
        return str(exc)
    if isinstance(exc, av.error.HTTPUnauthorizedError) or is_auth_error(exc):
        if isinstance(exc, av.error.HTTPForbiddenError):
            return f"Access forbidden by {where} (403): this account may not view the stream."
        return f"Access denied by {where} (401): check the camera user name and password."
    if isinstance(exc, av.error.HTTPNotFoundError):
        return f"{where} has no stream at this address (404): check the stream path."
    if isinstance(exc, ConnectionRefusedError):
        return f"Connection refused by {where}: nothing is listening there."
    if isinstance(exc, FileNotFoundError):
        return f"File not found: {shown}."
    if isinstance(exc, TimeoutError | av.error.ExitError) or waited_s is not None:
        secs = f" within {waited_s:.1f} s" if waited_s is not None else ""
        return f"No answer from {where}{secs}: the camera or the network is silent."
    if isinstance(exc, av.error.InvalidDataError):
        return f"{shown} did not send a playable video stream (invalid data)."
    if isinstance(exc, OSError) and exc.strerror:
        return f"Network or file error with {where}: {exc.strerror}."
    text = str(exc).replace(url, shown) if url else str(exc)
    return f"Unexpected {type(exc).__name__}: {text}"


class CameraDecoder:
    """Decodes one camera into a LatestFrameSlot: a network or device source on its own
    named thread (FFmpeg's reads block), a paced file as steps on the shared PacedPool.

    The thread never dies of a source problem: every failure becomes `last_error` and a
    retry after a jittered backoff, except a refused login, which is not retried (repeated
    wrong passwords lock accounts on most cameras); restart the decoder after fixing it.
    A target size of 0x0 pauses: file sources stop reading, live sources keep reading
    packets (so the camera does not drop us) but skip decoding, and resume at a keyframe.
    Decoding and converting each take one of the process's decode turns (DecodeTurns), so
    that a big wall's threads do not crowd out the GUI thread; reading and waiting do not.
    """

    def __init__(
        self,
        camera_code: str,
        url: str,
        slot: LatestFrameSlot | None = None,
        *,
        target_size: tuple[int, int] = (0, 0),
        gate: ConnectionGate | None = None,
        turns: DecodeTurns | None = None,
        open_timeout_s: float = 5.0,
        read_timeout_s: float = 5.0,
        realtime: bool | None = None,
        loop: bool | None = None,
        conversion: str = AUTO,
        decode_threads: int = 1,
        backoff_base_s: float = BACKOFF_BASE_S,
        backoff_cap_s: float = BACKOFF_CAP_S,
        rng: random.Random | None = None,
        max_fps: float | None = None,
        keyframes_only: bool = False,
        pool: PacedPool | None = None,
        pooled: bool | None = None,
    ) -> None:
        self.camera_code = camera_code
        self.url = url
        self.slot = slot if slot is not None else LatestFrameSlot()
        self.live = is_live_url(url)
        self._realtime = (not self.live) if realtime is None else realtime
        self._loop = (not self.live) if loop is None else loop
        self._gate = gate if gate is not None else shared_gate()
        self._turns = turns if turns is not None else shared_turns()
        self._open_timeout_s = open_timeout_s
        self._read_timeout_s = read_timeout_s
        # One thread per camera already spreads a wall over all cores; codec threads on
        # top would oversubscribe them and frame threading adds a frame of latency each.
        self._decode_threads = decode_threads
        self._converter = FrameConverter(conversion)
        self._backoff = (backoff_base_s, backoff_cap_s)
        self._rng = rng if rng is not None else random.Random()

        self._stop = threading.Event()
        # Set by stop() and set_target_size() to cut short pacing and pause waits.
        self._wake = threading.Event()
        if pooled is None:
            pooled = self._realtime and is_paced_file(url)
        self._pool = (pool if pool is not None else shared_pool()) if pooled else None
        self._name = f"decode-{camera_code}"
        self._thread = (
            threading.Thread(target=self._run, name=self._name, daemon=False)
            if self._pool is None
            else None
        )
        self._job: Job | None = None
        self._ended = threading.Event()  # pooled: the steps have ended

        self._lock = threading.Lock()
        self._target = self._checked_size(target_size)
        self._running = False
        self._connected = False
        self._auth_failed = False
        self._started_at = time.monotonic()
        self._alive_at = self._started_at
        self._last_frame_at: float | None = None
        self._frames_this_connection = 0
        self._identical_run = 0
        self._last_thumb: np.ndarray | None = None  # decode thread only
        self._unchecked = 0  # frames delivered since the last freeze check (decode thread)
        self._frames_decoded = 0
        self._frames_delivered = 0
        self._frames_skipped_late = 0
        self._connects = 0
        self._failed_attempts = 0
        self._source_size: tuple[int, int] | None = None
        self._codec: str | None = None
        self._last_error: str | None = None
        self._frame_times: collections.deque[float] = collections.deque()
        self._packet_bytes: collections.deque[tuple[float, int]] = collections.deque()
        self._packet_listeners: tuple[PacketListener, ...] = ()
        self._frame_filter: FrameFilter | None = None
        self._max_fps = self._checked_fps(max_fps)
        self._keyframes_only = bool(keyframes_only)
        self._frames_skipped_rate = 0
        self._cpu_s = 0.0
        self._deliver_cpu_s = 0.0
        self._lag = LiveLag()  # decode thread only; the two below are its published view
        self._behind_s = 0.0
        self._catching_up = False

    # --- control (any thread) -------------------------------------------------------------

    def start(self) -> None:
        use_single_threaded_opencv()
        with self._lock:
            self._running = True
            self._started_at = self._alive_at = time.monotonic()
        if self._thread is not None:
            self._thread.start()
        else:
            assert self._pool is not None
            self._job = self._pool.add(self._pooled_steps(), self._ended.set, self._name)

    def stop(self) -> None:
        """Ask the decoder to end; returns at once. Blocking FFmpeg calls end within their
        timeout, so `join` may need up to max(open, read) timeout."""
        self._stop.set()
        self._wake.set()
        if self._pool is not None and self._job is not None:
            self._pool.wake(self._job, always=True)

    def join(self, timeout: float | None = None) -> bool:
        """True when the decoder has ended (or never started)."""
        if self._thread is None:
            if self._job is None:
                return True
            began = time.monotonic()
            if not self._ended.wait(timeout):
                return False
            # The last decoder out also waits for the pool's threads, which retire with
            # it: "joined" then means no thread is left running for these decoders.
            assert self._pool is not None
            left = None if timeout is None else max(0.0, timeout - (time.monotonic() - began))
            self._pool.join_retired(left)
            return True
        if self._thread.ident is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def is_alive(self) -> bool:
        if self._thread is None:
            return self._job is not None and not self._ended.is_set()
        return self._thread.is_alive()

    @property
    def pooled(self) -> bool:
        return self._pool is not None

    @property
    def thread_name(self) -> str:
        """Its thread's name; a pooled decoder's steps run on the pool's threads under it."""
        return self._name

    def add_packet_listener(self, listener: PacketListener) -> None:
        with self._lock:
            self._packet_listeners = (*self._packet_listeners, listener)

    def remove_packet_listener(self, listener: PacketListener) -> None:
        with self._lock:
            self._packet_listeners = tuple(x for x in self._packet_listeners if x is not listener)

    def set_frame_filter(self, frame_filter: FrameFilter | None) -> None:
        with self._lock:
            self._frame_filter = frame_filter

    @property
    def frame_filter(self) -> FrameFilter | None:
        with self._lock:
            return self._frame_filter

    def set_target_size(self, width: int, height: int) -> None:
        """Tile size in device pixels; 0x0 pauses (hidden tiles are not decoded)."""
        size = self._checked_size((width, height))
        with self._lock:
            self._target = size
        self._wake.set()
        if self._pool is not None and self._job is not None:
            self._pool.wake(self._job)

    @property
    def target_size(self) -> tuple[int, int]:
        with self._lock:
            return self._target

    def set_max_fps(self, fps: float | None) -> None:
        """Hand the tile at most `fps` frames a second (None: all). Frames beyond the cap are
        still decoded, since later frames refer to them, but never converted or handed off."""
        checked = self._checked_fps(fps)
        with self._lock:
            self._max_fps = checked

    @property
    def max_fps(self) -> float | None:
        with self._lock:
            return self._max_fps

    def set_keyframes_only(self, on: bool) -> None:
        """Decode key frames only (the codec skips the rest, so decoding really costs less).
        Turning it off resumes at the next key frame: the frames in between would refer to
        pictures that were never decoded."""
        with self._lock:
            self._keyframes_only = bool(on)

    @property
    def keyframes_only(self) -> bool:
        with self._lock:
            return self._keyframes_only

    def stats(self) -> DecoderStats:
        now = time.monotonic()
        with self._lock:
            self._trim_windows(now)
            fps = len(self._frame_times) / RATE_WINDOW_S
            kbps = sum(n for _, n in self._packet_bytes) * 8 / 1000 / RATE_WINDOW_S
            health = classify(
                connected=self._connected,
                had_frame=self._frames_this_connection > 0,
                seconds_without_frame=now - self._alive_at,
                identical_frames=self._identical_run,
                auth_failed=self._auth_failed,
                attempts=self._failed_attempts,
            )
            return DecoderStats(
                camera_code=self.camera_code,
                source=redact_url(self.url),
                health=health,
                running=self._running,
                connected=self._connected,
                paused=self._target == (0, 0),
                fps=fps,
                bitrate_kbps=kbps,
                last_frame_age_s=None if self._last_frame_at is None else now - self._last_frame_at,
                frames_decoded=self._frames_decoded,
                frames_delivered=self._frames_delivered,
                frames_skipped_late=self._frames_skipped_late,
                dropped=self.slot.dropped,
                connects=self._connects,
                reconnects=max(0, self._connects - 1),
                failed_attempts=self._failed_attempts,
                source_size=self._source_size,
                target_size=self._target,
                codec=self._codec,
                conversion=self._converter.last_path,
                last_error=self._last_error,
                max_fps=self._max_fps,
                keyframes_only=self._keyframes_only,
                frames_skipped_rate=self._frames_skipped_rate,
                cpu_s=self._cpu_s,
                deliver_cpu_s=self._deliver_cpu_s,
                behind_s=self._behind_s,
                catching_up=self._catching_up,
            )

    @staticmethod
    def _checked_fps(fps: float | None) -> float | None:
        if fps is None:
            return None
        value = float(fps)
        if not value > 0:  # also refuses NaN
            raise ValueError(f"a frame-rate cap must be positive or None, got {fps!r}")
        return value

    @staticmethod
    def _checked_size(size: tuple[int, int]) -> tuple[int, int]:
        w, h = int(size[0]), int(size[1])
        if w < 0 or h < 0 or (w == 0) != (h == 0):
            raise ValueError(f"target size must be WxH > 0 or 0x0 to pause, got {w}x{h}")
        return (w, h)

    # --- the decoding: steps that yield where they would wait ---------------------------------
    # The same steps run on the decoder's own thread (_run sleeps where they yield) or on the
    # shared PacedPool (which runs other decoders' steps meanwhile).

    def _run(self) -> None:
        for due, wakeable in self._steps():
            delay = due - time.monotonic()
            if delay <= 0:
                continue
            if wakeable:
                self._wake.wait(delay)
                self._wake.clear()
            else:
                self._stop.wait(None if delay == math.inf else delay)

    def _pooled_steps(self) -> Generator[Wait, None, None]:
        """The steps, with the CPU time each spends on a pool thread added to this decoder's."""
        steps = self._steps()
        spent = 0.0
        try:
            while True:
                began = time.thread_time()
                try:
                    wait = next(steps)
                except StopIteration:
                    return
                finally:
                    spent += time.thread_time() - began
                    with self._lock:
                        self._cpu_s = spent
                yield wait
        finally:
            steps.close()

    def _steps(self) -> Generator[Wait, None, None]:
        try:
            while not self._stop.is_set():
                if self._auth_failed:
                    yield (math.inf, False)  # until stopped
                    continue
                container = yield from self._connect()
                if container is None:
                    continue
                failure: Exception | None = None
                try:
                    yield from self._play(container)
                except Exception as exc:
                    failure = exc
                finally:
                    self._close(container)
                if failure is not None:
                    # After closing: a dead connection is not held open through the backoff.
                    yield from self._fail(failure)
        except GeneratorExit:  # the pool closing the steps: not an error
            raise
        except BaseException as exc:  # last resort: a bug must show on the tile, not vanish
            with self._lock:
                self._last_error = f"Decoder stopped by an internal error: {exc!r}"
            raise
        finally:
            with self._lock:
                self._running = False
                self._connected = False

    def _take_gate_slot(self) -> Generator[Wait, None, bool]:
        """A connection slot; False when stopped first. A pooled decoder polls for it, since
        waiting would hold one of the pool's few threads."""
        if self._pool is None:
            return self._gate.acquire(self._stop)
        while not self._gate.try_acquire():
            if self._stop.is_set():
                return False
            yield (time.monotonic() + GATE_POLL_S, False)
        return True

    def _connect(self) -> Generator[Wait, None, InputContainer | None]:
        failure: Exception | None = None
        waited = 0.0
        granted = yield from self._take_gate_slot()
        if not granted:
            return None
        try:
            with self._lock:
                self._connects += 1
            began = time.monotonic()
            try:
                container = av.open(
                    ffmpeg_source(self.url),
                    options=open_options(self.url, self._read_timeout_s),
                    timeout=(self._open_timeout_s, self._read_timeout_s),
                )
            except Exception as exc:
                failure, waited = exc, time.monotonic() - began
        finally:
            self._gate.release()
        if failure is not None:
            # Outside the gate: the backoff sleep must not hold a connection slot.
            yield from self._fail(failure, waited if waited >= self._open_timeout_s * 0.9 else None)
            return None
        self._lag.reset()
        with self._lock:
            self._connected = True
            self._frames_this_connection = 0
            self._behind_s, self._catching_up = 0.0, False
            # A fresh connection gets its own grace period before it counts as stale.
            self._alive_at = time.monotonic()
        return container

    def _fail(
        self, exc: BaseException, waited_s: float | None = None
    ) -> Generator[Wait, None, None]:
        auth = is_auth_error(exc)
        with self._lock:
            self._connected = False
            self._last_error = describe_error(exc, self.url, waited_s)
            if auth:
                self._auth_failed = True
                return
            self._failed_attempts += 1
            attempt = self._failed_attempts
        base, cap = self._backoff
        yield (time.monotonic() + backoff_delay(attempt, base, cap, self._rng), False)

    @staticmethod
    def _close(container: InputContainer) -> None:
        # A failing close of a dead stream changes nothing worth reporting.
        with contextlib.suppress(Exception):
            container.close()

    def _play(self, container: InputContainer) -> Generator[Wait, None, None]:
        if not container.streams.video:
            raise StreamProblem(f"{redact_url(self.url)} has no video stream.")
        stream = container.streams.video[0]
        codec = stream.codec_context
        codec.thread_count = self._decode_threads
        with self._lock:
            self._codec = codec.name
        packets = container.demux(stream)
        clock: tuple[float, float] | None = None  # (wall, pts) anchor for realtime pacing
        # Looped files keep counting: pts = stream time + loop_offset, always increasing.
        loop_offset = 0.0
        first_pts: float | None = None
        raw_pts: float | None = None
        last_pts = 0.0
        frame_step = 1.0 / float(stream.average_rate or 25)
        need_keyframe = False
        skipping_nonkey = False  # what the codec is set to, as opposed to what was asked
        next_shown_pts: float | None = None  # the frame-rate cap's next slot
        frame_waited = False  # whether this packet's frames waited for their time
        try:
            while not self._stop.is_set():
                paused = self.target_size == (0, 0)
                if paused and not self.live:
                    self._mark_alive()
                    yield (time.monotonic() + PAUSE_POLL_S, True)
                    clock = None
                    continue
                began = time.monotonic()
                try:
                    packet = next(packets)
                except StopIteration:
                    if not self._loop:
                        raise StreamProblem(f"{redact_url(self.url)} ended the stream.") from None
                    container.seek(0)
                    codec.flush_buffers()
                    packets = container.demux(stream)
                    # Continuous timestamps keep the pacing clock valid across the loop.
                    loop_offset = last_pts + frame_step - (first_pts or 0.0)
                    continue
                except Exception as exc:
                    waited = time.monotonic() - began
                    where = redact_url(self.url)
                    if waited >= self._read_timeout_s * 0.9:
                        raise StreamProblem(
                            f"No data from {where} for {waited:.1f} s: the camera or the "
                            "network went silent."
                        ) from exc
                    reason = getattr(exc, "strerror", None) or type(exc).__name__
                    if not self.live:
                        raise StreamProblem(f"Could not read {where} ({reason}).") from exc
                    # FFmpeg's RTSP demuxer reports a dropped connection as "invalid data";
                    # mid-stream, a broken connection is by far the likelier story.
                    raise StreamProblem(
                        f"Lost the stream from {where} ({reason}): the connection broke."
                    ) from exc
                now = time.monotonic()
                if packet.size:
                    with self._lock:
                        self._packet_bytes.append((now, packet.size))
                        listeners = self._packet_listeners
                    for listener in listeners:
                        try:
                            listener(packet, stream)
                        except Exception:  # a broken listener must not cost the picture
                            log.exception("packet listener failed on %s", self.camera_code)
                if self.live and self._falls_behind(packet, now):
                    # The backlog holds the past: skip to key frames until near live again
                    # (a key frame restarts decoding; see need_keyframe below).
                    need_keyframe = True
                    if not packet.is_keyframe:
                        with self._lock:
                            self._frames_skipped_late += 1
                        self._mark_alive()
                        self._note_cpu()
                        continue
                if paused:
                    # Keep the live connection drained; decoding resumes at a keyframe
                    # because the skipped packets were references for the ones after.
                    self._mark_alive()
                    need_keyframe = True
                    self._note_cpu()
                    continue
                with self._lock:
                    keyframes_only, max_fps = self._keyframes_only, self._max_fps
                if keyframes_only != skipping_nonkey:
                    skipping_nonkey = keyframes_only
                    codec.skip_frame = "NONKEY" if keyframes_only else "DEFAULT"
                    if not keyframes_only:
                        need_keyframe = True
                if need_keyframe:
                    if not packet.is_keyframe:
                        self._note_cpu()
                        continue
                    codec.flush_buffers()
                    need_keyframe = False
                if skipping_nonkey:
                    # Seconds between key frames are expected here, not a stall.
                    self._mark_alive()
                self._check_stall(now)
                with self._turns:
                    decoded = codec.decode(packet)
                for frame in decoded:
                    # RTSP streams can start with a frame without a timestamp: continue
                    # from the previous one so that pts never runs backwards.
                    raw = frame.time
                    if raw is None:
                        raw = 0.0 if raw_pts is None else raw_pts + frame_step
                    raw_pts = raw
                    if first_pts is None:
                        first_pts = raw
                    pts = raw + loop_offset
                    last_pts = pts
                    with self._lock:
                        self._frames_decoded += 1
                    if skipping_nonkey and not frame.key_frame:
                        shown = False  # a decoder that ignores skip_frame
                    elif max_fps is None or skipping_nonkey:
                        shown = True
                    else:
                        shown, next_shown_pts = self._rate_slot(
                            pts, next_shown_pts, 1.0 / max_fps, frame_step
                        )
                    if not shown:
                        with self._lock:
                            self._frames_skipped_rate += 1
                        continue
                    captured = now
                    if self._realtime:
                        clock, late, due = self._pace(clock, pts)
                        if due is not None:
                            frame_waited = True
                            yield (due, True)
                        captured = clock[0] + (pts - clock[1])
                        if late:
                            with self._lock:
                                self._frames_skipped_late += 1
                            continue
                    with self._turns:
                        self._deliver(frame, pts, captured)
                self._note_cpu()
                if not frame_waited:
                    # Running behind (or not paced): let a pool run the other decoders'
                    # due frames before this one reads on, as a wait would have.
                    yield (0.0, True)
                frame_waited = False
        finally:
            # Closing the demux generator runs its cleanup, which disarms PyAV's read
            # timeout before the container is closed (PyAV types it as a plain Iterator).
            close = getattr(packets, "close", None)
            if close is not None:
                close()

    @staticmethod
    def _rate_slot(
        pts: float, next_pts: float | None, interval: float, frame_step: float
    ) -> tuple[bool, float | None]:
        """Whether a frame fits the frame-rate cap, and the cap's next slot.

        Slots advance by the interval from the first shown frame, so 25 fps capped at
        6.25 shows every fourth frame evenly; half a frame of slack absorbs pts jitter. A
        jump (a pause, a reconnect) starts the slots afresh.
        """
        if next_pts is None or pts >= next_pts + interval or pts < next_pts - 2 * interval:
            return True, pts + interval
        if pts < next_pts - frame_step / 2:
            return False, next_pts
        return True, next_pts + interval

    def _note_cpu(self) -> None:
        """Record the decode thread's CPU time so far. A pooled decoder's is recorded after
        each of its steps instead (_pooled_steps): a step is one frame."""
        if self._pool is not None:
            return
        spent = time.thread_time()
        with self._lock:
            self._cpu_s = spent

    @staticmethod
    def _pace(
        clock: tuple[float, float] | None, pts: float
    ) -> tuple[tuple[float, float], bool, float | None]:
        """The pacing anchor, whether the frame is late, and when it is due if that is
        still ahead (the caller waits until then, or until woken: a size change or stop
        shows the frame a bit early)."""
        now = time.monotonic()
        if clock is None:
            return (now, pts), False, None
        due = clock[0] + (pts - clock[1])
        if due > now:
            return clock, False, due
        if now - due > RESYNC_AFTER_S:
            return (now, pts), False, None
        return clock, now - due > SKIP_LATE_AFTER_S, None

    def _deliver(self, frame: av.VideoFrame, pts: float, captured_at: float) -> None:
        width, height = self.target_size
        if width == 0:
            return
        cpu_began = time.thread_time()
        image = self._converter.convert(frame, width, height)
        with self._lock:
            frame_filter = self._frame_filter
        if frame_filter is not None:
            image = frame_filter(image)
        self._unchecked += 1
        checked = self._last_thumb is None or self._unchecked >= FREEZE_CHECK_EVERY
        same = checked and self._looks_unchanged(image)
        counted, self._unchecked = (self._unchecked, 0) if checked else (0, self._unchecked)
        now = time.monotonic()
        with self._lock:
            if checked:
                self._identical_run = self._identical_run + counted if same else 0
            self._frames_delivered += 1
            seq = self._frames_delivered
            self._frames_this_connection += 1
            self._failed_attempts = 0
            self._last_frame_at = self._alive_at = now
            self._source_size = (frame.width, frame.height)
            self._frame_times.append(now)
            self._trim_windows(now)
        self.slot.put(Frame(image, width, height, pts, now, seq, captured_at))
        spent = time.thread_time() - cpu_began
        with self._lock:
            self._deliver_cpu_s += spent

    def _looks_unchanged(self, image: np.ndarray) -> bool:
        """Whether this frame looks like the previous one (decode thread only)."""
        # Green approximates luma; thinning to ~160 px wide first keeps the check near
        # 10-25 us per frame at any tile size (a full-size grey conversion cost 25-55 us).
        step = max(1, -(-image.shape[1] // 160))  # ceil: at most 160 samples wide
        green = np.ascontiguousarray(image[::step, ::step, 1])
        thumb = cv2.resize(green, FREEZE_THUMB_SIZE, interpolation=cv2.INTER_AREA)
        thumb = thumb.astype(np.int16)
        previous, self._last_thumb = self._last_thumb, thumb
        return previous is not None and int(np.abs(thumb - previous).max()) <= FREEZE_TOLERANCE

    def _falls_behind(self, packet: av.Packet, now: float) -> bool:
        """Whether reading is too far behind the camera to decode every frame (decode thread)."""
        stamp = packet.dts if packet.dts is not None else packet.pts
        if stamp is None or packet.time_base is None:
            return self._lag.catching_up
        behind = self._lag.update(now, float(stamp * packet.time_base))
        catching_up = self._lag.catching_up
        with self._lock:
            changed = catching_up != self._catching_up
            self._behind_s, self._catching_up = behind, catching_up
        if changed:
            log.info(
                "%s: %s (%.1f s behind the camera)",
                self.camera_code,
                "catching up on key frames" if catching_up else "back to every frame",
                behind,
            )
        return catching_up

    def _mark_alive(self) -> None:
        with self._lock:
            self._alive_at = time.monotonic()

    def _check_stall(self, now: float) -> None:
        if not self.live:
            return
        with self._lock:
            since = now - self._alive_at
        if since > STALL_REOPEN_S:
            raise StreamProblem(
                f"{redact_url(self.url)} sends data but no picture for {since:.0f} s; reopening."
            )

    def _trim_windows(self, now: float) -> None:
        horizon = now - RATE_WINDOW_S
        while self._frame_times and self._frame_times[0] < horizon:
            self._frame_times.popleft()
        while self._packet_bytes and self._packet_bytes[0][0] < horizon:
            self._packet_bytes.popleft()
