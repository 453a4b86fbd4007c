"""Cases: the ledger query, register a case, advance it through the flow, supervise."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, aliased

from console.core import case_flow, ledger_text
from console.core.codes import (
    CaseSource,
    CaseState,
    Channel,
    DeadlineStatus,
    DisputeCategory,
    EventScale,
    FlowAction,
    RegionLevel,
    RiskLevel,
    Role,
    SupervisionLevel,
    Urgency,
)
from console.core.deadlines import DONE_STATES, DUE_SOON_WITHIN, resolution_deadline
from console.core.records import CaseFilter, CaseRow
from console.store.models import Case, CaseSearch, FlowStep, MemberUnit, Region

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


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


@dataclass(frozen=True, slots=True)
class _Search:
    """How the ledger finds a query: candidates from the term index, then `LIKE` if needed."""

    like: ColumnElement[bool]
    ids: Any = None
    """A subquery of candidate case ids, or None when the index cannot help."""
    exact: bool = False
    """The candidates are exactly the `LIKE` matches."""
    match: str = ""
    """The FTS5 query (SQLite)."""
    states_tagged: bool = False
    """The FTS5 query holds the filter's states: no SQL condition needed (SQLite)."""
    grids_tagged: bool = False
    """The FTS5 query holds the filter's grids: no SQL condition needed (SQLite)."""
    area_tagged: bool = False
    """The FTS5 query holds the region the grids lie under: the grids are still checked."""


# The FTS5 table's `tags` column (migration 0005): a case's state, grid and the grid's
# regions above it as tokens. A few grids are asked for by their own tags; more (a district)
# by the district's one tag, which is far cheaper than a long OR in the index.
MAX_TAG_GRIDS = 8


def state_tag(state: CaseState) -> str:
    return "st" + state.code.replace("_", "")


def grid_tag(grid_id: int) -> str:
    return f"gr{grid_id}"


def area_tag(region_id: int) -> str:
    return f"ar{region_id}"


def state_area_tag(state: CaseState, region_id: int) -> str:
    return f"sa{state.code.replace('_', '')}{region_id}"


def _grids_taggable(f: CaseFilter) -> bool:
    return 0 < len(f.grid_ids) <= MAX_TAG_GRIDS and all(g > 0 for g in f.grid_ids)


def _area_taggable(f: CaseFilter) -> bool:
    return bool(f.grid_ids) and f.area_id is not None and not _grids_taggable(f)


def _area_decides(f: CaseFilter) -> bool:
    return _area_taggable(f) and f.area_exact


def fts_match(query: str, f: CaseFilter | None = None) -> str:
    """FTS5 syntax for a query: each run of it as a phrase of its terms, all required; with
    `f`, its states and grids (or their area) as tags too, so the index intersects them."""
    parts = ['"' + " ".join(p) + '"' for p in ledger_text.query_phrases(query)]
    if f is None:
        return " AND ".join(parts)
    area = f.area_id if _area_taggable(f) else None
    if f.states and area is not None:
        # A state in an area is one tag: a much shorter list than the state's and the area's.
        parts.append("(" + " OR ".join(state_area_tag(s, area) for s in f.states) + ")")
    elif f.states:
        parts.append("(" + " OR ".join(state_tag(s) for s in f.states) + ")")
    if _grids_taggable(f):
        parts.append("(" + " OR ".join(grid_tag(g) for g in f.grid_ids) + ")")
    elif area is not None and not f.states:
        parts.append(area_tag(area))
    return " AND ".join(parts)


def _checked_area(session: Session, f: CaseFilter) -> CaseFilter:
    """`f` with its area hint kept only if that region is above every one of its grids (as
    the index's area tags see it), and `area_exact` only if they are all the area's grids."""
    if f.area_id is None or not f.grid_ids:
        return replace(f, area_id=None, area_exact=False) if f.area_id or f.area_exact else f
    g, p1, p2, p3, p4 = (aliased(Region) for _ in range(5))

    def grids_under(*where: Any) -> int:
        stmt = (
            select(func.count(g.id))
            .outerjoin(p1, p1.id == g.parent_id)
            .outerjoin(p2, p2.id == p1.parent_id)
            .outerjoin(p3, p3.id == p2.parent_id)
            .outerjoin(p4, p4.id == p3.parent_id)
            .where(
                g.level == RegionLevel.GRID.code,
                or_(*(p.id == f.area_id for p in (p1, p2, p3, p4))),
                *where,
            )
        )
        return int(session.scalar(stmt) or 0)

    wanted = set(f.grid_ids)
    if grids_under(g.id.in_(wanted)) != len(wanted):
        return replace(f, area_id=None, area_exact=False)
    return replace(f, area_exact=grids_under() == len(wanted))


