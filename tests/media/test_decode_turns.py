"""Decode turns: at most `limit` decoders convert at once, and every camera still plays."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from console.media.connection_gate import ConnectionGate
from console.media.decode_turns import DecodeTurns, default_limit
from console.media.decoder import CameraDecoder
from tests.media.conftest import wait_until


def test_one_turn_lets_one_decoder_convert_at_a_time_and_all_of_them_play(
    scene_clip: Path,
) -> None:
    turns = DecodeTurns(1)
    lock = threading.Lock()
    inside = [0]
    most = [0]
    frames: dict[str, int] = {}

    def watching(code: str):  # type: ignore[no-untyped-def]
        def frame_filter(image: np.ndarray) -> np.ndarray:
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
                frames[code] = frames.get(code, 0) + 1
            # Long enough that three unturned decoders would overlap here.
            threading.Event().wait(0.005)
            with lock:
                inside[0] -= 1
            return image

        return frame_filter

    decoders = [
        CameraDecoder(
            f"turn-{i}", str(scene_clip), target_size=(160, 90), gate=ConnectionGate(4), turns=turns
        )
        for i in range(3)
    ]
    for decoder in decoders:
        decoder.set_frame_filter(watching(decoder.camera_code))
        decoder.start()
    try:
        assert wait_until(lambda: all(frames.get(d.camera_code, 0) >= 20 for d in decoders), 10.0)
    finally:
        for decoder in decoders:
            decoder.stop()
        assert all(decoder.join(5.0) for decoder in decoders)
    assert most[0] == 1


def test_limits() -> None:
    assert default_limit(2) == 2 and default_limit(0) == 1
    with pytest.raises(ValueError):
        DecodeTurns(0)
