"""Mediation rooms over the real server: invitations, lobby and admission, caucus isolation."""

from __future__ import annotations

import asyncio
from functools import partial

import pytest

from console.core import tokens
from console.core.codes import Role, RoomState
from console.signalling.rooms import RoomBook, RoomRefused
from console.store.repos import rooms as rooms_repo
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


def test_only_a_host_shares_and_the_share_ends_with_its_sharer() -> None:
    book = RoomBook()
    room, _ = book.join("R", "m", "调解员", host=True)
    for sid, name in (("x", "甲"), ("y", "乙")):
        book.join("R", sid, name, host=False)
        book.admit("m", "R", sid)
    with pytest.raises(RoomRefused) as refused:
        book.set_sharing("x", "R", True, "screen", "")
    assert refused.value.code == "forbidden" and room.sharing is None

    book.set_sharing("m", "R", True, "document", "协议草稿.png")
    assert room.sharing is not None and room.sharing.sid == "m"
    assert room.sharing.title == "协议草稿.png"
    assert room.sharing_for("x") == room.sharing_for("m") == room.sharing
    # In a caucus the waiting side does not see the mediator's video, nor the share.
    book.set_caucus("m", "R", ["x"])
    assert room.sharing_for("x") is not None and room.sharing_for("y") is None
    book.set_caucus("m", "R", [])
    book.set_sharing("m", "R", False, "screen", "")
    assert room.sharing is None

    # Removing someone else leaves the share; the sharer leaving ends it.
    book.set_sharing("m", "R", True, "screen", "")
    book.remove("m", "R", "y")
    assert room.sharing is not None
    book.join("R", "m2", "督导", host=True)
    book.set_sharing("m2", "R", True, "screen", "")
    book.leave("m2")
    assert room.sharing is None
    book.set_sharing("m", "R", True, "screen", "")
    book.leave("m")
    assert room.sharing is None and "R" in book.rooms


def _person(state: dict[str, object], sid: str | None) -> dict[str, object]:
    """The person `sid` as `state` lists them ({} when not listed yet)."""
    return next((p for p in state["people"] if p["id"] == sid), {})  # type: ignore[union-attr, index]


