"""Both ends of a one-to-one video call over signalling: the simulated caller and the officer."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from console.media.frame_slot import Frame, LatestFrameSlot
from console.media.peer import (
    FrameSink,
    FrameTap,
    GeneratedAudioTrack,
    GeneratedVideoTrack,
    SwitchableAudioTrack,
    SwitchableVideoTrack,
    accept_answer,
    add_remote_candidate,
    answer_offer,
    create_offer,
    drain_track,
    local_candidate_addresses,
    make_peer_connection,
)
from console.signalling import protocol as p
from console.signalling.client import SignallingClient, StateChanged, WebSocketSignallingClient

log = logging.getLogger(__name__)


def ws_url(base_url: str) -> str:
    """The signalling WebSocket URL for an http(s) base URL."""
    base = base_url.rstrip("/")
    if base.startswith("https://"):
        return "wss://" + base[len("https://") :] + "/ws"
    if base.startswith("http://"):
        return "ws://" + base[len("http://") :] + "/ws"
    return base + "/ws"


async def request_ticket(
    base_url: str, *, name: str = "", category: str = "", ssl: Any = None
) -> tuple[str, str]:
    """POST /api/ticket: a citizen's (ticket, token)."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            base_url.rstrip("/") + "/api/ticket",
            json={"name": name, "category": category},
            ssl=ssl if ssl is not None else True,
        ) as resp,
    ):
        resp.raise_for_status()
        body = await resp.json()
    return str(body["ticket"]), str(body["token"])


@dataclass
class CallStats:
    ticket: str | None = None
    session: str | None = None
    positions: list[int] = field(default_factory=list)
    accepted_at: float | None = None
    first_frame_at: float | None = None
    frames_received: int = 0
    frames_sent: int = 0
    ended_reason: str | None = None
    moved_to_room: str | None = None
    errors: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    local_addresses: list[str] = field(default_factory=list)

    @property
    def setup_ms(self) -> float | None:
        if self.accepted_at is None or self.first_frame_at is None:
            return None
        return (self.first_frame_at - self.accepted_at) * 1000.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "ticket": self.ticket,
            "positions": self.positions,
            "frames_received": self.frames_received,
            "frames_sent": self.frames_sent,
            "setup_ms": self.setup_ms,
            "ended_reason": self.ended_reason,
            "errors": self.errors,
            "local_addresses": self.local_addresses,
        }


class MediaLeg:
    """One end's peer connection with generated video and audio, negotiated over signalling.

    The console side offers (aiortc sends complete SDP, no trickle); it accepts trickled
    candidates from browsers. Must be created inside the running loop (aiortc tracks).

    What is sent comes from `video_source`/`audio_source` (tracks, e.g. from
    `console.media.local_sources.open_video_source`) or generated test tracks, always through
    switchable tracks: `set_hold` and `set_mute` replace the picture (holding card, black)
    and the sound (silence) without renegotiating. `preview` shows what is sent.
    """

    def __init__(
        self,
        client: SignallingClient,
        peer: str,
        *,
        ice_servers: list[dict[str, Any]] | None = None,
        size: tuple[int, int] = (640, 480),
        fps: int = 30,
        sink_size: tuple[int, int] = (320, 240),
        audio: bool = True,
        on_frame: Callable[[Frame], None] | None = None,
        video_source: Any = None,
        audio_source: Any = None,
        preview: LatestFrameSlot | None = None,
    ) -> None:
        self.client, self.peer = client, peer
        self.pc = make_peer_connection(ice_servers or [])
        self.video = video_source if video_source is not None else GeneratedVideoTrack(*size, fps)
        self.audio = (
            (audio_source if audio_source is not None else GeneratedAudioTrack()) if audio else None
        )
        self.outgoing_video = SwitchableVideoTrack(self.video, preview=preview)
        self.outgoing_audio = SwitchableAudioTrack(self.audio) if self.audio is not None else None
        self.sink: FrameSink | None = None
        # The remote side's decoded frames, for listeners such as a call recorder.
        self.video_tap, self.audio_tap = FrameTap(), FrameTap()
        self.got_video = asyncio.Event()
        self._sink_size = sink_size
        self.on_frame = on_frame
        self._drains: list[asyncio.Task[int]] = []
        self.pc.addTrack(self.outgoing_video)
        if self.outgoing_audio is not None:
            self.pc.addTrack(self.outgoing_audio)
        self.pc.on("track", self._on_track)

    def _on_track(self, track: Any) -> None:
        if track.kind == "video" and self.sink is None:
            self.sink = FrameSink(
                track,
                self._sink_size,
                on_frame=self.on_frame,
                name="call-sink",
                tap=self.video_tap,
            )
            self.sink.start()
            self.got_video.set()
        else:
            tap = self.audio_tap if track.kind == "audio" else None
            self._drains.append(asyncio.get_running_loop().create_task(drain_track(track, tap)))

    async def offer(self) -> None:
        sdp = await create_offer(self.pc)
        await self.client.send(p.SdpOffer(id=self.client.new_id(), to=self.peer, sdp=sdp))

    async def handle(self, msg: p.Relayed) -> None:
        if msg.from_ != self.peer:
            log.warning("ignoring %s from %s (not our peer)", msg.kind, msg.from_)
        elif msg.kind == "sdp.offer" and msg.sdp:
            sdp = await answer_offer(self.pc, msg.sdp)
            await self.client.send(p.SdpAnswer(id=self.client.new_id(), to=self.peer, sdp=sdp))
        elif msg.kind == "sdp.answer" and msg.sdp:
            await accept_answer(self.pc, msg.sdp)
        elif msg.kind == "ice.candidate" and msg.candidate is not None:
            try:
                await add_remote_candidate(self.pc, msg.candidate, msg.sdp_mid, msg.sdp_mline_index)
            except (ValueError, IndexError) as exc:
                log.warning("ignoring bad candidate %r: %s", msg.candidate[:80], exc)

    def set_hold(self, on: bool) -> None:
        """Held: the caller gets the holding card and silence (the camera is not sent)."""
        self.outgoing_video.held = on
        if self.outgoing_audio is not None:
            self.outgoing_audio.held = on

    def set_mute(self, *, audio: bool, video: bool) -> None:
        """Muted audio is silence, muted video a black picture; the tracks stay."""
        self.outgoing_video.muted = video
        if self.outgoing_audio is not None:
            self.outgoing_audio.muted = audio

    @property
    def frames_sent(self) -> int:
        return self.outgoing_video.frames_sent

    @property
    def frames_received(self) -> int:
        return self.sink.frames_received if self.sink else 0

    async def close(self) -> None:
        if self.sink is not None:
            await self.sink.stop()
        self.outgoing_video.stop()  # stops its source too
        if self.outgoing_audio is not None:
            self.outgoing_audio.stop()
        await self.pc.close()
        for task in self._drains:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


