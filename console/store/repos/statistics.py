"""Statistics queries: counts grouped in SQL, days in the centre's time zone on either dialect.

Every query takes a half-open window [since, until) of naive UTC times and an optional
set of grid ids (None: the whole city). Time series come back per local calendar day;
the service folds days into weeks or months, so the only dialect-specific SQL is the day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, cast, func, or_, select
from sqlalchemy.orm import Session

from console.core import case_flow
from console.core.clock import CENTRE_TZ
from console.core.codes import AgreementState, CaseState, RegionLevel
from console.store.models import Agreement, Call, Case, Region

_OFFSET: timedelta = CENTRE_TZ.utcoffset(None)
_CLOSED_CODES = (CaseState.CLOSED.code, CaseState.EVALUATED.code)
_NOT_DUE_CODES = (CaseState.REJECTED.code, CaseState.VOIDED.code)

GridIds = tuple[int, ...] | None


def local_day(session: Session, column: Any) -> Any:
    """The centre's calendar day of a stored (naive UTC) time, as a SQL expression."""
    if session.get_bind().dialect.name == "sqlite":
        hours = int(_OFFSET.total_seconds() // 3600)
        return func.date(column, f"{hours:+d} hours")
    return cast(column + _OFFSET, Date)


def _as_date(value: Any) -> date:
    # SQLite's date() gives 'YYYY-MM-DD'; PostgreSQL gives a date.
    return date.fromisoformat(value) if isinstance(value, str) else value


def _in_area(stmt: Any, grid_ids: GridIds, *, by_grid_index: bool = False) -> Any:
    """Only cases in these grids. A query bounded by a time window keeps to the time's index:
    `grid_id + 0` stops SQLite from walking a district's whole history by the grid index
    (4–6 s at a million cases, against a fraction of a second)."""
    if grid_ids is None:
        return stmt
    column = Case.grid_id if by_grid_index else Case.grid_id + 0
    return stmt.where(column.in_(grid_ids or (-1,)))


def _created_in(stmt: Any, since: datetime, until: datetime) -> Any:
    return stmt.where(Case.created_at >= since, Case.created_at < until)


@dataclass(frozen=True, slots=True)
class DayState:
    """Cases registered on one local day that are in one state now, and how many of them
    fell due and were late (see `overdue_rule`)."""

    day: date
    state: CaseState
    created: int
    due: int
    late: int


def overdue_rule(now: datetime) -> tuple[Any, Any]:
    """(due, late) conditions on a case with a deadline.

    Due: closed, or still open with the deadline passed (declined and voided cases are
    never due). Late: closed after the deadline, or open past it.
    """
    has_deadline = Case.deadline.is_not(None) & Case.state.not_in(_NOT_DUE_CODES)
    closed = Case.closed_at.is_not(None)
    open_past = Case.state.in_([s.code for s in case_flow.OPEN_STATES]) & (Case.deadline < now)
    due = has_deadline & or_(closed, open_past)
    late = has_deadline & or_(closed & (Case.closed_at > Case.deadline), open_past)
    return due, late


def created_by_day_and_state(
    session: Session, since: datetime, until: datetime, now: datetime, grid_ids: GridIds = None
) -> list[DayState]:
    """Cases registered per local day by the state each is in now: one pass over the window
    (the created_at index) gives the time series, the states and the overdue rate."""
    day = local_day(session, Case.created_at)
    due, late = overdue_rule(now)
    stmt = select(
        day,
        Case.state,
        func.count(Case.id),
        func.count(Case.id).filter(due),
        func.count(Case.id).filter(late),
    ).group_by(day, Case.state)
    rows = session.execute(_in_area(_created_in(stmt, since, until), grid_ids))
    return [
        DayState(_as_date(d), CaseState(s), int(n), int(nd), int(nl)) for d, s, n, nd, nl in rows
    ]


def created_by_category_and_grid(
    session: Session, since: datetime, until: datetime, grid_ids: GridIds = None
) -> list[tuple[str, int | None, int]]:
    """(category code, grid id, cases) registered in the window."""
    stmt = select(Case.category, Case.grid_id, func.count(Case.id)).group_by(
        Case.category, Case.grid_id
    )
    rows = session.execute(_in_area(_created_in(stmt, since, until), grid_ids))
    return [(c, g, int(n)) for c, g, n in rows]


def closed_by_day(
    session: Session, since: datetime, until: datetime, grid_ids: GridIds = None
) -> list[tuple[date, int, int, int]]:
    """Per local day, cases closed (办结) that day whenever registered: (day, closed, closed
    with a success flag, of which successful)."""
    day = local_day(session, Case.closed_at)
    closed_state = Case.state.in_(_CLOSED_CODES)
    stmt = (
        select(
            day,
            func.count(Case.id),
            func.count(Case.id).filter(closed_state & Case.success.is_not(None)),
            func.count(Case.id).filter(closed_state & Case.success.is_(True)),
        )
        .where(Case.closed_at >= since, Case.closed_at < until)
        .group_by(day)
    )
    return [
        (_as_date(d), int(n), int(f), int(ok))
        for d, n, f, ok in session.execute(_in_area(stmt, grid_ids))
    ]


def open_and_overdue_now(
    session: Session, now: datetime, grid_ids: GridIds = None
) -> tuple[int, int]:
    """(open, open past the deadline) right now, whatever the window."""
    is_open = Case.state.in_([s.code for s in case_flow.OPEN_STATES])
    stmt = select(func.count(Case.id), func.count(Case.id).filter(Case.deadline < now)).where(
        is_open
    )
    n_open, n_over = session.execute(_in_area(stmt, grid_ids, by_grid_index=True)).one()
    return int(n_open or 0), int(n_over or 0)


def agreements_signed(
    session: Session, since: datetime, until: datetime, grid_ids: GridIds = None
) -> int:
    """人民调解协议书 fully signed in the window and not voided since."""
    stmt = (
        select(func.count(Agreement.id))
        .join(Case, Case.id == Agreement.case_id)
        .where(
            Agreement.signed_at >= since,
            Agreement.signed_at < until,
            Agreement.state != AgreementState.VOIDED.code,
        )
    )
    return int(session.scalar(_in_area(stmt, grid_ids)) or 0)


def answered_calls(
    session: Session, since: datetime, until: datetime
) -> list[tuple[datetime, datetime | None]]:
    """(queued_at, answered_at) of calls queued in the window and answered: the input of
    `core.service_level`. Calls carry no grid, so the area filter does not apply."""
    rows = session.execute(
        select(Call.queued_at, Call.answered_at).where(
            Call.queued_at >= since, Call.queued_at < until, Call.answered_at.is_not(None)
        )
    )
    return [(q, a) for q, a in rows]


def regions(session: Session) -> dict[int, tuple[int | None, RegionLevel, str]]:
    """Every region: id -> (parent id, level, name), to roll grids up to their district."""
    rows = session.execute(select(Region.id, Region.parent_id, Region.level, Region.name))
    return {i: (p, RegionLevel(lv), n) for i, p, lv, n in rows}


def grid_state_counts(
    session: Session, grid_id: int, now: datetime
) -> tuple[str, dict[str, int], int]:
    """(grid name, cases by state code, open cases past the deadline) of one grid."""
    name = session.scalar(select(Region.name).where(Region.id == grid_id)) or ""
    rows = session.execute(
        select(Case.state, func.count(Case.id)).where(Case.grid_id == grid_id).group_by(Case.state)
    )
    _open, overdue = open_and_overdue_now(session, now, (grid_id,))
    return name, {s: int(n) for s, n in rows}, overdue


def newest_case_time(session: Session) -> datetime | None:
    return session.scalar(select(func.max(Case.created_at)))
