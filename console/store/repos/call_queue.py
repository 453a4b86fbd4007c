"""The signalling server's queue tickets: call rows created, read and moved by ticket."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.core.clock import utcnow
from console.core.codes import CallState, DisputeCategory, Urgency
from console.core.events import ChangeAction, ChangeSet, Operation, change
from console.core.events import Entity as E
from console.core.queue_priority import call_priority
from console.core.queue_records import ACTIVE_STATES, QueuedCall
from console.store.models import Call, User

END_STATES = frozenset({CallState.COMPLETED, CallState.ABANDONED, CallState.TRANSFERRED})


def _record(c: Call) -> QueuedCall:
    return QueuedCall(
        id=c.id,
        ticket=c.ticket,
        name=c.caller_name,
        category=c.category,
        vulnerable=c.vulnerable,
        priority=c.priority,
        state=CallState(c.state),
        queued_at=c.queued_at,
        answered_at=c.answered_at,
        officer_id=c.officer_id,
        outcome=c.outcome,
    )


def _category(code: str) -> DisputeCategory:
    try:
        return DisputeCategory(code)
    except ValueError:
        return DisputeCategory.OTHER


def enqueue(
    session: Session,
    *,
    ticket: str,
    name: str,
    phone: str,
    category: str,
    vulnerable: bool,
    consent: bool,
) -> tuple[tuple[QueuedCall, bool], ChangeSet | None]:
    existing = session.scalar(select(Call).where(Call.ticket == ticket))
    if existing is not None:
        return (_record(existing), False), None
    call = Call(
        ticket=ticket,
        caller_name=name,
        caller_phone=phone or None,
        category=_category(category).code,
        urgency=Urgency.NORMAL.code,
        vulnerable=vulnerable,
        priority=call_priority(Urgency.NORMAL, vulnerable),
        state=CallState.QUEUED.code,
        queued_at=utcnow(),
        recording_consent=consent,
    )
    session.add(call)
    session.flush()
    changes = ChangeSet(
        Operation.CALL_QUEUED, None, (change(E.CALL, ChangeAction.CREATED, call.id),)
    )
    return (_record(call), True), changes


def active(session: Session) -> list[QueuedCall]:
    stmt = (
        select(Call)
        .where(Call.state.in_([s.code for s in ACTIVE_STATES]))
        .order_by(Call.priority.desc(), Call.queued_at, Call.id)
    )
    return [_record(c) for c in session.scalars(stmt)]


def get(session: Session, ticket: str) -> QueuedCall | None:
    call = session.scalar(select(Call).where(Call.ticket == ticket))
    return _record(call) if call is not None else None


def count(session: Session) -> int:
    return int(session.scalar(select(func.count(Call.id))) or 0)


def set_state(
    session: Session,
    *,
    ticket: str,
    state: CallState,
    officer_id: int | None,
    outcome: str | None,
) -> tuple[QueuedCall | None, ChangeSet | None]:
    call = session.scalar(select(Call).where(Call.ticket == ticket))
    if call is None:
        return None, None
    now = utcnow()
    call.state = state.code
    if officer_id is not None and session.get(User, officer_id) is not None:
        # A staff token's subject that is not a user of this store is recorded nowhere.
        call.officer_id = officer_id
    if state is CallState.IN_CALL and call.answered_at is None:
        call.answered_at = now
    if state in END_STATES and call.ended_at is None:
        call.ended_at = now
    if state is CallState.CALLED_BACK:
        call.ended_at = call.ended_at or now
    if outcome is not None:
        call.outcome = outcome[:200]
    session.flush()
    changes = ChangeSet(
        Operation.CALL_UPDATED, officer_id, (change(E.CALL, ChangeAction.UPDATED, call.id),)
    )
    return _record(call), changes
