"""aiortc helpers: a configured peer connection, generated test tracks and a remote-video sink."""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import aioice.ice
import av
import ifaddr
import numpy as np
from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCIceCandidate,
    RTCIceServer,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.contrib.media import MediaStreamError
from aiortc.sdp import candidate_from_sdp

from console.media.convert import ndarray_privately
from console.media.frame_slot import Frame, LatestFrameSlot

log = logging.getLogger(__name__)

VIDEO_CLOCK = 90_000
AUDIO_RATE = 48_000
AUDIO_PTIME_S = 0.020
COUNTER_BITS = 16
_BAND_DIV = 8  # the barcode strip is 1/8 of the picture height, as in media.clips
_Y_WHITE, _Y_BLACK, _Y_GREY = 235, 16, 110


def make_peer_connection(ice_servers: Sequence[dict[str, Any]] | None = None) -> RTCPeerConnection:
    """A peer connection with an explicit ICE server list (empty by default).

    aiortc falls back to Google's public STUN server when no configuration is given; a
    government console must never contact outside hosts, so a configuration is always passed.
    Each entry is a browser-style dict: {"urls": ..., "username": ..., "credential": ...}.
    """
    servers = [
        RTCIceServer(
            urls=entry["urls"],
            username=entry.get("username"),
            credential=entry.get("credential"),
        )
        for entry in ice_servers or []
    ]
    return RTCPeerConnection(RTCConfiguration(iceServers=servers))


# --- ICE interface allow-list ---------------------------------------------------------------

_original_get_host_addresses = aioice.ice.get_host_addresses
_allow_lock = threading.Lock()


def set_ice_interfaces(names: Sequence[str] | None) -> None:
    """Gather host candidates only from these network interfaces; None restores the default.

    aiortc has no option for this, and aioice reads addresses from one module-level function,
    so this replaces that function for the whole process (centres keep video and office
    networks apart; one console process serves one policy). Naming "lo" also offers loopback
    addresses, which aioice otherwise never gathers: that is what lets tests keep ICE inside
    a network namespace that has only `lo`.
    """
    with _allow_lock:
        if names is None:
            aioice.ice.get_host_addresses = _original_get_host_addresses
            return
        allowed = frozenset(names)

        def get_host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
            addresses: list[str] = []
            for adapter in ifaddr.get_adapters():
                if adapter.nice_name not in allowed and adapter.name not in allowed:
                    continue
                for ip in adapter.ips:
                    if isinstance(ip.ip, str):
                        if use_ipv4:
                            addresses.append(ip.ip)
                    # Link-local v6 needs a scope id that aioice cannot carry.
                    elif (
                        use_ipv6
                        and ip.ip[2] == 0
                        and ip.ip[0] != "::1"
                        and not ip.ip[0].startswith("fe80")
                    ):
                        addresses.append(ip.ip[0])
            return addresses

        aioice.ice.get_host_addresses = get_host_addresses


def ice_candidate_from_browser(
    candidate: str, sdp_mid: str | None, sdp_mline_index: int | None
) -> RTCIceCandidate | None:
    """A browser's trickled candidate line as aiortc's object; None means end of candidates."""
    text = candidate.strip()
    if not text:
        return None
    if text.startswith("candidate:"):
        text = text[len("candidate:") :]
    parsed = candidate_from_sdp(text)
    parsed.sdpMid = sdp_mid
    parsed.sdpMLineIndex = sdp_mline_index
    return parsed


async def create_offer(pc: RTCPeerConnection) -> str:
    """Our complete offer SDP (aiortc gathers all candidates before returning)."""
    await pc.setLocalDescription(await pc.createOffer())
    return str(pc.localDescription.sdp)


async def answer_offer(pc: RTCPeerConnection, sdp: str) -> str:
    """Apply the remote offer and return our complete answer SDP."""
    await pc.setRemoteDescription(RTCSessionDescription(sdp, "offer"))
    await pc.setLocalDescription(await pc.createAnswer())
    return str(pc.localDescription.sdp)


