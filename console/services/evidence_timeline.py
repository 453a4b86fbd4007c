"""A case's evidence on one timeline: integrity checks, annotations and the evidence package.

Every medium of a case (intake and mediation recordings, wall clips, snapshots, documents)
is placed on one time axis by its recorded span. Integrity is checked by re-hashing the
file on a worker thread against the sha256 stored when it was made; a missing or altered
file is reported as such, never skipped. The package is written to a part file while the
files stream into it, each hashed as it is copied, then renamed into place and audited.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sys
import uuid
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import IO

from console.core import annotations as ann
from console.core import evidence_package as pkg
from console.core.clock import utcnow
from console.core.codes import AuditAction, IntegrityStatus, MediaKind, Role
from console.core.events import ChangeAction, ChangeSet, Entity, Operation, change
from console.core.evidence import MediaAssetRecord
from console.media.evidence_player import EvidencePlayer
from console.services.operator import Operator
from console.store.repos import annotations as annotation_repo
from console.store.repos import audit, media_assets
from console.store.store import Store

COPY_CHUNK = 1 << 20
STILL_KINDS = frozenset({MediaKind.SNAPSHOT, MediaKind.DOCUMENT})
MANAGERS = frozenset({Role.SUPERVISOR, Role.ADMIN})


class CaseNotFound(LookupError):
    pass


class AnnotationNotAllowed(PermissionError):
    """The message is the reason, in Chinese."""


@dataclass(frozen=True, slots=True)
class TimelineItem:
    asset: MediaAssetRecord
    start: datetime  # naive UTC
    end: datetime  # == start for a still

    @property
    def still(self) -> bool:
        return self.end == self.start

    @property
    def duration_ms(self) -> int | None:
        """Length for annotation rules; None for a still."""
        if self.asset.kind in STILL_KINDS:
            return None
        if self.asset.duration_s is not None:
            return round(self.asset.duration_s * 1000)
        return round((self.end - self.start).total_seconds() * 1000) or None


@dataclass(frozen=True, slots=True)
class Timeline:
    case_id: int
    case_number: str
    items: tuple[TimelineItem, ...]
    annotations: tuple[ann.AnnotationRecord, ...]

    @property
    def start(self) -> datetime | None:
        return min((i.start for i in self.items), default=None)

    @property
    def end(self) -> datetime | None:
        return max((i.end for i in self.items), default=None)


@dataclass(frozen=True, slots=True)
class IntegrityResult:
    asset_id: int
    status: IntegrityStatus
    stored_sha256: str
    seen_sha256: str | None  # None when the file is missing
    checked_at: datetime  # naive UTC

    @property
    def message(self) -> str:
        if self.status is IntegrityStatus.VERIFIED:
            return f"哈希一致 {self.stored_sha256[:16]}…"
        if self.status is IntegrityStatus.MISSING:
            return "文件缺失：存储的文件已不存在或无法读取"
        seen = (self.seen_sha256 or "")[:16]
        return f"文件已被改动：应为 {self.stored_sha256[:16]}…，实为 {seen}…"


@dataclass(frozen=True, slots=True)
class ExportedPackage:
    path: Path
    manifest: pkg.Manifest
    sha256: str  # of the zip as written
    size_bytes: int
    audit_seq: int

    @property
    def altered(self) -> int:
        return sum(1 for f in self.manifest.files if f.integrity is IntegrityStatus.ALTERED)

    @property
    def missing(self) -> int:
        return len(self.manifest.missing)


# --- rules of the axis ---------------------------------------------------------------------


def span_of(asset: MediaAssetRecord) -> tuple[datetime, datetime]:
    """Where an asset sits in time: its recorded span, else its creation plus its duration."""
    start = asset.started_at or asset.created_at
    if asset.ended_at is not None and asset.ended_at >= start:
        end = asset.ended_at
    elif asset.duration_s:
        end = start + timedelta(seconds=asset.duration_s)
    else:
        end = start
    if asset.kind in STILL_KINDS:
        end = start
    return start, end


def order_timeline(assets: Iterable[MediaAssetRecord]) -> tuple[TimelineItem, ...]:
    items = [TimelineItem(a, *span_of(a)) for a in assets]
    return tuple(sorted(items, key=lambda i: (i.start, i.end, i.asset.id)))


def hash_file(path: Path) -> str | None:
    """sha256 of a file, or None when it is not there or cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as f:
            while chunk := f.read(COPY_CHUNK):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def check_file(asset: MediaAssetRecord) -> IntegrityResult:
    seen = hash_file(asset.path)
    status = pkg.integrity(asset.sha256, seen)
    return IntegrityResult(asset.id, status, asset.sha256, seen, utcnow())


# --- the service ---------------------------------------------------------------------------


