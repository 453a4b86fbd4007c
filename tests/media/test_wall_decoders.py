"""DecoderPool: decoders by camera code, non-blocking stop, and a clean close."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.media.connection_gate import ConnectionGate
from console.media.frame_slot import LatestFrameSlot
from console.media.wall_decoders import DecoderPool
from tests.media.conftest import decode_threads, wait_until
from tests.media.peers import SilentServer


def test_start_reuse_replace_and_close(scene_clip: Path, counter_clip: Path) -> None:
    pool = DecoderPool(ConnectionGate(4))
    slots = {code: LatestFrameSlot() for code in ("c1", "c2", "c3")}
    for code, slot in slots.items():
        pool.start(code, str(scene_clip), slot, target_size=(160, 90))
    assert sorted(pool.codes()) == ["c1", "c2", "c3"]
    assert wait_until(lambda: all(s.produced > 0 for s in slots.values()), 5.0)

    first = pool.get("c1")
    assert pool.start("c1", str(scene_clip), target_size=(320, 180)) is first
    assert first is not None and first.target_size == (320, 180)

    replaced = pool.start("c1", str(counter_clip), slots["c1"], target_size=(160, 90))
    assert replaced is not first
    assert first.join(2.0), "a replaced decoder is stopped"
    assert pool.reap() == 0

    pool.set_target_size("c2", 0, 0)
    assert pool.stats()["c2"].paused

    assert pool.stop("c3") and not pool.stop("c3")
    assert sorted(pool.codes()) == ["c1", "c2"]

    report = pool.close(timeout=3.0)
    assert report.clean, report.leftovers
    assert sorted(report.joined) == ["decode-c1", "decode-c2", "decode-c3"]
    assert not decode_threads()
    with pytest.raises(RuntimeError):
        pool.start("c4", str(scene_clip))


def test_close_reports_threads_that_outlive_the_deadline(silent_server: SilentServer) -> None:
    # A decoder stuck inside av.open on a silent camera ends only at its open timeout.
    with DecoderPool(ConnectionGate(4), open_timeout_s=1.0) as pool:
        decoder = pool.start("mute", silent_server.url(), target_size=(160, 90))
        assert wait_until(lambda: decoder.stats().connects == 1, 2.0)
        report = pool.close(timeout=0.05)
        assert report.leftovers == ("decode-mute",)
        assert decoder.join(2.0), "the open timeout still ends it"
