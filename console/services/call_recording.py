"""Recording a petition call with the caller's consent: one MP4 media asset per segment, audited.

The officer desk starts and stops segments when the server confirms a `call.recording`
message. Frames reach the recorder through the call leg's frame taps (remote video and
audio); the file is finished, hashed and stored off the event loop. Recordings made before
the call is registered get the case id in the registration's own transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from console.core import paths
from console.core.codes import AuditAction, MediaKind
from console.core.events import ChangeAction, ChangeSet, Entity, Operation, change
from console.core.evidence import MediaAssetRecord
from console.media.call_recorder import CallRecorder, RecordingResult
from console.media.stills import write_frame_jpeg
from console.services.call_peer import MediaLeg
from console.services.evidence import file_sha256, utc_naive
from console.store.repos import audit, media_assets
from console.store.repos.media_assets import NewMediaAsset, RecordableCall
from console.store.store import Store

log = logging.getLogger(__name__)

RECORDING_KIND = MediaKind.INTAKE_RECORDING
SNAPSHOT_WAIT_S = 5.0
"""How long a snapshot waits for the caller's next picture before saying it has none."""


class RecordingRefused(PermissionError):
    """The call may not be recorded (no consent, unknown call, already recording)."""


@dataclass(frozen=True, slots=True)
class RecordingHandle:
    """One running segment; give it back to `stop`."""

    ticket: str
    call_id: int
    operator_id: int | None
    path: Path
    started_at: datetime  # naive UTC, when start() was asked
    recorder: CallRecorder = field(repr=False, compare=False)
    leg: MediaLeg = field(repr=False, compare=False)

    @property
    def dropped(self) -> int:
        """Frames the recorder's full hand-off refused so far (video and audio)."""
        return self.recorder.dropped_video + self.recorder.dropped_audio


