"""A server starter shared by the client tests and the network-namespace script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from console.signalling.memory_queue import MemoryQueue
from console.signalling.server import ServerConfig, SignallingServer

__all__ = ["SECRET", "MemoryQueue", "make_server"]

SECRET = b"client-tests-secret-0123456789abcdef"


def make_server(queue: MemoryQueue | None = None, **config: object) -> SignallingServer:
    cfg = ServerConfig(secret=SECRET, **config)  # type: ignore[arg-type]
    return SignallingServer(cfg, queue if queue is not None else MemoryQueue())


CHROMIUM_PATH = "/usr/bin/chromium"
FIREFOX_PATH = "/usr/bin/firefox-esr"

needs_netns = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("unshare") is None or shutil.which("ip") is None,
    reason="needs root, unshare and ip for a private network namespace",
)
needs_netns_chromium = [
    pytest.mark.skipif(not Path(CHROMIUM_PATH).exists(), reason="needs Debian chromium"),
    needs_netns,
]
"""Marks for tests that run headless Chromium inside a network namespace of their own."""
needs_netns_firefox = [
    pytest.mark.skipif(not Path(FIREFOX_PATH).exists(), reason="needs Debian firefox-esr"),
    needs_netns,
]


def run_in_private_netns(
    script: Path, timeout: float = 80, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run `script` in a fresh network namespace (only `lo`: ICE cannot leave loopback) and
    return the JSON object it prints last; `env` adds to the environment."""
    proc = subprocess.run(
        ["unshare", "-n", "--", sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=script.parents[2],
        env={**os.environ, **(env or {})},
    )
    lines = proc.stdout.strip().splitlines()
    assert proc.returncode == 0 and lines, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(lines[-1])
    return result
