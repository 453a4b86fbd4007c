"""Plain immutable records that services hand to the UI; ORM objects never leave the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from console.core.codes import (
    CallState,
    CameraStatus,
    CaseState,
    DeadlineStatus,
    DisputeCategory,
    RegionLevel,
    RiskLevel,
    Role,
    RoomState,
    SupervisionLevel,
    Urgency,
)


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: int
    username: str
    display_name: str
    role: Role
    unit_id: int | None


@dataclass(frozen=True, slots=True)
class RegionNode:
    id: int
    code: str
    name: str
    level: RegionLevel
    parent_id: int | None
    child_count: int
    camera_count: int


@dataclass(frozen=True, slots=True)
class CameraRecord:
    id: int
    device_id: str
    name: str
    address: str
    region_id: int | None
    status: CameraStatus
    main_url: str | None
    sub_url: str | None
    sensitive: bool
    longitude: float | None
    latitude: float | None
    # Kept apart from the URLs so that URLs can be shown and logged; never in a repr.
    stream_username: str | None = None
    stream_password: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class CameraGroupRecord:
    """A named set of cameras; owner None means shared with every operator."""

    id: int
    name: str
    owner_id: int | None
    camera_count: int


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One ledger row: what the ledger shows, nothing more."""

    id: int
    number: str
    title: str
    category: DisputeCategory
    state: CaseState
    risk_level: RiskLevel
    supervision: SupervisionLevel
    urgency: Urgency
    grid_id: int | None
    grid_name: str
    deadline: datetime | None
    created_at: datetime
    responsible_unit: str


# The ledger's sortable columns; "" is the default order, newest case first.
LEDGER_SORT_KEYS = ("", "number", "created", "deadline", "state", "risk", "supervision")


@dataclass(frozen=True, slots=True)
class CaseFilter:
    """What the ledger shows: every non-empty field narrows it; `sort` orders it."""

    states: tuple[CaseState, ...] = ()
    grid_ids: tuple[int, ...] = ()
    categories: tuple[DisputeCategory, ...] = ()
    text: str = ""
    overdue_only: bool = False
    deadline_statuses: tuple[DeadlineStatus, ...] = ()
    supervisions: tuple[SupervisionLevel, ...] = ()
    risk_levels: tuple[RiskLevel, ...] = ()
    created_from: datetime | None = None
    """Inclusive, naive UTC."""
    created_before: datetime | None = None
    """Exclusive, naive UTC."""
    area_id: int | None = None
    """The region `grid_ids` were taken from (the ledger's area box): a hint that lets the
    store's index ask for one area instead of many grids; `grid_ids` still decide."""
    area_exact: bool = False
    """Set by the store, never trusted from a caller: `grid_ids` are every grid under
    `area_id`, so the area alone decides."""
    sort: str = ""
    """One of `LEDGER_SORT_KEYS`."""
    descending: bool = True


@dataclass(frozen=True, slots=True)
class CallRow:
    id: int
    ticket: str
    caller_name: str
    category: DisputeCategory
    urgency: Urgency
    vulnerable: bool
    priority: int
    state: CallState
    queued_at: datetime
    answered_at: datetime | None
    officer_name: str
    ended_at: datetime | None = None
    phone: str = ""
    outcome: str = ""
    case_id: int | None = None
    consent: bool = False


@dataclass(frozen=True, slots=True)
class RoomRow:
    id: int
    name: str
    case_number: str
    mediator_name: str
    state: RoomState
    scheduled_at: datetime
    participants: int
    backend: str
    case_id: int | None = None


@dataclass(frozen=True, slots=True)
class WallViewRecord:
    """A saved wall: layout code, camera ids by cell position (None = empty), tour interval."""

    id: int
    name: str
    owner_id: int | None
    layout: str
    tour_interval_s: int
    camera_ids: tuple[int | None, ...]
    updated_at: datetime
