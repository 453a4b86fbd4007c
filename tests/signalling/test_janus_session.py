"""The Janus client against a real Janus on loopback: rooms, refusals, keepalive and reclaim.

Signalling only (no media), so no network namespace is needed: Janus's WebSocket listens on
127.0.0.1 and, with no STUN server configured, Janus contacts nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from console.signalling.janus import (
    NO_SUCH_FEED,
    NO_SUCH_ROOM,
    ROOM_EXISTS,
    ConnectionLost,
    JanusError,
    JanusEvent,
    JanusSession,
    SessionLost,
    SessionReclaimed,
    VideoRoomHandle,
)
from console.signalling.janus_server import JanusConfig, JanusProcess, janus_available, write_config
from tests.signalling.janus_support import CuttableProxy

pytestmark = [
    pytest.mark.timeout(60),
    pytest.mark.skipif(not janus_available(), reason="needs the Debian package janus"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Events:
    def __init__(self) -> None:
        self.items: list[JanusEvent] = []
        self.changed = asyncio.Event()

    def __call__(self, event: JanusEvent) -> None:
        self.items.append(event)
        self.changed.set()

    async def wait_for(self, kind: type, timeout: float) -> JanusEvent:
        async def seen() -> JanusEvent:
            while True:
                for e in self.items:
                    if isinstance(e, kind):
                        return e
                self.changed.clear()
                await self.changed.wait()

        return await asyncio.wait_for(seen(), timeout)


@contextlib.asynccontextmanager
async def running_janus(folder: Path) -> AsyncIterator[JanusProcess]:
    # A short session timeout so keepalives are what keeps a session alive in this test.
    cfg = JanusConfig(ws_port=_free_port(), session_timeout_s=3, reclaim_timeout_s=10)
    process = JanusProcess(cfg, folder)
    try:
        await process.start()
        yield process
    finally:
        process.stop()


def test_generated_configuration_loads_only_videoroom_and_websockets(tmp_path: Path) -> None:
    cfg = JanusConfig(ws_port=18188, ice_interfaces=("vjanus",))
    main = write_config(cfg, tmp_path).read_text()
    assert 'ice_enforce_list = "vjanus"' in main and "stun_server" not in main
    assert "reclaim_session_timeout = 30" in main
    ws = (tmp_path / "janus.transport.websockets.jcfg").read_text()
    assert 'ws_ip = "127.0.0.1"' in ws and "ws_port = 18188" in ws
    assert [p.name for p in (tmp_path / "plugins").iterdir()] == ["libjanus_videoroom.so"]
    assert [p.name for p in (tmp_path / "transports").iterdir()] == ["libjanus_websockets.so"]


def test_rooms_are_created_and_destroyed_and_refusals_carry_code_and_reason(
    tmp_path: Path,
) -> None:
    async def main() -> None:
        async with running_janus(tmp_path) as janus:
            await rooms_and_refusals(janus)

    asyncio.run(main())


async def rooms_and_refusals(janus: JanusProcess) -> None:
    session = JanusSession(janus.url)
    await session.connect()
    try:
        admin = await VideoRoomHandle.attach(session)
        assert await admin.create_room(77, publishers=1) == 77
        with pytest.raises(JanusError) as exists:
            await admin.create_room(77, publishers=1)
        assert exists.value.code == ROOM_EXISTS

        member = await VideoRoomHandle.attach(session)
        joined = await member.join_as_publisher(77, "甲方")
        assert joined.room == 77 and joined.feed and joined.publishers == ()
        # Joined but not publishing media (that needs ICE: see test_janus_room.py).
        assert await admin.list_publishers(77) == ()
        viewer = await VideoRoomHandle.attach(session)
        with pytest.raises(JanusError) as missing:
            await viewer.join_as_subscriber(77, 4242)
        assert missing.value.code == NO_SUCH_FEED
        await admin.destroy_room(77)
        with pytest.raises(JanusError) as gone:
            await admin.list_publishers(77)
        assert gone.value.code == NO_SUCH_ROOM and "no such room" in gone.value.reason
    finally:
        await session.close()


def test_keepalives_hold_a_session_past_the_timeout_and_a_cut_socket_reclaims_it(
    tmp_path: Path,
) -> None:
    async def main() -> None:
        async with running_janus(tmp_path) as janus:
            await keepalive_and_reclaim(janus)

    asyncio.run(main())


async def keepalive_and_reclaim(janus: JanusProcess) -> None:
    proxy = CuttableProxy("127.0.0.1", janus.cfg.ws_port)
    await proxy.start()
    kept = JanusSession(f"ws://127.0.0.1:{proxy.port}/", keepalive_s=1.0)
    silent = JanusSession(janus.url, keepalive_s=3600.0)
    kept_events, silent_events = Events(), Events()
    kept.subscribe(kept_events)
    silent.subscribe(silent_events)
    await kept.connect()
    await silent.connect()
    try:
        # Without keepalives Janus times a session out (3 s here) and says so.
        await silent_events.wait_for(SessionLost, 20.0)
        with pytest.raises(JanusError):
            await silent.attach("janus.plugin.videoroom")
        # The kept session outlived it, and still works.
        assert not any(isinstance(e, SessionLost) for e in kept_events.items)
        handle = await VideoRoomHandle.attach(kept)

        before = kept.session_id
        assert proxy.cut() >= 2
        await kept_events.wait_for(ConnectionLost, 10.0)
        reclaimed = await kept_events.wait_for(SessionReclaimed, 15.0)
        assert isinstance(reclaimed, SessionReclaimed) and reclaimed.session == before
        assert kept.session_id == before and kept.reclaims == 1
        # The handle attached before the cut belongs to the reclaimed session.
        assert await handle.create_room(78, publishers=2) == 78
        await handle.destroy_room(78)
    finally:
        await kept.close()
        await silent.close()
        await proxy.stop()
