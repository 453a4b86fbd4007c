"""`console bench room --mesh N`: a mesh mediation room (everyone sends to everyone) through
the console's own signalling server, as the mediator's console and the parties run it.

The console is the mediator's `RoomDesk` in this process (with the server, as the demo runs
it); each of the other N-1 parties is a `RoomDesk` with an invitation in its own process,
as a citizen's browser would be on its own machine, so `cpu_cores` is the console's own.
Frames are 640×360 and carry their number as a barcode, read back at every receiver for
glass-to-glass latency (all processes share the machine's monotonic clock). The mediator
admits each party from the lobby: admit → that party's first frame on the console.

Party side: python -m console.bench.room_mesh URL ROOM NAME TOKEN FPS (stdio protocol as in
`console.bench.room_party`: {"joined": id}, {"flowing": k}; "measure S" → {"report": …}).
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import sys
import time
from typing import Any

from console.bench.common import fail, say
from console.bench.room import SIZE, Party, finish_room, summary
from console.bench.room import _until as until_parties
from console.bench.room_party import SKIP_FIRST, quiet_decoder_warnings, serve_bench
from console.bench.room_party import say as say_json
from console.core.codes import Role
from console.core.room_rules import MESH_MAX_PEOPLE
from console.media.frame_slot import Frame
from console.media.peer import read_counter, set_ice_interfaces
from console.services.room_desk import LobbyKnocked, RoomDesk, RoomEvent
from console.signalling.memory_queue import MemoryQueue
from console.signalling.server import ServerConfig, SignallingServer

ROOM = "bench-mesh"


class MeshWindow:
    """Frames and barcode samples per sender while a measurement window is open."""

    def __init__(self) -> None:
        self.open = False
        self.samples: list[tuple[str, int, float]] = []

    def on_frame(self, sender: str, frame: Frame) -> None:  # on a sink's worker thread
        if not self.open:
            return
        value = read_counter(frame.image)
        if value is not None and value >= SKIP_FIRST:
            self.samples.append((sender, value, frame.decoded_at))


def flowing(desk: RoomDesk) -> int:
    return sum(1 for leg in desk.legs().values() if leg.frames_received > 0)


async def measure_window(desk: RoomDesk, window: MeshWindow, seconds: float) -> dict[str, Any]:
    start = {pid: leg.frames_received for pid, leg in desk.legs().items()}
    cpu0, t0 = time.process_time(), time.monotonic()
    window.samples.clear()
    window.open = True
    await asyncio.sleep(seconds)  # the measurement window itself
    window.open = False
    wall = time.monotonic() - t0
    track = desk.video_track
    return {
        "display": desk.name,
        "feed": desk.seat.me,
        "fps": {
            pid: (leg.frames_received - start.get(pid, 0)) / wall
            for pid, leg in desk.legs().items()
        },
        "samples": window.samples,
        "sent": {str(v): t for v, t in track.sent_at.items() if t >= t0 - 2.0},
        "cpu_cores": (time.process_time() - cpu0) / wall,
        "window_s": wall,
    }


def run(args: argparse.Namespace) -> int:
    n = int(args.mesh)
    seconds = getattr(args, "seconds", None) or 10.0
    base: dict[str, Any] = {"bench": "room", "backend": "mesh", "participants": n}
    if n < 2:
        return fail(base, "a room needs at least 2 participants")
    if n > MESH_MAX_PEOPLE:
        return fail(base, f"a mesh room holds at most {MESH_MAX_PEOPLE} people; use --janus")
    quiet_decoder_warnings()
    say(f"room bench: {n} participants in a mesh room, {seconds:g} s, loopback")
    return finish_room(asyncio.run(measure(n, seconds)))


async def measure(n: int, seconds: float, fps: int = 30) -> dict[str, Any]:
    set_ice_interfaces(["lo"])
    server = SignallingServer(
        ServerConfig(secret=secrets.token_bytes(32), web_root=None), MemoryQueue()
    )
    port = await server.start("127.0.0.1", 0)
    base = f"http://127.0.0.1:{port}"
    window = MeshWindow()
    token = server.staff_token(1, Role.MEDIATOR, "调解员")
    console = RoomDesk(
        base_url=base,
        token_provider=lambda: token,
        name="console",
        video_size=SIZE,
        sink_size=SIZE,
        on_frame=window.on_frame,
    )
    admitted_at: dict[str, float] = {}
    admitting: set[asyncio.Task[None]] = set()

    def admit(event: RoomEvent) -> None:
        if isinstance(event, LobbyKnocked):
            admitted_at[event.participant] = time.monotonic()
            task = asyncio.ensure_future(console.admit(event.participant))
            admitting.add(task)
            task.add_done_callback(admitting.discard)

    console.subscribe(admit)
    parties: list[Party] = []
    try:
        await console.join(ROOM)
        for i in range(n - 1):
            name = f"party-{i + 1}"
            invite = server.invite_token(ROOM, f"bench:{name}", name)
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "console.bench.room_mesh",
                base,
                ROOM,
                name,
                invite,
                str(fps),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
            parties.append(Party(proc, name))
        everyone = await until_parties(
            parties,
            lambda: flowing(console) == n - 1 and all(p.flowing == n - 1 for p in parties),
            90.0,
        )
        firsts = {
            pid: leg.sink.first_frame_at
            for pid, leg in console.legs().items()
            if leg.sink is not None and leg.sink.first_frame_at is not None
        }
        admit_ms = [(firsts[pid] - at) * 1000.0 for pid, at in admitted_at.items() if pid in firsts]
        say(f"everyone flowing: {everyone}; measuring {seconds:g} s")
        for p in parties:
            await p.tell(f"measure {seconds}")
        mine = await measure_window(console, window, seconds)
        await until_parties(parties, lambda: all(p.report is not None for p in parties), 30.0)
        reports = [mine, *(p.report for p in parties if p.report is not None)]
        result = summary(
            "mesh",
            n,
            reports,
            everyone,
            max(admit_ms) if admit_ms else None,
            None,
        )
        result["admit_to_frame_median_ms"] = (
            round(statistics.median(admit_ms), 1) if admit_ms else None
        )
        return result
    finally:
        await asyncio.gather(*(p.stop() for p in parties), return_exceptions=True)
        await console.leave()
        await server.stop()
        set_ice_interfaces(None)


# --- the party side ---------------------------------------------------------------------------


async def party_main(url: str, room: str, name: str, token: str, fps: int) -> int:
    set_ice_interfaces(["lo"])
    window = MeshWindow()
    # A party only reads the barcode back, so its frames are converted at a small size.
    desk = RoomDesk(
        base_url=url,
        token_provider=lambda: token,
        name=name,
        preview=False,
        video_size=SIZE,
        sink_size=(160, 90),
        on_frame=window.on_frame,
    )
    try:
        await desk.join(room)
        say_json({"joined": desk.seat.me})
        return await serve_bench(lambda: flowing(desk), lambda s: measure_window(desk, window, s))
    finally:
        await desk.leave()


if __name__ == "__main__":
    quiet_decoder_warnings()
    url, room, name, token, fps = sys.argv[1:6]
    sys.exit(asyncio.run(party_main(url, room, name, token, int(fps))))
