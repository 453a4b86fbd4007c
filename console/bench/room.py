"""`console bench room`: a mediation room's media through real Janus (`--janus N`) or mesh.

With `--janus N` the benchmark re-runs itself in a private network namespace (Janus will
not do ICE over loopback; a veth pair inside the namespace carries the media and nothing
can reach another host), starts Janus on generated configuration, creates a room for N
publishers and has N participants (aiortc, 640×360 VP8 + Opus) publish and subscribe to
each other. Each frame carries its number as a barcode, read back at the receivers for
glass-to-glass latency, as in `bench call`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.bench.call import p95
from console.bench.common import fail, finish, say
from console.bench.private_net import (
    VethPair,
    can_make_netns,
    inside_private_netns,
    run_in_private_netns,
    setup_veth,
)
from console.bench.room_party import Window, flowing, measure_window, quiet_decoder_warnings
from console.media.peer import set_ice_interfaces
from console.services.janus_room import JanusRoomParticipant, create_janus_room
from console.signalling.janus_server import JanusConfig, JanusProcess, janus_available

SIZE = (640, 360)
FPS_TARGET = 20.0
LATENCY_TARGET_MS = 150.0
ADMIT_TARGET_MS = 1000.0
ROOM_BITRATE = 512_000


@dataclass(frozen=True, slots=True)
class PrivateJanus:
    url: str
    veth: VethPair
    process: JanusProcess


@contextlib.asynccontextmanager
async def private_janus(
    folder: Path, *, session_timeout_s: int = 60, reclaim_timeout_s: int = 30
) -> AsyncIterator[PrivateJanus]:
    """Janus inside the current private namespace, on a fresh veth pair; stopped on exit.

    Only call this inside a namespace of your own (it adds interfaces and changes sysctls).
    The participants' ICE is limited to the peer end of the veth pair until exit.
    """
    veth = setup_veth()
    cfg = JanusConfig(
        ice_interfaces=(veth.janus_if,),
        session_timeout_s=session_timeout_s,
        reclaim_timeout_s=reclaim_timeout_s,
    )
    process = JanusProcess(cfg, folder)
    set_ice_interfaces([veth.peer_if])
    try:
        await process.start()
        yield PrivateJanus(process.url, veth, process)
    finally:
        set_ice_interfaces(None)
        process.stop()


def run(args: argparse.Namespace) -> int:
    """Run the room benchmark; prints one JSON object as the last line."""
    if getattr(args, "mesh", None):
        # The mesh variant lives in its own module (imported late, as every benchmark is).
        room_mesh = importlib.import_module("console.bench.room_mesh")
        return int(room_mesh.run(args))
    n = getattr(args, "janus", None) or 6
    seconds = getattr(args, "seconds", None) or 10.0
    base: dict[str, Any] = {"bench": "room", "backend": "janus", "participants": n}
    if n < 2:
        return fail(base, "a room needs at least 2 participants")
    if not janus_available():
        return fail(base, "needs Janus (Debian package janus)")
    if inside_private_netns():
        quiet_decoder_warnings()
        result = asyncio.run(measure(n, seconds))
        return finish_room(result)
    reason = can_make_netns()
    if reason is not None:
        return fail(base, reason)
    say(f"room bench: {n} participants through Janus, {seconds:g} s, private network namespace")
    root = Path(__file__).resolve().parents[2]
    argv = ["-m", "console.bench.room", str(n), str(seconds)]
    return run_in_private_netns(argv, timeout=seconds + 150, cwd=root)


def finish_room(result: dict[str, Any]) -> int:
    """Print the result against the room targets (both backends): the last line, JSON."""
    if not result.get("all_flowing"):
        return fail(result, "not every participant received every other")
    result["fps_shortfall"] = round(max(0.0, FPS_TARGET - result["fps_min"]), 1)
    return finish(
        result,
        {
            "fps_shortfall": 0.0,
            "latency_p95_ms": LATENCY_TARGET_MS,
            "admit_to_frame_ms": ADMIT_TARGET_MS,
        },
    )


class Party:
    """A remote party's process (console.bench.room_party) and what it has said so far."""

    def __init__(self, proc: asyncio.subprocess.Process, name: str) -> None:
        self.proc = proc
        self.name = name
        self.feed: int | str = 0
        self.flowing = 0
        self.report: dict[str, Any] | None = None
        self.changed = asyncio.Event()
        self.reader = asyncio.get_running_loop().create_task(self._read(), name=f"party-{name}")

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        async for line in self.proc.stdout:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            self.feed = msg.get("joined", self.feed)  # a Janus feed id or a room session id
            self.flowing = int(msg.get("flowing", self.flowing))
            self.report = msg.get("report", self.report)
            self.changed.set()
        self.changed.set()

    async def tell(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        await self.proc.stdin.drain()

    async def stop(self) -> None:
        with contextlib.suppress(ConnectionError, AssertionError):
            await self.tell("quit")
        try:
            await asyncio.wait_for(self.proc.wait(), 20)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
        self.reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.reader


async def _until(parties: list[Party], check: Any, timeout: float) -> bool:
    """Wait until `check()` holds, re-checking whenever a party says something."""
    deadline = time.monotonic() + timeout
    while not check():
        left = deadline - time.monotonic()
        if left <= 0 or any(p.proc.returncode is not None for p in parties):
            return False
        for p in parties:
            p.changed.clear()
        waits = [asyncio.ensure_future(p.changed.wait()) for p in parties]
        await asyncio.wait(waits, timeout=min(left, 0.5), return_when=asyncio.FIRST_COMPLETED)
        for w in waits:
            w.cancel()
    return True


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process (e.g. Janus), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(n: int, seconds: float, fps: int = 30) -> dict[str, Any]:
    """N participants through Janus: fps, latency, CPU and admit→first frame, as a dict.

    The console is one participant, in this process; the other N-1 parties run in their own
    processes, as the citizens' browsers would on their own machines, so the console's CPU
    figure is its own. All of them share this machine's cores, though.
    """
    folder = Path(tempfile.mkdtemp(prefix="janus-bench-"))
    try:
        async with private_janus(folder) as janus:
            return await _measure(janus, n, seconds, fps)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def _measure(janus: PrivateJanus, n: int, seconds: float, fps: int) -> dict[str, Any]:
    room = 4242
    await create_janus_room(janus.url, room, publishers=n, bitrate=ROOM_BITRATE)
    window = Window()
    console = JanusRoomParticipant(
        janus.url, room, "console", size=SIZE, fps=fps, on_frame=window.on_frame
    )
    parties: list[Party] = []
    try:
        for i in range(n - 1):
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "console.bench.room_party",
                janus.url,
                str(room),
                f"party-{i + 1}",
                str(fps),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
            parties.append(Party(proc, f"party-{i + 1}"))
        # The parties meet first; the console is then admitted into a room where media
        # already flows, which is what admit→first frame is about.
        ready = await _until(parties, lambda: all(p.flowing >= n - 2 for p in parties), 90.0)
        say(f"{n - 1} parties flowing: {ready}")
        admit_start = time.monotonic()
        await console.join()
        everyone = await console.wait_for(lambda: flowing(console) == n - 1, 60.0)
        firsts = [f.first_frame_at for f in console.feeds.values() if f.first_frame_at]
        admit_ms = (min(firsts) - admit_start) * 1000.0 if firsts else None
        admit_all_ms = (max(firsts) - admit_start) * 1000.0 if everyone else None
        all_flowing = everyone and await _until(
            parties, lambda: all(p.flowing == n - 1 for p in parties), 60.0
        )
        say(f"everyone flowing: {all_flowing}; measuring {seconds:g} s")
        janus_pid = janus.process.pid
        janus_cpu0, t0 = _cpu_seconds(janus_pid), time.monotonic()
        for p in parties:
            await p.tell(f"measure {seconds}")
        mine = await measure_window(console, window, seconds)
        janus_cpu = (_cpu_seconds(janus_pid) - janus_cpu0) / (time.monotonic() - t0)
        await _until(parties, lambda: all(p.report is not None for p in parties), 30.0)
        reports = [mine, *(p.report for p in parties if p.report is not None)]
        result = summary("janus", n, reports, all_flowing, admit_ms, admit_all_ms)
        result["janus_cpu_cores"] = round(janus_cpu, 2)
        return result
    finally:
        await asyncio.gather(*(p.stop() for p in parties), return_exceptions=True)
        await console.leave()


def summary(
    backend: str,
    n: int,
    reports: list[dict[str, Any]],
    all_flowing: bool,
    admit_ms: float | None,
    admit_all_ms: float | None,
) -> dict[str, Any]:
    """The result from every participant's window report (the console's first): per-pair
    fps, latency from each sender's `sent` times and the receivers' barcode samples."""
    sent = {str(r["feed"]): {int(v): t for v, t in r["sent"].items()} for r in reports}
    names = {str(r["feed"]): r["display"] for r in reports}
    latencies: list[float] = []
    fps_all: list[float] = []
    per_person: dict[str, float] = {}
    for r in reports:
        fps = [float(v) for v in r["fps"].values()]
        fps_all.extend(fps)
        per_person[r["display"]] = round(min(fps, default=0.0), 1)
        for feed, value, at in r["samples"]:
            t = sent.get(str(feed), {}).get(int(value))
            if t is not None:
                latencies.append((at - t) * 1000.0)
    console = reports[0]
    return {
        "bench": "room",
        "backend": backend,
        "participants": n,
        "all_flowing": all_flowing,
        "reports": len(reports),
        "fps_min": round(min(fps_all, default=0.0), 1),
        "fps_median": round(statistics.median(fps_all), 1) if fps_all else 0.0,
        "fps_min_by_participant": per_person,
        "latency_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "latency_p95_ms": round(p95(latencies), 1) if latencies else None,
        "latency_samples": len(latencies),
        "cpu_cores": round(console["cpu_cores"], 2),
        "parties_cpu_cores": round(sum(r["cpu_cores"] for r in reports[1:]), 2),
        "admit_to_frame_ms": round(admit_ms, 1) if admit_ms is not None else None,
        "admit_to_all_frames_ms": round(admit_all_ms, 1) if admit_all_ms is not None else None,
        "window_s": round(console["window_s"], 1),
        # Other work on the machine shares the cores with every participant: say how much.
        "loadavg_1m": round(os.getloadavg()[0], 2),
        "feeds": sorted(names.values()),
    }


if __name__ == "__main__":
    # The namespace side of `console bench room --janus N`: python -m console.bench.room N S
    if not inside_private_netns():
        sys.exit("run through `console bench room --janus N`")
    ns = argparse.Namespace(janus=int(sys.argv[1]), seconds=float(sys.argv[2]), mesh=None)
    sys.exit(run(ns))
