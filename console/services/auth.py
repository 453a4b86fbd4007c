"""Sign-in and local accounts, every attempt audited."""

from __future__ import annotations

import asyncio
from functools import partial

from console.core import passwords
from console.core.codes import AuditAction, Role
from console.core.events import ChangeAction, ChangeSet, Entity, Operation, change
from console.core.records import UserRecord
from console.services.operator import Operator
from console.store.repos import audit, users
from console.store.store import Store


class SignInFailed(Exception):
    """Wrong user name or password; deliberately does not say which."""


def sign_in_sync(store: Store, username: str, password: str) -> Operator:
    found = store.read_sync(partial(users.password_hash_of, username=username))
    ok = found is not None and passwords.verify_password(password, found[1])

    def record(session):  # type: ignore[no-untyped-def]
        audit.append(
            session,
            actor_id=found[0].id if ok and found else None,
            action=AuditAction.SIGN_IN if ok else AuditAction.SIGN_IN_FAILED,
            target_kind="user",
            target_id=username,
        )
        return None, None

    store.write_sync(record)
    if not ok or found is None:
        raise SignInFailed("用户名或密码错误")
    return Operator(found[0])


async def sign_in(store: Store, username: str, password: str) -> Operator:
    # scrypt is slow on purpose: keep it off the event loop.
    return await asyncio.get_running_loop().run_in_executor(
        None, sign_in_sync, store, username, password
    )


def demo_sign_in_sync(store: Store, role: Role) -> Operator:
    """The demo workspace signs its users in by itself; still an audited sign-in."""
    user = store.read_sync(partial(users.by_role, role=role))
    if user is None:
        raise SignInFailed(f"演示工作区没有“{role.zh}”用户")

    def record(session):  # type: ignore[no-untyped-def]
        audit.append(
            session,
            actor_id=user.id,
            action=AuditAction.SIGN_IN,
            target_kind="user",
            target_id=user.username,
            detail="demo",
        )
        return None, None

    store.write_sync(record)
    return Operator(user)


def add_user_sync(
    store: Store,
    *,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    actor_id: int | None = None,
) -> UserRecord:
    passwords.check_strength(password)
    hashed = passwords.hash_password(password)

    def op(session):  # type: ignore[no-untyped-def]
        record = users.add(
            session, username=username, display_name=display_name, role=role, password_hash=hashed
        )
        audit.append(
            session,
            actor_id=actor_id,
            action=AuditAction.USER_CREATED,
            target_kind="user",
            target_id=record.id,
            detail=f"{username} {role.code}",
        )
        return record, ChangeSet(
            Operation.USER_ADDED, actor_id, (change(Entity.USER, ChangeAction.CREATED, record.id),)
        )

    record, _ = store.write_sync(op)
    return record
