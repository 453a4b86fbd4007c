"""The camera catalogue: cameras of a region, search, imports, favourites, live-capable cameras."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import Session

from console.core.camera_catalog import CameraImportRow, ImportCounts
from console.core.codes import CameraStatus
from console.core.records import CameraRecord
from console.store.like import ESCAPE, escape_like
from console.store.models import Camera, CameraFavourite, Region

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
        stream_username=c.stream_username,
        stream_password=c.stream_password,
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
    q = escape_like(q)
    like = f"%{q}%"
    stmt = (
        select(Camera)
        .where(
            or_(
                Camera.name.like(like, escape=ESCAPE),
                Camera.device_id.like(f"{q}%", escape=ESCAPE),
                Camera.address.like(like, escape=ESCAPE),
                Camera.name_initials.like(f"%{q.lower()}%", escape=ESCAPE),
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


# --- import

# Well under SQLite's and PostgreSQL's bound-parameter limits.
_CHUNK = 900
# Row fields copied as they are onto the camera's column of the same name.
_PLAIN_FIELDS = (
    "name",
    "name_initials",
    "address",
    "civil_code",
    "parent_device_id",
    "manufacturer",
    "model",
    "longitude",
    "latitude",
    "sensitive",
    "stream_username",
    "stream_password",
)


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class RegionResolver:
    """Region of a civil code: the region with that code, else the longest code prefixing it."""

    def __init__(self, session: Session) -> None:
        self._ids = {code: id_ for code, id_ in session.execute(select(Region.code, Region.id))}
        self._lengths = sorted({len(c) for c in self._ids}, reverse=True)

    def __call__(self, civil_code: str | None) -> int | None:
        if not civil_code:
            return None
        for n in self._lengths:
            if n <= len(civil_code):
                found = self._ids.get(civil_code[:n])
                if found is not None:
                    return found
        return None


def _values(row: CameraImportRow) -> dict[str, Any]:
    """Column values the row gives; fields the file said nothing about are left out."""
    values: dict[str, Any] = {}
    for name in (*_PLAIN_FIELDS, "main_url", "sub_url"):
        value = getattr(row, name)
        if value is None:
            continue
        if value == "":
            value = None
        values[name] = value
    if row.status is not None:
        values["status"] = row.status.code
    if row.ptz_type is not None:
        values["ptz_type"] = row.ptz_type.code
    return values


def import_rows(session: Session, rows: Sequence[CameraImportRow]) -> ImportCounts:
    """Upsert by device id: create new cameras, update changed ones, count the unchanged.

    A camera keeps its region while its civil code stays the same, so a finer placement
    (a grid under the town the code names) survives re-importing the same catalogue.
    """
    region_of = RegionResolver(session)
    by_device = {r.device_id: r for r in rows}
    existing: dict[str, Camera] = {}
    for chunk in _chunks(list(by_device)):
        for found in session.scalars(select(Camera).where(Camera.device_id.in_(chunk))):
            existing[found.device_id] = found

    updated_ids: list[int] = []
    unchanged = 0
    new_rows: list[dict[str, Any]] = []
    for row in rows:
        values = _values(row)
        cam = existing.get(row.device_id)
        if cam is None:
            values.setdefault("status", CameraStatus.ONLINE.code)
            values.setdefault("sensitive", False)
            values["device_id"] = row.device_id
            values["region_id"] = region_of(row.civil_code)
            new_rows.append(values)
            continue
        if "civil_code" in values and (
            values["civil_code"] != cam.civil_code or cam.region_id is None
        ):
            values["region_id"] = region_of(values["civil_code"])
        changed = {k: v for k, v in values.items() if getattr(cam, k) != v}
        if changed:
            for key, value in changed.items():
                setattr(cam, key, value)
            updated_ids.append(cam.id)
        else:
            unchanged += 1
    session.flush()

    created_ids: list[int] = []
    if new_rows:
        # Core bulk insert: ORM units of work for tens of thousands of rows take seconds.
        columns = sorted({k for v in new_rows for k in v})
        full = [{c: v.get(c) for c in columns} for v in new_rows]
        session.execute(insert(Camera), full)
        new_devices = [v["device_id"] for v in new_rows]
        for chunk in _chunks(new_devices):
            created_ids.extend(
                session.scalars(select(Camera.id).where(Camera.device_id.in_(chunk)))
            )
    return ImportCounts(tuple(sorted(created_ids)), tuple(updated_ids), unchanged)


def by_device_id(session: Session, device_id: str) -> CameraRecord | None:
    cam = session.scalars(select(Camera).where(Camera.device_id == device_id)).first()
    return None if cam is None else _record(cam)


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Camera)) or 0)


# --- favourites


def add_favourite(session: Session, user_id: int, camera_id: int) -> bool:
    """True when it was not a favourite before."""
    if session.get(Camera, camera_id) is None:
        raise LookupError(f"no camera {camera_id}")
    if session.get(CameraFavourite, (user_id, camera_id)) is not None:
        return False
    session.add(CameraFavourite(user_id=user_id, camera_id=camera_id))
    session.flush()
    return True


def remove_favourite(session: Session, user_id: int, camera_id: int) -> bool:
    """True when it was a favourite."""
    result = session.execute(
        delete(CameraFavourite).where(
            CameraFavourite.user_id == user_id, CameraFavourite.camera_id == camera_id
        )
    )
    return bool(getattr(result, "rowcount", 0))


def favourites(session: Session, user_id: int) -> list[CameraRecord]:
    stmt = (
        select(Camera)
        .join(CameraFavourite, CameraFavourite.camera_id == Camera.id)
        .where(CameraFavourite.user_id == user_id)
        .order_by(Camera.name)
    )
    return [_record(c) for c in session.scalars(stmt)]


def favourite_ids(session: Session, user_id: int) -> frozenset[int]:
    stmt = select(CameraFavourite.camera_id).where(CameraFavourite.user_id == user_id)
    return frozenset(session.scalars(stmt))
