"""A mesh mediation room over the real server: the mediator's desk and two aiortc parties.

Lobby and admission, media both ways between all three, caucus isolation (the waiting
party keeps no media connection to the caucus and the server relays nothing to it),
everyone back with one action, recording refused until all consent, a party's network
drop rebuilt into the same seat; the room's recording follows everyone's consent.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from console.core import tokens
from console.core.codes import MediaKind, Role
from console.services.evidence import file_sha256
from console.services.room_desk import (
    LobbyKnocked,
    MutedByMediator,
    RecordingSwitched,
    RoomChanged,
    RoomDesk,
    RoomError,
)
from console.services.room_recording import RoomRecording
from console.store.models import AuditLog
from tests.services.desk_support import Recorder, loopback_ice, until
from tests.signalling.conftest import SECRET, Harness, staff_token

pytestmark = pytest.mark.timeout(120)

FRAMES = 30


def _desk(h: Harness, token: str, name: str, **kw: Any) -> RoomDesk:
    # 320×240: three desks in one process encode for each other on two cores.
    return RoomDesk(
        base_url=h.base,
        token_provider=lambda: token,
        name=name,
        video_size=(320, 240),
        sink_size=(160, 90),
        **kw,
    )


def _invite(room: str, who: str) -> str:
    return tokens.issue(
        SECRET, kind="invite", subject=who, role="citizen", ttl_s=600, room=room, name=who
    )


async def _frames_from(desk: RoomDesk, pid: str, count: int = FRAMES) -> int:
    leg = await until(lambda: desk.leg(pid), 30, f"a leg to {pid}")
    await asyncio.wait_for(leg.got_video.wait(), 30)
    assert leg.sink is not None
    return await leg.sink.wait_frames(leg.sink.frames_received + count, 30)


def test_mesh_room_lobby_media_caucus_consent_and_rejoin(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            room = h.add_room("第三调解室")
            mediator = _desk(h, staff_token("201", Role.MEDIATOR, "周调解员"), "周调解员")
            a = _desk(h, _invite(room, "party-a"), "甲方")
            b = _desk(h, _invite(room, "party-b"), "乙方", consent=False)
            rec = Recorder(mediator)  # type: ignore[arg-type]
            rec_b = Recorder(b)  # type: ignore[arg-type]
            try:
                await mediator.join(room)
                await a.join(room)
                await b.join(room)
                knocks = [
                    await rec.wait(LobbyKnocked, lambda e, n=n: e.name == n)
                    for n in ("甲方", "乙方")
                ]
                assert {x.name for x in mediator.lobby()} == {"甲方", "乙方"}
                for knock in knocks:
                    await mediator.admit(knock.participant)
                await rec.wait(RoomChanged, lambda e: sum(x.admitted for x in e.people) == 3)
                pa, pb, pm = a.seat.me, b.seat.me, mediator.seat.me

                # Media both ways between all three.
                pairs = ((mediator, pa), (mediator, pb), (a, pm), (a, pb), (b, pm), (b, pa))
                got = await asyncio.gather(*(_frames_from(desk, other) for desk, other in pairs))
                assert all(n >= FRAMES for n in got), got

                # Recording is refused (with the name) until 乙方 consents.
                await mediator.set_recording(True)
                refusal = await rec.wait(RoomError, lambda e: e.code == "no_consent")
                assert "乙方" in refusal.text
                await b.give_consent()
                await rec.wait(RoomChanged, lambda e: not mediator.missing_consent())
                await mediator.set_recording(True)
                await rec_b.wait(RecordingSwitched, lambda e: e.on)

                # Caucus with 甲方: 乙方 keeps no media connection to either, and the server
                # refuses to relay anything between the two sides.
                mark = rec_b.mark()
                await mediator.caucus([pa])
                await rec_b.wait(RoomChanged, lambda e: e.caucus == (pa,), since=mark)
                await until(lambda: not b.legs(), 15, "the waiting side's legs closed")
                await until(lambda: set(a.legs()) == {pm}, 15, "caucus legs only")
                assert await _frames_from(mediator, pa) >= FRAMES
                assert b.leg(pa) is None and b.leg(pm) is None

                # Everyone back with one action; media flows to 乙方 again.
                await mediator.return_all()
                got = await asyncio.gather(_frames_from(b, pm), _frames_from(b, pa))
                assert all(n >= FRAMES for n in got), got

                # The mediator mutes 乙方: their page/desk is told and sends silence/black.
                await mediator.mute(pb, audio=True, video=False)
                muted = await rec_b.wait(MutedByMediator)
                assert muted.audio and not muted.video

                # 甲方's network drops: the same seat comes back and media is rebuilt.
                old_leg = mediator.leg(pa)
                await a._client.drop_connection()
                await rec.wait(
                    RoomChanged,
                    lambda e: any(x.id == pa and x.epoch >= 1 for x in e.people),
                    timeout=30,
                )
                await until(lambda: mediator.leg(pa) not in (None, old_leg), 15, "a new leg")
                assert a.seat.me == pa
                got = await asyncio.gather(_frames_from(mediator, pa), _frames_from(b, pa))
                assert all(n >= FRAMES for n in got), got
            finally:
                for desk in (a, b, mediator):
                    await desk.leave()

    with loopback_ice():
        asyncio.run(main())


def test_room_recording_runs_only_with_everyones_consent(sqlite_url: str, tmp_path: Path) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            room = h.add_room("第四调解室")
            mediator = _desk(h, staff_token("201", Role.MEDIATOR, "周调解员"), "周调解员")
            recording = RoomRecording(
                h.store,
                mediator,
                room_id=int(room),
                case_id=None,
                operator_id=None,
                media_dir=tmp_path / "media",
            )
            a = _desk(h, _invite(room, "party-a"), "甲方")
            late = _desk(h, _invite(room, "party-c"), "丙方", consent=False)
            rec = Recorder(mediator)  # type: ignore[arg-type]
            try:
                await mediator.join(room)
                await a.join(room)
                knock = await rec.wait(LobbyKnocked)
                await mediator.admit(knock.participant)
                pa = a.seat.me
                assert await _frames_from(mediator, pa) >= FRAMES
                await mediator.set_recording(True)
                await rec.wait(RecordingSwitched, lambda e: e.on)
                await until(lambda: recording.recording == [pa], 15, "甲方 recorded")
                assert await _frames_from(mediator, pa, 50) >= 50

                # 丙方 arrives without consent: the server pauses, the segment is stored.
                await late.join(room)
                knock = await rec.wait(LobbyKnocked, lambda e: e.name == "丙方")
                await mediator.admit(knock.participant)
                paused = await rec.wait(RecordingSwitched, lambda e: not e.on)
                assert "丙方" in paused.reason
                await until(lambda: len(recording.stored) == 1, 30, "segment stored")
                assert recording.recording == []
                asset = recording.stored[0]
                assert asset.kind is MediaKind.MEDIATION_RECORDING and asset.room_id == int(room)
                assert file_sha256(Path(asset.path)) == asset.sha256
                assert asset.duration_s is not None and asset.duration_s > 1.0
                rows = await h.store.read(
                    lambda s: s.scalars(
                        select(AuditLog.detail).where(AuditLog.target_kind == "room")
                    ).all()
                )
                assert any(asset.sha256 in d for d in rows)
            finally:
                for desk in (a, late, mediator):
                    await desk.leave()

    with loopback_ice():
        asyncio.run(main())
