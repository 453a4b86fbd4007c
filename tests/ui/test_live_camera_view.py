"""LiveCameraView (a walkthrough's camera slide): a real clip live and large, audited once,
closed without touching the wall's own feed of the same camera."""

from __future__ import annotations

import asyncio

from console.core.tile_health import TileHealth
from console.services.live_wall import LiveWallService
from console.ui.widgets.live_camera_view import LiveCameraView


def test_the_view_plays_its_camera_audits_once_and_closes_only_its_own_feed(  # type: ignore[no-untyped-def]
    qtbot, qloop, wall_cameras
) -> None:
    camera = wall_cameras["1"]
    wall, slide = LiveWallService(), LiveWallService()
    audited: list[str] = []

    async def audit() -> None:
        audited.append(camera.device_id)

    try:
        # The wall shows the same camera: the slide must not take it off the wall.
        assert wall.open(camera, 320, 180) is not None
        view = LiveCameraView(slide, camera, audit)
        qtbot.addWidget(view)
        view.resize(640, 360)
        view.show()
        qtbot.waitExposed(view)
        qtbot.waitUntil(lambda: view.tile.painted_frames >= 5, timeout=10_000)
        picture = view.tile.current_image()
        assert picture is not None and not picture.isNull()
        # Decoded for the view's own size (the tile fills it), not for the wall's tile.
        stats = slide.stats(camera)
        assert stats is not None and stats.target_size == (view.width(), view.height())
        qtbot.waitUntil(lambda: "fps" in view.tile.status_text, timeout=5_000)
        assert view.tile.health is TileHealth.LIVE
        assert audited == [camera.device_id]

        decoder = slide.decoder_for(camera)
        assert decoder is not None and decoder.is_alive()
        view.close()
        assert slide.decoder_for(camera) is None  # its feed is closed
        assert decoder.join(3.0), "closing the view stops its decoder"
        wall_stats = wall.stats(camera)
        assert wall_stats is not None and wall_stats.running
        assert audited == [camera.device_id]  # viewing once is one audit row, not one a frame
    finally:
        assert slide.close().clean
        assert wall.close().clean


def test_a_camera_without_a_stream_says_so_and_is_not_audited(  # type: ignore[no-untyped-def]
    qtbot, qloop, wall_cameras
) -> None:
    camera = wall_cameras["3"]  # no URL configured
    slide = LiveWallService()
    audited: list[str] = []

    async def audit() -> None:
        audited.append(camera.device_id)

    try:
        view = LiveCameraView(slide, camera, audit)
        qtbot.addWidget(view)
        view.show()
        assert not view.open
        assert camera.name in view.tile.status_text
        assert not view.tile.attached
        assert slide.stats(camera) is None
        qloop.run_until_complete(asyncio.sleep(0.05))
        assert audited == []
        view.close()
    finally:
        assert slide.close().clean
