"""LiveWallService under the decode budget: main/sub switches keep the slot, rates apply."""

from __future__ import annotations

import dataclasses
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from console.core.codes import CameraStatus
from console.core.decode_budget import Stream, TileRole
from console.core.records import CameraRecord
from console.media.clips import make_test_clip
from console.media.connection_gate import ConnectionGate
from console.media.decoder import CameraDecoder, DecoderStats
from console.media.wall_decoders import DecoderPool
from console.services.live_wall import (
    MIN_FRAMES_FOR_COST,
    CostMeter,
    LiveWallService,
    ScreenTile,
)
from tests.media.conftest import wait_until


@pytest.fixture(scope="module")
def main_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("main") / "main.mp4"
    return make_test_clip(path, 1280, 720, 25, 1.0, pattern="scene", label="MAIN")


def camera(code: str, sub: Path | None, main: Path | None) -> CameraRecord:
    return CameraRecord(
        id=1,
        device_id=code,
        name=code,
        address="",
        region_id=None,
        status=CameraStatus.ONLINE,
        main_url=str(main) if main else None,
        sub_url=str(sub) if sub else None,
        sensitive=False,
        longitude=None,
        latitude=None,
    )


def test_focus_switches_to_main_and_back_keeping_slot_and_attachers(
    scene_clip: Path, main_clip: Path
) -> None:
    live = LiveWallService(DecoderPool(ConnectionGate(4)), budget_cores=4.0)
    attached: list[tuple[str, CameraDecoder]] = []
    live.add_attacher(lambda cam, dec: attached.append((cam.device_id, dec)))
    cam = camera("cam-ms", scene_clip, main_clip)
    try:
        feed = live.open(cam, 320, 180)
        assert feed is not None and live.stream_of(cam) is Stream.SUB
        assert wait_until(lambda: feed.slot.produced > 0, 5.0)
        sub_decoder = live.decoder_for(cam)
        assert attached == [("cam-ms", sub_decoder)]

        # Enlarged and focused: bigger than the 640x360 sub picture, so the main stream.
        plan = live.apply_budget([ScreenTile(cam, 960, 540, TileRole.FOCUSED)])
        assert plan.tiles[0].stream is Stream.MAIN and plan.tiles[0].label == "主码流 全帧率"
        main_decoder = live.decoder_for(cam)
        assert main_decoder is not sub_decoder and main_decoder is not None
        assert main_decoder.slot is feed.slot, "the tile stays attached to the same slot"
        assert attached[-1] == ("cam-ms", main_decoder) and len(attached) == 2
        assert live.stream_of(cam) is Stream.MAIN
        # The wall re-opening its page keeps the stream the budget chose.
        assert live.open(cam, 960, 540) is not None
        assert live.decoder_for(cam) is main_decoder and len(attached) == 2

        def main_frame() -> bool:
            frame = feed.slot.take()
            return frame is not None and frame.image.shape == (540, 960, 4)

        assert wait_until(main_frame, 5.0)
        assert wait_until(lambda: main_decoder.stats().source_size == (1280, 720), 3.0)
        assert sub_decoder is not None and sub_decoder.join(3.0), "the sub decoder stopped"

        # Back to a small tile: the sub stream again, same slot, attachers told again.
        plan = live.apply_budget([ScreenTile(cam, 320, 180, TileRole.FOCUSED)])
        assert plan.tiles[0].stream is Stream.SUB
        again = live.decoder_for(cam)
        assert again is not main_decoder and again is not None and again.slot is feed.slot
        assert attached[-1] == ("cam-ms", again) and len(attached) == 3
        assert live.plan_for(cam) == plan.tiles[0]
    finally:
        report = live.close()
    assert report.clean, report.leftovers


def test_overload_caps_background_and_hidden_or_unlisted_tiles_pause(scene_clip: Path) -> None:
    live = LiveWallService(DecoderPool(ConnectionGate(4)), budget_cores=4.0)
    cams = [camera(f"cam-b{i}", scene_clip, None) for i in range(4)]
    try:
        tiles = [ScreenTile(c, 320, 180, TileRole.BACKGROUND) for c in cams[:3]]
        tiles.append(ScreenTile(cams[3], 320, 180, TileRole.HIDDEN))
        plan = live.apply_budget(tiles)
        assert [t.paused for t in plan.tiles] == [False, False, False, True]
        assert live.decoder_for(cams[3]) is None, "a hidden tile is not even opened"
        for cam in cams[:3]:
            decoder = live.decoder_for(cam)
            assert decoder is not None and decoder.max_fps is None
        # A budget far too small: the background goes down to key frames.
        live.set_budget_cores(0.001)
        plan = live.apply_budget(tiles)
        assert plan.overloaded
        assert all(t.keyframes_only for t in plan.tiles[:3])
        for cam in cams[:3]:
            decoder = live.decoder_for(cam)
            assert decoder is not None and decoder.keyframes_only
        assert live.plan_for(cams[0]) is not None
        assert live.plan_for(cams[0]).label == "子码流 仅关键帧"  # type: ignore[union-attr]
        # Costs are learnt from the running decoders.
        live.set_budget_cores(4.0)
        first = live.decoder_for(cams[0])
        assert first is not None
        assert wait_until(lambda: first.stats().frames_decoded > 0, 3.0)
        live.apply_budget(tiles[1:3])  # cam-b0 is no longer listed: paused
        assert first.target_size == (0, 0)
        assert wait_until(lambda: first.stats().paused, 2.0)
    finally:
        report = live.close()
    assert report.clean, report.leftovers


