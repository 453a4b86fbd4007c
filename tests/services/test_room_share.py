"""The mediator shares a document page in a mesh room: a party decodes it and is told whose it is.

Real server, real desks on loopback: the mediator pushes a solid green page and the party's
decoded frames from the mediator turn green, with `room.state` naming the sharer and the
title; stopping brings the grey camera picture back; a party's own share is refused and its
camera keeps going out.
"""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from console.core.codes import Role
from console.media.frame_slot import LatestFrameSlot
from console.services.room_desk import LobbyKnocked, RoomChanged, RoomError, ShareSwitched
from tests.services.desk_support import Recorder, loopback_ice, until
from tests.services.test_room_desk import _desk, _frames_from, _invite
from tests.signalling.conftest import Harness, staff_token

pytestmark = pytest.mark.timeout(120)

GREEN_RGB = (30, 200, 60)


def _centre_bgr(slot: LatestFrameSlot | None) -> tuple[int, int, int] | None:
    frame = slot.peek() if slot is not None else None
    if frame is None:
        return None
    h, w = frame.image.shape[:2]
    b, g, r = (
        int(c) for c in frame.image[h // 3 : h * 2 // 3, w // 3 : w * 2 // 3, :3].mean((0, 1))
    )
    return b, g, r


def _green(slot: LatestFrameSlot | None) -> bool:
    bgr = _centre_bgr(slot)
    return bgr is not None and bgr[1] > 150 and bgr[0] < 100 and bgr[2] < 100


def _grey(slot: LatestFrameSlot | None) -> bool:
    """The generated camera: a neutral grey field (with a lighter moving box)."""
    bgr = _centre_bgr(slot)
    return bgr is not None and max(bgr) - min(bgr) < 25 and 80 < bgr[1] < 210


def test_mediator_shares_a_page_the_party_sees_it_and_a_party_may_not(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            room = h.add_room("共享调解室")
            mediator = _desk(h, staff_token("201", Role.MEDIATOR, "周调解员"), "周调解员")
            party = _desk(h, _invite(room, "party-a"), "甲方")
            rec, rec_a = Recorder(mediator), Recorder(party)  # type: ignore[arg-type]
            try:
                await mediator.join(room)
                await party.join(room)
                knock = await rec.wait(LobbyKnocked)
                await mediator.admit(knock.participant)
                pm = await until(lambda: party.seat.me and mediator.seat.me, 15, "seated")
                assert await _frames_from(party, pm, 10) >= 10
                await until(lambda: _grey(party.slot(pm)), 15, "the mediator's camera")

                # A party may not share: refused with the reason, its camera goes out again.
                await party.start_share("screen", "")
                refused = await rec_a.wait(RoomError, lambda e: e.code == "forbidden")
                assert "共享" in refused.text
                stopped = await rec_a.wait(ShareSwitched, lambda e: not e.on)
                assert stopped.reason and party.sharing is None
                assert party.share_track is not None and not party.share_track.sharing

                # The mediator shares a page: the party decodes it and is told what it is.
                mark = rec_a.mark()
                page = np.full((1200, 1600, 3), GREEN_RGB, np.uint8)
                await mediator.start_share("document", "调解协议草稿.png")
                mediator.push_share_frame(page)
                changed = await rec_a.wait(RoomChanged, lambda e: e.sharing is not None, since=mark)
                assert changed.sharing is not None
                assert changed.sharing.participant == pm and changed.sharing.kind == "document"
                assert changed.sharing.title == "调解协议草稿.png"
                await until(lambda: _green(party.slot(pm)), 30, "the shared page at the party")
                await until(lambda: _green(mediator.local_slot), 15, "the mediator's preview")
                track = mediator.share_track
                assert track is not None and track.last_sent_size == (960, 720)
                # Re-sent while nothing new is pushed: the party keeps decoding frames.
                assert await _frames_from(party, pm, 5) >= 5
                assert _green(party.slot(pm)) and track.pictures_scaled == 1

                # Stop: the camera's grey picture returns and the share is gone from the state.
                mark = rec_a.mark()
                await mediator.stop_share()
                await rec_a.wait(RoomChanged, lambda e: e.sharing is None, since=mark)
                await until(lambda: _grey(party.slot(pm)), 30, "the camera again")
                assert party.seat.sharing is None and mediator.sharing is None

                # Sharing again, then leaving: the share ends with its sharer.
                mark = rec_a.mark()
                await mediator.start_share("screen")
                await rec_a.wait(RoomChanged, lambda e: e.sharing is not None, since=mark)
                mark = rec_a.mark()
                await mediator.leave()
                await rec_a.wait(
                    RoomChanged, lambda e: pm not in {x.id for x in e.people}, since=mark
                )
                assert party.seat.sharing is None
            finally:
                await asyncio.gather(party.leave(), mediator.leave())

    with loopback_ice():
        asyncio.run(main())
