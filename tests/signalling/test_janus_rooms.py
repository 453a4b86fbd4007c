"""Rooms scheduled with the Janus backend when Janus is missing, silent or refusing.

The server must say why in words, keep the room usable for everything but media, and never
stall its other work on a Janus that swallows requests (a silent TCP listener here)."""

from __future__ import annotations

import asyncio
import time

import pytest

from console.core.codes import Role
from console.signalling.janus_rooms import JanusLink, JanusRooms, JanusUnavailable
from console.store.store import Store
from tests.signalling.conftest import Harness, staff_token

pytestmark = pytest.mark.timeout(60)


class SilentListener:
    """Accepts TCP connections and never answers (a Janus that hangs)."""

    def __init__(self) -> None:
        self.accepted = 0
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def _accept(self, _reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        self._writers.append(writer)

    async def stop(self) -> None:
        for writer in self._writers:
            writer.transport.abort()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


def _janus_room(store: Store) -> str:
    return Harness.add_room_to(store, "大调解室", backend="janus", publishers=8)


def test_a_silent_janus_fails_once_then_fast_until_retry() -> None:
    async def main() -> None:
        silent = SilentListener()
        port = await silent.start()
        rooms = JanusRooms(JanusLink(f"ws://127.0.0.1:{port}/"), request_s=0.5, retry_after_s=30.0)
        try:
            started = time.monotonic()
            with pytest.raises(JanusUnavailable, match="did not open the room"):
                await rooms.create(8, "test")
            first = time.monotonic() - started
            started = time.monotonic()
            with pytest.raises(JanusUnavailable, match="did not open the room"):
                await rooms.create(8, "test")
            second = time.monotonic() - started
            # The first attempt waited for its bound; the second did not ask Janus at all.
            assert 0.4 < first < 5.0 and second < 0.1, (first, second)
            assert silent.accepted == 1 and rooms.created == 0
        finally:
            await silent.stop()

    asyncio.run(main())


def test_janus_room_without_janus_configured_is_refused_with_the_reason(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            room = _janus_room(h.store)
            mediator = await h.connect(staff_token("201", Role.MEDIATOR, "周调解员"))
            ref = await mediator.send("room.join", name="周调解员", room=room)
            error = await mediator.expect("error", lambda m: m["ref"] == ref)
            assert error["code"] == "conflict"
            assert "media server (Janus)" in error["message"]

    asyncio.run(main())


def test_unreachable_janus_leaves_the_room_usable_and_says_why(sqlite_url: str) -> None:
    async def main() -> None:
        # Nothing listens on this port: connecting is refused at once.
        link = JanusLink("ws://127.0.0.1:9/")
        async with Harness(sqlite_url, janus=link) as h:
            room = _janus_room(h.store)
            mediator = await h.connect(staff_token("201", Role.MEDIATOR, "周调解员"))
            await mediator.send("room.join", name="周调解员", room=room)
            error = await mediator.expect("error")
            assert error["code"] == "internal" and "Janus" in error["message"]
            state = await mediator.expect("room.state")
            assert state["admitted"] == [mediator.session] and state.get("media") is None
            # The rest of the server carries on: chat in the room still works.
            await mediator.send("room.chat", room=room, text="媒体服务器暂不可用，请稍候")
            posted = await mediator.expect("room.chat")
            assert posted["text"].startswith("媒体服务器")

    asyncio.run(main())
