"""The shareable track: camera frames, then pushed pictures scaled and paced, then the camera."""

from __future__ import annotations

import asyncio
import threading
import time
from fractions import Fraction

import numpy as np
import pytest
from aiortc.contrib.media import MediaStreamError

from console.media.peer import VIDEO_CLOCK, GeneratedVideoTrack
from console.media.share_source import ShareableVideoTrack, fit_size

RED, TEAL = (220, 30, 30), (20, 160, 150)


def solid(width: int, height: int, rgb: tuple[int, int, int]) -> np.ndarray:
    return np.full((height, width, 3), rgb, np.uint8)


def centre_rgb(frame) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    image = frame.to_ndarray(format="rgb24")
    h, w = image.shape[:2]
    return tuple(int(c) for c in image[h // 2, w // 2])


def close_to(got: tuple[int, ...], want: tuple[int, int, int], tolerance: int = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(got, want, strict=True))


def test_fit_size_keeps_aspect_and_even_sides() -> None:
    assert fit_size(1920, 1080) == (1280, 720)
    assert fit_size(3840, 2160) == (1280, 720)
    assert fit_size(1000, 3000) == (240, 720)  # a portrait page: the height bounds it
    assert fit_size(2560, 1080) == (1280, 540)
    assert fit_size(333, 201) == (332, 200)  # small pictures are not enlarged, only evened
    assert fit_size(1, 1) == (2, 2)


def test_camera_then_pushed_pictures_then_camera_again() -> None:
    async def main() -> None:
        camera = GeneratedVideoTrack(320, 240, 30)
        track = ShareableVideoTrack(camera, fps=10)
        try:
            frame = await track.recv()
            assert (frame.width, frame.height) == (320, 240)
            assert track.last_sent_kind == "camera"

            # Pushing before a share is ignored; sharing with nothing pushed yet: the camera.
            track.push(solid(64, 64, TEAL))
            track.share()
            await track.recv()
            assert track.last_sent_kind == "camera" and track.pictures_pushed == 0

            # A full-HD screen arrives at 1280×720 in its own colour, on the camera's clock.
            before = frame.pts
            track.push(solid(1920, 1080, RED))
            frame = await track.recv()
            assert track.last_sent_kind == "share"
            assert (frame.width, frame.height) == (1280, 720)
            assert close_to(centre_rgb(frame), RED)
            assert frame.pts > before and frame.time_base == Fraction(1, VIDEO_CLOCK)

            # Re-sent at the share rate while nothing new comes: 5 frames take ≥ 4 intervals.
            started = time.monotonic()
            for _ in range(5):
                frame = await track.recv()
                assert track.last_sent_kind == "share" and close_to(centre_rgb(frame), RED)
            assert time.monotonic() - started >= 4 * track.interval_s - 0.02

            # A burst of pushes: only the latest is kept and sent, the rest counted as dropped.
            for i in range(100):
                track.push(solid(800, 1200, RED if i < 99 else TEAL), "rgb24")
            frame = await track.recv()
            assert close_to(centre_rgb(frame), TEAL)
            assert (frame.width, frame.height) == (480, 720)
            assert track.pictures_dropped == 99 and track.pictures_scaled == 2

            # BGRA straight from a Qt screen grab is taken as it is in memory.
            bgra = np.zeros((1080, 1920, 4), np.uint8)
            bgra[..., :3] = RED[::-1]
            bgra[..., 3] = 255
            track.push(bgra, "bgra")
            frame = await track.recv()
            assert close_to(centre_rgb(frame), RED)

            # Back to the camera: its own size and picture, and the share picture is gone.
            track.show_camera()
            frame = await track.recv()
            assert track.last_sent_kind == "camera" and (frame.width, frame.height) == (320, 240)
            track.share()
            await track.recv()
            assert track.last_sent_kind == "camera", "a new share never re-sends the old picture"
            track.show_camera()

            with pytest.raises(ValueError):
                track.push(np.zeros((10, 10), np.uint8))
            with pytest.raises(ValueError):
                track.push(solid(10, 10, RED), "bgra")
            with pytest.raises(ValueError):
                track.push(solid(10, 10, RED), "yuv420p")
        finally:
            track.stop()
        assert camera.readyState == "ended"
        with pytest.raises(MediaStreamError):
            await track.recv()
        assert not [t for t in threading.enumerate() if t.name.startswith("share-scale")]

    asyncio.run(main())
