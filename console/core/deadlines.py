"""Resolution deadlines (化解时限) and the deadline status colours of the ledger."""

from __future__ import annotations

from datetime import datetime, timedelta

from console.core.codes import CaseState, DeadlineStatus, DisputeCategory, Urgency

# Working practice: simple neighbour and family matters within 15 days, land and demolition
# matters within 30, everything else 20; urgency shortens it.
CATEGORY_DAYS: dict[DisputeCategory, int] = {
    DisputeCategory.NEIGHBOUR: 15,
    DisputeCategory.MARRIAGE_FAMILY: 15,
    DisputeCategory.PROPERTY_MGMT: 15,
    DisputeCategory.LAND_REQUISITION: 30,
    DisputeCategory.HOUSING_HOMESTEAD: 30,
    DisputeCategory.FOREST_LAND: 30,
    DisputeCategory.CONSTRUCTION: 30,
}
DEFAULT_DAYS = 20
URGENCY_DAYS_CAP: dict[Urgency, int | None] = {
    Urgency.NORMAL: None,
    Urgency.URGENT: 7,
    Urgency.VERY_URGENT: 3,
}
DUE_SOON_WITHIN = timedelta(days=3)

DONE_STATES = frozenset(
    {CaseState.CLOSED, CaseState.EVALUATED, CaseState.REJECTED, CaseState.VOIDED}
)


def resolution_deadline(
    category: DisputeCategory, urgency: Urgency, accepted_at: datetime
) -> datetime:
    days = CATEGORY_DAYS.get(category, DEFAULT_DAYS)
    cap = URGENCY_DAYS_CAP[urgency]
    if cap is not None:
        days = min(days, cap)
    return accepted_at + timedelta(days=days)


def deadline_status(state: CaseState, deadline: datetime | None, now: datetime) -> DeadlineStatus:
    if state in DONE_STATES:
        return DeadlineStatus.DONE
    if deadline is None:
        return DeadlineStatus.NORMAL
    if now > deadline:
        return DeadlineStatus.OVERDUE
    if deadline - now <= DUE_SOON_WITHIN:
        return DeadlineStatus.DUE_SOON
    return DeadlineStatus.NORMAL
