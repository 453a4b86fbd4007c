"""Camera zones: privacy masks and motion zones, per camera."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.core.codes import ZoneKind
from console.core.zones import Polygon, ZoneRecord, points_from_json, points_to_json
from console.store.models import Camera, CameraZone


def _record(z: CameraZone) -> ZoneRecord:
    return ZoneRecord(
        id=z.id,
        camera_id=z.camera_id,
        kind=ZoneKind(z.kind),
        name=z.name,
        points=points_from_json(z.points),
        sensitivity=z.sensitivity,
        active=z.active,
        created_by=z.created_by,
        created_at=z.created_at,
    )


def add(
    session: Session,
    *,
    camera_id: int,
    kind: ZoneKind,
    name: str,
    points: Polygon,
    sensitivity: int,
    created_by: int | None,
    at: datetime,
) -> int:
    zone = CameraZone(
        camera_id=camera_id,
        kind=kind.code,
        name=name,
        points=points_to_json(points),
        sensitivity=sensitivity,
        active=True,
        created_by=created_by,
        created_at=at,
    )
    session.add(zone)
    session.flush()
    return zone.id


def update(
    session: Session,
    zone_id: int,
    *,
    name: str | None = None,
    points: Polygon | None = None,
    sensitivity: int | None = None,
    active: bool | None = None,
) -> ZoneRecord | None:
    zone = session.get(CameraZone, zone_id)
    if zone is None:
        return None
    if name is not None:
        zone.name = name
    if points is not None:
        zone.points = points_to_json(points)
    if sensitivity is not None:
        zone.sensitivity = sensitivity
    if active is not None:
        zone.active = active
    session.flush()
    return _record(zone)


def delete(session: Session, zone_id: int) -> ZoneRecord | None:
    zone = session.get(CameraZone, zone_id)
    if zone is None:
        return None
    record = _record(zone)
    session.delete(zone)
    session.flush()
    return record


def get(session: Session, zone_id: int) -> ZoneRecord | None:
    zone = session.get(CameraZone, zone_id)
    return None if zone is None else _record(zone)


def of_camera(
    session: Session, camera_id: int, kind: ZoneKind | None = None, active_only: bool = False
) -> list[ZoneRecord]:
    stmt = select(CameraZone).where(CameraZone.camera_id == camera_id)
    if kind is not None:
        stmt = stmt.where(CameraZone.kind == kind.code)
    if active_only:
        stmt = stmt.where(CameraZone.active.is_(True))
    return [_record(z) for z in session.scalars(stmt.order_by(CameraZone.id))]


def active_masks(
    session: Session, camera_ids: list[int] | None = None
) -> dict[int, tuple[Polygon, ...]]:
    """Active privacy-mask polygons by camera id (cameras without masks are absent)."""
    stmt = select(CameraZone.camera_id, CameraZone.points).where(
        CameraZone.kind == ZoneKind.PRIVACY_MASK.code, CameraZone.active.is_(True)
    )
    if camera_ids is not None:
        stmt = stmt.where(CameraZone.camera_id.in_(camera_ids))
    out: dict[int, list[Polygon]] = {}
    for camera_id, points in session.execute(stmt.order_by(CameraZone.id)):
        out.setdefault(camera_id, []).append(points_from_json(points))
    return {k: tuple(v) for k, v in out.items()}


def cameras_with_motion_zones(session: Session) -> list[int]:
    stmt = (
        select(CameraZone.camera_id)
        .where(CameraZone.kind == ZoneKind.MOTION_ZONE.code, CameraZone.active.is_(True))
        .distinct()
    )
    return sorted(session.scalars(stmt))


def device_id_of(session: Session, camera_id: int) -> str | None:
    """The camera's device code, which audit rows name cameras by."""
    return session.scalar(select(Camera.device_id).where(Camera.id == camera_id))
