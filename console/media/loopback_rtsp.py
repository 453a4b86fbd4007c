"""A loopback RTSP server in a child process (gst-rtsp-server), one mount per clip."""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path

SYSTEM_PYTHON = "/usr/bin/python3"
SERVER_SCRIPT = Path(__file__).with_name("gst_rtsp_server.py")
INSTALL_HINT = (
    "GStreamer's RTSP server is missing: `bash packaging/setup.sh test` installs "
    "gstreamer1.0-rtsp gir1.2-gst-rtsp-server-1.0 python3-gst-1.0 and the plugins"
)


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
        args = [SYSTEM_PYTHON, str(SERVER_SCRIPT), "--port", str(port)]
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
