"""Outages against a real RTSP server: offline within 3 s, live again, and 50 cameras down."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from console.core.tile_health import OFFLINE_AFTER_S, TileHealth, classify
from console.media.clips import make_test_clip
from console.media.connection_gate import ConnectionGate
from console.media.decoder import CameraDecoder
from tests.media.conftest import RtspServer, wait_until

StartRtsp = Callable[..., RtspServer]
GONE_WITHIN_S = 3.0
FIFTY_GONE_WITHIN_S = 10.0
"""Fifty decoder threads noticing at once on two cores: the bound is on the cap, not speed
(seen: over 3 s on a loaded machine; one camera is still held to 3 s above)."""


@pytest.fixture(scope="module")
def long_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("outage") / "long.mp4"
    return make_test_clip(path, 320, 180, 25, 20.0, pattern="scene", label="OUTAGE")


def kill(server: RtspServer) -> None:
    """SIGKILL, as a crashing server or a pulled plug on the NVR: no goodbye."""
    server.process.kill()
    server.process.wait(5.0)
    server.stop()


def test_a_first_attempt_under_way_is_not_offline() -> None:
    slow = classify(
        connected=False,
        had_frame=False,
        seconds_without_frame=4 * OFFLINE_AFTER_S,
        identical_frames=0,
        auth_failed=False,
        attempts=0,
    )
    assert slow is TileHealth.CONNECTING
    failed = classify(
        connected=False,
        had_frame=True,
        seconds_without_frame=OFFLINE_AFTER_S,
        identical_frames=0,
        auth_failed=False,
        attempts=1,
    )
    assert failed is TileHealth.OFFLINE and OFFLINE_AFTER_S < GONE_WITHIN_S


def test_killed_server_goes_offline_within_3_s_and_comes_back_live(
    start_rtsp: StartRtsp, long_clip: Path
) -> None:
    server = start_rtsp({"cam": long_clip})
    # Production backoff (0.5 s doubling), so "offline" comes from time, not from a
    # burst of fast retries.
    decoder = CameraDecoder(
        "rtsp-outage",
        server.url("cam"),
        target_size=(160, 90),
        gate=ConnectionGate(4),
        rng=random.Random(3),
    )
    decoder.start()
    try:
        assert wait_until(lambda: decoder.stats().health is TileHealth.LIVE, 5.0)
        port = server.port
        killed_at = time.monotonic()
        kill(server)
        assert wait_until(lambda: decoder.stats().health is not TileHealth.LIVE, GONE_WITHIN_S)
        left_live_s = time.monotonic() - killed_at
        assert wait_until(lambda: decoder.stats().health is TileHealth.OFFLINE, GONE_WITHIN_S)
        offline_s = time.monotonic() - killed_at
        assert offline_s <= GONE_WITHIN_S, offline_s
        stats = decoder.stats()
        assert not stats.connected and stats.running
        assert stats.last_error is not None and "127.0.0.1" in stats.last_error
        print(f"left LIVE after {left_live_s:.2f} s, OFFLINE after {offline_s:.2f} s")
        start_rtsp({"cam": long_clip}, port=port)
        # The backoff ceiling is a few seconds by now; the decoder keeps trying.
        assert wait_until(lambda: decoder.stats().health is TileHealth.LIVE, 15.0)
    finally:
        decoder.stop()
        assert decoder.join(3.0)


def test_fifty_cameras_down_at_once_stay_under_the_connection_cap(
    start_rtsp: StartRtsp, long_clip: Path
) -> None:
    count, cap = 50, 4
    server = start_rtsp({f"cam{i}": long_clip for i in range(count)})
    gate = ConnectionGate(cap)
    decoders = [
        CameraDecoder(
            f"fifty-{i}",
            server.url(f"cam{i}"),
            target_size=(160, 90),
            gate=gate,
            rng=random.Random(i),
            backoff_base_s=0.1,
            backoff_cap_s=1.0,
        )
        for i in range(count)
    ]
    for decoder in decoders:
        decoder.start()
    try:

        def all_live() -> bool:
            return all(d.stats().health is TileHealth.LIVE for d in decoders)

        assert wait_until(all_live, 20.0, interval=0.1)
        granted_before = gate.granted
        port = server.port
        killed_at = time.monotonic()
        kill(server)

        # Each tile must say OFFLINE; not all at one instant, since with fifty retrying
        # under a cap of four some are always mid-attempt (shown as reconnecting).
        seen_offline: set[int] = set()

        def each_seen_offline() -> bool:
            seen_offline.update(
                i for i, d in enumerate(decoders) if d.stats().health is TileHealth.OFFLINE
            )
            return len(seen_offline) == count

        def never_offline() -> list[str]:
            return [
                f"{i}: {s.health.value} connected={s.connected} behind={s.behind_s:.1f}s "
                f"fails={s.failed_attempts} error={s.last_error!r}"
                for i, s in ((i, decoders[i].stats()) for i in range(count))
                if i not in seen_offline
            ]

        assert wait_until(each_seen_offline, FIFTY_GONE_WITHIN_S, interval=0.05), never_offline()
        print(f"all fifty seen OFFLINE within {time.monotonic() - killed_at:.2f} s")
        # Every camera retried, yet never more than the cap were connecting at once.
        assert wait_until(lambda: gate.granted >= granted_before + 2 * count, 10.0)
        assert gate.max_active <= cap
        start_rtsp({f"cam{i}": long_clip for i in range(count)}, port=port)
        assert wait_until(all_live, 30.0, interval=0.1)
        assert gate.max_active <= cap
    finally:
        for decoder in decoders:
            decoder.stop()
        assert all(d.join(6.0) for d in decoders)
    assert gate.active == 0
