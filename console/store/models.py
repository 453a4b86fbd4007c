"""SQLAlchemy 2 typed models of the domain (DESIGN.md §6). The schema's one source of truth.

Codes are stored as the short strings of `console.core.codes`; the enums there are the one
place a code table is defined. Times are naive UTC.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from console.core.codes import SupervisionLevel

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

CODE = String(32)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Region(Base):
    """A node of the region tree: 市 → 县 → 乡镇 → 村 → 网格."""

    __tablename__ = "region"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(CODE)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    grid_kind: Mapped[str | None] = mapped_column(CODE)
    households: Mapped[int | None] = mapped_column(Integer)
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)


class MemberUnit(Base):
    """One of the member units of multi-channel dispute resolution (法院, 司法局, 人社局 …)."""

    __tablename__ = "member_unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str | None] = mapped_column(CODE)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    phone: Mapped[str | None] = mapped_column(String(32))


class User(Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(CODE)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("member_unit.id"))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Camera(Base):
    """A camera catalogue entry, as in the GB/T 28181 Catalog."""

    __tablename__ = "camera"
    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_initials: Mapped[str] = mapped_column(String(60), default="", index=True)
    manufacturer: Mapped[str | None] = mapped_column(String(60))
    model: Mapped[str | None] = mapped_column(String(60))
    civil_code: Mapped[str | None] = mapped_column(String(24))
    address: Mapped[str | None] = mapped_column(String(200))
    parent_device_id: Mapped[str | None] = mapped_column(String(20))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    status: Mapped[str] = mapped_column(CODE)
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    ptz_type: Mapped[str | None] = mapped_column(CODE)
    main_url: Mapped[str | None] = mapped_column(String(500))
    sub_url: Mapped[str | None] = mapped_column(String(500))
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    # Stream credentials live apart from the URLs, so that a URL can be shown or logged
    # as it is; the decoder puts them into the URL only when it connects.
    stream_username: Mapped[str | None] = mapped_column(String(64))
    stream_password: Mapped[str | None] = mapped_column(String(128))


class CameraFavourite(Base):
    __tablename__ = "camera_favourite"
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("camera.id"), primary_key=True)


class CameraGroup(Base):
    """A named set of cameras (a route, a venue, an event); owner None = shared by all."""

    __tablename__ = "camera_group"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class CameraGroupMember(Base):
    __tablename__ = "camera_group_member"
    group_id: Mapped[int] = mapped_column(ForeignKey("camera_group.id"), primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("camera.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class CameraZone(Base):
    """A polygon on a camera's picture: a privacy mask or a motion-detection zone.

    Points are JSON [[x, y], ...] in 0..1 of the picture, so they hold for every stream
    size (main and sub stream differ).
    """

    __tablename__ = "camera_zone"
    id: Mapped[int] = mapped_column(primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("camera.id"), index=True)
    kind: Mapped[str] = mapped_column(CODE)
    name: Mapped[str] = mapped_column(String(80), default="")
    points: Mapped[str] = mapped_column(Text)
    sensitivity: Mapped[int] = mapped_column(Integer, default=50)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class CameraAlert(Base):
    """An alert raised by analytics on a camera (motion in a zone, video loss)."""

    __tablename__ = "camera_alert"
    __table_args__ = (Index("ix_camera_alert_raised", "raised_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("camera.id"), index=True)
    kind: Mapped[str] = mapped_column(CODE)
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("camera_zone.id"))
    raised_at: Mapped[datetime] = mapped_column(DateTime)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("media_asset.id"))
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)


class WallView(Base):
    """A saved wall: a layout and the cameras in its cells, with an optional tour interval.

    More cameras than cells make pages; a tour (轮巡) steps through the pages.
    """

    __tablename__ = "wall_view"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    layout: Mapped[str] = mapped_column(String(8))
    tour_interval_s: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class WallViewCell(Base):
    __tablename__ = "wall_view_cell"
    view_id: Mapped[int] = mapped_column(ForeignKey("wall_view.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("camera.id"))


class Case(Base):
    """A dispute record (矛盾纠纷), after GB/T 31000-2015."""

    __tablename__ = "dispute_case"
    __table_args__ = (
        Index("ix_case_grid_state_deadline", "grid_id", "state", "deadline"),
        Index("ix_case_state_deadline", "state", "deadline"),
        Index("ix_case_category_state", "category", "state"),
        # Statistics: cases closed in a period (migration 0007).
        Index("ix_case_closed_at", "closed_at"),
        # The ledger's column sorts (migration 0005).
        Index("ix_case_created_at", "created_at"),
        Index("ix_case_deadline", "deadline"),
        Index("ix_case_risk_level", "risk_level"),
        Index("ix_case_supervision", "supervision"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[datetime | None] = mapped_column(DateTime)
    place: Mapped[str | None] = mapped_column(String(200))
    scale: Mapped[str] = mapped_column(CODE)
    category: Mapped[str] = mapped_column(CODE)
    people_count: Mapped[int] = mapped_column(Integer, default=1)
    summary: Mapped[str] = mapped_column(Text, default="")
    units_involved: Mapped[str | None] = mapped_column(String(300))
    urgency: Mapped[str] = mapped_column(CODE)
    deadline: Mapped[datetime | None] = mapped_column(DateTime)
    method: Mapped[str | None] = mapped_column(CODE)
    channel: Mapped[str | None] = mapped_column(CODE)
    responsible_unit_id: Mapped[int | None] = mapped_column(ForeignKey("member_unit.id"))
    responsible_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    success: Mapped[bool | None] = mapped_column(Boolean)
    result_account: Mapped[str | None] = mapped_column(Text)
    review_date: Mapped[datetime | None] = mapped_column(DateTime)
    review_opinion: Mapped[str | None] = mapped_column(Text)
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    source: Mapped[str] = mapped_column(CODE)
    risk_type: Mapped[str | None] = mapped_column(String(60))
    risk_level: Mapped[str] = mapped_column(CODE)
    state: Mapped[str] = mapped_column(CODE)
    supervision: Mapped[str] = mapped_column(CODE, default=SupervisionLevel.NONE.code)
    void_reason: Mapped[str | None] = mapped_column(Text)
    repeat_of_id: Mapped[int | None] = mapped_column(ForeignKey("dispute_case.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)


class CaseSearch(Base):
    """The search terms of a case (`console.core.ledger_text`), kept with every edit of its text.

    SQLite indexes `body` in the FTS5 table `case_fts` (external content, kept by triggers);
    PostgreSQL in a GIN index over `string_to_array(body, ' ')`. Both made by migration 0005.
    """

    __tablename__ = "case_search"
    __table_args__ = (
        Index(
            "ix_case_search_terms",
            func.string_to_array(text("body"), text("' '")),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
    )
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id"), primary_key=True)
    body: Mapped[str] = mapped_column(Text, default="")


class FlowStep(Base):
    """One step of a case's flow: who, unit, when, opinion."""

    __tablename__ = "flow_step"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id"), index=True)
    action: Mapped[str] = mapped_column(CODE)
    from_state: Mapped[str] = mapped_column(CODE)
    to_state: Mapped[str] = mapped_column(CODE)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("member_unit.id"))
    at: Mapped[datetime] = mapped_column(DateTime)
    opinion: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str | None] = mapped_column(CODE)
    target_unit_id: Mapped[int | None] = mapped_column(ForeignKey("member_unit.id"))
    deadline: Mapped[datetime | None] = mapped_column(DateTime)


