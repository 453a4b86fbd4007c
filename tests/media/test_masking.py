"""Privacy masks: the tile filter, full-size stills, and exports with the mask burnt in."""

from __future__ import annotations

import time
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from console.core.zones import Polygon
from console.media.clips import make_test_clip
from console.media.masking import MaskPainter, export_masked_mp4, mask_image, pixel_polygons
from console.media.replay_buffer import ReplayBuffer

SQUARE: Polygon = ((0.1, 0.1), (0.5, 0.1), (0.5, 0.5), (0.1, 0.5))
TRIANGLE: Polygon = ((0.6, 0.6), (0.95, 0.6), (0.8, 0.95))
# Away from the edges: chroma subsampling and the encoder blur a polygon's border a little.
EROSION_PX = 4


@pytest.fixture(scope="module")
def scene_640(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_test_clip(tmp_path_factory.mktemp("mask") / "scene.mp4", 640, 360, 25, 2.0)


def inside(polygons: list[Polygon], width: int, height: int, erode: int = 0) -> np.ndarray:
    mask = np.zeros((height, width), np.uint8)
    cv2.fillPoly(mask, pixel_polygons(polygons, width, height), 255)
    if erode:
        mask = np.asarray(
            cv2.erode(mask, np.ones((2 * erode + 1, 2 * erode + 1), np.uint8)), np.uint8
        )
    return mask > 0


def test_tile_filter_paints_solid_masks_cheaply() -> None:
    rng = np.random.default_rng(1)
    image = rng.integers(30, 255, (270, 480, 4), dtype=np.uint8)
    original = image.copy()
    painter = MaskPainter([SQUARE, TRIANGLE])
    out = painter(image)
    covered = inside([SQUARE, TRIANGLE], 480, 270)
    assert (out[covered][:, :3] == 0).all() and (out[covered][:, 3] == 255).all()
    assert (out[~covered] == original[~covered]).all()

    frames = [rng.integers(0, 255, (270, 480, 4), dtype=np.uint8) for _ in range(8)]
    began = time.perf_counter()
    for i in range(400):
        painter(frames[i % len(frames)])
    per_frame_us = (time.perf_counter() - began) / 400 * 1e6
    print(f"mask filter 480x270, 2 polygons: {per_frame_us:.1f} us/frame")
    assert per_frame_us < 500  # measured ~20 us; the bound only catches a per-pixel loop


def test_read_only_tiles_are_copied_not_failed() -> None:
    image = np.full((90, 160, 4), 200, np.uint8)
    image.flags.writeable = False
    out = MaskPainter([SQUARE])(image)
    assert out is not image and out[20, 30, 0] == 0 and image[20, 30, 0] == 200


def test_no_masks_leaves_the_picture_alone() -> None:
    image = np.full((90, 160, 4), 200, np.uint8)
    assert MaskPainter([])(image) is image
    assert (mask_image(image, []) == 200).all()


def test_full_size_still_is_masked_at_its_own_scale() -> None:
    image = np.full((1080, 1920, 3), 180, np.uint8)
    out = mask_image(image, [SQUARE])
    covered = inside([SQUARE], 1920, 1080)
    assert (out[covered] == 0).all() and (out[~covered] == 180).all()


def buffered(clip: Path) -> ReplayBuffer:
    buffer = ReplayBuffer()
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        for packet in container.demux(stream):
            if packet.size:
                buffer.feed(packet, stream)
    return buffer


def test_masked_export_has_the_mask_in_every_frame(scene_640: Path, tmp_path: Path) -> None:
    buffer = buffered(scene_640)
    segment = buffer.segment()
    assert segment is not None
    began = time.perf_counter()
    info = export_masked_mp4(segment, tmp_path / "masked.mp4", [SQUARE, TRIANGLE])
    print(
        f"masked export of {segment.duration_s:.1f} s 640x360: {time.perf_counter() - began:.2f} s"
    )
    covered = inside([SQUARE, TRIANGLE], 640, 360, erode=EROSION_PX)
    uncovered = ~inside([SQUARE, TRIANGLE], 640, 360)
    with av.open(str(info.path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        frames = [f.to_ndarray(format="bgr24") for f in container.decode(stream)]
    assert len(frames) == info.frames == 50
    for image in frames:
        masked = image[covered]
        # Black, give or take the encoder's ringing next to a slanted edge.
        assert masked.mean() < 3 and np.percentile(masked, 99.9) <= 16 and masked.max() <= 40
        assert image[uncovered].mean() > 60  # the rest of the picture is still there


def test_export_without_masks_is_a_remux(scene_640: Path, tmp_path: Path) -> None:
    buffer = buffered(scene_640)
    segment = buffer.segment()
    assert segment is not None
    info = export_masked_mp4(segment, tmp_path / "plain.mp4", [])
    with av.open(str(info.path)) as container:
        stream = container.streams.video[0]
        written = [bytes(p) for p in container.demux(stream) if p.size]
    assert written == [p.data for p in segment.packets]
