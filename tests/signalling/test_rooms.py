"""Mediation rooms over the real server: invitations, lobby and admission, caucus isolation."""

from __future__ import annotations

import asyncio

import pytest

from console.core import tokens
from console.core.codes import Role
from console.signalling.rooms import RoomBook, RoomRefused
from tests.signalling.conftest import SECRET, Client, Harness, staff_token


def invite(room: str, who: str) -> str:
    return tokens.issue(
        SECRET, kind="invite", subject=who, role="citizen", ttl_s=600, room=room, name=who
    )


async def _refused(client: Client, code: str) -> dict[str, object]:
    return await client.expect("error", lambda m: m["code"] == code)


def test_lobby_admit_caucus_and_relay_rules(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            mediator = await h.connect(staff_token("201", Role.MEDIATOR, "周调解员"))
            await mediator.send("room.join", name="周调解员", room="R1")
            hosted = await mediator.expect("room.admitted")
            assert hosted["peers"] == []

            a = await h.connect(invite("R1", "甲方"))
            await a.send("room.join", name="甲方")
            lobby = await mediator.expect("room.lobby")
            assert lobby["name"] == "甲方" and lobby["participant"] == a.session
            state = await a.expect("room.state")
            assert a.session in state["lobby"] and a.session not in state["admitted"]
            # Nobody in the lobby may send media yet.
            await a.send("sdp.offer", to=mediator.session, sdp="v=0")
            await _refused(a, "forbidden")

            # Only the room's mediator admits.
            b = await h.connect(invite("R1", "乙方"))
            await b.send("room.join", name="乙方")
            await mediator.expect("room.lobby", lambda m: m["participant"] == b.session)
            await b.send("room.admit", room="R1", participant=a.session)
            await _refused(b, "forbidden")

            await mediator.send("room.admit", room="R1", participant=a.session)
            admitted = await a.expect("room.admitted")
            assert admitted["peers"] == [mediator.session]
            await mediator.send("room.admit", room="R1", participant=b.session)
            admitted = await b.expect("room.admitted")
            assert set(admitted["peers"]) == {mediator.session, a.session}

            await a.send("sdp.offer", to=b.session, sdp="v=0 a-to-b")
            relayed = await b.expect("relayed")
            assert relayed["from"] == a.session and relayed["sdp"] == "v=0 a-to-b"

            # Caucus with 甲方: 乙方 can reach neither the mediator nor 甲方, and back.
            await mediator.send("room.caucus", room="R1", participants=[a.session])
            caucus = await b.expect("room.admitted", lambda m: m["peers"] == [])
            assert caucus["peers"] == []
            await b.send("sdp.offer", to=a.session, sdp="v=0")
            await _refused(b, "forbidden")
            await b.send("sdp.offer", to=mediator.session, sdp="v=0")
            await _refused(b, "forbidden")
            await a.send("sdp.offer", to=b.session, sdp="v=0")
            await _refused(a, "forbidden")
            await a.send("sdp.offer", to=mediator.session, sdp="v=0 caucus")
            assert (await mediator.expect("relayed"))["sdp"] == "v=0 caucus"

            # Everyone back with one action.
            await mediator.send("room.caucus", room="R1", participants=[])
            await b.expect("room.admitted", lambda m: len(m["peers"]) == 2)
            await b.send("sdp.offer", to=a.session, sdp="v=0 again")
            assert await a.expect("relayed", lambda m: m["sdp"] == "v=0 again")

            # Mute reaches the participant; removal takes them out.
            await mediator.send(
                "room.mute", room="R1", participant=b.session, audio=True, video=False
            )
            muted = await b.expect("room.mute")
            assert muted["audio"] is True and muted["video"] is False
            await mediator.send("room.remove", room="R1", participant=b.session)
            await b.expect(
                "room.state",
                lambda m: b.session not in m["admitted"] and b.session not in m["lobby"],
            )
            await b.send("sdp.offer", to=a.session, sdp="v=0")
            await _refused(b, "forbidden")
            for c in (a, b, mediator):
                await c.close()

    asyncio.run(main())


def test_invitations_are_bound_to_their_room(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            a = await h.connect(invite("R1", "甲方"))
            await a.send("room.join", name="甲方", room="R2")
            await _refused(a, "forbidden")
            # A queue ticket is not an invitation.
            citizen, _token = await h.citizen("排队的人")
            await citizen.send("room.join", name="排队的人", room="R1")
            await _refused(citizen, "forbidden")
            # A duty officer is not a host: they wait in the lobby like anyone.
            officer = await h.connect(staff_token("101", Role.DUTY_OFFICER))
            await officer.send("room.join", name="值班员", room="R1")
            state = await officer.expect("room.state")
            assert officer.session in state["lobby"]
            for c in (a, citizen, officer):
                await c.close()

    asyncio.run(main())


def test_room_book_rules_without_a_server() -> None:
    book = RoomBook()
    book.join("R", "m", "调解员", host=True)
    book.join("R", "x", "甲", host=False)
    with pytest.raises(RoomRefused):
        book.join("Q", "x", "甲", host=False)  # one room at a time
    with pytest.raises(RoomRefused):
        book.set_caucus("m", "R", ["x"])  # not admitted yet
    book.admit("m", "R", "x")
    assert book.room_of("x") is not None and book.room_of("x").may_relay("x", "m")  # type: ignore[union-attr]
    book.leave("x")
    book.leave("m")
    assert book.rooms == {}  # an empty room is forgotten
