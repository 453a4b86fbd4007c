"""The camera catalogue: cameras of a region, search, live-capable cameras."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from console.core.codes import CameraStatus
from console.core.records import CameraRecord
from console.store.models import Camera

SEARCH_LIMIT = 200


def _record(c: Camera) -> CameraRecord:
    return CameraRecord(
        id=c.id,
        device_id=c.device_id,
        name=c.name,
        address=c.address or "",
        region_id=c.region_id,
        status=CameraStatus(c.status),
        main_url=c.main_url,
        sub_url=c.sub_url,
        sensitive=c.sensitive,
        longitude=c.longitude,
        latitude=c.latitude,
    )


def in_region(session: Session, region_id: int) -> list[CameraRecord]:
    rows = session.scalars(
        select(Camera).where(Camera.region_id == region_id).order_by(Camera.name)
    )
    return [_record(c) for c in rows]


def search(session: Session, text: str, limit: int = SEARCH_LIMIT) -> list[CameraRecord]:
    """By name, device code, address or pinyin initials (e.g. “jgl” for 建国路)."""
    q = text.strip()
    if not q:
        return []
    like = f"%{q}%"
    stmt = (
        select(Camera)
        .where(
            or_(
                Camera.name.like(like),
                Camera.device_id.like(f"{q}%"),
                Camera.address.like(like),
                Camera.name_initials.like(f"%{q.lower()}%"),
            )
        )
        .order_by(Camera.name)
        .limit(limit)
    )
    return [_record(c) for c in session.scalars(stmt)]


def live_capable(session: Session) -> list[CameraRecord]:
    stmt = select(Camera).where(Camera.sub_url.is_not(None)).order_by(Camera.device_id)
    return [_record(c) for c in session.scalars(stmt)]


def by_ids(session: Session, ids: list[int]) -> list[CameraRecord]:
    return [_record(c) for c in session.scalars(select(Camera).where(Camera.id.in_(ids)))]


def set_stream_urls(session: Session, camera_id: int, main_url: str, sub_url: str) -> None:
    cam = session.get(Camera, camera_id)
    if cam is not None:
        cam.main_url, cam.sub_url = main_url, sub_url
