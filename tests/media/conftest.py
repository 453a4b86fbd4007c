"""Fixtures for media tests: generated clips, loopback peers, and a leftover-thread check."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from console.media.clips import make_test_clip
from console.media.loopback_rtsp import INSTALL_HINT, RtspServer, gst_rtsp_available
from tests.media.peers import SilentServer, UnauthorizedRtspServer


def decode_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("decode-")]


def wait_until(
    predicate: Callable[[], object], timeout: float = 5.0, interval: float = 0.01
) -> bool:
    """Poll `predicate` until it is true or `timeout` passes; returns its last verdict."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


@pytest.fixture(autouse=True)
def no_leftover_decode_threads() -> Iterator[None]:
    yield
    # A test that stopped its decoders gives them a moment; anything after that leaked.
    assert wait_until(lambda: not decode_threads(), timeout=3.0), decode_threads()


@pytest.fixture(scope="session")
def clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="session")
def scene_clip(clip_dir: Path) -> Path:
    """640x360, 2 s at 25 fps: a 320x180 tile is exactly half of it."""
    return make_test_clip(clip_dir / "scene.mp4", 640, 360, 25, 2.0, pattern="scene")


@pytest.fixture(scope="session")
def counter_clip(clip_dir: Path) -> Path:
    return make_test_clip(clip_dir / "counter.mp4", 320, 240, 25, 1.0, pattern="counter")


@pytest.fixture(scope="session")
def static_clip(clip_dir: Path) -> Path:
    return make_test_clip(clip_dir / "static.mp4", 320, 180, 25, 1.0, pattern="static")


@pytest.fixture(scope="session")
def bars_clip(clip_dir: Path) -> Path:
    return make_test_clip(clip_dir / "bars.mp4", 640, 360, 25, 0.4, pattern="bars")


@pytest.fixture(scope="session")
def rtsp_available() -> bool:
    return gst_rtsp_available()


@pytest.fixture
def start_rtsp(rtsp_available: bool) -> Iterator[Callable[..., RtspServer]]:
    """Starts real RTSP servers; fails (never skips) when GStreamer's RTSP server is missing."""
    if not rtsp_available:
        pytest.fail(INSTALL_HINT)
    servers: list[RtspServer] = []

    def start(mounts: dict[str, Path], port: int = 0) -> RtspServer:
        server = RtspServer(mounts, port)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    with SilentServer() as server:
        yield server


@pytest.fixture
def unauthorized_rtsp() -> Iterator[UnauthorizedRtspServer]:
    with UnauthorizedRtspServer() as server:
        yield server