def test_a_camera_with_only_a_main_stream_plays_it(scene_clip: Path) -> None:
    live = LiveWallService(DecoderPool(ConnectionGate(4)), budget_cores=4.0)
    cam = camera("cam-only-main", None, scene_clip)
    try:
        plan = live.apply_budget([ScreenTile(cam, 320, 180, TileRole.VISIBLE)])
        assert plan.tiles[0].stream is Stream.MAIN
        decoder = live.decoder_for(cam)
        assert decoder is not None and decoder.url == str(scene_clip)
        live.apply_budget([ScreenTile(cam, 320, 180, TileRole.VISIBLE)])
        assert live.decoder_for(cam) is decoder, "no reopen when nothing changed"
        assert live.open(camera("none", None, None), 320, 180) is None
    finally:
        assert live.close().clean


def test_cost_meter_learns_per_frame_costs_over_long_enough_windows(scene_clip: Path) -> None:
    # Never started: all counters zero.
    base = CameraDecoder("meter", str(scene_clip), target_size=(320, 180)).stats()

    def at(frames: int, cpu: float, deliver: float, **more: object) -> DecoderStats:
        return dataclasses.replace(
            base,
            frames_decoded=frames,
            frames_delivered=frames,
            cpu_s=cpu,
            deliver_cpu_s=deliver,
            source_size=(640, 360),
            **more,  # type: ignore[arg-type]
        )

    meter = CostMeter()
    meter.observe("c", Stream.SUB, 1, at(0, 0.0, 0.0))
    meter.observe("c", Stream.SUB, 1, at(MIN_FRAMES_FOR_COST // 2, 0.01, 0.005))
    assert meter.cost("c", Stream.SUB) is None, "half a window says too little"
    meter.observe("c", Stream.SUB, 1, at(MIN_FRAMES_FOR_COST, 0.03, 0.01))
    cost = meter.cost("c", Stream.SUB)
    assert cost is not None
    assert cost.decode_s == pytest.approx(0.02 / MIN_FRAMES_FOR_COST)
    assert cost.deliver_s == pytest.approx(0.01 / MIN_FRAMES_FOR_COST)
    assert meter.size("c", Stream.SUB) == (640, 360)
    # Key frames only decodes a different mix: it does not teach the full decode cost.
    n = MIN_FRAMES_FOR_COST
    meter.observe("c", Stream.SUB, 1, at(2 * n, 1.03, 0.02, keyframes_only=True))
    assert meter.cost("c", Stream.SUB).decode_s == cost.decode_s  # type: ignore[union-attr]
    # A new decoder (a reopen) starts a new baseline rather than a bogus difference.
    meter.observe("c", Stream.SUB, 2, at(0, 0.0, 0.0))
    meter.forget("c")
    assert meter.cost("c", Stream.SUB) is None and meter.size("c", Stream.SUB) is None


def test_decoders_falling_behind_cap_the_budget_until_they_keep_up(scene_clip: Path) -> None:
    """Measured lateness closes the loop the cost estimates leave open: a sleeping frame
    filter costs no CPU, so only the decoders' late frames can tell the budget."""
    live = LiveWallService(DecoderPool(ConnectionGate(4)), budget_cores=0.5)
    cams = [camera(f"cam-o{i}", scene_clip, None) for i in range(4)]
    tiles = [ScreenTile(c, 320, 180, TileRole.BACKGROUND) for c in cams]
    slow = threading.Event()
    slow.set()

    def slow_filter(image: np.ndarray) -> np.ndarray:
        if slow.is_set():
            time.sleep(0.07)  # 70 ms per frame of a 25 fps clip: falls behind, 40 ms each
        return image

    try:
        plan = live.apply_budget(tiles)
        assert all(t.max_fps is None and not t.keyframes_only for t in plan.tiles)
        for cam in cams:
            decoder = live.decoder_for(cam)
            assert decoder is not None
            decoder.set_frame_filter(slow_filter)

        def capped_and_slowed() -> bool:
            plan = live.apply_budget(tiles)
            slowed = any(t.max_fps is not None or t.keyframes_only for t in plan.tiles)
            return live.overload_cap is not None and slowed

        assert wait_until(capped_and_slowed, 30.0, interval=0.25)
        cap = live.overload_cap
        assert cap is not None and cap < 0.5 and live.plan is not None
        assert live.plan.budget_cores == cap, "the plan was made within the cap"
        late = sum(s.frames_skipped_late for s in (live.stats(c) for c in cams) if s)
        assert late > 0

        # Fast again: after a few calm looks the cap grows back and goes.
        slow.clear()

        def lifted() -> bool:
            plan = live.apply_budget(tiles)
            full = all(t.max_fps is None and not t.keyframes_only for t in plan.tiles)
            return live.overload_cap is None and full

        assert wait_until(lifted, 40.0, interval=0.25)
        assert live.plan is not None and live.plan.budget_cores == 0.5
    finally:
        report = live.close()
    assert report.clean, report.leftovers
