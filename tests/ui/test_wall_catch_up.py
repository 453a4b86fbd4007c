"""A wall tile whose decoder cannot keep up with a live camera says that it skips frames to stay
live, and stops saying so once it keeps up (a real RTSP server; the overloaded machine is a
frame filter that sleeps)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from console.core.codes import CameraStatus
from console.core.tile_health import TileHealth
from console.media.clips import make_test_clip
from console.media.loopback_rtsp import RtspServer, gst_rtsp_available
from console.services.live_wall import LiveWallService
from console.store.models import Camera
from console.store.repos import cameras
from tests.ui.conftest import Workspace, open_wall, run_until

SLOW_FRAME_S = 0.08  # reads a 25 fps stream at half its speed

pytestmark = [
    pytest.mark.timeout(90),
    pytest.mark.skipif(not gst_rtsp_available(), reason="needs gst-rtsp-server (Debian)"),
]


def test_tile_says_it_skips_frames_to_stay_live(  # type: ignore[no-untyped-def]
    qtbot, qloop, workspace: Workspace, tmp_path: Path
) -> None:
    clip = make_test_clip(tmp_path / "lag.mp4", 320, 180, 25, 60.0, pattern="scene", label="LAG")
    server = RtspServer({"cam": clip})
    live = LiveWallService()
    panel = None
    try:

        def add(session):  # type: ignore[no-untyped-def]
            session.add(
                Camera(
                    device_id="34010000001320000099",
                    name="高架桥下",
                    name_initials="gjqx",
                    status=CameraStatus.ONLINE.code,
                    main_url=server.url("cam"),
                    sub_url=server.url("cam"),
                    sensitive=False,
                )
            )
            session.flush()
            return None, None

        workspace.store.write_sync(add)
        camera = workspace.store.read_sync(lambda s: cameras.search(s, "34010000001320000099"))[0]
        panel = open_wall(qtbot, workspace, live)
        panel.show_camera(camera, 0)
        tile = panel.tiles[0]
        run_until(qloop, lambda: tile.health is TileHealth.LIVE and tile.painted_frames > 5)
        assert "catching up" not in tile.status_text and "追赶" not in tile.status_text

        slow = threading.Event()

        def overloaded_machine(image: np.ndarray) -> np.ndarray:
            if slow.is_set():
                time.sleep(SLOW_FRAME_S)
            return image

        slow.set()

        def catching_up_shown() -> bool:
            # The wall's privacy-mask service sets its own filter once the camera's masks
            # are loaded, and the decode budget may reopen the camera on another stream:
            # keep our filter on whichever decoder shows the camera now.
            decoder = live.decoder_for(camera)
            if decoder is not None and decoder.frame_filter is not overloaded_machine:
                decoder.set_frame_filter(overloaded_machine)
            if decoder is not None:
                seen_stats.append(decoder.stats())
            return "catching up" in tile.status_text or "追赶" in tile.status_text

        seen_stats: list[object] = []
        try:
            run_until(qloop, catching_up_shown, timeout=20)
        except AssertionError:
            raise AssertionError(f"{tile.status_text!r}; decoder: {seen_stats[-1:]}") from None
        seen = tile.status_text
        assert tile.health is TileHealth.LIVE, seen
        assert "skipped" in seen or "跳帧" in seen, seen
        slow.clear()
        run_until(
            qloop,
            lambda: "catching up" not in tile.status_text and "追赶" not in tile.status_text,
            timeout=20,
        )
    finally:
        if panel is not None:
            panel.close_panel()
        assert live.close().clean
        server.stop()
