"""The officer desk against a real signalling server (SQLite store) and headless aiortc callers."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import pytest

from console.media.peer import looks_black, looks_like_holding_card
from console.services.officer_desk import (
    ERROR_TEXT_ZH,
    CallChanged,
    ConnectionChanged,
    DeskError,
    OfficerDesk,
    PresenceChanged,
    QueueChanged,
    Ringing,
)
from console.signalling.client import ClientState
from console.signalling.protocol import ErrorCode, StaffState
from tests.services.desk_support import Caller, Recorder, loopback_ice, until
from tests.signalling.conftest import Harness, staff_token

pytestmark = pytest.mark.timeout(60)


def make_desk(h: Harness, user: str = "101", name: str = "李警官", **kw: Any) -> OfficerDesk:
    kw.setdefault("wrap_up_s", 0.3)
    return OfficerDesk(
        base_url=h.base,
        token_provider=lambda: staff_token(user, name=name),
        officer_name=name,
        **kw,
    )


def call_row(sqlite_url: str, ticket: str) -> dict[str, Any]:
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        row = db.execute(
            "SELECT state, answered_at, ended_at, outcome, officer_id FROM petition_call"
            " WHERE ticket = ?",
            (ticket,),
        ).fetchone()
    return dict(row)


def own_presence(desk: OfficerDesk, state: StaffState) -> Any:
    return lambda e: isinstance(e, PresenceChanged) and e.user == desk.user and e.state is state


def test_ring_accept_media_hold_mute_hangup_then_wrap_up(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            desk = make_desk(h)
            rec = Recorder(desk)
            await desk.start()
            caller = await Caller(h.base).start()
            try:
                ring = await rec.wait(Ringing)
                assert ring.ticket == caller.ticket and ring.name == "张三"
                assert desk.call is not None and desk.call.state == "ringing"
                assert desk.call.consent and desk.remote_slot is None
                await rec.wait(QueueChanged, lambda e: len(e.entries) == 1)
                await desk.accept(ring.ticket)
                await rec.call_state("in_call")
                await rec.wait(PresenceChanged, own_presence(desk, StaffState.ON_CALL))
                assert desk.call.answered_at is not None
                leg = desk.leg
                assert leg is not None
                sink = await until(lambda: leg.sink, what="officer receives video")
                cleg = await until(lambda: caller.leg, what="caller leg")
                csink = await until(lambda: cleg.sink, what="caller receives video")
                assert await sink.wait_frames(60, 20) >= 60
                assert await csink.wait_frames(60, 20) >= 60
                assert desk.remote_slot is sink.slot
                assert desk.local_slot is not None
                await until(lambda: desk.local_slot.peek(), what="local preview")  # type: ignore[union-attr]

                # Hold: the caller gets the holding card and silence, the preview shows it too.
                mark = rec.mark()
                await desk.hold(True)
                await rec.call_state("on_hold", since=mark)
                assert call_row(sqlite_url, ring.ticket)["state"] == "on_hold"
                await until(
                    lambda: looks_like_holding_card(csink.slot.peek().image), what="card at caller"
                )
                assert leg.outgoing_video.held and leg.outgoing_video.last_sent_kind == "card"
                assert desk.remote_slot is None  # on hold the caller is not shown either
                assert leg.outgoing_audio is not None
                silenced = leg.outgoing_audio.frames_silenced
                await until(lambda: leg.outgoing_audio.frames_silenced > silenced + 5)  # type: ignore[union-attr]
                await until(
                    lambda: looks_like_holding_card(desk.local_slot.peek().image),  # type: ignore[union-attr]
                    what="card in the officer's own preview",
                )
                mark = rec.mark()
                await desk.hold(False)
                await rec.call_state("in_call", since=mark)
                assert desk.remote_slot is sink.slot
                await until(
                    lambda: (
                        not looks_like_holding_card(csink.slot.peek().image)
                        and not looks_black(csink.slot.peek().image)
                    ),
                    what="live picture again",
                )

                # Mute: black picture and silence, same tracks.
                senders_before = len(leg.pc.getSenders())
                await desk.mute(audio=True, video=True)
                assert desk.call.audio_muted and desk.call.video_muted
                await until(lambda: looks_black(csink.slot.peek().image), what="black at caller")
                assert leg.outgoing_audio.muted and len(leg.pc.getSenders()) == senders_before
                await desk.mute(audio=False, video=False)
                await until(lambda: not looks_black(csink.slot.peek().image), what="unmuted")

                mark = rec.mark()
                await desk.hangup("办结")
                ended = await rec.call_state("ended", since=mark)
                assert ended.call.ended_reason == "办结" and ended.call.ended_at is not None
                assert desk.remote_slot is None and desk.local_slot is None
                await rec.wait(PresenceChanged, own_presence(desk, StaffState.WRAP_UP), since=mark)
                await rec.wait(
                    PresenceChanged, own_presence(desk, StaffState.AVAILABLE), since=mark
                )
                assert desk.presence is StaffState.AVAILABLE
                stats = await caller.finish()
                assert stats.ended_reason == "办结", stats.as_dict()
                row = call_row(sqlite_url, ring.ticket)
                assert row["state"] == "completed" and row["ended_at"] and row["answered_at"]
                assert row["outcome"] == "办结"
                assert not [e for e in rec.events if isinstance(e, DeskError)]
                await desk.stop()
                await desk.stop()  # idempotent
                mark = rec.mark()
                await desk.start()  # a stopped desk can start again
                await rec.wait(
                    PresenceChanged, own_presence(desk, StaffState.AVAILABLE), since=mark
                )
                assert desk.connection is ClientState.CONNECTED
            finally:
                await desk.stop()
                await caller.close()

    with loopback_ice():
        asyncio.run(main())


def test_wrap_up_is_not_rung_and_away_chosen_during_a_call_sticks(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            desk = make_desk(h, wrap_up_s=30.0)
            rec = Recorder(desk)
            await desk.start()
            first = await Caller(h.base).start()
            try:
                ring = await rec.wait(Ringing)
                await desk.accept(ring.ticket)
                await rec.call_state("in_call")
                mark = rec.mark()
                await desk.hangup()
                await rec.wait(PresenceChanged, own_presence(desk, StaffState.WRAP_UP), since=mark)
                await first.finish()
                # A new caller waits: a wrap-up officer is not rung.
                second = await Caller(h.base, name="李四").start()
                await rec.wait(
                    QueueChanged, lambda e: any(x.ticket == second.ticket for x in e.entries)
                )
                assert not [e for e in rec.events[mark:] if isinstance(e, Ringing)]
                mark = rec.mark()
                await desk.finish_wrap_up()
                ring2 = await rec.wait(Ringing, since=mark)
                assert ring2.ticket == second.ticket
                await desk.accept(ring2.ticket)
                await rec.call_state("in_call", since=mark)
                # Away during the call: the server keeps on_call now, away after.
                await desk.set_presence(StaffState.AWAY)
                assert desk.presence is StaffState.ON_CALL
                mark = rec.mark()
                await desk.hangup()
                await rec.wait(PresenceChanged, own_presence(desk, StaffState.AWAY), since=mark)
                await second.finish()
                assert h.server.hub.sessions  # still connected, just away
            finally:
                await desk.stop()
                await first.close()
                if "second" in locals():
                    await second.close()

    with loopback_ice():
        asyncio.run(main())


def test_two_desks_share_the_queue_longest_idle_rings_and_transfer(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            a = make_desk(h, "201", "甲")
            b = make_desk(h, "202", "乙")
            ra, rb = Recorder(a), Recorder(b)
            await a.start()
            await b.start()  # a has been idle longer
            await ra.wait(PresenceChanged, lambda e: e.user == "202")
            assert a.officers["202"] == ("乙", StaffState.AVAILABLE)
            caller = await Caller(h.base).start()
            try:
                ring = await ra.wait(Ringing)
                await rb.wait(
                    QueueChanged, lambda e: any(x.ticket == ring.ticket for x in e.entries)
                )
                assert not [e for e in rb.events if isinstance(e, Ringing)]
                await a.accept(ring.ticket)
                await ra.call_state("in_call")
                cleg = await until(lambda: caller.leg)
                await until(lambda: cleg.sink)
                mark_b = rb.mark()
                await a.transfer_to_officer("202")
                ended = await ra.call_state("ended")
                assert ended.call.ended_reason == "transferred"
                await ra.wait(PresenceChanged, own_presence(a, StaffState.WRAP_UP))
                ring_b = await rb.wait(Ringing, since=mark_b)
                assert ring_b.ticket == ring.ticket
                await b.accept(ring.ticket)
                await rb.call_state("in_call", since=mark_b)
                # The caller talks to b now, over a new peer connection.
                new_leg = await until(lambda: len(caller.legs) == 2 and caller.legs[-1])
                new_sink = await until(lambda: new_leg.sink, what="video from b")
                assert await new_sink.wait_frames(30, 20) >= 30
                b_sink = await until(lambda: b.leg is not None and b.leg.sink)
                assert await b_sink.wait_frames(30, 20) >= 30
                await b.hangup()
                await rb.call_state("ended", since=mark_b)
                await caller.finish()
                assert call_row(sqlite_url, ring.ticket)["state"] == "completed"
            finally:
                await a.stop()
                await b.stop()
                await caller.close()

    with loopback_ice():
        asyncio.run(main())


def test_callback_of_an_abandoned_ticket(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            desk = make_desk(h)
            rec = Recorder(desk)
            await desk.set_presence(StaffState.AWAY)  # not started: only the choice is kept
            await desk.start()
            citizen, _ = await h.citizen("王五")
            await rec.wait(QueueChanged, lambda e: len(e.entries) == 1)
            ticket = desk.queue[0].ticket
            assert not [e for e in rec.events if isinstance(e, Ringing)]  # away: not rung
            mark = rec.mark()
            await citizen.send("call.hangup", ticket=ticket)
            await rec.wait(QueueChanged, lambda e: not e.entries, since=mark)
            assert call_row(sqlite_url, ticket)["state"] == "abandoned"
            mark = rec.mark()
            await desk.callback(ticket)
            await rec.wait(QueueChanged, since=mark)
            row = call_row(sqlite_url, ticket)
            assert row["state"] == "called_back" and row["ended_at"]
            # A second callback of the same ticket is fine; an unknown ticket is refused.
            await desk.callback("T-nope")
            err = await rec.wait(DeskError, since=mark)
            assert err.code == "not_found" and err.message == ERROR_TEXT_ZH["not_found"]
            await citizen.close()
            await desk.stop()

    asyncio.run(main())


def test_caller_vanishing_mid_call_ends_it_with_a_complete_row(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url, grace_s=0.8) as h:
            desk = make_desk(h)
            rec = Recorder(desk)
            await desk.start()
            caller = await Caller(h.base).start()
            try:
                ring = await rec.wait(Ringing)
                await desk.accept(ring.ticket)
                await rec.call_state("in_call")
                mark = rec.mark()
                await caller.vanish()
                ended = await rec.call_state("ended", since=mark, timeout=20)
                assert ended.call.ended_reason == "caller gone"
                row = call_row(sqlite_url, ring.ticket)
                assert row["state"] == "completed", row
                assert row["answered_at"] and row["ended_at"] and row["outcome"] == "caller gone"
                await rec.wait(PresenceChanged, own_presence(desk, StaffState.AVAILABLE))
            finally:
                await desk.stop()
                await caller.close()

    with loopback_ice():
        asyncio.run(main())


def test_signalling_cut_reconnects_and_the_call_goes_on(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url, grace_s=10.0) as h:
            desk = make_desk(h)
            rec = Recorder(desk)
            await desk.start()
            caller = await Caller(h.base).start()
            try:
                ring = await rec.wait(Ringing)
                await desk.accept(ring.ticket)
                await rec.call_state("in_call")
                leg = desk.leg
                assert leg is not None
                sink = await until(lambda: leg.sink)
                mark = rec.mark()
                await desk._client.drop_connection()  # the network fails under the desk
                await rec.wait(
                    ConnectionChanged, lambda e: e.state is ClientState.RECONNECTING, since=mark
                )
                await rec.wait(
                    ConnectionChanged, lambda e: e.state is ClientState.CONNECTED, since=mark
                )
                assert desk._client.reconnects == 1 and desk.leg is leg  # same media, resumed
                before = sink.frames_received
                assert await sink.wait_frames(before + 30, 10) >= before + 30
                assert desk.call is not None and desk.call.state == "in_call"
                assert call_row(sqlite_url, ring.ticket)["state"] == "in_call"
                await desk.hold(True)  # the resumed session still controls the call
                await rec.call_state("on_hold", since=mark)
                await desk.hangup()
                await rec.call_state("ended", since=mark)
                await caller.finish()
                assert call_row(sqlite_url, ring.ticket)["state"] == "completed"
            finally:
                await desk.stop()
                await caller.close()

    with loopback_ice():
        asyncio.run(main())


def test_every_error_code_has_operator_words() -> None:
    for code in ErrorCode:
        assert ERROR_TEXT_ZH.get(code.value), code
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in ERROR_TEXT_ZH.values())


def test_operations_without_a_call_or_connection_report_errors() -> None:
    async def main() -> None:
        desk = OfficerDesk(
            base_url="http://127.0.0.1:9", token_provider=lambda: "x" * 20, officer_name="甲"
        )
        events: list[Any] = []
        desk.subscribe(events.append)
        await desk.hangup()
        await desk.accept("T1")
        assert [e.code for e in events if isinstance(e, DeskError)] == [
            "no_call",
            "not_connected",
        ]
        assert isinstance(events[-1], CallChanged) and events[-1].call.state == "ended"
        with pytest.raises(OSError):
            await desk.start()
        with pytest.raises(OSError):  # and again: each start is a fresh attempt
            await desk.start()
        await desk.stop()

    asyncio.run(main())


def test_going_away_while_rung_passes_the_call_to_the_next_officer(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            a = make_desk(h, "201", "甲")
            b = make_desk(h, "202", "乙")
            ra, rb = Recorder(a), Recorder(b)
            await a.start()
            await b.start()
            citizen, _ = await h.citizen("赵六")
            try:
                ring = await ra.wait(Ringing)
                await a.set_presence(StaffState.AWAY)
                ended = await ra.call_state("ended")
                assert ended.call.ended_reason == "away" and ended.call.ticket == ring.ticket
                assert (await rb.wait(Ringing)).ticket == ring.ticket
                await ra.wait(PresenceChanged, own_presence(a, StaffState.AWAY))
                await rb.wait(
                    PresenceChanged, lambda e: e.user == "201" and e.state is StaffState.AWAY
                )
                assert b.officers["201"] == ("甲", StaffState.AWAY)
            finally:
                await citizen.close()
                await a.stop()
                await b.stop()

    asyncio.run(main())


def test_decline_rings_the_next_officer(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            a = make_desk(h, "201", "甲")
            b = make_desk(h, "202", "乙")
            ra, rb = Recorder(a), Recorder(b)
            await a.start()
            await b.start()
            citizen, _ = await h.citizen("赵六")
            try:
                ring = await ra.wait(Ringing)
                await a.decline(ring.ticket, "忙")
                ended = await ra.call_state("ended")
                assert ended.call.ended_reason == "忙"
                assert (await rb.wait(Ringing)).ticket == ring.ticket
                assert a.presence is StaffState.AVAILABLE  # declining is not a call: no wrap-up
            finally:
                await citizen.close()
                await a.stop()
                await b.stop()

    asyncio.run(main())


def test_hangup_while_signalling_is_down_ends_media_now_and_tells_the_server_later(
    sqlite_url: str,
) -> None:
    async def main() -> None:
        async with Harness(sqlite_url, grace_s=10.0) as h:
            gate = asyncio.Event()
            gate.set()

            async def token() -> str:
                await gate.wait()  # a reconnect waits here: the desk stays RECONNECTING
                return staff_token("101", name="李警官")

            desk = OfficerDesk(
                base_url=h.base, token_provider=token, officer_name="李警官", wrap_up_s=0.2
            )
            rec = Recorder(desk)
            await desk.start()
            caller = await Caller(h.base).start()
            try:
                ring = await rec.wait(Ringing)
                await desk.accept(ring.ticket)
                await rec.call_state("in_call")
                mark = rec.mark()
                gate.clear()
                await desk._client.drop_connection()
                await rec.wait(
                    ConnectionChanged, lambda e: e.state is ClientState.RECONNECTING, since=mark
                )
                await desk.hangup("网络中断时挂断")
                ended = await rec.call_state("ended", since=mark)
                assert ended.call.ended_reason == "网络中断时挂断" and desk.leg is None
                err = await rec.wait(DeskError, since=mark)
                assert err.code == "not_connected"
                assert call_row(sqlite_url, ring.ticket)["state"] == "in_call"  # not told yet
                gate.set()
                await rec.wait(
                    ConnectionChanged, lambda e: e.state is ClientState.CONNECTED, since=mark
                )
                await rec.wait(PresenceChanged, own_presence(desk, StaffState.WRAP_UP), since=mark)
                await rec.wait(
                    PresenceChanged, own_presence(desk, StaffState.AVAILABLE), since=mark
                )
                row = call_row(sqlite_url, ring.ticket)
                assert row["state"] == "completed" and row["ended_at"], row
                stats = await caller.finish()
                assert stats.ended_reason not in (None, "timeout"), stats.as_dict()
            finally:
                gate.set()
                await desk.stop()
                await caller.close()

    with loopback_ice():
        asyncio.run(main())
