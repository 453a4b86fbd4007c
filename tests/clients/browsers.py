"""The citizen's browser for the network-namespace scripts: Chromium or Firefox ESR.

`BROWSER=firefox` picks Firefox (driven over Marionette), anything else Chromium (over the
DevTools protocol); both pages offer `navigate`, `js` and `wait_js`. `prepare_namespace`
readies the fresh namespace's `lo` for the chosen browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import itertools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp

from tests.clients.marionette import Marionette, start_firefox

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
BROWSER = os.environ.get("BROWSER", "chromium")
PR_SET_PDEATHSIG = 1
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
    "--autoplay-policy=no-user-gesture-required",
    "--remote-debugging-port=0",
]


class Cdp:
    """A minimal DevTools-protocol client for one page target."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self._ids = itertools.count(1)

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        msg_id = next(self._ids)
        await self.ws.send_json({"id": msg_id, "method": method, "params": params})
        async for raw in self.ws:
            data = json.loads(raw.data)
            if data.get("id") == msg_id:
                if "error" in data:
                    raise RuntimeError(f"{method}: {data['error']}")
                return dict(data.get("result", {}))
        raise RuntimeError("devtools connection closed")

    async def navigate(self, url: str) -> None:
        await self.call("Page.navigate", url=url)

    async def js(self, expression: str) -> Any:
        result = await self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"page error: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def wait_js(self, expression: str, timeout: float) -> Any:
        """Poll an expression until it is truthy (the page has no way to push to us)."""
        deadline = time.monotonic() + timeout
        while True:
            value = await self.js(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                state = await self.js(
                    "JSON.stringify({c: window.citizen, e: document.getElementById('form-error')"
                    "?.textContent, s: document.getElementById('signal')?.textContent})"
                )
                raise TimeoutError(f"page never satisfied {expression!r}; page: {state}")
            await asyncio.sleep(0.1)


def _die_with_parent() -> None:
    """In the child before exec: killed when the script dies (a test timeout kills the
    script only; an orphaned Chromium would keep the namespace and a core busy)."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def start_chromium(profile: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_die_with_parent,
    )


async def _devtools_port(profile: Path, proc: subprocess.Popen[bytes], timeout: float) -> int:
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chromium exited with {proc.returncode}")
        with contextlib.suppress(OSError, ValueError, IndexError):
            return int(marker.read_text().splitlines()[0])
        await asyncio.sleep(0.05)
    raise TimeoutError("chromium never wrote DevToolsActivePort")


@contextlib.asynccontextmanager
async def chromium_page(profile: Path, proc: subprocess.Popen[bytes]) -> AsyncIterator[Cdp]:
    dt_port = await _devtools_port(profile, proc, 30)
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{dt_port}/json/list") as resp:
            targets = await resp.json()
        page = next(t for t in targets if t.get("type") == "page")
        async with http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as ws:
            yield Cdp(ws)


@contextlib.asynccontextmanager
async def firefox_page(profile: Path, proc: subprocess.Popen[bytes]) -> AsyncIterator[Marionette]:
    client = await Marionette.connect(profile, proc, 60)
    try:
        yield client
    finally:
        await client.close()


@contextlib.asynccontextmanager
async def citizen_page(prefix: str) -> AsyncIterator[Cdp | Marionette]:
    """A fresh browser profile and process with one page; all gone on exit."""
    firefox = BROWSER == "firefox"
    profile = Path(tempfile.mkdtemp(prefix=f"{prefix}-{BROWSER}-"))
    proc = start_firefox(profile) if firefox else start_chromium(profile)
    try:
        page_of = firefox_page if firefox else chromium_page
        async with page_of(profile, proc) as page:
            yield page
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        shutil.rmtree(profile, ignore_errors=True)


def prepare_namespace() -> None:
    """Bring `lo` up; for Firefox also a default route (see below). Run inside `unshare -n`."""
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    if BROWSER == "firefox":
        # Firefox gathers no candidate without a default route ("failed to find default
        # addresses") and refuses 127.0.0.1 as the default: give `lo` a second, private
        # address and route everything there. Nothing can leave the namespace anyway.
        subprocess.run(["ip", "addr", "add", "10.213.0.1/32", "dev", "lo"], check=True)
        subprocess.run(
            ["ip", "route", "add", "default", "dev", "lo", "src", "10.213.0.1"], check=True
        )