async def run_caller(
    client: SignallingClient,
    *,
    ticket: str,
    name: str,
    category: str,
    seconds: float,
    phone: str = "",
    ice_servers: list[dict[str, Any]] | None = None,
    timeout: float = 120.0,
    stats: CallStats | None = None,
    on_leg: Callable[[MediaLeg], None] | None = None,
) -> CallStats:
    """A connected citizen client: queue, answer the officer's offer, hang up after `seconds`."""
    stats = stats or CallStats(ticket=ticket)
    leg: MediaLeg | None = None
    hangup_at: float | None = None
    welcomes = 0
    await client.send(
        p.CallRequest(
            id=client.new_id(),
            category=category,
            name=name,
            phone=phone,
            recording_consent=True,
        )
    )
    events = client.events()
    deadline = time.monotonic() + timeout
    try:
        while stats.ended_reason is None:
            now = time.monotonic()
            limit = min(deadline, hangup_at) if hangup_at else deadline
            if now >= limit:
                if hangup_at and now >= hangup_at:
                    await client.send(p.CallHangup(id=client.new_id(), ticket=ticket))
                    stats.ended_reason = "hung up"
                else:
                    stats.ended_reason = "timeout"
                break
            try:
                event = await asyncio.wait_for(anext(events), limit - now)
            except TimeoutError:
                continue
            except StopAsyncIteration:
                stats.ended_reason = "signalling closed"
                break
            if isinstance(event, StateChanged):
                stats.states.append(event.state.value)
            elif isinstance(event, p.Welcome):
                welcomes += 1
                if welcomes == 1 or event.resumed or stats.accepted_at is not None:
                    continue
                # A restarted server that lost our session: ask again, it keeps the ticket.
                await client.send(
                    p.CallRequest(
                        id=client.new_id(),
                        category=category,
                        name=name,
                        phone=phone,
                        recording_consent=True,
                    )
                )
            elif isinstance(event, p.QueuePosition):
                stats.positions.append(event.position)
            elif isinstance(event, p.CallAccepted):
                stats.accepted_at = time.monotonic()
                hangup_at = stats.accepted_at + seconds
                if leg is not None and leg.peer != event.peer:
                    # Transferred: a new officer offers afresh, on a new peer connection.
                    await _finish_leg(leg, stats)
                    leg = None
                if leg is None:
                    leg = MediaLeg(client, event.peer, ice_servers=ice_servers)
                    if on_leg is not None:
                        on_leg(leg)
            elif isinstance(event, p.Relayed) and leg is not None:
                await leg.handle(event)
            elif isinstance(event, p.CallEnded):
                stats.ended_reason = event.reason or "ended"
            elif isinstance(event, p.CallMoved):
                # Moved into a mediation room: this simulated caller stops here (the page
                # goes on into the room's lobby with the invitation).
                stats.moved_to_room = event.room
                stats.ended_reason = "moved to a mediation room"
            elif isinstance(event, p.Error):
                stats.errors.append(f"{event.code.value}: {event.message}")
            if leg is not None and leg.sink is not None and stats.first_frame_at is None:
                stats.first_frame_at = leg.sink.first_frame_at
    finally:
        await events.aclose()  # type: ignore[attr-defined]
        if leg is not None:
            await _finish_leg(leg, stats)
    return stats


