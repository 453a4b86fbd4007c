"""Statistics for the assessment screen and the big-screen walkthrough: one read, plain records.

A snapshot covers a period (last 7/30/90 days or 12 months, in the centre's calendar) and
an area (the whole city or one district). Days come from the store; this module folds
them into weeks or months and fills the empty buckets, so a chart's x axis never skips.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from console.core import case_flow
from console.core import service_level as sl
from console.core.clock import from_local, to_local, utcnow
from console.core.codes import (
    CaseState,
    CodeTable,
    DeadlineStatus,
    DisputeCategory,
    FlowAction,
    RegionLevel,
    SupervisionLevel,
)
from console.core.deadlines import deadline_status
from console.core.records import CaseFilter
from console.store.repos import cases, regions
from console.store.repos import statistics as q
from console.store.store import Store


class Bucket(enum.Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class StatsPeriod(CodeTable):
    """What the supervisor picks; each period has its bucket size."""

    DAYS_7 = ("7d", "近7天", "Last 7 days")
    DAYS_30 = ("30d", "近30天", "Last 30 days")
    DAYS_90 = ("90d", "近90天", "Last 90 days")
    MONTHS_12 = ("12m", "近12个月", "Last 12 months")

    @property
    def bucket(self) -> Bucket:
        return {
            StatsPeriod.DAYS_7: Bucket.DAY,
            StatsPeriod.DAYS_30: Bucket.DAY,
            StatsPeriod.DAYS_90: Bucket.WEEK,
            StatsPeriod.MONTHS_12: Bucket.MONTH,
        }[self]


class StateGroup(CodeTable):
    """The case states folded into four, so a stacked chart stays readable."""

    INTAKE = ("intake", "待受理/分流", "Awaiting intake")
    HANDLING = ("handling", "办理中", "Being handled")
    CLOSED = ("closed", "已办结", "Closed")
    DROPPED = ("dropped", "不予受理/作废", "Declined or voided")


_GROUP_OF: dict[CaseState, StateGroup] = {
    CaseState.DRAFT: StateGroup.INTAKE,
    CaseState.REPORTED: StateGroup.INTAKE,
    CaseState.ACCEPTED: StateGroup.INTAKE,
    CaseState.DIVERTED: StateGroup.INTAKE,
    CaseState.ASSIGNED: StateGroup.HANDLING,
    CaseState.IN_PROGRESS: StateGroup.HANDLING,
    CaseState.SUSPENDED: StateGroup.HANDLING,
    CaseState.FEEDBACK: StateGroup.HANDLING,
    CaseState.REVIEW: StateGroup.HANDLING,
    CaseState.CLOSED: StateGroup.CLOSED,
    CaseState.EVALUATED: StateGroup.CLOSED,
    CaseState.REJECTED: StateGroup.DROPPED,
    CaseState.VOIDED: StateGroup.DROPPED,
}


def state_group(state: CaseState) -> StateGroup:
    return _GROUP_OF[state]


NO_GRID = "未划入网格"
CITY = "全市"


@dataclass(frozen=True, slots=True)
class Rate:
    """A share with its parts, so a card can say "12 / 40" under "30 %"."""

    part: int
    whole: int

    @property
    def value(self) -> float | None:
        return self.part / self.whole if self.whole else None


@dataclass(frozen=True, slots=True)
class Count:
    key: str
    label: str
    value: int


@dataclass(frozen=True, slots=True)
class TimeBucket:
    start: date
    """First local day of the bucket (a Monday for weeks, the 1st for months)."""
    created_by_group: tuple[int, ...]
    """Cases registered in the bucket, in `StateGroup` order, by the state they are in now."""
    closed: int
    answered_calls: int
    service_level: float | None
    """None when no call of the bucket was answered."""

    @property
    def created(self) -> int:
        return sum(self.created_by_group)


@dataclass(frozen=True, slots=True)
class StatsSnapshot:
    period: StatsPeriod
    region_id: int | None
    area_name: str
    first_day: date
    last_day: date
    taken_at: datetime
    buckets: tuple[TimeBucket, ...]
    by_category: tuple[Count, ...]
    by_area: tuple[Count, ...]
    """By district for the whole city, by grid within a district; largest first."""
    area_is_grid: bool
    by_state: tuple[Count, ...]
    created: int
    overdue: Rate
    """Late among the period's cases that fell due (see `repos.statistics.overdue_rule`)."""
    open_now: int
    overdue_now: int
    mediation_success: Rate
    agreements_signed: int
    service_level: float | None
    answered_calls: int
    service_target: float = sl.TARGET

    @property
    def bucket(self) -> Bucket:
        return self.period.bucket