class Party(Base):
    __tablename__ = "party"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id"), index=True)
    role: Mapped[str] = mapped_column(CODE)
    name: Mapped[str] = mapped_column(String(100))
    id_type: Mapped[str] = mapped_column(CODE)
    id_number: Mapped[str | None] = mapped_column(String(40), index=True)
    sex: Mapped[str] = mapped_column(CODE)
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    address: Mapped[str | None] = mapped_column(String(200))


class Call(Base):
    """A video petition call and its place in the intake queue."""

    __tablename__ = "petition_call"
    __table_args__ = (Index("ix_call_state_priority", "state", "priority", "queued_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket: Mapped[str] = mapped_column(String(40), unique=True)
    caller_name: Mapped[str] = mapped_column(String(100))
    caller_phone: Mapped[str | None] = mapped_column(String(32))
    caller_id_number: Mapped[str | None] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(CODE)
    urgency: Mapped[str] = mapped_column(CODE)
    vulnerable: Mapped[bool] = mapped_column(Boolean, default=False)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(CODE)
    queued_at: Mapped[datetime] = mapped_column(DateTime)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("dispute_case.id"))
    recording_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str | None] = mapped_column(String(200))


class Room(Base):
    """A mediation room (调解室) scheduled from a case."""

    __tablename__ = "mediation_room"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("dispute_case.id"), index=True)
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    state: Mapped[str] = mapped_column(CODE)
    backend: Mapped[str] = mapped_column(String(16), default="mesh")
    max_publishers: Mapped[int] = mapped_column(Integer, default=4)
    scheduled_at: Mapped[datetime] = mapped_column(DateTime)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)


class RoomSession(Base):
    """One sitting of a room, from open to close."""

    __tablename__ = "room_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("mediation_room.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)


class Participant(Base):
    __tablename__ = "participant"
    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("mediation_room.id"), index=True)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(CODE)
    state: Mapped[str] = mapped_column(CODE)
    recording_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    invite_token_hash: Mapped[str | None] = mapped_column(String(64))
    joined_at: Mapped[datetime | None] = mapped_column(DateTime)
    left_at: Mapped[datetime | None] = mapped_column(DateTime)


