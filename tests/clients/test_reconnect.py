"""The adapter reconnects and resumes: a cut connection or a server restart loses no place."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from console.core.codes import Role
from console.services.call_peer import request_ticket, ws_url
from console.signalling import protocol as p
from console.signalling.client import (
    ClientState,
    Event,
    StateChanged,
    WebSocketSignallingClient,
)
from tests.clients.support import MemoryQueue, make_server

pytestmark = pytest.mark.timeout(90)


async def _until(events: AsyncIterator[Event], pred: object, timeout: float = 20.0) -> Event:
    """The first event matching `pred` (events before it are skipped)."""
    async with asyncio.timeout(timeout):
        async for event in events:
            if pred(event):  # type: ignore[operator]
                return event
    raise AssertionError("event stream ended")


def _position(n: int) -> object:
    return lambda e: isinstance(e, p.QueuePosition) and e.position == n


async def _citizen(base: str, name: str) -> tuple[WebSocketSignallingClient, AsyncIterator[Event]]:
    _ticket, token = await request_ticket(base, name=name, category="labour")
    client = WebSocketSignallingClient(ws_url(base), lambda: token, backoff_base=0.1, backoff_cap=1)
    events = client.events()
    await client.connect()
    await client.send(
        p.CallRequest(id=client.new_id(), category="labour", name=name, recording_consent=True)
    )
    return client, events


async def _scenario() -> dict[str, object]:
    queue = MemoryQueue()
    server = make_server(queue)
    port = await server.start("127.0.0.1", 0)
    base = f"http://127.0.0.1:{port}"
    a = b = None
    try:
        a, a_ev = await _citizen(base, "甲")
        await _until(a_ev, _position(1))
        b, b_ev = await _citizen(base, "乙")
        await _until(b_ev, _position(2))
        first_session = b.session_id

        # 1. The connection is cut: the adapter says so, comes back, resumes, keeps place 2.
        await b.drop_connection()
        lost = await _until(
            b_ev, lambda e: isinstance(e, StateChanged) and e.state is ClientState.RECONNECTING
        )
        back = await _until(
            b_ev, lambda e: isinstance(e, StateChanged) and e.state is ClientState.CONNECTED
        )
        await _until(b_ev, _position(2))
        resumed_session = b.session_id

        # 1b. The console's (staff) connection is cut: it resumes and sees the same queue.
        officer = WebSocketSignallingClient(
            ws_url(base),
            lambda: server.staff_token(3, Role.DUTY_OFFICER, "值班员"),
            backoff_base=0.1,
            backoff_cap=1,
        )
        o_ev = officer.events()
        await officer.connect()
        snap = await _until(o_ev, lambda e: isinstance(e, p.QueueSnapshot))
        await officer.drop_connection()
        officer_back = await _until(
            o_ev, lambda e: isinstance(e, StateChanged) and e.state is ClientState.CONNECTED
        )
        snap_after = await _until(o_ev, lambda e: isinstance(e, p.QueueSnapshot))
        await officer.close()
        closed = await _until(
            o_ev, lambda e: isinstance(e, StateChanged) and e.state is ClientState.CLOSED
        )

        # 2. The server is killed and restarted on the same port over the same store.
        await server.stop()
        await _until(
            a_ev, lambda e: isinstance(e, StateChanged) and e.state is ClientState.RECONNECTING
        )
        server = make_server(queue)
        await server.start("127.0.0.1", port)
        await _until(a_ev, _position(1), timeout=30)
        await _until(b_ev, _position(2), timeout=30)
        return {
            "lost": lost,
            "back": back,
            "first_session": first_session,
            "resumed_session": resumed_session,
            "reconnects": (a.reconnects, b.reconnects),
            "rows": await queue.count(),
            "officer_back": officer_back,
            "snapshots": (
                [e.name for e in snap.entries],  # type: ignore[union-attr]
                [e.name for e in snap_after.entries],  # type: ignore[union-attr]
            ),
            "officer_closed": closed,
        }
    finally:
        for c in (a, b):
            if c is not None:
                await c.close()
        await server.stop()


def test_cut_connection_and_server_restart_keep_queue_place() -> None:
    r = asyncio.run(_scenario())
    assert isinstance(r["back"], StateChanged) and r["back"].resumed
    assert r["first_session"] == r["resumed_session"]
    assert r["reconnects"] == (1, 2)
    assert r["rows"] == 2
    assert isinstance(r["officer_back"], StateChanged) and r["officer_back"].resumed
    assert r["snapshots"] == (["甲", "乙"], ["甲", "乙"])
    assert isinstance(r["officer_closed"], StateChanged)
