"""Run inside `unshare -n`: a real Janus, aiortc participants and a headless browser whose
page joins Janus VideoRooms with resources/web/janus_media.js (Chromium, or Firefox ESR with
BROWSER=firefox).

Part one drives the module from a harness page (janus_harness.html): a wrong pin, two rooms
with pins, a WebSocket cut, a participant leaving. Part two drives the citizen page itself
(citizen.js) with a stand-in signalling endpoint that sends room.state with `media`.

Prints one JSON object as its last line. Janus's media run over a veth pair inside the
namespace (Janus will not use loopback for ICE); nothing can leave the namespace.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from aiohttp import web  # noqa: E402

from console.bench.room import private_janus  # noqa: E402
from console.services.janus_room import JanusRoomParticipant, create_janus_room  # noqa: E402
from console.signalling import protocol as p  # noqa: E402
from console.signalling.web_assets import WEB_ROOT  # noqa: E402
from tests.clients.browsers import citizen_page, prepare_namespace  # noqa: E402
from tests.signalling.janus_support import CuttableProxy  # noqa: E402

HARNESS = Path(__file__).with_name("janus_harness.html")
ROOM_A, ROOM_B = 7101, 7102
PIN_A, PIN_B = "pin-a-4711", "pin-b-0815"
SECRET = "room-secret-31337"
FRAMES = 20
ME = "page-1"
# Two cores run Chromium, Janus and four aiortc peers: small pictures at a modest rate.
SIZE, FPS = (320, 240), 15
RECLAIM_S = 3
SESSION_GONE_S = 60.0
WAIT_S = 45.0
"""Bounds on each step: a passing run takes a fraction (a step is 1-5 s on a quiet machine),
but under load (two browsers and Janus rooms on two cores) a step once took over 20 s."""


def party(url: str, room: int, display: str, pin: str) -> JanusRoomParticipant:
    return JanusRoomParticipant(
        url, room, display, pin=pin, size=SIZE, fps=FPS, sink_size=(160, 90)
    )


async def until(person: JanusRoomParticipant, pred: Any, timeout: float) -> None:
    """Wait for `pred()`, re-checked on each of `person`'s room events and frame batches."""
    if not await person.wait_for(pred, timeout):
        raise TimeoutError(
            f"{person.display}: the condition on line {pred.__code__.co_firstlineno}"
        )


def page_feed(person: JanusRoomParticipant) -> int:
    """The feed id under which `person` receives the page (0: none)."""
    return next((f for f, r in person.feeds.items() if r.publisher.display == ME), 0)


def frames_from_page(person: JanusRoomParticipant) -> int:
    return person.frames_from(page_feed(person))


class Signalling:
    """A stand-in for our signalling server's /ws: welcome, then the room.state we choose."""

    def __init__(self) -> None:
        self.ws: web.WebSocketResponse | None = None
        self.joined = asyncio.Event()
        self.seq = 0

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.ws = ws
        async for frame in ws:
            msg = json.loads(frame.data)
            if msg["type"] == "hello":
                await self.send(
                    p.Welcome(
                        id="w",
                        ref=msg["id"],
                        session=ME,
                        role="citizen",
                        resumed=False,
                        heartbeat_s=0,
                        server_time=time.time(),
                    )
                )
            elif msg["type"] == "room.join":
                await self.send(p.RoomAdmitted(id="a", room="R1", participant=ME, peers=[]))
                self.joined.set()
        return ws

    async def send(self, msg: p.Welcome | p.RoomAdmitted | p.RoomState) -> None:
        assert self.ws is not None
        await self.ws.send_str(msg.model_dump_json(exclude_none=True))

    async def state(
        self, peers: list[str], media: p.RoomMedia | None, removed: bool = False
    ) -> None:
        self.seq += 1
        everyone = ["mediator", "party-1", "party-2", "party-3", ME]
        names = {"mediator": "孙调解员", "party-1": "甲方", "party-2": "乙方", "party-3": "丙方"}
        people = [
            p.RoomPerson(
                id=pid,
                name=names.get(pid, "我"),
                role="mediator" if pid == "mediator" else "party",
                host=pid == "mediator",
                admitted=True,
                consent=False,
            )
            for pid in everyone
            if not (removed and pid == ME)
        ]
        await self.send(
            p.RoomState(
                id=f"s{self.seq}",
                room="R1",
                admitted=[x.id for x in people],
                lobby=[],
                caucus=[],
                you=ME,
                peers=peers,
                people=people,
                media=media,
            )
        )


