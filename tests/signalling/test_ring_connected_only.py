"""Only a caller who is connected rings an officer; a stored ticket waits for its citizen."""

from __future__ import annotations

import asyncio
from functools import partial

from console.store.repos import call_queue
from console.store.store import Store
from tests.signalling.conftest import Harness, staff_token


def test_a_stored_ticket_without_its_citizen_does_not_ring(sqlite_url: str) -> None:
    # A call left in the store (the server restarted, or the demo's seeded queue): its
    # citizen has not come back, so there is nobody to answer.
    store = Store(sqlite_url)
    store.write_sync(
        partial(
            call_queue.enqueue,
            ticket="T-GONE",
            name="不在线",
            phone="",
            category="neighbour",
            vulnerable=False,
            consent=True,
        )
    )
    store.close()

    async def main() -> None:
        async with Harness(sqlite_url) as h:
            officer = await h.connect(staff_token())
            snapshot = await officer.expect("queue.snapshot")
            assert [e["ticket"] for e in snapshot["entries"]] == ["T-GONE"]  # still listed
            citizen, _token = await h.citizen("在线")
            ring = await officer.expect("call.ring")
            assert ring["name"] == "在线" and ring["ticket"] != "T-GONE"
            await citizen.close()
            await officer.close()

    asyncio.run(main())


def test_a_citizen_coming_back_rings_an_idle_officer(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            citizen, token = await h.citizen("回来的人")
            await citizen.close()  # the network drops; the ticket keeps its place
            officer = await h.connect(staff_token())
            await officer.expect("queue.snapshot")
            back = await h.connect(token)  # same ticket token, new connection
            ring = await officer.expect("call.ring", timeout=10)
            assert ring["name"] == "回来的人"
            await back.close()
            await officer.close()

    asyncio.run(main())
