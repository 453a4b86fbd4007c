"""The append-only, hash-chained audit log: append, read for verification."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from console.core.audit_chain import GENESIS, AuditEntry, ChainProblem, entry_hash, verify_chain
from console.core.codes import AuditAction
from console.store.models import AuditHead, AuditLog


def append(
    session: Session,
    *,
    actor_id: int | None,
    action: AuditAction,
    target_kind: str,
    target_id: str | int,
    detail: str = "",
    at: datetime | None = None,
) -> int:
    """Append one row; the head row is updated first so concurrent writers serialise on it."""
    if session.get(AuditHead, 1) is None:
        session.add(AuditHead(id=1, seq=0, row_hash=GENESIS))
        session.flush()
    # An UPDATE first takes the write lock (SQLite) or the row lock (PostgreSQL) before reading.
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1))
    head = session.execute(select(AuditHead.seq, AuditHead.row_hash).where(AuditHead.id == 1)).one()
    seq, prev = int(head.seq), str(head.row_hash)
    stamp = (at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    fields = {
        "seq": seq,
        "at": stamp,
        "actor_id": actor_id,
        "action": action.code,
        "target_kind": target_kind,
        "target_id": str(target_id),
        "detail": detail,
        "prev_hash": prev,
    }
    row_hash = entry_hash(**fields)  # type: ignore[arg-type]
    session.add(AuditLog(**fields, row_hash=row_hash))
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(row_hash=row_hash))
    session.flush()
    return seq


def verify(session: Session) -> list[ChainProblem]:
    head = session.get(AuditHead, 1)
    rows = session.execute(select(AuditLog).order_by(AuditLog.seq)).scalars()
    entries = (
        AuditEntry(
            seq=r.seq,
            at=r.at,
            actor_id=r.actor_id,
            action=r.action,
            target_kind=r.target_kind,
            target_id=r.target_id,
            detail=r.detail,
            prev_hash=r.prev_hash,
            row_hash=r.row_hash,
        )
        for r in rows
    )
    return verify_chain(entries, head.seq if head else None, head.row_hash if head else None)


def count(session: Session) -> int:
    head = session.get(AuditHead, 1)
    return head.seq if head else 0


def recent(session: Session, limit: int = 100) -> list[AuditEntry]:
    rows = session.execute(select(AuditLog).order_by(AuditLog.seq.desc()).limit(limit)).scalars()
    return [
        AuditEntry(
            seq=r.seq,
            at=r.at,
            actor_id=r.actor_id,
            action=r.action,
            target_kind=r.target_kind,
            target_id=r.target_id,
            detail=r.detail,
            prev_hash=r.prev_hash,
            row_hash=r.row_hash,
        )
        for r in rows
    ]
