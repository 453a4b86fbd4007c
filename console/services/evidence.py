"""Evidence from live cameras: snapshots, instant replay and clip export, hashed and audited.

Every decoder the wall starts gets a replay buffer (the last 30 s as encoded packets) and
the camera's privacy masks as a frame filter. Files are written and hashed on worker
threads; the media asset and its audit row are committed in one transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from console.core import paths
from console.core.camera_catalog import redact_url
from console.core.codes import AuditAction, MediaKind
from console.core.events import ChangeAction, ChangeSet, Entity, Operation, change
from console.core.evidence import MediaAssetRecord, reason_missing
from console.core.records import CameraRecord
from console.core.zones import Polygon
from console.media.decoder import CameraDecoder
from console.media.masking import MaskPainter, export_masked_mp4, mask_image
from console.media.replay_buffer import DEFAULT_MAX_BYTES, DEFAULT_SECONDS, ClipInfo, ReplayBuffer
from console.media.stills import write_jpeg
from console.services.live_wall import LiveWallService
from console.services.operator import Operator
from console.store.repos import audit, camera_zones, media_assets
from console.store.repos.media_assets import NewMediaAsset
from console.store.store import Store

log = logging.getLogger(__name__)

# The whole picture: shown until a camera's masks are known, so that a slow store read
# never lets a masked area through.
WHOLE_PICTURE: Polygon = ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0))
HASH_CHUNK = 1 << 20


class NoLivePicture(LookupError):
    """The camera is not playing on this console, so nothing is buffered for it."""


@dataclass(frozen=True, slots=True)
class WrittenFile:
    path: Path
    sha256: str
    size_bytes: int
    started_at: datetime  # naive UTC
    ended_at: datetime
    duration_s: float | None


def utc_naive(wall: float) -> datetime:
    return datetime.fromtimestamp(wall, UTC).replace(tzinfo=None)


def epoch(at: datetime) -> float:
    """A naive-UTC (or aware) datetime as time.time() seconds."""
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def check_reason(camera: CameraRecord, reason: str) -> None:
    if reason_missing(camera.sensitive, reason):
        raise PermissionError(f"“{camera.name}”为敏感点位，须填写事由 (a reason is required)")


class EvidenceService:
    def __init__(
        self,
        store: Store,
        operator: Operator,
        live: LiveWallService | None = None,
        media_dir: Path | None = None,
        *,
        replay_dir: Path | None = None,
        replay_seconds: float = DEFAULT_SECONDS,
        replay_max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.store = store
        self.operator = operator
        self.media_dir = media_dir or paths.data_dir() / "media"
        self.replay_dir = replay_dir or paths.cache_dir() / "replay"
        self.replay_seconds = replay_seconds
        self._replay_max_bytes = replay_max_bytes
        self._lock = threading.Lock()
        self._buffers: dict[str, ReplayBuffer] = {}
        self._decoders: dict[int, CameraDecoder] = {}
        self._sources: dict[int, str] = {}  # camera id -> URL its buffer is fed from
        self._masks: dict[int, tuple[Polygon, ...]] = {}
        self._lifted: set[int] = set()
        self._replays: list[Path] = []
        if live is not None:
            live.add_attacher(self.attach)
        self._unsubscribe: Callable[[], None] | None = store.feed.subscribe(self._on_change)

    # --- decoders (called on the GUI thread by the wall; must not block) --------------------

    def attach(self, camera: CameraRecord, decoder: CameraDecoder) -> None:
        """Give a freshly started decoder the camera's replay buffer and privacy masks."""
        with self._lock:
            buffer = self._buffers.get(camera.device_id)
            if buffer is None:
                buffer = ReplayBuffer(self.replay_seconds, self._replay_max_bytes)
                self._buffers[camera.device_id] = buffer
            previous = self._decoders.get(camera.id)
            self._decoders[camera.id] = decoder
            self._sources[camera.id] = decoder.url
            known = camera.id in self._masks
        if previous is not None and previous is not decoder:
            # The retired decoder may still read a packet while it stops.
            previous.remove_packet_listener(buffer.feed)
        decoder.add_packet_listener(buffer.feed)
        if known:
            self._apply_masks(camera.id)
        else:
            decoder.set_frame_filter(MaskPainter([WHOLE_PICTURE]))
            self._load_masks(camera.id)

    def buffer_for(self, camera: CameraRecord) -> ReplayBuffer | None:
        with self._lock:
            return self._buffers.get(camera.device_id)

    def live_masks(self, camera: CameraRecord) -> tuple[Polygon, ...]:
        """The masks painted on this camera's tiles now (none while lifted)."""
        with self._lock:
            if camera.id in self._lifted:
                return ()
            return self._masks.get(camera.id, ())

    def set_lifted(self, camera: CameraRecord, lifted: bool) -> None:
        """Lift or restore the masks of a camera on this console (MaskService audits it)."""
        with self._lock:
            if lifted:
                self._lifted.add(camera.id)
            else:
                self._lifted.discard(camera.id)
        self._apply_masks(camera.id)

    def is_lifted(self, camera: CameraRecord) -> bool:
        with self._lock:
            return camera.id in self._lifted

    def _load_masks(self, camera_id: int) -> Future[dict[int, tuple[Polygon, ...]]]:
        future = self.store.submit_read(partial(camera_zones.active_masks, camera_ids=[camera_id]))

        def loaded(f: Future[dict[int, tuple[Polygon, ...]]]) -> None:
            if f.exception() is not None:
                # The whole-picture cover stays: better no picture than an unmasked one.
                log.error("masks of camera %s not loaded: %s", camera_id, f.exception())
                return
            with self._lock:
                self._masks[camera_id] = f.result().get(camera_id, ())
            self._apply_masks(camera_id)

        future.add_done_callback(loaded)
        return future

    def _apply_masks(self, camera_id: int) -> None:
        with self._lock:
            decoder = self._decoders.get(camera_id)
            polygons = () if camera_id in self._lifted else self._masks.get(camera_id, ())
        if decoder is not None:
            decoder.set_frame_filter(MaskPainter(polygons) if polygons else None)

    def _on_change(self, changes: ChangeSet) -> None:
        """Store writer (or tailer) thread: zones changed somewhere, reload that camera's."""
        if changes.operation is not Operation.ZONES_CHANGED:
            return
        for key, value in changes.extra:
            if key == "camera_id":
                camera_id = int(value)
                with self._lock:
                    watched = camera_id in self._decoders or camera_id in self._masks
                if watched:
                    self._load_masks(camera_id)

    def reload_masks(self, camera: CameraRecord) -> Future[dict[int, tuple[Polygon, ...]]]:
        return self._load_masks(camera.id)

    # --- evidence ---------------------------------------------------------------------------

    async def snapshot(
        self, camera: CameraRecord, case_id: int | None = None, reason: str = ""
    ) -> MediaAssetRecord:
        """The newest picture at full resolution, masked, as a JPEG media asset."""
        check_reason(camera, reason)
        buffer = self._require_buffer(camera)
        polygons = await self._export_masks(camera)
        path = self._new_path("snapshots", camera, ".jpg")
        written = await asyncio.to_thread(_write_snapshot, buffer, path, polygons)
        return await self._store_asset(
            camera, MediaKind.SNAPSHOT, AuditAction.SNAPSHOT, written, case_id, reason, polygons
        )

    async def export_clip(
        self,
        camera: CameraRecord,
        start: datetime,
        end: datetime,
        case_id: int | None = None,
        reason: str = "",
    ) -> MediaAssetRecord:
        """[start, end] (naive UTC, within the replay buffer) as an MP4 media asset.

        Remuxed as received when the camera has no active masks; decoded, masked and
        encoded again when it has. The clip starts at the keyframe before `start`.
        """
        check_reason(camera, reason)
        if end <= start:
            raise ValueError("the clip must end after it starts")
        buffer = self._require_buffer(camera)
        span = buffer.span()
        start_s, end_s = epoch(start), epoch(end)
        if span is None or end_s < span[0] or start_s > span[1]:
            raise ValueError(
                f"只能导出最近 {self.replay_seconds:.0f} 秒内的片段 "
                f"(only the last {self.replay_seconds:.0f} s are kept)"
            )
        polygons = await self._export_masks(camera)
        path = self._new_path("clips", camera, ".mp4")
        written = await asyncio.to_thread(_write_clip, buffer, path, start_s, end_s, polygons)
        return await self._store_asset(
            camera, MediaKind.CAMERA_CLIP, AuditAction.EXPORT, written, case_id, reason, polygons
        )

    async def instant_replay(
        self, camera: CameraRecord, seconds: float = DEFAULT_SECONDS, reason: str = ""
    ) -> Path:
        """The last `seconds` as a temporary MP4 for a file decoder to play; audited.

        Not a media asset: it is a viewing, deleted when the service closes.
        """
        check_reason(camera, reason)
        buffer = self._require_buffer(camera)
        polygons = await self._export_masks(camera)
        path = self.replay_dir / f"{camera.device_id}-{uuid.uuid4().hex[:8]}.mp4"
        with self._lock:
            self._replays.append(path)
        start_s = time.time() - seconds
        written = await asyncio.to_thread(_write_clip, buffer, path, start_s, None, polygons)

        def op(session):  # type: ignore[no-untyped-def]
            self._audit(session, AuditAction.VIEW_REPLAY, camera, written, None, reason, polygons)
            return None, None

        await self.store.write(op)
        return path

    async def assets_of_case(self, case_id: int) -> list[MediaAssetRecord]:
        return await self.store.read(partial(media_assets.of_case, case_id=case_id))

    def close(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        with self._lock:
            replays, self._replays = self._replays, []
        for path in replays:
            with contextlib.suppress(OSError):
                path.unlink()

    # --- helpers ----------------------------------------------------------------------------

    def _require_buffer(self, camera: CameraRecord) -> ReplayBuffer:
        buffer = self.buffer_for(camera)
        if buffer is None or buffer.span() is None:
            raise NoLivePicture(f"“{camera.name}”未在播放，没有可用画面 (not playing here)")
        return buffer

    async def _export_masks(self, camera: CameraRecord) -> tuple[Polygon, ...]:
        """Masks for a file: read from the store (never a stale cache), unless lifted here."""
        if self.is_lifted(camera):
            return ()
        found = await self.store.read(partial(camera_zones.active_masks, camera_ids=[camera.id]))
        return found.get(camera.id, ())

    def _source_of(self, camera: CameraRecord) -> str:
        with self._lock:
            url = self._sources.get(camera.id)
        return redact_url(url or camera.sub_url or camera.main_url or camera.device_id)

    def _new_path(self, kind: str, camera: CameraRecord, suffix: str) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        return self.media_dir / kind / camera.device_id / f"{stamp}{suffix}"

    def _audit(  # type: ignore[no-untyped-def]
        self,
        session,
        action: AuditAction,
        camera: CameraRecord,
        written: WrittenFile,
        asset_id: int | None,
        reason: str,
        polygons: tuple[Polygon, ...],
    ) -> None:
        detail = {
            "from": written.started_at.isoformat(timespec="milliseconds") + "Z",
            "to": written.ended_at.isoformat(timespec="milliseconds") + "Z",
            "masked": bool(polygons),
            "reason": reason.strip(),
        }
        if asset_id is not None:
            detail = {"asset": asset_id, "sha256": written.sha256, **detail}
        audit.append(
            session,
            actor_id=self.operator.id,
            action=action,
            target_kind="camera",
            target_id=camera.device_id,
            detail=json.dumps(detail, ensure_ascii=False, separators=(",", ":")),
        )

    async def _store_asset(
        self,
        camera: CameraRecord,
        kind: MediaKind,
        action: AuditAction,
        written: WrittenFile,
        case_id: int | None,
        reason: str,
        polygons: tuple[Polygon, ...],
    ) -> MediaAssetRecord:
        new = NewMediaAsset(
            kind=kind,
            path=written.path,
            sha256=written.sha256,
            size_bytes=written.size_bytes,
            source=self._source_of(camera),
            created_by=self.operator.id,
            created_at=datetime.now(UTC).replace(tzinfo=None),
            camera_id=camera.id,
            case_id=case_id,
            duration_s=written.duration_s,
            started_at=written.started_at,
            ended_at=written.ended_at,
        )

        def op(session):  # type: ignore[no-untyped-def]
            record = media_assets.add(session, new)
            self._audit(session, action, camera, written, record.id, reason, polygons)
            return record, ChangeSet(
                Operation.MEDIA_ADDED,
                self.operator.id,
                (change(Entity.MEDIA_ASSET, ChangeAction.CREATED, record.id),),
                extra=(("camera_id", str(camera.id)), ("case_id", str(case_id or ""))),
            )

        try:
            record, _ = await self.store.write(op)
        except BaseException:
            # An asset the store does not know is an orphan nobody can account for.
            with contextlib.suppress(OSError):
                written.path.unlink()
            raise
        return record


# --- worker-thread bodies ----------------------------------------------------------------


def _finish(part: Path, path: Path) -> tuple[str, int]:
    os.replace(part, path)
    return file_sha256(path), path.stat().st_size


def _write_snapshot(buffer: ReplayBuffer, path: Path, polygons: tuple[Polygon, ...]) -> WrittenFile:
    picture = buffer.latest_picture()
    if picture is None:
        raise NoLivePicture("no picture decoded yet")
    image, wall = picture
    write_jpeg(path, mask_image(image, polygons))
    at = utc_naive(wall)
    return WrittenFile(path, file_sha256(path), path.stat().st_size, at, at, None)


def _write_clip(
    buffer: ReplayBuffer,
    path: Path,
    start_s: float | None,
    end_s: float | None,
    polygons: tuple[Polygon, ...],
) -> WrittenFile:
    segment = buffer.segment(start_s, end_s)
    if segment is None:
        raise NoLivePicture("nothing buffered in that time range")
    part = path.with_name(f".{path.stem}.part{path.suffix}")
    info: ClipInfo = export_masked_mp4(segment, part, polygons)
    sha, size = _finish(part, path)
    return WrittenFile(
        path, sha, size, utc_naive(info.started_at), utc_naive(info.ended_at), info.duration_s
    )