async def main() -> dict[str, Any]:
    out: dict[str, Any] = {"ok": False, "steps": {}}
    started = time.monotonic()

    def step(name: str) -> None:
        out["steps"][name] = round(time.monotonic() - started, 1)

    folder = Path(tempfile.mkdtemp(prefix="janus-page-"))
    people: list[JanusRoomParticipant] = []
    runner: web.AppRunner | None = None
    proxy: CuttableProxy | None = None
    page: Any = None
    browser = contextlib.AsyncExitStack()  # closed after a failure is looked at
    try:
        # Janus gives a session up RECLAIM_S after its WebSocket went: the rejoin step.
        async with private_janus(folder, reclaim_timeout_s=RECLAIM_S) as janus:
            try:
                step("janus_up")
                proxy = CuttableProxy("127.0.0.1", janus.process.cfg.ws_port)
                await proxy.start()
                # The page reaches Janus through a forwarder whose connections can be cut.
                url = f"ws://127.0.0.1:{proxy.port}/"
                for room, pin in ((ROOM_A, PIN_A), (ROOM_B, PIN_B)):
                    await create_janus_room(janus.url, room, publishers=6, pin=pin, secret=SECRET)
                one, two = (
                    party(janus.url, ROOM_A, "party-1", PIN_A),
                    party(janus.url, ROOM_A, "party-2", PIN_A),
                )
                # Publishes in the room but is not among the page's peers: never subscribed.
                outsider = party(janus.url, ROOM_A, "outsider", PIN_A)
                people += [one, two, outsider]
                await asyncio.gather(*(x.join() for x in people))
                step("parties_joined")

                signalling = Signalling()
                app = web.Application()
                app.router.add_get("/harness.html", lambda _r: web.FileResponse(HARNESS))
                app.router.add_get("/ws", signalling.handle)
                app.router.add_get("/", lambda _r: web.FileResponse(WEB_ROOT / "index.html"))
                app.router.add_static("/", WEB_ROOT)
                runner = web.AppRunner(app)
                await runner.setup()
                site = web.TCPSite(runner, "127.0.0.1", 0)
                await site.start()
                base = f"http://127.0.0.1:{runner.addresses[0][1]}"

                page = await browser.enter_async_context(citizen_page("janus-page"))
                await page.navigate(f"{base}/harness.html")
                await page.wait_js("window.h && window.h.ready", WAIT_S)
                step("page_ready")
                out["stats_on_close"] = await page.js("h.statsOnClose()")
                wanted = json.dumps(["party-1", "party-2"])

                async def join(room: int, pin: str, peers: str = wanted) -> Any:
                    return await page.js(f"h.join('{url}', {room}, '{pin}', '{ME}', {peers})")

                async def snap() -> dict[str, Any]:
                    return dict(json.loads(await page.js("h.snapshot()")))

                # A wrong pin: Janus refuses and the page says why.
                out["wrong_pin"] = await join(ROOM_A, "not-the-pin")
                out["wrong_pin_shown"] = await page.js(
                    "document.getElementById('error').textContent"
                )
                step("wrong_pin_refused")

                out["joined_a"] = await join(ROOM_A, PIN_A)
                await page.wait_js(
                    f"h.frames['party-1'] >= {FRAMES} && h.frames['party-2'] >= {FRAMES}", 30
                )
                out["page_frames_a"] = (await snap())["frames"]
                step("page_decoded_a")
                await until(one, lambda: min(frames_from_page(x) for x in people) >= FRAMES, WAIT_S)
                out["parties_from_page_a"] = {x.display: frames_from_page(x) for x in people}
                step("parties_decoded_page_a")
                out["figures_a"] = (await snap())["figures"]

                # The WebSocket to Janus drops: the page claims its session back, and
                # media (which never depended on it) keeps flowing.
                before = await snap()
                out["sockets_cut"] = proxy.cut()
                await page.wait_js("h.media && h.media.reclaims >= 1", WAIT_S)
                await page.wait_js(
                    f"h.frames['party-1'] >= {before['frames']['party-1'] + FRAMES}", 20
                )
                after = await snap()
                out["reclaim"] = {
                    "same_session": after["session"] == before["session"],
                    "reclaims": after["reclaims"],
                    "rejoins": after["rejoins"],
                    "figures": after["figures"],
                    # From "reconnecting" to "joined" again, in ms.
                    "outage_ms": after["states"][-1][1] - after["states"][-2][1],
                }
                step("reclaimed")

                # Janus hangs up a failed connection: a feed is subscribed afresh, and our
                # own is published again from the same seat (the others resubscribe).
                await page.js("h.breakFeed('party-1')")
                await page.wait_js("h.inboundSettled", WAIT_S)
                await page.wait_js(
                    f"h.rebuilt('party-1') && h.frames['party-1'] >= {FRAMES}", WAIT_S
                )
                step("resubscribed")
                seat = (await snap())["feed"]
                seen_by_one = one.feeds.get(page_feed(one))
                await page.js("h.media.pc.close(), true")
                await page.wait_js("h.media.publishes === 2", WAIT_S)
                await until(
                    one,
                    lambda: (
                        one.feeds.get(seat) not in (None, seen_by_one)
                        and one.frames_from(seat) >= FRAMES
                    ),
                    WAIT_S,
                )
                out["republished"] = {
                    "publishes": (await snap())["publishes"],
                    "same_seat": page_feed(one) == seat,
                    "party_1_from_page": frames_from_page(one),
                }
                step("republished")

                # The page's network is down past Janus's reclaim time: the session is
                # gone, and the page rejoins into the same seat with a new one.
                session = (await snap())["session"]
                proxy.blocked = True
                proxy.cut()
                # Janus's session watchdog gives the session up RECLAIM_S after the cut;
                # under heavy load (load average 12-16 on two cores) it once took over 20 s.
                await until(one, lambda: page_feed(one) == 0, SESSION_GONE_S)
                proxy.blocked = False
                await page.wait_js("h.media.rejoins === 1", WAIT_S)
                await page.wait_js(
                    f"h.frames['party-1'] >= {FRAMES} && h.frames['party-2'] >= {FRAMES}", 20
                )
                await until(one, lambda: frames_from_page(one) >= FRAMES, WAIT_S)
                again = await snap()
                out["rejoined"] = {
                    "new_session": again["session"] != session,
                    "same_seat": again["feed"] == seat and page_feed(one) == seat,
                    "figures": again["figures"],
                    "party_1_from_page": frames_from_page(one),
                }
                step("rejoined")

                # A participant leaves: their figure and feed go from the page.
                await two.leave()
                await page.wait_js(
                    "!h.figures.includes('party-2') && !('party-2' in h.frames)"
                    " && h.media.subscribed === 1",
                    WAIT_S,
                )
                out["figures_after_leave"] = (await snap())["figures"]
                step("party_left")

                # To a second room (a caucus): leave A, join B with its own pin.
                three = party(janus.url, ROOM_B, "party-3", PIN_B)
                people.append(three)
                await three.join()
                out["joined_b"] = await join(ROOM_B, PIN_B, json.dumps(["party-3"]))
                await page.wait_js(f"h.frames['party-3'] >= {FRAMES}", WAIT_S)
                await until(three, lambda: frames_from_page(three) >= FRAMES, WAIT_S)
                await until(one, lambda: page_feed(one) == 0, WAIT_S)
                b = await snap()
                out["room_b"] = {
                    "figures": b["figures"],
                    "page_frames": b["frames"],
                    "party_3_from_page": frames_from_page(three),
                    "party_1_still_sees_page": page_feed(one) != 0,
                }
                step("moved_to_b")
                await page.js("h.leave()")
                await until(three, lambda: page_feed(three) == 0, WAIT_S)
                out["harness_errors"] = (await snap())["errors"]
                step("harness_left")

                # Part two: the citizen page itself, told by room.state to use Janus.
                two = party(janus.url, ROOM_A, "party-2", PIN_A)
                people.append(two)
                await two.join()
                out["citizen"] = await citizen_part(page, base, signalling, url, people, step)
                step("citizen_done")
                out["ok"] = True
            finally:
                out["janus_log"] = janus.process.log_tail(1200) if not out["ok"] else ""
                if not out["ok"]:
                    with contextlib.suppress(Exception):
                        out["seen_by_parties"] = {
                            x.display: {
                                "feeds": {f: r.publisher.display for f, r in x.feeds.items()},
                                "publishers": [
                                    (q.feed, q.display)
                                    for q in await x._publisher.list_publishers(x.room)
                                ],
                            }
                            for x in people
                            if x.joined
                        }
    except Exception as exc:  # reported as JSON: the pytest side shows it
        out["error"] = repr(exc)
        if page is not None:
            with contextlib.suppress(Exception):
                out["page"] = await page.js(
                    "window.h ? h.snapshot() : JSON.stringify(window.citizen)"
                )
    finally:
        await browser.aclose()
        out["party_errors"] = [e for x in people for e in x.errors]
        for x in people:
            with contextlib.suppress(Exception):
                await x.leave()
        if proxy is not None:
            await proxy.stop()
        if runner is not None:
            await runner.cleanup()
        shutil.rmtree(folder, ignore_errors=True)
    out["elapsed_s"] = round(time.monotonic() - started, 1)
    return out


