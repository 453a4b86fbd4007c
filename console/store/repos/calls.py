"""The intake queue and call history."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from console.core.codes import CallState, DisputeCategory, Urgency
from console.core.queue_records import ACTIVE_STATES
from console.core.records import CallRow
from console.core.service_level import service_level
from console.store.like import ESCAPE, contains
from console.store.models import Call, User


def _rows(session: Session, stmt) -> list[CallRow]:  # type: ignore[no-untyped-def]
    return [
        CallRow(
            id=c.id,
            ticket=c.ticket,
            caller_name=c.caller_name,
            category=DisputeCategory(c.category),
            urgency=Urgency(c.urgency),
            vulnerable=c.vulnerable,
            priority=c.priority,
            state=CallState(c.state),
            queued_at=c.queued_at,
            answered_at=c.answered_at,
            officer_name=name or "",
            ended_at=c.ended_at,
            phone=c.caller_phone or "",
            outcome=c.outcome or "",
            case_id=c.case_id,
            consent=c.recording_consent,
        )
        for c, name in session.execute(stmt)
    ]


def active_queue(session: Session) -> list[CallRow]:
    stmt = (
        select(Call, User.display_name)
        .outerjoin(User, User.id == Call.officer_id)
        .where(Call.state.in_([s.code for s in ACTIVE_STATES]))
        .order_by(Call.priority.desc(), Call.queued_at)
    )
    return _rows(session, stmt)


def by_ids(session: Session, ids: frozenset[int]) -> list[CallRow]:
    stmt = (
        select(Call, User.display_name)
        .outerjoin(User, User.id == Call.officer_id)
        .where(Call.id.in_(ids))
    )
    return _rows(session, stmt)


def history(session: Session, limit: int = 200, text: str = "") -> list[CallRow]:
    """Finished calls, newest first; `text` matches ticket, caller, phone, officer or outcome."""
    stmt = (
        select(Call, User.display_name)
        .outerjoin(User, User.id == Call.officer_id)
        .where(Call.state.not_in([s.code for s in ACTIVE_STATES]))
    )
    needle = text.strip()
    if needle:
        pattern = contains(needle)
        stmt = stmt.where(
            or_(
                *(
                    column.like(pattern, escape=ESCAPE)
                    for column in (
                        Call.ticket,
                        Call.caller_name,
                        Call.caller_phone,
                        Call.outcome,
                        User.display_name,
                    )
                )
            )
        )
    return _rows(session, stmt.order_by(Call.queued_at.desc()).limit(limit))


def today_stats(session: Session, since) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Counts for the intake cards: offered, answered, abandoned, service level since `since`."""
    rows = session.execute(
        select(Call.state, Call.queued_at, Call.answered_at).where(Call.queued_at >= since)
    ).all()
    return {
        "offered": float(len(rows)),
        "answered": float(sum(1 for r in rows if r.answered_at is not None)),
        "abandoned": float(sum(1 for r in rows if r.state == CallState.ABANDONED.code)),
        "service_level": service_level((r.queued_at, r.answered_at) for r in rows),
    }


def id_for_ticket(session: Session, ticket: str) -> int | None:
    return session.scalar(select(Call.id).where(Call.ticket == ticket))
