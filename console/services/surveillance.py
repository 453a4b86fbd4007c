"""Camera tree, search and live viewing, with every live view audited."""

from __future__ import annotations

from functools import partial

from console.core.codes import AuditAction
from console.core.evidence import reason_missing
from console.core.records import CameraRecord, RegionNode
from console.services.operator import Operator
from console.store.repos import audit, cameras, regions
from console.store.store import Store


class SurveillanceService:
    def __init__(self, store: Store, operator: Operator) -> None:
        self.store = store
        self.operator = operator

    async def region_children(self, parent_id: int | None) -> list[RegionNode]:
        return await self.store.read(partial(regions.children, parent_id=parent_id))

    async def cameras_in(self, region_id: int) -> list[CameraRecord]:
        return await self.store.read(partial(cameras.in_region, region_id=region_id))

    async def search(self, text: str) -> list[CameraRecord]:
        return await self.store.read(partial(cameras.search, text=text))

    async def cameras_by_ids(self, ids: list[int]) -> list[CameraRecord]:
        return await self.store.read(partial(cameras.by_ids, ids=ids))

    async def live_capable(self) -> list[CameraRecord]:
        return await self.store.read(cameras.live_capable)

    async def record_live_view(self, camera: CameraRecord, reason: str = "") -> None:
        """Who watched which camera, when — with the stated reason for sensitive cameras."""
        if reason_missing(camera.sensitive, reason):
            raise PermissionError(f"“{camera.name}”为敏感点位，查看须填写事由")

        def op(session):  # type: ignore[no-untyped-def]
            audit.append(
                session,
                actor_id=self.operator.id,
                action=AuditAction.VIEW_LIVE,
                target_kind="camera",
                target_id=camera.device_id,
                detail=reason,
            )
            return None, None

        await self.store.write(op)
