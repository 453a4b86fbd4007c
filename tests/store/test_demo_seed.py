"""The seeded demo workspace: a full, legal, deterministic city written fast into SQLite."""

from __future__ import annotations

import random
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pypinyin import Style, lazy_pinyin
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from console.core import case_flow, deadlines, idcard
from console.core.codes import (
    CameraStatus,
    CaseState,
    DeadlineStatus,
    DisputeCategory,
    FlowAction,
    GridKind,
    IdType,
    RegionLevel,
    Role,
)
from console.core.events import Operation
from console.core.passwords import verify_password
from console.services.demo_data import (
    CAMERA_COUNT,
    CASE_COUNT,
    DemoWorkspace,
    FlowStepRecord,
    build_demo_workspace,
)
from console.store.engine import sqlite_url
from console.store.models import (
    AuditLog,
    Camera,
    Case,
    ChangeLog,
    FlowStep,
    MemberUnit,
    Party,
    Region,
    User,
    WorkspaceSetting,
)
from console.store.seed import (
    DEMO_PASSWORD,
    LIVE_DEVICES_KEY,
    DatabaseNotEmpty,
    SeedCounts,
    is_seeded,
    seed_demo,
    seed_demo_database,
)
from console.store.store import Store

NOW = datetime(2026, 11, 26, 9, 30)
SEED_BUDGET_S = 20.0  # generous for slow CI machines; the target is well under 10 s


@dataclass(frozen=True)
class Seeded:
    url: str
    path: Path
    counts: SeedCounts
    seconds: float


@pytest.fixture(scope="module")
def workspace() -> DemoWorkspace:
    started = time.perf_counter()
    ws = build_demo_workspace(NOW)
    print(f"\nbuild_demo_workspace: {time.perf_counter() - started:.2f} s")
    return ws


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    url = sqlite_url(path)
    started = time.perf_counter()
    counts = seed_demo_database(url, NOW, build_demo_workspace)
    seconds = time.perf_counter() - started
    print(f"\nseed_demo_database (migrate + build + seed) on a fresh file: {seconds:.2f} s")
    return Seeded(url, path, counts, seconds)


@pytest.fixture(scope="module")
def seeded_store(seeded: Seeded) -> Iterator[Store]:
    s = Store(seeded.url)
    yield s
    s.close()


def test_seeding_a_fresh_file_is_fast(seeded: Seeded) -> None:
    assert seeded.counts.fresh
    assert seeded.seconds < SEED_BUDGET_S


def test_counts_of_the_city(seeded: Seeded, seeded_store: Store) -> None:
    def count(*where: ColumnElement[bool]) -> int:
        query = select(func.count()).select_from(Region).where(*where)
        return seeded_store.read_sync(lambda s: s.scalar(query)) or 0

    assert count(Region.level == RegionLevel.CITY.code) == 1
    assert count(Region.level == RegionLevel.COUNTY.code) == 9
    grids = count(Region.level == RegionLevel.GRID.code)
    assert 280 <= grids <= 320
    assert seeded.counts.grids == grids
    towns_per_county = seeded_store.read_sync(
        lambda s: s.execute(
            select(Region.parent_id, func.count())
            .where(Region.level == RegionLevel.TOWN.code)
            .group_by(Region.parent_id)
        ).all()
    )
    assert len(towns_per_county) == 9
    assert all(4 <= n <= 8 for _, n in towns_per_county)
    assert (
        seeded_store.read_sync(lambda s: s.scalar(select(func.count()).select_from(MemberUnit)))
        == 26
    )
    roles = seeded_store.read_sync(lambda s: set(s.scalars(select(User.role))))
    assert roles == {r.code for r in Role}


def test_grid_codes_extend_their_parents(workspace: DemoWorkspace) -> None:
    by_code = {r.code: r for r in workspace.regions}
    # level: (code length, how far from its parent in degrees)
    shape = {
        RegionLevel.COUNTY: (6, 0.6),
        RegionLevel.TOWN: (9, 0.1),
        RegionLevel.VILLAGE: (12, 0.03),
        RegionLevel.GRID: (15, 0.01),
    }
    for region in workspace.regions:
        if region.parent_code is None:
            continue
        # GB/T 2260: a county code shares its city's first four digits; below, codes extend.
        prefix = (
            region.parent_code[:4] if region.level is RegionLevel.COUNTY else region.parent_code
        )
        assert region.code.startswith(prefix)
        length, near = shape[region.level]
        assert len(region.code) == length
        parent = by_code[region.parent_code]
        assert abs(region.longitude - parent.longitude) < near
        assert abs(region.latitude - parent.latitude) < near
    assert {g.grid_kind for g in workspace.grids} == set(GridKind)
    assert any(g.name.endswith("专属网格") for g in workspace.grids)
    assert any("村民小组" in g.name for g in workspace.grids)