class Agreement(Base):
    """人民调解协议书."""

    __tablename__ = "agreement"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("mediation_room.id"))
    committee: Mapped[str] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(CODE)
    facts: Mapped[str] = mapped_column(Text, default="")
    disputed_matters: Mapped[str] = mapped_column(Text, default="")
    responsibilities: Mapped[str] = mapped_column(Text, default="")
    agreed_terms: Mapped[str] = mapped_column(Text, default="")
    performance_manner: Mapped[str] = mapped_column(Text, default="")
    performance_place: Mapped[str | None] = mapped_column(String(200))
    performance_deadline: Mapped[datetime | None] = mapped_column(DateTime)
    copies: Mapped[int] = mapped_column(Integer, default=3)
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    signed_at: Mapped[datetime | None] = mapped_column(DateTime)
    judicial_confirm_deadline: Mapped[datetime | None] = mapped_column(DateTime)
    judicial_confirm_state: Mapped[str | None] = mapped_column(CODE)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # Identity snapshots as printed and signed (JSON of `core.agreement`): a party's later
    # change of address must not alter an agreement already signed.
    parties: Mapped[str] = mapped_column(Text, default="[]")
    mediators: Mapped[str] = mapped_column(Text, default="[]")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str | None] = mapped_column(CODE)
    outcome_channel: Mapped[str | None] = mapped_column(CODE)
    outcome_note: Mapped[str | None] = mapped_column(Text)
    outcome_at: Mapped[datetime | None] = mapped_column(DateTime)


class AgreementSignature(Base):
    __tablename__ = "agreement_signature"
    __table_args__ = (UniqueConstraint("agreement_id", "signer_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), index=True)
    signer_key: Mapped[str] = mapped_column(String(64))
    signer_name: Mapped[str] = mapped_column(String(100))
    signer_role: Mapped[str] = mapped_column(CODE)
    signed_at: Mapped[datetime] = mapped_column(DateTime)
    image: Mapped[bytes | None] = mapped_column(LargeBinary)
    image_sha256: Mapped[str] = mapped_column(String(64))
    content_sha256: Mapped[str] = mapped_column(String(64))


class FollowUp(Base):
    """回访: a follow-up visit after an agreement."""

    __tablename__ = "follow_up"
    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), index=True)
    due_at: Mapped[datetime] = mapped_column(DateTime)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text, default="")


class MediaAsset(Base):
    """A recording, clip, snapshot or document kept as evidence, with its hash."""

    __tablename__ = "media_asset"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(CODE)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("dispute_case.id"), index=True)
    camera_id: Mapped[int | None] = mapped_column(ForeignKey("camera.id"))
    room_id: Mapped[int | None] = mapped_column(ForeignKey("mediation_room.id"))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("petition_call.id"))
    path: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    duration_s: Mapped[float | None] = mapped_column(Float)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    source: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Annotation(Base):
    __tablename__ = "annotation"
    id: Mapped[int] = mapped_column(primary_key=True)
    media_asset_id: Mapped[int] = mapped_column(ForeignKey("media_asset.id"), index=True)
    at_s: Mapped[float] = mapped_column(Float)
    shape: Mapped[str] = mapped_column(CODE)
    geometry: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class EvidenceAnnotation(Base):
    """A box, arrow or text drawn on a case's evidence file at a time (geometry normalised)."""

    __tablename__ = "evidence_annotation"
    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("media_asset.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id"), index=True)
    kind: Mapped[str] = mapped_column(CODE)
    at_ms: Mapped[int] = mapped_column(Integer)
    geometry: Mapped[str] = mapped_column(Text)  # JSON, see console.core.annotations
    text: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class AuditLog(Base):
    """Append-only, hash-chained audit rows: who viewed, recorded, exported or changed what."""

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(CODE)
    target_kind: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The newest audit row's sequence and hash, so deleting the newest rows is detectable."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    row_hash: Mapped[str] = mapped_column(String(64))


class ChangeLog(Base):
    """Committed change sets, tailed by other console processes on the same store."""

    __tablename__ = "change_log"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    committed_at: Mapped[float] = mapped_column(Float)
    origin: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)


class WorkspaceSetting(Base):
    """Small key/value facts about the workspace (seed version, city name)."""

    __tablename__ = "workspace_setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SavedDraft(Base):
    """A registration draft as typed so far (JSON of `core.registration`), one per officer+call.

    Saved every second while an officer types, so that a crash or a caller hanging up
    loses nothing; deleted when the case is registered.
    """

    __tablename__ = "registration_draft"
    __table_args__ = (Index("ix_registration_draft_officer_call", "officer_id", "call_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("petition_call.id"))
    payload: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
