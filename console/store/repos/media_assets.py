"""Media assets kept as evidence: snapshots, clips and recordings, each with its hash."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.core.codes import MediaKind
from console.core.evidence import MediaAssetRecord
from console.store.models import Call, MediaAsset, User


@dataclass(frozen=True, slots=True)
class NewMediaAsset:
    kind: MediaKind
    path: Path
    sha256: str
    size_bytes: int
    source: str
    created_by: int | None
    created_at: datetime
    camera_id: int | None = None
    case_id: int | None = None
    room_id: int | None = None
    call_id: int | None = None
    duration_s: float | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None


def to_record(a: MediaAsset) -> MediaAssetRecord:
    return MediaAssetRecord(
        id=a.id,
        kind=MediaKind(a.kind),
        camera_id=a.camera_id,
        case_id=a.case_id,
        path=Path(a.path),
        sha256=a.sha256,
        size_bytes=a.size_bytes,
        duration_s=a.duration_s,
        started_at=a.started_at,
        ended_at=a.ended_at,
        source=a.source,
        created_by=a.created_by,
        created_at=a.created_at,
        room_id=a.room_id,
        call_id=a.call_id,
    )


def add(session: Session, new: NewMediaAsset) -> MediaAssetRecord:
    asset = MediaAsset(
        kind=new.kind.code,
        case_id=new.case_id,
        camera_id=new.camera_id,
        room_id=new.room_id,
        call_id=new.call_id,
        path=str(new.path),
        sha256=new.sha256,
        size_bytes=new.size_bytes,
        duration_s=new.duration_s,
        started_at=new.started_at,
        ended_at=new.ended_at,
        source=new.source[:200],
        created_by=new.created_by,
        created_at=new.created_at,
    )
    session.add(asset)
    session.flush()
    return to_record(asset)


def get(session: Session, asset_id: int) -> MediaAssetRecord | None:
    asset = session.get(MediaAsset, asset_id)
    return None if asset is None else to_record(asset)


def of_case(session: Session, case_id: int) -> list[MediaAssetRecord]:
    stmt = select(MediaAsset).where(MediaAsset.case_id == case_id).order_by(MediaAsset.id)
    return [to_record(a) for a in session.scalars(stmt)]


def of_camera(session: Session, camera_id: int, limit: int = 100) -> list[MediaAssetRecord]:
    stmt = (
        select(MediaAsset)
        .where(MediaAsset.camera_id == camera_id)
        .order_by(MediaAsset.id.desc())
        .limit(limit)
    )
    return [to_record(a) for a in session.scalars(stmt)]


# --- call recordings ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecordableCall:
    """What a call recording needs to know about its call row."""

    id: int
    ticket: str
    case_id: int | None
    consent: bool


def recordable_call(session: Session, ticket: str) -> RecordableCall | None:
    call = session.scalar(select(Call).where(Call.ticket == ticket))
    if call is None:
        return None
    return RecordableCall(call.id, call.ticket, call.case_id, bool(call.recording_consent))


def add_call_recording(session: Session, new: NewMediaAsset) -> MediaAssetRecord:
    """A recording of `new.call_id`: it takes the call's case when the call already has one.

    A creator who is not a user of this store (a staff token from elsewhere) is recorded as
    nobody rather than breaking the foreign key.
    """
    call = session.get(Call, new.call_id) if new.call_id is not None else None
    case_id = new.case_id if new.case_id is not None else (call.case_id if call else None)
    creator = new.created_by
    if creator is not None and session.get(User, creator) is None:
        creator = None
    return add(session, replace(new, case_id=case_id, created_by=creator))


def link_call_to_case(session: Session, call_id: int, case_id: int) -> tuple[int, ...]:
    """Give the call's recordings that have no case yet this case; the ids changed."""
    assets = session.scalars(
        select(MediaAsset).where(MediaAsset.call_id == call_id, MediaAsset.case_id.is_(None))
    ).all()
    for asset in assets:
        asset.case_id = case_id
    session.flush()
    return tuple(a.id for a in assets)


def of_call(session: Session, call_id: int) -> list[MediaAssetRecord]:
    stmt = select(MediaAsset).where(MediaAsset.call_id == call_id).order_by(MediaAsset.id)
    return [to_record(a) for a in session.scalars(stmt)]
