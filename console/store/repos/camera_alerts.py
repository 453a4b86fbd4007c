"""Camera alerts raised by analytics: store, list the newest, acknowledge."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.core.codes import AlertKind
from console.core.evidence import AlertRecord
from console.store.models import Camera, CameraAlert, CameraZone, MediaAsset


def add(
    session: Session,
    *,
    camera_id: int,
    kind: AlertKind,
    zone_id: int | None,
    raised_at: datetime,
    score: float,
    snapshot_id: int | None,
) -> int:
    alert = CameraAlert(
        camera_id=camera_id,
        kind=kind.code,
        zone_id=zone_id,
        raised_at=raised_at,
        score=score,
        snapshot_id=snapshot_id,
    )
    session.add(alert)
    session.flush()
    return alert.id


def _select() -> Any:  # a Select of an alert and what the alert list shows with it
    return (
        select(CameraAlert, Camera.device_id, Camera.name, CameraZone.name, MediaAsset.path)
        .join(Camera, Camera.id == CameraAlert.camera_id)
        .outerjoin(CameraZone, CameraZone.id == CameraAlert.zone_id)
        .outerjoin(MediaAsset, MediaAsset.id == CameraAlert.snapshot_id)
    )


def _record(row: Any) -> AlertRecord:
    a, device_id, camera_name, zone_name, snapshot_path = row
    return AlertRecord(
        id=a.id,
        camera_id=a.camera_id,
        camera_device_id=device_id,
        camera_name=camera_name,
        kind=AlertKind(a.kind),
        zone_id=a.zone_id,
        zone_name=zone_name or "",
        raised_at=a.raised_at,
        score=a.score,
        snapshot_id=a.snapshot_id,
        snapshot_path=Path(snapshot_path) if snapshot_path else None,
        acknowledged_by=a.acknowledged_by,
        acknowledged_at=a.acknowledged_at,
    )


def recent(
    session: Session, limit: int = 100, unacknowledged_only: bool = False
) -> list[AlertRecord]:
    stmt = _select()
    if unacknowledged_only:
        stmt = stmt.where(CameraAlert.acknowledged_at.is_(None))
    stmt = stmt.order_by(CameraAlert.raised_at.desc(), CameraAlert.id.desc()).limit(limit)
    return [_record(r) for r in session.execute(stmt)]


def by_ids(session: Session, ids: list[int]) -> list[AlertRecord]:
    stmt = _select().where(CameraAlert.id.in_(ids)).order_by(CameraAlert.id)
    return [_record(r) for r in session.execute(stmt)]


def acknowledge(session: Session, alert_id: int, user_id: int, at: datetime) -> AlertRecord | None:
    """Marks the alert acknowledged once; an already acknowledged alert keeps its first ack."""
    alert = session.get(CameraAlert, alert_id)
    if alert is None:
        return None
    if alert.acknowledged_at is None:
        alert.acknowledged_by, alert.acknowledged_at = user_id, at
        session.flush()
    found = by_ids(session, [alert_id])
    return found[0] if found else None
