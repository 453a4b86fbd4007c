"""Camera groups: named, ordered sets of cameras, an operator's own or shared with all."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from console.core.records import CameraGroupRecord, CameraRecord
from console.store.models import Camera, CameraGroup, CameraGroupMember
from console.store.repos.cameras import _record as camera_record

NAME_MAX = 80


class GroupNameTaken(ValueError):
    """The owner already has a group of that name (or a shared one exists, for shared)."""


def _owner_clause(owner_id: int | None):  # type: ignore[no-untyped-def]
    return CameraGroup.owner_id.is_(None) if owner_id is None else CameraGroup.owner_id == owner_id


def _checked_name(session: Session, name: str, owner_id: int | None, group_id: int | None) -> str:
    name = name.strip()
    if not name:
        raise ValueError("分组名称不能为空")
    if len(name) > NAME_MAX:
        raise ValueError(f"分组名称超过 {NAME_MAX} 个字符")
    # The unique constraint cannot see two shared groups (NULL owners differ), so check here.
    clash = session.scalar(
        select(CameraGroup.id).where(
            _owner_clause(owner_id), CameraGroup.name == name, CameraGroup.id != (group_id or 0)
        )
    )
    if clash is not None:
        raise GroupNameTaken(f"已有名为“{name}”的分组")
    return name


def _editable(session: Session, group_id: int, user_id: int) -> CameraGroup:
    """The group, if this user may change it: their own, or a shared one."""
    group = session.get(CameraGroup, group_id)
    if group is None:
        raise LookupError(f"分组 {group_id} 不存在")
    if group.owner_id is not None and group.owner_id != user_id:
        raise PermissionError("不能修改其他人的分组")
    return group


def get(session: Session, group_id: int) -> CameraGroupRecord | None:
    group = session.get(CameraGroup, group_id)
    if group is None:
        return None
    count = session.scalar(
        select(func.count())
        .select_from(CameraGroupMember)
        .where(CameraGroupMember.group_id == group_id)
    )
    return CameraGroupRecord(group.id, group.name, group.owner_id, int(count or 0))


def create(session: Session, *, owner_id: int | None, name: str, now: datetime) -> int:
    name = _checked_name(session, name, owner_id, None)
    group = CameraGroup(name=name, owner_id=owner_id, created_at=now)
    session.add(group)
    session.flush()
    return group.id


def rename(session: Session, group_id: int, name: str, *, user_id: int) -> None:
    group = _editable(session, group_id, user_id)
    group.name = _checked_name(session, name, group.owner_id, group_id)


def remove(session: Session, group_id: int, *, user_id: int) -> None:
    group = _editable(session, group_id, user_id)
    session.execute(delete(CameraGroupMember).where(CameraGroupMember.group_id == group_id))
    session.delete(group)
    session.flush()


def _member_ids(session: Session, group_id: int) -> list[int]:
    stmt = (
        select(CameraGroupMember.camera_id)
        .where(CameraGroupMember.group_id == group_id)
        .order_by(CameraGroupMember.position, CameraGroupMember.camera_id)
    )
    return list(session.scalars(stmt))


def add_members(
    session: Session, group_id: int, camera_ids: Sequence[int], *, user_id: int
) -> list[int]:
    """Append cameras not yet in the group, in the given order; returns those added."""
    _editable(session, group_id, user_id)
    present = set(_member_ids(session, group_id))
    wanted = [c for c in dict.fromkeys(camera_ids) if c not in present]
    known = (
        set(session.scalars(select(Camera.id).where(Camera.id.in_(wanted)))) if wanted else set()
    )
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise LookupError(f"摄像机不存在: {unknown[:5]}")
    start = (
        session.scalar(
            select(func.max(CameraGroupMember.position)).where(
                CameraGroupMember.group_id == group_id
            )
        )
        or 0
    ) + (1 if present else 0)
    session.add_all(
        CameraGroupMember(group_id=group_id, camera_id=c, position=start + i)
        for i, c in enumerate(wanted)
    )
    session.flush()
    return wanted


def remove_members(
    session: Session, group_id: int, camera_ids: Sequence[int], *, user_id: int
) -> list[int]:
    """Take cameras out of the group; returns those that were in it."""
    _editable(session, group_id, user_id)
    present = set(_member_ids(session, group_id))
    gone = [c for c in dict.fromkeys(camera_ids) if c in present]
    if gone:
        session.execute(
            delete(CameraGroupMember).where(
                CameraGroupMember.group_id == group_id, CameraGroupMember.camera_id.in_(gone)
            )
        )
    return gone


def reorder(session: Session, group_id: int, camera_ids: Sequence[int], *, user_id: int) -> None:
    """Put the members in this order; the ids must be exactly the group's members."""
    _editable(session, group_id, user_id)
    members = session.scalars(
        select(CameraGroupMember).where(CameraGroupMember.group_id == group_id)
    ).all()
    if len(set(camera_ids)) != len(camera_ids) or {m.camera_id for m in members} != set(camera_ids):
        raise ValueError("新顺序须恰好包含分组中的全部摄像机")
    position = {c: i for i, c in enumerate(camera_ids)}
    for m in members:
        m.position = position[m.camera_id]
    session.flush()


def visible_to(session: Session, user_id: int) -> list[CameraGroupRecord]:
    """The user's own groups, then the shared ones, each by name, with member counts."""
    counts = (
        select(CameraGroupMember.group_id, func.count().label("n"))
        .group_by(CameraGroupMember.group_id)
        .subquery()
    )
    stmt = (
        select(CameraGroup.id, CameraGroup.name, CameraGroup.owner_id, counts.c.n)
        .outerjoin(counts, counts.c.group_id == CameraGroup.id)
        .where(or_(CameraGroup.owner_id == user_id, CameraGroup.owner_id.is_(None)))
        .order_by(CameraGroup.owner_id.is_(None), CameraGroup.name)
    )
    return [
        CameraGroupRecord(id=i, name=name, owner_id=owner, camera_count=int(n or 0))
        for i, name, owner, n in session.execute(stmt)
    ]


def cameras_of(session: Session, group_id: int) -> list[CameraRecord]:
    stmt = (
        select(Camera)
        .join(CameraGroupMember, CameraGroupMember.camera_id == Camera.id)
        .where(CameraGroupMember.group_id == group_id)
        .order_by(CameraGroupMember.position, Camera.id)
    )
    return [camera_record(c) for c in session.scalars(stmt)]