def test_consent_gates_recording_chat_stays_in_its_group_and_signatures_reach_the_host(
    sqlite_url: str,
) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            room = h.add_room("第一调解室")
            mediator = await h.connect(staff_token("201", Role.MEDIATOR, "周调解员"))
            await mediator.send("room.join", name="周调解员", room=room, recording_consent=True)
            await mediator.expect("room.admitted")
            a = await h.connect(invite(room, "甲方"))
            await a.send("room.join", name="甲方", recording_consent=True)
            b = await h.connect(invite(room, "乙方"))
            await b.send("room.join", name="乙方")  # no consent given
            await mediator.expect("room.lobby", lambda m: m["participant"] == b.session)
            # Someone waiting in the lobby sees only themselves.
            waiting = await b.expect("room.state")
            assert [p["name"] for p in waiting["people"]] == ["乙方"] and waiting["peers"] == []

            await mediator.send("room.admit", room=room, participant=a.session)
            await mediator.send("room.recording", room=room, on=True)
            assert (await a.expect("room.recording"))["on"] is True
            # A new arrival without consent pauses the recording, and says who.
            await mediator.send("room.admit", room=room, participant=b.session)
            paused = await mediator.expect("room.recording", lambda m: m["on"] is False)
            assert "乙方" in paused["reason"]
            assert (await a.expect("room.recording", lambda m: not m["on"]))["reason"]
            await mediator.send("room.recording", room=room, on=True)
            refused = await _refused(mediator, "forbidden")
            assert "乙方" in str(refused["message"])
            await b.send("room.consent", room=room, on=True)
            state = await mediator.expect(
                "room.state", lambda m: _person(m, b.session).get("consent") is True
            )
            assert [p["name"] for p in state["people"]] == ["周调解员", "甲方", "乙方"]
            await mediator.send("room.recording", room=room, on=True)
            assert await b.expect("room.recording", lambda m: m["on"] is True)
            # Withdrawing consent stops it at once.
            await b.send("room.consent", room=room, on=False)
            stopped = await mediator.expect("room.recording", lambda m: m["on"] is False)
            assert "乙方" in stopped["reason"]

            await mediator.send("room.spotlight", room=room, participant=a.session)
            assert (await b.expect("room.state", lambda m: m["spotlight"] is not None))[
                "spotlight"
            ] == a.session

            # Chat reaches the sender's group; in a caucus the waiting side reads none of it.
            await a.send("room.chat", room=room, text="大家好")
            said = await b.expect("room.chat")
            assert said["name"] == "甲方" and said["text"] == "大家好" and said["from"] == a.session
            await mediator.send("room.caucus", room=room, participants=[a.session])
            await b.expect("room.state", lambda m: m["caucus"] == [a.session])
            await a.send("room.chat", room=room, text="背靠背的话")
            await mediator.expect("room.chat", lambda m: m["text"] == "背靠背的话")
            await b.send("ping")
            await b.expect("pong")
            assert not any(m.get("text") == "背靠背的话" for m in b.buffer)
            await mediator.send("room.caucus", room=room, participants=[])

            # The agreement goes to the parties; a signature goes to the host only.
            sha = "ab" * 32
            await a.send(
                "room.agreement",
                room=room,
                agreement="1",
                title="协议",
                text="x",
                content_sha256=sha,
            )
            await _refused(a, "forbidden")
            await mediator.send(
                "room.agreement",
                room=room,
                agreement="1",
                title="人民调解协议书",
                text="甲乙双方自愿达成如下协议……",
                content_sha256=sha,
            )
            shown = await b.expect("room.agreement")
            assert shown["text"].startswith("甲乙双方") and shown["content_sha256"] == sha
            await a.expect("room.agreement")
            await a.send(
                "room.sign",
                room=room,
                agreement="1",
                content_sha256=sha,
                image_png_b64="iVBORw0KGgo" * 4,
            )
            signed = await mediator.expect("room.signed")
            assert signed["name"] == "甲方" and signed["from"] == a.session
            assert signed["content_sha256"] == sha
            for c in (a, b, mediator):
                await c.close()

    asyncio.run(main())


def test_seats_are_kept_in_the_store_across_a_server_restart(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url, grace_s=30.0) as h:
            room = h.add_room("第二调解室")
            token_a = invite(room, "甲方")
            mediator = await h.connect(staff_token("201", Role.MEDIATOR, "周调解员"))
            await mediator.send("room.join", name="周调解员", room=room)
            await mediator.expect("room.admitted")
            a = await h.connect(token_a)
            await a.send("room.join", name="甲方", recording_consent=True)
            await mediator.expect("room.lobby")
            await mediator.send("room.admit", room=room, participant=a.session)
            await a.expect("room.admitted")

            # A reconnect keeps the seat; peers learn to rebuild their connection to it.
            first = a.session
            await a.close()
            a = await h.connect()
            welcome = await a.hello(token_a, resume=first)
            assert welcome["resumed"] is True
            state = await mediator.expect(
                "room.state", lambda m: _person(m, first).get("epoch") == 1
            )
            assert first in state["admitted"]

            people = await h.store.read(partial(rooms_repo.participants_of, room_id=int(room)))
            assert sorted((n, s, c) for n, _r, s, c in people) == [
                ("周调解员", "admitted", False),
                ("甲方", "admitted", True),
            ]
            listed = await h.store.read(rooms_repo.all_rooms)
            assert next(r for r in listed if str(r.id) == room).state.code == "open"

            # The server restarts: the party comes back straight into the room, not the lobby.
            await h.restart()
            a = await h.connect(token_a)
            await a.send("room.join", name="甲方", recording_consent=True)
            back = await a.expect("room.admitted")
            assert back["room"] == room

            # A closed room refuses everyone, with the reason.
            closed = h.add_room("已结束的调解室", RoomState.CLOSED)
            c = await h.connect(invite(closed, "丙方"))
            await c.send("room.join", name="丙方")
            refused = await _refused(c, "conflict")
            assert "closed" in str(refused["message"])
            for client in (a, c, mediator):
                await client.close()

    asyncio.run(main())
