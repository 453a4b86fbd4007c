"""Pytest plugin: a private Xvfb X server per test session, and root-window screenshots."""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

DESK_SCREEN = "1920x1080x24"
BIG_SCREEN = "3840x2160x24"
START_TIMEOUT = 20.0
IMPORT = Path("/usr/bin/import")  # ImageMagick; other `import`/`convert` on PATH may be stand-ins


def _read_display_number(fd: int, proc: subprocess.Popen[bytes], log: Path) -> int:
    """Wait for Xvfb to write its display number to fd, which it does once it accepts clients."""
    deadline = time.monotonic() + START_TIMEOUT
    data = b""
    while not data.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if proc.poll() is not None or remaining <= 0:
            state = "exited" if proc.returncode is not None else "did not report a display"
            pytest.fail(f"Xvfb {state}:\n{log.read_text(errors='replace')[-4000:]}", pytrace=False)
        ready, _, _ = select.select([fd], [], [], min(remaining, 0.2))
        if ready:
            chunk = os.read(fd, 64)
            if not chunk:  # EOF before a full line: Xvfb gave up on startup.
                if data.strip().isdigit():
                    break
                pytest.fail(
                    f"Xvfb closed -displayfd without a display number:\n"
                    f"{log.read_text(errors='replace')[-4000:]}",
                    pytrace=False,
                )
            data += chunk
    return int(data.strip())


@pytest.fixture(scope="session")
def xvfb_display() -> Iterator[str]:
    """An X server with a 1920x1080 screen for the session; yields DISPLAY (e.g. ":99")."""
    with running_xvfb(DESK_SCREEN) as display:
        yield display


@pytest.fixture(scope="session")
def xvfb_big_display() -> Iterator[str]:
    """An X server with a 3840x2160 screen: the centre's big screen."""
    with running_xvfb(BIG_SCREEN) as display:
        yield display


@contextlib.contextmanager
def running_xvfb(screen: str) -> Iterator[str]:
    """Start `Xvfb -displayfd` on a free display with one screen of `screen` (WxHxD)."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.fail("Xvfb not found; apt-get install xvfb xauth", pytrace=False)
    logdir = Path(tempfile.mkdtemp(prefix="console-xvfb-"))
    log = logdir / "xvfb.log"
    read_fd, write_fd = os.pipe()
    try:
        with log.open("wb") as log_file:
            # -displayfd lets the server pick an unused display itself (no race with
            # other X servers) and tells us the number only once it is ready.
            proc = subprocess.Popen(
                [xvfb, "-displayfd", str(write_fd), "-screen", "0", screen, "-nolisten", "tcp"],
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                pass_fds=(write_fd,),
            )
        os.close(write_fd)
        write_fd = -1
        try:
            display = f":{_read_display_number(read_fd, proc, log)}"
            yield display
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
    finally:
        os.close(read_fd)
        if write_fd >= 0:
            os.close(write_fd)
        shutil.rmtree(logdir, ignore_errors=True)


def screenshot_root(display: str, path: str | os.PathLike[str]) -> Path:
    """Capture the whole screen of X display `display` into the PNG file `path`."""
    if not IMPORT.exists():
        pytest.fail(f"{IMPORT} not found; apt-get install imagemagick", pytrace=False)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # The png: prefix fixes the format whatever the file name ends with.
    proc = subprocess.run(
        [str(IMPORT), "-display", display, "-window", "root", f"png:{target}"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if proc.returncode != 0 or not target.is_file():
        raise RuntimeError(
            f"import -window root on {display} failed ({proc.returncode}): {proc.stderr}"
        )
    return target
