"""The evidence player on real files: accurate seek, frame steps across a key frame, speed."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from console.media.clips import make_test_clip, read_frame_counter
from console.media.evidence_player import EvidencePlayer
from console.media.frame_slot import Frame
from console.media.stills import write_jpeg
from tests.media.conftest import wait_until

FPS = 25


@pytest.fixture(scope="module")
def counter_2s(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Key frames every second (frames 0 and 25): stepping back from 25 crosses one.
    path = tmp_path_factory.mktemp("ev") / "counter_2s.mp4"
    return make_test_clip(path, 320, 240, FPS, 2.0, pattern="counter")


@pytest.fixture
def player(counter_2s: Path) -> Iterator[EvidencePlayer]:
    p = EvidencePlayer(counter_2s, name="test")
    p.start()
    yield p
    assert p.close(5.0), "the player thread did not end"


def _shown(player: EvidencePlayer, frame_no: int) -> Frame:
    """Wait until the slot holds the picture of `frame_no` (by its barcode) and return it."""
    seen: list[Frame] = []

    def arrived() -> bool:
        f = player.slot.peek()
        if f is not None and read_frame_counter(f.image) == frame_no:
            seen.append(f)
            return True
        return False

    last = player.slot.peek()
    got = None if last is None else read_frame_counter(last.image)
    assert wait_until(arrived, 5.0), f"frame {frame_no} never shown; last was {got}"
    return seen[-1]


def test_opens_paused_on_the_first_frame_on_a_named_thread(player: EvidencePlayer) -> None:
    f = _shown(player, 0)
    assert f.image.shape == (240, 320, 4) and f.pts_s == 0.0
    st = player.state
    assert st.opened and not st.playing and not st.still and st.error == ""
    assert st.fps == FPS and st.duration_ms == 1960  # 50 frames: the last starts at 1.96 s
    assert player.thread_name in {t.name for t in threading.enumerate()}
    assert player.thread_name == "evidence-player-test"


@pytest.mark.parametrize(("ms", "frame_no"), [(1000, 25), (1480, 37), (1010, 25), (40, 1)])
def test_seek_lands_on_the_frame_of_that_time(
    player: EvidencePlayer, ms: int, frame_no: int
) -> None:
    _shown(player, 0)
    player.seek(ms)
    f = _shown(player, frame_no)
    assert f.pts_s == pytest.approx(frame_no / FPS, abs=1e-6)
    assert wait_until(lambda: player.state.position_ms == round(frame_no * 1000 / FPS))


def test_seek_past_the_end_shows_the_last_frame(player: EvidencePlayer) -> None:
    _shown(player, 0)
    player.seek(60_000)
    _shown(player, 49)


def test_frame_steps_forward_and_back_across_a_key_frame(player: EvidencePlayer) -> None:
    _shown(player, 0)
    player.seek(960)
    _shown(player, 24)
    for expected in (25, 26):
        player.step(+1)
        _shown(player, expected)
    for expected in (25, 24, 23):  # 25 is a key frame: 24 needs decoding from frame 0
        player.step(-1)
        _shown(player, expected)
    player.seek(0)
    _shown(player, 0)
    player.step(-1)  # nothing before the first frame
    player.step(+1)
    _shown(player, 1)


def test_play_follows_the_clock_times_the_speed_and_stops_at_the_end(
    player: EvidencePlayer,
) -> None:
    _shown(player, 0)
    player.seek(1000)
    _shown(player, 25)
    player.set_speed(4.0)
    began = time.monotonic()
    player.play()
    assert wait_until(lambda: player.state.playing, 3.0)
    assert wait_until(lambda: player.state.ended and not player.state.playing, 5.0)
    took = time.monotonic() - began
    # 24 frames of 40 ms at 4x: 0.24 s of wall clock at least; never faster than the clock.
    assert took >= 0.2, took
    _shown(player, 49)
    assert player.state.speed == 4.0
    player.set_speed(100)  # clamped
    player.play()  # from the end it starts again at the beginning
    assert wait_until(lambda: player.state.speed == 4.0 and player.state.playing, 3.0)
    player.pause()
    assert wait_until(lambda: not player.state.playing, 3.0)
    paused_at = player.state.position_ms
    assert paused_at < 1960
    n = round(paused_at * FPS / 1000)
    _shown(player, n)  # the picture is the paused position's, even if it was late
    player.step(+1)  # the frame decoded ahead while playing is not lost
    _shown(player, n + 1)
    player.set_speed(0.25)
    player.play()
    assert wait_until(lambda: player.state.position_ms > paused_at + 40, 3.0)
    player.pause()
    assert wait_until(lambda: not player.state.playing, 3.0)
    n = round(player.state.position_ms * FPS / 1000)
    player.step(-1)
    _shown(player, n - 1)


def test_a_jpeg_is_a_still_and_ignores_motion(tmp_path: Path) -> None:
    picture = np.zeros((120, 160, 3), np.uint8)
    picture[:, 80:] = (0, 0, 255)  # right half red (BGR)
    path = tmp_path / "snap.jpg"
    write_jpeg(path, picture)
    p = EvidencePlayer(path, name="still")
    p.start()
    try:
        assert wait_until(lambda: p.slot.peek() is not None, 5.0)
        f = p.slot.peek()
        assert f is not None and f.image.shape == (120, 160, 4)
        assert f.image[60, 120, 2] > 200 and f.image[60, 20, 2] < 40  # red stays right
        p.play()
        p.step(+1)
        p.seek(5000)
        assert wait_until(lambda: p.state.still and p.state.opened, 3.0)
        assert not p.state.playing and p.state.position_ms == 0
    finally:
        assert p.close(5.0)


@pytest.mark.parametrize("content", [None, b"not a video at all" * 100])
def test_missing_or_broken_file_is_an_error_in_words(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "call.mp4"
    if content is not None:
        path.write_bytes(content)
    p = EvidencePlayer(path)
    p.start()
    try:
        assert wait_until(lambda: p.state.error != "", 5.0)
        assert ("文件不存在" if content is None else "无法解码") in p.state.error
        assert p.slot.peek() is None
    finally:
        assert p.close(5.0)


def test_big_pictures_are_scaled_to_max_width(tmp_path: Path) -> None:
    clip = make_test_clip(tmp_path / "wide.mp4", 640, 360, FPS, 0.2, pattern="bars")
    p = EvidencePlayer(clip, max_width=320)
    p.start()
    try:
        assert wait_until(lambda: p.slot.peek() is not None, 5.0)
        f = p.slot.peek()
        assert f is not None and (f.width, f.height) == (320, 180)
        assert f.image.shape == (180, 320, 4)
    finally:
        assert p.close(5.0)


def _variable_rate_clip(path: Path, gaps_ms: tuple[int, ...], frames: int) -> list[int]:
    """A counter clip whose frames are `gaps_ms` apart in turn (as WebRTC recordings are);
    returns each frame's time in ms."""
    import av

    from console.media.clips import _counter_painter

    draw = _counter_painter(320, 240)
    times = []
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream(
            "libx264",
            rate=25,
            options={"preset": "ultrafast", "g": "10", "keyint_min": "10", "sc_threshold": "0",
                     "bf": "0"},
        )  # fmt: skip
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1000)
        t = 0
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(draw(i), format="bgr24")
            frame.pts, frame.time_base = t, Fraction(1, 1000)
            container.mux(stream.encode(frame))
            times.append(t)
            t += gaps_ms[i % len(gaps_ms)]
        container.mux(stream.encode(None))
    return times


def test_variable_frame_rate_steps_back_through_every_frame(tmp_path: Path) -> None:
    times = _variable_rate_clip(tmp_path / "vfr.mp4", (20, 90, 45), 24)
    p = EvidencePlayer(tmp_path / "vfr.mp4", name="vfr")
    p.start()
    try:
        _shown(p, 0)
        p.seek(times[15] + 5)
        _shown(p, 15)
        for n in range(14, 7, -1):  # across the key frame at 10, with gaps up to 90 ms
            p.step(-1)
            _shown(p, n)
            assert wait_until(lambda n=n: p.state.position_ms == times[n])
        for n in range(9, 13):
            p.step(+1)
            _shown(p, n)
    finally:
        assert p.close(5.0)