def test_camera_catalogue(seeded: Seeded, seeded_store: Store, workspace: DemoWorkspace) -> None:
    total, distinct, shortest, longest = seeded_store.read_sync(
        lambda s: s.execute(
            select(
                func.count(),
                func.count(func.distinct(Camera.device_id)),
                func.min(func.length(Camera.device_id)),
                func.max(func.length(Camera.device_id)),
            )
        ).one()
    )
    assert total == distinct == CAMERA_COUNT
    assert shortest == longest == 20
    cams = workspace.cameras
    assert all(c.device_id.isdigit() and c.device_id[10:13] in {"131", "132"} for c in cams)
    status = Counter(c.status for c in cams)
    assert 0.90 < status[CameraStatus.ONLINE] / len(cams) < 0.96
    assert status[CameraStatus.OFFLINE] > status[CameraStatus.FAULT] > 0
    sensitive = sum(c.sensitive for c in cams) / len(cams)
    assert 0.015 < sensitive < 0.045
    live = workspace.live_cameras
    assert [c.live_slot for c in live] == list(range(12))
    assert all(c.status is CameraStatus.ONLINE and not c.sensitive for c in live)
    assert seeded.counts.live_camera_ids == tuple(range(1, 13))
    urls = seeded_store.read_sync(
        lambda s: s.scalar(select(func.count()).where(Camera.main_url.is_not(None)))
    )
    assert urls == 0


def test_camera_initials_match_pypinyin(workspace: DemoWorkspace) -> None:
    for cam in random.Random(7).sample(workspace.cameras, 300):
        expected = "".join(lazy_pinyin(cam.name, style=Style.FIRST_LETTER)).lower()
        assert cam.name_initials == expected[:60], cam.name


def test_cases_cover_every_state_category_and_deadline_status(seeded_store: Store) -> None:
    rows = seeded_store.read_sync(
        lambda s: s.execute(select(Case.state, Case.category, Case.deadline)).all()
    )
    assert len(rows) == CASE_COUNT
    assert {r.state for r in rows} == set(CaseState.codes())
    assert {r.category for r in rows} == set(DisputeCategory.codes())
    statuses = Counter(deadlines.deadline_status(CaseState(r.state), r.deadline, NOW) for r in rows)
    print(f"\ndeadline statuses: {dict((k.code, v) for k, v in statuses.items())}")
    for status in (DeadlineStatus.OVERDUE, DeadlineStatus.DUE_SOON, DeadlineStatus.NORMAL):
        assert statuses[status] > 0
    # Most open cases are on time; some are late or nearly so.
    assert statuses[DeadlineStatus.NORMAL] > statuses[DeadlineStatus.OVERDUE]


def test_case_numbers_and_times(workspace: DemoWorkspace) -> None:
    numbers = [c.number for c in workspace.cases]
    assert len(set(numbers)) == CASE_COUNT
    assert all(n.startswith("LJ-") and len(n.split("-")[2]) == 6 for n in numbers)
    for case in workspace.cases:
        assert NOW - timedelta(days=181) < case.created_at <= NOW
        assert case.occurred_at is not None and case.occurred_at < case.created_at
        assert case.updated_at <= NOW
        if case.deadline is not None:
            assert case.accepted_at is not None
            assert case.deadline == deadlines.resolution_deadline(
                case.category, case.urgency, case.accepted_at
            )


def test_every_history_is_legal(workspace: DemoWorkspace) -> None:
    roles = {u.username: u.role for u in workspace.users}
    steps_of: dict[int, list[FlowStepRecord]] = {}
    for step in workspace.flow_steps:
        steps_of.setdefault(step.case_index, []).append(step)
    for index, case in enumerate(workspace.cases):
        state = CaseState.DRAFT
        last = None
        for step in steps_of[index]:
            moved = case_flow.next_state(
                state, step.action, roles[step.actor_username], step.opinion
            )
            assert (moved.before, moved.after) == (step.from_state, step.to_state)
            assert last is None or step.at >= last
            assert step.at <= NOW
            if step.action is FlowAction.DIVERT:
                assert step.channel is not None
            if step.action is FlowAction.ASSIGN:
                assert step.target_unit_code and step.deadline == case.deadline
            state, last = moved.after, step.at
        assert state is case.state, case.number


def test_sampled_histories_replay_from_the_database(seeded_store: Store) -> None:
    def load(session: Session) -> tuple[dict[int, str], dict[int, str], Sequence[Any]]:
        case_ids = random.Random(3).sample(range(1, CASE_COUNT + 1), 150)
        cases = dict(
            session.execute(select(Case.id, Case.state).where(Case.id.in_(case_ids))).all()
        )
        roles = dict(session.execute(select(User.id, User.role)).all())
        steps = session.execute(
            select(FlowStep.case_id, FlowStep.action, FlowStep.actor_id, FlowStep.opinion)
            .where(FlowStep.case_id.in_(case_ids))
            .order_by(FlowStep.case_id, FlowStep.at, FlowStep.id)
        ).all()
        return cases, roles, steps

    cases, roles, steps = seeded_store.read_sync(load)
    states = {case_id: CaseState.DRAFT for case_id in cases}
    for case_id, action, actor_id, opinion in steps:
        step = case_flow.next_state(
            states[case_id], FlowAction(action), Role(roles[actor_id]), opinion
        )
        states[case_id] = step.after
    assert {i: s.code for i, s in states.items()} == cases


