"""Live viewing for the wall: which camera plays into which latest-frame slot, and at what size.

The UI never decodes: it asks this service for a slot and paints whatever frame is newest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from console.core.records import CameraRecord
from console.media.decoder import CameraDecoder, DecoderStats
from console.media.frame_slot import LatestFrameSlot
from console.media.wall_decoders import CloseReport, DecoderPool


@dataclass(frozen=True, slots=True)
class LiveFeed:
    camera: CameraRecord
    slot: LatestFrameSlot


# Called whenever a decoder starts for a camera (first open, or a switch between main and
# sub stream), so that per-camera attachments (replay buffer, privacy masks) follow it.
DecoderAttacher = Callable[[CameraRecord, CameraDecoder], None]


class LiveWallService:
    def __init__(self, pool: DecoderPool | None = None) -> None:
        self._pool = pool or DecoderPool()
        self._attachers: list[DecoderAttacher] = []

    def add_attacher(self, attacher: DecoderAttacher) -> None:
        self._attachers.append(attacher)

    def decoder_for(self, camera: CameraRecord) -> CameraDecoder | None:
        return self._pool.get(camera.device_id)

    def open(self, camera: CameraRecord, width: int, height: int) -> LiveFeed | None:
        """Start (or reuse) the camera's sub stream; None when it has no stream configured."""
        url = camera.sub_url or camera.main_url
        if not url:
            return None
        before = self._pool.get(camera.device_id)
        decoder = self._pool.start(camera.device_id, url, target_size=(width, height))
        if decoder is not before:
            for attach in self._attachers:
                attach(camera, decoder)
        return LiveFeed(camera, decoder.slot)

    def resize(self, camera: CameraRecord, width: int, height: int) -> None:
        self._pool.set_target_size(camera.device_id, width, height)

    def close_feed(self, camera: CameraRecord) -> None:
        self._pool.stop(camera.device_id)

    def stats(self, camera: CameraRecord) -> DecoderStats | None:
        decoder = self._pool.get(camera.device_id)
        return decoder.stats() if decoder else None

    def active_count(self) -> int:
        return len(self._pool.codes())

    def close(self) -> CloseReport:
        return self._pool.close()
