"""Cases: the ledger query, register a case, advance it through the flow, supervise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from console.core import case_flow
from console.core.codes import (
    CaseSource,
    CaseState,
    Channel,
    DisputeCategory,
    EventScale,
    FlowAction,
    RiskLevel,
    Role,
    SupervisionLevel,
    Urgency,
)
from console.core.deadlines import resolution_deadline
from console.core.records import CaseFilter, CaseRow
from console.store.models import Case, FlowStep, MemberUnit, Region

Grid = aliased(Region)


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _ledger_select() -> Any:  # a Select of thirteen columns
    return (
        select(
            Case.id,
            Case.number,
            Case.title,
            Case.category,
            Case.state,
            Case.risk_level,
            Case.supervision,
            Case.urgency,
            Case.grid_id,
            Grid.name,
            Case.deadline,
            Case.created_at,
            MemberUnit.name,
        )
        .outerjoin(Grid, Grid.id == Case.grid_id)
        .outerjoin(MemberUnit, MemberUnit.id == Case.responsible_unit_id)
    )


def _apply(stmt: Select[Any], f: CaseFilter, now: datetime | None = None) -> Select[Any]:
    if f.states:
        stmt = stmt.where(Case.state.in_([s.code for s in f.states]))
    if f.grid_ids:
        stmt = stmt.where(Case.grid_id.in_(f.grid_ids))
    if f.categories:
        stmt = stmt.where(Case.category.in_([c.code for c in f.categories]))
    if f.overdue_only:
        open_codes = [s.code for s in case_flow.OPEN_STATES]
        stmt = stmt.where(Case.deadline < (now or _utcnow()), Case.state.in_(open_codes))
    text = f.text.strip()
    if text:
        like = f"%{text}%"
        stmt = stmt.where(
            or_(Case.title.like(like), Case.summary.like(like), Case.number.like(like))
        )
    return stmt


def _row(r: tuple[Any, ...]) -> CaseRow:
    return CaseRow(
        id=r[0],
        number=r[1],
        title=r[2],
        category=DisputeCategory(r[3]),
        state=CaseState(r[4]),
        risk_level=RiskLevel(r[5]),
        supervision=SupervisionLevel(r[6]),
        urgency=Urgency(r[7]),
        grid_id=r[8],
        grid_name=r[9] or "",
        deadline=r[10],
        created_at=r[11],
        responsible_unit=r[12] or "",
    )


def ledger_page(session: Session, f: CaseFilter, offset: int, limit: int) -> list[CaseRow]:
    stmt = _apply(_ledger_select(), f).order_by(Case.id.desc()).offset(offset).limit(limit)
    return [_row(tuple(r)) for r in session.execute(stmt)]


def ledger_count(session: Session, f: CaseFilter) -> int:
    stmt = _apply(select(func.count(Case.id)), f)
    return int(session.scalar(stmt) or 0)


def rows_by_ids(session: Session, f: CaseFilter, ids: frozenset[int]) -> list[CaseRow]:
    """The given cases that still match the filter: a model drops the rest."""
    if not ids:
        return []
    stmt = _apply(_ledger_select().where(Case.id.in_(ids)), f)
    return [_row(tuple(r)) for r in session.execute(stmt)]


def count_by_state(session: Session) -> dict[CaseState, int]:
    rows = session.execute(select(Case.state, func.count()).group_by(Case.state))
    return {CaseState(s): int(n) for s, n in rows}


@dataclass(frozen=True, slots=True)
class NewCase:
    title: str
    category: DisputeCategory
    summary: str
    grid_id: int | None
    urgency: Urgency = Urgency.NORMAL
    scale: EventScale = EventScale.INDIVIDUAL
    source: CaseSource = CaseSource.VIDEO_PETITION
    risk_level: RiskLevel = RiskLevel.LOW
    place: str = ""
    people_count: int = 1


def next_number(session: Session, now: datetime) -> str:
    prefix = f"LJ-{now.year}-"
    last = session.scalar(
        select(Case.number).where(Case.number.like(f"{prefix}%")).order_by(Case.number.desc())
    )
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:06d}"


def register(session: Session, new: NewCase, *, actor_id: int, role: Role) -> int:
    """Create a case and run it through 上报 → 受理, as a petition registration does."""
    now = _utcnow()
    case = Case(
        number=next_number(session, now),
        title=new.title,
        category=new.category.code,
        summary=new.summary,
        grid_id=new.grid_id,
        urgency=new.urgency.code,
        scale=new.scale.code,
        source=new.source.code,
        risk_level=new.risk_level.code,
        place=new.place,
        people_count=new.people_count,
        state=CaseState.DRAFT.code,
        supervision=SupervisionLevel.NONE.code,
        created_by=actor_id,
        created_at=now,
        updated_at=now,
        occurred_at=now,
    )
    session.add(case)
    session.flush()
    for action in (FlowAction.REPORT, FlowAction.ACCEPT):
        advance(session, case.id, action, actor_id=actor_id, role=role, opinion="", now=now)
    return case.id


def advance(
    session: Session,
    case_id: int,
    action: FlowAction,
    *,
    actor_id: int,
    role: Role,
    opinion: str = "",
    unit_id: int | None = None,
    channel: Channel | None = None,
    target_unit_id: int | None = None,
    supervision: SupervisionLevel | None = None,
    deadline: datetime | None = None,
    now: datetime | None = None,
) -> CaseState:
    """One flow step; `deadline` (交办 only) replaces the resolution deadline for the unit."""
    case = session.get(Case, case_id, with_for_update=True)
    if case is None:
        raise case_flow.IllegalTransition(f"案件 {case_id} 不存在")
    step = case_flow.next_state(CaseState(case.state), action, role, opinion)
    now = now or _utcnow()
    case.state = step.after.code
    case.updated_at = now
    step_deadline = None
    if action is FlowAction.ACCEPT:
        case.accepted_at = now
        case.deadline = resolution_deadline(
            DisputeCategory(case.category), Urgency(case.urgency), now
        )
    if action is FlowAction.DIVERT and channel is not None:
        case.channel = channel.code
    if action is FlowAction.ASSIGN and target_unit_id is not None:
        case.responsible_unit_id = target_unit_id
        if deadline is not None:
            case.deadline = deadline
        step_deadline = case.deadline
    if action is FlowAction.SUPERVISE and supervision is not None:
        case.supervision = supervision.code
    if action is FlowAction.VOID:
        case.void_reason = opinion
    if action is FlowAction.CLOSE:
        case.closed_at = now
    session.add(
        FlowStep(
            case_id=case_id,
            action=action.code,
            from_state=step.before.code,
            to_state=step.after.code,
            actor_id=actor_id,
            unit_id=unit_id,
            at=now,
            opinion=opinion,
            channel=channel.code if channel else None,
            target_unit_id=target_unit_id,
            deadline=step_deadline,
        )
    )
    session.flush()
    return step.after


def flow_of(session: Session, case_id: int) -> list[tuple[str, str, str, datetime, str]]:
    rows = session.execute(
        select(
            FlowStep.action, FlowStep.from_state, FlowStep.to_state, FlowStep.at, FlowStep.opinion
        )
        .where(FlowStep.case_id == case_id)
        .order_by(FlowStep.id)
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


def deadline_summary(session: Session, now: datetime) -> dict[str, int]:
    """Open cases by deadline status, plus red-card supervision, for the ledger's cards."""
    from console.core.deadlines import DUE_SOON_WITHIN

    open_codes = [s.code for s in case_flow.OPEN_STATES]
    is_open = Case.state.in_(open_codes)
    total_open = session.scalar(select(func.count(Case.id)).where(is_open)) or 0
    overdue = session.scalar(select(func.count(Case.id)).where(is_open, Case.deadline < now)) or 0
    due_soon = (
        session.scalar(
            select(func.count(Case.id)).where(
                is_open, Case.deadline >= now, Case.deadline <= now + DUE_SOON_WITHIN
            )
        )
        or 0
    )
    red = (
        session.scalar(
            select(func.count(Case.id)).where(
                is_open, Case.supervision == SupervisionLevel.RED.code
            )
        )
        or 0
    )
    return {"open": total_open, "overdue": overdue, "due_soon": due_soon, "red": red}
