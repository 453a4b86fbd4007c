"""The caller's voice on ALSA: played in real time, bounded, muted on hold, missing device said."""

from __future__ import annotations

import threading

import av
import numpy as np

from console.media.audio_out import QUEUE_FRAMES, AudioPlayer, PlaybackProblem


def _opus_like_frames(count: int) -> list[av.AudioFrame]:
    """What aiortc's Opus decoder hands over: 20 ms of s16 stereo at 48 kHz."""
    frames = []
    for i in range(count):
        t = (np.arange(960) + i * 960) / 48_000
        tone = (np.sin(2 * np.pi * 440 * t) * 3000).astype(np.int16)
        stereo = np.repeat(tone, 2).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(stereo, format="s16", layout="stereo")
        frame.sample_rate = 48_000
        frame.pts = i * 960
        frames.append(frame)
    return frames


def test_plays_on_the_null_device_and_stops() -> None:
    """ALSA's null device takes the samples without a sound card (none on these machines)."""
    player = AudioPlayer("null", name="audio-out-test")
    player.start()
    played = threading.Event()
    try:
        for frame in _opus_like_frames(10):
            player.push(frame)
        # Event-driven: poll the counter with a bounded wait on an event that never fires.
        for _ in range(200):
            if player.frames_played == 10:
                played.set()
                break
            played.wait(0.02)
        assert played.is_set(), player.frames_played
        assert player.problem is None and player.frames_dropped == 0
        player.muted = True  # on hold: nothing more reaches the speaker
        for frame in _opus_like_frames(5):
            player.push(frame)
        played.wait(0.3)
        assert player.frames_played == 10
    finally:
        player.stop()
    assert "audio-out-test" not in {t.name for t in threading.enumerate()}


def test_a_writer_that_falls_behind_drops_the_oldest() -> None:
    player = AudioPlayer("null")  # never started: nothing drains the hand-off
    for frame in _opus_like_frames(QUEUE_FRAMES + 7):
        player.push(frame)
    assert player.frames_dropped == 7


def test_a_missing_device_is_reported_once() -> None:
    told = threading.Event()
    problems: list[PlaybackProblem] = []

    def on_problem(problem: PlaybackProblem) -> None:
        problems.append(problem)
        told.set()

    player = AudioPlayer("hw:97,0", on_problem=on_problem)
    player.start()
    for frame in _opus_like_frames(3):
        player.push(frame)
    assert told.wait(10)
    player.stop()
    assert problems == [PlaybackProblem.NO_DEVICE]
    player.push(_opus_like_frames(1)[0])  # after a problem, frames are not even queued
    assert player.frames_dropped == 0
