"""Mediation rooms: the room list, who sits in a room, the seats the signalling server keeps."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.core.clock import utcnow
from console.core.codes import ParticipantRole, ParticipantState, RoomState
from console.core.events import ChangeAction, ChangeSet, Entity, Operation, change
from console.core.records import RoomRow
from console.core.room_rules import JANUS_DEFAULT_PUBLISHERS, MEDIA_BACKENDS, MESH_MAX_PEOPLE
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
            case_id=r.case_id,
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


# --- seats kept by the signalling server -----------------------------------------------------


def seat_hash(key: str) -> str:
    """What identifies an invitation's seat in the store: a hash of its subject, never a token."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _seat_row(session: Session, room_id: int, key: str) -> Participant | None:
    user_id = _known_user(session, key)
    cond = (
        Participant.user_id == user_id
        if user_id is not None
        else Participant.invite_token_hash == seat_hash(key)
    )
    return session.scalar(
        select(Participant)
        .where(Participant.room_id == room_id, cond)
        .order_by(Participant.id.desc())
        .limit(1)
    )


def _known_user(session: Session, key: str) -> int | None:
    """The staff user a `user:<id>` seat key names, if this store knows them."""
    if key.startswith("user:") and key[5:].isdigit() and len(key) < 15:
        user_id = int(key[5:])
        return user_id if session.get(User, user_id) is not None else None
    return None


def joinable(session: Session, *, room_id: int) -> str | None:
    """None when people may join the room; otherwise the reason, in words."""
    room = session.get(Room, room_id)
    if room is None:
        return "there is no such mediation room"
    state = RoomState(room.state)
    if state in (RoomState.CLOSED, RoomState.CANCELLED):
        return f"the mediation room is {state.label('en').lower()}"
    return None


def media_of(session: Session, *, room_id: int) -> tuple[str, int]:
    """(media backend code, publisher limit) of the room; mesh if the room is unknown."""
    room = session.get(Room, room_id)
    if room is None:
        return "mesh", MESH_MAX_PEOPLE
    return room.backend, room.max_publishers


def seated(session: Session, *, room_id: int, key: str) -> tuple[str, bool] | None:
    """(participant state code, consent) of the seat, if the store knows it."""
    row = _seat_row(session, room_id, key)
    return (row.state, bool(row.recording_consent)) if row is not None else None


def record_seat(
    session: Session,
    *,
    room_id: int,
    key: str,
    name: str,
    role: str,
    state: ParticipantState,
    consent: bool,
    host: bool,
) -> tuple[int | None, ChangeSet | None]:
    """Create or update the seat; a host's arrival opens a scheduled room."""
    room = session.get(Room, room_id)
    if room is None:
        return None, None
    row = _seat_row(session, room_id, key)
    now = utcnow()
    created = row is None
    if row is None:
        # A staff token's subject this store does not know is kept as a hash, like invitations.
        user_id = _known_user(session, key)
        row = Participant(
            room_id=room_id,
            user_id=user_id,
            invite_token_hash=None if user_id is not None else seat_hash(key),
            name=name[:100],
            role=role if role in ParticipantRole.codes() else ParticipantRole.OBSERVER.code,
        )
        session.add(row)
    row.name = name[:100]
    row.state = state.code
    row.recording_consent = consent
    if state is ParticipantState.ADMITTED:
        row.joined_at = row.joined_at or now
        row.left_at = None
    elif state in (ParticipantState.LEFT, ParticipantState.REMOVED):
        row.left_at = now
    if host and room.state == RoomState.SCHEDULED.code:
        room.state = RoomState.OPEN.code
        room.opened_at = room.opened_at or now
    session.flush()
    action = ChangeAction.CREATED if created else ChangeAction.UPDATED
    # The room row changes with every seat too: its people count and list.
    changes = (
        change(Entity.PARTICIPANT, action, row.id),
        change(Entity.ROOM, ChangeAction.UPDATED, room.id),
    )
    return row.id, ChangeSet(Operation.ROOM_UPDATED, row.user_id, changes)


# --- scheduling ------------------------------------------------------------------------------


class ScheduleRefused(ValueError):
    """A room that cannot be scheduled; the message is for the operator."""


def schedule(
    session: Session,
    *,
    case_number: str,
    scheduled_at: datetime,
    backend: str,
    mediator_id: int | None,
) -> tuple[int, ChangeSet]:
    """A new room for the case with that number (named after it), in state scheduled."""
    case = session.scalar(select(Case).where(Case.number == case_number.strip()))
    if case is None:
        raise ScheduleRefused(f"没有案件编号 {case_number.strip()} (no such case)")
    if backend not in MEDIA_BACKENDS:
        raise ScheduleRefused(f"未知的媒体方式 {backend} (unknown media backend)")
    if mediator_id is not None and session.get(User, mediator_id) is None:
        mediator_id = None
    room = Room(
        name=f"调解：{case.title}"[:120],
        case_id=case.id,
        mediator_id=mediator_id,
        state=RoomState.SCHEDULED.code,
        backend=backend,
        max_publishers=MESH_MAX_PEOPLE if backend == "mesh" else JANUS_DEFAULT_PUBLISHERS,
        scheduled_at=scheduled_at,
    )
    session.add(room)
    session.flush()
    return room.id, ChangeSet(
        Operation.ROOM_SCHEDULED, mediator_id, (change(Entity.ROOM, ChangeAction.CREATED, room.id),)
    )
