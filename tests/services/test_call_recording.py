"""Call recording as a service: consent, the stored asset and its hash, audit, case link.

A real signalling server on loopback with the SQLite store behind its queue; a simulated
caller and an officer (both real aiortc peers) talk through it while the officer records.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable, Iterator
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import av
import pytest

from console.core import idcard
from console.core.clock import utcnow
from console.core.codes import (
    AuditAction,
    DisputeCategory,
    IdType,
    MediaKind,
    PartyRole,
    Role,
    Urgency,
)
from console.core.events import ChangeAction, Entity
from console.core.evidence import MediaAssetRecord
from console.core.registration import PartyDraft, RegistrationDraft
from console.media.peer import set_ice_interfaces
from console.services.call_peer import (
    CallStats,
    MediaLeg,
    request_ticket,
    run_caller,
    run_officer,
    ws_url,
)
from console.services.call_recording import CallRecordingService, RecordingRefused
from console.services.evidence import file_sha256
from console.services.registration import RegistrationService
from console.services.signalling_store import StoreQueue
from console.signalling.client import WebSocketSignallingClient
from console.signalling.server import Limits, ServerConfig, SignallingServer
from console.store.models import Call
from console.store.repos import audit, call_queue, media_assets
from console.store.repos.media_assets import NewMediaAsset
from console.store.store import Store
from tests.services.conftest import People

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(autouse=True)
def loopback_ice() -> Iterator[None]:
    set_ice_interfaces(["lo"])
    yield
    set_ice_interfaces(None)


Script = Callable[[MediaLeg, MediaLeg, WebSocketSignallingClient, str], Awaitable[Any]]


async def _call(store: Store, officer_id: int, script: Script) -> tuple[Any, CallStats, str]:
    """One call through a real server; `script(officer_leg, caller_leg, caller_client, ticket)`
    runs once video flows both ways, then the officer hangs up."""
    config = ServerConfig(
        secret=secrets.token_bytes(32),
        web_root=None,
        grace_s=0.5,
        limits=Limits(ticket_burst=100, ticket_rate_per_s=100),
    )
    server = SignallingServer(config, StoreQueue(store))
    port = await server.start("127.0.0.1", 0)
    base = f"http://127.0.0.1:{port}"
    legs: dict[str, MediaLeg] = {}
    got = {k: asyncio.Event() for k in ("officer", "caller")}

    def keep(role: str) -> Callable[[MediaLeg], None]:
        def on_leg(leg: MediaLeg) -> None:
            legs[role] = leg
            got[role].set()

        return on_leg

    ticket, token = await request_ticket(base, name="录像测试", category="neighbour")
    citizen = WebSocketSignallingClient(ws_url(base), lambda: token, client_name="test")
    officer = WebSocketSignallingClient(
        ws_url(base),
        lambda: server.staff_token(officer_id, Role.DUTY_OFFICER, "duty"),
        client_name="test-officer",
    )
    await citizen.connect()
    await officer.connect()
    caller_task = asyncio.create_task(
        run_caller(
            citizen,
            ticket=ticket,
            name="录像测试",
            category="neighbour",
            seconds=45,
            on_leg=keep("caller"),
            timeout=45,
        )
    )
    officer_stats = CallStats(ticket=ticket)
    officer_task = asyncio.create_task(
        run_officer(officer, ticket=ticket, timeout=45, stats=officer_stats, on_leg=keep("officer"))
    )
    try:
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in got.values())), 20)
        await asyncio.wait_for(legs["officer"].got_video.wait(), 20)
        sink = legs["officer"].sink
        assert sink is not None and await sink.wait_frames(15, 20) >= 15
        outcome = await script(legs["officer"], legs["caller"], citizen, ticket)
        return outcome, officer_stats, ticket
    finally:
        if not officer_task.done():
            from console.signalling import protocol as p

            await officer.send(p.CallHangup(id=officer.new_id(), ticket=ticket))
        await asyncio.wait_for(asyncio.gather(officer_task, return_exceptions=True), 20)
        caller_task.cancel()
        await asyncio.gather(caller_task, return_exceptions=True)
        await citizen.close()
        await officer.close()
        await server.stop()


async def _record(
    service: CallRecordingService, ticket: str, leg: MediaLeg, operator_id: int, frames: int
) -> MediaAssetRecord:
    handle = await service.start(ticket, leg, operator_id)
    assert leg.sink is not None
    await leg.sink.wait_frames(leg.sink.frames_received + frames, 20)
    return await service.stop(handle)


def _video_frames(path: Path) -> int:
    with av.open(str(path)) as container:
        assert container.streams.video and container.streams.audio
        return sum(1 for _ in container.decode(video=0))


def test_recording_and_snapshots_refused_without_consent(
    store: Store, people: People, tmp_path: Path
) -> None:
    store.write_sync(
        partial(
            call_queue.enqueue,
            ticket="T-NOCONSENT",
            name="不同意",
            phone="",
            category="neighbour",
            vulnerable=False,
            consent=False,
        )
    )
    service = CallRecordingService(store, tmp_path / "media")

    async def main() -> None:
        leg = MediaLeg(None, "nobody")  # type: ignore[arg-type]  # never negotiated
        try:
            with pytest.raises(RecordingRefused, match="未同意"):
                await service.start("T-NOCONSENT", leg, people.duty.id)
            with pytest.raises(RecordingRefused, match="找不到"):
                await service.start("T-UNKNOWN", leg, people.duty.id)
            # A still of the caller is a recording too.
            with pytest.raises(RecordingRefused, match="未同意"):
                await service.snapshot("T-NOCONSENT", leg, people.duty.id)
            assert not leg.video_tap and not leg.audio_tap
        finally:
            await leg.close()

    asyncio.run(main())
    assert not (tmp_path / "media").exists()


def test_recording_is_stored_hashed_audited_and_linked(
    store: Store, people: People, case_id: int, tmp_path: Path
) -> None:
    service = CallRecordingService(store, tmp_path / "media")

    async def script(
        officer: MediaLeg, _caller: MediaLeg, _client: Any, ticket: str
    ) -> list[MediaAssetRecord]:
        first = await _record(service, ticket, officer, people.duty.id, 60)
        second = await _record(service, ticket, officer, people.duty.id, 20)
        return [first, second]

    async def main() -> tuple[list[MediaAssetRecord], str]:
        assets, _stats, ticket = await _call(store, people.duty.id, script)
        return assets, ticket

    assets, ticket = asyncio.run(main())
    assert len(assets) == 2 and assets[0].path != assets[1].path
    for asset in assets:
        assert asset.kind is MediaKind.INTAKE_RECORDING
        assert asset.path.is_file() and asset.case_id is None
        assert file_sha256(asset.path) == asset.sha256
        assert asset.size_bytes == asset.path.stat().st_size
        assert asset.created_by == people.duty.id
        assert asset.started_at is not None and asset.ended_at is not None
        # 20 frames are 0.67 s at 30 fps; on a loaded machine the bounded hand-off drops some
        # (seen: 0.296 s in CI while other tests ran), so only "a real span" is asserted.
        assert asset.duration_s is not None and asset.duration_s > 0.1
    assert assets[0].duration_s is not None and assets[0].duration_s > 0.8  # 60 frames: 2 s
    assert _video_frames(assets[0].path) >= 0.6 * 60
    call = store.read_sync(partial(media_assets.recordable_call, ticket=ticket))
    assert call is not None
    rows = store.read_sync(partial(media_assets.of_call, call_id=call.id))
    assert [r.id for r in rows] == [a.id for a in assets]
    recorded = [e for e in store.read_sync(audit.recent) if e.action == AuditAction.RECORD.code]
    assert len(recorded) == 2
    assert all(e.target_id == ticket and f"recorded call {ticket}" in e.detail for e in recorded)
    assert store.read_sync(audit.verify) == []

    linked = asyncio.run(service.link_case(ticket, case_id))
    assert set(linked) == {a.id for a in assets}
    assert {a.case_id for a in store.read_sync(partial(media_assets.of_case, case_id=case_id))} == {
        case_id
    }
    assert asyncio.run(service.link_case(ticket, case_id)) == ()  # already linked: no change


def _register_call(session: Any, ticket: str, case_id: int) -> tuple[None, None]:
    call = media_assets.recordable_call(session, ticket)
    assert call is not None
    session.get(Call, call.id).case_id = case_id
    return None, None


def test_caller_vanishing_mid_recording_leaves_a_playable_file(
    store: Store, people: People, case_id: int, tmp_path: Path
) -> None:
    service = CallRecordingService(store, tmp_path / "media")

    async def script(
        officer: MediaLeg, caller: MediaLeg, client: Any, ticket: str
    ) -> MediaAssetRecord:
        # Registered before recording: the recording takes the call's case at once.
        await store.write(partial(_register_call, ticket=ticket, case_id=case_id))
        handle = await service.start(ticket, officer, people.duty.id)
        assert officer.sink is not None
        await officer.sink.wait_frames(officer.sink.frames_received + 30, 20)
        # The citizen's browser dies: no hang-up, the peer connection and socket just go.
        await caller.close()
        await client.close()
        task = officer.sink._task
        if task is not None:  # the remote track ends once the peer connection is gone
            await asyncio.wait_for(asyncio.shield(task), 20)
        return await service.stop(handle)

    async def main() -> MediaAssetRecord:
        asset, _stats, _ticket = await _call(store, people.duty.id, script)
        return asset

    asset = asyncio.run(main())
    assert asset.case_id == case_id
    assert asset.path.is_file() and file_sha256(asset.path) == asset.sha256
    assert _video_frames(asset.path) >= 0.6 * 30


def test_registering_the_call_links_its_earlier_recordings(
    store: Store, people: People, tmp_path: Path
) -> None:
    """No one calls link_case: registering links them in the same transaction."""
    (queued, _), _ = store.write_sync(
        partial(
            call_queue.enqueue,
            ticket="T-REG",
            name="张三",
            phone="13800138000",
            category="property",
            vulnerable=False,
            consent=True,
        )
    )
    asset, _ = store.write_sync(
        lambda s: (
            media_assets.add_call_recording(
                s,
                NewMediaAsset(
                    kind=MediaKind.INTAKE_RECORDING,
                    path=tmp_path / "earlier.mp4",
                    sha256="0" * 64,
                    size_bytes=1,
                    source="call T-REG",
                    created_by=people.duty.id,
                    created_at=utcnow(),
                    call_id=queued.id,
                ),
            ),
            None,
        )
    )
    assert asset.case_id is None
    draft = RegistrationDraft(
        parties=(
            PartyDraft(
                PartyRole.APPLICANT,
                "张三",
                IdType.RESIDENT_ID,
                idcard.make_id("340102", date(1975, 3, 8), 246),
                "13800138000",
            ),
        ),
        category=DisputeCategory.PROPERTY_MGMT,
        urgency=Urgency.NORMAL,
        people_count=1,
        occurred_at=utcnow() - timedelta(days=1),
        place="滨江小区3栋",
        summary="电梯停运一个月，物业不修",
        call_id=queued.id,
        call_ticket="T-REG",
    )
    case_id, changes = RegistrationService(store, people.duty).register_sync(draft)
    assert changes is not None
    assert changes.ids_of(Entity.MEDIA_ASSET, ChangeAction.UPDATED) == {asset.id}
    rows = store.read_sync(partial(media_assets.of_call, call_id=queued.id))
    assert [(r.id, r.case_id) for r in rows] == [(asset.id, case_id)]
