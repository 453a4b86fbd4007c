"""Zone editing and mask lifting by role, audited; motion alerts stored with a snapshot."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from console.core.codes import AlertKind, AuditAction, ZoneKind
from console.core.events import ChangeAction, ChangeSet, Entity, Operation
from console.core.zones import Polygon, ZoneProblem
from console.media.stills import read_image
from console.services.alerts import AlertService
from console.services.evidence import EvidenceService, file_sha256
from console.services.masks import MaskService
from console.store.repos import audit, media_assets
from console.store.store import Store
from tests.media.motion_clips import make_crossing_clip
from tests.services.conftest import People, add_camera

WINDOW: Polygon = ((0.1, 0.1), (0.3, 0.1), (0.3, 0.3), (0.1, 0.3))
LANE: Polygon = ((0.3, 0.6), (0.7, 0.6), (0.7, 0.9), (0.3, 0.9))


async def until(predicate: Callable[[], object], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not reached within {timeout} s")
        await asyncio.sleep(0.02)


def last_audit(store: Store, n: int = 1) -> list[tuple[str, int | None, str, str]]:
    rows = store.read_sync(lambda s: audit.recent(s, n))
    return [(r.action, r.actor_id, r.target_id, r.detail) for r in rows]


def test_zone_editing_and_mask_lifting_need_a_supervisor(
    store: Store, people: People, tmp_path: Path
) -> None:
    camera = add_camera(store, "34020000001320000010", "rtsp://127.0.0.1:1/none")
    evidence = EvidenceService(store, people.duty, None, tmp_path)
    as_duty = MaskService(store, people.duty, evidence)
    as_boss = MaskService(store, people.supervisor, evidence)
    published: list[ChangeSet] = []
    unsubscribe = store.feed.subscribe(published.append)

    async def scenario() -> None:
        with pytest.raises(PermissionError):
            await as_duty.add_zone(camera, ZoneKind.PRIVACY_MASK, WINDOW)
        with pytest.raises(PermissionError):
            await as_duty.lift_mask(camera, reason="想看看")
        for bad in (
            [(0.1, 0.1), (0.2, 0.2)],
            [(0, 0), (1, 1), (0.5, 0.5)],
            [(0, 0), (2, 0), (0, 1)],
        ):
            with pytest.raises(ZoneProblem):
                await as_boss.add_zone(camera, ZoneKind.PRIVACY_MASK, bad)  # type: ignore[arg-type]
        zone = await as_boss.add_zone(camera, ZoneKind.PRIVACY_MASK, WINDOW, name="窗户")
        assert zone.points == WINDOW and zone.kind is ZoneKind.PRIVACY_MASK and zone.active
        action, actor, target, detail = last_audit(store)[0]
        assert (action, actor, target) == (
            AuditAction.MASK_CHANGED.code,
            people.supervisor.id,
            camera.device_id,
        )
        assert json.loads(detail)["zone"] == zone.id
        changes = published[-1]
        assert changes.operation is Operation.ZONES_CHANGED
        assert changes.ids_of(Entity.CAMERA_ZONE, ChangeAction.CREATED) == {zone.id}
        assert ("camera_id", str(camera.id)) in changes.extra

        updated = await as_boss.update_zone(zone.id, sensitivity=80, active=False)
        assert updated.sensitivity == 80 and not updated.active
        assert [z.id for z in await as_duty.zones(camera)] == [zone.id]  # anyone may look

        with pytest.raises(PermissionError):
            await as_boss.lift_mask(camera, reason="  ")
        await as_boss.lift_mask(camera, reason="案件核查需要")
        assert as_boss.is_lifted(camera) and evidence.is_lifted(camera)
        action, actor, target, detail = last_audit(store)[0]
        assert (action, actor, target) == (
            AuditAction.MASK_LIFTED.code,
            people.supervisor.id,
            camera.device_id,
        )
        assert json.loads(detail)["reason"] == "案件核查需要"
        await as_boss.restore_mask(camera)
        assert not evidence.is_lifted(camera)
        await as_boss.delete_zone(zone.id)
        assert await as_boss.zones(camera) == []
        assert store.read_sync(audit.verify) == []

    try:
        asyncio.run(scenario())
    finally:
        unsubscribe()
        evidence.close()


def test_motion_in_a_zone_raises_a_stored_alert_with_a_masked_snapshot(
    store: Store, people: People, tmp_path: Path
) -> None:
    clip = make_crossing_clip(tmp_path / "crossing.mp4")
    camera = add_camera(store, "34020000001320000011", clip.as_uri())
    quiet = add_camera(store, "34020000001320000012", clip.as_uri())
    masks = MaskService(store, people.supervisor)
    alerts = AlertService(store, people.duty, tmp_path / "media", warmup_frames=8)
    raised = threading.Event()
    published: list[ChangeSet] = []

    def listen(changes: ChangeSet) -> None:
        if changes.operation is Operation.ALERT_RAISED:
            published.append(changes)
            raised.set()

    unsubscribe = store.feed.subscribe(listen)

    async def scenario() -> None:
        zone = await masks.add_zone(camera, ZoneKind.MOTION_ZONE, LANE, name="车道", sensitivity=70)
        # The box crosses the lane, under the mask's band: the snapshot must be masked too.
        await masks.add_zone(
            camera, ZoneKind.PRIVACY_MASK, ((0.0, 0.5), (1.0, 0.5), (1.0, 0.6), (0.0, 0.6))
        )
        assert await alerts.start(quiet) is False  # no motion zones: no watcher
        assert await alerts.start_all() == [camera.id]
        assert alerts.watching() == [camera.id]
        assert await asyncio.to_thread(raised.wait, 15.0)
        alerts.stop(camera)
        await alerts.flush()

        changes = published[0]
        (alert_id,) = changes.ids_of(Entity.CAMERA_ALERT, ChangeAction.CREATED)
        (asset_id,) = changes.ids_of(Entity.MEDIA_ASSET, ChangeAction.CREATED)
        assert ("camera_id", str(camera.id)) in changes.extra

        (alert,) = await alerts.by_ids(frozenset({alert_id}))
        assert alert.kind is AlertKind.MOTION and alert.zone_id == zone.id
        assert alert.zone_name == "车道" and alert.camera_device_id == camera.device_id
        assert alert.score > 0 and alert.acknowledged_at is None
        assert alert.snapshot_id == asset_id and alert.snapshot_path is not None
        asset = store.read_sync(lambda s: media_assets.get(s, asset_id))
        assert asset is not None and file_sha256(asset.path) == asset.sha256
        picture = read_image(asset.path)
        assert picture is not None and picture.shape == (180, 320, 3)
        assert picture[92:106].mean() < 4  # the masked band (0.5..0.6 of 180 rows)
        assert (await alerts.recent(10))[0].id == alert_id

        acked = await alerts.acknowledge(alert_id)
        assert acked.acknowledged_by == people.duty.id and acked.acknowledged_at is not None
        action, actor, target, _ = last_audit(store)[0]
        assert (action, actor, target) == (
            AuditAction.ALERT_ACKNOWLEDGED.code,
            people.duty.id,
            str(alert_id),
        )
        assert await alerts.recent(10, unacknowledged_only=True) == [
            a for a in await alerts.recent(10) if a.acknowledged_at is None
        ]

        # After start_all the service follows zone edits by itself.
        extra = await masks.add_zone(quiet, ZoneKind.MOTION_ZONE, LANE)
        await until(lambda: alerts.watching() == [quiet.id])
        await masks.delete_zone(extra.id)
        await until(lambda: alerts.watching() == [])

    try:
        asyncio.run(scenario())
    finally:
        unsubscribe()
        alerts.close()
    assert not any(t.name.startswith("motion-") for t in threading.enumerate())
