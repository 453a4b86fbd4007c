"""Run inside `unshare -n`: server, a headless browser as the citizen, aiortc as the officer.

The browser is Chromium (over the DevTools protocol) or, with BROWSER=firefox, Firefox ESR
(over Marionette). Prints one JSON object as its last line. Everything stays on the
namespace's own `lo`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


from console.core import tokens  # noqa: E402
from console.core.codes import Role  # noqa: E402
from console.media.peer import set_ice_interfaces  # noqa: E402
from console.services.call_peer import CallStats, officer_call  # noqa: E402
from tests.clients.browsers import Cdp, citizen_page, prepare_namespace  # noqa: E402
from tests.clients.marionette import Marionette  # noqa: E402
from tests.clients.support import SECRET, make_server  # noqa: E402


async def main() -> dict[str, Any]:
    set_ice_interfaces(["lo"])
    server = make_server()
    port = await server.start("127.0.0.1", 0)
    base = f"http://127.0.0.1:{port}"
    officer_stats = CallStats()
    debug_page: list[Cdp | Marionette] = []
    result: dict[str, Any] = {"ok": False}
    try:
        async with citizen_page("citizen") as cdp:
            debug_page.append(cdp)
            await cdp.navigate(f"{base}/")
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
            await cdp.navigate(f"{base}/?invite={invite}")
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
        await server.stop()
        set_ice_interfaces(None)
    return result


if __name__ == "__main__":
    prepare_namespace()
    print(json.dumps(asyncio.run(main()), ensure_ascii=False, default=str))
