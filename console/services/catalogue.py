"""Camera catalogue use cases: import a CSV or GB/T 28181 catalogue, camera groups, favourites."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from console.core.camera_catalog import (
    CatalogFormatError,
    ImportParse,
    ImportReport,
    parse_file,
)
from console.core.codes import AuditAction, Role
from console.core.events import ChangeAction, ChangeSet, Entity, Operation, change
from console.core.records import CameraGroupRecord, CameraRecord
from console.services.operator import Operator
from console.store.repos import audit, camera_groups, cameras
from console.store.store import Store

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_FILE_BYTES = 64 * 1024 * 1024
"""A city's catalogue is a few MB; anything far bigger is the wrong file."""
SHARED_GROUP_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


def read_catalogue(path: Path) -> ImportParse:
    """Parse a whole file, refusing it (CatalogFormatError) when it is not a catalogue."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CatalogFormatError(f"文件过大（{size // 1_048_576} MB），不是监控点位目录")
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogFormatError(f"无法读取文件 {path.name}: {exc.strerror}") from None
    return parse_file(path.name, data)


class CatalogueService:
    """Catalogue use cases for a signed-in operator.

    `operator` None stands for the command line run on the console's host: it may import
    (audited with no actor) but has no favourites or groups.
    """

    def __init__(self, store: Store, operator: Operator | None) -> None:
        self.store = store
        self._operator = operator

    @property
    def operator(self) -> Operator:
        if self._operator is None:
            raise PermissionError("需要登录的操作员")
        return self._operator

    @property
    def _actor_id(self) -> int | None:
        return None if self._operator is None else self._operator.id

    # --- import

    def _import(self, session: Any, path: Path) -> tuple[ImportReport, ChangeSet | None]:
        # Parsed in full before the first write, and written in this one transaction.
        parsed = read_catalogue(path)
        counts = cameras.import_rows(session, parsed.rows)
        report = ImportReport(
            file_name=path.name,
            format=parsed.format,
            created=counts.created,
            updated=counts.updated,
            unchanged=counts.unchanged,
            skipped_non_camera=parsed.skipped_non_camera,
            problems=parsed.problems,
        )
        audit.append(
            session,
            actor_id=self._actor_id,
            action=AuditAction.CAMERAS_IMPORTED,
            target_kind="camera_catalogue",
            target_id=path.name[:64],
            detail=(
                f"file={path.name} format={report.format} "
                f"created={report.created} updated={report.updated} "
                f"unchanged={report.unchanged} skipped={report.skipped_non_camera} "
                f"problems={len(report.problems)}"
            ),
        )
        log.info("camera import by user %s: %s", self._actor_id, report.summary())
        if not counts.created_ids and not counts.updated_ids:
            return report, None
        return report, ChangeSet(
            Operation.CAMERAS_IMPORTED,
            self._actor_id,
            (
                change(Entity.CAMERA, ChangeAction.CREATED, *counts.created_ids),
                change(Entity.CAMERA, ChangeAction.UPDATED, *counts.updated_ids),
            ),
        )

    async def import_file(self, path: Path | str) -> ImportReport:
        """Import a .csv or GB/T 28181 .xml catalogue; good rows go in, bad ones are reported."""
        report, _changes = await self.store.write(partial(self._import, path=Path(path)))
        return report

    def import_file_sync(self, path: Path | str) -> ImportReport:
        report, _changes = self.store.write_sync(partial(self._import, path=Path(path)))
        return report

    # --- favourites

    def _favourite(self, session: Any, camera_id: int, on: bool) -> tuple[bool, ChangeSet | None]:
        fn = cameras.add_favourite if on else cameras.remove_favourite
        changed = fn(session, self.operator.id, camera_id)
        if not changed:
            return False, None
        return True, ChangeSet(
            Operation.FAVOURITES_CHANGED,
            self.operator.id,
            (change(Entity.CAMERA, ChangeAction.UPDATED, camera_id),),
            extra=(("user_id", str(self.operator.id)), ("favourite", "1" if on else "0")),
        )

    async def add_favourite(self, camera_id: int) -> bool:
        """True when the camera was not yet a favourite of this operator."""
        changed, _ = await self.store.write(partial(self._favourite, camera_id=camera_id, on=True))
        return changed

    async def remove_favourite(self, camera_id: int) -> bool:
        changed, _ = await self.store.write(partial(self._favourite, camera_id=camera_id, on=False))
        return changed

    async def favourites(self) -> list[CameraRecord]:
        return await self.store.read(partial(cameras.favourites, user_id=self.operator.id))

    async def favourite_ids(self) -> frozenset[int]:
        return await self.store.read(partial(cameras.favourite_ids, user_id=self.operator.id))

    # --- groups

    def _check_shared(self, session: Any, group_id: int) -> None:
        group = camera_groups.get(session, group_id)
        if group is not None and group.owner_id is None:
            self._may_share()

    def _may_share(self) -> None:
        if self.operator.role not in SHARED_GROUP_ROLES:
            raise PermissionError("只有督导或管理员可以修改共享分组")

    def _group_changed(self, group_id: int, action: ChangeAction) -> ChangeSet:
        return ChangeSet(
            Operation.CAMERA_GROUP_CHANGED,
            self.operator.id,
            (change(Entity.CAMERA_GROUP, action, group_id),),
        )

    def _create_group(self, session: Any, name: str, shared: bool) -> tuple[int, ChangeSet | None]:
        if shared:
            self._may_share()
        group_id = camera_groups.create(
            session,
            owner_id=None if shared else self.operator.id,
            name=name,
            now=datetime.now(UTC).replace(tzinfo=None),
        )
        return group_id, self._group_changed(group_id, ChangeAction.CREATED)

    async def create_group(self, name: str, *, shared: bool = False) -> int:
        """A new group of this operator's (or shared, for supervisors and admins)."""
        group_id, _ = await self.store.write(partial(self._create_group, name=name, shared=shared))
        return group_id

    def _edit_group(
        self,
        session: Any,
        group_id: int,
        edit: Callable[[Any], T],
        action: ChangeAction = ChangeAction.UPDATED,
    ) -> tuple[T, ChangeSet | None]:
        self._check_shared(session, group_id)
        result = edit(session)
        if isinstance(result, list) and not result:
            return result, None  # nobody needs to refresh for an add or remove that did nothing
        return result, self._group_changed(group_id, action)

    async def _edit(
        self, group_id: int, edit: Callable[[Any], T], action: ChangeAction = ChangeAction.UPDATED
    ) -> T:
        result, _ = await self.store.write(
            partial(self._edit_group, group_id=group_id, edit=edit, action=action)
        )
        return result

    async def rename_group(self, group_id: int, name: str) -> None:
        uid = self.operator.id
        await self._edit(
            group_id, partial(camera_groups.rename, group_id=group_id, name=name, user_id=uid)
        )

    async def delete_group(self, group_id: int) -> None:
        uid = self.operator.id
        await self._edit(
            group_id,
            partial(camera_groups.remove, group_id=group_id, user_id=uid),
            ChangeAction.DELETED,
        )

    async def add_to_group(self, group_id: int, camera_ids: Sequence[int]) -> list[int]:
        """Appends the cameras not yet in the group; returns those added."""
        ids, uid = list(camera_ids), self.operator.id
        return await self._edit(
            group_id,
            partial(camera_groups.add_members, group_id=group_id, camera_ids=ids, user_id=uid),
        )

    async def remove_from_group(self, group_id: int, camera_ids: Sequence[int]) -> list[int]:
        """Takes the cameras out of the group; returns those that were in it."""
        ids, uid = list(camera_ids), self.operator.id
        return await self._edit(
            group_id,
            partial(camera_groups.remove_members, group_id=group_id, camera_ids=ids, user_id=uid),
        )

    async def reorder_group(self, group_id: int, camera_ids: Sequence[int]) -> None:
        """camera_ids: every member of the group, in the new order."""
        ids, uid = list(camera_ids), self.operator.id
        await self._edit(
            group_id,
            partial(camera_groups.reorder, group_id=group_id, camera_ids=ids, user_id=uid),
        )

    async def groups(self) -> list[CameraGroupRecord]:
        """This operator's groups, then the shared ones."""
        return await self.store.read(partial(camera_groups.visible_to, user_id=self.operator.id))

    async def group_cameras(self, group_id: int) -> list[CameraRecord]:
        def query(session: Any) -> list[CameraRecord]:
            group = camera_groups.get(session, group_id)
            if group is None or group.owner_id not in (None, self.operator.id):
                raise PermissionError("不能查看其他人的分组")
            return camera_groups.cameras_of(session, group_id)

        return await self.store.read(query)
