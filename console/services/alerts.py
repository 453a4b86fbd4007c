"""Motion alerts: a watcher per camera with motion zones; each alert stored with a snapshot.

The alert is committed with its snapshot asset and published as ALERT_RAISED; the wall
lists alerts and pops the camera from the change feed, never from a call made here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import wait as wait_futures
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from console.core import paths
from console.core.camera_catalog import redact_url, with_credentials
from console.core.codes import AlertKind, AuditAction, MediaKind, ZoneKind
from console.core.events import ChangeAction, ChangeSet, Entity, Operation, change
from console.core.evidence import AlertRecord
from console.core.records import CameraRecord
from console.core.zones import Polygon
from console.media.masking import mask_image
from console.media.motion import MotionWatcher, MotionZone
from console.media.stills import write_jpeg
from console.services.evidence import file_sha256
from console.services.operator import Operator
from console.store.repos import audit, camera_alerts, camera_zones, cameras, media_assets
from console.store.repos.media_assets import NewMediaAsset
from console.store.store import Store

log = logging.getLogger(__name__)

# A decoder ends within its FFmpeg timeout; joining longer than that means a bug.
JOIN_TIMEOUT_S = 10.0


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _zones_and_masks(session: Any, camera_id: int) -> tuple[list[MotionZone], tuple[Polygon, ...]]:
    zones = [
        MotionZone(z.id, z.points, z.sensitivity)
        for z in camera_zones.of_camera(
            session, camera_id, kind=ZoneKind.MOTION_ZONE, active_only=True
        )
    ]
    masks = camera_zones.active_masks(session, [camera_id]).get(camera_id, ())
    return zones, masks


def _camera_zones_and_masks(
    session: Any, camera_id: int
) -> tuple[CameraRecord | None, list[MotionZone], tuple[Polygon, ...]]:
    found = cameras.by_ids(session, [camera_id])
    zones, masks = _zones_and_masks(session, camera_id)
    return (found[0] if found else None), zones, masks


def _connect_url(camera: CameraRecord) -> str | None:
    """The analysis stream: the sub stream (small is all motion needs), with its login."""
    url = camera.sub_url or camera.main_url
    if not url:
        return None
    return with_credentials(url, camera.stream_username, camera.stream_password)


class AlertService:
    """Starts and stops motion watchers; `close()` stops and joins every one."""

    def __init__(
        self,
        store: Store,
        operator: Operator,
        media_dir: Path | None = None,
        *,
        watcher_factory: Callable[..., MotionWatcher] = MotionWatcher,
        **watcher_options: Any,
    ) -> None:
        self.store = store
        self.operator = operator
        self.media_dir = media_dir or paths.data_dir() / "media"
        self._factory = watcher_factory
        self._options = watcher_options
        self._lock = threading.Lock()
        self._watchers: dict[int, MotionWatcher] = {}
        self._masks: dict[int, tuple[Polygon, ...]] = {}
        self._retiring: list[MotionWatcher] = []
        self._writes: list[Future[Any]] = []
        self._closed = False
        self._follow_all = False
        self._unsubscribe: Callable[[], None] | None = store.feed.subscribe(self._on_change)

    # --- watchers ---------------------------------------------------------------------------

    async def start(self, camera: CameraRecord) -> bool:
        """Watch the camera's active motion zones; False when it has none or no stream."""
        zones, masks = await self.store.read(partial(_zones_and_masks, camera_id=camera.id))
        return self._follow(camera, zones, masks)

    async def start_all(self) -> list[int]:
        """Watch every camera with active motion zones, and from now on follow zone edits:
        a camera given its first motion zone is watched, one losing its last is not."""
        self._follow_all = True
        ids = await self.store.read(camera_zones.cameras_with_motion_zones)
        records = await self.store.read(partial(cameras.by_ids, ids=ids))
        return [c.id for c in records if await self.start(c)]

    def _follow(
        self, camera: CameraRecord, zones: list[MotionZone], masks: tuple[Polygon, ...]
    ) -> bool:
        """Any thread: start, re-zone or stop the camera's watcher to match its zones."""
        url = _connect_url(camera)
        with self._lock:
            if self._closed:
                return False
            self._masks[camera.id] = masks
            running = self._watchers.get(camera.id)
            if running is not None and zones:
                running.set_zones(zones)
                return True
            if running is not None:
                del self._watchers[camera.id]
                self._retiring.append(running)
                running.stop()
                return False
            if not zones or not url:
                return False
            watcher = self._factory(
                camera.device_id, url, zones, partial(self._raise, camera), **self._options
            )
            self._watchers[camera.id] = watcher
            # Started under the lock: close() must never miss a watcher it could not join.
            watcher.start()
            return True

    def stop(self, camera: CameraRecord) -> None:
        """Signal the camera's watcher to end; returns at once (close() joins)."""
        with self._lock:
            watcher = self._watchers.pop(camera.id, None)
            if watcher is not None:
                self._retiring.append(watcher)
        if watcher is not None:
            watcher.stop()

    def watching(self) -> list[int]:
        with self._lock:
            return sorted(self._watchers)

    def watcher_for(self, camera: CameraRecord) -> MotionWatcher | None:
        with self._lock:
            return self._watchers.get(camera.id)

    def close(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        with self._lock:
            self._closed = True
            watchers = [*self._watchers.values(), *self._retiring]
            self._watchers.clear()
            self._retiring = []
        for watcher in watchers:
            watcher.stop()
        for watcher in watchers:
            if not watcher.join(JOIN_TIMEOUT_S):
                log.error("motion watcher %s did not end", watcher.camera_code)
        with self._lock:
            writes, self._writes = self._writes, []
        wait_futures(writes, timeout=JOIN_TIMEOUT_S)

    def _on_change(self, changes: ChangeSet) -> None:
        """Store writer thread: a camera's zones changed; follow them off this thread."""
        if changes.operation is not Operation.ZONES_CHANGED:
            return
        for key, value in changes.extra:
            if key != "camera_id":
                continue
            camera_id = int(value)
            with self._lock:
                relevant = self._follow_all or camera_id in self._watchers
            if relevant:
                future = self.store.submit_read(
                    partial(_camera_zones_and_masks, camera_id=camera_id)
                )
                future.add_done_callback(self._zones_loaded)

    def _zones_loaded(self, future: Future[Any]) -> None:
        if future.exception() is not None:
            log.error("camera zones not reloaded: %s", future.exception())
            return
        camera, zones, masks = future.result()
        if camera is not None:
            self._follow(camera, zones, masks)

    # --- alerts (watcher thread) ------------------------------------------------------------

    def _raise(self, camera: CameraRecord, zone_id: int, score: float, image: np.ndarray) -> None:
        """Write the masked snapshot here, then hand the rows to the store's writer."""
        raised_at = _now()
        with self._lock:
            masks = self._masks.get(camera.id, ())
        stamp = raised_at.strftime("%Y%m%dT%H%M%S%fZ")
        path = self.media_dir / "alerts" / camera.device_id / f"{stamp}-zone{zone_id}.jpg"
        write_jpeg(path, mask_image(image.copy(), masks))
        sha, size = file_sha256(path), path.stat().st_size
        url = camera.sub_url or camera.main_url or camera.device_id
        new = NewMediaAsset(
            kind=MediaKind.SNAPSHOT,
            path=path,
            sha256=sha,
            size_bytes=size,
            source=f"motion:{redact_url(url)}",
            created_by=None,  # raised by analytics, not by a person
            created_at=raised_at,
            camera_id=camera.id,
            started_at=raised_at,
            ended_at=raised_at,
        )

        def op(session):  # type: ignore[no-untyped-def]
            asset = media_assets.add(session, new)
            alert_id = camera_alerts.add(
                session,
                camera_id=camera.id,
                kind=AlertKind.MOTION,
                zone_id=zone_id,
                raised_at=raised_at,
                score=score,
                snapshot_id=asset.id,
            )
            return alert_id, ChangeSet(
                Operation.ALERT_RAISED,
                None,
                (
                    change(Entity.CAMERA_ALERT, ChangeAction.CREATED, alert_id),
                    change(Entity.MEDIA_ASSET, ChangeAction.CREATED, asset.id),
                ),
                extra=(("camera_id", str(camera.id)), ("device_id", camera.device_id)),
            )

        future = self.store.submit_write(op)
        with self._lock:
            self._writes = [f for f in self._writes if not f.done()]
            self._writes.append(future)
        future.add_done_callback(partial(self._written, path))

    @staticmethod
    def _written(path: Path, future: Future[Any]) -> None:
        if future.exception() is not None:
            log.error("motion alert not stored: %s", future.exception())
            with contextlib.suppress(OSError):
                path.unlink()

    async def flush(self) -> None:
        """Until every alert handed to the store so far is committed."""
        with self._lock:
            pending = list(self._writes)
        await asyncio.gather(*(asyncio.wrap_future(f) for f in pending))

    # --- the alert list ---------------------------------------------------------------------

    async def recent(
        self, limit: int = 100, unacknowledged_only: bool = False
    ) -> list[AlertRecord]:
        return await self.store.read(
            partial(camera_alerts.recent, limit=limit, unacknowledged_only=unacknowledged_only)
        )

    async def by_ids(self, ids: frozenset[int]) -> list[AlertRecord]:
        return await self.store.read(partial(camera_alerts.by_ids, ids=sorted(ids)))

    async def acknowledge(self, alert_id: int) -> AlertRecord:
        def op(session):  # type: ignore[no-untyped-def]
            record = camera_alerts.acknowledge(session, alert_id, self.operator.id, _now())
            if record is None:
                raise LookupError(f"告警 {alert_id} 不存在 (no such alert)")
            audit.append(
                session,
                actor_id=self.operator.id,
                action=AuditAction.ALERT_ACKNOWLEDGED,
                target_kind="camera_alert",
                target_id=alert_id,
                detail=record.camera_device_id,
            )
            return record, ChangeSet(
                Operation.ALERT_ACKNOWLEDGED,
                self.operator.id,
                (change(Entity.CAMERA_ALERT, ChangeAction.UPDATED, alert_id),),
                extra=(("camera_id", str(record.camera_id)),),
            )

        record, _ = await self.store.write(op)
        return record
