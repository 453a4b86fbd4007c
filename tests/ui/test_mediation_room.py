"""The mediation screen in a live session: real server, the mediator's desk, two aiortc parties.

Invite → enter the room → the lobby lists both → admit → everyone's video painted →
recording refused until all consent (the button says who is missing) → caucus from the
selection and back → the agreement shown to the parties, one signs from their client and
the signature is stored against the version they read → leave; the seats are in the store.
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date, timedelta
from functools import partial
from pathlib import Path

import pytest

from console.core import agreement as ag
from console.core import tokens
from console.core.codes import IdType, PartyRole
from console.services.agreements import AgreementService
from console.services.evidence import file_sha256
from console.services.mediation import MediationService
from console.services.room_desk import AgreementShown, RoomDesk
from console.services.room_recording import RoomRecording
from console.services.signalling_store import StoreQueue, StoreRoomSeats
from console.signalling.server import ServerConfig, SignallingServer
from console.store.repos import rooms as rooms_repo
from console.ui.mediation.panel import MediationPanel
from tests.services.desk_support import Recorder, loopback_ice, until
from tests.services.test_agreements import signature_png
from tests.ui.conftest import Workspace, run_scenario

pytestmark = pytest.mark.timeout(120)

GOOD_ID = "11010519491231002X"  # GB 11643's own example: a valid check digit

# As in the intake test: the whole session runs inside one run_until_complete, and buttons
# are pressed with click().


def test_enter_admit_see_everyone_consent_caucus_leave(  # type: ignore[no-untyped-def]
    qtbot, qloop, workspace: Workspace, tmp_path: Path
) -> None:
    store, boss = workspace.store, workspace.supervisor
    server = SignallingServer(
        ServerConfig(secret=b"s" * 32, web_root=None), StoreQueue(store), StoreRoomSeats(store)
    )
    service = MediationService(store)
    agreements = AgreementService(store, boss)
    panel = MediationPanel(service, agreements)
    qtbot.addWidget(panel)
    panel.resize(1900, 1000)
    panel.show()
    panel.load()

    async def scenario() -> None:
        port = await server.start()
        base = f"http://127.0.0.1:{port}"
        parties: list[RoomDesk] = []

        recordings: list[RoomRecording] = []

        def open_desk(room):  # type: ignore[no-untyped-def]
            desk = RoomDesk(
                base_url=base,
                token_provider=lambda: server.staff_token(boss.id, boss.role, boss.name),
                name="周调解员",
                backend=room.backend,
                sink_size=(320, 180),
            )
            recordings.append(
                RoomRecording(
                    store,
                    desk,
                    room_id=room.id,
                    case_id=room.case_id,
                    operator_id=boss.id,
                    media_dir=tmp_path / "media",
                )
            )
            return desk

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
            await until(lambda: view.return_button.isEnabled(), 15)
            view.return_button.click()
            await until(lambda: len(view.desk.legs()) == 2, 30)

            # The agreement of the room's case, completed and shown on the parties' pages.
            tab = view.agreement
            assert tab is not None and view.tabs.count() == 2
            await until(lambda: tab.editor.record is not None, 15)
            record = tab.editor.record
            people = tuple(
                ag.AgreementParty(
                    ag.NEW_PARTY_KEY, side, name, IdType.RESIDENT_ID, GOOD_ID, "城关镇幸福路3号"
                )
                for side, name in ((PartyRole.APPLICANT, "甲方"), (PartyRole.RESPONDENT, "乙方"))
            )
            content = dataclasses.replace(
                record.content,
                parties=people,
                facts="拖欠工资",
                disputed_matters="工资数额",
                agreed_terms="甲方于月底前支付乙方工资三万元",
                performance_manner="银行转账",
                performance_deadline=date.today() + timedelta(days=30),
                copies=3,
            )
            await agreements.update(record.id, content)
            party_events = Recorder(parties[0])  # type: ignore[arg-type]
            tab.editor.reload()
            await until(
                lambda: [x.name for x in tab.editor.record.content.parties] == ["甲方", "乙方"], 15
            )
            tab.push_button.click()
            shown = await party_events.wait(AgreementShown)
            assert "甲方于月底前支付乙方工资三万元" in shown.text
            # 甲方 signs from their client; the console stores it for the version read.
            png = signature_png("甲方")
            await parties[0].sign(shown.agreement, shown.content_sha256, png)
            await until(lambda: len(tab.editor.record.signatures) == 1, 15)
            signature = tab.editor.record.signatures[0]
            assert signature.signer_name == "甲方"
            assert (await agreements.verify(record.id)).ok
            # A signature for a version that changed since is refused with the reason.
            await parties[1].sign(shown.agreement, "0" * 64, png)
            await until(lambda: "乙方" in tab.status.text(), 15)
            assert len(tab.editor.record.signatures) == 1

            view.leave_button.click()
            await until(lambda: panel.room_view is None, 15)
            people = await store.read(partial(rooms_repo.participants_of, room_id=room.id))
            states = {name: state for name, _role, state, _c in people}
            assert states["甲方"] == "admitted" and states["乙方"] == "admitted"
            assert states["周调解员"] == "left"
            # The invitation's seat is the one the party took: no second row per person.
            assert len(people) == 3
            # Recorded from consent to leaving: one file per party, on the room's case.
            stored = recordings[0].stored
            assert sorted(a.source.split(": ")[1] for a in stored) == ["乙方", "甲方"]
            assert all(a.case_id == room.case_id and a.room_id == room.id for a in stored)
            assert all(file_sha256(a.path) == a.sha256 for a in stored)
        finally:
            for party in parties:
                await asyncio.wait_for(party.leave(), 10)
            await asyncio.wait_for(panel.leave_room(), 10)
            await asyncio.wait_for(server.stop(), 10)

    with loopback_ice():
        run_scenario(qloop, scenario())
    panel.close_panel()
