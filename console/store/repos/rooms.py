"""Mediation rooms: the room list."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.core.codes import RoomState
from console.core.records import RoomRow
from console.store.models import Case, Participant, Room, User


def _stmt():  # type: ignore[no-untyped-def]
    participants = (
        select(func.count(Participant.id)).where(Participant.room_id == Room.id).scalar_subquery()
    )
    return (
        select(Room, Case.number, User.display_name, participants)
        .outerjoin(Case, Case.id == Room.case_id)
        .outerjoin(User, User.id == Room.mediator_id)
    )


def _rows(session: Session, stmt) -> list[RoomRow]:  # type: ignore[no-untyped-def]
    return [
        RoomRow(
            id=r.id,
            name=r.name,
            case_number=number or "",
            mediator_name=mediator or "",
            state=RoomState(r.state),
            scheduled_at=r.scheduled_at,
            participants=int(n),
            backend=r.backend,
        )
        for r, number, mediator, n in session.execute(stmt)
    ]


def all_rooms(session: Session) -> list[RoomRow]:
    return _rows(session, _stmt().order_by(Room.scheduled_at.desc()))


def by_ids(session: Session, ids: frozenset[int]) -> list[RoomRow]:
    return _rows(session, _stmt().where(Room.id.in_(ids)))


def participants_of(session: Session, room_id: int) -> list[tuple[str, str, str, bool]]:
    """(name, role code, state code, consented to recording) for each participant."""
    rows = session.execute(
        select(Participant.name, Participant.role, Participant.state, Participant.recording_consent)
        .where(Participant.room_id == room_id)
        .order_by(Participant.id)
    )
    return [(r[0], r[1], r[2], bool(r[3])) for r in rows]