def _fts_ids(match: str) -> Any:
    return (
        select(literal_column("rowid"))
        .select_from(table("case_fts"))
        .where(literal_column("case_fts").op("MATCH")(match))
    )


def _search(query: str, dialect: str, f: CaseFilter | None = None) -> _Search:
    """`LIKE '%query%'` on title, summary or number, narrowed first by the term index.

    The index (see `console.core.ledger_text`) finds a superset of the `LIKE` matches; the
    `LIKE` then runs on that set only, unless the index's answer is exact already.
    """
    like = f"%{query}%"
    exact_like = or_(Case.title.like(like), Case.summary.like(like), Case.number.like(like))
    terms = ledger_text.query_terms(query)
    if not terms:
        return _Search(exact_like)
    if dialect == "sqlite":
        match = fts_match(query, f)
        return _Search(
            exact_like,
            _fts_ids(match),
            ledger_text.is_exact(query),
            match,
            states_tagged=f is not None and bool(f.states),
            grids_tagged=f is not None and (_grids_taggable(f) or _area_decides(f)),
            area_tagged=f is not None and _area_taggable(f),
        )
    if dialect == "postgresql":
        # Literal ' ' so the planner matches the GIN index's expression.
        ids = select(CaseSearch.case_id).where(
            sql_text("string_to_array(case_search.body, ' ') @> :ledger_terms").bindparams(
                bindparam("ledger_terms", value=terms, type_=ARRAY(Text))
            )
        )
        return _Search(exact_like, ids)
    return _Search(exact_like)


def deadline_condition(status: DeadlineStatus, now: datetime) -> ColumnElement[bool]:
    """SQL for `console.core.deadlines.deadline_status(...) is status` (tested against it)."""
    if status is DeadlineStatus.DONE:
        return Case.state.in_([s.code for s in DONE_STATES])
    # The states spelled out, not NOT IN: each is a range seek on (state, deadline).
    live = Case.state.in_([s.code for s in CaseState if s not in DONE_STATES])
    soon = now + DUE_SOON_WITHIN
    if status is DeadlineStatus.OVERDUE:
        return and_(live, Case.deadline < now)
    if status is DeadlineStatus.DUE_SOON:
        return and_(live, Case.deadline >= now, Case.deadline <= soon)
    return and_(live, or_(Case.deadline.is_(None), Case.deadline > soon))


def _apply(
    stmt: Select[Any],
    f: CaseFilter,
    now: datetime | None = None,
    dialect: str = "sqlite",
    use_index: bool = True,
) -> Select[Any]:
    now = now or _utcnow()
    query = f.text.strip()
    found = _search(query, dialect, f) if query else None
    by_index = found is not None and found.ids is not None and use_index
    if f.states and not (by_index and found and found.states_tagged):
        stmt = stmt.where(Case.state.in_([s.code for s in f.states]))
    if f.grid_ids and not (by_index and found and found.grids_tagged):
        stmt = stmt.where(Case.grid_id.in_(f.grid_ids))
    if f.categories:
        stmt = stmt.where(Case.category.in_([c.code for c in f.categories]))
    if f.overdue_only:
        open_codes = [s.code for s in case_flow.OPEN_STATES]
        stmt = stmt.where(Case.deadline < now, Case.state.in_(open_codes))
    if f.deadline_statuses:
        stmt = stmt.where(or_(*(deadline_condition(s, now) for s in f.deadline_statuses)))
    if f.supervisions:
        stmt = stmt.where(Case.supervision.in_([s.code for s in f.supervisions]))
    if f.risk_levels:
        stmt = stmt.where(Case.risk_level.in_([r.code for r in f.risk_levels]))
    if f.created_from is not None:
        stmt = stmt.where(Case.created_at >= f.created_from)
    if f.created_before is not None:
        stmt = stmt.where(Case.created_at < f.created_before)
    if found is not None:
        if not by_index:
            stmt = stmt.where(found.like)
        else:
            member = Case.id.in_(found.ids)
            stmt = stmt.where(member if found.exact else and_(member, found.like))
    return stmt


