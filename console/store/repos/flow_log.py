"""A case's card and its flow log (who, unit, when, opinion), and the facts 办结 and 评价 add."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from console.core.codes import (
    CaseState,
    Channel,
    DeadlineStatus,
    DisputeCategory,
    FlowAction,
    RiskLevel,
    SupervisionLevel,
    Urgency,
)
from console.core.deadlines import deadline_status
from console.store.models import Case, FlowStep, MemberUnit, Party, Region, User


@dataclass(frozen=True, slots=True)
class CaseCard:
    id: int
    number: str
    title: str
    category: DisputeCategory
    state: CaseState
    urgency: Urgency
    risk_level: RiskLevel
    supervision: SupervisionLevel
    deadline: datetime | None
    deadline_status: DeadlineStatus
    responsible_unit_id: int | None
    responsible_unit: str
    grid_name: str
    parties: int
    channel: Channel | None
    success: bool | None
    result_account: str
    review_opinion: str
    void_reason: str


@dataclass(frozen=True, slots=True)
class FlowLogEntry:
    id: int
    at: datetime
    action: FlowAction
    before: CaseState
    after: CaseState
    actor: str
    unit: str
    opinion: str
    channel: Channel | None
    target_unit: str
    deadline: datetime | None


def case_card(session: Session, case_id: int, now: datetime) -> CaseCard | None:
    parties = select(func.count(Party.id)).where(Party.case_id == Case.id).scalar_subquery()
    row = session.execute(
        select(Case, MemberUnit.name, Region.name, parties)
        .outerjoin(MemberUnit, MemberUnit.id == Case.responsible_unit_id)
        .outerjoin(Region, Region.id == Case.grid_id)
        .where(Case.id == case_id)
    ).first()
    if row is None:
        return None
    case, unit_name, grid_name, party_count = row
    state = CaseState(case.state)
    return CaseCard(
        id=case.id,
        number=case.number,
        title=case.title,
        category=DisputeCategory(case.category),
        state=state,
        urgency=Urgency(case.urgency),
        risk_level=RiskLevel(case.risk_level),
        supervision=SupervisionLevel(case.supervision),
        deadline=case.deadline,
        deadline_status=deadline_status(state, case.deadline, now),
        responsible_unit_id=case.responsible_unit_id,
        responsible_unit=unit_name or "",
        grid_name=grid_name or "",
        parties=int(party_count or 0),
        channel=Channel(case.channel) if case.channel else None,
        success=case.success,
        result_account=case.result_account or "",
        review_opinion=case.review_opinion or "",
        void_reason=case.void_reason or "",
    )


def entries(session: Session, case_id: int) -> list[FlowLogEntry]:
    """The case's steps, oldest first, with the actor's name and both units' names."""
    # A step without its unit (registration writes none) shows the actor's own unit.
    actor_unit = aliased(MemberUnit)
    target_unit = aliased(MemberUnit)
    rows = session.execute(
        select(
            FlowStep.id,
            FlowStep.at,
            FlowStep.action,
            FlowStep.from_state,
            FlowStep.to_state,
            User.display_name,
            actor_unit.name,
            FlowStep.opinion,
            FlowStep.channel,
            target_unit.name,
            FlowStep.deadline,
        )
        .outerjoin(User, User.id == FlowStep.actor_id)
        .outerjoin(actor_unit, actor_unit.id == func.coalesce(FlowStep.unit_id, User.unit_id))
        .outerjoin(target_unit, target_unit.id == FlowStep.target_unit_id)
        .where(FlowStep.case_id == case_id)
        .order_by(FlowStep.at, FlowStep.id)
    )
    return [
        FlowLogEntry(
            id=r[0],
            at=r[1],
            action=FlowAction(r[2]),
            before=CaseState(r[3]),
            after=CaseState(r[4]),
            actor=r[5] or "",
            unit=r[6] or "",
            opinion=r[7] or "",
            channel=Channel(r[8]) if r[8] else None,
            target_unit=r[9] or "",
            deadline=r[10],
        )
        for r in rows
    ]


def case_state(session: Session, case_id: int) -> CaseState | None:
    code = session.scalar(select(Case.state).where(Case.id == case_id))
    return CaseState(code) if code is not None else None


def record_result(session: Session, case_id: int, *, success: bool, account: str) -> None:
    """办结's facts on the case: whether the dispute was resolved, and how (化解情况)."""
    case = session.get(Case, case_id)
    if case is None:
        raise LookupError(f"案件 {case_id} 不存在")
    case.success = success
    case.result_account = account.strip()


def record_evaluation(session: Session, case_id: int, *, review: str, at: datetime) -> None:
    """评价 (考评) on the case: when, and the satisfaction with the reviewer's words."""
    case = session.get(Case, case_id)
    if case is None:
        raise LookupError(f"案件 {case_id} 不存在")
    case.review_date = at
    case.review_opinion = review
