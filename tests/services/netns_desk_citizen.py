"""Run inside `unshare -n`: server, headless Chromium as the citizen, the OfficerDesk as officer.

Prints one JSON object as its last line. Everything stays on the namespace's own `lo`.
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


from console.core.codes import Role  # noqa: E402
from console.media.peer import set_ice_interfaces  # noqa: E402
from console.services.call_peer import ws_url  # noqa: E402
from console.services.officer_desk import (  # noqa: E402
    CallChanged,
    DeskEvent,
    OfficerDesk,
    PresenceChanged,
    Ringing,
)
from console.signalling import protocol as p  # noqa: E402
from console.signalling.client import WebSocketSignallingClient  # noqa: E402
from console.signalling.protocol import StaffState  # noqa: E402
from tests.clients.browsers import citizen_page, prepare_namespace  # noqa: E402
from tests.clients.support import make_server  # noqa: E402

# The remote video drawn into a small canvas; one pixel from where the holding card is blue.
PIXEL = """(() => {
  const v = document.getElementById('remote');
  const c = document.createElement('canvas'); c.width = 64; c.height = 48;
  const g = c.getContext('2d'); g.drawImage(v, 0, 0, 64, 48);
  const d = g.getImageData(6, 38, 1, 1).data; return [d[0], d[1], d[2]]; })()"""


class Events:
    def __init__(self) -> None:
        self.items: list[DeskEvent] = []
        self.changed = asyncio.Event()

    def __call__(self, event: DeskEvent) -> None:
        self.items.append(event)
        self.changed.set()

    async def wait(self, pred: Any, timeout: float = 20.0, since: int = 0) -> DeskEvent:
        deadline = time.monotonic() + timeout
        seen = since
        while True:
            for e in self.items[seen:]:
                if pred(e):
                    return e
            seen = len(self.items)
            self.changed.clear()
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"desk never: last {[type(e).__name__ for e in self.items[-8:]]}"
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), deadline - time.monotonic())


def state_is(state: str) -> Any:
    return lambda e: isinstance(e, CallChanged) and e.call.state == state


async def main() -> dict[str, Any]:
    set_ice_interfaces(["lo"])
    server = make_server()
    port = await server.start("127.0.0.1", 0)
    base = f"http://127.0.0.1:{port}"
    token = server.staff_token(9, Role.DUTY_OFFICER, "赵警官")
    desk = OfficerDesk(
        base_url=base, token_provider=lambda: token, officer_name="赵警官", wrap_up_s=0.5
    )
    events = Events()
    desk.subscribe(events)
    token2 = server.staff_token(10, Role.DUTY_OFFICER, "钱警官")
    desk2 = OfficerDesk(base_url=base, token_provider=lambda: token2, officer_name="钱警官")
    events2 = Events()
    desk2.subscribe(events2)
    out: dict[str, Any] = {"ok": False}
    try:
        await desk.start()
        await desk2.start()  # idle for less time than desk: desk is rung first
        async with citizen_page("desk") as cdp:
            await cdp.navigate(f"{base}/")
            await cdp.wait_js("window.citizen && window.citizen.ready === true", 20)
            await cdp.js(
                """(() => {
                      document.getElementById('category').value = 'labour';
                      document.getElementById('name').value = '王五';
                      document.getElementById('phone').value = '13800000000';
                      document.getElementById('consent').checked = true;
                      document.getElementById('btn-join').click();
                      return true; })()"""
            )
            ring = await events.wait(lambda e: isinstance(e, Ringing))
            assert isinstance(ring, Ringing)
            out["ring"] = {"name": ring.name, "category": ring.category}
            assert desk.call is not None
            out["consent"], out["phone"] = desk.call.consent, desk.call.phone
            await desk.accept(ring.ticket)
            await events.wait(state_is("in_call"))
            await cdp.wait_js("window.citizen.framesDecoded >= 60", 30)
            leg = desk.leg
            assert leg is not None
            deadline = time.monotonic() + 20
            while leg.sink is None and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            assert leg.sink is not None
            out["officer_frames"] = await leg.sink.wait_frames(60, 20)
            out["live_pixel"] = await cdp.js(PIXEL)
            out["page_frames"] = await cdp.js("window.citizen.framesDecoded")

            mark = len(events.items)
            await desk.hold(True)
            await events.wait(state_is("on_hold"), since=mark)
            await cdp.wait_js("!document.getElementById('held').hidden", 10)
            out["held_pixel"] = await cdp.wait_js(
                f"(() => {{ const p = {PIXEL}; return p[2] - p[0] > 50 ? p : null; }})()", 10
            )
            out["officer_sends"] = leg.outgoing_video.last_sent_kind
            await desk.hold(False)
            await cdp.wait_js("document.getElementById('held').hidden", 10)

            mark = len(events.items)
            await desk.set_recording(True)
            await events.wait(lambda e: isinstance(e, CallChanged) and e.call.recording, since=mark)
            await cdp.wait_js("!document.getElementById('rec').hidden", 10)
            out["rec_zh"] = await cdp.js("document.getElementById('rec').innerText.trim()")
            out["rec_colour"] = await cdp.js(
                "getComputedStyle(document.getElementById('rec')).backgroundColor"
            )
            await cdp.js("document.getElementById('lang').click(), true")
            out["rec_en"] = await cdp.js("document.getElementById('rec').innerText.trim()")
            await desk.set_recording(False)
            await cdp.wait_js("document.getElementById('rec').hidden", 10)

            # Transfer to the second console: the page opens a new peer connection.
            mark = len(events.items)
            await desk.transfer_to_officer("10")
            await events.wait(state_is("ended"), since=mark)
            ring2 = await events2.wait(lambda e: isinstance(e, Ringing))
            assert isinstance(ring2, Ringing) and ring2.ticket == ring.ticket
            await desk2.accept(ring2.ticket)
            await events2.wait(state_is("in_call"))
            await cdp.wait_js(
                "window.citizen.officers === 2 && window.citizen.framesDecoded >= 30", 30
            )
            out["after_transfer_held"] = await cdp.js("!document.getElementById('held').hidden")
            out["frames_after_transfer"] = await cdp.js("window.citizen.framesDecoded")
            # Into a mediation room without hanging up: the page rejoins with the room's
            # invitation and waits in its lobby, where the mediator sees it.
            mediator = WebSocketSignallingClient(
                ws_url(base),
                lambda: server.staff_token(30, Role.MEDIATOR, "孙调解员"),
                client_name="mediator",
            )
            await mediator.connect()
            lobby_seen = asyncio.get_running_loop().create_future()

            async def watch_lobby() -> None:
                async for event in mediator.events():
                    if isinstance(event, p.RoomLobby) and not lobby_seen.done():
                        lobby_seen.set_result(event.name)

            watcher = asyncio.get_running_loop().create_task(watch_lobby())
            await mediator.send(p.RoomJoin(id=mediator.new_id(), name="孙调解员", room="R7"))
            mark = len(events2.items)
            await desk2.transfer_to_room("R7")
            await events2.wait(state_is("ended"), since=mark)
            out["lobby_name"] = await asyncio.wait_for(lobby_seen, 20)
            out["page_moved"] = await cdp.wait_js(
                "window.citizen.moved === 'R7' && window.citizen.state", 10
            )
            out["lobby_text_shown"] = await cdp.js("!document.getElementById('lobby-text').hidden")
            watcher.cancel()
            await mediator.close()
            await events.wait(
                lambda e: (
                    isinstance(e, PresenceChanged)
                    and e.user == "9"
                    and e.state is StaffState.AVAILABLE
                ),
                since=mark,
            )
            out["page"] = json.loads(await cdp.js("JSON.stringify(window.citizen)"))
            out["ok"] = True
    except Exception as exc:  # reported as JSON: the pytest side shows it
        out["error"] = repr(exc)
    finally:
        await desk.stop()
        await desk2.stop()
        await server.stop()
        set_ice_interfaces(None)
    return out


if __name__ == "__main__":
    prepare_namespace()
    print(json.dumps(asyncio.run(main()), ensure_ascii=False, default=str))