async def accept_answer(pc: RTCPeerConnection, sdp: str) -> None:
    await pc.setRemoteDescription(RTCSessionDescription(sdp, "answer"))


async def add_remote_candidate(
    pc: RTCPeerConnection, candidate: str, sdp_mid: str | None, sdp_mline_index: int | None
) -> None:
    """Add a trickled candidate (an empty string means end of candidates)."""
    await pc.addIceCandidate(ice_candidate_from_browser(candidate, sdp_mid, sdp_mline_index))


def local_candidate_addresses(pc: RTCPeerConnection) -> set[str]:
    """The addresses of our gathered ICE candidates (to prove where media may flow)."""
    found: set[str] = set()
    for transceiver in pc.getTransceivers():
        gatherer = transceiver.receiver.transport.transport.iceGatherer
        found.update(c.ip for c in gatherer.getLocalCandidates())
    return found


# --- generated tracks -----------------------------------------------------------------------


def stamp_counter(y_plane: np.ndarray, value: int) -> None:
    """Draw `value` as a 16-bit black/white barcode across the top of a luma plane."""
    h, w = y_plane.shape
    band = max(2, h // _BAND_DIV)
    for bit in range(COUNTER_BITS):
        on = (value >> (COUNTER_BITS - 1 - bit)) & 1
        x0, x1 = bit * w // COUNTER_BITS, (bit + 1) * w // COUNTER_BITS
        y_plane[:band, x0:x1] = _Y_WHITE if on else _Y_BLACK


def read_counter(image: np.ndarray) -> int | None:
    """The barcode value from a luma plane (2-D) or a BGR/BGRA picture; None if unreadable."""
    h, w = image.shape[:2]
    row = image[max(0, h // (_BAND_DIV * 2))]
    cell = w / COUNTER_BITS
    value = 0
    for bit in range(COUNTER_BITS):
        x = min(w - 1, int((bit + 0.5) * cell))
        px = row[x]
        level = int(px) if image.ndim == 2 else int(np.asarray(px[:3]).mean())
        if 80 < level < 175:  # neither black nor white: not our strip
            return None
        if level >= 128:
            value |= 1 << (COUNTER_BITS - 1 - bit)
    return value


class GeneratedVideoTrack(MediaStreamTrack):
    """Synthetic camera: grey picture, a moving box and the frame number as a barcode.

    Frames are built directly in I420 (the encoder's format) so generation costs almost
    nothing next to VP8. `sent_at[n]` is the monotonic time frame n left this track: with
    the barcode read back at the receiver it gives glass-to-glass latency.
    """

    kind = "video"

    def __init__(self, width: int = 640, height: int = 480, fps: int = 30) -> None:
        super().__init__()
        if width % 2 or height % 2:
            raise ValueError("size must be even")
        self.width, self.height, self.fps = width, height, fps
        self.frames_sent = 0
        self.sent_at: dict[int, float] = {}
        self._start: float | None = None
        self._base = np.full((height * 3 // 2, width), 128, np.uint8)
        self._base[:height] = _Y_GREY

    async def recv(self) -> av.VideoFrame:
        if self.readyState != "live":
            raise MediaStreamError
        n = self.frames_sent
        now = time.monotonic()
        if self._start is None:
            self._start = now
        due = self._start + n / self.fps
        if due > now:
            await asyncio.sleep(due - now)
        buf = self._base.copy()
        y = buf[: self.height]
        box = max(8, self.height // 8)
        x = (n * 6) % max(1, self.width - box)
        y[self.height // 2 : self.height // 2 + box, x : x + box] = 200
        value = n % (1 << COUNTER_BITS)
        stamp_counter(y, value)
        frame = av.VideoFrame.from_ndarray(buf, format="yuv420p")
        frame.pts = int(n * VIDEO_CLOCK / self.fps)
        frame.time_base = fractions.Fraction(1, VIDEO_CLOCK)
        self.sent_at[value] = time.monotonic()
        if len(self.sent_at) > 4096:  # keep the map small over long calls
            self.sent_at.pop(next(iter(self.sent_at)))
        self.frames_sent += 1
        return frame


class GeneratedAudioTrack(MediaStreamTrack):
    """A 440 Hz tone (or silence), 20 ms mono s16 frames at 48 kHz, paced in real time."""

    kind = "audio"

    def __init__(self, tone_hz: float | None = 440.0, level: float = 0.1) -> None:
        super().__init__()
        self._samples = int(AUDIO_RATE * AUDIO_PTIME_S)
        self._tone_hz, self._level = tone_hz, level
        self._sent = 0
        self._start: float | None = None

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        now = time.monotonic()
        if self._start is None:
            self._start = now
        due = self._start + self._sent * AUDIO_PTIME_S
        if due > now:
            await asyncio.sleep(due - now)
        first = self._sent * self._samples
        if self._tone_hz:
            t = (np.arange(self._samples) + first) / AUDIO_RATE
            pcm = (np.sin(2 * np.pi * self._tone_hz * t) * self._level * 32767).astype(np.int16)
        else:
            pcm = np.zeros(self._samples, np.int16)
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = AUDIO_RATE
        frame.pts = first
        frame.time_base = fractions.Fraction(1, AUDIO_RATE)
        self._sent += 1
        return frame


# --- outgoing: what the officer sends (live, muted or held) -----------------------------------

# The holding card: a dark blue picture with two white "pause" bars, in BT.601 I420 levels.
_CARD_YUV = (68, 168, 109)
_BLACK_YUV = (16, 128, 128)


def _i420(width: int, height: int, yuv: tuple[int, int, int]) -> np.ndarray:
    buf = np.empty((height * 3 // 2, width), np.uint8)
    buf[:height] = yuv[0]
    chroma = buf[height:].reshape(-1)
    quarter = (width // 2) * (height // 2)
    chroma[:quarter] = yuv[1]
    chroma[quarter:] = yuv[2]
    return buf


def holding_card(width: int, height: int) -> np.ndarray:
    """The picture a caller on hold sees from the officer: blue, two white pause bars."""
    buf = _i420(width, height, _CARD_YUV)
    y = buf[:height]
    bar_w, bar_h = max(2, width // 24), max(4, height // 4)
    top, cx = (height - bar_h) // 2, width // 2
    # Chroma planes at half resolution in both directions (4:2:0), neutral under the bars.
    u = buf[height : height + height // 4].reshape(height // 2, width // 2)
    v = buf[height + height // 4 :].reshape(height // 2, width // 2)
    for x0 in (cx - 2 * bar_w, cx + bar_w):
        y[top : top + bar_h, x0 : x0 + bar_w] = _Y_WHITE
        u[top // 2 : (top + bar_h) // 2, x0 // 2 : (x0 + bar_w) // 2] = 128
        v[top // 2 : (top + bar_h) // 2, x0 // 2 : (x0 + bar_w) // 2] = 128
    return buf


def looks_like_holding_card(image: np.ndarray) -> bool:
    """True if a BGR(A) picture shows the holding card (blue corners, not grey or black)."""
    h, w = image.shape[:2]
    patch = image[h * 3 // 4 : h * 7 // 8, w // 16 : w // 4, :3].reshape(-1, 3).mean(axis=0)
    blue, green, red = (float(c) for c in patch)
    return blue - red > 50 and blue - green > 30


def looks_black(image: np.ndarray) -> bool:
    """True if a BGR(A) picture is (nearly) black: a muted camera."""
    return float(image[..., :3].mean()) < 30


class SwitchableVideoTrack(MediaStreamTrack):
    """The officer's outgoing video: the source's frames, black while muted, a card while held.

    The track itself never changes (no renegotiation): it keeps pulling the source for its
    pacing and timestamps and replaces the picture. The camera's frames never leave the
    machine while muted or held. With `preview`, what is sent is also shown in that slot
    (converted on one named worker thread; a frame arriving while it is busy is skipped).
    """

    kind = "video"

    def __init__(
        self,
        source: MediaStreamTrack,
        *,
        preview: LatestFrameSlot | None = None,
        preview_size: tuple[int, int] = (320, 240),
    ) -> None:
        super().__init__()
        self.source = source
        self.muted = False
        self.held = False
        self.frames_sent = 0
        self.frames_replaced = 0
        self.last_sent_kind = ""
        """'live', 'black' or 'card': what the last frame sent showed."""
        self.preview = preview
        self._preview_size = preview_size
        self._pool: ThreadPoolExecutor | None = None
        self._busy = False
        self._pictures: dict[tuple[str, int, int], np.ndarray] = {}
        self._seq = 0

    def _picture(self, kind: str, width: int, height: int) -> np.ndarray:
        key = (kind, width, height)
        pic = self._pictures.get(key)
        if pic is None:
            card = kind == "card"
            pic = holding_card(width, height) if card else _i420(width, height, _BLACK_YUV)
            self._pictures[key] = pic
        return pic

    async def recv(self) -> av.VideoFrame:
        if self.readyState != "live":
            raise MediaStreamError
        frame: Any = await self.source.recv()
        kind = "card" if self.held else "black" if self.muted else "live"
        if kind != "live":
            w, h = frame.width - frame.width % 2, frame.height - frame.height % 2
            out = av.VideoFrame.from_ndarray(self._picture(kind, w, h), format="yuv420p")
            out.pts, out.time_base = frame.pts, frame.time_base
            frame = out
            self.frames_replaced += 1
        self.last_sent_kind = kind
        self.frames_sent += 1
        if self.preview is not None and not self._busy:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="local-preview")
            self._busy = True
            self._seq += 1
            self._pool.submit(self._show, frame, self._seq)
        return frame

    def _show(self, frame: av.VideoFrame, seq: int) -> None:
        try:
            w, h = self._preview_size
            image = ndarray_privately(frame, width=w, height=h, format="bgra")
            now = time.monotonic()
            assert self.preview is not None
            self.preview.put(Frame(image, w, h, 0.0, now, seq, captured_at=now))
        except Exception:
            log.exception("local preview conversion failed")
        finally:
            self._busy = False

    def stop(self) -> None:
        super().stop()
        self.source.stop()
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=True)  # at most one small conversion is in flight


class SwitchableAudioTrack(MediaStreamTrack):
    """The officer's outgoing audio: the source's samples, or silence while muted or held."""

    kind = "audio"

    def __init__(self, source: MediaStreamTrack) -> None:
        super().__init__()
        self.source = source
        self.muted = False
        self.held = False
        self.frames_silenced = 0

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        frame: Any = await self.source.recv()
        if not (self.muted or self.held):
            return frame
        silent = av.AudioFrame.from_ndarray(
            np.zeros_like(frame.to_ndarray()), format=frame.format.name, layout=frame.layout.name
        )
        silent.sample_rate = frame.sample_rate
        silent.pts, silent.time_base = frame.pts, frame.time_base
        self.frames_silenced += 1
        return silent

    def stop(self) -> None:
        super().stop()
        self.source.stop()


# --- receiving ------------------------------------------------------------------------------


class FrameTap:
    """Listeners of a remote track's decoded frames, called on the event loop for each frame.

    A listener must be cheap (hand the frame to a bounded queue, never encode or convert):
    it runs between two `recv()` calls of the track. One that raises is logged and removed.
    """

    def __init__(self) -> None:
        self._listeners: tuple[Callable[[Any], None], ...] = ()

    def add(self, listener: Callable[[Any], None]) -> None:
        if listener not in self._listeners:
            self._listeners = (*self._listeners, listener)

    def remove(self, listener: Callable[[Any], None]) -> None:
        self._listeners = tuple(x for x in self._listeners if x != listener)

    def __bool__(self) -> bool:
        return bool(self._listeners)

    def __call__(self, frame: Any) -> None:
        for listener in self._listeners:
            try:
                listener(frame)
            except Exception:
                log.exception("frame listener failed; removed")
                self.remove(listener)


class FrameSink:
    """Consumes a remote video track on the loop and hands BGRA frames to a LatestFrameSlot.

    Conversion runs on one named worker thread; while it is busy, newer frames are counted
    but not converted (the tile only ever wants the latest). `on_frame` runs on that worker
    with each converted Frame, e.g. to read a barcode back. `tap` listeners get every decoded
    av.VideoFrame on the loop, converted or not (a call recorder listens there).
    """

    def __init__(
        self,
        track: MediaStreamTrack,
        size: tuple[int, int] = (640, 360),
        *,
        slot: LatestFrameSlot | None = None,
        on_frame: Callable[[Frame], None] | None = None,
        name: str = "frame-sink",
        tap: FrameTap | None = None,
    ) -> None:
        self.track = track
        self.tap = tap if tap is not None else FrameTap()
        self.size = size
        self.slot = slot if slot is not None else LatestFrameSlot()
        self.on_frame = on_frame
        self.frames_received = 0
        self.frames_converted = 0
        self.first_frame_at: float | None = None
        self._name = name
        self._pool: ThreadPoolExecutor | None = None
        self._task: asyncio.Task[None] | None = None
        self._busy = False
        self._got_frame = asyncio.Event()
        self._count_waiters: list[tuple[int, asyncio.Future[None]]] = []

    def start(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self._name)
        self._task = asyncio.get_running_loop().create_task(self._run(), name=self._name)

    async def wait_frames(self, count: int, timeout: float) -> int:
        """Wait until `count` frames were received (or the timeout); returns frames received."""
        if self.frames_received < count:
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._count_waiters.append((count, fut))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(fut), timeout)
        return self.frames_received

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        seq = 0
        pending: set[asyncio.Future[None]] = set()
        try:
            while True:
                try:
                    frame = await self.track.recv()
                except MediaStreamError:
                    return
                self.frames_received += 1
                if self.first_frame_at is None:
                    self.first_frame_at = time.monotonic()
                    self._got_frame.set()
                for want, waiter in list(self._count_waiters):
                    if self.frames_received >= want and not waiter.done():
                        waiter.set_result(None)
                        self._count_waiters.remove((want, waiter))
                if not isinstance(frame, av.VideoFrame):
                    continue
                # Read before the tap: a listener's thread may restamp the shared frame.
                tb = frame.time_base
                pts_s = float(frame.pts * tb) if frame.pts is not None and tb is not None else 0.0
                if self.tap:
                    self.tap(frame)
                if self._busy or self._pool is None:
                    continue
                self._busy = True
                seq += 1
                fut = loop.run_in_executor(self._pool, self._convert, frame, seq, pts_s)
                pending.add(fut)
                fut.add_done_callback(pending.discard)
        finally:
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)

    def _convert(self, frame: av.VideoFrame, seq: int, pts_s: float) -> None:
        try:
            w, h = self.size
            image = ndarray_privately(frame, width=w, height=h, format="bgra")
            out = Frame(image, w, h, pts_s, time.monotonic(), seq)
            self.slot.put(out)
            self.frames_converted += 1
            if self.on_frame is not None:
                self.on_frame(out)
        except Exception:  # a bad frame must not kill the sink
            log.exception("frame conversion failed")
        finally:
            self._busy = False

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        for _, fut in self._count_waiters:
            if not fut.done():
                fut.cancel()
        self._count_waiters.clear()
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=True)  # at most one short conversion is in flight


async def drain_track(track: MediaStreamTrack, tap: FrameTap | None = None) -> int:
    """Receive frames until the track ends (keeps a remote audio track flowing).

    Each frame goes to `tap`'s listeners (e.g. a call recorder), otherwise it is dropped.
    """
    count = 0
    while True:
        try:
            frame = await track.recv()
        except MediaStreamError:
            return count
        count += 1
        if tap:
            tap(frame)
