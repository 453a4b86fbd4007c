"""The mediation screen in a live session: real server, the mediator's desk, two aiortc parties.

Invite → enter the room → the lobby lists both → admit → everyone's video painted →
recording refused until all consent (the button says who is missing) → caucus from the
selection and back → leave; the seats are in the store afterwards.
"""

from __future__ import annotations

import asyncio
from functools import partial

import pytest

from console.core import tokens
from console.services.mediation import MediationService
from console.services.room_desk import RoomDesk
from console.services.signalling_store import StoreQueue, StoreRoomSeats
from console.signalling.server import ServerConfig, SignallingServer
from console.store.repos import rooms as rooms_repo
from console.ui.mediation.panel import MediationPanel
from tests.services.desk_support import loopback_ice, until
from tests.ui.conftest import Workspace

pytestmark = pytest.mark.timeout(120)

# As in the intake test: the whole session runs inside one run_until_complete, and buttons
# are pressed with click().


def test_enter_admit_see_everyone_consent_caucus_leave(  # type: ignore[no-untyped-def]
    qtbot, qloop, workspace: Workspace
) -> None:
    store, boss = workspace.store, workspace.supervisor
    server = SignallingServer(
        ServerConfig(secret=b"s" * 32, web_root=None), StoreQueue(store), StoreRoomSeats(store)
    )
    service = MediationService(store)
    panel = MediationPanel(service)
    qtbot.addWidget(panel)
    panel.resize(1900, 1000)
    panel.show()
    panel.load()

    async def scenario() -> None:
        port = await server.start()
        base = f"http://127.0.0.1:{port}"
        parties: list[RoomDesk] = []

        def open_desk(room):  # type: ignore[no-untyped-def]
            return RoomDesk(
                base_url=base,
                token_provider=lambda: server.staff_token(boss.id, boss.role, boss.name),
                name="周调解员",
                backend=room.backend,
                sink_size=(320, 180),
            )

        links: dict[str, str] = {}

        def invite_link(room_id: int, name: str) -> str:
            subject = f"invite:{room_id}:{name}"
            links[name] = server.invite_token(str(room_id), subject, name)
            asyncio.get_running_loop().create_task(service.invite(room_id, subject, name))
            return f"{base}/?invite={links[name]}"

        try:
            await until(lambda: panel.model.rowCount() == 1, 15)
            room = panel.model.record(0)
            panel.attach_rooms(open_desk, invite_link)
            assert panel.enter_button.isEnabled()
            for name in ("甲方", "乙方"):
                invite_link(room.id, name)

            panel.enter_button.click()
            view = panel.room_view
            assert view is not None and panel.stack.currentWidget() is view
            await until(lambda: view.desk.seat.me != "", 15)

            for name, consent in (("甲方", True), ("乙方", False)):
                claims = tokens.verify(b"s" * 32, links[name])
                assert claims.room == str(room.id)
                party = RoomDesk(
                    base_url=base,
                    token_provider=lambda t=links[name]: t,
                    name=name,
                    consent=consent,
                    sink_size=(160, 90),
                )
                parties.append(party)
                await party.join(str(room.id))
            await until(lambda: view.lobby.count() == 2, 15)
            assert "甲方" in view.lobby.item(0).text()
            view.admit_button.click()  # nobody selected: the first in line
            await until(lambda: view.people.count() == 1, 15)
            view.admit_button.click()
            await until(lambda: view.people.count() == 2, 15)
            assert view.lobby.count() == 0

            # Everyone's video painted: the mediator's own and both parties'.
            await until(lambda: view.tiles[0].painted_frames > 10, 30)
            await until(lambda: all(t.painted_frames > 10 for t in view.tiles[1:3]), 30)

            # 乙方 has not consented: the button is off and says who is missing.
            assert not view.record_button.isEnabled()
            assert "乙方" in view.record_button.toolTip()
            await parties[1].give_consent()
            await until(lambda: view.record_button.isEnabled(), 15)
            view.record_button.click()
            await until(lambda: view.desk.seat.recording, 15)
            assert "●" in view.rec_sign.text()

            # Caucus with 甲方 from the selection; 乙方 drops out of the mediator's tiles.
            view.people.item(0).setSelected(True)
            view.caucus_button.click()
            await until(lambda: view.desk.seat.caucus != (), 15)
            await until(lambda: set(view.desk.legs()) == {parties[0].seat.me}, 15)
            await until(lambda: not parties[1].legs(), 15, "the waiting side's legs closed")
            view.return_button.click()
            await until(lambda: len(view.desk.legs()) == 2, 15)

            view.leave_button.click()
            await until(lambda: panel.room_view is None, 15)
            people = await store.read(partial(rooms_repo.participants_of, room_id=room.id))
            states = {name: state for name, _role, state, _c in people}
            assert states["甲方"] == "admitted" and states["乙方"] == "admitted"
            assert states["周调解员"] == "left"
            # The invitation's seat is the one the party took: no second row per person.
            assert len(people) == 3
        finally:
            for party in parties:
                await party.leave()
            await panel.leave_room()
            await server.stop()

    with loopback_ice():
        qloop.run_until_complete(scenario())
    panel.close_panel()