async def citizen_part(
    page: Any,
    base: str,
    signalling: Signalling,
    url: str,
    people: list[JanusRoomParticipant],
    step: Any,
) -> dict[str, Any]:
    """citizen.js in a Janus room: figures with captions, peerFrames, a caucus, removal."""
    one, three, two = people[0], people[3], people[4]
    res: dict[str, Any] = {}
    await page.navigate(f"{base}/?invite=stand-in-token-0123456789")
    await page.wait_js("window.citizen && window.citizen.ready === true", WAIT_S)
    await page.js(
        """(() => {
          document.getElementById('name').value = '丁方';
          document.getElementById('btn-join').click();
          return true; })()"""
    )
    await asyncio.wait_for(signalling.joined.wait(), WAIT_S)
    step("citizen_admitted")
    main_room = p.RoomMedia(url=url, room=ROOM_A, pin=PIN_A, display=ME)
    await signalling.state(["mediator", "party-1", "party-2"], main_room)
    await page.wait_js(
        f"(window.citizen.peerFrames['party-1'] || 0) >= {FRAMES}"
        f" && (window.citizen.peerFrames['party-2'] || 0) >= {FRAMES}",
        30,
    )
    await until(one, lambda: frames_from_page(one) >= FRAMES, WAIT_S)
    await until(two, lambda: frames_from_page(two) >= FRAMES, WAIT_S)
    step("citizen_decoded_main")
    captions = """JSON.stringify([...document.querySelectorAll('#grid figure')].map(
        (f) => [f.dataset.peer, f.querySelector('figcaption').textContent]))"""
    c = json.loads(await page.js("JSON.stringify(window.citizen)"))
    res["main"] = {
        "janus": c.get("janus"),
        "peerFrames": c["peerFrames"],
        "state": c["state"],
        "figures": json.loads(await page.js(captions)),
        "party_1_from_page": frames_from_page(one),
        "party_2_from_page": frames_from_page(two),
    }
    # A caucus with party-3 in room B: the page leaves A and joins B.
    caucus = p.RoomMedia(url=url, room=ROOM_B, pin=PIN_B, display=ME)
    await signalling.state(["party-3"], caucus)
    await page.wait_js(
        f"window.citizen.janus && window.citizen.janus.room === {ROOM_B}"
        f" && (window.citizen.peerFrames['party-3'] || 0) >= {FRAMES}",
        30,
    )
    await until(three, lambda: frames_from_page(three) >= FRAMES, WAIT_S)
    await until(one, lambda: page_feed(one) == 0, WAIT_S)
    step("citizen_decoded_caucus")
    c = json.loads(await page.js("JSON.stringify(window.citizen)"))
    res["caucus"] = {
        "janus": c.get("janus"),
        "peerFrames": c["peerFrames"],
        "figures": json.loads(await page.js(captions)),
        "party_3_from_page": frames_from_page(three),
    }
    # Removed by the mediator: the page ends and leaves Janus.
    await signalling.state([], caucus, removed=True)
    await page.wait_js("window.citizen.state === 'ended'", WAIT_S)
    await until(three, lambda: page_feed(three) == 0, WAIT_S)
    c = json.loads(await page.js("JSON.stringify(window.citizen)"))
    res["removed"] = {"ended": c["ended"], "janus": c.get("janus"), "errors": c["errors"]}
    res["left_janus"] = page_feed(three) == 0
    return res


async def bounded() -> dict[str, Any]:
    try:
        return await asyncio.wait_for(main(), 200)
    except TimeoutError:
        return {"ok": False, "error": "the scenario took over 120 s"}


if __name__ == "__main__":
    prepare_namespace()
    print(json.dumps(asyncio.run(bounded()), ensure_ascii=False, default=str))