class EvidenceTimelineService:
    def __init__(self, store: Store, operator: Operator) -> None:
        self.store = store
        self.operator = operator

    # reads

    async def timeline(self, case_id: int) -> Timeline:
        def query(session):  # type: ignore[no-untyped-def]
            number = annotation_repo.case_number(session, case_id)
            if number is None:
                raise CaseNotFound(f"案件不存在：{case_id}")
            return Timeline(
                case_id,
                number,
                order_timeline(media_assets.of_case(session, case_id)),
                tuple(annotation_repo.of_case(session, case_id)),
            )

        return await self.store.read(query)

    async def annotations_of(self, case_id: int) -> list[ann.AnnotationRecord]:
        return await self.store.read(partial(annotation_repo.of_case, case_id=case_id))

    def open_player(self, asset: MediaAssetRecord) -> EvidencePlayer:
        """A started player for the asset's file, paused on its first frame."""
        player = EvidencePlayer(asset.path, name=f"asset{asset.id}")
        player.start()
        return player

    async def close_player(self, player: EvidencePlayer, timeout: float = 5.0) -> bool:
        """Stop the player and join its thread off the event loop; False if it hung."""
        player.stop()
        return await asyncio.to_thread(player.join, timeout)

    async def check_integrity(self, asset: MediaAssetRecord) -> IntegrityResult:
        """Re-hash one file on a worker thread."""
        return await asyncio.get_running_loop().run_in_executor(None, check_file, asset)

    async def check_all(
        self,
        assets: Sequence[MediaAssetRecord],
        on_result: Callable[[IntegrityResult], None] | None = None,
    ) -> list[IntegrityResult]:
        """One file after another (disk and cores are shared), each result as it comes."""
        results = []
        # The loop is taken once: a Qt loop may resume this task from a callback it runs
        # outside run_forever (seen with qasync), where get_running_loop() would fail.
        loop = asyncio.get_running_loop()
        for asset in assets:
            result = await loop.run_in_executor(None, check_file, asset)
            results.append(result)
            if on_result is not None:
                on_result(result)
        return results

    # annotations

    async def add_annotation(self, draft: ann.AnnotationDraft) -> ann.AnnotationRecord:
        """Store a mark after the rules pass; AnnotationRefused (Chinese reason) otherwise."""
        record, _ = await self.store.write(partial(self._add_annotation, draft=draft))
        return record

    def _add_annotation(self, session, draft: ann.AnnotationDraft):  # type: ignore[no-untyped-def]
        asset = media_assets.get(session, draft.asset_id)
        if asset is None or asset.case_id is None:
            raise ann.AnnotationRefused("只能标注属于案件的证据文件")
        item = TimelineItem(asset, *span_of(asset))
        duration = item.duration_ms
        if duration is None and asset.kind not in STILL_KINDS:
            duration = sys.maxsize  # a recording of unknown length: any time is plausible
        ann.check(draft, duration)
        record = annotation_repo.add(
            session,
            draft,
            case_id=asset.case_id,
            author_id=self.operator.id,
            created_at=utcnow(),
        )
        audit.append(
            session,
            actor_id=self.operator.id,
            action=AuditAction.ANNOTATION_ADDED,
            target_kind="media_asset",
            target_id=asset.id,
            detail=_detail(record),
        )
        return record, ChangeSet(
            Operation.ANNOTATION_ADDED,
            self.operator.id,
            (change(Entity.ANNOTATION, ChangeAction.CREATED, record.id),),
        )

    async def delete_annotation(self, annotation_id: int) -> ann.AnnotationRecord | None:
        """Remove a mark: its author, a supervisor or an administrator may."""
        record, _ = await self.store.write(partial(self._delete, annotation_id=annotation_id))
        return record

    def _delete(self, session, annotation_id: int):  # type: ignore[no-untyped-def]
        found = annotation_repo.get(session, annotation_id)
        if found is None:
            return None, None
        if found.author_id != self.operator.id and self.operator.role not in MANAGERS:
            raise AnnotationNotAllowed("只有标注人或督导可以删除此标注")
        annotation_repo.delete(session, annotation_id)
        audit.append(
            session,
            actor_id=self.operator.id,
            action=AuditAction.ANNOTATION_DELETED,
            target_kind="media_asset",
            target_id=found.asset_id,
            detail=_detail(found),
        )
        return found, ChangeSet(
            Operation.ANNOTATION_DELETED,
            self.operator.id,
            (change(Entity.ANNOTATION, ChangeAction.DELETED, found.id),),
        )

    # the package

    async def export_package(self, case_id: int, target_path: Path) -> ExportedPackage:
        """Write the case's evidence package to `target_path` (a .zip) and audit it."""
        timeline = await self.timeline(case_id)
        target_path = Path(target_path)
        manifest, sha, size = await asyncio.to_thread(
            write_package, timeline, target_path, self.operator
        )
        detail = json.dumps(
            {
                "package_id": manifest.package_id,
                "case": timeline.case_number,
                "path": str(target_path),
                "sha256": sha,
                "files": [f.asset_id for f in manifest.files],
                "missing": [m.asset_id for m in manifest.missing],
                "altered": [
                    f.asset_id for f in manifest.files if f.integrity is IntegrityStatus.ALTERED
                ],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

        def record(session):  # type: ignore[no-untyped-def]
            seq = audit.append(
                session,
                actor_id=self.operator.id,
                action=AuditAction.EXPORT,
                target_kind="evidence_package",
                target_id=case_id,
                detail=detail,
            )
            return seq, None

        seq, _ = await self.store.write(record)
        return ExportedPackage(target_path, manifest, sha, size, seq)


# --- writing the zip (worker thread) -------------------------------------------------------


class _HashingWriter:
    """A write-only, non-seekable file that hashes what passes through to the real one.

    Without seek/tell, zipfile streams each member with a data descriptor, so the hash of
    the package is known when the last byte is written, without reading it back.
    """

    def __init__(self, f: IO[bytes]) -> None:
        self._f = f
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self._f.write(data)

    def flush(self) -> None:
        self._f.flush()


def write_package(
    timeline: Timeline, target: Path, operator: Operator
) -> tuple[pkg.Manifest, str, int]:
    """The zip at `target` (written to a part file, then renamed); manifest, sha256, size."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
    files: list[pkg.PackedFile] = []
    missing: list[pkg.LeftOut] = []
    try:
        with part.open("wb") as raw:
            out = _HashingWriter(raw)
            with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:  # type: ignore[call-overload]
                for index, item in enumerate(timeline.items, start=1):
                    a = item.asset
                    name = pkg.member_name(index, a.id, a.kind, str(a.path))
                    packed = _copy_member(archive, a, name, item)
                    if packed is None:
                        missing.append(
                            pkg.LeftOut(a.id, a.kind, a.sha256, str(a.path), "文件缺失或无法读取")
                        )
                    else:
                        files.append(packed)
                manifest = pkg.Manifest(
                    package_id=uuid.uuid4().hex,
                    case_id=timeline.case_id,
                    case_number=timeline.case_number,
                    created_by_id=operator.id,
                    created_by=operator.name,
                    created_at=utcnow(),
                    files=tuple(files),
                    missing=tuple(missing),
                    annotations=tuple(
                        pkg.PackedAnnotation(
                            r.asset_id,
                            r.kind.code,
                            r.at_ms,
                            ann.geometry_to_json(r.geometry),
                            r.text,
                            r.author_name,
                        )
                        for r in timeline.annotations
                    ),
                )
                archive.writestr(
                    zipfile.ZipInfo(pkg.MANIFEST_NAME, _zip_time(manifest.created_at)),
                    pkg.to_json(manifest).encode("utf-8"),
                    compress_type=zipfile.ZIP_DEFLATED,
                )
            out.flush()
            os.fsync(raw.fileno())
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
    return manifest, out.digest.hexdigest(), out.size


def _copy_member(
    archive: zipfile.ZipFile, a: MediaAssetRecord, name: str, item: TimelineItem
) -> pkg.PackedFile | None:
    try:
        src = a.path.open("rb")
    except OSError:
        return None
    digest = hashlib.sha256()
    size = 0
    with src:
        info = zipfile.ZipInfo(name, _zip_time(item.start))
        info.compress_type = zipfile.ZIP_STORED  # recordings are compressed already
        with archive.open(info, "w", force_zip64=True) as dst:
            while chunk := src.read(COPY_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                dst.write(chunk)
    seen = digest.hexdigest()
    return pkg.PackedFile(
        name=name,
        asset_id=a.id,
        kind=a.kind,
        sha256=seen,
        size_bytes=size,
        started_at=item.start,
        ended_at=item.end,
        source=a.source,
        stored_sha256=a.sha256,
        integrity=pkg.integrity(a.sha256, seen),
    )


def _zip_time(at: datetime) -> tuple[int, int, int, int, int, int]:
    at = max(at, datetime(1980, 1, 1))
    return (at.year, at.month, at.day, at.hour, at.minute, at.second)


def _detail(r: ann.AnnotationRecord) -> str:
    return json.dumps(
        {
            "annotation": r.id,
            "case": r.case_id,
            "kind": r.kind.code,
            "at_ms": r.at_ms,
            "geometry": json.loads(ann.geometry_to_json(r.geometry)),
            "text": r.text,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
