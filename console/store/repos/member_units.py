"""Member units (成员单位): the units a case can be assigned to or ask for assistance."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.core.codes import Channel
from console.store.models import MemberUnit


@dataclass(frozen=True, slots=True)
class MemberUnitRecord:
    id: int
    code: str
    name: str
    channel: Channel | None
    phone: str


def _record(u: MemberUnit) -> MemberUnitRecord:
    return MemberUnitRecord(
        u.id, u.code, u.name, Channel(u.channel) if u.channel else None, u.phone or ""
    )


def all_units(session: Session) -> list[MemberUnitRecord]:
    """Every member unit by name, as the 交办 dialog lists them."""
    rows = session.scalars(select(MemberUnit).order_by(MemberUnit.name, MemberUnit.id))
    return [_record(u) for u in rows]


def unit_ids(session: Session) -> frozenset[int]:
    return frozenset(session.scalars(select(MemberUnit.id)))


def add(
    session: Session, *, code: str, name: str, channel: Channel | None = None, phone: str = ""
) -> MemberUnitRecord:
    unit = MemberUnit(code=code, name=name, channel=channel.code if channel else None, phone=phone)
    session.add(unit)
    session.flush()
    return _record(unit)
