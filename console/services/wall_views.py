"""Saved wall views and tours: list, save and delete an operator's views."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

from console.core.events import ChangeAction, ChangeSet, Entity, Operation, change
from console.core.records import CameraRecord, WallViewRecord
from console.services.operator import Operator
from console.store.repos import cameras, wall_views
from console.store.store import Store


class WallViewService:
    def __init__(self, store: Store, operator: Operator) -> None:
        self.store = store
        self.operator = operator

    async def views(self) -> list[WallViewRecord]:
        return await self.store.read(partial(wall_views.visible_to, user_id=self.operator.id))

    async def cameras_of(self, view: WallViewRecord) -> list[CameraRecord | None]:
        """The view's cameras by cell; a camera deleted since the view was saved is None."""
        ids = [i for i in view.camera_ids if i is not None]
        found = {c.id: c for c in await self.store.read(partial(cameras.by_ids, ids=ids))}
        return [found.get(i) if i is not None else None for i in view.camera_ids]

    async def save(
        self,
        name: str,
        layout: str,
        tour_interval_s: int,
        camera_ids: list[int | None],
        *,
        shared: bool = False,
    ) -> int:
        owner = None if shared else self.operator.id
        now = datetime.now(UTC).replace(tzinfo=None)

        def op(session):  # type: ignore[no-untyped-def]
            view_id, created = wall_views.save(
                session,
                owner_id=owner,
                name=name,
                layout=layout,
                tour_interval_s=tour_interval_s,
                camera_ids=camera_ids,
                now=now,
            )
            action = ChangeAction.CREATED if created else ChangeAction.UPDATED
            return view_id, ChangeSet(
                Operation.WALL_VIEW_SAVED,
                self.operator.id,
                (change(Entity.WALL_VIEW, action, view_id),),
            )

        view_id, _ = await self.store.write(op)
        return int(view_id)

    async def delete(self, view_id: int) -> bool:
        def op(session):  # type: ignore[no-untyped-def]
            removed = wall_views.remove(session, view_id, self.operator.id)
            if not removed:
                return False, None
            return True, ChangeSet(
                Operation.WALL_VIEW_DELETED,
                self.operator.id,
                (change(Entity.WALL_VIEW, ChangeAction.DELETED, view_id),),
            )

        removed, _ = await self.store.write(op)
        return bool(removed)
