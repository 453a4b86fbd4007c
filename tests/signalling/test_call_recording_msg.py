"""`call.recording`, wrap-up and presence on the real server: refusals, echoes, who is rung."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.signalling.conftest import Client, Harness

TOKENS: dict[str, str] = {}
"""Ticket -> the citizen's token, to reconnect as that citizen."""


async def _citizen(h: Harness, consent: bool, name: str = "张三") -> tuple[Client, str]:
    c, ticket, _ = await _citizen_token(h, consent, name)
    return c, ticket


async def _citizen_token(h: Harness, consent: bool, name: str = "张三") -> tuple[Client, str, str]:
    ticket, token = await h.new_ticket()
    c = await h.connect(token)
    await c.send(
        "call.request",
        category="neighbour",
        name=name,
        phone="13800000000",
        recording_consent=consent,
    )
    await c.expect("queue.position")
    TOKENS[ticket] = token
    return c, ticket, token


async def _answered(h: Harness, officer: Client, consent: bool) -> tuple[Client, dict[str, Any]]:
    citizen, ticket = await _citizen(h, consent)
    ring = await officer.expect("call.ring", lambda m: m["ticket"] == ticket)
    await officer.send("call.accept", ticket=ticket)
    await officer.expect("call.accepted")
    await citizen.expect("call.accepted")
    return citizen, ring


def test_recording_refused_without_consent_or_call_and_echoed_with_consent(
    sqlite_url: str,
) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            officer = await h.officer()
            ref = await officer.send("call.recording", ticket="T-none", on=True)
            err = await officer.expect("error", lambda m: m["ref"] == ref)
            assert err["code"] == "conflict"  # not in a call

            citizen, ring = await _answered(h, officer, consent=False)
            assert ring["recording_consent"] is False and ring["phone"] == "13800000000"
            ref = await officer.send("call.recording", ticket=ring["ticket"], on=True)
            err = await officer.expect("error", lambda m: m["ref"] == ref)
            assert err["code"] == "forbidden"
            # A citizen may not switch recording, not even its own call's.
            ref = await citizen.send("call.recording", ticket=ring["ticket"], on=False)
            err = await citizen.expect("error", lambda m: m["ref"] == ref)
            assert err["code"] == "forbidden"
            await officer.send("call.hangup", ticket=ring["ticket"])
            await citizen.expect("call.ended")

            citizen2, ring2 = await _answered(h, officer, consent=True)
            assert ring2["recording_consent"] is True
            await officer.send("call.recording", ticket=ring2["ticket"], on=True)
            on = await citizen2.expect("call.recording")
            assert on["on"] is True and on["ticket"] == ring2["ticket"]
            assert (await officer.expect("call.recording"))["on"] is True
            # A second officer is not in this call: forbidden, not a conflict.
            other = await h.officer("102", "王警官")
            ref = await other.send("call.recording", ticket=ring2["ticket"], on=False)
            assert (await other.expect("error", lambda m: m["ref"] == ref))["code"] == "forbidden"
            # A citizen back after a network drop is told recording is on.
            session = citizen2.session
            await citizen2.close()
            back = await h.connect()
            welcome = await back.hello(TOKENS[ring2["ticket"]], resume=session)
            assert welcome["resumed"] is True
            accepted = await back.expect("call.accepted")
            assert accepted["recording"] is True
            # ...and, when the call is on hold, that it still is.
            await officer.send("call.hold", ticket=ring2["ticket"], on=True)
            await back.expect("call.held")
            session = back.session
            await back.close()
            again = await h.connect()
            await again.hello(TOKENS[ring2["ticket"]], resume=session)
            await again.expect("call.accepted")
            assert (await again.expect("call.held"))["on"] is True
            await officer.send("call.recording", ticket=ring2["ticket"], on=False)
            assert (await officer.expect("call.recording"))["on"] is False

    asyncio.run(main())


def test_wrap_up_and_away_after_a_call(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            a = await h.officer("1", "甲")
            await a.send("presence.set", state="available", wrap_up=True)
            mine = await a.expect("presence", lambda m: m["user"] == "1")
            assert mine["state"] == "available"
            citizen, ring = await _answered(h, a, consent=True)
            assert (await a.expect("presence", lambda m: m["user"] == "1"))["state"] == "on_call"
            await a.send("call.hangup", ticket=ring["ticket"])
            await a.expect("call.ended")
            after = await a.expect(
                "presence", lambda m: m["user"] == "1" and m["state"] != "on_call"
            )
            assert after["state"] == "wrap_up"
            # Wrap-up: a waiting caller is not rung to this officer.
            c2, ticket2 = await _citizen(h, consent=True, name="李四")
            await a.expect(
                "queue.snapshot", lambda m: any(e["ticket"] == ticket2 for e in m["entries"])
            )
            assert not [m for m in a.buffer if m["type"] == "call.ring"]
            await a.send("presence.set", state="available")
            ring2 = await a.expect("call.ring", lambda m: m["ticket"] == ticket2)
            await a.send("call.accept", ticket=ring2["ticket"])
            await a.expect("call.accepted")
            await a.send("presence.set", state="away")  # during the call: applies after it
            await a.send("call.hangup", ticket=ticket2)
            await a.expect("call.ended", lambda m: m["ticket"] == ticket2)
            away = await a.expect("presence", lambda m: m["user"] == "1" and m["state"] == "away")
            assert away["name"] == "甲"
            ref = await a.send("presence.set", state="on_call")
            err = await a.expect("error", lambda m: m["ref"] == ref)
            assert err["code"] == "conflict"  # on_call comes from accepting a call only
            assert h.server.hub.sessions
            await citizen.close()
            await c2.close()

    asyncio.run(main())
