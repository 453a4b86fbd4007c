"""Run inside `unshare -n`: a mesh mediation room with the mediator's desk, an aiortc party
and a headless browser as the other party (the citizen page with an invitation link;
Chromium, or Firefox ESR with BROWSER=firefox).

Prints one JSON object as its last line. Everything stays on the namespace's own `lo`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


from console.core.codes import Role  # noqa: E402
from console.media.peer import set_ice_interfaces  # noqa: E402
from console.services.room_desk import (  # noqa: E402
    ChatPosted,
    LobbyKnocked,
    RoomChanged,
    RoomDesk,
    RoomError,
    RoomEvent,
    SignatureArrived,
)
from tests.clients.browsers import citizen_page, prepare_namespace  # noqa: E402
from tests.clients.support import make_server  # noqa: E402

ROOM = "R9"
# Two strokes on the signature pad, as a finger would draw them.
DRAW = """(() => {
  const pad = document.getElementById('sign-pad');
  const r = pad.getBoundingClientRect();
  const ev = (type, x, y) => pad.dispatchEvent(new PointerEvent(type, {
    pointerId: 1, bubbles: true, clientX: r.left + x, clientY: r.top + y }));
  ev('pointerdown', 20, 80);
  for (let i = 1; i < 40; i++) ev('pointermove', 20 + i * 8, 80 + Math.sin(i / 4) * 40);
  ev('pointerup', 340, 80);
  return Number(pad.dataset.strokes); })()"""


class Events:
    def __init__(self) -> None:
        self.items: list[RoomEvent] = []
        self.changed = asyncio.Event()

    def __call__(self, event: RoomEvent) -> None:
        self.items.append(event)
        self.changed.set()

    async def wait(self, pred: Any, timeout: float = 20.0) -> Any:
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for e in self.items[seen:]:
                if pred(e):
                    return e
            seen = len(self.items)
            self.changed.clear()
            if time.monotonic() > deadline:
                names = [type(e).__name__ for e in self.items[-8:]]
                raise TimeoutError(f"room desk never: last {names}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), deadline - time.monotonic())


async def until(pred: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := pred()):
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(0.05)
    return value


async def frames(desk: RoomDesk, pid: str, count: int) -> int:
    leg = await until(lambda: desk.leg(pid), 30, f"leg to {pid}")
    await asyncio.wait_for(leg.got_video.wait(), 30)
    return await leg.sink.wait_frames(leg.sink.frames_received + count, 30)


async def main() -> dict[str, Any]:
    set_ice_interfaces(["lo"])
    server = make_server()
    port = await server.start("127.0.0.1", 0)
    base = f"http://127.0.0.1:{port}"
    staff = server.staff_token(21, Role.MEDIATOR, "孙调解员")
    # 320×240 sent by the desks: two aiortc encoders and decoders share one Python process
    # with Chromium's two on two cores; at 640×480 the page's video arrived at 2-3 fps.
    mediator = RoomDesk(
        base_url=base,
        token_provider=lambda: staff,
        name="孙调解员",
        video_size=(320, 240),
        sink_size=(160, 90),
    )
    events = Events()
    mediator.subscribe(events)
    invite_a = server.invite_token(ROOM, "party-a", "甲方")
    party = RoomDesk(
        base_url=base,
        token_provider=lambda: invite_a,
        name="甲方",
        video_size=(320, 240),
        sink_size=(160, 90),
        preview=False,
    )
    out: dict[str, Any] = {"ok": False, "steps": {}}
    started = time.monotonic()

    def step(name: str) -> None:
        out["steps"][name] = round(time.monotonic() - started, 1)

    try:
        await mediator.join(ROOM)
        await party.join(ROOM)
        async with citizen_page("room") as cdp:
            invite_b = server.invite_token(ROOM, "party-b", "乙方")
            await cdp.navigate(f"{base}/?invite={invite_b}")
            await cdp.wait_js("window.citizen && window.citizen.ready === true", 20)
            # The invitation page joins without consenting to recording.
            await cdp.js(
                """(() => {
                      document.getElementById('name').value = '乙方';
                      document.getElementById('btn-join').click();
                      return true; })()"""
            )
            for name in ("甲方", "乙方"):
                knock = await events.wait(
                    lambda e, n=name: isinstance(e, LobbyKnocked) and e.name == n
                )
                await mediator.admit(knock.participant)
            await events.wait(
                lambda e: isinstance(e, RoomChanged) and sum(x.admitted for x in e.people) == 3
            )
            step("admitted")
            pa, pm = party.seat.me, mediator.seat.me
            pb = await cdp.wait_js("window.citizen.session", 10)
            out["admitted_view"] = await cdp.wait_js(
                "window.citizen.state === 'call' && window.citizen.state", 20
            )

            # Media every way: the page decodes both, both decode the page.
            await cdp.wait_js(
                f"(window.citizen.peerFrames[{pm!r}] || 0) >= 30 && "
                f"(window.citizen.peerFrames[{pa!r}] || 0) >= 30",
                40,
            )
            # Ten frames each way from the page: Chromium sends 3-7 fps to the aiortc desks on
            # two busy cores here (its encoder backs off); more would only measure that.
            out["mediator_from_page"], out["party_from_page"] = await asyncio.gather(
                frames(mediator, pb, 10), frames(party, pb, 10)
            )
            step("media")
            out["captions"] = await cdp.js(
                "[...document.querySelectorAll('#grid figcaption')].map(c => c.textContent)"
            )

            # Recording needs everyone's consent: refused with 乙方's name, then the
            # page ticks its consent box and recording starts, shown on the page.
            await mediator.set_recording(True)
            refusal = await events.wait(
                lambda e: isinstance(e, RoomError) and e.code == "no_consent"
            )
            out["refusal"] = refusal.text
            await cdp.js("document.getElementById('room-consent').click() || true")
            await until(lambda: not mediator.missing_consent(), 15, "consent arrived")
            await mediator.set_recording(True)
            await cdp.wait_js("window.citizen.recording === true", 15)
            out["rec_shown"] = await cdp.js("!document.getElementById('rec').hidden")

            step("recording")
            # Caucus with 甲方: the page keeps no connection, shows the notice, and its
            # received byte counters stop.
            await mediator.caucus([pa])
            await cdp.wait_js("document.querySelectorAll('#grid figure').length === 0", 15)
            out["caucus_notice"] = await cdp.js(
                "document.getElementById('room-notice').textContent"
            )
            out["mediator_from_a_in_caucus"] = await frames(mediator, pa, 30)
            out["page_peers_in_caucus"] = await cdp.js(
                "document.querySelectorAll('#grid figure').length"
            )
            step("caucus")
            await mediator.return_all()
            await cdp.wait_js(
                f"(window.citizen.peerFrames[{pm!r}] || 0) >= 30 && "
                f"(window.citizen.peerFrames[{pa!r}] || 0) >= 30",
                40,
            )
            out["notice_after_return"] = await cdp.js(
                "document.getElementById('room-notice').textContent"
            )

            step("returned")
            # The mediator shares a document page: the page shows it large with a caption,
            # at the page's own shape (1600×1200 arrives as 960×720), until it stops.
            await mediator.start_share("document", "调解协议草稿")
            mediator.push_share_frame(np.full((1200, 1600, 3), (30, 200, 60), np.uint8))
            await cdp.wait_js("window.citizen.sharing === '调解协议草稿'", 10)
            shared = f"#grid figure[data-peer={pm!r}]"
            await cdp.wait_js(
                f"document.querySelector({shared!r} + ' video')?.videoWidth === 960", 15
            )
            out["share"] = await cdp.js(
                f"""(() => ({{
                  caption: document.getElementById('share-caption').textContent,
                  first: document.querySelector('#grid figure') ===
                         document.querySelector({shared!r}),
                  shared: document.querySelector({shared!r}).classList.contains('shared'),
                }}))()"""
            )
            await mediator.stop_share()
            await cdp.wait_js("window.citizen.sharing === null", 10)
            out["share"]["caption_after"] = await cdp.js(
                "document.getElementById('share-caption').hidden"
            )
            step("shared")
            # Chat from the page reaches the mediator.
            await cdp.js(
                """(() => { document.getElementById('chat-text').value = '我同意调解方案';
                      document.getElementById('chat-form').requestSubmit(); return true; })()"""
            )
            said = await events.wait(lambda e: isinstance(e, ChatPosted) and not e.mine)
            out["chat"] = [said.name, said.text]

            # The agreement on the page, signed with a drawn signature.
            text = "甲乙双方自愿达成如下协议：一、甲方于2026年12月31日前支付乙方工资三万元。"
            sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
            await mediator.show_agreement("1", "人民调解协议书", text, sha, [])
            await cdp.wait_js("!document.getElementById('agreement').hidden", 15)
            out["agreement_text"] = await cdp.js(
                "document.getElementById('agreement-text').textContent"
            )
            out["strokes"] = await cdp.js(DRAW)
            await cdp.js("document.getElementById('sign-send').click() || true")
            signed = await events.wait(lambda e: isinstance(e, SignatureArrived))
            out["signature"] = {
                "name": signed.name,
                "sha_matches": signed.content_sha256 == sha,
                "png": signed.image_png[:8].hex(),
                "bytes": len(signed.image_png),
            }

            # Mute from the mediator; then removal ends the page's session.
            await mediator.mute(pb, audio=True, video=False)
            await cdp.wait_js("window.citizen.muted === true", 10)
            await mediator.remove(pb)
            await cdp.wait_js("window.citizen.state === 'ended'", 10)
            out["ended"] = await cdp.js("window.citizen.ended")
            out["page_errors"] = await cdp.js("window.citizen.errors")
            step("end")
            out["ok"] = True
    except Exception as exc:  # reported as JSON: the pytest side shows it
        out["error"] = repr(exc)
    finally:
        await party.leave()
        await mediator.leave()
        await server.stop()
        set_ice_interfaces(None)
    return out


if __name__ == "__main__":
    prepare_namespace()
    print(json.dumps(asyncio.run(main()), ensure_ascii=False, default=str))
