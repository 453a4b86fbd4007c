"""The intake queue and call history."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.core.codes import CallState, DisputeCategory, Urgency
from console.core.records import CallRow
from console.store.models import Call, User

ACTIVE_STATES = (CallState.QUEUED, CallState.RINGING, CallState.IN_CALL, CallState.ON_HOLD)


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


def history(session: Session, limit: int = 200) -> list[CallRow]:
    stmt = (
        select(Call, User.display_name)
        .outerjoin(User, User.id == Call.officer_id)
        .where(Call.state.not_in([s.code for s in ACTIVE_STATES]))
        .order_by(Call.queued_at.desc())
        .limit(limit)
    )
    return _rows(session, stmt)


def today_stats(session: Session, since, answer_within_s: float = 60.0) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Counts for the intake cards: waiting, answered, abandoned, service level since `since`."""
    rows = session.execute(
        select(Call.state, Call.queued_at, Call.answered_at).where(Call.queued_at >= since)
    ).all()
    answered = [r for r in rows if r.answered_at is not None]
    within = [
        r for r in answered if (r.answered_at - r.queued_at).total_seconds() <= answer_within_s
    ]
    return {
        "offered": float(len(rows)),
        "answered": float(len(answered)),
        "abandoned": float(sum(1 for r in rows if r.state == CallState.ABANDONED.code)),
        "service_level": (len(within) / len(answered)) if answered else 1.0,
    }
