"""Write the demo workspace into an empty migrated database with bulk inserts, fast."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Session

from console.core.codes import ZoneKind
from console.core.events import ChangeAction, ChangeSet, Entity, EntityChange, Operation
from console.core.ledger_text import case_body
from console.core.passwords import hash_password
from console.core.zones import DEFAULT_SENSITIVITY, points_to_json
from console.store import migrate
from console.store.models import (
    Call,
    Camera,
    CameraZone,
    Case,
    CaseSearch,
    FlowStep,
    MemberUnit,
    Participant,
    Party,
    Region,
    Room,
    RoomSession,
    User,
    WorkspaceSetting,
)
from console.store.store import Store

DEMO_PASSWORD = "demo-password"
# Not a scrypt string, so verify_password() rejects every password: the account exists for
# the records that name it but nobody can sign in as it.
NO_PASSWORD_HASH = "!"

SEED_VERSION_KEY = "seed_version"
CITY_NAME_KEY = "city_name"
SEEDED_AT_KEY = "seeded_at"
LIVE_DEVICES_KEY = "live_device_ids"
"""Device ids of the live demo cameras in slot order, comma-separated: a later start of the
console finds them here without rebuilding the workspace."""


class DemoWorkspaceLike(Protocol):
    """What seeding needs of `console.services.demo_data.DemoWorkspace`.

    The store sits below services in the layer contract, so it cannot import the generator;
    it takes the workspace by shape. Records are read by field name: a field named like a
    column is copied (enum members as their codes), reference fields are resolved below.
    """

    @property
    def version(self) -> int: ...
    @property
    def now(self) -> datetime: ...
    @property
    def city_name(self) -> str: ...
    @property
    def regions(self) -> Sequence[Any]: ...
    @property
    def units(self) -> Sequence[Any]: ...
    @property
    def users(self) -> Sequence[Any]: ...
    @property
    def cameras(self) -> Sequence[Any]: ...
    @property
    def cases(self) -> Sequence[Any]: ...
    @property
    def flow_steps(self) -> Sequence[Any]: ...
    @property
    def parties(self) -> Sequence[Any]: ...
    @property
    def calls(self) -> Sequence[Any]: ...
    @property
    def rooms(self) -> Sequence[Any]: ...
    @property
    def room_sessions(self) -> Sequence[Any]: ...
    @property
    def participants(self) -> Sequence[Any]: ...


class DatabaseNotEmpty(RuntimeError):
    """Seeding assigns its own ids, so it only writes into an empty database."""


@dataclass(frozen=True, slots=True)
class SeedCounts:
    regions: int
    grids: int
    units: int
    users: int
    cameras: int
    cases: int
    flow_steps: int
    parties: int
    calls: int
    rooms: int
    room_sessions: int
    participants: int
    live_camera_ids: tuple[int, ...]
    """Database ids of the live demo cameras, index = live slot."""
    fresh: bool = True
    """False when the database had been seeded before and nothing was written."""


def is_seeded(session: Session) -> bool:
    key = session.get(WorkspaceSetting, SEED_VERSION_KEY)
    return key is not None


def seed_demo(
    session: Session,
    workspace: DemoWorkspaceLike,
    *,
    password_for_demo_users: str | None = DEMO_PASSWORD,
    password_hash: str | None = None,
    live_urls: Mapping[int, tuple[str, str]] | None = None,
) -> SeedCounts:
    """Insert the whole workspace in the caller's transaction; no audit or change-log rows.

    `password_hash` (already hashed) wins over `password_for_demo_users`, so a caller can hash
    outside its transaction; with neither, the demo accounts cannot sign in. `live_urls` maps
    a live slot to its (main, sub) stream urls.
    """
    if is_seeded(session) or session.scalar(select(func.count()).select_from(Region)):
        raise DatabaseNotEmpty("数据库中已有数据，不能写入演示数据 / the database is not empty")
    if password_hash is None:
        password_hash = (
            NO_PASSWORD_HASH
            if password_for_demo_users is None
            else hash_password(password_for_demo_users)
        )
    w = workspace
    # Ids are assigned here, 1..n in record order: no round trip to learn them, and the
    # same workspace always gets the same ids.
    region_id = {r.code: i for i, r in enumerate(w.regions, 1)}
    unit_id = {u.code: i for i, u in enumerate(w.units, 1)}
    user_id = {u.username: i for i, u in enumerate(w.users, 1)}
    urls = live_urls or {}

    def opt(table: Mapping[str, int], key: str | None) -> int | None:
        return None if key is None else table[key]

    def by_index(index: int | None) -> int | None:
        return None if index is None else index + 1

    _bulk(
        session,
        Region,
        w.regions,
        lambda r: {"parent_id": opt(region_id, r.parent_code)},
    )
    _bulk(session, MemberUnit, w.units, lambda u: {"region_id": opt(region_id, u.region_code)})
    _bulk(
        session,
        User,
        w.users,
        lambda u: {
            "unit_id": opt(unit_id, u.unit_code),
            "password_hash": password_hash,
            "active": True,
        },
    )
    _bulk(
        session,
        Camera,
        w.cameras,
        lambda c: {
            "region_id": region_id[c.grid_code],
            "main_url": urls.get(c.live_slot, (None, None))[0],
            "sub_url": urls.get(c.live_slot, (None, None))[1],
        },
    )
    _bulk(
        session,
        Case,
        w.cases,
        lambda c: {
            "grid_id": region_id[c.grid_code],
            "responsible_unit_id": opt(unit_id, c.responsible_unit_code),
            "responsible_user_id": opt(user_id, c.responsible_username),
            "created_by": user_id[c.created_by_username],
        },
    )
    # The ledger's search terms (console.core.ledger_text); on SQLite a trigger indexes them.
    session.execute(
        insert(_table(CaseSearch)),
        [
            {"case_id": i, "body": case_body(c.title, c.summary, c.number)}
            for i, c in enumerate(w.cases, 1)
        ],
    )
    _bulk(
        session,
        FlowStep,
        w.flow_steps,
        lambda s: {
            "case_id": s.case_index + 1,
            "actor_id": user_id[s.actor_username],
            "unit_id": opt(unit_id, s.unit_code),
            "target_unit_id": opt(unit_id, s.target_unit_code),
        },
    )
    _bulk(session, Party, w.parties, lambda p: {"case_id": p.case_index + 1})
    _bulk(
        session,
        Call,
        w.calls,
        lambda c: {
            "officer_id": opt(user_id, c.officer_username),
            "case_id": by_index(c.case_index),
        },
    )
    _bulk(
        session,
        Room,
        w.rooms,
        lambda r: {"case_id": r.case_index + 1, "mediator_id": user_id[r.mediator_username]},
    )
    _bulk(session, RoomSession, w.room_sessions, lambda s: {"room_id": s.room_index + 1})
    _bulk(
        session,
        Participant,
        w.participants,
        lambda p: {
            "room_id": p.room_index + 1,
            "party_id": by_index(p.party_index),
            "user_id": opt(user_id, p.username),
        },
    )
    live = sorted(
        (
            (c.live_slot, i, c.device_id)
            for i, c in enumerate(w.cameras, 1)
            if c.live_slot is not None
        )
    )
    _seed_zones(session, [camera_id for _, camera_id, _ in live], w.now)
    session.execute(
        insert(_table(WorkspaceSetting)),
        [
            {"key": SEED_VERSION_KEY, "value": str(w.version)},
            {"key": CITY_NAME_KEY, "value": w.city_name},
            {"key": SEEDED_AT_KEY, "value": w.now.isoformat()},
            {"key": LIVE_DEVICES_KEY, "value": ",".join(d for _, _, d in live)},
        ],
    )
    _advance_sequences(
        session,
        (
            Region,
            MemberUnit,
            User,
            Camera,
            Case,
            FlowStep,
            Party,
            Call,
            Room,
            RoomSession,
            Participant,
        ),
    )
    return SeedCounts(
        regions=len(w.regions),
        grids=sum(1 for r in w.regions if r.grid_kind is not None),
        units=len(w.units),
        users=len(w.users),
        cameras=len(w.cameras),
        cases=len(w.cases),
        flow_steps=len(w.flow_steps),
        parties=len(w.parties),
        calls=len(w.calls),
        rooms=len(w.rooms),
        room_sessions=len(w.room_sessions),
        participants=len(w.participants),
        live_camera_ids=tuple(i for _, i, _ in live),
    )


# The demo's first live camera looks onto homes: their windows are masked. The second
# watches the carriageway for motion, so the alert list has something to show.
DEMO_MASK = ((0.0, 0.05), (0.42, 0.05), (0.42, 0.5), (0.0, 0.5))
DEMO_MOTION_ZONE = ((0.0, 0.62), (1.0, 0.62), (1.0, 0.98), (0.0, 0.98))


def _seed_zones(session: Session, live_camera_ids: list[int], now: datetime) -> None:
    rows = []
    if live_camera_ids:
        rows.append(
            CameraZone(
                camera_id=live_camera_ids[0],
                kind=ZoneKind.PRIVACY_MASK.code,
                name="居民楼窗户",
                points=points_to_json(DEMO_MASK),
                sensitivity=DEFAULT_SENSITIVITY,
                active=True,
                created_at=now,
            )
        )
    if len(live_camera_ids) > 1:
        rows.append(
            CameraZone(
                camera_id=live_camera_ids[1],
                kind=ZoneKind.MOTION_ZONE.code,
                name="机动车道",
                points=points_to_json(DEMO_MOTION_ZONE),
                sensitivity=DEFAULT_SENSITIVITY,
                active=True,
                created_at=now,
            )
        )
    session.add_all(rows)


def existing_counts(session: Session) -> SeedCounts:
    """The counts of an already seeded database (fresh=False)."""

    def count(model: type[DeclarativeBase], *where: Any) -> int:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)

    setting = session.get(WorkspaceSetting, LIVE_DEVICES_KEY)
    devices = [d for d in (setting.value if setting else "").split(",") if d]
    rows = session.execute(select(Camera.device_id, Camera.id).where(Camera.device_id.in_(devices)))
    by_device = {device: camera_id for device, camera_id in rows}
    return SeedCounts(
        regions=count(Region),
        grids=count(Region, Region.grid_kind.is_not(None)),
        units=count(MemberUnit),
        users=count(User),
        cameras=count(Camera),
        cases=count(Case),
        flow_steps=count(FlowStep),
        parties=count(Party),
        calls=count(Call),
        rooms=count(Room),
        room_sessions=count(RoomSession),
        participants=count(Participant),
        live_camera_ids=tuple(by_device[d] for d in devices if d in by_device),
        fresh=False,
    )


def seed_demo_database(
    url: str,
    now: datetime,
    build: Callable[[datetime], DemoWorkspaceLike],
    *,
    password_for_demo_users: str | None = DEMO_PASSWORD,
    live_urls: Mapping[int, tuple[str, str]] | None = None,
) -> SeedCounts:
    """Migrate the database at `url` and, unless it is seeded already, seed it in one commit.

    `build` makes the workspace (`console.services.demo_data.build_demo_workspace`; passed in
    because the store may not import services). It runs only when seeding is needed, and
    outside the write transaction, so the write lock is held only for the inserts.
    """
    migrate.upgrade(url)
    store = Store(url)
    try:
        if store.read_sync(is_seeded):
            return store.read_sync(existing_counts)
        workspace = build(now)
        # scrypt is slow on purpose: hash once, before the transaction, for all demo users.
        hashed = (
            NO_PASSWORD_HASH
            if password_for_demo_users is None
            else hash_password(password_for_demo_users)
        )

        def write(session: Session) -> tuple[SeedCounts, ChangeSet | None]:
            if is_seeded(session):  # another console seeded it meanwhile
                return existing_counts(session), None
            counts = seed_demo(session, workspace, password_hash=hashed, live_urls=live_urls)
            return counts, seeded_change_set(workspace)

        try:
            counts, _ = store.write_sync(write)
        except (IntegrityError, OperationalError):
            # Two consoles seeding one fresh store: the loser's insert fails; if the winner's
            # data is there, that is the outcome wanted.
            if store.read_sync(is_seeded):
                return store.read_sync(existing_counts)
            raise
        return counts
    finally:
        store.close()


def seeded_change_set(workspace: DemoWorkspaceLike) -> ChangeSet:
    """Everything changed: empty id tuples tell every model to reload."""
    entities = (
        Entity.REGION,
        Entity.UNIT,
        Entity.USER,
        Entity.CAMERA,
        Entity.CASE,
        Entity.FLOW_STEP,
        Entity.PARTY,
        Entity.CALL,
        Entity.ROOM,
        Entity.PARTICIPANT,
    )
    return ChangeSet(
        operation=Operation.WORKSPACE_SEEDED,
        initiator_id=None,
        changes=tuple(EntityChange(e, ChangeAction.CREATED, ()) for e in entities),
        extra=((SEED_VERSION_KEY, str(workspace.version)), (CITY_NAME_KEY, workspace.city_name)),
    )


def _bulk(
    session: Session,
    model: type[DeclarativeBase],
    records: Sequence[Any],
    refs: Callable[[Any], dict[str, Any]],
) -> None:
    """One executemany INSERT of `records`, ids 1..n, with `refs` adding the foreign keys."""
    if not records:
        return
    table = _table(model)
    columns = set(table.columns.keys())
    names = [f.name for f in dataclasses.fields(records[0]) if f.name in columns]
    if "id" in names:
        raise ValueError(f"{type(records[0]).__name__} must not carry database ids")
    rows: list[dict[str, Any]] = []
    for i, record in enumerate(records, 1):
        row: dict[str, Any] = {"id": i}
        for name in names:
            value = getattr(record, name)
            row[name] = value.value if isinstance(value, enum.Enum) else value
        row.update(refs(record))
        rows.append(row)
    # Core insert on the Table: plain executemany, none of the ORM's per-row bookkeeping.
    session.execute(insert(table), rows)


def _table(model: type[DeclarativeBase]) -> Table:
    return model.metadata.tables[model.__tablename__]


def _advance_sequences(session: Session, models: Iterable[type[DeclarativeBase]]) -> None:
    """After explicit ids, PostgreSQL's serial sequences must be moved past them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in models:
        name = model.__tablename__
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"
            )
        )