def _index_answers(f: CaseFilter) -> bool:
    """Text, states and grids only: the FTS5 index alone finds the set (SQLite)."""
    plain = CaseFilter(
        text=f.text,
        states=f.states,
        grid_ids=f.grid_ids,
        area_id=f.area_id,
        area_exact=f.area_exact,
        sort=f.sort,
        descending=f.descending,
    )
    return f == plain and (not f.grid_ids or _grids_taggable(f) or _area_decides(f))


def _fts_count(session: Session, match: str) -> int:
    stmt = select(func.count()).select_from(_fts_ids(match).subquery())
    return int(session.scalar(stmt) or 0)


def _use_index(session: Session, f: CaseFilter, dialect: str, page: int | None = None) -> bool:
    """Whether the term index should find the text, or `LIKE` on what the rest leaves (SQLite).

    Handing over the index's candidates costs time per candidate; `LIKE` costs time per row
    it reads. With other filters, `LIKE` wins when they leave fewer rows than the index
    finds (a common word in one district). With none, a page of `page` rows in the ledger's
    order reads about page x cases / candidates rows before it is full: `LIKE` wins when
    that is fewer than the candidates.
    """
    query = f.text.strip()
    if dialect != "sqlite" or not ledger_text.query_terms(query):
        return True
    found = _search(query, dialect, f)
    if not _index_answers(f) and (found.states_tagged or found.grids_tagged or found.area_tagged):
        return True  # the tags narrow the candidates inside the index: few to hand over
    candidates = _fts_count(session, found.match)
    if _index_answers(f):
        if page is None:
            return True
        cases_now = int(session.scalar(select(func.max(Case.id))) or 0)
        return candidates * candidates <= page * cases_now
    others = replace(f, text="")
    rest = int(session.scalar(_apply(select(func.count(Case.id)), others, dialect=dialect)) or 0)
    return candidates < rest


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


# Sorts on an indexed column: the index gives the order, the id breaks ties.
_SORT_COLUMNS: dict[str, Any] = {
    "number": Case.number,
    "created": Case.created_at,
    "deadline": Case.deadline,
}
# Sorts on a code column in its code table's order (flow order, low to critical, none to
# red): one indexed query per code, newest first within a code, so no sort of the whole set.
_RANKED: dict[str, tuple[Any, tuple[str, ...], str]] = {
    "state": (Case.state, tuple(s.code for s in CaseState), "states"),
    "risk": (Case.risk_level, tuple(r.code for r in RiskLevel), "risk_levels"),
    "supervision": (Case.supervision, tuple(s.code for s in SupervisionLevel), "supervisions"),
}


def _order(f: CaseFilter) -> list[Any]:
    col = _SORT_COLUMNS.get(f.sort)
    if col is None:
        return [Case.id.desc() if f.descending else Case.id.asc()]
    if f.descending:
        return [col.desc(), Case.id.desc()]
    return [col.asc(), Case.id.asc()]


def _ranked_codes(f: CaseFilter) -> tuple[Any, list[str]]:
    col, codes, filter_field = _RANKED[f.sort]
    chosen = {c.code for c in getattr(f, filter_field)}
    ordered = [c for c in codes if not chosen or c in chosen]
    return col, ordered[::-1] if f.descending else ordered


