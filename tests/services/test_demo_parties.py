"""The demo's mediation room has people in it: simulated parties knock once the mediator enters."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from console.core.codes import Role
from console.services.embedded_signalling import DEMO_PARTIES, EmbeddedSignalling
from console.services.room_desk import LobbyKnocked, RoomDesk
from console.store.store import Store
from tests.services.desk_support import Recorder, loopback_ice, until
from tests.signalling.conftest import Harness

pytestmark = pytest.mark.timeout(90)


def test_demo_parties_knock_and_are_seen(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))

    async def main() -> None:
        store = Store(sqlite_url)
        room = Harness(sqlite_url).add_room_to(store, "演示调解室")
        embedded = EmbeddedSignalling(store)
        await embedded.start()
        token = embedded.server.staff_token(1, Role.MEDIATOR, "周调解员")
        mediator = RoomDesk(
            base_url=embedded.base_url,
            token_provider=lambda: token,
            name="周调解员",
            sink_size=(160, 90),
        )
        rec = Recorder(mediator)  # type: ignore[arg-type]
        try:
            await mediator.join(room)
            embedded.start_demo_parties(room)
            embedded.start_demo_parties(room)  # once per room, however often entered
            knocks = [
                await rec.wait(LobbyKnocked, lambda e, n=n: e.name == n) for n in DEMO_PARTIES
            ]
            for knock in knocks:
                await mediator.admit(knock.participant)
            for knock in knocks:
                leg = await until(lambda k=knock: mediator.leg(k.participant), 30, "a leg")
                await asyncio.wait_for(leg.got_video.wait(), 30)
            assert len(mediator.lobby()) == 0
            assert len([x for x in mediator.people() if x.admitted]) == 3
        finally:
            await mediator.leave()
            await embedded.stop()
            store.close()

    with loopback_ice():
        asyncio.run(main())
