"""`console bench signalling`: queue-position fan-out to N waiting citizens over loopback."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

from console.bench import common
from console.core import tokens
from console.core.codes import Role
from console.services.signalling_store import StoreQueue
from console.signalling.server import Limits, ServerConfig, SignallingServer
from console.store import migrate
from console.store.store import Store

TARGETS = {"fanout_p95_ms": 50.0}


def _rss_kb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024


class _Citizen:
    """A waiting citizen that notes when its queue position last arrived."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, ticket: str) -> None:
        self.ws = ws
        self.ticket = ticket
        self.position = 0
        self.seen_at = 0.0
        self.waiters: dict[int, asyncio.Future[float]] = {}
        self.task: asyncio.Task[None] | None = None

    async def read(self) -> None:
        async for msg in self.ws:
            if msg.type is not aiohttp.WSMsgType.TEXT:
                break
            m = json.loads(msg.data)
            if m["type"] == "queue.position":
                now = time.perf_counter()
                self.position = m["position"]
                fut = self.waiters.pop(self.position, None)
                if fut is not None and not fut.done():
                    fut.set_result(now)


async def _send(ws: aiohttp.ClientWebSocketResponse, type_: str, **fields: Any) -> None:
    await ws.send_str(json.dumps({"v": 1, "type": type_, "id": secrets.token_hex(6), **fields}))


async def _expect(ws: aiohttp.ClientWebSocketResponse, type_: str) -> dict[str, Any]:
    while True:
        msg = await ws.receive(timeout=30)
        if msg.type is not aiohttp.WSMsgType.TEXT:
            raise ConnectionError(f"socket ended: {msg.type}")
        m = json.loads(msg.data)
        if m["type"] == type_:
            return m


async def _measure(clients: int, rounds: int, db_url: str) -> dict[str, Any]:
    secret = secrets.token_bytes(32)
    limits = Limits(
        max_connections_per_address=clients + rounds + 10,
        ticket_rate_per_s=1e6,
        ticket_burst=1e6,
    )
    config = ServerConfig(
        secret=secret, limits=limits, heartbeat_s=3600, grace_s=3600, web_root=None
    )
    store = Store(db_url)
    server = SignallingServer(config, StoreQueue(store))
    port = await server.start()
    base = f"http://127.0.0.1:{port}"
    http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    citizens: list[_Citizen] = []
    try:
        total = clients + rounds
        rss0 = _rss_kb()

        async def join(i: int) -> _Citizen:
            async with http.post(f"{base}/api/ticket") as r:
                body = await r.json()
            ws = await http.ws_connect(f"{base}/ws")
            await _send(ws, "hello", token=body["token"])
            await _expect(ws, "welcome")
            return _Citizen(ws, body["ticket"])

        # Join in order so that queue order is the list order.
        for start in range(0, total, 50):
            citizens += await asyncio.gather(
                *(join(i) for i in range(start, min(total, start + 50)))
            )
        for i, c in enumerate(citizens):
            await _send(
                c.ws, "call.request", category="neighbour", name=f"市民{i}", recording_consent=True
            )
            c.position = (await _expect(c.ws, "queue.position"))["position"]
        rss1 = _rss_kb()
        common.say(f"{total} citizens waiting; RSS +{(rss1 - rss0) / 1024:.1f} MiB")
        for c in citizens:
            c.task = asyncio.create_task(c.read())
        officer = await http.ws_connect(f"{base}/ws")
        staff = tokens.issue(
            secret,
            kind="staff",
            subject="1",
            role=Role.DUTY_OFFICER.code,
            ttl_s=3600,
            name="值班员",
        )
        await _send(officer, "hello", token=staff)
        await _expect(officer, "welcome")
        await _send(officer, "presence.set", state="away")  # answer by hand, not by ring
        lat: list[float] = []
        for r in range(rounds):
            head, rest = citizens[r], citizens[r + 1 :]
            loop = asyncio.get_running_loop()
            futs = []
            for c in rest:
                fut: asyncio.Future[float] = loop.create_future()
                c.waiters[c.position - 1] = fut
                futs.append(fut)
            t0 = time.perf_counter()
            await _send(officer, "call.accept", ticket=head.ticket)
            done = await asyncio.wait_for(asyncio.gather(*futs), 30)
            lat.append(max(done) - t0)
            await _send(officer, "call.hangup", ticket=head.ticket)
            await _expect(officer, "call.ended")
        result: dict[str, Any] = {
            "bench": "signalling",
            "clients": clients,
            "rounds": rounds,
            **common.latency_summary("fanout", lat),
            "memory_per_connection_kb": round((rss1 - rss0) / total, 1),
            "memory_note": "RSS delta of one process holding both ends of every socket",
        }
        await officer.close()
        return result
    finally:
        for c in citizens:
            await c.ws.close()
            if c.task is not None:
                await c.task
        await http.close()
        await server.stop()
        store.close()


def run(args: argparse.Namespace) -> int:
    clients = int(getattr(args, "clients", None) or 500)
    rounds = max(1, int(getattr(args, "rounds", None) or 20))
    db_url = getattr(args, "db_url", None)
    with tempfile.TemporaryDirectory() as tmp:
        if db_url is None:
            db_url = f"sqlite:///{Path(tmp) / 'bench-signalling.sqlite'}"
            migrate.upgrade(db_url)
        try:
            result = asyncio.run(_measure(clients, rounds, db_url))
        except Exception as exc:
            return common.fail({"bench": "signalling", "clients": clients}, repr(exc))
    return common.finish(result, TARGETS)
