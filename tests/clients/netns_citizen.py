"""Run inside `unshare -n`: server, headless Chromium as the citizen, aiortc as the officer.

Prints one JSON object as its last line. Everything stays on the namespace's own `lo`.
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
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from console.core import tokens  # noqa: E402
from console.core.codes import Role  # noqa: E402
from console.media.peer import set_ice_interfaces  # noqa: E402
from console.services.call_peer import CallStats, officer_call  # noqa: E402
from tests.clients.support import SECRET, make_server  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
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


async def main() -> dict[str, Any]:
    set_ice_interfaces(["lo"])
    server = make_server()
    port = await server.start("127.0.0.1", 0)
    base = f"http://127.0.0.1:{port}"
    profile = Path(tempfile.mkdtemp(prefix="citizen-chromium-"))
    proc = start_chromium(profile)
    officer_stats = CallStats()
    debug_page: list[Cdp] = []
    result: dict[str, Any] = {"ok": False}
    try:
        dt_port = await _devtools_port(profile, proc, 30)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{dt_port}/json/list") as resp:
                targets = await resp.json()
            page = next(t for t in targets if t.get("type") == "page")
            async with http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                cdp = Cdp(ws)
                debug_page.append(cdp)
                await cdp.call("Page.navigate", url=f"{base}/")
                await cdp.wait_js("window.citizen && window.citizen.ready === true", 20)
                options = await cdp.js("document.getElementById('category').options.length")
                await cdp.js(
                    """(() => {
                      document.getElementById('category').value = 'neighbour';
                      document.getElementById('name').value = '王五';
                      document.getElementById('phone').value = '13800000000';
                      document.getElementById('consent').checked = true;
                      document.getElementById('btn-join').click();
                      return true; })()"""
                )
                position = await cdp.wait_js("window.citizen.position", 20)
                staff = server.staff_token(9, Role.DUTY_OFFICER, "赵警官")
                officer = asyncio.create_task(
                    officer_call(
                        base, staff, min_frames=60, timeout=60, stats=officer_stats, hold_s=1.0
                    )
                )
                await cdp.wait_js("window.citizen.framesDecoded >= 60", 40)
                deadline = time.monotonic() + 30
                while officer_stats.frames_received < 60 and time.monotonic() < deadline:
                    await asyncio.sleep(0.1)
                # The officer holds the call for a second: the page shows, then hides, the
                # holding screen.
                await cdp.wait_js(
                    "window.citizen.holds >= 1 && document.getElementById('held').hidden", 20
                )
                page_stats = await cdp.js("JSON.stringify(window.citizen)")
                # The citizen hangs up from the page: the officer's side must hear call.ended.
                await cdp.js("document.querySelector('#view-call [data-action=hangup]').click()")
                stats = await asyncio.wait_for(officer, 20)
                ended_view = await cdp.js("window.citizen.state")
                # An invitation link: hello with the invite token, then room.join and the
                # lobby view (this server does not serve rooms yet and says so).
                invite = tokens.issue(
                    SECRET, kind="invite", subject="p1", role="citizen", ttl_s=600, room="R1"
                )
                await cdp.call("Page.navigate", url=f"{base}/?invite={invite}")
                await cdp.wait_js("window.citizen && window.citizen.ready === true", 20)
                await cdp.js(
                    """(() => {
                      document.getElementById('name').value = '调解当事人';
                      document.getElementById('consent').checked = true;
                      document.getElementById('btn-join').click();
                      return true; })()"""
                )
                await cdp.wait_js("window.citizen.session", 20)
                with contextlib.suppress(TimeoutError):
                    # Rooms may not be served yet: then an error arrives promptly.
                    await cdp.wait_js("window.citizen.errors.length", 3)
                room_errors = await cdp.js(
                    "JSON.stringify({state: window.citizen.state, errors: window.citizen.errors,"
                    " lobby: !document.getElementById('lobby-text').hidden})"
                )
                result = {
                    "ok": True,
                    "category_options": options,
                    "position": position,
                    "page": json.loads(page_stats),
                    "page_view_after_hangup": ended_view,
                    "officer": stats.as_dict(),
                    "room": json.loads(room_errors),
                }
    except Exception as exc:  # reported as JSON: the pytest side shows it
        result = {"ok": False, "error": repr(exc), "officer": officer_stats.as_dict()}
        if debug_page:
            with contextlib.suppress(Exception):
                result["page_debug"] = await debug_page[0].js(
                    "JSON.stringify({c: window.citizen, e: document.getElementById('form-error')"
                    ".textContent, s: document.getElementById('signal').textContent})"
                )
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        await server.stop()
        set_ice_interfaces(None)
        shutil.rmtree(profile, ignore_errors=True)
    return result


if __name__ == "__main__":
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    print(json.dumps(asyncio.run(main()), ensure_ascii=False, default=str))