@dataclass(frozen=True, slots=True)
class FlowLine:
    at: datetime
    action: FlowAction
    opinion: str


@dataclass(frozen=True, slots=True)
class CaseCard:
    """What a walkthrough slide shows of one case."""

    id: int
    number: str
    title: str
    category: DisputeCategory
    state: CaseState
    deadline: datetime | None
    deadline_status: DeadlineStatus
    supervision: SupervisionLevel
    grid_name: str
    responsible_unit: str
    latest_steps: tuple[FlowLine, ...]


@dataclass(frozen=True, slots=True)
class GridSummary:
    grid_id: int
    name: str
    by_state: tuple[Count, ...]
    total: int
    open: int
    overdue: int


# --- the calendar of a period


def bucket_start(day: date, bucket: Bucket) -> date:
    if bucket is Bucket.WEEK:
        return day - timedelta(days=day.weekday())
    if bucket is Bucket.MONTH:
        return day.replace(day=1)
    return day


def _next_start(start: date, bucket: Bucket) -> date:
    if bucket is Bucket.DAY:
        return start + timedelta(days=1)
    if bucket is Bucket.WEEK:
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def period_days(period: StatsPeriod, today: date) -> tuple[date, date]:
    """(first, last) local day of the period ending today."""
    if period is StatsPeriod.MONTHS_12:
        first = today.replace(day=1)
        for _ in range(11):
            first = (first - timedelta(days=1)).replace(day=1)
        return first, today
    days = {StatsPeriod.DAYS_7: 7, StatsPeriod.DAYS_30: 30, StatsPeriod.DAYS_90: 90}[period]
    return today - timedelta(days=days - 1), today


def bucket_starts(first: date, last: date, bucket: Bucket) -> list[date]:
    starts = []
    start = bucket_start(first, bucket)
    while start <= last:
        starts.append(start)
        start = _next_start(start, bucket)
    return starts


def _midnight_utc(day: date) -> datetime:
    return from_local(datetime(day.year, day.month, day.day))


def _district_of(tree: dict[int, tuple[int | None, RegionLevel, str]], region_id: int) -> int:
    """The county/district above a region (the region itself if none is found)."""
    node: int | None = region_id
    while node is not None and node in tree:
        parent, level, _name = tree[node]
        if level is RegionLevel.COUNTY:
            return node
        node = parent
    return region_id


def _ranked(counts: dict[str, int], labels: dict[str, str]) -> tuple[Count, ...]:
    items = sorted(counts.items(), key=lambda kv: (-kv[1], labels.get(kv[0], kv[0])))
    return tuple(Count(k, labels.get(k, k), n) for k, n in items if n)


def snapshot_query(
    session: Any,
    period: StatsPeriod,
    region_id: int | None,
    now: datetime,
) -> StatsSnapshot:
    """Everything the statistics page shows, in one read (one session, one consistent view)."""
    first, last = period_days(period, to_local(now).date())
    since, until = _midnight_utc(first), _midnight_utc(last + timedelta(days=1))
    tree = q.regions(session)
    grid_ids: tuple[int, ...] | None = None
    area_name = CITY
    if region_id is not None:
        grid_ids = tuple(regions.descendant_grid_ids(session, region_id))
        area_name = tree[region_id][2] if region_id in tree else str(region_id)

    bucket = period.bucket
    starts = bucket_starts(first, last, bucket)
    groups = list(StateGroup)
    created: dict[date, list[int]] = {s: [0] * len(groups) for s in starts}
    by_state: dict[str, int] = defaultdict(int)
    due = late = 0
    for row in q.created_by_day_and_state(session, since, until, now, grid_ids):
        created[bucket_start(row.day, bucket)][groups.index(state_group(row.state))] += row.created
        by_state[row.state.code] += row.created
        due += row.due
        late += row.late
    closed: dict[date, int] = defaultdict(int)
    flagged = succeeded = 0
    for day, n, n_flagged, n_ok in q.closed_by_day(session, since, until, grid_ids):
        closed[bucket_start(day, bucket)] += n
        flagged += n_flagged
        succeeded += n_ok
    calls = q.answered_calls(session, since, until)
    calls_by: dict[date, list[tuple[datetime, datetime | None]]] = defaultdict(list)
    for queued, answered in calls:
        calls_by[bucket_start(to_local(queued).date(), bucket)].append((queued, answered))

    buckets = tuple(
        TimeBucket(
            start=s,
            created_by_group=tuple(created[s]),
            closed=closed.get(s, 0),
            answered_calls=len(calls_by.get(s, ())),
            service_level=sl.service_level(calls_by[s]) if calls_by.get(s) else None,
        )
        for s in starts
    )

    by_area_counts: dict[str, int] = defaultdict(int)
    category_counts: dict[str, int] = defaultdict(int)
    area_labels: dict[str, str] = {"": NO_GRID}
    area_of: dict[int, int] = {}
    for category, grid_id, n in q.created_by_category_and_grid(session, since, until, grid_ids):
        category_counts[category] += n
        if grid_id is None:
            by_area_counts[""] += n
            continue
        if grid_id not in area_of:
            area_of[grid_id] = grid_id if region_id is not None else _district_of(tree, grid_id)
        key_id = area_of[grid_id]
        key = str(key_id)
        by_area_counts[key] += n
        area_labels[key] = tree[key_id][2] if key_id in tree else key

    open_now, overdue_now = q.open_and_overdue_now(session, now, grid_ids)
    return StatsSnapshot(
        period=period,
        region_id=region_id,
        area_name=area_name,
        first_day=first,
        last_day=last,
        taken_at=now,
        buckets=buckets,
        by_category=_ranked(dict(category_counts), {c.code: c.zh for c in DisputeCategory}),
        by_area=_ranked(by_area_counts, area_labels),
        area_is_grid=region_id is not None,
        by_state=_ranked(dict(by_state), {s.code: s.zh for s in CaseState}),
        created=sum(b.created for b in buckets),
        overdue=Rate(late, due),
        open_now=open_now,
        overdue_now=overdue_now,
        mediation_success=Rate(succeeded, flagged),
        agreements_signed=q.agreements_signed(session, since, until, grid_ids),
        service_level=sl.service_level(calls) if calls else None,
        answered_calls=len(calls),
    )


