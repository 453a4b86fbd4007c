"""Annotations drawn on a case's evidence files: add, list by case or asset, delete."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.core.annotations import (
    AnnotationDraft,
    AnnotationRecord,
    geometry_from_json,
    geometry_to_json,
)
from console.core.codes import AnnotationShape
from console.store.models import Case, EvidenceAnnotation, User


def _record(a: EvidenceAnnotation, author_name: str | None) -> AnnotationRecord:
    kind = AnnotationShape(a.kind)
    return AnnotationRecord(
        id=a.id,
        asset_id=a.asset_id,
        case_id=a.case_id,
        kind=kind,
        at_ms=a.at_ms,
        geometry=geometry_from_json(kind, a.geometry),
        text=a.text,
        author_id=a.author_id,
        author_name=author_name or "",
        created_at=a.created_at,
    )


def _select():  # type: ignore[no-untyped-def]
    return select(EvidenceAnnotation, User.display_name).outerjoin(
        User, User.id == EvidenceAnnotation.author_id
    )


def add(
    session: Session,
    draft: AnnotationDraft,
    *,
    case_id: int,
    author_id: int | None,
    created_at: datetime,
) -> AnnotationRecord:
    row = EvidenceAnnotation(
        asset_id=draft.asset_id,
        case_id=case_id,
        kind=draft.kind.code,
        at_ms=draft.at_ms,
        geometry=geometry_to_json(draft.geometry),
        text=draft.text.strip(),
        author_id=author_id,
        created_at=created_at,
    )
    session.add(row)
    session.flush()
    author = session.get(User, author_id) if author_id is not None else None
    return _record(row, author.display_name if author else None)


def get(session: Session, annotation_id: int) -> AnnotationRecord | None:
    row = session.execute(_select().where(EvidenceAnnotation.id == annotation_id)).first()
    return None if row is None else _record(row[0], row[1])


def of_case(session: Session, case_id: int) -> list[AnnotationRecord]:
    stmt = (
        _select()
        .where(EvidenceAnnotation.case_id == case_id)
        .order_by(EvidenceAnnotation.asset_id, EvidenceAnnotation.at_ms, EvidenceAnnotation.id)
    )
    return [_record(a, name) for a, name in session.execute(stmt)]


def of_asset(session: Session, asset_id: int) -> list[AnnotationRecord]:
    stmt = (
        _select()
        .where(EvidenceAnnotation.asset_id == asset_id)
        .order_by(EvidenceAnnotation.at_ms, EvidenceAnnotation.id)
    )
    return [_record(a, name) for a, name in session.execute(stmt)]


def delete(session: Session, annotation_id: int) -> AnnotationRecord | None:
    """Remove one annotation; what it was (for the audit row), or None if it was not there."""
    found = get(session, annotation_id)
    if found is not None:
        row = session.get(EvidenceAnnotation, annotation_id)
        session.delete(row)
        session.flush()
    return found


def case_number(session: Session, case_id: int) -> str | None:
    return session.scalar(select(Case.number).where(Case.id == case_id))
