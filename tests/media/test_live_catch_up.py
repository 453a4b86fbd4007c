"""A live decoder that cannot keep up skips to key frames instead of showing ever older video."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from console.core.live_lag import CATCH_UP_AFTER_S
from console.media.clips import make_test_clip
from console.media.connection_gate import ConnectionGate
from console.media.decoder import CameraDecoder
from tests.media.conftest import RtspServer, wait_until

StartRtsp = Callable[..., RtspServer]
# The stream is 25 fps (40 ms a frame); this much work per frame reads at half speed, so
# without catching up the tile would fall half a second further behind every second.
SLOW_FRAME_S = 0.08


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("catch_up") / "street.mp4"
    return make_test_clip(path, 320, 180, 25, 15.0, pattern="scene", label="LAG")


def test_a_slow_reader_catches_up_on_key_frames_and_stays_near_live(
    start_rtsp: StartRtsp, clip: Path
) -> None:
    server = start_rtsp({"cam": clip})
    slow = threading.Event()

    def overloaded_machine(image: np.ndarray) -> np.ndarray:
        if slow.is_set():
            time.sleep(SLOW_FRAME_S)
        return image

    decoder = CameraDecoder(
        "catch-up",
        server.url("cam"),
        target_size=(160, 90),
        gate=ConnectionGate(2),
        rng=random.Random(1),
    )
    decoder.set_frame_filter(overloaded_machine)
    decoder.start()
    try:
        assert wait_until(lambda: decoder.stats().frames_delivered >= 10, 10.0)
        assert not decoder.stats().catching_up
        slow.set()
        assert wait_until(lambda: decoder.stats().catching_up, 8.0), decoder.stats()
        skipped_at_start = decoder.stats().frames_skipped_late
        delivered_at_start = decoder.stats().frames_delivered
        worst = 0.0

        def back_to_every_frame() -> bool:
            nonlocal worst
            stats = decoder.stats()
            worst = max(worst, stats.behind_s)
            return not stats.catching_up

        assert wait_until(back_to_every_frame, 8.0, interval=0.02), decoder.stats()
        stats = decoder.stats()
        assert stats.frames_skipped_late > skipped_at_start
        assert stats.frames_delivered > delivered_at_start  # key frames kept the tile live
        assert stats.connects == 1  # caught up on the same connection, no reopen
        # Bounded: at most the catch-up threshold plus one key-frame interval of reading.
        assert worst < CATCH_UP_AFTER_S + 1.5, worst
        slow.clear()
        assert wait_until(lambda: decoder.stats().behind_s < 0.5, 8.0), decoder.stats()
    finally:
        decoder.stop()
        assert decoder.join(6.0)
