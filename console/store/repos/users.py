"""Operator accounts: create, find, check a password."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.core.codes import Role
from console.core.records import UserRecord
from console.store.models import User


class UserExists(ValueError):
    """A username that is already taken."""


def to_record(u: User) -> UserRecord:
    return UserRecord(u.id, u.username, u.display_name, Role(u.role), u.unit_id)


def add(
    session: Session,
    *,
    username: str,
    display_name: str,
    role: Role,
    password_hash: str,
    unit_id: int | None = None,
) -> UserRecord:
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise UserExists(f"用户名“{username}”已存在")
    user = User(
        username=username,
        display_name=display_name,
        role=role.code,
        unit_id=unit_id,
        password_hash=password_hash,
        active=True,
        created_at=datetime.now(UTC).replace(tzinfo=None),
    )
    session.add(user)
    session.flush()
    return to_record(user)


def password_hash_of(session: Session, username: str) -> tuple[UserRecord, str] | None:
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    return (to_record(user), user.password_hash) if user else None


def by_role(session: Session, role: Role) -> UserRecord | None:
    user = session.scalar(
        select(User).where(User.role == role.code, User.active.is_(True)).order_by(User.id)
    )
    return to_record(user) if user else None


def get(session: Session, user_id: int) -> UserRecord | None:
    user = session.get(User, user_id)
    return to_record(user) if user else None


def all_users(session: Session) -> list[UserRecord]:
    return [to_record(u) for u in session.scalars(select(User).order_by(User.id))]