def ledger_page(session: Session, f: CaseFilter, offset: int, limit: int) -> list[CaseRow]:
    dialect = _dialect(session)
    f = _checked_area(session, f)
    now = _utcnow()
    query = f.text.strip()
    if dialect == "sqlite" and query and not f.sort and _index_answers(f):
        found = _search(query, dialect, f)
        if found.exact:
            # The index alone answers, in id order: only the page's rows are read.
            ids = (
                _fts_ids(found.match)
                .order_by(literal_column("rowid").desc() if f.descending else "rowid")
                .offset(offset)
                .limit(limit)
            )
            stmt = _ledger_select().where(Case.id.in_(ids)).order_by(*_order(f))
            return [_row(tuple(r)) for r in session.execute(stmt)]
    use_index = _use_index(session, f, dialect, limit)

    def page(extra: tuple[Any, ...], order: list[Any], skip: int, need: int) -> list[CaseRow]:
        ids = _apply(select(Case.id), f, now, dialect, use_index).where(*extra)
        if dialect == "sqlite" and not query and ids.whereclause is not None:
            # Many matches: walking the order's index and testing each row fills the page
            # after about (skip + need) x cases / matches rows, fewer than sorting every
            # match once there are more than the square root of (skip + need) x cases.
            cases_now = int(session.scalar(select(func.max(Case.id))) or 0)
            enough = math.isqrt((skip + need) * cases_now) + 1
            some = _apply(select(Case.id), f, now, dialect).where(*extra).limit(enough)
            matching = int(session.scalar(select(func.count()).select_from(some.subquery())) or 0)
            if matching >= enough:
                # likelihood() tells SQLite's planner the filter keeps most rows.
                ids = select(Case.id).where(
                    func.likelihood(ids.whereclause, literal_column("0.9375"))
                )
        # Ids first (often from an index alone), then only the page's rows are read.
        chosen = ids.order_by(*order).offset(skip).limit(need).subquery()
        stmt = _ledger_select().where(Case.id.in_(select(chosen.c.id))).order_by(*order)
        return [_row(tuple(r)) for r in session.execute(stmt)]

    if f.sort in _RANKED:
        col, codes = _ranked_codes(f)
        rows: list[CaseRow] = []
        skip, need = offset, limit
        for code in codes:
            if need <= 0:
                break
            if skip > 0:
                counted = _apply(select(func.count(Case.id)), f, now, dialect).where(col == code)
                n = int(session.scalar(counted) or 0)
                if skip >= n:
                    skip -= n
                    continue
            got = page((col == code,), [Case.id.desc()], skip, need)
            rows.extend(got)
            need -= len(got)
            skip = 0
        return rows
    return page((), _order(f), offset, limit)


def ledger_ids(session: Session, f: CaseFilter) -> list[int]:
    """Every matching case id in the ledger's order (an export's list of what to write)."""
    dialect = _dialect(session)
    f = _checked_area(session, f)
    now = _utcnow()
    use_index = _use_index(session, f, dialect)

    def ids_where(*extra: Any) -> Select[Any]:
        return _apply(select(Case.id), f, now, dialect, use_index).where(*extra)

    if f.sort in _RANKED:
        col, codes = _ranked_codes(f)
        ids: list[int] = []
        for code in codes:
            ids.extend(session.scalars(ids_where(col == code).order_by(Case.id.desc())))
        return ids
    return list(session.scalars(ids_where().order_by(*_order(f))))


def ledger_count(session: Session, f: CaseFilter) -> int:
    dialect = _dialect(session)
    f = _checked_area(session, f)
    query = f.text.strip()
    if dialect == "sqlite" and query and _index_answers(f):
        found = _search(query, dialect, f)
        if found.exact:
            return _fts_count(session, found.match)
    use_index = _use_index(session, f, dialect)
    stmt = _apply(select(func.count(Case.id)), f, dialect=dialect, use_index=use_index)
    return int(session.scalar(stmt) or 0)


def rows_by_ids(session: Session, f: CaseFilter, ids: frozenset[int]) -> list[CaseRow]:
    """The given cases that still match the filter: a model drops the rest."""
    if not ids:
        return []
    f = _checked_area(session, f)
    stmt = _apply(_ledger_select().where(Case.id.in_(ids)), f, dialect=_dialect(session))
    return [_row(tuple(r)) for r in session.execute(stmt)]


def set_search_terms(session: Session, case_id: int, title: str, summary: str, number: str) -> None:
    """Write a case's search terms; call from every function that changes those fields."""
    body = ledger_text.case_body(title, summary, number)
    row = session.get(CaseSearch, case_id)
    if row is None:
        session.add(CaseSearch(case_id=case_id, body=body))
    else:
        row.body = body


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
    set_search_terms(session, case.id, case.title, case.summary, case.number)
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
