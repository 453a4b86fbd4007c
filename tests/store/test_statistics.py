"""Statistics on SQLite and PostgreSQL: seeded cases with known categories, states and times
give exact counts; days are the centre's (UTC+8) days on both dialects."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from console.core.codes import (
    AgreementState,
    CallState,
    CaseSource,
    CaseState,
    DisputeCategory,
    EventScale,
    RegionLevel,
    RiskLevel,
    SupervisionLevel,
    Urgency,
)
from console.services.statistics import (
    NO_GRID,
    Bucket,
    StateGroup,
    StatsPeriod,
    bucket_starts,
    case_card_query,
    grid_summary_query,
    period_days,
    snapshot_query,
)
from console.store import migrate
from console.store.models import Agreement, Call, Case, FlowStep, Region
from console.store.store import Store

NOW = datetime(2026, 6, 15, 4, 0)  # UTC; 12:00 on Monday 15 June in the centre
"""A fixed clock: every expected count below follows from it."""


@pytest.fixture(params=["sqlite", "postgresql"])
def stats_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'stats.sqlite'}"
    else:
        url = request.getfixturevalue("pg_fresh_db")
    migrate.upgrade(url)
    store = Store(url)
    store.write_sync(_seed)
    yield store
    store.close()


REGIONS = [
    # id, parent, level, name
    (1, None, RegionLevel.CITY, "示范市"),
    (2, 1, RegionLevel.COUNTY, "东城区"),
    (3, 1, RegionLevel.COUNTY, "西城区"),
    (4, 2, RegionLevel.TOWN, "东华街道"),
    (5, 4, RegionLevel.VILLAGE, "东华社区"),
    (6, 5, RegionLevel.GRID, "东华第一网格"),
    (7, 5, RegionLevel.GRID, "东华第二网格"),
    (8, 3, RegionLevel.GRID, "西城直属网格"),
]


def _case(n: int, **kw: object) -> Case:
    fields: dict[str, object] = dict(
        number=f"LJ-2026-{n:06d}",
        title=f"案件{n}",
        scale=EventScale.INDIVIDUAL.code,
        category=DisputeCategory.LABOUR.code,
        urgency=Urgency.NORMAL.code,
        source=CaseSource.VIDEO_PETITION.code,
        risk_level=RiskLevel.LOW.code,
        state=CaseState.IN_PROGRESS.code,
        supervision=SupervisionLevel.NONE.code,
        grid_id=6,
        updated_at=NOW,
    )
    fields.update(kw)
    fields.setdefault("created_at", NOW - timedelta(days=1))
    return Case(**fields)


def _seed(session):  # type: ignore[no-untyped-def]
    for rid, parent, level, name in REGIONS:
        session.add(
            Region(id=rid, code=f"R{rid:03d}", name=name, level=level.code, parent_id=parent)
        )
    session.flush()
    d = timedelta
    cases = [
        # Inside the last 7 local days (9–15 June).
        # 1: registered at 01:00 local on 15 June (17:00 UTC on the 14th): the 15th's count.
        _case(
            1,
            created_at=datetime(2026, 6, 14, 17, 0),
            category=DisputeCategory.NEIGHBOUR.code,
            deadline=NOW + d(days=10),
        ),
        # 2: the first minute of 9 June local: inside the 7 days.
        _case(2, created_at=datetime(2026, 6, 8, 16, 0), deadline=NOW - d(days=1)),  # open, late
        # 3: closed in time and successful.
        _case(
            3,
            created_at=datetime(2026, 6, 10, 2, 0),
            state=CaseState.CLOSED.code,
            deadline=datetime(2026, 6, 20),
            closed_at=datetime(2026, 6, 12, 3, 0),
            success=True,
        ),
        # 4: closed late, not successful, evaluated since.
        _case(
            4,
            created_at=datetime(2026, 6, 10, 3, 0),
            state=CaseState.EVALUATED.code,
            deadline=datetime(2026, 6, 11),
            closed_at=datetime(2026, 6, 13, 3, 0),
            success=False,
            grid_id=8,
        ),
        # 5: closed without a success flag: not in the success rate.
        _case(
            5,
            created_at=datetime(2026, 6, 11, 3, 0),
            state=CaseState.CLOSED.code,
            deadline=datetime(2026, 6, 30),
            closed_at=datetime(2026, 6, 14, 3, 0),
            grid_id=7,
        ),
        # 6: voided past its deadline: never due.
        _case(
            6,
            created_at=datetime(2026, 6, 11, 4, 0),
            state=CaseState.VOIDED.code,
            deadline=datetime(2026, 6, 12),
            grid_id=None,
            category=DisputeCategory.OTHER.code,
        ),
        # 7: just reported, no deadline yet.
        _case(
            7,
            created_at=datetime(2026, 6, 15, 1, 0),
            state=CaseState.REPORTED.code,
            category=DisputeCategory.NEIGHBOUR.code,
            grid_id=8,
        ),
        # Outside the 7 days, inside 30: 23:59 local on 8 June.
        _case(
            8,
            created_at=datetime(2026, 6, 8, 15, 59),
            category=DisputeCategory.MEDICAL.code,
            deadline=NOW - d(days=3),
        ),  # open and late
        # Inside 90 days only, closed on 1 April local, successful.
        _case(
            9,
            created_at=datetime(2026, 3, 20, 1, 0),
            state=CaseState.CLOSED.code,
            deadline=datetime(2026, 4, 10),
            closed_at=datetime(2026, 3, 31, 17, 0),
            success=True,
        ),
        # A year ago: outside every period except 12 months? 1 June 2025 is outside too.
        _case(
            10,
            created_at=datetime(2025, 6, 1, 1, 0),
            state=CaseState.IN_PROGRESS.code,
            deadline=datetime(2025, 6, 20),
        ),
    ]
    session.add_all(cases)
    session.flush()
    by_number = {c.number: c.id for c in cases}
    session.add_all(
        [
            FlowStep(
                case_id=by_number["LJ-2026-000003"],
                action="report",
                from_state="draft",
                to_state="reported",
                at=datetime(2026, 6, 10, 2, 0),
                opinion="",
            ),
            FlowStep(
                case_id=by_number["LJ-2026-000003"],
                action="accept",
                from_state="reported",
                to_state="accepted",
                at=datetime(2026, 6, 10, 2, 5),
                opinion="",
            ),
            FlowStep(
                case_id=by_number["LJ-2026-000003"],
                action="close",
                from_state="review",
                to_state="closed",
                at=datetime(2026, 6, 12, 3, 0),
                opinion="双方和解",
            ),
        ]
    )
    agreement = dict(committee="东华社区人民调解委员会", created_at=NOW)
    session.add_all(
        [
            Agreement(
                number="A1",
                case_id=by_number["LJ-2026-000003"],
                state=AgreementState.SIGNED.code,
                signed_at=datetime(2026, 6, 12, 2, 0),
                **agreement,
            ),
            Agreement(
                number="A2",
                case_id=by_number["LJ-2026-000004"],
                state=AgreementState.VOIDED.code,
                signed_at=datetime(2026, 6, 12, 2, 0),
                **agreement,
            ),
            Agreement(
                number="A3",
                case_id=by_number["LJ-2026-000005"],
                state=AgreementState.SIGNING.code,
                **agreement,
            ),
            Agreement(
                number="A4",
                case_id=by_number["LJ-2026-000009"],
                state=AgreementState.CONFIRMED.code,
                signed_at=datetime(2026, 3, 31, 2, 0),
                **agreement,
            ),
        ]
    )
    # Calls: answered after 10 s, 60 s (in time), 61 s and 300 s (late); one abandoned.
    for i, wait in enumerate((10, 60, 61, 300, None)):
        queued = datetime(2026, 6, 13, 2, 0) + d(minutes=i)
        session.add(
            Call(
                ticket=f"T{i}",
                caller_name="来访人",
                category=DisputeCategory.LABOUR.code,
                urgency=Urgency.NORMAL.code,
                state=CallState.COMPLETED.code,
                queued_at=queued,
                answered_at=queued + d(seconds=wait) if wait is not None else None,
            )
        )
    session.add(
        Call(
            ticket="T-old",
            caller_name="来访人",
            category=DisputeCategory.LABOUR.code,
            urgency=Urgency.NORMAL.code,
            state=CallState.COMPLETED.code,
            queued_at=datetime(2026, 4, 1, 2, 0),
            answered_at=datetime(2026, 4, 1, 2, 30),
        )
    )
    return None, None


def _snap(store: Store, period: StatsPeriod, region_id: int | None = None):  # type: ignore[no-untyped-def]
    return store.read_sync(lambda s: snapshot_query(s, period=period, region_id=region_id, now=NOW))


def test_last_seven_days_counts(stats_store: Store) -> None:
    snap = _snap(stats_store, StatsPeriod.DAYS_7)
    assert (snap.first_day, snap.last_day) == (date(2026, 6, 9), date(2026, 6, 15))
    assert [b.start for b in snap.buckets] == [date(2026, 6, d) for d in range(9, 16)]
    created = {b.start.day: b.created for b in snap.buckets}
    assert created == {9: 1, 10: 2, 11: 2, 12: 0, 13: 0, 14: 0, 15: 2}
    assert snap.created == 7
    groups = list(StateGroup)
    day15 = snap.buckets[-1].created_by_group
    assert day15[groups.index(StateGroup.HANDLING)] == 1  # case 1
    assert day15[groups.index(StateGroup.INTAKE)] == 1  # case 7
    day10 = snap.buckets[1].created_by_group
    assert day10[groups.index(StateGroup.CLOSED)] == 2
    closed = {b.start.day: b.closed for b in snap.buckets}
    assert closed == {9: 0, 10: 0, 11: 0, 12: 1, 13: 1, 14: 1, 15: 0}

    assert {c.key: c.value for c in snap.by_category} == {
        "labour": 4,
        "neighbour": 2,
        "other": 1,
    }
    assert snap.by_category[0].label == "劳资纠纷"
    assert {c.label: c.value for c in snap.by_area} == {"东城区": 4, "西城区": 2, NO_GRID: 1}
    assert snap.by_area[0].label == "东城区"
    assert {c.key: c.value for c in snap.by_state} == {
        "in_progress": 2,
        "closed": 2,
        "evaluated": 1,
        "voided": 1,
        "reported": 1,
    }
    # Due: 2 (open, late), 3, 4, 5 (closed); 1 and 7 not yet due, 6 voided. Late: 2 and 4.
    assert (snap.overdue.part, snap.overdue.whole) == (2, 4)
    assert snap.overdue.value == 0.5
    # Right now, whatever the period: open 1, 2, 7, 8, 10; past the deadline 2, 8, 10.
    assert (snap.open_now, snap.overdue_now) == (5, 3)
    assert (snap.mediation_success.part, snap.mediation_success.whole) == (1, 2)
    assert snap.agreements_signed == 1
    assert snap.answered_calls == 4
    assert snap.service_level == 0.5
    by_day = {b.start.day: b.service_level for b in snap.buckets}
    assert by_day[13] == 0.5 and by_day[12] is None


def test_longer_periods_fold_days_into_weeks_and_months(stats_store: Store) -> None:
    snap30 = _snap(stats_store, StatsPeriod.DAYS_30)
    assert snap30.bucket is Bucket.DAY and len(snap30.buckets) == 30
    assert snap30.created == 8  # case 8 joins

    snap90 = _snap(stats_store, StatsPeriod.DAYS_90)
    assert snap90.bucket is Bucket.WEEK
    assert all(b.start.weekday() == 0 for b in snap90.buckets)
    assert snap90.buckets[-1].start == date(2026, 6, 15)  # this week: only Monday so far
    assert snap90.buckets[-1].created == 2
    assert snap90.created == 9
    assert sum(b.closed for b in snap90.buckets) == 4
    # Case 9 closed at 01:00 local on 1 April; its agreement signed on 31 March.
    assert (snap90.mediation_success.part, snap90.mediation_success.whole) == (2, 3)
    assert snap90.agreements_signed == 2
    assert snap90.answered_calls == 5

    snap12 = _snap(stats_store, StatsPeriod.MONTHS_12)
    assert snap12.bucket is Bucket.MONTH
    assert [b.start for b in snap12.buckets][:2] == [date(2025, 7, 1), date(2025, 8, 1)]
    assert len(snap12.buckets) == 12
    closed = {b.start: b.closed for b in snap12.buckets}
    assert closed[date(2026, 4, 1)] == 1 and closed[date(2026, 3, 1)] == 0
    assert snap12.created == 9  # case 10 (June 2025) is outside


def test_area_filter_by_district(stats_store: Store) -> None:
    east = _snap(stats_store, StatsPeriod.DAYS_7, region_id=2)
    assert east.area_name == "东城区" and east.area_is_grid
    assert east.created == 4  # cases 1, 2, 3 (grid 6) and 5 (grid 7)
    assert {c.label: c.value for c in east.by_area} == {"东华第一网格": 3, "东华第二网格": 1}
    assert (east.overdue.part, east.overdue.whole) == (1, 3)
    assert (east.open_now, east.overdue_now) == (4, 3)  # 1, 2, 8, 10 are all in grid 6
    assert east.agreements_signed == 1
    west = _snap(stats_store, StatsPeriod.DAYS_7, region_id=3)
    assert west.created == 2
    assert (west.mediation_success.part, west.mediation_success.whole) == (0, 1)
    assert west.agreements_signed == 0
    # Calls are the whole centre's: the area does not filter them.
    assert west.answered_calls == 4


def test_case_card_and_grid_summary(stats_store: Store) -> None:
    case_id = stats_store.read_sync(
        lambda s: s.query(Case.id).filter(Case.number == "LJ-2026-000003").scalar()
    )
    card = stats_store.read_sync(lambda s: case_card_query(s, case_id, NOW))
    assert card is not None
    assert card.number == "LJ-2026-000003" and card.state is CaseState.CLOSED
    assert card.grid_name == "东华第一网格"
    assert [s.action.code for s in card.latest_steps] == ["close", "accept", "report"]
    assert card.latest_steps[0].opinion == "双方和解"
    assert stats_store.read_sync(lambda s: case_card_query(s, 999_999, NOW)) is None

    grid = stats_store.read_sync(lambda s: grid_summary_query(s, 6, NOW))
    assert grid.name == "东华第一网格"
    assert {c.key: c.value for c in grid.by_state} == {"in_progress": 4, "closed": 2}
    assert (grid.total, grid.open, grid.overdue) == (6, 4, 3)


def test_calendar_of_periods() -> None:
    assert period_days(StatsPeriod.MONTHS_12, date(2026, 1, 31)) == (
        date(2025, 2, 1),
        date(2026, 1, 31),
    )
    weeks = bucket_starts(date(2026, 3, 18), date(2026, 4, 1), Bucket.WEEK)
    assert weeks == [date(2026, 3, 16), date(2026, 3, 23), date(2026, 3, 30)]
    months = bucket_starts(date(2025, 12, 5), date(2026, 2, 1), Bucket.MONTH)
    assert months == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]


def test_bench_prints_one_json_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import argparse
    import json

    from console.bench import stats

    url = f"sqlite:///{tmp_path / 'bench.sqlite'}"
    migrate.upgrade(url)
    store = Store(url)
    store.write_sync(_seed)
    store.close()
    assert stats.run(argparse.Namespace(rounds=1, db_url=url, cases=0)) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["bench"] == "stats" and result["targets_met"]
    # The bench's clock is the newest case (case 7, 09:00 local on 15 June).
    assert result["7d_city_cases"] == 7 and result["7d_district_cases"] == 4
    assert result["snapshot_p95_ms"] > 0