class CallRecordingService:
    """Recording segments of calls on this console.

    Registering the call as a case links its earlier recordings in the same transaction
    (the registration repository does it); `link_case` is for a case made another way.
    """

    def __init__(self, store: Store, media_dir: Path | None = None) -> None:
        self.store = store
        self.media_dir = media_dir or paths.data_dir() / "media"
        self._active: dict[str, RecordingHandle] = {}
        self.last_result: RecordingResult | None = None

    def active(self, ticket: str) -> RecordingHandle | None:
        return self._active.get(ticket)

    async def start(self, ticket: str, leg: MediaLeg, operator_id: int | None) -> RecordingHandle:
        """Begin a segment of the call's remote video and audio.

        Raises RecordingRefused when the caller has not consented, the call is unknown, or
        this call is already being recorded here.
        """
        if ticket in self._active:
            raise RecordingRefused(f"来电 {ticket} 正在录制 (already recording)")
        call = await self._recordable(ticket)
        if ticket in self._active:  # another start won the race while we read
            raise RecordingRefused(f"来电 {ticket} 正在录制 (already recording)")
        now = datetime.now(UTC)
        path = self.media_dir / "recordings" / ticket / f"{now:%Y%m%dT%H%M%S%fZ}.mp4"
        recorder = CallRecorder(path, name=f"call-recorder-{ticket[-8:]}")
        recorder.start()
        leg.video_tap.add(recorder.video)
        leg.audio_tap.add(recorder.audio)
        handle = RecordingHandle(
            ticket, call.id, operator_id, path, now.replace(tzinfo=None), recorder, leg
        )
        self._active[ticket] = handle
        return handle

    async def _recordable(self, ticket: str) -> RecordableCall:
        """The call, when it exists and its caller consented; RecordingRefused otherwise."""
        call: RecordableCall | None = await self.store.read(
            partial(media_assets.recordable_call, ticket=ticket)
        )
        if call is None:
            raise RecordingRefused(f"找不到来电 {ticket}，无法录制 (no such call)")
        if not call.consent:
            raise RecordingRefused(
                "来电人未同意录音录像，不能录制 (the caller has not consented to recording)"
            )
        return call

    async def stop(self, handle: RecordingHandle) -> MediaAssetRecord:
        """Finish the segment's file, hash it and store it as a media asset with an audit row.

        Raises NothingRecorded (from the recorder) when no picture arrived: then there is no
        file and no asset.
        """
        handle.leg.video_tap.remove(handle.recorder.video)
        handle.leg.audio_tap.remove(handle.recorder.audio)
        if self._active.get(handle.ticket) is handle:
            del self._active[handle.ticket]
        result = await asyncio.to_thread(handle.recorder.finish)
        self.last_result = result
        if result.dropped_video or result.dropped_audio:
            log.warning(
                "recording of %s dropped %d video and %d audio frames",
                handle.ticket,
                result.dropped_video,
                result.dropped_audio,
            )
        sha256, size = await asyncio.to_thread(hash_and_size, result.path)
        new = NewMediaAsset(
            kind=RECORDING_KIND,
            path=result.path,
            sha256=sha256,
            size_bytes=size,
            source=f"call {handle.ticket}",
            created_by=handle.operator_id,
            created_at=datetime.now(UTC).replace(tzinfo=None),
            call_id=handle.call_id,
            duration_s=round(result.duration_s, 3),
            started_at=utc_naive(result.started_at),
            ended_at=utc_naive(result.ended_at),
        )

        detail = (
            f"recorded call {handle.ticket}; sha256 {sha256}; {result.duration_s:.1f} s; "
            f"dropped {result.dropped_video}+{result.dropped_audio} frames"
        )
        try:
            record = await self._store_asset(new, AuditAction.RECORD, handle.ticket, detail)
        except BaseException:
            # A file the store does not know is an orphan nobody can account for.
            with contextlib.suppress(OSError):
                result.path.unlink()
            raise
        return record

    async def snapshot(
        self, ticket: str, leg: MediaLeg, operator_id: int | None
    ) -> MediaAssetRecord:
        """The caller's next picture at full resolution, as a JPEG media asset of the call.

        A still of the caller is a recording too: it needs the caller's consent.
        """
        call = await self._recordable(ticket)
        loop = asyncio.get_running_loop()
        caught: asyncio.Future[Any] = loop.create_future()

        def catch(frame: Any) -> None:
            if not caught.done():
                caught.set_result(frame)

        leg.video_tap.add(catch)
        try:
            frame = await asyncio.wait_for(caught, SNAPSHOT_WAIT_S)
        except TimeoutError:
            raise RecordingRefused("来电画面中断，无法截图 (no picture from the caller)") from None
        finally:
            leg.video_tap.remove(catch)
        now = datetime.now(UTC)
        path = self.media_dir / "snapshots" / ticket / f"{now:%Y%m%dT%H%M%S%fZ}.jpg"
        await asyncio.to_thread(write_frame_jpeg, path, frame)
        sha256, size = await asyncio.to_thread(hash_and_size, path)
        at = now.replace(tzinfo=None)
        new = NewMediaAsset(
            kind=MediaKind.SNAPSHOT,
            path=path,
            sha256=sha256,
            size_bytes=size,
            source=f"call {ticket}",
            created_by=operator_id,
            created_at=at,
            call_id=call.id,
            started_at=at,
            ended_at=at,
        )

        detail = f"snapshot of call {ticket}; sha256 {sha256}"
        return await self._store_asset(new, AuditAction.SNAPSHOT, ticket, detail)

    async def _store_asset(
        self, new: NewMediaAsset, action: AuditAction, ticket: str, detail: str
    ) -> MediaAssetRecord:
        return await store_recording_asset(
            self.store, new, action, "call", ticket, detail, ("call_id", str(new.call_id))
        )

    async def stop_all(self) -> list[MediaAssetRecord]:
        """Store every running segment (the console is closing); failures are logged."""
        stored = []
        for handle in list(self._active.values()):
            try:
                stored.append(await self.stop(handle))
            except Exception:
                log.exception("recording of %s could not be stored", handle.ticket)
        return stored

    async def link_case(self, ticket: str, case_id: int) -> tuple[int, ...]:
        """The call's recordings without a case get `case_id`; returns the asset ids changed."""

        def op(session):  # type: ignore[no-untyped-def]
            call = media_assets.recordable_call(session, ticket)
            if call is None:
                return (), None
            return _link_call(session, call.id, case_id, None)

        ids, _ = await self.store.write(op)
        return tuple(ids)

    async def recordings_of(self, ticket: str) -> list[MediaAssetRecord]:
        def query(session):  # type: ignore[no-untyped-def]
            call = media_assets.recordable_call(session, ticket)
            return [] if call is None else media_assets.of_call(session, call.id)

        return await self.store.read(query)


def _link_call(
    session: Any, call_id: int, case_id: int, actor_id: int | None
) -> tuple[tuple[int, ...], ChangeSet | None]:
    ids = media_assets.link_call_to_case(session, call_id, case_id)
    if not ids:
        return ids, None
    return ids, ChangeSet(
        Operation.CASE_EDITED,
        actor_id,
        (change(Entity.MEDIA_ASSET, ChangeAction.UPDATED, *ids),),
        extra=(("call_id", str(call_id)), ("case_id", str(case_id))),
    )


def hash_and_size(path: Path) -> tuple[str, int]:
    """A finished file's sha256 and size (blocking: run it off the event loop)."""
    return file_sha256(path), path.stat().st_size


async def store_recording_asset(
    store: Store,
    new: NewMediaAsset,
    action: AuditAction,
    target_kind: str,
    target_id: str,
    detail: str,
    source: tuple[str, str],
) -> MediaAssetRecord:
    """A recording or still (of a call or a room) as an asset row and its audit row in one
    transaction, announced as a change naming its `source` (e.g. ("room_id", "7"))."""

    def op(session):  # type: ignore[no-untyped-def]
        record = media_assets.add_call_recording(session, new)
        audit.append(
            session,
            actor_id=record.created_by,
            action=action,
            target_kind=target_kind,
            target_id=target_id,
            detail=f"{detail}; asset {record.id}",
        )
        return record, ChangeSet(
            Operation.MEDIA_ADDED,
            new.created_by,
            (change(Entity.MEDIA_ASSET, ChangeAction.CREATED, record.id),),
            extra=(source, ("case_id", str(record.case_id or ""))),
        )

    record, _ = await store.write(op)
    return record
