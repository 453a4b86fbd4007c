"""`console bench call`: call set-up time and glass-to-glass latency, through the server and raw."""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import time
from typing import Any

from console.core.codes import Role
from console.media.frame_slot import Frame
from console.media.peer import (
    FrameSink,
    GeneratedVideoTrack,
    make_peer_connection,
    read_counter,
    set_ice_interfaces,
)
from console.services.call_peer import (
    CallStats,
    MediaLeg,
    officer_call,
    request_ticket,
    run_caller,
    ws_url,
)
from console.signalling.client import WebSocketSignallingClient
from console.signalling.memory_queue import MemoryQueue
from console.signalling.server import ServerConfig, SignallingServer

SETUP_TARGET_MS = 500.0
G2G_TARGET_MS = 80.0


def p95(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


class LatencyProbe:
    @staticmethod
    def sample(
        track: GeneratedVideoTrack, frame: Frame, out: list[float], skip_first: int = 15
    ) -> None:
        """Append frame's generated-to-converted latency (ms) to `out` if its barcode reads."""
        value = read_counter(frame.image)
        if value is None or value < skip_first:
            return
        sent = track.sent_at.get(value)
        if sent is not None:
            out.append((frame.decoded_at - sent) * 1000.0)

    """Reads the barcode from each converted frame and looks up when it was generated."""

    def __init__(self, track: GeneratedVideoTrack, skip_first: int = 15) -> None:
        self._track = track
        self._skip = skip_first  # the first frames carry encoder start-up, not steady state
        self.samples_ms: list[float] = []

    def __call__(self, frame: Frame) -> None:
        self.sample(self._track, frame, self.samples_ms, self._skip)


async def raw_loopback(seconds: float, width: int = 640, height: int = 480) -> dict[str, Any]:
    """Two aiortc peers in one loop, no signalling server: the reference latency."""
    sender, receiver = make_peer_connection([]), make_peer_connection([])
    track = GeneratedVideoTrack(width, height, 30)
    probe = LatencyProbe(track)
    sinks: list[FrameSink] = []
    got_track = asyncio.Event()

    @receiver.on("track")
    def _on_track(remote: Any) -> None:
        if remote.kind == "video":
            sink = FrameSink(remote, (width, height), on_frame=probe, name="bench-raw-sink")
            sink.start()
            sinks.append(sink)
            got_track.set()

    try:
        sender.addTrack(track)
        started = time.monotonic()
        await sender.setLocalDescription(await sender.createOffer())
        await receiver.setRemoteDescription(sender.localDescription)
        await receiver.setLocalDescription(await receiver.createAnswer())
        await sender.setRemoteDescription(receiver.localDescription)
        await asyncio.wait_for(got_track.wait(), 20)
        sink = sinks[0]
        await sink.wait_frames(1, 20)
        setup_ms = ((sink.first_frame_at or time.monotonic()) - started) * 1000.0
        await asyncio.sleep(seconds)
        return {
            "raw_setup_ms": round(setup_ms, 1),
            "raw_frames": sink.frames_received,
            "raw_g2g_p50_ms": round(statistics.median(probe.samples_ms), 1)
            if probe.samples_ms
            else None,
            "raw_g2g_p95_ms": round(p95(probe.samples_ms), 1),
        }
    finally:
        for sink in sinks:
            await sink.stop()
        track.stop()
        await sender.close()
        await receiver.close()


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--calls", type=int, default=10, help="calls for the set-up time")
    p.add_argument("--seconds", type=float, default=10.0, help="length of the latency call")
    p.add_argument("--ice-interface", action="append", default=None, help="e.g. lo")


def run(args: argparse.Namespace) -> int:
    """Run the call benchmark; prints one JSON object as the last line."""
    calls = getattr(args, "calls", None) or getattr(args, "rounds", None) or 10
    seconds = getattr(args, "seconds", None) or 10.0
    interfaces = getattr(args, "ice_interface", None) or ["lo"]
    result = asyncio.run(_run(calls, seconds, interfaces))
    print(json.dumps(result))
    return 0 if result.get("ok") else 1


async def _run(calls: int, seconds: float, interfaces: list[str]) -> dict[str, Any]:
    set_ice_interfaces(interfaces)
    try:
        raw = await raw_loopback(seconds)
        served = await _through_server(calls, seconds)
    finally:
        set_ice_interfaces(None)
    result: dict[str, Any] = {"bench": "call", **served, **raw}
    result["ok"] = bool(
        result.get("setup_p95_ms", 1e9) <= SETUP_TARGET_MS
        and result.get("g2g_p95_ms", 1e9) <= G2G_TARGET_MS
    )
    return result


async def _one_call(
    server: SignallingServer, base: str, *, officer_frames: int, probe: bool
) -> tuple[CallStats, CallStats, list[float]]:
    """A simulated citizen queues; an officer accepts, and hangs up after `officer_frames`."""
    ticket, token = await request_ticket(base, name="压测来电", category="other")
    citizen = WebSocketSignallingClient(ws_url(base), lambda: token, client_name="bench")
    await citizen.connect()
    legs: dict[str, MediaLeg] = {}
    samples: list[float] = []

    def officer_leg(leg: MediaLeg) -> None:
        legs["officer"] = leg
        if probe:
            # The officer's sink reads the caller's barcode back from each converted frame.
            def on_frame(frame: Frame) -> None:
                caller = legs.get("caller")
                if caller is not None:
                    LatencyProbe.sample(caller.video, frame, samples)

            leg.on_frame = on_frame

    try:
        caller_task = asyncio.create_task(
            run_caller(
                citizen,
                ticket=ticket,
                name="压测来电",
                category="other",
                seconds=120.0,
                on_leg=lambda leg: legs.__setitem__("caller", leg),
            )
        )
        staff = server.staff_token(1, Role.DUTY_OFFICER, "压测坐席")
        officer = await officer_call(
            base,
            staff,
            ticket=ticket,
            min_frames=officer_frames,
            seconds=0.05,
            timeout=60,
            on_leg=officer_leg,
        )
        caller = await asyncio.wait_for(caller_task, 30)
    finally:
        await citizen.close()
    return caller, officer, samples


async def _through_server(calls: int, seconds: float) -> dict[str, Any]:
    server = SignallingServer(ServerConfig(secret=secrets.token_bytes(32)), MemoryQueue())
    port = await server.start("127.0.0.1", 0)
    base = f"http://127.0.0.1:{port}"
    try:
        setups: list[float] = []
        for _ in range(calls):
            _caller, officer, _ = await _one_call(server, base, officer_frames=1, probe=False)
            if officer.setup_ms is not None:
                setups.append(officer.setup_ms)
        _caller, officer, samples = await _one_call(
            server, base, officer_frames=max(30, int(seconds * 30)), probe=True
        )
        return {
            "calls": calls,
            "setup_p50_ms": round(statistics.median(setups), 1) if setups else None,
            "setup_p95_ms": round(p95(setups), 1),
            "g2g_frames": officer.frames_received,
            "g2g_samples": len(samples),
            "g2g_p50_ms": round(statistics.median(samples), 1) if samples else None,
            "g2g_p95_ms": round(p95(samples), 1),
        }
    finally:
        await server.stop()
