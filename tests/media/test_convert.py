"""Frame conversion to tile-sized BGRA: exact sizes, both paths, matching colours."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from console.media.convert import (
    DECIMATE,
    SWSCALE,
    FrameConverter,
    decimate_to_bgra,
    decimation_factor,
)


def frames(path: Path, count: int = 3) -> list[av.VideoFrame]:
    with av.open(str(path)) as container:
        return [f for _, f in zip(range(count), container.decode(video=0), strict=False)]


@pytest.mark.parametrize(
    "size", [(320, 180), (160, 90), (300, 170), (161, 91), (640, 360), (480, 270), (1280, 720)]
)
@pytest.mark.parametrize("mode", ["auto", DECIMATE, SWSCALE])
def test_output_is_exactly_the_target_size(
    scene_clip: Path, size: tuple[int, int], mode: str
) -> None:
    converter = FrameConverter(mode)
    image = converter.convert(frames(scene_clip, 1)[0], *size)
    assert image.shape == (size[1], size[0], 4)
    assert image.dtype == np.uint8
    # Each row's pixels are contiguous (Qt takes the row stride); rows may be padded.
    assert image.strides[1:] == (4, 1) and image.strides[0] >= size[0] * 4
    assert (image[..., 3] == 255).all()  # Qt's RGB32 wants opaque pixels


def test_auto_picks_decimation_for_4_2_0_at_any_size(scene_clip: Path) -> None:
    # OpenCV's conversion plus resize measured faster than swscale at every size, and
    # several times faster at odd widths, which a wall's tiles often have.
    frame = frames(scene_clip, 1)[0]
    converter = FrameConverter()
    for size, path in [
        ((320, 180), DECIMATE),
        ((640, 360), DECIMATE),
        ((200, 112), DECIMATE),
        ((480, 270), DECIMATE),
        ((479, 269), DECIMATE),
        ((1280, 720), DECIMATE),
    ]:
        converter.convert(frame, *size)
        assert converter.last_path == path, size


# Cropped (320x180, 318x178) and resized (300x170, 161x91, 479x269) paths, each with its
# rows padded for OpenCV's vectorised conversion: a resize that wrote anywhere but into the
# padded buffer would leave garbage where the bars should be.
@pytest.mark.parametrize("size", [(320, 180), (318, 178), (300, 170), (161, 91), (479, 269)])
def test_decimation_colours_match_swscale(bars_clip: Path, size: tuple[int, int]) -> None:
    frame = frames(bars_clip, 1)[0]
    w, h = size
    fast = decimate_to_bgra(frame, w, h).astype(int)
    reference = FrameConverter(SWSCALE).convert(frame, w, h).astype(int)
    # Compare inside the bars; edges differ by design (point sampling vs bilinear).
    half = max(2, w // 40)
    for k in range(8):
        x = k * w // 8 + w // 16
        inside = (slice(h // 9, h * 5 // 9), slice(x - half, x + half))
        assert np.abs(fast[inside] - reference[inside]).max() <= 6, (size, k)


def test_decimation_factor() -> None:
    assert decimation_factor(640, 360, 320, 180) == 2
    assert decimation_factor(1920, 1080, 480, 270) == 4
    assert decimation_factor(640, 360, 300, 170) == 2
    assert decimation_factor(640, 360, 1280, 720) == 1


def test_bad_sizes_and_modes_are_refused(scene_clip: Path) -> None:
    with pytest.raises(ValueError):
        FrameConverter("nearest")
    with pytest.raises(ValueError):
        FrameConverter().convert(frames(scene_clip, 1)[0], 0, 0)
