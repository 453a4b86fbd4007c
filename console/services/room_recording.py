"""Recording a mediation session while everyone present consents: one MP4 per person and
segment, each a media asset of the room and its case, hashed and audited.

The server allows `room.recording` only while every admitted person has consented and
pauses it by itself when someone without consent is admitted; this service follows what
the server says (`RecordingSwitched`) and checks the desk's view of consent once more
before it writes anything. Each person the mediator sees is recorded from their leg's
frame taps (their video and voice); a leg rebuilt after a reconnect starts a new segment.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from console.core import paths
from console.core.codes import AuditAction, MediaKind
from console.core.evidence import MediaAssetRecord
from console.media.call_recorder import CallRecorder, NothingRecorded
from console.services.call_recording import hash_and_size, store_recording_asset
from console.services.evidence import utc_naive
from console.services.room_desk import (
    MediaChanged,
    PersonMedia,
    RecordingSwitched,
    RoomDesk,
    RoomEvent,
)
from console.store.repos.media_assets import NewMediaAsset
from console.store.store import Store

log = logging.getLogger(__name__)


@dataclass
class _Segment:
    participant: str
    name: str
    leg: PersonMedia
    recorder: CallRecorder
    path: Path


class RoomRecording:
    """The recordings of one room on this console, driven by one desk's events."""

    def __init__(
        self,
        store: Store,
        desk: RoomDesk,
        *,
        room_id: int,
        case_id: int | None,
        operator_id: int | None,
        media_dir: Path | None = None,
    ) -> None:
        self.store = store
        self.desk = desk
        self.room_id, self.case_id, self.operator_id = room_id, case_id, operator_id
        self.media_dir = media_dir or paths.data_dir() / "media"
        self.stored: list[MediaAssetRecord] = []
        self._segments: dict[str, _Segment] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._unsubscribe = desk.subscribe(self._on_event)
        desk.before_leave.append(self.stop_all)

    @property
    def recording(self) -> list[str]:
        """Who is being recorded now (participant ids)."""
        return list(self._segments)

    def _on_event(self, event: RoomEvent) -> None:
        if isinstance(event, RecordingSwitched):
            if event.on:
                self._start_all()
            else:
                self._spawn(self.stop_all())
        elif isinstance(event, MediaChanged):
            if event.state == "closed":
                self._spawn(self._stop(event.participant))
            elif self.desk.seat.recording and event.participant not in self._segments:
                self._start(event.participant)

    def _start_all(self) -> None:
        missing = self.desk.missing_consent()
        if missing:
            # The server said on, but our view disagrees: record nothing rather than too much.
            log.warning("recording not started: no consent from %s", "、".join(missing))
            return
        for pid in self.desk.legs():
            self._start(pid)

    def _start(self, pid: str) -> None:
        leg = self.desk.leg(pid)
        if leg is None or pid in self._segments:
            return
        person = self.desk.seat.people.get(pid)
        name = person.name if person is not None else pid
        now = datetime.now(UTC)
        path = (
            self.media_dir / "rooms" / str(self.room_id) / f"{now:%Y%m%dT%H%M%S%fZ}-{pid[:8]}.mp4"
        )
        recorder = CallRecorder(path, name=f"room-recorder-{pid[:6]}")
        recorder.start()
        leg.video_tap.add(recorder.video)
        leg.audio_tap.add(recorder.audio)
        self._segments[pid] = _Segment(pid, name, leg, recorder, path)

    async def _stop(self, pid: str) -> MediaAssetRecord | None:
        segment = self._segments.pop(pid, None)
        if segment is None:
            return None
        segment.leg.video_tap.remove(segment.recorder.video)
        segment.leg.audio_tap.remove(segment.recorder.audio)
        try:
            result = await asyncio.to_thread(segment.recorder.finish)
        except NothingRecorded:
            return None  # no picture arrived: no file, no asset
        sha256, size = await asyncio.to_thread(hash_and_size, result.path)
        new = NewMediaAsset(
            kind=MediaKind.MEDIATION_RECORDING,
            path=result.path,
            sha256=sha256,
            size_bytes=size,
            source=f"room {self.room_id}: {segment.name}",
            created_by=self.operator_id,
            created_at=datetime.now(UTC).replace(tzinfo=None),
            case_id=self.case_id,
            room_id=self.room_id,
            duration_s=round(result.duration_s, 3),
            started_at=utc_naive(result.started_at),
            ended_at=utc_naive(result.ended_at),
        )
        detail = (
            f"recorded {segment.name} in room {self.room_id}; sha256 {sha256}; "
            f"{result.duration_s:.1f} s"
        )
        try:
            record = await store_recording_asset(
                self.store,
                new,
                AuditAction.RECORD,
                "room",
                str(self.room_id),
                detail,
                ("room_id", str(self.room_id)),
            )
        except BaseException:
            with contextlib.suppress(OSError):
                result.path.unlink()  # a file the store does not know is an orphan
            raise
        self.stored.append(record)
        return record

    async def stop_all(self) -> list[MediaAssetRecord]:
        """Finish and store every running segment (recording off, or leaving the room)."""
        stored = []
        for pid in list(self._segments):
            try:
                record = await self._stop(pid)
            except Exception:
                log.exception("recording of %s could not be stored", pid)
                continue
            if record is not None:
                stored.append(record)
        others = [t for t in self._tasks if t is not asyncio.current_task()]
        if others:
            await asyncio.gather(*others, return_exceptions=True)
        return stored

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro, name="room-recording")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
