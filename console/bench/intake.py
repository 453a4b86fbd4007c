"""`console bench intake`: a queue of simulated callers against two consoles, then the cost
of one call with and without recording.

Phase 1: N simulated citizens queue on the embedded server (SQLite store behind the queue);
two officer clients answer them as they ring. Accept → first remote frame at the officer
gives `setup_p95_ms`; the service level comes from the store by the intake screen's rule.

Phase 2: one 640×480@30 caller in a separate process (so its encoder is not counted) and
one officer here. This process's CPU (server, store, the officer's peer: VP8 out, VP8 in,
tile conversion) is measured plain, recording, and plain again on the same call; the two
plain windows are averaged so that the encoder's bitrate ramp does not favour either side.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from console.bench import common
from console.core.codes import Role
from console.media.peer import set_ice_interfaces
from console.services import auth
from console.services.call_peer import CallStats, MediaLeg, request_ticket, run_caller, run_officer
from console.services.call_peer import ws_url as make_ws_url
from console.services.call_recording import CallRecordingService
from console.services.demo_caller import run_demo_caller
from console.services.intake import IntakeService
from console.services.signalling_store import StoreQueue
from console.signalling import protocol as p
from console.signalling.client import WebSocketSignallingClient
from console.signalling.server import Limits, ServerConfig, SignallingServer
from console.store import migrate
from console.store.store import Store

TARGETS = {"setup_p95_ms": 500.0, "recording_cpu_ratio": 1.5}
OFFICERS = 2


def _min(values: list[float]) -> float:
    return round(min(values), 1) if values else 0.0


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- phase 1: the queue -----------------------------------------------------------------------


async def _officer_loop(
    client: WebSocketSignallingClient, tickets: list[str], served: list[CallStats]
) -> None:
    """Answer the longest-waiting caller nobody took yet, talk briefly, hang up; repeat.

    The bench picks the ticket itself (queue order, shared by both consoles) rather than
    answering rings: two consoles answering from the same snapshot would race for its head.
    """
    events = client.events()
    try:
        while tickets:
            ticket = tickets.pop(0)
            accepted_at = time.monotonic()
            await client.send(p.CallAccept(id=client.new_id(), ticket=ticket))
            stats = await run_officer(
                client,
                ticket=ticket,
                min_frames=15,
                seconds=0.2,
                timeout=30,
                stats=CallStats(ticket=ticket, accepted_at=accepted_at),
            )
            stats.accepted_at = accepted_at
            served.append(stats)
            if stats.ended_reason == "hung up":
                # Our own hang-up: the server's call.ended follows; take it off the queue so
                # that the next call does not read it as its own end.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(5):
                        async for event in events:
                            if isinstance(event, p.CallEnded) and event.ticket == ticket:
                                break
    finally:
        await events.aclose()  # type: ignore[attr-defined]


async def _queue_phase(server: SignallingServer, base: str, callers: int) -> dict[str, Any]:
    deadline = time.monotonic() + 25 + 4 * callers
    citizens: list[WebSocketSignallingClient] = []
    caller_tasks: list[asyncio.Task[CallStats]] = []
    tickets: list[str] = []
    for i in range(callers):
        ticket, token = await request_ticket(base, name=f"压测来电{i}", category="neighbour")
        tickets.append(ticket)
        client = WebSocketSignallingClient(
            make_ws_url(base), lambda t=token: t, client_name="bench-caller"
        )
        await client.connect()
        citizens.append(client)
        caller_tasks.append(
            asyncio.create_task(
                run_caller(
                    client,
                    ticket=ticket,
                    name=f"压测来电{i}",
                    category="neighbour",
                    seconds=120.0,
                    timeout=max(1.0, deadline - time.monotonic()),
                )
            )
        )
    common.say(f"{callers} callers queued")
    officers = []
    for n in range(OFFICERS):
        token = server.staff_token(n + 1, Role.DUTY_OFFICER, f"压测坐席{n + 1}")
        client = WebSocketSignallingClient(
            make_ws_url(base), lambda t=token: t, client_name="bench-officer"
        )
        await client.connect()
        officers.append(client)
    served: list[CallStats] = []
    started = time.monotonic()
    waiting = list(tickets)
    try:
        await asyncio.gather(*(_officer_loop(o, waiting, served) for o in officers))
        await asyncio.wait_for(asyncio.gather(*caller_tasks, return_exceptions=True), 30)
    finally:
        for task in caller_tasks:
            task.cancel()
        await asyncio.gather(*caller_tasks, return_exceptions=True)
        for client in [*citizens, *officers]:
            await client.close()
    setups = [s.setup_ms for s in served if s.setup_ms is not None]
    common.say(f"{len(served)} calls answered in {time.monotonic() - started:.1f} s")
    return {
        "callers": callers,
        "answered": len(served),
        "setup_samples": len(setups),
        "setup_p50_ms": round(common.percentile(setups, 50), 1) if setups else None,
        "setup_p95_ms": round(common.percentile(setups, 95), 1) if setups else float("inf"),
    }


# --- phase 2: one call, plain and recording ---------------------------------------------------


async def _window(leg: MediaLeg, seconds: float) -> tuple[float, list[float], list[float]]:
    """Over `seconds`: CPU cores used by this process, and the fps received and displayed
    (converted for the tile) in each second."""
    sink = leg.sink
    assert sink is not None
    received: list[float] = []
    shown: list[float] = []
    cpu0, t0 = _cpu_s(), time.monotonic()
    frames, converted, mark = sink.frames_received, sink.frames_converted, t0
    while (now := time.monotonic()) < t0 + seconds:
        await asyncio.sleep(min(1.0, t0 + seconds - now))
        now = time.monotonic()
        got, conv = sink.frames_received, sink.frames_converted
        if now - mark >= 0.5:
            received.append((got - frames) / (now - mark))
            shown.append((conv - converted) / (now - mark))
        frames, converted, mark = got, conv, now
    return (_cpu_s() - cpu0) / (time.monotonic() - t0), received, shown


async def _cost_phase(
    server: SignallingServer, base: str, store: Store, media_dir: Path, seconds: float
) -> dict[str, Any]:
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "console.bench.intake",
        "caller",
        base,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    token = server.staff_token(1, Role.DUTY_OFFICER, "压测坐席1")
    officer = WebSocketSignallingClient(
        make_ws_url(base), lambda: token, client_name="bench-officer"
    )
    await officer.connect()
    legs: list[MediaLeg] = []
    got_leg = asyncio.Event()
    stats = CallStats()

    def on_leg(leg: MediaLeg) -> None:
        legs.append(leg)
        got_leg.set()

    call = asyncio.create_task(
        run_officer(officer, min_frames=1, timeout=seconds * 3 + 90, stats=stats, on_leg=on_leg)
    )
    recorder = CallRecordingService(store, media_dir)
    try:
        await asyncio.wait_for(got_leg.wait(), 60)
        leg = legs[0]
        await asyncio.wait_for(leg.got_video.wait(), 30)
        assert leg.sink is not None
        await leg.sink.wait_frames(90, 30)  # the first seconds carry the encoders' start-up
        window = max(2.0, seconds / 2)
        plain_a, fps_a, shown_a = await _window(leg, window)
        handle = await recorder.start(stats.ticket or "", leg, 1)
        rec_cpu, fps_rec, shown_rec = await _window(leg, window)
        asset = await recorder.stop(handle)
        plain_b, fps_b, shown_b = await _window(leg, window)
        result = recorder.last_result
        assert result is not None
        plain = (plain_a + plain_b) / 2
        return {
            "call_cpu_cores": round(plain, 3),
            "call_cpu_cores_windows": [round(plain_a, 3), round(plain_b, 3)],
            "call_recording_cpu_cores": round(rec_cpu, 3),
            "recording_cpu_ratio": round(rec_cpu / plain, 3) if plain > 0 else float("inf"),
            "fps_plain_min": round(min(fps_a + fps_b), 1) if fps_a + fps_b else 0.0,
            "fps_recording_min": round(min(fps_rec), 1) if fps_rec else 0.0,
            "fps_recording_mean": round(statistics.fmean(fps_rec), 1) if fps_rec else 0.0,
            "fps_displayed_plain_min": _min(shown_a + shown_b),
            "fps_displayed_recording_min": _min(shown_rec),
            "recording_dropped": result.dropped_video + result.dropped_audio,
            "recording_frames": result.video_frames,
            "recording_duration_s": round(result.duration_s, 2),
            "recording_bytes": asset.size_bytes,
            "window_s": window,
        }
    finally:
        if not call.done() and stats.ticket:
            with contextlib.suppress(Exception):
                await officer.send(p.CallHangup(id=officer.new_id(), ticket=stats.ticket))
        with contextlib.suppress(Exception):
            await asyncio.wait_for(asyncio.gather(call, return_exceptions=True), 20)
        call.cancel()
        await asyncio.gather(call, return_exceptions=True)
        await officer.close()
        try:
            await asyncio.wait_for(child.wait(), 20)
        except TimeoutError:
            child.kill()
            await child.wait()


async def _measure(callers: int, seconds: float, db_url: str, media_dir: Path) -> dict[str, Any]:
    store = Store(db_url)
    for n in range(OFFICERS):
        auth.add_user_sync(
            store,
            username=f"bench-officer-{n + 1}",
            display_name=f"压测坐席{n + 1}",
            role=Role.DUTY_OFFICER,
            password=secrets.token_urlsafe(16),
        )
    config = ServerConfig(
        secret=secrets.token_bytes(32),
        web_root=None,
        limits=Limits(
            max_connections_per_address=callers + 20, ticket_burst=1e6, ticket_rate_per_s=1e6
        ),
    )
    server = SignallingServer(config, StoreQueue(store))
    port = await server.start("127.0.0.1", 0)
    base = f"http://127.0.0.1:{port}"
    set_ice_interfaces(["lo"])
    try:
        queue = await _queue_phase(server, base, callers)
        stats = await IntakeService(store).today_stats()
        common.say(f"queue: setup p95 {queue['setup_p95_ms']} ms; measuring one call")
        cost = await _cost_phase(server, base, store, media_dir, seconds)
    finally:
        set_ice_interfaces(None)
        await server.stop()
        store.close()
    return {
        "bench": "intake",
        **queue,
        "service_level": round(stats["service_level"], 3),
        "abandoned": int(stats["abandoned"]),
        **cost,
    }


def run(args: argparse.Namespace) -> int:
    callers = max(1, int(getattr(args, "callers", None) or 20))
    seconds = float(getattr(args, "seconds", None) or 10.0)
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'bench-intake.sqlite'}"
        migrate.upgrade(db_url)
        try:
            result = asyncio.run(_measure(callers, seconds, db_url, Path(tmp) / "media"))
        except Exception as exc:
            return common.fail({"bench": "intake", "callers": callers}, repr(exc))
    return common.finish(result, TARGETS)


def _caller_main(base: str) -> int:
    """The phase-2 citizen, in its own process: waits for the officer to hang up."""
    set_ice_interfaces(["lo"])
    stats = asyncio.run(run_demo_caller(base, name="压测来电", seconds=300.0, timeout=120.0))
    return 0 if stats.frames_received > 0 else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "caller":
        sys.exit(_caller_main(sys.argv[2]))
    print("usage: python -m console.bench.intake caller BASE_URL", file=sys.stderr)
    sys.exit(2)
