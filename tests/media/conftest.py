"""Fixtures for media tests: generated clips, loopback peers, and a leftover-thread check."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from console.media.clips import make_test_clip
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


SYSTEM_PYTHON = "/usr/bin/python3"
RTSP_SERVER_SCRIPT = Path(__file__).with_name("rtsp_server.py")


def gst_rtsp_available() -> bool:
    if shutil.which(SYSTEM_PYTHON) is None:
        return False
    probe = (
        "import gi; gi.require_version('GstRtspServer', '1.0'); "
        "from gi.repository import GstRtspServer"
    )
    result = subprocess.run([SYSTEM_PYTHON, "-c", probe], capture_output=True, timeout=20)
    return result.returncode == 0


class RtspServer:
    """gst-rtsp-server in a child process on 127.0.0.1, one mount per clip."""

    def __init__(self, mounts: dict[str, Path], port: int = 0) -> None:
        args = [SYSTEM_PYTHON, str(RTSP_SERVER_SCRIPT), "--port", str(port)]
        for name, clip in mounts.items():
            args += ["--mount", f"{name}={clip}"]
        self.process = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        ready: list[str] = []
        reader = threading.Thread(
            target=lambda: ready.append(self.process.stdout.readline()),  # type: ignore[union-attr]
            name="rtsp-ready",
            daemon=True,
        )
        reader.start()
        reader.join(15.0)
        if not ready or not ready[0].startswith("READY "):
            self.stop()
            raise RuntimeError(f"RTSP server did not start: {ready!r}")
        self.port = int(ready[0].split()[1])

    def url(self, mount: str) -> str:
        return f"rtsp://127.0.0.1:{self.port}/{mount}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5.0)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5.0)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture(scope="session")
def rtsp_available() -> bool:
    return gst_rtsp_available()


@pytest.fixture
def start_rtsp(rtsp_available: bool) -> Iterator[Callable[..., RtspServer]]:
    """Starts real RTSP servers; fails (never skips) when GStreamer's RTSP server is missing."""
    if not rtsp_available:
        pytest.fail(
            "GStreamer RTSP server missing: run `bash packaging/setup.sh test`, which installs "
            "gstreamer1.0-rtsp gir1.2-gst-rtsp-server-1.0 python3-gst-1.0 and the plugins"
        )
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