LATEST_STEPS = 5


def case_card_query(session: Any, case_id: int, now: datetime) -> CaseCard | None:
    rows = cases.rows_by_ids(session, CaseFilter(), frozenset({case_id}))
    if not rows:
        return None
    row = rows[0]
    steps = cases.flow_of(session, case_id)[-LATEST_STEPS:]
    return CaseCard(
        id=row.id,
        number=row.number,
        title=row.title,
        category=row.category,
        state=row.state,
        deadline=row.deadline,
        deadline_status=deadline_status(row.state, row.deadline, now),
        supervision=row.supervision,
        grid_name=row.grid_name,
        responsible_unit=row.responsible_unit,
        latest_steps=tuple(
            FlowLine(at, FlowAction(action), opinion)
            for action, _b, _a, at, opinion in reversed(steps)
        ),
    )


def grid_summary_query(session: Any, grid_id: int, now: datetime) -> GridSummary:
    name, counts, overdue = q.grid_state_counts(session, grid_id, now)
    by_state = _ranked(counts, {s.code: s.zh for s in CaseState})
    open_codes = {s.code for s in case_flow.OPEN_STATES}
    return GridSummary(
        grid_id=grid_id,
        name=name,
        by_state=by_state,
        total=sum(counts.values()),
        open=sum(n for code, n in counts.items() if code in open_codes),
        overdue=overdue,
    )


class StatisticsService:
    """Read-only: nothing here writes, so nothing here publishes a change."""

    def __init__(self, store: Store, clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self._clock = clock

    async def snapshot(self, period: StatsPeriod, region_id: int | None = None) -> StatsSnapshot:
        return await self.store.read(
            partial(snapshot_query, period=period, region_id=region_id, now=self._clock())
        )

    def snapshot_sync(self, period: StatsPeriod, region_id: int | None = None) -> StatsSnapshot:
        return self.store.read_sync(
            partial(snapshot_query, period=period, region_id=region_id, now=self._clock())
        )

    async def districts(self) -> list[tuple[int, str]]:
        """(id, name) of the districts and counties, for the area selector."""

        def query(session: Any) -> list[tuple[int, str]]:
            city = regions.children(session, None)
            return [(n.id, n.name) for c in city for n in regions.children(session, c.id)]

        return await self.store.read(query)

    async def case_card(self, case_id: int) -> CaseCard | None:
        return await self.store.read(partial(case_card_query, case_id=case_id, now=self._clock()))

    async def grid_summary(self, grid_id: int) -> GridSummary:
        return await self.store.read(
            partial(grid_summary_query, grid_id=grid_id, now=self._clock())
        )

    async def grids(self) -> Sequence[tuple[int, str, str]]:
        """(id, code, name) of every grid, for choosing walkthrough slides."""
        return await self.store.read(regions.grids)