def test_party_identity_numbers_are_valid(seeded_store: Store) -> None:
    numbers = seeded_store.read_sync(
        lambda s: list(
            s.scalars(select(Party.id_number).where(Party.id_type == IdType.RESIDENT_ID.code))
        )
    )
    assert len(numbers) > CASE_COUNT
    invalid = [n for n in numbers if idcard.validation_error(n or "", NOW.date()) is not None]
    assert invalid == []
    per_case = seeded_store.read_sync(
        lambda s: s.execute(select(Party.case_id, func.count()).group_by(Party.case_id)).all()
    )
    assert len(per_case) == CASE_COUNT
    assert all(1 <= n <= 3 for _, n in per_case)


def test_foreign_keys_hold(seeded: Seeded) -> None:
    conn = sqlite3.connect(seeded.path)
    try:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def test_rooms_and_calls_are_populated(workspace: DemoWorkspace) -> None:
    assert 10 <= len(workspace.rooms) <= 14
    assert {r.state.code for r in workspace.rooms} == {"scheduled", "open", "closed"}
    per_room = Counter(p.room_index for p in workspace.participants)
    assert all(2 <= per_room[i] <= 4 for i in range(len(workspace.rooms)))
    for room in workspace.rooms:
        assert workspace.cases[room.case_index].state is CaseState.IN_PROGRESS
    states = Counter(c.state.code for c in workspace.calls)
    assert 12 <= len(workspace.calls) <= 18
    assert states["queued"] >= 3 and states["completed"] >= 3


def test_settings_users_and_logs(seeded: Seeded, seeded_store: Store) -> None:
    settings = seeded_store.read_sync(
        lambda s: {w.key: w.value for w in s.scalars(select(WorkspaceSetting))}
    )
    assert settings["city_name"] == "临江市"
    assert settings["seed_version"]
    assert datetime.fromisoformat(settings["seeded_at"]) == NOW
    assert len(settings[LIVE_DEVICES_KEY].split(",")) == 12
    hashed = seeded_store.read_sync(
        lambda s: s.scalar(select(User.password_hash).where(User.username == "duty"))
    )
    assert hashed is not None and verify_password(DEMO_PASSWORD, hashed)
    assert (
        seeded_store.read_sync(lambda s: s.scalar(select(func.count()).select_from(AuditLog))) == 0
    )
    payloads = seeded_store.read_sync(lambda s: list(s.scalars(select(ChangeLog.payload))))
    assert len(payloads) == 1 and Operation.WORKSPACE_SEEDED.value in payloads[0]


def test_seeding_again_changes_nothing(seeded: Seeded, seeded_store: Store) -> None:
    again = seed_demo_database(seeded.url, NOW + timedelta(days=3), build_demo_workspace)
    assert not again.fresh
    assert again.cameras == CAMERA_COUNT and again.cases == CASE_COUNT
    assert again.live_camera_ids == seeded.counts.live_camera_ids
    assert seeded_store.read_sync(is_seeded)
    with pytest.raises(DatabaseNotEmpty):
        seeded_store.read_sync(lambda s: seed_demo(s, build_demo_workspace(NOW)))


def test_same_seed_same_city_other_seed_other_city(workspace: DemoWorkspace) -> None:
    assert build_demo_workspace(NOW) == workspace
    other = build_demo_workspace(NOW, seed=7)
    assert other != workspace
    assert other.cases != workspace.cases and other.cameras != workspace.cameras


def test_aware_now_is_read_as_utc() -> None:
    beijing = timezone(timedelta(hours=8))
    aware = NOW.replace(tzinfo=UTC).astimezone(beijing)
    ws = build_demo_workspace(aware, seed=11)
    assert ws.now == NOW
    assert ws.cases[-1].created_at <= NOW


def test_seeding_postgresql_moves_sequences_past_the_seeded_ids(pg_fresh_db: str) -> None:
    counts = seed_demo_database(pg_fresh_db, NOW, build_demo_workspace)
    assert counts.fresh and counts.cameras == CAMERA_COUNT and counts.cases == CASE_COUNT
    assert not seed_demo_database(pg_fresh_db, NOW, build_demo_workspace).fresh
    pg = Store(pg_fresh_db)
    try:

        def add_region(session: Session) -> tuple[int, None]:
            region = Region(
                code="339999", name="新设区", level=RegionLevel.COUNTY.code, parent_id=1
            )
            session.add(region)
            session.flush()
            return region.id, None

        new_id, _ = pg.write_sync(add_region)
    finally:
        pg.close()
    # Seeding wrote explicit ids; the serial sequence must continue after them.
    assert new_id == counts.regions + 1
