"""A real signalling server on loopback over a migrated SQLite store, and a small test client."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from typing import Any

import aiohttp

from console.core import tokens
from console.core.clock import utcnow
from console.core.codes import Role, RoomState
from console.services.signalling_store import StoreQueue, StoreRoomSeats
from console.signalling.server import Limits, ServerConfig, SignallingServer
from console.store.models import Room
from console.store.store import Store

SECRET = b"s" * 32


class Client:
    """One WebSocket: send dicts, await the next message matching a type."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.buffer: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self.session: str | None = None

    def next_id(self) -> str:
        return f"c{next(self._ids)}"

    async def send(self, type: str, **fields: Any) -> str:
        msg_id = fields.pop("id", None) or self.next_id()
        await self.ws.send_str(json.dumps({"v": 1, "type": type, "id": msg_id, **fields}))
        return msg_id

    async def _read(self, timeout: float) -> dict[str, Any]:
        msg = await self.ws.receive(timeout=timeout)
        if msg.type is not aiohttp.WSMsgType.TEXT:
            raise ConnectionError(f"socket ended: {msg.type} {msg.data!r}")
        return json.loads(msg.data)

    async def expect(
        self,
        type: str,
        pred: Callable[[dict[str, Any]], bool] = lambda m: True,
        timeout: float = 5.0,
    ) -> dict[str, Any]:
        for i, m in enumerate(self.buffer):
            if m["type"] == type and pred(m):
                return self.buffer.pop(i)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            m = await self._read(max(0.01, deadline - loop.time()))
            if m["type"] == type and pred(m):
                return m
            self.buffer.append(m)

    async def hello(self, token: str, resume: str | None = None) -> dict[str, Any]:
        ref = await self.send("hello", token=token, resume=resume)
        welcome = await self.expect("welcome", lambda m: m["ref"] == ref)
        self.session = welcome["session"]
        return welcome

    async def close(self) -> None:
        await self.ws.close()


class Harness:
    """Store + server + HTTP client session, all stopped on exit."""

    def __init__(self, url: str, **config: Any) -> None:
        self.url = url
        limits = config.pop("limits", None) or Limits(ticket_burst=1000, ticket_rate_per_s=100)
        config.setdefault("web_root", None)
        self.config = ServerConfig(secret=SECRET, limits=limits, **config)

    async def __aenter__(self) -> Harness:
        self.store = Store(self.url)
        self.queue = StoreQueue(self.store)
        self.server = SignallingServer(self.config, self.queue, StoreRoomSeats(self.store))
        self.port = await self.server.start()
        self.http = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.close()
        await self.server.stop()
        self.store.close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def connect(self, token: str | None = None) -> Client:
        ws = await self.http.ws_connect(f"{self.base}/ws", autoping=True)
        client = Client(ws)
        if token is not None:
            await client.hello(token)
        return client

    async def new_ticket(self) -> tuple[str, str]:
        async with self.http.post(f"{self.base}/api/ticket") as resp:
            assert resp.status == 200
            body = await resp.json()
        return body["ticket"], body["token"]

    async def citizen(self, name: str = "张三", **fields: Any) -> tuple[Client, str]:
        """A connected citizen who has joined the queue."""
        _ticket, token = await self.new_ticket()
        c = await self.connect(token)
        await c.send(
            "call.request",
            category=fields.pop("category", "neighbour"),
            name=name,
            recording_consent=True,
            **fields,
        )
        await c.expect("queue.position")
        return c, token

    async def officer(self, user: str = "101", name: str = "李警官") -> Client:
        return await self.connect(staff_token(user, name=name))

    async def restart(self) -> None:
        """Stop the server object and start a new one on the same store file."""
        await self.server.stop()
        self.store.close()
        self.store = Store(self.url)
        self.queue = StoreQueue(self.store)
        self.server = SignallingServer(self.config, self.queue, StoreRoomSeats(self.store))
        self.port = await self.server.start()

    async def rows(self) -> int:
        return await self.queue.count()

    def add_room(self, name: str = "调解室", state: RoomState = RoomState.SCHEDULED) -> str:
        """A mediation room in the store (the server seats people only in stored rooms)."""
        return self.add_room_to(self.store, name, state)

    @staticmethod
    def add_room_to(
        store: Store,
        name: str,
        state: RoomState = RoomState.SCHEDULED,
        *,
        backend: str = "mesh",
        publishers: int = 4,
    ) -> str:
        def op(session: Any) -> tuple[int, None]:
            room = Room(
                name=name,
                state=state.code,
                scheduled_at=utcnow(),
                backend=backend,
                max_publishers=publishers,
            )
            session.add(room)
            session.flush()
            return room.id, None

        room_id, _ = store.write_sync(op)
        return str(room_id)


def staff_token(user: str = "101", role: Role = Role.DUTY_OFFICER, name: str = "李警官") -> str:
    return tokens.issue(
        SECRET, kind="staff", subject=user, role=role.code, ttl_s=tokens.STAFF_TTL_S, name=name
    )


def ticket_token(ticket: str, ttl_s: float = tokens.TICKET_TTL_S, now: float | None = None) -> str:
    return tokens.issue(
        SECRET,
        kind="ticket",
        subject=ticket,
        role=tokens.CITIZEN_ROLE,
        ttl_s=ttl_s,
        ticket=ticket,
        now=now,
    )
