"""Evidence from live cameras over real RTSP: hashes, masks in every exported frame, audit rows."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from console.core.codes import AuditAction, MediaKind, ZoneKind
from console.core.records import CameraRecord
from console.core.zones import Polygon
from console.media.clips import make_test_clip, read_frame_counter
from console.media.masking import pixel_polygons
from console.media.stills import read_image
from console.media.wall_decoders import DecoderPool
from console.services.evidence import EvidenceService, NoLivePicture, file_sha256
from console.services.live_wall import LiveWallService
from console.services.masks import MaskService
from console.store.repos import audit
from console.store.store import Store
from tests.services.conftest import People, add_camera

# Clear of the counter barcode across the top eighth of the picture.
WINDOW: Polygon = ((0.1, 0.3), (0.5, 0.3), (0.5, 0.7), (0.1, 0.7))


@pytest.fixture(scope="module")
def counter_clip_6s(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("evidence") / "counter6.mp4"
    return make_test_clip(path, 640, 360, 25, 6.0, pattern="counter")


def covered(width: int, height: int, erode: int = 0) -> np.ndarray:
    mask = np.zeros((height, width), np.uint8)
    cv2.fillPoly(mask, pixel_polygons([WINDOW], width, height), 255)
    if erode:
        mask = np.asarray(
            cv2.erode(mask, np.ones((2 * erode + 1, 2 * erode + 1), np.uint8)), np.uint8
        )
    return mask > 0


def tile_masked(live: LiveWallService, camera: CameraRecord) -> bool | None:
    decoder = live.decoder_for(camera)
    frame = decoder.slot.peek() if decoder else None
    if frame is None:
        return None
    inside = frame.image[covered(frame.width, frame.height, erode=1)][:, :3]
    return bool((inside == 0).all())


async def until(predicate: Callable[[], object], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not reached within {timeout} s")
        await asyncio.sleep(0.02)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def video_frames(path: Path) -> tuple[str, list[np.ndarray]]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return stream.codec_context.name, [
            f.to_ndarray(format="bgr24") for f in container.decode(stream)
        ]


def test_masked_export_snapshot_and_replay_of_a_sensitive_rtsp_camera(
    store: Store,
    people: People,
    case_id: int,
    start_rtsp: Callable[..., object],
    counter_clip_6s: Path,
    tmp_path: Path,
) -> None:
    server = start_rtsp({"cam": counter_clip_6s})
    camera = add_camera(store, "34020000001320000001", server.url("cam"), sensitive=True)  # type: ignore[attr-defined]
    live = LiveWallService(DecoderPool())
    evidence = EvidenceService(
        store, people.duty, live, tmp_path / "media", replay_dir=tmp_path / "replay"
    )
    masks = MaskService(store, people.supervisor, evidence)

    async def scenario() -> None:
        await masks.add_zone(camera, ZoneKind.PRIVACY_MASK, WINDOW, name="住户窗户")
        with pytest.raises(NoLivePicture):
            await evidence.snapshot(camera, reason="核查")
        assert live.open(camera, 320, 180) is not None
        buffer = evidence.buffer_for(camera)
        assert buffer is not None
        await until(lambda: buffer.covered_seconds() >= 2.0)
        await until(lambda: tile_masked(live, camera) is not None)
        assert tile_masked(live, camera), "the live tile shows the masked area"

        end = utcnow()
        start = end - timedelta(seconds=1.5)
        with pytest.raises(PermissionError):
            await evidence.export_clip(camera, start, end, case_id)  # sensitive: no reason
        with pytest.raises(ValueError):
            await evidence.export_clip(
                camera, end - timedelta(minutes=5), end - timedelta(minutes=4), reason="x"
            )

        began = time.perf_counter()
        clip = await evidence.export_clip(camera, start, end, case_id, reason="核查纠纷现场")
        print(f"masked export of {clip.duration_s:.2f} s: {time.perf_counter() - began:.2f} s")
        assert clip.kind is MediaKind.CAMERA_CLIP and clip.case_id == case_id
        assert clip.path.is_file() and file_sha256(clip.path) == clip.sha256
        assert clip.size_bytes == clip.path.stat().st_size
        assert clip.started_at is not None and clip.ended_at is not None
        assert clip.started_at <= start + timedelta(seconds=0.1) and clip.ended_at <= end
        assert clip.source.startswith("rtsp://127.0.0.1:") and clip.created_by == people.duty.id
        codec, frames = video_frames(clip.path)
        assert codec == "h264" and len(frames) >= 30
        inside, outside = covered(640, 360, erode=4), ~covered(640, 360)
        for image in frames:
            assert image.shape == (360, 640, 3)
            assert image[inside].mean() < 3 and image[inside].max() <= 40
            assert image[outside].mean() > 60
        numbers = [read_frame_counter(f) for f in frames]
        first = numbers[0]
        assert first is not None and numbers == list(range(first, first + len(numbers)))

        snap = await evidence.snapshot(camera, case_id, reason="固定证据")
        assert snap.kind is MediaKind.SNAPSHOT and file_sha256(snap.path) == snap.sha256
        still = read_image(snap.path)
        assert still is not None and still.shape == (360, 640, 3)  # full resolution, not tile
        assert still[inside].mean() < 4

        replay = await evidence.instant_replay(camera, 30, reason="回看")
        _, replayed = video_frames(replay)
        assert len(replayed) >= 50 and all(f[inside].mean() < 3 for f in replayed)

        assert {a.id for a in await evidence.assets_of_case(case_id)} == {clip.id, snap.id}
        rows = store.read_sync(lambda s: audit.recent(s, 3))
        assert [r.action for r in rows] == [
            AuditAction.VIEW_REPLAY.code,
            AuditAction.SNAPSHOT.code,
            AuditAction.EXPORT.code,
        ]
        assert {(r.actor_id, r.target_kind, r.target_id) for r in rows} == {
            (people.duty.id, "camera", camera.device_id)
        }
        export_row = json.loads(rows[2].detail)
        assert export_row["asset"] == clip.id and export_row["sha256"] == clip.sha256
        assert export_row["reason"] == "核查纠纷现场" and export_row["masked"] is True
        assert export_row["from"].startswith(clip.started_at.isoformat()[:19])
        assert json.loads(rows[0].detail)["reason"] == "回看"
        assert store.read_sync(audit.verify) == []

    try:
        asyncio.run(scenario())
    finally:
        evidence.close()
        assert live.close().clean
    assert not any((tmp_path / "replay").glob("*.mp4")), "replays are deleted on close"


def test_unmasked_export_is_a_remux_and_masks_follow_zone_changes(
    store: Store, people: People, counter_clip_6s: Path, tmp_path: Path
) -> None:
    camera = add_camera(store, "34020000001320000002", counter_clip_6s.as_uri())
    live = LiveWallService(DecoderPool())
    evidence = EvidenceService(store, people.duty, live, tmp_path / "media")
    masks = MaskService(store, people.supervisor, evidence)
    with av.open(str(counter_clip_6s)) as container:
        source = {bytes(p) for p in container.demux(video=0) if p.size}

    async def scenario() -> None:
        live.open(camera, 320, 180)
        buffer = evidence.buffer_for(camera)
        assert buffer is not None
        await until(lambda: buffer.covered_seconds() >= 1.2 and tile_masked(live, camera) is False)
        end = utcnow()
        clip = await evidence.export_clip(camera, end - timedelta(seconds=1), end, reason="")
        assert file_sha256(clip.path) == clip.sha256
        with av.open(str(clip.path)) as container:
            stream = container.streams.video[0]
            assert stream.codec_context.name == "h264" and stream.width == 640
            written = [bytes(p) for p in container.demux(stream) if p.size]
        assert written and set(written) <= source  # the camera's own packets, not re-encoded

        # A mask drawn while the camera plays reaches its tile through the change feed.
        zone = await masks.add_zone(camera, ZoneKind.PRIVACY_MASK, WINDOW)
        await until(lambda: tile_masked(live, camera) is True)
        await masks.lift_mask(camera, reason="上级指令查看")
        await until(lambda: tile_masked(live, camera) is False)
        await masks.restore_mask(camera)
        await until(lambda: tile_masked(live, camera) is True)
        await masks.delete_zone(zone.id)
        await until(lambda: tile_masked(live, camera) is False)

    try:
        asyncio.run(scenario())
    finally:
        evidence.close()
        assert live.close().clean
