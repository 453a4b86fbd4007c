"""Moving a live call into a mediation room: the caller is told the room, nobody hangs up."""

from __future__ import annotations

import asyncio

import pytest

from console.core.codes import Role
from console.services.officer_desk import Ringing
from tests.services.desk_support import Caller, Recorder, loopback_ice
from tests.services.test_officer_desk import make_desk
from tests.signalling.conftest import Harness, staff_token

pytestmark = pytest.mark.timeout(60)


def test_transfer_into_a_room_moves_the_caller_to_its_lobby(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            desk = make_desk(h)
            rec = Recorder(desk)
            room = h.add_room()
            await desk.start()
            mediator = await h.connect(staff_token("7", Role.MEDIATOR, "周调解员"))
            await mediator.send("room.join", name="周调解员", room=room)
            await mediator.expect("room.admitted")
            caller = await Caller(h.base).start()
            try:
                ring = await rec.wait(Ringing)
                await desk.accept(ring.ticket)
                await rec.call_state("in_call", timeout=30)
                await desk.transfer_to_room(room)
                ended = await rec.call_state("ended")
                assert "mediation room" in ended.call.ended_reason
                stats = await caller.finish(20)
                assert stats.moved_to_room == room
                row = await h.queue.get(ring.ticket)
                assert row is not None and row.state.code == "transferred"
            finally:
                await caller.close()
                await desk.stop()
                await mediator.close()

    with loopback_ice():
        asyncio.run(main())
