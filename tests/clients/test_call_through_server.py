"""Two aiortc peers call each other through the real signalling server on loopback."""

from __future__ import annotations

import asyncio

import pytest

from console.core.codes import Role
from console.services.call_peer import CallStats, officer_call
from console.services.demo_caller import run_demo_caller
from tests.clients.support import make_server

pytestmark = pytest.mark.timeout(90)


async def _call() -> tuple[CallStats, CallStats]:
    server = make_server()
    port = await server.start("127.0.0.1", 0)
    base = f"http://127.0.0.1:{port}"
    try:
        staff = server.staff_token(7, Role.DUTY_OFFICER, "李警官")
        # The officer connects first and takes whichever call rings: the demo caller's.
        officer_task = asyncio.create_task(
            officer_call(base, staff, min_frames=60, seconds=0.5, timeout=60)
        )
        caller = await run_demo_caller(base, name="张三", category="neighbour", seconds=30.0)
        officer = await asyncio.wait_for(officer_task, 30)
        return caller, officer
    finally:
        await server.stop()


def test_caller_and_officer_see_each_other(loopback_ice: None) -> None:
    caller, officer = asyncio.run(_call())
    assert officer.errors == [] and caller.errors == [], (officer.errors, caller.errors)
    assert officer.frames_received >= 60, officer.as_dict()
    assert caller.frames_received >= 60, caller.as_dict()
    assert caller.positions and caller.positions[0] == 1
    assert officer.ended_reason == "hung up"
    # ICE offered nothing but loopback: no media could leave the machine.
    assert caller.local_addresses == officer.local_addresses == ["127.0.0.1"]
    assert caller.ended_reason not in (None, "timeout", "signalling closed"), caller.as_dict()
