"""Typed change sets: what an operation changed, which ids, who initiated it.

Every service operation returns one `ChangeSet` after its commit; the change feed hands it
to every subscriber in this process and, through the change-log table, to other console
processes on the same store. Models refresh only the ids named here.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field


class Entity(enum.Enum):
    CASE = "case"
    FLOW_STEP = "flow_step"
    PARTY = "party"
    CALL = "call"
    ROOM = "room"
    PARTICIPANT = "participant"
    AGREEMENT = "agreement"
    CAMERA = "camera"
    CAMERA_GROUP = "camera_group"
    CAMERA_ZONE = "camera_zone"
    CAMERA_ALERT = "camera_alert"
    WALL_VIEW = "wall_view"
    MEDIA_ASSET = "media_asset"
    ANNOTATION = "annotation"
    USER = "user"
    REGION = "region"
    UNIT = "unit"
    AUDIT = "audit"


class ChangeAction(enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"


class Operation(enum.Enum):
    """Past-tense names of the operations that change the store."""

    CASE_REGISTERED = "case_registered"
    CASE_ADVANCED = "case_advanced"
    CASE_EDITED = "case_edited"
    CASES_SUPERVISED = "cases_supervised"
    CALL_QUEUED = "call_queued"
    CALL_UPDATED = "call_updated"
    ROOM_SCHEDULED = "room_scheduled"
    ROOM_UPDATED = "room_updated"
    CAMERA_UPDATED = "camera_updated"
    CAMERAS_IMPORTED = "cameras_imported"
    CAMERA_GROUP_CHANGED = "camera_group_changed"
    FAVOURITES_CHANGED = "favourites_changed"
    ZONES_CHANGED = "zones_changed"
    ALERT_RAISED = "alert_raised"
    ALERT_ACKNOWLEDGED = "alert_acknowledged"
    WALL_VIEW_SAVED = "wall_view_saved"
    WALL_VIEW_DELETED = "wall_view_deleted"
    MEDIA_ADDED = "media_added"
    ANNOTATION_ADDED = "annotation_added"
    ANNOTATION_DELETED = "annotation_deleted"
    USER_ADDED = "user_added"
    WORKSPACE_SEEDED = "workspace_seeded"
    AGREEMENT_DRAFTED = "agreement_drafted"
    AGREEMENT_EDITED = "agreement_edited"
    AGREEMENT_SIGNED = "agreement_signed"
    AGREEMENT_EXPORTED = "agreement_exported"
    MEDIATION_CONCLUDED = "mediation_concluded"
    FOLLOW_UP_DONE = "follow_up_done"


@dataclass(frozen=True, slots=True)
class EntityChange:
    entity: Entity
    action: ChangeAction
    ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ChangeSet:
    operation: Operation
    initiator_id: int | None
    changes: tuple[EntityChange, ...]
    origin: str = ""
    """The console process that made the change, so it can skip its own echo."""
    seq: int | None = None
    """Position in the change log once committed."""
    committed_at: float = 0.0
    """Wall-clock time of the commit (time.time()), for latency measurement."""
    extra: tuple[tuple[str, str], ...] = field(default=())

    def ids_of(self, entity: Entity, action: ChangeAction | None = None) -> frozenset[int]:
        return frozenset(
            i
            for c in self.changes
            if c.entity is entity and (action is None or c.action is action)
            for i in c.ids
        )

    def touches(self, entity: Entity) -> bool:
        return any(c.entity is entity for c in self.changes)

    def to_json(self) -> str:
        return json.dumps(
            {
                "op": self.operation.value,
                "by": self.initiator_id,
                "ch": [[c.entity.value, c.action.value, list(c.ids)] for c in self.changes],
                "x": [list(kv) for kv in self.extra],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(
        cls, text: str, *, origin: str, seq: int | None, committed_at: float
    ) -> ChangeSet:
        data = json.loads(text)
        return cls(
            operation=Operation(data["op"]),
            initiator_id=data["by"],
            changes=tuple(
                EntityChange(Entity(e), ChangeAction(a), tuple(int(i) for i in ids))
                for e, a, ids in data["ch"]
            ),
            origin=origin,
            seq=seq,
            committed_at=committed_at,
            extra=tuple((str(k), str(v)) for k, v in data.get("x", [])),
        )


def change(entity: Entity, action: ChangeAction, *ids: int) -> EntityChange:
    return EntityChange(entity, action, tuple(ids))
