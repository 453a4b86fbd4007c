"""Camera zones (privacy masks, motion zones): edit them, lift and restore masks; all audited."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import partial

from console.core.codes import AuditAction, ZoneKind
from console.core.events import ChangeAction, ChangeSet, Entity, Operation, change
from console.core.records import CameraRecord
from console.core.zones import (
    DEFAULT_SENSITIVITY,
    Polygon,
    ZoneProblem,
    ZoneRecord,
    may_edit_zones,
    may_lift_masks,
    validate_polygon,
    validate_sensitivity,
)
from console.services.evidence import EvidenceService
from console.services.operator import Operator
from console.store.repos import audit, camera_zones
from console.store.store import Store


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _detail(**fields: object) -> str:
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


class MaskService:
    """Zones per camera. Editing needs a supervisor or administrator; so does lifting a mask.

    A lift holds on this console only (its live tiles, snapshots and exports) until
    `restore_mask`; it never changes the stored zones.
    """

    def __init__(
        self, store: Store, operator: Operator, evidence: EvidenceService | None = None
    ) -> None:
        self.store = store
        self.operator = operator
        self.evidence = evidence

    def _require_editor(self) -> None:
        if not may_edit_zones(self.operator.role):
            raise PermissionError("只有督导或管理员可以修改区域 (supervisor or admin only)")

    # reads

    async def zones(self, camera: CameraRecord, kind: ZoneKind | None = None) -> list[ZoneRecord]:
        return await self.store.read(
            partial(camera_zones.of_camera, camera_id=camera.id, kind=kind)
        )

    # writes

    def _changed(self, camera_id: int, action: ChangeAction, zone_id: int) -> ChangeSet:
        return ChangeSet(
            Operation.ZONES_CHANGED,
            self.operator.id,
            (change(Entity.CAMERA_ZONE, action, zone_id),),
            extra=(("camera_id", str(camera_id)),),
        )

    async def add_zone(
        self,
        camera: CameraRecord,
        kind: ZoneKind,
        points: Polygon,
        name: str = "",
        sensitivity: int = DEFAULT_SENSITIVITY,
    ) -> ZoneRecord:
        self._require_editor()
        polygon = validate_polygon(points)
        sensitivity = validate_sensitivity(sensitivity)

        def op(session):  # type: ignore[no-untyped-def]
            zone_id = camera_zones.add(
                session,
                camera_id=camera.id,
                kind=kind,
                name=name,
                points=polygon,
                sensitivity=sensitivity,
                created_by=self.operator.id,
                at=_now(),
            )
            audit.append(
                session,
                actor_id=self.operator.id,
                action=AuditAction.MASK_CHANGED,
                target_kind="camera",
                target_id=camera.device_id,
                detail=_detail(op="added", zone=zone_id, kind=kind.code, name=name),
            )
            record = camera_zones.get(session, zone_id)
            return record, self._changed(camera.id, ChangeAction.CREATED, zone_id)

        record, _ = await self.store.write(op)
        assert record is not None
        return record

    async def update_zone(
        self,
        zone_id: int,
        *,
        name: str | None = None,
        points: Polygon | None = None,
        sensitivity: int | None = None,
        active: bool | None = None,
    ) -> ZoneRecord:
        self._require_editor()
        polygon = None if points is None else validate_polygon(points)
        if sensitivity is not None:
            sensitivity = validate_sensitivity(sensitivity)

        def op(session):  # type: ignore[no-untyped-def]
            before = camera_zones.get(session, zone_id)
            if before is None:
                raise ZoneProblem(f"区域 {zone_id} 不存在 (no such zone)")
            record = camera_zones.update(
                session, zone_id, name=name, points=polygon, sensitivity=sensitivity, active=active
            )
            assert record is not None
            changed = [
                f
                for f, v in (
                    ("name", name),
                    ("points", polygon),
                    ("sensitivity", sensitivity),
                    ("active", active),
                )
                if v is not None
            ]
            audit.append(
                session,
                actor_id=self.operator.id,
                action=AuditAction.MASK_CHANGED,
                target_kind="camera",
                target_id=_device_id(session, record.camera_id),
                detail=_detail(op="updated", zone=zone_id, kind=record.kind.code, fields=changed),
            )
            return record, self._changed(record.camera_id, ChangeAction.UPDATED, zone_id)

        record, _ = await self.store.write(op)
        return record

    async def delete_zone(self, zone_id: int) -> None:
        self._require_editor()

        def op(session):  # type: ignore[no-untyped-def]
            record = camera_zones.delete(session, zone_id)
            if record is None:
                return None, None
            audit.append(
                session,
                actor_id=self.operator.id,
                action=AuditAction.MASK_CHANGED,
                target_kind="camera",
                target_id=_device_id(session, record.camera_id),
                detail=_detail(op="deleted", zone=zone_id, kind=record.kind.code, name=record.name),
            )
            return None, self._changed(record.camera_id, ChangeAction.DELETED, zone_id)

        await self.store.write(op)

    async def lift_mask(self, camera: CameraRecord, reason: str) -> None:
        """Show this camera unmasked on this console, with a stated reason; audited."""
        if not may_lift_masks(self.operator.role):
            raise PermissionError("只有督导或管理员可以解除隐私遮挡 (supervisor or admin only)")
        if not reason.strip():
            raise PermissionError("解除隐私遮挡须填写事由 (a reason is required)")

        await self._audit_camera(AuditAction.MASK_LIFTED, camera, _detail(reason=reason.strip()))
        if self.evidence is not None:
            self.evidence.set_lifted(camera, True)

    async def restore_mask(self, camera: CameraRecord) -> None:
        """Mask the camera again on this console; audited as a mask change."""
        if self.evidence is not None:
            self.evidence.set_lifted(camera, False)

        await self._audit_camera(AuditAction.MASK_CHANGED, camera, _detail(op="restored"))

    def is_lifted(self, camera: CameraRecord) -> bool:
        return self.evidence is not None and self.evidence.is_lifted(camera)

    async def _audit_camera(self, action: AuditAction, camera: CameraRecord, detail: str) -> None:
        def op(session):  # type: ignore[no-untyped-def]
            audit.append(
                session,
                actor_id=self.operator.id,
                action=action,
                target_kind="camera",
                target_id=camera.device_id,
                detail=detail,
            )
            return None, None

        await self.store.write(op)


def _device_id(session, camera_id: int) -> str:  # type: ignore[no-untyped-def]
    found = camera_zones.device_id_of(session, camera_id)
    return found or str(camera_id)