async def _finish_leg(leg: MediaLeg, stats: CallStats) -> None:
    """Record what the media leg saw, then close it (both ends of a call end the same way)."""
    stats.frames_received = leg.frames_received
    stats.frames_sent = leg.frames_sent
    stats.local_addresses = sorted(local_candidate_addresses(leg.pc))
    if stats.first_frame_at is None and leg.sink is not None:
        stats.first_frame_at = leg.sink.first_frame_at
    await leg.close()


async def run_officer(
    client: SignallingClient,
    *,
    ticket: str | None = None,
    min_frames: int = 60,
    seconds: float = 0.0,
    ice_servers: list[dict[str, Any]] | None = None,
    timeout: float = 120.0,
    stats: CallStats | None = None,
    on_leg: Callable[[MediaLeg], None] | None = None,
    hold_s: float = 0.0,
) -> CallStats:
    """A connected staff client: accept `ticket` (or the first waiting one), offer, count frames.

    Returns when the call ends, or after `min_frames` plus `seconds` when `seconds` > 0
    (then this side hangs up). With `hold_s` > 0 the call is put on hold that long once
    `min_frames` arrived. `stats` (if given) is updated while the call runs.
    """
    stats = stats or CallStats(ticket=ticket)
    leg: MediaLeg | None = None
    accepted_sent = False
    held = False
    events = client.events()
    deadline = time.monotonic() + timeout

    async def accept(t: str) -> None:
        nonlocal accepted_sent
        if not accepted_sent and (ticket is None or t == ticket):
            accepted_sent = True
            stats.ticket = t
            stats.accepted_at = time.monotonic()
            await client.send(p.CallAccept(id=client.new_id(), ticket=t))

    try:
        while stats.ended_reason is None:
            now = time.monotonic()
            if now >= deadline:
                stats.ended_reason = "timeout"
                break
            if leg is not None and leg.sink is not None:
                stats.frames_received = leg.frames_received
                if stats.first_frame_at is None:
                    stats.first_frame_at = leg.sink.first_frame_at
                if hold_s > 0 and not held and leg.frames_received >= min_frames:
                    held = True
                    t = stats.ticket or ""
                    await client.send(p.CallHold(id=client.new_id(), ticket=t, on=True))
                    await asyncio.sleep(hold_s)
                    await client.send(p.CallHold(id=client.new_id(), ticket=t, on=False))
                if seconds > 0 and leg.frames_received >= min_frames:
                    await asyncio.sleep(seconds)
                    await client.send(p.CallHangup(id=client.new_id(), ticket=stats.ticket or ""))
                    stats.ended_reason = "hung up"
                    break
            try:
                event = await asyncio.wait_for(anext(events), min(0.2, deadline - now))
            except TimeoutError:
                continue
            except StopAsyncIteration:
                stats.ended_reason = "signalling closed"
                break
            if isinstance(event, StateChanged):
                stats.states.append(event.state.value)
            elif isinstance(event, p.QueueSnapshot):
                for entry in event.entries:
                    if entry.state in ("waiting", "ringing", "queued"):
                        await accept(entry.ticket)
            elif isinstance(event, p.CallRing):
                await accept(event.ticket)
            elif isinstance(event, p.CallAccepted) and leg is None:
                if stats.accepted_at is None:
                    stats.accepted_at = time.monotonic()
                leg = MediaLeg(client, event.peer, ice_servers=ice_servers)
                if on_leg is not None:
                    on_leg(leg)
                await leg.offer()
            elif isinstance(event, p.Relayed) and leg is not None:
                await leg.handle(event)
            elif isinstance(event, p.CallEnded):
                stats.ended_reason = event.reason or "ended"
            elif isinstance(event, p.Error):
                stats.errors.append(f"{event.code.value}: {event.message}")
                if event.code in (p.ErrorCode.CONFLICT, p.ErrorCode.NOT_FOUND) and leg is None:
                    accepted_sent = False  # someone else took it; try the next one
    finally:
        await events.aclose()  # type: ignore[attr-defined]
        if leg is not None:
            await _finish_leg(leg, stats)
    return stats


async def officer_call(base_url: str, staff_token: str, **kwargs: Any) -> CallStats:
    """Connect with a staff token, run one officer call (see `run_officer`), disconnect."""
    client = WebSocketSignallingClient(ws_url(base_url), lambda: staff_token, client_name="officer")
    await client.connect()
    try:
        return await run_officer(client, **kwargs)
    finally:
        await client.close()
