"""Run inside `unshare -n`: the citizen page (headless Chromium) in a mediation room served by
a real Janus, through the real signalling server: invitation link, lobby, admission, media
both ways through Janus, a caucus moving the page to another Janus room, removal.

Prints one JSON object as its last line; test_janus_page_room.py asserts on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from console.bench.room import private_janus  # noqa: E402
from console.bench.room_party import quiet_decoder_warnings  # noqa: E402
from console.core import tokens  # noqa: E402
from console.core.codes import Role  # noqa: E402
from console.services.room_desk import LobbyKnocked, RoomDesk  # noqa: E402
from console.services.signalling_store import StoreQueue, StoreRoomSeats  # noqa: E402
from console.signalling.janus_rooms import JanusLink  # noqa: E402
from console.signalling.server import ServerConfig, SignallingServer  # noqa: E402
from console.store import migrate  # noqa: E402
from console.store.store import Store  # noqa: E402
from tests.clients.browsers import citizen_page, prepare_namespace  # noqa: E402
from tests.services.desk_support import Recorder, until  # noqa: E402
from tests.services.desk_support import frames_from as desk_frames_from  # noqa: E402
from tests.signalling.conftest import Harness  # noqa: E402

SECRET = b"janus-page-room-test-secret-0123456789"
FRAMES = 20
WAIT_S = 45.0
"""Bounds on each step (a step takes 1-5 s on a quiet machine)."""
T0 = time.monotonic()


async def frames_from(desk: RoomDesk, pid: str, count: int = FRAMES) -> int:
    return await desk_frames_from(desk, pid, count, WAIT_S)


async def main() -> dict[str, Any]:
    out: dict[str, Any] = {"ok": False, "steps": {}}

    def step(name: str) -> None:
        out["steps"][name] = round(time.monotonic() - T0, 1)

    folder = Path(tempfile.mkdtemp(prefix="janus-page-room-"))
    store: Store | None = None
    server: SignallingServer | None = None
    mediator: RoomDesk | None = None
    try:
        url = f"sqlite:///{folder / 'store.db'}"
        migrate.upgrade(url)
        store = Store(url)
        room = Harness.add_room_to(store, "大调解室", backend="janus", publishers=8)
        async with private_janus(folder / "janus") as janus:
            server = SignallingServer(
                ServerConfig(secret=SECRET, janus=JanusLink(janus.url)),
                StoreQueue(store),
                StoreRoomSeats(store),
            )
            port = await server.start("127.0.0.1", 0)
            base = f"http://127.0.0.1:{port}"
            staff = server.staff_token(21, Role.MEDIATOR, "孙调解员")
            mediator = RoomDesk(
                base_url=base,
                token_provider=lambda: staff,
                name="孙调解员",
                video_size=(320, 240),
                video_fps=15,
                sink_size=(160, 90),
            )
            rec = Recorder(mediator)  # type: ignore[arg-type]
            await mediator.join(room)
            invite = tokens.issue(
                SECRET,
                kind="invite",
                subject="party-b",
                role="citizen",
                ttl_s=600,
                room=room,
                name="乙方",
            )
            async with citizen_page("janus-room") as cdp:
                await cdp.navigate(f"{base}/?invite={invite}")
                await cdp.wait_js("window.citizen && window.citizen.ready === true", WAIT_S)
                await cdp.js(
                    """(() => {
                          document.getElementById('name').value = '乙方';
                          document.getElementById('btn-join').click();
                          return true; })()"""
                )
                knock = await rec.wait(LobbyKnocked, lambda e: e.name == "乙方", WAIT_S)
                out["lobby_janus"] = await cdp.js("window.citizen.janus || null")
                await mediator.admit(knock.participant)
                page_sid = knock.participant
                step("admitted")
                media = await until(lambda: mediator.seat.media, WAIT_S, "the mediator's room")
                pm = mediator.seat.me
                # Media both ways through Janus: the page decodes the mediator, and back.
                await cdp.wait_js(
                    f"window.citizen.janus && window.citizen.janus.room === {media.room} && "
                    f"(window.citizen.peerFrames[{pm!r}] || 0) >= {FRAMES}",
                    WAIT_S,
                )
                out["mediator_from_page"] = await frames_from(mediator, page_sid)
                out["page_janus"] = await cdp.js("window.citizen.janus")
                out["captions"] = await cdp.js(
                    "[...document.querySelectorAll('#grid figcaption')].map(c => c.textContent)"
                )
                step("media")

                # A caucus with 乙方: both move to a new Janus room and see each other again.
                await mediator.caucus([page_sid])
                moved = await until(
                    lambda: (
                        mediator.seat.media
                        and mediator.seat.media.room != media.room
                        and mediator.seat.media
                    ),
                    WAIT_S,
                    "the caucus room",
                )
                await cdp.wait_js(
                    f"window.citizen.janus && window.citizen.janus.room === {moved.room} && "
                    f"(window.citizen.peerFrames[{pm!r}] || 0) >= {FRAMES}",
                    WAIT_S,
                )
                out["mediator_from_page_in_caucus"] = await frames_from(mediator, page_sid)
                step("caucus")

                # Removed: the page says so and holds no Janus room any more.
                await mediator.remove(page_sid)
                await cdp.wait_js("window.citizen.state === 'ended'", WAIT_S)
                out["ended"] = await cdp.js("window.citizen.ended")
                out["page_errors"] = await cdp.js("window.citizen.errors")
                await until(lambda: not mediator.legs(), WAIT_S, "the page's feed gone")
                step("removed")
            await mediator.leave()
            mediator = None
            await until(lambda: not server.hub.janus_plans, WAIT_S, "Janus rooms destroyed")
        out["ok"] = True
    except Exception as exc:
        logging.exception("janus page room failed")
        out["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        if mediator is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(mediator.leave(), 15)
        if server is not None:
            await server.stop()
        if store is not None:
            store.close()
        shutil.rmtree(folder, ignore_errors=True)
    return out


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    quiet_decoder_warnings()
    prepare_namespace()
    print(json.dumps(asyncio.run(main()), ensure_ascii=False, default=str))
