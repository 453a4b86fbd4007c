"""A minimal Marionette client: drive headless Firefox the way the Chromium tests use CDP.

Debian ships firefox-esr but no geckodriver; Marionette is the protocol geckodriver itself
speaks to Firefox (length-prefixed JSON over TCP), and three commands are all we need.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import itertools
import json
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

FIREFOX = "/usr/bin/firefox-esr"
PR_SET_PDEATHSIG = 1

# Fake camera and microphone without a prompt; loopback ICE candidates, not mDNS names;
# nothing that phones home (the namespace has no way out anyway).
PREFS = {
    "marionette.port": 0,
    "media.navigator.streams.fake": True,
    "media.navigator.permission.disabled": True,
    "media.peerconnection.ice.loopback": True,
    "media.peerconnection.ice.obfuscate_host_addresses": False,
    "media.autoplay.default": 0,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
    "app.update.disabledForTesting": True,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "network.manage-offline-status": False,
    "network.offline-mirrors-connectivity": False,
}


def _die_with_parent() -> None:
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def start_firefox(profile: Path) -> subprocess.Popen[bytes]:
    profile.mkdir(parents=True, exist_ok=True)
    (profile / "user.js").write_text(
        "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in PREFS.items())
    )
    return subprocess.Popen(
        [FIREFOX, "--headless", "--marionette", "--no-remote", "--profile", str(profile)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_die_with_parent,
    )


class Marionette:
    """One session on one tab: navigate, run a script, poll a condition."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._ids = itertools.count(1)

    @classmethod
    async def connect(
        cls, profile: Path, proc: subprocess.Popen[bytes], timeout: float
    ) -> Marionette:
        marker = profile / "MarionetteActivePort"
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"firefox exited with {proc.returncode}")
            with contextlib.suppress(OSError, ValueError):
                port = int(marker.read_text().strip())
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                client = cls(reader, writer)
                await client._read()  # the server's greeting
                await client.call("WebDriver:NewSession", capabilities={})
                return client
            if time.monotonic() > deadline:
                raise TimeoutError("firefox never opened its Marionette port")
            await asyncio.sleep(0.1)

    async def _read(self) -> Any:
        length = int((await self._reader.readuntil(b":"))[:-1])
        return json.loads(await self._reader.readexactly(length))

    async def call(self, command: str, **params: Any) -> Any:
        msg_id = next(self._ids)
        body = json.dumps([0, msg_id, command, params]).encode()
        self._writer.write(f"{len(body)}:".encode() + body)
        await self._writer.drain()
        while True:
            kind, got_id, error, result = await self._read()
            if kind == 1 and got_id == msg_id:
                if error:
                    raise RuntimeError(f"{command}: {error.get('message', error)}")
                return result

    async def navigate(self, url: str) -> None:
        await self.call("WebDriver:Navigate", url=url)

    async def js(self, expression: str) -> Any:
        """The value of `expression` (awaited if it is a promise), as JSON brings it back."""
        script = (
            "const done = arguments[arguments.length - 1];"
            f"Promise.resolve(({expression})).then(done, e => done({{__error: String(e)}}));"
        )
        result = await self.call("WebDriver:ExecuteAsyncScript", script=script, args=[])
        value = result.get("value") if isinstance(result, dict) else result
        if isinstance(value, dict) and "__error" in value:
            raise RuntimeError(f"page error: {value['__error']}")
        return value

    async def wait_js(self, expression: str, timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = await self.js(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"page never satisfied {expression!r}")
            await asyncio.sleep(0.1)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.call("WebDriver:DeleteSession"), 5)
        self._writer.close()
        with contextlib.suppress(Exception):
            await self._writer.wait_closed()
